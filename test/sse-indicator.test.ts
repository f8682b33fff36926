import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys, sendMouse, setViewport } from '@web/test-runner-commands';
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
/** The popover's texts and counters have loaded (the first opening in a page loads them). */
const loaded = (el: SseIndicator) => parts(el, 'event-text').length === 4 && (part(el, 'note')?.textContent ?? '') !== '';

/**
 * Whether this browser draws 🔴 in colour, found here on a canvas of its own, with the emoji fonts
 * named: the indicator shows its emoji then, and an icon otherwise.
 */
const colourEmoji = (() => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 40;
  const context = canvas.getContext('2d')!;
  context.font = "32px 'Apple Color Emoji', 'Segoe UI Emoji', 'Noto Color Emoji', sans-serif";
  context.textBaseline = 'top';
  context.fillText('🔴', 0, 0);
  const pixels = context.getImageData(0, 0, 40, 40).data;
  let red = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3]! > 200 && pixels[i]! > 150 && pixels[i + 1]! < 120 && pixels[i + 2]! < 120) red += 1;
  return red > 100;
})();

/** The emoji shown, or `icon` and the shape of the icon drawn instead. */
function mark(el: SseIndicator): string {
  const emoji = part(el, 'emoji');
  const icon = part(el, 'icon');
  expect(Boolean(emoji) !== Boolean(icon), 'either an emoji or an icon').to.equal(true);
  return emoji ? text(emoji) : `icon ${icon!.querySelector('path')!.getAttribute('d')}`;
}

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

/** The popover open, with its texts and counters. */
async function openDetails(el: SseIndicator) {
  el.open = true;
  await until(() => isOpen(el) && loaded(el), 'the popover with its texts and counters');
  await frames(2);
}

/**
 * A page of its own, an iframe, where `setup` runs before the indicator's module loads: a browser
 * without a feature, or whose canvas draws emoji otherwise, is simulated there.
 */
async function framePage(setup: string, width = 320, height = 480): Promise<{ doc: Document; remove: () => void }> {
  const frame = document.createElement('iframe');
  Object.assign(frame.style, { width: `${width}px`, height: `${height}px`, border: '0', display: 'block' });
  frame.srcdoc = `<!doctype html><body style="margin:0"><script>${setup}</script><script type="module" src="/src/sse-indicator/define.ts"></script></body>`;
  document.body.append(frame);
  await until(() => Boolean(frame.contentWindow?.customElements?.get('sse-indicator')), 'the indicator to load in the frame', 10000);
  return { doc: frame.contentDocument!, remove: () => frame.remove() };
}

/** An indicator for `c` added to `doc` (a frame's page), rendered. */
async function indicatorIn(doc: Document, c: Case, place = ''): Promise<SseIndicator> {
  doc.body.insertAdjacentHTML('beforeend', `<sse-indicator state="${c.state}" closed-reason="${c.reason ?? 'retrying'}" url="/e" style="${place}"></sse-indicator>`);
  const el = doc.body.lastElementChild as SseIndicator;
  await el.updateComplete;
  return el;
}

/** Counters far larger than a day's, to see that none is ever broken across lines. */
const BIG = { received: 1234567890, applied: 1234560000, rejected: 45678, ignored: 901234, duplicates: 4567, reconnects: 12, dropped: 9876543 };

/** Each counter's value sits on one line, inside its box, and the popover does not scroll sideways. */
function expectWholeNumbers(el: SseIndicator) {
  const values = parts(el, 'stat-value');
  expect(values.length).to.equal(7);
  for (const value of values) {
    const range = document.createRange();
    range.selectNodeContents(value);
    const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
    expect(lines.size, `${text(value)} on one line`).to.equal(1);
    const box = value.parentElement!.getBoundingClientRect();
    const inner = range.getBoundingClientRect();
    expect(inner.right, `${text(value)} inside its box`).to.be.at.most(box.right + 0.5);
  }
  expect(popover(el).scrollWidth).to.be.at.most(popover(el).clientWidth);
}

/** The popover lies wholly inside the viewport of `el`'s page. */
function expectInView(el: SseIndicator) {
  const view = el.ownerDocument.documentElement;
  const box = popover(el).getBoundingClientRect();
  const where = `popover at ${Math.round(box.left)},${Math.round(box.top)}–${Math.round(box.right)},${Math.round(box.bottom)} in ${view.clientWidth}×${view.clientHeight}`;
  expect(box.left, where).to.be.at.least(0);
  expect(box.top, where).to.be.at.least(0);
  expect(box.right, where).to.be.at.most(view.clientWidth);
  expect(box.bottom, where).to.be.at.most(view.clientHeight);
}

