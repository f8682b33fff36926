import type { StreamMessage } from './connection.js';
import type { AutoShutdown, Backfill, BackfillDeployment, DeploymentProgress, Snapshot } from './protocol.js';
import type { ConnectionError, ConnectionInfo, ConnectionState, DeploymentInfo, LiveStore, LogEntry, ProjectState } from './store.js';

/** What the tabs sharing one stream say to each other. */
export type ShareMessage =
  | { kind: 'message'; message: StreamMessage }
  | { kind: 'state'; state: ConnectionState; closedReason: ConnectionInfo['closedReason']; lastError?: ConnectionError }
  | { kind: 'hello' }
  | { kind: 'sync'; sync: ShareSync };

/** The leader's state, handed to a tab that joins. */
export interface ShareSync {
  state: ConnectionState;
  closedReason: ConnectionInfo['closedReason'];
  lastEventId?: string;
  snapshot: Snapshot;
  logs: DeploymentProgress[];
  shutdowns: AutoShutdown[];
  /** Per project: its metrics points and earlier deployments, which the lines above do not carry. */
  backfills?: Backfill[];
}

export interface TabShareHandlers {
  /** This tab won the election: open the stream. */
  lead(): void;
  /** A message from the leader (or, to the leader, a `hello` from a tab that joined). */
  receive(message: ShareMessage): void;
}

/**
 * One connection for all the tabs of an origin that point at the same URL. The tabs elect a leader
 * with a Web Lock named after the URL; the leader holds the only stream and relays what it receives
 * over a `BroadcastChannel`. When the leader's tab closes, its lock is released and a waiting tab
 * takes over, resuming from the last id it saw.
 */
export class TabShare {
  readonly #name: string;
  readonly #handlers: TabShareHandlers;
  #channel: BroadcastChannel | undefined;
  #abort: AbortController | undefined;
  #release: (() => void) | undefined;
  #role: 'idle' | 'follower' | 'leader' = 'idle';

  constructor(url: string, handlers: TabShareHandlers) {
    this.#name = `live-elements:${new URL(url, location.href).href}`;
    this.#handlers = handlers;
  }

  get role(): 'idle' | 'follower' | 'leader' {
    return this.#role;
  }

  start(): void {
    if (this.#role !== 'idle') return;
    this.#role = 'follower';
    const channel = new BroadcastChannel(this.#name);
    this.#channel = channel;
    channel.onmessage = (event: MessageEvent<ShareMessage>) => {
      const message = event.data;
      // A leader only listens for newcomers; followers listen for everything else.
      if ((this.#role === 'leader') === (message.kind === 'hello')) this.#handlers.receive(message);
    };
    const abort = new AbortController();
    this.#abort = abort;
    navigator.locks
      .request(this.#name, { signal: abort.signal }, () => {
        if (abort.signal.aborted) return undefined;
        this.#role = 'leader';
        this.#handlers.lead();
        // Held until `stop()`, or until the tab goes away.
        return new Promise<void>((resolve) => (this.#release = resolve));
      })
      .catch(() => {
        // Aborted while waiting: this tab left before it was elected.
      });
    channel.postMessage({ kind: 'hello' } satisfies ShareMessage);
  }

  post(message: ShareMessage): void {
    this.#channel?.postMessage(message);
  }

  /** Leaves the group: a follower detaches, a leader hands over to the next tab. */
  stop(): void {
    this.#role = 'idle';
    this.#abort?.abort();
    this.#abort = undefined;
    this.#release?.();
    this.#release = undefined;
    this.#channel?.close();
    this.#channel = undefined;
  }
}

/** The store's current state as a sync message for a tab that joins. */
export function syncOf(store: LiveStore, lastEventId: string | undefined): ShareSync {
  const projects: Snapshot['projects'] = [];
  const logs: DeploymentProgress[] = [];
  const shutdowns: AutoShutdown[] = [];
  const backfills: Backfill[] = [];
  for (const id of store.projectIds()) {
    backfills.push(backfillOf(store.getProject(id)!));
    const project = store.getProject(id)!;
    if (!project.status) continue;
    if (project.autoShutdown) shutdowns.push({ projectId: id, reason: project.autoShutdown.reason, inactiveTime: project.autoShutdown.inactiveTime });
    const item: Snapshot['projects'][number] = { projectId: id, status: project.status };
    if (project.name !== undefined) item.name = project.name;
    if (project.url !== undefined) item.url = project.url;
    // Its metrics points, the latest included, come in its backfill.
    projects.push(item);
  }
  // A project in a deployment hands its lines over in its backfill, apart from its earlier ones.
  const inBackfill = new Set(backfills.filter((backfill) => backfill.deployments.length > 0).map((backfill) => backfill.projectId));
  for (const entry of store.logs()) if (!inBackfill.has(entry.projectId)) logs.push({ projectId: entry.projectId, ...lineOf(entry) });
  const { state, closedReason } = store.connection;
  const sync: ShareSync = { state, closedReason, snapshot: { projects }, logs, shutdowns, backfills };
  if (lastEventId !== undefined) sync.lastEventId = lastEventId;
  return sync;
}

/** Applies a leader's sync to a joining tab's store. */
export function applySync(store: LiveStore, sync: ShareSync, now: number): void {
  // The leader's logs are the whole held log: what this tab held before (if it rejoins) is in it.
  store.clearLogs();
  store.applySnapshot(sync.snapshot, now);
  for (const data of sync.logs) store.apply({ type: 'deployment_progress', data }, now);
  for (const data of sync.shutdowns) store.apply({ type: 'auto_shutdown', data }, now);
  for (const data of sync.backfills ?? []) store.apply({ type: 'backfill', data }, now);
  store.setConnection({ state: sync.state, closedReason: sync.closedReason });
}

function lineOf(entry: LogEntry): Omit<DeploymentProgress, 'projectId'> & { id?: string } {
  const line: Omit<DeploymentProgress, 'projectId'> & { id?: string } = {
    message: entry.message,
    level: entry.level ?? 'info',
    timestamp: new Date(entry.time).toISOString(),
  };
  if (entry.step !== undefined) line.step = entry.step;
  if (entry.progress !== undefined) line.progress = entry.progress;
  if (entry.id !== undefined) line.id = entry.id;
  return line;
}

function deploymentOf(info: DeploymentInfo, entries: readonly LogEntry[]): BackfillDeployment {
  const deployment: BackfillDeployment = { startedAt: new Date(info.startedAt).toISOString(), dropped: info.dropped, lines: entries.map(lineOf) };
  if (info.id !== undefined) deployment.id = info.id;
  if (info.endedAt !== undefined) deployment.endedAt = new Date(info.endedAt).toISOString();
  if (info.outcome !== undefined) deployment.outcome = info.outcome;
  return deployment;
}

/** A project's metrics points, and its deployments with their lines once it has had one. */
function backfillOf(project: ProjectState): Backfill {
  const metrics = Array.from({ length: project.metrics.length }, (_, i) => project.metrics.at(i)!);
  const deployments = project.currentDeployment
    ? [...project.pastDeployments.map((past) => deploymentOf(past, past.entries)), deploymentOf(project.currentDeployment, project.logs.toArray())]
    : [];
  return { projectId: project.projectId, metrics, deployments };
}
