import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import '../src/sse-indicator/define.js';
import '../src/sse-provider/define.js';
import type { ClosedReason, SseIndicator } from '../src/sse-indicator/sse-indicator.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import type { ConnectionState } from '../src/core/store.js';
import { ManualClock, MockBackend } from '../src/mock/index.js';
import { frames, nextFrame, until } from './helpers.js';

const EVENT_TYPES = ['container_status_changed', 'metrics_updated', 'deployment_progress', 'auto_shutdown'];

interface Case {
  name: string;
  state: ConnectionState;
  reason?: ClosedReason;
  emoji: string;
  en: string;
  es: string;
}
const CASES: Case[] = [
  { name: 'connecting', state: 'connecting', emoji: '🔵', en: 'Connecting…', es: 'Conectando...' },
  { name: 'open', state: 'open', emoji: '✅', en: 'Connected (live updates)', es: 'Conectado (actualizaciones automáticas)' },
  { name: 'closed, retrying', state: 'closed', reason: 'retrying', emoji: '🔴', en: 'Disconnected — reconnecting', es: 'Desconectado — reconectando' },
  { name: 'closed on request', state: 'closed', reason: 'disconnected', emoji: '🔴', en: 'Disconnected', es: 'Desconectado' },
  {
    name: 'closed, unauthorized',
    state: 'closed',
    reason: 'unauthorized',
    emoji: '🔴',
    en: 'Disconnected — authorization required',
    es: 'Desconectado — se requiere autorización',
  },
];

