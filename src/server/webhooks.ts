/**
 * Webhooks for critical events: the hub's messages that matter (a project in `error`, an
 * `auto_shutdown`, an `error` line of a deployment, or what `filter` chooses) POSTed to endpoints,
 * signed as the Standard Webhooks specification says, retried on a schedule, each attempt recorded.
 *
 * Delivery state lives in a queue: in this process by default (the in-process bus), or in Redis
 * with `redisWebhookQueue` (the Redis bus), where a consumer group gives each event to one instance
 * and another takes it over when that one dies.
 */
import { Webhook } from 'standardwebhooks';
import { realClock, type Clock } from '../core/clock.js';
import type { BusMessage, BusStatus } from './bus.js';
import { quote, throttled, type SseLogger } from './log.js';

const PREFIX = '[live-elements/server]';
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The default schedule: the delay before each attempt, counted from the one before (Svix's):
 * at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h — eight attempts over about 28 hours.
 */
export const DEFAULT_WEBHOOK_SCHEDULE: readonly number[] = Object.freeze([0, 5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]);

/** The longest `Retry-After` honoured; a longer one waits this long. */
const MAX_RETRY_AFTER = 24 * HOUR;
/** Bytes of a response body kept in the record of its attempt. */
const RESPONSE_EXCERPT = 256;
/** A secret's key, decoded, is at least this long (the specification's lower bound). */
const MIN_SECRET_BYTES = 24;

/** A message as `filter` sees it: `data` is parsed on first read. */
export interface WebhookMessage {
  /** The hub's message id: the `webhook-id` of its deliveries. */
  readonly id: string;
  readonly event: string;
  readonly projectId: string | undefined;
  readonly data: unknown;
}

/** One receiver of webhooks. */
export interface WebhookEndpoint {
  /** Where to POST: an `http:` or `https:` URL. */
  url: string;
  /**
   * The signing secret, `whsec_` and base64 (at least 24 bytes; `generateWebhookSecret()` makes
   * one). Several during a rotation: each signs, and the receiver accepts any.
   */
  secret: string | readonly string[];
  /** Only these event types (default: every selected event). Narrows, never widens, the selection. */
  events?: readonly string[];
  /** Names the endpoint in records, stats and logs, and in Redis (default: its URL without query or credentials). */
  id?: string;
  /** More request headers (e.g. an `Authorization` the receiver wants). */
  headers?: Record<string, string>;
}

/** The hub, as webhooks use it: `SseHub` is one. */
export interface WebhookHub {
  /** Calls `listener` with every message this instance receives from the bus. */
  observe(listener: (message: BusMessage) => void): () => void;
  readonly stats: { readonly bus: BusStatus };
}

export interface WebhooksOptions {
  /** The hub whose messages are watched. */
  hub: WebhookHub;
  endpoints: readonly WebhookEndpoint[];
  /** Which messages are sent (default `isCriticalEvent`). A throw counts as "no" and is logged. */
  filter?: (message: WebhookMessage) => boolean;
  /**
   * Milliseconds before each attempt, each counted from the previous attempt (the first from the
   * event); its length is the number of attempts. Default `DEFAULT_WEBHOOK_SCHEDULE`;
   * `exponentialSchedule()` builds another.
   */
  schedule?: readonly number[];
  /** Each delay after the first is spread by up to ± this fraction, at random (default 0.2). */
  jitter?: number;
  /** How long one attempt may take, response body included (default 15000 ms). */
  timeoutMs?: number;
  /** Attempts in flight at once per endpoint (default 4). */
  concurrency?: number;
  /** Deliveries an endpoint may have waiting, retrying or in flight (default 1000); past it, new events for it are dropped, counted and logged. */
  maxQueue?: number;
  /** Failed attempts in a row after which an endpoint is reported as failing (default 5). */
  failingAfter?: number;
  /** Attempts kept for `deliveries()` (default 1000). */
  keepDeliveries?: number;
  /**
   * Where deliveries wait: `redisWebhookQueue(…)` with the Redis bus. Default: this process, on
   * the in-process bus (createWebhooks refuses a hub on another bus without one).
   */
  queue?: WebhookQueue;
  /** Time for the schedule, the timeouts, the records and `webhook-timestamp` (default: the real one). Tests drive it. */
  clock?: Clock;
  /** The source of jitter, `[0, 1)` (default `Math.random`). */
  random?: () => number;
  /** Sent as `User-Agent` (default `live-elements-webhooks`). */
  userAgent?: string;
  /** Where warnings go (a failing endpoint, a full queue, a failing filter). Default: `console.warn`. */
  logger?: SseLogger;
}

/** How an attempt ended. */
export type WebhookOutcome =
  /** A 2xx: done. */
  | 'delivered'
  /** Failed, another attempt is scheduled (`nextRetryAt`). */
  | 'retrying'
  /** Failed with a status that is never retried (a 4xx other than 429, a 3xx): done. */
  | 'rejected'
  /** Failed, and the schedule is spent: done. */
  | 'gave-up'
  /** Never attempted: the endpoint's queue was full. */
  | 'dropped'
  /** Not carried on here: `close()` cut it short, or another instance took the delivery over. */
  | 'aborted';

/** One attempt, as `deliveries()` lists it. */
export interface WebhookDelivery {
  /** The endpoint's `id`. */
  endpoint: string;
  /** The hub's message id (`webhook-id`). */
  messageId: string;
  event: string;
  /** 1 for the first attempt. */
  attempt: number;
  outcome: WebhookOutcome;
  /** The response's status, when there was one. */
  status?: number;
  /** What went wrong without a response: a timeout, a refused connection, … */
  error?: string;
  /** The start of the response body (up to 256 bytes), for a failed attempt. */
  response?: string;
  /** When the attempt started, epoch ms. */
  time: number;
  durationMs: number;
  /** When the next attempt is due, epoch ms (outcome `retrying`). */
  nextRetryAt?: number;
}

/** Counters of one endpoint (this instance's view). */
export interface WebhookEndpointStats {
  id: string;
  /** Deliveries waiting for their turn or their retry. */
  queued: number;
  inFlight: number;
  delivered: number;
  failedAttempts: number;
  rejected: number;
  gaveUp: number;
  dropped: number;
  /** Failed attempts since its last success. */
  consecutiveFailures: number;
  /** Reported as failing: `failingAfter` failed attempts in a row, no success since. */
  failing: boolean;
  /** When it last answered 2xx, epoch ms. */
  lastSuccessAt?: number;
}

/** Counters for monitoring (this instance's view). */
export interface WebhookStats {
  /** Deliveries waiting for their turn or their retry, across endpoints. */
  queued: number;
  inFlight: number;
  attempts: number;
  /** Deliveries answered 2xx. */
  delivered: number;
  failedAttempts: number;
  /** Retries scheduled. */
  retries: number;
  rejected: number;
  gaveUp: number;
  /** Deliveries dropped for a full queue. */
  dropped: number;
  /** Endpoints failing now. */
  failing: number;
  /** Times an endpoint started failing (one per streak). */
  failingStreaks: number;
  endpoints: WebhookEndpointStats[];
  queue: WebhookQueueStatus;
}

/** How a queue is doing. */
export interface WebhookQueueStatus {
  /** `memory` or `redis`. */
  kind: string;
  state: 'starting' | 'up' | 'down' | 'closed';
  [detail: string]: unknown;
}

/** A delivery as a queue hands it over: one event for one endpoint. */
export interface WebhookJob {
  /** The queue's key for the event (for Redis, its outbox entry). */
  readonly key: string;
  /** The endpoint's `id`. */
  readonly endpoint: string;
  readonly messageId: string;
  readonly event: string;
  /** The payload as JSON text. */
  readonly data: string;
  /** When the event happened, epoch ms (the body's `timestamp`). */
  readonly time: number;
  /** Attempts already made (by this instance or one before it). */
  readonly attempts: number;
  /** Not before this time, epoch ms (0: as the schedule says). */
  readonly notBefore: number;
}

/** What a queue may ask of the webhooks it serves. */
export interface WebhookQueueHost {
  readonly clock: Clock;
  readonly logger: SseLogger;
  /** The endpoints a message goes to (their ids); none when it is not selected; `null` once closed (it is not taken). */
  route(message: BusMessage): string[] | null;
  /** A delivery to make. One already held is ignored. */
  take(job: WebhookJob): void;
  /** The keys of the events with deliveries held here. */
  held(): string[];
  /** Another instance owns these events now: their deliveries are dropped here, unsettled. */
  release(keys: readonly string[]): void;
}

/**
 * Where deliveries wait and are accounted for. The webhooks call `start` once, `attempting` before
 * each attempt (`false`: this instance no longer owns it, and drops it), `retrying` after a failed
 * one with another to come, `settle` when a delivery is done (delivered, rejected, given up,
 * dropped), and `close`.
 */
export interface WebhookQueue {
  readonly kind: string;
  start(host: WebhookQueueHost): Promise<void>;
  attempting(job: WebhookJob, attempt: number): Promise<boolean>;
  retrying(job: WebhookJob, attempts: number, nextAt: number): Promise<void>;
  settle(job: WebhookJob): Promise<void>;
  readonly status: WebhookQueueStatus;
  close(): Promise<void>;
}

/**
 * The events a platform is paged for: a status change to `error`, an `auto_shutdown`, and an
 * `error`-level `deployment_progress` line. The default `filter`; a filter of your own can extend it.
 */
export function isCriticalEvent(message: Pick<WebhookMessage, 'event' | 'data'>): boolean {
  switch (message.event) {
    case 'auto_shutdown':
      return true;
    case 'container_status_changed':
      return (message.data as { newStatus?: unknown } | null)?.newStatus === 'error';
    case 'deployment_progress':
      return (message.data as { level?: unknown } | null)?.level === 'error';
    default:
      return false;
  }
}

/** Events `isCriticalEvent` may choose: others are not parsed to find out. */
const CRITICAL_TYPES = new Set(['auto_shutdown', 'container_status_changed', 'deployment_progress']);

/**
 * A schedule of `attempts` attempts: at once, then `firstMs`, growing by `factor` up to `maxMs`.
 * `exponentialSchedule({ attempts: 6, firstMs: 1000 })` → 0, 1 s, 4 s, 16 s, 64 s, 256 s.
 */
export function exponentialSchedule(options: { attempts?: number; firstMs?: number; factor?: number; maxMs?: number } = {}): number[] {
  const attempts = Math.max(1, Math.floor(options.attempts ?? 8));
  const first = Math.max(0, options.firstMs ?? 5 * SECOND);
  const factor = Math.max(1, options.factor ?? 4);
  const max = Math.max(first, options.maxMs ?? 10 * HOUR);
  return Array.from({ length: attempts }, (_, i) => (i === 0 ? 0 : Math.min(max, first * factor ** (i - 1))));
}

/** A new signing secret: `whsec_` and `bytes` random bytes in base64 (default 32). */
export function generateWebhookSecret(bytes = 32): string {
  const key = globalThis.crypto.getRandomValues(new Uint8Array(Math.max(MIN_SECRET_BYTES, Math.floor(bytes))));
  return `whsec_${btoa(String.fromCharCode(...key))}`;
}

/** Milliseconds a `Retry-After` value asks for (seconds or an HTTP date), or `undefined`. */
function retryAfterMs(value: string | null, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d{1,10}$/.test(text)) return Math.min(MAX_RETRY_AFTER, Number(text) * SECOND);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.min(MAX_RETRY_AFTER, Math.max(0, date - now));
}

