import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, sendKeys, sendMouse } from '@web/test-runner-commands';
import '../src/live-toast-region/define.js';
import '../src/live-container-actions/define.js';
import '../src/sse-provider/define.js';
import '../src/live-status-badge/define.js';
import '../src/live-status-alert/define.js';
import '../src/live-logs-viewer/define.js';
import type { LiveToastRegion } from '../src/live-toast-region/live-toast-region.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import { ManualClock, MockBackend, type MockProjectSeed } from '../src/mock/index.js';
import { nextFrame, until } from './helpers.js';

const toasts = (el: LiveToastRegion) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="toast"]')];
const titles = (el: LiveToastRegion) => toasts(el).map((t) => t.querySelector('[part~="title"]')!.lastChild!.textContent!.trim());
const inside = (node: HTMLElement, name: string) => node.querySelector<HTMLElement>(`[part~="${name}"]`);
const announcer = (el: LiveToastRegion) => el.shadowRoot!.querySelector<HTMLElement>('[part~="announcer"]')!;

async function region(clock = new ManualClock(), attributes = '') {
  const wrapper = await fixture(html`<div><button id="outside">outside</button></div>`);
  wrapper.insertAdjacentHTML('beforeend', `<live-toast-region ${attributes}></live-toast-region>`);
  const el = wrapper.querySelector('live-toast-region')!;
  el.clock = clock;
  await el.updateComplete;
  return { el, clock };
}

async function settled(el: LiveToastRegion) {
  await el.updateComplete;
  await el.updateComplete;
}

function state(target: EventTarget, next: string, previous: string) {
  target.dispatchEvent(new CustomEvent('sse-state-change', { detail: { state: next, previous }, bubbles: true, composed: true }));
}

