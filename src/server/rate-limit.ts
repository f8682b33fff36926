import type { SseRequest } from './http.js';
import { quote, throttled, type SseLogger } from './log.js';

/**
 * Per-viewer rate limits: how many requests a viewer may make in a window, counted in a store (this
 * process, or Redis so that the limit holds across instances), and the response headers that tell
 * the client where it stands.
 *
 * The algorithm is a fixed window per viewer and policy: the first request opens a window of
 * `windowMs`, each request adds one, and past `limit` the viewer is refused until the window ends.
 * It is what the IETF `RateLimit` fields describe exactly — a quota `q` per window `w`, `r` left,
 * reset in `t` seconds — and it costs one counter per viewer: one `INCR` (with the `PEXPIRE` that
 * opens the window) in one script round trip on Redis. Its known weakness, up to twice the limit
 * across a window's edge, is acceptable for what is limited here (reconnect storms, a button held
 * down, a script polling); a sliding log would cost memory per request, and GCRA has no single
 * reset time to advertise.
 *
 * Why not a limiter package: the counting is a dozen lines here and on Redis, while what matters
 * around it — an injected clock for tests, a bound on the viewers tracked, failing open with a
 * warning, the viewer-or-address key and the headers — would have to be written anyway.
 * (`rate-limiter-flexible`'s memory store reads `Date.now()`, arms a timer per key and tracks any
 * number of keys.)
 */

/** One limit: `limit` requests per `windowMs` per viewer. */
export interface RateLimitPolicy {
  /** Requests a viewer may make in one window (a whole number, at least 1). */
  limit: number;
  /** The window in milliseconds (default: the top-level `windowMs`). The headers round it up to whole seconds. */
  windowMs?: number;
}

/**
 * The hub's `rateLimit` option (also `createRateLimiter`'s). Each named policy counts separately:
 *
 * - `default` (`limit` per `windowMs`): the REST helpers (`handleHistory`) and a host's own routes
 *   that name no policy (`hub.limit(req, res)`);
 * - `stream`: new stream connections (default: the same figures, counted apart; `false`: not limited);
 * - any name in `policies`, for `hub.limit(req, res, name)` (e.g. `actions`).
 */
export interface SseRateLimitOptions {
  /** Requests per window per viewer for the `default` policy. */
  limit: number;
  /** The window in milliseconds. */
  windowMs: number;
  /** New streams per window per viewer (default: `limit` per `windowMs`); `false` leaves streams unlimited. */
  stream?: RateLimitPolicy | false;
  /** More named policies for a host's routes: `{ actions: { limit: 10, windowMs: 10_000 } }`. Names: letters, digits, `_ . -`. */
  policies?: Record<string, RateLimitPolicy>;
  /**
   * How many proxies you run in front of the server (default 0): the client's address is taken that
   * many entries from the right of `X-Forwarded-For`, which a client cannot forge past your own
   * proxies. Used only for viewers `authorize` does not name.
   */
  trustProxy?: number;
  /** The client's address, your way (a framework's `req.ip`, `CF-Connecting-IP`, …); overrides `trustProxy`. */
  addressOf?: (req: SseRequest) => string | undefined;
  /** Where counts are kept (default: the bus's store — Redis with the Redis bus — else this process). */
  store?: RateLimitStore;
  /**
   * For the in-process store: counts kept at once (one per viewer and policy in a window; default
   * 10000, about 2 MB); past it the oldest window is forgotten.
   */
  maxKeys?: number;
  /** How long a count may take before the request is served uncounted (default 500 ms). */
  timeoutMs?: number;
  /** Also send `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (epoch seconds), default `true`. */
  legacyHeaders?: boolean;
  /** The clock, epoch ms (default `Date.now`). Tests drive it. Redis expires windows by its own clock. */
  now?: () => number;
}

/** What a store answers for one request: the count in the current window, and when that window ends. */
export interface RateLimitCount {
  /** Requests in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends. */
  resetMs: number;
}

/**
 * Where counts live. `hit` counts one request for `key` in a window of `windowMs` that opens with
 * the key's first request, and may reject (the request is then served, uncounted, with a warning).
 */
export interface RateLimitStore {
  /** `memory` or `redis`, for logs. */
  readonly kind: string;
  hit(key: string, windowMs: number, now: number): Promise<RateLimitCount>;
}

