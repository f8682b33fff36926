/**
 * A fixed-capacity ring buffer. Pushing onto a full ring evicts the oldest item, which `push`
 * returns so the caller can count it — nothing is ever dropped silently.
 */
export class Ring<T> {
  #items: (T | undefined)[];
  #start = 0;
  #length = 0;
  #capacity: number;
  #edits = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, Math.floor(capacity));
    this.#items = [];
  }

  get capacity(): number {
    return this.#capacity;
  }

  get length(): number {
    return this.#length;
  }

  /**
   * Counts the changes other than appending (clear, retain, resize), so a view that follows the
   * ring by what it appended knows when to start over.
   */
  get edits(): number {
    return this.#edits;
  }

  /** Adds an item; returns true when the oldest one was evicted to make room. */
  push(item: T): boolean {
    if (this.#length < this.#capacity) {
      this.#items[(this.#start + this.#length) % this.#capacity] = item;
      this.#length += 1;
      return false;
    }
    this.#items[this.#start] = item;
    this.#start = (this.#start + 1) % this.#capacity;
    return true;
  }

  /** The item at `index`, 0 being the oldest held. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    return this.#items[(this.#start + index) % this.#capacity];
  }

  last(): T | undefined {
    return this.at(this.#length - 1);
  }

  /** Changes the capacity, keeping the newest items; returns how many were evicted. */
  resize(capacity: number): number {
    const kept = this.toArray();
    this.#edits += 1;
    this.#capacity = Math.max(1, Math.floor(capacity));
    const evicted = Math.max(0, kept.length - this.#capacity);
    this.#items = kept.slice(evicted);
    this.#start = 0;
    this.#length = this.#items.length;
    return evicted;
  }

  /** Keeps only the items for which `keep` is true, in order; returns how many were removed. */
  retain(keep: (item: T) => boolean): number {
    const kept = this.toArray().filter(keep);
    const removed = this.#length - kept.length;
    if (removed === 0) return 0;
    this.#edits += 1;
    this.#items = kept;
    this.#start = 0;
    this.#length = kept.length;
    return removed;
  }

  clear(): void {
    this.#edits += 1;
    this.#items = [];
    this.#start = 0;
    this.#length = 0;
  }

  toArray(): T[] {
    const out = new Array<T>(this.#length);
    for (let i = 0; i < this.#length; i++) out[i] = this.#items[(this.#start + i) % this.#capacity] as T;
    return out;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.#length; i++) yield this.#items[(this.#start + i) % this.#capacity] as T;
  }
}
