/**
 * Webhook deliveries through Redis, for hubs on the Redis bus: each event is delivered by one
 * instance, and taken over by another when that one dies.
 *
 * - A consumer group on the bus's stream hands each message to one instance (`XREADGROUP`). That
 *   instance decides whether it is a webhook; if so, in one script, it copies it to an outbox
 *   stream, claims the outbox entry for itself (`XCLAIM … FORCE`), writes the delivery state of
 *   each endpoint into a small hash (attempts made, next attempt due) and acknowledges the bus
 *   message (`XACK`). Other messages are acknowledged at once.
 * - The outbox keeps the event until every endpoint is done with it (a 2xx, a permanent failure,
 *   or the schedule spent): then it is acknowledged and deleted. The bus stream's trimming never
 *   loses a delivery that waits hours for its retry.
 * - The owner renews its claim on what it holds every third of `claimIdleMs`. An instance that
 *   died stops renewing: after `claimIdleMs` another takes its entries over (`XAUTOCLAIM`, on both
 *   groups), reads the hash and goes on where the first left off — the attempt count, and the
 *   time of the next attempt.
 * - Before each attempt the owner checks, in the same script that records it, that the entry is
 *   still its own: an instance that was only paused does not deliver what another took over.
 *
 * The queue needs no import of the Redis client: it opens its connections with `duplicate()` of the
 * node-redis client it is given.
 */
import { hostname } from 'node:os';
import type { BusMessage } from './bus.js';
import { quote } from './log.js';
import type { WebhookJob, WebhookQueue, WebhookQueueHost, WebhookQueueStatus } from './webhooks.js';

/** The part of a node-redis client (v5 or v6) the queue uses. */
export interface RedisWebhookClient {
  duplicate(overrides?: Record<string, unknown>): RedisWebhookConnection;
}

/** A connection the queue opened. */
export interface RedisWebhookConnection {
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  destroy(): void;
}

export interface RedisWebhookQueueOptions {
  /**
   * A node-redis client (`createClient({ url, … })` from `redis`), used as a template: the queue
   * opens two connections of its own with `duplicate()` (its URL, credentials and TLS) and closes
   * them on `close()`. The client itself is not connected nor closed by it.
   */
  client: RedisWebhookClient;
  /** The bus's stream, as given to `redisBus` (default `live-elements:events`). */
  stream?: string;
  /** The consumer group, on the bus's stream and on the outbox (default `live-elements-webhooks`). */
  group?: string;
  /** The start of the queue's keys (default `<stream>:webhooks`): `…:outbox`, `…:job:<id>`. */
  prefix?: string;
  /** This instance's name in the group (default: host name, process id and a random tag). */
  consumer?: string;
  /** How long an entry may go unrenewed before another instance takes it over (default 30000 ms). */
  claimIdleMs?: number;
  /** Messages per `XREADGROUP` (default 100). */
  batchSize?: number;
  /** How long one `XREADGROUP BLOCK` waits before it is issued again (default 5000 ms). */
  blockMs?: number;
}

type Entry = [id: string, fields: string[] | null];

const PREFIX = '[live-elements/server]';

/**
 * One bus message becomes a webhook event, if this consumer still owns it: copied to the outbox,
 * claimed there by this consumer, its endpoints' state written, the bus message acknowledged.
 * KEYS: bus, outbox. ARGV: group, consumer, bus id, job key prefix, event, data, time, endpoints….
 */
const SELECT = `
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #pending == 0 or pending[1][2] ~= ARGV[2] then return false end
local id = redis.call('XADD', KEYS[2], '*', 'i', ARGV[3], 'e', ARGV[5], 'd', ARGV[6], 't', ARGV[7])
redis.call('XCLAIM', KEYS[2], ARGV[1], ARGV[2], 0, id, 'FORCE', 'JUSTID')
local job = ARGV[4] .. id
for i = 8, #ARGV do redis.call('HSET', job, ARGV[i], '0:0') end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
return id
`;

/**
 * Records an endpoint's state (`attempts:nextAt`) if this consumer still owns the entry and the
 * endpoint is not done, renewing the claim; 0 when it is not its own any more.
 * KEYS: outbox, job. ARGV: group, consumer, outbox id, endpoint, state.
 */
