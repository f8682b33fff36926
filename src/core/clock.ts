/**
 * Time as the core sees it. The connection's backoff and the mock backend's simulation take a
 * `Clock`, so tests can drive time with a `ManualClock` instead of sleeping.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

// The manual clock serves tests and the mock backend only. In a module of its own, it is left out
// of a bundle that never loads them.
export { ManualClock } from './manual-clock.js';
