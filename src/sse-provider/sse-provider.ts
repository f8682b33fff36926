import { ContextProvider } from '@lit/context';
import { LitElement, css, html, type PropertyValues } from 'lit';
import { LiveClient, type ClientEvent } from '../core/client.js';
import { requestJson } from '../core/rest.js';
import type { ShareMessage, TabShare } from '../core/tab-share.js';
import type { EventSourceFactory } from '../core/connection.js';
import type { EventPayloads } from '../core/protocol.js';
import { LiveStore, type ConnectionError, type ConnectionState, type ConnectionStats } from '../core/store.js';
import { liveContext, type LiveService, type ServiceResponse } from '../shared/context.js';
import type { MockBackend } from '../mock/index.js';

export interface SseStateChangeDetail {
  state: ConnectionState;
  previous: ConnectionState;
}

export interface SseInvalidEventDetail {
  /** The event type as received (`message` for an unnamed one, `snapshot` for `snapshot-url`). */
  type: string;
  reason: string;
}

/** How the next client is made, once its optional modules are loaded. */
interface ClientSetup {
  factory: EventSourceFactory | undefined;
  resumeWith?: 'query' | 'header';
  shareModule?: typeof import('../core/tab-share.js');
}

/** Whether this browser can share one stream among tabs: Web Locks and BroadcastChannel. */
const canShare = (): boolean => typeof navigator !== 'undefined' && 'locks' in navigator && typeof BroadcastChannel === 'function';

/** DOM event names for the protocol's event types. */
const DOM_EVENT_NAMES = {
  container_status_changed: 'container-status-changed',
  metrics_updated: 'metrics-updated',
  deployment_progress: 'deployment-progress',
  auto_shutdown: 'auto-shutdown',
  snapshot: 'snapshot',
} as const;

/**
 * Holds the connection to an SSE endpoint and the state of every project, and provides both to the
 * elements inside it. Nested providers are allowed: each element uses its nearest one.
 *
 * @tagname sse-provider
 * @summary The connection and shared state for the live elements inside it.
 *
 * @slot - The page content whose live elements use this provider.
 *
 * @fires {CustomEvent<SseStateChangeDetail>} sse-state-change - The connection state changed.
 * @fires {CustomEvent<SseInvalidEventDetail>} sse-invalid-event - A message was dropped as invalid; says why.
 * @fires {CustomEvent<ConnectionError>} sse-error - An attempt to connect failed or the stream broke.
 * @fires {CustomEvent<ContainerStatusChanged>} container-status-changed - A valid `container_status_changed` was applied.
 * @fires {CustomEvent<MetricsUpdated>} metrics-updated - A valid `metrics_updated` was applied.
 * @fires {CustomEvent<DeploymentProgress>} deployment-progress - A valid `deployment_progress` was applied.
 * @fires {CustomEvent<AutoShutdown>} auto-shutdown - A valid `auto_shutdown` was applied.
 * @fires {CustomEvent<Snapshot>} snapshot - A valid `snapshot` was applied.
 */
export class SseProvider extends LitElement {
  static override styles = css`
    :host {
      display: contents;
    }
  `;

  static override properties = {
    url: {},
    mock: { type: Boolean, reflect: true },
    withCredentials: { type: Boolean, attribute: 'with-credentials' },
    snapshotUrl: { attribute: 'snapshot-url' },
    apiBase: { attribute: 'api-base' },
    reconnectMin: { type: Number, attribute: 'reconnect-min' },
    reconnectMax: { type: Number, attribute: 'reconnect-max' },
    metricsHistory: { type: Number, attribute: 'metrics-history' },
    logLimit: { type: Number, attribute: 'log-limit' },
    maxProjects: { type: Number, attribute: 'max-projects' },
    transport: { reflect: true },
    headers: { attribute: false },
    staleTimeout: { type: Number, attribute: 'stale-timeout' },
    shared: { type: Boolean, reflect: true },
    pauseHidden: { type: Boolean, attribute: 'pause-hidden' },
    state: { reflect: true },
    mockBackend: { attribute: false },
    eventSourceFactory: { attribute: false },
  };

  /** The state of every project under this provider. A stable object for the element's lifetime. */
  readonly store = new LiveStore();