/** The default id of an endpoint: its URL without query, fragment or credentials (they may hold secrets). */
function endpointIdOf(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function checkSecret(secret: unknown, id: string): Webhook {
  if (typeof secret !== 'string') throw new TypeError(`Webhook endpoint ${quote(id)}: secret must be a string (whsec_…)`);
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  let bytes: number;
  try {
    bytes = atob(encoded).length;
  } catch {
    throw new TypeError(`Webhook endpoint ${quote(id)}: a secret is not base64 (expected whsec_ and base64; generateWebhookSecret() makes one)`);
  }
  if (bytes < MIN_SECRET_BYTES) throw new TypeError(`Webhook endpoint ${quote(id)}: a secret of ${bytes} bytes is too short (at least ${MIN_SECRET_BYTES})`);
  return new Webhook(secret);
}

/** Why a request failed without a response, in a few words. */
function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message.slice(0, 200);
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

/** The start of a response body; the rest is discarded. */
async function excerptOf(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_EXCERPT) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all.subarray(0, RESPONSE_EXCERPT));
}

/** A message whose data is parsed when `filter` first reads it. */
function lazyMessage(message: BusMessage): WebhookMessage {
  let parsed: { value: unknown } | undefined;
  return {
    id: message.id,
    event: message.event,
    projectId: message.projectId,
    get data() {
      if (!parsed) {
        try {
          parsed = { value: JSON.parse(message.data) };
        } catch {
          parsed = { value: undefined };
        }
      }
      return parsed.value;
    },
  };
}

