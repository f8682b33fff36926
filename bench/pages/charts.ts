/**
 * Charts: `count` (50) projects sending metrics at `hz` (1 or 10) each, one chart per project.
 *
 * - `impl=ours`: `<live-metrics-chart project-id>` (cards and a uPlot chart of the last 10 points)
 *   under one `<sse-provider>`, fed through the mock stream.
 * - `impl=chartjs`: the same cards as text and a Chart.js line chart (CPU and memory, 10 points)
 *   per project, updated the way Chart.js documents streaming: push the point, drop the oldest,
 *   `chart.update('none')`, with `animation: false`.
 *
 * - `impl=stream`: the same provider and stream with no chart at all — the floor that the charts'
 *   own cost is measured above.
 *
 * `offscreen=1`: the page is scrolled so that no chart is on screen while metrics arrive.
 */
import {
  CategoryScale,
  Chart,
  Filler,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
} from 'chart.js';
import { expose, loadElements, numberParam, paced, param, rendered, sleep } from '../lib/harness.js';
import { metricsEvents, projectIds, type WireEvent } from '../lib/payloads.js';
import { mountProvider, type BenchProvider } from '../lib/provider.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Filler);

const impl = param('impl', 'ours');
const count = numberParam('count', 50);
const hz = numberParam('hz', 1);
const offscreen = param('offscreen', '0') === '1';
const POINTS = 10;
// Diagnostic only (never in the table): `probe=cv` gives the charts `content-visibility: auto`, to
// see what skipping off-screen rendering would save.
if (param('probe', '') === 'cv') {
  const style = document.createElement('style');
  style.textContent = 'live-metrics-chart { content-visibility: auto; contain-intrinsic-size: auto 190px; }';
  document.head.append(style);
}

const projects = projectIds(count);
const grid = document.getElementById('grid')!;
let mounted: BenchProvider | undefined;
let payloads: string[][] = [];
let cursor: number[] = [];
const charts: { chart: Chart<'line'>; cards: HTMLElement[] }[] = [];
let updates = 0;

const timeFormat = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

async function setup(seconds = 20) {
  const perProject = Math.ceil(seconds * hz) + 40;
  payloads = projects.map((id, i) => metricsEvents(perProject, id, 100 + i));
  cursor = projects.map(() => 0);
  let missing: string[] = [];
  if (impl === 'ours' || impl === 'stream') {
    if (impl === 'ours') missing = await loadElements(['live-metrics-chart']);
    const holder = document.createElement('div');
    grid.before(holder);
    mounted = await mountProvider(holder, projects);
    // The provider is `display: contents`: the grid stays the grid, above the spacer.
    mounted.provider.append(grid);
    for (const id of impl === 'ours' ? projects : []) {
      const cell = document.createElement('div');
      cell.className = 'cell';
      const chart = document.createElement('live-metrics-chart');
      chart.setAttribute('project-id', id);
      cell.append(chart);
      grid.append(cell);
    }
    // Ten points of history first, as a page open for a while would have.
    for (let k = 0; k < POINTS; k++) sendRound();
  } else {
    for (let i = 0; i < projects.length; i++) grid.append(chartjsCell(i));
    for (let k = 0; k < POINTS; k++) sendRound();
  }
  await rendered();
  await rendered();
  if (offscreen) {
    window.scrollTo(0, document.documentElement.scrollHeight);
    await rendered();
  }
  await sleep(300);
  return { missing, visible: visibleCharts() };
}

function chartjsCell(i: number): HTMLElement {
  const cell = document.createElement('div');
  cell.className = 'cell';
  const cards = document.createElement('div');
  cards.className = 'cards';
  const values = ['cpu', 'memory', 'requests', 'uptime'].map((name) => {
    const card = document.createElement('div');
    const label = document.createElement('span');
    label.textContent = `${name} `;
    const value = document.createElement('b');
    card.append(label, value);
    cards.append(card);
    return value;
  });
  const box = document.createElement('div');
  box.className = 'cjs';
  const canvas = document.createElement('canvas');
  canvas.setAttribute('aria-label', `metrics of ${projects[i]}`);
  box.append(canvas);
  cell.append(cards, box);
  const chart = new Chart(canvas, {
    type: 'line',
    data: {
      labels: [],
      datasets: [
        { label: 'CPU', data: [], yAxisID: 'cpu', borderColor: '#0969da', backgroundColor: 'rgba(9,105,218,.12)', fill: true, borderWidth: 2, pointRadius: 3 },
        { label: 'Memory', data: [], yAxisID: 'memory', borderColor: '#8250df', backgroundColor: 'rgba(130,80,223,.12)', fill: true, borderWidth: 2, pointRadius: 3 },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
      scales: {
        x: { ticks: { maxTicksLimit: 3, font: { size: 9 } } },
        cpu: { position: 'left', min: 0, suggestedMax: 100, ticks: { font: { size: 9 } } },
        memory: { position: 'right', min: 0, grid: { drawOnChartArea: false }, ticks: { font: { size: 9 } } },
      },
    },
  });
  charts.push({ chart, cards: values });
  return cell;
}

/** One point for every project. */
function sendRound() {
  for (let i = 0; i < projects.length; i++) deliver(i);
}

function deliver(i: number) {
  const data = payloads[i]![cursor[i]++ % payloads[i]!.length]!;
  if (mounted) {
    const event: WireEvent = { event: 'metrics_updated', data };
    mounted.send([event]);
    return;
  }
  const sample = JSON.parse(data) as { cpu: number; memory: number; requests: number; uptime: string };
  const { chart, cards } = charts[i]!;
  const labels = chart.data.labels as string[];
  const [cpu, memory] = chart.data.datasets as { data: number[] }[];
  labels.push(timeFormat.format(Date.now()));
  cpu!.data.push(sample.cpu);
  memory!.data.push(sample.memory);
  if (labels.length > POINTS) {
    labels.shift();
    cpu!.data.shift();
    memory!.data.shift();
  }
  cards[0]!.textContent = `${sample.cpu.toFixed(1)} %`;
  cards[1]!.textContent = `${sample.memory} MB`;
  cards[2]!.textContent = sample.requests.toLocaleString('en');
  cards[3]!.textContent = sample.uptime;
  chart.update('none');
  updates += 1;
}

/** Metrics at `hz` per project for `ms`, staggered across projects, what is due every 10 ms. */
async function drive(ms: number) {
  const start = performance.now();
  const drawsBefore = draws();
  const sent = await paced(ms, count * hz, (from, to) => {
    for (let k = from; k < to; k++) deliver(k % count);
  }, start);
  await rendered();
  return { ms: performance.now() - start, events: sent, draws: draws() - drawsBefore, visible: visibleCharts() };
}

function draws(): number {
  if (impl !== 'ours') return updates;
  let total = 0;
  for (const chart of grid.querySelectorAll('live-metrics-chart')) total += (chart as HTMLElement & { drawCount?: number }).drawCount ?? 0;
  return total;
}

function visibleCharts(): number {
  const selector = impl === 'ours' ? 'live-metrics-chart' : 'canvas';
  let visible = 0;
  for (const element of grid.querySelectorAll(selector)) {
    const rect = element.getBoundingClientRect();
    if (rect.bottom > 0 && rect.top < innerHeight && rect.right > 0 && rect.left < innerWidth) visible += 1;
  }
  return visible;
}

expose({ setup, drive, wait: (ms: number) => sleep(ms) });
