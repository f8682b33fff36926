import { expect, fixture, html } from '@open-wc/testing';
import '../src/live-logs-viewer/define.js';
import '../src/sse-provider/define.js';
import type { LiveLogsViewer, LogsExportDetail } from '../src/live-logs-viewer/live-logs-viewer.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import type { LogLevel } from '../src/core/protocol.js';
import type { LiveStore } from '../src/core/store.js';
import { engine, loadEngine } from '../src/core/log-ring.js';
import { nextFrame, until } from './helpers.js';

type Viewer = LiveLogsViewer;

const part = (el: Viewer, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const rows = (el: Viewer) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="row"]')];
const messageOf = (row: HTMLElement) => row.querySelector('[part~="message"]')!.textContent!;
const messages = (el: Viewer) => rows(el).map(messageOf);
const text = (el: Viewer, name: string) => part(el, name)?.textContent!.replace(/\s+/g, ' ').trim();
const log = (el: Viewer) => part(el, 'log') as HTMLDivElement;
/** The rows the counter says are shown ("1,234 of 200,000 entries"). */
const shown = (el: Viewer) => Number(/[\d,]+/.exec(text(el, 'counter') ?? '')![0].replace(/,/g, ''));

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const LEVELS: LogLevel[] = ['info', 'success', 'warning', 'error'];
const WORDS = 'build image layer cache pull push deploy health check ready container port route worker queue node pod'.split(' ');

/** Line `i` of the big log: its number, then words picked by it, so a query's matches are known. */
const line = (i: number) => `#${i} ${WORDS[i % 17]} ${WORDS[(i * 7) % 17]} ${WORDS[(i * 11) % 17]} ${'x'.repeat(40)}`;

async function settle(el: Viewer): Promise<void> {
  await el.updateComplete;
  await nextFrame();
  await el.updateComplete;
  await nextFrame();
  await el.updateComplete;
}

async function inProvider(viewerTemplate: unknown, logLimit: number): Promise<{ el: Viewer; store: LiveStore }> {
  const provider = await fixture<SseProvider>(html`<sse-provider log-limit=${logLimit}>${viewerTemplate}</sse-provider>`);
  const el = provider.querySelector('live-logs-viewer')!;
  // The store's logs are compact from the first line on.
  await loadEngine();
  await settle(el);
  return { el, store: provider.store };
}

function fill(store: LiveStore, projectId: string, from: number, to: number, text = line): void {
  for (let i = from; i < to; i++) {
    store.apply(
      { type: 'deployment_progress', data: { projectId, message: text(i), level: LEVELS[i % 4], timestamp: new Date(T0 + i).toISOString() } },
      T0 + i,
      String(i + 1),
    );
  }
}

async function userScroll(el: Viewer, top: number): Promise<void> {
  log(el).scrollTop = top;
  await until(() => !el.following || log(el).scrollHeight - log(el).clientHeight - log(el).scrollTop <= 1, 'the scroll event');
  await settle(el);
}

/** The counter's figures each time they changed, until `done()` holds. */
async function counts(el: Viewer, done: () => boolean): Promise<number[]> {
  const seen: number[] = [];
  const observer = new MutationObserver(() => {
    const n = shown(el);
    if (seen.at(-1) !== n) seen.push(n);
  });
  observer.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true });
  try {
    await until(done, 'the filter to finish', 30_000);
  } finally {
    observer.disconnect();
  }
  return seen;
}

