import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, executeServerCommand, sendKeys, sendMouse } from '@web/test-runner-commands';
import '../src/live-toast-region/define.js';
import type { LiveToastRegion, NotificationClickDetail, SoundDetail } from '../src/live-toast-region/live-toast-region.js';
import { ManualClock } from '../src/mock/index.js';
import { until } from './helpers.js';

// Sound and desktop notifications through the public surface, in Chromium. The audio graph is
// observed, not heard: every AudioContext made and every oscillator started (with its pitch) is
// recorded. The order of the sound tests matters: the page's user activation cannot be undone, so
// the tests that need none come first.

const contexts: AudioContext[] = [];
const tones: { frequency: number; type: OscillatorType }[] = [];
const RealAudioContext = window.AudioContext;
window.AudioContext = class extends RealAudioContext {
  constructor(options?: AudioContextOptions) {
    super(options);
    contexts.push(this);
  }
};
const realStart = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (this: OscillatorNode, when?: number) {
  tones.push({ frequency: this.frequency.value, type: this.type });
  return realStart.call(this, when);
};

const MUTED_KEY = 'live-toast-region-muted';

const part = (el: LiveToastRegion, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

/** A region, on a clock the test drives; with `sound`, once its toggle has loaded. */
async function region(attributes = 'sound', lang = 'en') {
  const wrapper = await fixture(html`<div lang=${lang}><button id="outside">outside</button></div>`);
  wrapper.insertAdjacentHTML('beforeend', `<live-toast-region position="inline" ${attributes}></live-toast-region>`);
  const el = wrapper.querySelector('live-toast-region')!;
  const clock = new ManualClock();
  el.clock = clock;
  await el.updateComplete;
  if (el.sound) await until(() => part(el, 'mute') !== null, 'the mute toggle');
  const sounds: SoundDetail[] = [];
  el.addEventListener('sound', (event) => sounds.push(event.detail));
  return { el, clock, sounds, outside: wrapper.querySelector<HTMLButtonElement>('#outside')! };
}

let project = 0;
const send = (type: string, detail: object) => document.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
const actionError = () => send('action-error', { projectId: 'web', action: 'start', status: 500, message: 'boom' });
const outcome = (newStatus: 'running' | 'error', oldStatus = 'deploying') => {
  const projectId = `p${++project}`;
  send('container-status-changed', { projectId, oldStatus, newStatus });
  return projectId;
};
const shutdown = () => send('auto-shutdown', { projectId: 'web', reason: 'idle', inactiveTime: '5m' });

/** Puts another tab in front of the test page (it is then really hidden and without focus), or takes it away. */
async function background(on: boolean) {
  await executeServerCommand('page-in-background', { background: on });
  await until(() => document.visibilityState === (on ? 'hidden' : 'visible'), 'the page visibility');
}

describe('<live-toast-region> alerts', () => {
  afterEach(() => {
    localStorage.removeItem(MUTED_KEY);
  });

  describe('sound', () => {
    it('without `sound`: no toggle, no audio code loaded, no AudioContext', async () => {
      const { el } = await region('');
      actionError();
      outcome('running');
      await el.updateComplete;
      expect(el.toasts).to.have.length(2);
      expect(part(el, 'mute')).to.equal(null);
      const loaded = performance.getEntriesByType('resource').map((entry) => entry.name);
      expect(loaded.some((name) => /live-toast-region\/sound/.test(name)), 'sound.ts never requested').to.equal(false);
      expect(contexts).to.have.length(0);
    });

    it('silent until the page has had a user gesture (a Shift press is none); then one tone per error', async () => {
      const { el, clock, sounds, outside } = await region();
      expect(navigator.userActivation.hasBeenActive, 'no gesture yet in this page').to.equal(false);
      actionError();
      expect(el.toasts, 'the toast shows all the same').to.have.length(1);
      expect(contexts, 'no AudioContext before a gesture').to.have.length(0);
      expect(sounds).to.have.length(0);

      outside.focus();
      await sendKeys({ press: 'Shift' });
      clock.advance(1000);
      actionError();
      expect(contexts, 'a modifier key unlocks no audio').to.have.length(0);

      await sendKeys({ press: 'a' });
      clock.advance(1000);
      actionError();
      expect(contexts).to.have.length(1);
      expect(tones).to.have.length(1);
      expect(sounds).to.deep.equal([{ kind: 'error', reason: 'action-error', projectId: 'web' }]);
      clock.advance(1000);
      actionError();
      expect(tones, 'one tone per error').to.have.length(2);
      expect(contexts, 'one context for the page').to.have.length(1);
    });

    it('two tones: errors and auto-shutdowns fall, a deployment that succeeded rises; a `sound` event first', async () => {
      const { clock, sounds } = await region();
      const before = tones.length;
      const succeeded = outcome('running');
      clock.advance(1000);
      const failed = outcome('error');
      clock.advance(1000);
      const crashed = outcome('error', 'running');
      clock.advance(1000);
      shutdown();
      clock.advance(1000);
      outcome('stopped' as 'running');
      const played = tones.slice(before);
      expect(played, 'a stop is no important event').to.have.length(4);
      const [success, ...errors] = played;
      expect(errors.every((tone) => tone.frequency === errors[0].frequency && tone.type === errors[0].type)).to.equal(true);
      expect(success.frequency).to.not.equal(errors[0].frequency);
      expect(success.type).to.not.equal(errors[0].type);
      expect(sounds).to.deep.equal([
        { kind: 'success', reason: 'succeeded', projectId: succeeded },
        { kind: 'error', reason: 'failed', projectId: failed },
        { kind: 'error', reason: 'crashed', projectId: crashed },
        { kind: 'error', reason: 'auto-shutdown', projectId: 'web' },
      ]);
      expect(contexts).to.have.length(1);
    });

    it('at most one tone a second under a burst of 20 events; the toasts show them all', async () => {
      const { el, clock, sounds } = await region('sound max="20"');
      const before = tones.length;
      for (let i = 0; i < 20; i++) (i % 2 ? actionError() : outcome('error'));
      await el.updateComplete;
      expect(el.toasts.length).to.be.greaterThan(10);
      expect(tones.length - before).to.equal(1);
      clock.advance(999);
      actionError();
      expect(tones.length - before).to.equal(1);
      clock.advance(1);
      actionError();
      expect(tones.length - before).to.equal(2);
      expect(sounds).to.have.length(2);
    });

    it('the mute toggle: named, keyboard-reachable, `aria-pressed`; it silences, and a new region remembers it', async () => {
      const { el, clock, sounds, outside } = await region();
      const toggle = part(el, 'mute')!;
      expect(toggle.tagName).to.equal('BUTTON');
      expect(toggle.getAttribute('aria-label')).to.equal('Mute alert sounds');
      expect(toggle.getAttribute('aria-pressed')).to.equal('false');
      await expect(el).to.be.accessible();

      outside.focus();
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement, 'the next stop after the page button').to.equal(toggle);
      await sendKeys({ press: 'Space' });
      await el.updateComplete;
      expect(toggle.getAttribute('aria-pressed')).to.equal('true');
      expect(localStorage.getItem(MUTED_KEY)).to.equal('1');
      await expect(el).to.be.accessible();
      const before = tones.length;
      actionError();
      expect(tones.length, 'muted').to.equal(before);
      expect(sounds, 'no `sound` event either').to.have.length(0);

      const next = await region();
      expect(part(next.el, 'mute')!.getAttribute('aria-pressed'), 'remembered').to.equal('true');
      next.clock.advance(1000);
      clock.advance(1000);
      actionError();
      expect(tones.length).to.equal(before);

      await el.updateComplete;
      await next.el.updateComplete;
      const box = part(next.el, 'mute')!.getBoundingClientRect();
      await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
      await next.el.updateComplete;
      expect(part(next.el, 'mute')!.getAttribute('aria-pressed')).to.equal('false');
      expect(localStorage.getItem(MUTED_KEY)).to.equal('0');
      actionError();
      expect(tones.length, 'unmuted: both regions sound again').to.equal(before + 2);
    });

    it('the toggle is named in Spanish under lang="es"', async () => {
      const { el } = await region('sound', 'es');
      expect(part(el, 'mute')!.getAttribute('aria-label')).to.equal('Silenciar los sonidos de aviso');
    });

    it('a cancelled `sound` event plays nothing: the page plays its own', async () => {
      const { el, clock } = await region();
      const before = tones.length;
      el.addEventListener('sound', (event) => event.preventDefault(), { once: true });
      const heard = oneEvent(el, 'sound');
      outcome('running');
      const event = await heard;
      expect(event.cancelable && event.bubbles && event.composed).to.equal(true);
      expect(event.detail.kind).to.equal('success');
      expect(tones.length).to.equal(before);
      clock.advance(1000);
      outcome('running');
      expect(tones.length, 'the next one plays').to.equal(before + 1);
    });

    it('while the tab is hidden: silent for a success or an auto-shutdown, an error still sounds', async () => {
      // A real hidden tab: another tab is brought in front of the test page.
      const { clock, sounds } = await region();
      const before = tones.length;
      await background(true);
      try {
        outcome('running');
        clock.advance(1000);
        shutdown();
        clock.advance(1000);
        expect(tones.length).to.equal(before);
        outcome('error');
        expect(tones.length).to.equal(before + 1);
        expect(sounds.map((detail) => detail.reason)).to.deep.equal(['failed']);
      } finally {
        await background(false);
      }
    });

    it('reduced motion does not mute', async () => {
      await emulateMedia({ reducedMotion: 'reduce' });
      try {
        await region();
        const before = tones.length;
        actionError();
        expect(tones.length).to.equal(before + 1);
      } finally {
        await emulateMedia({ reducedMotion: 'no-preference' });
      }
    });
  });

  describe('desktop notifications, with the real permission', () => {
    // `window.Notification` wrapped to count what is raised; the permission is the browser's own.
    const RealNotification = window.Notification;
    const raised: { title: string; body: string; tag: string; notification: Notification }[] = [];
    before(() => {
      window.Notification = class extends RealNotification {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          raised.push({ title, body: options?.body ?? '', tag: options?.tag ?? '', notification: this });
        }
      };
    });
    after(async () => {
      window.Notification = RealNotification;
      await executeServerCommand('notification-permission', { state: 'prompt' });
    });
    beforeEach(() => {
      raised.length = 0;
    });

    /** After the notification module has run for what was sent (it loads on the first one). */
    async function settledNotify() {
      await import('../src/live-toast-region/notify.js');
      for (let i = 0; i < 3; i++) await Promise.resolve();
    }

    it('granted: none while the page has focus; while it has none, one an event, at most one a second', async () => {
      await executeServerCommand('notification-permission', { state: 'granted' });
      expect(Notification.permission).to.equal('granted');
      const { el, clock } = await region('desktop-notifications');
      expect(document.hasFocus()).to.equal(true);
      actionError();
      await settledNotify();
      expect(raised, 'the page has focus: the toast is enough').to.have.length(0);

      await background(true);
      try {
        expect(document.hasFocus()).to.equal(false);
        clock.advance(1000);
        shutdown();
        for (let i = 0; i < 5; i++) actionError();
        await settledNotify();
        expect(raised.map(({ title, body, tag }) => ({ title, body, tag: tag.replace(/^\w+:/, 'page:') }))).to.deep.equal([
          { title: 'Container paused due to inactivity', body: 'web: idle (5m)', tag: 'page:auto-shutdown:web' },
        ]);
        clock.advance(1000);
        const id = outcome('running');
        await settledNotify();
        expect(raised.map(({ title, body }) => [title, body])[1]).to.deep.equal(['Deployment succeeded', id]);
        expect(el.toasts.length, 'every event still has its toast').to.be.greaterThan(2);
      } finally {
        await background(false);
      }
    });

    it('a click on a notification focuses the tab and fires `notification-click` with the project', async () => {
      await executeServerCommand('notification-permission', { state: 'granted' });
      const { el } = await region('desktop-notifications');
      await background(true);
      let focused = 0;
      const focus = window.focus;
      window.focus = () => void focused++;
      try {
        const id = outcome('error');
        await settledNotify();
        expect(raised).to.have.length(1);
        const clicked = oneEvent(el, 'notification-click');
        raised[0].notification.dispatchEvent(new Event('click'));
        const event = await clicked;
        expect((event.detail as NotificationClickDetail).projectId).to.equal(id);
        expect(event.bubbles && event.composed).to.equal(true);
        expect(focused).to.equal(1);
      } finally {
        window.focus = focus;
        await background(false);
      }
    });

    it('denied: nothing raised, no offer to enable them, and asking again resolves "denied"', async () => {
      await executeServerCommand('notification-permission', { state: 'denied' });
      expect(Notification.permission).to.equal('denied');
      const { el } = await region('desktop-notifications');
      await background(true);
      try {
        actionError();
        await settledNotify();
        expect(raised).to.have.length(0);
      } finally {
        await background(false);
      }
      await el.updateComplete;
      expect(part(el, 'enable-desktop')).to.equal(null);
      expect(await el.requestPermission()).to.equal('denied');
    });

    it('the alerts recipe: one click turns on sound and notifications; an event then sounds and notifies, once a second', async () => {
      await executeServerCommand('notification-permission', { state: 'granted' });
      const wrapper = await fixture(html`<div><button id="alerts" type="button" aria-pressed="false">Alerts</button></div>`);
      wrapper.insertAdjacentHTML('beforeend', '<live-toast-region position="inline"></live-toast-region>');
      const el = wrapper.querySelector('live-toast-region')!;
      const clock = new ManualClock();
      el.clock = clock;
      const button = wrapper.querySelector<HTMLButtonElement>('#alerts')!;
      let asked: Promise<NotificationPermission> | undefined;
      button.addEventListener('click', () => {
        const on = button.getAttribute('aria-pressed') !== 'true';
        el.sound = on;
        el.desktopNotifications = on;
        button.setAttribute('aria-pressed', String(on));
        if (on) asked = el.requestPermission();
      });
      const box = button.getBoundingClientRect();
      await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
      expect(await asked).to.equal('granted');
      await until(() => part(el, 'mute') !== null, 'the mute toggle');
      const before = tones.length;
      await background(true);
      try {
        outcome('error');
        actionError();
        await settledNotify();
        expect(tones.length - before).to.equal(1);
        expect(raised.map((n) => n.title)).to.deep.equal(['Deployment failed']);
      } finally {
        await background(false);
      }
    });
  });
});
