/**
 * The ranges of metrics history, shared by the server's roll-ups, the chart that draws them and the
 * mock that answers them: each range's bucket width and how many buckets it holds.
 */

/** A range of `hub.history()` and of `GET …/projects/:id/metrics?range=`. */
export type HistoryRange = '24h' | '7d' | '30d';

/** One resolution of the roll-ups: its bucket width and how many buckets it keeps. */
export interface HistoryResolution {
  readonly range: HistoryRange;
  /** Bucket width in ms. */
  readonly step: number;
  /** Buckets kept: the range divided by the step. */
  readonly slots: number;
}

/** The three resolutions: 1-minute buckets for 24 h, 10-minute for 7 d, 1-hour for 30 d. */
export const HISTORY_RESOLUTIONS: readonly HistoryResolution[] = Object.freeze([
  Object.freeze({ range: '24h', step: 60_000, slots: 1440 }),
  Object.freeze({ range: '7d', step: 600_000, slots: 1008 }),
  Object.freeze({ range: '30d', step: 3_600_000, slots: 720 }),
] as const);

/** Whether `value` names a range (`24h`, `7d`, `30d`). */
export function isHistoryRange(value: unknown): value is HistoryRange {
  return value === '24h' || value === '7d' || value === '30d';
}
