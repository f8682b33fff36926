import { html, nothing } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../src/sse-provider/define.js';
import '../src/live-metrics-chart/define.js';
import type { MetricsPoint } from '../src/live-metrics-chart/live-metrics-chart.js';

interface Args {
  status: string;
  points: number;
  chartHeight: string;
  projectId: string;
  metrics: MetricsPoint[];
}

const T_END = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A plausible series: `count` points every 3 s, CPU wandering around 40 %, memory slowly growing. */
function generated(count = 30, end = T_END): MetricsPoint[] {
  return Array.from({ length: count }, (_, i) => {
    const cpu = 38 + 14 * Math.sin(i / 2.3) + 6 * Math.sin(i * 1.7);
    return {
      time: end - (count - 1 - i) * 3000,
      cpu: Math.round(cpu * 10) / 10,
      memory: Math.round(468 + i * 2.5 + 18 * Math.sin(i / 3.1)),
      requests: 18_240 + i * 37,
      uptime: '2h 15m',
    };
  });
}

const meta: Meta<Args> = {
  title: 'Elements/live-metrics-chart',
  component: 'live-metrics-chart',
  tags: ['autodocs'],
  argTypes: {
    status: {
      control: 'select',
      options: ['running', 'deploying', 'stopped', 'inactive', 'error', ''],
      description: 'The status shown in presentational mode; the chart is shown only while `running`.',
    },
    points: { control: { type: 'number', min: 1, max: 60, step: 1 }, description: 'How many of the latest points the chart shows.' },
    chartHeight: { control: 'text', name: '--chart-height', description: 'Height of the chart.' },
    projectId: { control: 'text', description: 'The project shown from the nearest `<sse-provider>`.' },
    metrics: { control: 'object', description: 'Presentational mode: the history, oldest first (`time` in epoch ms).' },
  },
  args: { status: 'running', points: 10, chartHeight: '180px', projectId: '', metrics: generated() },
  render: ({ status, points, chartHeight, projectId, metrics }) =>
    html`<div style="max-width: 760px">
      <live-metrics-chart
        status=${status || nothing}
        points=${points}
        project-id=${projectId || nothing}
        style="--chart-height: ${chartHeight}"
        .metrics=${metrics}
      ></live-metrics-chart>
    </div>`,
};
export default meta;

type Story = StoryObj<Args>;

/** Presentational: a generated series of 30 points, of which the latest 10 are drawn. */
export const Running: Story = {};

export const Deploying: Story = { args: { status: 'deploying' } };

export const Stopped: Story = { args: { status: 'stopped' } };

export const Inactive: Story = { args: { status: 'inactive' } };

export const ErrorState: Story = { name: 'Error', args: { status: 'error' } };

/** Running, before the first `metrics_updated` arrives. */
export const Waiting: Story = { args: { metrics: [] } };

/** The last 30 points in a taller chart. */
export const LongerWindow: Story = { args: { points: 30, chartHeight: '260px' } };

/** `theme="dark"` on an ancestor; the canvas colours are resolved from the dark tokens. */
export const Dark: Story = {
  render: ({ points, chartHeight, metrics }) =>
    html`<div theme="dark" style="max-width: 760px; padding: 16px; border-radius: 8px; background: #0d1117">
      <live-metrics-chart status="running" points=${points} style="--chart-height: ${chartHeight}" .metrics=${metrics}></live-metrics-chart>
      <live-metrics-chart status="stopped" style="margin-top: 16px"></live-metrics-chart>
    </div>`,
};

/** Spanish labels and number formats, from the nearest `lang`. */
export const Spanish: Story = {
  render: ({ points, metrics }) =>
    html`<div lang="es" style="max-width: 760px; display: grid; gap: 16px">
      <live-metrics-chart status="running" points=${points} .metrics=${metrics}></live-metrics-chart>
      <live-metrics-chart status="stopped"></live-metrics-chart>
    </div>`,
};

/** Themed through the local custom properties and `::part`. */
export const Themed: Story = {
  render: ({ metrics }) =>
    html`<style>
        .themed live-metrics-chart {
          --chart-cpu-color: #d1242f;
          --chart-memory-color: #1a7f37;
          --card-radius: 4px;
          --chart-height: 140px;
        }
        .themed live-metrics-chart::part(value) {
          font-size: 1.125rem;
        }
      </style>
      <div class="themed" style="max-width: 640px">
        <live-metrics-chart status="running" .metrics=${metrics}></live-metrics-chart>
      </div>`,
};

/**
 * Inside `<sse-provider mock>`, following the bundled mock backend live: API Gateway runs and sends
 * metrics every few seconds; Docs Site is stopped.
 */
export const Live: Story = {
  render: () => html`<sse-provider mock>
    <div style="max-width: 760px; display: grid; gap: 24px; font: 14px system-ui">
      <section>
        <h3 style="margin: 0 0 8px; font-size: 14px; font-weight: 600">API Gateway</h3>
        <live-metrics-chart project-id="api-gateway"></live-metrics-chart>
      </section>
      <section>
        <h3 style="margin: 0 0 8px; font-size: 14px; font-weight: 600">Docs Site</h3>
        <live-metrics-chart project-id="docs-site"></live-metrics-chart>
      </section>
    </div>
  </sse-provider>`,
};
