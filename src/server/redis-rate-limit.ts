import { createHash } from 'node:crypto';
import type { RateLimitCount, RateLimitStore } from './rate-limit.js';

/**
 * One fixed window per key in one round trip: the `INCR` counts the request, and the first request
 * of a window (no TTL yet) opens it with `PEXPIRE`. Redis expires the key when the window ends, so
 * nothing else ever cleans up. A TTL longer than the window (the window was shortened since) is cut
 * to it. One key per script: safe on Redis Cluster too.
 */
const SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
local window = tonumber(ARGV[1])
if ttl < 0 or ttl > window then
  redis.call('PEXPIRE', KEYS[1], window)
  ttl = window
end
return {count, ttl}
`;

const SHA = createHash('sha1').update(SCRIPT).digest('hex');

/** The part of a node-redis client the store uses. */
export interface RedisRateLimitConnection {
  readonly isReady?: boolean;
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisRateLimitStoreOptions {
  /** The start of its keys (default `live-elements:ratelimit`; on the bus, `<stream>:ratelimit`). Instances that share it share limits. */
  prefix?: string;
  /** Shown in warnings. */
  url?: string;
}

/**
 * Rate-limit counts in Redis, so a limit holds across every instance that uses the same server and
 * prefix: the Redis bus hands one out on its own connection (the hub takes it by itself); with
 * another bus, give it a node-redis client of your own. Keys are `<prefix>:<policy>:viewer:<name>`
 * or `…:address:<address>`, each living one window. A command that fails (Redis unreachable)
 * rejects at once, and the limiter serves the request uncounted.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly kind = 'redis';
  readonly #connection: RedisRateLimitConnection;
  readonly #prefix: string;
  readonly #url: string | undefined;

  constructor(connection: RedisRateLimitConnection, options: RedisRateLimitStoreOptions = {}) {
    this.#connection = connection;
    this.#prefix = options.prefix ?? 'live-elements:ratelimit';
    this.#url = options.url;
  }

  async hit(key: string, windowMs: number): Promise<RateLimitCount> {
    if (this.#connection.isReady === false) throw new Error(`Redis${this.#url ? ` at ${this.#url}` : ''} is not connected`);
    const keys = [`${this.#prefix}:${key}`];
    const args = [String(Math.max(1, Math.round(windowMs)))];
    let reply: unknown;
    try {
      reply = await this.#connection.sendCommand(['EVALSHA', SHA, '1', ...keys, ...args]);
    } catch (error) {
      if (!/NOSCRIPT/.test(String((error as Error)?.message))) throw error;
      reply = await this.#connection.sendCommand(['EVAL', SCRIPT, '1', ...keys, ...args]);
    }
    const [count, ttl] = (Array.isArray(reply) ? reply : []).map(Number);
    if (!Number.isFinite(count) || !Number.isFinite(ttl)) throw new Error(`unexpected reply from Redis: ${String(reply).slice(0, 80)}`);
    return { count: count!, resetMs: ttl! };
  }
}

/**
 * Rate-limit counts in Redis through a node-redis client you connected yourself (for a hub on
 * another bus, or a limiter on its own). With the Redis bus no need: the hub uses the bus's.
 *
 * @example
 * const client = await createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true }).connect();
 * createSseHub({ rateLimit: { limit: 60, windowMs: 60_000, store: redisRateLimitStore({ client }) } });
 */
export function redisRateLimitStore(options: RedisRateLimitStoreOptions & { client: RedisRateLimitConnection }): RateLimitStore {
  return new RedisRateLimitStore(options.client, options);
}
