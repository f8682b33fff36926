/**
 * The metrics chart's range control, history and comparison. Loaded lazily (with uPlot) by a chart
 * that has a history source or compares projects, so that a page with only live charts never pays
 * for it. A reactive controller of the chart: it renders the toolbar and, while a history range or
 * a comparison is shown, the plot frame; it fetches, validates, downsamples and draws.
 */
import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import uPlot from 'uplot';
import type { LiveService } from '../shared/context.js';
import type { LocaleController } from '../shared/i18n.js';
import { resizes } from '../shared/observers.js';
import type { LiveMetricsChart, MetricChangeDetail, RangeChangeDetail } from './live-metrics-chart.js';
import {
  RANGES,
  downsample,
  historyUrl,
  parseHistory,
  summary,
  type ChartRange,
  type Columns,
  type HistoryAnswer,
  type HistoryMetric,
  type HistoryRange,
  type HistorySeries,
} from './history-data.js';
import { TIME_STEPS, cpuRange, memoryRange, timeRange, valueAxis } from './plot-options.js';
import { historyStyles } from './history-view.styles.js';
import './live-metrics-chart-history.messages.js';

export interface HistoryHostApi {
  /** The nearest provider's service, or undefined in presentational mode. */
  service(): LiveService | undefined;
  locale: LocaleController;
  /** Renders the chart in this frame, not at the charts' shared tick: for what a person is waiting on. */
  now(): void;
}

/** Where the history stands. */
type Load =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ready'; data: Map<string, HistorySeries> };

/** Why a fetch failed, in words the error message is built from. */
class LoadError extends Error {
  constructor(
    readonly reason: 'status' | 'network' | 'json' | 'shape' | 'source',
    readonly projectId: string,
    readonly status?: string,
  ) {
    super(reason);
  }
}

/** Dash patterns (CSS px) of the series, in order: with colour, the second cue that tells projects apart. */
const DASHES: readonly number[][] = [[], [7, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 5]];
const PALETTE_SIZE = 6;
const METRICS: readonly HistoryMetric[] = ['cpu', 'memory'];
const AXIS_FONT_SIZE = 11;

interface Colors {
  axis: string;
  grid: string;
  background: string;
  series: string[];
  bands: string[];
}

export class HistoryView implements ReactiveController {
  readonly #host: LiveMetricsChart;
  readonly #api: HistoryHostApi;

  /** The projects shown: one, or several in comparison. */
  #ids: string[] = [];
  #compare = false;
  #load: Load = { state: 'idle' };
  /** What the current load is for; a change starts a new one. */
  #key = '';
  #abort: AbortController | undefined;
  /** The presentational `history` the current load is for. */
  #source: unknown;
  /** Projects whose series the legend has turned off. */
  readonly #hidden = new Set<string>();
  /** Focus the checked radio of this group after the next render (a keyboard change). */
  #focusGroup: 'range' | 'metric' | undefined;

  #chart: uPlot | undefined;
  /** The structure the chart was built for (mode, projects, metric, range, language). */
  #chartKey = '';
  #frame: HTMLElement | undefined;
  #width = 0;
  #height = 0;
  #colors: Colors | undefined;
  #font = `${AXIS_FONT_SIZE}px system-ui, sans-serif`;
  /** The data last handed to the chart, for the readout. */
  #data: Columns | undefined;
  #unsubscribe: (() => void)[] = [];
  #subscribed = '';
  /** Cancels the idle preparation of a first switch, while it is pending. */
  #cancelPrepare: (() => void) | undefined;

  constructor(host: LiveMetricsChart, api: HistoryHostApi) {
    this.#host = host;
    this.#api = api;
    const root = host.shadowRoot;
    const sheet = historyStyles.styleSheet;
    if (root && sheet && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    host.addController(this);
  }

  get #range(): ChartRange {
    return this.#host.range;
  }