const RECORD = `
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #pending == 0 or pending[1][2] ~= ARGV[2] then return 0 end
if redis.call('HEXISTS', KEYS[2], ARGV[4]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
return 1
`;

/**
 * An endpoint is done with an event; when every endpoint is, the entry is acknowledged and deleted.
 * KEYS: outbox, job. ARGV: group, outbox id, endpoint.
 */
const SETTLE = `
redis.call('HDEL', KEYS[2], ARGV[3])
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
  redis.call('XDEL', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

/**
 * Renews this consumer's claim on entries (idle time set to ARGV[3]: 0 to keep them, the claim
 * timeout to hand them over at once); answers those it no longer owns.
 * KEYS: outbox. ARGV: group, consumer, idle ms, ids….
 */
const RENEW = `
local lost = {}
for i = 4, #ARGV do
  local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if #pending > 0 and pending[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'IDLE', ARGV[3], 'JUSTID')
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost
`;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms) as { unref?(): void };
    timer.unref?.();
  });
}

/** Field pairs as an object; node-redis gives arrays (RESP2) or maps (RESP3). */
function fieldsOf(value: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (let i = 0; i + 1 < value.length; i += 2) fields[String(value[i])] = String(value[i + 1]);
  } else if (value instanceof Map) {
    for (const [key, item] of value) fields[String(key)] = String(item);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) fields[key] = String(item);
  }
  return fields;
}

/** The entries of a one-stream `XREADGROUP` reply. */
function entriesOf(reply: unknown): Entry[] {
  if (!reply) return [];
  if (Array.isArray(reply)) return ((reply[0] as [string, Entry[]] | undefined)?.[1] ?? []) as Entry[];
  const values = reply instanceof Map ? [...reply.values()] : Object.values(reply as object);
  return (values[0] ?? []) as Entry[];
}

function toMessage(id: string, fields: string[]): BusMessage {
  const named = fieldsOf(fields);
  return { id, event: named.e ?? 'message', data: named.d ?? 'null', projectId: named.p };
}

/** Milliseconds of a stream id (the time Redis took it). */
function timeOf(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

/** `attempts:nextAt`, as the hash keeps an endpoint's state. */
function stateOf(value: string): { attempts: number; notBefore: number } {
  const [attempts, notBefore] = value.split(':').map(Number);
  return { attempts: Number.isFinite(attempts) ? attempts! : 0, notBefore: Number.isFinite(notBefore) ? notBefore! : 0 };
}

function reasonOf(error: unknown): string {
  return quote(error instanceof Error ? error.message : String(error), 200);
}

/** See `redisWebhookQueue`. */
export class RedisWebhookQueue implements WebhookQueue {
  readonly kind = 'redis';
  readonly #stream: string;
  readonly #group: string;
  readonly #outbox: string;
  readonly #jobPrefix: string;
  readonly #consumer: string;
  readonly #claimIdleMs: number;
  readonly #batch: number;
  readonly #blockMs: number;
  readonly #command: RedisWebhookConnection;
  readonly #reader: RedisWebhookConnection;
  #host: WebhookQueueHost | undefined;
  #state: WebhookQueueStatus['state'] = 'starting';
  #closed = false;
  #loop: Promise<void> | undefined;
  #pass: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Deliveries done here whose end Redis has not recorded yet (it was unreachable). */
  #unsettled: WebhookJob[] = [];
  #passes = 0;
  readonly #counts = { selected: 0, skipped: 0, claimed: 0, settled: 0, outages: 0 };

  constructor(options: RedisWebhookQueueOptions) {
    if (!options?.client || typeof options.client.duplicate !== 'function') {
      throw new TypeError('redisWebhookQueue(): client must be a node-redis client (createClient({ url }) from the redis package)');
    }
    this.#stream = options.stream ?? 'live-elements:events';
    this.#group = options.group ?? 'live-elements-webhooks';
    const prefix = options.prefix ?? `${this.#stream}:webhooks`;
    this.#outbox = `${prefix}:outbox`;
    this.#jobPrefix = `${prefix}:job:`;
    this.#consumer = options.consumer ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    this.#claimIdleMs = Math.max(100, options.claimIdleMs ?? 30000);
    this.#batch = Math.max(1, Math.floor(options.batchSize ?? 100));
    this.#blockMs = Math.max(1, Math.floor(options.blockMs ?? 5000));
    // Replies as RESP2 arrays, as the bus reads them (node-redis 6 defaults to RESP3, whose
    // maintenance notifications need it); while Redis is away, commands fail at once rather than queue.
    const overrides = { RESP: 2, maintNotifications: 'disabled', disableOfflineQueue: true };
    this.#command = options.client.duplicate(overrides);
    // XREADGROUP BLOCK holds its connection: it gets one of its own.
    this.#reader = options.client.duplicate(overrides);
    for (const connection of [this.#command, this.#reader]) connection.on('error', (error) => this.#down(error));
  }

  /** This instance's name in the consumer group. */
  get consumer(): string {
    return this.#consumer;
  }

  get status(): WebhookQueueStatus {
    return { kind: this.kind, state: this.#state, consumer: this.#consumer, ...this.#counts, unsettled: this.#unsettled.length };
  }

  async start(host: WebhookQueueHost): Promise<void> {
    this.#host = host;
    // While Redis is unreachable this waits, retrying, and `ready()` with it.
    await Promise.all([this.#command.connect(), this.#reader.connect()]);
    if (this.#closed) throw new Error('The webhook queue was closed before it started');
    await this.#ensureGroups();
    this.#up();
    this.#loop = this.#read();
    // Whatever a dead instance left is taken over from the first pass on.
    this.#schedulePass(0);
  }

  async attempting(job: WebhookJob, attempt: number): Promise<boolean> {
    // Due at once if this instance dies during the attempt.
    return this.#record(job, `${attempt}:0`);
  }

  async retrying(job: WebhookJob, attempts: number, nextAt: number): Promise<void> {
    if (!(await this.#record(job, `${attempts}:${nextAt}`))) this.#host?.release([job.key]);
  }

  async settle(job: WebhookJob): Promise<void> {
    try {
      await this.#settle(job);
    } catch (error) {
      // Kept, and recorded on a later pass.
      this.#unsettled.push(job);
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    // Destroying the reader ends its pending XREADGROUP BLOCK.
    this.#reader.destroy();
    await this.#loop;
    await this.#pass;
    const held = this.#host?.held() ?? [];
    if (held.length > 0 || this.#unsettled.length > 0) {
      try {
        if (!this.#command.isReady) throw new Error('Redis is unreachable');
        await this.#retryUnsettled();
        // What this instance held goes to the others on their next pass, not after claimIdleMs.
        for (let i = 0; i < held.length; i += 500) await this.#renew(held.slice(i, i + 500), this.#claimIdleMs);
      } catch (error) {
        this.#host?.logger.warn(`${PREFIX} webhooks could not hand their deliveries over on close (${reasonOf(error)}); other instances take them over after ${this.#claimIdleMs} ms`);
      }
    }
    this.#state = 'closed';
    this.#command.destroy();
  }

  async #eval(script: string, keys: string[], args: string[]): Promise<unknown> {
    return this.#command.sendCommand(['EVAL', script, String(keys.length), ...keys, ...args]);
  }

  async #ensureGroups(): Promise<void> {
    for (const [key, from] of [
      [this.#stream, '$'],
      [this.#outbox, '0'],
    ] as const) {
      try {
        await this.#command.sendCommand(['XGROUP', 'CREATE', key, this.#group, from, 'MKSTREAM']);
      } catch (error) {
        if (!/BUSYGROUP/.test(String((error as Error)?.message))) throw error;
      }
    }
  }

  async #record(job: WebhookJob, state: string): Promise<boolean> {
    const owned = await this.#eval(RECORD, [this.#outbox, this.#jobPrefix + job.key], [this.#group, this.#consumer, job.key, job.endpoint, state]);
    return Number(owned) === 1;
  }

  async #settle(job: WebhookJob): Promise<void> {
    const done = await this.#eval(SETTLE, [this.#outbox, this.#jobPrefix + job.key], [this.#group, job.key, job.endpoint]);
    if (Number(done) === 1) this.#counts.settled += 1;
  }

  /** Renews the claim on `ids`; those lost to another instance are released here. */
  async #renew(ids: string[], idleMs: number): Promise<void> {
    const lost = (await this.#eval(RENEW, [this.#outbox], [this.#group, this.#consumer, String(idleMs), ...ids])) as string[];
    if (lost.length > 0 && idleMs === 0) this.#host?.release(lost);
  }

  /** Reads the bus's stream through the consumer group for as long as the queue is open. */
  async #read(): Promise<void> {
    let pause = 100;
    while (!this.#closed) {
      try {
        const reply = await this.#reader.sendCommand([
          'XREADGROUP',
          'GROUP',
          this.#group,
          this.#consumer,
          'COUNT',
          String(this.#batch),
          'BLOCK',
          String(this.#blockMs),
          'STREAMS',
          this.#stream,
          '>',
        ]);
        this.#up();
        pause = 100;
        await this.#select(entriesOf(reply));
      } catch (error) {
        if (this.#closed) return;
        if (/NOGROUP/.test(String((error as Error)?.message))) {
          // The stream or the group went away (a Redis that lost its data): made again, from now.
          try {
            await this.#ensureGroups();
            continue;
          } catch (again) {
            error = again;
          }
        }
        this.#down(error);
        await sleep(pause);
        pause = Math.min(pause * 2, 2000);
      }
    }
  }

  /** Bus messages this consumer owns: webhooks copied to the outbox and taken, the rest acknowledged. */
  async #select(entries: Entry[]): Promise<void> {
    const host = this.#host!;
    const skip: string[] = [];
    for (const [id, fields] of entries) {
      if (this.#closed) break;
      if (!fields) continue;
      const message = toMessage(id, fields);
      const endpoints = host.route(message);
      // Closing: the rest stays pending, for another instance.
      if (endpoints === null) break;
      if (endpoints.length === 0) {
        skip.push(id);
        continue;
      }
      const time = timeOf(id);
      const key = (await this.#eval(SELECT, [this.#stream, this.#outbox], [this.#group, this.#consumer, id, this.#jobPrefix, message.event, message.data, String(time), ...endpoints])) as
        | string
        | null;
      if (key === null) continue;
      this.#counts.selected += 1;
      for (const endpoint of endpoints) host.take({ key, endpoint, messageId: id, event: message.event, data: message.data, time, attempts: 0, notBefore: 0 });
    }
    if (skip.length > 0) {
      await this.#command.sendCommand(['XACK', this.#stream, this.#group, ...skip]);
      this.#counts.skipped += skip.length;
    }
  }

  #schedulePass(ms: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pass = this.#runPass().finally(() => this.#schedulePass(Math.max(50, Math.floor(this.#claimIdleMs / 3))));
    }, ms);
    (this.#timer as { unref?(): void }).unref?.();
  }

  /** Every third of `claimIdleMs`: record what could not be, renew what is held, take over what is abandoned. */
  async #runPass(): Promise<void> {
    try {
      await this.#retryUnsettled();
      const held = this.#host!.held();
      for (let i = 0; i < held.length; i += 500) await this.#renew(held.slice(i, i + 500), 0);
      await this.#takeOver();
      if (++this.#passes % 30 === 0) await this.#forgetConsumers();
      this.#up();
    } catch (error) {
      if (!this.#closed) this.#down(error);
    }
  }

  async #retryUnsettled(): Promise<void> {
    const waiting = this.#unsettled;
    this.#unsettled = [];
    for (let i = 0; i < waiting.length; i++) {
      try {
        await this.#settle(waiting[i]!);
      } catch (error) {
        this.#unsettled.push(...waiting.slice(i));
        throw error;
      }
    }
  }

  /** Entries left idle longer than `claimIdleMs` by another consumer (one that died) become this one's. */
  async #takeOver(): Promise<void> {
    const host = this.#host!;
    const claim = async (key: string, each: (entry: Entry) => Promise<void>) => {
      let cursor = '0-0';
      // A bounded pass: what is left waits for the next.
      for (let round = 0; round < 10 && !this.#closed; round++) {
        const reply = (await this.#command.sendCommand(['XAUTOCLAIM', key, this.#group, this.#consumer, String(this.#claimIdleMs), cursor, 'COUNT', '100'])) as [
          string,
          Entry[],
          string[]?,
        ];
        for (const entry of reply[1] ?? []) if (entry) await each(entry);
        for (const gone of reply[2] ?? []) if (key === this.#outbox) await this.#command.sendCommand(['DEL', this.#jobPrefix + gone]);
        cursor = reply[0];
        if (cursor === '0-0') break;
      }
    };
    await claim(this.#outbox, async ([key, fields]) => {
      if (!fields) return;
      this.#counts.claimed += 1;
      const event = fieldsOf(fields);
      const states = fieldsOf(await this.#command.sendCommand(['HGETALL', this.#jobPrefix + key]));
      const endpoints = Object.keys(states);
      if (endpoints.length === 0) {
        await this.#command.sendCommand(['XACK', this.#outbox, this.#group, key]);
        await this.#command.sendCommand(['XDEL', this.#outbox, key]);
        return;
      }
      for (const endpoint of endpoints) {
        const { attempts, notBefore } = stateOf(states[endpoint]!);
        host.take({ key, endpoint, messageId: event.i ?? key, event: event.e ?? 'message', data: event.d ?? 'null', time: Number(event.t) || timeOf(key), attempts, notBefore });
      }
    });
    // Bus messages a dead consumer read but never sorted.
    await claim(this.#stream, async ([id, fields]) => {
      if (fields) await this.#select([[id, fields]]);
    });
  }

  /** Consumers of instances long gone, with nothing pending, are removed from both groups. */
  async #forgetConsumers(): Promise<void> {
    const idleLimit = Math.max(10 * this.#claimIdleMs, 60 * 60 * 1000);
    for (const key of [this.#stream, this.#outbox]) {
      const consumers = (await this.#command.sendCommand(['XINFO', 'CONSUMERS', key, this.#group])) as unknown[];
      for (const consumer of consumers) {
        const info = fieldsOf(consumer);
        if (info.name === this.#consumer || Number(info.pending) > 0 || Number(info.idle) < idleLimit) continue;
        await this.#command.sendCommand(['XGROUP', 'DELCONSUMER', key, this.#group, info.name!]);
      }
    }
  }

  #up(): void {
    if (this.#state === 'up' || this.#closed) return;
    const wasDown = this.#state === 'down';
    this.#state = 'up';
    if (wasDown) this.#host?.logger.warn(`${PREFIX} webhooks: Redis is reachable again; deliveries go on`);
  }

  /** One warning per outage. */
  #down(error: unknown): void {
    if (this.#closed || this.#state === 'down') return;
    this.#state = 'down';
    this.#counts.outages += 1;
    this.#host?.logger.warn(
      `${PREFIX} webhooks: Redis is unreachable (${reasonOf(error)}); deliveries under way go on, new events wait in the bus's stream, and what cannot be recorded is recorded once it is back`,
    );
  }
}

/**
 * Delivery through Redis, for hubs on the Redis bus: pass it as `queue` to `createWebhooks` on
 * every instance, with the bus's `stream`. Each event is delivered by one instance; one that dies
 * has its deliveries taken over by another after `claimIdleMs`, with their attempt counts.
 *
 * @example
 * import { createClient } from 'redis';
 * const redis = { url: process.env.REDIS_URL, stream: 'panel:events' };
 * const hub = createSseHub({ bus: redisBus(redis) });
 * const webhooks = createWebhooks({
 *   hub,
 *   endpoints,
 *   queue: redisWebhookQueue({ client: createClient({ url: redis.url }), stream: redis.stream }),
 * });
 */
export function redisWebhookQueue(options: RedisWebhookQueueOptions): RedisWebhookQueue {
  return new RedisWebhookQueue(options);
}
