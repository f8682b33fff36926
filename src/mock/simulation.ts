/**
 * A simulated hosting backend: projects whose containers run, deploy, stop, idle out and fail, the
 * SSE frames that report it, and the REST actions that drive it.
 *
 * It has no DOM and no network, so the same simulation feeds `MockEventSource` in a browser and the
 * demo server's real `text/event-stream` in Node. Everything random comes from one seeded generator
 * and everything timed from one `Clock`, so a seed and a driven clock reproduce a run byte for byte.
 */
import { realClock, type Clock } from '../core/clock.js';
import { seededRandom } from '../core/random.js';
import { HISTORY_RESOLUTIONS, type HistoryResolution } from '../core/history-ranges.js';
import { ReplayBuffer } from '../core/replay-buffer.js';
import { readState, STATE_VERSION, type MockBackendState, type MockSavedLogLine, type MockSavedProject } from './state.js';
import {
  validateEvent,
  type ContainerStatus,
  type EventPayloads,
  type EventType,
  type MetricsSample,
  type ProjectSnapshot,
  type Snapshot,
} from '../core/protocol.js';

/** A protocol message as the backend sends it: `id` counts up from `"1"`, `data` is JSON text. */
export interface MockFrame {
  id: string;
  event: EventType;
  data: string;
}

/**
 * What subscribers receive: every `MockFrame`, plus whatever `emitRaw` sends. `id` absent means the
 * message carries no `id:` line; `event` absent means an unnamed (`message`) event; `data` `''` means
 * an id-only block, which moves the client's last event id but dispatches no event.
 */
export interface MockWireFrame {
  id?: string;
  event?: string;
  data: string;
}

export interface MockResponse {
  status: number;
  statusText: string;
  body: unknown;
  /** The rate-limit headers, with `rateLimit` (as a server sends them). */
  headers?: Headers;
}

/** The mock's limit on REST actions (see `MockBackendOptions.rateLimit`). */
export interface MockRateLimit {
  /** Actions allowed per window (a whole number, at least 1). */
  limit: number;
  /** The window in ms of the clock; the first action opens it. */
  windowMs: number;
}

/** A project the simulation starts with. */
export interface MockProjectSeed {
  projectId: string;
  name?: string;
  url?: string;
  status: ContainerStatus;
  /** Receives no traffic, so once running it is shut down after `idleTimeout`. */
  idle?: boolean;
  /** `true`: every deployment fails its health check and ends in `error`; a number: the next n do. */
  failDeploy?: boolean | number;
  /** For a running project: how long it has been up already, in ms. */
  uptime?: number;
  /** For an idle running project: how long it has gone without traffic already, in ms. */
  idleFor?: number;
  /** For an inactive project: why it was shut down, and after how long. */
  reason?: string;
  inactiveTime?: string | number;
  /** For a project in error: what went wrong. */
  lastError?: string;
  cpu?: number;
  memory?: number;
  requests?: number;
}

/** A project as the REST endpoints describe it: a `ProjectSnapshot` plus the deployment's progress. */
export interface MockProject extends ProjectSnapshot {
  step?: string;
  progress?: number;
}

export interface MockBackendOptions {
  /** Seed of the random generator (default 1). */
  seed?: number;
  /** Source of time and timers (default `realClock`). */
  clock?: Clock;
  /** The starting projects (default: one or more in every status, see `defaultProjects`). */
  projects?: MockProjectSeed[];
  /** Milliseconds between two `metrics_updated` rounds (default 3000). */
  metricsInterval?: number;
  /** Milliseconds without traffic after which an idle running project is shut down (default 120000). */
  idleTimeout?: number;
  /** Frames kept for resuming (default 1000). */
  replayLimit?: number;
  /** `false`: no timers of its own at all; only scripted frames and REST (default `true`). */
  autoplay?: boolean;
  /** Simulated latency of a REST answer, in ms of the clock (default 150). */
  latency?: number;
  /**
   * Limits the REST actions (`POST` and `DELETE`) to `limit` per `windowMs`, as the server helper's
   * `actions` policy does: every action's answer carries the `RateLimit-Policy`, `RateLimit` and
   * `X-RateLimit-*` headers, one over the limit is answered `429` with `Retry-After` (and changes
   * nothing), and each action also sends a `rate_limit` event with the same figures.
   */
  rateLimit?: MockRateLimit;
  /**
   * Start from what `save()` returned, instead of `projects` and `seed`: the same projects, statuses,
   * deployments, countdowns and random sequence, and frame ids that go on from the last one. The
   * other options apply as given. A value that is not such a state throws a `TypeError`.
   */
  state?: unknown;
}

/** How a connection refused by `failConnections` fails. */
export type MockFailureMode = 'error' | 'drop';

/** The receiving end of a connection opened with `connect()`. */
export interface MockSink {
  /** The stream answered; frames follow. */
  open(): void;
  frame(frame: MockWireFrame): void;
  /** The backend ended the stream (`dropAll()` or a `'drop'` failure). */
  drop(): void;
}

export interface MockConnection {
  readonly closed: boolean;
  close(): void;
}

/** The steps of a deployment, in order. */
export const DEPLOYMENT_STEPS = [
  'Cloning repository',
  'Installing dependencies',
  'Building image',
  'Running tests',
  'Pushing image',
  'Starting container',
  'Health check',
] as const;

interface OpenConnection extends MockConnection {
  closed: boolean;
  drop(): void;
}

