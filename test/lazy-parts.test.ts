import { expect } from '@open-wc/testing';
import type { SseIndicator } from '../src/sse-indicator/sse-indicator.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import type { LiveMetricsChart } from '../src/live-metrics-chart/live-metrics-chart.js';
import type { ConnectionError } from '../src/core/store.js';
import { nextFrame, until } from './helpers.js';

/**
 * The bundle copied alone to `/vendor` (or an old chunk gone after a redeploy): the files it loads
 * lazily are missing. Each failed load is one failed attempt — one `sse-error` naming the part, the
 * state `closed`, a retry on the connection's backoff — and the page recovers when the file is back.
 */
type VendorWindow = Window & { loaded?: boolean; errors: ConnectionError[]; states: string[] };

/** Makes the lazy files available or missing (and clears the record), or just reads what was served and refused. */
async function lazyFiles(available?: boolean): Promise<{ served: string[]; refused: string[] }> {
  return (await fetch(available === undefined ? '/vendor-control' : `/vendor-control?available=${available ? 1 : 0}`)).json();
}

async function vendorPage(): Promise<{ frame: HTMLIFrameElement; win: VendorWindow; doc: Document }> {
  const frame = document.createElement('iframe');
  frame.src = '/test/fixtures/vendor.html';
  frame.style.width = '800px';
  frame.style.height = '600px';
  document.body.append(frame);
  await until(() => Boolean((frame.contentWindow as VendorWindow | null)?.loaded), 'the bundle to load', 10000);
  return { frame, win: frame.contentWindow as VendorWindow, doc: frame.contentDocument! };
}

/**
 * Lets the page run for `ms`: long enough for a loop to fire thousands of times, far shorter than the
 * first retry (`reconnect-min="4000"`: 2 to 4 s after the failure).
 */
const during = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const providers = [
  { name: 'the mock backend', file: 'live-elements.mock.js', markup: '<sse-provider mock reconnect-min="4000">' },
  { name: 'the fetch transport', file: 'live-elements.fetch-event-source.js', markup: '<sse-provider transport="fetch" reconnect-min="4000" url="/sse/stream?session=lazy-fetch&count=2">' },
  { name: 'tab sharing', file: 'live-elements.tab-share.js', markup: '<sse-provider shared reconnect-min="4000" url="/sse/stream?session=lazy-shared&count=2">' },
];

