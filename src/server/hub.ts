import type { EventPayloads, EventType } from '../core/protocol.js';
import { formatFrame } from './frame.js';

/**
 * The part of an incoming request the hub reads. `node:http`'s `IncomingMessage` (also Express's
 * `req` and Fastify's `request.raw`) has it; so does `node:http2`'s compatibility request.
 */
export interface SseRequest {
  readonly method?: string;
  /** Path and query; `?lastEventId=` is read from it. */
  readonly url?: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** `2` for HTTP/2, where connection-specific headers are not allowed. */
  readonly httpVersionMajor?: number;
  readonly socket?: {
    setNoDelay?(noDelay?: boolean): unknown;
    setTimeout?(timeout: number): unknown;
    setKeepAlive?(enable?: boolean, initialDelay?: number): unknown;
  } | null;
  on(event: 'close', listener: () => void): unknown;
}

/**
 * The part of a response the hub writes to. `node:http`'s `ServerResponse` (also Express's `res`
 * and Fastify's `reply.raw`) has it.
 */
export interface SseResponse {
  /** Bytes queued and not yet handed to the kernel; the slow-client check reads it. */
  readonly writableLength?: number;
  readonly writableEnded?: boolean;
  readonly destroyed?: boolean;
  writeHead(statusCode: number, headers?: Record<string, string>): unknown;
  write(chunk: string): boolean;
  end(): unknown;
  destroy(error?: Error): unknown;
  on(event: 'close' | 'drain' | 'error', listener: () => void): unknown;
}

/** Where the hub reports what an operator should know. `console` fits. */
export interface SseLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

/**
 * The protocol's payloads as a backend sends them: `timestamp` may be left out where the client
 * takes the time of receipt instead.
 */
export type ServerEventPayloads = {
  [K in EventType]: K extends 'deployment_progress' | 'container_status_changed'
    ? Omit<EventPayloads[K], 'timestamp'> & { timestamp?: string }
    : EventPayloads[K];
};

export interface SseHubOptions {
  /** Messages kept for resuming (default 1000). Older ones are gone; a client asking for them gets a snapshot. */
  replayLimit?: number;
  /** Milliseconds between heartbeat comments (default 15000); `0` sends none. */
  heartbeatMs?: number;
  /** The `retry:` sent first on every stream: the browser's reconnection delay in ms (default 2000). */
  retryMs?: number;
  /**
   * Bytes a client may have queued and unsent (default 1 MiB). A client that falls further behind —
   * a stalled network, a paused tab on a slow link — is dropped and logged rather than buffered
   * without bound; it reconnects and resumes from its last id, or gets a snapshot.
   */
  maxBufferedBytes?: number;
  /**
   * The full current state, sent as a `snapshot` event to a client that cannot be resumed
   * exactly: one whose last id is older than the replay buffer or unknown (say, from before a restart)
   * and, unless `snapshotOnConnect` is `false`, a client that connects with no id at all. It may return
   * a promise; messages sent meanwhile reach that client after the snapshot, in order. Without it
   * such a client gets whatever the replay buffer holds (too-old id) or only live messages (no id).
   */
  snapshot?: () => unknown;
  /** Send the snapshot to clients that connect with no last id too (default `true`). */
  snapshotOnConnect?: boolean;
  /**
   * Tells this hub's ids from those of another run: ids are `<instanceId>-<n>`, so a client resuming
   * across a server restart gets a snapshot instead of having new messages mistaken for ones it has
   * already applied. Default: derived from the start time. `''` gives plain counters (`"1"`, `"2"`, …),
   * for a backend that keeps its own counter across restarts.
   */
  instanceId?: string;
  /** Extra response headers, e.g. for CORS. */
  headers?: Record<string, string>;
  /**
   * Receives warnings (a dropped client, a failing snapshot) and, if it has `debug`, a line per
   * resume. Default: warnings to `console.warn`. Pass `console` itself to see the debug lines too.
   */
  logger?: SseLogger;
}

/** Counters for monitoring. */
export interface SseHubStats {
  /** Streams open now. */
  clients: number;
  /** Streams opened since the hub was created. */
  connections: number;
  /** Messages sent with `send`. */
  sent: number;
  /** Clients dropped for falling behind. */
  dropped: number;
  /** Connections that resumed from the replay buffer. */
  resumed: number;
  /** Snapshots sent. */
  snapshots: number;
}

