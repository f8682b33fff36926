import { html } from 'lit';
import { ref } from 'lit/directives/ref.js';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import '../src/sse-provider/define.js';
import '../src/live-toast-region/define.js';
import '../src/live-container-actions/define.js';
import '../src/live-status-badge/define.js';
import '../src/live-status-alert/define.js';
import type { LiveToastRegion, ToastOptions } from '../src/live-toast-region/live-toast-region.js';

interface Args {
  position: string;
  duration: number;
  max: number;
  desktopNotifications: boolean;
}

const shown = new WeakSet<Element>();

/** Shows `toasts` once, when the region first renders. */
function withToasts(toasts: ToastOptions[]) {
  return ref((element) => {
    if (!element || shown.has(element)) return;
    shown.add(element);
    for (const toast of toasts) (element as LiveToastRegion).show(toast);
  });
}

const EXAMPLES: ToastOptions[] = [
  { kind: 'success', title: 'SSE connection established', message: 'Live updates are on.', duration: 0 },
  { kind: 'warning', title: 'Container paused due to inactivity', message: 'Web Frontend: No requests received in the last 2 minutes (2m)', duration: 0 },
  { kind: 'success', title: 'Container started', message: 'Docs Site', duration: 0 },
  { kind: 'error', title: 'Could not stop the container', message: 'Docs Site: Project is not running (status: stopped) (HTTP 409)' },
  { kind: 'info', title: 'Maintenance tonight', message: 'The panel is read-only from 02:00 to 02:30 UTC.', duration: 0 },
];

const meta: Meta<Args> = {
  title: 'Elements/live-toast-region',
  component: 'live-toast-region',
  tags: ['autodocs'],
  argTypes: {
    position: {
      control: 'select',
      options: ['bottom-end', 'bottom-start', 'bottom-center', 'top-end', 'top-start', 'top-center', 'inline'],
      description: 'Where the stack sits; `inline` keeps it in the page flow.',
    },
    duration: { control: 'number', description: 'Milliseconds a success or info toast stays (warnings twice that; errors until dismissed).' },
    max: { control: 'number', description: 'Toasts shown at once.' },
    desktopNotifications: { control: 'boolean', description: 'Offer desktop notifications for warnings and errors while the page is hidden.' },
  },
  args: { position: 'inline', duration: 5000, max: 5, desktopNotifications: false },
  render: (args) => html`<live-toast-region
    position=${args.position}
    duration=${args.duration}
    max=${args.max}
    ?desktop-notifications=${args.desktopNotifications}
    ${withToasts(EXAMPLES)}
  ></live-toast-region>`,
};
export default meta;

type Story = StoryObj<Args>;

/** One toast of each kind (kept on screen here). Icons and a hidden kind label, never colour alone. */
export const Kinds: Story = {};

export const Success: Story = {
  parameters: { controls: { disable: true } },
  render: () => html`<live-toast-region position="inline" ${withToasts([{ kind: 'success', title: 'Container started', message: 'API Gateway', duration: 0 }])}></live-toast-region>`,
};

export const Warning: Story = {
  parameters: { controls: { disable: true } },
  render: () =>
    html`<live-toast-region
      position="inline"
      ${withToasts([{ kind: 'warning', title: 'Container paused due to inactivity', message: 'Legacy Cron: No requests received in the last 30 minutes (30m)', duration: 0 }])}
    ></live-toast-region>`,
};

export const ErrorToast: Story = {
  name: 'Error',
  parameters: { controls: { disable: true } },
  render: () =>
    html`<live-toast-region
      position="inline"
      ${withToasts([{ kind: 'error', title: 'Could not start the container', message: 'ML Worker: Failed to fetch' }])}
    ></live-toast-region>`,
};

/** With `desktop-notifications`, warnings and errors offer to enable them (a user gesture asks). */
export const DesktopNotifications: Story = {
  parameters: { controls: { disable: true } },
  render: () =>
    html`<live-toast-region
      position="inline"
      desktop-notifications
      ${withToasts([{ kind: 'warning', title: 'Container paused due to inactivity', message: 'Web Frontend: idle', duration: 0, desktop: true }])}
    ></live-toast-region>`,
};

/** Buttons that call `show()`; the toasts dismiss themselves, pause while hovered or focused. */
export const Playground: Story = {
  parameters: { docs: { story: { inline: false, height: '420px' } } },
  args: { position: 'bottom-end' },
  render: (args) => {
    let count = 0;
    const show = (event: Event, toast: ToastOptions) => {
      const region = (event.currentTarget as HTMLElement).closest('.playground')!.querySelector('live-toast-region')!;
      region.show({ ...toast, message: `${toast.message} #${++count}` });
    };
    return html`<div class="playground" style="display:flex;gap:8px;flex-wrap:wrap">
      <button @click=${(e: Event) => show(e, { kind: 'success', title: 'Container started', message: 'API Gateway' })}>Success</button>
      <button @click=${(e: Event) => show(e, { kind: 'info', title: 'Deployment queued', message: 'Docs Site' })}>Info</button>
      <button @click=${(e: Event) => show(e, { kind: 'warning', title: 'Container paused due to inactivity', message: 'Web Frontend' })}>Warning</button>
      <button @click=${(e: Event) => show(e, { kind: 'error', title: 'Could not stop the container', message: 'HTTP 500' })}>Error</button>
      <live-toast-region position=${args.position} duration=${args.duration} max=${args.max} ?desktop-notifications=${args.desktopNotifications}></live-toast-region>
    </div>`;
  },
};

/**
 * Inside `<sse-provider mock>`: "SSE connection established" on connect, a warning when Web Frontend
 * is paused for inactivity (about 30 s in), and the result of every action clicked.
 */
export const Live: Story = {
  parameters: { controls: { disable: true }, docs: { story: { inline: false, height: '460px' } } },
  render: () => html`<sse-provider mock>
    <div style="display:grid;gap:10px;max-width:520px">
      ${[
        ['docs-site', 'Docs Site'],
        ['api-gateway', 'API Gateway'],
        ['ml-worker', 'ML Worker'],
      ].map(
        ([id, name]) => html`<div style="display:flex;align-items:center;gap:12px;justify-content:space-between">
          <strong style="font-size:14px">${name}</strong>
          <live-container-actions project-id=${id}></live-container-actions>
        </div>`,
      )}
    </div>
    <live-toast-region desktop-notifications></live-toast-region>
  </sse-provider>`,
};

/**
 * A project's details page: `announce="status"` says each status change and deployment step in a few
 * words, and the outcome toast follows from the stream alone ("Deployment succeeded", or "Deployment
 * failed" with the last error line). Click Start on the stopped project.
 */
export const DeploymentOutcomes: Story = {
  parameters: { controls: { disable: true }, docs: { story: { inline: false, height: '460px' } } },
  render: () => html`<sse-provider mock>
    <div style="display:grid;gap:10px;max-width:560px">
      <div style="display:flex;align-items:center;gap:12px;justify-content:space-between">
        <strong style="font-size:14px">Docs Site</strong>
        <live-status-badge project-id="docs-site"></live-status-badge>
        <live-container-actions project-id="docs-site"></live-container-actions>
      </div>
      <live-status-alert project-id="docs-site"></live-status-alert>
    </div>
    <live-toast-region announce="status"></live-toast-region>
  </sse-provider>`,
};
