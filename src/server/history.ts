import { HISTORY_RESOLUTIONS, isHistoryRange, type HistoryRange, type HistoryResolution } from '../core/history-ranges.js';
import { outcomeOf, type DeploymentOutcome } from '../core/protocol.js';
import { utf8Length } from './bus.js';

/**
 * What happened before a page opened, kept per project: metrics roll-ups for 24 h, 7 d and 30 d,
 * the last metrics points and the lines of the last deployments. The hub records every message it
 * sends here and answers `hub.history()`, the REST handler and the `backfill` event from it.
 *
 * Time comes from an injected clock (`now`), so the arithmetic at bucket edges and the expiry of
 * old buckets can be tested without waiting a day.
 */

/** How long a project is remembered after its last record: the longest range (30 days). */
export const HISTORY_RETENTION_MS = 30 * 24 * 3_600_000;

/** The resolution of a range; throws a `TypeError` naming the valid ones for anything else. */
export function resolutionOf(range: unknown): HistoryResolution {
  const found = HISTORY_RESOLUTIONS.find((resolution) => resolution.range === range);
  if (!found) throw new TypeError(`range must be one of 24h, 7d, 30d, not ${describeValue(range)}`);
  return found;
}

/** Min, mean and max of one metric over a bucket. */
export interface HistoryStat {
  min: number;
  mean: number;
  max: number;
}

/** One bucket of a range: `time` is its start (epoch ms). */
export interface MetricsHistoryPoint {
  time: number;
  cpu: HistoryStat;
  memory: HistoryStat;
  /** The last `requests` count recorded in the bucket. */
  requests: number;
}

/**
 * What `hub.history()` and the REST handler answer: the buckets of `range` that hold data, oldest
 * first (a gap means no data), from `from` to `to` (epoch ms), each `step` ms wide.
 */
export interface MetricsHistory {
  projectId: string;
  range: HistoryRange;
  step: number;
  from: number;
  to: number;
  points: MetricsHistoryPoint[];
}

/** A metrics sample at a given time (epoch ms), as `seed` takes them and the `backfill` event carries them. */
export interface HistorySample {
  time: number;
  cpu: number;
  memory: number;
  requests: number;
  uptime?: string;
}

/** One message as history records it, taken from what `send` publishes (see `historyEntryOf`). */
export type HistoryEntry =
  | { kind: 'metrics'; projectId: string; time: number; cpu: number; memory: number; requests: number; uptime: string }
  | { kind: 'status'; projectId: string; time: number; status: string; at: string }
  | {
      kind: 'line';
      projectId: string;
      time: number;
      /** The line's JSON without its id: `{"message":…,"level":…,"timestamp":…,"step"?,"progress"?}`. */
      line: string;
      /** Its `timestamp`: when the line opens a deployment, the deployment's start. */
      at: string;
    };

/** A metrics point kept for the `backfill` event; `id` is the message's (none for a seeded one). */
export interface KeptPoint extends HistorySample {
  id?: string;
  uptime: string;
}

/** A kept log line: the message's id and the line's JSON, id included. */
export interface KeptLine {
  id: string;
  json: string;
}

/** A kept deployment. `endId` is the id of the status change that ended it. */
export interface KeptDeployment {
  id: string;
  startedAt: string;
  endedAt?: string;
  outcome?: DeploymentOutcome;
  endId?: string;
  dropped: number;
  lines: KeptLine[];
}

/** Everything kept about one project for its `backfill` event, before the hub cuts it at the snapshot's id. */
export interface KeptHistory {
  projectId: string;
  points: KeptPoint[];
  deployments: KeptDeployment[];
}

export type { DeploymentOutcome, HistoryRange, HistoryResolution };
export { HISTORY_RESOLUTIONS, isHistoryRange, outcomeOf };

/** Bounds and clock of a history store (the hub's `history` option). */
export interface SseHistoryOptions {
  /** Deployments kept per project, the current one included (default 5). */
  deployments?: number;
  /** Lines kept per deployment; past it the oldest go, counted as `dropped` (default 1000). */
  lines?: number;
  /** Bytes of lines (their JSON) kept per deployment; past it the oldest go (default 256 KiB). */
  lineBytes?: number;
  /** Metrics points kept per project for the `backfill` event (default 120). */
  points?: number;
  /**
   * At most this many projects get a `backfill` event on one connection (default 100): a viewer who
   * may see more gets those most recently recorded.
   */
  backfillProjects?: number;
  /** The clock, epoch ms (default `Date.now`). Tests drive it. */
  now?: () => number;
}

