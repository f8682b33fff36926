/**
 * Preload: a real SSE stream (`stream`, the runner's node:http server) sends `lines`
 * `deployment_progress` events as fast as the page reads them. Timed from opening the stream until
 * the last line is on screen.
 *
 * - `impl=floor`: the least any page can do — a native `EventSource` whose listener `JSON.parse`s
 *   each event and counts; done once the last one is parsed and one frame produced.
 * - `impl=floor-fetch`: the same on the library's fetch transport (`FetchEventSource`: streaming
 *   `fetch` and its own parser) with a sink that `JSON.parse`s and counts: what the transport costs.
 * - `impl=naive`: the naive list (every line a DOM row, `naive-logs`) fed from a native
 *   `EventSource`; the lines are pushed as they arrive and the list renders at most once a frame.
 * - `impl=ours`: `<sse-provider url>` with `<live-logs-viewer project-id>` and `log-limit` = `lines`,
 *   following the tail; `transport=fetch` sets the provider's transport (the browser's
 *   `EventSource` by default).
 *
 * "On screen" for ours and naive: the last line's text is in a rendered row (seen by a
 * `MutationObserver` on the list's shadow root), then the next frame is produced.
 *
 * Steps: `setup` → `run` (resolves once the last line is on screen) → `stop`.
 */
import { expose, loadElements, longTasksSince, numberParam, param, rendered } from '../lib/harness.js';
import { NaiveLogs } from '../lib/naive-logs.js';
import type { SseProvider } from '../../src/sse-provider/sse-provider.js';

const impl = param('impl', 'ours');
const lines = numberParam('lines', 100_000);
const stream = param('stream', '');
/** Ours only: the provider's `transport` (`eventsource`, its default, or `fetch`). */
const transport = param('transport', '');
const PROJECT = 'p0000';
/** The last line's message starts with its number: `#99999 ` for 100,000 lines. */
const marker = `#${lines - 1} `;

const root = document.getElementById('root')!;
let source: { close(): void } | undefined;
let provider: SseProvider | undefined;
let viewer: HTMLElement | undefined;
let naive: NaiveLogs | undefined;
let observer: MutationObserver | undefined;

async function setup() {
  if (!stream) throw new Error('no stream URL (`stream` parameter)');
  // The fetch transport is loaded when a provider asks for it: here, before the clock starts.
  if (transport === 'fetch' || impl === 'floor-fetch') await import('../../src/core/fetch-event-source.js');
  if (impl !== 'ours') return { missing: [] };
  const missing = await loadElements(['sse-provider', 'live-logs-viewer']);
  if (missing.length) return { missing };
  // The viewer loads its colours lazily: once here, so the figure is the stream's path, not a fetch.
  const warm = document.createElement('live-logs-viewer') as HTMLElement & { entries: unknown[] };
  warm.entries = [{ timestamp: new Date().toISOString(), level: 'info', message: '\u001b[32mwarm\u001b[0m' }];
  root.append(warm);
  for (let i = 0; i < 4; i++) await rendered();
  warm.remove();
  await rendered();
  return { missing };
}

/** Whether the last line's text is in one of the rendered rows. */
function lastLineShown(): boolean {
  if (impl === 'naive') {
    const last = naive!.shadowRoot?.querySelector('.log')?.lastElementChild;
    return Boolean(last?.textContent?.includes(marker));
  }
  // Not before the store holds every line: rows are read once per render of the viewer, at most.
  if (provider!.store.logs(PROJECT).length < lines) return false;
  const rows = viewer!.shadowRoot?.querySelectorAll('[part~="row"]') ?? [];
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.textContent?.includes(marker)) return true;
  return false;
}

/** Resolves with the time the last line's text entered the list's shadow root. */
function watch(list: HTMLElement): Promise<number> {
  return new Promise((resolve) => {
    observer = new MutationObserver(() => {
      if (!lastLineShown()) return;
      observer!.disconnect();
      resolve(performance.now());
    });
    observer.observe(list.shadowRoot!, { childList: true, subtree: true, characterData: true });
  });
}

async function run() {
  let seen: Promise<number>;
  let received = 0;
  let start: number;
  if (impl === 'floor') {
    seen = new Promise((resolve) => {
      performance.mark('preload-start');
      start = performance.now();
      const eventSource = new EventSource(stream);
      source = eventSource;
      eventSource.addEventListener('deployment_progress', (event) => {
        const data = JSON.parse(event.data) as { message: string };
        received += 1;
        if (received === lines) {
          if (!data.message.startsWith(marker)) throw new Error(`the last line is not ${marker}`);
          resolve(performance.now());
        }
      });
    });
  } else if (impl === 'floor-fetch') {
    const { FetchEventSource } = await import('../../src/core/fetch-event-source.js');
    seen = new Promise((resolve) => {
      performance.mark('preload-start');
      start = performance.now();
      const fetchSource = new FetchEventSource(stream);
      source = fetchSource;
      fetchSource.attachSink((type, data) => {
        if (type !== 'deployment_progress') return;
        const parsed = JSON.parse(data) as { message: string };
        received += 1;
        if (received === lines) {
          if (!parsed.message.startsWith(marker)) throw new Error(`the last line is not ${marker}`);
          resolve(performance.now());
        }
      });
    });
  } else if (impl === 'naive') {
    naive = new NaiveLogs();
    root.append(naive);
    await rendered();
    const list = naive;
    seen = watch(list);
    let pending = false;
    performance.mark('preload-start');
    start = performance.now();
    const eventSource = new EventSource(stream);
    source = eventSource;
    eventSource.addEventListener('deployment_progress', (event) => {
      const { timestamp, level, message } = JSON.parse(event.data) as { timestamp: string; level: string; message: string };
      list.entries.push({ time: Date.parse(timestamp), level, message });
      received += 1;
      // A native event gets a microtask checkpoint of its own: `add()` would render once per line.
      if (!pending) {
        pending = true;
        requestAnimationFrame(() => {
          pending = false;
          list.requestUpdate();
        });
      }
    });
  } else {
    provider = document.createElement('sse-provider') as SseProvider;
    provider.setAttribute('url', stream);
    provider.setAttribute('log-limit', String(lines));
    if (transport) provider.setAttribute('transport', transport);
    viewer = document.createElement('live-logs-viewer');
    viewer.setAttribute('project-id', PROJECT);
    provider.append(viewer);
    performance.mark('preload-start');
    start = performance.now();
    root.append(provider);
    // The viewer's shadow root exists once it is connected.
    seen = watch(viewer);
  }
  const seenAt = await seen;
  await rendered();
  const end = performance.now();
  performance.mark('preload-end');
  const log = viewer?.shadowRoot?.querySelector('[part~="log"]') as HTMLElement | null | undefined;
  return {
    ms: end - start!,
    seenMs: seenAt - start!,
    received: impl === 'ours' ? provider!.stats.received : received,
    held: impl === 'ours' ? provider!.store.logs(PROJECT).length : impl === 'naive' ? naive!.entries.length : received,
    following: impl === 'ours' ? Boolean(log && log.scrollTop + log.clientHeight >= log.scrollHeight - 30) : undefined,
    rows: impl === 'ours' ? viewer!.shadowRoot!.querySelectorAll('[part~="row"]').length : undefined,
    longTasks: longTasksSince(start!),
  };
}

/** Closes the stream. */
function stop() {
  observer?.disconnect();
  source?.close();
  provider?.remove();
  return { closed: true };
}

expose({ setup, run, stop });
