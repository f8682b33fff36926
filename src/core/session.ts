import { LiveClient, type ClientEvent, type ClientOptions } from './client.js';
import { realClock, type Clock } from './clock.js';
import { backoffDelay, type EventSourceFactory } from './connection.js';
import type { ProtocolEvent } from './protocol.js';
import { requestJson, type RestResponse } from './rest.js';
import { LiveStore, type ConnectionError, type ConnectionState, type ConnectionStats, type RateLimitInfo } from './store.js';
import type { ShareMessage, TabShare } from './tab-share.js';
import type { MockBackend } from '../mock/index.js';

/** Request headers, or a function (may be async) returning them, read on every connect. */
export type HeadersOption = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);

/** What a session connects to and how. Every option may change later with `configure()`. */
export interface SessionOptions {
  /** The SSE endpoint. In mock mode it defaults to `/api/containers/events`. */
  url?: string;
  /** Use the bundled mock backend (loaded lazily) instead of the network. */
  mock?: boolean;
  /** The mock backend to use; setting it implies `mock`. A default simulation otherwise. */
  mockBackend?: MockBackend;
  /** `eventsource` (the browser's, default) or `fetch` (streaming fetch: headers, `retry:`, heartbeats). */
  transport?: 'eventsource' | 'fetch';
  /** Send cookies with a cross-origin stream, snapshot and REST calls. */
  withCredentials?: boolean;
  /** A `GET` of the project list, applied on every (re)connect to reconcile state. */
  snapshotUrl?: string;
  /** Base path of the REST endpoints (`request()`). Default `/api`. */
  apiBase?: string;
  /** Backoff bounds in ms. Defaults 1000 / 30000. */
  reconnectMin?: number;
  reconnectMax?: number;
  /** No message or heartbeat for this many ms → the stream is reopened. 0 (default) = off. */
  staleTimeout?: number;
  /** Share one stream among this origin's tabs that point at the same URL (Web Locks + BroadcastChannel). */
  shared?: boolean;
  /** Close the stream while the tab is hidden and resume when it is shown. */
  pauseHidden?: boolean;
  /** Headers for the `fetch` transport. Changing them does not reconnect by itself. */
  headers?: HeadersOption;
  /** Opens streams; the browser's `EventSource` by default. */
  eventSourceFactory?: EventSourceFactory;
  /** Metrics points kept per project. Default 300. */
  metricsHistory?: number;
  /** Log entries kept per project. Default 5000. */
  logLimit?: number;
  /** Projects kept. Default 5000. */
  maxProjects?: number;
  /** Time source of the reconnect timers; real time by default. */
  clock?: Clock;
  /** Source of jitter, 0 ≤ x < 1. */
  random?: () => number;
}

/** What a session reports, synchronously, as it happens. */
export type SessionEvent =
  | { kind: 'state'; state: ConnectionState; previous: ConnectionState }
  | { kind: 'applied'; event: ProtocolEvent }
  | { kind: 'invalid'; type: string; reason: string }
  | { kind: 'error'; error: ConnectionError };

/** How a client is made, once its optional modules are loaded. */
interface ClientSetup {
  factory: EventSourceFactory | undefined;
  resumeWith?: 'query' | 'header';
  shareModule?: typeof import('./tab-share.js');
  probe?: ClientOptions['probe'];
}

/** A part of the library loaded only by the sessions that need it. */
interface LazyPart {
  name: string;
  load(): Promise<unknown>;
}

const DEFAULT_URL = '/api/containers/events';

/** The options that define the stream: a change to any of them means a new connection. */
const STREAM_KEYS = [
  'url',
  'mock',
  'mockBackend',
  'transport',
  'withCredentials',
  'snapshotUrl',
  'reconnectMin',
  'reconnectMax',
  'staleTimeout',
  'shared',
  'eventSourceFactory',
  'clock',
  'random',
] as const satisfies readonly (keyof SessionOptions)[];

/** Whether this browser can share one stream among tabs: Web Locks and BroadcastChannel. */
const canShare = (): boolean => typeof navigator !== 'undefined' && 'locks' in navigator && typeof BroadcastChannel === 'function';