/** The options with their defaults applied. */
export interface HistoryBounds {
  readonly deployments: number;
  readonly lines: number;
  readonly lineBytes: number;
  readonly points: number;
  readonly backfillProjects: number;
}

/** The bounds of `options`, defaults filled in and each at least 1. */
export function historyBounds(options: SseHistoryOptions = {}): HistoryBounds {
  const count = (value: number | undefined, fallback: number) => Math.max(1, Math.floor(value ?? fallback));
  return {
    deployments: count(options.deployments, 5),
    lines: count(options.lines, 1000),
    lineBytes: count(options.lineBytes, 256 * 1024),
    points: count(options.points, 120),
    backfillProjects: count(options.backfillProjects, 100),
  };
}

/**
 * Where the hub keeps history. `memoryHistory()` keeps it in this process; the Redis bus offers one
 * in Redis (`bus.history`), so that every instance answers the same. A store of your own
 * implements this.
 */
export interface SseHistory {
  /** `memory` or `redis`. */
  readonly kind: string;
  readonly bounds: HistoryBounds;
  /** The store's clock (epoch ms). */
  now(): number;
  /** Records one message the bus took, under its id. */
  record(entry: HistoryEntry, id: string): Promise<void>;
  /**
   * Adds metrics samples at the times they carry (oldest first), as if recorded then: into the
   * roll-ups and the last points. For history that predates this process (or a demo).
   */
  seed(projectId: string, samples: readonly HistorySample[]): Promise<void>;
  /** The buckets of `range` as of `now` that hold data; `null` for a project with nothing recorded within 30 days. */
  query(projectId: string, range: HistoryRange, now: number): Promise<MetricsHistory | null>;
  /** What is kept of each project (those with nothing kept are left out). */
  kept(projectIds: readonly string[]): Promise<KeptHistory[]>;
  /** Up to `limit` projects with something recorded within 30 days, the most recently recorded first. */
  projects(limit: number): Promise<string[]>;
  /** Forgets a project (a deleted one): its roll-ups, points and deployments. */
  forget(projectId: string): Promise<void>;
}

/**
 * A history store kept beside a bus's messages (`SseBus.history`): it publishes and records in one
 * step, so whoever sees a message's id — on any instance — finds it recorded.
 */
export interface SseBusHistory extends SseHistory {
  /** Publishes on its bus and records `entry` under the new id; resolves with the id. */
  publishRecorded(event: string, data: string, projectId: string | undefined, entry: HistoryEntry): Promise<string>;
}

// --- From a message to an entry ---------------------------------------------------------------------

/**
 * The history entry of a message `send` publishes, or `undefined` for one history does not keep:
 * `metrics_updated` (roll-ups, last points), `container_status_changed` and `deployment_progress`
 * (deployments). `time` is the store's clock; a message without a `timestamp` gets that time's.
 * Expects data the protocol accepts (the hub checked it).
 */
export function historyEntryOf(event: string, data: unknown, time: number): HistoryEntry | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const fields = data as Record<string, unknown>;
  const projectId = fields.projectId;
  if (typeof projectId !== 'string') return undefined;
  const at = () => (typeof fields.timestamp === 'string' ? fields.timestamp : new Date(time).toISOString());
  switch (event) {
    case 'metrics_updated':
      return {
        kind: 'metrics',
        projectId,
        time,
        cpu: Number(fields.cpu),
        memory: Number(fields.memory),
        requests: Number(fields.requests),
        uptime: typeof fields.uptime === 'string' ? fields.uptime : '',
      };
    case 'container_status_changed':
      return { kind: 'status', projectId, time, status: String(fields.newStatus), at: at() };
    case 'deployment_progress': {
      const timestamp = at();
      const line: Record<string, unknown> = { message: fields.message, level: fields.level, timestamp };
      if (typeof fields.step === 'string') line.step = fields.step;
      if (typeof fields.progress === 'number') line.progress = Math.min(100, Math.max(0, fields.progress));
      return { kind: 'line', projectId, time, line: JSON.stringify(line), at: timestamp };
    }
    default:
      return undefined;
  }
}

