import type { LogChunk } from '../core/log-compact.js';
import type { LogEntry } from '../core/store.js';

/** What the index reads: the store's logs, or an array for presentational entries. */
export interface LogSource {
  readonly length: number;
  /** The entry at `index`, 0 being the oldest. Entries are in increasing `seq` order. */
  at(index: number): LogEntry | undefined;
  /** Changes other than appending (the store's rings count them): the rows start over. */
  readonly edits?: number;
  /** The store's logs: the chunk of columns holding the entry at `index`, and where in it. */
  chunkAt?(index: number): LogChunk | undefined;
  slot?(index: number): number;
}

export type LogPredicate = (entry: LogEntry) => boolean;

/**
 * Whether the entry at `index` of `source` passes a filter, read from the source's columns without
 * making the entry; undefined for an entry not in columns, which the predicate decides.
 */
export type LogTest = (source: LogSource, index: number) => boolean | undefined;

/** Entries a scan step looks at between two looks at the clock. */
const STEP = 256;

/** What changed in the rows since the previous `sync`. */
export interface SyncResult {
  /** The source was replaced (or the filter changed): every row is new. */
  reset: boolean;
  /** Rows removed from the front (evicted by the ring, or cleared). */
  removed: number;
  /** Rows added at the end. */
  added: number;
  /** Entries that arrived in the source, shown or not. */
  arrived: number;
}

/**
 * The rows a log view shows, over a bounded source it never copies.
 *
 * Without a filter, row `i` is `source.at(i)`. With one, the index keeps the absolute positions of
 * the matching entries in a typed array, extended by the entries that arrived since the last `sync`
 * and trimmed at the front as the ring evicts. A new filter starts a scan of what is held, oldest
 * first, run in steps (`scan`) until a deadline, so a million entries never make one long task;
 * the rows found so far are shown meanwhile, and entries arriving during the scan join it.
 *
 * New entries are found by `seq`: the source holds entries in increasing `seq` order, so the ones
 * after the last seen `seq` are new, and whatever the length lost beyond that was evicted.
 */
export class LogIndex {
  #source: LogSource | undefined;
  #edits = 0;
  #held = 0;
  #lastSeq = -Infinity;
  /** Absolute position of `source.at(0)`. */
  #base = 0;
  #predicate: LogPredicate | undefined;
  #positions = new Float64Array(1024);
  #head = 0;
  #tail = 0;
  /** The absolute position the scan reaches next (`Infinity` when there is no scan). */
  #scanAt = Infinity;
  #test: LogTest | undefined;

  /** Entries a new filter's scan looks at at once (in `setPredicate`, or a reset); `scan` does the rest. */
  firstStep = Infinity;

  /** Entries the source held at the last `sync`. */
  get held(): number {
    return this.#held;
  }

  /** Rows shown: every held entry, or the matching ones under a filter. */
  get rows(): number {
    return this.#predicate ? this.#tail - this.#head : this.#held;
  }

  /** The `seq` of the newest entry seen (`-Infinity` before any). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  get filtered(): boolean {
    return this.#predicate !== undefined;
  }

  /** True while a new filter's scan has entries left to look at. */
  get scanning(): boolean {
    return this.#scanAt < Infinity;
  }

