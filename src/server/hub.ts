import { MAX_STRING_LENGTH, isEventType, validateEvent, type EventPayloads, type EventType } from '../core/protocol.js';
import { memoryBus, utf8Length, type BusMessage, type BusStatus, type SseBus } from './bus.js';
import { answerPreflight, corsHeaders, type SseCorsOptions } from './cors.js';
import { formatFrame } from './frame.js';
import {
  backfillData,
  cutAt,
  historyEntryOf,
  isHistoryRange,
  memoryHistory,
  type HistorySample,
  type MetricsHistory,
  type SseBusHistory,
  type SseHistory,
  type SseHistoryOptions,
} from './history.js';
import { answerJson, answerText, headerValue, type SseRequest, type SseResponse } from './http.js';
import { quote, throttled, type SseLogger } from './log.js';
import { RateLimiter, exposeRateLimitHeaders, rateLimitStoreOf, rateLimitedBody, type RateLimitResult, type SseRateLimitOptions } from './rate-limit.js';
import { SseScope, projectIdOf, requestedProjects, scopeOf, type SseGrant } from './scope.js';
import { SnapshotCache } from './snapshots.js';

/**
 * The protocol's payloads as a backend sends them: `timestamp` may be left out where the client
 * takes the time of receipt instead.
 */
export type ServerEventPayloads = {
  [K in EventType]: K extends 'deployment_progress' | 'container_status_changed'
    ? Omit<EventPayloads[K], 'timestamp'> & { timestamp?: string }
    : EventPayloads[K];
};

/** Decides who sees what: a grant for the viewer behind `req`, or `null` for none (401). */
export type SseAuthorize = (req: SseRequest) => SseGrant | null | undefined | PromiseLike<SseGrant | null | undefined>;

export interface SseHubOptions {
  /**
   * Who may see what. Called for every stream request (and again by `reauthorize()`); answers
   * `{ projects: string[] | '*', expiresAt?, viewer? }`, or `null` for 401 with no stream opened.
   * A throw or rejection answers 500 and is logged. Without it, every viewer sees every project.
   */
  authorize?: SseAuthorize;
  /** Where messages are numbered, kept and shared between instances (default: `memoryBus()`, one process). */
  bus?: SseBus;
  /** For the default bus: messages kept for resuming (default 1000). */
  replayLimit?: number;
  /** For the default bus: bytes of messages kept for resuming (default 8 MiB). */
  replayBytes?: number;
  /** For the default bus: the prefix of its ids (see `memoryBus`). */
  instanceId?: string;
  /** Milliseconds between heartbeat comments (default 15000); `0` sends none. */
  heartbeatMs?: number;
  /** The `retry:` sent first on every stream: the browser's reconnection delay in ms (default 2000). */
  retryMs?: number;
  /**
   * Bytes a client may have waiting to be sent (default 1 MiB). Past it, nothing more is queued for
   * it: when it has drained, it is caught up from the bus; if it stays past it for `slowClientMs`,
   * it is dropped (it reconnects and resumes).
   */
  maxBufferedBytes?: number;
  /** How long a client may stay past `maxBufferedBytes` before it is dropped (default 10000 ms). */
  slowClientMs?: number;
  /** Bytes waiting across all clients of this process (default 256 MiB); past it the slowest are shed. */
  maxQueuedBytes?: number;
  /** The largest message `send` accepts, as JSON bytes (default 1 MiB). */
  maxMessageBytes?: number;
  /**
   * The current state, sent as a `snapshot` event to a client that cannot be resumed exactly and,
   * unless `snapshotOnConnect` is `false`, to one that connects with no last id. It may return a
   * promise. It is called once per moment and shared (see `snapshotReuseMs`), and the hub filters
   * its `projects` by each viewer's scope, so it returns every project.
   */
  snapshot?: () => unknown;
  /** Send the snapshot to clients that connect with no last id too (default `true`). */
  snapshotOnConnect?: boolean;
  /** How long a snapshot may take before the clients waiting for it are told to retry (default 10000 ms). */
  snapshotTimeoutMs?: number;
  /** How long one snapshot serves later clients (they catch up from the bus after it), default 1000 ms. */
  snapshotReuseMs?: number;
  /** Cross-origin access: answers preflights and adds the CORS headers. Same-origin only without it. */
  cors?: SseCorsOptions;
  /** Extra response headers for the stream. */
  headers?: Record<string, string>;
  /**
   * What happened before a page opened (default on): the hub records every message it sends —
   * `metrics_updated` into per-project roll-ups (1 min for 24 h, 10 min for 7 d, 1 h for 30 d) and
   * the last points, `container_status_changed` and `deployment_progress` into the last deployments'
   * lines — answers `history()` and `handleHistory()` from it, and sends each client that cannot be
   * resumed exactly a `backfill` event per project after its snapshot. Where it lives: the bus's own
   * store when it has one (the Redis bus: in Redis, so every instance answers the same), else this
   * process. An object sets the bounds and the clock; a store (`SseHistory`) is used as it is;
   * `false` keeps nothing.
   */
  history?: boolean | SseHistoryOptions | SseHistory;
  /**
   * Per-viewer rate limits (default: none): `{ limit, windowMs }` for the REST helpers
   * (`handleHistory`) and a host's routes (`limit()`), new streams counted apart (`stream`), more
   * named policies for a host's routes (`policies`). Keyed by the `viewer` that `authorize` returns,
   * else by the client's address. Over the limit: `429` with `Retry-After`, the IETF `RateLimit` /
   * `RateLimit-Policy` headers and `{ error, retryAfter }`; every counted response carries the
   * figures. Counted in Redis with the Redis bus (the limit holds across instances), else in this
   * process. A store that fails lets requests through, with a warning.
   */
  rateLimit?: SseRateLimitOptions;
  /**
   * Receives warnings (dropped clients, a failing snapshot or `authorize`, the bus going down) and,
   * if it has `debug`, a line per resume. Default: warnings to `console.warn`.
   */
  logger?: SseLogger;
}

/** Counters for monitoring. */
export interface SseHubStats {
  /** Streams open now. */
  clients: number;
  /** Streams opened since the hub was created. */
  connections: number;
  /** Messages published with `send` by this instance. */
  sent: number;
  /** Messages this instance received from the bus and fanned out. */
  delivered: number;
  /** Clients dropped for a backlog that persisted. */
  dropped: number;
  /** Clients shed to keep the process under `maxQueuedBytes`. */
  shed: number;
  /** Clients caught up from the bus after a burst they could not take at once. */
  caughtUp: number;
  /** Connections that resumed from their last id. */
  resumed: number;
  /** Snapshots written to clients. */
  snapshots: number;
  /** `backfill` events written to clients (one per project). */
  backfills: number;
  /** Calls of the `snapshot` function (shared by the clients of one moment). */
  snapshotCalls: number;
  /** `resync` events: a resume id that could not be served, with no snapshot function. */
  resyncs: number;
  /** Requests answered 401. */
  unauthorized: number;
  /** Requests answered 429 (over a rate limit). */
  rateLimited: number;
  /** Requests served uncounted because the rate-limit store failed or was slow. */
  rateLimitFailedOpen: number;
  /** Streams closed by `reauthorize()` or an expired grant. */
  revoked: number;
  /** Bytes waiting to be sent across all clients now. */
  queuedBytes: number;
  /** The bus: its kind, state, lag and last id. */
  bus: BusStatus;
}