/** A line's JSON with its id first: what a store keeps and the `backfill` event carries. */
export function lineWithId(id: string, line: string): string {
  return `{"id":${JSON.stringify(id)},${line.slice(1)}`;
}

/** Checks seed samples: finite numbers, cpu and memory and requests not negative. */
export function checkSamples(samples: readonly HistorySample[]): void {
  if (!Array.isArray(samples)) throw new TypeError('seed(): samples must be an array');
  samples.forEach((sample, index) => {
    const bad = (['time', 'cpu', 'memory', 'requests'] as const).find((key) => typeof sample?.[key] !== 'number' || !Number.isFinite(sample[key]) || sample[key] < 0);
    if (bad) throw new TypeError(`seed(): samples[${index}].${bad} must be a finite number, not negative`);
    if (sample.uptime !== undefined && typeof sample.uptime !== 'string') throw new TypeError(`seed(): samples[${index}].uptime must be a string`);
  });
}

// --- The cut at a snapshot's id ---------------------------------------------------------------------

/**
 * What the client may be given as history: only what came with ids up to `asOf` (the snapshot's),
 * since what came later follows in the catch-up. A deployment ended after `asOf` is shown open; a
 * seeded point (no id) always stands. `asOf` `undefined`: everything.
 */
export function cutAt(kept: KeptHistory, asOf: string | undefined, compare: (a: string, b: string) => number): KeptHistory {
  if (asOf === undefined) return kept;
  const upTo = (id: string | undefined) => id === undefined || compare(id, asOf) <= 0;
  const deployments: KeptDeployment[] = [];
  for (const deployment of kept.deployments) {
    if (!upTo(deployment.id)) continue;
    const lines = deployment.lines.filter((line) => upTo(line.id));
    if (deployment.endId !== undefined && !upTo(deployment.endId)) {
      deployments.push({ id: deployment.id, startedAt: deployment.startedAt, dropped: deployment.dropped, lines });
    } else {
      deployments.push({ ...deployment, lines });
    }
  }
  return { projectId: kept.projectId, points: kept.points.filter((point) => upTo(point.id)), deployments };
}

/** The `data` of a `backfill` event: the wire shape of the contract, lines as kept (no re-serialising). */
export function backfillData(kept: KeptHistory): string {
  const metrics = kept.points.map(({ time, cpu, memory, requests, uptime }) => ({ time, cpu, memory, requests, uptime }));
  const deployments = kept.deployments.map((deployment) => {
    const head: Record<string, unknown> = { id: deployment.id, startedAt: deployment.startedAt };
    if (deployment.endedAt !== undefined) head.endedAt = deployment.endedAt;
    if (deployment.outcome !== undefined) head.outcome = deployment.outcome;
    head.dropped = deployment.dropped;
    const json = JSON.stringify(head);
    return `${json.slice(0, -1)},"lines":[${deployment.lines.map((line) => line.json).join(',')}]}`;
  });
  return `{"projectId":${JSON.stringify(kept.projectId)},"metrics":${JSON.stringify(metrics)},"deployments":[${deployments.join(',')}]}`;
}

// --- Roll-up arithmetic -----------------------------------------------------------------------------

/** Slots of the three resolutions together: 1440 + 1008 + 720. */
export const ROLLUP_SLOTS = HISTORY_RESOLUTIONS.reduce((sum, resolution) => sum + resolution.slots, 0);

/**
 * Bytes one slot takes: its bucket number (int32), sample count (uint32), min/mean/max of cpu and
 * of memory (six float32) and the last requests (float64). The Redis store packs the same 40 bytes
 * (`struct.pack('<iIffffffd')`), so both round alike.
 */
export const ROLLUP_SLOT_BYTES = 40;

/** Bytes of one project's roll-ups: 3168 slots of 40 bytes. */
export const ROLLUP_BYTES = ROLLUP_SLOTS * ROLLUP_SLOT_BYTES;

/** Where each resolution's slots start in a project's roll-ups. */
const BASES = HISTORY_RESOLUTIONS.map((_, index) => HISTORY_RESOLUTIONS.slice(0, index).reduce((sum, resolution) => sum + resolution.slots, 0));

