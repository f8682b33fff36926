import { MetricsHistory } from './metrics-history.js';
import { outcomeOf, resetAt, type Backfill, type BackfillDeployment, type ContainerStatus, type DeploymentOutcome, type LogLevel, type ProtocolEvent, type Snapshot } from './protocol.js';
import { LogRing, MergedLogRing, type LogLines } from './log-ring.js';

/** One log line as held by the store. `time` is epoch ms; `seq` orders entries across projects. */
export interface LogEntry {
  seq: number;
  projectId: string;
  time: number;
  /** Absent for entries given by a host with no known level; they stay visible under every filter. */
  level?: LogLevel;
  message: string;
  step?: string;
  progress?: number;
  /** The id of the message that carried it, when it had one. */
  id?: string;
  /** Set on a line the backend kept from before this connection (a `backfill`). */
  history?: true;
}

/** A deployment: from a status change to `deploying` until the status changes again. */
export interface DeploymentInfo {
  /** The id of the message that opened it, when known. */
  id?: string;
  /** Epoch ms. */
  startedAt: number;
  endedAt?: number;
  /** Absent while it runs. */
  outcome?: DeploymentOutcome;
  /** Lines of it the backend did not keep. */
  dropped: number;
}

/**
 * An earlier deployment of a project, with the lines that were held when the next one started (its
 * newest `PAST_LINES`; `dropped` counts the others too).
 */
export interface PastDeployment extends DeploymentInfo {
  readonly entries: readonly LogEntry[];
}

/** Earlier deployments kept per project, besides the current one. */
export const PAST_DEPLOYMENTS = 5;
/** Lines kept of each earlier deployment: its newest. */
export const PAST_LINES = 5000;

export interface ProjectState {
  readonly projectId: string;
  name?: string;
  url?: string;
  /** Undefined until a status is known. */
  status?: ContainerStatus;
  statusChangedAt?: number;
  readonly metrics: MetricsHistory;
  /** The lines of the current (or last) deployment. */
  readonly logs: LogRing;
  /** The current (or last) deployment, once one was seen or backfilled. */
  currentDeployment?: DeploymentInfo;
  /** Earlier deployments, oldest first (at most `PAST_DEPLOYMENTS`). */
  pastDeployments: PastDeployment[];
  /** The latest deployment step and progress. */
  deployment?: { step?: string; progress?: number; message: string; time: number };
  /** The last `error` entry. */
  lastError?: { message: string; time: number };
  /** Set by `auto_shutdown`. */
  autoShutdown?: { reason: string; inactiveTime: string | number; time: number };
  /** Incremented on every change, so a view can tell cheaply whether it is current. */
  version: number;
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** What the last failed attempt said. */
export interface ConnectionError {
  status?: number;
  message: string;
  willRetry: boolean;
  /** Seconds the server asked to wait (`Retry-After`); the next attempt waits at least this long. */
  retryAfter?: number;
}

/** The last rate-limit figures the backend gave: from an action's answer, the stream's answer, or a `rate_limit` event. */
export interface RateLimitInfo {
  /** Requests allowed per window. */
  limit: number;
  /** Requests left in the current window. */
  remaining: number;
  /** When the window resets, epoch ms, when the backend said. */
  reset?: number;
  /** The policy's name (`RateLimit-Policy`), when the backend gave one. */
  policy?: string;
  /** The project the figures are about (`rate_limit` events may name one). */
  projectId?: string;
  /** Where they came from. */
  source: 'action' | 'stream' | 'event';
}

export interface ConnectionStats {
  /** Every message that reached the provider. */
  received: number;
  applied: number;
  rejected: number;
  ignored: number;
  duplicates: number;
  /** Connections opened after the first. */
  reconnects: number;
  /** Log entries evicted by `log-limit`, all projects. */
  dropped: number;
  /** Projects evicted by `max-projects`. */
  evicted: number;
  /** Reopens after `stale-timeout`. */
  stale: number;
  transport: 'eventsource' | 'fetch';
}

/** The connection as the indicator shows it. */
export interface ConnectionInfo {
  state: ConnectionState;
  url: string;
  /** Why the connection is closed: waiting to retry, closed on request, or refused authorization. */
  closedReason: 'retrying' | 'disconnected' | 'unauthorized';
  lastError?: ConnectionError;
  /**
   * When the stream stopped being open, while it is not: what elements show as "last update".
   * Undefined while open, and before the stream first opened.
   */
  downSince?: number;
  /** The last rate-limit figures the backend gave, if any. */
  rateLimit?: RateLimitInfo;
  stats: ConnectionStats;
}

/** The numeric counters of `stats`. */
export type MessageCounter = Exclude<keyof ConnectionStats, 'transport'>;

/** The connection record as readers see it: changed only through the store's methods. */
export type ReadonlyConnectionInfo = Readonly<Omit<ConnectionInfo, 'stats'>> & { readonly stats: Readonly<ConnectionStats> };

export interface StoreOptions {
  /** Points kept per project. Default 300. */
  metricsHistory?: number;
  /** Log entries kept per project (and across all projects). Default 5000. */
  logLimit?: number;
  /** Projects kept; beyond it the least recently updated one that nobody watches is evicted. Default 5000. */
  maxProjects?: number;
  /** Runs the notification pass; defaults to the next animation frame. */
  schedule?: (flush: () => void) => void;
}

type Listener = () => void;

const defaultSchedule = (flush: () => void): void => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => flush());
  else setTimeout(flush, 16);
};

