import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../src/live-metrics-chart/define.js';
import '../src/sse-provider/define.js';
import type { HistoryAnswer, LiveMetricsChart, MetricsPoint, RangeChangeDetail } from '../src/live-metrics-chart/live-metrics-chart.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import { until } from './helpers.js';
import { ManualClock, MockBackend } from '../src/mock/index.js';

/**
 * The chart's range control, history and comparison, against the history endpoints of
 * `test/server/history-endpoints.mjs` (the REST shape of `GET …/projects/:id/metrics?range=`).
 */

const part = (el: LiveMetricsChart, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const parts = (el: LiveMetricsChart, name: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
const has = (el: LiveMetricsChart, name: string) => part(el, name) !== null;
const text = (el: LiveMetricsChart, name: string) => part(el, name)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const radio = (el: LiveMetricsChart, value: string, group = 'range') => el.shadowRoot!.querySelector<HTMLButtonElement>(`[part~="${group}"] [data-value="${value}"]`)!;
const plot = (el: LiveMetricsChart) => part(el, 'plot');
const label = (el: LiveMetricsChart) => plot(el)?.querySelector('canvas')?.getAttribute('aria-label') ?? '';
const points = (el: LiveMetricsChart) => Number(plot(el)?.dataset.points ?? NaN);
const active = (el: LiveMetricsChart) => el.shadowRoot!.activeElement as HTMLElement | null;

let keySeq = 0;
/** A history-url template for a fresh server log key, with the endpoint's options. */
function endpoint(options = ''): { key: string; url: string } {
  const key = `k${Date.now()}-${++keySeq}`;
  return { key, url: `/history/{projectId}?range={range}&key=${key}${options ? `&${options}` : ''}` };
}

async function serverLog(key: string): Promise<{ requests: { projectId: string; range: string }[]; aborted: string[] }> {
  return (await fetch(`/history-log?key=${key}`)).json();
}

/** Live points every 3 s ending now-ish. */
function live(count: number, cpu = 20): MetricsPoint[] {
  const end = Date.UTC(2026, 0, 1, 12, 0, 0);
  return Array.from({ length: count }, (_, i) => ({ time: end - (count - 1 - i) * 3000, cpu: cpu + i, memory: 400 + i, requests: 100 + i, uptime: '1h' }));
}

async function chart(template: unknown, width = 640): Promise<LiveMetricsChart> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: ${width}px">${template}</div>`);
  const el = wrapper.querySelector('live-metrics-chart')!;
  await until(() => has(el, 'range'), 'the range control (loaded lazily)', 10000);
  return el;
}

async function drawn(el: LiveMetricsChart, range: string): Promise<void> {
  await until(() => plot(el)?.dataset.range === range && points(el) > 0, `the ${range} history to be drawn`, 10000);
}

/** A history answer built in the page: `count` buckets of `step` ms ending at 2026-01-01T12:00Z. */
function answer(projectId: string, range: '24h' | '7d' | '30d', count: number, step: number, base = 30): HistoryAnswer {
  const to = Date.UTC(2026, 0, 1, 12, 0, 0);
  return {
    projectId,
    range,
    step,
    from: to - count * step,
    to,
    points: Array.from({ length: count }, (_, i) => {
      const cpu = base + 10 * Math.sin(i / 9);
      const memory = 200 + base * 3 + 40 * Math.sin(i / 13);
      return { time: to - (count - i) * step, cpu: { min: cpu - 5, mean: cpu, max: cpu + 5 }, memory: { min: memory - 10, mean: memory, max: memory + 10 }, requests: i };
    }),
  };
}

describe('<live-metrics-chart> history', () => {
  describe('the range control', () => {
    it('is a labelled radio group with a roving tabindex; a click switches, reflects `range` and fires `range-change`', async () => {
      const { url } = endpoint();
      const el = await chart(html`<live-metrics-chart status="running" .metrics=${live(5)} history-url=${url}></live-metrics-chart>`);
      const group = part(el, 'range')!;
      expect(group.getAttribute('role')).to.equal('radiogroup');
      expect(group.getAttribute('aria-label')).to.equal('Time range');
      const radios = parts(el, 'range-option');
      expect(radios.map((r) => r.textContent!.trim())).to.deep.equal(['Live', '24 h', '7 d', '30 d']);
      expect(radios.map((r) => r.getAttribute('aria-label'))).to.deep.equal(['Live', 'Last 24 hours', 'Last 7 days', 'Last 30 days']);
      expect(radios.map((r) => r.getAttribute('role'))).to.deep.equal(['radio', 'radio', 'radio', 'radio']);
      expect(radios.map((r) => r.getAttribute('aria-checked'))).to.deep.equal(['true', 'false', 'false', 'false']);
      expect(radios.map((r) => r.tabIndex)).to.deep.equal([0, -1, -1, -1]);
      expect(el.range).to.equal('live');
      // The live chart and the cards are there while Live is chosen.
      await until(() => plot(el) !== null, 'the live plot');
      expect(parts(el, 'card')).to.have.length(4);
      await expect(el).to.be.accessible();

      const event = oneEvent(el, 'range-change');
      radio(el, '7d').click();
      const { detail, bubbles, composed } = (await event) as CustomEvent<RangeChangeDetail>;
      expect(detail).to.deep.equal({ range: '7d', previous: 'live' });
      expect(bubbles && composed, 'bubbles and composed').to.equal(true);
      expect(el.range).to.equal('7d');
      await el.updateComplete;
      expect(el.getAttribute('range')).to.equal('7d');
      expect(parts(el, 'range-option').map((r) => r.getAttribute('aria-checked'))).to.deep.equal(['false', 'false', 'true', 'false']);
      expect(parts(el, 'range-option').map((r) => r.tabIndex)).to.deep.equal([-1, -1, 0, -1]);
      expect(text(el, 'range-option-checked')).to.equal('7 d');
      await drawn(el, '7d');
      await expect(el).to.be.accessible();
    });

    it('moves and selects with the arrow keys, Home and End, wrapping around, and keeps focus on the chosen radio', async () => {
      const { url } = endpoint();
      const el = await chart(html`<live-metrics-chart status="running" .metrics=${live(5)} history-url=${url}></live-metrics-chart>`);
      const changes: string[] = [];
      el.addEventListener('range-change', (event) => changes.push(`${event.detail.previous}>${event.detail.range}`));
      radio(el, 'live').focus();
      const expectFocus = async (value: string) => {
        await el.updateComplete;
        expect(el.range).to.equal(value);
        expect(active(el)?.dataset.value, 'focus follows the selection').to.equal(value);
        expect(active(el)?.getAttribute('aria-checked')).to.equal('true');
      };
      await sendKeys({ press: 'ArrowRight' });
      await expectFocus('24h');
      await sendKeys({ press: 'ArrowDown' });
      await expectFocus('7d');
      await sendKeys({ press: 'End' });
      await expectFocus('30d');
      await sendKeys({ press: 'ArrowRight' });
      await expectFocus('live');
      await sendKeys({ press: 'ArrowLeft' });
      await expectFocus('30d');
      await sendKeys({ press: 'Home' });
      await expectFocus('live');
      await sendKeys({ press: 'ArrowUp' });
      await expectFocus('30d');
      expect(changes).to.deep.equal(['live>24h', '24h>7d', '7d>30d', '30d>live', 'live>30d', '30d>live', 'live>30d']);
      // Tab leaves the group: only the chosen radio is in the tab order.
      await sendKeys({ press: 'Tab' });
      expect(active(el)?.getAttribute('role') === 'radio', 'Tab left the radio group').to.equal(false);
    });

    it('fires no `range-change` for a range set by the host, and still draws it', async () => {
      const { url } = endpoint();
      const el = await chart(html`<live-metrics-chart status="running" .metrics=${live(5)} history-url=${url}></live-metrics-chart>`);
      let fired = 0;
      el.addEventListener('range-change', () => fired++);
      el.setAttribute('range', '24h');
      await drawn(el, '24h');
      expect(fired).to.equal(0);
      expect(radio(el, '24h').getAttribute('aria-checked')).to.equal('true');
    });

    it('is not shown for a chart with no history source', async () => {
      const el = await fixture<LiveMetricsChart>(html`<live-metrics-chart status="running" .metrics=${live(5)}></live-metrics-chart>`);
      await until(() => plot(el) !== null, 'the live plot', 10000);
      expect(has(el, 'range')).to.equal(false);
    });

    it('is in Spanish under lang="es"', async () => {
      const { url } = endpoint('scenario=500');
      const el = await chart(html`<div lang="es"><live-metrics-chart status="running" range="7d" .metrics=${live(5)} history-url=${url}></live-metrics-chart></div>`);
      expect(parts(el, 'range-option').map((r) => r.textContent!.trim())).to.deep.equal(['En vivo', '24 h', '7 d', '30 d']);
      expect(part(el, 'range')!.getAttribute('aria-label')).to.equal('Rango de tiempo');
      await until(() => has(el, 'error'), 'the error');
      expect(text(el, 'error')).to.contain('No se pudo cargar el historial (últimos 7 días): el servidor respondió 500').and.to.contain('Reintentar');
    });
  });

  describe('history from `history-url`', () => {
    it('fetches the template with the project id and range URL-encoded, draws mean lines and bands, and keeps the cards live', async () => {
      const { key, url } = endpoint();
      const wrapper = await fixture<HTMLDivElement>(html`
        <sse-provider><div style="width: 640px"><live-metrics-chart project-id="my app/1" range="7d" history-url=${url}></live-metrics-chart></div></sse-provider>
      `);
      const provider = wrapper as unknown as SseProvider;
      const el = provider.querySelector('live-metrics-chart')!;
      const store = provider.store;
      store.apply({ type: 'container_status_changed', data: { projectId: 'my app/1', newStatus: 'running', timestamp: new Date().toISOString() } });
      store.apply({ type: 'metrics_updated', data: { projectId: 'my app/1', cpu: 12, memory: 256, requests: 5, uptime: '1m' } });
      await drawn(el, '7d');
      expect((await serverLog(key)).requests).to.deep.equal([{ projectId: 'my app/1', range: '7d' }]);
      // 1,008 ten-minute buckets fit in twice the plot's width: all of them are drawn.
      expect(points(el)).to.equal(1008);
      expect(label(el)).to.match(/^CPU \/ Memory, last 7 days: CPU average [\d.]+%, peak [\d.]+%; Memory average [\d,]+ MB, peak [\d,]+ MB$/);
      expect(part(el, 'chart')!.getAttribute('aria-busy')).to.equal('false');
      expect(text(el, 'status')).to.equal('Showing the last 7 days.');
      expect(text(el, 'card-cpu')).to.contain('12%');

      // The live figures stay live while the history is shown.
      store.apply({ type: 'metrics_updated', data: { projectId: 'my app/1', cpu: 47, memory: 300, requests: 6, uptime: '2m' } });
      await until(() => text(el, 'card-cpu').includes('47%'), 'the live card to follow the stream');
      expect(plot(el)?.dataset.range).to.equal('7d');
      // The readout shows the latest bucket: mean with its min and max.
      expect(text(el, 'readout')).to.match(/CPU: [\d.]+% \(min [\d.]+%, max [\d.]+%\)/);
      await expect(el).to.be.accessible();

      // Back to Live: the history chart goes, the live one comes back.
      radio(el, 'live').click();
      await until(() => plot(el) !== null && plot(el)!.dataset.range === undefined, 'the live chart');
      expect(label(el)).to.match(/^CPU 47%, memory 300 MB/);
    });

    it('uses the provider’s `history-url` when the chart has none', async () => {
      const { key, url } = endpoint();
      const provider = await fixture<SseProvider>(html`
        <sse-provider history-url=${url}><div style="width: 600px"><live-metrics-chart project-id="api" range="24h"></live-metrics-chart></div></sse-provider>
      `);
      const el = provider.querySelector('live-metrics-chart')!;
      await drawn(el, '24h');
      expect((await serverLog(key)).requests).to.deep.equal([{ projectId: 'api', range: '24h' }]);
    });

    it('gets history from the mock backend in mock mode, with no network', async () => {
      const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
      const backend = new MockBackend({ clock, autoplay: false, latency: 0, projects: [{ projectId: 'api', status: 'running', cpu: 20, memory: 256 }] });
      const provider = await fixture<SseProvider>(html`
        <sse-provider .mockBackend=${backend} history-url="/nowhere/{projectId}?range={range}"
          ><div style="width: 600px"><live-metrics-chart project-id="api" range="7d"></live-metrics-chart></div
        ></sse-provider>
      `);
      const el = provider.querySelector('live-metrics-chart')!;
      await until(() => {
        clock.advance(1);
        return plot(el)?.dataset.range === '7d' && points(el) > 0;
      }, 'the mock’s 7 d history to be drawn', 10000);
      // The mock answers after its latency on its clock.
      const ask = (path: string) => {
        const answered = backend.request('GET', path);
        clock.advance(1);
        return answered;
      };
      const answer = (await ask('/projects/api/metrics?range=7d')).body as HistoryAnswer;
      expect(answer.points).to.have.length(1008);
      expect(answer.step).to.equal(600_000);
      expect((await ask('/projects/api/metrics?range=1y')).status).to.equal(400);
      expect((await ask('/projects/nope/metrics?range=24h')).status).to.equal(404);
    });

    it('shows a visible, busy loading state and says so politely', async () => {
      const { url } = endpoint('delay=700');
      const el = await chart(html`<live-metrics-chart status="running" .metrics=${live(3)} history-url=${url}></live-metrics-chart>`);
      radio(el, '30d').click();
      await until(() => has(el, 'loading'), 'the loading state');
      const frame = part(el, 'chart')!;
      expect(frame.getAttribute('aria-busy')).to.equal('true');
      expect(part(el, 'progress')!.getBoundingClientRect().width).to.be.greaterThan(0);
      expect(part(el, 'status')!.getAttribute('role')).to.equal('status');
      expect(text(el, 'status')).to.equal('Loading the last 30 days…');
      await expect(el).to.be.accessible();
      await drawn(el, '30d');
      expect(has(el, 'loading')).to.equal(false);
      expect(part(el, 'chart')!.getAttribute('aria-busy')).to.equal('false');
      expect(points(el)).to.equal(720);
    });

    const failures = [
      { scenario: '500', says: 'Could not load the last 24 hours: the server answered 500 (the history store is down).' },
      { scenario: '404', says: 'Could not load the last 24 hours: the server answered 404 (unknown project).' },
      { scenario: 'badjson', says: 'Could not load the last 24 hours: the answer is not valid JSON.' },
      { scenario: 'shape', says: 'Could not load the last 24 hours: the answer is not a metrics history (no list of points).' },
      { scenario: 'drop', says: 'Could not load the last 24 hours: the server could not be reached (network error).' },
    ];
    for (const { scenario, says } of failures) {
      it(`says what failed (${scenario}) and offers Retry`, async () => {
        const { url } = endpoint(`scenario=${scenario}`);
        const el = await chart(html`<live-metrics-chart status="running" range="24h" .metrics=${live(3)} history-url=${url}></live-metrics-chart>`);
        await until(() => has(el, 'error'), 'the error');
        expect(part(el, 'error')!.querySelector('p')!.textContent).to.equal(says);
        expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
        expect(text(el, 'retry')).to.equal('Retry');
        expect(plot(el) === null, 'nothing drawn').to.equal(true);
        expect(part(el, 'chart')!.getAttribute('aria-busy')).to.equal('false');
        await expect(el).to.be.accessible();
      });
    }

    it('loads again on Retry', async () => {
      const { key, url } = endpoint('scenario=flaky');
      const el = await chart(html`<live-metrics-chart status="running" range="7d" .metrics=${live(3)} history-url=${url}></live-metrics-chart>`);
      await until(() => has(el, 'retry'), 'the error');
      part(el, 'retry')!.click();
      await drawn(el, '7d');
      expect(has(el, 'error')).to.equal(false);
      expect((await serverLog(key)).requests).to.have.length(2);
    });

    it('says when a range has no data', async () => {
      const { url } = endpoint('scenario=empty');
      const el = await chart(html`<live-metrics-chart status="running" range="7d" .metrics=${live(3)} history-url=${url}></live-metrics-chart>`);
      await until(() => has(el, 'empty'), 'the empty state');
      expect(text(el, 'empty')).to.equal('No data for the last 7 days.');
      expect(text(el, 'status')).to.equal('No data for the last 7 days.');
      expect(plot(el) === null, 'nothing drawn').to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('aborts the request of a range left before its answer, and a late answer never draws', async () => {
      const { key, url } = endpoint('slow=24h&delay=1200');
      const el = await chart(html`<live-metrics-chart status="running" .metrics=${live(3)} history-url=${url}></live-metrics-chart>`);
      radio(el, '24h').click();
      await until(async () => (await serverLog(key)).requests.length === 1, 'the 24 h request');
      radio(el, '7d').click();
      await drawn(el, '7d');
      await until(async () => (await serverLog(key)).aborted.includes('24h'), 'the server to see the 24 h request aborted', 3000);
      // Long past the 24 h answer's delay: the 7 d history is still what is drawn.
      await new Promise((resolve) => setTimeout(resolve, 1300));
      expect(plot(el)?.dataset.range).to.equal('7d');
      expect(points(el)).to.equal(1008);
      expect(label(el)).to.contain('last 7 days');
    });

    it('drops malformed points, tells why with one `sse-invalid-event`, and draws the rest', async () => {
      const { url } = endpoint('bad=5');
      const invalid: { type: string; reason: string }[] = [];
      const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 640px" @sse-invalid-event=${(e: CustomEvent) => invalid.push(e.detail)}>
        <live-metrics-chart status="running" range="7d" .metrics=${live(3)} history-url=${url}></live-metrics-chart>
      </div>`);
      const el = wrapper.querySelector('live-metrics-chart')!;
      await drawn(el, '7d');
      expect(points(el)).to.equal(1003);
      expect(invalid).to.have.length(1);
      expect(invalid[0]!.type).to.equal('history');
      expect(invalid[0]!.reason).to.contain('5 invalid points dropped').and.to.contain('point 0: `cpu`').and.to.contain('point 1: `time`');
    });

    it('draws a gap where the history has no data', async () => {
      const { url } = endpoint('gap=100-300');
      const el = await chart(html`<live-metrics-chart status="running" range="7d" .metrics=${live(3)} history-url=${url}></live-metrics-chart>`);
      await drawn(el, '7d');
      // 808 buckets and one break.
      expect(points(el)).to.equal(809);
    });

    it('downsamples 43,200 points to at most two per pixel column, keeps a one-bucket spike, and again on resize', async () => {
      const { url } = endpoint('n=43200&spike=20000');
      const el = await chart(html`<live-metrics-chart status="running" range="30d" .metrics=${live(3)} history-url=${url}></live-metrics-chart>`, 800);
      await drawn(el, '30d');
      const width = part(el, 'chart')!.clientWidth;
      expect(points(el)).to.be.at.most(2 * width).and.to.be.greaterThan(width / 2);
      expect(label(el), 'the one-minute spike survives').to.contain('peak 99.5%');
      const wide = points(el);
      (el.parentElement as HTMLElement).style.width = '360px';
      await until(() => points(el) < wide, 'a new downsampling for the narrower plot');
      expect(points(el)).to.be.at.most(2 * part(el, 'chart')!.clientWidth);
      expect(label(el)).to.contain('peak 99.5%');
    });

    it('aborts its fetch and destroys its plot when removed', async () => {
      const { key, url } = endpoint('delay=800');
      const el = await chart(html`<live-metrics-chart status="running" range="24h" .metrics=${live(3)} history-url=${url}></live-metrics-chart>`);
      await until(async () => (await serverLog(key)).requests.length === 1, 'the request');
      el.remove();
      await until(async () => (await serverLog(key)).aborted.length === 1, 'the server to see the request aborted', 3000);

      const drawnOne = await chart(html`<live-metrics-chart status="running" range="7d" .metrics=${live(3)} history-url=${endpoint().url}></live-metrics-chart>`);
      await drawn(drawnOne, '7d');
      const root = plot(drawnOne)!;
      drawnOne.remove();
      expect(root.isConnected, 'the uPlot root is gone').to.equal(false);
    });
  });

  describe('presentational history', () => {
    it('draws a `history` answer with no server, validating it like a fetched one', async () => {
      const el = await chart(html`<live-metrics-chart status="running" range="24h" .metrics=${live(3)} .history=${answer('api', '24h', 300, 60_000)}></live-metrics-chart>`);
      await drawn(el, '24h');
      expect(points(el)).to.equal(300);
      el.history = { projectId: 'api', data: [] } as unknown as HistoryAnswer;
      await until(() => has(el, 'error'), 'the error for a wrong shape');
      expect(text(el, 'error')).to.contain('not a metrics history');
    });

    it('reads its colours while the live view idles: the first switch draws in them, and in a theme set since', async () => {
      const red = [255, 0, 0];
      const blue = [0, 0, 255];
      /** Pixels of the plot's canvas in this colour. */
      const pixels = (el: LiveMetricsChart, [r, g, b]: number[]) => {
        const canvas = plot(el)!.querySelector('canvas')!;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) count += 1;
        return count;
      };
      const idle = () => new Promise((resolve) => requestIdleCallback(resolve));
      const el = await chart(html`<div theme="light"><live-metrics-chart style="--chart-series-1: light-dark(rgb(255, 0, 0), rgb(0, 0, 255))" status="running" .metrics=${live(3)} .history=${answer('api', '24h', 300, 60_000)}></live-metrics-chart></div>`);
      await idle();
      await idle();
      radio(el, '24h').click();
      await drawn(el, '24h');
      expect(pixels(el, red), 'the CPU line in the colour set').to.be.greaterThan(100);
      radio(el, 'live').click();
      await until(() => plot(el)?.dataset.range === undefined, 'the live chart');
      await idle();
      el.parentElement!.setAttribute('theme', 'dark');
      await until(() => getComputedStyle(el).colorScheme === 'dark', 'the dark theme');
      radio(el, '24h').click();
      await drawn(el, '24h');
      expect(pixels(el, blue), 'the CPU line in the dark colour').to.be.greaterThan(100);
      expect(pixels(el, red)).to.equal(0);
    });
  });

  describe('comparison', () => {
    const three = () => ({
      api: answer('api', '7d', 200, 600_000, 20),
      web: answer('web', '7d', 200, 600_000, 45),
      worker: answer('worker', '7d', 200, 600_000, 70),
    });

    it('draws a series per project with a legend that toggles them by keyboard, and a readout of the values at the cursor', async () => {
      const el = await chart(html`<live-metrics-chart project-ids="api web worker" range="7d" .history=${three()}></live-metrics-chart>`, 720);
      await drawn(el, '7d');
      expect(has(el, 'cards'), 'no single-project cards').to.equal(false);
      const items = parts(el, 'legend-item');
      expect(items.map((item) => item.querySelector('[part~="legend-name"]')!.textContent)).to.deep.equal(['api', 'web', 'worker']);
      expect(items.map((item) => item.getAttribute('aria-pressed'))).to.deep.equal(['true', 'true', 'true']);
      expect(part(el, 'legend')!.getAttribute('aria-label')).to.contain('Projects');
      // Told apart by colour and by dash pattern.
      const swatches = parts(el, 'legend-swatch');
      const dashes = swatches.map((s) => s.querySelector('line')!.getAttribute('stroke-dasharray'));
      expect(new Set(dashes).size).to.equal(3);
      const colours = swatches.map((s) => getComputedStyle(s).color);
      expect(new Set(colours).size).to.equal(3);
      expect(label(el)).to.match(/^CPU, last 7 days: api average [\d.]+%, peak [\d.]+%; web average [\d.]+%, peak [\d.]+%; worker average/);
      expect(text(el, 'readout')).to.match(/api: [\d.]+%.*web: [\d.]+%.*worker: [\d.]+%/);
      await expect(el).to.be.accessible();

      // The keyboard moves the cursor: the readout follows it, one project per line.
      const over = plot(el)!.querySelector<HTMLElement>('.u-over')!;
      over.focus();
      await sendKeys({ press: 'Home' });
      const first = text(el, 'readout');
      await sendKeys({ press: 'ArrowRight' });
      const second = text(el, 'readout');
      expect(second).not.to.equal(first);
      expect(first.split(':')[0], 'a time first').to.match(/\d/);
      expect(first).to.match(/api: [\d.]+% \(min [\d.]+%, max [\d.]+%\)/);

      // Space and Enter toggle a project; the readout leaves a hidden one out.
      items[1]!.focus();
      await sendKeys({ press: 'Space' });
      await el.updateComplete;
      expect(items[1]!.getAttribute('aria-pressed')).to.equal('false');
      over.focus();
      await sendKeys({ press: 'End' });
      expect(text(el, 'readout')).not.to.contain('web:');
      expect(text(el, 'readout')).to.contain('worker:');
      items[1]!.focus();
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(items[1]!.getAttribute('aria-pressed')).to.equal('true');
      await expect(el).to.be.accessible();
    });

    it('switches the metric with its own radio group', async () => {
      const el = await chart(html`<live-metrics-chart project-ids="api web worker" range="7d" .history=${three()}></live-metrics-chart>`);
      await drawn(el, '7d');
      expect(part(el, 'metric')!.getAttribute('role')).to.equal('radiogroup');
      const changed = oneEvent(el, 'metric-change');
      radio(el, 'memory', 'metric').click();
      expect((await changed).detail).to.deep.equal({ metric: 'memory', previous: 'cpu' });
      await until(() => label(el).startsWith('Memory'), 'the memory chart');
      expect(el.getAttribute('metric')).to.equal('memory');
      expect(text(el, 'readout')).to.match(/api: [\d,]+ MB/);
      radio(el, 'memory', 'metric').focus();
      await sendKeys({ press: 'ArrowLeft' });
      await until(() => label(el).startsWith('CPU'), 'the CPU chart');
      expect(active(el)?.dataset.value).to.equal('cpu');
    });

    it('fetches every project from the provider’s history-url and names them from the store', async () => {
      const { key, url } = endpoint();
      const provider = await fixture<SseProvider>(html`
        <sse-provider history-url=${url}><div style="width: 700px"><live-metrics-chart project-ids="api web" range="30d"></live-metrics-chart></div></sse-provider>
      `);
      provider.store.applySnapshot({ projects: [{ projectId: 'api', name: 'Public API', status: 'running' }, { projectId: 'web', status: 'stopped' }] });
      const el = provider.querySelector('live-metrics-chart')!;
      await drawn(el, '30d');
      const requests = (await serverLog(key)).requests;
      expect(requests.map((r) => `${r.projectId} ${r.range}`).sort()).to.deep.equal(['api 30d', 'web 30d']);
      await until(() => parts(el, 'legend-name').map((n) => n.textContent).join() === 'Public API,web', 'store names in the legend');
      expect(label(el)).to.contain('Public API average');
    });

    it('names the project whose history failed', async () => {
      const provider = await fixture<SseProvider>(html`
        <sse-provider><div style="width: 700px"><live-metrics-chart project-ids="api web" range="24h" history-url=${endpoint('scenario=404').url}></live-metrics-chart></div></sse-provider>
      `);
      const el = provider.querySelector('live-metrics-chart')!;
      await until(() => has(el, 'error'), 'the error');
      expect(text(el, 'error')).to.match(/Could not load the last 24 hours of (api|web): the server answered 404/);
    });

    it('overlays the projects’ live metrics, with their latest values in the legend', async () => {
      const provider = await fixture<SseProvider>(html`
        <sse-provider><div style="width: 700px"><live-metrics-chart project-ids="api web" points="20"></live-metrics-chart></div></sse-provider>
      `);
      const el = provider.querySelector('live-metrics-chart')!;
      const store = provider.store;
      let now = Date.now() - 10_000;
      for (let i = 0; i < 5; i++) {
        store.apply({ type: 'metrics_updated', data: { projectId: 'api', cpu: 10 + i, memory: 100, requests: i, uptime: '1m' } }, (now += 1000));
        store.apply({ type: 'metrics_updated', data: { projectId: 'web', cpu: 60 + i, memory: 300, requests: i, uptime: '1m' } }, (now += 500));
      }
      await until(() => plot(el) !== null && points(el) > 0, 'the live comparison');
      expect(points(el)).to.equal(10);
      expect(label(el)).to.equal('CPU, live view: api 14%; web 64%');
      expect(parts(el, 'legend-value').map((v) => v.textContent)).to.deep.equal(['14%', '64%']);
      store.apply({ type: 'metrics_updated', data: { projectId: 'web', cpu: 77, memory: 300, requests: 9, uptime: '1m' } }, (now += 500));
      await until(() => label(el) === 'CPU, live view: api 14%; web 77%', 'the live comparison to follow the stream');
      await expect(el).to.be.accessible();
    });
  });

  describe('a history part that cannot be fetched', () => {
    const lazyFiles = async (available: boolean) => (await fetch(`/vendor-control?available=${available ? 1 : 0}`)).json();
    let frame: HTMLIFrameElement | undefined;
    afterEach(async () => {
      frame?.remove();
      await lazyFiles(true);
    });

    it('keeps the live cards, says the chart could not load, and shows the range control once the file is back', async () => {
      await lazyFiles(false);
      frame = document.createElement('iframe');
      frame.src = '/test/fixtures/vendor.html';
      frame.style.width = '800px';
      frame.style.height = '600px';
      document.body.append(frame);
      const win = frame.contentWindow as Window & { loaded?: boolean };
      await until(() => Boolean(win.loaded), 'the bundle to load', 10000);
      const doc = frame.contentDocument!;
      const el = doc.createElement('live-metrics-chart') as LiveMetricsChart;
      el.status = 'running';
      el.metrics = live(3);
      el.range = '7d';
      el.history = answer('api', '7d', 50, 600_000);
      doc.body.append(el);
      await until(() => has(el, 'plot-error'), 'the chart to say it could not load');
      expect(text(el, 'plot-error')).to.contain('could not be loaded');
      expect(parts(el, 'card')).to.have.length(4);
      expect(has(el, 'range')).to.equal(false);
      await lazyFiles(true);
      await until(() => has(el, 'range') && plot(el)?.dataset.range === '7d', 'the history part once it loads', 10000);
      expect(has(el, 'plot-error')).to.equal(false);
    });
  });

  describe('strict Content-Security-Policy', () => {
    it('draws history and comparison, with the cursor and a loading state, with no violation', async () => {
      const frame = document.createElement('iframe');
      frame.src = '/test/fixtures/csp.html';
      frame.width = '900';
      frame.height = '700';
      document.body.append(frame);
      try {
        const win = () => frame.contentWindow as Window & { loaded?: boolean; violations?: string[] };
        await until(() => Boolean(win()?.loaded), 'the bundle to load under CSP', 10000);
        const doc = frame.contentDocument!;
        const host = doc.createElement('div');
        doc.body.prepend(host);
        const single = doc.createElement('live-metrics-chart') as LiveMetricsChart;
        single.status = 'running';
        single.metrics = live(3);
        single.range = '7d';
        single.history = answer('api', '7d', 300, 600_000);
        const compare = doc.createElement('live-metrics-chart') as LiveMetricsChart;
        compare.projectIds = 'api web';
        compare.range = '7d';
        compare.history = { api: answer('api', '7d', 300, 600_000), web: answer('web', '7d', 300, 600_000, 60) };
        const loading = doc.createElement('live-metrics-chart') as LiveMetricsChart;
        loading.status = 'running';
        loading.metrics = live(3);
        loading.range = '24h';
        loading.historyUrl = endpoint('delay=3000').url;
        host.append(single, compare, loading);
        await drawn(single, '7d');
        await drawn(compare, '7d');
        await until(() => has(loading, 'progress'), 'the loading state');
        // The cursor: hovered, then moved with the keyboard.
        const over = plot(compare)!.querySelector<HTMLElement>('.u-over')!;
        const box = over.getBoundingClientRect();
        over.dispatchEvent(new MouseEvent('mousemove', { clientX: box.left + box.width / 2, clientY: box.top + box.height / 2, bubbles: true }));
        over.focus();
        over.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
        part(compare, 'legend-item')!.click();
        await compare.updateComplete;
        expect(text(compare, 'readout')).to.contain('web:');
        expect(win().violations ?? [], 'CSP violations').to.deep.equal([]);
      } finally {
        frame.remove();
      }
    });
  });

  describe('accessibility', () => {
    for (const theme of ['light', 'dark']) {
      it(`passes axe with history and comparison (${theme})`, async () => {
        const wrapper = await fixture<HTMLDivElement>(html`
          <div theme=${theme} style="width: 700px; background: ${theme === 'dark' ? '#0d1117' : '#fff'}">
            <live-metrics-chart id="single" status="running" range="7d" .metrics=${live(4)} .history=${answer('api', '7d', 100, 600_000)}></live-metrics-chart>
            <live-metrics-chart id="compare" project-ids="api web" range="7d" .history=${{ api: answer('api', '7d', 100, 600_000), web: answer('web', '7d', 100, 600_000, 60) }}></live-metrics-chart>
          </div>
        `);
        const [single, compare] = [...wrapper.querySelectorAll('live-metrics-chart')];
        await drawn(single!, '7d');
        await drawn(compare!, '7d');
        await expect(single).to.be.accessible();
        await expect(compare).to.be.accessible();
      });
    }
  });
});
