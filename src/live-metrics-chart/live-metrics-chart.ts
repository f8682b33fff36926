import { LitElement, html, nothing, unsafeCSS, type PropertyDeclaration, type PropertyValues, type TemplateResult } from 'lit';
import type uPlot from 'uplot';
import type { Colors, plotOptions } from './plot-options.js';
import type { HistoryView } from './history-view.js';
import type { ChartRange, HistoryMetric, HistoryInput } from './history-data.js';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { backoffDelay } from '../core/connection.js';
import type { MetricsHistory, MetricsPoint } from '../core/metrics-history.js';
import type { ContainerStatus } from '../core/protocol.js';
import { LocaleController } from '../shared/i18n.js';
import { LiveController } from '../shared/live-controller.js';
import { tokens } from '../shared/tokens.js';
import { styles } from './live-metrics-chart.styles.js';
import './live-metrics-chart.messages.js';
import { resizes, sharedObserver } from '../shared/observers.js';

export type { MetricsPoint } from '../core/metrics-history.js';
export type { ChartRange, HistoryAnswer, HistoryInput, HistoryMetric, HistoryPoint, HistoryRange, HistoryStat } from './history-data.js';

/** The detail of `range-change`: the range chosen and the one before. */
export interface RangeChangeDetail {
  range: ChartRange;
  previous: ChartRange;
}

/** The detail of `metric-change`: the metric a comparison now draws and the one before. */
export interface MetricChangeDetail {
  metric: HistoryMetric;
  previous: HistoryMetric;
}

/** What `render()` shows, derived in `willUpdate`. */
type View =
  | { state: 'unavailable' | 'waiting' }
  | { state: 'running'; cpu: string; memory: string; requests: string; uptime: string; label: string };

const DEFAULT_POINTS = 10;
const AXIS_FONT_SIZE = 11;

