/**
 * The store's logs stored compactly, loaded lazily: `log-ring.ts` holds entries as objects until
 * this module has loaded, then moves them here.
 */
import { LOG_LEVELS } from './protocol.js';
import type { LogLines } from './log-ring.js';
import type { Ring } from './ring.js';
import type { LogEntry } from './store.js';

/** Lines per chunk at most: once full, a chunk's messages are one string. */
export const CHUNK = 1024;

/** A project's log holding the entries of `ring`, in order. */
export function compactLog(ring: Ring<LogEntry>): CompactLogRing {
  const log = new CompactLogRing(ring.capacity);
  for (const entry of ring) log.push(entry);
  return log;
}

/**
 * The all-projects log showing the entries of `ring`, in order: they move to a log of their own
 * (the projects' logs hold theirs apart), which keeps them while they are shown.
 */
export function compactMerged(ring: Ring<LogEntry>): CompactMergedLogRing {
  const own = new CompactLogRing(ring.capacity);
  const merged = new CompactMergedLogRing(ring.capacity);
  for (const entry of ring) {
    own.push(entry);
    merged.add(own);
  }
  own.clear();
  return merged;
}

/**
 * The columns of up to `size` lines. Flags: the level (its place in `LOG_LEVELS` + 1, 0 for none)
 * in the low 3 bits, then `history`, a progress, an id.
 * @internal
 */
export class LogChunk {
  /** Lines it holds when full. */
  readonly size: number;
  /** The messages joined, once the chunk is full; `parts` until then. */
  text = '';
  parts: string[] | undefined = [];
  /** Where each message ends in `text`. These five columns share one buffer, which grows to `size` as lines come. */
  ends!: Uint32Array;
  seq!: Float64Array;
  time!: Float64Array;
  flags!: Uint8Array;
  projects!: Uint16Array;
  /** Project ids and steps, each once per chunk. */
  names: string[] = [];
  /** The step's place in `names` + 1 (0: none). */
  steps: Uint16Array | undefined;
  progress: Float64Array | undefined;
  ids: string[] | undefined;
  idText = '';
  idEnds: Uint32Array | undefined;

  constructor(size: number, room: number) {
    this.size = size;
    this.#columns(room);
  }

  message(k: number): string {
    return this.parts ? this.parts[k] : this.text.slice(k > 0 ? this.ends[k - 1] : 0, this.ends[k]);
  }

  entry(k: number): LogEntry {
    const flags = this.flags[k];
    const entry: LogEntry = { seq: this.seq[k], projectId: this.names[this.projects[k]], time: this.time[k], level: LOG_LEVELS[(flags & 7) - 1], message: this.message(k) };
    const step = this.steps?.[k];
    if (step) entry.step = this.names[step - 1];
    if (flags & 16) entry.progress = this.progress![k];
    if (flags & 32) entry.id = this.ids ? this.ids[k] : this.idText.slice(k > 0 ? this.idEnds![k - 1] : 0, this.idEnds![k]);
    if (flags & 8) entry.history = true;
    return entry;
  }

  #name(name: string): number {
    const at = this.names.indexOf(name);
    return at < 0 ? this.names.push(name) - 1 : at;
  }

  /** Moves the five columns to a buffer of `room` lines. */
  #columns(room: number): void {
    const { seq, time, ends, projects, flags } = this;
    const buffer = new ArrayBuffer(room * 23);
    this.seq = new Float64Array(buffer, 0, room);
    this.time = new Float64Array(buffer, room * 8, room);
    this.ends = new Uint32Array(buffer, room * 16, room);
    this.projects = new Uint16Array(buffer, room * 20, room);
    this.flags = new Uint8Array(buffer, room * 22, room);
    if (seq) {
      this.seq.set(seq);
      this.time.set(time);
      this.ends.set(ends);
      this.projects.set(projects);
      this.flags.set(flags);
    }
  }

  write(k: number, entry: LogEntry): void {
    if (k === this.seq.length) {
      const room = Math.min(this.size, k * 4);
      this.#columns(room);
      if (this.steps) this.steps = resized(this.steps, room);
      if (this.progress) this.progress = resized(this.progress, room);
    }
    const message = entry.message;
    this.parts!.push(message);
    this.ends[k] = (k > 0 ? this.ends[k - 1] : 0) + message.length;
    this.seq[k] = entry.seq;
    this.time[k] = entry.time;
    this.projects[k] = this.#name(entry.projectId);
    let flags = LOG_LEVELS.indexOf(entry.level!) + 1;
    if (entry.step !== undefined) (this.steps ??= new Uint16Array(this.seq.length))[k] = this.#name(entry.step) + 1;
    if (entry.progress !== undefined) {
      flags |= 16;
      (this.progress ??= new Float64Array(this.seq.length))[k] = entry.progress;
    }
    if (entry.id !== undefined) {
      flags |= 32;
      (this.ids ??= new Array<string>(k).fill(''))[k] = entry.id;
    } else if (this.ids) this.ids[k] = '';
    if (entry.history) flags |= 8;
    this.flags[k] = flags;
    if (k === this.size - 1) {
      // Full: one string each for the messages and the ids.
      this.text = this.parts!.join('');
      this.parts = undefined;
      if (this.ids) {
        let end = 0;
        this.idEnds = new Uint32Array(k + 1);
        for (let i = 0; i <= k; i++) this.idEnds[i] = end += this.ids[i].length;
        this.idText = this.ids.join('');
        this.ids = undefined;
      }
    }
  }
}

