/**
 * What every bench page shares: long-task and frame recording, forced GC and heap readings, waiting
 * for frames and tasks, loading the elements that exist, and the `window.bench` handle the runner
 * drives.
 */
import defines from 'virtual:bench-elements';

declare global {
  interface Window {
    /** Set by the runner's `--js-flags=--expose-gc`. */
    gc?: () => void;
    bench?: BenchHandle;
    benchReady?: boolean;
    benchError?: string;
  }
  interface Performance {
    memory?: { usedJSHeapSize: number; totalJSHeapSize: number; jsHeapSizeLimit: number };
  }
}

/** The runner calls these through `page.evaluate`; each page names its own steps. */
export type BenchHandle = Record<string, (...args: never[]) => unknown>;

export function expose(handle: BenchHandle): void {
  window.bench = handle;
  window.benchReady = true;
}

window.addEventListener('error', (event) => {
  window.benchError ??= String(event.error?.stack ?? event.message);
});
window.addEventListener('unhandledrejection', (event) => {
  window.benchError ??= String((event.reason as Error)?.stack ?? event.reason);
});

// ---- parameters ----------------------------------------------------------------------------------

const query = new URLSearchParams(location.search);

export function param(name: string, fallback: string): string {
  return query.get(name) ?? fallback;
}

export function numberParam(name: string, fallback: number): number {
  const value = Number(query.get(name));
  return query.has(name) && Number.isFinite(value) ? value : fallback;
}

// ---- time ----------------------------------------------------------------------------------------

export function nextFrame(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame(resolve));
}

export async function frames(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await nextFrame();
}

const channel = new MessageChannel();
const taskQueue: (() => void)[] = [];
channel.port1.onmessage = () => taskQueue.shift()?.();

/** A new macrotask, without `setTimeout`'s 4 ms clamp on nested timers. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    taskQueue.push(resolve);
    channel.port2.postMessage(null);
  });
}

/** Resolves after the next frame has been produced (rAF, then the task that follows rendering). */
export async function rendered(): Promise<void> {
  await nextFrame();
  await nextTask();
}

/**
 * Sends at `perSecond` for `ms` from `start`: every 10 ms, `send(from, to)` gets the items due since
 * the last call, so a timer that fell behind catches up in its next call. Resolves with the count sent.
 */
export function paced(ms: number, perSecond: number, send: (from: number, to: number) => void, start = performance.now()): Promise<number> {
  let sent = 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const elapsed = Math.min(ms, performance.now() - start);
      const due = Math.floor((elapsed * perSecond) / 1000);
      if (due > sent) {
        send(sent, due);
        sent = due;
      }
      if (elapsed >= ms) {
        clearInterval(timer);
        resolve(sent);
      }
    }, 10);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function until(predicate: () => boolean, what: string, timeout = 60_000): Promise<void> {
  const end = performance.now() + timeout;
  while (!predicate()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

// ---- long tasks and frames -----------------------------------------------------------------------

const longTasks: { start: number; duration: number }[] = [];
try {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
} catch {
  // No longtask support: the figures stay empty and the report says so.
}

/** Long tasks (> 50 ms) that started at or after `since` (a `performance.now()` time). */
export function longTasksSince(since: number): { count: number; max: number; total: number } {
  const tasks = longTasks.filter((task) => task.start >= since);
  return {
    count: tasks.length,
    max: tasks.reduce((max, task) => Math.max(max, task.duration), 0),
    total: tasks.reduce((sum, task) => sum + task.duration, 0),
  };
}

/** Records the time between animation frames until `stop()`. */
export function recordFrames(): { stop(): number[] } {
  const deltas: number[] = [];
  let last = -1;
  let running = true;
  const tick = (time: number) => {
    if (!running) return;
    if (last >= 0) deltas.push(time - last);
    last = time;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return {
    stop() {
      running = false;
      return deltas;
    },
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function frameStats(deltas: number[]): { frames: number; p50: number; p95: number; p99: number; max: number; over: number } {
  return {
    frames: deltas.length,
    p50: percentile(deltas, 50),
    p95: percentile(deltas, 95),
    p99: percentile(deltas, 99),
    max: deltas.reduce((max, d) => Math.max(max, d), 0),
    // Frames that took longer than one vsync interval plus a little jitter: a dropped frame.
    over: deltas.filter((d) => d > 16.7 * 1.5).length,
  };
}

// ---- memory --------------------------------------------------------------------------------------

/** Full collections until the heap stops shrinking; returns the used JS heap in bytes. */
export async function collectedHeap(): Promise<number> {
  if (!window.gc) throw new Error('window.gc is missing: run Chromium with --js-flags=--expose-gc');
  let previous = Infinity;
  for (let i = 0; i < 6; i++) {
    window.gc();
    await nextTask();
    const used = performance.memory?.usedJSHeapSize ?? NaN;
    if (Math.abs(previous - used) < 16 * 1024) return used;
    previous = used;
  }
  return previous;
}

// ---- elements ------------------------------------------------------------------------------------

// Whatever element folders build when the pages are built; an element not there yet is reported
// missing rather than failing the build.

/** Loads the define modules of `tags`; returns the tags that are not there (yet). */
export async function loadElements(tags: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const tag of tags) {
    const load = defines[tag];
    if (load) await load();
    else missing.push(tag);
  }
  return missing;
}

/** Counts the elements in an element's shadow tree (and nested shadow trees). */
export function shadowElementCount(root: Element): number {
  let count = 0;
  const walk = (node: ParentNode) => {
    for (const child of node.querySelectorAll('*')) {
      count += 1;
      if (child.shadowRoot) walk(child.shadowRoot);
    }
  };
  if (root.shadowRoot) walk(root.shadowRoot);
  return count;
}

// ---- deterministic data --------------------------------------------------------------------------

/** The library's own seeded generator, so the bench's data is made the same way as the mock's. */
export { seededRandom as random } from '../../src/core/random.js';

const WORDS = 'build image layer cache pull push deploy health check ready container port route worker queue node pod'.split(' ');

/** A log message of exactly `length` characters. */
export function message(rand: () => number, length: number, prefix = ''): string {
  let text = prefix;
  while (text.length < length) text += `${WORDS[Math.floor(rand() * WORDS.length)]} `;
  return text.slice(0, length);
}