/** A decision for one request, with its figures and the headers that carry them. */
export interface RateLimitResult {
  /** The policy that counted it. */
  readonly policy: string;
  /** `false`: over the limit; answer 429. */
  readonly allowed: boolean;
  readonly limit: number;
  /** Requests left in this window (0 when refused). */
  readonly remaining: number;
  readonly windowMs: number;
  /** Milliseconds until the window resets. */
  readonly resetMs: number;
  /** Whole seconds until the window resets, at least 1: the `t` of `RateLimit`, and `Retry-After` when refused. */
  readonly resetSeconds: number;
  /**
   * `RateLimit-Policy`, `RateLimit`, unless turned off the `X-RateLimit-*` three, and `Retry-After`
   * when refused.
   */
  readonly headers: Readonly<Record<string, string>>;
}

/** The response headers rate limiting may set: what a cross-origin response must expose for a page to read them. */
export const RATE_LIMIT_HEADER_NAMES = ['RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'] as const;

const PREFIX = '[live-elements/server]';
const POLICY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

interface Policy {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  /** `"name";q=…;w=…`: the same on every response. */
  readonly header: string;
}

function policyOf(name: string, given: RateLimitPolicy, windowMs: number): Policy {
  if (!POLICY_NAME.test(name)) throw new TypeError(`rateLimit: a policy name is letters, digits, "_", "." and "-" (up to 64), not ${quote(name, 80)}`);
  const limit = given.limit;
  const window = given.windowMs ?? windowMs;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError(`rateLimit: the limit of policy "${name}" must be a whole number of at least 1, not ${quote(limit, 40)}`);
  if (typeof window !== 'number' || !Number.isFinite(window) || window < 1) {
    throw new TypeError(`rateLimit: the window of policy "${name}" must be a number of milliseconds of at least 1, not ${quote(window, 40)}`);
  }
  const windowMsRounded = Math.round(window);
  return { name, limit, windowMs: windowMsRounded, header: `"${name}";q=${limit};w=${Math.max(1, Math.ceil(windowMsRounded / 1000))}` };
}

/**
 * Counts in this process: a map per window length whose entries are in the order their windows
 * opened (a new window re-inserts its key), so the expired ones are always at the front and are
 * swept as requests arrive, with no timer. Past `maxKeys` the oldest window is forgotten: that
 * viewer starts a fresh count, never an error.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly kind = 'memory';
  readonly #maxKeys: number;
  readonly #onFull: (() => void) | undefined;
  readonly #byWindow = new Map<number, Map<string, { count: number; resetAt: number }>>();
  #size = 0;

  constructor(options: { maxKeys?: number; onFull?: () => void } = {}) {
    this.#maxKeys = Math.max(1, Math.floor(options.maxKeys ?? 10000));
    this.#onFull = options.onFull;
  }

  /** Keys counted now. */
  get size(): number {
    return this.#size;
  }

  async hit(key: string, windowMs: number, now: number): Promise<RateLimitCount> {
    let entries = this.#byWindow.get(windowMs);
    if (!entries) this.#byWindow.set(windowMs, (entries = new Map()));
    this.#sweep(entries, now);
    const entry = entries.get(key);
    if (entry && entry.resetAt > now) {
      entry.count += 1;
      return { count: entry.count, resetMs: entry.resetAt - now };
    }
    if (entry) {
      entries.delete(key);
      this.#size -= 1;
    }
    while (this.#size >= this.#maxKeys) this.#evictOldest(now);
    entries.set(key, { count: 1, resetAt: now + windowMs });
    this.#size += 1;
    return { count: 1, resetMs: windowMs };
  }

  #sweep(entries: Map<string, { resetAt: number }>, now: number): void {
    for (const [key, entry] of entries) {
      if (entry.resetAt > now) break;
      entries.delete(key);
      this.#size -= 1;
    }
  }

  /** Forgets the window that ends first, across window lengths (expired ones went first). */
  #evictOldest(now: number): void {
    let oldest: { entries: Map<string, { resetAt: number }>; key: string; resetAt: number } | undefined;
    for (const entries of this.#byWindow.values()) {
      this.#sweep(entries, now);
      const first = entries.entries().next();
      if (first.done) continue;
      const [key, entry] = first.value;
      if (!oldest || entry.resetAt < oldest.resetAt) oldest = { entries, key, resetAt: entry.resetAt };
    }
    if (!oldest) return;
    oldest.entries.delete(oldest.key);
    this.#size -= 1;
    this.#onFull?.();
  }
}

/** Counts in this process (see `MemoryRateLimitStore`). */
export function memoryRateLimitStore(options: { maxKeys?: number } = {}): RateLimitStore {
  return new MemoryRateLimitStore(options);
}