describe('<live-toast-region>', () => {
  afterEach(async () => {
    await sendMouse({ type: 'move', position: [0, 0] });
  });

  describe('show()', () => {
    it('shows a toast with icon, title, message and a Dismiss button, and announces it once, politely', async () => {
      const { el } = await region();
      const id = el.show({ kind: 'success', title: 'Saved', message: 'All good' });
      await settled(el);
      const [toast] = toasts(el);
      expect(toast.getAttribute('part')).to.equal('toast toast-success');
      expect(inside(toast, 'title')!.textContent!.trim()).to.equal('Success: Saved');
      expect(inside(toast, 'message')!.textContent).to.equal('All good');
      expect(inside(toast, 'icon')!.getAttribute('aria-hidden')).to.equal('true');
      const close = inside(toast, 'close')!;
      expect(close.localName).to.equal('button');
      // Named after its toast: a list of "Dismiss" buttons says nothing about which is which.
      expect(close.getAttribute('aria-label')).to.equal('Dismiss: Saved');
      expect(el.toasts).to.deep.equal([{ id, kind: 'success', title: 'Saved', message: 'All good' }]);
      // One polite live region; no toast is a live region of its own.
      const live = el.shadowRoot!.querySelectorAll('[aria-live], [role="alert"], [role="status"], [role="log"]');
      expect(live).to.have.length(1);
      expect(live[0] === announcer(el)).to.be.true;
      expect(announcer(el).getAttribute('aria-live')).to.equal('polite');
      expect(announcer(el).textContent!.replace(/\s+/g, ' ').trim()).to.equal('Success: Saved. All good');
      const base = el.shadowRoot!.querySelector('[part~="base"]')!;
      expect(base.getAttribute('role')).to.equal('region');
      expect(base.getAttribute('aria-label')).to.equal('Notifications');
    });

    it('renders text as text', async () => {
      const { el } = await region();
      el.show({ kind: 'error', title: '<img src=x onerror="window.__toastXss=1">', message: '<b>bold</b>' });
      await settled(el);
      expect(el.shadowRoot!.querySelector('img, b') == null).to.be.true;
      expect(toasts(el)[0].textContent).to.contain('<b>bold</b>');
    });

    it('stacks at most `max` toasts, dropping the oldest; the same key replaces', async () => {
      const { el } = await region(new ManualClock(), 'max="3"');
      for (const n of [1, 2, 3, 4, 5]) el.show({ title: `T${n}` });
      await settled(el);
      expect(titles(el)).to.deep.equal(['T3', 'T4', 'T5']);
      el.show({ title: 'K1', key: 'k' });
      el.show({ title: 'K2', key: 'k' });
      await settled(el);
      expect(titles(el)).to.deep.equal(['T4', 'T5', 'K2']);
    });

    it('positions: bottom-end by default, top-* stack newest first, inline stays in the flow', async () => {
      const { el } = await region();
      expect(el.position).to.equal('bottom-end');
      expect(getComputedStyle(el).position).to.equal('fixed');
      const base = el.shadowRoot!.querySelector('[part~="base"]')!;
      expect(getComputedStyle(base).flexDirection).to.equal('column');
      el.position = 'top-start';
      await el.updateComplete;
      expect(getComputedStyle(base).flexDirection).to.equal('column-reverse');
      expect(getComputedStyle(el).top).to.equal('16px');
      el.position = 'inline';
      await el.updateComplete;
      expect(getComputedStyle(el).position).to.equal('relative');
    });
  });

  describe('dismissal', () => {
    it('dismisses itself after `duration`; warnings take twice as long; errors stay', async () => {
      const { el, clock } = await region(new ManualClock(), 'duration="4000"');
      el.show({ kind: 'success', title: 'ok' });
      el.show({ kind: 'warning', title: 'careful' });
      el.show({ kind: 'error', title: 'broken' });
      await settled(el);
      clock.advance(3999);
      await settled(el);
      expect(titles(el)).to.deep.equal(['ok', 'careful', 'broken']);
      clock.advance(1);
      await settled(el);
      expect(titles(el)).to.deep.equal(['careful', 'broken']);
      clock.advance(4000);
      await settled(el);
      expect(titles(el)).to.deep.equal(['broken']);
      clock.advance(600_000);
      await settled(el);
      expect(titles(el)).to.deep.equal(['broken']);
      expect(clock.pending, 'no timer for a toast that stays').to.equal(0);
      el.show({ kind: 'error', title: 'timed', duration: 1000 });
      clock.advance(1000);
      await settled(el);
      expect(titles(el)).to.deep.equal(['broken']);
    });

    it('one timer for the whole region, cleared on disconnect', async () => {
      const { el, clock } = await region();
      for (let i = 0; i < 4; i++) el.show({ title: `t${i}` });
      expect(clock.pending).to.equal(1);
      el.remove();
      expect(clock.pending).to.equal(0);
    });

    it('the Dismiss button closes a toast', async () => {
      const { el } = await region();
      el.show({ title: 'one' });
      el.show({ title: 'two' });
      await settled(el);
      inside(toasts(el)[0], 'close')!.click();
      await settled(el);
      expect(titles(el)).to.deep.equal(['two']);
      el.clear();
      await settled(el);
      expect(toasts(el)).to.have.length(0);
      expect(el.shadowRoot!.querySelector('[part~="base"]')!.hasAttribute('role'), 'no empty landmark').to.be.false;
    });

    it('by keyboard: Tab to Dismiss, Enter closes, focus moves on, Escape closes, focus returns', async () => {
      const { el, clock } = await region();
      el.show({ title: 'one' });
      el.show({ title: 'two' });
      el.show({ title: 'three' });
      await settled(el);
      const outside = document.getElementById('outside')!;
      outside.focus();
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement === inside(toasts(el)[0], 'close')).to.be.true;
      await sendKeys({ press: 'Enter' });
      await settled(el);
      expect(titles(el)).to.deep.equal(['two', 'three']);
      expect(el.shadowRoot!.activeElement === inside(toasts(el)[0], 'close'), 'the next toast').to.be.true;
      await sendKeys({ press: 'Space' });
      await settled(el);
      expect(titles(el)).to.deep.equal(['three']);
      // Focus inside pauses the countdown.
      clock.advance(60_000);
      await settled(el);
      expect(titles(el)).to.deep.equal(['three']);
      await sendKeys({ press: 'Escape' });
      await settled(el);
      expect(toasts(el)).to.have.length(0);
      expect(document.activeElement === outside, 'focus back where it came from').to.be.true;
    });
  });

  describe('pausing', () => {
    it('pauses while a toast is hovered, keeping the time left', async () => {
      const { el, clock } = await region(new ManualClock(), 'duration="5000"');
      el.show({ title: 'hover me' });
      await settled(el);
      clock.advance(3000);
      const box = toasts(el)[0].getBoundingClientRect();
      await sendMouse({ type: 'move', position: [Math.round(box.left + 20), Math.round(box.top + box.height / 2)] });
      await until(() => clock.pending === 0, 'the countdown to pause');
      clock.advance(60_000);
      await settled(el);
      expect(titles(el)).to.deep.equal(['hover me']);
      await sendMouse({ type: 'move', position: [0, 0] });
      await until(() => clock.pending === 1, 'the countdown to resume');
      clock.advance(1999);
      await settled(el);
      expect(titles(el)).to.deep.equal(['hover me']);
      clock.advance(1);
      await settled(el);
      expect(toasts(el)).to.have.length(0);
    });

    it('pauses while focus is inside, resumes when it leaves', async () => {
      const { el, clock } = await region(new ManualClock(), 'duration="5000"');
      el.show({ title: 'focus me' });
      await settled(el);
      inside(toasts(el)[0], 'close')!.focus();
      clock.advance(10_000);
      await settled(el);
      expect(titles(el)).to.deep.equal(['focus me']);
      document.getElementById('outside')!.focus();
      clock.advance(4999);
      await settled(el);
      expect(titles(el)).to.deep.equal(['focus me']);
      clock.advance(1);
      await settled(el);
      expect(toasts(el)).to.have.length(0);
    });
  });

  describe('provider events', () => {
    it('"connected" once when the mock provider opens; not for a flap; "restored" after a real outage', async () => {
      const clock = new ManualClock();
      const backend = new MockBackend({ clock, autoplay: false, latency: 0, projects: [{ projectId: 'site', name: 'Site', status: 'running' }] });
      const provider = await fixture<SseProvider>(html`<sse-provider .mockBackend=${backend}><live-toast-region></live-toast-region></sse-provider>`);
      const el = provider.querySelector('live-toast-region')!;
      el.clock = clock;
      await until(() => {
        clock.advance(1);
        return provider.state === 'open';
      }, 'the mock stream to open');
      await settled(el);
      expect(titles(el)).to.deep.equal(['SSE connection established']);
      expect(el.toasts[0].kind).to.equal('success');

      el.clear();
      state(provider, 'closed', 'open');
      clock.advance(500);
      state(provider, 'connecting', 'closed');
      state(provider, 'open', 'connecting');
      await settled(el);
      expect(toasts(el), 'a flap shows nothing').to.have.length(0);

      state(provider, 'closed', 'open');
      clock.advance(3000);
      state(provider, 'open', 'closed');
      await settled(el);
      expect(titles(el)).to.deep.equal(['Connection restored']);
    });

    it('a warning on auto_shutdown, with the project name and the reason', async () => {
      const clock = new ManualClock();
      const backend = new MockBackend({ clock, autoplay: false, latency: 0, projects: [{ projectId: 'site', name: 'Site', status: 'running' }] });
      const provider = await fixture<SseProvider>(html`<sse-provider .mockBackend=${backend}><live-toast-region></live-toast-region></sse-provider>`);
      const el = provider.querySelector('live-toast-region')!;
      el.clock = clock;
      await until(() => {
        clock.advance(1);
        return provider.state === 'open';
      }, 'the mock stream to open');
      el.clear();
      backend.emit('auto_shutdown', { projectId: 'site', reason: 'No requests received in the last 30 minutes', inactiveTime: '30m' });
      await settled(el);
      expect(el.toasts).to.have.length(1);
      expect(el.toasts[0]).to.include({
        kind: 'warning',
        title: 'Container paused due to inactivity',
        message: 'Site: No requests received in the last 30 minutes (30m)',
      });
      expect(inside(toasts(el)[0], 'icon')!.querySelector('svg') != null).to.be.true;
    });

    it('action results: success from the mock, errors until dismissed with the status', async () => {
      const clock = new ManualClock();
      const backend = new MockBackend({ clock, autoplay: false, latency: 0, projects: [{ projectId: 'site', name: 'Site', status: 'stopped' }] });
      const provider = await fixture<SseProvider>(
        html`<sse-provider .mockBackend=${backend}
          ><live-container-actions project-id="site"></live-container-actions><live-toast-region></live-toast-region
        ></sse-provider>`,
      );
      const el = provider.querySelector('live-toast-region')!;
      const actions = provider.querySelector('live-container-actions')!;
      el.clock = clock;
      await until(() => {
        clock.advance(1);
        return provider.state === 'open';
      }, 'the mock stream to open');
      await nextFrame();
      await actions.updateComplete;
      el.clear();
      const done = oneEvent(provider, 'action-success');
      actions.shadowRoot!.querySelector<HTMLElement>('[part~="start"]')!.click();
      clock.advance(0);
      await done;
      await settled(el);
      // The mock's start begins a deployment, and the toast says so.
      expect(el.toasts).to.deep.equal([{ id: el.toasts[0].id, kind: 'success', title: 'Deployment started', message: 'Site' }]);

      actions.dispatchEvent(
        new CustomEvent('action-error', { detail: { projectId: 'site', action: 'stop', status: 409, message: 'Project is not running' }, bubbles: true, composed: true }),
      );
      actions.dispatchEvent(
        new CustomEvent('action-error', { detail: { projectId: 'site', action: 'retry', status: 0, message: 'Failed to fetch' }, bubbles: true, composed: true }),
      );
      await settled(el);
      expect(el.toasts.slice(1).map(({ kind, title, message }) => ({ kind, title, message }))).to.deep.equal([
        { kind: 'error', title: 'Could not stop the container', message: 'Site: Project is not running (HTTP 409)' },
        { kind: 'error', title: 'Could not retry the deployment', message: 'Site: Failed to fetch' },
      ]);
    });

    it('listens to its nearest provider only, or the one named in `for`, or the document', async () => {
      const wrapper = await fixture(html`<div>
        <sse-provider id="a"><live-toast-region id="in-a"></live-toast-region></sse-provider>
        <sse-provider id="b"><span id="in-b"></span></sse-provider>
        <live-toast-region id="for-b" for="b"></live-toast-region>
        <live-toast-region id="everything"></live-toast-region>
      </div>`);
      const [inA, forB, everything] = ['in-a', 'for-b', 'everything'].map((id) => wrapper.querySelector<LiveToastRegion>(`#${id}`)!);
      const success = (target: Element, projectId: string) =>
        target.dispatchEvent(new CustomEvent('action-success', { detail: { projectId, action: 'stop', response: {} }, bubbles: true, composed: true }));
      success(wrapper.querySelector('#in-b')!, 'from-b');
      success(inA, 'from-a');
      await Promise.all([inA, forB, everything].map(settled));
      expect(inA.toasts.map((t) => t.message)).to.deep.equal(['from-a']);
      expect(forB.toasts.map((t) => t.message)).to.deep.equal(['from-b']);
      expect(everything.toasts.map((t) => t.message)).to.deep.equal(['from-b', 'from-a']);
      for (const el of [inA, forB, everything]) el.clear();
    });

    it('finds its provider through context from inside a shadow root, and follows it when moved to another', async () => {
      const wrapper = await fixture(html`<div><sse-provider id="a"></sse-provider><sse-provider id="b"></sse-provider></div>`);
      const [a, b] = ['a', 'b'].map((id) => wrapper.querySelector<SseProvider>(`#${id}`)!) as [SseProvider, SseProvider];
      const host = document.createElement('div');
      host.attachShadow({ mode: 'open' }).innerHTML = '<live-toast-region></live-toast-region>';
      a.append(host);
      const el = host.shadowRoot!.querySelector('live-toast-region')!;
      await settled(el);
      const success = (target: Element, projectId: string) =>
        target.dispatchEvent(new CustomEvent('action-success', { detail: { projectId, action: 'stop', response: {} }, bubbles: true, composed: true }));
      success(a, 'from-a');
      success(b, 'from-b');
      await settled(el);
      expect(el.toasts.map((t) => t.message)).to.deep.equal(['from-a']);
      b.append(host);
      await settled(el);
      success(a, 'from-a again');
      success(b, 'from-b again');
      await settled(el);
      expect(el.toasts.map((t) => t.message)).to.deep.equal(['from-a', 'from-b again']);
      // Moved out of every provider: the whole document, not the provider it left.
      wrapper.append(host);
      await settled(el);
      success(b, 'from-b, heard from the document');
      await settled(el);
      expect(el.toasts.map((t) => t.message)).to.deep.equal(['from-a', 'from-b again', 'from-b, heard from the document']);
      const outside = document.createElement('span');
      wrapper.append(outside);
      success(outside, 'outside');
      await settled(el);
      expect(el.toasts.at(-1)?.message).to.equal('outside');
      el.clear();
    });

    it('a host that cancels nothing still gets every event: the region only listens', async () => {
      const provider = await fixture<SseProvider>(html`<sse-provider><live-toast-region></live-toast-region></sse-provider>`);
      let heard = 0;
      provider.addEventListener('auto-shutdown', () => heard++);
      provider.dispatchEvent(new CustomEvent('auto-shutdown', { detail: { projectId: 'x', reason: 'idle', inactiveTime: 60 }, bubbles: true, composed: true }));
      expect(heard).to.equal(1);
      const el = provider.querySelector('live-toast-region')!;
      await settled(el);
      expect(el.toasts[0].message).to.equal('x: idle');
    });
  });

  describe('deployment outcomes and announcements, from the stream alone', () => {
    /** A provider on a mock stream with `markup` inside, open, the region's toasts cleared, and what its live region says from then on. */
    async function onMock(markup: string, backend: MockBackend, clock: ManualClock) {
      const wrapper = await fixture<HTMLElement>(html`<div></div>`);
      wrapper.innerHTML = `<sse-provider>${markup}</sse-provider>`;
      const provider = wrapper.querySelector('sse-provider')!;
      provider.mockBackend = backend;
      const el = provider.querySelector('live-toast-region')!;
      el.clock = clock;
      await until(() => {
        clock.advance(1);
        return provider.state === 'open';
      }, 'the mock stream to open');
      await nextFrame();
      el.clear();
      const said: string[] = [];
      new MutationObserver((records) => {
        for (const record of records) for (const node of record.addedNodes) if (node instanceof HTMLElement) said.push(node.textContent!.trim());
      }).observe(announcer(el), { childList: true });
      return { provider, el, said };
    }

    async function streaming(attributes = '', projects: MockProjectSeed[] = [{ projectId: 'site', name: 'Site', status: 'deploying' }]) {
      const clock = new ManualClock();
      const backend = new MockBackend({ clock, autoplay: false, latency: 0, projects });
      const { provider, el, said } = await onMock(`<live-toast-region ${attributes}></live-toast-region>`, backend, clock);
      const status = (oldStatus: string | undefined, newStatus: string) =>
        backend.emit('container_status_changed', { projectId: 'site', ...(oldStatus ? { oldStatus } : {}), newStatus, timestamp: new Date().toISOString() });
      const line = (message: string, level = 'info', step?: string) =>
        backend.emit('deployment_progress', { projectId: 'site', message, level, ...(step ? { step } : {}), timestamp: new Date().toISOString() });
      return { el, provider, backend, status, line, said };
    }

    it('a deployment that ends running: "Deployment succeeded", with the project', async () => {
      const { el, status, said } = await streaming();
      status('deploying', 'running');
      await settled(el);
      expect(el.toasts.map(({ kind, title, message }) => ({ kind, title, message }))).to.deep.equal([
        { kind: 'success', title: 'Deployment succeeded', message: 'Site' },
      ]);
      expect(said).to.deep.equal(['Success: Deployment succeeded. Site']);
    });

    it('a deployment that ends in error: an error toast with the last error line, staying until dismissed', async () => {
      const { el, status, line, said } = await streaming();
      line('Building image', 'info', 'Build');
      line('npm ERR! missing script: build', 'error', 'Build');
      status('deploying', 'error');
      await settled(el);
      expect(el.toasts.map(({ kind, title, message }) => ({ kind, title, message }))).to.deep.equal([
        { kind: 'error', title: 'Deployment failed', message: 'Site: npm ERR! missing script: build' },
      ]);
      expect(said).to.deep.equal(['Error: Deployment failed. Site: npm ERR! missing script: build']);
      expect(inside(toasts(el)[0], 'close')!.getAttribute('aria-label')).to.equal('Dismiss: Deployment failed');
    });

    it('a running container that crashes: "Container crashed"; the region remembers the status when the event has no oldStatus', async () => {
      const { el, status } = await streaming('', [{ projectId: 'site', name: 'Site', status: 'stopped' }]);
      status(undefined, 'running');
      await settled(el);
      expect(el.toasts).to.deep.equal([]);
      status(undefined, 'error');
      await settled(el);
      expect(el.toasts.map(({ kind, title }) => ({ kind, title }))).to.deep.equal([{ kind: 'error', title: 'Container crashed' }]);
    });

    it("the event's oldStatus wins over what the region last heard (a snapshot may have moved the project)", async () => {
      const { el, status } = await streaming('', [{ projectId: 'site', name: 'Site', status: 'stopped' }]);
      status(undefined, 'running');
      await settled(el);
      // Moved to deploying without an event here (a snapshot, a refresh), then the deployment ends.
      status('deploying', 'running');
      await settled(el);
      expect(el.toasts.map(({ title }) => title)).to.deep.equal(['Deployment succeeded']);
      // The same change told twice is one toast.
      status('deploying', 'running');
      await settled(el);
      expect(el.toasts).to.have.length(1);
    });

    it('announce="errors" (the default): a change to error with no toast is said in a few words; other changes are not', async () => {
      const { el, status, line, said } = await streaming('', [{ projectId: 'site', name: 'Site', status: 'stopped' }]);
      expect(el.announce).to.equal('errors');
      status('stopped', 'deploying');
      line('Cloning', 'info', 'Clone');
      await settled(el);
      status('deploying', 'stopped');
      await settled(el);
      status('stopped', 'error');
      await settled(el);
      expect(said).to.deep.equal(['Site: Error']);
      expect(el.toasts).to.deep.equal([]);
    });

    it('announce="status": every status change and each new step, once, in a few words; the region keeps the last three', async () => {
      const { el, status, line, said } = await streaming('announce="status" lang="es"', [{ projectId: 'site', name: 'Site', status: 'stopped' }]);
      status('stopped', 'deploying');
      await settled(el);
      line('Cloning', 'info', 'Clone');
      line('Still cloning', 'info', 'Clone');
      line('Installing', 'info', 'Install');
      await settled(el);
      status('deploying', 'running');
      await settled(el);
      expect(said).to.deep.equal(['Site: Desplegando', 'Site: Clone', 'Site: Install', 'Éxito: Despliegue completado. Site']);
      expect(announcer(el).querySelectorAll('p')).to.have.length(3);
    });

    it('on a details page, one live region says the deployment in short texts: no alert, badge or log re-reads itself', async () => {
      const clock = new ManualClock();
      const backend = new MockBackend({ clock, seed: 7, latency: 0, projects: [{ projectId: 'site', name: 'Site', status: 'stopped' }] });
      const { provider, el, said } = await onMock(
        `<live-status-badge project-id="site"></live-status-badge>
        <live-status-alert project-id="site"></live-status-alert>
        <live-container-actions project-id="site"></live-container-actions>
        <live-logs-viewer project-id="site" style="height:200px"></live-logs-viewer>
        <live-toast-region announce="status"></live-toast-region>`,
        backend,
        clock,
      );
      // Every live region on the page, across shadow roots, and every change inside them.
      const regions: Element[] = [];
      const walk = (root: Document | ShadowRoot) => {
        for (const node of root.querySelectorAll('*')) {
          const role = node.getAttribute('role');
          const live = node.getAttribute('aria-live');
          if ((live && live !== 'off') || role === 'status' || role === 'alert' || role === 'log' && live !== 'off') regions.push(node);
          if (node.shadowRoot) walk(node.shadowRoot);
        }
      };
      const actions = provider.querySelector('live-container-actions')!;
      await actions.updateComplete;
      actions.shadowRoot!.querySelector<HTMLElement>('[part~="start"]')!.click();
      // Run the deployment to its end, watching the page's live regions as they come and go.
      const seen = new Set<Element>();
      for (let i = 0; i < 400 && (i < 4 || provider.store.getProject('site')?.status === 'deploying'); i++) {
        clock.advance(250);
        await nextFrame();
        regions.length = 0;
        walk(document);
        for (const region of regions) {
          if (seen.has(region)) continue;
          seen.add(region);
        }
      }
      await settled(el);
      expect(provider.store.getProject('site')?.status).to.equal('running');
      expect([...seen].map((node) => node.getAttribute('part'))).to.deep.equal(['announcer']);
      // Short texts, each once: the start (its answer may come after the first step), the status, each
      // step, the outcome.
      expect(said[0]).to.equal('Site: Deploying');
      const steps = said.slice(1, -1).filter((text) => text !== 'Success: Deployment started. Site');
      expect(steps).to.have.length(said.length - 3);
      expect(steps.every((text) => /^Site: \w/.test(text) && text.length < 40), said.join(' | ')).to.be.true;
      expect(new Set(said).size).to.equal(said.length);
      expect(said.length).to.be.within(4, 12);
      expect(said.at(-1)).to.equal('Success: Deployment succeeded. Site');
    });
  });

  describe('desktop notifications', () => {
    const original = Object.getOwnPropertyDescriptor(window, 'Notification');
    let shown: { title: string; options?: NotificationOptions }[];
    let asked: number;
    let permission: NotificationPermission;
    beforeEach(() => {
      shown = [];
      asked = 0;
      permission = 'default';
      class FakeNotification {
        static get permission() {
          return permission;
        }
        static async requestPermission() {
          asked++;
          permission = 'granted';
          return permission;
        }
        constructor(title: string, options?: NotificationOptions) {
          shown.push({ title, options });
        }
      }
      Object.defineProperty(window, 'Notification', { value: FakeNotification, configurable: true, writable: true });
    });
    afterEach(() => {
      if (original) Object.defineProperty(window, 'Notification', original);
      delete (document as { visibilityState?: string }).visibilityState;
      delete (document as { hasFocus?: unknown }).hasFocus;
    });

    it('asks for permission only from the button in a warning or error toast', async () => {
      const { el } = await region(new ManualClock(), 'desktop-notifications');
      el.show({ kind: 'success', title: 'ok' });
      el.show({ kind: 'warning', title: 'idle', desktop: true });
      await settled(el);
      expect(asked).to.equal(0);
      expect(inside(toasts(el)[0], 'enable-desktop') == null).to.be.true;
      const enable = inside(toasts(el)[1], 'enable-desktop')!;
      expect(enable.textContent!.trim()).to.equal('Enable desktop notifications');
      enable.click();
      await until(() => asked === 1, 'the permission request');
      await settled(el);
      expect(inside(toasts(el)[1], 'enable-desktop') == null, 'gone once decided').to.be.true;
    });

    it('raises one for each important event while the page has no focus, at most one a second', async () => {
      // The page's focus is emulated here by overriding `document.hasFocus`; the real focus and the
      // real permission are in live-toast-region-alerts.test.ts.
      permission = 'granted';
      const provider = await fixture<SseProvider>(html`<sse-provider><live-toast-region desktop-notifications></live-toast-region></sse-provider>`);
      const el = provider.querySelector('live-toast-region')!;
      const clock = new ManualClock();
      el.clock = clock;
      const send = (type: string, detail: object) => provider.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
      const shutdown = () => send('auto-shutdown', { projectId: 'web', reason: 'idle', inactiveTime: '5m' });
      shutdown();
      clock.advance(1000);
      await nextFrame();
      expect(shown, 'a page with focus: the toast is enough').to.have.length(0);
      Object.defineProperty(document, 'hasFocus', { value: () => false, configurable: true });
      shutdown();
      clock.advance(1000);
      send('action-error', { projectId: 'web', action: 'start', status: 500, message: 'boom' });
      send('action-error', { projectId: 'web', action: 'stop', status: 500, message: 'within the second' });
      send('action-success', { projectId: 'web', action: 'start' });
      clock.advance(1000);
      send('action-success', { projectId: 'web', action: 'stop' });
      await until(() => shown.length === 2, 'two notifications');
      await nextFrame();
      expect(shown.map((n) => [n.title, n.options?.body])).to.deep.equal([
        ['Container paused due to inactivity', 'web: idle (5m)'],
        ['Could not start the container', 'web: boom (HTTP 500)'],
      ]);
      // Tagged with this page's id and the toast key: a newer one replaces it (and says so again); a
      // toast with no key has its id, so another tab's toast number 3 is not this one's.
      const [page, key] = [shown[0].options!.tag!.split(':')[0], shown[0].options!.tag!.slice(shown[0].options!.tag!.indexOf(':') + 1)];
      expect(key).to.equal('auto-shutdown:web');
      expect(shown[0].options).to.include({ renotify: true });
      expect(shown[1].options?.tag).to.match(new RegExp(`^${page}:\\d+$`));
      el.removeAttribute('desktop-notifications');
      await el.updateComplete;
      clock.advance(1000);
      shutdown();
      await nextFrame();
      expect(shown).to.have.length(2);
    });
  });

  describe('accessibility', () => {
    for (const theme of ['light', 'dark']) {
      it(`is accessible with every kind of toast (${theme})`, async () => {
        const wrapper = await fixture(
          html`<div theme=${theme} style="min-height:400px;background:${theme === 'dark' ? '#0d1117' : '#fff'}">
            <live-toast-region position="inline"></live-toast-region>
          </div>`,
        );
        const el = wrapper.querySelector('live-toast-region')!;
        el.clock = new ManualClock();
        await expect(el).to.be.accessible();
        el.show({ kind: 'info', title: 'Info', message: 'Something to know' });
        el.show({ kind: 'success', title: 'Container started', message: 'API Gateway' });
        el.show({ kind: 'warning', title: 'Container paused due to inactivity', message: 'Web: idle' });
        el.show({ kind: 'error', title: 'Could not stop the container', message: 'Web: 409' });
        await settled(el);
        await expect(el).to.be.accessible();
      });
    }

    describe('reduced motion', () => {
      afterEach(() => emulateMedia({ reducedMotion: 'no-preference' }));
      it('toasts slide in only without prefers-reduced-motion', async () => {
        const { el } = await region();
        el.show({ title: 'moving' });
        await settled(el);
        expect(getComputedStyle(toasts(el)[0]).animationName).to.equal('toast-in');
        await emulateMedia({ reducedMotion: 'reduce' });
        expect(getComputedStyle(toasts(el)[0]).animationName).to.equal('none');
      });
    });
  });
});