  #client: LiveClient | undefined;
  /** What the current client was made for; a change of any of these means a new connection. */
  #clientKey = '';
  #clientBackend: MockBackend | undefined;
  #clientFactory: EventSourceFactory | undefined;
  /** The optional modules (mock, fetch transport, tab sharing) being loaded before the client starts. */
  #loading: Promise<unknown> | undefined;
  #defaultMock: MockBackend | undefined;
  /** False after `disconnect()`, until `connect()` or `reconnect()`. */
  #wanted = true;
  /** True while `pause-hidden` holds the stream closed for a hidden tab. */
  #paused = false;
  /** Set with `shared`: this tab's place among the tabs sharing one stream. */
  #share: TabShare | undefined;
  #shareModule: typeof import('../core/tab-share.js') | undefined;
  /** Whether this follower already took a leader's state. */
  #synced = false;

  readonly #service: LiveService = {
    store: this.store,
    request: (method, path, signal) => this.#request(method, path, signal),
  };

  constructor() {
    super();
    // Provided once: the service is stable; elements subscribe to the store for changes.
    new ContextProvider(this, { context: liveContext, initialValue: this.#service });
  }

  /** The SSE endpoint. */
  url = '';

  /** Use the bundled mock backend instead of the network. */
  mock = false;

  /** Send cookies with a cross-origin stream. */
  withCredentials = false;

  /** An optional `GET` of the project list, applied on every (re)connect to reconcile state. */
  snapshotUrl = '';

  /** Base path of the REST endpoints used by the action buttons. */
  apiBase = '/api';

  /** The smallest reconnect delay, in ms. */
  reconnectMin = 1000;

  /** The largest reconnect delay, in ms. */
  reconnectMax = 30000;

  /** Metrics points kept per project. */
  metricsHistory = 300;

  /** Log entries kept per project; older ones are dropped and counted in `stats.dropped`. */
  logLimit = 5000;

  /** Projects kept; beyond it the least recently updated one that no element shows is evicted. */
  maxProjects = 5000;

  /** `eventsource` (the browser's, default) or `fetch` (streaming fetch: headers, `retry:`, heartbeats visible). */
  transport: 'eventsource' | 'fetch' = 'eventsource';

  /**
   * Request headers for the `fetch` transport, e.g. `{ Authorization: 'Bearer …' }`, or a function
   * (may be async) returning them, called on every connect so tokens can refresh. Changing it does
   * not reconnect by itself.
   */
  headers: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>) | undefined;

  /** No message or heartbeat for this many ms → the stream is treated as dead and reopened. 0 = off. */
  staleTimeout = 0;

  /**
   * Share one stream among the tabs of this origin that point at the same URL: one leader tab holds
   * the connection and relays what it receives. Where Web Locks are missing, each tab connects itself.
   */
  shared = false;

  /** Close the stream while the tab is hidden and resume (with the last id) when it is shown. */
  pauseHidden = false;

  /** The connection state: `connecting`, `open` or `closed`. Reflected as an attribute. */
  state: ConnectionState = 'closed';

  /** The mock backend used in mock mode; a default simulation when not set. Setting it implies `mock`. */
  mockBackend: MockBackend | undefined;

  /** Opens streams; the browser's `EventSource` by default. Inject one to use another client. */
  eventSourceFactory: EventSourceFactory | undefined;

  /** The message counters: `applied + rejected + ignored + duplicates = received`. */
  get stats(): ConnectionStats {
    return { ...this.store.connection.stats };
  }

  /** With `shared`: whether this tab holds the stream (`leader`) or is relayed to (`follower`). */
  get sharedRole(): 'leader' | 'follower' | undefined {
    const role = this.#share?.role;
    return role === 'idle' ? undefined : role;
  }

  /** The mock backend in use, once mock mode has started. */
  get activeMockBackend(): MockBackend | undefined {
    return this.mockBackend ?? (this.mock ? this.#defaultMock : undefined);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('online', this.#onOnline);
    document.addEventListener('visibilitychange', this.#onVisibility);
    // A provider moved in the document keeps its store and its resume id, and reconnects.
    if (this.hasUpdated) {
      if (this.#client && this.#wanted) this.#open();
      else this.#sync();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('online', this.#onOnline);
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#loading = undefined;
    this.#close();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('logLimit')) this.store.logLimit = this.logLimit;
    if (changed.has('metricsHistory')) this.store.metricsHistory = this.metricsHistory;
    if (changed.has('maxProjects')) this.store.maxProjects = this.maxProjects;
    // Before render, so the state it sets is part of this update rather than scheduling another.
    this.#sync();
  }

  /** Opens the connection if it is closed. */
  connect(): void {
    this.#wanted = true;
    if (this.#client) this.#open();
    else this.#sync();
  }

  /**
   * Closes the connection and stops reconnecting until `connect()` or `reconnect()`. In a tab that
   * follows a `shared` leader, it detaches this tab only.
   */
  disconnect(): void {
    this.#wanted = false;
    this.#loading = undefined;
    this.#close();
  }

  /** Closes the connection and opens a new one now, resuming from the last event id. */
  reconnect(): void {
    this.#wanted = true;
    if (!this.#client) this.#sync();
    else if (!this.#share || this.#share.role === 'leader') this.#client.reconnect();
    else if (this.#share.role === 'idle') this.#open();
  }

  override render() {
    return html`<slot></slot>`;
  }

  /** Replaces the client when the attributes that define the connection changed. */
  #sync(): void {
    if (!this.isConnected) return;
    const mock = this.mock || this.mockBackend !== undefined;
    const key = JSON.stringify([
      this.url,
      mock,
      this.transport,
      this.withCredentials,
      this.snapshotUrl,
      this.reconnectMin,
      this.reconnectMax,
      this.staleTimeout,
      this.shared,
    ]);
    const changed = key !== this.#clientKey || this.mockBackend !== this.#clientBackend || this.eventSourceFactory !== this.#clientFactory;
    if (!changed && (this.#client || this.#loading)) return;
    this.#clientKey = key;
    this.#clientBackend = this.mockBackend;
    this.#clientFactory = this.eventSourceFactory;
    this.#loading = undefined;
    this.#close();
    this.#client = undefined;
    this.store.connection.stats.transport = mock ? 'eventsource' : this.transport;
    if (mock) {
      this.#load(
        import('../mock/index.js').then((module) => {
          const backend = this.mockBackend ?? (this.#defaultMock ??= module.getDefaultMockBackend());
          return { factory: (url, init) => new module.MockEventSource(url, init, backend) };
        }),
      );
      return;
    }
    if (!this.url) return;
    // The fetch transport and tab sharing load only for the providers that ask for them.
    const fetchTransport = this.transport === 'fetch' && !this.eventSourceFactory;
    const share = this.shared && canShare();
    if (!fetchTransport && !share) {
      this.#start({ factory: this.eventSourceFactory });
      return;
    }
    this.#load(
      Promise.all([
        fetchTransport ? import('../core/fetch-event-source.js') : undefined,
        share ? import('../core/tab-share.js') : undefined,
      ]).then(([transport, shareModule]): ClientSetup => ({
        factory: transport
          ? (url, init) =>
              new transport.FetchEventSource(url, {
                withCredentials: init.withCredentials,
                lastEventId: init.lastEventId,
                // Read on every connect, so a function can hand out a fresh token.
                headers: () => (typeof this.headers === 'function' ? this.headers() : (this.headers ?? {})),
              })
          : this.eventSourceFactory,
        resumeWith: transport ? 'header' : 'query',
        shareModule,
      })),
    );
  }

  #load(setup: Promise<ClientSetup>): void {
    if (this.#wanted) this.#setState('connecting');
    const load: Promise<unknown> = (this.#loading = setup.then(
      (ready) => {
        // The attributes may have changed, or the element left, while the modules loaded.
        if (this.#loading !== load) return;
        this.#loading = undefined;
        this.#start(ready);
      },
      (error: unknown) => {
        // A file missing beside the bundle, say: said once, and `reconnect()` tries again.
        if (this.#loading !== load) return;
        this.#loading = undefined;
        this.#clientKey = '';
        this.#setState('closed');
        this.store.setConnection({ state: 'closed', closedReason: 'disconnected' });
        const message = `Could not load part of the library: ${error instanceof Error ? error.message : String(error)}`;
        this.#emit('sse-error', { message, willRetry: false } satisfies ConnectionError);
      },
    ));
  }

  #start({ factory, resumeWith = 'query', shareModule }: ClientSetup): void {
    this.#client = new LiveClient({
      url: this.url || '/api/containers/events',
      resumeWith,
      staleTimeout: this.staleTimeout,
      store: this.store,
      factory,
      withCredentials: this.withCredentials,
      reconnectMin: this.reconnectMin,
      reconnectMax: this.reconnectMax,
      snapshotUrl: this.snapshotUrl || undefined,
      onEvent: (event) => this.#onClientEvent(event),
      onMessage: (message) => {
        if (this.#share?.role === 'leader') this.#share.post({ kind: 'message', message });
      },
    });
    this.#shareModule = shareModule;
    this.#share = shareModule ? new shareModule.TabShare(this.#client.url, this.#shareHandlers) : undefined;
    if (this.#wanted && this.isConnected && !this.#hiddenPause()) this.#open();
    else this.#setState('closed');
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
    this.#setState('closed');
  }

  readonly #shareHandlers = {
    lead: () => {
      // Elected: open the stream, resuming from the last id relayed to this tab, and hand the
      // state to any tab still waiting for it.
      this.#synced = true;
      this.#client?.connect();
      if (this.#client && this.#shareModule) this.#share?.post({ kind: 'sync', sync: this.#shareModule.syncOf(this.store, this.#client.lastEventId) });
    },
    receive: (message: ShareMessage) => {
      const client = this.#client;
      if (!client) return;
      switch (message.kind) {
        case 'hello':
          if (this.#shareModule) this.#share?.post({ kind: 'sync', sync: this.#shareModule.syncOf(this.store, client.lastEventId) });
          break;
        case 'message':
          // Until the leader's state arrives, relayed messages are already part of it.
          if (this.#synced) client.receive(message.message.type, message.message.data, message.message.id);
          break;
        case 'state':
          this.store.setConnection({ state: message.state, closedReason: message.closedReason, lastError: message.lastError });
          this.#setState(message.state);
          break;
        case 'sync':
          if (this.#synced) return;
          this.#synced = true;
          this.#shareModule?.applySync(this.store, message.sync, Date.now());
          if (message.sync.lastEventId !== undefined) client.resumeFrom(message.sync.lastEventId);
          this.#setState(message.sync.state);
          break;
      }
    },
  };

  #hiddenPause(): boolean {
    // A shared stream serves other tabs too: it is not paused with this one.
    this.#paused = this.pauseHidden && !this.shared && document.visibilityState === 'hidden';
    return this.#paused;
  }

  readonly #onOnline = (): void => {
    // The network is back: a provider waiting out its backoff retries now.
    // Only a tab that holds its own stream: a shared follower's stream is its leader's.
    const own = !this.#share || this.#share.role === 'leader';
    if (this.#client && own && this.#wanted && !this.#paused && this.state !== 'open') this.#client.reconnect();
  };

  readonly #onVisibility = (): void => {
    const client = this.#client;
    if (!client || !this.#wanted) return;
    if (document.visibilityState === 'hidden') {
      if (this.pauseHidden && !this.shared) {
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

  #onClientEvent(event: ClientEvent): void {
    switch (event.kind) {
      case 'state':
        if (this.#share?.role === 'follower') return;
        this.#setState(event.state);
        if (this.#share?.role === 'leader') {
          const { closedReason, lastError } = this.store.connection;
          this.#share.post({ kind: 'state', state: event.state, closedReason, lastError });
        }
        break;
      case 'applied':
        this.#emit(DOM_EVENT_NAMES[event.event.type], event.event.data);
        break;
      case 'invalid':
        this.#emit('sse-invalid-event', { type: event.type, reason: event.reason });
        break;
      case 'error':
        this.#emit('sse-error', event.error);
        break;
    }
  }

  #setState(state: ConnectionState): void {
    const previous = this.state;
    if (previous === state) return;
    this.state = state;
    this.#emit('sse-state-change', { state, previous });
  }

  #emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  #request(method: string, path: string, signal?: AbortSignal): Promise<ServiceResponse> {
    const backend = this.activeMockBackend;
    if (backend) return backend.request(method, path);
    return requestJson(this.apiBase, method, path, { signal, credentials: this.withCredentials ? 'include' : 'same-origin' });
  }
}

type ProviderEvents = {
  'sse-state-change': CustomEvent<SseStateChangeDetail>;
  'sse-invalid-event': CustomEvent<SseInvalidEventDetail>;
  'sse-error': CustomEvent<ConnectionError>;
  'container-status-changed': CustomEvent<EventPayloads['container_status_changed']>;
  'metrics-updated': CustomEvent<EventPayloads['metrics_updated']>;
  'deployment-progress': CustomEvent<EventPayloads['deployment_progress']>;
  'auto-shutdown': CustomEvent<EventPayloads['auto_shutdown']>;
  snapshot: CustomEvent<EventPayloads['snapshot']>;
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends ProviderEvents {}
}

