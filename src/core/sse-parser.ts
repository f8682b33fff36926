/**
 * An incremental parser for the `text/event-stream` format, following the WHATWG "event stream
 * interpretation" rules: https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 *
 * It is fed text in chunks of any size, cut anywhere, and produces exactly what it would for the
 * whole stream at once — including a CR at the end of one chunk followed by an LF at the start of
 * the next, which is one line end, not two.
 */

/** One dispatched event. */
export interface SseEvent {
  /** The `event:` field, or `message` when the block had none (or an empty one). */
  type: string;
  /** The `data:` lines joined with LF. */
  data: string;
  /** The last-event-id buffer after this event: its own `id:`, or the one before it persists. */
  id: string;
  /** Whether this block carried an `id:` field of its own (one without NUL). */
  hasId: boolean;
}

/** Why an event was dropped instead of dispatched. */
export interface SseDiscard {
  /** `line`: one line grew past the limit; `data`: the event's data lines together did. */
  kind: 'line' | 'data';
  /** The limit that was crossed, in UTF-16 code units. */
  limit: number;
}

export interface SseParserHooks {
  /**
   * A block that carried an `id:` field ended: the last event id is now `id` (possibly empty,
   * which means "forget it"). `withEvent` is true when the block also dispatches an event, which
   * follows at once; false for an id-only block. Not called for a final unterminated block,
   * since its id was never confirmed by a blank line.
   */
  onId?(id: string, withEvent: boolean): void;
  /** A `retry:` field made only of ASCII digits, as milliseconds (clamped to a safe integer). */
  onRetry?(ms: number): void;
  /** A comment line (one starting with `:`), without the colon and one following space. */
  onComment?(text: string): void;
  /** The event being built was dropped because it outgrew the size limit. */
  onDiscard?(discard: SseDiscard): void;
}

export interface SseParserOptions {
  /**
   * The longest line, and the longest data of one event, the parser keeps, in UTF-16 code units.
   * Default `DEFAULT_MAX_LENGTH`: a 1 MiB payload plus room for its field names and envelope.
   */
  maxLength?: number;
}

/** 1 MiB plus 64 KiB: a megabyte message fits, a ten-megabyte garbage line does not. */
export const DEFAULT_MAX_LENGTH = 1024 * 1024 + 64 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const BOM = '\ufeff';
const LINE_END = /[\r\n]/g;
const DIGITS = /^[0-9]+$/;

/**
 * Parses a stream of text into events.
 *
 * Memory is bounded by `maxLength`: a line longer than that is not kept — the parser skips to its
 * end without storing it — and the event it belongs to is dropped (reported through `onDiscard`),
 * as is an event whose data lines together grow past it. The other fields of that block still
 * count, so an `id:` in it still moves the last event id, as for an id-only block: the server's
 * position in the stream is honoured even though its content was refused. An over-long comment
 * line is skipped without affecting the event around it. The partial line, the data, the event
 * name and the id are each at most `maxLength`, so `buffered` never exceeds four times that.
 */
export class SseParser {
  readonly maxLength: number;
  #onEvent: (event: SseEvent) => void;
  #hooks: SseParserHooks;
  /** The start of a line whose end has not arrived yet. */
  #pending = '';
  /** The current line outgrew the limit: drop text until its end. */
  #skipping = false;
  /** The last chunk ended with CR: an LF starting the next one belongs to the same line end. */
  #afterCR = false;
  /** Nothing but empty chunks seen yet, so a BOM may still come. */
  #atStart = true;
  /** The event's data lines so far, joined with LF. */
  #data = '';
  /** Whether the event has a data line (its data may still be empty). */
  #hasData = false;
  #type = '';
  #idBuffer = '';
  #lastEventId = '';
  #blockHasId = false;
  #blockDiscarded = false;

  constructor(onEvent: (event: SseEvent) => void, hooks: SseParserHooks = {}, options: SseParserOptions = {}) {
    this.#onEvent = onEvent;
    this.#hooks = hooks;
    this.maxLength = Math.max(1, Math.floor(options.maxLength ?? DEFAULT_MAX_LENGTH));
  }

  /** The last event id as of the last dispatched block (the WHATWG "last event ID string"). */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  /** UTF-16 code units held between chunks: the partial line and the event being built. */
  get buffered(): number {
    return this.#pending.length + this.#data.length + this.#type.length + this.#idBuffer.length;
  }

  /** Parses the next piece of the stream. */
  feed(chunk: string): void {
    if (chunk.length === 0) return;
    let start = 0;
    if (this.#atStart) {
      this.#atStart = false;
      if (chunk.startsWith(BOM)) start = 1;
    }
    if (this.#afterCR) {
      this.#afterCR = false;
      if (chunk.charCodeAt(start) === LF) start += 1;
    }
    const length = chunk.length;
    // Most servers end lines with LF alone: without a CR in the chunk, `indexOf` finds each end.
    const lfOnly = chunk.indexOf('\r', start) === -1;
    while (start < length) {
      let end: number;
      if (lfOnly) end = chunk.indexOf('\n', start);
      else {
        LINE_END.lastIndex = start;
        end = LINE_END.exec(chunk)?.index ?? -1;
      }
      if (end === -1) {
        this.#hold(chunk, start, length);
        return;
      }
      let next = end + 1;
      if (!lfOnly && chunk.charCodeAt(end) === CR) {
        if (next === length) this.#afterCR = true;
        else if (chunk.charCodeAt(next) === LF) next += 1;
      }
      if (this.#pending.length === 0 && !this.#skipping) {
        // The whole line is in this chunk: its fields are read in place, with no copy of the line.
        if (end - start <= this.maxLength) this.#line(chunk, start, end);
        else if (chunk.charCodeAt(start) !== 0x3a /* ':' */) this.#discard('line');
      } else {
        this.#hold(chunk, start, end);
        const line = this.#pending;
        const skipped = this.#skipping;
        this.#pending = '';
        this.#skipping = false;
        if (!skipped) this.#line(line, 0, line.length);
      }
      start = next;
    }
  }

