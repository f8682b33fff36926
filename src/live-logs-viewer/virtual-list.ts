/**
 * Row geometry for a virtualized list, with no DOM and no Lit.
 *
 * Rows form a sequence that grows at the end and loses rows at the front (a ring that evicts its
 * oldest entries). Two modes:
 *
 * - **fixed**: every row has the same height; offsets are multiplications (the no-wrap fast path).
 * - **measured**: each row has its own height — the estimate until the view measures it. Heights live
 *   in a Fenwick tree over absolute positions, so offsets, the row at a pixel, and updates are
 *   O(log n). Dropping rows at the front only moves a base index; the arrays are compacted (one
 *   linear rebuild) when the rows reach their end, which amortizes to O(1) per row.
 *
 * Heights are rounded to 1/64 px (the layout unit), so the sums are exact in float64 and never drift.
 */
export class RowHeights {
  #estimate: number;
  #fixed: boolean;
  #count = 0;
  /** Absolute position of row 0. */
  #base = 0;
  #capacity = 0;
  /** Height per absolute position (measured mode). */
  #values = new Float64Array(0);
  /** Fenwick tree over `#values`, 1-based. */
  #tree = new Float64Array(1);

  constructor(estimate = 20, fixed = true) {
    this.#estimate = snap(estimate);
    this.#fixed = fixed;
  }

  /** Number of rows. */
  get count(): number {
    return this.#count;
  }

  /** The height of a row that was never measured (every row's height in fixed mode). */
  get estimate(): number {
    return this.#estimate;
  }

  get fixed(): boolean {
    return this.#fixed;
  }

  /** Total height of all rows. */
  get total(): number {
    return this.offset(this.#count);
  }

  /** Forgets every measurement: `count` rows of the estimated height. */
  reset(count: number, estimate = this.#estimate, fixed = this.#fixed): void {
    this.#estimate = snap(estimate);
    this.#fixed = fixed;
    this.#count = Math.max(0, count);
    this.#base = 0;
    if (fixed) {
      this.#capacity = 0;
      this.#values = new Float64Array(0);
      this.#tree = new Float64Array(1);
      return;
    }
    this.#allocate(capacityFor(this.#count), 0, 0);
  }

  /** Adds `n` rows of the estimated height at the end. */
  append(n: number): void {
    if (n <= 0) return;
    if (this.#fixed) {
      this.#count += n;
      return;
    }
    if (this.#base + this.#count + n > this.#capacity) {
      this.#allocate(capacityFor(this.#count + n), this.#base, this.#count);
    }
    const estimate = this.#estimate;
    for (let p = this.#base + this.#count, end = p + n; p < end; p++) {
      this.#values[p] = estimate;
      this.#add(p, estimate);
    }
    this.#count += n;
  }

  /** Removes `n` rows from the front. */
  dropFront(n: number): void {
    const k = Math.min(Math.max(0, n), this.#count);
    this.#count -= k;
    if (!this.#fixed) this.#base += k;
  }

  /** Records a row's measured height; returns how much the total changed. */
  set(row: number, height: number): number {
    if (this.#fixed || row < 0 || row >= this.#count) return 0;
    const p = this.#base + row;
    const delta = snap(height) - this.#values[p];
    if (delta !== 0) {
      this.#values[p] += delta;
      this.#add(p, delta);
    }
    return delta;
  }

  /** A row's height (measured, or the estimate). */
  height(row: number): number {
    if (this.#fixed) return this.#estimate;
    return row >= 0 && row < this.#count ? this.#values[this.#base + row] : 0;
  }

  /** The top of `row` (the sum of the heights before it); `offset(count)` is the total. */
  offset(row: number): number {
    const r = Math.min(Math.max(0, row), this.#count);
    if (this.#fixed) return r * this.#estimate;
    return this.#prefix(this.#base + r) - this.#prefix(this.#base);
  }

  /** The row that contains the pixel `y` (clamped to the rows there are; 0 when there are none). */
  indexAt(y: number): number {
    if (this.#count === 0) return 0;
    if (y <= 0) return 0;
    if (this.#fixed) return Math.min(this.#count - 1, Math.floor(y / this.#estimate));
    // Fenwick descent: the largest position whose prefix sum is ≤ the target.
    let remaining = y + this.#prefix(this.#base);
    let position = 0;
    for (let step = highestPowerOfTwo(this.#capacity); step > 0; step >>= 1) {
      const next = position + step;
      if (next <= this.#capacity && this.#tree[next] <= remaining) {
        position = next;
        remaining -= this.#tree[next];
      }
    }
    return Math.min(this.#count - 1, Math.max(0, position - this.#base));
  }

  /**
   * The rows to render for a viewport `[top, top + height)`, with `overscan` pixels more on each
   * side: `[first, last)`.
   */
  range(top: number, height: number, overscan: number): [number, number] {
    if (this.#count === 0) return [0, 0];
    const first = this.indexAt(top - overscan);
    const last = Math.min(this.#count, this.indexAt(top + height + overscan) + 1);
    return [first, last];
  }

  /** Moves the rows to a fresh array of `capacity` positions starting at 0, and rebuilds the tree. */
  #allocate(capacity: number, from: number, count: number): void {
    const values = new Float64Array(capacity);
    values.set(this.#values.subarray(from, from + count));
    if (count < this.#count) values.fill(this.#estimate, count, this.#count);
    this.#values = values;
    this.#capacity = capacity;
    this.#base = 0;
    const tree = new Float64Array(capacity + 1);
    for (let i = 1; i <= capacity; i++) {
      tree[i] += values[i - 1];
      const j = i + (i & -i);
      if (j <= capacity) tree[j] += tree[i];
    }
    this.#tree = tree;
  }

  #add(position: number, delta: number): void {
    for (let i = position + 1; i <= this.#capacity; i += i & -i) this.#tree[i] += delta;
  }

  /** Sum of the values at positions `[0, position)`. */
  #prefix(position: number): number {
    let sum = 0;
    for (let i = Math.min(position, this.#capacity); i > 0; i -= i & -i) sum += this.#tree[i];
    return sum;
  }
}

/** Rounds to the layout unit (1/64 px). */
function snap(height: number): number {
  return Number.isFinite(height) && height > 0 ? Math.max(1 / 64, Math.round(height * 64) / 64) : 1;
}

/** Room for twice the rows, so compaction happens at most once per `count` appended rows. */
function capacityFor(count: number): number {
  let capacity = 1024;
  while (capacity < count * 2) capacity *= 2;
  return capacity;
}

function highestPowerOfTwo(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return n > 0 ? p : 0;
}
