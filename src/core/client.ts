import { realClock, type Clock } from './clock.js';
import { SseConnection, type ConnectionOptions, type EventSourceFactory, type StreamMessage } from './connection.js';
import { EVENT_TYPES, validateMessage, type ProtocolEvent } from './protocol.js';
import type { ConnectionError, ConnectionState, LiveStore } from './store.js';

/** What the client reports to its host, synchronously, as it happens. */
export type ClientEvent =
  | { kind: 'state'; state: ConnectionState; previous: ConnectionState }
  | { kind: 'applied'; event: ProtocolEvent }
  | { kind: 'invalid'; type: string; reason: string }
  | { kind: 'error'; error: ConnectionError };

export interface ClientOptions {
  url: string;
  store: LiveStore;
  factory?: EventSourceFactory;
  withCredentials?: boolean;
  reconnectMin?: number;
  reconnectMax?: number;
  /** A `GET` of the project list, applied as a snapshot on every (re)connect. */
  snapshotUrl?: string;
  fetch?: typeof globalThis.fetch;
  /** No message or heartbeat for this many ms → reopen. 0 (default) = off. */
  staleTimeout?: number;
  /** `header` for a transport that sends `Last-Event-ID` itself; `query` (default) otherwise. */
  resumeWith?: 'query' | 'header';
  /** The id to resume from, carried over from an earlier client of the same stream. */
  lastEventId?: string;
  /** Asks the server what refused a stream the transport hides it from (see `ConnectionOptions.probe`). */
  probe?: ConnectionOptions['probe'];
  clock?: Clock;
  random?: () => number;
  onEvent?(event: ClientEvent): void;
  /** Every message as it came off the stream, before validation (to relay it to other tabs). */
  onMessage?(message: StreamMessage): void;
}

/** How many applied ids are remembered to drop duplicates. */
export const RECENT_IDS = 1000;