/** What both logs do the same way, from `at` and `length`. */
abstract class Lines {
  abstract readonly length: number;
  abstract at(index: number): LogEntry | undefined;

  last(): LogEntry | undefined {
    return this.at(this.length - 1);
  }

  toArray(): LogEntry[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i)!);
  }

  *[Symbol.iterator](): IterableIterator<LogEntry> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }
}

/**
 * A fixed-capacity log of entries, stored by columns: the messages of every `CHUNK` lines in one
 * string with their ends in a typed array, the other fields in typed arrays, so a million lines of
 * 80 characters take under 90 MB (85 MB measured, with the all-projects view) and no object each. `at()` makes the entry it
 * returns. Pushing onto a full log evicts the oldest entry, which `push` says so the caller can
 * count it — nothing is ever dropped silently.
 *
 * Positions count every line ever pushed. A `CompactMergedLogRing` that shows some of them keeps them
 * stored (`hold`) after this log evicted or cleared them.
 */
export class CompactLogRing extends Lines implements LogLines {
  #capacity: number;
  /** Lines per chunk: a power of two up to `CHUNK`, a quarter of the capacity or less, so a small log wastes little. */
  readonly #size: number;
  #edits = 0;
  #chunks: LogChunk[] = [];
  /** The chunk number of `#chunks[0]`. */
  #first = 0;
  /** Positions of the oldest entry held and after the newest. */
  #start = 0;
  #end = 0;
  /** The lowest position another view still reads. */
  #hold = Infinity;