interface Client {
  readonly res: SseResponse;
  readonly label: string;
  /** Set while an async snapshot is pending: texts to write after it. */
  queue: string[] | null;
  /** Bytes written since `write()` last returned false, for a response with no `writableLength`. */
  unflushed: number;
  /**
   * Bytes of the opening replay or snapshot, allowed on top of the limit until the queue first
   * drains: a large catch-up is expected, and must not get a client dropped the moment it connects.
   */
  allowance: number;
  closed: boolean;
}

interface Held {
  seq: number;
  text: string;
}

const MIB = 1024 * 1024;

let instances = 0;

/** A short id for this process and hub: start time and a counter, base 36. */
function defaultInstanceId(): string {
  instances += 1;
  return `${Date.now().toString(36)}${instances > 1 ? `.${instances.toString(36)}` : ''}`;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed ? trimmed : undefined;
}

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
 * One event stream served to any number of clients: it numbers every message, keeps the latest ones
 * for clients that reconnect, and writes the wire protocol to each `GET` handed to `handle()`.
 *
 * It needs no framework — a `(req, res)` pair from `node:http`, Express or Fastify (`reply.hijack()`
 * then `request.raw`, `reply.raw`) is all — and it holds no timers while no client is connected.
 *
 * @example
 * const hub = createSseHub({ snapshot: () => ({ projects: listProjects() }) });
 * http.createServer((req, res) => {
 *   if (req.url?.startsWith('/api/containers/events')) return hub.handle(req, res);
 *   // … the REST endpoints …
 * }).listen(8080);
 * hub.send('container_status_changed', { projectId: 'api', oldStatus: 'stopped', newStatus: 'deploying' });
 */
export class SseHub {
  readonly #replayLimit: number;
  readonly #heartbeatMs: number;
  readonly #retryMs: number;
  readonly #maxBufferedBytes: number;
  readonly #snapshot: (() => unknown) | undefined;
  readonly #snapshotOnConnect: boolean;
  readonly #instanceId: string;
  readonly #headers: Record<string, string>;
  readonly #logger: SseLogger;

  readonly #clients = new Set<Client>();
  #held: Held[] = [];
  /** Index of the oldest held message in `#held` (a queue without shifting on every send). */
  #head = 0;
  #seq = 0;
  /** The highest sequence number pushed out of the buffer: resuming from before it has lost messages. */
  #evictedThrough = 0;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  #serial = 0;
  readonly #stats: Omit<SseHubStats, 'clients'> = { connections: 0, sent: 0, dropped: 0, resumed: 0, snapshots: 0 };

