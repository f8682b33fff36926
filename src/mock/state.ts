/**
 * The saved form of a `MockBackend`: what `save()` returns and the `state` option takes back. Plain
 * JSON, so it survives `sessionStorage` or a file; and checked field by field on the way back in,
 * since what comes out of storage may be corrupt, from another version, or not ours at all.
 */
import { isContainerStatus, isLogLevel, MAX_STRING_LENGTH, type ContainerStatus, type LogLevel } from '../core/protocol.js';

/** The `version` this module writes and reads. */
export const STATE_VERSION = 1;

/** At most this many projects in a saved state. */
const MAX_PROJECTS = 10_000;
/** At most this many planned lines in one deployment. */
const MAX_PLAN = 1000;

/** A planned deployment log line. */
export interface MockSavedLogLine {
  step: string;
  level: LogLevel;
  message: string;
  progress: number;
}

/** One project of a `MockBackendState`. Times are the clock's, in ms. */
export interface MockSavedProject {
  projectId: string;
  name?: string;
  url?: string;
  status: ContainerStatus;
  idle: boolean;
  /** `true`: every deployment fails; a number: the next n do. */
  failDeploy: boolean | number;
  reason?: string;
  inactiveTime?: string | number;
  lastError?: string;
  step?: string;
  progress?: number;
  startedAt: number;
  lastActivityAt: number;
  cpu: number;
  memory: number;
  requests: number;
  cpuBase: number;
  memoryBase: number;
  rate: number;
  /** Ms left on the idle countdown. */
  idleLeft: number;
  /** The current deployment's lines, and how many of them were sent. */
  plan: MockSavedLogLine[];
  cursor: number;
  /** Ms until the deployment's next line, when one was scheduled. */
  nextLogIn?: number;
}

/** A simulation as `MockBackend.save()` describes it. JSON-safe; treat it as opaque. */
export interface MockBackendState {
  version: typeof STATE_VERSION;
  /** The clock's time when it was saved. */
  time: number;
  /** The random generator: its seed and how many numbers it has drawn. */
  seed: number;
  draws: number;
  /** The id of the last frame sent; the restored backend numbers on from it. */
  lastId: number;
  /** Ms until the next metrics round, when the timers were running. */
  metricsIn?: number;
  projects: MockSavedProject[];
}

type Fields = Record<string, unknown>;

/** Reads one object's fields, naming the field in what it throws. */
class Reader {
  readonly #fields: Fields;
  readonly #path: string;

  constructor(value: unknown, path: string) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'is not an object');
    this.#fields = value as Fields;
    this.#path = path;
  }

  has(name: string): boolean {
    return this.#fields[name] !== undefined;
  }

  number(name: string, min = -Infinity, max = Infinity, integer = false): number {
    const value = this.#fields[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) this.#fail(name, 'is not a finite number');
    if (value < min || value > max) this.#fail(name, `is out of range (${min} to ${max})`);
    if (integer && !Number.isInteger(value)) this.#fail(name, 'is not an integer');
    return value;
  }

  optionalNumber(name: string, min = -Infinity, max = Infinity): number | undefined {
    return this.has(name) ? this.number(name, min, max) : undefined;
  }

  string(name: string, allowEmpty = true): string {
    const value = this.#fields[name];
    if (typeof value !== 'string') this.#fail(name, 'is not a string');
    if (!allowEmpty && value === '') this.#fail(name, 'is empty');
    if (value.length > MAX_STRING_LENGTH) this.#fail(name, 'is too long');
    return value;
  }

  optionalString(name: string): string | undefined {
    return this.has(name) ? this.string(name) : undefined;
  }

  boolean(name: string): boolean {
    const value = this.#fields[name];
    if (typeof value !== 'boolean') this.#fail(name, 'is not a boolean');
    return value;
  }

  array(name: string, max: number): unknown[] {
    const value = this.#fields[name];
    if (!Array.isArray(value)) this.#fail(name, 'is not an array');
    if (value.length > max) this.#fail(name, `has more than ${max} entries`);
    return value;
  }

  raw(name: string): unknown {
    return this.#fields[name];
  }

  fail(name: string, problem: string): never {
    return this.#fail(name, problem);
  }

  #fail(name: string, problem: string): never {
    return fail(`${this.#path}.${name}`, problem);
  }
}

