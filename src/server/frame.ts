/**
 * The text form of one Server-Sent Events block (WHATWG HTML, "Server-sent events", §9.2.5).
 *
 * A block is a run of `field: value` lines closed by a blank line. A line break inside a value would
 * end the field early and start a new one, so data is split into one `data:` line per line (the
 * browser joins them back with `\n`), comments get one `:` line per line, and an event name or id
 * with a line break is refused instead of silently corrupting the stream.
 */

/** One block of an event stream. Every field is optional; `formatFrame({})` is `''`. */
export interface SseFrame {
  /** The message id, kept by the browser as `lastEventId`. No CR, LF or NUL. */
  id?: string;
  /** The event name; absent for an unnamed (`message`) event. No CR or LF. */
  event?: string;
  /** The payload text. Line breaks (CRLF, CR or LF) become separate `data:` lines. */
  data?: string;
  /** Reconnection delay in ms for the browser: a non-negative integer. */
  retry?: number;
  /** A comment, ignored by the browser; each line becomes its own `:` line. */
  comment?: string;
}

const LINE_BREAK = /\r\n|\r|\n/;

/** Throws when `value` would break out of its line. */
function assertSingleLine(field: string, value: string, forbidNul = false): void {
  if (/[\r\n]/.test(value)) throw new TypeError(`SSE ${field} must not contain CR or LF: ${JSON.stringify(value)}`);
  // A browser ignores an id containing NUL, which would silently stop resume from working.
  if (forbidNul && value.includes('\0')) throw new TypeError(`SSE ${field} must not contain NUL: ${JSON.stringify(value)}`);
}

/**
 * Formats one block, ending with the blank line that dispatches it. Field order: comment, `retry`,
 * `id`, `event`, `data`. Throws a `TypeError` for an id or event name with a line break, or a
 * `retry` that is not a non-negative integer.
 *
 * @example
 * formatFrame({ id: '7', event: 'deployment_progress', data: '{"a":1}' })
 * // 'id: 7\nevent: deployment_progress\ndata: {"a":1}\n\n'
 */
export function formatFrame(frame: SseFrame): string {
  let text = '';
  if (frame.comment !== undefined) text += formatComment(frame.comment);
  if (frame.retry !== undefined) {
    if (!Number.isInteger(frame.retry) || frame.retry < 0) throw new TypeError(`SSE retry must be a non-negative integer: ${frame.retry}`);
    text += `retry: ${frame.retry}\n`;
  }
  if (frame.id !== undefined) {
    assertSingleLine('id', frame.id, true);
    text += `id: ${frame.id}\n`;
  }
  if (frame.event !== undefined) {
    assertSingleLine('event name', frame.event);
    text += `event: ${frame.event}\n`;
  }
  if (frame.data !== undefined) {
    for (const line of frame.data.split(LINE_BREAK)) text += `data: ${line}\n`;
  }
  return text === '' ? '' : `${text}\n`;
}

/** Comment lines (`: text`), one per line of `text`, without the closing blank line. */
export function formatComment(text: string): string {
  let out = '';
  for (const line of text.split(LINE_BREAK)) out += line === '' ? ':\n' : `: ${line}\n`;
  return out;
}
