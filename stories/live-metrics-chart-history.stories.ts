import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../src/sse-provider/define.js';
import '../src/live-metrics-chart/define.js';
import type { ChartRange, HistoryAnswer, HistoryRange, MetricsPoint } from '../src/live-metrics-chart/live-metrics-chart.js';

interface Args {
  range: ChartRange;
  chartHeight: string;
}

const T_END = Date.UTC(2026, 0, 1, 12, 0, 0);
const RANGES: Record<HistoryRange, { span: number; step: number }> = {
  '24h': { span: 86_400_000, step: 60_000 },
  '7d': { span: 7 * 86_400_000, step: 600_000 },
  '30d': { span: 30 * 86_400_000, step: 3_600_000 },
};

/**
 * A plausible history, as the demo server seeds it: a daily cycle (busy afternoons, quiet nights),
 * a deploy spike two days ago, an incident five days ago, and memory that creeps up between restarts.
 */
function generatedHistory(projectId: string, range: HistoryRange, load = 1): HistoryAnswer {
  const { span, step } = RANGES[range];
  const from = T_END - span;
  const points = [];
  for (let time = from; time < T_END; time += step) {
    const hour = new Date(time).getUTCHours() + new Date(time).getUTCMinutes() / 60;
    const daily = Math.max(0, Math.sin(((hour - 8) / 24) * 2 * Math.PI));
    const ago = T_END - time;
    const deploy = Math.abs(ago - 2 * 86_400_000) < 40 * 60_000 ? 35 : 0;
    const incident = ago > 5 * 86_400_000 && ago < 5 * 86_400_000 + 3 * 3_600_000 ? 45 : 0;
    const noise = Math.sin(time / 7_777_777) * 3 + Math.sin(time / 1_234_567) * 2;
    const cpu = Math.min(97, (8 + 38 * daily + noise) * load + deploy + incident);
    const spread = 3 + 6 * daily + (deploy || incident ? 10 : 0);
    const memory = 320 + 90 * load + ((time / 3_600_000) % 72) * 1.6 + 40 * daily;
    points.push({
      time,
      cpu: { min: Math.max(0, cpu - spread), mean: cpu, max: Math.min(100, cpu + spread * 1.4) },
      memory: { min: memory - 18, mean: memory, max: memory + 26 + (incident ? 180 : 0) },
      requests: Math.round((time - from) / 1000),
    });
  }
  return { projectId, range, step, from, to: T_END, points };
}

function live(count = 20): MetricsPoint[] {
  return Array.from({ length: count }, (_, i) => ({
    time: T_END - (count - 1 - i) * 3000,
    cpu: Math.round((36 + 8 * Math.sin(i / 2)) * 10) / 10,
    memory: 512 + i,
    requests: 18_000 + i * 40,
    uptime: '3d 4h',
  }));
}

/**
 * Answers the stories' `history-url` (`/story-history/…`) in the page, so that the loading and
 * error states can be seen without a server: `hang` never answers, `fail` answers 500.
 */
function storyFetch(): void {
  const w = window as Window & { storyFetchInstalled?: boolean };
  if (w.storyFetchInstalled) return;
  w.storyFetchInstalled = true;
  const original = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, location.href);
    if (!url.pathname.startsWith('/story-history/')) return original(input, init);
    const [, , scenario, projectId] = url.pathname.split('/');
    const range = (url.searchParams.get('range') ?? '24h') as HistoryRange;
    if (scenario === 'hang') {
      return new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    }
    if (scenario === 'fail') {
      return Promise.resolve(new Response(JSON.stringify({ error: 'the history store is down' }), { status: 500, headers: { 'Content-Type': 'application/json' } }));
    }
    return Promise.resolve(new Response(JSON.stringify(generatedHistory(decodeURIComponent(projectId ?? 'api'), range)), { headers: { 'Content-Type': 'application/json' } }));
  };
}

/** Presentational: the host answers `range-change` with the history of the chosen range. */
function withHistory(range: ChartRange, chartHeight: string, theme?: string) {
  const onRange = (event: CustomEvent<{ range: ChartRange }>) => {
    const chart = event.currentTarget as HTMLElement & { history?: HistoryAnswer };
    if (event.detail.range !== 'live') chart.history = generatedHistory('api', event.detail.range);
  };
  return html`<div theme=${theme ?? 'light'} style="max-width: 760px; padding: 16px; border-radius: 8px; background: ${theme === 'dark' ? '#0d1117' : 'transparent'}">
    <live-metrics-chart
      status="running"
      range=${range}
      style="--chart-height: ${chartHeight}"
      .metrics=${live()}
      .history=${range === 'live' ? generatedHistory('api', '24h') : generatedHistory('api', range)}
      @range-change=${onRange}
    ></live-metrics-chart>
  </div>`;
}

