import type { MetricsSample } from './protocol.js';

/** One point of a project's metrics history. `time` is epoch ms. */
export interface MetricsPoint {
  time: number;
  cpu: number;
  memory: number;
  requests: number;
  uptime?: string;
}

/**
 * A bounded history of metrics kept in typed arrays: a few bytes per point and no objects to
 * collect, however long a dashboard stays open.
 */
export class MetricsHistory {
  #time: Float64Array;
  #cpu: Float64Array;
  #memory: Float64Array;
  #requests: Float64Array;
  #start = 0;
  #length = 0;
  /** The newest sample's display strings, which have no place in a typed array. */
  latestUptime: string | undefined;
  latestActivity: string | undefined;

  constructor(capacity: number) {
    const size = Math.max(1, Math.floor(capacity));
    this.#time = new Float64Array(size);
    this.#cpu = new Float64Array(size);
    this.#memory = new Float64Array(size);
    this.#requests = new Float64Array(size);
  }

  get capacity(): number {
    return this.#time.length;
  }

  get length(): number {
    return this.#length;
  }

  push(time: number, sample: MetricsSample): void {
    const capacity = this.capacity;
    let slot: number;
    if (this.#length < capacity) {
      slot = (this.#start + this.#length) % capacity;
      this.#length += 1;
    } else {
      slot = this.#start;
      this.#start = (this.#start + 1) % capacity;
    }
    this.#time[slot] = time;
    this.#cpu[slot] = sample.cpu;
    this.#memory[slot] = sample.memory;
    this.#requests[slot] = sample.requests;
    if (sample.uptime !== undefined) this.latestUptime = sample.uptime;
    if (sample.lastActivity !== undefined) this.latestActivity = sample.lastActivity;
  }

  /** The point at `index`, 0 being the oldest held. */
  at(index: number): MetricsPoint | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    const slot = (this.#start + index) % this.capacity;
    const point: MetricsPoint = {
      time: this.#time[slot]!,
      cpu: this.#cpu[slot]!,
      memory: this.#memory[slot]!,
      requests: this.#requests[slot]!,
    };
    if (index === this.#length - 1 && this.latestUptime !== undefined) point.uptime = this.latestUptime;
    return point;
  }

  latest(): MetricsPoint | undefined {
    return this.at(this.#length - 1);
  }

  /**
   * Copies the newest `count` points into the given arrays (time in seconds, as uPlot wants it) and
   * returns how many were copied. Reusing the caller's arrays keeps a streaming chart allocation-free.
   */
  copyLatest(count: number, time: Float64Array, cpu: Float64Array, memory: Float64Array): number {
    const n = Math.min(count, this.#length, time.length, cpu.length, memory.length);
    const capacity = this.capacity;
    const first = this.#length - n;
    for (let i = 0; i < n; i++) {
      const slot = (this.#start + first + i) % capacity;
      time[i] = this.#time[slot]! / 1000;
      cpu[i] = this.#cpu[slot]!;
      memory[i] = this.#memory[slot]!;
    }
    return n;
  }

  clear(): void {
    this.#start = 0;
    this.#length = 0;
    this.latestUptime = undefined;
    this.latestActivity = undefined;
  }
}
