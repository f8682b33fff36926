/**
 * Leaks: a full project-details page — provider in mock mode, indicator, badge, alert, chart, logs
 * viewer, actions and toast region — mounted and removed `cycles` times. Reports the heap after a
 * forced GC before and after, and what is left running (timers, animation frames, observers,
 * streams) once everything is gone.
 */
import { leftovers } from '../lib/instrument.js';
import { MockBackend, getDefaultMockBackend } from '../../src/mock/index.js';
import { collectedHeap, expose, loadElements, nextTask, rendered, sleep, until } from '../lib/harness.js';

const TAGS = [
  'sse-provider',
  'sse-indicator',
  'live-status-badge',
  'live-status-alert',
  'live-metrics-chart',
  'live-logs-viewer',
  'live-container-actions',
  'live-toast-region',
];
const PROJECT = 'api-gateway';

let missing: string[] = [];
let connects = 0;
let seed = 0;
const backends: WeakRef<MockBackend>[] = [];

async function setup() {
  missing = await loadElements(TAGS);
  // Count the streams the mock backend opens (and `connections` says how many are still open).
  const connect = MockBackend.prototype.connect;
  MockBackend.prototype.connect = function (this: MockBackend, ...args: Parameters<MockBackend['connect']>) {
    connects += 1;
    return connect.apply(this, args);
  };
  return { missing };
}

async function cycle() {
  const page = document.createElement('div');
  page.innerHTML = `<sse-provider mock>
    <header><sse-indicator></sse-indicator> <live-status-badge project-id="${PROJECT}" announce></live-status-badge></header>
    <live-status-alert project-id="${PROJECT}"></live-status-alert>
    <live-container-actions project-id="${PROJECT}"></live-container-actions>
    <live-metrics-chart project-id="${PROJECT}"></live-metrics-chart>
    <live-logs-viewer></live-logs-viewer>
    <live-toast-region></live-toast-region>
  </sse-provider>`;
  const provider = page.querySelector('sse-provider') as HTMLElement & { state?: string; mockBackend?: MockBackend };
  // A backend of its own each time (the simulation running on the real clock), so that what stays
  // behind after removal can only be held by the library: the shared default backend would keep
  // its replay buffer and simulated state across cycles by design.
  provider.mockBackend = new MockBackend({ seed: ++seed });
  // Every tenth one is watched (a reference to each would itself weigh on the heap figure).
  if (seed % 10 === 0) backends.push(new WeakRef(provider.mockBackend));
  document.getElementById('root')!.append(page);
  await until(() => provider.state === 'open', 'the provider to open', 10_000);
  await rendered();
  await rendered();
  page.remove();
  await nextTask();
}

async function run(cycles: number, warmup = 5) {
  for (let i = 0; i < warmup; i++) await cycle();
  await sleep(200);
  const start = await collectedHeap();
  const trend: number[] = [start];
  const t0 = performance.now();
  for (let i = 1; i <= cycles; i++) {
    await cycle();
    if (i % Math.max(1, Math.floor(cycles / 5)) === 0) trend.push(await collectedHeap());
  }
  const ms = performance.now() - t0;
  // Let anything that was merely finishing (a last frame, a zero-delay timer) run.
  await sleep(500);
  await rendered();
  const end = await collectedHeap();
  return {
    cycles,
    ms,
    startHeap: start,
    endHeap: end,
    growth: (end - start) / start,
    trend,
    ...state(),
  };
}

/** Mounts and removes without measuring (the runner takes heap snapshots around it). */
async function cycles(n: number) {
  for (let i = 0; i < n; i++) await cycle();
  await sleep(500);
  await rendered();
}

/** What is left running, once the cycles are done. */
function state() {
  return {
    left: leftovers(),
    streamsOpened: connects,
    // Of the watched backends, those still reachable after GC (held by something left behind), and
    // the streams they still have open.
    backendsWatched: backends.length,
    backendsAlive: backends.filter((ref) => ref.deref()).length,
    streamsOpen: backends.reduce((open, ref) => open + (ref.deref()?.connections ?? 0), 0) + getDefaultMockBackend().connections,
    documentNodes: document.getElementsByTagName('*').length,
    missing,
  };
}

expose({ setup, run, cycles, state });