  /** True when `source` is the one synced and has not changed since. */
  isCurrent(source: LogSource): boolean {
    if (source !== this.#source || source.length !== this.#held || (source.edits ?? 0) !== this.#edits) return false;
    return this.#held === 0 || source.at(this.#held - 1)?.seq === this.#lastSeq;
  }

  /** The entry shown in `row`, as of the last `sync`. */
  entry(row: number): LogEntry | undefined {
    if (!this.#source || row < 0 || row >= this.rows) return undefined;
    if (!this.#predicate) return this.#source.at(row);
    return this.#source.at(this.#positions[this.#head + row] - this.#base);
  }

  /** The first row whose entry's `seq` is at least `seq` (`rows` when there is none). */
  lowerBound(seq: number): number {
    let low = 0;
    let high = this.rows;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.entry(mid)?.seq ?? Infinity) < seq) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /**
   * Brings the rows up to date with `source`. A different source resets the rows, unless
   * `continues` says it carries on an empty one (the store's placeholder for a project it did not
   * know yet, replaced by the project's log): then its entries count as arrivals.
   */
  sync(source: LogSource, continues = false): SyncResult {
    const length = source.length;
    if (source !== this.#source) {
      if (!continues || this.#held > 0 || this.#source === undefined) return this.#reset(source);
      this.#source = source;
      this.#base = 0;
    }
    // Entries removed from the middle (one project's lines cleared from the all-projects log)
    // cannot be told from evictions at the front: start over.
    if ((source.edits ?? 0) !== this.#edits) return this.#reset(source);
    let fresh = 0;
    while (fresh < length && (source.at(length - 1 - fresh)?.seq ?? -Infinity) > this.#lastSeq) fresh++;
    const survivors = length - fresh;
    const evicted = this.#held - survivors;
    if (evicted < 0) return this.#reset(source);
    const rowsBefore = this.rows;
    this.#base += evicted;
    this.#held = length;
    if (length > 0) this.#lastSeq = source.at(length - 1)!.seq;
    if (!this.#predicate) return { reset: false, removed: evicted, added: fresh, arrived: fresh };
    let removed = 0;
    while (this.#head < this.#tail && this.#positions[this.#head] < this.#base) {
      this.#head++;
      removed++;
    }
    // The scan reaches the new entries in its turn.
    if (this.scanning) this.#scanAt = Math.max(this.#scanAt, this.#base);
    else for (let i = survivors; i < length; i++) {
      if (this.#predicate(source.at(i)!)) this.#push(this.#base + i);
    }
    return { reset: false, removed, added: this.rows - (rowsBefore - removed), arrived: fresh };
  }

  /**
   * Sets (or removes) the filter: the rows start over, with what the first step of the scan finds
   * (`firstStep`); `scan` finds the rest. `test`, when given, says the same as `predicate` for the
   * store's logs, faster (it reads their columns).
   */
  setPredicate(predicate: LogPredicate | undefined, source: LogSource, test?: LogTest): SyncResult {
    this.#predicate = predicate;
    this.#test = test;
    return this.#reset(source);
  }

  /**
   * Looks at held entries for the filter, at least `min` of them, then until `deadline`
   * (`performance.now()` time); returns how many rows it found. Bring the rows up to date with
   * `sync` first: the scan reads the source as of the last one.
   */
  scan(deadline: number, min = 0): number {
    const source = this.#source;
    const predicate = this.#predicate;
    if (!source || !predicate || !this.scanning) return 0;
    const test = this.#test;
    const before = this.#tail - this.#head;
    const end = this.#base + this.#held;
    let at = this.#scanAt;
    while (at < end) {
      const stop = Math.min(end, at + STEP);
      for (; at < stop; at++) if (test?.(source, at - this.#base) ?? predicate(source.at(at - this.#base)!)) this.#push(at);
      if ((min -= STEP) <= 0 && performance.now() >= deadline) break;
    }
    this.#scanAt = at < end ? at : Infinity;
    return this.#tail - this.#head - before;
  }

  #reset(source: LogSource): SyncResult {
    this.#source = source;
    this.#edits = source.edits ?? 0;
    this.#held = source.length;
    this.#lastSeq = this.#held > 0 ? source.at(this.#held - 1)!.seq : -Infinity;
    this.#base = 0;
    this.#head = 0;
    this.#tail = 0;
    this.#scanAt = this.#predicate && this.#held > 0 ? 0 : Infinity;
    this.scan(-Infinity, this.firstStep);
    return { reset: true, removed: 0, added: this.rows, arrived: 0 };
  }

  #push(position: number): void {
    if (this.#tail === this.#positions.length) {
      const live = this.#tail - this.#head;
      // Compact in place when at least half is dead space; grow otherwise.
      const target = live * 2 <= this.#positions.length ? this.#positions : new Float64Array(this.#positions.length * 2);
      if (target === this.#positions) this.#positions.copyWithin(0, this.#head, this.#tail);
      else target.set(this.#positions.subarray(this.#head, this.#tail));
      this.#positions = target;
      this.#head = 0;
      this.#tail = live;
    }
    this.#positions[this.#tail++] = position;
  }
}
