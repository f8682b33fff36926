import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../src/live-status-badge/define.js';
import '../src/sse-provider/define.js';
import type { LiveStatusBadge } from '../src/live-status-badge/live-status-badge.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import type { ContainerStatus } from '../src/core/protocol.js';
import { ManualClock, MockBackend } from '../src/mock/index.js';
import { frames, nextFrame, until } from './helpers.js';

const STATUSES: ContainerStatus[] = ['running', 'deploying', 'stopped', 'inactive', 'error'];
const EN: Record<string, string> = { running: 'Running', deploying: 'Deploying', stopped: 'Stopped', inactive: 'Inactive', error: 'Error' };
const ES: Record<string, string> = { running: 'Activo', deploying: 'Desplegando', stopped: 'Detenido', inactive: 'Inactivo', error: 'Error' };

const part = (el: LiveStatusBadge, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const label = (el: LiveStatusBadge) => part(el, 'label')!.textContent!.trim();
const animation = (el: LiveStatusBadge, name: string) => getComputedStyle(part(el, name)!).animationName;
/** Waits until the part's animation is `name`: a badge animates once the page's observer has seen it. */
const animates = (el: LiveStatusBadge, name: string, keyframes: string) =>
  until(() => animation(el, name) === keyframes, `${name} to be ${keyframes}`);

/** A provider whose store the test drives directly (no url, no mock: it never connects). */
async function inProvider(badges: string) {
  const root = await fixture<SseProvider>(html`<sse-provider>${badgesTemplate(badges)}</sse-provider>`);
  return { provider: root, store: root.store };
}
function badgesTemplate(ids: string) {
  return ids.split(' ').map((id) => html`<live-status-badge project-id=${id}></live-status-badge>`);
}

function setStatus(store: SseProvider['store'], projectId: string, newStatus: ContainerStatus) {
  store.apply({ type: 'container_status_changed', data: { projectId, newStatus, timestamp: '2026-01-01T12:00:00Z' } });
}

describe('<live-status-badge>', () => {
  describe('presentational mode', () => {
    for (const status of STATUSES) {
      it(`shows ${status} with its text label and an aria-hidden icon`, async () => {
        const el = await fixture<LiveStatusBadge>(html`<live-status-badge status=${status}></live-status-badge>`);
        expect(label(el)).to.equal(EN[status]);
        expect(el.getAttribute('status')).to.equal(status);
        const icon = part(el, 'icon')!;
        expect(icon.getAttribute('aria-hidden')).to.equal('true');
        expect(icon.querySelector('svg'), 'an icon shape').to.exist;
        expect(part(el, 'base')).to.exist;
      });
    }

    it('pulses only while running and spins only while deploying', async () => {
      const el = await fixture<LiveStatusBadge>(html`<live-status-badge status="running"></live-status-badge>`);
      expect(part(el, 'pulse')).to.exist;
      expect(part(el, 'spinner')).to.not.exist;
      await animates(el, 'pulse', 'badge-pulse');
      el.status = 'deploying';
      await el.updateComplete;
      expect(part(el, 'pulse')).to.not.exist;
      await animates(el, 'spinner', 'badge-spin');
      for (const status of ['stopped', 'inactive', 'error'] as const) {
        el.status = status;
        await el.updateComplete;
        expect(part(el, 'pulse'), status).to.not.exist;
        expect(part(el, 'spinner'), status).to.not.exist;
        expect(getComputedStyle(part(el, 'icon')!).animationName, status).to.equal('none');
      }
    });

    it('gives every status its own icon shape and colour, so colour is never the only cue', async () => {
      const shapes = new Set<string>();
      const colours = new Map<string, string>();
      for (const status of [...STATUSES, undefined]) {
        const el = await fixture<LiveStatusBadge>(html`<live-status-badge status=${status ?? ''}></live-status-badge>`);
        shapes.add(part(el, 'icon')!.querySelector('svg')!.innerHTML.replace(/<!--.*?-->/g, ''));
        colours.set(status ?? 'unknown', getComputedStyle(part(el, 'icon')!).color);
      }
      expect(shapes.size).to.equal(6);
      expect(colours.get('running')).to.not.equal(colours.get('error'));
      expect(colours.get('running')).to.not.equal(colours.get('deploying'));
      expect(colours.get('error')).to.not.equal(colours.get('stopped'));
    });

    it('changes status in place: the icon keeps its nodes, so a busy dashboard creates none', async () => {
      const el = await fixture<LiveStatusBadge>(html`<live-status-badge status="running"></live-status-badge>`);
      const nodes = [...part(el, 'icon')!.querySelectorAll('*')];
      for (const status of [...STATUSES, 'unknown', 'running'] as ContainerStatus[]) {
        el.status = status;
        await el.updateComplete;
        const now = [...part(el, 'icon')!.querySelectorAll('*')];
        expect(now.length, status).to.equal(nodes.length);
        now.forEach((node, i) => expect(node === nodes[i], `${status}: node ${i} kept`).to.equal(true));
      }
    });

    it('shows a neutral "Unknown" state without a status or with one it does not know', async () => {
      const none = await fixture<LiveStatusBadge>(html`<live-status-badge></live-status-badge>`);
      expect(label(none)).to.equal('Unknown');
      expect(none.hasAttribute('status')).to.equal(false);
      const bogus = await fixture<LiveStatusBadge>(html`<live-status-badge status="exploded"></live-status-badge>`);
      expect(label(bogus)).to.equal('Unknown');
      expect(part(bogus, 'pulse')).to.not.exist;
      expect(part(bogus, 'spinner')).to.not.exist;
    });

    it('renders a markup payload in the status attribute as nothing but the neutral state', async () => {
      const payload = '<img src=x onerror="window.__badgeXss=1">';
      const el = await fixture<LiveStatusBadge>(html`<live-status-badge status=${payload}></live-status-badge>`);
      expect(el.shadowRoot!.querySelector('img')).to.equal(null);
      expect(label(el)).to.equal('Unknown');
      expect((window as unknown as { __badgeXss?: number }).__badgeXss).to.equal(undefined);
    });

    it('updates when the status attribute changes', async () => {
      const el = await fixture<LiveStatusBadge>(html`<live-status-badge status="stopped"></live-status-badge>`);
      el.setAttribute('status', 'error');
      await el.updateComplete;
      expect(label(el)).to.equal('Error');
      el.removeAttribute('status');
      await el.updateComplete;
      expect(label(el)).to.equal('Unknown');
    });

    it('speaks the nearest lang, and follows it when it changes', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div lang="es-MX">${STATUSES.map((s) => html`<live-status-badge status=${s}></live-status-badge>`)}</div>`);
      const badges = [...wrapper.querySelectorAll('live-status-badge')];
      await Promise.all(badges.map((b) => b.updateComplete));
      expect(badges.map(label)).to.deep.equal(STATUSES.map((s) => ES[s]));
      wrapper.setAttribute('lang', 'en');
      await until(() => label(badges[0]) === 'Running', 'the English label');
      const none = await fixture<LiveStatusBadge>(html`<div lang="es"><live-status-badge></live-status-badge></div>`);
      const inner = none.querySelector('live-status-badge')!;
      await inner.updateComplete;
      expect(label(inner)).to.equal('Desconocido');
    });

    it('follows a local colour property set on an ancestor', async () => {
      const wrapper = await fixture<HTMLDivElement>(
        html`<div style="--badge-running-color: rgb(1, 2, 3)"><live-status-badge status="running"></live-status-badge></div>`,
      );
      const el = wrapper.querySelector('live-status-badge')!;
      await el.updateComplete;
      expect(getComputedStyle(part(el, 'icon')!).color).to.equal('rgb(1, 2, 3)');
    });
  });

  describe('announcements', () => {
    it('is not a live region by default, so a dashboard of badges stays quiet', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div>${STATUSES.map((s) => html`<live-status-badge status=${s}></live-status-badge>`)}</div>`);
      for (const el of wrapper.querySelectorAll('live-status-badge')) {
        await el.updateComplete;
        expect(el.shadowRoot!.querySelector('[role], [aria-live]'), el.status).to.equal(null);
      }
    });

    it('becomes a polite live region with `announce`', async () => {
      const el = await fixture<LiveStatusBadge>(html`<live-status-badge announce status="deploying"></live-status-badge>`);
      const base = part(el, 'base')!;
      expect(base.getAttribute('role')).to.equal('status');
      expect(base.textContent!.trim()).to.equal('Deploying');
      el.status = 'running';
      await el.updateComplete;
      expect(part(el, 'base'), 'the same region node, so the change is announced').to.equal(base);
      expect(base.textContent!.trim()).to.equal('Running');
      el.announce = false;
      await el.updateComplete;
      expect(base.hasAttribute('role')).to.equal(false);
    });
  });

  describe('inside a provider', () => {
    it('shows the neutral state for a project the provider does not know, whatever the attribute says', async () => {
      const root = await fixture<SseProvider>(html`<sse-provider><live-status-badge project-id="ghost" status="running"></live-status-badge></sse-provider>`);
      const el = root.querySelector('live-status-badge')!;
      await el.updateComplete;
      expect(label(el)).to.equal('Unknown');
      expect(el.hasAttribute('status')).to.equal(false);
    });

    it('follows the store: a status change shows after a frame and is reflected', async () => {
      const { provider, store } = await inProvider('web');
      const el = provider.querySelector('live-status-badge')!;
      setStatus(store, 'web', 'deploying');
      await nextFrame();
      await el.updateComplete;
      expect(label(el)).to.equal('Deploying');
      expect(el.getAttribute('status')).to.equal('deploying');
      expect(part(el, 'spinner')).to.exist;

      setStatus(store, 'web', 'running');
      expect(label(el), 'not before the frame').to.equal('Deploying');
      await nextFrame();
      await el.updateComplete;
      expect(label(el)).to.equal('Running');
      expect(el.status).to.equal('running');
      expect(part(el, 'base')!.title).to.match(/^Running since \d\d:\d\d:\d\d$/);

      store.apply({ type: 'auto_shutdown', data: { projectId: 'web', reason: 'idle', inactiveTime: '30m' } });
      await nextFrame();
      await el.updateComplete;
      expect(label(el)).to.equal('Inactive');
      expect(el.getAttribute('status')).to.equal('inactive');
    });

    it('goes back to the neutral state when a snapshot removes the project', async () => {
      const { provider, store } = await inProvider('web');
      const el = provider.querySelector('live-status-badge')!;
      setStatus(store, 'web', 'error');
      await nextFrame();
      await el.updateComplete;
      expect(label(el)).to.equal('Error');
      store.apply({ type: 'snapshot', data: { projects: [{ projectId: 'other', status: 'running' }] } });
      await nextFrame();
      await el.updateComplete;
      expect(label(el)).to.equal('Unknown');
      expect(el.hasAttribute('status')).to.equal(false);
    });

    it('follows a change of project-id', async () => {
      const { provider, store } = await inProvider('a');
      const el = provider.querySelector('live-status-badge')!;
      setStatus(store, 'a', 'running');
      setStatus(store, 'b', 'stopped');
      await nextFrame();
      await el.updateComplete;
      expect(label(el)).to.equal('Running');
      el.projectId = 'b';
      await el.updateComplete;
      expect(label(el)).to.equal('Stopped');
      setStatus(store, 'a', 'error');
      await nextFrame();
      await el.updateComplete;
      expect(label(el), 'no longer follows the old project').to.equal('Stopped');
    });

    it('renders each badge at most once per frame, however many changes arrive in it', async () => {
      const { provider, store } = await inProvider('p0 p1 p2 p3');
      const badges = [...provider.querySelectorAll('live-status-badge')];
      const renders = badges.map(() => 0);
      badges.forEach((badge, i) => {
        const original = badge.render.bind(badge);
        badge.render = () => {
          renders[i] += 1;
          return original();
        };
      });
      for (let round = 0; round < 50; round++) {
        for (let i = 0; i < badges.length; i++) setStatus(store, `p${i}`, STATUSES[(round + i) % STATUSES.length]);
      }
      await nextFrame();
      await Promise.all(badges.map((b) => b.updateComplete));
      expect(renders).to.deep.equal([1, 1, 1, 1]);
      expect(badges.map((b) => b.status)).to.deep.equal(badges.map((_, i) => STATUSES[(49 + i) % STATUSES.length]));
    });

    it('does not render for changes it does not show: metrics and log lines', async () => {
      const { provider, store } = await inProvider('web');
      setStatus(store, 'web', 'running');
      await nextFrame();
      const badge = provider.querySelector('live-status-badge')!;
      await badge.updateComplete;
      let renders = 0;
      const original = badge.render.bind(badge);
      badge.render = () => {
        renders += 1;
        return original();
      };
      store.apply({ type: 'metrics_updated', data: { projectId: 'web', cpu: 5, memory: 10, requests: 1, uptime: '1m' } });
      store.apply({ type: 'deployment_progress', data: { projectId: 'web', message: 'hello', level: 'info', timestamp: '2026-01-01T12:00:00Z' } });
      await nextFrame();
      await badge.updateComplete;
      expect(renders).to.equal(0);
      setStatus(store, 'web', 'stopped');
      await nextFrame();
      await badge.updateComplete;
      expect(renders).to.equal(1);
      expect(label(badge)).to.equal('Stopped');
    });

    it('shows the mock backend’s statuses and follows its changes', async () => {
      const clock = new ManualClock();
      const backend = new MockBackend({ seed: 3, clock, autoplay: false, projects: [{ projectId: 'api', status: 'stopped' }] });
      const root = await fixture<SseProvider>(html`<sse-provider .mockBackend=${backend}><live-status-badge project-id="api"></live-status-badge></sse-provider>`);
      const el = root.querySelector('live-status-badge')!;
      await until(() => {
        clock.advance(1);
        return el.status === 'stopped';
      }, 'the first snapshot');
      backend.emit('container_status_changed', { projectId: 'api', oldStatus: 'stopped', newStatus: 'deploying', timestamp: new Date().toISOString() });
      clock.advance(1);
      await until(() => label(el) === 'Deploying', 'the deploying label');
    });

    it('stops following the store once removed', async () => {
      const { provider, store } = await inProvider('web');
      const el = provider.querySelector('live-status-badge')!;
      setStatus(store, 'web', 'running');
      await nextFrame();
      await el.updateComplete;
      let renders = 0;
      const original = el.render.bind(el);
      el.render = () => {
        renders += 1;
        return original();
      };
      el.remove();
      setStatus(store, 'web', 'error');
      await frames(2);
      expect(renders).to.equal(0);
      expect(el.getAttribute('status')).to.equal('running');
    });
  });

  describe('reduced motion', () => {
    afterEach(() => emulateMedia({ reducedMotion: 'no-preference' }));

    it('stops the pulse and the spinner under prefers-reduced-motion', async () => {
      await emulateMedia({ reducedMotion: 'reduce' });
      const running = await fixture<LiveStatusBadge>(html`<live-status-badge status="running"></live-status-badge>`);
      const deploying = await fixture<LiveStatusBadge>(html`<live-status-badge status="deploying"></live-status-badge>`);
      expect(getComputedStyle(part(running, 'pulse')!).animationName).to.equal('none');
      expect(getComputedStyle(part(deploying, 'spinner')!).animationName).to.equal('none');
      expect(part(running, 'pulse')!.getAnimations()).to.have.length(0);
      expect(part(deploying, 'spinner')!.getAnimations()).to.have.length(0);

      await emulateMedia({ reducedMotion: 'no-preference' });
      await animates(running, 'pulse', 'badge-pulse');
      await animates(deploying, 'spinner', 'badge-spin');
    });
  });

  describe('overloaded page', () => {
    it('keeps still while the provider cannot keep up with its stream, shows every change, and moves again once calm', async () => {
      const { provider, store } = await inProvider('a b');
      setStatus(store, 'a', 'running');
      setStatus(store, 'b', 'deploying');
      const [a, b] = [...provider.querySelectorAll('live-status-badge')] as LiveStatusBadge[];
      await until(() => label(a!) === 'Running' && label(b!) === 'Deploying', 'the statuses to show');
      await animates(a!, 'pulse', 'badge-pulse');
      await animates(b!, 'spinner', 'badge-spin');

      // A page of twenty projects whose every pass costs about 60 ms: a listener of its own
      // renders slowly.
      const others = Array.from({ length: 20 }, (_, i) => `other-${i}`);
      for (const id of others) store.subscribe(id, () => {});
      store.subscribeAll(() => {
        const end = performance.now() + 60;
        while (performance.now() < end);
      });
      let storm = true;
      void (async () => {
        for (let i = 0; storm; i++) {
          for (const id of ['a', ...others]) store.apply({ type: 'metrics_updated', data: { projectId: id, cpu: i % 100, memory: 1, requests: i, uptime: '' } });
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      try {
        await until(() => provider.matches(':state(overloaded)'), 'the provider to be overloaded');
        expect(store.overloaded).to.equal(true);
        await until(() => animation(a!, 'pulse') === 'none' && animation(b!, 'spinner') === 'none', 'the badges to keep still');
        expect(part(a!, 'pulse')!.getAnimations()).to.have.length(0);

        // Changes still show, without their animation.
        setStatus(store, 'b', 'running');
        await until(() => label(b!) === 'Running', 'the change to show');
        expect(b!.getAttribute('status')).to.equal('running');
        expect(animation(b!, 'pulse')).to.equal('none');
      } finally {
        storm = false;
      }
      // Two seconds without a costly pass.
      await until(() => !provider.matches(':state(overloaded)'), 'the page to be calm', 6000);
      expect(store.overloaded).to.equal(false);
      await animates(a!, 'pulse', 'badge-pulse');
      await animates(b!, 'pulse', 'badge-pulse');
    });
  });

  describe('off screen', () => {
    afterEach(() => window.scrollTo(0, 0));

    it('animates only while in the viewport', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div>
        <live-status-badge status="running"></live-status-badge>
        <div style="height: 300vh"></div>
        <live-status-badge status="running"></live-status-badge>
        <live-status-badge status="deploying"></live-status-badge>
      </div>`);
      const [seen, below, spinning] = [...wrapper.querySelectorAll('live-status-badge')];
      await animates(seen!, 'pulse', 'badge-pulse');
      await frames(3);
      expect(animation(below!, 'pulse')).to.equal('none');
      expect(part(below!, 'pulse')!.getAnimations()).to.have.length(0);
      expect(animation(spinning!, 'spinner')).to.equal('none');

      below!.scrollIntoView();
      await animates(below!, 'pulse', 'badge-pulse');
      await animates(spinning!, 'spinner', 'badge-spin');
      await until(() => animation(seen!, 'pulse') === 'none', 'the badge scrolled away to stop');

      // A status that animates again after one that does not is watched again.
      below!.status = 'stopped';
      await below!.updateComplete;
      below!.status = 'running';
      await below!.updateComplete;
      await animates(below!, 'pulse', 'badge-pulse');
    });

    it('shows a change of status in the frame that renders it: its place is already known', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div>
        <live-status-badge status="running"></live-status-badge>
        <div style="height: 300vh"></div>
        <live-status-badge status="running"></live-status-badge>
      </div>`);
      const [seen, below] = [...wrapper.querySelectorAll('live-status-badge')];
      await animates(seen!, 'pulse', 'badge-pulse');
      await frames(3);
      for (const status of ['stopped', 'deploying', 'running'] as const) {
        seen!.status = below!.status = status;
        await Promise.all([seen!.updateComplete, below!.updateComplete]);
        // No frame waited for: what the observer knew already decides.
        const moving = status === 'deploying' ? 'spinner' : 'pulse';
        if (status !== 'stopped') {
          expect(animation(seen!, moving), `on screen, ${status}`).to.equal(status === 'deploying' ? 'badge-spin' : 'badge-pulse');
          expect(animation(below!, moving), `off screen, ${status}`).to.equal('none');
        }
      }
    });

    it('stops watching when removed, and watches again when put back', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div><live-status-badge status="running"></live-status-badge></div>`);
      const el = wrapper.firstElementChild as LiveStatusBadge;
      await animates(el, 'pulse', 'badge-pulse');
      el.remove();
      document.body.append(el);
      await animates(el, 'pulse', 'badge-pulse');
      el.remove();
    });
  });

  describe('accessibility', () => {
    for (const theme of ['light', 'dark'] as const) {
      for (const status of [...STATUSES, undefined]) {
        it(`is accessible when ${status ?? 'unknown'}, ${theme}`, async () => {
          const wrapper = await fixture<HTMLDivElement>(
            html`<div theme=${theme}>
              <live-status-badge status=${status ?? ''}></live-status-badge>
              <live-status-badge announce status=${status ?? ''}></live-status-badge>
            </div>`,
          );
          for (const el of wrapper.querySelectorAll('live-status-badge')) {
            await el.updateComplete;
            await expect(el).to.be.accessible();
          }
        });
      }
    }

    it('uses the dark palette under theme="dark"', async () => {
      const light = await fixture<LiveStatusBadge>(html`<live-status-badge status="running"></live-status-badge>`);
      const dark = (await fixture<HTMLDivElement>(html`<div theme="dark"><live-status-badge status="running"></live-status-badge></div>`)).firstElementChild as LiveStatusBadge;
      await dark.updateComplete;
      expect(getComputedStyle(part(dark, 'base')!).backgroundColor).to.not.equal(getComputedStyle(part(light, 'base')!).backgroundColor);
      expect(getComputedStyle(part(dark, 'label')!).color).to.not.equal(getComputedStyle(part(light, 'label')!).color);
    });
  });
});