/** One endpoint's queue, with the counters its stats report. */
interface Lane extends Omit<WebhookEndpointStats, 'id' | 'queued' | 'lastSuccessAt'> {
  readonly id: string;
  readonly url: string;
  readonly signers: readonly Webhook[];
  readonly events: ReadonlySet<string> | undefined;
  readonly headers: Record<string, string>;
  /** Due now, in order. */
  ready: Job[];
  /** Jobs held (ready, waiting or in flight). */
  size: number;
  lastSuccessAt: number | undefined;
  readonly warnFull: (message: string) => void;
}

interface Job extends WebhookJob {
  readonly lane: Lane;
  attempts: number;
  timer: unknown;
  controller: AbortController | undefined;
  /** Another instance owns it now: nothing more is done with it here. */
  released: boolean;
  body: string | undefined;
}

const TIMEOUT = Symbol('timeout');
const CLOSED = Symbol('closed');

/** The default queue: deliveries wait in this process; what the hub delivers here is sent from here. */
class MemoryWebhookQueue implements WebhookQueue {
  readonly kind = 'memory';
  readonly #hub: WebhookHub;
  #stop: (() => void) | undefined;
  #state: WebhookQueueStatus['state'] = 'starting';

  constructor(hub: WebhookHub) {
    this.#hub = hub;
  }