  constructor(capacity: number) {
    super();
    this.#capacity = Math.max(1, Math.floor(capacity));
    let size = 16;
    while (size < CHUNK && size * 8 <= this.#capacity) size *= 2;
    this.#size = size;
  }

  get capacity(): number {
    return this.#capacity;
  }

  get length(): number {
    return this.#end - this.#start;
  }

  get edits(): number {
    return this.#edits;
  }

  /** Adds an entry (its fields are copied); returns true when the oldest one was evicted to make room. */
  push(entry: LogEntry): boolean {
    const size = this.#size;
    const k = this.#end % size;
    if (k === 0) {
      if (this.#chunks.length === 0) this.#first = this.#end / size;
      // The first chunk grows as lines come; after it, a log this busy fills the next ones too.
      this.#chunks.push(new LogChunk(size, this.#end > 0 ? size : Math.min(size, 16)));
    }
    this.#chunks[this.#chunks.length - 1].write(k, entry);
    this.#end += 1;
    if (this.length <= this.#capacity) return false;
    this.#start += 1;
    if (this.#start % size === 0) this.#trim();
    return true;
  }

  at(index: number): LogEntry | undefined {
    return index >= 0 && index < this.length ? this.read(this.#start + index) : undefined;
  }

  resize(capacity: number): number {
    this.#edits += 1;
    this.#capacity = Math.max(1, Math.floor(capacity));
    const evicted = Math.max(0, this.length - this.#capacity);
    this.#start += evicted;
    this.#trim();
    return evicted;
  }

  retain(keep: (entry: LogEntry) => boolean): number {
    const kept = this.toArray().filter(keep);
    const removed = this.length - kept.length;
    if (removed === 0) return 0;
    // The kept entries move to new positions: what a merged view reads stays where it was.
    this.clear();
    for (const entry of kept) this.push(entry);
    return removed;
  }

  clear(): void {
    this.#edits += 1;
    this.#start = this.#end;
    this.#trim();
  }

  chunkAt(index: number): LogChunk | undefined {
    return this.chunkOf(this.#start + index);
  }

  slot(index: number): number {
    return (this.#start + index) % this.#size;
  }

  /** @internal The position of the newest entry. */
  get newest(): number {
    return this.#end - 1;
  }

  /** @internal The chunk of a position still stored. */
  chunkOf(position: number): LogChunk | undefined {
    return this.#chunks[Math.floor(position / this.#size) - this.#first];
  }

  /** @internal Where a position is in its chunk. */
  slotOf(position: number): number {
    return position % this.#size;
  }

  /** @internal The entry at a position still stored. */
  read(position: number): LogEntry {
    return this.chunkOf(position)!.entry(position % this.#size);
  }

  /** @internal Another view reads positions from `position` on (`Infinity`: none). */
  hold(position: number): void {
    this.#hold = position;
    this.#trim();
  }

  /** Lets go of the chunks no one reads any more. */
  #trim(): void {
    const floor = Math.min(this.#start, this.#hold);
    let drop = 0;
    while (drop < this.#chunks.length && (this.#first + drop + 1) * this.#size <= floor) drop++;
    if (drop === 0) return;
    this.#chunks.splice(0, drop);
    this.#first += drop;
  }
}

/**
 * Every project's log in one, newest `capacity` entries across all: references to lines the
 * projects' `CompactLogRing`s store (which keep them while referenced here), so no line is held twice.
 */
export class CompactMergedLogRing extends Lines implements LogLines {
  #capacity: number;
  #edits = 0;
  /** A circular list of (log, position), `#size` long. */
  #logs = new Uint32Array(16);
  #positions = new Float64Array(16);
  #head = 0;
  #length = 0;
  /** The logs referenced, by number; how many references each has. */
  #table: (CompactLogRing | undefined)[] = [];
  #counts: number[] = [];
  #numbers = new Map<CompactLogRing, number>();

  constructor(capacity: number) {
    super();
    this.#capacity = Math.max(1, Math.floor(capacity));
  }

  get capacity(): number {
    return this.#capacity;
  }

  get length(): number {
    return this.#length;
  }

  get edits(): number {
    return this.#edits;
  }

  /** Adds the newest entry of `log`; returns true when the oldest one was evicted to make room. */
  add(log: CompactLogRing): boolean {
    const full = this.#length === this.#capacity;
    if (full) this.#evict();
    this.#add(log, log.newest);
    return full;
  }

  at(index: number): LogEntry | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    const at = (this.#head + index) % this.#logs.length;
    return this.#table[this.#logs[at]]!.read(this.#positions[at]);
  }


  resize(capacity: number): number {
    this.#edits += 1;
    this.#capacity = Math.max(1, Math.floor(capacity));
    const evicted = Math.max(0, this.#length - this.#capacity);
    for (let i = 0; i < evicted; i++) this.#evict();
    this.#grow(Math.max(16, this.#length));
    return evicted;
  }

  retain(keep: (entry: LogEntry) => boolean): number {
    const size = this.#logs.length;
    const kept: number[] = [];
    for (let i = 0; i < this.#length; i++) if (keep(this.at(i)!)) kept.push((this.#head + i) % size);
    const removed = this.#length - kept.length;
    if (removed === 0) return 0;
    this.#edits += 1;
    const table = this.#table;
    const logs = this.#logs;
    const positions = this.#positions;
    this.#reset();
    // Referenced again in order: the first reference to each log holds from its position on.
    for (const at of kept) this.#add(table[logs[at]]!, positions[at]);
    for (const log of table) if (log && !this.#numbers.has(log)) log.hold(Infinity);
    return removed;
  }

  clear(): void {
    this.#edits += 1;
    for (const log of this.#table) log?.hold(Infinity);
    this.#reset();
  }

  chunkAt(index: number): LogChunk | undefined {
    const at = (this.#head + index) % this.#logs.length;
    return this.#table[this.#logs[at]]?.chunkOf(this.#positions[at]);
  }

  slot(index: number): number {
    const at = (this.#head + index) % this.#logs.length;
    return this.#table[this.#logs[at]]!.slotOf(this.#positions[at]);
  }

  #reset(): void {
    this.#table = [];
    this.#counts = [];
    this.#numbers.clear();
    this.#head = this.#length = 0;
    this.#logs = new Uint32Array(16);
    this.#positions = new Float64Array(16);
  }

  #add(log: CompactLogRing, position: number): void {
    if (this.#length === this.#logs.length) this.#grow(Math.min(this.#capacity, this.#length * 2));
    let number = this.#numbers.get(log);
    if (number === undefined) {
      number = this.#table.indexOf(undefined);
      if (number < 0) number = this.#table.length;
      this.#table[number] = log;
      this.#counts[number] = 0;
      this.#numbers.set(log, number);
    }
    if (this.#counts[number]++ === 0) log.hold(position);
    const at = (this.#head + this.#length) % this.#logs.length;
    this.#logs[at] = number;
    this.#positions[at] = position;
    this.#length += 1;
  }

  /** Drops the oldest reference; its log keeps only what is still referenced. */
  #evict(): void {
    const number = this.#logs[this.#head];
    const log = this.#table[number]!;
    const left = --this.#counts[number];
    // References to one log are in increasing position: the next one is past this.
    log.hold(left > 0 ? this.#positions[this.#head] + 1 : Infinity);
    if (left === 0) {
      this.#table[number] = undefined;
      this.#numbers.delete(log);
    }
    this.#head = (this.#head + 1) % this.#logs.length;
    this.#length -= 1;
  }

  /** Moves the references to arrays of `size`, oldest first. */
  #grow(size: number): void {
    const logs = new Uint32Array(size);
    const positions = new Float64Array(size);
    for (let i = 0; i < this.#length; i++) {
      const at = (this.#head + i) % this.#logs.length;
      logs[i] = this.#logs[at];
      positions[i] = this.#positions[at];
    }
    this.#logs = logs;
    this.#positions = positions;
    this.#head = 0;
  }
}

function resized<T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(array: T, size: number): T {
  const next = new (array.constructor as new (size: number) => T)(size);
  next.set(array);
  return next;
}