/** A canonical decimal id (`"0"`, `"1234"`, no sign or leading zero) as a number; otherwise -1. */
function numericId(id: string): number {
  const length = id.length;
  if (length === 0 || length > 15 || (length > 1 && id.charCodeAt(0) === 48)) return -1;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The ids most recently applied, bounded, in a ring that gives the eviction order. Most servers
 * number their events upwards: a numeric id above every one held cannot be a duplicate, so the
 * common case costs no hashing; older numeric ids are looked for in the ring, other ids in a set.
 */
class RecentIds {
  #order: (string | number)[] = new Array(RECENT_IDS);
  #next = 0;
  /** The ring's ids that are not numeric. */
  #strings = new Set<string>();
  /** At least the highest numeric id in the ring (it may have been evicted since). */
  #max = -1;

  has(id: string): boolean {
    const n = numericId(id);
    if (n < 0) return this.#strings.has(id);
    return n <= this.#max && this.#order.includes(n);
  }

  /** Adds an id that `has` just said is not held. */
  add(id: string): void {
    const old = this.#order[this.#next];
    if (typeof old === 'string') this.#strings.delete(old);
    const n = numericId(id);
    if (n < 0) {
      this.#strings.add(id);
      this.#order[this.#next] = id;
    } else {
      if (n > this.#max) this.#max = n;
      this.#order[this.#next] = n;
    }
    this.#next = (this.#next + 1) % RECENT_IDS;
  }
}

/**
 * The whole client without any element: a connection feeding validated events into a store, with
 * every message counted (`applied + rejected + ignored + duplicates = received`). `<sse-provider>`
 * is a thin adapter over it; a host with its own framework can use it directly.
 */
export class LiveClient {
  readonly store: LiveStore;
  #options: ClientOptions;
  #connection: SseConnection;
  #clock: Clock;
  #recent = new RecentIds();
  #snapshotAbort: AbortController | undefined;
  /** True between `connect()` and `disconnect()`. */
  #connecting = false;

  constructor(options: ClientOptions) {
    this.#options = options;
    this.store = options.store;
    this.#clock = options.clock ?? realClock;
    this.store.setConnection({ url: options.url });
    this.#connection = new SseConnection({
      url: options.url,
      eventTypes: EVENT_TYPES,
      factory: options.factory,
      withCredentials: options.withCredentials,
      reconnectMin: options.reconnectMin,
      reconnectMax: options.reconnectMax,
      clock: options.clock,
      random: options.random,
      staleTimeout: options.staleTimeout,
      resumeWith: options.resumeWith,
      probe: options.probe,
      onDiscard: (reason) => {
        // Too large to parse: counted as received and rejected, like any invalid message.
        this.store.count('received');
        this.store.count('rejected');
        this.#options.onEvent?.({ kind: 'invalid', type: 'message', reason });
      },
      onStale: () => this.store.count('stale'),
      onMessage: (message) => {
        this.#options.onMessage?.(message);
        this.#receive(message);
      },
      onStateChange: (state, previous) => {
        const update: Parameters<LiveStore['setConnection']>[0] = { state };
        if (state === 'open') update.lastError = undefined;
        if (state === 'closed') update.closedReason = this.#connecting && this.#connection.active ? 'retrying' : 'disconnected';
        this.store.setConnection(update);
        this.#options.onEvent?.({ kind: 'state', state, previous });
      },
      onError: (error) => {
        const refused = error.status === 401 || error.status === 403;
        this.store.setConnection({ lastError: error, closedReason: error.willRetry ? 'retrying' : refused ? 'unauthorized' : 'disconnected' });
        this.#options.onEvent?.({ kind: 'error', error });
      },
      onOpen: (reconnect) => {
        if (reconnect) this.store.count('reconnects');
        this.#fetchSnapshot();
      },
    });
    this.#connection.lastEventId = options.lastEventId;
  }

  /** Whether the open stream went longer than `staleTimeout` without a sign of life. */
  get stale(): boolean {
    return this.#connection.stale;
  }

  get state(): ConnectionState {
    return this.#connection.state;
  }

  get lastEventId(): string | undefined {
    return this.#connection.lastEventId;
  }

  get url(): string {
    return this.#options.url;
  }

  /** Sets the id the next connection resumes from. */
  resumeFrom(id: string): void {
    this.#connection.lastEventId = id;
  }

  connect(): void {
    this.#connecting = true;
    this.#connection.connect();
  }

  disconnect(): void {
    this.#connecting = false;
    this.#snapshotAbort?.abort();
    this.#snapshotAbort = undefined;
    this.#connection.disconnect();
  }

  reconnect(): void {
    this.#connecting = true;
    this.#connection.reconnect();
  }

  /**
   * Feeds one message through validation into the store, as if it came off the stream (a relayed
   * message, say); its id becomes the id to resume from.
   */
  receive(type: string, data: string, id?: string): void {
    if (id !== undefined) this.#connection.lastEventId = id;
    this.#receive({ type, data, id });
  }

  #receive({ type, data, id }: StreamMessage): void {
    const store = this.store;
    store.count('received');
    if (id !== undefined && this.#recent.has(id)) {
      store.count('duplicates');
      return;
    }
    const now = this.#clock.now();
    const result = validateMessage(type, data, now);
    switch (result.outcome) {
      case 'valid':
        store.count('applied');
        if (id !== undefined) this.#recent.add(id);
        store.apply(result.event, now, id);
        this.#options.onEvent?.({ kind: 'applied', event: result.event });
        break;
      case 'rejected':
        store.count('rejected');
        this.#options.onEvent?.({ kind: 'invalid', type: result.type, reason: result.reason });
        break;
      case 'ignored':
        store.count('ignored');
        break;
    }
  }

  #fetchSnapshot(): void {
    const url = this.#options.snapshotUrl;
    if (!url) return;
    this.#snapshotAbort?.abort();
    const abort = new AbortController();
    this.#snapshotAbort = abort;
    // What the stream applies while the request is in flight is newer than the answer.
    const since = this.store.mark();
    import('./snapshot-url.js')
      .then((module) => module.requestSnapshot(url, abort.signal, this.#options))
      .then(
        (snapshot) => {
          if (!abort.signal.aborted) this.store.applySnapshot(snapshot, this.#clock.now(), since);
        },
        (error: unknown) => {
          if (!abort.signal.aborted) this.#options.onEvent?.({ kind: 'invalid', type: 'snapshot', reason: `snapshot-url: ${error instanceof Error ? error.message : String(error)}` });
        },
      );
  }
}
