/**
 * History: switching a chart to 30 days, and a wall of comparison charts streaming live.
 *
 * `mode=switch` — one project page, its metrics live at 1 Hz (`live=0` keeps the stream quiet);
 * `switch()` chooses 30 d in the range control and resolves after the frame that paints the
 * history: 720 hourly points, CPU and memory each drawn as a mean line with a min–max band.
 * - `impl=ours`: `<live-metrics-chart project-id history-url>` under one `<sse-provider>`; the
 *   click goes to the chart's own range control.
 * - `impl=chartjs`: the same cards as text, a Chart.js line chart of the last 10 points and four
 *   range buttons; 30 d replaces it with a chart of six datasets (min, max filled to min, mean, per
 *   metric), set up as Chart.js's performance docs advise (`animation: false`, `parsing: false`,
 *   `normalized`, no points).
 * Both read the same answer text through `fetch`, which a stand-in serves from memory, so the
 * network is not in the figure.
 *
 * `mode=compare` — `charts` (12) `<live-metrics-chart project-ids>` of five projects each, live,
 * every project sending metrics at 1 Hz (staggered).
 * - `impl=ours`: the charts under one provider, fed through the mock stream.
 * - `impl=stream`: the same provider and stream with no chart — the floor.
 */
import {
  Chart,
  Filler,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  CategoryScale,
  type ChartConfiguration,
} from 'chart.js';
import { expose, loadElements, nextFrame, nextTask, numberParam, paced, param, random, rendered, sleep, until } from '../lib/harness.js';
import { metricsEvents, projectIds, type WireEvent } from '../lib/payloads.js';
import { mountProvider, type BenchProvider } from '../lib/provider.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Filler);

const impl = param('impl', 'ours');
const mode = param('mode', 'switch');
const live = param('live', '1') === '1';
const chartCount = numberParam('charts', 12);
const PER_CHART = 5;
const POINTS = 10;
const HOUR = 3_600_000;
const BUCKETS = 720;
const HISTORY_URL = 'bench-history/{projectId}?range={range}';

// ---- the history answer, served from memory --------------------------------------------------

interface Stat {
  min: number;
  mean: number;
  max: number;
}
interface Answer {
  projectId: string;
  range: '30d';
  step: number;
  from: number;
  to: number;
  points: { time: number; cpu: Stat; memory: Stat; requests: number }[];
}

const round = (value: number) => Math.round(value * 10) / 10;

/** 30 days of hourly buckets: a daily cycle, noise, a deploy that resets memory, a six-hour incident. */
function historyAnswer(projectId: string, seed: number, now: number): Answer {
  const rand = random(seed);
  const to = Math.floor(now / HOUR) * HOUR + HOUR;
  const from = to - BUCKETS * HOUR;
  const points: Answer['points'] = [];
  let requests = 1_000_000;
  for (let i = 0; i < BUCKETS; i++) {
    const time = from + i * HOUR;
    const daily = Math.sin((((time / HOUR) % 24) - 9) / 24 * 2 * Math.PI);
    const incident = i >= 500 && i < 506 ? 45 : 0;
    const cpuMean = Math.min(98, Math.max(1, 28 + 16 * daily + incident + (rand() - 0.5) * 8));
    const cpuLow = Math.max(0, cpuMean - (2 + rand() * 10));
    const cpuHigh = Math.min(100, cpuMean + (3 + rand() * (incident ? 2 : 18)));
    const memoryMean = 320 + 40 * daily + ((i % 300) * 0.4) + rand() * 10;
    requests += Math.round(2000 + 1500 * daily + rand() * 300);
    points.push({
      time,
      cpu: { min: round(cpuLow), mean: round(cpuMean), max: round(cpuHigh) },
      memory: { min: round(memoryMean - 10 - rand() * 20), mean: round(memoryMean), max: round(memoryMean + 10 + rand() * 40) },
      requests,
    });
  }
  return { projectId, range: '30d', step: HOUR, from, to, points };
}

const answers = new Map<string, string>();
const nativeFetch = window.fetch.bind(window);
window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const match = /bench-history\/([^/?]+)\?range=30d/.exec(url);
  if (!match) return nativeFetch(input, init);
  const text = answers.get(decodeURIComponent(match[1]!));
  return Promise.resolve(
    new Response(text ?? '{"error":"unknown project"}', { status: text ? 200 : 404, headers: { 'Content-Type': 'application/json' } }),
  );
};

// ---- when a drawing reaches the screen -------------------------------------------------------

/**
 * Whether the page is inside a frame's rendering (rAF callbacks to paint). A rAF loop registered
 * before anything else of the frame sets it; the first task after the frame clears it. It runs
 * only while a switch is timed (`trackFrames` … `untrackFrames`): a loop makes a main-thread frame
 * every vsync, which would cost the CPU figures measured outside the switches.
 */
