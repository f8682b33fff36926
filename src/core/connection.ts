import { realClock, type Clock } from './clock.js';
import type { MessageSink } from './message-target.js';
import type { ConnectionError, ConnectionState } from './store.js';

/** The part of the `EventSource` interface the connection uses; `MockEventSource` has it too. */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
  close(): void;
  /**
   * This library's transports take a sink for their messages, so the connection needs no DOM event
   * per message (see `MessageTarget`); a browser's `EventSource` has no such method.
   */
  attachSink?(sink: MessageSink): void;
}

export interface EventSourceInit {
  withCredentials: boolean;
  /** The id to resume from, for a transport that sends it as the `Last-Event-ID` header. */
  lastEventId?: string;
}

/** Opens one stream. The browser's `EventSource` by default; `MockEventSource` in mock mode. */
export type EventSourceFactory = (url: string, init: EventSourceInit) => EventSourceLike;

/** One message off the stream. */
export interface StreamMessage {
  /** The SSE event name; `message` for an unnamed one. */
  type: string;
  data: string;
  /** The message's own `id:`, or undefined when it carried none. */
  id: string | undefined;
}

export interface ConnectionOptions {
  url: string;
  /** Named events to listen for, besides unnamed `message`s. */
  eventTypes: readonly string[];
  factory?: EventSourceFactory;
  withCredentials?: boolean;
  /** Backoff bounds in ms. Defaults 1000 / 30000. */
  reconnectMin?: number;
  reconnectMax?: number;
  clock?: Clock;
  /** Source of jitter, 0 ≤ x < 1. */
  random?: () => number;
  onMessage(message: StreamMessage): void;
  onStateChange(state: ConnectionState, previous: ConnectionState): void;
  onError(error: ConnectionError): void;
  /** Called when a stream answered; `reconnect` is false for the first one. */
  onOpen?(reconnect: boolean): void;
  /** Called when `staleTimeout` passed with no message or heartbeat; a reopen follows. */
  onStale?(): void;
  /** Called for a message the transport dropped before parsing it whole (over its size limit). */
  onDiscard?(reason: string): void;
  /**
   * How the resume id travels: as the `lastEventId` query parameter (a browser `EventSource`
   * cannot set headers) or in `EventSourceInit.lastEventId` for a transport that sends the header.
   */
  resumeWith?: 'query' | 'header';
  /** No message or heartbeat for this many ms → the stream is treated as dead and reopened. 0 = off. */
  staleTimeout?: number;
  /**
   * Asks the server what refused a stream the transport could not tell about (a browser's
   * `EventSource` that gave up before opening hides the status and the headers): resolves with
   * the status and the `Retry-After` seconds of a request to the same URL.
   */
  probe?(url: string): Promise<StreamRefusal | undefined>;
}

/** Why the server refused a stream: its status, and the seconds it asked to wait. */
export interface StreamRefusal {
  status: number;
  retryAfter?: number;
}

/** The smallest base delay a server's `retry:` can set, in ms. */
const MIN_RETRY = 100;

/** HTTP statuses after which retrying cannot help until something changes (the credentials). */
const AUTH_STATUSES = new Set([401, 403]);
/** A probe unanswered this long (ms) counts as a failure that taught nothing. */
const PROBE_TIMEOUT = 10_000;

const CLOSED = 2;

/**
 * The delay before retry number `attempt` (0-based): exponential from `min`, capped at `max`, with
 * "equal jitter" (half fixed, half random), so clients that failed together spread out but none
 * retries sooner than half the nominal delay.
 */
