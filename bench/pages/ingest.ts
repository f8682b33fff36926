/**
 * Ingest: a burst of mixed events arriving 1,000 per task (as a stream's chunks would), measured
 * until everything is applied and one frame rendered.
 *
 * - `impl=ours`: `MockEventSource` → `<sse-provider>` → store, with 200 badges, one chart and one
 *   logs viewer mounted.
 * - `impl=parse`: the limit — a bare loop that only `JSON.parse`s the same payloads.
 * - `impl=floor`: what the SPEC asks of any provider at the least — parse each payload and dispatch
 *   one bubbling, composed DOM event for it from an element where the provider sits — and nothing else.
 *
 * Breakdown variants (for finding where the time goes, not part of the table):
 * - `impl=source`: the transport alone — `MockBackend` → `MockEventSource` → a sink that only counts.
 * - `impl=store`: `<sse-provider>` and its store with no element mounted.
 */
import { expose, loadElements, longTasksSince, nextTask, numberParam, param, rendered, sleep } from '../lib/harness.js';
import { mixedEvents, projectIds, type WireEvent } from '../lib/payloads.js';
import { mountProvider, type BenchProvider } from '../lib/provider.js';
import { MockBackend, MockEventSource } from '../../src/mock/index.js';

const impl = param('impl', 'ours');
const count = numberParam('events', 100_000);
const chunk = numberParam('chunk', 1000);
const badges = numberParam('badges', 200);
/** Which elements to mount (breakdown): any of `badges`, `chart`, `logs`. */
const mount = new Set(param('mount', 'badges,chart,logs').split(','));

const projects = projectIds(badges);
const events = mixedEvents(count, projects);
// Run before measuring, so that both sides are measured with their code already compiled.
const warmup = mixedEvents(Math.min(5000, count), projects, 99);
/** The provider's DOM event for each wire event. */
const NAMES: Record<string, string> = {
  container_status_changed: 'container-status-changed',
  metrics_updated: 'metrics-updated',
  deployment_progress: 'deployment-progress',
  auto_shutdown: 'auto-shutdown',
};
let mounted: BenchProvider | undefined;
let missing: string[] = [];

let source: { send(from: number, to: number, list?: WireEvent[]): void; received(): number } | undefined;

async function setup() {
  if (impl === 'source') {
    const backend = new MockBackend({ autoplay: false, projects: [] });
    const es = new MockEventSource('/events', undefined, backend);
    let received = 0;
    const count = () => {
      received += 1;
    };
    // As the provider takes messages from it: through a sink, with no DOM event per message.
    es.attachSink(count);
    await new Promise((resolve) => es.addEventListener('open', resolve));
    source = {
      send: (from, to, list = events) => {
        for (let i = from; i < to; i++) backend.emitRaw(list[i]!);
      },
      received: () => received,
    };
    return { missing };
  }
  if (impl !== 'ours' && impl !== 'store') return { missing };
  if (impl === 'store') {
    mounted = await mountProvider(document.getElementById('root')!, projects, { attributes: { 'log-limit': '5000' } });
    await rendered();
    return { missing };
  }
  missing = await loadElements(['live-status-badge', 'live-metrics-chart', 'live-logs-viewer']);
  const root = document.getElementById('root')!;
  mounted = await mountProvider(root, projects, { attributes: { 'log-limit': '5000' } });
  const box = document.createElement('div');
  box.id = 'badges';
  for (const id of mount.has('badges') ? projects : []) {
    const badge = document.createElement('live-status-badge');
    badge.setAttribute('project-id', id);
    box.append(badge);
  }
  const chart = document.createElement('live-metrics-chart');
  chart.setAttribute('project-id', projects[0]!);
  const logs = document.createElement('live-logs-viewer');
  logs.setAttribute('project-id', projects[0]!);
  mounted.provider.append(box);
  if (mount.has('chart')) mounted.provider.append(chart);
  if (mount.has('logs')) mounted.provider.append(logs);
  await rendered();
  await rendered();
  return { missing };
}

async function warm() {
  if (source) for (let i = 0; i < warmup.length; i += chunk) source.send(i, Math.min(warmup.length, i + chunk), warmup);
  else if (mounted) for (let i = 0; i < warmup.length; i += chunk) mounted.send(warmup, i, Math.min(warmup.length, i + chunk));
  else {
    const target = document.createElement('div');
    for (const event of warmup) target.dispatchEvent(new CustomEvent(NAMES[event.event]!, { detail: JSON.parse(event.data), bubbles: true }));
  }
  await rendered();
  await rendered();
}

async function run() {
  const start = performance.now();
  let sink = 0;
  if (source) {
    const target = source.received() + count;
    for (let i = 0; i < count; i += chunk) {
      source.send(i, Math.min(count, i + chunk));
      await nextTask();
    }
    if (source.received() !== target) throw new Error(`received ${source.received()}, expected ${target}`);
  } else if (mounted) {
    const target = mounted.received() + count;
    for (let i = 0; i < count; i += chunk) {
      mounted.send(events, i, Math.min(count, i + chunk));
      await nextTask();
    }
    if (mounted.received() !== target) throw new Error(`received ${mounted.received()}, expected ${target}`);
  } else if (impl === 'floor') {
    const target = document.getElementById('root')!.appendChild(document.createElement('div'));
    for (let i = 0; i < count; i += chunk) {
      const end = Math.min(count, i + chunk);
      for (let j = i; j < end; j++) {
        const detail = JSON.parse(events[j]!.data) as { projectId: string };
        target.dispatchEvent(new CustomEvent(NAMES[events[j]!.event]!, { detail, bubbles: true, composed: true }));
        sink += detail.projectId.length;
      }
      await nextTask();
    }
    target.remove();
  } else {
    for (let i = 0; i < count; i += chunk) {
      const end = Math.min(count, i + chunk);
      for (let j = i; j < end; j++) sink += (JSON.parse(events[j]!.data) as { projectId: string }).projectId.length;
      await nextTask();
    }
  }
  await rendered();
  const elapsed = performance.now() - start;
  const stats = mounted?.provider.stats;
  return {
    events: count,
    ms: elapsed,
    rate: (count / elapsed) * 1000,
    longTasks: longTasksSince(start),
    applied: stats?.applied,
    rejected: stats?.rejected,
    sink,
  };
}

expose({ setup, warm, run, wait: (ms: number) => sleep(ms) });