/**
 * The address a request comes from, for a viewer `authorize` does not name: the socket's peer, or
 * with `trustProxy` hops the entry of `X-Forwarded-For` that your nearest proxy saw.
 */
export function clientAddress(req: SseRequest, trustProxy = 0): string | undefined {
  const peer = req.socket?.remoteAddress;
  const hops = Math.max(0, Math.floor(trustProxy));
  if (hops === 0) return peer;
  const raw = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(raw) ? raw.join(',') : (raw ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const chain = peer === undefined ? forwarded : [...forwarded, peer];
  const chosen = chain[Math.max(0, chain.length - 1 - hops)];
  return chosen === undefined ? undefined : withoutPort(chosen);
}

/** `1.2.3.4:567` and `[::1]:567` (some proxies write the port) without it. */
function withoutPort(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(address);
  return v4 ? v4[1]! : address;
}

/**
 * An address as a rate-limit key: IPv4 as it is (an IPv4-mapped IPv6 address as IPv4), IPv6 by its
 * /64 prefix — the least one subscriber gets, who could otherwise take a fresh address per request.
 */
export function addressKey(address: string): string {
  let text = address.trim().toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (text.startsWith('::ffff:') && text.includes('.')) return text.slice('::ffff:'.length);
  if (!text.includes(':')) return text;
  const halves = text.split('::');
  if (halves.length > 2) return text;
  const groupsOf = (part: string | undefined) => (part ? part.split(':') : []);
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  const width = (groups: string[]) => groups.reduce((sum, group) => sum + (group.includes('.') ? 2 : 1), 0);
  const missing = 8 - width(head) - width(tail);
  if (halves.length === 1 ? missing !== 0 : missing < 0) return text;
  const groups = [...head, ...new Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail].slice(0, 4);
  if (groups.length < 4 || !groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return text;
  return `${groups.map((group) => group.padStart(4, '0')).join(':')}::/64`;
}

/**
 * Counts requests per viewer and policy and says whether each may go ahead (see the top of this
 * module for the algorithm). Used by the hub; usable without it:
 *
 * @example
 * const limiter = createRateLimiter({ limit: 60, windowMs: 60_000 });
 * const result = await limiter.check(req, 'default', user?.id);
 * if (result && !result.allowed) return res.writeHead(429, { ...result.headers }).end();
 */
export class RateLimiter {
  readonly #policies = new Map<string, Policy>();
  readonly #store: RateLimitStore;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  readonly #legacy: boolean;
  readonly #trustProxy: number;
  readonly #addressOf: ((req: SseRequest) => string | undefined) | undefined;
  readonly #logger: SseLogger;
  readonly #warn: (message: string) => void;
  #failedOpen = 0;
  /** Requests served uncounted since the store last answered. */
  #failing = 0;

  constructor(options: SseRateLimitOptions, logger: SseLogger = { warn: (message) => console.warn(message) }) {
    if (typeof options !== 'object' || options === null) throw new TypeError('rateLimit must be { limit, windowMs, … }');
    const windowMs = options.windowMs;
    this.#policies.set('default', policyOf('default', options, windowMs));
    if (options.stream !== false) this.#policies.set('stream', policyOf('stream', options.stream ?? options, windowMs));
    for (const [name, policy] of Object.entries(options.policies ?? {})) {
      if (name === 'default' || name === 'stream') throw new TypeError(`rateLimit: "${name}" is set by the top-level options, not in policies`);
      this.#policies.set(name, policyOf(name, policy, windowMs));
    }
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = Math.max(1, options.timeoutMs ?? 500);
    this.#legacy = options.legacyHeaders ?? true;
    this.#trustProxy = Math.max(0, Math.floor(options.trustProxy ?? 0));
    this.#addressOf = options.addressOf;
    this.#logger = logger;
    this.#warn = throttled(logger, 60_000, this.#now);
    const onFull = throttled(logger, 60_000, this.#now);
    this.#store =
      options.store ??
      new MemoryRateLimitStore({
        maxKeys: options.maxKeys,
        onFull: () => onFull(`${PREFIX} rate limits keep ${options.maxKeys ?? 10000} counts in this process (maxKeys): the oldest was forgotten, and that viewer starts a fresh window`),
      });
  }

  /** Where counts are kept. */
  get store(): RateLimitStore {
    return this.#store;
  }

  /** The policies by name, with their figures. */
  get policies(): ReadonlyMap<string, { readonly limit: number; readonly windowMs: number }> {
    return this.#policies;
  }

  /** Requests served uncounted because the store did not answer in time or failed. */
  get failedOpen(): number {
    return this.#failedOpen;
  }

  /** Whether there is a policy of this name (`stream` is absent when streams are unlimited). */
  has(policy: string): boolean {
    return this.#policies.has(policy);
  }

  /** What the request is counted by: `viewer:<name>` when `authorize` named one, else `address:<address>`. */
  keyOf(req: SseRequest, viewer: string | undefined): string {
    if (viewer !== undefined && viewer !== '') return `viewer:${viewer}`;
    let address: string | undefined;
    try {
      address = this.#addressOf ? this.#addressOf(req) : clientAddress(req, this.#trustProxy);
    } catch {
      address = undefined;
    }
    return `address:${address ? addressKey(address) : 'unknown'}`;
  }

  /**
   * Counts one request of `viewer` (or of the request's address, without one) against `policy`.
   * Resolves with the decision, or `null` when the store failed or did not answer within
   * `timeoutMs`: the request is then served, and a warning logged (once a minute at most). Throws
   * a `TypeError` for a policy that is not configured.
   */
  async check(req: SseRequest, policy = 'default', viewer?: string): Promise<RateLimitResult | null> {
    const chosen = this.#policies.get(policy);
    if (!chosen) throw new TypeError(`rateLimit: no policy named ${quote(policy, 64)} (configured: ${[...this.#policies.keys()].join(', ')})`);
    const key = `${chosen.name}:${this.keyOf(req, viewer)}`;
    let counted: RateLimitCount;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      counted = await Promise.race([
        this.#store.hit(key, chosen.windowMs, this.#now()),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
          (timer as { unref?(): void }).unref?.();
        }),
      ]);
    } catch (error) {
      this.#failedOpen += 1;
      this.#failing += 1;
      this.#warn(
        `${PREFIX} the ${this.#store.kind} rate-limit store could not count a request (${quote(error instanceof Error ? error.message : String(error), 200)}): requests are served uncounted until it answers`,
      );
      return null;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
    if (this.#failing > 0) {
      this.#logger.warn(`${PREFIX} the ${this.#store.kind} rate-limit store counts again; ${this.#failing} request(s) were served uncounted meanwhile`);
      this.#failing = 0;
    }
    return this.#result(chosen, counted);
  }

  #result(policy: Policy, counted: RateLimitCount): RateLimitResult {
    const allowed = counted.count <= policy.limit;
    const remaining = Math.max(0, policy.limit - counted.count);
    const resetMs = Math.max(0, Math.min(counted.resetMs, policy.windowMs));
    const resetSeconds = Math.max(1, Math.ceil(resetMs / 1000));
    const headers: Record<string, string> = {
      'RateLimit-Policy': policy.header,
      RateLimit: `"${policy.name}";r=${remaining};t=${resetSeconds}`,
    };
    if (this.#legacy) {
      headers['X-RateLimit-Limit'] = String(policy.limit);
      headers['X-RateLimit-Remaining'] = String(remaining);
      headers['X-RateLimit-Reset'] = String(Math.ceil((this.#now() + resetMs) / 1000));
    }
    if (!allowed) headers['Retry-After'] = String(resetSeconds);
    return { policy: policy.name, allowed, limit: policy.limit, remaining, windowMs: policy.windowMs, resetMs, resetSeconds, headers };
  }
}

/** A limiter on its own, for routes outside the hub (see `RateLimiter`). */
export function createRateLimiter(options: SseRateLimitOptions, logger?: SseLogger): RateLimiter {
  return new RateLimiter(options, logger);
}

/** The body of a 429: `{ error, retryAfter }`, `retryAfter` in seconds as in `Retry-After`. */
export function rateLimitedBody(result: RateLimitResult): { error: string; retryAfter: number } {
  return { error: `Too many requests: try again in ${result.resetSeconds} s`, retryAfter: result.resetSeconds };
}

/** For a cross-origin response (CORS headers present): the header that lets the page read the limit's figures. */
export function exposeRateLimitHeaders(cors: Readonly<Record<string, string>>): Record<string, string> {
  return cors['Access-Control-Allow-Origin'] === undefined ? {} : { 'Access-Control-Expose-Headers': RATE_LIMIT_HEADER_NAMES.join(', ') };
}

/** Whether an object can hand out a store beside its own data (the Redis bus can). */
export function rateLimitStoreOf(source: unknown): RateLimitStore | undefined {
  const provider = source as { rateLimitStore?: () => RateLimitStore } | null | undefined;
  return typeof provider?.rateLimitStore === 'function' ? provider.rateLimitStore() : undefined;
}