describe('a lazily loaded part that cannot be fetched', () => {
  let frame: HTMLIFrameElement | undefined;
  afterEach(async () => {
    frame?.remove();
    frame = undefined;
    await lazyFiles(true);
  });

  for (const { name, file, markup } of providers) {
    it(`${name}: one sse-error naming the file, state closed, the indicator says why, and a retry on the backoff`, async () => {
      await lazyFiles(false);
      const page = await vendorPage();
      frame = page.frame;
      const { win, doc } = page;
      doc.body.insertAdjacentHTML('beforeend', `${markup}<sse-indicator></sse-indicator></sse-provider>`);
      const provider = doc.querySelector('sse-provider') as SseProvider;
      const indicator = doc.querySelector('sse-indicator') as SseIndicator;

      await until(() => win.errors.length > 0, 'the first sse-error');
      await during(300);
      expect(win.errors, 'one error, not a loop').to.have.length(1);
      expect(win.errors[0]!.message).to.contain(name).and.to.contain(file);
      expect(win.errors[0]!.willRetry).to.equal(true);
      expect(provider.state).to.equal('closed');
      expect(provider.getAttribute('state')).to.equal('closed');
      expect(win.states).to.deep.equal(['connecting', 'closed']);
      await until(() => (indicator.shadowRoot!.querySelector('[part~="error"]')?.textContent ?? '').includes(file), 'the indicator to name the file');
      expect(indicator.getAttribute('state')).to.equal('closed');
      expect(indicator.shadowRoot!.querySelector('[part~="endpoint"]')!.textContent).not.to.contain('No endpoint');

      // The file comes back: the next attempt, after the backoff, loads it and opens the stream.
      await lazyFiles(true);
      await until(() => provider.state === 'open', 'the retry to open the stream', 10000);
      expect(win.errors.length, 'at most one more failed attempt before the file came back').to.be.at.most(2);
      expect((await lazyFiles()).served).to.include(file);
    });
  }

  it('disconnect() stops the retries', async () => {
    await lazyFiles(false);
    const page = await vendorPage();
    frame = page.frame;
    const { win, doc } = page;
    doc.body.insertAdjacentHTML('beforeend', '<sse-provider mock reconnect-min="200" reconnect-max="200"></sse-provider>');
    const provider = doc.querySelector('sse-provider') as SseProvider;
    await until(() => win.errors.length >= 2, 'a retry that fails again');
    provider.disconnect();
    const errors = win.errors.length;
    const states = win.states.length;
    await during(100);
    const refused = (await lazyFiles()).refused.length;
    await during(500);
    expect((await lazyFiles()).refused.length, 'no load after disconnect()').to.equal(refused);
    expect(win.errors.length, 'no error after disconnect()').to.equal(errors);
    expect(win.states.slice(states), 'no state change after disconnect()').to.deep.equal([]);
    expect(win.states.at(-1)).to.equal('closed');
    expect(provider.state).to.equal('closed');
    expect(provider.store.connection.closedReason).to.equal('disconnected');
  });

  it('a toast whose looks cannot load still shows its title, is announced, and dismisses itself', async () => {
    await lazyFiles(false);
    const page = await vendorPage();
    frame = page.frame;
    const region = page.doc.createElement('live-toast-region') as HTMLElement & { show(options: object): number; toasts: unknown[] };
    region.setAttribute('position', 'inline');
    page.doc.body.append(region);
    region.show({ kind: 'error', title: 'Could not stop the container', message: 'Web: 500', duration: 300 });
    const part = (name: string) => region.shadowRoot!.querySelector(`[part~="${name}"]`);
    await until(() => part('toast') !== null, 'the toast');
    await until(async () => (await lazyFiles()).refused.some((file) => file.includes('toast-view')), 'the toast view to be asked for');
    expect(part('toast')!.textContent).to.contain('Could not stop the container');
    expect(part('close')!.textContent).to.equal('Dismiss');
    expect(part('announcer')!.textContent).to.equal('Error: Could not stop the container. Web: 500');
    await until(() => region.toasts.length === 0, 'the toast to go after its duration');
  });

  it('the metrics chart keeps its figures, says the plot could not load, and draws it when uPlot comes back', async () => {
    await lazyFiles(false);
    const page = await vendorPage();
    frame = page.frame;
    const { doc } = page;
    const chart = doc.createElement('live-metrics-chart') as LiveMetricsChart;
    chart.style.display = 'block';
    chart.style.width = '600px';
    chart.status = 'running';
    chart.metrics = [
      { time: Date.now() - 1000, cpu: 12, memory: 256, requests: 40, uptime: '1m' },
      { time: Date.now(), cpu: 18, memory: 300, requests: 52, uptime: '1m' },
    ];
    const chartAdded = performance.now();
    doc.body.append(chart);
    const part = (name: string) => chart.shadowRoot!.querySelector(`[part~="${name}"]`);
    await until(() => part('plot-error') !== null, 'the plot to say it could not load');
    expect(part('plot-error')!.textContent).to.contain('could not be loaded');
    expect(part('plot-error')!.getAttribute('role')).to.equal('status');
    expect(chart.shadowRoot!.querySelectorAll('[part~="card"]')).to.have.length(4);
    expect(part('card-memory')!.textContent).to.contain('300');
    const uplotRequests = async () => (await lazyFiles()).refused.filter((file) => file.includes('uPlot')).length;
    // New figures redraw the chart; the failed load waits out its backoff rather than being tried
    // again at every draw.
    for (let i = 0; i < 10; i++) {
      chart.metrics = [...chart.metrics, { time: Date.now(), cpu: 20 + i, memory: 310 + i, requests: 60 + i, uptime: '1m' }];
      await nextFrame();
      await chart.updateComplete;
    }
    expect(part('card-memory')!.textContent).to.contain('319');
    // Tries come at least 500 ms, then 1 s, 2 s, … apart: after t ms, at most 1 + log2(t / 500 + 1).
    const elapsed = performance.now() - chartAdded;
    expect(await uplotRequests(), 'tries spaced by the backoff').to.be.at.most(1 + Math.floor(Math.log2(elapsed / 500 + 1)));
    await lazyFiles(true);
    await until(() => chart.shadowRoot!.querySelector('canvas') !== null, 'the plot once uPlot loads', 10000);
    await chart.updateComplete;
    // (Compared as booleans: chai's message for an element that is there never ends.)
    expect(part('plot-error') === null, 'the message is gone').to.equal(true);
  });
});