let inFrame = false;
let tracking = false;
let looping = false;
function trackFrames() {
  tracking = true;
  if (looping) return;
  looping = true;
  const tick = () => {
    if (!tracking) {
      looping = false;
      return;
    }
    inFrame = true;
    void nextTask().then(() => (inFrame = false));
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

function untrackFrames() {
  tracking = false;
}

/**
 * Resolves once what was drawn just now is on screen: after this frame when drawn during one
 * (uPlot under the chart's rAF-aligned updates), else after the next frame (Chart.js after a fetch).
 */
function afterPaint(): Promise<void> {
  return inFrame ? nextTask() : rendered();
}

// ---- the stream ------------------------------------------------------------------------------

let mounted: BenchProvider | undefined;
let payloads: string[][] = [];
let cursor: number[] = [];
let projects: string[] = [];

function nextPayload(i: number): string {
  return payloads[i]![cursor[i]++ % payloads[i]!.length]!;
}

// ---- mode=switch -----------------------------------------------------------------------------

const single = document.getElementById('single')!;
let ours: HTMLElement | undefined;
let cjs: ChartjsPage | undefined;
let liveTimer: ReturnType<typeof setInterval> | undefined;

async function setupSwitch() {
  projects = projectIds(1);
  const id = projects[0]!;
  answers.set(id, JSON.stringify(historyAnswer(id, 5, Date.now())));
  payloads = [metricsEvents(600, id, 100)];
  cursor = [0];
  let missing: string[] = [];
  if (impl === 'ours') {
    missing = await loadElements(['live-metrics-chart']);
    const holder = document.createElement('div');
    single.append(holder);
    mounted = await mountProvider(holder, projects);
    const chart = document.createElement('live-metrics-chart');
    chart.setAttribute('project-id', id);
    chart.setAttribute('history-url', HISTORY_URL);
    mounted.provider.append(chart);
    ours = chart;
    for (let k = 0; k < POINTS; k++) deliverSwitch();
    if (!missing.length) {
      await until(() => Boolean(chart.shadowRoot?.querySelector('[part~="range"]')), 'the range control');
      await until(() => Boolean(livePlot()), 'the live plot');
    }
  } else {
    cjs = new ChartjsPage(single, id);
    for (let k = 0; k < POINTS; k++) deliverSwitch();
  }
  if (live) liveTimer = setInterval(deliverSwitch, 1000);
  await rendered();
  await sleep(1500);
  return { missing };
}

function deliverSwitch() {
  const data = nextPayload(0);
  if (mounted) mounted.send([{ event: 'metrics_updated', data } satisfies WireEvent]);
  else cjs?.live(data);
}

/** A choice of the chart's range control: the click goes where a user's would. */
function rangeOption(range: string): HTMLElement {
  const option = ours?.shadowRoot?.querySelector<HTMLElement>(`[part~="range-option"][data-value="${range}"]`);
  if (!option) throw new Error(`the chart has no range option "${range}"`);
  return option;
}

function livePlot(): HTMLElement | null {
  const plot = ours?.shadowRoot?.querySelector<HTMLElement>('[part~="plot"]');
  return plot && !plot.dataset.range ? plot : null;
}

function historyPlot(): HTMLElement | null {
  const plot = ours?.shadowRoot?.querySelector<HTMLElement>('[part~="plot"]');
  return plot && plot.dataset.range === '30d' && Number(plot.dataset.points) > 0 ? plot : null;
}

/** Chooses 30 d; resolves after the frame that paints the history. Times from the click, ms. */
async function switchTo30d() {
  trackFrames();
  await nextFrame();
  performance.mark('history-switch-start');
  const start = performance.now();
  let drawnAt = NaN;
  let points = NaN;
  if (ours) {
    const root = ours.shadowRoot!;
    const drawn = new Promise<void>((resolve) => {
      const observer = new MutationObserver(() => {
        const plot = historyPlot();
        if (!plot) return;
        observer.disconnect();
        drawnAt = performance.now();
        points = Number(plot.dataset.points);
        resolve();
      });
      observer.observe(root, { subtree: true, childList: true, attributes: true });
    });
    rangeOption('30d').click();
    await drawn;
  } else {
    const result = await cjs!.select('30d');
    drawnAt = result.drawnAt;
    points = result.points;
  }
  await afterPaint();
  const painted = performance.now();
  performance.mark('history-switch-end');
  untrackFrames();
  return { ms: painted - start, drawnMs: drawnAt - start, points };
}

/** Back to the live view, and a moment for it to settle. */
async function switchToLive() {
  if (ours) {
    rangeOption('live').click();
    await until(() => Boolean(livePlot()), 'the live plot again');
  } else {
    await cjs!.select('live');
  }
  await rendered();
  await sleep(1200);
}

/**
 * The Chart.js side of a project page: cards as text, range buttons, a line chart of the last 10
 * points; 30 d destroys it and builds the history chart (as the element replaces its live plot).
 */
class ChartjsPage {
  readonly #canvas: HTMLCanvasElement;
  readonly #cards: HTMLElement[];
  readonly #buttons: HTMLButtonElement[];
  readonly #id: string;
  #chart: Chart<'line'>;
  #range = 'live';
  readonly #labels: string[] = [];
  readonly #cpu: number[] = [];
  readonly #memory: number[] = [];
  readonly #time = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  readonly #day = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short' });

  constructor(parent: HTMLElement, id: string) {
    this.#id = id;
    const cards = document.createElement('div');
    cards.className = 'cards';
    this.#cards = ['cpu', 'memory', 'requests', 'uptime'].map((name) => {
      const card = document.createElement('div');
      const value = document.createElement('b');
      card.append(`${name} `, value);
      cards.append(card);
      return value;
    });
    const ranges = document.createElement('div');
    ranges.className = 'ranges';
    ranges.setAttribute('role', 'radiogroup');
    this.#buttons = ['live', '24h', '7d', '30d'].map((range) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.setAttribute('role', 'radio');
      button.textContent = range;
      button.dataset.value = range;
      ranges.append(button);
      return button;
    });
    const box = document.createElement('div');
    box.className = 'cjs';
    this.#canvas = document.createElement('canvas');
    this.#canvas.setAttribute('aria-label', `metrics of ${id}`);
    box.append(this.#canvas);
    parent.append(cards, ranges, box);
    this.#chart = new Chart(this.#canvas, this.#liveConfig());
    this.#mark();
  }

  /** One `metrics_updated`: the cards, and the live chart while it is shown. */
  live(data: string): void {
    const sample = JSON.parse(data) as { cpu: number; memory: number; requests: number; uptime: string };
    this.#labels.push(this.#time.format(Date.now()));
    this.#cpu.push(sample.cpu);
    this.#memory.push(sample.memory);
    if (this.#labels.length > POINTS) {
      this.#labels.shift();
      this.#cpu.shift();
      this.#memory.shift();
    }
    this.#cards[0]!.textContent = `${sample.cpu.toFixed(1)} %`;
    this.#cards[1]!.textContent = `${sample.memory} MB`;
    this.#cards[2]!.textContent = sample.requests.toLocaleString('en');
    this.#cards[3]!.textContent = sample.uptime;
    if (this.#range === 'live') this.#chart.update('none');
  }

  /** What a click on a range button does: fetch, parse, build the chart. */
  async select(range: string): Promise<{ drawnAt: number; points: number }> {
    this.#range = range;
    this.#mark();
    if (range === 'live') {
      this.#chart.destroy();
      this.#chart = new Chart(this.#canvas, this.#liveConfig());
      return { drawnAt: performance.now(), points: this.#labels.length };
    }
    const response = await fetch(HISTORY_URL.replace('{projectId}', encodeURIComponent(this.#id)).replace('{range}', range), {
      headers: { Accept: 'application/json' },
    });
    const answer = (await response.json()) as Answer;
    const column = (metric: 'cpu' | 'memory', key: keyof Stat) => answer.points.map((point) => ({ x: point.time, y: point[metric][key] }));
    const band = (metric: 'cpu' | 'memory', color: string, fill: string) => [
      { label: `${metric} min`, data: column(metric, 'min'), yAxisID: metric, borderWidth: 0, pointRadius: 0, fill: false },
      { label: `${metric} max`, data: column(metric, 'max'), yAxisID: metric, borderWidth: 0, pointRadius: 0, fill: '-1', backgroundColor: fill },
      { label: metric, data: column(metric, 'mean'), yAxisID: metric, borderColor: color, borderWidth: 2, pointRadius: 0, fill: false },
    ];
    this.#chart.destroy();
    const config: ChartConfiguration<'line', { x: number; y: number }[]> = {
      type: 'line',
      data: { datasets: [...band('cpu', '#0969da', 'rgba(9,105,218,.16)'), ...band('memory', '#8250df', 'rgba(130,80,223,.16)')] },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: {
          x: { type: 'linear', min: answer.from, max: answer.to, ticks: { stepSize: 5 * 86_400_000, callback: (value) => this.#day.format(Number(value)) } },
          cpu: { position: 'left', min: 0, suggestedMax: 100 },
          memory: { position: 'right', min: 0, grid: { drawOnChartArea: false } },
        },
      },
    };
    this.#chart = new Chart(this.#canvas, config as unknown as ChartConfiguration<'line'>);
    return { drawnAt: performance.now(), points: answer.points.length };
  }

  #mark(): void {
    for (const button of this.#buttons) button.setAttribute('aria-checked', String(button.dataset.value === this.#range));
  }

  #liveConfig(): ChartConfiguration<'line'> {
    return {
      type: 'line',
      data: {
        labels: this.#labels,
        datasets: [
          { label: 'CPU', data: this.#cpu, yAxisID: 'cpu', borderColor: '#0969da', backgroundColor: 'rgba(9,105,218,.12)', fill: true, borderWidth: 2, pointRadius: 3 },
          { label: 'Memory', data: this.#memory, yAxisID: 'memory', borderColor: '#8250df', backgroundColor: 'rgba(130,80,223,.12)', fill: true, borderWidth: 2, pointRadius: 3 },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: {
          x: { ticks: { maxTicksLimit: 4 } },
          cpu: { position: 'left', min: 0, suggestedMax: 100 },
          memory: { position: 'right', min: 0, grid: { drawOnChartArea: false } },
        },
      },
    };
  }
}

// ---- mode=compare ----------------------------------------------------------------------------

const grid = document.getElementById('grid')!;
let renders = 0;
let counting = false;

async function setupCompare(seconds = 20) {
  projects = projectIds(chartCount * PER_CHART);
  payloads = projects.map((id, i) => metricsEvents(Math.ceil(seconds) + POINTS + 40, id, 100 + i));
  cursor = projects.map(() => 0);
  let missing: string[] = [];
  if (impl === 'ours') {
    missing = await loadElements(['live-metrics-chart']);
    const element = customElements.get('live-metrics-chart');
    if (element) countRenders(element.prototype as unknown as { update(changed: unknown): void });
  }
  const holder = document.createElement('div');
  grid.before(holder);
  mounted = await mountProvider(holder, projects);
  // The provider is `display: contents`: the grid stays the grid.
  mounted.provider.append(grid);
  if (impl === 'ours') {
    for (let c = 0; c < chartCount; c++) {
      const cell = document.createElement('div');
      cell.className = 'cell';
      const chart = document.createElement('live-metrics-chart');
      chart.setAttribute('project-ids', projects.slice(c * PER_CHART, (c + 1) * PER_CHART).join(' '));
      cell.append(chart);
      grid.append(cell);
    }
  }
  // Ten points of history first, as a page open for a while would have.
  for (let k = 0; k < POINTS; k++) for (let i = 0; i < projects.length; i++) deliverCompare(i);
  if (impl === 'ours' && !missing.length) {
    await until(() => [...grid.querySelectorAll('live-metrics-chart')].every((chart) => chart.shadowRoot?.querySelector('[part~="plot"]')), 'every comparison plot');
  }
  await rendered();
  await rendered();
  await sleep(500);
  return { missing, plots: plots() };
}

function countRenders(proto: { update(changed: unknown): void }) {
  const original = proto.update;
  proto.update = function (this: Element, changed: unknown) {
    if (counting) renders += 1;
    original.call(this, changed);
  };
}

function deliverCompare(i: number) {
  mounted!.send([{ event: 'metrics_updated', data: nextPayload(i) }]);
}

/** Metrics at 1 Hz per project for `ms`, staggered across projects, what is due every 10 ms. */
async function drive(ms: number) {
  const start = performance.now();
  renders = 0;
  counting = true;
  const sent = await paced(ms, projects.length, (from, to) => {
    for (let k = from; k < to; k++) deliverCompare(k % projects.length);
  }, start);
  await rendered();
  counting = false;
  // The x values the first chart holds: its five projects' live points joined on time.
  const first = grid.querySelector('live-metrics-chart')?.shadowRoot?.querySelector<HTMLElement>('[part~="plot"]');
  return { ms: performance.now() - start, events: sent, renders, plots: plots(), firstPlotPoints: Number(first?.dataset.points ?? NaN) };
}

/** Comparison plots on screen with data drawn. */
function plots(): number {
  let n = 0;
  for (const chart of grid.querySelectorAll('live-metrics-chart')) {
    const plot = chart.shadowRoot?.querySelector<HTMLElement>('[part~="plot"]');
    const rect = plot?.getBoundingClientRect();
    if (rect && rect.width > 0 && rect.bottom > 0 && rect.top < innerHeight) n += 1;
  }
  return n;
}

// ---- the handle ------------------------------------------------------------------------------

expose(
  mode === 'compare'
    ? { setup: setupCompare, drive }
    : {
        setup: setupSwitch,
        switch: switchTo30d,
        back: switchToLive,
        /** Stays on whatever range is shown while the metrics keep arriving. */
        hold: (ms: number) => sleep(ms),
        stop: () => clearInterval(liveTimer),
      },
);
