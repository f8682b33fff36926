/**
 * `@clouddeploy/live-elements/server/redis`: a bus on one Redis Stream, so several Node instances
 * behind a load balancer serve one event stream. Needs the `redis` package (node-redis), an
 * optional peer dependency: `npm install redis`.
 *
 * @example
 * import { createSseHub } from '@clouddeploy/live-elements/server';
 * import { redisBus } from '@clouddeploy/live-elements/server/redis';
 * const hub = createSseHub({ bus: redisBus({ url: process.env.REDIS_URL }), authorize, snapshot });
 *
 * The hub's history (metrics roll-ups, last points, deployments' lines) then lives in Redis too,
 * with no more wiring: see `RedisHistory`; so do its rate-limit counts (`RedisRateLimitStore`).
 */
import { createClient, type RedisClientOptions } from 'redis';
import type { BusMessage, BusStatus, SseBus } from './bus.js';
import type { SseBusHistory, SseHistoryOptions } from './history.js';
import { quote, type SseLogger } from './log.js';
import { RedisHistory } from './redis-history.js';
import type { RateLimitStore } from './rate-limit.js';
import { RedisRateLimitStore } from './redis-rate-limit.js';

export { RedisHistory } from './redis-history.js';
export { RedisRateLimitStore, redisRateLimitStore } from './redis-rate-limit.js';
export type { RedisRateLimitConnection, RedisRateLimitStoreOptions } from './redis-rate-limit.js';

export interface RedisBusOptions {
  /** The Redis server (default `redis://127.0.0.1:6379`). */
  url?: string;
  /** The stream's key (default `live-elements:events`). One hub cluster per key. */
  stream?: string;
  /**
   * Entries kept, approximately (`XADD … MAXLEN ~`; default 10000): how far back a client can
   * resume. Older ids get a snapshot.
   */
  maxLen?: number;
  /** Entries per `XREAD` and per `XRANGE` of a catch-up (default 500). */
  batchSize?: number;
  /** How long one `XREAD BLOCK` waits before it is issued again (default 5000 ms). */
  blockMs?: number;
  /** Longest wait between reconnection attempts while Redis is unreachable (default 5000 ms). */
  reconnectMaxMs?: number;
  /** More node-redis client options (credentials, TLS, …); `url` above wins. */
  clientOptions?: Omit<RedisClientOptions, 'url'>;
  /**
   * Where the hub's history lives in Redis: the start of its keys (default `<stream>:history`).
   * Hubs on the same stream share it.
   */
  historyPrefix?: string;
  /**
   * Where the hub's rate-limit counts live in Redis: the start of their keys (default
   * `<stream>:ratelimit`). Hubs on the same stream share limits.
   */
  rateLimitPrefix?: string;
}

/** The part of a node-redis client this bus uses. */
interface Connection {
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: string[], options?: { typeMapping?: Record<number, unknown> }): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  duplicate(): Connection;
  destroy(): void;
}

type Entry = [id: string, fields: string[]];

const ID = /^(\d{1,20})-(\d{1,20})$/;
const PREFIX = '[live-elements/server]';

/** Messages fanned out between two turns of the event loop while a batch is delivered. */
const DELIVER_SLICE = 50;

/** Resolves on the next turn of the event loop, after pending I/O. */
function nextTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Milliseconds of a stream id (the time Redis took it). */
function timeOf(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

function toMessage([id, fields]: Entry): BusMessage {
  let event = 'message';
  let data = 'null';
  let projectId: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value = fields[i + 1]!;
    switch (fields[i]) {
      case 'e':
        event = value;
        break;
      case 'd':
        data = value;
        break;
      case 'p':
        projectId = value;
        break;
    }
  }
  return { id, event, data, projectId };
}

/**
 * A bus on one Redis Stream. `publish` is an `XADD` (trimmed with `MAXLEN ~`) and resolves with
 * the entry id, which becomes the SSE `id:`; every instance reads the stream with `XREAD BLOCK` on
 * its own connection and fans out to its clients; a resume, on any instance, is an `XRANGE` from
 * the client's id, in batches.
 *
 * When Redis goes away, publishing rejects at once (nothing is queued in memory), open streams stay
 * open, one warning is logged, the connection is retried with backoff, and reading resumes from the
 * last id this instance delivered.
 */