/**
 * Main-thread time a notification pass may cost, with the renders, style, layout and paint it
 * causes, before later passes tell fewer projects: well under the 50 ms of a long task. Not while
 * overloaded: such a page's frame costs tens of ms however few changed (a thousand badges to lay out
 * and paint), so cutting a pass would only pay that cost again in each frame that tells the rest.
 */
const FRAME_BUDGET_MS = 20;
/** The fewest watched projects a pass tells, however slow the page. */
const MIN_PER_PASS = 16;
/** Events applied between two passes from which the stream counts as a burst. */
const BURST = 256;
/**
 * A page whose passes (of more than `MIN_PER_PASS` projects) cost more than this two in a row (two
 * frames' time, the frame they render included) cannot keep up with its stream: it is overloaded
 * until no pass has cost that for `CALM_MS`.
 */
const COSTLY_MS = 33;
const CALM_MS = 2000;
/**
 * In a burst or overloaded, a pass that cost `c` ms is followed by `REST × c` ms without one
 * (capped): renders get an eighth of the main thread. An overloaded page renders at least twice a
 * second; a burst, whose passes are cheap, four times.
 */
const REST = 7;
const MAX_REST_MS = 250;
const MAX_OVERLOADED_REST_MS = 500;

export function createStats(transport: ConnectionStats['transport'] = 'eventsource'): ConnectionStats {
  return { received: 0, applied: 0, rejected: 0, ignored: 0, duplicates: 0, reconnects: 0, dropped: 0, evicted: 0, stale: 0, transport };
}

/**
 * The state of every project, shared by all the elements under one provider.
 *
 * Events are applied at once; listeners are told at most once per animation frame, however many
 * events arrived in it, so a burst of 10,000 events costs each element one render. A hidden tab runs
 * no animation frames: it renders nothing and catches up when it is shown again.
 */
export class LiveStore {
  /** Points kept per project; applies to projects seen from now on. */
  metricsHistory: number;
  #logLimit: number;
  /** Projects kept before the least recently updated unwatched one is evicted. */
  maxProjects: number;
  readonly #connection: ConnectionInfo;

  #projects = new Map<string, ProjectState>();
  #allLogs: MergedLogRing;
  #seq = 0;
  /** Counts the stream's changes to projects, so a snapshot can tell what is newer than its request. */
  #news = 0;
  /** Per project: the `#news` count of its last status change and of the last event that named it. */
  #statusNews = new Map<string, number>();
  #seenNews = new Map<string, number>();
  #schedule: (flush: () => void) => void;

  #listeners = new Map<string, Set<Listener>>();
  #anyListeners = new Set<Listener>();
  #connectionListeners = new Set<Listener>();
  #dirty = new Set<string>();
  #connectionDirty = false;
  #stateListeners = new Set<Listener>();
  #stateDirty = false;
  #scheduled = false;
  /** Watched projects a scheduled pass tells at most: unlimited until a pass went over budget. */
  #perPass = Infinity;
  /** `#news` at the last pass, to tell a burst. */
  #passNews = 0;
  /** No pass before this time (`performance.now()`): set by a pass in a burst or while overloaded. */
  #restUntil = 0;
  /** What the last pass cost, in ms, and the one before; 0 after one that told nobody. */
  #cost = 0;
  #costBefore = 0;
  #overloaded = false;
  /** While overloaded: the timer that ends it, `CALM_MS` after the last costly pass. */
  #calmTimer: ReturnType<typeof setTimeout> | undefined;
  /** Whether bursts rest between passes (with the default schedule, animation frames). */
  readonly #rests: boolean;

