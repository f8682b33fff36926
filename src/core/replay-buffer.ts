/**
 * The latest numbered messages of a stream, kept so that a client that reconnects can be sent exactly
 * what it missed. Bounded by count and by bytes; once an entry is evicted, a resume from before it
 * is refused (`undefined`), so the caller sends a snapshot instead of a replay with a hole in it.
 *
 * Sequence numbers only increase; they need not be contiguous (a snapshot may use one up without
 * being kept).
 */
export interface ReplayBufferOptions<T> {
  /** Entries kept at most (0 keeps none). */
  limit: number;
  /** Bytes kept at most, as measured by `sizeOf` (default: unbounded). */
  maxBytes?: number;
  /** The size of one entry in bytes (default 0). */
  sizeOf?: (item: T) => number;
}

export class ReplayBuffer<T> {
  readonly #limit: number;
  readonly #maxBytes: number;
  readonly #sizeOf: (item: T) => number;
  #seqs: number[] = [];
  #items: T[] = [];
  #sizes: number[] = [];
  /** Index of the oldest kept entry (a queue without shifting on every push). */
  #head = 0;
  #bytes = 0;
  #evictedThrough = 0;

  constructor(options: ReplayBufferOptions<T>) {
    this.#limit = Math.max(0, Math.floor(options.limit));
    this.#maxBytes = Math.max(0, options.maxBytes ?? Number.POSITIVE_INFINITY);
    this.#sizeOf = options.sizeOf ?? (() => 0);
  }

  /** Entries kept now. */
  get length(): number {
    return this.#seqs.length - this.#head;
  }

  /** Keeps `item` under `seq`, evicting the oldest entries beyond the limits. */
  push(seq: number, item: T): void {
    if (this.#limit === 0) {
      this.#evictedThrough = seq;
      return;
    }
    const size = this.#sizeOf(item);
    this.#seqs.push(seq);
    this.#items.push(item);
    this.#sizes.push(size);
    this.#bytes += size;
    while (this.length > this.#limit || (this.#bytes > this.#maxBytes && this.length > 0)) this.#evictOne();
    // Evicted entries are cut off in one go once they are as many as the kept ones.
    if (this.#head > 64 && this.#head * 2 >= this.#seqs.length) {
      this.#seqs = this.#seqs.slice(this.#head);
      this.#items = this.#items.slice(this.#head);
      this.#sizes = this.#sizes.slice(this.#head);
      this.#head = 0;
    }
  }

  /**
   * The entries after `seq`, oldest first, or `undefined` when some of them were evicted. The caller
   * checks that `seq` is one it issued (not beyond its latest).
   */
  since(seq: number): T[] | undefined {
    if (seq < this.#evictedThrough) return undefined;
    const seqs = this.#seqs;
    let low = this.#head;
    let high = seqs.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (seqs[mid]! <= seq) low = mid + 1;
      else high = mid;
    }
    return this.#items.slice(low);
  }

  /** Forgets everything; later resumes from before now are refused. */
  clear(throughSeq: number): void {
    this.#seqs = [];
    this.#items = [];
    this.#sizes = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#evictedThrough = Math.max(this.#evictedThrough, throughSeq);
  }

  #evictOne(): void {
    const index = this.#head;
    this.#evictedThrough = this.#seqs[index]!;
    this.#bytes -= this.#sizes[index]!;
    (this.#items as (T | undefined)[])[index] = undefined;
    this.#head += 1;
  }
}