describe('<live-logs-viewer> with a large store log', function () {
  this.timeout(120_000);

  it('holds 200,000 entries and shows the right first and last rows', async () => {
    const { el, store } = await inProvider(html`<live-logs-viewer project-id="web" style="--logs-height: 400px"></live-logs-viewer>`, 200_000);
    fill(store, 'web', 0, 210_000);
    await settle(el);
    expect(text(el, 'counter')).to.equal('200,000 entries');
    expect(rows(el).length).to.be.greaterThan(10).and.lessThan(200);
    expect(messageOf(rows(el).at(-1)!)).to.equal(line(209_999));
    await userScroll(el, 0);
    expect(messageOf(rows(el)[0])).to.equal(line(10_000));
    expect(store.connection.stats.dropped).to.equal(10_000);
  });

  it('shows a filter’s first matches before its scan ends, and a new query replaces it', async () => {
    const { el, store } = await inProvider(html`<live-logs-viewer project-id="web" style="--logs-height: 400px"></live-logs-viewer>`, 300_000);
    fill(store, 'web', 0, 300_000);
    await settle(el);
    const matching = (query: string) => Array.from({ length: 300_000 }, (_, i) => line(i)).filter((text) => text.toLowerCase().includes(query)).length;
    // The filter's search part loads on first use; the scan steps are the same either way.
    for (const query of ['pull pod', 'cache pull']) {
      const expected = matching(query);
      expect(expected).to.be.greaterThan(1000);
      el.filter = query.toUpperCase();
      const seen = await counts(el, () => shown(el) === expected);
      expect(seen.filter((n) => n > 0 && n < expected).length, `${query}: rows shown while the scan went on (${seen.join(', ')})`).to.be.greaterThan(0);
      await settle(el);
      expect(text(el, 'counter')).to.equal(`${expected.toLocaleString('en-US')} of 300,000 entries`);
      for (const message of messages(el)) expect(message.toLowerCase()).to.include(query);
      // Highlighting loads with the colours part, the first time a row needs it.
      await until(() => part(el, 'match') !== null, 'the highlighted match');
      expect(part(el, 'match')!.textContent!.toLowerCase()).to.equal(query);
      el.filter = '';
      await settle(el);
    }

    // A keystroke while a scan is under way: the rows are the new query's alone.
    el.filter = 'pull pod';
    await until(() => shown(el) > 0, 'the first matches');
    el.filter = 'route';
    const expected = matching('route');
    await counts(el, () => shown(el) === expected);
    await settle(el);
    await userScroll(el, 0);
    for (const message of messages(el)) expect(message).to.include('route');
    expect(text(el, 'counter')).to.equal(`${expected.toLocaleString('en-US')} of 300,000 entries`);
    // Lines arriving during and after a scan are filtered too.
    el.filter = 'queue';
    await until(() => shown(el) > 0, 'the first matches');
    fill(store, 'web', 300_000, 300_010, (i) => `${line(i)} queue`);
    const queued = matching('queue') - Array.from({ length: 10 }, (_, i) => line(i)).filter((t) => t.includes('queue')).length + 10;
    await counts(el, () => shown(el) === queued);
    expect(shown(el)).to.equal(queued);
  });

  it('matches text without escape codes, and levels, over the store’s chunks as over entries', async () => {
    const { el, store } = await inProvider(html`<live-logs-viewer project-id="web"></live-logs-viewer>`, 10_000);
    const texts = (i: number) =>
      i % 3 === 0 ? `step \x1b[31mfai\x1b[0mled ${i}` : i % 3 === 1 ? `plain failed ${i}` : `no match [31m ${i}`;
    fill(store, 'web', 0, 5000, texts);
    await settle(el);
    el.filter = 'failed';
    await until(() => shown(el) === 3334, 'the matches across escape codes');
    el.filter = '31m';
    await until(() => shown(el) === 1666, 'a match only in the escape codes counts not');
    el.levels = ['error'];
    await until(() => shown(el) === 416, 'both filters');
  });

  it('filters a log held as entries before the compact logs loaded, and goes on across the move', async () => {
    const matching = (query: string, from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => line(from + i)).filter((text) => text.includes(query)).length;
    await loadEngine();
    const loaded = engine.loaded;
    engine.loaded = undefined;
    let el: Viewer;
    let store: LiveStore;
    try {
      ({ el, store } = await inProvider(html`<live-logs-viewer project-id="web" style="--logs-height: 400px"></live-logs-viewer>`, 20_000));
      fill(store, 'web', 0, 30_000);
      await settle(el);
      expect(store.logs('web').chunkAt(0), 'entries as objects').to.equal(undefined);
      el.filter = 'pull pod';
      const expected = matching('pull pod', 10_000, 30_000);
      await counts(el, () => shown(el) === expected);
      expect(text(el, 'counter')).to.equal(`${expected.toLocaleString('en-US')} of 20,000 entries`);
    } finally {
      engine.loaded = loaded;
    }
    // The next lines move the log into chunks; the rows follow on.
    fill(store, 'web', 30_000, 35_000);
    expect(store.logs('web').chunkAt(0), 'in chunks').to.not.equal(undefined);
    const after = matching('pull pod', 15_000, 35_000);
    await counts(el, () => shown(el) === after);
    expect(store.connection.stats.dropped).to.equal(15_000);
    el.filter = 'cache pull';
    const cache = matching('cache pull', 15_000, 35_000);
    await counts(el, () => shown(el) === cache);
    await settle(el);
    expect(text(el, 'counter')).to.equal(`${cache.toLocaleString('en-US')} of 20,000 entries`);
    for (const message of messages(el)) expect(message).to.include('cache pull');
    await userScroll(el, 0);
    expect(messageOf(rows(el)[0])).to.equal(Array.from({ length: 20_000 }, (_, i) => line(15_000 + i)).find((t) => t.includes('cache pull')));
  });

  it('exports a large log as a Blob built in parts: every line, in order', async () => {
    const { el, store } = await inProvider(html`<live-logs-viewer project-id="web"></live-logs-viewer>`, 200_000);
    fill(store, 'web', 0, 200_000);
    await settle(el);
    let detail: LogsExportDetail | undefined;
    el.addEventListener('logs-export', (event) => {
      event.preventDefault();
      detail = event.detail;
    });
    await el.download('log');
    const blob = detail!.blob;
    const head = await blob.slice(0, 200).text();
    const tail = await blob.slice(blob.size - 200).text();
    expect(head.split('\n')[0]).to.equal(`${new Date(T0).toISOString()} INFO [web] ${line(0)}`);
    expect(tail.endsWith(`${new Date(T0 + 199_999).toISOString()} ERROR [web] ${line(199_999)}\n`)).to.equal(true);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let lines = 0;
    for (const byte of bytes) if (byte === 10) lines++;
    expect(lines).to.equal(200_000);
  });

  it('refuses an export whose log is cleared while it is built, rather than give a file cut short', async () => {
    const { el, store } = await inProvider(html`<live-logs-viewer project-id="web"></live-logs-viewer>`, 200_000);
    fill(store, 'web', 0, 200_000);
    await settle(el);
    const { exportBlob } = await import('../src/live-logs-viewer/export.js');
    // Its first step runs at once; the clearing comes at its first yield, long before the end.
    const building = exportBlob(store.logs('web'), 'log');
    await new Promise((resolve) => setTimeout(resolve, 0));
    store.clearLogs('web');
    let error: unknown;
    await building.catch((reason: unknown) => (error = reason));
    expect(error, 'the export rejects').to.be.instanceOf(Error);
    // A whole log exports: the rejection comes from the clearing, not from the size.
    fill(store, 'web', 200_000, 400_000);
    const blob = await exportBlob(store.logs('web'), 'log');
    expect(blob.size).to.be.greaterThan(200_000 * 80);
  });

  it('exports a small store log as it did, in both formats', async () => {
    const { el, store } = await inProvider(html`<live-logs-viewer project-id="web"></live-logs-viewer>`, 100);
    store.apply({ type: 'deployment_progress', data: { projectId: 'web', message: 'Cloning \x1b[32mrepo\x1b[0m', level: 'info', step: 'clone', progress: 10, timestamp: new Date(T0).toISOString() } }, T0, 'a1');
    store.apply({ type: 'deployment_progress', data: { projectId: 'web', message: 'Done ✓', level: 'success', timestamp: new Date(T0 + 1500).toISOString() } }, T0);
    await settle(el);
    expect(await el.exportText('log')).to.equal(`2026-01-01T12:00:00.000Z INFO [web] Cloning repo\n2026-01-01T12:00:01.500Z SUCCESS [web] Done ✓\n`);
    expect(await el.exportText('jsonl')).to.equal(
      `{"timestamp":"2026-01-01T12:00:00.000Z","level":"info","projectId":"web","message":"Cloning \\u001b[32mrepo\\u001b[0m","step":"clone","progress":10}\n` +
        `{"timestamp":"2026-01-01T12:00:01.500Z","level":"success","projectId":"web","message":"Done ✓"}\n`,
    );
    const blobs: Blob[] = [];
    el.addEventListener('logs-export', (event) => {
      event.preventDefault();
      blobs.push(event.detail.blob);
    });
    await el.download('jsonl');
    await el.download('log');
    expect(await blobs[0].text()).to.equal(await el.exportText('jsonl'));
    expect(await blobs[1].text()).to.equal(await el.exportText('log'));
  });
});