/**
 * The icons of the five states drawn instead of emoji: visible, beside the words, hidden from
 * assistive technology, in the state's colour, one shape for connecting, one for connected and
 * one for every disconnected state.
 */
async function expectIcons(make: (c: Case) => Promise<SseIndicator>) {
  const shapes: string[] = [];
  for (const c of CASES) {
    const el = await make(c);
    const colour = c.state === 'connecting' ? 'rgb(0, 90, 200)' : c.state === 'open' ? 'rgb(0, 130, 60)' : 'rgb(190, 20, 30)';
    el.style.setProperty(`--indicator-${c.state}-color`, colour);
    await el.updateComplete;
    expect(part(el, 'emoji') === null, `${c.name}: no emoji`).to.equal(true);
    const icon = part(el, 'icon')!;
    const label = part(el, 'label')!;
    expect(icon.localName).to.equal('svg');
    expect(icon.getAttribute('aria-hidden')).to.equal('true');
    expect(text(label)).to.equal(c.en);
    const box = icon.getBoundingClientRect();
    const words = label.getBoundingClientRect();
    expect(box.width, `${c.name}: icon width`).to.be.at.least(8);
    expect(box.height, `${c.name}: icon height`).to.be.at.least(8);
    expect(words.width, `${c.name}: the words`).to.be.greaterThan(20);
    expect(box.right, `${c.name}: the icon before the words`).to.be.at.most(words.left);
    expect(Math.abs(box.top + box.height / 2 - (words.top + words.height / 2)), `${c.name}: on the words' line`).to.be.below(3);
    const path = icon.querySelector('path')!;
    expect(getComputedStyle(path).stroke, `${c.name}: drawn in the state's colour`).to.equal(colour);
    expect(path.getTotalLength(), `${c.name}: a shape`).to.be.greaterThan(5);
    shapes.push(path.getAttribute('d')!);
  }
  const [connecting, open, ...closed] = shapes;
  expect(new Set([connecting, open, closed[0]]).size, 'a shape per state').to.equal(3);
  expect(new Set(closed).size, 'one shape for every disconnected state').to.equal(1);
}

async function settle(el: SseIndicator) {
  await nextFrame();
  await el.updateComplete;
}