export function backoffDelay(attempt: number, min: number, max: number, random: () => number = Math.random): number {
  const ceiling = Math.min(Math.max(min, max), min * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

const defaultFactory: EventSourceFactory = (url, init) => new EventSource(url, init);

/**
 * A connection that never gives up until told to.
 *
 * States: `connecting` while a stream is being opened, `open` once it answered, `closed` while
 * waiting to retry and after `disconnect()`. Every failure — a dropped socket, or a browser
 * `EventSource` that gave up for good after an HTTP error status or a wrong content type — closes
 * the stream and opens a new one after an exponential backoff with jitter, resuming from the last
 * event id (sent as the `lastEventId` query parameter, since a native `EventSource` cannot set
 * headers).
 *
 * A refusal that says how long to wait (`Retry-After` on a 429 or 503, as the fetch transport
 * reports it in its `error` event's `retryAfter`) is honoured: no stream opens before then, however
 * the next attempt is asked for. A browser's `EventSource` hides the status and headers of a
 * refusal; with a `probe`, the connection asks the same URL once what refused it, and probes again
 * only after a stream has opened or while the server keeps asking to wait.
 */
export class SseConnection {
  #options: ConnectionOptions;
  #clock: Clock;
  #random: () => number;
  #source: EventSourceLike | undefined;
  #listeners: [string, (event: Event) => void][] = [];
  #retryTimer: unknown;
  #state: ConnectionState = 'closed';
  #attempt = 0;
  #opened = 0;
  #active = false;
  #lastEventId: string | undefined;
  /** The `lastEventId` of the previous message on this stream: a message repeating it carried no id of its own. */
  #streamId = '';
  /** A server's `retry:` replaces `reconnectMin` as the base delay. */
  #retryBase: number | undefined;
  #staleTimer: unknown;
  #lastActivity = 0;
  /** No stream opens before this time (epoch ms of the clock): the server's `Retry-After`. */
  #notBefore = 0;
  /** Whether a stream that fails before opening is probed; off after a probe that learnt no wait. */
  #probing = true;
  /** The probe in flight: a newer attempt or `disconnect()` makes its answer moot. */
  #probe: object | undefined;
  /** Gives up on a probe nobody answers. */
  #probeTimer: unknown;

  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#random = options.random ?? Math.random;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The id to resume from. */
  get lastEventId(): string | undefined {
    return this.#lastEventId;
  }

  set lastEventId(id: string | undefined) {
    this.#lastEventId = id;
  }

  /** Opens the stream unless it is already open or opening. */
  connect(): void {
    if (this.#active) return;
    this.#active = true;
    this.#attempt = 0;
    this.#open();
  }

  /** Closes the stream and stops retrying. */
  disconnect(): void {
    this.#active = false;
    this.#cancelProbe();
    this.#cancelRetry();
    this.#closeSource();
    this.#setState('closed');
  }

  #cancelProbe(): void {
    this.#probe = undefined;
    if (this.#probeTimer !== undefined) this.#clock.clearTimeout(this.#probeTimer);
    this.#probeTimer = undefined;
  }

  /** True while a stream is open or a retry is pending: between `connect()` and `disconnect()`. */
  get active(): boolean {
    return this.#active;
  }

  /** Whether the stream went longer than `staleTimeout` without a message or heartbeat. */
  get stale(): boolean {
    const timeout = this.#options.staleTimeout ?? 0;
    return timeout > 0 && this.#state === 'open' && this.#clock.now() - this.#lastActivity > timeout;
  }

  /** Closes the stream and opens a new one now, resuming from the last id. */
  reconnect(): void {
    this.#cancelRetry();
    this.#closeSource();
    this.#active = true;
    this.#attempt = 0;
    this.#open();
  }

  /** The delay before retry number `attempt` (0-based): exponential, capped, with jitter. */
  backoff(attempt: number): number {
    return backoffDelay(attempt, this.#retryBase ?? this.#options.reconnectMin ?? 1000, this.#options.reconnectMax ?? 30000, this.#random);
  }

  #open(): void {
    this.#cancelProbe();
    // Not before the server said: however the attempt came (a retry, `online`, `reconnect()`).
    const wait = this.#notBefore - this.#clock.now();
    if (wait > 0) return this.#retryIn(wait);
    this.#streamId = '';
    this.#setState('connecting');
    let source: EventSourceLike;
    let url = this.#options.url;
    try {
      const factory = this.#options.factory ?? defaultFactory;
      const init: EventSourceInit = { withCredentials: this.#options.withCredentials ?? false };
      if (this.#options.resumeWith === 'header') {
        if (this.#lastEventId !== undefined) init.lastEventId = this.#lastEventId;
      } else url = this.#resumeUrl();
      source = factory(url, init);
    } catch (error) {
      // A malformed URL throws synchronously; it is reported and retried like any failure.
      this.#fail(`Could not open the stream: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.#source = source;
    const listen = (type: string, listener: (event: Event) => void) => {
      source.addEventListener(type, listener);
      this.#listeners.push([type, listener]);
    };
    listen('open', () => {
      if (this.#source !== source) return;
      this.#attempt = 0;
      this.#probing = true;
      this.#alive();
      this.#setState('open');
      // Connections opened after the first: failed attempts before any opened do not count.
      this.#opened += 1;
      this.#options.onOpen?.(this.#opened > 1);
    });
    // Extra notifications of a transport that can see them (the fetch transport); a browser
    // `EventSource` never fires these.
    listen('heartbeat', () => {
      if (this.#source === source) this.#alive();
    });
    listen('retry', (event) => {
      const ms = (event as CustomEvent<number>).detail;
      // Floored, so a `retry: 0` cannot turn a failing server into a tight loop.
      if (this.#source === source && Number.isFinite(ms) && ms >= 0) this.#retryBase = Math.max(MIN_RETRY, ms);
    });
    listen('id', (event) => {
      const id = (event as CustomEvent<string>).detail;
      if (this.#source !== source || typeof id !== 'string') return;
      this.#alive();
      this.#streamId = id;
      this.#lastEventId = id === '' ? undefined : id;
    });
    listen('discard', (event) => {
      const detail = (event as CustomEvent<{ limit?: number }>).detail;
      if (this.#source === source) this.#options.onDiscard?.(`message longer than ${detail?.limit ?? 'the limit of'} characters`);
    });
    listen('error', (event) => {
      if (this.#source !== source) return;
      const { status, retryAfter } = event as Event & StreamRefusal;
      if (status !== undefined && AUTH_STATUSES.has(status)) {
        // Retrying with the same credentials only hammers the server; `reconnect()` tries again.
        this.#active = false;
        this.#fail(`The server refused authorization (HTTP ${status})`, status);
        return;
      }
      const gaveUp = source.readyState === CLOSED;
      const message = this.#state === 'open'
        ? 'The stream was interrupted'
        : gaveUp
          ? 'The stream could not be opened (HTTP error or wrong content type)'
          : 'The stream could not be opened';
      const probe = this.#options.probe;
      if (probe && gaveUp && status === undefined && this.#state !== 'open' && this.#probing) {
        // Closed and quiet while the probe asks (state `closed`, no timer), then reported as one failure.
        this.#closeSource();
        this.#setState('closed');
        const token = (this.#probe = {});
        const report = (refusal?: StreamRefusal) => {
          if (this.#probe !== token) return;
          this.#cancelProbe();
          this.#probing = refusal?.retryAfter !== undefined;
          this.#fail(message, refusal?.status, refusal?.retryAfter);
        };
        // A probe nobody answers must not leave the stream dead: after the first backoff step it
        // counts as a failure that taught nothing.
        this.#probeTimer = this.#clock.setTimeout(() => report(), PROBE_TIMEOUT);
        probe(url).then(report, () => report());
        return;
      }
      this.#fail(message, status, retryAfter);
    });
    const types = new Set(['message', ...this.#options.eventTypes]);
    const receive = (type: string, data: string, lastEventId: string, hasId: boolean | undefined) => {
      if (this.#source !== source || !types.has(type)) return;
      this.#alive();
      // A browser's EventSource repeats the last id on a message without one; a transport that
      // knows (`hasId`) says so, otherwise an unchanged id means the message carried none.
      const own = hasId ?? lastEventId !== this.#streamId;
      this.#streamId = lastEventId;
      const id = own && lastEventId !== '' ? lastEventId : undefined;
      if (id !== undefined) this.#lastEventId = id;
      this.#options.onMessage({ type, data, id });
    };
    if (source.attachSink) {
      source.attachSink(receive);
      return;
    }
    const onMessage = (event: Event) => {
      const message = event as MessageEvent & { hasId?: boolean };
      receive(event.type, typeof message.data === 'string' ? message.data : String(message.data), message.lastEventId ?? '', message.hasId);
    };
    for (const type of types) listen(type, onMessage);
  }

  /**
   * Anything heard from the stream proves it alive. One timer runs per stream: when it fires early
   * (something was heard since it was set) it waits out the rest, so a message costs no timer call.
   */
  #alive(): void {
    // Without a stale timeout nothing reads the time: a message costs no clock call.
    const timeout = this.#options.staleTimeout ?? 0;
    if (timeout <= 0) return;
    this.#lastActivity = this.#clock.now();
    if (this.#staleTimer === undefined) this.#armStale(timeout);
  }

  #armStale(delay: number): void {
    const timeout = this.#options.staleTimeout ?? 0;
    if (timeout <= 0) return;
    this.#staleTimer = this.#clock.setTimeout(() => {
      this.#staleTimer = undefined;
      if (!this.#source || !this.#active) return;
      const quiet = this.#clock.now() - this.#lastActivity;
      if (quiet < timeout) {
        this.#armStale(timeout - quiet);
        return;
      }
      this.#options.onStale?.();
      this.#fail(`No message or heartbeat for ${timeout} ms`);
    }, delay);
  }

  #cancelStale(): void {
    if (this.#staleTimer !== undefined) this.#clock.clearTimeout(this.#staleTimer);
    this.#staleTimer = undefined;
  }

  #fail(message: string, status?: number, retryAfter?: number): void {
    this.#closeSource();
    this.#setState('closed');
    const error: ConnectionError = { message, willRetry: this.#active };
    if (status !== undefined) error.status = status;
    if (retryAfter !== undefined) error.retryAfter = retryAfter;
    this.#options.onError(error);
    if (!this.#active) return;
    let delay = this.backoff(this.#attempt);
    this.#attempt += 1;
    if (retryAfter !== undefined) {
      // At least what the server asked, plus a first backoff step so that the clients it refused
      // together do not all come back in the same instant.
      delay = Math.max(delay, retryAfter * 1000 + this.backoff(0));
      this.#notBefore = this.#clock.now() + delay;
    }
    this.#retryIn(delay);
  }

  #retryIn(delay: number): void {
    this.#cancelRetry();
    this.#retryTimer = this.#clock.setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#active) this.#open();
    }, delay);
  }

  #resumeUrl(): string {
    const url = this.#options.url;
    if (this.#lastEventId === undefined) return url;
    const base = typeof location !== 'undefined' ? location.href : 'http://localhost/';
    const resolved = new URL(url, base);
    resolved.searchParams.set('lastEventId', this.#lastEventId);
    // Keep a relative URL relative, as the page gave it.
    return /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//') ? resolved.href : resolved.pathname + resolved.search + resolved.hash;
  }

  #closeSource(): void {
    this.#cancelStale();
    const source = this.#source;
    if (!source) return;
    this.#source = undefined;
    for (const [type, listener] of this.#listeners) source.removeEventListener(type, listener);
    this.#listeners = [];
    source.close();
  }

  #cancelRetry(): void {
    if (this.#retryTimer !== undefined) this.#clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #setState(state: ConnectionState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.#options.onStateChange(state, previous);
  }
}