type PlannedLog = MockSavedLogLine;

const DAY = 86_400_000;

/** A project as the simulation runs it: its saved form, with live timers instead of time left. */
interface ProjectState extends Omit<MockSavedProject, 'failDeploy'> {
  /** Deployments still to fail; `Infinity` for every one. */
  failuresLeft: number;
  /** Idle countdown: ms left while paused (`idleLeft`), and its deadline on the clock while armed. */
  idleDeadline: number;
  idleTimer?: unknown;
  deployTimer?: unknown;
  /** When the next deployment line is due, while its timer is set. */
  deployDeadline: number;
}

const DEFAULTS = {
  seed: 1,
  metricsInterval: 3000,
  idleTimeout: 120_000,
  replayLimit: 1000,
  latency: 150,
};

/** The first metrics go out this soon after the simulation starts, whatever the interval. */
const FIRST_METRICS_DELAY = 500;
/**
 * The generator starts over from a seed derived from the first every this many numbers, so a
 * restore replays at most this many to find its place (a few milliseconds), however long the run.
 */
const DRAWS_PER_SEED = 1_000_000;
/** Spacing of deployment log lines. */
const LOG_GAP_MIN = 400;
const LOG_GAP_MAX = 900;

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  202: 'Accepted',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** The generator in use after `draws` numbers, at the start of its stretch. */
function generator(seed: number, draws: number): () => number {
  const stretch = Math.floor(draws / DRAWS_PER_SEED);
  return seededRandom(stretch === 0 ? seed : (seed ^ Math.imul(stretch, 0x9e3779b9)) >>> 0);
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
/** Rounding keeps the JSON short and the frames identical across engines. */
const round1 = (value: number) => Math.round(value * 10) / 10;

/** `"45s"`, `"15m"`, `"2h 15m"`, `"3d 4h"`: the display form of `uptime` and `inactiveTime`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** `"2 minutes"`, `"30 seconds"`, `"1 hour"`: the same duration in a sentence. */
function describeDuration(ms: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60 || seconds % 60 !== 0) return plural(seconds, 'second');
  const minutes = seconds / 60;
  if (minutes < 60 || minutes % 60 !== 0) return plural(minutes, 'minute');
  return plural(minutes / 60, 'hour');
}

/**
 * The default scenario: every status present from the start, and within the first minute of running
 * a deployment that ends in `running`, metrics for the running projects, and an idle shutdown.
 */
export function defaultProjects(idleTimeout = DEFAULTS.idleTimeout): MockProjectSeed[] {
  const seeds: MockProjectSeed[] = [
    { projectId: 'api-gateway', name: 'API Gateway', status: 'running', uptime: (2 * 60 + 14) * 60_000 + 20_000 },
    // Shut down 30 s into the run, so the auto_shutdown flow shows without a long wait.
    {
      projectId: 'web-frontend',
      name: 'Web Frontend',
      status: 'running',
      idle: true,
      uptime: 47 * 60_000,
      idleFor: Math.max(0, idleTimeout - 30_000),
    },
    { projectId: 'payments-service', name: 'Payments Service', status: 'deploying' },
    { projectId: 'docs-site', name: 'Docs Site', status: 'stopped' },
    {
      projectId: 'legacy-cron',
      name: 'Legacy Cron',
      status: 'inactive',
      reason: 'No requests received in the last 30 minutes',
      inactiveTime: '30m',
    },
    // Its first retry fails too, so the error path of a deployment can be seen; the next one works.
    {
      projectId: 'ml-worker',
      name: 'ML Worker',
      status: 'error',
      failDeploy: 1,
      lastError: 'Container exited with code 137 (out of memory)',
    },
  ];
  return seeds.map((seed) => ({ ...seed, url: `https://${seed.projectId}.clouddeploy.app` }));
}

export class MockBackend {
  /** The clock every timer of the simulation, and of `MockEventSource`s on it, runs on. */
  readonly clock: Clock;

  readonly #seed: number;
  /** Numbers drawn so far: a restored simulation draws on from the same point. */
  #draws = 0;
  #draw: () => number;
  readonly #metricsInterval: number;
  readonly #idleTimeout: number;
  readonly #autoplay: boolean;
  readonly #latency: number;
  readonly #rateLimit: MockRateLimit | undefined;
  /** The current window of the actions' limit: when it ends on the clock, and the actions counted in it. */
  #window = { end: 0, count: 0 };

  readonly #projects = new Map<string, ProjectState>();
  readonly #listeners = new Set<(frame: MockWireFrame) => void>();
  readonly #connections = new Set<OpenConnection>();
  #failures: MockFailureMode[] = [];

  #lastId = 0;
  readonly #replay: ReplayBuffer<MockWireFrame>;

  /** Whether the timers are armed: autoplay and at least one subscriber. */
  #active = false;
  #metricsTimer: unknown;
  #metricsDeadline = 0;
  /** Restored: ms until the first metrics round, instead of the usual short delay. */
  #metricsIn: number | undefined;

