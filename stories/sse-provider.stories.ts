import { html, nothing } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../src/sse-provider/define.js';
import '../src/sse-indicator/define.js';
import '../src/live-status-badge/define.js';

interface Args {
  url: string;
  mock: boolean;
  reconnectMin: number;
  reconnectMax: number;
  staleTimeout: number;
}

const PROJECTS = ['api-gateway', 'web-frontend', 'payments-service', 'docs-site'];

/** The provider draws nothing: the story shows what it drives, and the last event it dispatched. */
function lastEvent(event: HTMLElementEventMap['container-status-changed']): void {
  const output = (event.currentTarget as HTMLElement).querySelector('output');
  if (output) output.textContent = `container-status-changed: ${event.detail.projectId} ${event.detail.oldStatus ?? '—'} → ${event.detail.newStatus}`;
}

const meta: Meta<Args> = {
  title: 'Elements/sse-provider',
  component: 'sse-provider',
  tags: ['autodocs'],
  parameters: {
    docs: {
      description: {
        component:
          'Holds one connection for every live element inside it and dispatches the stream as DOM events. Here it runs on the bundled mock backend (`mock`): the indicator and the badges follow it live.',
      },
    },
  },
  argTypes: {
    url: { control: 'text', description: 'The SSE endpoint (ignored while `mock` is set).' },
    mock: { control: 'boolean', description: 'Use the bundled mock backend instead of the network.' },
    reconnectMin: { control: 'number', description: 'The smallest reconnect delay, in ms.' },
    reconnectMax: { control: 'number', description: 'The largest reconnect delay, in ms.' },
    staleTimeout: { control: 'number', description: 'No message or heartbeat for this many ms reopens the stream; 0 = off.' },
  },
  args: { url: '/api/containers/events', mock: true, reconnectMin: 1000, reconnectMax: 30000, staleTimeout: 0 },
  render: ({ url, mock, reconnectMin, reconnectMax, staleTimeout }) =>
    html`<sse-provider
      url=${url || nothing}
      ?mock=${mock}
      reconnect-min=${reconnectMin}
      reconnect-max=${reconnectMax}
      stale-timeout=${staleTimeout}
      @container-status-changed=${lastEvent}
    >
      <div style="display:grid;gap:12px;min-height:200px;align-content:start">
        <sse-indicator></sse-indicator>
        <ul style="display:grid;gap:8px;margin:0;padding:0;list-style:none">
          ${PROJECTS.map(
            (id) => html`<li style="display:flex;gap:12px;align-items:center">
              <code style="min-width:12em">${id}</code><live-status-badge project-id=${id}></live-status-badge>
            </li>`,
          )}
        </ul>
        <output style="font:12px ui-monospace,monospace;opacity:.8">Waiting for a status change…</output>
      </div>
    </sse-provider>`,
};
export default meta;

type Story = StoryObj<Args>;

/** On the mock backend: statuses change on their own, and the indicator shows the connection. */
export const Live: Story = {};

/** An endpoint that does not answer: the indicator shows the reconnect backoff. */
export const Unreachable: Story = { args: { mock: false, url: '/no-such-stream', reconnectMin: 2000, reconnectMax: 8000 } };