  constructor(options: SseHubOptions = {}) {
    this.#replayLimit = Math.max(0, Math.floor(options.replayLimit ?? 1000));
    this.#heartbeatMs = Math.max(0, options.heartbeatMs ?? 15000);
    this.#retryMs = Math.max(0, Math.round(options.retryMs ?? 2000));
    this.#maxBufferedBytes = Math.max(0, options.maxBufferedBytes ?? MIB);
    this.#snapshot = options.snapshot;
    this.#snapshotOnConnect = options.snapshotOnConnect ?? true;
    this.#instanceId = options.instanceId ?? defaultInstanceId();
    if (/[\r\n\0]/.test(this.#instanceId)) throw new TypeError('instanceId must not contain CR, LF or NUL');
    this.#headers = { ...options.headers };
    this.#logger = options.logger ?? { warn: (message) => console.warn(message) };
  }

  /** Streams open now. */
  get clients(): number {
    return this.#clients.size;
  }

  /** The id of the latest message sent, or `undefined` before the first. */
  get lastEventId(): string | undefined {
    return this.#seq === 0 ? undefined : this.#idOf(this.#seq);
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A copy of the counters. */
  get stats(): SseHubStats {
    return { ...this.#stats, clients: this.#clients.size };
  }

  /**
   * Serves one `GET` as an event stream: headers, `retry:`, then either the messages after the
   * client's `Last-Event-ID` header (or `?lastEventId=`), or a snapshot, then live messages and
   * heartbeats until the client goes away. Answers 405 to other methods and 503 after `close()`.
   */
  handle(req: SseRequest, res: SseResponse): void {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.write('Method not allowed');
      res.end();
      return;
    }
    if (this.#closed) {
      res.writeHead(503, { 'Retry-After': String(Math.ceil(this.#retryMs / 1000)), 'Content-Type': 'text/plain; charset=utf-8' });
      res.write('The event stream is closed');
      res.end();
      return;
    }

    const headers: Record<string, string> = {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
      ...this.#headers,
    };
    // HTTP/2 forbids connection-specific headers (node:http2 throws on them).
    if ((req.httpVersionMajor ?? 1) < 2) headers.Connection = 'keep-alive';
    res.writeHead(200, headers);
    if (method === 'HEAD') {
      res.end();
      return;
    }
    if ((req.httpVersionMajor ?? 1) < 2) {
      // A long-lived stream: no idle timeout, and small frames go out at once.
      req.socket?.setTimeout?.(0);
      req.socket?.setNoDelay?.(true);
      req.socket?.setKeepAlive?.(true);
    }

    const client: Client = { res, label: `client #${++this.#serial}`, queue: null, unflushed: 0, allowance: 0, closed: false };
    this.#clients.add(client);
    this.#stats.connections += 1;
    const cleanup = () => this.#remove(client);
    req.on('close', cleanup);
    res.on('close', cleanup);
    res.on('error', cleanup);
    res.on('drain', () => {
      client.unflushed = 0;
      client.allowance = 0;
    });
    // The client may have gone before it was handed over (an aborted request in a slow middleware).
    if (res.destroyed) {
      cleanup();
      return;
    }
    this.#startHeartbeat();

    const resumeId = resumeIdOf(req);
    let text = formatFrame({ retry: this.#retryMs });
    const replay = resumeId === undefined ? undefined : this.#since(resumeId);
    if (replay) {
      this.#stats.resumed += 1;
      this.#logger.debug?.(`[live-elements/server] ${client.label} resumed after ${resumeId}: ${replay.length} message(s) replayed`);
      for (const held of replay) text += held.text;
      this.#write(client, text, true);
      return;
    }

    const wantsSnapshot = this.#snapshot !== undefined && (resumeId !== undefined || this.#snapshotOnConnect);
    if (!wantsSnapshot) {
      // Without a snapshot, a client that cannot be resumed exactly gets all that is held.
      if (resumeId !== undefined) {
        this.#logger.debug?.(`[live-elements/server] ${client.label} asked to resume after ${resumeId}, which is not held; replaying the whole buffer`);
        for (let i = this.#head; i < this.#held.length; i++) text += this.#held[i].text;
      }
      this.#write(client, text, true);
      return;
    }

    if (resumeId !== undefined) {
      this.#logger.debug?.(`[live-elements/server] ${client.label} asked to resume after ${resumeId}, which is not held; sending a snapshot`);
    }
    // The snapshot stands for the state as of the latest message, so it carries that message's id:
    // resuming from it later replays exactly what came after.
    const asOf = this.#seq;
    let state: unknown;
    try {
      state = (this.#snapshot as () => unknown)();
    } catch (error) {
      this.#snapshotFailed(client, error);
      return;
    }
    if (isPromiseLike(state)) {
      this.#write(client, text);
      client.queue = [];
      state.then(
        (value) => {
          if (client.closed) return;
          const queued = client.queue ?? [];
          client.queue = null;
          this.#write(client, this.#snapshotText(value, asOf) + queued.join(''), true);
        },
        (error: unknown) => this.#snapshotFailed(client, error),
      );
      return;
    }
    this.#write(client, text + this.#snapshotText(state, asOf), true);
  }

  /**
   * Sends a message to every client and keeps it for resuming. `data` is serialised with
   * `JSON.stringify`. Returns the id it was given. Throws a `TypeError` for an event name with a
   * line break or data that has no JSON form (`undefined`, a function).
   *
   * The protocol's own event types are type-checked against their payloads; any other name takes
   * any data.
   */
  send<K extends EventType>(event: K, data: ServerEventPayloads[K]): string;
  send<E extends string>(event: E extends EventType ? never : E, data: unknown): string;
  send(event: string, data: unknown): string {
    const json = JSON.stringify(data);
    if (json === undefined) throw new TypeError(`SSE data for "${event}" has no JSON form`);
    // Formatting first, so a bad event name throws before an id is used up.
    const body = formatFrame({ event, data: json });
    const seq = ++this.#seq;
    const id = this.#idOf(seq);
    const text = `id: ${id}\n${body}`;
    this.#stats.sent += 1;
    this.#hold(seq, text);
    for (const client of this.#clients) this.#write(client, text);
    return id;
  }

  /** Sends a comment (`: text`) to every client: not a message, not kept, carries no id. */
  comment(text: string): void {
    const frame = formatFrame({ comment: text });
    for (const client of this.#clients) this.#write(client, frame);
  }

  /**
   * Ends every open stream (the browser reconnects on its own and resumes). The hub stays usable;
   * use it, for instance, before a deploy takes this process away.
   */
  disconnectAll(): void {
    for (const client of [...this.#clients]) {
      this.#remove(client);
      if (!client.res.writableEnded) client.res.end();
    }
  }

  /** Ends every stream, stops the heartbeat, forgets the held messages; later requests get 503. */
  close(): void {
    this.#closed = true;
    this.disconnectAll();
    this.#stopHeartbeat();
    this.#held = [];
    this.#head = 0;
  }

  // --- Internals ----------------------------------------------------------------------------------

  #idOf(seq: number): string {
    return this.#instanceId === '' ? String(seq) : `${this.#instanceId}-${seq}`;
  }

  /** The sequence number an id of this hub stands for, or `undefined` for anyone else's id. */
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

  /** The held messages after `id`, or `undefined` when some of them are gone or the id is not ours. */
  #since(id: string): Held[] | undefined {
    const seq = this.#seqOf(id);
    if (seq === undefined || seq > this.#seq || seq < this.#evictedThrough) return undefined;
    const held = this.#held;
    // Sequence numbers are contiguous from the head, so the start is found by arithmetic.
    const start = held.length === this.#head ? held.length : this.#head + Math.max(0, seq - held[this.#head].seq + 1);
    return held.slice(start);
  }

  #hold(seq: number, text: string): void {
    if (this.#replayLimit === 0) {
      this.#evictedThrough = seq;
      return;
    }
    this.#held.push({ seq, text });
    while (this.#held.length - this.#head > this.#replayLimit) {
      this.#evictedThrough = this.#held[this.#head].seq;
      this.#head += 1;
    }
    // Compact now and then, so the array does not grow with the number of messages ever sent.
    if (this.#head > 1024 && this.#head * 2 > this.#held.length) {
      this.#held = this.#held.slice(this.#head);
      this.#head = 0;
    }
  }

  #snapshotText(state: unknown, asOf: number): string {
    const json = JSON.stringify(state);
    if (json === undefined) {
      this.#logger.warn('[live-elements/server] snapshot() returned a value with no JSON form; no snapshot sent');
      return '';
    }
    this.#stats.snapshots += 1;
    return formatFrame({ id: this.#idOf(asOf), event: 'snapshot', data: json });
  }

  #snapshotFailed(client: Client, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.#logger.warn(`[live-elements/server] snapshot() failed for ${client.label}: ${reason}; closing its stream so it retries`);
    this.#remove(client);
    if (!client.res.writableEnded) client.res.end();
  }

  /** Writes to one client, and drops it if too much is waiting; `opening` for the catch-up at connect. */
  #write(client: Client, text: string, opening = false): void {
    if (client.closed || text === '') return;
    if (client.queue) {
      client.queue.push(text);
      return;
    }
    const res = client.res;
    if (res.destroyed || res.writableEnded) {
      this.#remove(client);
      return;
    }
    const flushed = res.write(text);
    if (!flushed) client.unflushed += text.length;
    if (opening && !flushed) client.allowance = text.length;
    const buffered = typeof res.writableLength === 'number' ? res.writableLength : client.unflushed;
    if (buffered > this.#maxBufferedBytes + client.allowance) {
      this.#stats.dropped += 1;
      this.#logger.warn(
        `[live-elements/server] dropped ${client.label}: ${buffered} bytes waiting to be sent (limit ${this.#maxBufferedBytes}); it will reconnect and resume`,
      );
      this.#remove(client);
      res.destroy();
    }
  }

  #remove(client: Client): void {
    if (client.closed) return;
    client.closed = true;
    client.queue = null;
    this.#clients.delete(client);
    if (this.#clients.size === 0) this.#stopHeartbeat();
  }

  #startHeartbeat(): void {
    if (this.#heartbeat !== undefined || this.#heartbeatMs <= 0) return;
    // One timer for every client.
    this.#heartbeat = setInterval(() => this.comment('keep-alive'), this.#heartbeatMs);
    (this.#heartbeat as { unref?(): void }).unref?.();
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat === undefined) return;
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Creates an `SseHub`. Options and defaults: `replayLimit` 1000 messages, `heartbeatMs` 15000,
 * `retryMs` 2000, `maxBufferedBytes` 1 MiB, `snapshot` none, warnings to `console.warn`.
 */
export function createSseHub(options: SseHubOptions = {}): SseHub {
  return new SseHub(options);
}
