import { html, nothing } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../src/sse-provider/define.js';
import '../src/sse-indicator/define.js';
import '../src/live-container-actions/define.js';
import '../src/live-toast-region/define.js';
import type { IndicatorRateLimit, IndicatorStats } from '../src/sse-indicator/sse-indicator.js';
import { MockBackend } from '../src/mock/index.js';

interface Args {
  state: string;
  closedReason: string;
  url: string;
  open: boolean;
  stats: IndicatorStats | undefined;
  rateLimit: IndicatorRateLimit | undefined;
}

const sampleStats: IndicatorStats = { received: 18432, applied: 18390, rejected: 3, ignored: 12, duplicates: 27, reconnects: 2, dropped: 0 };

const meta: Meta<Args> = {
  title: 'Elements/sse-indicator',
  component: 'sse-indicator',
  tags: ['autodocs'],
  argTypes: {
    state: { control: 'select', options: ['connecting', 'open', 'closed'], description: 'The connection state.' },
    closedReason: {
      control: 'select',
      options: ['retrying', 'disconnected', 'unauthorized'],
      description: 'Why a `closed` connection is closed.',
    },
    url: { control: 'text', description: 'The endpoint shown as `GET <url>`.' },
    open: { control: 'boolean', description: 'Whether the popover is open.' },
    stats: { control: 'object', description: 'The counters listed in the popover (presentational mode).' },
    rateLimit: { control: 'object', description: 'The last rate-limit figures (`limit`, `remaining`, `reset` epoch ms, `policy`, `source`).' },
  },
  args: { state: 'open', closedReason: 'retrying', url: '/api/containers/events', open: false, stats: sampleStats, rateLimit: undefined },
  render: ({ state, closedReason, url, open, stats, rateLimit }) =>
    html`<div style="min-height:${open ? '460px' : '0'}">
      <sse-indicator state=${state} closed-reason=${closedReason} url=${url || nothing} ?open=${open} .stats=${stats} .rateLimit=${rateLimit}></sse-indicator>
    </div>`,
};

/** Figures as an action's answer gives them, resetting a minute after the story loads. */
const quota = (remaining: number, limit = 10): IndicatorRateLimit => ({ limit, remaining, reset: Date.now() + 60_000, policy: 'actions', source: 'action' });
export default meta;

type Story = StoryObj<Args>;

export const Connecting: Story = { args: { state: 'connecting', stats: { ...sampleStats, received: 0, applied: 0, rejected: 0, ignored: 0, duplicates: 0 } } };
export const Connected: Story = { args: { state: 'open' } };
export const Reconnecting: Story = { args: { state: 'closed', closedReason: 'retrying' } };
export const Disconnected: Story = { args: { state: 'closed', closedReason: 'disconnected' } };
export const Unauthorized: Story = { args: { state: 'closed', closedReason: 'unauthorized' } };
/** The popover with the endpoint, the event types and the counters. */
export const PopoverOpen: Story = { args: { state: 'open', open: true } };
/** The same in Spanish. */
export const Spanish: Story = {
  args: { state: 'open', open: true },
  decorators: [(story) => html`<div lang="es">${story()}</div>`],
};

/**
 * Near the bottom right corner of a phone-sized screen (320 px): the popover opens over the button,
 * slid left to stay in view, and scrolls if it is taller than the room there. Counters far larger
 * than a day's fill fewer to a row rather than breaking across lines.
 */
export const NarrowScreenCorner: Story = {
  args: {
    state: 'open',
    open: true,
    stats: { received: 1234567890, applied: 1234560000, rejected: 45678, ignored: 901234, duplicates: 4567, reconnects: 12, dropped: 9876543 },
  },
  globals: { viewport: { value: 'mobile1', isRotated: false } },
  render: ({ state, closedReason, url, open, stats }) =>
    html`<div style="position:fixed;right:4px;bottom:4px">
      <sse-indicator state=${state} closed-reason=${closedReason} url=${url || nothing} ?open=${open} .stats=${stats}></sse-indicator>
    </div>`,
};

/** Plenty of the rate limit left: nothing on the button; the popover shows the figures. */
export const QuotaPlenty: Story = { args: { state: 'open', open: true, rateLimit: quota(7) } };
/** A tenth or less left: a marker on the button ("1/10", said as "Rate limit: 1 of 10 left"), without opening the popover. */
export const QuotaNearExhaustion: Story = { args: { state: 'open', rateLimit: quota(1) } };
/** Used up: the marker in the error colour, until the window resets. */
export const QuotaExhausted: Story = { args: { state: 'open', rateLimit: quota(0) } };
/** The three quota states side by side, in English and Spanish, light and dark. */
export const QuotaStates: Story = {
  parameters: { controls: { disable: true } },
  render: () => {
    const row = (lang: string) => html`<div lang=${lang} style="display:flex;flex-wrap:wrap;gap:8px">
      ${[7, 1, 0].map((remaining) => html`<sse-indicator state="open" url="/api/containers/events" .rateLimit=${quota(remaining)}></sse-indicator>`)}
    </div>`;
    const panel = (theme: string) => html`<div theme=${theme} style="display:grid;gap:10px;padding:16px;border-radius:8px;background:${theme === 'dark' ? '#0d1117' : '#fff'}">
      ${row('en')} ${row('es')}
    </div>`;
    return html`<div style="display:grid;gap:12px">${panel('light')} ${panel('dark')}</div>`;
  },
};

/**
 * Against a mock backend that allows 5 actions per 20 s: click Stop and Start a few times and watch
 * the marker appear on the indicator as the quota runs low (each action's answer carries the
 * figures, and the stream sends a `rate_limit` event); past the limit the buttons pause with a
 * countdown.
 */
export const LiveRateLimit: Story = {
  parameters: { controls: { disable: true } },
  render: () => {
    const backend = new MockBackend({
      rateLimit: { limit: 5, windowMs: 20_000 },
      projects: [
        { projectId: 'api', name: 'API', status: 'running', url: 'https://api.clouddeploy.app' },
        { projectId: 'docs', name: 'Docs', status: 'stopped' },
      ],
    });
    return html`<sse-provider .mockBackend=${backend}>
      <div style="display:grid;gap:12px;min-height:460px;align-content:start">
        <sse-indicator></sse-indicator>
        <live-container-actions project-id="api"></live-container-actions>
        <live-container-actions project-id="docs"></live-container-actions>
      </div>
      <live-toast-region></live-toast-region>
    </sse-provider>`;
  },
};

/** Inside `<sse-provider mock>`: the state and the counters follow the bundled mock backend live. */
export const Live: Story = {
  render: () => html`<sse-provider mock>
    <div style="display:flex;align-items:center;gap:12px;min-height:460px;align-items:flex-start">
      <sse-indicator></sse-indicator>
    </div>
  </sse-provider>`,
};