/**
 * A value kept as a 32-bit float, as a caller would like to read it: 7 significant digits, so a cpu
 * of 33.3 reads 33.3 and not 33.29999923706055.
 */
export function fromFloat32(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  // Arithmetic, not `toPrecision`: a 30 d answer rounds 4,320 of these.
  const digits = 6 - Math.floor(Math.log10(Math.abs(value)));
  if (digits >= 0) {
    const scale = 10 ** digits;
    return Math.round(value * scale) / scale;
  }
  const step = 10 ** -digits;
  return Math.round(value / step) * step;
}

/**
 * One project's roll-ups in memory of a fixed size: each resolution a ring of slots keyed by bucket
 * number (`floor(time / step) % slots`), so a new bucket overwrites the one a whole range older
 * and nothing ever grows. One `ArrayBuffer` per project, columns as typed arrays over it.
 */
export class Rollups {
  readonly #bucket: Int32Array;
  readonly #count: Uint32Array;
  /** Six per slot: cpu min, mean, max; memory min, mean, max. */
  readonly #stats: Float32Array;
  readonly #requests: Float64Array;

  constructor() {
    const buffer = new ArrayBuffer(ROLLUP_BYTES);
    this.#bucket = new Int32Array(buffer, 0, ROLLUP_SLOTS);
    this.#count = new Uint32Array(buffer, ROLLUP_SLOTS * 4, ROLLUP_SLOTS);
    this.#stats = new Float32Array(buffer, ROLLUP_SLOTS * 8, ROLLUP_SLOTS * 6);
    this.#requests = new Float64Array(buffer, ROLLUP_SLOTS * 32, ROLLUP_SLOTS);
  }

  /** Adds a sample at `time` to the bucket of each resolution; a sample older than what its slot holds now is ignored there. */
  add(time: number, cpu: number, memory: number, requests: number): void {
    for (let r = 0; r < HISTORY_RESOLUTIONS.length; r++) {
      const { step, slots } = HISTORY_RESOLUTIONS[r]!;
      const n = Math.floor(time / step);
      const i = BASES[r]! + (n % slots);
      const count = this.#count[i]!;
      const held = this.#bucket[i]!;
      // The slot holds a newer bucket: this sample belongs to one that has already fallen out.
      if (count > 0 && n < held) continue;
      const s = i * 6;
      const stats = this.#stats;
      if (count === 0 || n > held) {
        this.#bucket[i] = n;
        this.#count[i] = 1;
        stats[s] = stats[s + 1] = stats[s + 2] = cpu;
        stats[s + 3] = stats[s + 4] = stats[s + 5] = memory;
      } else {
        // A running mean keeps the stored value in the metric's own range, where a float32 is precise.
        const next = count === 0xffffffff ? count : count + 1;
        this.#count[i] = next;
        if (cpu < stats[s]!) stats[s] = cpu;
        stats[s + 1] = stats[s + 1]! + (cpu - stats[s + 1]!) / next;
        if (cpu > stats[s + 2]!) stats[s + 2] = cpu;
        if (memory < stats[s + 3]!) stats[s + 3] = memory;
        stats[s + 4] = stats[s + 4]! + (memory - stats[s + 4]!) / next;
        if (memory > stats[s + 5]!) stats[s + 5] = memory;
      }
      this.#requests[i] = requests;
    }
  }

