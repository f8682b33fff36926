/**
 * A million log lines: a viewer holding `held` entries (default 1,000,000, `length` = 80 characters
 * each) under `<sse-provider log-limit=held>`.
 *
 * - `impl=ours`: `<live-logs-viewer project-id>`.
 * - `impl=naive`: the seed's approach, every entry a DOM row (`naive-logs`), fed by the same
 *   provider's `deployment-progress` DOM events.
 * - `impl=floor`: the provider alone, no element: what following costs without a view.
 * - `impl=objects`: no element; the store's earlier layout, an object per line in a `Ring<LogEntry>`
 *   (the project's) and a second ring of the same objects (all projects), made from the same
 *   payloads: what the compact log saves.
 *
 * Steps: `setup` → runner reads the heap → `fill` → heap → `stream` (the runner traces it) →
 * `count` (what a filter must find, outside any figure) → `filter`, `cancel` (traced) →
 * `exportLog` (the runner samples the heap meanwhile) → `exportString` (the earlier export: one
 * string of the whole log, then a Blob of it).
 */
import { Ring } from '../../src/core/ring.js';
import type { LogEntry } from '../../src/core/store.js';
import { expose, loadElements, nextTask, numberParam, param, paced, rendered, sleep } from '../lib/harness.js';
import { NaiveLogs } from '../lib/naive-logs.js';
import { logEvents } from '../lib/payloads.js';
import { mountProvider, type BenchProvider } from '../lib/provider.js';

const impl = param('impl', 'ours');
const held = numberParam('held', 1_000_000);
const length = numberParam('length', 80);
const PROJECT = 'p0000';

type Viewer = HTMLElement & { wrap: boolean; filter: string; following?: boolean; download(format: string): Promise<void> };

let mounted: BenchProvider | undefined;
let viewer: Viewer | undefined;
let sent = 0;
/** The `objects` layout, kept alive here. */
let objects: { project: Ring<LogEntry>; all: Ring<LogEntry> } | undefined;

async function setup() {
  if (impl === 'objects') return { missing: [] };
  if (impl === 'floor') {
    mounted = await mountProvider(document.getElementById('root')!, [PROJECT], { attributes: { 'log-limit': String(held) } });
    return { missing: [] };
  }
  const missing = impl === 'ours' ? await loadElements(['live-logs-viewer']) : [];
  if (missing.length) return { missing };
  mounted = await mountProvider(document.getElementById('root')!, [PROJECT], { attributes: { 'log-limit': String(held) } });
  if (impl === 'ours') {
    viewer = document.createElement('live-logs-viewer') as Viewer;
    viewer.setAttribute('project-id', PROJECT);
  } else {
    const naive = new NaiveLogs();
    mounted.provider.addEventListener('deployment-progress', (event) => {
      const { timestamp, level, message } = event.detail;
      naive.add({ time: Date.parse(timestamp), level, message });
    });
    viewer = naive as unknown as Viewer;
  }
  mounted.provider.append(viewer);
  await rendered();
  await rendered();
  return { missing };
}

/** Sends `count` entries through the whole path, `chunk` per task (payloads made per chunk, so none are kept). */
async function send(count: number, chunk = 1000) {
  for (let i = 0; i < count; i += chunk) {
    const n = Math.min(chunk, count - i);
    mounted!.send(logEvents(n, PROJECT, length, 11 + sent, sent));
    sent += n;
    await nextTask();
  }
}

async function fill() {
  const start = performance.now();
  if (impl === 'objects') {
    // The store's earlier layout: an entry object per line, as `#entry` made it, in two rings.
    const project = new Ring<LogEntry>(held);
    const all = new Ring<LogEntry>(held);
    let seq = 0;
    for (let i = 0; i < held; i += 1000) {
      for (const event of logEvents(Math.min(1000, held - i), PROJECT, length, 11 + i, i)) {
        const data = JSON.parse(event.data);
        const entry: LogEntry = { seq: ++seq, projectId: data.projectId, time: Date.parse(data.timestamp), level: data.level, message: data.message, id: String(seq) };
        project.push(entry);
        all.push(entry);
      }
      if (i % 50_000 === 0) await nextTask();
    }
    objects = { project, all };
    return { ms: performance.now() - start, held: project.length };
  }
  if (!mounted) return { skipped: true };
  await send(held);
  await rendered();
  await rendered();
  return { ms: performance.now() - start, rows: rowCount(), held: heldCount() };
}

function heldCount(): number {
  if (objects) return objects.project.length;
  return impl === 'naive' ? (viewer as unknown as NaiveLogs).entries.length : mounted!.provider.store.logs(PROJECT).length;
}

function rowCount(): number {
  const root = viewer?.shadowRoot;
  if (!root) return NaN;
  return root.querySelectorAll(impl === 'ours' ? '[part~="row"]' : '.row').length;
}

function part(name: string): HTMLElement | null {
  return viewer?.shadowRoot?.querySelector(`[part~="${name}"]`) ?? null;
}

/** Streams `rate` entries/s for `ms`, as they would arrive: what is due every 10 ms. No frame counter runs in the page. */
async function stream(ms: number, rate: number) {
  if (!mounted) return { skipped: true };
  await sleep(200);
  const start = performance.now();
  const streamed = await paced(ms, rate, (from, to) => {
    mounted!.send(logEvents(to - from, PROJECT, length, 5 + sent, sent));
    sent += to - from;
  });
  await rendered();
  await rendered();
  const log = part('log');
  return {
    streamed,
    ms: performance.now() - start,
    rows: rowCount(),
    following: log ? log.scrollTop + log.clientHeight >= log.scrollHeight - 30 : false,
    held: heldCount(),
  };
}