const part = (el: SseIndicator, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const parts = (el: SseIndicator, name: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
const text = (node: Element | null) => node!.textContent!.replace(/\s+/g, ' ').trim();
const trigger = (el: SseIndicator) => part(el, 'trigger') as HTMLButtonElement;
const popover = (el: SseIndicator) => part(el, 'popover')!;
const isOpen = (el: SseIndicator) => popover(el).matches(':popover-open');
const stat = (el: SseIndicator, name: string) => el.shadowRoot!.querySelector(`[part~="stat"][data-stat="${name}"] [part~="stat-value"]`);

async function indicator(c: Case, extra = html``) {
  const el = await fixture<SseIndicator>(
    html`<sse-indicator state=${c.state} closed-reason=${c.reason ?? 'retrying'} url="/api/containers/events">${extra}</sse-indicator>`,
  );
  return el;
}

/** A provider whose store the test drives directly (no url, no mock: it never connects). */
async function inProvider() {
  const root = await fixture<SseProvider>(html`<sse-provider><sse-indicator></sse-indicator></sse-provider>`);
  const el = root.querySelector('sse-indicator')!;
  await el.updateComplete;
  return { provider: root, store: root.store, el };
}

async function settle(el: SseIndicator) {
  await nextFrame();
  await el.updateComplete;
}

describe('<sse-indicator>', () => {
  describe('presentational mode', () => {
    for (const c of CASES) {
      it(`shows ${c.name} with its emoji and text`, async () => {
        const el = await indicator(c);
        expect(text(part(el, 'label'))).to.equal(c.en);
        expect(text(part(el, 'emoji'))).to.equal(c.emoji);
        expect(part(el, 'emoji')!.getAttribute('aria-hidden')).to.equal('true');
        expect(el.getAttribute('state')).to.equal(c.state);
      });

      it(`speaks Spanish when ${c.name}`, async () => {
        const wrapper = await fixture<HTMLDivElement>(
          html`<div lang="es"><sse-indicator state=${c.state} closed-reason=${c.reason ?? 'retrying'}></sse-indicator></div>`,
        );
        const el = wrapper.querySelector('sse-indicator')!;
        await el.updateComplete;
        expect(text(part(el, 'label'))).to.equal(c.es);
      });
    }

    it('says it is reconnecting when closed with no reason given', async () => {
      const el = await fixture<SseIndicator>(html`<sse-indicator></sse-indicator>`);
      expect(el.getAttribute('state')).to.equal('closed');
      expect(text(part(el, 'label'))).to.equal('Disconnected — reconnecting');
    });

    it('follows its attributes when they change', async () => {
      const el = await fixture<SseIndicator>(html`<sse-indicator state="connecting"></sse-indicator>`);
      el.setAttribute('state', 'open');
      await el.updateComplete;
      expect(text(part(el, 'label'))).to.equal('Connected (live updates)');
      el.state = 'closed';
      el.closedReason = 'unauthorized';
      await el.updateComplete;
      expect(text(part(el, 'label'))).to.equal('Disconnected — authorization required');
      expect(el.getAttribute('closed-reason')).to.equal('unauthorized');
    });

    it('shows the endpoint, the four event types with one line each, and no frequency controls', async () => {
      const el = await indicator(CASES[1]);
      // The lines that explain each event load when the popover first opens.
      (part(el, 'trigger') as HTMLElement).click();
      await until(() => text(part(el, 'note')) !== '', 'the popover texts to load');
      expect(text(part(el, 'endpoint'))).to.equal('GET /api/containers/events');
      const events = parts(el, 'event');
      expect(events.map((e) => text(e.querySelector('[part~="event-name"]')))).to.deep.equal(EVENT_TYPES);
      for (const event of events) expect(text(event.querySelector('[part~="event-text"]'))).to.have.length.greaterThan(10);
      expect(popover(el).querySelectorAll('input, select, button, [role="slider"]')).to.have.length(0);
      expect(text(part(el, 'note'))).to.equal('The server decides how often events are sent.');
    });

    it('explains the event types in Spanish', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div lang="es"><sse-indicator state="open" url="/x"></sse-indicator></div>`);
      const el = wrapper.querySelector('sse-indicator')!;
      await el.updateComplete;
      (part(el, 'trigger') as HTMLElement).click();
      await until(() => text(part(el, 'note')) !== '', 'the popover texts to load');
      expect(text(parts(el, 'event-text')[3])).to.equal('Un contenedor se pausó por inactividad.');
      expect(text(parts(el, 'section-title')[0])).to.equal('Eventos');
    });

    it('renders markup in the url as text', async () => {
      const payload = '<img src=x onerror="window.__indicatorXss=1"><b>bold</b>';
      const el = await fixture<SseIndicator>(html`<sse-indicator state="open" url=${payload}></sse-indicator>`);
      trigger(el).click();
      await until(() => isOpen(el), 'the popover to open');
      expect(el.shadowRoot!.querySelector('img, b')).to.equal(null);
      expect(text(part(el, 'url'))).to.equal(payload);
      await frames(2);
      expect((window as unknown as { __indicatorXss?: number }).__indicatorXss).to.equal(undefined);
    });

    it('says when there is no endpoint', async () => {
      const el = await fixture<SseIndicator>(html`<sse-indicator state="closed"></sse-indicator>`);
      expect(text(part(el, 'endpoint'))).to.equal('No endpoint set');
      expect(part(el, 'url')).to.equal(null);
    });

    it('lists the counters given in `stats`, formatted for the language', async () => {
      const stats = { received: 12345, applied: 12000, rejected: 5, ignored: 40, duplicates: 300, reconnects: 2, dropped: 1500 };
      const el = await fixture<SseIndicator>(html`<sse-indicator state="open" .stats=${stats}></sse-indicator>`);
      expect(parts(el, 'stat').map((s) => s.dataset.stat)).to.deep.equal(Object.keys(stats));
      expect(text(stat(el, 'received'))).to.equal('12,345');
      expect(text(stat(el, 'dropped'))).to.equal('1,500');
      expect(text(parts(el, 'stat')[0])).to.equal('Received 12,345');
      const wrapper = await fixture<HTMLDivElement>(html`<div lang="es"><sse-indicator state="open" .stats=${stats}></sse-indicator></div>`);
      const es = wrapper.querySelector('sse-indicator')!;
      await es.updateComplete;
      expect(text(stat(es, 'received'))).to.equal('12.345');
      expect(text(parts(es, 'stat-name')[5])).to.equal('Reconexiones');

      el.stats = { ...stats, received: 12346 };
      await el.updateComplete;
      expect(text(stat(el, 'received'))).to.equal('12,346');
    });

    it('lists no counters when it has none', async () => {
      const el = await fixture<SseIndicator>(html`<sse-indicator state="open"></sse-indicator>`);
      expect(part(el, 'stats')).to.equal(null);
    });
  });

  describe('popover', () => {
    it('has a labelled trigger that controls the popover', async () => {
      const el = await indicator(CASES[1]);
      const button = trigger(el);
      expect(button.localName).to.equal('button');
      expect(button.getAttribute('aria-expanded')).to.equal('false');
      expect(el.shadowRoot!.getElementById(button.getAttribute('aria-controls')!)).to.equal(popover(el));
      expect(text(button), 'the accessible name is the visible state').to.equal('✅ Connected (live updates)');
      expect(popover(el).getAttribute('aria-labelledby')).to.equal(part(el, 'title')!.id);
      expect(isOpen(el)).to.equal(false);
      expect(getComputedStyle(popover(el)).display).to.equal('none');
    });

    it('opens and closes with a click, and reflects `open`', async () => {
      const el = await indicator(CASES[1]);
      trigger(el).click();
      await until(() => isOpen(el), 'the popover to open');
      await el.updateComplete;
      await until(() => el.open, 'open to be set');
      await el.updateComplete;
      expect(trigger(el).getAttribute('aria-expanded')).to.equal('true');
      expect(el.hasAttribute('open')).to.equal(true);
      trigger(el).click();
      await until(() => !isOpen(el) && !el.open, 'the popover to close');
      await el.updateComplete;
      expect(trigger(el).getAttribute('aria-expanded')).to.equal('false');
    });

    it('opens with Enter, closes with Escape, and focus returns to the trigger', async () => {
      const el = await indicator(CASES[0]);
      trigger(el).focus();
      await sendKeys({ press: 'Enter' });
      await until(() => isOpen(el) && el.open, 'the popover to open');
      await el.updateComplete;
      expect(trigger(el).getAttribute('aria-expanded')).to.equal('true');
      await sendKeys({ press: 'Escape' });
      await until(() => !isOpen(el) && !el.open, 'the popover to close');
      await el.updateComplete;
      expect(trigger(el).getAttribute('aria-expanded')).to.equal('false');
      expect(document.activeElement).to.equal(el);
      expect(el.shadowRoot!.activeElement).to.equal(trigger(el));
    });

    it('opens with Space too', async () => {
      const el = await indicator(CASES[2]);
      trigger(el).focus();
      await sendKeys({ press: 'Space' });
      await until(() => isOpen(el), 'the popover to open');
      await sendKeys({ press: 'Escape' });
      await until(() => !isOpen(el), 'the popover to close');
      expect(el.shadowRoot!.activeElement).to.equal(trigger(el));
    });

    it('closes on a click outside', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div style="padding: 8px"><sse-indicator state="open" url="/e"></sse-indicator></div>`);
      const el = wrapper.querySelector('sse-indicator')!;
      await el.updateComplete;
      trigger(el).click();
      await until(() => isOpen(el), 'the popover to open');
      const box = popover(el).getBoundingClientRect();
      const x = Math.min(innerWidth - 4, box.right + 20);
      const y = Math.min(innerHeight - 4, box.bottom + 20);
      expect(x > box.right || y > box.bottom, 'a point outside the popover').to.equal(true);
      await sendMouse({ type: 'click', position: [Math.round(x), Math.round(y)] });
      await until(() => !isOpen(el) && !el.open, 'the popover to close');
      await sendMouse({ type: 'move', position: [0, 0] });
    });

    it('starts open with the `open` attribute', async () => {
      const el = await fixture<SseIndicator>(html`<sse-indicator open state="open" url="/e"></sse-indicator>`);
      await until(() => isOpen(el), 'the popover to open');
      expect(trigger(el).getAttribute('aria-expanded')).to.equal('true');
      el.removeAttribute('open');
      await until(() => !isOpen(el), 'the popover to close');
    });

    it('sits right under its trigger', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div style="padding: 40px 60px"><sse-indicator state="open" url="/e"></sse-indicator></div>`);
      const el = wrapper.querySelector('sse-indicator')!;
      await el.updateComplete;
      el.open = true;
      await until(() => isOpen(el), 'the popover to open');
      const button = trigger(el).getBoundingClientRect();
      const box = popover(el).getBoundingClientRect();
      expect(box.top - button.bottom).to.be.within(0, 12);
      expect(Math.abs(box.left - button.left)).to.be.below(2);
      el.open = false;
      await until(() => !isOpen(el), 'the popover to close');
    });

    it('leaves nothing open or listening once removed', async () => {
      const added: [EventTarget, string][] = [];
      const removed: [EventTarget, string][] = [];
      const targets = [window, document, document.documentElement, document.body];
      const originalAdd = EventTarget.prototype.addEventListener;
      const originalRemove = EventTarget.prototype.removeEventListener;
      EventTarget.prototype.addEventListener = function (this: EventTarget, type: string, ...rest: unknown[]) {
        if (targets.includes(this as never)) added.push([this, type]);
        return (originalAdd as (...a: unknown[]) => void).call(this, type, ...rest);
      } as typeof originalAdd;
      EventTarget.prototype.removeEventListener = function (this: EventTarget, type: string, ...rest: unknown[]) {
        if (targets.includes(this as never)) removed.push([this, type]);
        return (originalRemove as (...a: unknown[]) => void).call(this, type, ...rest);
      } as typeof originalRemove;
      try {
        const el = await indicator(CASES[1]);
        trigger(el).click();
        await until(() => isOpen(el) && el.open, 'the popover to open');
        el.remove();
        await frames(2);
        expect(isOpen(el)).to.equal(false);
        expect(el.open).to.equal(false);
        const net = added.filter(([target, type]) => !removed.some(([t, ty]) => t === target && ty === type));
        expect(net.map(([, type]) => type)).to.deep.equal([]);
      } finally {
        EventTarget.prototype.addEventListener = originalAdd;
        EventTarget.prototype.removeEventListener = originalRemove;
      }
    });
  });

  describe('inside a provider', () => {
    it('shows the provider’s connection and follows its state after a frame', async () => {
      const { store, el } = await inProvider();
      expect(text(part(el, 'label'))).to.equal('Disconnected');

      store.setConnection({ state: 'connecting', url: '/api/containers/events' });
      expect(text(part(el, 'label')), 'not before the frame').to.equal('Disconnected');
      await settle(el);
      expect(text(part(el, 'label'))).to.equal('Connecting…');
      expect(el.getAttribute('state')).to.equal('connecting');
      expect(text(part(el, 'endpoint'))).to.equal('GET /api/containers/events');

      store.setConnection({ state: 'open' });
      await settle(el);
      expect(text(part(el, 'label'))).to.equal('Connected (live updates)');
      expect(text(part(el, 'emoji'))).to.equal('✅');
      expect(el.getAttribute('state')).to.equal('open');

      store.setConnection({ state: 'closed', closedReason: 'retrying', lastError: { message: 'HTTP 502', status: 502, willRetry: true } });
      await settle(el);
      expect(text(part(el, 'label'))).to.equal('Disconnected — reconnecting');
      expect(text(part(el, 'error'))).to.equal('Last error: HTTP 502');

      store.setConnection({ state: 'closed', closedReason: 'unauthorized', lastError: { message: 'HTTP 401', status: 401, willRetry: false } });
      await settle(el);
      expect(text(part(el, 'label'))).to.equal('Disconnected — authorization required');
      expect(el.getAttribute('closed-reason')).to.equal('unauthorized');

      store.setConnection({ state: 'closed', closedReason: 'disconnected', lastError: undefined });
      await settle(el);
      expect(text(part(el, 'label'))).to.equal('Disconnected');
      expect(part(el, 'error')).to.equal(null);
    });

    it('wins over its own attributes', async () => {
      const root = await fixture<SseProvider>(html`<sse-provider><sse-indicator state="open" url="/mine"></sse-indicator></sse-provider>`);
      const el = root.querySelector('sse-indicator')!;
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('closed');
      expect(text(part(el, 'label'))).to.equal('Disconnected');
      root.store.setConnection({ url: '/theirs' });
      await settle(el);
      expect(text(part(el, 'url'))).to.equal('/theirs');
    });

    it('renders markup in the provider’s url and error as text', async () => {
      const { store, el } = await inProvider();
      const payload = '<img src=x onerror="window.__indicatorXss2=1">';
      store.setConnection({ state: 'closed', url: payload, lastError: { message: payload, willRetry: true } });
      await settle(el);
      expect(el.shadowRoot!.querySelector('img')).to.equal(null);
      expect(text(part(el, 'url'))).to.equal(payload);
      expect(text(part(el, 'error'))).to.contain(payload);
    });

    it('updates the counters live while the popover is open', async () => {
      const { store, el } = await inProvider();
      store.setConnection({ state: 'open', url: '/e' });
      await settle(el);
      trigger(el).click();
      await until(() => isOpen(el), 'the popover to open');
      expect(parts(el, 'stat').map((s) => s.dataset.stat)).to.deep.equal(['received', 'applied', 'rejected', 'ignored', 'duplicates', 'reconnects', 'dropped']);
      expect(text(stat(el, 'received'))).to.equal('0');

      store.count('received', 2001);
      store.count('applied', 1990);
      store.count('rejected', 4);
      store.count('ignored', 3);
      store.count('duplicates', 4);
      store.count('reconnects', 1);
      store.count('dropped', 1000);
      await settle(el);
      expect(text(stat(el, 'received'))).to.equal('2,001');
      expect(text(stat(el, 'applied'))).to.equal('1,990');
      expect(text(stat(el, 'rejected'))).to.equal('4');
      expect(text(stat(el, 'reconnects'))).to.equal('1');
      expect(text(stat(el, 'dropped'))).to.equal('1,000');
      expect(isOpen(el), 'still open').to.equal(true);
    });

    it('counts the messages of a mock backend as they arrive', async () => {
      const clock = new ManualClock();
      const backend = new MockBackend({ seed: 5, clock, autoplay: false, projects: [{ projectId: 'api', status: 'running' }] });
      const root = await fixture<SseProvider>(html`<sse-provider .mockBackend=${backend}><sse-indicator></sse-indicator></sse-provider>`);
      const el = root.querySelector('sse-indicator')!;
      await until(() => {
        clock.advance(1);
        return el.state === 'open';
      }, 'the mock stream to open');
      await until(() => text(part(el, 'label')) === 'Connected (live updates)', 'the open label');
      const before = root.store.connection.stats.received;
      backend.emit('metrics_updated', { projectId: 'api', cpu: 12, memory: 256, requests: 10, uptime: '1m' });
      backend.emit('metrics_updated', { projectId: 'api', cpu: 13, memory: 256, requests: 11, uptime: '1m' });
      clock.advance(1);
      await until(() => root.store.connection.stats.received === before + 2, 'two more messages');
      await until(() => text(stat(el, 'received')) === String(before + 2), 'the received counter');
      root.disconnect();
      await until(() => text(part(el, 'label')) === 'Disconnected', 'the disconnected label');
      expect(el.getAttribute('closed-reason')).to.equal('disconnected');
    });

    it('stops following the store once removed', async () => {
      const { store, el } = await inProvider();
      store.setConnection({ state: 'open' });
      await settle(el);
      let renders = 0;
      const original = el.render.bind(el);
      el.render = () => {
        renders += 1;
        return original();
      };
      el.remove();
      store.setConnection({ state: 'connecting' });
      store.count('received');
      await frames(2);
      expect(renders).to.equal(0);
      expect(el.getAttribute('state')).to.equal('open');
    });
  });

  describe('accessibility', () => {
    for (const theme of ['light', 'dark'] as const) {
      for (const c of CASES) {
        it(`is accessible when ${c.name}, ${theme}, closed and open`, async () => {
          const stats = { received: 10, applied: 8, rejected: 1, ignored: 1, duplicates: 0, reconnects: 0, dropped: 0 };
          const wrapper = await fixture<HTMLDivElement>(
            html`<div theme=${theme}>
              <sse-indicator state=${c.state} closed-reason=${c.reason ?? 'retrying'} url="/api/containers/events" .stats=${stats}></sse-indicator>
            </div>`,
          );
          const el = wrapper.querySelector('sse-indicator')!;
          await el.updateComplete;
          await expect(el).to.be.accessible();
          el.open = true;
          await until(() => isOpen(el), 'the popover to open');
          await el.updateComplete;
          await expect(el).to.be.accessible();
          el.open = false;
          await until(() => !isOpen(el), 'the popover to close');
        });
      }
    }

    it('uses the dark palette under theme="dark"', async () => {
      const light = await indicator(CASES[1]);
      const wrapper = await fixture<HTMLDivElement>(html`<div theme="dark"><sse-indicator state="open"></sse-indicator></div>`);
      const dark = wrapper.querySelector('sse-indicator')!;
      await dark.updateComplete;
      expect(getComputedStyle(trigger(dark)).backgroundColor).to.not.equal(getComputedStyle(trigger(light)).backgroundColor);
      expect(getComputedStyle(popover(dark)).color).to.not.equal(getComputedStyle(popover(light)).color);
    });
  });
});