const meta: Meta<Args> = {
  title: 'Elements/live-metrics-chart/History and comparison',
  component: 'live-metrics-chart',
  tags: ['autodocs'],
  argTypes: {
    range: { control: 'inline-radio', options: ['live', '24h', '7d', '30d'], description: 'The range shown; the range control sets it too.' },
    chartHeight: { control: 'text', name: '--chart-height', description: 'Height of the chart.' },
  },
  args: { range: '7d', chartHeight: '220px' },
  render: ({ range, chartHeight }) => withHistory(range, chartHeight),
};
export default meta;

type Story = StoryObj<Args>;

/** The last 24 hours in one-minute buckets: mean lines with the min–max band; the cards stay live. */
export const Last24Hours: Story = { name: '24 h', args: { range: '24h' } };

/** The last 7 days in ten-minute buckets: the daily cycle, a deploy spike, an incident. */
export const Last7Days: Story = { name: '7 d', args: { range: '7d' } };

/** The last 30 days in hourly buckets. */
export const Last30Days: Story = { name: '30 d', args: { range: '30d' } };

/** Live, with a history source: the range control above the streaming chart. */
export const LiveWithRangeControl: Story = { name: 'Live (with the range control)', args: { range: 'live' } };

/** Dark theme: the canvas colours are resolved from the dark tokens. */
export const Dark: Story = { render: ({ range, chartHeight }) => withHistory(range, chartHeight, 'dark') };

/**
 * Three projects on one chart (`project-ids="api web worker"`): a series each, told apart by colour
 * and dash; the legend toggles them, the metric switch picks CPU or memory, and the readout lists
 * each project's value at the cursor (hover, or focus the plot and use the arrow keys).
 */
export const Comparison: Story = {
  render: ({ range, chartHeight }) => {
    const history = (r: HistoryRange) => ({
      api: generatedHistory('api', r, 1),
      web: generatedHistory('web', r, 0.6),
      worker: generatedHistory('worker', r, 1.5),
    });
    const onRange = (event: CustomEvent<{ range: ChartRange }>) => {
      const chart = event.currentTarget as HTMLElement & { history?: unknown };
      if (event.detail.range !== 'live') chart.history = history(event.detail.range);
    };
    return html`<div style="max-width: 760px">
      <live-metrics-chart
        project-ids="api web worker"
        range=${range === 'live' ? '7d' : range}
        style="--chart-height: ${chartHeight}"
        .history=${history(range === 'live' ? '7d' : range)}
        @range-change=${onRange}
      ></live-metrics-chart>
    </div>`;
  },
};

/** Loading: the history request has not answered yet (progress, `aria-busy`, a polite status). */
export const Loading: Story = {
  render: ({ chartHeight }) => {
    storyFetch();
    return html`<div style="max-width: 760px">
      <live-metrics-chart status="running" range="7d" style="--chart-height: ${chartHeight}" .metrics=${live()} history-url="/story-history/hang/{projectId}?range={range}" project-id="api"></live-metrics-chart>
    </div>`;
  },
};

/** The server answered 500: the error says so and offers Retry. */
export const LoadError: Story = {
  name: 'Error',
  render: ({ chartHeight }) => {
    storyFetch();
    return html`<div style="max-width: 760px">
      <live-metrics-chart status="running" range="7d" style="--chart-height: ${chartHeight}" .metrics=${live()} history-url="/story-history/fail/{projectId}?range={range}"></live-metrics-chart>
    </div>`;
  },
};

/** A range with no data says so. */
export const Empty: Story = {
  render: ({ chartHeight }) =>
    html`<div style="max-width: 760px">
      <live-metrics-chart status="running" range="7d" style="--chart-height: ${chartHeight}" .metrics=${live()} .history=${{ projectId: 'api', range: '7d', step: 600_000, points: [] }}></live-metrics-chart>
    </div>`,
};

/** Fetched through the provider's `history-url`, answered in the page; the mock backend streams the live figures. */
export const FromProvider: Story = {
  name: 'From the provider’s history-url (mock)',
  render: ({ chartHeight }) => {
    storyFetch();
    return html`<sse-provider mock history-url="/story-history/ok/{projectId}?range={range}">
      <div style="max-width: 760px; display: grid; gap: 24px">
        <live-metrics-chart project-id="api-gateway" range="24h" style="--chart-height: ${chartHeight}"></live-metrics-chart>
        <live-metrics-chart project-ids="api-gateway web-frontend payments-service" style="--chart-height: ${chartHeight}"></live-metrics-chart>
      </div>
    </sse-provider>`;
  },
};
