import { ReplayBuffer } from '../core/replay-buffer.js';
import type { SseBusHistory, SseHistoryOptions } from './history.js';
import type { SseLogger } from './log.js';

/** One message as the bus carries it: the SSE id it was given, the event name, the JSON text. */
export interface BusMessage {
  readonly id: string;
  readonly event: string;
  /** The payload, already serialised: the hub writes it as it is. */
  readonly data: string;
  /** Whom it is about; `undefined` reaches every viewer. */
  readonly projectId: string | undefined;
}

/** How a bus is doing, for `hub.stats.bus`. */
export interface BusStatus {
  /** `memory` or `redis`. */
  kind: string;
  /** `up`; `down` while its backend is unreachable (sends reject, streams stay open); `closed`. */
  state: 'starting' | 'up' | 'down' | 'closed';
  /** Milliseconds between a message's publication and its delivery here, for the latest one. */
  lag: number;
  /** The id of the latest message delivered to this instance. */
  lastId: string | undefined;
  /** Times the backend became unreachable. */
  outages: number;
}

/**
 * Where the hub's messages go and come back from: it numbers them, keeps the recent ones for
 * clients that resume, and delivers each, in order, to every instance's hub. `memoryBus` serves
 * one process; `redisBus` (from `@clouddeploy/live-elements/server/redis`) many.
 */
export interface SseBus {
  /**
   * Starts delivering every message published from now on, in order, to `deliver`. Resolves once
   * reading has begun, with the id of the latest message already held (`undefined` for none).
   */
  start(deliver: (message: BusMessage) => void, logger: SseLogger): Promise<string | undefined>;
  /** Publishes a message; resolves with its id once the bus holds it, rejects when it cannot. */
  publish(event: string, data: string, projectId: string | undefined): Promise<string>;
  /**
   * Up to `count` messages after `afterId`, oldest first (`afterId` `undefined`: from the oldest
   * held). `null` when the bus cannot tell what came after it: an id older than what it keeps, one
   * it never issued, or not an id of this bus.
   */
  read(afterId: string | undefined, count: number): Promise<BusMessage[] | null>;
  /** Orders two ids of this bus: negative when `a` came first. */
  compare(a: string, b: string): number;
  readonly status: BusStatus;
  /** Stops reading and lets go of connections. */
  close(): Promise<void>;
  /**
   * Optional: a history store kept beside this bus's messages, which the hub uses unless told
   * otherwise. The Redis bus's lives in Redis and records each message in the same step that
   * publishes it, so every instance answers the same.
   */
  history?(options: SseHistoryOptions): SseBusHistory;
}

export interface MemoryBusOptions {
  /** Messages kept for resuming (default 1000). */
  replayLimit?: number;
  /** Bytes of messages kept for resuming (default 8 MiB). */
  replayBytes?: number;
  /**
   * Tells this process's ids from another run's: ids are `<instanceId>-<n>`, so a client resuming
   * across a restart gets a snapshot instead of having new messages taken for ones it has. Default:
   * derived from the start time. `''` gives plain counters (`"1"`, `"2"`, …).
   */
  instanceId?: string;
}

let instances = 0;

/** A short id for this process and bus: start time and a counter, base 36. */
function defaultInstanceId(): string {
  instances += 1;
  return `${Date.now().toString(36)}${instances > 1 ? `.${instances.toString(36)}` : ''}`;
}

/** UTF-8 length of a string, without allocating. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) {
      bytes += 1;
    } else if (code >= 0xd800 && code < 0xdc00) {
      // A surrogate pair: 4 bytes for 2 units.
      bytes += 2;
      i += 1;
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

const MIB = 1024 * 1024;

/**
 * The in-process bus: one process, ids `<instanceId>-<n>`, a replay buffer bounded by count and by
 * bytes. Delivery is synchronous, inside `publish`.
 */
export class MemoryBus implements SseBus {
  readonly #instanceId: string;
  readonly #buffer: ReplayBuffer<BusMessage>;
  #deliver: ((message: BusMessage) => void) | undefined;
  #seq = 0;
  #closed = false;

  constructor(options: MemoryBusOptions = {}) {
    this.#instanceId = options.instanceId ?? defaultInstanceId();
    if (/[\r\n\0]/.test(this.#instanceId)) throw new TypeError('instanceId must not contain CR, LF or NUL');
    this.#buffer = new ReplayBuffer<BusMessage>({
      limit: Math.max(0, Math.floor(options.replayLimit ?? 1000)),
      maxBytes: Math.max(0, options.replayBytes ?? 8 * MIB),
      sizeOf: (message) => utf8Length(message.data) + message.event.length + message.id.length + 64,
    });
  }

  get status(): BusStatus {
    return { kind: 'memory', state: this.#closed ? 'closed' : 'up', lag: 0, lastId: this.#idOf(this.#seq), outages: 0 };
  }

  /** Resolves with the latest id; before any message, `<instanceId>-0`, which a client can resume from. */
  async start(deliver: (message: BusMessage) => void): Promise<string | undefined> {
    this.#deliver = deliver;
    return this.#idOf(this.#seq);
  }

  publish(event: string, data: string, projectId: string | undefined): Promise<string> {
    if (this.#closed) return Promise.reject(new Error('The bus is closed'));
    const seq = ++this.#seq;
    const message: BusMessage = { id: this.#idOf(seq), event, data, projectId };
    this.#buffer.push(seq, message);
    this.#deliver?.(message);
    return Promise.resolve(message.id);
  }

  async read(afterId: string | undefined, count: number): Promise<BusMessage[] | null> {
    const after = afterId === undefined ? 0 : this.#seqOf(afterId);
    if (after === undefined || after > this.#seq) return null;
    const held = this.#buffer.since(after);
    return held === undefined ? null : held.slice(0, count);
  }

  compare(a: string, b: string): number {
    return (this.#seqOf(a) ?? 0) - (this.#seqOf(b) ?? 0);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#deliver = undefined;
    this.#buffer.clear(this.#seq);
  }

  #idOf(seq: number): string {
    return this.#instanceId === '' ? String(seq) : `${this.#instanceId}-${seq}`;
  }

  /** The sequence number an id of this bus stands for, or `undefined` for anyone else's id. */
  #seqOf(id: string): number | undefined {
    let digits = id;
    if (this.#instanceId !== '') {
      const prefix = `${this.#instanceId}-`;
      if (!id.startsWith(prefix)) return undefined;
      digits = id.slice(prefix.length);
    }
    if (!/^\d{1,15}$/.test(digits)) return undefined;
    return Number(digits);
  }
}

/** The in-process bus (the hub's default). */
export function memoryBus(options: MemoryBusOptions = {}): SseBus {
  return new MemoryBus(options);
}
