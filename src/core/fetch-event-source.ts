import type { EventSourceLike, StreamRefusal } from './connection.js';
import { SseParser, type SseDiscard, type SseEvent } from './sse-parser.js';
import { MessageTarget } from './message-target.js';
import { readLimits } from './rate-limit.js';
import type { RateLimitInfo } from './store.js';

export type HeaderRecord = Record<string, string>;

/** Request headers, or a function (possibly async) that returns them, called once per connection. */
export type HeadersSource = HeaderRecord | (() => HeaderRecord | Promise<HeaderRecord>);

export interface FetchEventSourceInit {
  /** Send cookies and HTTP auth cross-origin (`credentials: 'include'`); same-origin otherwise. */
  withCredentials?: boolean;
  /** Extra request headers, e.g. `Authorization`. A function is called here, on each construction. */
  headers?: HeadersSource;
  /** Sent as the `Last-Event-ID` header (UTF-8) when not empty. */
  lastEventId?: string;
  /** The `fetch` to use; the global one by default. */
  fetch?: typeof globalThis.fetch;
  /** Longest line, and longest event data, kept by the parser; see `SseParser`. */
  maxLength?: number;
  /** Called with the rate-limit figures the response carried (`RateLimit`, `X-RateLimit-*`), if sound. */
  onRateLimit?(figures: RateLimitInfo): void;
}

/** The `error` event: why the stream closed, with the HTTP status when the server answered one. */
export class SseErrorEvent extends Event {
  /** The HTTP status, when a response arrived but was refused (not 200, or not an event stream). */
  readonly status: number | undefined;
  readonly message: string;
  /** Seconds the server asked to wait before trying again (`Retry-After`, or a `429`'s quota reset). */
  readonly retryAfter: number | undefined;

