import { formatFrame } from './frame.js';
import type { SseLogger } from './log.js';
import type { SseScope } from './scope.js';

interface Entry {
  /** The id of the latest message when the call began: the snapshot stands for the state as of it. */
  readonly asOf: string | undefined;
  readonly value: Promise<unknown>;
  /** When it settled; `undefined` while in flight. */
  settledAt: number | undefined;
  failed: boolean;
  /** The snapshot event's text per scope key: filtered and serialised once per scope. */
  readonly texts: Map<string, string | null>;
}

/**
 * The backend's `snapshot()` called once per moment and shared: clients that need one while a call
 * is in flight, or within `reuseMs` after it settled, get the same (each filtered by its scope,
 * serialised once per scope) and catch up from the bus after its `asOf` id. A call that takes
 * longer than `timeoutMs` fails, and the next client starts a new one.
 */
export class SnapshotCache {
  readonly #snapshot: () => unknown;
  readonly #timeoutMs: number;
  readonly #reuseMs: number;
  readonly #logger: SseLogger;
  #entry: Entry | undefined;
  #calls = 0;

  constructor(snapshot: () => unknown, options: { timeoutMs: number; reuseMs: number; logger: SseLogger }) {
    this.#snapshot = snapshot;
    this.#timeoutMs = Math.max(1, options.timeoutMs);
    this.#reuseMs = Math.max(0, options.reuseMs);
    this.#logger = options.logger;
  }

  /** Calls of the snapshot function so far. */
  get calls(): number {
    return this.#calls;
  }

  /**
   * The `snapshot` event for `scope`, with the id it stands for; `null` when the snapshot has no
   * JSON form or no shape the scope can filter (a warning says so). Rejects when the call fails or
   * times out. `lastId` is the latest message delivered now.
   */
  async textFor(scope: SseScope, lastId: string | undefined): Promise<{ text: string; asOf: string | undefined } | null> {
    const entry = this.#current(lastId);
    const value = await entry.value;
    let text = entry.texts.get(scope.key);
    if (text === undefined) {
      text = this.#format(scope, value, entry.asOf);
      entry.texts.set(scope.key, text);
    }
    return text === null ? null : { text, asOf: entry.asOf };
  }

  #current(lastId: string | undefined): Entry {
    const entry = this.#entry;
    const fresh = entry && !entry.failed && (entry.settledAt === undefined || Date.now() - entry.settledAt <= this.#reuseMs);
    if (fresh) return entry;
    this.#calls += 1;
    const next: Entry = { asOf: lastId, value: this.#call(), settledAt: undefined, failed: false, texts: new Map() };
    next.value.then(
      () => (next.settledAt = Date.now()),
      () => {
        next.settledAt = Date.now();
        next.failed = true;
      },
    );
    this.#entry = next;
    return next;
  }

  #call(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`snapshot() did not answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
      (timer as { unref?(): void }).unref?.();
      try {
        Promise.resolve(this.#snapshot()).then(
          (value) => {
            clearTimeout(timer);
            resolve(value);
          },
          (error: unknown) => {
            clearTimeout(timer);
            reject(error);
          },
        );
      } catch (error) {
        clearTimeout(timer);
        reject(error);
      }
    });
  }

  #format(scope: SseScope, value: unknown, asOf: string | undefined): string | null {
    const filtered = scope.filterSnapshot(value);
    if (filtered === undefined) {
      this.#logger.warn('[live-elements/server] snapshot() returned neither an array of projects nor { projects: [...] }: it cannot be filtered for a viewer with limited projects, so none was sent');
      return null;
    }
    const json = JSON.stringify(filtered);
    if (json === undefined) {
      this.#logger.warn('[live-elements/server] snapshot() returned a value with no JSON form; no snapshot sent');
      return null;
    }
    return formatFrame({ id: asOf, event: 'snapshot', data: json });
  }
}