/**
 * Current CPU, memory, request count and uptime as cards, and a real-time line chart (uPlot) of CPU
 * (left scale, %) and memory (right scale, MB) over the last `points` points. Shown only while the
 * project is `running`; otherwise a short "metrics unavailable" state.
 *
 * Inside an `<sse-provider>` it shows the project named by `project-id`; alone, it shows `status` and
 * the `metrics` property. The chart is created the first time it is on screen, streams with
 * `setData`, follows its container's width, and draws nothing while it is off-screen or the tab is
 * hidden — it catches up when it is seen again.
 *
 * With a history source — `history-url` (or the provider's) or the `history` property — a range
 * control (Live, 24 h, 7 d, 30 d) switches the chart to the project's history: mean lines with a
 * min–max band, downsampled to the plot's pixel width; the cards stay live. `project-ids="a b c"`
 * compares projects on one chart: a series per project (colour and dash), a legend that toggles
 * them, a metric switch (CPU or memory) and a readout of the values at the cursor, live and in
 * history alike. That part loads lazily, with uPlot, the first time a chart needs it.
 *
 * @tagname live-metrics-chart
 * @summary Live CPU and memory of a running container: cards and a streaming chart; history and comparison.
 *
 * @fires {CustomEvent<RangeChangeDetail>} range-change - The user chose another range (`{ range, previous }`).
 * @fires {CustomEvent<MetricChangeDetail>} metric-change - The user chose another metric for a comparison (`{ metric, previous }`).
 * @fires {CustomEvent<SseInvalidEventDetail>} sse-invalid-event - A history answer had invalid points, which were dropped (`type: 'history'`, the count and why).
 *
 * @csspart base - The wrapper of the cards and the chart (running state).
 * @csspart cards - The list of current values.
 * @csspart card - One current value; also `card-cpu`, `card-memory`, `card-requests`, `card-uptime`.
 * @csspart card-cpu - The CPU card.
 * @csspart card-memory - The memory card.
 * @csspart card-requests - The requests card.
 * @csspart card-uptime - The uptime card.
 * @csspart label - A card's label.
 * @csspart swatch - The line colour beside the CPU and memory labels (the chart's legend).
 * @csspart value - A card's value.
 * @csspart chart - The chart's frame; its width and `--chart-height` size the chart.
 * @csspart plot - uPlot's root element inside the frame (holds the canvas).
 * @csspart plot-error - Says the plot could not be loaded (the cards still show); it retries by itself.
 * @csspart unavailable - The "metrics unavailable" state (not running, or unknown project).
 * @csspart waiting - The state shown while running with no point received yet.
 * @csspart icon - The icon of the unavailable and waiting states.
 * @csspart toolbar - The row holding the range control and, in comparison, the metric switch.
 * @csspart range - The range control (a radio group).
 * @csspart range-option - One range in the control; also `range-option-checked` on the chosen one.
 * @csspart range-option-checked - The chosen range.
 * @csspart metric - Comparison: the metric switch (a radio group, CPU or memory).
 * @csspart metric-option - One metric in the switch; also `metric-option-checked` on the chosen one.
 * @csspart metric-option-checked - The chosen metric.
 * @csspart loading - History: the loading state over the chart (`aria-busy` is set on `chart`).
 * @csspart progress - History: the indeterminate progress bar of the loading state.
 * @csspart error - History: says what failed (HTTP status, network, a bad answer) and offers `retry`.
 * @csspart retry - History: the Retry button.
 * @csspart empty - History: the range has no data ("No data for the last 7 days.").
 * @csspart status - The polite status message for screen readers (loading, loaded, empty); visually hidden.
 * @csspart legend - Comparison: the legend, one toggle button per project.
 * @csspart legend-item - Comparison: a project's toggle (`aria-pressed`); `data-project` holds its id.
 * @csspart legend-swatch - Comparison: a project's colour and dash pattern.
 * @csspart legend-name - Comparison: a project's name (the store's name, else its id).
 * @csspart legend-value - Comparison, live: a project's latest value.
 * @csspart stale - The line under the cards saying the figures may no longer be true, while the stream is down.
 * @csspart readout - The values at the cursor (hover, or focus the plot and use the arrow keys); the latest ones otherwise.
 *
 * @cssproperty [--chart-height=180px] - Height of the chart.
 * @cssproperty [--chart-cpu-color=var(--le-chart-cpu)] - CPU line colour.
 * @cssproperty [--chart-memory-color=var(--le-chart-memory)] - Memory line colour.
 * @cssproperty [--chart-axis-color=var(--le-text-muted)] - Axis labels.
 * @cssproperty [--chart-grid-color=color-mix(in srgb, var(--le-border) 70%, transparent)] - Grid lines.
 * @cssproperty [--chart-background=var(--le-surface)] - Chart background.
 * @cssproperty [--card-background=var(--le-surface-raised)] - Card and empty-state background.
 * @cssproperty [--card-border=var(--le-border)] - Card, chart and empty-state border colour.
 * @cssproperty [--card-radius=var(--le-radius)] - Card, chart and empty-state corner radius.
 * @cssproperty [--metrics-gap=12px] - Space between cards and around the chart.
 * @cssproperty [--chart-series-1=var(--le-chart-cpu)] - History: the CPU line; comparison: the first project.
 * @cssproperty [--chart-series-2=var(--le-chart-memory)] - History: the memory line; comparison: the second project.
 * @cssproperty [--chart-series-3=light-dark(#1a7f37, #3fb950)] - Comparison: the third project (then 4, 5, 6; a seventh takes the first colour with another dash).
 * @cssproperty [--chart-series-4=light-dark(#bc4c00, #f0883e)] - Comparison: the fourth project.
 * @cssproperty [--chart-series-5=light-dark(#bf3989, #db61a2)] - Comparison: the fifth project.
 * @cssproperty [--chart-series-6=light-dark(#1b7c83, #39c5cf)] - Comparison: the sixth project.
 * @cssproperty [--chart-band-opacity=16%] - History: opacity of the min–max band (half of it in comparison).
 * @cssproperty [--chart-control-background=var(--le-surface-raised)] - The range control's background.
 * @cssproperty [--chart-control-checked-background=var(--le-surface)] - The chosen range's background.
 */
export class LiveMetricsChart extends LitElement {
  static override styles = [tokens, unsafeCSS(uplotCss), styles];

  static override properties = {
    projectId: { attribute: 'project-id' },
    points: { type: Number },
    status: {},
    metrics: { attribute: false },
    range: { reflect: true },
    historyUrl: { attribute: 'history-url' },
    projectIds: { attribute: 'project-ids' },
    metric: { reflect: true },
    history: { attribute: false },
    stale: { type: Boolean, reflect: true },
  };

  readonly #live = new LiveController(this, { project: () => this.projectId });
  readonly #locale = new LocaleController(this);