/**
 * One live session: the connection policy around a store. It owns the transport (the browser's
 * `EventSource`, the fetch transport or the mock, the last two loaded lazily), the client that
 * validates and applies messages, tab sharing, pausing while the tab is hidden, retrying when the
 * network comes back, and the REST calls of the actions. The connection state lives in one place,
 * `store.connection`, changed only through the store.
 *
 * `<sse-provider>` is an adapter over it; a host with its own framework drives its UI from the same
 * object: `listen()` for what happens, `store.subscribe…()` for what changed.
 *
 * ```ts
 * const session = new LiveSession({ url: '/api/containers/events' });
 * session.listen((event) => { if (event.kind === 'state') render(event.state); });
 * session.connect();
 * ```
 */
export class LiveSession {
  /** The state of every project, and the connection record. Stable for the session's lifetime. */
  readonly store: LiveStore;
  #options: SessionOptions;
  #listeners = new Set<(event: SessionEvent) => void>();
  #client: LiveClient | undefined;
  /** Set while the optional modules of the next client load; the token of the current attempt. */
  #loading: object | undefined;
  #loadAttempt = 0;
  /** The pending retry of a failed load, with the clock that holds its timer. */
  #loadRetry: { clock: Clock; handle: unknown } | undefined;
  /** The resume id of a client replaced for the same URL, handed to the next one. */
  #resume: { url: string; id: string } | undefined;
  #defaultMock: MockBackend | undefined;
  /** Between `connect()` and `disconnect()`. */
  #wanted = false;
  /** True while `pauseHidden` holds the stream closed for a hidden tab. */
  #paused = false;
  #share: TabShare | undefined;
  #shareModule: typeof import('./tab-share.js') | undefined;
  /** Whether this follower already took a leader's state. */
  #synced = false;
  /** The state last reported to listeners. */
  #reported: ConnectionState = 'closed';
  #listening = false;

  constructor(options: SessionOptions = {}) {
    this.#options = { ...options };
    this.store = new LiveStore({ metricsHistory: options.metricsHistory, logLimit: options.logLimit, maxProjects: options.maxProjects });
    this.#syncRecord();
  }

