import { MAX_PROJECT_ID_LENGTH } from '../core/protocol.js';

/**
 * What `authorize` answers for one viewer: the projects it may see (`'*'` for all), and optionally
 * when its credentials expire and who it is (for rate limits and logs).
 */
export interface SseGrant {
  /** The project ids this viewer may see, or `'*'` for every project. */
  projects: readonly string[] | '*';
  /** When the viewer's token expires (epoch ms or a `Date`): its stream is closed then. */
  expiresAt?: number | Date;
  /** A stable name for the viewer (a user or token id). */
  viewer?: string;
}

/** Ids in `?projects=` beyond this many are ignored: a narrowing, not a way to make the server work. */
const MAX_REQUESTED = 1000;

/**
 * Who may see what on one stream: the viewer's grant, narrowed by the `?projects=` the page asked
 * for. A pure value: the hub indexes clients by it, and the snapshot is filtered by it.
 */
export class SseScope {
  /** The projects in scope, or `null` for every project. */
  readonly projects: ReadonlySet<string> | null;
  /** The same for equal scopes: `'*'`, or the sorted ids. Snapshots are shared per key. */
  readonly key: string;
  /** The viewer's name from the grant, if any. */
  readonly viewer: string | undefined;
  /** Epoch ms when the grant expires, if it does. */
  readonly expiresAt: number | undefined;

  constructor(projects: ReadonlySet<string> | null, viewer?: string, expiresAt?: number) {
    this.projects = projects;
    this.key = projects === null ? '*' : [...projects].sort().join('\n');
    this.viewer = viewer;
    this.expiresAt = expiresAt;
  }

  /** Whether a message about `projectId` may reach this viewer. A message about no project reaches everyone. */
  allows(projectId: string | undefined): boolean {
    return projectId === undefined || this.projects === null || this.projects.has(projectId);
  }

  /**
   * A snapshot with only the projects in scope: an array of projects, or an object whose `projects`
   * is one. `undefined` when a scoped viewer's snapshot has no shape the hub can filter (it is then
   * not sent, rather than sent whole).
   */
  filterSnapshot(value: unknown): unknown {
    if (this.projects === null) return value;
    const keep = (list: unknown[]) => list.filter((item) => this.allows(projectIdOf(item) ?? '\0'));
    if (Array.isArray(value)) return keep(value);
    if (typeof value === 'object' && value !== null && Array.isArray((value as { projects?: unknown }).projects)) {
      return { ...value, projects: keep((value as { projects: unknown[] }).projects) };
    }
    return undefined;
  }

  /** Whether two scopes let through exactly the same projects. */
  equals(other: SseScope): boolean {
    return this.key === other.key;
  }
}

/** The `projectId` of a message's data, when it has a string one. */
export function projectIdOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const id = (data as { projectId?: unknown }).projectId;
  return typeof id === 'string' ? id : undefined;
}

/** The ids of a `?projects=a,b` query (repeatable), or `null` when the URL does not narrow. */
export function requestedProjects(url: string | undefined): string[] | null {
  const query = url?.indexOf('?') ?? -1;
  if (url === undefined || query < 0) return null;
  let values: string[];
  try {
    values = new URLSearchParams(url.slice(query + 1)).getAll('projects');
  } catch {
    return null;
  }
  if (values.length === 0) return null;
  const ids = values
    .flatMap((value) => value.split(','))
    .map((id) => id.trim())
    .filter((id) => id.length > 0 && id.length <= MAX_PROJECT_ID_LENGTH);
  return ids.slice(0, MAX_REQUESTED);
}

/**
 * The scope of a viewer with `grant` whose page asked for `requested` (`null`: not narrowed). The
 * request can only narrow: ids outside the grant are left out. Throws a `TypeError` for a grant of
 * the wrong shape, so a mistake in `authorize` is an error and never "everything".
 */
export function scopeOf(grant: SseGrant, requested: readonly string[] | null): SseScope {
  const { projects, expiresAt, viewer } = grant as Partial<SseGrant>;
  let granted: Set<string> | null;
  if (projects === '*') granted = null;
  else if (Array.isArray(projects) && projects.every((id) => typeof id === 'string')) granted = new Set(projects);
  else throw new TypeError(`authorize() must answer { projects: string[] | '*' } or null, not ${describe(grant)}`);
  let expires: number | undefined;
  if (expiresAt !== undefined) {
    expires = expiresAt instanceof Date ? expiresAt.getTime() : expiresAt;
    if (typeof expires !== 'number' || Number.isNaN(expires)) throw new TypeError('authorize(): expiresAt must be epoch milliseconds or a Date');
  }
  if (viewer !== undefined && typeof viewer !== 'string') throw new TypeError('authorize(): viewer must be a string');
  if (requested === null) return new SseScope(granted, viewer, expires);
  const narrowed = new Set(granted === null ? requested : requested.filter((id) => granted.has(id)));
  return new SseScope(narrowed, viewer, expires);
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 80) ?? String(value);
  } catch {
    return String(value);
  }
}
