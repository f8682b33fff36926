/**
 * The wire protocol: event types, their payloads, and a validator for each.
 *
 * Validation never throws. Every message ends in exactly one outcome — applied (valid), rejected
 * (invalid, with a reason) or ignored (an event type this library does not know) — so the provider
 * can count every message it received.
 */

export const CONTAINER_STATUSES = ['running', 'deploying', 'stopped', 'inactive', 'error'] as const;
export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];

export const LOG_LEVELS = ['info', 'success', 'warning', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The named events a backend sends. */
export const EVENT_TYPES = [
  'container_status_changed',
  'metrics_updated',
  'deployment_progress',
  'auto_shutdown',
  'snapshot',
  'backfill',
  'rate_limit',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** A string field longer than this makes the message invalid. */
export const MAX_STRING_LENGTH = 64 * 1024;
/** A project id is 1–256 characters. */
export const MAX_PROJECT_ID_LENGTH = 256;

export interface ContainerStatusChanged {
  projectId: string;
  oldStatus?: ContainerStatus;
  newStatus: ContainerStatus;
  /** ISO-8601; the time of receipt when the backend sent none. */
  timestamp: string;
}

export interface MetricsUpdated {
  projectId: string;
  /** CPU in percent, clamped to 0–100. */
  cpu: number;
  /** Memory in MB. */
  memory: number;
  /** Total request count. */
  requests: number;
  /** Display string such as `"2h 15m"`. */
  uptime: string;
  /** ISO-8601. */
  lastActivity?: string;
}

export interface DeploymentProgress {
  projectId: string;
  message: string;
  level: LogLevel;
  /** ISO-8601; the time of receipt when the backend sent none. */
  timestamp: string;
  step?: string;
  /** 0–100, clamped. */
  progress?: number;
}

export interface AutoShutdown {
  projectId: string;
  reason: string;
  /** As the backend sends it: a display string (`"30m"`) or a number of seconds. */
  inactiveTime: string | number;
}

export interface MetricsSample {
  cpu: number;
  memory: number;
  requests: number;
  uptime?: string;
  lastActivity?: string;
}

export interface ProjectSnapshot {
  projectId: string;
  name?: string;
  status: ContainerStatus;
  url?: string;
  metrics?: MetricsSample;
  /** Extension: why an `inactive` project was shut down, as `auto_shutdown` would say. */
  reason?: string;
  /** Extension: how long an `inactive` project had been idle. */
  inactiveTime?: string | number;
  /** Extension: the last error of a project in `error`. */
  lastError?: string;
}

export interface Snapshot {
  projects: ProjectSnapshot[];
}

/** How a deployment ended: running (`succeeded`), error (`failed`), anything else (`stopped`). */
export type DeploymentOutcome = 'succeeded' | 'failed' | 'stopped';
export const DEPLOYMENT_OUTCOMES = ['succeeded', 'failed', 'stopped'] as const;

/** How a deployment ends when the status changes from `deploying` to `status`. */
export function outcomeOf(status: string): DeploymentOutcome {
  return status === 'running' ? 'succeeded' : status === 'error' ? 'failed' : 'stopped';
}

/** A metrics point kept by the backend. `time` is epoch ms. */
export interface BackfillPoint extends MetricsSample {
  time: number;
}

/** A log line kept by the backend; `id` is the id of the message that carried it. */
export interface BackfillLine extends Omit<DeploymentProgress, 'projectId'> {
  id?: string;
}

/** One deployment the backend kept: its lines (bounded; `dropped` says how many it let go). */
export interface BackfillDeployment {
  /** The id of the message that opened it. */
  id?: string;
  startedAt: string;
  endedAt?: string;
  /** Absent while it is running. */
  outcome?: DeploymentOutcome;
  /** Lines of it the backend did not keep. */
  dropped: number;
  lines: BackfillLine[];
}

/**
 * Extension: what happened to a project before this connection — its last metrics points and its
 * last deployments (oldest first; the last one is the current or the last deployment). Sent after
 * a `snapshot` to a client that could not be resumed exactly; what it holds is older than the
 * messages that follow it.
 */
export interface Backfill {
  projectId: string;
  metrics: BackfillPoint[];
  deployments: BackfillDeployment[];
}

/**
 * Extension: the viewer's quota, as the `RateLimit` response headers tell it: `limit` requests per
 * window, `remaining` of them left, and `reset`, when the window resets — seconds from now (as
 * `RateLimit`'s `t`) or, from 10⁹ on, epoch seconds (as `X-RateLimit-Reset`), within a day.
 */
export interface RateLimitEvent {
  /** The project the quota is about, when it is one project's. */
  projectId?: string;
  limit: number;
  remaining: number;
  reset: number;
}

const DAY_MS = 86_400_000;

/**
 * A rate limit's reset as epoch ms: `value` is seconds from `now` or, from 10⁹ on, epoch seconds
 * (a reset just past counts as now). Undefined for nonsense: negative, not finite, or more than a
 * day away.
 */
export function resetAt(value: number, now: number): number | undefined {
  const at = value < 1e9 ? now + value * 1000 : value * 1000;
  return value >= 0 && Math.abs(at - now) <= DAY_MS ? Math.max(at, now) : undefined;
}

export interface EventPayloads {
  container_status_changed: ContainerStatusChanged;
  metrics_updated: MetricsUpdated;
  deployment_progress: DeploymentProgress;
  auto_shutdown: AutoShutdown;
  snapshot: Snapshot;
  backfill: Backfill;
  rate_limit: RateLimitEvent;
}

/** A validated protocol event. */
export type ProtocolEvent = { [K in EventType]: { type: K; data: EventPayloads[K] } }[EventType];

export type ValidationResult =
  | { outcome: 'valid'; event: ProtocolEvent }
  | { outcome: 'rejected'; type: string; reason: string }
  | { outcome: 'ignored'; type: string; reason: string };

/** Thrown internally by the field readers and turned into a `rejected` result; never escapes. */
class Invalid {
  constructor(readonly reason: string) {}
}

type Fields = Record<string, unknown>;

/** A plain object: not null, not an array. */
export function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The readers take a field's value, read by name at the call site (a keyed read of a varying key is
// several times slower), and its key only to say what was wrong.

function string(value: unknown, key: string, optional = false): string | undefined {
  if (value === undefined || value === null) {
    if (optional) return undefined;
    throw new Invalid(`missing field "${key}"`);
  }
  if (typeof value !== 'string') throw new Invalid(`field "${key}" must be a string`);
  if (value.length > MAX_STRING_LENGTH) throw new Invalid(`field "${key}" is longer than ${MAX_STRING_LENGTH} characters`);
  return value;
}

function projectId(value: unknown): string {
  const id = string(value, 'projectId')!;
  if (id.length === 0 || id.length > MAX_PROJECT_ID_LENGTH) {
    throw new Invalid(`field "projectId" must be 1–${MAX_PROJECT_ID_LENGTH} characters`);
  }
  return id;
}

function number(value: unknown, key: string, optional = false): number | undefined {
  if (value === undefined || value === null) {
    if (optional) return undefined;
    throw new Invalid(`missing field "${key}"`);
  }
  if (typeof value !== 'number') throw new Invalid(`field "${key}" must be a number`);
  if (!Number.isFinite(value)) throw new Invalid(`field "${key}" must be a finite number`);
  return value;
}

function nonNegative(value: unknown, key: string): number {
  const result = number(value, key)!;
  if (result < 0) throw new Invalid(`field "${key}" must not be negative`);
  return result;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** Sets an optional field only when it is present, so absent fields stay absent. */
function put<T, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function oneOf<T extends string>(value: unknown, key: string, allowed: readonly T[], optional = false): T | undefined {
  const text = string(value, key, optional);
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) {
    throw new Invalid(`field "${key}" has unknown value "${text.slice(0, 40)}"`);
  }
  return text as T;
}

/** `timestamp` may be missing ("when received"); when present it must be a string or epoch ms. */
function timestamp(value: unknown, receivedAt: number): string {
  if (value === undefined || value === null) return new Date(receivedAt).toISOString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Invalid('field "timestamp" must be a finite number');
    return new Date(value).toISOString();
  }
  return string(value, 'timestamp')!;
}

function metricsSample(data: Fields): MetricsSample {
  const sample: MetricsSample = {
    cpu: clamp(number(data.cpu, 'cpu')!, 0, 100),
    memory: nonNegative(data.memory, 'memory'),
    requests: nonNegative(data.requests, 'requests'),
  };
  put(sample, 'uptime', string(data.uptime, 'uptime', true));
  put(sample, 'lastActivity', string(data.lastActivity, 'lastActivity', true));
  return sample;
}

const readers: { [K in EventType]: (data: Fields, receivedAt: number) => EventPayloads[K] } = {
  container_status_changed(data, receivedAt) {
    const event: ContainerStatusChanged = {
      projectId: projectId(data.projectId),
      newStatus: oneOf(data.newStatus, 'newStatus', CONTAINER_STATUSES) as ContainerStatus,
      timestamp: timestamp(data.timestamp, receivedAt),
    };
    put(event, 'oldStatus', oneOf(data.oldStatus, 'oldStatus', CONTAINER_STATUSES, true));
    return event;
  },

  metrics_updated(data) {
    const event: MetricsUpdated = {
      projectId: projectId(data.projectId),
      cpu: clamp(number(data.cpu, 'cpu')!, 0, 100),
      memory: nonNegative(data.memory, 'memory'),
      requests: nonNegative(data.requests, 'requests'),
      uptime: string(data.uptime, 'uptime', true) ?? '',
    };
    put(event, 'lastActivity', string(data.lastActivity, 'lastActivity', true));
    return event;
  },

  deployment_progress(data, receivedAt) {
    const event: DeploymentProgress = {
      projectId: projectId(data.projectId),
      message: string(data.message, 'message')!,
      level: oneOf(data.level, 'level', LOG_LEVELS) as LogLevel,
      timestamp: timestamp(data.timestamp, receivedAt),
    };
    put(event, 'step', string(data.step, 'step', true));
    const progress = number(data.progress, 'progress', true);
    if (progress !== undefined) event.progress = clamp(progress, 0, 100);
    return event;
  },

  auto_shutdown(data) {
    const value = data.inactiveTime;
    const inactiveTime = typeof value === 'number' ? nonNegative(value, 'inactiveTime') : string(value, 'inactiveTime')!;
    return { projectId: projectId(data.projectId), reason: string(data.reason, 'reason')!, inactiveTime };
  },

  snapshot(data) {
    const list = data.projects;
    if (!Array.isArray(list)) throw new Invalid('field "projects" must be an array');
    return { projects: list.map((item, index) => projectSnapshot(item, index)) };
  },

  backfill(data, receivedAt) {
    const metrics = list(data, 'metrics', (item) => {
      const time = number(item.time, 'time')!;
      return { time, ...metricsSample(item) };
    });
    const deployments = list(data, 'deployments', (item) => {
      const deployment: BackfillDeployment = {
        startedAt: string(item.startedAt, 'startedAt')!,
        dropped: number(item.dropped, 'dropped', true) ?? 0,
        lines: list(item, 'lines', (line) => {
          // The same rules as a live line: a kept line is one that was sent.
          const { projectId: _, ...kept } = readers.deployment_progress({ ...line, projectId: '-' }, receivedAt);
          put(kept as BackfillLine, 'id', string(line.id, 'id', true));
          return kept;
        }),
      };
      put(deployment, 'id', string(item.id, 'id', true));
      put(deployment, 'endedAt', string(item.endedAt, 'endedAt', true));
      put(deployment, 'outcome', oneOf(item.outcome, 'outcome', DEPLOYMENT_OUTCOMES, true));
      return deployment;
    });
    return { projectId: projectId(data.projectId), metrics, deployments };
  },

  rate_limit(data, receivedAt) {
    const event: RateLimitEvent = { limit: nonNegative(data.limit, 'limit'), remaining: nonNegative(data.remaining, 'remaining'), reset: nonNegative(data.reset, 'reset') };
    if (event.limit < 1 || event.limit % 1 || event.remaining % 1 || event.remaining > event.limit || !resetAt(event.reset, receivedAt)) {
      throw new Invalid('figures out of range: "limit" ≥ 1 and "remaining" ≤ "limit" are whole numbers, "reset" is within a day');
    }
    if (data.projectId != null) event.projectId = projectId(data.projectId);
    return event;
  },
};

/** An optional array of objects, each read by `read`; the first bad one names its place. */
function list<T>(data: Fields, key: string, read: (item: Fields) => T): T[] {
  const value = data[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Invalid(`field "${key}" must be an array`);
  return value.map((item, index) => {
    try {
      if (!isObject(item)) throw new Invalid('must be an object');
      return read(item);
    } catch (error) {
      if (error instanceof Invalid) throw new Invalid(`${key}[${index}]: ${error.reason}`);
      throw error;
    }
  });
}

function projectSnapshot(item: unknown, index: number): ProjectSnapshot {
  if (!isObject(item)) throw new Invalid(`projects[${index}] must be an object`);
  try {
    const project: ProjectSnapshot = {
      projectId: projectId(item.projectId),
      status: oneOf(item.status, 'status', CONTAINER_STATUSES) as ContainerStatus,
    };
    put(project, 'name', string(item.name, 'name', true));
    put(project, 'url', string(item.url, 'url', true));
    put(project, 'reason', string(item.reason, 'reason', true));
    const inactiveTime = item.inactiveTime;
    put(project, 'inactiveTime', typeof inactiveTime === 'number' ? nonNegative(inactiveTime, 'inactiveTime') : string(inactiveTime, 'inactiveTime', true));
    put(project, 'lastError', string(item.lastError, 'lastError', true));
    if (item.metrics !== undefined && item.metrics !== null) {
      if (!isObject(item.metrics)) throw new Invalid('field "metrics" must be an object');
      project.metrics = metricsSample(item.metrics);
    }
    return project;
  } catch (error) {
    if (error instanceof Invalid) throw new Invalid(`projects[${index}]: ${error.reason}`);
    throw error;
  }
}

export function isEventType(type: string): type is EventType {
  return (EVENT_TYPES as readonly string[]).includes(type);
}

/**
 * Validates an already-parsed payload for a named event type.
 * @param receivedAt epoch ms used for a missing `timestamp`.
 */
export function validateEvent(type: string, data: unknown, receivedAt = Date.now()): ValidationResult {
  if (!isEventType(type)) return { outcome: 'ignored', type, reason: `unknown event type "${type.slice(0, 80)}"` };
  if (!isObject(data)) return { outcome: 'rejected', type, reason: 'data must be a JSON object' };
  try {
    const reader = readers[type] as (data: Fields, receivedAt: number) => EventPayloads[EventType];
    return { outcome: 'valid', event: { type, data: reader(data, receivedAt) } as ProtocolEvent };
  } catch (error) {
    if (error instanceof Invalid) return { outcome: 'rejected', type, reason: error.reason };
    return { outcome: 'rejected', type, reason: String(error) };
  }
}

/**
 * Validates one SSE message as it comes off the stream: `type` is the SSE event name (`message`
 * for an unnamed one) and `raw` its `data` text. An unnamed message must be an envelope
 * `{ event, data }` or `{ type, data }`.
 */
export function validateMessage(type: string, raw: string, receivedAt = Date.now()): ValidationResult {
  if (type !== 'message' && !isEventType(type)) {
    return { outcome: 'ignored', type, reason: `unknown event type "${type.slice(0, 80)}"` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { outcome: 'rejected', type, reason: 'data is not valid JSON' };
  }
  if (type !== 'message') return validateEvent(type, parsed, receivedAt);
  if (!isObject(parsed)) return { outcome: 'rejected', type, reason: 'an unnamed message must be an {event, data} envelope' };
  const inner = parsed.event ?? parsed.type;
  if (typeof inner !== 'string') {
    return { outcome: 'rejected', type, reason: 'an unnamed message must be an {event, data} envelope' };
  }
  return validateEvent(inner, parsed.data, receivedAt);
}

/** Accepts a REST project list: an array, or `{ projects: [...] }`. */
export function validateProjectList(value: unknown): ValidationResult {
  const list = Array.isArray(value) ? value : isObject(value) ? value.projects : undefined;
  return validateEvent('snapshot', { projects: list });
}

export function isContainerStatus(value: unknown): value is ContainerStatus {
  return typeof value === 'string' && (CONTAINER_STATUSES as readonly string[]).includes(value);
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}