  constructor(message: string, status?: number, retryAfter?: number) {
    super('error');
    this.message = message;
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/**
 * A message off the stream. Like a browser's, its `lastEventId` is the last id seen on this stream,
 * so a message without an `id:` repeats the previous one; `hasId` says whether it carried its own.
 */
export class SseMessageEvent extends MessageEvent<string> {
  readonly hasId: boolean;

  constructor(type: string, init: MessageEventInit<string> & { hasId: boolean }) {
    super(type, init);
    this.hasId = init.hasId;
  }
}

/** Main-thread time the stream's parsing may take in one task before it yields, in ms. */
const SLICE_MS = 8;
/** Characters parsed between two looks at the clock: about 80 events of 200 bytes. */
const PIECE = 16 * 1024;

const now = (): number => (typeof performance === 'undefined' ? Date.now() : performance.now());

/**
 * Lets the event loop run (rendering, input, other tasks) and resumes after: `scheduler.yield()`
 * where the browser has it (the continuation goes ahead of other queued tasks), else a message
 * to a channel of its own (a new task, without the clamp of nested timers).
 */
function yieldToEventLoop(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

/** An id may hold any character; a header value is bytes, so it goes as UTF-8, as a browser sends it. */
function headerBytes(value: string): string {
  let bytes = '';
  for (const byte of new TextEncoder().encode(value)) bytes += String.fromCharCode(byte);
  return bytes;
}

function originOf(url: string): string {
  try {
    return new URL(url, globalThis.location?.href).origin;
  } catch {
    return '';
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An `EventSource` over a streaming `fetch`, so that a stream can carry headers (an
 * `Authorization` token), send `Last-Event-ID` on a connection it opens itself, and expose what a
 * browser's `EventSource` hides: comment heartbeats, `retry:` and id-only blocks.
 *
 * However fast the stream (a preload of a hundred thousand lines arrives a megabyte per read), its
 * parsing and the work its messages cause take at most about 8 ms of main-thread time per task:
 * between slices it yields (`scheduler.yield()`), so frames are drawn and input is handled while it
 * loads.
 *
 * One instance is one HTTP request. It never reconnects by itself: when the response is refused or
 * the stream ends or breaks, it fires `error` with `readyState` CLOSED and stays closed — the
 * connection layer decides whether and when to open another (and with which headers and id). The
 * id buffer starts empty on every instance, as a newly opened browser `EventSource`'s does.
 *
 * Events, all dispatched after the constructor returns:
 *
 * @fires open - The response is 200 with `Content-Type: text/event-stream`; `readyState` is OPEN.
 * @fires message - An unnamed event, as an `SseMessageEvent` (`data`, `lastEventId`, `origin`, `hasId`).
 * @fires {SseMessageEvent} <type> - A named event (`event: <type>`), the same shape.
 * @fires error - An `SseErrorEvent` with `message` and, when the server answered but was refused
 *   (a status other than 200 — 401 and 403 included — or the wrong content type), `status`.
 *   Also when the network fails, the stream ends, or the headers function throws. `readyState` is
 *   CLOSED by then, always.
 * @fires heartbeat - `CustomEvent<string>`: a comment line (`: keep-alive`); `detail` is its text
 *   without the colon and one following space.
 * @fires retry - `CustomEvent<number>`: a valid `retry:` field; `detail` is the delay in ms.
 * @fires id - `CustomEvent<string>`: a block set the last event id but carried no data, so no
 *   message follows; `detail` is the id (empty means the server reset it).
 * @fires discard - `CustomEvent<SseDiscard>`: an event was dropped because a line or its data was
 *   longer than `maxLength`; the stream goes on.
 */
export class FetchEventSource extends MessageTarget implements EventSourceLike {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSED = CLOSED;

  readonly url: string;
  readonly withCredentials: boolean;
  #readyState = CONNECTING;
  #abort = new AbortController();
  /** `close()` was called: nothing more is dispatched. */
  #closed = false;
  /** When the main-thread time the stream is spending in the current task began (`performance.now()`). */
  #sliceStart = 0;

  constructor(url: string, init: FetchEventSourceInit = {}) {
    super();
    this.url = url;
    this.withCredentials = init.withCredentials ?? false;
    // Called now, once per connection, so a token can be refreshed between connections; an async
    // function or one that throws is handled inside `#run`, after the caller has added listeners.
    const headers = (async () => (typeof init.headers === 'function' ? init.headers() : init.headers))();
    void this.#run(headers, init);
  }

  /** 0 connecting, 1 open, 2 closed — as `EventSource`. */
  get readyState(): number {
    return this.#readyState;
  }

  /** Aborts the request. Fires nothing, as `EventSource.close()`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#readyState = CLOSED;
    this.#abort.abort();
  }

  async #run(headersSource: Promise<HeaderRecord | undefined>, init: FetchEventSourceInit): Promise<void> {
    let response: Response;
    try {
      const extra = await headersSource;
      if (this.#closed) return;
      const headers = new Headers({ Accept: 'text/event-stream' });
      for (const [name, value] of Object.entries(extra ?? {})) headers.set(name, value);
      if (init.lastEventId) headers.set('Last-Event-ID', headerBytes(init.lastEventId));
      const fetch = init.fetch ?? globalThis.fetch.bind(globalThis);
      response = await fetch(this.url, {
        headers,
        credentials: this.withCredentials ? 'include' : 'same-origin',
        // A cached copy of a live stream is never what is wanted.
        cache: 'no-store',
        signal: this.#abort.signal,
      });
    } catch (error) {
      this.#fail(`The stream could not be opened: ${reason(error)}`);
      return;
    }
    if (this.#closed) return;

    const limits = readLimits(response.headers, response.status, 'stream');
    if (limits.rateLimit) init.onRateLimit?.(limits.rateLimit);
    const type = response.headers.get('Content-Type') ?? '';
    const essence = type.split(';')[0]!.trim().toLowerCase();
    if (response.status !== 200 || essence !== 'text/event-stream' || !response.body) {
      // Free the connection; nobody reads an error body here.
      response.body?.cancel().catch(() => {});
      const message =
        response.status !== 200
          ? `The server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
          : essence !== 'text/event-stream'
            ? `The server answered ${type ? `Content-Type ${type}` : 'no Content-Type'}, not text/event-stream`
            : 'The response has no body';
      this.#fail(message, response.status, limits.retryAfter);
      return;
    }

    const origin = originOf(response.url || this.url);
    // The DOM event is built only for a type someone listens to: one factory, not one per message.
    let current: SseEvent | undefined;
    const create = () => new SseMessageEvent(current!.type, { data: current!.data, lastEventId: current!.id, origin, hasId: current!.hasId });
    const parser = new SseParser(
      (event) => {
        if (this.#closed) return;
        current = event;
        this.deliver(event.type, event.data, event.id, event.hasId, create);
      },
      {
        onId: (id, withEvent) => {
          if (!this.#closed && !withEvent) this.dispatchEvent(new CustomEvent<string>('id', { detail: id }));
        },
        onRetry: (ms) => {
          if (!this.#closed) this.dispatchEvent(new CustomEvent<number>('retry', { detail: ms }));
        },
        onComment: (text) => {
          if (!this.#closed) this.dispatchEvent(new CustomEvent<string>('heartbeat', { detail: text }));
        },
        onDiscard: (discard) => {
          if (!this.#closed) this.dispatchEvent(new CustomEvent<SseDiscard>('discard', { detail: discard }));
        },
      },
      { maxLength: init.maxLength },
    );
    // The BOM is left for the parser to strip, so that exactly one leading BOM is removed.
    const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

    this.#readyState = OPEN;
    this.dispatchEvent(new Event('open'));
    const reader = response.body.getReader();
    try {
      for (;;) {
        if (this.#closed) return;
        const asked = now();
        const { done, value } = await reader.read();
        if (this.#closed) return;
        if (done) break;
        // A read that waited ran in a task of its own: a new slice of main-thread time starts.
        if (now() - asked > 1) this.#sliceStart = now();
        await this.#parse(parser, decoder.decode(value, { stream: true }));
      }
    } catch (error) {
      this.#fail(`The stream was interrupted: ${reason(error)}`);
      return;
    }
    if (this.#closed) return;
    parser.feed(decoder.decode());
    parser.end();
    this.#fail('The stream ended');
  }

  /**
   * Parses `text` (everything a read returned, up to a megabyte when the page reads slower than
   * the server writes) in pieces of about `PIECE` characters cut after a line end, and gives the
   * main thread back — so a frame can be drawn and input handled — whenever this task has spent
   * `SLICE_MS` on it: however fast the stream, no task grows long because of it.
   */
  async #parse(parser: SseParser, text: string): Promise<void> {
    let from = 0;
    while (from < text.length) {
      let to = text.length;
      if (to - from > PIECE) {
        const cut = text.indexOf('\n', from + PIECE);
        if (cut !== -1) to = cut + 1;
      }
      parser.feed(from === 0 && to === text.length ? text : text.slice(from, to));
      from = to;
      if (this.#closed) return;
      if (from < text.length && now() - this.#sliceStart >= SLICE_MS) {
        await yieldToEventLoop();
        if (this.#closed) return;
        this.#sliceStart = now();
      }
    }
  }

  #fail(message: string, status?: number, retryAfter?: number): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#readyState = CLOSED;
    this.#abort.abort();
    this.dispatchEvent(new SseErrorEvent(message, status, retryAfter));
  }
}

/**
 * Asks a stream's URL what a browser's `EventSource` cannot tell: one `GET` as the `EventSource`
 * would make it (`Accept: text/event-stream`, its credentials), whose status, `Retry-After` and
 * rate-limit figures are read before the request is aborted — nothing of the body is read.
 * Resolves undefined when no answer came. A cross-origin server must expose the headers
 * (`Access-Control-Expose-Headers`) for them to be read; the status is always readable.
 */
export async function probeStream(url: string, init: Pick<FetchEventSourceInit, 'withCredentials' | 'fetch' | 'onRateLimit'> = {}): Promise<StreamRefusal | undefined> {
  const abort = new AbortController();
  try {
    const fetch = init.fetch ?? globalThis.fetch.bind(globalThis);
    const response = await fetch(url, {
      headers: { Accept: 'text/event-stream' },
      credentials: init.withCredentials ? 'include' : 'same-origin',
      cache: 'no-store',
      signal: abort.signal,
    });
    const limits = readLimits(response.headers, response.status, 'stream');
    if (limits.rateLimit) init.onRateLimit?.(limits.rateLimit);
    const refusal: StreamRefusal = { status: response.status };
    if (limits.retryAfter !== undefined) refusal.retryAfter = limits.retryAfter;
    return refusal;
  } catch {
    return undefined;
  } finally {
    abort.abort();
  }
}
