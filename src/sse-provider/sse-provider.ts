import { ContextProvider } from '@lit/context';
import { LitElement, css, html } from 'lit';
import type { EventSourceFactory } from '../core/connection.js';
import type { EventPayloads } from '../core/protocol.js';
import { LiveSession, type HeadersOption, type SessionEvent } from '../core/session.js';
import type { ConnectionError, ConnectionState, ConnectionStats, LiveStore } from '../core/store.js';
import { liveContext, type LiveService } from '../shared/context.js';
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

/** DOM event names for the protocol's event types. */
const DOM_EVENT_NAMES = {
  container_status_changed: 'container-status-changed',
  metrics_updated: 'metrics-updated',
  deployment_progress: 'deployment-progress',
  auto_shutdown: 'auto-shutdown',
  snapshot: 'snapshot',
  backfill: 'backfill',
  rate_limit: 'rate-limit',
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
 * @cssstate overloaded - The page cannot keep up with the stream (see `store.overloaded`): elements
 * render less often, and the status badges inside keep still, until it is calm again.
 *
 * @fires {CustomEvent<SseStateChangeDetail>} sse-state-change - The connection state changed.
 * @fires {CustomEvent<SseInvalidEventDetail>} sse-invalid-event - A message was dropped as invalid; says why.
 * @fires {CustomEvent<ConnectionError>} sse-error - An attempt to connect failed or the stream broke: `{ status?, message, willRetry, retryAfter? }`.
 * @fires {CustomEvent<ContainerStatusChanged>} container-status-changed - A valid `container_status_changed` was applied.
 * @fires {CustomEvent<MetricsUpdated>} metrics-updated - A valid `metrics_updated` was applied.
 * @fires {CustomEvent<DeploymentProgress>} deployment-progress - A valid `deployment_progress` was applied.
 * @fires {CustomEvent<AutoShutdown>} auto-shutdown - A valid `auto_shutdown` was applied.
 * @fires {CustomEvent<Snapshot>} snapshot - A valid `snapshot` was applied.
 * @fires {CustomEvent<Backfill>} backfill - A valid `backfill` (a project's kept metrics and deployment lines) was applied.
 * @fires {CustomEvent<RateLimitEvent>} rate-limit - A valid `rate_limit` (the viewer's quota: `limit`, `remaining`, `reset`) was applied; the figures are in `store.connection.rateLimit`.
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
    historyUrl: { attribute: 'history-url' },
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
    mockBackend: { attribute: false },
    eventSourceFactory: { attribute: false },
  };

  /** The session this element adapts: connection policy, transport, tab sharing and the store. */
  readonly session = new LiveSession();

  /** The state of every project under this provider. A stable object for the element's lifetime. */
  readonly store: LiveStore = this.session.store;

  /** False after `disconnect()`, until `connect()` or `reconnect()`. */
  #wanted = true;

  readonly #service: LiveService = {
    store: this.store,
    request: (method, path, signal) => this.session.request(method, path, signal),
    history: () => ({ url: this.historyUrl, credentials: this.withCredentials ? 'include' : 'same-origin', mock: Boolean(this.mock || this.mockBackend) }),
    events: this,
  };

  readonly #internals = this.attachInternals();

  constructor() {
    super();
    // Provided once: the service is stable; elements subscribe to the store for changes.
    new ContextProvider(this, { context: liveContext, initialValue: this.#service });
    this.session.listen(this.#onSessionEvent);
    this.store.subscribeState(() => {
      const states = this.#internals.states;
      if (!states) return;
      if (this.store.overloaded) states.add('overloaded');
      else states.delete('overloaded');
    });
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

  /**
   * The default metrics-history URL template of the charts inside (`{projectId}` and `{range}` are
   * replaced), e.g. `/api/projects/{projectId}/metrics?range={range}`. A chart's own wins. In mock
   * mode the mock backend answers it instead of the network.
   */
  historyUrl?: string;

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
  headers: HeadersOption | undefined;

  /** No message or heartbeat for this many ms → the stream is treated as dead and reopened. 0 = off. */
  staleTimeout = 0;

  /**
   * Share one stream among the tabs of this origin that point at the same URL: one leader tab holds
   * the connection and relays what it receives. Where Web Locks are missing, each tab connects itself.
   */
  shared = false;

  /** Close the stream while the tab is hidden and resume (with the last id) when it is shown. */
  pauseHidden = false;

  /** The mock backend used in mock mode; a default simulation when not set. Setting it implies `mock`. */
  mockBackend: MockBackend | undefined;

  /** Opens streams; the browser's `EventSource` by default. Inject one to use another client. */
  eventSourceFactory: EventSourceFactory | undefined;

  /** The connection state: `connecting`, `open` or `closed`. Reflected as the `state` attribute. */
  get state(): ConnectionState {
    return this.session.state;
  }

  /** The message counters: `applied + rejected + ignored + duplicates = received`. */
  get stats(): ConnectionStats {
    return this.session.stats;
  }

  /** With `shared`: whether this tab holds the stream (`leader`) or is relayed to (`follower`). */
  get sharedRole(): 'leader' | 'follower' | undefined {
    return this.session.sharedRole;
  }

  /** The mock backend in use, once mock mode has started. */
  get activeMockBackend(): MockBackend | undefined {
    return this.session.activeMockBackend;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#reflectState();
    // A provider moved in the document keeps its store and its resume id, and reconnects.
    if (this.hasUpdated && this.#wanted) this.session.connect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.session.disconnect();
  }

  protected override willUpdate(): void {
    // Before render, so the state it sets is part of this update rather than scheduling another.
    this.session.configure({
      url: this.url,
      mock: this.mock,
      mockBackend: this.mockBackend,
      transport: this.transport,
      withCredentials: this.withCredentials,
      snapshotUrl: this.snapshotUrl,
      apiBase: this.apiBase,
      reconnectMin: this.reconnectMin,
      reconnectMax: this.reconnectMax,
      staleTimeout: this.staleTimeout,
      shared: this.shared,
      pauseHidden: this.pauseHidden,
      headers: this.headers,
      eventSourceFactory: this.eventSourceFactory,
      metricsHistory: this.metricsHistory,
      logLimit: this.logLimit,
      maxProjects: this.maxProjects,
    });
    if (!this.hasUpdated && this.#wanted && this.isConnected) this.session.connect();
  }

  /** Opens the connection if it is closed. */
  connect(): void {
    this.#wanted = true;
    if (this.isConnected && this.hasUpdated) this.session.connect();
  }

  /**
   * Closes the connection and stops reconnecting until `connect()` or `reconnect()`. In a tab that
   * follows a `shared` leader, it detaches this tab only.
   */
  disconnect(): void {
    this.#wanted = false;
    this.session.disconnect();
  }

  /** Closes the connection and opens a new one now, resuming from the last event id. */
  reconnect(): void {
    this.#wanted = true;
    if (this.isConnected && this.hasUpdated) this.session.reconnect();
  }

  override render() {
    return html`<slot></slot>`;
  }

  readonly #onSessionEvent = (event: SessionEvent): void => {
    switch (event.kind) {
      case 'state':
        this.#reflectState();
        this.#emit('sse-state-change', { state: event.state, previous: event.previous });
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
  };

  #reflectState(): void {
    if (this.isConnected && this.getAttribute('state') !== this.state) this.setAttribute('state', this.state);
  }

  #emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
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
  backfill: CustomEvent<EventPayloads['backfill']>;
  'rate-limit': CustomEvent<EventPayloads['rate_limit']>;
};

declare global {
  // The provider's events bubble and are composed: they reach the document and the window too.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends ProviderEvents {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DocumentEventMap extends ProviderEvents {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface WindowEventMap extends ProviderEvents {}
}

