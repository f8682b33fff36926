import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../src/live-status-alert/define.js';
import '../src/sse-provider/define.js';
import type { LiveStatusAlert } from '../src/live-status-alert/live-status-alert.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import type { ContainerStatus } from '../src/core/protocol.js';
import { nextFrame } from './helpers.js';

const part = (el: HTMLElement, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const text = (el: HTMLElement, name: string) => part(el, name)?.textContent?.replace(/\s+/g, ' ').trim();
const XSS = '<img src=x onerror="window.__alertXss = true">';

/** A provider that never connects: the test drives its store. */
async function inProvider(projectId = 'web') {
  const provider = await fixture<SseProvider>(html`<sse-provider><live-status-alert project-id=${projectId}></live-status-alert></sse-provider>`);
  const el = provider.querySelector('live-status-alert')!;
  return { provider, store: provider.store, el };
}

function setStatus(store: SseProvider['store'], projectId: string, newStatus: ContainerStatus) {
  store.apply({ type: 'container_status_changed', data: { projectId, newStatus, timestamp: '2026-01-01T12:00:00Z' } });
}

async function settle(el: LiveStatusAlert) {
  await nextFrame();
  await el.updateComplete;
}

function expectEmpty(el: LiveStatusAlert, why: string) {
  expect(part(el, 'base') == null, why).to.be.true;
  expect(getComputedStyle(el).display, `${why}: no box`).to.equal('none');
  expect(el.getBoundingClientRect().height, why).to.equal(0);
}

describe('<live-status-alert>', () => {
  describe('presentational mode', () => {
    it('inactive: a yellow notice with the reason and the inactive time', async () => {
      const el = await fixture<LiveStatusAlert>(
        html`<live-status-alert status="inactive" reason="No requests received in the last 30 minutes" inactive-time="30m"></live-status-alert>`,
      );
      const base = part(el, 'base')!;
      expect(base.classList.contains('inactive')).to.be.true;
      expect(text(el, 'title')).to.equal('Container paused due to inactivity');
      expect(text(el, 'message')).to.equal('No requests received in the last 30 minutes');
      expect(text(el, 'detail')).to.equal('Inactive for 30m');
      expect(part(el, 'icon')!.getAttribute('aria-hidden')).to.equal('true');
      expect(part(el, 'icon')!.querySelector('svg') != null, 'an icon, not colour alone').to.be.true;
      expect(getComputedStyle(el).display).to.equal('block');
      expect(part(el, 'progress') == null).to.be.true;
    });

    it('inactive: a time in seconds is written out in the largest unit', async () => {
      const el = await fixture<LiveStatusAlert>(html`<live-status-alert status="inactive" inactive-time="1800"></live-status-alert>`);
      expect(el.inactiveTime).to.equal(1800);
      expect(text(el, 'detail')).to.equal('Inactive for 30 minutes');
      el.inactiveTime = 45;
      await el.updateComplete;
      expect(text(el, 'detail')).to.equal('Inactive for 45 seconds');
      el.inactiveTime = 5400;
      await el.updateComplete;
      expect(text(el, 'detail')).to.equal('Inactive for 1.5 hours');
    });

    it('inactive without details: a generic explanation and no time line', async () => {
      const el = await fixture<LiveStatusAlert>(html`<live-status-alert status="inactive"></live-status-alert>`);
      expect(text(el, 'message')).to.match(/period without requests/);
      expect(part(el, 'detail') == null).to.be.true;
    });

    it('error: a red alert with the last error, or a generic one', async () => {
      const el = await fixture<LiveStatusAlert>(
        html`<live-status-alert status="error" error-message="Container exited with code 137 (out of memory)"></live-status-alert>`,
      );
      const base = part(el, 'base')!;
      expect(base.classList.contains('error')).to.be.true;
      expect(text(el, 'title')).to.equal('Container error');
      expect(text(el, 'message')).to.equal('Container exited with code 137 (out of memory)');
      el.errorMessage = undefined;
      await el.updateComplete;
      expect(text(el, 'message')).to.match(/stopped because of an error/);
    });

    it('deploying: the step and a progress bar with its value and name', async () => {
      const el = await fixture<LiveStatusAlert>(html`<live-status-alert status="deploying" step="Building image" progress="45"></live-status-alert>`);
      expect(text(el, 'title')).to.equal('Deployment in progress');
      expect(text(el, 'message')).to.equal('Building image');
      const bar = part(el, 'progress')!;
      expect(bar.getAttribute('role')).to.equal('progressbar');
      expect(bar.getAttribute('aria-valuenow')).to.equal('45');
      expect(bar.getAttribute('aria-valuemin')).to.equal('0');
      expect(bar.getAttribute('aria-valuemax')).to.equal('100');
      expect(bar.getAttribute('aria-label')).to.equal('Deployment progress');
      expect(bar.getAttribute('aria-valuetext')).to.equal('45%');
      expect(part(el, 'progress-bar')!.style.width).to.equal('45%');
      // The visible percentage is not read twice.
      expect(text(el, 'progress-value')).to.equal('45%');
      expect(part(el, 'progress-value')!.getAttribute('aria-hidden')).to.equal('true');
      expect(part(el, 'spinner') != null).to.be.true;
    });

    it('deploying: progress is clamped to 0–100; without it the bar is indeterminate', async () => {
      const el = await fixture<LiveStatusAlert>(html`<live-status-alert status="deploying" progress="150"></live-status-alert>`);
      expect(part(el, 'progress')!.getAttribute('aria-valuenow')).to.equal('100');
      expect(part(el, 'progress-bar')!.style.width).to.equal('100%');
      el.progress = -3;
      await el.updateComplete;
      expect(part(el, 'progress')!.getAttribute('aria-valuenow')).to.equal('0');
      expect(part(el, 'progress-bar')!.style.width).to.equal('0%');
      el.progress = undefined;
      el.step = undefined;
      await el.updateComplete;
      expect(part(el, 'progress')!.hasAttribute('aria-valuenow')).to.be.false;
      expect(part(el, 'progress-bar')!.style.width, 'the indeterminate bar keeps its stylesheet width').to.equal('');
      expect(part(el, 'progress-value') == null).to.be.true;
      expect(text(el, 'message')).to.equal('Preparing deployment');
    });

    for (const status of ['running', 'stopped', undefined, 'bogus'] as const) {
      it(`renders nothing and takes no space for ${status ?? 'no status'}`, async () => {
        const el = await fixture<LiveStatusAlert>(
          html`<div style="display:flex;flex-direction:column"><live-status-alert status=${status ?? ''} reason="x" step="y"></live-status-alert></div>`,
        ).then((wrapper) => wrapper.querySelector('live-status-alert')!);
        if (status === undefined) el.removeAttribute('status');
        await el.updateComplete;
        expectEmpty(el, String(status));
        el.status = 'error';
        await el.updateComplete;
        expect(part(el, 'base') != null).to.be.true;
        expect(getComputedStyle(el).display).to.equal('block');
      });
    }

    it('renders text from the network as text', async () => {
      (window as { __alertXss?: boolean }).__alertXss = false;
      const el = await fixture<LiveStatusAlert>(html`<live-status-alert status="inactive" reason=${XSS} inactive-time=${XSS}></live-status-alert>`);
      expect(el.shadowRoot!.querySelector('img') == null).to.be.true;
      expect(text(el, 'message')).to.equal(XSS);
      el.status = 'error';
      el.errorMessage = XSS;
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('img') == null).to.be.true;
      el.status = 'deploying';
      el.step = XSS;
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('img') == null).to.be.true;
      expect(text(el, 'message')).to.equal(XSS);
      expect((window as { __alertXss?: boolean }).__alertXss).to.be.false;
    });

    it('is not a live region in any state: it would re-read its whole box on every step (the toast region speaks)', async () => {
      const el = await fixture<LiveStatusAlert>(html`<live-status-alert status="inactive"></live-status-alert>`);
      const live = () => el.shadowRoot!.querySelectorAll('[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]');
      for (const status of ['inactive', 'error', 'deploying'] as const) {
        el.status = status;
        el.step = 'Building';
        await el.updateComplete;
        expect(part(el, 'base')!.classList.contains(status)).to.be.true;
        expect(live(), status).to.have.length(0);
      }
    });
  });

  describe('inside a provider', () => {
    it('follows the store: status, auto_shutdown details, deployment step and progress, last error', async () => {
      const { store, el } = await inProvider('web');
      expectEmpty(el, 'unknown project');

      setStatus(store, 'web', 'running');
      await settle(el);
      expectEmpty(el, 'running');
      expect(el.getAttribute('status')).to.equal('running');

      store.apply({ type: 'auto_shutdown', data: { projectId: 'web', reason: 'Idle for too long', inactiveTime: '15m' } });
      await settle(el);
      expect(el.status).to.equal('inactive');
      expect(text(el, 'message')).to.equal('Idle for too long');
      expect(text(el, 'detail')).to.equal('Inactive for 15m');

      setStatus(store, 'web', 'deploying');
      store.apply({
        type: 'deployment_progress',
        data: { projectId: 'web', message: 'Installing', level: 'info', timestamp: '2026-01-01T12:00:01Z', step: 'Installing dependencies', progress: 30 },
      });
      await settle(el);
      expect(text(el, 'message')).to.equal('Installing dependencies');
      expect(part(el, 'progress')!.getAttribute('aria-valuenow')).to.equal('30');

      store.apply({
        type: 'deployment_progress',
        data: { projectId: 'web', message: 'Health check failed: 503', level: 'error', timestamp: '2026-01-01T12:00:02Z', step: 'Health check', progress: 80 },
      });
      setStatus(store, 'web', 'error');
      await settle(el);
      expect(part(el, 'base')!.classList.contains('error')).to.be.true;
      expect(text(el, 'message')).to.equal('Health check failed: 503');

      setStatus(store, 'web', 'stopped');
      await settle(el);
      expectEmpty(el, 'stopped');
    });

    it('the store wins over the status attribute; attributes fill details the store lacks', async () => {
      const { store, el } = await inProvider('web');
      el.setAttribute('status', 'error');
      el.reason = 'Given by the host';
      await el.updateComplete;
      expectEmpty(el, 'unknown under a provider, whatever the attribute says');

      // A project first seen in a snapshot as inactive has no auto_shutdown details.
      store.applySnapshot({ projects: [{ projectId: 'web', status: 'inactive' }] });
      await settle(el);
      expect(text(el, 'message')).to.equal('Given by the host');
      store.apply({ type: 'auto_shutdown', data: { projectId: 'web', reason: 'From the stream', inactiveTime: 60 } });
      await settle(el);
      expect(text(el, 'message')).to.equal('From the stream');
      expect(text(el, 'detail')).to.equal('Inactive for 1 minute');
    });

    it('a project removed by a snapshot shows nothing, not its last alert', async () => {
      const { store, el } = await inProvider('web');
      setStatus(store, 'web', 'error');
      await settle(el);
      expect(part(el, 'base') != null).to.be.true;
      store.applySnapshot({ projects: [] });
      await settle(el);
      expectEmpty(el, 'removed');
    });

    it('stops following the store once removed', async () => {
      const { store, el } = await inProvider('web');
      setStatus(store, 'web', 'error');
      await settle(el);
      el.remove();
      setStatus(store, 'web', 'deploying');
      await settle(el);
      expect(el.status).to.equal('error');
    });
  });

  describe('accessibility', () => {
    const cases = [
      html`<live-status-alert status="inactive" reason="No requests received in the last 30 minutes" inactive-time="30m"></live-status-alert>`,
      html`<live-status-alert status="error" error-message="Health check failed"></live-status-alert>`,
      html`<live-status-alert status="deploying" step="Building image" progress="60"></live-status-alert>`,
      html`<live-status-alert status="deploying"></live-status-alert>`,
      html`<live-status-alert status="running"></live-status-alert>`,
    ];
    for (const theme of ['light', 'dark']) {
      it(`is accessible in every state (${theme})`, async () => {
        for (const template of cases) {
          const wrapper = await fixture(html`<div theme=${theme} style="padding:8px;background:${theme === 'dark' ? '#0d1117' : '#fff'}">${template}</div>`);
          const el = wrapper.querySelector('live-status-alert')!;
          await expect(el).to.be.accessible();
        }
      });
    }

    describe('reduced motion', () => {
      afterEach(() => emulateMedia({ reducedMotion: 'no-preference' }));

      it('stripes, slide and spinner move only without prefers-reduced-motion', async () => {
        const el = await fixture<LiveStatusAlert>(html`<live-status-alert status="deploying" progress="40"></live-status-alert>`);
        const stripes = () => getComputedStyle(part(el, 'progress-bar')!, '::before').animationName;
        const slide = () => getComputedStyle(part(el, 'progress-bar')!).animationName;
        expect(stripes()).to.equal('alert-stripes');
        expect(slide()).to.equal('none');
        expect(getComputedStyle(part(el, 'spinner')!).animationName).to.equal('alert-spin');
        await emulateMedia({ reducedMotion: 'reduce' });
        expect(stripes()).to.equal('none');
        expect(getComputedStyle(part(el, 'spinner')!).animationName).to.equal('none');
        el.progress = undefined;
        await el.updateComplete;
        expect(stripes()).to.equal('none');
        expect(slide()).to.equal('none');
        await emulateMedia({ reducedMotion: 'no-preference' });
        expect(stripes()).to.equal('alert-stripes');
        expect(slide()).to.equal('alert-slide');
      });
    });
  });
});