  /** The buckets of a resolution within its range as of `now` that hold data, oldest first. */
  points(resolution: HistoryResolution, now: number): MetricsHistoryPoint[] {
    const r = HISTORY_RESOLUTIONS.indexOf(resolution);
    const { step, slots } = resolution;
    const last = Math.floor(now / step);
    const points: MetricsHistoryPoint[] = [];
    for (let n = last - slots + 1; n <= last; n++) {
      if (n < 0) continue;
      const i = BASES[r]! + (n % slots);
      if (this.#count[i] === 0 || this.#bucket[i] !== n) continue;
      const s = i * 6;
      const stats = this.#stats;
      points.push({
        time: n * step,
        cpu: { min: fromFloat32(stats[s]!), mean: fromFloat32(stats[s + 1]!), max: fromFloat32(stats[s + 2]!) },
        memory: { min: fromFloat32(stats[s + 3]!), mean: fromFloat32(stats[s + 4]!), max: fromFloat32(stats[s + 5]!) },
        requests: this.#requests[i]!,
      });
    }
    return points;
  }
}

/** The first bucket start and the answer's shape of a range as of `now`. */
export function rangeFrame(projectId: string, resolution: HistoryResolution, now: number): Omit<MetricsHistory, 'points'> {
  const last = Math.floor(now / resolution.step);
  return { projectId, range: resolution.range, step: resolution.step, from: Math.max(0, last - resolution.slots + 1) * resolution.step, to: now };
}

// --- The in-process store ---------------------------------------------------------------------------

interface MemoryDeployment extends KeptDeployment {
  bytes: number;
  /** Byte size of each kept line, in the order of `lines`. */
  sizes: number[];
}

interface MemoryProject {
  rollups: Rollups | undefined;
  /** The last points, a ring: `next` is where the next one goes. */
  points: (KeptPoint | undefined)[];
  next: number;
  deployments: MemoryDeployment[];
  /** Clock time of the latest record. */
  active: number;
}

/**
 * History in this process: per project 126,720 bytes of roll-ups (allocated at its first metrics),
 * its last points and its last deployments' lines, within the bounds. A project nothing was recorded
 * for in 30 days (by the clock) is forgotten.
 */
export class MemoryHistory implements SseHistory {
  readonly kind = 'memory';
  readonly bounds: HistoryBounds;
  readonly #now: () => number;
  readonly #projects = new Map<string, MemoryProject>();
  #sweptAt = Number.NEGATIVE_INFINITY;

  constructor(options: SseHistoryOptions = {}) {
    this.bounds = historyBounds(options);
    this.#now = options.now ?? Date.now;
  }

  now(): number {
    return this.#now();
  }