type Mode = 'live' | 'catching-up' | 'behind';

interface Client {
  readonly req: SseRequest;
  readonly res: SseResponse;
  readonly label: string;
  scope: SseScope;
  mode: Mode;
  /** While catching up: live texts that arrived meanwhile, with their ids. */
  queue: { id: string; text: string }[];
  queueBytes: number;
  /** Live messages arrived past the queue's bound: the catch-up reads on until the bus's end. */
  overflow: boolean;
  /** Text to write at the end of this tick. */
  pending: string;
  /** Bytes waiting in the response, as of the last write or check. */
  backlog: number;
  /** When the backlog went past `maxBufferedBytes`. */
  behindSince: number;
  /** The id of the last message written to it. */
  lastId: string | undefined;
  /**
   * After a catch-up that read the bus ahead of this instance's live delivery: live messages up to
   * this id were already written.
   */
  floor: string | undefined;
  /** A catch-up waiting for the response to drain. */
  waiter: ((drained: boolean) => void) | undefined;
  expiry: ReturnType<typeof setTimeout> | undefined;
  closed: boolean;
}

const MIB = 1024 * 1024;
const CATCH_UP_BATCH = 500;
const PREFIX = '[live-elements/server]';

/** The resume id a client sent: the `Last-Event-ID` header wins over the `lastEventId` query parameter. */
export function resumeIdOf(req: Pick<SseRequest, 'headers' | 'url'>): string | undefined {
  const header = headerValue(req.headers['last-event-id']);
  if (header !== undefined) return header;
  const url = req.url ?? '';
  const query = url.indexOf('?');
  if (query < 0) return undefined;
  try {
    return new URLSearchParams(url.slice(query + 1)).get('lastEventId')?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * One event stream served to any number of clients, each seeing only the projects it may: it
 * accepts streams, asks a scope who may see a message, and a bus for ids, replay and live
 * messages. Each message is serialised once and written as the same text to every client that
 * may see it; clients are indexed by project, so a message costs O(its viewers).
 *
 * It needs no framework — a `(req, res)` pair from `node:http`, Express or Fastify (`reply.hijack()`
 * then `request.raw`, `reply.raw`) is all.
 *
 * @example
 * const hub = createSseHub({
 *   authorize: async (req) => {
 *     const user = await sessionOf(req);
 *     return user ? { projects: user.projectIds } : null;
 *   },
 *   snapshot: () => ({ projects: listProjects() }),
 * });
 * http.createServer((req, res) => {
 *   if (req.url?.startsWith('/api/containers/events')) return hub.handle(req, res);
 *   // … the REST endpoints …
 * }).listen(8080);
 * await hub.send('container_status_changed', { projectId: 'api', oldStatus: 'stopped', newStatus: 'deploying' });
 */
export class SseHub {
  readonly #authorize: SseAuthorize | undefined;
  readonly #bus: SseBus;
  readonly #heartbeatMs: number;
  readonly #retryMs: number;
  readonly #maxBufferedBytes: number;
  readonly #slowClientMs: number;
  readonly #maxQueuedBytes: number;
  readonly #maxMessageBytes: number;
  readonly #snapshotOnConnect: boolean;
  readonly #snapshots: SnapshotCache | undefined;
  readonly #cors: SseCorsOptions | undefined;
  readonly #headers: Record<string, string>;
  readonly #logger: SseLogger;
  readonly #warnDropped: (message: string) => void;
  readonly #history: SseHistory | undefined;
  /** The history when it is the bus's own: it publishes and records in one step. */
  readonly #busHistory: SseBusHistory | undefined;
  /** Records under way on this instance: a backfill waits for them. */
  readonly #recording = new Set<Promise<void>>();
  /** Called with every message this instance receives from the bus (see `observe`). */
  readonly #observers = new Set<(message: BusMessage) => void>();
  /** Backfill texts of one moment, shared by the clients that connect in it (like snapshots). */
  #backfills: { cut: string | undefined; at: number; texts: Map<string, Promise<string | null>>; recent: Promise<string[]> | undefined } | undefined;
  readonly #backfillReuseMs: number;
  readonly #limiter: RateLimiter | undefined;

  readonly #clients = new Set<Client>();
  /** Clients that may see every project. */
  readonly #everyone = new Set<Client>();
  /** Clients that may see some projects, by project. */
  readonly #byProject = new Map<string, Set<Client>>();
  /** Clients with text to write at the end of this tick. */
  #dirty: Client[] = [];
  #flushScheduled = false;
  #flushed: (() => void)[] = [];
  /** Clients whose backlog is past the limit or who are waiting to drain. */
  readonly #backedUp = new Set<Client>();
  #queued = 0;
  #lastId: string | undefined;
  #started: Promise<void> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #slowCheck: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** After `close()`: clients come back within this many ms. */
  #reconnectWithin = 2000;
  #serial = 0;
  readonly #stats = {
    connections: 0,
    sent: 0,
    delivered: 0,
    dropped: 0,
    shed: 0,
    caughtUp: 0,
    resumed: 0,
    snapshots: 0,
    backfills: 0,
    resyncs: 0,
    unauthorized: 0,
    rateLimited: 0,
    revoked: 0,
  };

  constructor(options: SseHubOptions = {}) {
    this.#authorize = options.authorize;
    this.#bus = options.bus ?? memoryBus({ replayLimit: options.replayLimit, replayBytes: options.replayBytes, instanceId: options.instanceId });
    this.#heartbeatMs = Math.max(0, options.heartbeatMs ?? 15000);
    this.#retryMs = Math.max(0, Math.round(options.retryMs ?? 2000));
    this.#maxBufferedBytes = Math.max(0, options.maxBufferedBytes ?? MIB);
    this.#slowClientMs = Math.max(0, options.slowClientMs ?? 10000);
    this.#maxQueuedBytes = Math.max(0, options.maxQueuedBytes ?? 256 * MIB);
    this.#maxMessageBytes = Math.max(0, options.maxMessageBytes ?? MIB);
    this.#snapshotOnConnect = options.snapshotOnConnect ?? true;
    this.#logger = options.logger ?? { warn: (message) => console.warn(message) };
    this.#warnDropped = throttled(this.#logger, 5000);
    this.#snapshots = options.snapshot
      ? new SnapshotCache(options.snapshot, {
          timeoutMs: options.snapshotTimeoutMs ?? 10000,
          reuseMs: options.snapshotReuseMs ?? 1000,
          logger: this.#logger,
        })
      : undefined;
    this.#cors = options.cors;
    this.#headers = { ...options.headers };
    this.#backfillReuseMs = Math.max(0, options.snapshotReuseMs ?? 1000);
    const history = options.history ?? true;
    if (history === false) {
      this.#history = undefined;
    } else if (typeof history === 'object' && typeof (history as SseHistory).record === 'function') {
      this.#history = history as SseHistory;
    } else {
      const bounds = history === true ? {} : (history as SseHistoryOptions);
      this.#busHistory = this.#bus.history?.(bounds);
      this.#history = this.#busHistory ?? memoryHistory(bounds);
    }
    const rateLimit = options.rateLimit;
    this.#limiter = rateLimit ? new RateLimiter({ ...rateLimit, store: rateLimit.store ?? rateLimitStoreOf(this.#bus) }, this.#logger) : undefined;
  }

  /** Streams open now. */
  get clients(): number {
    return this.#clients.size;
  }

  /** The id of the latest message delivered to this instance (before the first, the bus's starting id, if it has one). */
  get lastEventId(): string | undefined {
    return this.#lastId;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A copy of the counters. */
  get stats(): SseHubStats {
    return {
      ...this.#stats,
      clients: this.#clients.size,
      snapshotCalls: this.#snapshots?.calls ?? 0,
      rateLimitFailedOpen: this.#limiter?.failedOpen ?? 0,
      queuedBytes: this.#queued,
      bus: this.#bus.status,
    };
  }

  /**
   * The scope of the viewer behind `req` (its grant narrowed by `?projects=`), or `null` when
   * `authorize` refuses it. Use it to filter REST answers the way the stream is filtered. Rejects
   * when `authorize` throws.
   */
  async scopeOf(req: SseRequest): Promise<SseScope | null> {
    const grant = this.#authorize ? await this.#authorize(req) : { projects: '*' as const };
    if (grant === null || grant === undefined) return null;
    return scopeOf(grant, requestedProjects(req.url));
  }

  /**
   * Serves one `GET` as an event stream: headers, `retry:`, then the messages after the client's
   * `Last-Event-ID` header (or `?lastEventId=`), or a snapshot, then live messages and heartbeats
   * until the client goes away. `OPTIONS` answers a CORS preflight; other methods 405. The promise
   * never rejects: an unexpected error is logged and the response destroyed.
   */
  handle(req: SseRequest, res: SseResponse): Promise<void> {
    return this.#serve(req, res).catch((error: unknown) => {
      this.#logger.warn(`${PREFIX} serving ${describeRequest(req)} failed: ${reasonOf(error)}`);
      if (!res.destroyed) res.destroy();
    });
  }

  async #serve(req: SseRequest, res: SseResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'OPTIONS') return answerPreflight(req, res, this.#cors, ['GET', 'HEAD', 'OPTIONS']);
    if (method !== 'GET' && method !== 'HEAD') return answerText(res, 405, 'Method not allowed', { Allow: 'GET, HEAD, OPTIONS' });
    const cors = corsHeaders(req, this.#cors);
    if (cors === null) return answerText(res, 403, 'Cross-origin requests from this origin are not allowed', { Vary: 'Origin' });

    let scope: SseScope | null;
    try {
      scope = await this.scopeOf(req);
    } catch (error) {
      this.#logger.warn(`${PREFIX} authorize() failed for ${describeRequest(req)}: ${reasonOf(error)}; answered 500`);
      if (!res.destroyed) answerText(res, 500, 'Authorization failed', cors);
      return;
    }
    if (res.destroyed) return;
    if (scope === null || (scope.expiresAt !== undefined && scope.expiresAt <= Date.now())) {
      this.#stats.unauthorized += 1;
      return answerText(res, 401, 'Unauthorized', cors);
    }
    if (this.#closed) return this.#sendElsewhere(req, res, cors);
    await this.#start();
    if (res.destroyed) return;
    if (this.#closed) return this.#sendElsewhere(req, res, cors);
    const limited = this.#limiter?.has('stream') ? await this.#limitOrAnswer(req, res, 'stream', scope, cors, method) : {};
    if (limited === null || res.destroyed) return;

    const headers: Record<string, string> = {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
      ...cors,
      ...limited,
      ...this.#headers,
    };
    // A host's own exposed headers add to the rate limit's, so a page can still read those.
    const exposed = [limited['Access-Control-Expose-Headers'], this.#headers['Access-Control-Expose-Headers']].filter(Boolean);
    if (exposed.length > 1) headers['Access-Control-Expose-Headers'] = exposed.join(', ');
    // HTTP/2 forbids connection-specific headers (node:http2 throws on them).
    const http1 = (req.httpVersionMajor ?? 1) < 2;
    if (http1) headers.Connection = 'keep-alive';
    res.writeHead(200, headers);
    if (method === 'HEAD') {
      res.end();
      return;
    }
    if (http1) {
      // A long-lived stream: no idle timeout, and small frames go out at once.
      req.socket?.setTimeout?.(0);
      req.socket?.setNoDelay?.(true);
      req.socket?.setKeepAlive?.(true);
    }

    const client: Client = {
      req,
      res,
      label: `client #${++this.#serial}`,
      scope,
      mode: 'live',
      queue: [],
      queueBytes: 0,
      overflow: false,
      pending: '',
      backlog: 0,
      behindSince: 0,
      lastId: undefined,
      floor: undefined,
      waiter: undefined,
      expiry: undefined,
      closed: false,
    };
    this.#clients.add(client);
    this.#index(client);
    this.#stats.connections += 1;
    this.#armExpiry(client);
    const cleanup = () => this.#remove(client);
    req.on('close', cleanup);
    res.on('close', cleanup);
    res.on('error', cleanup);
    res.on('drain', () => this.#drained(client));
    this.#startTimers();
    this.#put(client, formatFrame({ retry: this.#retryMs }));

    const resumeId = resumeIdOf(req);
    if (resumeId !== undefined) {
      // Catching up before anything live: live messages wait in the client's queue meanwhile.
      client.mode = 'catching-up';
      const first = await this.#read(client, resumeId);
      if (client.closed) return;
      if (first !== null) {
        this.#stats.resumed += 1;
        this.#logger.debug?.(`${PREFIX} ${client.label} resumed after ${quote(resumeId, 64)}`);
        await this.#catchUp(client, resumeId, first);
        return;
      }
      this.#logger.debug?.(`${PREFIX} ${client.label} asked to resume after ${quote(resumeId, 64)}, which the bus does not hold`);
      if (this.#snapshots) return this.#sendSnapshot(client);
      return this.#resync(client, resumeId);
    }
    if (this.#snapshots && this.#snapshotOnConnect) {
      client.mode = 'catching-up';
      return this.#sendSnapshot(client);
    }
    if (!this.#snapshots && this.#history) {
      // No snapshot to stand for the past: the history stands as of the latest message delivered
      // here, and what comes after it follows live.
      client.mode = 'catching-up';
      const cut = this.#lastId ?? this.#bus.status.lastId;
      await this.#sendBackfill(client, cut);
      if (!client.closed) this.#goLive(client, cut);
    }
  }

  /**
   * Publishes a message to every client that may see it (on every instance, with a shared bus) and
   * keeps it for resuming. `data` is serialised once with `JSON.stringify`. Resolves with its id
   * once the bus holds it. Rejects with a `TypeError` for an event name with a line break, data with
   * no JSON form or a protocol event the client would reject (a string over 64 KiB, an unknown
   * status, …); with a `RangeError` past `maxMessageBytes`; and with the bus's error when it cannot
   * take the message (Redis unreachable): the caller may retry.
   *
   * The protocol's own event types are type-checked against their payloads; any other name takes
   * any data.
   */
  send<K extends EventType>(event: K, data: ServerEventPayloads[K]): Promise<string>;
  send<E extends string>(event: E extends EventType ? never : E, data: unknown): Promise<string>;
  async send(event: string, data: unknown): Promise<string> {
    if (this.#closed) throw new Error('The hub is closed');
    const json = JSON.stringify(data);
    if (json === undefined) throw new TypeError(`SSE data for ${quote(event, 80)} has no JSON form`);
    // Formatting first, so a bad event name throws before an id is used up.
    formatFrame({ event, data: '' });
    checkMessage(event, data, json, this.#maxMessageBytes);
    await this.#start();
    const history = this.#history;
    const entry = history ? historyEntryOf(event, data, history.now()) : undefined;
    let id: string;
    if (entry && this.#busHistory) {
      id = await this.#busHistory.publishRecorded(event, json, projectIdOf(data), entry);
    } else {
      id = await this.#bus.publish(event, json, projectIdOf(data));
      if (entry && history) {
        // Published already: a store that fails is reported, not thrown, or a retry would send it twice.
        const recorded = history.record(entry, id).catch((error: unknown) => {
          this.#warnDropped(`${PREFIX} history could not record message ${quote(id, 64)}: ${reasonOf(error)}`);
        });
        this.#recording.add(recorded);
        await recorded;
        this.#recording.delete(recorded);
      }
    }
    this.#stats.sent += 1;
    return id;
  }

  /**
   * The metrics roll-ups of one project over `range` (`24h`, `7d` or `30d`) as of the history's
   * clock: the buckets that hold data, oldest first. `null` for a project with nothing recorded in
   * 30 days, or with history off. Throws a `TypeError` for another range; rejects when the store
   * cannot answer (Redis unreachable). Filter by viewer yourself, or use `handleHistory`.
   */
  async history(projectId: string, range: string): Promise<MetricsHistory | null> {
    if (!isHistoryRange(range)) throw new TypeError(`range must be one of 24h, 7d, 30d, not ${quote(range, 40)}`);
    const history = this.#history;
    if (!history) return null;
    await this.#start();
    return history.query(projectId, range, history.now());
  }

  /**
   * Adds metrics samples of the past to a project's history (its roll-ups and last points), each at
   * the `time` it carries, oldest first: to carry history over from another system, or for a demo.
   * Throws a `TypeError` for a sample that is not finite numbers, and an `Error` with history off.
   */
  async seedHistory(projectId: string, samples: readonly HistorySample[]): Promise<void> {
    if (typeof projectId !== 'string' || projectId === '') throw new TypeError('seedHistory(): projectId must be a non-empty string');
    const history = this.#history;
    if (!history) throw new Error('seedHistory(): this hub keeps no history (history: false)');
    await this.#start();
    await history.seed(projectId, samples);
  }

  /** Forgets what history keeps of a project (a deleted one). */
  async forgetHistory(projectId: string): Promise<void> {
    if (!this.#history) return;
    await this.#start();
    await this.#history.forget(projectId);
  }

  /**
   * Answers `GET …/projects/:id/metrics?range=24h|7d|30d` with `history()` as JSON, authorized like
   * the stream: 401 when `authorize` refuses the viewer, 500 when it throws, 404 for a project the
   * viewer may not see or that has no history, 400 for a bad `range`, 503 when the store cannot
   * answer; CORS as for the stream, `Cache-Control: no-store`. The project is `projectId` when
   * given, else the path segment after `projects`. The promise never rejects.
   */
  handleHistory(req: SseRequest, res: SseResponse, projectId?: string): Promise<void> {
    return this.#serveHistory(req, res, projectId).catch((error: unknown) => {
      this.#logger.warn(`${PREFIX} serving ${describeRequest(req)} failed: ${reasonOf(error)}`);
      if (!res.destroyed) res.destroy();
    });
  }

  async #serveHistory(req: SseRequest, res: SseResponse, given: string | undefined): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'OPTIONS') return answerPreflight(req, res, this.#cors, ['GET', 'HEAD', 'OPTIONS']);
    if (method !== 'GET' && method !== 'HEAD') return answerJson(res, 405, { error: 'Method not allowed' }, { Allow: 'GET, HEAD, OPTIONS' }, method);
    const cors = corsHeaders(req, this.#cors);
    if (cors === null) return answerJson(res, 403, { error: 'Cross-origin requests from this origin are not allowed' }, { Vary: 'Origin' }, method);
    let scope: SseScope | null;
    try {
      scope = await this.scopeOf(req);
    } catch (error) {
      this.#logger.warn(`${PREFIX} authorize() failed for ${describeRequest(req)}: ${reasonOf(error)}; answered 500`);
      if (!res.destroyed) answerJson(res, 500, { error: 'Authorization failed' }, cors, method);
      return;
    }
    if (res.destroyed) return;
    if (scope === null || (scope.expiresAt !== undefined && scope.expiresAt <= Date.now())) {
      this.#stats.unauthorized += 1;
      return answerJson(res, 401, { error: 'Unauthorized' }, cors, method);
    }
    const limited = await this.#limitOrAnswer(req, res, 'default', scope, cors, method);
    if (limited === null || res.destroyed) return;
    const headers = { ...cors, ...limited };
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://hub.invalid');
    } catch {
      return answerJson(res, 400, { error: 'Bad request URL' }, headers, method);
    }
    const projectId = given ?? projectOfHistoryPath(url.pathname);
    // Outside the viewer's scope a project does not exist: the same 404 as an unknown one.
    const notFound = () => answerJson(res, 404, { error: `No metrics history for project ${JSON.stringify((projectId ?? '').slice(0, 256))}` }, headers, method);
    if (projectId === undefined || !scope.allows(projectId)) return notFound();
    const range = url.searchParams.get('range');
    if (!isHistoryRange(range)) {
      return answerJson(res, 400, { error: `range must be one of 24h, 7d, 30d${range === null ? '' : `, not ${JSON.stringify(range.slice(0, 40))}`}` }, headers, method);
    }
    let history: MetricsHistory | null;
    try {
      history = await this.history(projectId, range);
    } catch (error) {
      this.#warnDropped(`${PREFIX} history could not answer ${describeRequest(req)}: ${reasonOf(error)}; answered 503`);
      if (!res.destroyed) answerJson(res, 503, { error: 'Metrics history is unavailable right now; retry later' }, { ...headers, 'Retry-After': '5' }, method);
      return;
    }
    if (res.destroyed) return;
    if (history === null) return notFound();
    answerJson(res, 200, history, headers, method);
  }

  /**
   * Counts one request of the viewer behind `req` against a rate-limit policy (`default` unless
   * named: `stream`, or one of `rateLimit.policies`) and resolves with the decision and its headers,
   * without answering: for a framework that sets headers its own way. `null` without a `rateLimit`
   * option, or when the store failed (the request may go ahead). The viewer is `scope.viewer` when
   * a scope is given (what `scopeOf` answered: no second `authorize` call), else `authorize` is
   * asked; without a viewer the request counts by its address. Rejects with a `TypeError` for a
   * policy that is not configured.
   */
  async rateLimit(req: SseRequest, policy = 'default', scope?: { readonly viewer?: string | undefined } | null): Promise<RateLimitResult | null> {
    const limiter = this.#limiter;
    if (!limiter) return null;
    // A policy that is not configured is a mistake in the host's code: refused before authorize runs.
    if (!limiter.has(policy)) return limiter.check(req, policy);
    let viewer: string | undefined;
    if (scope !== undefined) {
      viewer = scope?.viewer;
    } else {
      try {
        viewer = (await this.scopeOf(req))?.viewer;
      } catch {
        viewer = undefined;
      }
    }
    await this.#start();
    const result = await limiter.check(req, policy, viewer);
    if (result && !result.allowed) this.#stats.rateLimited += 1;
    return result;
  }

  /**
   * The rate limit for a host's own route, in one line: counts the request (see `rateLimit()`),
   * sets the figures on `res` with `setHeader` and resolves `true` to go ahead; over the limit,
   * answers `429` (`Retry-After`, the `RateLimit` headers, `{ error, retryAfter }`, CORS as for the
   * stream) and resolves `false`. Always `true` without a `rateLimit` option, and when the store
   * fails (served uncounted, with a warning). Rejects with a `TypeError` for a policy that is not
   * configured. `res.setHeader` is `node:http`'s (Express's, Fastify's `reply.raw`).
   *
   * @example
   * const scope = await hub.scopeOf(req);
   * if (!scope) return unauthorized(res);
   * if (!(await hub.limit(req, res, 'actions', scope))) return;
   * // … act, and answer as usual: the RateLimit headers go out with it
   */
  async limit(
    req: SseRequest,
    res: SseResponse & { setHeader?(name: string, value: string): unknown },
    policy = 'default',
    scope?: { readonly viewer?: string | undefined } | null,
  ): Promise<boolean> {
    const headers = await this.#limitOrAnswer(req, res, policy, scope, corsHeaders(req, this.#cors) ?? {}, (req.method ?? 'GET').toUpperCase());
    if (headers === null) return false;
    for (const [name, value] of Object.entries(headers)) res.setHeader?.(name, value);
    return true;
  }

  /** Counts a request: the rate-limit headers to send with its answer, or `null` once it has been answered 429. */
  async #limitOrAnswer(
    req: SseRequest,
    res: SseResponse,
    policy: string,
    scope: { readonly viewer?: string | undefined } | null | undefined,
    cors: Record<string, string>,
    method: string,
  ): Promise<Record<string, string> | null> {
    const result = await this.rateLimit(req, policy, scope);
    if (!result) return {};
    const headers = { ...result.headers, ...exposeRateLimitHeaders(cors) };
    if (result.allowed) return headers;
    this.#logger.debug?.(`${PREFIX} ${describeRequest(req)} is over the ${result.policy} rate limit; answered 429`);
    if (!res.destroyed) answerJson(res, 429, rateLimitedBody(result), { ...cors, ...headers }, method);
    return null;
  }

  /**
   * Calls `listener` with every message this instance receives from the bus, in order, as it fans
   * it out (with a shared bus, every instance sees every message, whoever sent it): what webhooks
   * and other watchers build on. Returns a function that stops it. A listener that throws is
   * logged, and called again for the next message.
   */
  observe(listener: (message: BusMessage) => void): () => void {
    this.#observers.add(listener);
    return () => {
      this.#observers.delete(listener);
    };
  }

  /** Sends a comment (`: text`) to every live client: not a message, not kept, carries no id. */
  comment(text: string): void {
    const frame = formatFrame({ comment: text });
    for (const client of this.#clients) if (client.mode === 'live') this.#put(client, frame);
  }

  /**
   * Runs `authorize` again for every open stream: a stream whose viewer is now refused (or whose
   * `authorize` throws) is closed, and it gets 401 if it reconnects; one whose projects changed is
   * re-indexed at once and sent a fresh snapshot of what it may now see (when there is a `snapshot`).
   * Call it when a member leaves a team or a token is revoked. Resolves with what it did.
   */
  async reauthorize(): Promise<{ checked: number; closed: number; changed: number }> {
    const result = { checked: 0, closed: 0, changed: 0 };
    await Promise.all(
      [...this.#clients].map(async (client) => {
        result.checked += 1;
        let scope: SseScope | null;
        try {
          scope = await this.scopeOf(client.req);
        } catch (error) {
          this.#logger.warn(`${PREFIX} authorize() failed for ${client.label} on reauthorize: ${reasonOf(error)}; closing its stream`);
          scope = null;
        }
        if (client.closed) return;
        if (scope === null || (scope.expiresAt !== undefined && scope.expiresAt <= Date.now())) {
          result.closed += 1;
          this.#revoke(client);
          return;
        }
        const changed = !scope.equals(client.scope);
        this.#unindex(client);
        client.scope = scope;
        this.#index(client);
        this.#armExpiry(client);
        if (!changed) return;
        result.changed += 1;
        if (this.#snapshots && client.mode === 'live') {
          client.mode = 'catching-up';
          await this.#sendSnapshot(client);
        }
      }),
    );
    return result;
  }

  /**
   * Ends every open stream; the browser reconnects on its own and resumes. The hub stays usable.
   */
  disconnectAll(): void {
    for (const client of [...this.#clients]) this.#end(client);
  }

  /**
   * Graceful shutdown, for a rolling deploy: every stream is told to come back after a short,
   * spread-out delay and ended, so browsers reconnect — through the load balancer, to another
   * instance — and resume from their last id. Requests that still arrive get the same answer (never
   * a 503, after which a browser's `EventSource` gives up for good). Then the bus is closed.
   *
   * @param options.reconnectWithinMs clients come back at a random moment within this (default 2000), so they do not all arrive at once.
   */
  async close(options: { reconnectWithinMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#reconnectWithin = Math.max(0, options.reconnectWithinMs ?? 2000);
    for (const client of [...this.#clients]) {
      const retry = formatFrame({ retry: this.#spreadRetry() });
      this.#flushNow(client, client.pending + retry);
      this.#end(client);
    }
    this.#stopTimers();
    await this.#bus.close();
  }

  // --- Connection ---------------------------------------------------------------------------------

  #spreadRetry(): number {
    return Math.round(250 + Math.random() * Math.max(0, this.#reconnectWithin - 250));
  }

  /** After `close()`: a stream that says "come back soon" and ends, with the connection closed, so the retry reaches another instance. */
  #sendElsewhere(req: SseRequest, res: SseResponse, cors: Record<string, string>): void {
    const headers: Record<string, string> = { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', ...cors };
    if ((req.httpVersionMajor ?? 1) < 2) headers.Connection = 'close';
    res.writeHead(200, headers);
    res.write(formatFrame({ retry: this.#spreadRetry(), comment: 'this instance is shutting down; reconnect' }));
    res.end();
  }

  /** Starts the bus once; the hub learns the latest id it holds. */
  #start(): Promise<void> {
    this.#started ??= this.#bus.start((message) => this.#deliver(message), this.#logger).then((lastId) => {
      this.#lastId ??= lastId;
    });
    return this.#started;
  }

  #index(client: Client): void {
    const projects = client.scope.projects;
    if (projects === null) {
      this.#everyone.add(client);
      return;
    }
    for (const id of projects) {
      let set = this.#byProject.get(id);
      if (!set) this.#byProject.set(id, (set = new Set()));
      set.add(client);
    }
  }

  #unindex(client: Client): void {
    this.#everyone.delete(client);
    const projects = client.scope.projects;
    if (projects === null) return;
    for (const id of projects) {
      const set = this.#byProject.get(id);
      if (!set) continue;
      set.delete(client);
      if (set.size === 0) this.#byProject.delete(id);
    }
  }

  #armExpiry(client: Client): void {
    if (client.expiry !== undefined) clearTimeout(client.expiry);
    client.expiry = undefined;
    const at = client.scope.expiresAt;
    if (at === undefined) return;
    // setTimeout holds at most 2^31-1 ms; a later expiry is re-armed when that fires.
    const delay = Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1);
    client.expiry = setTimeout(() => {
      if (Date.now() >= at) this.#revoke(client);
      else this.#armExpiry(client);
    }, delay);
    (client.expiry as { unref?(): void }).unref?.();
  }

  /** Closes a stream whose viewer lost access: it reconnects, and `authorize` decides again. */
  #revoke(client: Client): void {
    if (client.closed) return;
    this.#stats.revoked += 1;
    this.#logger.debug?.(`${PREFIX} ${client.label} lost its access (refused or expired); stream closed`);
    this.#end(client);
  }

  #end(client: Client): void {
    this.#remove(client);
    if (!client.res.writableEnded && !client.res.destroyed) client.res.end();
  }

  #remove(client: Client): void {
    if (client.closed) return;
    client.closed = true;
    this.#queued -= client.queueBytes;
    client.queue = [];
    client.queueBytes = 0;
    client.pending = '';
    client.waiter?.(false);
    this.#setBacklog(client, 0);
    this.#backedUp.delete(client);
    if (client.expiry !== undefined) clearTimeout(client.expiry);
    this.#clients.delete(client);
    this.#unindex(client);
    if (this.#clients.size === 0) this.#stopTimers();
  }

  // --- Fan-out ------------------------------------------------------------------------------------

  /** A message from the bus, for this instance's clients: one text, written to each that may see it. */
  #deliver(message: BusMessage): void {
    this.#lastId = message.id;
    this.#stats.delivered += 1;
    for (const observer of this.#observers) {
      try {
        observer(message);
      } catch (error) {
        this.#warnDropped(`${PREFIX} an observer of message ${quote(message.id, 64)} threw: ${reasonOf(error)}`);
      }
    }
    if (this.#clients.size === 0) return;
    if (message.event === 'snapshot') {
      // About many projects: each viewer gets it filtered to its scope, built once per scope.
      const texts = new Map<string, string | null>();
      for (const client of this.#clients) {
        let text = texts.get(client.scope.key);
        if (text === undefined) texts.set(client.scope.key, (text = snapshotText(message, client.scope)));
        if (text !== null) this.#offer(client, message.id, text);
      }
      return;
    }
    const text = formatFrame({ id: message.id, event: message.event, data: message.data });
    const projectId = message.projectId;
    if (projectId === undefined) {
      for (const client of this.#clients) this.#offer(client, message.id, text);
      return;
    }
    for (const client of this.#everyone) this.#offer(client, message.id, text);
    const some = this.#byProject.get(projectId);
    if (some) for (const client of some) this.#offer(client, message.id, text);
  }

  /** A live message for one client, by its mode: written, queued behind its catch-up, or left for the bus to replay. */
  #offer(client: Client, id: string, text: string): void {
    if (client.mode === 'live') {
      if (client.floor !== undefined) {
        if (this.#bus.compare(id, client.floor) <= 0) return;
        client.floor = undefined;
      }
      this.#put(client, text, id);
      return;
    }
    if (client.mode === 'behind' || client.overflow) return;
    if (client.queueBytes + text.length > this.#maxBufferedBytes) {
      // The catch-up reads these from the bus instead.
      client.overflow = true;
      this.#queued -= client.queueBytes;
      client.queue = [];
      client.queueBytes = 0;
      return;
    }
    client.queue.push({ id, text });
    client.queueBytes += text.length;
    this.#queued += text.length;
  }

  /** Adds text for one client, written at the end of this tick in one write with whatever else it gets. */
  #put(client: Client, text: string, id?: string): void {
    if (client.closed) return;
    if (client.pending === '') this.#dirty.push(client);
    // Texts shared by many clients: the concatenation keeps references, not copies.
    client.pending += text;
    if (id !== undefined) client.lastId = id;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    const dirty = this.#dirty;
    this.#dirty = [];
    for (const client of dirty) {
      const text = client.pending;
      client.pending = '';
      if (!client.closed && text !== '') this.#flushNow(client, text);
    }
    // What the kernel did not take stays in memory: the process cap is checked on that.
    if (this.#queued > this.#maxQueuedBytes) this.#shed();
    const waiting = this.#flushed;
    this.#flushed = [];
    for (const resolve of waiting) resolve();
  }

  /** Writes to the response now and looks at what is left waiting. */
  #flushNow(client: Client, text: string): void {
    const res = client.res;
    if (res.destroyed || res.writableEnded) {
      this.#remove(client);
      return;
    }
    // A write under the response's high-water mark is as good as sent; past it, what waits counts.
    const flushed = res.write(text);
    const backlog = flushed ? 0 : typeof res.writableLength === 'number' ? res.writableLength : client.backlog + utf8Length(text);
    this.#setBacklog(client, backlog);
    if (backlog > this.#maxBufferedBytes && client.mode === 'live') {
      // Past the limit: nothing more is queued for it; once drained it is caught up from the bus.
      client.mode = 'behind';
      client.behindSince = Date.now();
      this.#backedUp.add(client);
      this.#startTimers();
    }
  }

  /** Resolves after the writes of this tick went out. */
  #afterFlush(): Promise<void> {
    if (!this.#flushScheduled) return Promise.resolve();
    return new Promise((resolve) => this.#flushed.push(resolve));
  }

  #setBacklog(client: Client, bytes: number): void {
    this.#queued += bytes - client.backlog;
    client.backlog = bytes;
  }

  #drained(client: Client): void {
    this.#setBacklog(client, 0);
    if (client.waiter) {
      client.waiter(true);
      return;
    }
    if (client.mode === 'behind' && !client.closed) {
      this.#backedUp.delete(client);
      this.#stats.caughtUp += 1;
      client.mode = 'catching-up';
      void this.#catchUp(client, client.lastId);
    }
  }

  /** Over the process cap: drop the clients with the most waiting until well under it. */
  #shed(): void {
    const waiting = (client: Client) => client.backlog + client.queueBytes;
    const candidates = [...this.#clients].filter((client) => waiting(client) > 0);
    candidates.sort((a, b) => waiting(b) - waiting(a));
    const target = this.#maxQueuedBytes * 0.8;
    for (const client of candidates) {
      if (this.#queued <= target) break;
      this.#stats.shed += 1;
      this.#warnDropped(`${PREFIX} shed ${client.label} to stay under maxQueuedBytes (${this.#maxQueuedBytes} bytes across clients); it will reconnect and resume`);
      this.#remove(client);
      client.res.destroy();
    }
  }

  // --- Catch-up -----------------------------------------------------------------------------------

  /** Reads from the bus for one client; a failing bus closes the stream so the client retries. */
  async #read(client: Client, afterId: string | undefined): Promise<BusMessage[] | null> {
    try {
      return await this.#bus.read(afterId, CATCH_UP_BATCH);
    } catch (error) {
      this.#warnDropped(`${PREFIX} could not read from the bus for ${client.label}: ${reasonOf(error)}; closing its stream so it retries`);
      this.#end(client);
      return [];
    }
  }

  /**
   * Writes what the bus holds after `afterId` to a client in `catching-up` mode, batch by batch,
   * waiting for the client to take each; then what arrived live meanwhile (without what the
   * catch-up already wrote), and the client is live.
   */
  async #catchUp(client: Client, afterId: string | undefined, first?: BusMessage[]): Promise<void> {
    let cursor = afterId;
    let batch: BusMessage[] | null = first ?? (await this.#read(client, cursor));
    for (;;) {
      if (client.closed) return;
      if (batch === null) {
        // Trimmed away while it was catching up: it resumes afresh (snapshot or resync).
        this.#end(client);
        return;
      }
      for (const message of batch) {
        const text =
          message.event === 'snapshot'
            ? snapshotText(message, client.scope)
            : client.scope.allows(message.projectId)
              ? formatFrame({ id: message.id, event: message.event, data: message.data })
              : null;
        if (text !== null) this.#put(client, text, message.id);
        cursor = message.id;
      }
      if (batch.length > 0 && !(await this.#taken(client))) return;
      if (batch.length < CATCH_UP_BATCH) {
        if (!client.overflow) break;
        client.overflow = false;
      }
      batch = await this.#read(client, cursor);
    }
    this.#goLive(client, cursor);
  }

  /**
   * Ends a catch-up: the client is live, and what arrived meanwhile follows. The bus may be ahead of
   * this instance's live delivery: what the catch-up read, through `cursor`, is not written twice.
   */
  #goLive(client: Client, cursor: string | undefined): void {
    const queue = client.queue;
    client.queue = [];
    this.#queued -= client.queueBytes;
    client.queueBytes = 0;
    client.overflow = false;
    client.mode = 'live';
    client.floor = cursor;
    for (const item of queue) this.#offer(client, item.id, item.text);
  }

  /** Waits until a client's writes are out and its backlog is under the limit; drops it if that takes longer than `slowClientMs`. */
  async #taken(client: Client): Promise<boolean> {
    await this.#afterFlush();
    if (client.closed) return false;
    if (client.backlog <= this.#maxBufferedBytes) return true;
    const drained = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => client.waiter?.(false), this.#slowClientMs);
      client.waiter = (value) => {
        client.waiter = undefined;
        clearTimeout(timer);
        resolve(value);
      };
    });
    if (client.closed) return false;
    if (!drained) {
      this.#dropSlow(client);
      return false;
    }
    return true;
  }

  #dropSlow(client: Client): void {
    this.#stats.dropped += 1;
    this.#warnDropped(
      `${PREFIX} dropped ${client.label}: ${client.backlog} bytes waiting to be sent for over ${this.#slowClientMs} ms (limit ${this.#maxBufferedBytes}); it will reconnect and resume`,
    );
    this.#remove(client);
    client.res.destroy();
  }

  async #sendSnapshot(client: Client): Promise<void> {
    const snapshots = this.#snapshots as SnapshotCache;
    let taken: { text: string; asOf: string | undefined } | null;
    try {
      // Before this instance delivered anything, the bus knows where it stands (Redis, once reachable).
      taken = await snapshots.textFor(client.scope, this.#lastId ?? this.#bus.status.lastId);
    } catch (error) {
      this.#warnDropped(`${PREFIX} snapshot() failed for ${client.label}: ${reasonOf(error)}; closing its stream so it retries`);
      this.#end(client);
      return;
    }
    if (client.closed) return;
    if (taken === null) {
      this.#end(client);
      return;
    }
    this.#stats.snapshots += 1;
    this.#put(client, taken.text, taken.asOf);
    await this.#sendBackfill(client, taken.asOf);
    if (client.closed) return;
    // The snapshot stands for the state as of `asOf`: what came after it follows, from the bus. With
    // no `asOf` (a bus that could not say where it stood), only what arrived since it was asked.
    if (taken.asOf === undefined) this.#goLive(client, undefined);
    else await this.#catchUp(client, taken.asOf);
  }

  /**
   * A resume id the bus cannot serve, and no snapshot to send: the client is told, with a `resync`
   * event carrying the id it asked for, and goes on from the latest message.
   */
  async #resync(client: Client, resumeId: string): Promise<void> {
    this.#stats.resyncs += 1;
    const data = JSON.stringify({ reason: 'resume-id-not-held', lastEventId: resumeId.slice(0, 256) });
    // Its id moves the client on, so its next reconnect resumes from here; messages that came in
    // while the bus was asked carry their own.
    const id = client.queue.length === 0 ? this.#lastId : undefined;
    this.#put(client, formatFrame({ id, event: 'resync', data }), id);
    if (!this.#history) {
      this.#goLive(client, undefined);
      return;
    }
    // The history stands as of the latest message delivered here; what came after follows.
    const cut = this.#lastId ?? this.#bus.status.lastId;
    await this.#sendBackfill(client, cut);
    if (!client.closed) this.#goLive(client, cut);
  }

  // --- Backfill -----------------------------------------------------------------------------------

  /**
   * Writes a `backfill` event for each project of the client's scope that has history, cut at
   * `cut` (what came later follows in the catch-up). A store that cannot answer costs the client
   * its history, not its stream: a warning says so.
   */
  async #sendBackfill(client: Client, cut: string | undefined): Promise<void> {
    if (!this.#history) return;
    let texts: (string | null)[];
    try {
      texts = await this.#backfillTexts(client.scope, cut);
    } catch (error) {
      this.#warnDropped(`${PREFIX} history could not be read for ${client.label}: ${reasonOf(error)}; it gets no backfill`);
      return;
    }
    if (client.closed) return;
    for (const text of texts) {
      if (text === null) continue;
      this.#stats.backfills += 1;
      this.#put(client, text);
    }
  }

  /** The backfill texts for a scope, built once per project and moment and shared. */
  async #backfillTexts(scope: SseScope, cut: string | undefined): Promise<(string | null)[]> {
    const history = this.#history as SseHistory;
    // Records this instance has under way come first: they may be at or before the cut.
    if (this.#recording.size > 0) await Promise.all(this.#recording);
    const now = Date.now();
    let shared = this.#backfills;
    if (!shared || shared.cut !== cut || now - shared.at > this.#backfillReuseMs) {
      shared = this.#backfills = { cut, at: now, texts: new Map(), recent: undefined };
    }
    const limit = history.bounds.backfillProjects;
    let ids: string[];
    if (scope.projects !== null && scope.projects.size <= limit) {
      ids = [...scope.projects];
    } else {
      // More projects than a connection gets history for: the most recently recorded ones.
      shared.recent ??= history.projects(limit);
      ids = (await shared.recent).filter((id) => scope.allows(id));
    }
    const missing = ids.filter((id) => !shared.texts.has(id));
    if (missing.length > 0) {
      const read = history.kept(missing).then((kept) => {
        const byId = new Map(kept.map((item) => [item.projectId, item]));
        return (id: string) => {
          const item = byId.get(id);
          return item ? formatFrame({ event: 'backfill', data: backfillData(cutAt(item, cut, (a, b) => this.#bus.compare(a, b))) }) : null;
        };
      });
      // A failed read is not kept: the next client asks again.
      read.catch(() => {
        if (this.#backfills === shared) this.#backfills = undefined;
      });
      for (const id of missing) shared.texts.set(id, read.then((textOf) => textOf(id)));
    }
    return Promise.all(ids.map((id) => shared.texts.get(id)!));
  }

  // --- Timers -------------------------------------------------------------------------------------

  #startTimers(): void {
    if (this.#heartbeat === undefined && this.#heartbeatMs > 0 && this.#clients.size > 0) {
      // One timer for every client.
      this.#heartbeat = setInterval(() => this.comment('keep-alive'), this.#heartbeatMs);
      (this.#heartbeat as { unref?(): void }).unref?.();
    }
    if (this.#slowCheck === undefined && this.#backedUp.size > 0) {
      this.#slowCheck = setInterval(() => this.#checkSlow(), Math.max(50, Math.min(1000, this.#slowClientMs / 4)));
      (this.#slowCheck as { unref?(): void }).unref?.();
    }
  }

  #stopTimers(): void {
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    if (this.#slowCheck !== undefined) clearInterval(this.#slowCheck);
    this.#slowCheck = undefined;
  }

  /** Drops the clients that stayed past the limit too long; catches up those that drained. */
  #checkSlow(): void {
    const now = Date.now();
    for (const client of this.#backedUp) {
      const res = client.res;
      if (typeof res.writableLength === 'number') this.#setBacklog(client, res.writableLength);
      if (client.backlog <= this.#maxBufferedBytes) this.#drained(client);
      else if (now - client.behindSince >= this.#slowClientMs) this.#dropSlow(client);
    }
    if (this.#backedUp.size === 0 && this.#slowCheck !== undefined) {
      clearInterval(this.#slowCheck);
      this.#slowCheck = undefined;
    }
  }
}

/**
 * A `snapshot` sent through `send`, as one viewer may see it: only its projects, or nothing when it
 * has no shape the scope can filter.
 */
function snapshotText(message: BusMessage, scope: SseScope): string | null {
  if (scope.projects === null) return formatFrame({ id: message.id, event: message.event, data: message.data });
  let filtered: unknown;
  try {
    filtered = scope.filterSnapshot(JSON.parse(message.data));
  } catch {
    return null;
  }
  return filtered === undefined ? null : formatFrame({ id: message.id, event: message.event, data: JSON.stringify(filtered) });
}

/** Refuses what a client would reject or what breaks the protocol's limits. */
function checkMessage(event: string, data: unknown, json: string, maxBytes: number): void {
  const projectId = typeof data === 'object' && data !== null ? (data as { projectId?: unknown }).projectId : undefined;
  // A message about a project must say which by a string, or it would reach every viewer.
  if (projectId !== undefined && typeof projectId !== 'string') throw new TypeError(`send(${quote(event, 80)}): projectId must be a string`);
  if (isEventType(event)) {
    const result = validateEvent(event, data);
    if (result.outcome !== 'valid') throw new TypeError(`send(${quote(event, 80)}): ${result.reason}`);
  } else {
    const long = longString(data, 0);
    if (long !== undefined) throw new TypeError(`send(${quote(event, 80)}): a string of ${long} characters is over the protocol's limit of ${MAX_STRING_LENGTH}`);
  }
  const bytes = utf8Length(json);
  if (bytes > maxBytes) throw new RangeError(`send(${quote(event, 80)}): ${bytes} bytes of JSON is over maxMessageBytes (${maxBytes})`);
}

/** The length of the first string in `value` over the protocol's limit, if any. */
function longString(value: unknown, depth: number): number | undefined {
  if (typeof value === 'string') return value.length > MAX_STRING_LENGTH ? value.length : undefined;
  if (typeof value !== 'object' || value === null || depth > 32) return undefined;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const found = longString(item, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function reasonOf(error: unknown): string {
  return quote(error instanceof Error ? error.message : String(error), 300);
}

/** The project of a `…/projects/:id/metrics` path, decoded; `undefined` for another path. */
function projectOfHistoryPath(pathname: string): string | undefined {
  const match = /\/projects\/([^/]+)\/metrics\/?$/.exec(pathname);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
}

/** A request as a log line may show it: method, path (escaped, cut) and address. */
function describeRequest(req: SseRequest): string {
  return `${req.method ?? 'GET'} ${quote(req.url ?? '', 120)} from ${quote(req.socket?.remoteAddress ?? 'unknown', 64)}`;
}

/**
 * Creates an `SseHub`. Options and defaults: the in-process bus keeping 1000 messages (8 MiB),
 * every project to everyone (no `authorize`), `heartbeatMs` 15000, `retryMs` 2000,
 * `maxBufferedBytes` 1 MiB per client for up to `slowClientMs` 10000, `maxQueuedBytes` 256 MiB per
 * process, no snapshot, history kept (in this process, or in Redis with the Redis bus: 5
 * deployments of up to 1000 lines and 256 KiB each, 120 last points per project), warnings to
 * `console.warn`.
 */
export function createSseHub(options: SseHubOptions = {}): SseHub {
  return new SseHub(options);
}