  /**
   * The stream ended. A partial line and an event without its closing blank line are discarded,
   * as the standard says; the last event id stays.
   */
  end(): void {
    this.#pending = '';
    this.#skipping = false;
    this.#afterCR = false;
    // An id from the block that never ended was never confirmed.
    this.#idBuffer = this.#lastEventId;
    this.#clearBlock();
  }

  /** Forgets everything, the last event id included, ready for a new stream. */
  reset(): void {
    this.end();
    this.#atStart = true;
    this.#idBuffer = '';
    this.#lastEventId = '';
  }

  /** Keeps `chunk[from, to)` as part of the current line, unless the line is too long. */
  #hold(chunk: string, from: number, to: number): void {
    if (this.#skipping || from === to) return;
    if (this.#pending.length + (to - from) <= this.maxLength) {
      this.#pending += chunk.slice(from, to);
      return;
    }
    // The first character tells a comment apart, and a line is never empty here.
    const first = this.#pending.length > 0 ? this.#pending.charCodeAt(0) : chunk.charCodeAt(from);
    this.#pending = '';
    this.#skipping = true;
    if (first !== 0x3a /* ':' */) this.#discard('line');
  }

  /** Takes the line `text[start, end)`. */
  #line(text: string, start: number, end: number): void {
    if (start === end) {
      this.#dispatch();
      return;
    }
    // The longest field name the parser knows is five characters: a colon further on can only end
    // a name it ignores, so the search stops there (a line with no colon costs no scan of the
    // rest of the chunk).
    const limit = Math.min(end, start + 6);
    let colon = start;
    while (colon < limit && text.charCodeAt(colon) !== 0x3a) colon++;
    if (colon === limit) colon = -1;
    if (colon === start) {
      const onComment = this.#hooks.onComment;
      if (onComment) onComment(text.slice(start + 1 < end && text.charCodeAt(start + 1) === 0x20 ? start + 2 : start + 1, end));
      return;
    }
    // Without a colon the whole line is the field name and the value is empty.
    let fieldEnd = end;
    let valueStart = end;
    if (colon !== -1 && colon < end) {
      fieldEnd = colon;
      valueStart = colon + 1 < end && text.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1;
    }
    // Field names compared in place, by length first: no string is made for them.
    switch (fieldEnd - start) {
      case 4:
        if (text.startsWith('data', start)) this.#dataLine(text.slice(valueStart, end));
        break;
      case 5:
        if (text.startsWith('event', start)) {
          if (!this.#blockDiscarded) this.#type = text.slice(valueStart, end);
        } else if (text.startsWith('retry', start)) {
          const value = text.slice(valueStart, end);
          if (DIGITS.test(value)) this.#hooks.onRetry?.(Math.min(Number(value), Number.MAX_SAFE_INTEGER));
        }
        break;
      case 2:
        if (text.startsWith('id', start)) {
          const value = text.slice(valueStart, end);
          if (value.includes('\0')) break;
          this.#idBuffer = value;
          this.#blockHasId = true;
        }
        break;
      default:
        // Unknown fields are ignored, as the standard says.
        break;
    }
  }

  #dataLine(value: string): void {
    if (this.#blockDiscarded) return;
    // Counted as the standard builds it: every data line followed by LF.
    const held = this.#hasData ? this.#data.length + 1 : 0;
    if (held + value.length + 1 > this.maxLength) this.#discard('data');
    else {
      // Joined with LF as they come, so a one-line event's data is its line's value as is.
      this.#data = this.#hasData ? `${this.#data}\n${value}` : value;
      this.#hasData = true;
    }
  }

  #discard(kind: SseDiscard['kind']): void {
    if (!this.#blockDiscarded) this.#hooks.onDiscard?.({ kind, limit: this.maxLength });
    this.#blockDiscarded = true;
    this.#data = '';
    this.#hasData = false;
    this.#type = '';
  }

  #dispatch(): void {
    this.#lastEventId = this.#idBuffer;
    const hasId = this.#blockHasId;
    const hasData = this.#hasData;
    const data = this.#data;
    const type = this.#type;
    this.#clearBlock();
    if (hasId) this.#hooks.onId?.(this.#lastEventId, hasData);
    if (!hasData) return;
    this.#onEvent({ type: type === '' ? 'message' : type, data, id: this.#lastEventId, hasId });
  }

  #clearBlock(): void {
    this.#data = '';
    this.#hasData = false;
    this.#type = '';
    this.#blockHasId = false;
    this.#blockDiscarded = false;
  }
}

/**
 * The byte front end: decodes UTF-8 across chunk boundaries (a character may be cut anywhere)
 * and hands the text to an `SseParser`. Invalid bytes become U+FFFD; it never throws. The BOM
 * is left for the parser to strip, so that exactly one leading BOM is removed.
 */
export class SseByteParser {
  readonly parser: SseParser;
  #decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

  constructor(parser: SseParser) {
    this.parser = parser;
  }

  feed(bytes: Uint8Array): void {
    this.parser.feed(this.#decoder.decode(bytes, { stream: true }));
  }

  /** The stream ended: a cut-off character becomes U+FFFD, then the parser drops what is unfinished. */
  end(): void {
    this.parser.feed(this.#decoder.decode());
    this.parser.end();
  }

  reset(): void {
    this.#decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
    this.parser.reset();
  }
}
