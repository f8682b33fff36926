/**
 * Metrics history for the chart: the REST answer's types, its validation, the URL template and
 * the downsampling to the plot's pixel width. Plain functions with no DOM, loaded lazily with the
 * history view.
 */

import { HISTORY_RESOLUTIONS, type HistoryRange } from '../core/history-ranges.js';

export type { HistoryRange };

/** What the chart shows: the live stream or a history range. */
export type ChartRange = 'live' | HistoryRange;

/** The metric a comparison chart draws. */
export type HistoryMetric = 'cpu' | 'memory';

/** One metric in one bucket. */
export interface HistoryStat {
  min: number;
  mean: number;
  max: number;
}

/** One bucket of history: `time` is the bucket's start, epoch ms. */
export interface HistoryPoint {
  time: number;
  cpu: HistoryStat;
  memory: HistoryStat;
  requests: number;
}

/**
 * The answer of `GET …/projects/:id/metrics?range=`: buckets oldest first, only those that hold
 * data (a gap means no data). `step` is the bucket length in ms; `from` / `to` the range, epoch ms.
 */
export interface HistoryAnswer {
  projectId: string;
  range: HistoryRange;
  step: number;
  from?: number;
  to?: number;
  points: readonly HistoryPoint[];
}

/** The `history` property: one answer, or (comparison) answers by project id. */
export type HistoryInput = HistoryAnswer | Readonly<Record<string, HistoryAnswer>>;

export const RANGES: readonly ChartRange[] = ['live', '24h', '7d', '30d'];

/** Each range's length and bucket length, in ms. */
export const SPAN = Object.fromEntries(
  HISTORY_RESOLUTIONS.map(({ range, step, slots }) => [range, { span: step * slots, step }]),
) as Record<HistoryRange, { span: number; step: number }>;

/**
 * A validated history in columns, ready to downsample: `time` in seconds (as uPlot wants it), then
 * min, mean and max of cpu and of memory.
 */
export interface HistorySeries {
  step: number;
  /** Range start and end, seconds. */
  from: number;
  to: number;
  time: Float64Array;
  cpu: [min: Float64Array, mean: Float64Array, max: Float64Array];
  memory: [min: Float64Array, mean: Float64Array, max: Float64Array];
}

/** What validation found: a series and how many points it dropped, or why the answer is unusable. */
export type Parsed = { series: HistorySeries; dropped: number; reasons: string[] } | { error: 'shape' };

/** Replaces `{projectId}` and `{range}` in a URL template, URL-encoded. */
export function historyUrl(template: string, projectId: string, range: HistoryRange): string {
  return template.replaceAll('{projectId}', encodeURIComponent(projectId)).replaceAll('{range}', encodeURIComponent(range));
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function stat(value: unknown, top: number): HistoryStat | string {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const { min, mean, max } = value as Record<string, unknown>;
  if (!finite(min) || !finite(mean) || !finite(max)) return 'min, mean or max is not a finite number';
  if (min < 0) return 'negative';
  if (!(min <= mean && mean <= max)) return 'min ≤ mean ≤ max does not hold';
  return { min: Math.min(min, top), mean: Math.min(mean, top), max: Math.min(max, top) };
}

/**
 * Validates a history answer. An answer that is not an object with a `points` array is unusable
 * (`shape`); a point that is malformed (time, cpu or memory missing or not finite, min ≤ mean ≤ max
 * broken, negative values, a time not after the one before) is dropped and counted, and the rest is
 * drawn. CPU above 100 % is clamped, as on the stream.
 */
export function parseHistory(answer: unknown, range: HistoryRange, now = Date.now()): Parsed {
  if (typeof answer !== 'object' || answer === null || !Array.isArray((answer as HistoryAnswer).points)) return { error: 'shape' };
  const { points, step, from, to } = answer as Partial<HistoryAnswer> & { points: unknown[] };
  const n = points.length;
  const time = new Float64Array(n);
  const columns = Array.from({ length: 6 }, () => new Float64Array(n));
  const reasons: string[] = [];
  let kept = 0;
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    const point = points[i] as Partial<Record<keyof HistoryPoint, unknown>> | null;
    let reason: string | undefined;
    if (typeof point !== 'object' || point === null) reason = 'not an object';
    else if (!finite(point.time)) reason = '`time` is not a finite number';
    else if (point.time <= last) reason = '`time` is not after the point before';
    else if (point.requests !== undefined && !(finite(point.requests) && point.requests >= 0)) reason = '`requests` is not a count';
    let cpu: HistoryStat | string = '';
    let memory: HistoryStat | string = '';
    if (!reason) {
      cpu = stat(point!.cpu, 100);
      memory = stat(point!.memory, Infinity);
      if (typeof cpu === 'string') reason = `\`cpu\`: ${cpu}`;
      else if (typeof memory === 'string') reason = `\`memory\`: ${memory}`;
    }
    if (reason) {
      if (reasons.length < 3) reasons.push(`point ${i}: ${reason}`);
      continue;
    }
    const c = cpu as HistoryStat;
    const m = memory as HistoryStat;
    last = point!.time as number;
    time[kept] = last / 1000;
    columns[0]![kept] = c.min;
    columns[1]![kept] = c.mean;
    columns[2]![kept] = c.max;
    columns[3]![kept] = m.min;
    columns[4]![kept] = m.mean;
    columns[5]![kept] = m.max;
    kept++;
  }
  const span = SPAN[range];
  const end = finite(to) ? to : kept > 0 ? Math.max(time[kept - 1]! * 1000 + span.step, now) : now;
  const start = finite(from) && from < end ? from : end - span.span;
  const cut = (column: Float64Array) => column.subarray(0, kept);
  return {
    series: {
      step: finite(step) && step > 0 ? step : span.step,
      from: start / 1000,
      to: end / 1000,
      time: cut(time),
      cpu: [cut(columns[0]!), cut(columns[1]!), cut(columns[2]!)],
      memory: [cut(columns[3]!), cut(columns[4]!), cut(columns[5]!)],
    },
    dropped: n - kept,
    reasons,
  };
}

