import { html, nothing } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../src/sse-provider/define.js';
import '../src/sse-indicator/define.js';
import type { IndicatorStats } from '../src/sse-indicator/sse-indicator.js';

interface Args {
  state: string;
  closedReason: string;
  url: string;
  open: boolean;
  stats: IndicatorStats | undefined;
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
  },
  args: { state: 'open', closedReason: 'retrying', url: '/api/containers/events', open: false, stats: sampleStats },
  render: ({ state, closedReason, url, open, stats }) =>
    html`<div style="min-height:${open ? '460px' : '0'}">
      <sse-indicator state=${state} closed-reason=${closedReason} url=${url || nothing} ?open=${open} .stats=${stats}></sse-indicator>
    </div>`,
};
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

/** Inside `<sse-provider mock>`: the state and the counters follow the bundled mock backend live. */
export const Live: Story = {
  render: () => html`<sse-provider mock>
    <div style="display:flex;align-items:center;gap:12px;min-height:460px;align-items:flex-start">
      <sse-indicator></sse-indicator>
    </div>
  </sse-provider>`,
};
