import { expect, fixture, html } from '@open-wc/testing';
import '../src/live-metrics-chart/define.js';
import '../src/sse-provider/define.js';
import type { LiveMetricsChart, MetricsPoint } from '../src/live-metrics-chart/live-metrics-chart.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import type { ContainerStatus } from '../src/core/protocol.js';
import { ManualClock, MockBackend } from '../src/mock/index.js';
import { frames, nextFrame, until } from './helpers.js';

const part = (el: LiveMetricsChart, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
/** Whether a part is rendered (a boolean, so a failure message never has to print an element). */
const has = (el: LiveMetricsChart, name: string) => part(el, name) !== null;
const canvasOf = (el: LiveMetricsChart) => el.shadowRoot!.querySelector<HTMLCanvasElement>('[part~="plot"] canvas');
const cardValue = (el: LiveMetricsChart, card: string) => el.shadowRoot!.querySelector(`[part~="card-${card}"] [part~="value"]`)?.textContent?.trim();

/** `count` points, one every 3 s, ending at `end`. */
function series(count: number, end = Date.UTC(2026, 0, 1, 12, 0, 30), uptime = '2h 15m'): MetricsPoint[] {
  return Array.from({ length: count }, (_, i) => ({
    time: end - (count - 1 - i) * 3000,
    cpu: 20 + i,
    memory: 400 + i * 8,
    requests: 12_000 + i * 15,
    uptime,
  }));
}

async function chartReady(el: LiveMetricsChart): Promise<HTMLCanvasElement> {
  await until(() => canvasOf(el) !== null && el.drawCount > 0, 'the chart to be drawn');
  return canvasOf(el)!;
}

async function inProvider(projectId = 'api'): Promise<{ provider: SseProvider; el: LiveMetricsChart }> {
  const provider = await fixture<SseProvider>(html`
    <sse-provider><div style="width: 640px"><live-metrics-chart project-id=${projectId}></live-metrics-chart></div></sse-provider>
  `);
  const el = provider.querySelector('live-metrics-chart')!;
  await el.updateComplete;
  return { provider, el };
}

const NOT_RUNNING: ContainerStatus[] = ['deploying', 'stopped', 'inactive', 'error'];

describe('<live-metrics-chart>', () => {
  describe('presentational mode', () => {
    it('labels every card in Spanish ("Requests" too)', async () => {
      const root = await fixture(html`<div lang="es"><live-metrics-chart status="running" .metrics=${[{ time: Date.now(), cpu: 10, memory: 100, requests: 5, uptime: '1m' }]}></live-metrics-chart></div>`);
      const chart = root.querySelector('live-metrics-chart')!;
      await chart.updateComplete;
      const labels = [...chart.shadowRoot!.querySelectorAll('[part~="card"] [part~="label"]')].map((label) => label.textContent!.trim());
      expect(labels).to.deep.equal(['CPU', 'Memoria', 'Solicitudes', 'Tiempo activo']);
    });

    it('shows the latest values in the cards and draws a uPlot chart while running', async () => {
      const metrics = series(3);
      metrics[2] = { time: metrics[2]!.time, cpu: 42.5, memory: 512, requests: 12345, uptime: '2h 15m' };
      const el = await fixture<LiveMetricsChart>(html`<live-metrics-chart status="running" .metrics=${metrics}></live-metrics-chart>`);
      expect(cardValue(el, 'cpu')).to.equal('42.5%');
      expect(cardValue(el, 'memory')).to.equal('512 MB');
      expect(cardValue(el, 'requests')).to.equal('12,345');
      expect(cardValue(el, 'uptime')).to.equal('2h 15m');
      expect(has(el, 'unavailable'), 'unavailable').to.equal(false);
      const canvas = await chartReady(el);
      expect(canvas.getAttribute('role')).to.equal('img');
      expect(canvas.getAttribute('aria-label')).to.equal('CPU 42.5%, memory 512 MB, last 3 points');
      expect(canvas.width).to.be.greaterThan(0);
    });

    it('creates none of the uPlot parts whose styles the build leaves out', async () => {
      const el = await fixture<LiveMetricsChart>(html`<live-metrics-chart status="running" .metrics=${series(5)}></live-metrics-chart>`);
      await chartReady(el);
      // The build keeps only the uPlot rules for parts the chart shows (scripts/trim-uplot-css.mjs):
      // a part turned on here needs its classes taken out of that list.
      const unstyled = el.shadowRoot!.querySelectorAll('.u-title, .u-legend, .u-select, [class*="u-cursor-"]');
      expect(unstyled.length, 'uPlot parts without styles in the build').to.equal(0);
    });

    it('shows the time axis as hh:mm:ss and the values on their scales', async () => {
      const wrapper = await fixture(html`<div style="width: 720px"><live-metrics-chart status="running" .metrics=${series(10)}></live-metrics-chart></div>`);
      const chart = wrapper.querySelector('live-metrics-chart')!;
      await chartReady(chart);
      // The axis labels are drawn on the canvas; what is drawn is what `values` produced.
      const ctx = canvasOf(chart)!.getContext('2d')!;
      const drawn: string[] = [];
      const original = ctx.fillText.bind(ctx);
      ctx.fillText = (text: string, x: number, y: number, maxWidth?: number) => {
        drawn.push(text);
        if (maxWidth === undefined) original(text, x, y);
        else original(text, x, y, maxWidth);
      };
      chart.metrics = series(10, Date.UTC(2026, 0, 1, 12, 0, 33));
      await until(() => drawn.length > 0, 'a redraw');
      expect(drawn.some((text) => /^\d{2}:\d{2}:\d{2}$/.test(text)), drawn.join(' | ')).to.equal(true);
      // A short range (two points, three seconds) on a wide chart: no time label is drawn twice.
      drawn.length = 0;
      chart.metrics = series(2, Date.UTC(2026, 0, 1, 12, 0, 36));
      await until(() => drawn.length > 0, 'a redraw');
      const times = drawn.filter((text) => /^\d{2}:\d{2}:\d{2}$/.test(text));
      expect(times.length).to.be.greaterThan(1);
      expect(new Set(times).size, times.join(' | ')).to.equal(times.length);
      expect(drawn.some((text) => /^\d+%$/.test(text)), drawn.join(' | ')).to.equal(true);
      expect(drawn.some((text) => /^\d[\d,]* MB$/.test(text)), drawn.join(' | ')).to.equal(true);
    });

    for (const status of NOT_RUNNING) {
      it(`shows "Metrics unavailable" and no chart while ${status}`, async () => {
        const el = await fixture<LiveMetricsChart>(html`<live-metrics-chart status=${status} .metrics=${series(5)}></live-metrics-chart>`);
        await frames(2);
        expect(part(el, 'unavailable')?.textContent?.trim()).to.equal('Metrics unavailable');
        expect(has(el, 'chart'), 'chart').to.equal(false);
        expect(has(el, 'cards'), 'cards').to.equal(false);
        expect(el.shadowRoot!.querySelector('canvas') === null, 'no canvas').to.equal(true);
        expect(el.drawCount).to.equal(0);
      });
    }

    it('shows "Metrics unavailable" without a status, in Spanish under lang="es"', async () => {
      const wrapper = await fixture(html`<div><live-metrics-chart></live-metrics-chart><live-metrics-chart lang="es"></live-metrics-chart></div>`);
      const [en, es] = [...wrapper.querySelectorAll('live-metrics-chart')];
      expect(part(en!, 'unavailable')?.textContent?.trim()).to.equal('Metrics unavailable');
      expect(part(es!, 'unavailable')?.textContent?.trim()).to.equal('Métricas no disponibles');
    });

    it('waits for the first point while running', async () => {
      const el = await fixture<LiveMetricsChart>(html`<live-metrics-chart status="running"></live-metrics-chart>`);
      expect(part(el, 'waiting')?.textContent?.trim()).to.equal('Waiting for metrics…');
      expect(has(el, 'chart'), 'chart').to.equal(false);
      el.metrics = series(1);
      await el.updateComplete;
      expect(has(el, 'waiting'), 'waiting').to.equal(false);
      const canvas = await chartReady(el);
      expect(canvas.getAttribute('aria-label')).to.equal('CPU 20%, memory 400 MB, last point');
    });

    it('destroys the chart when the status leaves running, and builds a new one when it returns', async () => {
      const el = await fixture<LiveMetricsChart>(html`<live-metrics-chart status="running" .metrics=${series(4)}></live-metrics-chart>`);
      await chartReady(el);
      const root = part(el, 'plot')!;
      expect(root.isConnected).to.equal(true);
      el.status = 'stopped';
      await el.updateComplete;
      expect(root.isConnected, 'uPlot root detached').to.equal(false);
      expect(root.parentElement === null, 'uPlot root removed from its frame').to.equal(true);
      expect(has(el, 'unavailable'), 'unavailable').to.equal(true);
      const draws = el.drawCount;
      el.metrics = series(6);
      await el.updateComplete;
      await frames(2);
      expect(el.drawCount, 'a destroyed chart draws nothing').to.equal(draws);

      el.status = 'running';
      await el.updateComplete;
      await chartReady(el);
      expect(part(el, 'plot') === root, 'a new uPlot root').to.equal(false);
      expect(el.shadowRoot!.querySelectorAll('[part~="plot"]').length).to.equal(1);
    });

    it('shows at most `points` points and follows a change of `points`', async () => {
      const el = await fixture<LiveMetricsChart>(html`<live-metrics-chart status="running" points="3" .metrics=${series(5)}></live-metrics-chart>`);
      const canvas = await chartReady(el);
      expect(canvas.getAttribute('aria-label')).to.match(/last 3 points$/);
      const draws = el.drawCount;
      el.points = 20;
      await el.updateComplete;
      expect(canvas.getAttribute('aria-label')).to.match(/last 5 points$/);
      expect(el.drawCount, 'the chart redrawn with the new window').to.equal(draws + 1);
      const el2 = await fixture<LiveMetricsChart>(html`<live-metrics-chart status="running" .metrics=${series(25)}></live-metrics-chart>`);
      expect((await chartReady(el2)).getAttribute('aria-label'), 'default 10').to.match(/last 10 points$/);
    });

    it('renders an uptime string as text', async () => {
      const payload = '<img src=x onerror="window.__chartXss = true">';
      const metrics = series(2, undefined, payload);
      const el = await fixture<LiveMetricsChart>(html`<live-metrics-chart status="running" .metrics=${metrics}></live-metrics-chart>`);
      await chartReady(el);
      expect(cardValue(el, 'uptime')).to.equal(payload);
      expect(el.shadowRoot!.querySelector('img') === null, 'no img element').to.equal(true);
      expect((window as { __chartXss?: boolean }).__chartXss).to.equal(undefined);
    });
  });

  describe('inside a provider', () => {
    it('shows the neutral state for an unknown project, then follows the store', async () => {
      const { provider, el } = await inProvider();
      // The presentational inputs are ignored: the store wins.
      el.status = 'running';
      el.metrics = series(3);
      await el.updateComplete;
      expect(part(el, 'unavailable')?.textContent?.trim()).to.equal('Metrics unavailable');

      provider.store.apply({ type: 'container_status_changed', data: { projectId: 'api', newStatus: 'running', timestamp: new Date().toISOString() } });
      await nextFrame();
      await el.updateComplete;
      expect(has(el, 'waiting'), 'waiting').to.equal(true);

      provider.store.apply({ type: 'metrics_updated', data: { projectId: 'api', cpu: 37.26, memory: 2048, requests: 1_234_567, uptime: '3d 4h' } });
      await nextFrame();
      await el.updateComplete;
      expect(cardValue(el, 'cpu')).to.equal('37.3%');
      expect(cardValue(el, 'memory')).to.equal('2,048 MB');
      expect(cardValue(el, 'requests')).to.equal('1,234,567');
      expect(cardValue(el, 'uptime')).to.equal('3d 4h');
      const canvas = await chartReady(el);

      let now = Date.now();
      for (let i = 0; i < 14; i++) {
        provider.store.apply({ type: 'metrics_updated', data: { projectId: 'api', cpu: 50 + i, memory: 1000 + i, requests: 10 + i, uptime: `${i}m` } }, (now += 1000));
      }
      await nextFrame();
      await el.updateComplete;
      expect(cardValue(el, 'cpu')).to.equal('63%');
      expect(cardValue(el, 'uptime')).to.equal('13m');
      expect(canvas.getAttribute('aria-label')).to.equal('CPU 63%, memory 1,013 MB, last 10 points');
    });

    it('destroys the chart when the project leaves running, and for a project removed by a snapshot', async () => {
      const { provider, el } = await inProvider();
      const store = provider.store;
      store.apply({ type: 'container_status_changed', data: { projectId: 'api', newStatus: 'running', timestamp: new Date().toISOString() } });
      store.apply({ type: 'metrics_updated', data: { projectId: 'api', cpu: 10, memory: 100, requests: 1, uptime: '1m' } });
      await nextFrame();
      await chartReady(el);
      const root = part(el, 'plot')!;

      store.apply({ type: 'auto_shutdown', data: { projectId: 'api', reason: 'idle', inactiveTime: '30m' } });
      await nextFrame();
      await el.updateComplete;
      expect(root.isConnected).to.equal(false);
      expect(has(el, 'unavailable'), 'unavailable').to.equal(true);

      store.apply({ type: 'container_status_changed', data: { projectId: 'api', newStatus: 'running', timestamp: new Date().toISOString() } });
      await nextFrame();
      await chartReady(el);
      const second = part(el, 'plot')!;
      store.applySnapshot({ projects: [{ projectId: 'other', status: 'running' }] });
      await nextFrame();
      await el.updateComplete;
      expect(second.isConnected).to.equal(false);
      expect(part(el, 'unavailable')?.textContent?.trim()).to.equal('Metrics unavailable');
    });

    it('follows metrics streamed by the mock backend', async () => {
      const clock = new ManualClock();
      const backend = new MockBackend({ seed: 3, clock, autoplay: false, projects: [{ projectId: 'web', name: 'Web', status: 'running' }] });
      const provider = await fixture<SseProvider>(html`
        <sse-provider .mockBackend=${backend}><live-metrics-chart project-id="web" points="4"></live-metrics-chart></sse-provider>
      `);
      await until(() => {
        clock.advance(1);
        return provider.state === 'open';
      }, 'the mock stream to open');
      const el = provider.querySelector('live-metrics-chart')!;
      for (let i = 0; i < 6; i++) {
        backend.emit('metrics_updated', { projectId: 'web', cpu: 11 + i, memory: 300, requests: 90 + i, uptime: '5m' });
        clock.advance(1);
      }
      await until(() => cardValue(el, 'requests') === '95', 'the last metrics in the cards');
      const canvas = await chartReady(el);
      expect(canvas.getAttribute('aria-label')).to.equal('CPU 16%, memory 300 MB, last 4 points');
    });
  });

  describe('sizing', () => {
    it('follows its container width with setSize and takes its height from --chart-height', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 400px"><live-metrics-chart status="running" style="--chart-height: 240px" .metrics=${series(5)}></live-metrics-chart></div>`);
      const el = wrapper.querySelector('live-metrics-chart')!;
      const canvas = await chartReady(el);
      const frame = part(el, 'chart')!;
      expect(frame.getBoundingClientRect().height).to.equal(240);
      const before = canvas.getBoundingClientRect();
      expect(before.width).to.be.within(390, 400);
      expect(before.height).to.be.within(230, 240);
      const draws = el.drawCount;
      const root = part(el, 'plot');

      wrapper.style.width = '600px';
      await until(() => canvas.getBoundingClientRect().width > 500, 'the canvas to widen');
      expect(canvas.getBoundingClientRect().width).to.be.within(590, 600);
      expect(canvas.width).to.equal(Math.round(canvas.getBoundingClientRect().width * devicePixelRatio));
      expect(el.drawCount).to.be.greaterThan(draws);
      expect(part(el, 'plot') === root, 'the same chart, resized').to.equal(true);
    });
  });

  describe('cost', () => {
    it('does not draw while off-screen and catches up when scrolled into view', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`
        <div><div style="height: 4000px"></div><live-metrics-chart status="running" .metrics=${series(3)}></live-metrics-chart></div>
      `);
      window.scrollTo(0, 0);
      const el = wrapper.querySelector('live-metrics-chart')!;
      await frames(4);
      expect(el.drawCount, 'never seen, never drawn').to.equal(0);

      el.scrollIntoView();
      await chartReady(el);
      window.scrollTo(0, 0);
      await frames(4);
      const draws = el.drawCount;
      el.metrics = series(5);
      await el.updateComplete;
      await frames(3);
      expect(el.drawCount, 'no draw off-screen').to.equal(draws);
      expect(canvasOf(el)!.getAttribute('aria-label'), 'the text is current').to.match(/last 5 points$/);

      el.scrollIntoView();
      await until(() => el.drawCount > draws, 'a catch-up draw');
      await frames(2);
      expect(el.drawCount).to.equal(draws + 1);
      window.scrollTo(0, 0);
    });

    it('does not draw while the tab is hidden and catches up when it is shown', async () => {
      const el = await fixture<LiveMetricsChart>(html`<live-metrics-chart status="running" .metrics=${series(3)}></live-metrics-chart>`);
      await chartReady(el);
      const draws = el.drawCount;
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      try {
        document.dispatchEvent(new Event('visibilitychange'));
        el.metrics = series(4);
        await el.updateComplete;
        await frames(2);
        expect(el.drawCount).to.equal(draws);
      } finally {
        delete (document as { visibilityState?: string }).visibilityState;
      }
      expect(document.visibilityState).to.equal('visible');
      document.dispatchEvent(new Event('visibilitychange'));
      expect(el.drawCount).to.equal(draws + 1);
    });

    it('uses one ResizeObserver and one IntersectionObserver for every chart', async () => {
      const created = { resize: 0, intersection: 0 };
      const { ResizeObserver: RO, IntersectionObserver: IO } = window;
      window.ResizeObserver = class extends RO {
        constructor(callback: ResizeObserverCallback) {
          super(callback);
          created.resize += 1;
        }
      };
      window.IntersectionObserver = class extends IO {
        constructor(callback: IntersectionObserverCallback, options?: IntersectionObserverInit) {
          super(callback, options);
          created.intersection += 1;
        }
      };
      try {
        const wrapper = await fixture(html`<div>
          <live-metrics-chart status="running" .metrics=${series(3)}></live-metrics-chart>
          <live-metrics-chart status="running" .metrics=${series(4)}></live-metrics-chart>
          <live-metrics-chart status="running" .metrics=${series(5)}></live-metrics-chart>
        </div>`);
        for (const el of wrapper.querySelectorAll('live-metrics-chart')) await chartReady(el);
      } finally {
        window.ResizeObserver = RO;
        window.IntersectionObserver = IO;
      }
      expect(created).to.deep.equal({ resize: 1, intersection: 1 });
    });

    it('observes nothing once removed, even when an update was waiting for the shared tick', async () => {
      const observed = new Set<Element>();
      const io = IntersectionObserver.prototype;
      const { observe, unobserve } = io;
      io.observe = function (this: IntersectionObserver, target: Element) {
        observed.add(target);
        return observe.call(this, target);
      };
      io.unobserve = function (this: IntersectionObserver, target: Element) {
        observed.delete(target);
        return unobserve.call(this, target);
      };
      try {
        for (let round = 0; round < 3; round++) {
          const { provider, el } = await inProvider('web');
          provider.store.apply({ type: 'container_status_changed', data: { projectId: 'web', newStatus: 'running', timestamp: '2026-01-01T00:00:00Z' } });
          provider.store.apply({ type: 'metrics_updated', data: { projectId: 'web', cpu: 10, memory: 100, requests: 1, uptime: '1m' } });
          await nextFrame();
          // The chart's update is now waiting for the shared tick; it leaves before the tick.
          provider.remove();
          await el.updateComplete;
          await frames(2);
        }
      } finally {
        io.observe = observe;
        io.unobserve = unobserve;
      }
      expect(observed.size).to.equal(0);
    });

    it('renders a chart whose data comes once a second once a second, sooner when another chart needs it', async () => {
      const provider = await fixture<SseProvider>(html`
        <sse-provider><div style="width: 400px">
          <live-metrics-chart project-id="slow"></live-metrics-chart>
          <live-metrics-chart project-id="fast"></live-metrics-chart>
        </div></sse-provider>
      `);
      const [slow, fast] = [...provider.querySelectorAll('live-metrics-chart')] as LiveMetricsChart[];
      const point = (projectId: string) => provider.store.apply({ type: 'metrics_updated', data: { projectId, cpu: 10, memory: 100, requests: 1, uptime: '1m' } });
      for (const projectId of ['slow', 'fast']) {
        provider.store.apply({ type: 'container_status_changed', data: { projectId, newStatus: 'running', timestamp: '2026-01-01T00:00:00Z' } });
        point(projectId);
      }
      await chartReady(slow!);
      await chartReady(fast!);

      // The element's clock runs a second ahead for every point of the slow project.
      const realNow = performance.now.bind(performance);
      let ahead = 0;
      performance.now = () => realNow() + ahead;
      const waits: number[] = [];
      const realTimeout = window.setTimeout;
      window.setTimeout = ((handler: TimerHandler, ms?: number, ...rest: unknown[]) => {
        waits.push(ms ?? 0);
        return realTimeout(handler, ms, ...rest);
      }) as typeof window.setTimeout;
      try {
        for (let i = 0; i < 3; i++) {
          ahead += 1000;
          const draws = slow!.drawCount;
          point('slow');
          await until(() => slow!.drawCount > draws, 'the slow chart to draw');
        }
        // The last wait followed the data: one second, not a quarter.
        expect(waits).to.include(1000);

        // The slow chart waits for a tick a second away; a point for the fast chart brings it forward.
        ahead += 1000;
        const slowDraws = slow!.drawCount;
        const fastDraws = fast!.drawCount;
        const start = realNow();
        point('slow');
        await nextFrame();
        point('fast');
        await until(() => slow!.drawCount > slowDraws, 'the slow chart to draw');
        expect(realNow() - start).to.be.below(900);
        expect(fast!.drawCount).to.be.greaterThan(fastDraws);
      } finally {
        window.setTimeout = realTimeout;
        performance.now = realNow;
      }
    });

    it('leaves nothing running after removal and rebuilds the chart when put back', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 500px"><live-metrics-chart status="running" .metrics=${series(3)}></live-metrics-chart></div>`);
      const el = wrapper.querySelector('live-metrics-chart')!;
      await chartReady(el);
      const root = part(el, 'plot')!;
      const errors: unknown[] = [];
      const onError = (event: ErrorEvent) => errors.push(event.error ?? event.message);
      window.addEventListener('error', onError);
      try {
        el.remove();
        expect(root.isConnected).to.equal(false);
        expect(root.parentElement === null, 'the uPlot root left its frame').to.equal(true);
        const draws = el.drawCount;
        wrapper.style.width = '300px';
        el.metrics = series(6);
        await frames(3);
        wrapper.style.width = '700px';
        await frames(3);
        expect(el.drawCount).to.equal(draws);
        expect(errors).to.deep.equal([]);

        wrapper.append(el);
        await chartReady(el);
        await until(() => el.drawCount > draws, 'a new chart');
        expect(part(el, 'plot') === root, 'a new uPlot root').to.equal(false);
        expect(canvasOf(el)!.getBoundingClientRect().width).to.be.within(690, 700);
      } finally {
        window.removeEventListener('error', onError);
      }
    });

    it('redraws with the new colours when a theme attribute changes', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div theme="light"><live-metrics-chart status="running" .metrics=${series(6)}></live-metrics-chart></div>`);
      const el = wrapper.querySelector('live-metrics-chart')!;
      const canvas = await chartReady(el);
      const ctx = canvas.getContext('2d')!;
      const strokes: string[] = [];
      const stroke = ctx.stroke.bind(ctx);
      ctx.stroke = (path?: Path2D) => {
        strokes.push(String(ctx.strokeStyle));
        path ? stroke(path) : stroke();
      };
      const draws = el.drawCount;
      wrapper.setAttribute('theme', 'dark');
      await until(() => el.drawCount > draws, 'a redraw after the theme change');
      // The dark CPU colour (#58a6ff) replaces the light one (#0969da).
      expect(strokes).to.include('#58a6ff');
      expect(strokes).to.not.include('#0969da');
      const after = el.drawCount;
      wrapper.setAttribute('theme', 'dark');
      await frames(2);
      expect(el.drawCount, 'an unchanged theme costs no draw').to.equal(after);
    });
  });

  describe('accessibility', () => {
    for (const theme of ['light', 'dark']) {
      it(`passes axe in every state (${theme})`, async () => {
        const wrapper = await fixture<HTMLDivElement>(html`
          <div theme=${theme} style="background: ${theme === 'dark' ? '#0d1117' : '#fff'}">
            <live-metrics-chart id="running" status="running" .metrics=${series(10)}></live-metrics-chart>
            <live-metrics-chart id="waiting" status="running"></live-metrics-chart>
            <live-metrics-chart id="stopped" status="stopped"></live-metrics-chart>
          </div>
        `);
        const [running, waiting, stopped] = [...wrapper.querySelectorAll('live-metrics-chart')];
        await chartReady(running!);
        await expect(running).to.be.accessible();
        await expect(waiting).to.be.accessible();
        await expect(stopped).to.be.accessible();
      });
    }
  });
});