  get status(): WebhookQueueStatus {
    return { kind: this.kind, state: this.#state };
  }

  async start(host: WebhookQueueHost): Promise<void> {
    this.#stop = this.#hub.observe((message) => {
      const endpoints = host.route(message);
      if (!endpoints || endpoints.length === 0) return;
      const time = host.clock.now();
      for (const endpoint of endpoints) {
        host.take({ key: message.id, endpoint, messageId: message.id, event: message.event, data: message.data, time, attempts: 0, notBefore: 0 });
      }
    });
    this.#state = 'up';
  }

  async attempting(): Promise<boolean> {
    return true;
  }

  async retrying(): Promise<void> {}

  async settle(): Promise<void> {}

  async close(): Promise<void> {
    this.#stop?.();
    this.#stop = undefined;
    this.#state = 'closed';
  }
}

/**
 * The in-process queue, for a hub on a bus of another kind than `memory` whose every instance
 * should send what it sees (the default on the in-process bus).
 */
export function memoryWebhookQueue(hub: WebhookHub): WebhookQueue {
  return new MemoryWebhookQueue(hub);
}

/**
 * Sends the hub's critical events to webhook endpoints. See `createWebhooks`.
 */
export class Webhooks {
  readonly #lanes = new Map<string, Lane>();
  readonly #filter: ((message: WebhookMessage) => boolean) | undefined;
  readonly #schedule: readonly number[];
  readonly #jitter: number;
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #maxQueue: number;
  readonly #failingAfter: number;
  readonly #keep: number;
  readonly #queue: WebhookQueue;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #userAgent: string;
  readonly #logger: SseLogger;
  readonly #warnFilter: (message: string) => void;
  /** The queue's failures (Redis unreachable) come in bursts: one line a minute says so. */
  readonly #warnQueue: (message: string) => void;
  /** Deliveries held here, by event key and endpoint. */
  readonly #jobs = new Map<string, Job>();
  readonly #attemptsUnderWay = new Set<Promise<void>>();
  #records: WebhookDelivery[] = [];
  #closed = false;
  #closing: Promise<void> | undefined;
  readonly #started: Promise<void>;
  readonly #stats = { attempts: 0, delivered: 0, failedAttempts: 0, retries: 0, rejected: 0, gaveUp: 0, dropped: 0, failingStreaks: 0 };

