import { html, nothing } from 'lit';
import { ref } from 'lit/directives/ref.js';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../src/sse-provider/define.js';
import '../src/live-logs-viewer/define.js';
import type { LogLevel } from '../src/core/protocol.js';
import type { LogEntryInput } from '../src/live-logs-viewer/live-logs-viewer.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';

interface Args {
  projectId: string;
  wrap: boolean;
  hideTimestamps: boolean;
  filter: string;
  levels: LogLevel[];
  streamingTimeout: number;
  entries: LogEntryInput[];
}

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

const DEPLOYMENT: [LogLevel, string][] = [
  ['info', 'Cloning repository github.com/acme/web-shop (branch main, 3f9c2e1)'],
  ['info', 'Installing dependencies with npm ci'],
  ['warning', 'npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory. Do not use it.'],
  ['info', 'Building: vite build --mode production'],
  ['info', '1,284 modules transformed.'],
  ['success', 'Build finished in 41.2s'],
  ['info', 'Pushing image registry.clouddeploy.dev/acme/web-shop:2.4.1'],
  ['info', 'Starting container web-shop-7f9c (1 vCPU, 512 MB)'],
  ['error', 'Health check failed: GET /healthz returned 503 Service Unavailable after 30s'],
  ['warning', 'Retrying health check (attempt 2 of 3)'],
  ['success', 'Container is healthy and serving traffic on https://web-shop.clouddeploy.app'],
];

/** A deployment's log, repeated `count` times over. */
function deployment(count = 30, projects?: string[]): LogEntryInput[] {
  return Array.from({ length: count }, (_, i) => {
    const [level, message] = DEPLOYMENT[i % DEPLOYMENT.length];
    const entry: LogEntryInput = { timestamp: T0 + i * 1370, level, message };
    if (projects) entry.projectId = projects[i % projects.length];
    return entry;
  });
}

/** `count` generated lines of about 80 characters. */
function large(count: number): LogEntryInput[] {
  const levels: LogLevel[] = ['info', 'info', 'info', 'success', 'warning', 'error'];
  const words = 'request served cache miss upstream latency worker queued job retry connection pool'.split(' ');
  const out = new Array<LogEntryInput>(count);
  for (let i = 0; i < count; i++) {
    let message = `#${i} `;
    for (let w = 0; message.length < 80; w++) message += words[(i * 7 + w * 3) % words.length] + ' ';
    out[i] = { timestamp: T0 + i * 37, level: levels[i % levels.length], message: message.trimEnd() };
  }
  return out;
}

const ANSI_LINES: LogEntryInput[] = [
  { timestamp: T0, level: 'info', message: '\x1b[36m>\x1b[0m web-shop@2.4.1 build \x1b[2m/app\x1b[0m' },
  { timestamp: T0 + 400, level: 'info', message: '\x1b[1mvite\x1b[0m v5.4.2 \x1b[32mbuilding for production...\x1b[0m' },
  { timestamp: T0 + 900, level: 'success', message: '\x1b[32m✓\x1b[0m 1284 modules transformed.' },
  { timestamp: T0 + 1200, level: 'info', message: 'dist/\x1b[2massets/\x1b[0m\x1b[36mindex-4f1c.js\x1b[0m   \x1b[1m\x1b[33m812.40 kB\x1b[0m' },
  { timestamp: T0 + 1500, level: 'warning', message: '\x1b[33m(!) Some chunks are larger than 500 kB after minification.\x1b[0m' },
  { timestamp: T0 + 1800, level: 'error', message: '\x1b[41m\x1b[97m FAIL \x1b[0m \x1b[31mtest/cart.spec.ts\x1b[0m \x1b[4mexpected 3 items, got 2\x1b[0m' },
  { timestamp: T0 + 2100, level: 'info', message: '\x1b[38;5;208m256-colour orange\x1b[0m and \x1b[38;2;120;80;255mtrue-colour violet\x1b[0m map to the palette' },
  { timestamp: T0 + 2400, level: 'info', message: 'Cursor moves and titles are removed:\x1b[2K\x1b[1G\x1b]0;window title\x07 done' },
];

const viewer = (args: Args) =>
  html`<live-logs-viewer
    project-id=${args.projectId || nothing}
    ?wrap=${args.wrap}
    ?hide-timestamps=${args.hideTimestamps}
    filter=${args.filter}
    .levels=${args.levels ?? []}
    streaming-timeout=${args.streamingTimeout}
    .entries=${args.entries}
  ></live-logs-viewer>`;

const meta: Meta<Args> = {
  title: 'Elements/live-logs-viewer',
  component: 'live-logs-viewer',
  tags: ['autodocs'],
  argTypes: {
    projectId: { control: 'text', description: 'The project shown from the nearest `<sse-provider>`; without it, every project.' },
    wrap: { control: 'boolean', description: 'Wrap long lines (rows are measured; the top entry stays put when toggled).' },
    hideTimestamps: { control: 'boolean', description: 'Hide the timestamps (shown by default).' },
    filter: { control: 'text', description: 'Text filter, case-insensitive; matches are highlighted.' },
    levels: {
      control: 'check',
      options: ['info', 'success', 'warning', 'error'],
      description: 'Levels shown (none: all). Entries with no known level always stay visible.',
    },
    streamingTimeout: { control: 'number', description: 'How long the "Streaming" badge stays after the last entry (ms).' },
    entries: { control: 'object', description: 'Presentational entries `{ timestamp, level, message, projectId? }`.' },
  },
  args: { projectId: '', wrap: false, hideTimestamps: false, filter: '', levels: [], streamingTimeout: 2000, entries: deployment() },
  render: (args) => viewer(args),
};
export default meta;

type Story = StoryObj<Args>;

