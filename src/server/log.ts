/** Where the hub reports what an operator should know. `console` fits. */
export interface SseLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

/**
 * A client-supplied value as it may appear in a log line: quoted, control characters escaped (no
 * forged lines), and cut to `max` characters with a note of what was left out.
 */
export function quote(value: unknown, max = 120): string {
  const text = String(value);
  const cut = text.length > max ? text.slice(0, max) : text;
  const escaped = JSON.stringify(cut).replace(/[\u0080-\u009f\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > max ? `${escaped}…(${text.length - max} more)` : escaped;
}

/** A warning that repeats at most once per `everyMs`; the repeats in between are counted into the next one. */
export function throttled(logger: SseLogger, everyMs: number, now: () => number = Date.now): (message: string) => void {
  let last = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (message) => {
    const at = now();
    if (at - last < everyMs) {
      suppressed += 1;
      return;
    }
    last = at;
    logger.warn(suppressed > 0 ? `${message} (and ${suppressed} more like it since the last report)` : message);
    suppressed = 0;
  };
}