  constructor(options: WebhooksOptions) {
    const hub = options.hub;
    if (!hub || typeof hub.observe !== 'function') throw new TypeError('createWebhooks(): hub must be an SseHub');
    if (!options.queue && hub.stats.bus.kind !== 'memory') {
      throw new TypeError(
        `createWebhooks(): the hub's bus is ${quote(hub.stats.bus.kind, 40)}, shared by several instances; pass queue: redisWebhookQueue({ client, stream }) so that each event is delivered by one of them (or memoryWebhookQueue(hub) to send from every instance)`,
      );
    }
    const schedule = options.schedule ?? DEFAULT_WEBHOOK_SCHEDULE;
    if (schedule.length === 0 || schedule.some((ms) => !Number.isFinite(ms) || ms < 0)) {
      throw new TypeError('createWebhooks(): schedule must list at least one delay, each a finite number of ms ≥ 0');
    }
    this.#schedule = [...schedule];
    this.#filter = options.filter;
    this.#jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
    this.#timeoutMs = Math.max(1, options.timeoutMs ?? 15 * SECOND);
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
    this.#maxQueue = Math.max(1, Math.floor(options.maxQueue ?? 1000));
    this.#failingAfter = Math.max(1, Math.floor(options.failingAfter ?? 5));
    this.#keep = Math.max(0, Math.floor(options.keepDeliveries ?? 1000));
    this.#clock = options.clock ?? unrefClock;
    this.#random = options.random ?? Math.random;
    this.#userAgent = options.userAgent ?? 'live-elements-webhooks';
    this.#logger = options.logger ?? { warn: (message) => console.warn(message) };
    this.#warnFilter = throttled(this.#logger, 60 * SECOND, () => this.#clock.now());
    this.#warnQueue = throttled(this.#logger, 60 * SECOND, () => this.#clock.now());
    for (const endpoint of options.endpoints ?? []) this.#addLane(endpoint);
    if (this.#lanes.size === 0) throw new TypeError('createWebhooks(): endpoints must list at least one endpoint');
    this.#queue = options.queue ?? new MemoryWebhookQueue(hub);
    const host: WebhookQueueHost = {
      clock: this.#clock,
      logger: this.#logger,
      route: (message) => this.#route(message),
      take: (job) => this.#take(job),
      held: () => [...new Set([...this.#jobs.values()].filter((job) => !job.released).map((job) => job.key))],
      release: (keys) => this.#release(keys),
    };
    this.#started = this.#queue.start(host);
    this.#started.catch((error: unknown) => {
      if (this.#closed) return;
      this.#logger.warn(`${PREFIX} webhooks could not start their ${this.#queue.kind} queue: ${quote(error instanceof Error ? error.message : String(error), 300)}`);
    });
  }

  /** Resolves once events are being watched (with Redis: connected, consumer group in place); rejects when the queue cannot start. */
  ready(): Promise<void> {
    return this.#started;
  }

  /**
   * The attempts this instance made (the last `keepDeliveries`), oldest first; narrowed to an
   * endpoint, a message or an outcome when asked.
   */
  deliveries(filter: { endpoint?: string; messageId?: string; outcome?: WebhookOutcome } = {}): WebhookDelivery[] {
    return this.#records
      .slice(-this.#keep)
      .filter(
        (record) =>
          (filter.endpoint === undefined || record.endpoint === filter.endpoint) &&
          (filter.messageId === undefined || record.messageId === filter.messageId) &&
          (filter.outcome === undefined || record.outcome === filter.outcome),
      )
      .map((record) => ({ ...record }));
  }

  /** A copy of the counters. */
  get stats(): WebhookStats {
    const endpoints = [...this.#lanes.values()].map(
      (lane): WebhookEndpointStats => ({
        id: lane.id,
        queued: lane.size - lane.inFlight,
        inFlight: lane.inFlight,
        delivered: lane.delivered,
        failedAttempts: lane.failedAttempts,
        rejected: lane.rejected,
        gaveUp: lane.gaveUp,
        dropped: lane.dropped,
        consecutiveFailures: lane.consecutiveFailures,
        failing: lane.failing,
        ...(lane.lastSuccessAt === undefined ? {} : { lastSuccessAt: lane.lastSuccessAt }),
      }),
    );
    return {
      ...this.#stats,
      queued: endpoints.reduce((sum, lane) => sum + lane.queued, 0),
      inFlight: endpoints.reduce((sum, lane) => sum + lane.inFlight, 0),
      failing: endpoints.filter((lane) => lane.failing).length,
      endpoints,
      queue: this.#queue.status,
    };
  }

  /**
   * Stops: no new event is taken, timers are cleared, attempts in flight are aborted (recorded as
   * `aborted`). In-process deliveries still waiting are lost; with Redis they stay in Redis, handed
   * over at once to the other instances.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    this.#closed = true;
    for (const job of this.#jobs.values()) {
      if (job.timer !== undefined) this.#clock.clearTimeout(job.timer);
      job.timer = undefined;
      job.controller?.abort(CLOSED);
    }
    for (const lane of this.#lanes.values()) lane.ready = [];
    await Promise.allSettled([...this.#attemptsUnderWay]);
    // The queue asks which events were held, to hand them over; one still starting gives up.
    await this.#queue.close();
    this.#jobs.clear();
    for (const lane of this.#lanes.values()) lane.size = 0;
  }

  #addLane(endpoint: WebhookEndpoint): void {
    let url: URL;
    try {
      url = new URL(endpoint?.url);
    } catch {
      throw new TypeError(`createWebhooks(): endpoint url ${quote(endpoint?.url, 200)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`createWebhooks(): endpoint url ${quote(endpointIdOf(url), 200)} must be http: or https:`);
    const id = endpoint.id ?? endpointIdOf(url);
    if (this.#lanes.has(id)) throw new TypeError(`createWebhooks(): two endpoints are named ${quote(id, 200)}; give each an id`);
    const secrets = typeof endpoint.secret === 'string' ? [endpoint.secret] : [...(endpoint.secret ?? [])];
    if (secrets.length === 0) throw new TypeError(`Webhook endpoint ${quote(id)}: a secret is required`);
    this.#lanes.set(id, {
      id,
      url: url.href,
      signers: secrets.map((secret) => checkSecret(secret, id)),
      events: endpoint.events ? new Set(endpoint.events) : undefined,
      headers: { ...endpoint.headers },
      ready: [],
      size: 0,
      inFlight: 0,
      delivered: 0,
      failedAttempts: 0,
      rejected: 0,
      gaveUp: 0,
      dropped: 0,
      consecutiveFailures: 0,
      failing: false,
      lastSuccessAt: undefined,
      warnFull: throttled(this.#logger, 60 * SECOND, () => this.#clock.now()),
    });
  }

  #route(message: BusMessage): string[] | null {
    if (this.#closed) return null;
    let chosen: boolean;
    if (this.#filter) {
      try {
        chosen = this.#filter(lazyMessage(message)) === true;
      } catch (error) {
        this.#warnFilter(`${PREFIX} the webhooks filter threw for message ${quote(message.id, 64)}: ${quote(error instanceof Error ? error.message : String(error), 200)}; not sent`);
        chosen = false;
      }
    } else {
      chosen = CRITICAL_TYPES.has(message.event) && isCriticalEvent(lazyMessage(message));
    }
    if (!chosen) return [];
    const ids: string[] = [];
    for (const lane of this.#lanes.values()) if (!lane.events || lane.events.has(message.event)) ids.push(lane.id);
    return ids;
  }

  #take(init: WebhookJob): void {
    if (this.#closed) return;
    const lane = this.#lanes.get(init.endpoint);
    if (!lane) {
      this.#logger.warn(`${PREFIX} a webhook for endpoint ${quote(init.endpoint)} (message ${quote(init.messageId, 64)}) was dropped: no such endpoint is configured here`);
      void this.#settle(init);
      return;
    }
    const key = `${init.key}\n${lane.id}`;
    if (this.#jobs.has(key)) return;
    if (lane.size >= this.#maxQueue) {
      lane.dropped += 1;
      this.#stats.dropped += 1;
      this.#record({ endpoint: lane.id, messageId: init.messageId, event: init.event, attempt: init.attempts, outcome: 'dropped', error: 'queue full', time: this.#clock.now(), durationMs: 0 });
      lane.warnFull(`${PREFIX} webhook endpoint ${quote(lane.id)} has ${lane.size} deliveries waiting (maxQueue ${this.#maxQueue}): message ${quote(init.messageId, 64)} was dropped for it`);
      void this.#settle(init);
      return;
    }
    const job: Job = { ...init, lane, timer: undefined, controller: undefined, released: false, body: undefined };
    this.#jobs.set(key, job);
    lane.size += 1;
    const now = this.#clock.now();
    const due = init.attempts === 0 ? Math.max(init.notBefore, now + this.#delay(0)) : Math.max(init.notBefore, now);
    this.#enqueue(job, due);
  }

  #release(keys: readonly string[]): void {
    const released = new Set(keys);
    for (const [key, job] of this.#jobs) {
      if (!released.has(job.key)) continue;
      job.released = true;
      if (job.timer !== undefined) this.#clock.clearTimeout(job.timer);
      job.timer = undefined;
      const lane = job.lane;
      const index = lane.ready.indexOf(job);
      if (index >= 0) lane.ready.splice(index, 1);
      // One in flight finishes (its outcome is recorded) and is dropped then.
      if (job.controller === undefined) this.#forget(key, job);
    }
  }

  #forget(key: string, job: Job): void {
    if (this.#jobs.get(key) !== job) return;
    this.#jobs.delete(key);
    job.lane.size -= 1;
  }

  /** The delay before attempt `index + 1`, jittered. */
  #delay(index: number): number {
    const base = this.#schedule[Math.min(index, this.#schedule.length - 1)]!;
    if (index === 0 || this.#jitter === 0) return base;
    return Math.round(base * (1 + this.#jitter * (2 * this.#random() - 1)));
  }

  /** Ready now, or at `at`. */
  #enqueue(job: Job, at: number): void {
    const wait = at - this.#clock.now();
    if (wait <= 0) {
      job.lane.ready.push(job);
      this.#pump(job.lane);
      return;
    }
    job.timer = this.#clock.setTimeout(() => {
      job.timer = undefined;
      if (this.#closed || job.released) return;
      job.lane.ready.push(job);
      this.#pump(job.lane);
    }, wait);
  }

  #pump(lane: Lane): void {
    while (!this.#closed && lane.inFlight < this.#concurrency && lane.ready.length > 0) {
      const job = lane.ready.shift()!;
      lane.inFlight += 1;
      const run = this.#attempt(job)
        .catch((error: unknown) => {
          this.#logger.warn(`${PREFIX} a webhook attempt failed unexpectedly: ${quote(error instanceof Error ? error.message : String(error), 300)}`);
        })
        .finally(() => {
          this.#attemptsUnderWay.delete(run);
          lane.inFlight -= 1;
          this.#pump(lane);
        });
      this.#attemptsUnderWay.add(run);
    }
  }

  async #attempt(job: Job): Promise<void> {
    const lane = job.lane;
    const key = `${job.key}\n${lane.id}`;
    const attempt = job.attempts + 1;
    let owned = true;
    try {
      owned = await this.#queue.attempting(job, attempt);
    } catch (error) {
      // The queue could not record it: the delivery matters more than its bookkeeping.
      this.#warnQueue(`${PREFIX} the webhook queue could not record an attempt (${quote(error instanceof Error ? error.message : String(error), 200)}); sending anyway`);
    }
    if (!owned || job.released) {
      job.released = true;
      this.#forget(key, job);
      return;
    }
    // Closed meanwhile: the delivery stays held, for the queue to hand over.
    if (this.#closed) return;
    const controller = new AbortController();
    job.controller = controller;
    const started = this.#clock.now();
    const timer = this.#clock.setTimeout(() => controller.abort(TIMEOUT), this.#timeoutMs);
    let status: number | undefined;
    let error: string | undefined;
    let retryAfter: number | undefined;
    let response: string | undefined;
    this.#stats.attempts += 1;
    try {
      job.body ??= `{"type":${JSON.stringify(job.event)},"timestamp":${JSON.stringify(new Date(job.time).toISOString())},"id":${JSON.stringify(job.messageId)},"data":${job.data}}`;
      const answer = await fetch(lane.url, {
        method: 'POST',
        headers: this.#headers(lane, job, started),
        body: job.body,
        signal: controller.signal,
        redirect: 'manual',
      });
      status = answer.status;
      retryAfter = retryAfterMs(answer.headers.get('retry-after'), this.#clock.now());
      try {
        const text = await excerptOf(answer);
        if (status < 200 || status >= 300) response = text;
      } catch {
        // The status is the answer; a body cut short changes nothing.
      }
    } catch (failure) {
      const reason = controller.signal.reason;
      error = reason === TIMEOUT ? `timed out after ${this.#timeoutMs} ms` : reason === CLOSED ? 'closed' : describeFailure(failure);
    } finally {
      this.#clock.clearTimeout(timer);
      job.controller = undefined;
    }
    const now = this.#clock.now();
    const base = { endpoint: lane.id, messageId: job.messageId, event: job.event, attempt };
    const detail = {
      ...(status === undefined ? {} : { status }),
      ...(error === undefined ? {} : { error }),
      ...(response ? { response } : {}),
      time: started,
      durationMs: now - started,
    };

    if (status === undefined && controller.signal.reason === CLOSED) {
      this.#record({ ...base, outcome: 'aborted', ...detail });
      return;
    }
    const ok = status !== undefined && status >= 200 && status < 300;
    if (ok) {
      this.#stats.delivered += 1;
      lane.delivered += 1;
      lane.lastSuccessAt = now;
      if (lane.failing) {
        this.#logger.warn(`${PREFIX} webhook endpoint ${quote(lane.id)} answers again (${status}) after ${lane.consecutiveFailures} failed attempts in a row`);
      }
      lane.consecutiveFailures = 0;
      lane.failing = false;
      this.#record({ ...base, outcome: 'delivered', ...detail });
      this.#forget(key, job);
      // Even when another instance took it over meanwhile: it is delivered, and need not be again.
      await this.#settle(job);
      return;
    }
    this.#stats.failedAttempts += 1;
    lane.failedAttempts += 1;
    lane.consecutiveFailures += 1;
    if (!lane.failing && lane.consecutiveFailures >= this.#failingAfter) {
      lane.failing = true;
      this.#stats.failingStreaks += 1;
      this.#logger.warn(
        `${PREFIX} webhook endpoint ${quote(lane.id)} keeps failing: ${lane.consecutiveFailures} attempts in a row, the last ${status === undefined ? error : `answered ${status}`}; its deliveries go on along their schedule (see deliveries())`,
      );
    }
    if (job.released) {
      this.#record({ ...base, outcome: 'aborted', ...detail });
      this.#forget(key, job);
      return;
    }
    const retryable = status === undefined || status === 429 || status >= 500;
    if (retryable && attempt < this.#schedule.length) {
      const nextAt = now + Math.max(this.#delay(attempt), retryAfter ?? 0);
      this.#stats.retries += 1;
      this.#record({ ...base, outcome: 'retrying', ...detail, nextRetryAt: nextAt });
      job.attempts = attempt;
      if (!this.#closed) this.#enqueue(job, nextAt);
      try {
        await this.#queue.retrying(job, attempt, nextAt);
      } catch (failure) {
        this.#warnQueue(`${PREFIX} the webhook queue could not record a retry (${quote(failure instanceof Error ? failure.message : String(failure), 200)})`);
      }
      return;
    }
    if (retryable) {
      this.#stats.gaveUp += 1;
      lane.gaveUp += 1;
      this.#record({ ...base, outcome: 'gave-up', ...detail });
      this.#logger.warn(`${PREFIX} webhook endpoint ${quote(lane.id)}: gave up on message ${quote(job.messageId, 64)} after ${attempt} attempts`);
    } else {
      this.#stats.rejected += 1;
      lane.rejected += 1;
      this.#record({ ...base, outcome: 'rejected', ...detail });
    }
    this.#forget(key, job);
    await this.#settle(job);
  }

  #headers(lane: Lane, job: Job, at: number): Record<string, string> {
    const timestamp = new Date(at);
    const signature = lane.signers.map((signer) => signer.sign(job.messageId, timestamp, job.body!)).join(' ');
    return {
      ...lane.headers,
      'content-type': 'application/json',
      'user-agent': this.#userAgent,
      'webhook-id': job.messageId,
      'webhook-timestamp': String(Math.floor(at / SECOND)),
      'webhook-signature': signature,
    };
  }

  async #settle(job: WebhookJob): Promise<void> {
    try {
      await this.#queue.settle(job);
    } catch (error) {
      this.#warnQueue(`${PREFIX} the webhook queue could not record a finished delivery (${quote(error instanceof Error ? error.message : String(error), 200)})`);
    }
  }

  #record(record: WebhookDelivery): void {
    if (this.#keep === 0) return;
    this.#records.push(record);
    if (this.#records.length > this.#keep * 1.25) this.#records = this.#records.slice(-this.#keep);
  }
}

/** Real time, with timers that never keep the process alive on their own. */
const unrefClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = realClock.setTimeout(callback, ms) as { unref?(): void };
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => realClock.clearTimeout(handle),
};

/**
 * Sends the hub's critical events to `endpoints`: a status change to `error`, an `auto_shutdown`,
 * an `error`-level `deployment_progress` line, or what `filter` chooses. Each is a `POST` of
 * `{ type, timestamp, id, data }` signed per Standard Webhooks (`webhook-id` is the hub's message
 * id, so receivers can dedupe), retried on network errors, timeouts, 5xx and 429 (after
 * `Retry-After` at least) along `schedule`, never on another 4xx. Each endpoint has its own queue:
 * one that hangs never delays another.
 *
 * Defaults: the schedule 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h with ±20 % jitter, a 15 s
 * timeout per attempt, 4 attempts in flight and 1000 waiting per endpoint, "failing" after 5 failed
 * attempts in a row, the last 1000 attempts kept, warnings to `console.warn`.
 *
 * @example
 * const webhooks = createWebhooks({
 *   hub,
 *   endpoints: [{ url: 'https://ops.example.com/hooks/deploys', secret: process.env.WEBHOOK_SECRET }],
 * });
 */
export function createWebhooks(options: WebhooksOptions): Webhooks {
  return new Webhooks(options);
}