export const Empty: Story = { args: { entries: [] } };

export const WithEntries: Story = {};

/** Levels and text filtered together: matches are highlighted, the counter says "shown of held". */
export const Filtered: Story = { args: { filter: 'health', levels: ['warning', 'error'] } };

export const NoMatch: Story = { args: { filter: 'kubernetes' } };

export const Wrapped: Story = {
  args: { wrap: true },
  render: (args) => html`<div style="max-width: 560px">${viewer(args)}</div>`,
};

export const WithoutTimestamps: Story = { args: { hideTimestamps: true } };

/** Without `project-id`, entries from several projects, each tagged with its project. */
export const AllProjects: Story = { args: { entries: deployment(40, ['web-shop', 'api-gateway', 'payments']) } };

/** 100,000 generated entries: only the rows in view exist in the DOM. */
export const LargeLog: Story = {
  args: { entries: large(100_000) },
  argTypes: { entries: { control: false } },
};

export const ANSI: Story = { args: { entries: ANSI_LINES } };

export const Dark: Story = {
  render: (args) =>
    html`<div theme="dark" style="padding: 16px; background: #0d1117; border-radius: 8px">${viewer({ ...args, entries: [...deployment(), ...ANSI_LINES] })}</div>`,
};

export const Spanish: Story = {
  render: (args) => html`<div lang="es">${viewer(args)}</div>`,
};

/** One project's log and the all-projects view, inside `<sse-provider mock>`, following the mock backend live. */
export const Live: Story = {
  render: () => html`<sse-provider mock>
    <div style="display: grid; gap: 16px">
      <live-logs-viewer project-id="payments-service" style="--logs-height: 240px"></live-logs-viewer>
      <live-logs-viewer style="--logs-height: 240px"></live-logs-viewer>
    </div>
  </sse-provider>`,
};

/**
 * A page opened after a deployment failed: the lines the server kept come first, marked as history
 * (a dotted edge, a note below), then live ones; an earlier, successful deployment is in the picker.
 */
export const History: Story = {
  argTypes: { entries: { control: false } },
  render: () => {
    const fill = (element: Element | undefined) => {
      const provider = element as SseProvider | undefined;
      if (!provider || provider.dataset.filled) return;
      provider.dataset.filled = 'true';
      const at = (second: number) => new Date(T0 + second * 1000).toISOString();
      const lines = DEPLOYMENT.slice(0, 5).map(([level, message], i) => ({ id: `h${i}`, level, message, timestamp: at(-300 + i * 20) }));
      lines.push({ id: 'h9', level: 'error', message: 'npm ERR! missing script: build', timestamp: at(-180) });
      const store = provider.store;
      store.apply({ type: 'container_status_changed', data: { projectId: 'web-shop', newStatus: 'error', timestamp: at(-180) } });
      store.apply({
        type: 'backfill',
        data: {
          projectId: 'web-shop',
          metrics: [],
          deployments: [
            { id: 'd1', startedAt: at(-7200), endedAt: at(-7000), outcome: 'succeeded', dropped: 0, lines: [{ id: 'o1', level: 'success', message: 'Deployed 2.4.0', timestamp: at(-7000) }] },
            { id: 'd2', startedAt: at(-300), endedAt: at(-180), outcome: 'failed', dropped: 0, lines },
          ],
        },
      });
      store.apply({ type: 'deployment_progress', data: { projectId: 'web-shop', level: 'info', message: 'Crash report uploaded', timestamp: at(5) } });
    };
    return html`<sse-provider ${ref(fill)}><live-logs-viewer project-id="web-shop" style="--logs-height: 240px"></live-logs-viewer></sse-provider>`;
  },
};

/**
 * 100,000 held entries while 5,000 entries a second arrive through a provider's store: the view
 * follows the tail at frame rate. Scroll up to stop following; the jump button counts what arrives.
 */
export const Firehose: Story = {
  argTypes: { entries: { control: false } },
  render: (args) => {
    const start = (element: Element | undefined) => {
      const provider = element as SseProvider | undefined;
      if (!provider || provider.dataset.running) return;
      provider.dataset.running = 'true';
      const store = provider.store;
      const lines = large(1000);
      let n = 0;
      const push = () => {
        const line = lines[n % lines.length];
        n++;
        store.apply({
          type: 'deployment_progress',
          data: { projectId: 'firehose', level: line.level as LogLevel, message: line.message.replace(/^#\d+/, `#${n}`), timestamp: new Date(T0 + n).toISOString() },
        });
      };
      // Once the provider has applied `log-limit` to its store.
      void provider.updateComplete.then(() => {
        for (let i = 0; i < 100_000; i++) push();
        let last = performance.now();
        const tick = (now: number) => {
          if (!provider.isConnected) return;
          const due = Math.min(500, Math.floor(((now - last) * 5000) / 1000));
          if (due > 0) last = now;
          for (let i = 0; i < due; i++) push();
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
    };
    return html`<sse-provider log-limit="100000" ${ref(start)}>
      <live-logs-viewer project-id="firehose" ?wrap=${args.wrap} ?hide-timestamps=${args.hideTimestamps} filter=${args.filter} .levels=${args.levels ?? []}></live-logs-viewer>
    </sse-provider>`;
  },
};

/** Themed through the local custom properties and `::part`. */
export const Themed: Story = {
  render: (args) => html`<style>
      .themed live-logs-viewer {
        --logs-height: 260px;
        --logs-radius: 2px;
        --logs-font-size: 13px;
        --logs-line-height: 22px;
        --logs-surface: #fbfaf7;
        --logs-level-info: #005f73;
      }
      .themed live-logs-viewer::part(toolbar) {
        background: #f1eee6;
      }
    </style>
    <div class="themed">${viewer(args)}</div>`,
};
