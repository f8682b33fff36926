import { html, nothing } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../src/sse-provider/define.js';
import '../src/live-container-actions/define.js';
import '../src/live-status-alert/define.js';
import '../src/live-toast-region/define.js';
import '../src/sse-indicator/define.js';
import { MockBackend } from '../src/mock/index.js';

interface Args {
  status: string;
  url: string;
  deletable: boolean;
  projectId: string;
  apiBase: string;
  timeout: number;
}

/**
 * In presentational stories the host handles every action itself: it cancels `container-action`
 * and shows what it received, so nothing is sent anywhere.
 */
function handled(event: CustomEvent) {
  event.preventDefault();
  const output = (event.currentTarget as HTMLElement).parentElement!.querySelector('output')!;
  output.textContent = `container-action ${JSON.stringify(event.detail)}`;
}

const meta: Meta<Args> = {
  title: 'Elements/live-container-actions',
  component: 'live-container-actions',
  tags: ['autodocs'],
  argTypes: {
    status: {
      control: 'select',
      options: ['running', 'stopped', 'inactive', 'error', 'deploying', ''],
      description: 'The status whose buttons are shown (presentational mode).',
    },
    url: { control: 'text', description: 'The project URL opened by Open (http or https).' },
    deletable: { control: 'boolean', description: 'Shows Delete, with an inline confirmation.' },
    projectId: { control: 'text', description: 'The project acted on.' },
    apiBase: { control: 'text', description: 'Base of the REST endpoints; when set, requests use `fetch` directly.' },
    timeout: { control: 'number', description: 'Milliseconds to wait for an answer.' },
  },
  args: { status: 'running', url: 'https://api-gateway.clouddeploy.app', deletable: false, projectId: 'api-gateway', apiBase: '', timeout: 30000 },
  render: (args) => html`<div style="display:grid;gap:10px">
    <live-container-actions
      status=${args.status || nothing}
      url=${args.url || nothing}
      ?deletable=${args.deletable}
      project-id=${args.projectId || nothing}
      api-base=${args.apiBase || nothing}
      timeout=${args.timeout}
      @container-action=${handled}
    ></live-container-actions>
    <output style="font:12px ui-monospace,monospace;opacity:.75"></output>
  </div>`,
};
export default meta;

type Story = StoryObj<Args>;

export const Running: Story = { args: { status: 'running' } };
export const Stopped: Story = { args: { status: 'stopped' } };
export const Inactive: Story = { args: { status: 'inactive' } };
export const ErrorState: Story = { name: 'Error', args: { status: 'error' } };
/** No buttons while deploying: a spinner and "Deploying…". */
export const Deploying: Story = { args: { status: 'deploying' } };
/** Delete asks first, in place: Cancel has focus, Escape backs out. */
export const Deletable: Story = { args: { status: 'stopped', deletable: true } };
/** Without a URL there is no Open. */
export const RunningWithoutUrl: Story = { args: { status: 'running', url: '' } };

/** Every status in English and Spanish, light and dark. */
export const AllStatuses: Story = {
  parameters: { controls: { disable: true } },
  render: () => {
    const column = (lang: string) => html`<div lang=${lang} style="display:grid;gap:10px">
      ${['running', 'stopped', 'inactive', 'error', 'deploying'].map(
        (status) =>
          html`<live-container-actions
            project-id="web"
            status=${status}
            url="https://web.clouddeploy.app"
            ?deletable=${status === 'stopped'}
            @container-action=${(event: Event) => event.preventDefault()}
          ></live-container-actions>`,
      )}
    </div>`;
    const panel = (theme: string) => html`<div
      theme=${theme}
      style="display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:16px;padding:16px;border-radius:8px;background:${theme === 'dark' ? '#0d1117' : '#fff'}"
    >
      ${column('en')} ${column('es')}
    </div>`;
    return html`<div style="display:grid;gap:12px">${panel('light')} ${panel('dark')}</div>`;
  },
};

/**
 * Against the bundled mock backend: every click goes to the mock's REST API, the stream reports the
 * new status, and the buttons follow. Results appear as toasts. Start Docs Site to watch a deployment;
 * ML Worker's first retry fails its health check.
 */
export const Live: Story = {
  parameters: { controls: { disable: true }, docs: { story: { inline: false, height: '560px' } } },
  render: () => html`<sse-provider mock>
    <table style="border-collapse:collapse;width:100%;font-size:14px">
      <tbody>
        ${[
          ['api-gateway', 'API Gateway'],
          ['web-frontend', 'Web Frontend'],
          ['payments-service', 'Payments Service'],
          ['docs-site', 'Docs Site'],
          ['legacy-cron', 'Legacy Cron'],
          ['ml-worker', 'ML Worker'],
        ].map(
          ([id, name]) => html`<tr style="border-bottom:1px solid color-mix(in srgb, currentColor 15%, transparent)">
            <th scope="row" style="text-align:start;padding:10px 12px 10px 0;font-weight:600;white-space:nowrap">${name}</th>
            <td style="padding:10px 0;width:100%">
              <live-container-actions project-id=${id} deletable></live-container-actions>
              <live-status-alert project-id=${id} style="margin-top:8px"></live-status-alert>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>
    <live-toast-region></live-toast-region>
  </sse-provider>`,
};

/**
 * Rate-limited: the mock backend allows 3 actions per 15 s, and this story has spent them already.
 * Click any button: the answer is `429` with `Retry-After`, and every button of the provider pauses
 * with a countdown ("Try again in 12 s") until the window resets. The toast shows the error; the
 * indicator marks the quota used up.
 */
export const RateLimited: Story = {
  parameters: { controls: { disable: true }, docs: { story: { inline: false, height: '360px' } } },
  render: () => {
    const backend = new MockBackend({
      rateLimit: { limit: 3, windowMs: 15_000 },
      projects: [
        { projectId: 'api-gateway', name: 'API Gateway', status: 'running', url: 'https://api-gateway.clouddeploy.app' },
        { projectId: 'docs-site', name: 'Docs Site', status: 'stopped' },
        { projectId: 'legacy-cron', name: 'Legacy Cron', status: 'inactive', reason: 'No requests received in the last 30 minutes', inactiveTime: '30m' },
      ],
    });
    // Three requests no project notices (unknown ids): the quota is spent when the story shows.
    for (let i = 0; i < 3; i++) void backend.request('POST', '/containers/none/stop');
    return html`<sse-provider .mockBackend=${backend}>
      <div style="display:grid;gap:12px">
        <sse-indicator></sse-indicator>
        ${['api-gateway', 'docs-site', 'legacy-cron'].map((id) => html`<live-container-actions project-id=${id}></live-container-actions>`)}
      </div>
      <live-toast-region></live-toast-region>
    </sse-provider>`;
  },
};
