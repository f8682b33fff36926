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
  sound: boolean;
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
    desktopNotifications: { control: 'boolean', description: 'Desktop notifications for important events while the page does not have focus.' },
    sound: { control: 'boolean', description: 'A short tone for important events, with a mute toggle.' },
  },
  args: { position: 'inline', duration: 5000, max: 5, desktopNotifications: false, sound: false },
  render: (args) => html`<live-toast-region
    position=${args.position}
    duration=${args.duration}
    max=${args.max}
    ?desktop-notifications=${args.desktopNotifications}
    ?sound=${args.sound}
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
      <live-toast-region
        position=${args.position}
        duration=${args.duration}
        max=${args.max}
        ?desktop-notifications=${args.desktopNotifications}
        ?sound=${args.sound}
      ></live-toast-region>
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

let storyProject = 0;

/** What the stream would say, as the events an `<sse-provider>` fires (the region listens to the document here). */
function fire(target: EventTarget, kind: 'failed' | 'succeeded' | 'action-error' | 'auto-shutdown') {
  const send = (type: string, detail: object) => target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  const projectId = `story-${++storyProject}`;
  if (kind === 'failed' || kind === 'succeeded') send('container-status-changed', { projectId, oldStatus: 'deploying', newStatus: kind === 'failed' ? 'error' : 'running' });
  else if (kind === 'action-error') send('action-error', { projectId: 'web-frontend', action: 'start', status: 500, message: 'Internal Server Error' });
  else send('auto-shutdown', { projectId: 'web-frontend', reason: 'No requests received in the last 30 minutes', inactiveTime: '30m' });
}

/**
 * `sound`: a short synthesised tone for errors and auto-shutdowns, a rising one for a deployment
 * that succeeded, at most one a second. The region shows a mute toggle (remembered in
 * `localStorage`). Browsers allow audio only after a user gesture on the page: the first click on a
 * button below is one. A cancelable `sound` event comes first; the log below lists them.
 */
export const Sound: Story = {
  parameters: { controls: { disable: true }, docs: { story: { inline: false, height: '460px' } } },
  render: () => {
    const log = (event: Event) => {
      const detail = (event as CustomEvent).detail;
      const list = (event.currentTarget as HTMLElement).closest('.sound-story')!.querySelector('ol')!;
      list.insertAdjacentHTML('afterbegin', '<li></li>');
      list.firstElementChild!.textContent = `sound: ${detail.kind} (${detail.reason})`;
    };
    return html`<div class="sound-story" style="display:grid;gap:12px;max-width:560px">
      <div style="display:flex;gap:8px;flex-wrap:wrap">
        <button @click=${(e: Event) => fire(e.currentTarget!, 'failed')}>Fire an error (deployment failed)</button>
        <button @click=${(e: Event) => fire(e.currentTarget!, 'auto-shutdown')}>Fire an auto-shutdown</button>
        <button @click=${(e: Event) => fire(e.currentTarget!, 'succeeded')}>Fire a deployment that succeeded</button>
        <button
          @click=${(e: Event) => {
            for (let i = 0; i < 20; i++) fire(e.currentTarget!, 'action-error');
          }}
        >
          Fire 20 errors at once (one tone)
        </button>
      </div>
      <ol style="margin:0;font:13px/1.5 ui-monospace,monospace"></ol>
      <live-toast-region position="inline" sound @sound=${log}></live-toast-region>
    </div>`;
  },
};

/**
 * The alerts recipe: one button turns on sound and desktop notifications together, and asks for
 * the notifications permission on that click only. Notifications show only while the page does not
 * have focus (a toast is enough when it does): use "Fire an error in 5 s" and switch to another
 * window. A click on a notification focuses the tab and fires `notification-click`.
 */
export const AlertsRecipe: Story = {
  name: 'Alerts (sound and desktop notifications)',
  parameters: { controls: { disable: true }, docs: { story: { inline: false, height: '460px' } } },
  render: () => {
    const story = (event: Event) => (event.currentTarget as HTMLElement).closest('.alerts-story')!;
    const toggle = async (event: Event) => {
      const button = event.currentTarget as HTMLButtonElement;
      const region = story(event).querySelector('live-toast-region')!;
      const on = button.getAttribute('aria-pressed') !== 'true';
      region.sound = on;
      region.desktopNotifications = on;
      button.setAttribute('aria-pressed', String(on));
      const permission = on ? await region.requestPermission() : undefined;
      button.textContent = !on ? 'Alerts: off' : permission === 'denied' ? 'Alerts: on (notifications blocked by the browser)' : 'Alerts: on';
    };
    const later = (event: Event) => {
      const target = event.currentTarget!;
      setTimeout(() => fire(target, 'failed'), 5000);
    };
    const clicked = (event: Event) => {
      const detail = (event as CustomEvent).detail;
      story(event).querySelector('output')!.textContent = `notification-click: ${detail.projectId ?? '(no project)'}`;
    };
    return html`<div class="alerts-story" style="display:grid;gap:12px;max-width:560px">
      <div style="display:flex;gap:8px;flex-wrap:wrap">
        <button type="button" aria-pressed="false" @click=${toggle}>Alerts: off</button>
        <button type="button" @click=${(e: Event) => fire(e.currentTarget!, 'failed')}>Fire an error</button>
        <button type="button" @click=${later}>Fire an error in 5 s</button>
      </div>
      <output style="font:13px ui-monospace,monospace"></output>
      <live-toast-region position="inline" @notification-click=${clicked}></live-toast-region>
    </div>`;
  },
};