  /** Bytes of the roll-ups held (fixed per project) and of the kept lines' JSON, for monitoring. */
  get size(): { projects: number; rollupBytes: number; lineBytes: number; lines: number } {
    let rollupBytes = 0;
    let lineBytes = 0;
    let lines = 0;
    for (const project of this.#projects.values()) {
      if (project.rollups) rollupBytes += ROLLUP_BYTES;
      for (const deployment of project.deployments) {
        lineBytes += deployment.bytes;
        lines += deployment.lines.length;
      }
    }
    return { projects: this.#projects.size, rollupBytes, lineBytes, lines };
  }

  async record(entry: HistoryEntry, id: string): Promise<void> {
    this.recordNow(entry, id);
  }

  /** `record`, done before it returns. */
  recordNow(entry: HistoryEntry, id: string): void {
    const project = this.#project(entry.projectId, entry.time);
    switch (entry.kind) {
      case 'metrics':
        (project.rollups ??= new Rollups()).add(entry.time, entry.cpu, entry.memory, entry.requests);
        this.#point(project, { id, time: entry.time, cpu: entry.cpu, memory: entry.memory, requests: entry.requests, uptime: entry.uptime });
        break;
      case 'status':
        this.#status(project, id, entry.status, entry.at);
        break;
      case 'line':
        this.#line(project, id, entry.line, entry.at);
        break;
    }
  }

  async seed(projectId: string, samples: readonly HistorySample[]): Promise<void> {
    checkSamples(samples);
    if (samples.length === 0) return;
    const project = this.#project(projectId, samples.reduce((latest, sample) => Math.max(latest, sample.time), Number.NEGATIVE_INFINITY));
    const rollups = (project.rollups ??= new Rollups());
    for (const sample of samples) rollups.add(sample.time, sample.cpu, sample.memory, sample.requests);
    for (const sample of samples.slice(-this.bounds.points)) {
      this.#point(project, { time: sample.time, cpu: sample.cpu, memory: sample.memory, requests: sample.requests, uptime: sample.uptime ?? '' });
    }
  }

  async query(projectId: string, range: HistoryRange, now: number): Promise<MetricsHistory | null> {
    const resolution = resolutionOf(range);
    const project = this.#projects.get(projectId);
    if (!project || project.active < now - HISTORY_RETENTION_MS) return null;
    return { ...rangeFrame(projectId, resolution, now), points: project.rollups?.points(resolution, now) ?? [] };
  }

  async kept(projectIds: readonly string[]): Promise<KeptHistory[]> {
    const now = this.#now();
    const kept: KeptHistory[] = [];
    for (const projectId of projectIds) {
      const project = this.#projects.get(projectId);
      if (!project || project.active < now - HISTORY_RETENTION_MS) continue;
      const size = project.points.length;
      const points: KeptPoint[] = [];
      for (let k = 0; k < size; k++) {
        const point = project.points[(project.next + k) % size];
        if (point) points.push(point);
      }
      const deployments = project.deployments.map(({ bytes: _bytes, sizes: _sizes, ...deployment }) => ({ ...deployment, lines: deployment.lines.slice() }));
      if (points.length > 0 || deployments.length > 0) kept.push({ projectId, points, deployments });
    }
    return kept;
  }

  async projects(limit: number): Promise<string[]> {
    const since = this.#now() - HISTORY_RETENTION_MS;
    return [...this.#projects]
      .filter(([, project]) => project.active >= since)
      .sort((a, b) => b[1].active - a[1].active)
      .slice(0, Math.max(0, limit))
      .map(([id]) => id);
  }

  async forget(projectId: string): Promise<void> {
    this.#projects.delete(projectId);
  }

  #project(projectId: string, time: number): MemoryProject {
    this.#sweep();
    let project = this.#projects.get(projectId);
    if (!project) {
      project = { rollups: undefined, points: [], next: 0, deployments: [], active: time };
      this.#projects.set(projectId, project);
    }
    if (time > project.active) project.active = time;
    return project;
  }

  /** At most once an hour (by the clock): forgets the projects nothing was recorded for in 30 days. */
  #sweep(): void {
    const now = this.#now();
    if (now - this.#sweptAt < 3_600_000) return;
    this.#sweptAt = now;
    for (const [id, project] of this.#projects) if (project.active < now - HISTORY_RETENTION_MS) this.#projects.delete(id);
  }

  #point(project: MemoryProject, point: KeptPoint): void {
    const limit = this.bounds.points;
    if (project.points.length < limit) {
      project.points.push(point);
      project.next = project.points.length % limit;
      return;
    }
    project.points[project.next] = point;
    project.next = (project.next + 1) % limit;
  }

  #status(project: MemoryProject, id: string, status: string, at: string): void {
    const last = project.deployments.at(-1);
    const open = last !== undefined && last.outcome === undefined ? last : undefined;
    if (status === 'deploying') {
      // A new deployment while one is open: that one was cut short.
      if (open) Object.assign(open, { endedAt: at, outcome: 'stopped', endId: id });
      project.deployments.push({ id, startedAt: at, dropped: 0, lines: [], bytes: 0, sizes: [] });
      if (project.deployments.length > this.bounds.deployments) project.deployments.shift();
    } else if (open) {
      Object.assign(open, { endedAt: at, outcome: outcomeOf(status), endId: id });
    }
  }

  #line(project: MemoryProject, id: string, line: string, at: string): void {
    let deployment = project.deployments.at(-1);
    // A line after the last deployment ended (a crash) stays with it; with none yet, it opens one.
    if (!deployment) {
      deployment = { id, startedAt: at, dropped: 0, lines: [], bytes: 0, sizes: [] };
      project.deployments.push(deployment);
    }
    const json = lineWithId(id, line);
    const size = utf8Length(json);
    deployment.lines.push({ id, json });
    deployment.sizes.push(size);
    deployment.bytes += size;
    // The newest lines matter most (a failed deployment ends with its error): the oldest go.
    let drop = 0;
    let bytes = deployment.bytes;
    while (drop < deployment.lines.length && (deployment.lines.length - drop > this.bounds.lines || bytes > this.bounds.lineBytes)) {
      bytes -= deployment.sizes[drop]!;
      drop += 1;
    }
    if (drop > 0) {
      deployment.lines.splice(0, drop);
      deployment.sizes.splice(0, drop);
      deployment.bytes = bytes;
      deployment.dropped += drop;
    }
  }
}

/** History in this process (the hub's default with the in-process bus). */
export function memoryHistory(options: SseHistoryOptions = {}): MemoryHistory {
  return new MemoryHistory(options);
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  return String(value).slice(0, 40);
}
