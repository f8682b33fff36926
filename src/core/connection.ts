import { realClock, type Clock } from './clock.js';
import type { ConnectionError, ConnectionState } from './store.js';

/** The part of the `EventSource` interface the connection uses; `MockEventSource` has it too. */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
  close(): void;
}

export interface EventSourceInit {
  withCredentials: boolean;
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
}

const CLOSED = 2;

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
    this.#cancelRetry();
    this.#closeSource();
    this.#setState('closed');
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
    const min = this.#options.reconnectMin ?? 1000;
    const max = Math.max(min, this.#options.reconnectMax ?? 30000);
    const ceiling = Math.min(max, min * 2 ** Math.min(attempt, 30));
    // "Equal jitter": half fixed, half random, so clients that failed together spread out
    // but none retries sooner than half the nominal delay.
    return Math.round(ceiling / 2 + (this.#random() * ceiling) / 2);
  }

  #open(): void {
    const reconnect = this.#opened > 0;
    this.#opened += 1;
    this.#streamId = '';
    this.#setState('connecting');
    let source: EventSourceLike;
    try {
      const factory = this.#options.factory ?? defaultFactory;
      source = factory(this.#resumeUrl(), { withCredentials: this.#options.withCredentials ?? false });
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
      this.#setState('open');
      this.#options.onOpen?.(reconnect);
    });
    listen('error', (event) => {
      if (this.#source !== source) return;
      const status = (event as Event & { status?: number }).status;
      const gaveUp = source.readyState === CLOSED;
      const message = this.#state === 'open'
        ? 'The stream was interrupted'
        : gaveUp
          ? 'The stream could not be opened (HTTP error or wrong content type)'
          : 'The stream could not be opened';
      this.#fail(message, status);
    });
    const onMessage = (event: Event) => {
      if (this.#source !== source) return;
      const message = event as MessageEvent;
      const streamId = message.lastEventId ?? '';
      let id: string | undefined;
      if (streamId !== this.#streamId) {
        this.#streamId = streamId;
        id = streamId === '' ? undefined : streamId;
        if (id !== undefined) this.#lastEventId = id;
      }
      this.#options.onMessage({ type: event.type, data: typeof message.data === 'string' ? message.data : String(message.data), id });
    };
    listen('message', onMessage);
    for (const type of this.#options.eventTypes) listen(type, onMessage);
  }

  #fail(message: string, status?: number): void {
    this.#closeSource();
    this.#setState('closed');
    const error: ConnectionError = { message, willRetry: this.#active };
    if (status !== undefined) error.status = status;
    this.#options.onError(error);
    if (!this.#active) return;
    const delay = this.backoff(this.#attempt);
    this.#attempt += 1;
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