/** How many held entries a filter of `query` must show (case-insensitive, as the viewer matches). */
function count(query: string): number {
  const logs = mounted!.provider.store.logs(PROJECT);
  const needle = query.toLowerCase();
  let n = 0;
  for (let i = 0; i < logs.length; i++) if (logs.at(i)!.message.toLowerCase().includes(needle)) n++;
  return n;
}

/** The first number of the counter ("1,234 of 1,000,000 entries"): the rows shown. */
function shown(): number {
  const text = part('counter')?.textContent ?? '';
  return Number(/[\d,]+/.exec(text)?.[0].replace(/,/g, '') ?? NaN);
}

/** True when rows are shown and every one matches `query` (case-insensitive). */
function allMatch(query: string): boolean {
  const rows = [...(viewer?.shadowRoot?.querySelectorAll('[part~="row"] [part~="message"]') ?? [])];
  const needle = query.toLowerCase();
  return rows.length > 0 && rows.every((row) => row.textContent!.toLowerCase().includes(needle));
}

/**
 * Resolves with the time (ms after `start`) at which `test()` first held after a change of the
 * viewer's rendering, or `Infinity` after `timeout`.
 */
function when(test: () => boolean, start: number, timeout = 60_000): Promise<number> {
  return new Promise((resolve) => {
    if (test()) return resolve(performance.now() - start);
    const observer = new MutationObserver(() => {
      if (!test()) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve(performance.now() - start);
    });
    const timer = setTimeout(() => {
      observer.disconnect();
      resolve(Infinity);
    }, timeout);
    observer.observe(viewer!.shadowRoot!, { subtree: true, childList: true, characterData: true });
  });
}

async function clearFilter() {
  viewer!.filter = '';
  await rendered();
  await rendered();
}

/** Sets the filter; times until the first matching rows are in the DOM and until all `expected` are shown. */
async function filter(query: string, expected: number) {
  if (!viewer) return { skipped: true };
  await clearFilter();
  await sleep(100);
  const start = performance.now();
  viewer.filter = query;
  const first = when(() => shown() > 0 && allMatch(query), start);
  const done = when(() => shown() === expected, start);
  const result = { first: await first, done: await done, shown: shown(), expected };
  await rendered();
  return result;
}

/**
 * Sets `query`; once its first matches show, the user types on: `next` replaces it. Times from
 * that keystroke until `next`'s first matches show and until all of them are.
 */
async function cancel(query: string, next: string, expected: number) {
  if (!viewer) return { skipped: true };
  await clearFilter();
  await sleep(100);
  viewer.filter = query;
  await when(() => allMatch(query), performance.now());
  const start = performance.now();
  viewer.filter = next;
  const first = when(() => shown() > 0 && allMatch(next), start);
  const done = when(() => shown() === expected && allMatch(next), start);
  const result = { first: await first, done: await done, shown: shown(), expected };
  await clearFilter();
  return result;
}

/** The JS heap in use now (garbage included), bytes: Chromium with precise memory info. */
function used(): number {
  return (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? NaN;
}

/**
 * Runs `body`, sampling the heap every few ms (between its tasks); returns its value and the peak
 * growth over the heap before it (collected first with `collect`, else by the runner).
 */
async function withPeak<T>(body: () => Promise<T>, collect = false): Promise<{ value: T; growth: number }> {
  if (collect) {
    window.gc!();
    await nextTask();
  }
  const before = used();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, used())), 2);
  try {
    const value = await body();
    peak = Math.max(peak, used());
    return { value, growth: peak - before };
  } finally {
    clearInterval(timer);
  }
}

let exported: Blob | undefined;

/** The viewer's download, its Blob taken from the `logs-export` event (the download itself cancelled). */
async function exportLog() {
  if (!viewer) return { skipped: true };
  const take = (event: Event) => {
    event.preventDefault();
    exported = (event as CustomEvent<{ blob: Blob }>).detail.blob;
  };
  viewer.addEventListener('logs-export', take);
  const { value: ms, growth } = await withPeak(async () => {
    const start = performance.now();
    await viewer!.download('log');
    return performance.now() - start;
  });
  viewer.removeEventListener('logs-export', take);
  return { ms, growth, held: heldCount() };
}

/** What the last export's file holds: its size, lines, first and last line. */
async function checkExport() {
  const blob = exported;
  exported = undefined;
  if (!blob) return { size: NaN };
  const size = blob.size;
  const head = await blob.slice(0, 300).text();
  const tail = await blob.slice(Math.max(0, size - 300)).text();
  const lines = await countLines(blob);
  return { size, lines, first: head.split('\n')[0], last: tail.trimEnd().split('\n').at(-1) };
}

/** Newlines in `blob`, read a slice at a time (so no string of the whole file). */
async function countLines(blob: Blob): Promise<number> {
  let lines = 0;
  for (let at = 0; at < blob.size; at += 8 * 1024 * 1024) {
    const bytes = new Uint8Array(await blob.slice(at, at + 8 * 1024 * 1024).arrayBuffer());
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) lines++;
  }
  return lines;
}

/** The earlier export: the whole log as one string (`exportEntries`), then a Blob of it. */
async function exportString() {
  if (!mounted) return { skipped: true };
  const { exportEntries } = await import('../../src/live-logs-viewer/export.js');
  await sleep(100);
  const { value, growth } = await withPeak(async () => {
    const start = performance.now();
    const text = exportEntries(mounted!.provider.store.logs(PROJECT), 'log');
    const blob = new Blob([text], { type: 'text/plain;charset=utf-8' });
    const ms = performance.now() - start;
    // Read while the string is alive: what it holds is the figure.
    const peak = used();
    return { ms, size: blob.size, chars: text.length, peak };
  }, true);
  return { ...value, growth };
}

expose({ setup, fill, stream, count, filter, cancel, exportLog, checkExport, exportString });