describe('<sse-indicator>', () => {
  describe('presentational mode', () => {
    for (const c of CASES) {
      it(`shows ${c.name} with its emoji (or the icon drawn instead) and text`, async () => {
        const el = await indicator(c);
        expect(text(part(el, 'label'))).to.equal(c.en);
        if (colourEmoji) expect(mark(el)).to.equal(c.emoji);
        else expect(mark(el)).to.match(/^icon /);
        expect(part(el, colourEmoji ? 'emoji' : 'icon')!.getAttribute('aria-hidden')).to.equal('true');
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
      // The event types with the lines that explain them load when the popover first opens.
      (part(el, 'trigger') as HTMLElement).click();
      await until(() => loaded(el), 'the popover texts to load');
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
      await until(() => loaded(el), 'the popover texts to load');
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
      el.open = true;
      await until(() => loaded(el), 'the popover texts to load');
      expect(text(part(el, 'endpoint'))).to.equal('No endpoint set');
      expect(part(el, 'url')).to.equal(null);
    });

    it('lists the counters given in `stats`, formatted for the language', async () => {
      const stats = { received: 12345, applied: 12000, rejected: 5, ignored: 40, duplicates: 300, reconnects: 2, dropped: 1500 };
      const el = await fixture<SseIndicator>(html`<sse-indicator state="open" .stats=${stats}></sse-indicator>`);
      el.open = true;
      await until(() => loaded(el), 'the popover texts to load');
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
      expect(text(part(el, 'label'))).to.equal('Connected (live updates)');
      const marks = [...button.children].filter((child) => child !== part(el, 'label'));
      expect(marks.map((child) => child.getAttribute('aria-hidden')), 'the accessible name is the visible state').to.deep.equal(['true', 'true']);
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
      expect(mark(el)).to.equal(mark(await indicator(CASES[1])));
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
      await until(() => isOpen(el) && loaded(el), 'the popover to open with its counters');
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
      el.open = true;
      await until(() => loaded(el), 'the popover with its counters');
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

  describe('where emoji are not drawn in colour', () => {
    it('shows what this browser draws: the emoji when it draws them in colour, else an icon beside the words', async () => {
      if (colourEmoji) {
        for (const c of CASES) expect(mark(await indicator(c)), c.name).to.equal(c.emoji);
      } else {
        await expectIcons((c) => indicator(c));
      }
    });

    it('draws the icons on a page whose canvas draws the emoji blank, as where no emoji font is installed', async () => {
      const page = await framePage('OffscreenCanvasRenderingContext2D.prototype.fillText = function () {};', 600, 200);
      try {
        await expectIcons((c) => indicatorIn(page.doc, c));
      } finally {
        page.remove();
      }
    });

    it('shows the emoji on a page whose canvas draws them in colour', async () => {
      const page = await framePage(
        "OffscreenCanvasRenderingContext2D.prototype.fillText = function () { this.fillStyle = '#e02020'; this.fillRect(2, 2, 12, 12); };",
        600,
        200,
      );
      try {
        for (const c of CASES) {
          const el = await indicatorIn(page.doc, c);
          expect(mark(el), c.name).to.equal(c.emoji);
          expect(part(el, 'emoji')!.getAttribute('aria-hidden')).to.equal('true');
          expect(text(part(el, 'label'))).to.equal(c.en);
        }
      } finally {
        page.remove();
      }
    });
  });

  describe('inside the viewport', () => {
    afterEach(() => setViewport({ width: 800, height: 600 }));

    const PLACES: Record<string, string> = {
      'at the top left': 'top: 8px; left: 8px',
      'at the top right': 'top: 8px; right: 4px',
      'in the middle': 'top: 40%; left: 35%',
      'at the bottom right': 'bottom: 4px; right: 4px',
      'at the bottom left': 'bottom: 4px; left: 4px',
    };

    for (const [width, height] of [
      [320, 568],
      [320, 400],
      [1280, 720],
    ] as const) {
      for (const [name, place] of Object.entries(PLACES)) {
        it(`keeps the popover in a ${width} × ${height} viewport, beside its trigger ${name}`, async () => {
          await setViewport({ width, height });
          const el = await fixture<SseIndicator>(html`<sse-indicator state="open" url="/api/containers/events" .stats=${BIG}></sse-indicator>`);
          el.style.cssText = `position: fixed; ${place}`;
          await openDetails(el);
          expectInView(el);
          const box = popover(el).getBoundingClientRect();
          const button = trigger(el).getBoundingClientRect();
          expect(box.top >= button.bottom || box.bottom <= button.top, 'under or over the trigger, never on it').to.equal(true);
          const room = document.documentElement.clientWidth - 8 - box.width;
          expect(box.left, 'level with the trigger, or slid just enough to stay in view').to.be.closeTo(Math.min(Math.max(8, button.left), room), 1);
          expectWholeNumbers(el);
          el.open = false;
          await until(() => !isOpen(el), 'the popover to close');
        });
      }
    }

    it('keeps the popover in view where the browser has no anchor positioning: in the middle of the viewport', async () => {
      const page = await framePage('CSS.supports = () => false;', 320, 480);
      try {
        for (const place of Object.values(PLACES)) {
          const el = await indicatorIn(page.doc, CASES[1], `position: fixed; ${place}`);
          el.stats = BIG;
          await openDetails(el);
          expectInView(el);
          const box = popover(el).getBoundingClientRect();
          expect(Math.abs(box.left - (320 - box.right)), 'centred across').to.be.below(1.5);
          expect(Math.abs(box.top - (480 - box.bottom)), 'centred down').to.be.below(1.5);
          expectWholeNumbers(el);
          el.open = false;
          await until(() => !isOpen(el), 'the popover to close');
          el.remove();
        }
      } finally {
        page.remove();
      }
    });

    it('opens transparent on a page that has not loaded its looks yet, and shows once they have', async () => {
      const page = await framePage('', 600, 400);
      try {
        const el = await indicatorIn(page.doc, CASES[1]);
        trigger(el).click();
        expect(isOpen(el)).to.equal(true);
        expect(getComputedStyle(popover(el)).opacity, 'before its looks have loaded').to.equal('0');
        await until(() => loaded(el), 'the popover texts and looks to load');
        await el.updateComplete;
        expect(getComputedStyle(popover(el)).opacity).to.equal('1');
        expect(getComputedStyle(popover(el)).borderTopStyle, 'its own border, not the browser’s').to.equal('solid');
        expect(getComputedStyle(popover(el)).borderTopWidth).to.equal('1px');
      } finally {
        page.remove();
      }
    });

    it('never breaks a counter across lines: fewer counters share a row on a narrow screen', async () => {
      await setViewport({ width: 320, height: 640 });
      const el = await fixture<SseIndicator>(html`<sse-indicator state="open" url="/e" .stats=${BIG}></sse-indicator>`);
      await openDetails(el);
      expectWholeNumbers(el);
      const rowsAt = () => new Set(parts(el, 'stat').map((node) => Math.round(node.getBoundingClientRect().top))).size;
      const narrow = rowsAt();
      el.open = false;
      await until(() => !isOpen(el), 'the popover to close');
      await setViewport({ width: 1280, height: 720 });
      await openDetails(el);
      expectWholeNumbers(el);
      expect(rowsAt(), 'more counters to a row on a wide screen').to.be.below(narrow);
    });
  });

  describe('focus', () => {
    /** Where focus is, in words: the part of `el` that has it, or the text of another element. */
    const focus = (el: SseIndicator) =>
      document.activeElement === el ? el.shadowRoot!.activeElement?.getAttribute('part') : text(document.activeElement);

    async function between() {
      const wrapper = await fixture<HTMLDivElement>(
        html`<div><button>before</button> <sse-indicator state="open" url="/e"></sse-indicator> <button>after</button></div>`,
      );
      const el = wrapper.querySelector('sse-indicator')!;
      await el.updateComplete;
      trigger(el).focus();
      await sendKeys({ press: 'Enter' });
      await until(() => isOpen(el) && el.open, 'the popover to open');
      return { el };
    }

    it('takes focus into the popover with Tab (it may scroll), keeps it open there, and closes it once Tab takes focus on past it', async () => {
      const { el } = await between();
      await sendKeys({ press: 'Tab' });
      await frames(2);
      expect(focus(el)).to.equal('popover');
      expect(isOpen(el) && el.open).to.equal(true);
      await sendKeys({ press: 'Tab' });
      await until(() => !isOpen(el) && !el.open, 'the popover to close');
      await frames(2);
      expect(focus(el), 'focus where it went').to.equal('after');
      expect(trigger(el).getAttribute('aria-expanded')).to.equal('false');
    });

    it('closes the popover when Shift+Tab takes focus back before it', async () => {
      const { el } = await between();
      await sendKeys({ down: 'Shift' });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ up: 'Shift' });
      await until(() => !isOpen(el) && !el.open, 'the popover to close');
      await frames(2);
      expect(focus(el)).to.equal('before');
    });

    it('returns focus to the trigger when Escape closes the popover from inside it', async () => {
      const { el } = await between();
      await sendKeys({ press: 'Tab' });
      await until(() => focus(el) === 'popover', 'focus in the popover');
      await sendKeys({ press: 'Escape' });
      await until(() => !isOpen(el) && !el.open, 'the popover to close');
      expect(focus(el)).to.equal('trigger');
    });

    it('stays open when clicked inside', async () => {
      const { el } = await between();
      await until(() => loaded(el), 'the popover texts to load');
      const box = part(el, 'note')!.getBoundingClientRect();
      await sendMouse({ type: 'click', position: [Math.round(box.left + 4), Math.round(box.top + box.height / 2)] });
      await frames(3);
      expect(isOpen(el) && el.open).to.equal(true);
      await sendMouse({ type: 'move', position: [0, 0] });
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

    const looks = [
      { name: 'light', wrap: (inner: unknown) => html`<div theme="light">${inner}</div>` },
      { name: 'dark from --le-color-scheme', wrap: (inner: unknown) => html`<div style="--le-color-scheme: dark">${inner}</div>` },
      { name: 'in Spanish', wrap: (inner: unknown) => html`<div lang="es">${inner}</div>` },
      { name: 'dark and in Spanish', wrap: (inner: unknown) => html`<div theme="dark" lang="es">${inner}</div>` },
    ];
    for (const look of looks) {
      it(`is accessible ${look.name} with the popover open, its texts and counters loaded, in every state`, async () => {
        for (const c of CASES) {
          const wrapper = await fixture<HTMLDivElement>(
            look.wrap(html`<sse-indicator state=${c.state} closed-reason=${c.reason ?? 'retrying'} url="/api/containers/events" .stats=${BIG}></sse-indicator>`),
          );
          const el = wrapper.querySelector('sse-indicator')!;
          await openDetails(el);
          if (look.name.includes('Spanish')) expect(text(part(el, 'label'))).to.equal(c.es);
          await expect(el).to.be.accessible();
        }
      });
    }

    it('follows --le-color-scheme: dark in the popover too', async () => {
      const light = await fixture<SseIndicator>(html`<sse-indicator state="open" url="/e"></sse-indicator>`);
      const wrapper = await fixture<HTMLDivElement>(html`<div style="--le-color-scheme: dark"><sse-indicator state="open" url="/e"></sse-indicator></div>`);
      const dark = wrapper.querySelector('sse-indicator')!;
      await openDetails(light);
      await openDetails(dark);
      expect(getComputedStyle(popover(dark)).backgroundColor).to.not.equal(getComputedStyle(popover(light)).backgroundColor);
      expect(getComputedStyle(part(dark, 'endpoint')!).backgroundColor).to.not.equal(getComputedStyle(part(light, 'endpoint')!).backgroundColor);
    });

    it('uses the dark palette under theme="dark"', async () => {
      const light = await indicator(CASES[1]);
      const wrapper = await fixture<HTMLDivElement>(html`<div theme="dark"><sse-indicator state="open"></sse-indicator></div>`);
      const dark = wrapper.querySelector('sse-indicator')!;
      await dark.updateComplete;
      expect(getComputedStyle(trigger(dark)).backgroundColor).to.not.equal(getComputedStyle(trigger(light)).backgroundColor);
      expect(getComputedStyle(popover(dark)).color).to.not.equal(getComputedStyle(popover(light)).color);
    });
  });
  describe('rate limits', () => {
    const soon = () => Date.now() + 90_000;
    const quota = (el: SseIndicator) => part(el, 'quota');
    /** What a screen reader says for the button: its text, without what is hidden from it. */
    const name = (el: SseIndicator) => {
      const copy = trigger(el).cloneNode(true) as HTMLElement;
      for (const hidden of copy.querySelectorAll('[aria-hidden="true"]')) hidden.remove();
      return text(copy);
    };
    const figures = (el: SseIndicator) => parts(el, 'limit').map((item) => [item.dataset.limit, text(item.querySelector('[part~="limit-value"]'))]);

    it('marks a quota near exhaustion on the button, in words for screen readers, without opening the popover', async () => {
      const el = await fixture<SseIndicator>(html`<sse-indicator state="open" url="/e" .rateLimit=${{ limit: 10, remaining: 1, reset: soon(), policy: 'actions', source: 'action' }}></sse-indicator>`);
      await until(() => quota(el) !== null, 'the marker');
      expect(isOpen(el)).to.equal(false);
      expect(name(el)).to.equal('Connected (live updates) Rate limit: 1 of 10 left');
      const visible = quota(el)!.querySelector('[aria-hidden="true"]')!;
      expect(text(visible)).to.equal('1/10');
      expect(trigger(el).getBoundingClientRect().right, 'inside the button').to.be.at.least(quota(el)!.getBoundingClientRect().right);
    });

    it('shows the last figures in the popover: left, reset time, policy, project, and where they came from', async () => {
      const reset = soon();
      const el = await fixture<SseIndicator>(
        html`<sse-indicator state="open" url="/e" .rateLimit=${{ limit: 60, remaining: 42, reset, policy: 'actions', projectId: 'web', source: 'stream' }}></sse-indicator>`,
      );
      await openDetails(el);
      expect(quota(el), 'plenty left: no marker').to.equal(null);
      const time = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(reset);
      expect(figures(el)).to.deep.equal([
        ['left', '42 of 60'],
        ['reset', time],
        ['policy', 'actions'],
        ['project', 'web'],
      ]);
      expect(text(part(el, 'limit-source'))).to.equal('The last figures the stream’s answer gave.');
      expect(parts(el, 'section-title').map(text)).to.include('Rate limit');
    });

    it('tells low from used up, and near exhaustion is a tenth or less', async () => {
      const make = (remaining: number, limit = 10) =>
        fixture<SseIndicator>(html`<sse-indicator state="open" .rateLimit=${{ limit, remaining, reset: soon() }}></sse-indicator>`);
      const low = await make(1);
      const out = await make(0);
      await until(() => quota(low) !== null && quota(out) !== null, 'the markers');
      expect(getComputedStyle(quota(out)!).backgroundColor).to.not.equal(getComputedStyle(quota(low)!).backgroundColor);
      expect(name(out)).to.contain('Rate limit: 0 of 10 left');
      const edge = await make(10, 100);
      const above = await make(11, 100);
      await until(() => quota(edge) !== null, 'the marker at a tenth');
      await frames(2);
      expect(quota(above)).to.equal(null);
    });

    it('never shows nonsense figures', async () => {
      for (const rateLimit of [
        { limit: 10, remaining: 11 },
        { limit: 0, remaining: 0 },
        { limit: 10, remaining: -1 },
        { limit: 10, remaining: 0.5 },
        { limit: NaN, remaining: 0 },
      ]) {
        const el = await fixture<SseIndicator>(html`<sse-indicator state="open" url="/e" .rateLimit=${rateLimit}></sse-indicator>`);
        await openDetails(el);
        expect(quota(el), JSON.stringify(rateLimit)).to.equal(null);
        expect(part(el, 'limits'), JSON.stringify(rateLimit)).to.equal(null);
      }
    });

    it('drops the marker when the window resets, with nothing else changing', async () => {
      const el = await fixture<SseIndicator>(html`<sse-indicator state="open" .rateLimit=${{ limit: 10, remaining: 0, reset: Date.now() + 400 }}></sse-indicator>`);
      await until(() => quota(el) !== null, 'the marker');
      await until(() => quota(el) === null, 'the marker to go at the reset', 2000);
      const past = await fixture<SseIndicator>(html`<sse-indicator state="open" .rateLimit=${{ limit: 10, remaining: 0, reset: Date.now() - 1000 }}></sse-indicator>`);
      await frames(3);
      expect(quota(past), 'a window already reset').to.equal(null);
    });

    it('follows the provider’s record, in Spanish', async () => {
      const root = await fixture<HTMLDivElement>(html`<div lang="es"><sse-provider><sse-indicator></sse-indicator></sse-provider></div>`);
      const provider = root.querySelector('sse-provider')!;
      const el = root.querySelector('sse-indicator')!;
      provider.store.setConnection({ rateLimit: { limit: 10, remaining: 1, reset: soon(), policy: 'actions', source: 'event' } });
      await until(() => quota(el) !== null, 'the marker');
      expect(name(el)).to.contain('Límite de peticiones: quedan 1 de 10');
      await openDetails(el);
      expect(figures(el)[0]).to.deep.equal(['left', '1 de 10']);
      expect(text(part(el, 'limit-source'))).to.equal('Las últimas cifras que dio un evento rate_limit.');
      provider.store.setConnection({ rateLimit: { limit: 10, remaining: 9, source: 'action' } });
      await until(() => quota(el) === null, 'the marker to go');
      expect(figures(el)).to.deep.equal([['left', '9 de 10']]);
    });

    for (const theme of ['light', 'dark'] as const) {
      for (const lang of ['en', 'es']) {
        it(`is accessible with the marker and the figures (${theme}, ${lang})`, async () => {
          const wrapper = await fixture<HTMLDivElement>(
            html`<div theme=${theme} lang=${lang} style="padding:8px;background:${theme === 'dark' ? '#0d1117' : '#ffffff'}">
              <sse-indicator state="open" url="/e" .rateLimit=${{ limit: 10, remaining: 1, reset: soon(), policy: 'actions', source: 'action' }}></sse-indicator>
              <sse-indicator state="closed" url="/e" .rateLimit=${{ limit: 10, remaining: 0, reset: soon() }}></sse-indicator>
            </div>`,
          );
          const [low, out] = [...wrapper.querySelectorAll('sse-indicator')];
          await until(() => quota(low!) !== null && quota(out!) !== null, 'the markers');
          await expect(low!).to.be.accessible();
          await expect(out!).to.be.accessible();
          await openDetails(low!);
          await expect(low!).to.be.accessible();
        });
      }
    }
  });
});
