import { html, nothing } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../src/sse-provider/define.js';
import '../src/live-status-badge/define.js';

interface Args {
  status: string;
  announce: boolean;
  projectId: string;
}

const meta: Meta<Args> = {
  title: 'Elements/live-status-badge',
  component: 'live-status-badge',
  tags: ['autodocs'],
  argTypes: {
    status: {
      control: 'select',
      options: ['running', 'deploying', 'stopped', 'inactive', 'error', ''],
      description: 'The status shown in presentational mode (empty: the neutral "Unknown" state).',
    },
    announce: { control: 'boolean', description: 'Announce status changes politely (a live region). Off by default.' },
    projectId: { control: 'text', description: 'The project shown from the nearest `<sse-provider>`.' },
  },
  args: { status: 'running', announce: false, projectId: '' },
  render: ({ status, announce, projectId }) =>
    html`<live-status-badge status=${status || nothing} ?announce=${announce} project-id=${projectId || nothing}></live-status-badge>`,
};
export default meta;

type Story = StoryObj<Args>;

export const Running: Story = { args: { status: 'running' } };
export const Deploying: Story = { args: { status: 'deploying' } };
export const Stopped: Story = { args: { status: 'stopped' } };
export const Inactive: Story = { args: { status: 'inactive' } };
export const ErrorStatus: Story = { name: 'Error', args: { status: 'error' } };
export const Unknown: Story = { args: { status: '' } };

/** Every status side by side, in English and Spanish, light and dark. */
export const AllStatuses: Story = {
  render: () => {
    const row = (lang: string) =>
      html`<div lang=${lang} style="display:flex;gap:8px;flex-wrap:wrap">
        ${['running', 'deploying', 'stopped', 'inactive', 'error', ''].map(
          (status) => html`<live-status-badge status=${status || nothing}></live-status-badge>`,
        )}
      </div>`;
    const panel = (theme: string) =>
      html`<div theme=${theme} style="display:grid;gap:10px;padding:16px;border-radius:8px;background:${theme === 'dark' ? '#0d1117' : '#fff'}">
        ${row('en')} ${row('es')}
      </div>`;
    return html`<div style="display:grid;gap:12px">${panel('light')} ${panel('dark')}</div>`;
  },
};

/**
 * Stale: the stream is down, so the status may no longer be true. Still and dashed, with "Not live"
 * in its tooltip and for screen readers. Under a provider it is set while the stream is down.
 */
export const Stale: Story = {
  render: () => html`<div style="display:flex;gap:8px;flex-wrap:wrap">
    ${['running', 'deploying', 'stopped', 'inactive', 'error'].map((status) => html`<live-status-badge status=${status} stale></live-status-badge>`)}
  </div>`,
};

/** Themed through the local custom properties and `::part`. */
export const Themed: Story = {
  render: () => html`<style>
      .themed live-status-badge {
        --badge-font-size: 0.875rem;
        --badge-radius: 4px;
        --badge-running-color: #0a7d5a;
      }
      .themed live-status-badge::part(label) {
        text-transform: uppercase;
        letter-spacing: 0.06em;
      }
    </style>
    <div class="themed" style="display:flex;gap:8px">
      <live-status-badge status="running"></live-status-badge>
      <live-status-badge status="error"></live-status-badge>
    </div>`,
};

/** Badges inside `<sse-provider mock>`, following the bundled mock backend live. */
export const Live: Story = {
  render: () => html`<sse-provider mock>
    <table style="border-collapse:collapse;font:14px system-ui">
      <tbody>
        ${[
          ['api-gateway', 'API Gateway'],
          ['web-frontend', 'Web Frontend'],
          ['payments-service', 'Payments Service'],
          ['docs-site', 'Docs Site'],
          ['legacy-cron', 'Legacy Cron'],
          ['ml-worker', 'ML Worker'],
          ['not-a-project', 'Unknown project'],
        ].map(
          ([id, name]) => html`<tr>
            <th scope="row" style="text-align:start;font-weight:500;padding:6px 16px 6px 0">${name}</th>
            <td><live-status-badge project-id=${id}></live-status-badge></td>
          </tr>`,
        )}
      </tbody>
    </table>
  </sse-provider>`,
};