  /** The options in force (a copy). */
  get options(): SessionOptions {
    return { ...this.#options };
  }

  /** The connection state: `connecting`, `open` or `closed`. */
  get state(): ConnectionState {
    return this.store.connection.state;
  }

  /** The message counters: `applied + rejected + ignored + duplicates = received` (a copy). */
  get stats(): ConnectionStats {
    return { ...this.store.connection.stats };
  }

  /** With `shared`: whether this tab holds the stream (`leader`) or is relayed to (`follower`). */
  get sharedRole(): 'leader' | 'follower' | undefined {
    const role = this.#share?.role;
    return role === 'idle' ? undefined : role;
  }

  /** The id the next connection resumes from. */
  get lastEventId(): string | undefined {
    return this.#client?.lastEventId;
  }

  /** The mock backend in use, once mock mode has started. */
  get activeMockBackend(): MockBackend | undefined {
    return this.#options.mockBackend ?? (this.#options.mock ? this.#defaultMock : undefined);
  }

  /** Calls `listener` for every state change, applied event, invalid message and failed attempt. */
  listen(listener: (event: SessionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Changes options. A change to what defines the stream (URL, transport, mock, credentials,
   * snapshot URL, backoff, stale timeout, sharing, factory) replaces the connection; the store
   * and its projects are kept.
   */
  configure(options: SessionOptions): void {
    const previous = this.#options;
    this.#options = { ...previous, ...options };
    const next = this.#options;
    if (next.metricsHistory !== previous.metricsHistory && next.metricsHistory !== undefined) this.store.metricsHistory = next.metricsHistory;
    if (next.logLimit !== previous.logLimit && next.logLimit !== undefined) this.store.logLimit = next.logLimit;
    if (next.maxProjects !== previous.maxProjects && next.maxProjects !== undefined) this.store.maxProjects = next.maxProjects;
    if (!STREAM_KEYS.some((key) => !Object.is(previous[key], next[key]))) return;
    this.#drop();
    this.#syncRecord();
    if (this.#wanted) this.#start();
  }

  /** Opens the connection (loading what it needs first) unless it is open or opening. */
  connect(): void {
    if (!this.#wanted) {
      this.#wanted = true;
      this.#listen(true);
    }
    if (this.#client) {
      if (!this.#hiddenPause()) this.#open();
    } else if (!this.#loading && this.#loadRetry === undefined) this.#start();
  }

  /**
   * Closes the connection and stops reconnecting until `connect()` or `reconnect()`. In a tab that
   * follows a `shared` leader, it detaches this tab only. The store and the resume id are kept.
   */
  disconnect(): void {
    this.#wanted = false;
    this.#paused = false;
    this.#listen(false);
    this.#cancelLoad();
    this.#close();
    this.store.setConnection({ state: 'closed', closedReason: 'disconnected' });
    this.#reportState();
  }

  /** Closes the connection and opens a new one now, resuming from the last event id. */
  reconnect(): void {
    if (!this.#wanted) {
      this.#wanted = true;
      this.#listen(true);
    }
    if (!this.#client) {
      // A part that failed to load is tried again now rather than at the end of its backoff.
      this.#cancelLoad();
      this.#loadAttempt = 0;
      this.#start();
    } else if (!this.#share || this.#share.role === 'leader') this.#client.reconnect();
    else if (this.#share.role === 'idle') this.#open();
  }

  /** Calls `method path` on the REST API (relative to `apiBase`), or on the mock backend in mock mode. */
  request(method: string, path: string, signal?: AbortSignal): Promise<RestResponse> {
    const backend = this.activeMockBackend;
    if (backend) return backend.request(method, path);
    // In mock mode before the mock has loaded: it answers, never the network.
    if (this.#mock) return this.#mockBackend().then((mock) => mock.request(method, path));
    const credentials = this.#options.withCredentials ? 'include' : 'same-origin';
    return requestJson(this.#options.apiBase ?? '/api', method, path, { signal, credentials });
  }

  // ---- building the client -------------------------------------------------------------------

  get #mock(): boolean {
    return Boolean(this.#options.mock) || this.#options.mockBackend !== undefined;
  }

  get #url(): string {
    return this.#options.url || (this.#mock ? DEFAULT_URL : '');
  }

  /** The mock backend in use, loading the mock module first if needed. */
  async #mockBackend(): Promise<MockBackend> {
    const mock = await import('../mock/index.js');
    return this.#options.mockBackend ?? (this.#defaultMock ??= mock.getDefaultMockBackend());
  }

  /** The URL and transport the record shows, known before any module has loaded. */
  #syncRecord(): void {
    this.store.setConnection({ url: this.#url, transport: this.#mock ? 'eventsource' : (this.#options.transport ?? 'eventsource') });
  }

  /** Makes the client, after loading the optional modules it needs. */
  #start(): void {
    const options = this.#options;
    if (!this.#mock && !this.#url) return;
    const parts: LazyPart[] = [];
    let setup: (modules: unknown[]) => ClientSetup;
    if (this.#mock) {
      parts.push({ name: 'the mock backend', load: () => import('../mock/index.js') });
      setup = ([module]) => {
        const mock = module as typeof import('../mock/index.js');
        const backend = options.mockBackend ?? (this.#defaultMock ??= mock.getDefaultMockBackend());
        return { factory: (url, init) => new mock.MockEventSource(url, init, backend) };
      };
    } else {
      // The fetch transport and tab sharing load only for the sessions that ask for them.
      const fetchTransport = options.transport === 'fetch' && !options.eventSourceFactory;
      const share = Boolean(options.shared) && canShare();
      if (fetchTransport) parts.push({ name: 'the fetch transport', load: () => import('./fetch-event-source.js') });
      if (share) parts.push({ name: 'tab sharing', load: () => import('./tab-share.js') });
      const onRateLimit = (rateLimit: RateLimitInfo) => this.store.setConnection({ rateLimit });
      setup = (modules) => {
        const transport = fetchTransport ? (modules[0] as typeof import('./fetch-event-source.js')) : undefined;
        const shareModule = share ? (modules.at(-1) as typeof import('./tab-share.js')) : undefined;
        return {
          factory: transport
            ? (url, init) =>
                new transport.FetchEventSource(url, {
                  withCredentials: init.withCredentials,
                  lastEventId: init.lastEventId,
                  // Read on every connect, so a function can hand out a fresh token.
                  headers: () => {
                    const headers = this.#options.headers;
                    return typeof headers === 'function' ? headers() : (headers ?? {});
                  },
                  onRateLimit,
                })
            : options.eventSourceFactory,
          resumeWith: transport ? 'header' : 'query',
          shareModule,
          // A browser's EventSource hides why it was refused: the fetch transport's module asks.
          probe:
            transport || options.eventSourceFactory
              ? undefined
              : (url) => import('./fetch-event-source.js').then((module) => module.probeStream(url, { withCredentials: options.withCredentials, onRateLimit })),
        };
      };
    }
    if (parts.length === 0) {
      this.#build(setup([]));
      return;
    }
    this.#load(parts, setup);
  }

  /**
   * Loads the parts, then builds the client. A part that fails to load (a file missing beside the
   * bundle, an old chunk gone after a redeploy) is one failed attempt: one `error` naming it, the
   * state `closed`, and another try after the connection's own backoff — the file may come back.
   */
  #load(parts: LazyPart[], setup: (modules: unknown[]) => ClientSetup): void {
    const token = {};
    this.#loading = token;
    this.store.setConnection({ state: 'connecting' });
    this.#reportState();
    let failed = '';
    const loads = parts.map((part) =>
      part.load().catch((error: unknown) => {
        failed ||= `Could not load part of the library (${part.name}): ${error instanceof Error ? error.message : String(error)}`;
        throw error;
      }),
    );
    Promise.all(loads).then(
      (modules) => {
        if (this.#loading !== token) return;
        this.#loading = undefined;
        this.#loadAttempt = 0;
        this.#build(setup(modules));
      },
      () => {
        if (this.#loading !== token) return;
        this.#loading = undefined;
        const error: ConnectionError = { message: failed, willRetry: true };
        this.store.setConnection({ state: 'closed', closedReason: 'retrying', lastError: error });
        this.#reportState();
        this.#emit({ kind: 'error', error });
        const clock = this.#options.clock ?? realClock;
        const delay = backoffDelay(this.#loadAttempt++, this.#options.reconnectMin ?? 1000, this.#options.reconnectMax ?? 30000, this.#options.random);
        const handle = clock.setTimeout(() => {
          this.#loadRetry = undefined;
          if (this.#wanted && !this.#client) this.#start();
        }, delay);
        this.#loadRetry = { clock, handle };
      },
    );
  }

  #cancelLoad(): void {
    this.#loading = undefined;
    this.#loadRetry?.clock.clearTimeout(this.#loadRetry.handle);
    this.#loadRetry = undefined;
  }

  #build({ factory, resumeWith = 'query', shareModule, probe }: ClientSetup): void {
    const options = this.#options;
    const url = this.#url;
    this.#client = new LiveClient({
      url,
      // A client replaced for another reason than its URL (a timeout, a transport) resumes where the last one was.
      lastEventId: this.#resume?.url === url ? this.#resume.id : undefined,
      resumeWith,
      staleTimeout: options.staleTimeout,
      store: this.store,
      factory,
      withCredentials: options.withCredentials,
      reconnectMin: options.reconnectMin,
      reconnectMax: options.reconnectMax,
      snapshotUrl: options.snapshotUrl || undefined,
      probe,
      clock: options.clock,
      random: options.random,
      onEvent: (event) => this.#onClientEvent(event),
      onMessage: (message) => {
        if (this.#share?.role === 'leader') this.#share.post({ kind: 'message', message });
      },
    });
    this.#shareModule = shareModule;
    this.#share = shareModule ? new shareModule.TabShare(this.#client.url, this.#shareHandlers) : undefined;
    if (this.#wanted && !this.#hiddenPause()) this.#open();
    else {
      this.store.setConnection({ state: 'closed' });
      this.#reportState();
    }
  }

  /** Closes and forgets the client, so the next start builds one for the options in force. */
  #drop(): void {
    this.#cancelLoad();
    this.#loadAttempt = 0;
    const id = this.#client?.lastEventId;
    if (this.#client && id !== undefined) this.#resume = { url: this.#client.url, id };
    this.#close();
    this.#client = undefined;
    this.#share = undefined;
    this.store.setConnection({ state: 'closed', lastError: undefined });
    this.#reportState();
  }

  /** Opens this tab's way to the stream: its own connection, or its place among the sharing tabs. */
  #open(): void {
    if (!this.#share) {
      this.#client?.connect();
      return;
    }
    if (this.#share.role !== 'idle') return;
    this.#synced = false;
    this.#share.start();
  }

  #close(): void {
    this.#share?.stop();
    this.#client?.disconnect();
  }

  // ---- tab sharing ---------------------------------------------------------------------------

  readonly #shareHandlers = {
    lead: () => {
      // Elected: open the stream, resuming from the last id relayed to this tab, and hand the
      // state to any tab still waiting for it.
      this.#synced = true;
      this.#client?.connect();
      this.#postSync();
    },
    receive: (message: ShareMessage) => {
      const client = this.#client;
      if (!client) return;
      switch (message.kind) {
        case 'hello':
          this.#postSync();
          break;
        case 'message':
          // Until the leader's state arrives, relayed messages are already part of it.
          if (this.#synced) client.receive(message.message.type, message.message.data, message.message.id);
          break;
        case 'state':
          this.store.setConnection({ state: message.state, closedReason: message.closedReason, lastError: message.lastError });
          this.#reportState();
          break;
        case 'sync':
          if (this.#synced) return;
          this.#synced = true;
          this.#shareModule?.applySync(this.store, message.sync, Date.now());
          if (message.sync.lastEventId !== undefined) client.resumeFrom(message.sync.lastEventId);
          this.#reportState();
          break;
      }
    },
  };

  #postSync(): void {
    if (this.#client && this.#shareModule) this.#share?.post({ kind: 'sync', sync: this.#shareModule.syncOf(this.store, this.#client.lastEventId) });
  }

  // ---- the page: visibility and network ------------------------------------------------------

  #listen(on: boolean): void {
    if (on === this.#listening || typeof document === 'undefined' || typeof window === 'undefined') return;
    this.#listening = on;
    if (on) {
      window.addEventListener('online', this.#onOnline);
      document.addEventListener('visibilitychange', this.#onVisibility);
    } else {
      window.removeEventListener('online', this.#onOnline);
      document.removeEventListener('visibilitychange', this.#onVisibility);
    }
  }

  #hiddenPause(): boolean {
    // A shared stream serves other tabs too: it is not paused with this one.
    this.#paused = Boolean(this.#options.pauseHidden) && !this.#options.shared && typeof document !== 'undefined' && document.visibilityState === 'hidden';
    return this.#paused;
  }

  readonly #onOnline = (): void => {
    // The network is back: a session waiting out its backoff retries now. Only a tab that holds
    // its own stream: a shared follower's stream is its leader's.
    const own = !this.#share || this.#share.role === 'leader';
    if (!this.#wanted || this.#paused || this.state === 'open') return;
    if (this.#client && own) this.#client.reconnect();
    else if (!this.#client && this.#loadRetry !== undefined) this.reconnect();
  };

  readonly #onVisibility = (): void => {
    const client = this.#client;
    if (!client || !this.#wanted) return;
    if (document.visibilityState === 'hidden') {
      if (this.#options.pauseHidden && !this.#options.shared) {
        this.#paused = true;
        client.disconnect();
      }
      return;
    }
    if (this.#paused) {
      this.#paused = false;
      client.connect();
    } else if (client.stale) {
      // Timers are throttled in hidden tabs: a stream that went quiet meanwhile is reopened at once.
      client.reconnect();
    }
  };

  // ---- reporting -----------------------------------------------------------------------------

  #onClientEvent(event: ClientEvent): void {
    if (event.kind !== 'state') {
      this.#emit(event);
      return;
    }
    // A follower's state is its leader's, relayed.
    if (this.#share?.role === 'follower') return;
    this.#reportState();
    if (this.#share?.role === 'leader') {
      const { state, closedReason, lastError } = this.store.connection;
      this.#share.post({ kind: 'state', state, closedReason, lastError });
    }
  }

  /** Tells listeners when the record's state differs from what they were last told. */
  #reportState(): void {
    const state = this.store.connection.state;
    const previous = this.#reported;
    if (state === previous) return;
    this.#reported = state;
    this.#emit({ kind: 'state', state, previous });
  }

  #emit(event: SessionEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