  constructor(options: MockBackendOptions = {}) {
    this.clock = options.clock ?? realClock;
    // Checked before anything else is set up: a bad state leaves nothing half-made behind.
    const state = options.state === undefined ? undefined : readState(options.state);
    this.#seed = state?.seed ?? (options.seed ?? DEFAULTS.seed) >>> 0;
    this.#draws = state?.draws ?? 0;
    this.#draw = generator(this.#seed, this.#draws);
    for (let i = 0; i < this.#draws % DRAWS_PER_SEED; i++) this.#draw();
    this.#metricsInterval = Math.max(1, options.metricsInterval ?? DEFAULTS.metricsInterval);
    this.#idleTimeout = Math.max(0, options.idleTimeout ?? DEFAULTS.idleTimeout);
    this.#replay = new ReplayBuffer({ limit: Math.max(0, options.replayLimit ?? DEFAULTS.replayLimit) });
    this.#autoplay = options.autoplay ?? true;
    this.#latency = Math.max(0, options.latency ?? DEFAULTS.latency);
    const rateLimit = options.rateLimit;
    if (rateLimit !== undefined) {
      if (!Number.isSafeInteger(rateLimit.limit) || rateLimit.limit < 1 || !(rateLimit.windowMs >= 1) || !Number.isFinite(rateLimit.windowMs)) {
        throw new TypeError('rateLimit must be { limit: a whole number ≥ 1, windowMs: a number of ms ≥ 1 }');
      }
      this.#rateLimit = { limit: rateLimit.limit, windowMs: rateLimit.windowMs };
    }
    if (state) {
      this.#restore(state);
      return;
    }
    for (const seed of options.projects ?? defaultProjects(this.#idleTimeout)) {
      this.#projects.set(seed.projectId, this.#createProject(seed));
    }
  }

  /** Every random number of the simulation comes from here. */
  readonly #random = (): number => {
    if (this.#draws > 0 && this.#draws % DRAWS_PER_SEED === 0) this.#draw = generator(this.#seed, this.#draws);
    this.#draws++;
    return this.#draw();
  };

  /** Number of open connections (see `connect()`). */
  get connections(): number {
    return this.#connections.size;
  }

  /**
   * Receives every frame from now on. The simulation's timers run only while someone listens, so
   * nothing keeps ticking after the last client left; the state stays as it was until the next one.
   */
  subscribe(listener: (frame: MockWireFrame) => void): () => void {
    // A wrapper per call, so the same function subscribed twice is two subscriptions.
    const entry = (frame: MockWireFrame) => listener(frame);
    this.#listeners.add(entry);
    if (this.#listeners.size === 1) this.#resume();
    return () => {
      if (this.#listeners.delete(entry) && this.#listeners.size === 0) this.#pause();
    };
  }

  /**
   * Opens a stream for one client: a `snapshot` frame first, or, when `lastEventId` is given and
   * still in the replay buffer, exactly the frames after it; then live frames. Returns `null` when
   * the connection is refused (`failConnections(n, 'error')`). Frames sent while the sink is still
   * handling one are queued, so a client sees them in order, as over a network.
   */
  connect(sink: MockSink, lastEventId: string | null = null): MockConnection | null {
    const failure = this.#failures.shift();
    if (failure === 'error') return null;

    const queue: MockWireFrame[] = (lastEventId ? this.framesSince(lastEventId) : null) ?? [this.snapshotFrame()];
    let flushing = true;
    const flush = () => {
      if (flushing) return;
      flushing = true;
      try {
        while (!connection.closed && queue.length > 0) sink.frame(queue.shift() as MockWireFrame);
      } finally {
        flushing = false;
      }
    };
    const unsubscribe = this.subscribe((frame) => {
      queue.push(frame);
      flush();
    });
    const connections = this.#connections;
    const connection: OpenConnection = {
      closed: false,
      close() {
        if (connection.closed) return;
        connection.closed = true;
        queue.length = 0;
        unsubscribe();
        connections.delete(connection);
      },
      drop() {
        if (connection.closed) return;
        connection.close();
        sink.drop();
      },
    };
    this.#connections.add(connection);
    try {
      sink.open();
    } finally {
      flushing = false;
    }
    flush();
    if (failure === 'drop') connection.drop();
    return connection;
  }

  /** The next `n` connections fail: `'error'` refuses them, `'drop'` opens them and drops them at once. */
  failConnections(n: number, mode: MockFailureMode = 'error'): void {
    for (let i = 0; i < n; i++) this.#failures.push(mode);
  }

  /** Ends every open connection, as a dropped socket would. */
  dropAll(): void {
    for (const connection of [...this.#connections]) connection.drop();
  }

  /** The current state of every project, with the latest metrics of running ones. */
  snapshot(): Snapshot {
    return { projects: [...this.#projects.values()].map((project) => this.#snapshotOf(project)) };
  }

  /**
   * The whole simulation as a JSON-safe object, for `new MockBackend({ state })` to carry on from —
   * in the next page of the same tab, say. Timers in flight (the next metrics round, deployment line
   * and idle shutdown) are saved as the time they had left, and count down again from the first
   * subscriber of the restored backend; uptimes and activity times are the clock's, so on a real
   * clock they include the time in between. Open connections, the frames kept for resuming and REST
   * answers still on their way are not part of it.
   */
  save(): MockBackendState {
    const now = this.clock.now();
    const state: MockBackendState = {
      version: STATE_VERSION,
      time: now,
      seed: this.#seed,
      draws: this.#draws,
      lastId: this.#lastId,
      projects: [...this.#projects.values()].map((project) => this.#saveProject(project, now)),
    };
    const metricsIn = this.#metricsTimer !== undefined ? Math.max(0, this.#metricsDeadline - now) : this.#metricsIn;
    if (metricsIn !== undefined) state.metricsIn = metricsIn;
    return state;
  }

  /** A `snapshot` frame with a fresh id. It is meant for one client, so it is not kept for replay. */
  snapshotFrame(): MockFrame {
    return { id: String(++this.#lastId), event: 'snapshot', data: JSON.stringify(this.snapshot()) };
  }

  /**
   * The frames after `lastEventId`, or `null` when they cannot all be replayed — an id older than the
   * buffer, one this backend never issued, or none — in which case the caller sends a snapshot.
   */
  framesSince(lastEventId: string | null): MockWireFrame[] | null {
    if (lastEventId === null || !/^\d+$/.test(lastEventId)) return null;
    const last = Number(lastEventId);
    if (last > this.#lastId) return null;
    return this.#replay.since(last) ?? null;
  }

  /**
   * Sends a protocol frame with a fresh id, and applies it to the simulation where that makes sense
   * (a status change moves the project, metrics replace its numbers, …). Data that does not validate
   * is sent all the same, and changes nothing.
   */
  emit<K extends EventType>(type: K, data: EventPayloads[K] | Record<string, unknown>): MockFrame {
    this.#apply(type, data);
    return this.#send(type, data);
  }

  /** Sends anything, valid or not. `id` omitted: a fresh id; `id: null`: no id at all. */
  emitRaw(frame: { event?: string; data: string; id?: string | null }): void {
    const id = frame.id === undefined ? String(++this.#lastId) : frame.id;
    const wire: MockWireFrame = id === null ? { data: frame.data } : { id, data: frame.data };
    if (frame.event !== undefined) wire.event = frame.event;
    // Only frames numbered by this backend can be found again by id.
    if (frame.id === undefined) this.#replay.push(Number(wire.id), wire);
    this.#deliver(wire);
  }

  /**
   * The REST API, with its base path already stripped. Answers after `latency` ms of the clock, so a
   * driven clock decides when.
   */
  request(method: string, path: string): Promise<MockResponse> {
    return new Promise((resolve, reject) => {
      this.clock.setTimeout(() => {
        try {
          const verb = method.toUpperCase();
          resolve(this.#rateLimit && (verb === 'POST' || verb === 'DELETE') ? this.#limited(this.#rateLimit, () => this.#route(verb, path)) : this.#route(verb, path));
        } catch (error) {
          reject(error);
        }
      }, this.#latency);
    });
  }

  /** Counts an action against the limit: answered by `act` with the figures, or refused with `429`. */
  #limited({ limit, windowMs }: MockRateLimit, act: () => MockResponse): MockResponse {
    const now = this.clock.now();
    if (now >= this.#window.end) this.#window = { end: now + windowMs, count: 0 };
    const count = ++this.#window.count;
    const remaining = Math.max(0, limit - count);
    const reset = Math.max(1, Math.ceil((this.#window.end - now) / 1000));
    const headers = new Headers({
      'RateLimit-Policy': `"actions";q=${limit};w=${Math.max(1, Math.ceil(windowMs / 1000))}`,
      RateLimit: `"actions";r=${remaining};t=${reset}`,
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': String(Math.ceil(this.#window.end / 1000)),
    });
    let response: MockResponse;
    if (count > limit) {
      headers.set('Retry-After', String(reset));
      response = respond(429, { error: `Too many requests: try again in ${reset} s`, retryAfter: reset });
    } else response = act();
    this.#send('rate_limit', { limit, remaining, reset });
    return { ...response, headers };
  }

  // --- REST ---------------------------------------------------------------------------------------

  #route(method: string, path: string): MockResponse {
    let segments: string[];
    try {
      segments = path.split(/[?#]/)[0].split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return respond(404, { error: `Not found: ${method} ${path}` });
    }
    const [collection, id, action] = segments;
    const project = id === undefined ? undefined : this.#projects.get(id);
    const unknown = () => respond(404, { error: `Project "${id}" not found` });

    if (collection === 'projects' && segments.length === 1 && method === 'GET') {
      return respond(200, [...this.#projects.values()].map((p) => this.#details(p)));
    }
    if (collection === 'projects' && segments.length === 2 && method === 'GET') {
      return project ? respond(200, this.#details(project)) : unknown();
    }
    if (collection === 'projects' && action === 'metrics' && segments.length === 3 && method === 'GET') {
      const range = new URLSearchParams(path.split('?')[1] ?? '').get('range');
      const resolution = HISTORY_RESOLUTIONS.find((candidate) => candidate.range === range);
      if (!resolution) return respond(400, { error: `range must be one of ${HISTORY_RESOLUTIONS.map((candidate) => candidate.range).join(', ')}` });
      return project ? respond(200, this.#history(project, resolution)) : unknown();
    }
    if (collection === 'projects' && segments.length === 2 && method === 'DELETE') {
      if (!project) return unknown();
      const details = this.#details(project);
      this.#disarm(project);
      this.#projects.delete(project.projectId);
      // Clients drop a project only when a snapshot no longer lists it.
      this.#send('snapshot', this.snapshot());
      return respond(200, { ok: true, project: details });
    }
    if (collection === 'containers' && segments.length === 3 && method === 'POST') {
      if (action === 'start') return project ? this.#start(project) : unknown();
      if (action === 'stop') return project ? this.#stop(project) : unknown();
    }
    return respond(404, { error: `Not found: ${method} ${path}` });
  }

  /**
   * Metrics history in the server helper's REST shape, made up from the project's own levels: a
   * daily cycle, some noise, and one spike three days ago. The same for the same seed and time.
   */
  #history(project: ProjectState, { range, step, slots }: HistoryResolution): unknown {
    const to = Math.floor(this.clock.now() / step) * step + step;
    const points = [];
    for (let i = slots; i > 0; i--) {
      const time = to - i * step;
      const noise = (n: number) => Math.abs(Math.sin(time / 7919 + n * 12.9898 + project.cpuBase) * 43758.5453) % 1;
      const cycle = 0.6 + 0.4 * Math.sin((2 * Math.PI * (time % DAY)) / DAY - Math.PI / 2);
      const spike = Math.abs(time - (to - 3 * DAY)) < step ? 2.2 : 1;
      const cpu = Math.min(100, project.cpuBase * cycle * spike * (0.85 + 0.3 * noise(1)));
      const memory = project.memoryBase * (0.8 + 0.15 * cycle + 0.05 * noise(2));
      const spread = (n: number) => 1 + 0.4 * noise(n);
      points.push({
        time,
        cpu: { min: round1(cpu / spread(3)), mean: round1(cpu), max: round1(Math.min(100, cpu * spread(4))) },
        memory: { min: round1(memory / spread(5)), mean: round1(memory), max: round1(memory * spread(6)) },
        requests: Math.round((time / 1000) * project.rate) % 1e9,
      });
    }
    return { projectId: project.projectId, range, step, from: to - slots * step, to, points };
  }

  #start(project: ProjectState): MockResponse {
    if (project.status === 'running' || project.status === 'deploying') {
      return respond(409, { error: `Project is already ${project.status}` });
    }
    this.#changeStatus(project, 'deploying');
    this.#beginDeployment(project);
    return respond(200, { ok: true, project: this.#details(project) });
  }

  #stop(project: ProjectState): MockResponse {
    if (project.status !== 'running' && project.status !== 'deploying') {
      return respond(409, { error: `Project is not running (status: ${project.status})` });
    }
    this.#log(project, { step: 'Stopping', level: 'info', message: 'Stopping container…' });
    this.#changeStatus(project, 'stopped');
    this.#log(project, { step: 'Stopping', level: 'success', message: 'Container stopped' });
    return respond(200, { ok: true, project: this.#details(project) });
  }

  // --- Frames -------------------------------------------------------------------------------------

  #send<K extends EventType>(type: K, data: EventPayloads[K] | Record<string, unknown>): MockFrame {
    const frame: MockFrame = { id: String(++this.#lastId), event: type, data: JSON.stringify(data) };
    this.#replay.push(this.#lastId, frame);
    this.#deliver(frame);
    return frame;
  }

  #deliver(frame: MockWireFrame): void {
    for (const listener of [...this.#listeners]) {
      // One faulty listener must neither starve the others nor break a timer chain mid-step.
      try {
        listener(frame);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  #log(project: ProjectState, entry: Omit<PlannedLog, 'progress'> & { progress?: number }): void {
    if (entry.step !== undefined) project.step = entry.step;
    if (entry.progress !== undefined) project.progress = entry.progress;
    if (entry.level === 'error') project.lastError = entry.message;
    const data: EventPayloads['deployment_progress'] = {
      projectId: project.projectId,
      message: entry.message,
      level: entry.level,
      timestamp: this.#iso(),
    };
    if (entry.step !== undefined) data.step = entry.step;
    if (entry.progress !== undefined) data.progress = entry.progress;
    this.#send('deployment_progress', data);
  }

  #changeStatus(project: ProjectState, next: ContainerStatus): void {
    const oldStatus = project.status;
    this.#enter(project, next);
    this.#send('container_status_changed', {
      projectId: project.projectId,
      oldStatus,
      newStatus: next,
      timestamp: this.#iso(),
    });
  }

  // --- State --------------------------------------------------------------------------------------

  #saveProject(project: ProjectState, now: number): MockSavedProject {
    const saved: MockSavedProject = {
      projectId: project.projectId,
      status: project.status,
      idle: project.idle,
      // A fractional count fails while above 0, so rounding up keeps the number of failures.
      failDeploy: project.failuresLeft === Infinity ? true : Math.max(0, Math.ceil(project.failuresLeft)),
      startedAt: project.startedAt,
      lastActivityAt: project.lastActivityAt,
      cpu: project.cpu,
      memory: project.memory,
      requests: project.requests,
      cpuBase: project.cpuBase,
      memoryBase: project.memoryBase,
      rate: project.rate,
      idleLeft: project.idleTimer !== undefined ? Math.max(0, project.idleDeadline - now) : project.idleLeft,
      plan: project.plan.map((line) => ({ ...line })),
      cursor: project.cursor,
    };
    for (const name of ['name', 'url', 'reason', 'inactiveTime', 'lastError', 'step', 'progress'] as const) {
      if (project[name] !== undefined) (saved as unknown as Record<string, unknown>)[name] = project[name];
    }
    const nextLogIn = project.deployTimer !== undefined ? Math.max(0, project.deployDeadline - now) : project.nextLogIn;
    if (nextLogIn !== undefined) saved.nextLogIn = nextLogIn;
    return saved;
  }

  #restore(state: MockBackendState): void {
    this.#lastId = state.lastId;
    // The frames before it were never kept here: a client resuming from one of them gets a snapshot.
    this.#replay.clear(state.lastId);
    this.#metricsIn = state.metricsIn;
    // A clock behind the saved time (another clock, or one set back) takes the saved times back with it.
    const shift = Math.min(0, this.clock.now() - state.time);
    for (const saved of state.projects) {
      const project: ProjectState = {
        projectId: saved.projectId,
        status: saved.status,
        idle: saved.idle,
        failuresLeft: saved.failDeploy === true ? Infinity : saved.failDeploy === false ? 0 : saved.failDeploy,
        startedAt: saved.startedAt + shift,
        lastActivityAt: saved.lastActivityAt + shift,
        cpu: saved.cpu,
        memory: saved.memory,
        requests: saved.requests,
        cpuBase: saved.cpuBase,
        memoryBase: saved.memoryBase,
        rate: saved.rate,
        idleLeft: saved.idleLeft,
        idleDeadline: 0,
        plan: [],
        cursor: 0,
        deployDeadline: 0,
      };
      for (const name of ['name', 'url', 'reason', 'inactiveTime', 'lastError', 'step', 'progress'] as const) {
        if (saved[name] !== undefined) (project as unknown as Record<string, unknown>)[name] = saved[name];
      }
      this.#projects.set(project.projectId, project);
      // Only a deployment has a plan; one saved between its last line and its outcome ends now.
      if (project.status !== 'deploying' || saved.plan.length === 0) continue;
      if (saved.cursor < saved.plan.length) {
        project.plan = saved.plan.map((line) => ({ ...line }));
        project.cursor = saved.cursor;
        if (saved.nextLogIn !== undefined) project.nextLogIn = saved.nextLogIn;
      } else {
        this.#enter(project, saved.plan[saved.plan.length - 1].level === 'error' ? 'error' : 'running');
      }
    }
  }

  #createProject(seed: MockProjectSeed): ProjectState {
    const random = this.#random;
    const now = this.clock.now();
    const idle = seed.idle ?? false;
    const cpuBase = round1(idle ? 1 + random() * 3 : 12 + random() * 40);
    const memoryBase = 128 + Math.floor(random() * 6) * 64;
    const rate = idle ? 0 : round1(2 + random() * 30);
    const requests = seed.requests ?? Math.floor(random() * (idle ? 500 : 50_000));
    const failDeploy = seed.failDeploy ?? false;
    const project: ProjectState = {
      projectId: seed.projectId,
      status: seed.status,
      idle,
      failuresLeft: failDeploy === true ? Infinity : failDeploy === false ? 0 : Math.max(0, failDeploy),
      startedAt: now - (seed.uptime ?? 0),
      lastActivityAt: idle ? now - (seed.idleFor ?? 0) : now,
      cpu: seed.cpu ?? cpuBase,
      memory: seed.memory ?? memoryBase,
      requests,
      cpuBase,
      memoryBase,
      rate,
      idleLeft: Math.max(0, this.#idleTimeout - (seed.idleFor ?? 0)),
      idleDeadline: 0,
      plan: [],
      cursor: 0,
      deployDeadline: 0,
    };
    if (seed.name !== undefined) project.name = seed.name;
    if (seed.url !== undefined) project.url = seed.url;
    if (seed.status === 'inactive') {
      project.reason = seed.reason ?? `No requests received in the last ${describeDuration(this.#idleTimeout)}`;
      project.inactiveTime = seed.inactiveTime ?? formatDuration(this.#idleTimeout);
    }
    if (seed.lastError !== undefined) project.lastError = seed.lastError;
    if (seed.status === 'deploying') project.plan = this.#planDeployment(project);
    return project;
  }

  /** Moves a project to `next` and keeps what depends on its status in step; sends nothing. */
  #enter(project: ProjectState, next: ContainerStatus): void {
    const previous = project.status;
    if (previous === next) return;
    this.#disarm(project);
    if (previous === 'deploying') {
      project.plan = [];
      project.cursor = 0;
      delete project.nextLogIn;
    }
    if (previous === 'inactive') {
      delete project.reason;
      delete project.inactiveTime;
    }
    project.status = next;
    if (next === 'deploying') {
      delete project.step;
      project.progress = 0;
    }
    if (next === 'running') {
      const now = this.clock.now();
      project.startedAt = now;
      project.lastActivityAt = now;
      project.cpu = project.cpuBase;
      project.memory = round1(project.memoryBase * 0.8);
      project.requests = 0;
      project.idleLeft = this.#idleTimeout;
      delete project.lastError;
    }
    this.#arm(project);
  }

  #apply(type: EventType, data: unknown): void {
    const result = validateEvent(type, data, this.clock.now());
    if (result.outcome !== 'valid') return;
    const event = result.event;
    if (event.type === 'snapshot') {
      const listed = new Set(event.data.projects.map((item) => item.projectId));
      for (const project of [...this.#projects.values()]) {
        if (!listed.has(project.projectId)) {
          this.#disarm(project);
          this.#projects.delete(project.projectId);
        }
      }
      for (const item of event.data.projects) {
        const project = this.#projects.get(item.projectId);
        if (!project) {
          const created = this.#adopt(item.projectId, item.status);
          if (item.name !== undefined) created.name = item.name;
          if (item.url !== undefined) created.url = item.url;
          if (item.metrics) this.#applyMetrics(created, item.metrics);
          continue;
        }
        if (item.name !== undefined) project.name = item.name;
        if (item.url !== undefined) project.url = item.url;
        this.#enter(project, item.status);
        if (item.metrics) this.#applyMetrics(project, item.metrics);
      }
      return;
    }
    if (event.type === 'rate_limit') return;

    const project = this.#projects.get(event.data.projectId);
    switch (event.type) {
      case 'container_status_changed':
        if (project) this.#enter(project, event.data.newStatus);
        else this.#adopt(event.data.projectId, event.data.newStatus);
        break;
      case 'metrics_updated':
        if (project) this.#applyMetrics(project, event.data);
        break;
      case 'deployment_progress':
        if (!project) break;
        if (event.data.step !== undefined) project.step = event.data.step;
        if (event.data.progress !== undefined) project.progress = event.data.progress;
        if (event.data.level === 'error') project.lastError = event.data.message;
        break;
      case 'auto_shutdown':
        if (!project) break;
        this.#enter(project, 'inactive');
        project.reason = event.data.reason;
        project.inactiveTime = event.data.inactiveTime;
        break;
    }
  }

  /**
   * Takes on a project first heard of in a scripted frame. It enters its status the way a running
   * one would, but a scripted `deploying` starts no deployment: the script writes those logs.
   */
  #adopt(projectId: string, status: ContainerStatus): ProjectState {
    const project = this.#createProject({ projectId, status: 'stopped' });
    this.#projects.set(projectId, project);
    this.#enter(project, status);
    return project;
  }

  #applyMetrics(project: ProjectState, sample: MetricsSample): void {
    project.cpu = sample.cpu;
    project.memory = sample.memory;
    project.requests = sample.requests;
    const lastActivity = sample.lastActivity === undefined ? NaN : Date.parse(sample.lastActivity);
    if (Number.isFinite(lastActivity)) project.lastActivityAt = lastActivity;
  }

  #snapshotOf(project: ProjectState): ProjectSnapshot {
    const snapshot: ProjectSnapshot = { projectId: project.projectId, status: project.status };
    if (project.name !== undefined) snapshot.name = project.name;
    if (project.url !== undefined) snapshot.url = project.url;
    if (project.status === 'running') {
      snapshot.metrics = {
        cpu: project.cpu,
        memory: project.memory,
        requests: project.requests,
        uptime: formatDuration(this.clock.now() - project.startedAt),
        lastActivity: new Date(project.lastActivityAt).toISOString(),
      };
    }
    // The snapshot's extension fields, so a client that joins late still has the alert's details.
    if (project.status === 'inactive') {
      if (project.reason !== undefined) snapshot.reason = project.reason;
      if (project.inactiveTime !== undefined) snapshot.inactiveTime = project.inactiveTime;
    }
    if (project.status === 'error' && project.lastError !== undefined) snapshot.lastError = project.lastError;
    return snapshot;
  }

  #details(project: ProjectState): MockProject {
    const details: MockProject = this.#snapshotOf(project);
    if (project.status === 'deploying') {
      if (project.step !== undefined) details.step = project.step;
      if (project.progress !== undefined) details.progress = project.progress;
    }
    return details;
  }

  #iso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  // --- Timers -------------------------------------------------------------------------------------

  #resume(): void {
    if (!this.#autoplay || this.#active) return;
    this.#active = true;
    this.#scheduleMetrics(this.#metricsIn ?? Math.min(FIRST_METRICS_DELAY, this.#metricsInterval));
    this.#metricsIn = undefined;
    for (const project of this.#projects.values()) this.#arm(project);
  }

  #pause(): void {
    if (!this.#active) return;
    this.#active = false;
    this.clock.clearTimeout(this.#metricsTimer);
    this.#metricsTimer = undefined;
    for (const project of this.#projects.values()) this.#disarm(project);
  }

  /** Sets the project's own timers for its status, if the simulation is running. */
  #arm(project: ProjectState): void {
    if (!this.#active) return;
    if (project.status === 'deploying' && project.cursor < project.plan.length && project.deployTimer === undefined) {
      this.#scheduleLog(project);
    }
    if (project.status === 'running' && project.idle && project.idleTimer === undefined) {
      // The countdown only elapses while the simulation runs, so a paused demo resumes where it was.
      project.idleDeadline = this.clock.now() + project.idleLeft;
      project.idleTimer = this.clock.setTimeout(() => this.#idleOut(project), project.idleLeft);
    }
  }

  #disarm(project: ProjectState): void {
    if (project.deployTimer !== undefined) {
      this.clock.clearTimeout(project.deployTimer);
      project.deployTimer = undefined;
    }
    if (project.idleTimer !== undefined) {
      this.clock.clearTimeout(project.idleTimer);
      project.idleTimer = undefined;
      project.idleLeft = Math.max(0, project.idleDeadline - this.clock.now());
    }
  }

  #scheduleMetrics(delay: number): void {
    this.#metricsDeadline = this.clock.now() + delay;
    this.#metricsTimer = this.clock.setTimeout(() => this.#metricsRound(), delay);
  }

  #metricsRound(): void {
    this.#scheduleMetrics(this.#metricsInterval);
    const now = this.clock.now();
    for (const project of [...this.#projects.values()]) {
      if (project.status !== 'running') continue;
      this.#walkMetrics(project, now);
      this.#send('metrics_updated', {
        projectId: project.projectId,
        cpu: project.cpu,
        memory: project.memory,
        requests: project.requests,
        uptime: formatDuration(now - project.startedAt),
        lastActivity: new Date(project.lastActivityAt).toISOString(),
      });
    }
  }

  /** Random walks that drift back to the project's own levels, so charts wander without running off. */
  #walkMetrics(project: ProjectState, now: number): void {
    const random = this.#random;
    const cpu = project.cpu + (random() - 0.5) * 8 + (project.cpuBase - project.cpu) * 0.2;
    project.cpu = round1(clamp(cpu, 0.5, 99.5));
    const memory = project.memory + (random() - 0.5) * 12 + (project.memoryBase - project.memory) * 0.1;
    project.memory = round1(Math.max(16, memory));
    if (!project.idle) {
      project.requests += Math.round(project.rate * (this.#metricsInterval / 1000) * (0.5 + random()));
      project.lastActivityAt = now;
    }
  }

  /** Ends an idle project's run: the status change first, then `auto_shutdown` with the reason. */
  #idleOut(project: ProjectState): void {
    project.idleTimer = undefined;
    project.idleLeft = 0;
    const reason = `No requests received in the last ${describeDuration(this.#idleTimeout)}`;
    const inactiveTime = formatDuration(this.#idleTimeout);
    this.#changeStatus(project, 'inactive');
    project.reason = reason;
    project.inactiveTime = inactiveTime;
    this.#send('auto_shutdown', { projectId: project.projectId, reason, inactiveTime });
  }

  #beginDeployment(project: ProjectState): void {
    project.plan = this.#planDeployment(project);
    project.cursor = 0;
    this.#arm(project);
  }

  #scheduleLog(project: ProjectState): void {
    const gap = project.nextLogIn ?? LOG_GAP_MIN + Math.floor(this.#random() * (LOG_GAP_MAX - LOG_GAP_MIN + 1));
    delete project.nextLogIn;
    project.deployDeadline = this.clock.now() + gap;
    project.deployTimer = this.clock.setTimeout(() => this.#nextLog(project), gap);
  }

  #nextLog(project: ProjectState): void {
    project.deployTimer = undefined;
    const plan = project.plan;
    const entry = plan[project.cursor++];
    this.#log(project, entry);
    // A listener may have stopped, removed or redeployed the project while the line was delivered.
    if (project.plan !== plan || this.#projects.get(project.projectId) !== project) return;
    if (project.cursor < plan.length) this.#scheduleLog(project);
    else this.#changeStatus(project, entry.level === 'error' ? 'error' : 'running');
  }

  /** Writes a deployment's log lines up front, so its randomness is drawn in one place. */
  #planDeployment(project: ProjectState): PlannedLog[] {
    const random = this.#random;
    const fails = project.failuresLeft > 0;
    if (fails) project.failuresLeft--;
    const id = project.projectId;
    const sha = Math.floor(random() * 0xfffffff).toString(16).padStart(7, '0');
    const packages = 180 + Math.floor(random() * 900);
    const installSeconds = round1(4 + random() * 20);
    const imageMb = 80 + Math.floor(random() * 320);
    const tests = 40 + Math.floor(random() * 260);
    const skipped = random() < 0.4 ? 1 + Math.floor(random() * 3) : 0;
    const slowHealth = random() < 0.3;
    const [clone, install, build, test, push, start, health] = DEPLOYMENT_STEPS;

    const lines: Omit<PlannedLog, 'progress'>[] = [
      { step: clone, level: 'info', message: `Cloning repository github.com/clouddeploy/${id}` },
      { step: clone, level: 'info', message: `Checked out ${sha} (main)` },
      { step: install, level: 'info', message: 'Installing dependencies' },
      { step: install, level: 'warning', message: 'npm WARN deprecated inflight@1.0.6: This module is not supported' },
      { step: install, level: 'info', message: `Added ${packages} packages in ${installSeconds}s` },
      { step: build, level: 'info', message: `Building image registry.clouddeploy.app/${id}:${sha}` },
      { step: build, level: 'success', message: `Image built (${imageMb} MB)` },
      { step: test, level: 'info', message: 'Running tests' },
      skipped > 0
        ? { step: test, level: 'warning', message: `${tests} tests passed, ${skipped} skipped` }
        : { step: test, level: 'success', message: `${tests} tests passed` },
      { step: push, level: 'info', message: 'Pushing image to registry.clouddeploy.app' },
      { step: start, level: 'info', message: 'Starting container' },
      { step: health, level: 'info', message: 'Waiting for health check on /healthz' },
    ];
    if (fails) {
      lines.push(
        { step: health, level: 'warning', message: 'Health check attempt 1/3 failed: 503 Service Unavailable' },
        { step: health, level: 'error', message: 'Health check failed: GET /healthz returned 503 after 3 attempts' },
      );
    } else {
      if (slowHealth) lines.push({ step: health, level: 'warning', message: 'Health check slow to respond (1.8s)' });
      lines.push(
        { step: health, level: 'success', message: 'Health check passed' },
        { step: health, level: 'success', message: `Deployment complete: ${project.url ?? id} is live` },
      );
    }
    // A failed deployment stops short of 100 %.
    const total = fails ? lines.length + 2 : lines.length;
    return lines.map((line, index) => ({ ...line, progress: Math.round(((index + 1) / total) * 100) }));
  }
}

function respond(status: number, body: unknown): MockResponse {
  return { status, statusText: STATUS_TEXT[status] ?? '', body };
}