function fail(path: string, problem: string): never {
  throw new TypeError(`Not a saved mock backend state: ${path} ${problem}`);
}

/**
 * `value` as a `MockBackendState`, copied field by field (unknown fields are left behind), or a
 * `TypeError` saying which field is wrong. It never trusts `value`: anything from storage goes here.
 */
export function readState(value: unknown): MockBackendState {
  const state: Reader = new Reader(value, 'state');
  const version = state.raw('version');
  if (version !== STATE_VERSION) state.fail('version', `is ${JSON.stringify(version) ?? 'missing'}, not ${STATE_VERSION}`);
  const projects = state.array('projects', MAX_PROJECTS).map((item, index) => readProject(item, `state.projects[${index}]`));
  const ids = new Set<string>();
  for (const project of projects) {
    if (ids.has(project.projectId)) state.fail('projects', `lists "${project.projectId}" twice`);
    ids.add(project.projectId);
  }
  const result: MockBackendState = {
    version: STATE_VERSION,
    time: state.number('time'),
    seed: state.number('seed', 0, 0xffffffff, true),
    draws: state.number('draws', 0, Number.MAX_SAFE_INTEGER, true),
    lastId: state.number('lastId', 0, Number.MAX_SAFE_INTEGER, true),
    projects,
  };
  const metricsIn = state.optionalNumber('metricsIn', 0);
  if (metricsIn !== undefined) result.metricsIn = metricsIn;
  return result;
}

function readProject(value: unknown, path: string): MockSavedProject {
  const fields: Reader = new Reader(value, path);
  const status = fields.raw('status');
  if (!isContainerStatus(status)) fields.fail('status', `is not a status: ${String(JSON.stringify(status)).slice(0, 40)}`);
  const failDeploy = fields.raw('failDeploy');
  if (typeof failDeploy !== 'boolean') fields.number('failDeploy', 0, Number.MAX_SAFE_INTEGER, true);
  const plan = fields.array('plan', MAX_PLAN).map((line, index) => readLine(line, `${path}.plan[${index}]`));
  const project: MockSavedProject = {
    projectId: fields.string('projectId', false),
    status,
    idle: fields.boolean('idle'),
    failDeploy: failDeploy as boolean | number,
    startedAt: fields.number('startedAt'),
    lastActivityAt: fields.number('lastActivityAt'),
    cpu: fields.number('cpu'),
    memory: fields.number('memory', 0),
    requests: fields.number('requests', 0),
    cpuBase: fields.number('cpuBase', 0),
    memoryBase: fields.number('memoryBase', 0),
    rate: fields.number('rate', 0),
    idleLeft: fields.number('idleLeft', 0),
    plan,
    cursor: fields.number('cursor', 0, plan.length, true),
  };
  for (const name of ['name', 'url', 'reason', 'lastError', 'step'] as const) {
    const text = fields.optionalString(name);
    if (text !== undefined) project[name] = text;
  }
  if (fields.has('inactiveTime')) {
    project.inactiveTime = typeof fields.raw('inactiveTime') === 'number' ? fields.number('inactiveTime', 0) : fields.string('inactiveTime');
  }
  const progress = fields.optionalNumber('progress', 0, 100);
  if (progress !== undefined) project.progress = progress;
  const nextLogIn = fields.optionalNumber('nextLogIn', 0);
  if (nextLogIn !== undefined) project.nextLogIn = nextLogIn;
  return project;
}

function readLine(value: unknown, path: string): MockSavedLogLine {
  const fields: Reader = new Reader(value, path);
  const level = fields.raw('level');
  if (!isLogLevel(level)) fields.fail('level', `is not a log level: ${String(JSON.stringify(level)).slice(0, 40)}`);
  return { step: fields.string('step'), level, message: fields.string('message'), progress: fields.number('progress', 0, 100) };
}