/** A series ready for uPlot: x, then for each metric asked for its mean, min and max (null = a gap). */
export type Columns = [time: number[], ...values: (number | null)[][]];

/**
 * Reduces a history to at most two points per pixel column, so a month of minutes (43,200 points)
 * never reaches the canvas whole. In each column the mean line keeps its lowest and its highest
 * value, in their order; the band keeps the column's lowest minimum and highest maximum, so a
 * spike as narrow as one bucket stays visible. A gap of more than one and a half buckets (no data)
 * becomes a null, which the plot draws as a break; a history that already fits is only given
 * its gaps.
 */
export function downsample(series: HistorySeries, metrics: readonly HistoryMetric[], width: number): Columns {
  const { time, step } = series;
  const n = time.length;
  const columns = Math.max(1, Math.floor(width));
  const stats = metrics.map((metric) => series[metric]);
  const out: Columns = [[], ...stats.flatMap(() => [[], [], []])];
  const x = out[0];
  const gapSeconds = (step * 1.5) / 1000;
  const emit = (t: number, values: (number | null)[]) => {
    x.push(t);
    for (let k = 0; k < values.length; k++) out[k + 1]!.push(values[k]!);
  };
  const gap = () => emit(NaN, stats.flatMap(() => [null, null, null]));

  if (n <= columns * 2) {
    for (let i = 0; i < n; i++) {
      if (i > 0 && time[i]! - time[i - 1]! > gapSeconds) gap();
      emit(time[i]!, stats.flatMap(([min, mean, max]) => [mean[i]!, min[i]!, max[i]!]));
    }
    return fixGaps(out, step);
  }

  const span = Math.max(series.to - series.from, 1e-9);
  const columnOf = (t: number) => Math.min(columns - 1, Math.max(0, Math.floor(((t - series.from) / span) * columns)));
  let i = 0;
  let previousColumn = -2;
  let previousTime = -Infinity;
  while (i < n) {
    const column = columnOf(time[i]!);
    let j = i;
    while (j + 1 < n && columnOf(time[j + 1]!) === column) j++;
    if (time[i]! - previousTime > gapSeconds && column - previousColumn > 1 && previousColumn >= 0) gap();
    const first: (number | null)[] = [];
    const second: (number | null)[] = [];
    for (const [min, mean, max] of stats) {
      let low = i;
      let high = i;
      let bandLow = min[i]!;
      let bandHigh = max[i]!;
      for (let k = i + 1; k <= j; k++) {
        if (mean[k]! < mean[low]!) low = k;
        if (mean[k]! > mean[high]!) high = k;
        if (min[k]! < bandLow) bandLow = min[k]!;
        if (max[k]! > bandHigh) bandHigh = max[k]!;
      }
      const [a, b] = low <= high ? [low, high] : [high, low];
      first.push(mean[a]!, bandLow, bandHigh);
      second.push(mean[b]!, bandLow, bandHigh);
    }
    emit(time[i]!, first);
    if (j > i) emit(time[j]!, second);
    previousColumn = column;
    previousTime = time[j]!;
    i = j + 1;
  }
  return fixGaps(out, step);
}

/** A gap's null sits one bucket after the point before it (a time the plot can place). */
function fixGaps(out: Columns, step: number): Columns {
  const x = out[0];
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i])) x[i] = x[i - 1]! + step / 1000;
  return out;
}

/** The lowest, highest and average value of a drawn column, nulls left out. */
export function summary(values: readonly (number | null | undefined)[]): { min: number; max: number; mean: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (value == null) continue;
    if (value < min) min = value;
    if (value > max) max = value;
    sum += value;
    count++;
  }
  return count ? { min, max, mean: sum / count } : undefined;
}