export class RedisBus implements SseBus {
  readonly #url: string;
  readonly #stream: string;
  readonly #maxLen: number;
  readonly #batch: number;
  readonly #blockMs: number;
  readonly #historyPrefix: string;
  readonly #rateLimitPrefix: string;
  readonly #writer: Connection;
  readonly #reader: Connection;
  #deliver: ((message: BusMessage) => void) | undefined;
  #logger: SseLogger = { warn: (message) => console.warn(message) };
  #cursor: string | undefined;
  #state: BusStatus['state'] = 'starting';
  #lag = 0;
  #outages = 0;
  #downSince = 0;
  #closed = false;
  #loop: Promise<void> | undefined;

  constructor(options: RedisBusOptions = {}) {
    this.#url = options.url ?? 'redis://127.0.0.1:6379';
    this.#stream = options.stream ?? 'live-elements:events';
    this.#maxLen = Math.max(1, Math.floor(options.maxLen ?? 10000));
    this.#batch = Math.max(1, Math.floor(options.batchSize ?? 500));
    this.#blockMs = Math.max(1, Math.floor(options.blockMs ?? 5000));
    this.#historyPrefix = options.historyPrefix ?? `${this.#stream}:history`;
    this.#rateLimitPrefix = options.rateLimitPrefix ?? `${this.#stream}:ratelimit`;
    const reconnectMax = Math.max(100, options.reconnectMaxMs ?? 5000);
    const client = createClient({
      ...options.clientOptions,
      url: this.#url,
      RESP: 2,
      // While Redis is away a send fails at once, so its caller knows; nothing piles up in memory.
      disableOfflineQueue: true,
      socket: {
        ...(options.clientOptions?.socket as object | undefined),
        reconnectStrategy: (retries: number) => Math.min(reconnectMax, 100 * 2 ** Math.min(retries, 10)) * (0.5 + Math.random() / 2),
      },
    } as unknown as RedisClientOptions) as unknown as Connection;
    this.#writer = client;
    // XREAD BLOCK holds its connection: it gets one of its own.
    this.#reader = client.duplicate();
    for (const connection of [this.#writer, this.#reader]) {
      connection.on('error', (error) => this.#down(error));
    }
  }

  get status(): BusStatus {
    return { kind: 'redis', state: this.#state, lag: this.#lag, lastId: this.#cursor, outages: this.#outages };
  }

  async start(deliver: (message: BusMessage) => void, logger: SseLogger): Promise<string | undefined> {
    this.#deliver = deliver;
    this.#logger = logger;
    // Redis may be down when the process starts: streams are served all the same, and reading
    // begins once it answers.
    const connected = Promise.all([this.#writer.connect(), this.#reader.connect()]).then(
      () => true,
      (error: unknown) => {
        this.#down(error);
        return false;
      },
    );
    if (await Promise.race([connected, sleep(2000).then(() => false)])) {
      try {
        this.#cursor = await this.#latestId();
        this.#up();
      } catch (error) {
        this.#down(error);
      }
    }
    this.#loop = this.#read();
    return this.#cursor;
  }

  async publish(event: string, data: string, projectId: string | undefined): Promise<string> {
    if (this.#closed) throw new Error('The Redis bus is closed');
    const args = ['XADD', this.#stream, 'MAXLEN', '~', String(this.#maxLen), '*', 'e', event, 'd', data];
    if (projectId !== undefined) args.push('p', projectId);
    try {
      return String(await this.#writer.sendCommand(args));
    } catch (error) {
      throw new Error(`Redis at ${this.#url} did not take the message (${error instanceof Error ? error.message : String(error)}); it was not sent, retry later`, {
        cause: error,
      });
    }
  }

  async read(afterId: string | undefined, count: number): Promise<BusMessage[] | null> {
    if (afterId === undefined) {
      return ((await this.#writer.sendCommand(['XRANGE', this.#stream, '-', '+', 'COUNT', String(count)])) as Entry[]).map(toMessage);
    }
    if (afterId === '0-0') return this.#fromStart(count);
    if (!ID.test(afterId)) return null;
    // From the id itself: it must still be there, or what came right after it may have been trimmed.
    const entries = (await this.#writer.sendCommand(['XRANGE', this.#stream, afterId, '+', 'COUNT', String(count + 1)])) as Entry[];
    if (entries.length === 0 || entries[0]![0] !== afterId) return null;
    return entries.slice(1).map(toMessage);
  }

  /**
   * History in Redis beside the stream (the hub takes it by itself): one script per message adds
   * it to the stream and records it, on the bus's connection. See `RedisHistory`.
   */
  history(options: SseHistoryOptions = {}): SseBusHistory {
    return new RedisHistory(this.#writer, { stream: this.#stream, maxLen: this.#maxLen, prefix: this.#historyPrefix, url: this.#url }, options);
  }

  /**
   * Rate-limit counts in Redis beside the stream, on the bus's connection (the hub takes them by
   * itself when it has a `rateLimit`), so a limit holds across every instance. See `RedisRateLimitStore`.
   */
  rateLimitStore(): RateLimitStore {
    return new RedisRateLimitStore(this.#writer, { prefix: this.#rateLimitPrefix, url: this.#url });
  }

  compare(a: string, b: string): number {
    const ma = ID.exec(a);
    const mb = ID.exec(b);
    if (!ma || !mb) return 0;
    return Number(ma[1]) - Number(mb[1]) || Number(ma[2]) - Number(mb[2]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#state = 'closed';
    this.#deliver = undefined;
    // Destroying the reader ends its pending XREAD BLOCK.
    this.#reader.destroy();
    this.#writer.destroy();
    await this.#loop;
  }

  /**
   * After `0-0`, the id of an empty stream: everything, if nothing was ever trimmed from it
   * (`entries-added` equals `length`); otherwise the client cannot know what it missed.
   */
  async #fromStart(count: number): Promise<BusMessage[] | null> {
    let info: unknown[];
    try {
      info = (await this.#writer.sendCommand(['XINFO', 'STREAM', this.#stream])) as unknown[];
    } catch (error) {
      if (/no such key/i.test(String((error as Error)?.message))) return [];
      throw error;
    }
    const field = (name: string) => Number(info[info.indexOf(name) + 1]);
    if (field('entries-added') !== field('length')) return null;
    return ((await this.#writer.sendCommand(['XRANGE', this.#stream, '-', '+', 'COUNT', String(count)])) as Entry[]).map(toMessage);
  }

  /** The id of the newest entry, or `0-0` for an empty or missing stream. */
  async #latestId(): Promise<string> {
    const newest = (await this.#writer.sendCommand(['XREVRANGE', this.#stream, '+', '-', 'COUNT', '1'])) as Entry[];
    return newest[0]?.[0] ?? '0-0';
  }

  /** Reads the stream from the last id delivered, for as long as the bus is open. */
  async #read(): Promise<void> {
    let pause = 100;
    while (!this.#closed) {
      if (!this.#reader.isReady || !this.#writer.isReady) {
        await sleep(pause);
        pause = Math.min(pause * 2, 1000);
        continue;
      }
      try {
        this.#cursor ??= await this.#latestId();
        const reply = (await this.#reader.sendCommand([
          'XREAD',
          'COUNT',
          String(this.#batch),
          'BLOCK',
          String(this.#blockMs),
          'STREAMS',
          this.#stream,
          this.#cursor,
        ])) as [string, Entry[]][] | null;
        this.#up();
        pause = 100;
        const entries = reply?.[0]?.[1] ?? [];
        for (let i = 0; i < entries.length; i++) {
          // A long batch is fanned out in slices, so sends (their XADD replies) and socket writes
          // are not held up behind it.
          if (i > 0 && i % DELIVER_SLICE === 0) await nextTurn();
          if (this.#closed) return;
          const entry = entries[i]!;
          this.#cursor = entry[0];
          this.#lag = Math.max(0, Date.now() - timeOf(entry[0]));
          this.#deliver?.(toMessage(entry));
        }
      } catch (error) {
        if (this.#closed) return;
        this.#down(error);
        await sleep(pause);
        pause = Math.min(pause * 2, 1000);
      }
    }
  }

  #up(): void {
    if (this.#state === 'up' || this.#closed) return;
    const wasDown = this.#state === 'down';
    this.#state = 'up';
    if (wasDown) {
      this.#logger.warn(`${PREFIX} Redis at ${this.#url} is reachable again after ${((Date.now() - this.#downSince) / 1000).toFixed(1)} s; reading from ${this.#cursor ?? 'its start'}`);
    }
  }

  /** One warning per outage, however many errors the client reports during it. */
  #down(error: unknown): void {
    if (this.#closed || this.#state === 'down') return;
    this.#state = 'down';
    this.#outages += 1;
    this.#downSince = Date.now();
    const reason = quote(error instanceof Error ? error.message : String(error), 200);
    this.#logger.warn(
      `${PREFIX} Redis at ${this.#url} is unreachable (${reason}): open streams stay open, send() rejects, and reading resumes from ${this.#cursor ?? 'the start'} once it is back`,
    );
  }
}

/** A bus on one Redis Stream, shared by every hub instance that names the same `url` and `stream`. */
export function redisBus(options: RedisBusOptions = {}): SseBus {
  return new RedisBus(options);
}
