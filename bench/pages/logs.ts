/**
 * Log streaming: a viewer holding `held` entries (default 100,000, 80 characters each) while `rate`
 * entries/s (default 5,000) arrive, following the tail, then again with wrap on.
 *
 * - `impl=ours`: `<live-logs-viewer project-id>` under `<sse-provider log-limit=held>`.
 * - `impl=naive`: the seed's approach, every entry a DOM row (`naive-logs`), fed by the same
 *   provider's `deployment-progress` DOM events.
 *
 * Steps: `setup` (mounted, empty) → runner reads the heap → `fill` → heap again → `stream`
 * (no wrap) → `stream` (wrap).
 */
import { expose, longTasksSince, loadElements, nextTask, numberParam, param, rendered, sleep } from '../lib/harness.js';
import { NaiveLogs } from '../lib/naive-logs.js';
import { logEvents } from '../lib/payloads.js';
import { mountProvider, type BenchProvider } from '../lib/provider.js';

const impl = param('impl', 'ours');
const held = numberParam('held', 100_000);
const rate = numberParam('rate', 5000);
const length = numberParam('length', 80);
const PROJECT = 'p0000';

let mounted: BenchProvider | undefined;
let viewer: (HTMLElement & { wrap: boolean; following?: boolean }) | undefined;
let sent = 0;

async function setup() {
  const missing = impl === 'ours' ? await loadElements(['live-logs-viewer']) : [];
  if (missing.length) return { missing };
  mounted = await mountProvider(document.getElementById('root')!, [PROJECT], { attributes: { 'log-limit': String(held) } });
  if (impl === 'ours') {
    viewer = document.createElement('live-logs-viewer') as typeof viewer & HTMLElement;
    viewer.setAttribute('project-id', PROJECT);
  } else {
    const naive = new NaiveLogs();
    mounted.provider.addEventListener('deployment-progress', (event) => {
      const { timestamp, level, message } = event.detail;
      naive.add({ time: Date.parse(timestamp), level, message });
    });
    viewer = naive;
  }
  mounted.provider.append(viewer);
  await rendered();
  await rendered();
  return { missing };
}

/** Sends entries `from`..`to` through the whole path, a chunk per task (payloads made per chunk, so none are kept). */
async function send(count: number, chunk = 1000) {
  for (let i = 0; i < count; i += chunk) {
    const n = Math.min(chunk, count - i);
    mounted!.send(logEvents(n, PROJECT, length, 11 + sent, sent));
    sent += n;
    await nextTask();
  }
}

async function fill() {
  if (!mounted) return { skipped: true };
  const start = performance.now();
  await send(held);
  await rendered();
  await rendered();
  return { ms: performance.now() - start, rows: rowCount(), following: viewer?.following };
}

function rowCount(): number {
  const root = viewer?.shadowRoot;
  if (!root) return NaN;
  return root.querySelectorAll(impl === 'ours' ? '[part~="row"]' : '.row').length;
}

/** Streams `rate` entries/s for `ms`, as they would arrive: what is due every 10 ms. */
async function stream(ms: number, wrap: boolean) {
  if (!mounted || !viewer) return { skipped: true };
  if (viewer.wrap !== wrap) {
    viewer.wrap = wrap;
    await rendered();
    await rendered();
  }
  await sleep(200);
  const start = performance.now();
  let due = 0;
  let streamed = 0;
  let maxRows = 0;
  let ticks = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = Math.min(ms, performance.now() - start);
      due = Math.floor((elapsed * rate) / 1000);
      if (due > streamed) {
        const n = due - streamed;
        mounted!.send(logEvents(n, PROJECT, length, 5 + sent, sent));
        sent += n;
        streamed += n;
      }
      // Sampled now and then: counting 100,000 naive rows is itself work.
      if (++ticks % 50 === 0) maxRows = Math.max(maxRows, rowCount());
      if (elapsed >= ms) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  await rendered();
  const log = viewer.shadowRoot?.querySelector(impl === 'ours' ? '[part~="log"]' : '.log') as HTMLElement | null;
  const atBottom = log ? log.scrollTop + log.clientHeight >= log.scrollHeight - 30 : false;
  return {
    streamed,
    ms: performance.now() - start,
    longTasks: longTasksSince(start),
    rows: rowCount(),
    maxRows: Math.max(maxRows, rowCount()),
    following: atBottom,
    held: impl === 'ours' ? mounted.provider.store.logs(PROJECT).length : (viewer as NaiveLogs).entries.length,
  };
}

expose({ setup, fill, stream });