  private get _frame(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('[part~="chart"]');
  }
  private get _probe(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.probe');
  }

  #view: View = { state: 'unavailable' };
  /** The store's history of the shown project; undefined in presentational mode. */
  #history: MetricsHistory | undefined;
  /** What the chart last showed, to tell whether there is anything new to draw. */
  #source: unknown;
  #version = -1;
  /** The project's version and the time at the last render, to tell how often new data arrives. */
  #arrival = { version: 0, time: 0 };
  /** How long a render waits for the shared tick: about as long as the data takes to change. */
  #interval = MIN_INTERVAL;
  /** Ends a wait for the shared tick: what a person asked for (a range, a retry) renders at once. */
  #hurry: (() => void) | undefined;
  #urgent = false;
  #lang = '';
  // Reused for every draw: filled in place, handed to uPlot as subarray views.
  #time = new Float64Array(DEFAULT_POINTS);
  #cpu = new Float64Array(DEFAULT_POINTS);
  #memory = new Float64Array(DEFAULT_POINTS);

  #chart: uPlot | undefined;
  /** The chart frame the shared observers watch. */
  #observed: HTMLElement | undefined;
  #onScreen = false;
  #size: { width: number; height: number } | undefined;
  #dirty = true;
  /** The plotting library could not be loaded: the cards stay, the plot says so and waits for a retry. */
  #plotFailed = false;
  /** The range control, history and comparison, loaded once a chart has a history source or compares. */
  #extra: HistoryView | undefined;
  /** An update was skipped while off-screen. */
  #stale = false;
  #downSince: number | undefined;
  #draws = 0;
  #colors: Colors = { cpu: '#0969da', cpuFill: 'transparent', memory: '#8250df', axis: '#59636e', grid: '#d0d7de', background: '#fff' };
  #font = `${AXIS_FONT_SIZE}px system-ui, sans-serif`;
  readonly #watcher: Watcher = {
    visibility: () => this.#draw(),
    scheme: () => this.#schemeChanged(),
  };

  /** The project to show, from the nearest `<sse-provider>`. */
  projectId?: string;

  /** How many of the latest points the chart shows. */
  points = DEFAULT_POINTS;

  /** Presentational mode: the project's status (a provider's state wins when `project-id` is set). */
  status?: ContainerStatus;

  /** Presentational mode: the history, oldest first, `time` in epoch ms; assign a new array to update. */
  metrics: readonly MetricsPoint[] = [];

  /** `live` (default) or a history range: `24h`, `7d`, `30d`. Reflected; the range control sets it. */
  range: ChartRange = 'live';

  /**
   * Where history comes from: a URL template with `{projectId}` and `{range}`, e.g.
   * `/api/projects/{projectId}/metrics?range={range}`. Without it, the provider's `history-url`.
   */
  historyUrl?: string;

  /** Comparison: space-separated project ids drawn on one chart (a series per project). */
  projectIds?: string;

  /** Comparison: the metric drawn, `cpu` (default) or `memory`. Reflected; the metric switch sets it. */
  metric: HistoryMetric = 'cpu';

  /**
   * Presentational history: a history answer (`{ projectId, range, step, points }`), or, with
   * `project-ids`, an object of them by project id. Set, it is drawn instead of fetching.
   */
  history?: HistoryInput;

  /**
   * Whether the figures may no longer be true: set under a provider while its stream is down (the
   * cards turn dashed and a line says since when); set it yourself in presentational mode.
   */
  stale = false;

  /** Diagnostics: how many times the chart's canvas has been drawn (read-only). */
  get drawCount(): number {
    return this.#draws;
  }

  /**
   * Renders after the first wait for the charts' shared tick, so that every chart that changed
   * since the last tick renders in the same frame: fifty charts each updated once a second cost
   * one frame a second instead of fifty. The wait follows the data: a chart whose project changes
   * once a second waits up to a second, one that changes faster renders every quarter second.
   */
  protected override async scheduleUpdate(): Promise<void> {
    if (this.hasUpdated && !this.#urgent) {
      await new Promise<void>((resolve) => {
        this.#hurry = resolve;
        void paintTick(this.#interval).then(resolve);
      });
    }
    this.#hurry = undefined;
    this.#urgent = false;
    super.scheduleUpdate();
  }

  /** A change of what the chart shows (not of its data) skips the shared tick. */
  override requestUpdate(name?: PropertyKey, oldValue?: unknown, options?: PropertyDeclaration): void {
    super.requestUpdate(name, oldValue, options);
    if (this.hasUpdated && name !== undefined && URGENT.has(name)) this.#renderNow();
  }

  /** Renders as soon as it can, not at the shared tick. */
  #renderNow(): void {
    this.#urgent = true;
    if (this.#hurry) this.#hurry();
    else this.requestUpdate();
  }

  protected override shouldUpdate(changed: PropertyValues<this>): boolean {
    // Off-screen with only new data: neither the cards nor the canvas render; the intersection
    // callback asks for an update when the chart is seen again.
    if (this.#observed && !this.#onScreen && changed.size === 0) {
      this.#stale = true;
      return false;
    }
    return true;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    watch(this.#watcher);
    // A chart torn down by a removal is built again when the element comes back.
    if (this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    unwatch(this.#watcher);
    this.#teardown();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('projectId')) this.#live.sync();

    const capacity = pointCount(this.points);
    if (capacity !== this.#time.length) {
      this.#time = new Float64Array(capacity);
      this.#cpu = new Float64Array(capacity);
      this.#memory = new Float64Array(capacity);
      this.#dirty = true;
    }

    let status: ContainerStatus | undefined;
    let latest: MetricsPoint | undefined;
    let length: number;
    let source: unknown;
    let version = 0;
    if (this.projectId !== undefined && this.#live.store) {
      const project = this.#live.project;
      this.#history = project?.metrics;
      status = project?.status;
      length = this.#history?.length ?? 0;
      latest = this.#history?.latest();
      source = project;
      version = project?.version ?? 0;
      this.#downSince = this.#live.downSince;
      this.stale = this.#downSince !== undefined;
    } else {
      this.#history = undefined;
      status = this.status;
      length = this.metrics.length;
      latest = this.metrics[length - 1];
      source = this.metrics;
    }
    this.#measureArrivals(source, version);
    const lang = this.#locale.lang;
    if (source !== this.#source || version !== this.#version || lang !== this.#lang) {
      this.#source = source;
      this.#version = version;
      this.#lang = lang;
      this.#dirty = true;
    }

    const shown = Math.min(capacity, length);
    if (status !== 'running') this.#view = { state: 'unavailable' };
    else if (shown === 0 || !latest) this.#view = { state: 'waiting' };
    else this.#view = this.#running(latest, shown);
    if (!this.#extra && (this.#taken || this.history || this.historyUrl || this.#live.service?.history?.().url)) this.#loadExtra();
  }

  /** A history range or a comparison is shown: the lazily loaded part draws it, not the live chart. */
  get #taken(): boolean {
    return this.range !== 'live' || Boolean(this.projectIds);
  }

  #loadExtra(): void {
    void loadHistory().then((load) => {
      if (load.loaded) {
        this.#extra ??= new load.value.HistoryView(this, { service: () => this.#live.service, locale: this.#locale, now: () => this.#renderNow() });
        this.#plotFailed = false;
      } else {
        this.#plotFailed = true;
        void load.retry.then(() => this.requestUpdate());
      }
      this.requestUpdate();
    });
  }

  protected override updated(): void {
    // An update that waited for the shared tick can land after the element left: observe nothing then.
    const frame = this.isConnected && this.#view.state === 'running' && !this.#taken ? this._frame : null;
    if (frame !== (this.#observed ?? null)) {
      this.#teardown();
      if (frame) this.#observe(frame);
    }
    if (!frame) return;
    if (this.#view.state === 'running') this.#chart?.ctx.canvas.setAttribute('aria-label', this.#view.label);
    this.#draw();
  }

  /** Sets the tick wait from the project's changes per second since the last render. */
  #measureArrivals(source: unknown, version: number): void {
    const now = performance.now();
    const last = this.#arrival;
    if (source !== this.#source || this.projectId === undefined || version < last.version) {
      this.#interval = MIN_INTERVAL;
    } else if (version > last.version) {
      const perChange = (now - last.time) / (version - last.version);
      this.#interval = Math.min(MAX_INTERVAL, Math.max(MIN_INTERVAL, perChange));
    }
    this.#arrival = { version, time: now };
  }

  #running(latest: MetricsPoint, shown: number): View {
    const locale = this.#locale;
    const cpu = formatCpu(locale, latest.cpu);
    const memory = formatMemory(locale, latest.memory);
    const points = locale.t('metrics.points', { count: shown });
    return {
      state: 'running',
      cpu,
      memory,
      requests: locale.number(latest.requests, { maximumFractionDigits: 0 }),
      uptime: latest.uptime || '—',
      label: locale.t('metrics.chart', { cpu, memory, points }),
    };
  }

  #observe(frame: HTMLElement): void {
    this.#observed = frame;
    intersections.observe(frame, (entry) => {
      this.#onScreen = entry.isIntersecting;
      if (this.#onScreen && this.#stale) {
        this.#stale = false;
        this.requestUpdate();
      }
      this.#draw();
    });
    resizes.observe(frame, (entry) => {
      const width = Math.floor(entry.contentRect.width);
      const height = Math.floor(entry.contentRect.height);
      this.#size = { width, height };
      if (this.#chart && (this.#chart.width !== width || this.#chart.height !== height)) {
        this.#dirty = true;
        this.#draw();
      }
    });
  }

  /** Destroys the chart and stops observing its frame; the next running render builds a new one. */
  #teardown(): void {
    if (this.#observed) {
      intersections.unobserve(this.#observed);
      resizes.unobserve(this.#observed);
      this.#observed = undefined;
    }
    this.#chart?.destroy();
    this.#chart = undefined;
    this.#onScreen = false;
    this.#size = undefined;
    this.#dirty = true;
  }

  /** Draws what changed — unless nobody can see it; then it stays dirty until the chart is seen. */
  #draw(): void {
    const frame = this.#observed;
    if (!frame || !this.#dirty || !this.#onScreen || document.visibilityState === 'hidden') return;
    this.#dirty = false;
    const count = this.#fill();
    const data: uPlot.AlignedData = [this.#time.subarray(0, count), this.#cpu.subarray(0, count), this.#memory.subarray(0, count)];
    const size = this.#size ?? { width: frame.clientWidth, height: frame.clientHeight };
    const chart = this.#chart;
    if (!chart) {
      if (UPlot) {
        this.#create(UPlot, frame, data, size);
        return;
      }
      // uPlot is loaded the first time a chart is seen, so pages that never show one never pay for it.
      this.#dirty = true;
      void loadUplot().then((load) => {
        if (load.loaded) {
          // Creating the chart takes the message away.
          this.#draw();
          return;
        }
        if (!this.#plotFailed) {
          this.#plotFailed = true;
          this.requestUpdate();
        }
        void load.retry.then(() => this.#draw());
      });
      return;
    }
    chart.batch(() => {
      if (chart.width !== size.width || chart.height !== size.height) chart.setSize(size);
      chart.setData(data);
    });
  }

  /** Copies the newest points into the reused arrays and returns how many there are. */
  #fill(): number {
    const capacity = this.#time.length;
    if (this.#history) return this.#history.copyLatest(capacity, this.#time, this.#cpu, this.#memory);
    const list = this.metrics;
    const count = Math.min(capacity, list.length);
    const first = list.length - count;
    for (let i = 0; i < count; i++) {
      const point = list[first + i]!;
      this.#time[i] = point.time / 1000;
      this.#cpu[i] = point.cpu;
      this.#memory[i] = point.memory;
    }
    return count;
  }

  #create(Chart: typeof uPlot, frame: HTMLElement, data: uPlot.AlignedData, size: { width: number; height: number }): void {
    if (this.#plotFailed) {
      this.#plotFailed = false;
      this.requestUpdate();
    }
    this.#resolveColors();
    const locale = this.#locale;
    const chart = new Chart(
      PlotOptions!({
        size,
        font: this.#font,
        // Read through a function so a theme change needs only a redraw.
        colors: () => this.#colors,
        labels: { cpu: locale.t('metrics.cpu'), memory: locale.t('metrics.memory') },
        format: {
          time: (ms) => locale.time(ms),
          cpu: (value) => formatCpu(locale, value),
          memory: (value) => formatMemory(locale, value),
        },
        drawn: () => {
          this.#draws += 1;
        },
      }),
      data,
      frame,
    );
    chart.root.setAttribute('part', 'plot');
    const canvas = chart.ctx.canvas;
    canvas.setAttribute('role', 'img');
    if (this.#view.state === 'running') canvas.setAttribute('aria-label', this.#view.label);
    this.#chart = chart;
  }

  #schemeChanged(): void {
    this.#extra?.scheme();
    if (this.#chart && this.#resolveColors()) {
      this.#dirty = true;
      this.#draw();
    }
  }

  /**
   * Reads the chart colours from the CSS custom properties. A canvas cannot use `var()` or
   * `light-dark()`, so each is set as the colour of a hidden probe and read back computed.
   * Returns whether any colour changed.
   */
  #resolveColors(): boolean {
    const probe = this._probe;
    if (!probe) return false;
    const computed = getComputedStyle(probe);
    const read = (value: string): string => {
      probe.style.color = value;
      return computed.color;
    };
    const next: Colors = {
      cpu: read('var(--chart-cpu-color)'),
      cpuFill: read('color-mix(in srgb, var(--chart-cpu-color) 12%, transparent)'),
      memory: read('var(--chart-memory-color)'),
      axis: read('var(--chart-axis-color)'),
      grid: read('var(--chart-grid-color)'),
      background: read('var(--chart-background)'),
    };
    probe.style.removeProperty('color');
    this.#font = `${AXIS_FONT_SIZE}px ${computed.fontFamily}`;
    const changed = (Object.keys(next) as (keyof Colors)[]).some((key) => next[key] !== this.#colors[key]);
    this.#colors = next;
    return changed;
  }

  /**
   * Reads the chart colours again and redraws. Call it after a theme change the element cannot see
   * (it follows `prefers-color-scheme` and `theme` attributes by itself).
   */
  refreshColors(): void {
    this.#schemeChanged();
  }

  override render(): TemplateResult {
    const view = this.#view;
    const extra = this.#extra;
    const t = (key: string) => this.#locale.t(key);
    if (view.state !== 'running' && !this.#taken) return html`${extra?.controls()}${this.renderEmpty(view.state)}`;
    return html`
      <div part="base">
        ${extra?.controls()}
        ${view.state === 'running' && !this.projectIds
          ? html`<dl part="cards" class=${this.stale ? 'stale' : ''}>
              ${this.renderCard('cpu', t('metrics.cpu'), view.cpu, true)}
              ${this.renderCard('memory', t('metrics.memory'), view.memory, true)}
              ${this.renderCard('requests', t('metrics.requests'), view.requests, false)}
              ${this.renderCard('uptime', t('metrics.uptime'), view.uptime, false)}
            </dl>${this.stale ? html`<p part="stale">${this.#locale.stale(this.#downSince)}</p>` : nothing}`
          : nothing}
        ${extra && this.#taken
          ? extra.body()
          : html`<div part="chart"><span class="probe" aria-hidden="true"></span>${this.#plotFailed ? html`<p part="plot-error" role="status">${t('metrics.plotFailed')}</p>` : nothing}</div>`}
      </div>
    `;
  }

  private renderEmpty(state: 'unavailable' | 'waiting'): TemplateResult {
    return html`<div part=${state}>${state === 'waiting' ? waitingIcon : unavailableIcon}<span>${this.#locale.t(`metrics.${state}`)}</span></div>`;
  }

  private renderCard(name: string, label: string, value: string, swatch: boolean): TemplateResult {
    return html`
      <div part="card card-${name}">
        <dt part="label">${swatch ? html`<span part="swatch" aria-hidden="true"></span>` : null}${label}</dt>
        <dd part="value">${value}</dd>
      </div>
    `;
  }
}

const unavailableIcon = html`<svg part="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M3 3v18h18"/><path d="m7 14 4-4 3 3 5-5"/><path d="m4 4 16 16"/></svg>`;
const waitingIcon = html`<svg part="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M3 12h4l3-8 4 16 3-8h4"/></svg>`;

function pointCount(value: number): number {
  return Number.isFinite(value) && value >= 1 ? Math.floor(value) : DEFAULT_POINTS;
}

function formatCpu(locale: LocaleController, percent: number): string {
  return locale.number(percent / 100, { style: 'percent', maximumFractionDigits: 1 });
}

function formatMemory(locale: LocaleController, megabytes: number): string {
  return locale.number(megabytes, { style: 'unit', unit: 'megabyte', maximumFractionDigits: megabytes < 10 ? 1 : 0 });
}

/** uPlot and the chart's options for it, once loaded: the first chart that is seen loads them. */
let UPlot: typeof uPlot | undefined;
let PlotOptions: typeof plotOptions | undefined;

/** Properties that change what the chart shows, rather than its data: they render without waiting. */
const URGENT: ReadonlySet<PropertyKey> = new Set(['range', 'metric', 'projectIds', 'history', 'historyUrl']);

/** The shortest and longest wait, in ms, of a chart fed by a provider for the shared tick. */
const MIN_INTERVAL = 250;
const MAX_INTERVAL = 1000;

/** The charts' one pending tick: when it is due, its timer and the promise the charts wait on. */
let tick: { due: number; timer: ReturnType<typeof setTimeout>; done: Promise<void>; resolve: () => void } | undefined;

/**
 * Resolves in the first animation frame after the shared tick, which comes at most `wait` ms from
 * now: a chart that needs to render sooner than the pending tick brings it forward for every chart.
 */
function paintTick(wait: number): Promise<void> {
  const due = performance.now() + wait;
  if (tick) {
    if (due < tick.due) {
      clearTimeout(tick.timer);
      tick.due = due;
      tick.timer = setTimeout(fireTick, wait);
    }
    return tick.done;
  }
  let resolve!: () => void;
  const done = new Promise<void>((fulfil) => (resolve = fulfil));
  tick = { due, timer: setTimeout(fireTick, wait), done, resolve };
  return done;
}

function fireTick(): void {
  requestAnimationFrame(() => {
    const fired = tick;
    tick = undefined;
    fired?.resolve();
  });
}

type Load<T> = { loaded: true; value: T } | { loaded: false; retry: Promise<void> };

/**
 * A part of the chart loaded once for every chart, on first need. A failed load (a file missing
 * beside the bundle, an old chunk gone after a redeploy) is tried again after a backoff (1 s
 * doubling to 30 s, with jitter), not at every draw; the charts waiting on it try again when the
 * wait is over.
 */
function lazyPart<T>(load: () => Promise<T>): () => Promise<Load<T>> {
  let pending: Promise<Load<T>> | undefined;
  let failures = 0;
  return () =>
    (pending ??= load().then(
      (value): Load<T> => {
        failures = 0;
        return { loaded: true, value };
      },
      (): Load<T> => ({
        loaded: false,
        retry: new Promise<void>((resolve) =>
          setTimeout(() => {
            pending = undefined;
            resolve();
          }, backoffDelay(failures++, 1000, 30000)),
        ),
      }),
    ));
}

/** uPlot with the chart's options for it, which only a drawn chart needs. */
const loadUplot = lazyPart(() =>
  Promise.all([import('uplot'), import('./plot-options.js')]).then(([module, options]) => {
    UPlot = module.default;
    PlotOptions = options.plotOptions;
  }),
);

/** The range control, history and comparison: only a chart with a history source or several projects needs them. */
const loadHistory = lazyPart(() => import('./history-view.js'));

// One IntersectionObserver for every chart; its margin draws a chart just before it scrolls into view.
const intersections = sharedObserver<IntersectionObserverEntry>((notify) => new IntersectionObserver(notify, { rootMargin: '100px' }));

// ---- page visibility and colour scheme, watched once for every chart --------------------------

interface Watcher {
  /** The tab was shown or hidden. */
  visibility(): void;
  /** The colour scheme or a `theme` attribute changed. */
  scheme(): void;
}

const watchers = new Set<Watcher>();
let schemeQuery: MediaQueryList | undefined;
let themeObserver: MutationObserver | undefined;

const onVisibility = () => {
  for (const watcher of watchers) watcher.visibility();
};
const onScheme = () => {
  for (const watcher of watchers) watcher.scheme();
};

function watch(watcher: Watcher): void {
  watchers.add(watcher);
  if (watchers.size !== 1) return;
  document.addEventListener('visibilitychange', onVisibility);
  schemeQuery = matchMedia('(prefers-color-scheme: dark)');
  schemeQuery.addEventListener('change', onScheme);
  themeObserver = new MutationObserver(onScheme);
  themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['theme'], subtree: true });
}

function unwatch(watcher: Watcher): void {
  if (!watchers.delete(watcher) || watchers.size > 0) return;
  document.removeEventListener('visibilitychange', onVisibility);
  schemeQuery?.removeEventListener('change', onScheme);
  schemeQuery = undefined;
  themeObserver?.disconnect();
  themeObserver = undefined;
}

declare global {
  interface HTMLElementEventMap {
    'range-change': CustomEvent<RangeChangeDetail>;
    'metric-change': CustomEvent<MetricChangeDetail>;
  }
}
