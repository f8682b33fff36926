import { Ring } from './ring.js';
import type { CompactLogRing, CompactMergedLogRing, LogChunk } from './log-compact.js';
import type { LogEntry } from './store.js';

/** What the store's logs offer: `store.logs()` and a project's `logs`. */
export interface LogLines extends Iterable<LogEntry> {
  readonly capacity: number;
  readonly length: number;
  /**
   * Counts the changes other than appending (clear, retain, resize), so a view that follows the
   * log by what it appended knows when to start over.
   */
  readonly edits: number;
  /** The entry at `index`, 0 being the oldest held. */
  at(index: number): LogEntry | undefined;
  last(): LogEntry | undefined;
  /** Changes the capacity, keeping the newest entries; returns how many were evicted. */
  resize(capacity: number): number;
  /** Keeps only the entries for which `keep` is true, in order; returns how many were removed. */
  retain(keep: (entry: LogEntry) => boolean): number;
  clear(): void;
  toArray(): LogEntry[];
  /** @internal The chunk holding the entry at `index`, and where in it (`slot`); none before the compact logs have loaded. */
  chunkAt(index: number): LogChunk | undefined;
  /** @internal */
  slot(index: number): number;
}

type Engine = typeof import('./log-compact.js');

/** @internal The compact logs, once loaded. */
export const engine: { loaded?: Engine } = {};
let loading: Promise<void> | undefined;

/**
 * @internal Loads the compact logs, once; settles (never rejects) when they have loaded, or failed
 * to (a file missing beside the bundle): the logs then keep their entries as objects.
 */
export function loadEngine(): Promise<void> {
  return (loading ??= import('./log-compact.js').then(
    (module) => void (engine.loaded = module),
    () => undefined,
  ));
}

/**
 * A log that holds its entries as objects in a `Ring` until the compact logs (`log-compact.ts`, a
 * million lines of 80 characters in under 90 MB, loaded lazily as the first store starts) have
 * arrived; its next call moves them there, in order, and it goes on from them. The move loses,
 * reorders and evicts nothing, and is no edit: every entry keeps its index.
 */
abstract class Lines<C extends CompactLogRing | CompactMergedLogRing> implements LogLines {
  #held: Ring<LogEntry> | C;
  #edits = 0;

  constructor(capacity: number) {
    this.#held = new Ring(capacity);
  }

  /** @internal What holds the entries, moved to the compact logs first if they have loaded. */
  get held(): Ring<LogEntry> | C {
    const held = this.#held;
    if (engine.loaded && held instanceof Ring) {
      this.#edits = held.edits;
      this.#held = this.compact(engine.loaded, held);
    }
    return this.#held;
  }

  protected abstract compact(engine: Engine, ring: Ring<LogEntry>): C;

  get capacity(): number {
    return this.held.capacity;
  }

  get length(): number {
    return this.held.length;
  }

  get edits(): number {
    return this.held.edits + this.#edits;
  }

  at(index: number): LogEntry | undefined {
    return this.held.at(index);
  }

  last(): LogEntry | undefined {
    return this.held.last();
  }

  resize(capacity: number): number {
    return this.held.resize(capacity);
  }

  retain(keep: (entry: LogEntry) => boolean): number {
    return this.held.retain(keep);
  }

  clear(): void {
    this.held.clear();
  }

  toArray(): LogEntry[] {
    return this.held.toArray();
  }

  [Symbol.iterator](): IterableIterator<LogEntry> {
    return this.held[Symbol.iterator]();
  }

  chunkAt(index: number): LogChunk | undefined {
    const held = this.held;
    return held instanceof Ring ? undefined : held.chunkAt(index);
  }

  slot(index: number): number {
    return (this.held as C).slot(index);
  }
}

/**
 * A fixed-capacity log of entries. Pushing onto a full log evicts the oldest entry, which `push`
 * says so the caller can count it — nothing is ever dropped silently.
 */
export class LogRing extends Lines<CompactLogRing> {
  /** Adds an entry; returns true when the oldest one was evicted to make room. */
  push(entry: LogEntry): boolean {
    return this.held.push(entry);
  }

  protected compact(engine: Engine, ring: Ring<LogEntry>): CompactLogRing {
    return engine.compactLog(ring);
  }
}

/**
 * Every project's log in one, newest `capacity` entries across all: the lines the projects' logs
 * hold, not copies (those shown when the compact logs arrive move into a log of the view's own).
 * Making one starts loading the compact logs.
 */
export class MergedLogRing extends Lines<CompactMergedLogRing> {
  constructor(capacity: number) {
    super(capacity);
    void loadEngine();
  }

  /** Adds the newest entry of `log`; returns true when the oldest one was evicted to make room. */
  add(log: LogRing): boolean {
    const held = this.held;
    return held instanceof Ring ? held.push(log.last()!) : held.add(log.held as CompactLogRing);
  }

  protected compact(engine: Engine, ring: Ring<LogEntry>): CompactMergedLogRing {
    return engine.compactMerged(ring);
  }
}
