import { html, nothing } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../src/sse-provider/define.js';
import '../src/live-status-alert/define.js';

interface Args {
  status: string;
  reason: string;
  inactiveTime: string;
  errorMessage: string;
  step: string;
  progress: number | undefined;
  projectId: string;
}

const meta: Meta<Args> = {
  title: 'Elements/live-status-alert',
  component: 'live-status-alert',
  tags: ['autodocs'],
  argTypes: {
    status: {
      control: 'select',
      options: ['inactive', 'error', 'deploying', 'running', 'stopped', ''],
      description: 'inactive, error and deploying show an alert; anything else shows nothing.',
    },
    reason: { control: 'text', description: 'Why the container was paused (inactive).' },
    inactiveTime: { control: 'text', description: 'How long it had been idle: a display string (`30m`) or seconds (`1800`).' },
    errorMessage: { control: 'text', description: 'The last error (error).' },
    step: { control: 'text', description: 'The current deployment step (deploying).' },
    progress: { control: { type: 'range', min: 0, max: 100, step: 1 }, description: 'Deployment progress 0–100 (deploying).' },
    projectId: { control: 'text', description: 'The project followed in the nearest `<sse-provider>`.' },
  },
  args: { status: 'inactive', reason: '', inactiveTime: '', errorMessage: '', step: '', progress: undefined, projectId: '' },
  render: (args) =>
    html`<live-status-alert
      status=${args.status || nothing}
      reason=${args.reason || nothing}
      inactive-time=${args.inactiveTime || nothing}
      error-message=${args.errorMessage || nothing}
      step=${args.step || nothing}
      progress=${args.progress ?? nothing}
      project-id=${args.projectId || nothing}
    ></live-status-alert>`,
};
export default meta;

type Story = StoryObj<Args>;

/** Paused for inactivity (`auto_shutdown`): a polite yellow notice. */
export const Inactive: Story = {
  args: { status: 'inactive', reason: 'No requests received in the last 30 minutes', inactiveTime: '30m' },
};

/** An inactive time in seconds is written out with `Intl` in the page's language. */
export const InactiveSeconds: Story = { args: { status: 'inactive', reason: 'Idle', inactiveTime: '5400' } };

/** The last error: a red `role="alert"`. */
export const ErrorState: Story = {
  name: 'Error',
  args: { status: 'error', errorMessage: 'Health check failed: GET /healthz returned 503 after 3 attempts' },
};

/** An error with no message known: a generic sentence. */
export const ErrorWithoutMessage: Story = { args: { status: 'error' } };

/** The current step and a striped progress bar (stripes stop under reduced motion). */
export const Deploying: Story = { args: { status: 'deploying', step: 'Building image', progress: 45 } };

/** Deploying with no progress yet: an indeterminate bar. */
export const DeployingIndeterminate: Story = { args: { status: 'deploying' } };

/** Running, stopped and unknown show nothing and take no space. */
/** Stale: the stream is down, so the alert may no longer be true, and a line says so. */
export const Stale: Story = {
  render: () => html`<live-status-alert status="deploying" step="Building image" progress="45" stale></live-status-alert>`,
};

export const Running: Story = { args: { status: 'running' } };

/** Every state in English and Spanish, light and dark. */
export const AllStates: Story = {
  parameters: { controls: { disable: true } },
  render: () => {
    const column = (lang: string) => html`<div lang=${lang} style="display:grid;gap:10px">
      <live-status-alert status="inactive" reason="No requests received in the last 30 minutes" inactive-time="30m"></live-status-alert>
      <live-status-alert status="error" error-message="Container exited with code 137 (out of memory)"></live-status-alert>
      <live-status-alert status="deploying" step="Running tests" progress="62"></live-status-alert>
    </div>`;
    const panel = (theme: string) => html`<div
      theme=${theme}
      style="display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px;padding:16px;border-radius:8px;background:${theme === 'dark' ? '#0d1117' : '#fff'}"
    >
      ${column('en')} ${column('es')}
    </div>`;
    return html`<div style="display:grid;gap:12px">${panel('light')} ${panel('dark')}</div>`;
  },
};

/** Themed through local custom properties and `::part`. */
export const Themed: Story = {
  parameters: { controls: { disable: true } },
  render: () => html`<style>
      .themed live-status-alert {
        --alert-radius: 2px;
        --alert-accent-width: 6px;
        --alert-deploying-color: #8250df;
      }
      .themed live-status-alert::part(title) {
        text-transform: uppercase;
        letter-spacing: 0.04em;
        font-size: 0.8em;
      }
    </style>
    <div class="themed" style="display:grid;gap:10px">
      <live-status-alert status="deploying" step="Pushing image" progress="80"></live-status-alert>
      <live-status-alert status="error" error-message="Build failed"></live-status-alert>
    </div>`,
};

/**
 * Alerts inside `<sse-provider mock>`, following the bundled mock backend: Payments Service is
 * deploying, Legacy Cron is inactive, ML Worker is in error, and Web Frontend is shut down for
 * inactivity about 30 s after the stream opens.
 */
export const Live: Story = {
  parameters: { controls: { disable: true } },
  render: () => html`<sse-provider mock>
    <div style="display:grid;gap:12px">
      ${[
        ['payments-service', 'Payments Service'],
        ['web-frontend', 'Web Frontend'],
        ['legacy-cron', 'Legacy Cron'],
        ['ml-worker', 'ML Worker'],
        ['api-gateway', 'API Gateway (running: no alert)'],
      ].map(
        ([id, name]) => html`<section style="display:grid;gap:6px">
          <strong style="font-size:13px">${name}</strong>
          <live-status-alert project-id=${id}></live-status-alert>
        </section>`,
      )}
    </div>
  </sse-provider>`,
};