  constructor(options: StoreOptions = {}) {
    this.metricsHistory = positive(options.metricsHistory, 300);
    this.#logLimit = positive(options.logLimit, 5000);
    this.maxProjects = positive(options.maxProjects, 5000);
    this.#schedule = options.schedule ?? defaultSchedule;
    // A schedule of the caller's own (a test's clock) decides every pass: no rest in real time.
    this.#rests = !options.schedule;
    this.#allLogs = new MergedLogRing(this.#logLimit);
    this.#connection = { state: 'closed', url: '', closedReason: 'disconnected', stats: createStats() };
  }

  /**
   * The one record of the connection: its state, why it is closed, the last error and the message
   * counters. Read-only: it changes through `setConnection()` and `count()`.
   */
  get connection(): ReadonlyConnectionInfo {
    return this.#connection;
  }

  // ---- reading -------------------------------------------------------------------------------

  get size(): number {
    return this.#projects.size;
  }

  projectIds(): string[] {
    return [...this.#projects.keys()];
  }

  getProject(projectId: string): ProjectState | undefined {
    return this.#projects.get(projectId);
  }

  /** Log entries of one project, or of every project (newest `logLimit` across all) when `projectId` is undefined. */
  logs(projectId?: string): LogLines {
    if (projectId === undefined) return this.#allLogs;
    return this.#projects.get(projectId)?.logs ?? EMPTY_LOGS;
  }

  get logLimit(): number {
    return this.#logLimit;
  }

  set logLimit(limit: number) {
    this.#logLimit = positive(limit, 5000);
    let dropped = 0;
    for (const project of this.#projects.values()) dropped += project.logs.resize(this.#logLimit);
    this.#allLogs.resize(this.#logLimit);
    this.#connection.stats.dropped += dropped;
    this.markConnection();
    this.#markAll();
  }

  // ---- writing -------------------------------------------------------------------------------

  /** Applies one validated protocol event. `receivedAt` is epoch ms; `id` is the message's own id, if any. */
  apply(event: ProtocolEvent, receivedAt = Date.now(), id?: string): void {
    if (event.type === 'rate_limit') {
      this.setConnection({ rateLimit: { ...event.data, reset: resetAt(event.data.reset, receivedAt), source: 'event' } });
      return;
    }
    const news = ++this.#news;
    if (event.type === 'snapshot') {
      // The stream's own snapshot is news about every project it lists.
      for (const item of event.data.projects) {
        this.#seenNews.set(item.projectId, news);
        this.#statusNews.set(item.projectId, news);
      }
    } else {
      this.#seenNews.set(event.data.projectId, news);
      if (event.type === 'container_status_changed' || event.type === 'auto_shutdown') this.#statusNews.set(event.data.projectId, news);
    }
    switch (event.type) {
      case 'container_status_changed': {
        const project = this.#touch(event.data.projectId);
        this.#setStatus(project, event.data.newStatus, timeOf(event.data.timestamp, receivedAt), false, id);
        break;
      }
      case 'metrics_updated': {
        const project = this.#touch(event.data.projectId);
        project.metrics.push(receivedAt, event.data);
        break;
      }
      case 'deployment_progress': {
        const { data } = event;
        const project = this.#touch(data.projectId);
        const time = timeOf(data.timestamp, receivedAt);
        this.#appendLog(project, this.#entry(data.projectId, data, time, id));
        if (data.step !== undefined || data.progress !== undefined) {
          project.deployment = {
            step: data.step ?? project.deployment?.step,
            progress: data.progress ?? project.deployment?.progress,
            message: data.message,
            time,
          };
        }
        if (data.level === 'error') project.lastError = { message: data.message, time };
        break;
      }
      case 'auto_shutdown': {
        const { data } = event;
        const project = this.#touch(data.projectId);
        project.autoShutdown = { reason: data.reason, inactiveTime: data.inactiveTime, time: receivedAt };
        this.#setStatus(project, 'inactive', receivedAt);
        break;
      }
      case 'snapshot':
        this.applySnapshot(event.data, receivedAt);
        return;
      case 'backfill':
        this.#applyBackfill(event.data, receivedAt);
        break;
    }
    this.#mark(event.data.projectId);
  }

  /**
   * A mark of what the store has applied so far. A snapshot requested now and applied later with
   * `applySnapshot(snapshot, time, mark)` leaves alone what the stream changed in between.
   */
  mark(): number {
    return this.#news;
  }

  /**
   * Replaces the known projects with the snapshot's: projects it does not list are removed, the
   * others take its status, name and url. Logs and metrics already received are kept.
   *
   * With `since` (a `mark()` taken when the snapshot was requested), the stream's later news wins:
   * a project whose status changed after the mark keeps it, one named by any event after the mark
   * is not removed, and the deployment step and error the stream reported after the mark stay.
   */
  applySnapshot(snapshot: Snapshot, receivedAt = Date.now(), since = Infinity): void {
    const listed = new Set<string>();
    for (const item of snapshot.projects) {
      listed.add(item.projectId);
      const project = this.#touch(item.projectId);
      if (item.name !== undefined) project.name = item.name;
      if (item.url !== undefined) project.url = item.url;
      if ((this.#statusNews.get(item.projectId) ?? 0) > since) {
        this.#mark(item.projectId);
        continue;
      }
      this.#setStatus(project, item.status, receivedAt, (this.#seenNews.get(item.projectId) ?? 0) > since);
      if (item.metrics && project.metrics.length === 0) project.metrics.push(receivedAt, item.metrics);
      // Details a client that joined late never saw as events.
      if (item.status === 'inactive' && item.reason !== undefined && !project.autoShutdown) {
        project.autoShutdown = { reason: item.reason, inactiveTime: item.inactiveTime ?? '', time: receivedAt };
      }
      if (item.status === 'error' && item.lastError !== undefined && !project.lastError) {
        project.lastError = { message: item.lastError, time: receivedAt };
      }
      this.#mark(item.projectId);
    }
    for (const id of [...this.#projects.keys()]) {
      if (!listed.has(id) && !((this.#seenNews.get(id) ?? 0) > since)) this.removeProject(id);
    }
  }

  /**
   * What the backend kept from before this connection: older metrics points go before the held
   * ones; its last deployment becomes the current one (its lines marked `history`, a line already
   * held by id kept as it was) and the earlier ones the past deployments.
   */
  #applyBackfill(data: Backfill, receivedAt: number): void {
    const project = this.#touch(data.projectId);
    const metrics = project.metrics;
    const first = metrics.at(0)?.time ?? Infinity;
    const older = data.metrics.filter((point) => point.time < first);
    if (older.length > 0) {
      const held = Array.from({ length: metrics.length }, (_, i) => metrics.at(i)!);
      const activity = metrics.latestActivity;
      metrics.clear();
      for (const point of [...older, ...held]) metrics.push(point.time, point);
      if (metrics.latestActivity === undefined) metrics.latestActivity = activity;
    }
    const deployments = data.deployments;
    const last = deployments[deployments.length - 1];
    if (!last) return;
    const current = project.currentDeployment;
    // Another deployment than the one held (both named): the held one becomes a past deployment.
    if (current?.id !== undefined && last.id !== undefined && current.id !== last.id) this.#archive(project);
    const held = project.logs.toArray();
    const byId = new Map(held.filter((entry) => entry.id !== undefined).map((entry) => [entry.id, entry]));
    const lines = this.#entries(data.projectId, last, receivedAt, byId);
    const kept = new Set(held);
    const used = new Set(lines);
    // Lines held here that the backend no longer has stay, in time order.
    const merged = held.length === 0 ? lines : [...lines, ...held.filter((entry) => !used.has(entry))].sort((a, b) => a.time - b.time);
    project.logs.clear();
    for (const entry of merged) {
      // The ring's entries go in increasing `seq`; a held one is already in the all-projects log.
      if (kept.has(entry)) this.#appendLog(project, { ...entry, seq: ++this.#seq }, false);
      else {
        entry.seq = ++this.#seq;
        this.#appendLog(project, entry);
      }
    }
    project.currentDeployment = infoOf(last, receivedAt);
    if (deployments.length > 1) {
      project.pastDeployments = deployments
        .slice(-1 - PAST_DEPLOYMENTS, -1)
        .map((deployment) => ({ ...infoOf(deployment, receivedAt), entries: this.#entries(data.projectId, deployment, receivedAt) }));
    }
  }

  /** A backfilled deployment's lines as history entries; a line already held (same id) is kept as it was. */
  #entries(projectId: string, deployment: BackfillDeployment, receivedAt: number, held?: Map<string | undefined, LogEntry>): LogEntry[] {
    return deployment.lines.map((line) => {
      const kept = line.id === undefined ? undefined : held?.get(line.id);
      if (kept) return kept;
      const entry = this.#entry(projectId, line, timeOf(line.timestamp, receivedAt), line.id);
      entry.history = true;
      return entry;
    });
  }

  #entry(projectId: string, line: Omit<LogEntry, 'seq' | 'projectId' | 'time'>, time: number, id: string | undefined): LogEntry {
    const entry: LogEntry = { seq: ++this.#seq, projectId, time, level: line.level, message: line.message };
    if (line.step !== undefined) entry.step = line.step;
    if (line.progress !== undefined) entry.progress = line.progress;
    if (id !== undefined) entry.id = id;
    return entry;
  }

  /**
   * Moves the current deployment's lines to the past deployments: a new one starts. A past
   * deployment keeps its newest `PAST_LINES` lines (the others count in its `dropped`): a running
   * container's log of a million lines is not copied into objects, in one task, at a redeploy.
   */
  #archive(project: ProjectState): void {
    const logs = project.logs;
    const from = Math.max(0, logs.length - PAST_LINES);
    const entries: LogEntry[] = [];
    for (let i = from; i < logs.length; i++) entries.push(logs.at(i)!);
    if (entries.length > 0) {
      const info = project.currentDeployment ?? { startedAt: logs.at(0)!.time, dropped: 0 };
      project.pastDeployments.push({ ...info, dropped: info.dropped + from, entries });
      if (project.pastDeployments.length > PAST_DEPLOYMENTS) project.pastDeployments.shift();
      project.logs.clear();
    }
    project.currentDeployment = undefined;
  }

  removeProject(projectId: string): void {
    if (!this.#projects.delete(projectId)) return;
    this.#forget(projectId);
    this.#mark(projectId);
  }

  /** Empties one project's log, or every log when `projectId` is undefined. */
  clearLogs(projectId?: string): void {
    if (projectId === undefined) {
      for (const project of this.#projects.values()) project.logs.clear();
      this.#allLogs.clear();
      this.#markAll();
      return;
    }
    const project = this.#projects.get(projectId);
    if (!project) return;
    project.logs.clear();
    if (this.#allLogs.retain((entry) => entry.projectId !== projectId) > 0) this.#dirty.add('');
    this.#mark(projectId);
  }

  /** Updates the connection record: its state, why it is closed, the last error, the URL. */
  setConnection(update: Partial<Omit<ConnectionInfo, 'stats' | 'downSince'>> & { transport?: ConnectionStats['transport'] }): void {
    const { transport, ...rest } = update;
    const connection = this.#connection;
    const was = connection.state;
    Object.assign(connection, rest);
    if (connection.state !== was) {
      this.#stateDirty = true;
      if (connection.state === 'open') connection.downSince = undefined;
      else if (was === 'open') connection.downSince = Date.now();
    }
    if (transport !== undefined) this.#connection.stats.transport = transport;
    this.markConnection();
  }

  /** Adds to one of the message counters (`stats`). */
  count(counter: MessageCounter, by = 1): void {
    this.#connection.stats[counter] += by;
    this.markConnection();
  }

  /** Tells connection listeners (at the next frame) that `connection` or its stats changed. */
  markConnection(): void {
    this.#connectionDirty = true;
    this.#request();
  }

  // ---- listening -----------------------------------------------------------------------------

  /** Calls `listener` at most once per frame after the project changed (or was removed). */
  subscribe(projectId: string, listener: Listener): () => void {
    let set = this.#listeners.get(projectId);
    if (!set) this.#listeners.set(projectId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(projectId) === set) this.#listeners.delete(projectId);
    };
  }

  /** Calls `listener` at most once per frame after any project changed. */
  subscribeAll(listener: Listener): () => void {
    this.#anyListeners.add(listener);
    return () => this.#anyListeners.delete(listener);
  }

  /** Calls `listener` at most once per frame after the connection state or counters changed. */
  subscribeConnection(listener: Listener): () => void {
    this.#connectionListeners.add(listener);
    return () => this.#connectionListeners.delete(listener);
  }

  /**
   * Calls `listener` at most once per frame after the connection's state changed: rarer than
   * `subscribeConnection`, whose counters move with every message.
   */
  subscribeState(listener: Listener): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Runs the pending notifications now instead of at the next frame. */
  flush(): void {
    this.#notify(Infinity);
  }

  /** Tells the listeners of up to `limit` watched projects that changed; returns how many it told. */
  #notify(limit: number): number {
    this.#scheduled = false;
    const connection = this.#connectionDirty;
    const state = this.#stateDirty;
    this.#connectionDirty = this.#stateDirty = false;
    const dirty: string[] = [];
    let told = 0;
    for (const id of this.#dirty) {
      if (this.#listeners.has(id)) {
        if (told === limit) break;
        told += 1;
      }
      dirty.push(id);
    }
    // Taken out before any listener runs, so a change made by a listener is told in the next pass.
    for (const id of dirty) this.#dirty.delete(id);
    for (const id of dirty) {
      const set = this.#listeners.get(id);
      if (set) for (const listener of [...set]) listener();
    }
    if (dirty.length > 0) for (const listener of [...this.#anyListeners]) listener();
    if (connection) for (const listener of [...this.#connectionListeners]) listener();
    if (state) for (const listener of [...this.#stateListeners]) listener();
    // Projects left for the next frame.
    if (this.#dirty.size > 0) this.#request();
    return told;
  }

  /**
   * Whether the page cannot keep up with its stream: its notification passes have cost more than two
   * frames each (a thousand badges restyled, laid out and painted many times a second). Until
   * two seconds pass without such a pass, elements render less often and the provider's badges
   * keep still. State listeners are told when it changes.
   */
  get overloaded(): boolean {
    return this.#overloaded;
  }

  /**
   * A scheduled pass. Each one measures what it cost the main thread, up to the end of the frame it
   * rendered; when that goes over the frame budget (hundreds of elements changing in every frame),
   * the next passes tell only as many projects as fitted, oldest changes first, and the rest wait a
   * frame. Each element still renders at most once per frame, and no change is lost, only told a
   * frame later. Two passes in a row over two frames' time and the page is overloaded (see
   * `overloaded`).
   *
   * In a burst (hundreds of events between two passes), or while overloaded, a pass is followed by
   * a rest seven times its cost (at most 250 ms in a burst, 500 overloaded), so rendering takes
   * about an eighth of the main thread and applying the stream the rest; elements catch up in the
   * next pass, with every change applied. While overloaded a pass tells everyone at once, so no
   * backlog builds: one long frame every half second costs such a page less than the same renders
   * spread over several frames.
   */
  #pass(): void {
    const start = performance.now();
    const burst = this.#news - this.#passNews >= BURST;
    this.#passNews = this.#news;
    // The next pass waits until this one (assumed to cost what the last one did) and a rest `REST`
    // times as long are over; in a burst, so does what this pass leaves for later.
    const cap = this.#overloaded ? MAX_OVERLOADED_REST_MS : burst ? MAX_REST_MS : 0;
    this.#restUntil = this.#rests && cap > 0 ? start + Math.min(cap, (REST + 1) * this.#cost) : 0;
    const told = this.#notify(this.#overloaded ? Infinity : this.#perPass);
    // A pass this small is never cut: measuring it would cost a task per frame for nothing. One
    // cut to the least is measured, or the limit would never grow again.
    if (told <= MIN_PER_PASS && told < this.#perPass) {
      this.#cost = 0;
      return;
    }
    // A timer set in an animation frame callback runs after the frame is rendered.
    setTimeout(() => {
      this.#costBefore = this.#cost;
      const cost = (this.#cost = performance.now() - start);
      if (cost > FRAME_BUDGET_MS) {
        this.#perPass = Math.max(MIN_PER_PASS, Math.floor((told * FRAME_BUDGET_MS) / cost));
      } else if (cost < FRAME_BUDGET_MS / 2 && told === this.#perPass) {
        // Fast again: let more through, doubling, until there is no limit at all.
        this.#perPass = this.#perPass >= 4096 ? Infinity : this.#perPass * 2;
      }
      // Two in a row, so that one slow frame (a garbage collection, a first render) is no overload.
      if (this.#rests && Math.min(cost, this.#costBefore) > COSTLY_MS) this.#costly();
    });
  }

  /** A pass cost more than the page can keep up with: overloaded until `CALM_MS` without another. */
  #costly(): void {
    if (!this.#overloaded) {
      this.#overloaded = true;
      this.#markState();
    }
    clearTimeout(this.#calmTimer);
    this.#calmTimer = setTimeout(() => {
      this.#overloaded = false;
      this.#markState();
    }, CALM_MS);
  }

  #markState(): void {
    this.#stateDirty = true;
    this.#request();
  }

  // ---- internals -----------------------------------------------------------------------------

  /** Returns the project, creating it, and marks it most recently updated. */
  #touch(projectId: string): ProjectState {
    let project = this.#projects.get(projectId);
    if (project) {
      // Map order is the recency order used by eviction.
      this.#projects.delete(projectId);
      this.#projects.set(projectId, project);
      project.version += 1;
      return project;
    }
    project = {
      projectId,
      metrics: new MetricsHistory(this.metricsHistory),
      logs: new LogRing(this.#logLimit),
      pastDeployments: [],
      version: 1,
    };
    this.#projects.set(projectId, project);
    if (this.#projects.size > this.maxProjects) this.#evict(projectId);
    return project;
  }

  /** Drops the least recently updated project that no element is showing. */
  #evict(keep: string): void {
    for (const id of this.#projects.keys()) {
      if (id === keep || this.#listeners.has(id)) continue;
      this.#projects.delete(id);
      this.#forget(id);
      this.#connection.stats.evicted += 1;
      this.markConnection();
      return;
    }
  }

  /**
   * `keepDetails`: the deployment step and error are newer than this status, so they stay. `id`:
   * the message's, which names a deployment it opens.
   */
  #setStatus(project: ProjectState, status: ContainerStatus, time: number, keepDetails = false, id?: string): void {
    if (project.status === status) return;
    const current = project.currentDeployment;
    if (project.status === 'deploying' && current && current.outcome === undefined) {
      current.endedAt = time;
      current.outcome = outcomeOf(status);
    }
    project.status = status;
    project.statusChangedAt = time;
    if (status === 'deploying' && !keepDetails) {
      // A new deployment: the last one's error and its final step are history, its lines a past deployment.
      project.lastError = undefined;
      project.deployment = undefined;
      this.#archive(project);
      project.currentDeployment = { startedAt: time, dropped: 0 };
      if (id !== undefined) project.currentDeployment.id = id;
    }
    if (status !== 'inactive') project.autoShutdown = undefined;
  }

  /** `everywhere`: into the all-projects log too (not for a line it already holds). */
  #appendLog(project: ProjectState, entry: LogEntry, everywhere = true): void {
    if (project.logs.push(entry)) {
      this.#connection.stats.dropped += 1;
      this.markConnection();
    }
    if (everywhere) this.#allLogs.add(project.logs);
  }

  #forget(projectId: string): void {
    this.#statusNews.delete(projectId);
    this.#seenNews.delete(projectId);
  }

  #mark(projectId: string): void {
    this.#dirty.add(projectId);
    this.#request();
  }

  #markAll(): void {
    for (const id of this.#projects.keys()) this.#dirty.add(id);
    for (const id of this.#listeners.keys()) this.#dirty.add(id);
    // A log cleared with no project known still concerns the all-projects views.
    this.#dirty.add('');
    this.#request();
  }

  #request(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    const run = () => {
      if (this.#scheduled) this.#pass();
    };
    const rest = this.#restUntil && this.#restUntil - performance.now();
    if (rest > 0) setTimeout(() => this.#schedule(run), rest);
    else this.#schedule(run);
  }
}

const EMPTY_LOGS = new LogRing(1);

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

function infoOf(deployment: BackfillDeployment, receivedAt: number): DeploymentInfo {
  const info: DeploymentInfo = { startedAt: timeOf(deployment.startedAt, receivedAt), dropped: deployment.dropped };
  if (deployment.id !== undefined) info.id = deployment.id;
  if (deployment.endedAt !== undefined) info.endedAt = timeOf(deployment.endedAt, receivedAt);
  if (deployment.outcome !== undefined) info.outcome = deployment.outcome;
  return info;
}

function timeOf(iso: string, fallback: number): number {
  const time = Date.parse(iso);
  return Number.isFinite(time) ? time : fallback;
}