  get #metric(): HistoryMetric {
    return this.#host.metric === 'memory' ? 'memory' : 'cpu';
  }

  /** A history range or a comparison is shown. */
  get #taken(): boolean {
    return this.#range !== 'live' || this.#compare;
  }

  get #t(): LocaleController {
    return this.#api.locale;
  }

  hostConnected(): void {
    this.#key = '';
    this.#cancelPrepare = whenIdle(() => {
      this.#cancelPrepare = undefined;
      this.#prepare();
    });
  }

  hostDisconnected(): void {
    this.#cancelPrepare?.();
    this.#cancelPrepare = undefined;
    this.#abort?.abort();
    this.#abort = undefined;
    this.#key = '';
    this.#release();
    this.#teardown();
  }

  hostUpdate(): void {
    const host = this.#host;
    // An unknown range is the live view, as the attribute's default.
    if (!RANGES.includes(host.range)) host.range = 'live';
    const ids = [...new Set((host.projectIds ?? '').split(/\s+/).filter(Boolean))];
    this.#compare = ids.length > 0;
    const single = host.history && isAnswer(host.history) ? host.history.projectId : undefined;
    this.#ids = this.#compare ? ids : [host.projectId ?? single ?? ''];
    this.#subscribe();
    const range = this.#range;
    if (range === 'live') {
      this.#abort?.abort();
      this.#key = '';
      this.#load = { state: 'idle' };
      return;
    }
    const template = host.historyUrl ?? this.#api.service()?.history?.().url ?? '';
    const key = [range, this.#ids.join(' '), template].join('\n');
    if (key !== this.#key || host.history !== this.#source) {
      this.#key = key;
      this.#source = host.history;
      this.#start(range, template);
    }
  }

  hostUpdated(): void {
    const host = this.#host;
    if (this.#focusGroup) {
      host.shadowRoot?.querySelector<HTMLElement>(`[part~="${this.#focusGroup}"] [aria-checked="true"]`)?.focus();
      this.#focusGroup = undefined;
    }
    const frame = host.isConnected && this.#taken ? (host.shadowRoot?.querySelector<HTMLElement>('[part~="chart"]') ?? undefined) : undefined;
    if (frame !== this.#frame) {
      this.#teardown();
      if (frame) this.#observe(frame);
    }
    if (frame) this.#draw();
  }

  /** The theme changed: colours are read again and the chart redrawn. */
  scheme(): void {
    this.#colors = undefined;
    if (this.#chart) {
      this.#readColors();
      this.#chart.redraw(false);
    }
  }

  /**
   * While the live view shows, and the page is idle: what a first switch to a range would
   * otherwise do while the user waits for it, and keeps (the colours, read back from the theme,
   * and the number and date formats of the axes and the readout).
   */
  #prepare(): void {
    if (this.#taken || !this.#host.isConnected) return;
    // The live chart's probe, in the same shadow root, resolves the same custom properties. With
    // none on screen (the chart not shown yet), the colours wait for the switch.
    if (this.#host.shadowRoot?.querySelector('[part~="chart"] .probe')) this.#readColors();
    const now = Date.now();
    for (const range of RANGES) {
      if (range === 'live') continue;
      this.#timeLabel(now, range, true);
      this.#timeLabel(now, range, false);
    }
    for (const value of [1, 10]) for (const metric of METRICS) this.#format(metric, value);
  }

  // ---- loading ---------------------------------------------------------------------------------

  #start(range: HistoryRange, template: string): void {
    this.#abort?.abort();
    this.#abort = undefined;
    const given = this.#host.history;
    if (given) {
      // Presentational: the answers are given; they are validated like fetched ones.
      try {
        const data = new Map<string, HistorySeries>();
        for (const id of this.#ids) {
          // One answer, or answers by project id; in a single chart, anything else is validated (and refused) as an answer.
          const byId = isAnswer(given) ? undefined : (given as Record<string, HistoryAnswer>)[id];
          const answer = isAnswer(given) ? (!this.#compare || given.projectId === id ? given : undefined) : (byId ?? (this.#compare ? undefined : given));
          data.set(id, this.#parse(answer ?? { points: [] }, id, range));
        }
        this.#ready(data);
      } catch (error) {
        this.#failed(error, range);
      }
      return;
    }
    if (!template) {
      this.#failed(new LoadError('source', ''), range);
      return;
    }
    const abort = new AbortController();
    this.#abort = abort;
    this.#load = { state: 'loading' };
    Promise.all(this.#ids.map((id) => this.#fetch(historyUrl(template, id, range), id, range, abort.signal))).then(
      (series) => {
        if (abort !== this.#abort) return;
        this.#abort = undefined;
        this.#ready(new Map(this.#ids.map((id, i) => [id, series[i]!])));
        this.#api.now();
      },
      (error: unknown) => {
        // A load replaced by another (a new range, a removal) says nothing.
        if (abort !== this.#abort) return;
        this.#abort = undefined;
        abort.abort();
        this.#failed(error, range);
        this.#api.now();
      },
    );
  }

  async #fetch(url: string, id: string, range: HistoryRange, signal: AbortSignal): Promise<HistorySeries> {
    let response: Response;
    try {
      const service = this.#api.service();
      const { credentials = 'same-origin', mock = false } = service?.history?.() ?? {};
      if (service && mock && !this.#host.historyUrl) {
        // In mock mode the mock backend answers the provider's template with the same REST shape,
        // and nothing goes to the network; a chart's own `history-url` is fetched as written.
        const answer = await service.request('GET', `/projects/${encodeURIComponent(id)}/metrics?range=${range}`, signal);
        response = new Response(JSON.stringify(answer.body), { status: answer.status, statusText: answer.statusText });
      } else {
        response = await fetch(url, { signal, headers: { Accept: 'application/json' }, credentials });
      }
    } catch (error) {
      if (signal.aborted) throw error;
      throw new LoadError('network', id);
    }
    if (!response.ok) {
      let detail = response.statusText;
      try {
        const body = (await response.json()) as { error?: unknown };
        if (typeof body?.error === 'string' && body.error) detail = body.error.slice(0, 200);
      } catch {
        // No JSON error body: the status text says it.
      }
      throw new LoadError('status', id, detail ? `${response.status} (${detail})` : String(response.status));
    }
    let answer: unknown;
    try {
      answer = await response.json();
    } catch (error) {
      if (signal.aborted) throw error;
      throw new LoadError('json', id);
    }
    return this.#parse(answer, id, range);
  }

  /** Validates one answer; dropped points are told as an `sse-invalid-event`, as on the stream. */
  #parse(answer: unknown, id: string, range: HistoryRange): HistorySeries {
    const parsed = parseHistory(answer, range);
    if ('error' in parsed) throw new LoadError('shape', id);
    if (parsed.dropped > 0) {
      const reason = `${this.#t.t('history.dropped', { count: parsed.dropped, project: id })} (${parsed.reasons.join('; ')})`;
      this.#host.dispatchEvent(new CustomEvent('sse-invalid-event', { detail: { type: 'history', reason }, bubbles: true, composed: true }));
    }
    return parsed.series;
  }

  #ready(data: Map<string, HistorySeries>): void {
    this.#load = { state: 'ready', data };
  }

  #failed(error: unknown, range: HistoryRange): void {
    const t = this.#t;
    const span = t.t(`history.span.${range}`);
    if (!(error instanceof LoadError)) {
      this.#load = { state: 'error', message: t.t('history.failed', { span, reason: t.t('history.reason.network') }) };
      return;
    }
    const reason = t.t(`history.reason.${error.reason}`, { status: error.status ?? '' });
    const project = this.#compare && error.projectId ? this.#name(error.projectId) : '';
    this.#load = { state: 'error', message: t.t(project ? 'history.failed.of' : 'history.failed', { span, reason, project }) };
  }

  #retry = (): void => {
    this.#key = '';
    this.#api.now();
  };

  /** Comparison with a provider: every shown project's changes redraw the chart (live figures and names). */
  #subscribe(): void {
    const store = this.#compare ? this.#api.service()?.store : undefined;
    const key = store ? this.#ids.join(' ') : '';
    if (key === this.#subscribed && (store !== undefined) === this.#unsubscribe.length > 0) return;
    this.#release();
    this.#subscribed = key;
    if (!store) return;
    const update = () => this.#host.requestUpdate();
    for (const id of this.#ids) this.#unsubscribe.push(store.subscribe(id, update));
  }

  #release(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    this.#subscribed = '';
  }

  // ---- drawing ---------------------------------------------------------------------------------

  #observe(frame: HTMLElement): void {
    this.#frame = frame;
    resizes.observe(frame, (entry) => {
      const width = Math.floor(entry.contentRect.width);
      const height = Math.floor(entry.contentRect.height);
      if (width === this.#width && height === this.#height) return;
      this.#width = width;
      this.#height = height;
      // A new width is a new number of pixel columns: the history is downsampled again.
      this.#draw();
    });
  }

  #teardown(): void {
    if (this.#frame) resizes.unobserve(this.#frame);
    this.#frame = undefined;
    this.#chart?.destroy();
    this.#chart = undefined;
    this.#chartKey = '';
    this.#data = undefined;
    this.#width = this.#height = 0;
  }

  /** Builds the data for the current width and hands it to the chart, creating the chart if its structure changed. */
  #draw(): void {
    const frame = this.#frame;
    if (!frame) return;
    const width = this.#width || frame.clientWidth;
    const height = this.#height || frame.clientHeight;
    const range = this.#range;
    const load = this.#load;
    let data: Columns | undefined;
    if (range === 'live') data = this.#liveData();
    else if (load.state === 'ready') data = this.#historyData(load.data, width);
    if (!data || data[0].length === 0 || width === 0) {
      // Loading, failed or empty: the state says so over an empty frame.
      this.#chart?.destroy();
      this.#chart = undefined;
      this.#chartKey = '';
      this.#data = undefined;
      return;
    }
    const key = [range, this.#compare, this.#ids.join(' '), this.#compare ? this.#metric : '', this.#t.lang].join('\n');
    let chart = this.#chart;
    if (chart && key === this.#chartKey) {
      const current = chart;
      current.batch(() => {
        if (current.width !== width || current.height !== height) current.setSize({ width, height });
        current.setData(data);
      });
    } else {
      chart?.destroy();
      chart = this.#create(frame, data, { width, height }, range);
      this.#chart = chart;
      this.#chartKey = key;
    }
    this.#data = data;
    chart.root.dataset.points = String(data[0].length);
    chart.root.dataset.range = range;
    chart.ctx.canvas.setAttribute('aria-label', this.#describe(data, range));
    this.#readout(chart.cursor.idx ?? null);
  }

  /** History columns: per project, the metrics drawn (both alone, the chosen one in comparison), downsampled. */
  #historyData(data: Map<string, HistorySeries>, width: number): Columns | undefined {
    const metrics = this.#compare ? [this.#metric] : METRICS;
    const tables = this.#ids.map((id) => downsample(data.get(id)!, metrics, width));
    if (tables.every((table) => table[0].length === 0)) return undefined;
    if (tables.length === 1) return tables[0];
    return uPlot.join(tables.map((table) => table as uPlot.AlignedData)) as unknown as Columns;
  }

  /** Live comparison: each project's latest `points` points of the chosen metric, joined on time. */
  #liveData(): Columns | undefined {
    const store = this.#api.service()?.store;
    if (!store) return undefined;
    const count = Math.max(1, Math.floor(this.#host.points) || 10);
    const tables = this.#ids.map((id) => {
      const history = store.getProject(id)?.metrics;
      const time = new Float64Array(count);
      const cpu = new Float64Array(count);
      const memory = new Float64Array(count);
      const n = history ? history.copyLatest(count, time, cpu, memory) : 0;
      return [Array.from(time.subarray(0, n)), Array.from((this.#metric === 'cpu' ? cpu : memory).subarray(0, n))];
    });
    if (tables.every((table) => table[0]!.length === 0)) return undefined;
    return uPlot.join(tables as uPlot.AlignedData[]) as unknown as Columns;
  }

  #create(frame: HTMLElement, data: Columns, size: { width: number; height: number }, range: ChartRange): uPlot {
    this.#readColors();
    const colors = () => this.#colors!;
    const font = this.#font;
    const t = this.#t;
    const series: uPlot.Series[] = [{}];
    const bands: uPlot.Band[] = [];
    const perProject = range === 'live' ? 1 : 3;
    const lines = this.#compare ? this.#ids.map((id, i) => ({ id, metric: this.#metric, color: i })) : METRICS.map((metric, i) => ({ id: '', metric, color: i }));
    lines.forEach(({ id, metric, color }, i) => {
      const palette = color % PALETTE_SIZE;
      const dash = this.#compare ? DASHES[i % DASHES.length]! : [];
      const show = !this.#hidden.has(id);
      series.push({
        label: id || metric,
        scale: metric,
        show,
        stroke: () => colors().series[palette]!,
        width: 2,
        dash,
        points: { show: false },
      });
      if (perProject === 3) {
        const first = series.length;
        const edge: uPlot.Series = { scale: metric, show, stroke: 'transparent', width: 0, points: { show: false } };
        series.push({ ...edge, label: `${id || metric} min` }, { ...edge, label: `${id || metric} max` });
        bands.push({ series: [first + 1, first], fill: () => colors().bands[palette]! });
      }
    });
    const scales = this.#compare ? [this.#metric] : METRICS;
    const options: uPlot.Options = {
      width: size.width,
      height: size.height,
      padding: [14, 6, 2, 6],
      legend: { show: false },
      cursor: { show: true, x: true, y: false, points: { show: false }, drag: { x: false, y: false, setScale: false } },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      scales: {
        x: { time: true, range: range === 'live' ? timeRange : undefined },
        cpu: { range: cpuRange },
        memory: { range: memoryRange },
      },
      series,
      bands,
      axes: [
        {
          font,
          gap: 4,
          size: 24,
          space: range === 'live' ? 72 : 64,
          incrs: range === 'live' ? TIME_STEPS : TIME_INCREMENTS[range],
          stroke: () => colors().axis,
          ticks: { show: false },
          border: { show: false },
          grid: { show: true, stroke: () => colors().grid, width: 1 },
          values: (_self, splits) => splits.map((seconds) => this.#timeLabel(seconds * 1000, range, true)),
        },
        ...scales.map((scale, i) => valueAxis(scale, i === 0 ? 3 : 1, (value) => this.#format(scale, value), font, colors)),
      ],
      hooks: { setCursor: [(self) => this.#readout(self.cursor.idx ?? null)] },
    };
    const chart = new uPlot(options, data as uPlot.AlignedData, frame);
    chart.root.setAttribute('part', 'plot');
    const canvas = chart.ctx.canvas;
    canvas.setAttribute('role', 'img');
    // The cursor can be moved with the keyboard too: the plot area takes focus and arrow keys.
    const over = chart.over;
    over.tabIndex = 0;
    over.setAttribute('role', 'group');
    over.setAttribute('aria-label', t.t('history.plot'));
    over.addEventListener('keydown', (event) => this.#onPlotKey(event));
    over.addEventListener('blur', () => chart.setCursor({ left: -10, top: -10 }));
    return chart;
  }

  #onPlotKey(event: KeyboardEvent): void {
    const chart = this.#chart;
    const x = this.#data?.[0];
    if (!chart || !x || x.length === 0) return;
    const step = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity, PageUp: -10, PageDown: 10 }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    const current = chart.cursor.idx ?? (step > 0 ? -1 : x.length);
    const index = Math.max(0, Math.min(x.length - 1, Number.isFinite(step) ? current + step : step < 0 ? 0 : x.length - 1));
    chart.setCursor({ left: chart.valToPos(x[index]!, 'x'), top: chart.over.clientHeight / 2 });
  }

  /** Writes the values at the cursor (or, with no cursor, the latest ones) into the readout. */
  #readout(index: number | null): void {
    const out = this.#host.shadowRoot?.querySelector('[part~="readout"]');
    const data = this.#data;
    if (!out) return;
    if (!data || data[0].length === 0) {
      out.replaceChildren();
      return;
    }
    const range = this.#range;
    const i = index ?? lastIndexWithValue(data);
    const at = (column: number) => data[column]?.[i] ?? null;
    const items: [string, string][] = [];
    const t = this.#t;
    const stride = range === 'live' ? 1 : 3;
    const lines = this.#compare ? this.#ids.map((id) => [this.#name(id), this.#metric] as const) : METRICS.map((metric) => [t.t(`metrics.${metric}`), metric] as const);
    lines.forEach(([label, metric], k) => {
      if (this.#compare && this.#hidden.has(this.#ids[k]!)) return;
      const column = 1 + k * stride;
      const mean = at(column);
      let text = mean == null ? t.t('history.noValue') : this.#format(metric, mean);
      if (stride === 3 && mean != null) {
        const min = at(column + 1);
        const max = at(column + 2);
        // A bucket of one sample has no spread worth saying.
        if (min != null && max != null && min !== max) text = t.t('history.band', { mean: text, min: this.#format(metric, min), max: this.#format(metric, max) });
      }
      items.push([label, text]);
    });
    const time = document.createElement('b');
    time.textContent = this.#timeLabel(data[0][i]! * 1000, range, false);
    out.replaceChildren(
      time,
      ...items.map(([label, text]) => {
        const item = document.createElement('span');
        item.textContent = `${label}: ${text}`;
        return item;
      }),
    );
  }

  /** The canvas's accessible name: what is drawn, summed up per line. */
  #describe(data: Columns, range: ChartRange): string {
    const t = this.#t;
    const stride = range === 'live' ? 1 : 3;
    const span = t.t(`history.span.${range}`);
    const details: string[] = [];
    const lines = this.#compare ? this.#ids.map((id) => [this.#name(id), this.#metric] as const) : METRICS.map((metric) => [t.t(`metrics.${metric}`), metric] as const);
    lines.forEach(([label, metric], k) => {
      const column = 1 + k * stride;
      const mean = summary(data[column]!);
      if (!mean) return details.push(`${label} ${t.t('history.noValue')}`);
      if (range === 'live') return details.push(t.t('history.summary.live', { metric: label, value: this.#format(metric, lastValue(data[column]!) ?? mean.mean) }));
      const peak = summary(data[column + 2]!)?.max ?? mean.max;
      return details.push(t.t('history.summary', { metric: label, mean: this.#format(metric, mean.mean), max: this.#format(metric, peak) }));
    });
    const title = this.#compare ? t.t(`metrics.${this.#metric}`) : `${t.t('metrics.cpu')} / ${t.t('metrics.memory')}`;
    return t.t('history.chart', { title, span, details: details.join('; ') });
  }

  #format(metric: HistoryMetric, value: number): string {
    const locale = this.#t;
    return metric === 'cpu'
      ? locale.number(value / 100, { style: 'percent', maximumFractionDigits: 1 })
      : locale.number(value, { style: 'unit', unit: 'megabyte', maximumFractionDigits: value < 10 ? 1 : 0 });
  }

  /** Axis labels fit for the range: times of day for 24 h, days for 7 and 30 d; the readout is more precise. */
  #timeLabel(ms: number, range: ChartRange, axis: boolean): string {
    const locale = this.#t;
    if (range === 'live') return locale.time(ms);
    if (range === '24h') return locale.time(ms, axis ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    // A week reads by weekday ("Mon 30"), a month by date ("Nov 30").
    if (axis) return range === '7d' ? `${locale.time(ms, { weekday: 'short' })} ${locale.time(ms, { day: 'numeric' })}` : locale.time(ms, { day: 'numeric', month: 'short' });
    return locale.time(ms, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  }

  #name(id: string): string {
    return this.#api.service()?.store.getProject(id)?.name || id;
  }

  /**
   * A canvas cannot use `var()` or `light-dark()`: each colour is set on a hidden probe and read
   * back computed.
   */
  #readColors(): void {
    if (this.#colors) return;
    const probe = this.#host.shadowRoot?.querySelector<HTMLElement>('[part~="chart"] .probe');
    if (!probe) {
      this.#colors = { axis: '#59636e', grid: '#d0d7de', background: '#fff', series: ['#0969da', '#8250df', '#1a7f37', '#bc4c00', '#bf3989', '#1b7c83'], bands: Array(PALETTE_SIZE).fill('rgba(0,0,0,.08)') };
      return;
    }
    const computed = getComputedStyle(probe);
    const read = (value: string): string => {
      probe.style.color = value;
      return computed.color;
    };
    const indices = Array.from({ length: PALETTE_SIZE }, (_, i) => i + 1);
    this.#colors = {
      axis: read('var(--chart-axis-color)'),
      grid: read('var(--chart-grid-color)'),
      background: read('var(--chart-background)'),
      series: indices.map((i) => read(`var(--chart-series-${i})`)),
      bands: indices.map((i) => read(`color-mix(in srgb, var(--chart-series-${i}) ${this.#compare ? 'calc(var(--chart-band-opacity) / 2)' : 'var(--chart-band-opacity)'}, transparent)`)),
    };
    probe.style.removeProperty('color');
    this.#font = `${AXIS_FONT_SIZE}px ${computed.fontFamily}`;
  }

  // ---- user input ------------------------------------------------------------------------------

  #select(group: 'range' | 'metric', value: string, focus: boolean): void {
    const host = this.#host;
    if (focus) this.#focusGroup = group;
    if (group === 'metric') {
      const previous = this.#metric;
      host.metric = value as HistoryMetric;
      if (value === previous) return;
      const detail: MetricChangeDetail = { metric: value as HistoryMetric, previous };
      host.dispatchEvent(new CustomEvent('metric-change', { detail, bubbles: true, composed: true }));
      return;
    }
    const previous = this.#range;
    if (value === previous) {
      this.#api.now();
      return;
    }
    host.range = value as ChartRange;
    const detail: RangeChangeDetail = { range: value as ChartRange, previous };
    host.dispatchEvent(new CustomEvent('range-change', { detail, bubbles: true, composed: true }));
  }

  #onRadioKey(group: 'range' | 'metric', values: readonly string[], current: string, event: KeyboardEvent): void {
    const index = values.indexOf(current);
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1, Home: 0, End: values.length - 1 };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    this.#select(group, values[(next + values.length) % values.length]!, true);
  }

  #toggle(id: string): void {
    if (!this.#hidden.delete(id)) this.#hidden.add(id);
    const index = this.#ids.indexOf(id);
    const chart = this.#chart;
    if (chart && index >= 0) {
      const stride = this.#range === 'live' ? 1 : 3;
      const show = !this.#hidden.has(id);
      chart.batch(() => {
        for (let k = 0; k < stride; k++) chart.setSeries(1 + index * stride + k, { show });
      });
    }
    this.#api.now();
  }

  // ---- rendering -------------------------------------------------------------------------------

  /** The toolbar: the metric switch (comparison) and the range control. */
  controls(): TemplateResult {
    const t = this.#t;
    const range = this.#range;
    return html`<div part="toolbar">
      ${this.#compare ? this.#radios('metric', METRICS, this.#metric, t.t('history.metric'), (value) => t.t(`metrics.${value}`)) : nothing}
      ${this.#radios('range', RANGES, range, t.t('history.range'), (value) => t.t(`history.range.${value}`), (value) => t.t(`history.name.${value}`))}
    </div>`;
  }

  #radios(group: 'range' | 'metric', values: readonly string[], current: string, label: string, text: (value: string) => string, name?: (value: string) => string): TemplateResult {
    return html`<div part=${group} role="radiogroup" aria-label=${label} @keydown=${(event: KeyboardEvent) => this.#onRadioKey(group, values, current, event)}>
      ${values.map(
        (value) =>
          html`<button
            type="button"
            role="radio"
            part=${`${group}-option${value === current ? ` ${group}-option-checked` : ''}`}
            data-value=${value}
            aria-checked=${value === current ? 'true' : 'false'}
            aria-label=${name ? name(value) : nothing}
            tabindex=${value === current ? 0 : -1}
            @click=${() => this.#select(group, value, false)}
          >
            ${text(value)}
          </button>`,
      )}
    </div>`;
  }

  /** The plot frame with its state, the status line for screen readers, the legend and the readout. */
  body(): TemplateResult {
    const t = this.#t;
    const range = this.#range;
    const load = this.#load;
    const span = t.t(`history.span.${range}`);
    const loading = range !== 'live' && (load.state === 'loading' || load.state === 'idle');
    const empty =
      range === 'live'
        ? !this.#hasLive()
        : load.state === 'ready' && [...load.data.values()].every((series) => series.time.length === 0);
    let overlay: TemplateResult | typeof nothing = nothing;
    let status = '';
    if (loading) {
      overlay = html`<div part="loading"><span part="progress" role="progressbar" aria-label=${t.t('history.loading', { span })}></span></div>`;
      status = t.t('history.loading', { span });
    } else if (load.state === 'error') {
      overlay = html`<div part="error" role="alert"><p>${load.message}</p><button type="button" part="retry" @click=${this.#retry}>${t.t('history.retry')}</button></div>`;
    } else if (empty) {
      status = range === 'live' ? t.t('history.empty.live') : t.t('history.empty', { span });
      overlay = html`<p part="empty">${status}</p>`;
    } else if (load.state === 'ready') {
      status = t.t('history.loaded', { span });
    }
    return html`
      <div part="chart" aria-busy=${loading ? 'true' : 'false'}><span class="probe" aria-hidden="true"></span>${overlay}</div>
      <p part="status" role="status" class="visually-hidden">${status}</p>
      ${this.#compare ? this.#legend() : nothing}
      <p part="readout"></p>
    `;
  }

  #hasLive(): boolean {
    const store = this.#api.service()?.store;
    return Boolean(store && this.#ids.some((id) => (store.getProject(id)?.metrics.length ?? 0) > 0));
  }

  #legend(): TemplateResult {
    const store = this.#api.service()?.store;
    const live = this.#range === 'live';
    return html`<div part="legend" role="group" aria-label=${this.#t.t('history.legend')}>
      ${this.#ids.map((id, i) => {
        const latest = live ? store?.getProject(id)?.metrics.latest() : undefined;
        const dash = DASHES[i % DASHES.length]!;
        return html`<button type="button" part="legend-item" data-project=${id} aria-pressed=${this.#hidden.has(id) ? 'false' : 'true'} @click=${() => this.#toggle(id)}>
          <svg part="legend-swatch" data-series=${i % PALETTE_SIZE} viewBox="0 0 22 8" aria-hidden="true">
            <line x1="1" y1="4" x2="21" y2="4" stroke="currentColor" stroke-width="2.5" stroke-linecap="butt" stroke-dasharray=${dash.length ? dash.join(' ') : 'none'}></line>
          </svg>
          <span part="legend-name">${this.#name(id)}</span>
          ${latest ? html`<span part="legend-value">${this.#format(this.#metric, latest[this.#metric])}</span>` : nothing}
        </button>`;
      })}
    </div>`;
  }
}

/**
 * Runs `task` once the page is idle (or within a second), and returns what cancels it. Where
 * `requestIdleCallback` is missing, a timer stands in.
 */
function whenIdle(task: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(task, { timeout: 1000 });
    return () => cancelIdleCallback(handle);
  }
  const timer = setTimeout(task, 200);
  return () => clearTimeout(timer);
}

/** Time-axis steps (seconds) per range: hours for a day, days for a week or a month. */
const HOUR = 3600;
const DAY = 86400;
const TIME_INCREMENTS: Record<HistoryRange, number[]> = {
  '24h': [HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR, 6 * HOUR, 12 * HOUR],
  '7d': [DAY, 2 * DAY, 7 * DAY],
  '30d': [DAY, 2 * DAY, 3 * DAY, 5 * DAY, 7 * DAY, 14 * DAY],
};

function isAnswer(value: unknown): value is HistoryAnswer {
  return typeof value === 'object' && value !== null && Array.isArray((value as HistoryAnswer).points);
}

function lastValue(values: readonly (number | null | undefined)[]): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] != null) return values[i]!;
  return undefined;
}

/** The last time at which any line has a value. */
function lastIndexWithValue(data: Columns): number {
  for (let i = data[0].length - 1; i >= 0; i--) if (data.some((column, k) => k > 0 && column[i] != null)) return i;
  return data[0].length - 1;
}
