import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../src/live-container-actions/define.js';
import '../src/sse-provider/define.js';
import type {
  ActionErrorDetail,
  ActionSuccessDetail,
  ContainerActionDetail,
  LiveContainerActions,
} from '../src/live-container-actions/live-container-actions.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import type { ContainerStatus } from '../src/core/protocol.js';
import { ManualClock, MockBackend, type MockProjectSeed } from '../src/mock/index.js';
import { frames, nextFrame, until } from './helpers.js';

const part = (el: HTMLElement, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const buttons = (el: HTMLElement) =>
  [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="button"]')].map((b) => b.getAttribute('part')!.replace('button ', ''));
const label = (node: HTMLElement) => node.querySelector('[part~="label"]')!.textContent!.trim();

/** Replaces `window.fetch` for one test. */
function stubFetch(answer: (url: string, init: RequestInit) => Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const original = window.fetch;
  window.fetch = ((input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ url: String(input), init });
    return answer(String(input), init);
  }) as typeof fetch;
  return { calls, restore: () => (window.fetch = original) };
}

/** A provider on a mock backend with a driven clock, opened. */
async function onMock(projects: MockProjectSeed[], body: (projectId: string) => unknown) {
  const clock = new ManualClock();
  const backend = new MockBackend({ clock, autoplay: false, latency: 0, projects });
  const provider = await fixture<SseProvider>(html`<sse-provider .mockBackend=${backend}>${body(projects[0].projectId)}</sse-provider>`);
  await until(() => {
    clock.advance(1);
    return provider.state === 'open';
  }, 'the mock stream to open');
  await nextFrame();
  const el = provider.querySelector('live-container-actions')!;
  await el.updateComplete;
  return { clock, backend, provider, el };
}

describe('<live-container-actions>', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  describe('buttons per status', () => {
    const expected: Record<ContainerStatus, string[]> = {
      running: ['stop', 'refresh', 'open'],
      stopped: ['start'],
      inactive: ['reactivate'],
      error: ['retry'],
      deploying: [],
    };
    const labels: Record<string, string> = { stop: 'Stop', refresh: 'Refresh', open: 'Open', start: 'Start', reactivate: 'Reactivate', retry: 'Retry' };
    for (const [status, actions] of Object.entries(expected)) {
      it(`${status}: ${actions.join(', ') || 'none, a spinner and "Deploying…"'}`, async () => {
        const el = await fixture<LiveContainerActions>(
          html`<live-container-actions project-id="web" status=${status} url="https://web.example.com"></live-container-actions>`,
        );
        expect(buttons(el)).to.deep.equal(actions);
        for (const action of actions) expect(label(part(el, action)!)).to.equal(labels[action]);
        for (const action of actions) expect(part(el, action)!.querySelector('[part~="icon"] svg') != null, `${action} icon`).to.be.true;
        const base = part(el, 'base')!;
        expect(base.getAttribute('role')).to.equal('group');
        expect(base.getAttribute('aria-label')).to.equal('Actions for web');
        if (status === 'deploying') {
          expect(part(el, 'deploying')!.textContent!.trim()).to.equal('Deploying…');
          expect(part(el, 'spinner') != null).to.be.true;
        } else {
          expect(part(el, 'deploying') == null).to.be.true;
        }
      });
    }

    it('shows nothing for an unknown status', async () => {
      const el = await fixture<LiveContainerActions>(html`<live-container-actions project-id="web"></live-container-actions>`);
      expect(part(el, 'base') == null).to.be.true;
      expect(getComputedStyle(el).display).to.equal('none');
    });

    it('Open is a link to the URL in a new tab, without opener; absent without a web URL', async () => {
      const el = await fixture<LiveContainerActions>(html`<live-container-actions status="running" url="https://web.example.com/"></live-container-actions>`);
      const open = part(el, 'open') as HTMLAnchorElement;
      expect(open.localName).to.equal('a');
      expect(open.href).to.equal('https://web.example.com/');
      expect(open.target).to.equal('_blank');
      expect(open.rel.split(' ')).to.include.members(['noopener', 'noreferrer']);
      expect(open.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Open (opens in a new tab)');
      el.url = undefined;
      await el.updateComplete;
      expect(part(el, 'open') == null).to.be.true;
      el.url = 'javascript:alert(1)';
      await el.updateComplete;
      expect(part(el, 'open') == null, 'a javascript: URL is never a link').to.be.true;
    });

    it('Open fires a cancelable container-action; cancelling it keeps the link from opening', async () => {
      const el = await fixture<LiveContainerActions>(html`<live-container-actions project-id="web" status="running" url="https://web.example.com/"></live-container-actions>`);
      const seen: ContainerActionDetail[] = [];
      el.addEventListener('container-action', (event) => {
        seen.push(event.detail);
        event.preventDefault();
      });
      const click = new MouseEvent('click', { bubbles: true, cancelable: true, composed: true });
      part(el, 'open')!.dispatchEvent(click);
      expect(seen).to.deep.equal([{ projectId: 'web', action: 'open' }]);
      expect(click.defaultPrevented).to.be.true;
    });

    it('Open not cancelled follows the link and makes no request', async () => {
      const fetches = stubFetch(async () => new Response('{}'));
      restore = fetches.restore;
      const el = await fixture<LiveContainerActions>(html`<live-container-actions project-id="web" status="running" url="https://web.example.com/"></live-container-actions>`);
      let followed: boolean | undefined;
      // Stop the navigation at the window, after the element had its say.
      const onClick = (event: Event) => {
        followed = !event.defaultPrevented;
        event.preventDefault();
      };
      window.addEventListener('click', onClick);
      part(el, 'open')!.click();
      window.removeEventListener('click', onClick);
      expect(followed).to.be.true;
      expect(fetches.calls).to.have.length(0);
    });

    it('Delete appears only when the host allows it, and never while deploying', async () => {
      const el = await fixture<LiveContainerActions>(html`<live-container-actions status="stopped"></live-container-actions>`);
      expect(buttons(el)).to.deep.equal(['start']);
      el.deletable = true;
      await el.updateComplete;
      expect(buttons(el)).to.deep.equal(['start', 'delete']);
      expect(label(part(el, 'delete')!)).to.equal('Delete');
      el.status = 'deploying';
      await el.updateComplete;
      expect(buttons(el)).to.deep.equal([]);
    });
  });

  describe('requests', () => {
    it('a cancelled container-action makes no request', async () => {
      const fetches = stubFetch(async () => new Response('{}'));
      restore = fetches.restore;
      const el = await fixture<LiveContainerActions>(html`<live-container-actions project-id="web" status="running" api-base="/api"></live-container-actions>`);
      el.addEventListener('container-action', (event) => event.preventDefault());
      let reported = false;
      el.addEventListener('action-success', () => (reported = true));
      el.addEventListener('action-error', () => (reported = true));
      part(el, 'stop')!.click();
      await frames(2);
      expect(fetches.calls).to.have.length(0);
      expect(reported).to.be.false;
      expect(part(el, 'base')!.getAttribute('aria-busy')).to.equal('false');
    });

    it('calls the endpoint of each action', async () => {
      const fetches = stubFetch(async () => new Response('{"ok":true}', { status: 200, statusText: 'OK' }));
      restore = fetches.restore;
      const el = await fixture<LiveContainerActions>(html`<live-container-actions project-id="my app" api-base="/base/"></live-container-actions>`);
      const cases: [ContainerStatus, string, string, string][] = [
        ['stopped', 'start', 'POST', '/base/containers/my%20app/start'],
        ['inactive', 'reactivate', 'POST', '/base/containers/my%20app/start'],
        ['error', 'retry', 'POST', '/base/containers/my%20app/start'],
        ['running', 'stop', 'POST', '/base/containers/my%20app/stop'],
        ['running', 'refresh', 'GET', '/base/projects/my%20app'],
      ];
      for (const [status, action, method, url] of cases) {
        el.status = status;
        await el.updateComplete;
        const done = oneEvent(el, 'action-success');
        part(el, action)!.click();
        const { detail } = (await done) as CustomEvent<ActionSuccessDetail>;
        expect(detail.action).to.equal(action);
        expect(detail.projectId).to.equal('my app');
        expect(detail.response.status).to.equal(200);
        expect(detail.response.body).to.deep.equal({ ok: true });
        const call = fetches.calls.at(-1)!;
        expect([call.init.method, call.url], action).to.deep.equal([method, url]);
      }
    });

    it('in mock mode the mock backend answers: Start → action-success, the project is deploying', async () => {
      const { clock, el, provider } = await onMock(
        [{ projectId: 'site', name: 'Site', status: 'stopped', url: 'https://site.example.com' }],
        (id) => html`<live-container-actions project-id=${id}></live-container-actions>`,
      );
      expect(el.status).to.equal('stopped');
      expect(buttons(el)).to.deep.equal(['start']);
      const actions: ContainerActionDetail[] = [];
      provider.addEventListener('container-action', (event) => actions.push(event.detail));

      part(el, 'start')!.click();
      await el.updateComplete;
      expect(actions).to.deep.equal([{ projectId: 'site', action: 'start' }]);
      // In flight: busy, disabled, the clicked button spins; a second click does nothing.
      const base = part(el, 'base')!;
      expect(base.getAttribute('aria-busy')).to.equal('true');
      expect(part(el, 'start')!.getAttribute('aria-disabled')).to.equal('true');
      expect(part(el, 'start')!.querySelector('[part~="spinner"]') != null).to.be.true;
      part(el, 'start')!.click();
      expect(actions).to.have.length(1);

      const success = oneEvent(provider, 'action-success');
      clock.advance(0);
      const { detail } = (await success) as CustomEvent<ActionSuccessDetail>;
      expect(detail).to.include({ projectId: 'site', action: 'start' });
      expect(detail.response.status).to.equal(200);
      await nextFrame();
      await el.updateComplete;
      expect(provider.store.getProject('site')!.status).to.equal('deploying');
      expect(el.status).to.equal('deploying');
      expect(buttons(el)).to.deep.equal([]);
      expect(part(el, 'deploying') != null).to.be.true;
      expect(part(el, 'base')!.getAttribute('aria-busy')).to.equal('false');
    });

    it('in mock mode a refused action reports the JSON error and the status', async () => {
      const { clock, el, provider } = await onMock(
        [{ projectId: 'api', status: 'running' }],
        (id) => html`<live-container-actions project-id=${id}></live-container-actions>`,
      );
      // The store is behind the backend: the button still offers Stop for a project already stopped.
      const pending = provider.activeMockBackend!.request('POST', '/containers/api/stop');
      clock.advance(0);
      await pending;
      provider.store.apply({ type: 'container_status_changed', data: { projectId: 'api', newStatus: 'running', timestamp: '' } });
      await nextFrame();
      await el.updateComplete;
      expect(buttons(el)).to.include('stop');
      const failed = oneEvent(el, 'action-error');
      part(el, 'stop')!.click();
      clock.advance(0);
      const { detail } = (await failed) as CustomEvent<ActionErrorDetail>;
      expect(detail).to.deep.equal({ projectId: 'api', action: 'stop', status: 409, message: 'Project is not running (status: stopped)' });
    });

    it('an HTTP error from fetch → action-error with the status and the status text; buttons re-enabled', async () => {
      const el = await fixture<LiveContainerActions>(html`<live-container-actions project-id="web" status="running" api-base="/no-such-api"></live-container-actions>`);
      const failed = oneEvent(el, 'action-error');
      part(el, 'stop')!.click();
      await el.updateComplete;
      expect(part(el, 'stop')!.getAttribute('aria-disabled')).to.equal('true');
      const { detail } = (await failed) as CustomEvent<ActionErrorDetail>;
      expect(detail.status).to.equal(404);
      expect(detail.message).to.equal('Not Found');
      expect(detail).to.include({ projectId: 'web', action: 'stop' });
      await el.updateComplete;
      expect(part(el, 'stop')!.hasAttribute('aria-disabled')).to.be.false;
      expect(part(el, 'base')!.getAttribute('aria-busy')).to.equal('false');
      expect(part(el, 'spinner') == null).to.be.true;
    });

    it('the message comes from a JSON { error } body', async () => {
      const fetches = stubFetch(async () => new Response(JSON.stringify({ error: 'Project is already running' }), { status: 409, statusText: 'Conflict' }));
      restore = fetches.restore;
      const el = await fixture<LiveContainerActions>(html`<live-container-actions project-id="web" status="stopped"></live-container-actions>`);
      const failed = oneEvent(el, 'action-error');
      part(el, 'start')!.click();
      const { detail } = (await failed) as CustomEvent<ActionErrorDetail>;
      expect(detail).to.deep.equal({ projectId: 'web', action: 'start', status: 409, message: 'Project is already running' });
      expect(fetches.calls[0].url, 'no provider: the default base').to.equal('/api/containers/web/start');
    });

    it('a network failure → status 0 with the error message', async () => {
      const fetches = stubFetch(async () => {
        throw new TypeError('Failed to fetch');
      });
      restore = fetches.restore;
      const el = await fixture<LiveContainerActions>(html`<live-container-actions project-id="web" status="error"></live-container-actions>`);
      const failed = oneEvent(el, 'action-error');
      part(el, 'retry')!.click();
      const { detail } = (await failed) as CustomEvent<ActionErrorDetail>;
      expect(detail).to.deep.equal({ projectId: 'web', action: 'retry', status: 0, message: 'Failed to fetch' });
      await el.updateComplete;
      expect(part(el, 'retry')!.hasAttribute('aria-disabled')).to.be.false;
    });

    it('no answer within `timeout` → action-error with status 0, buttons re-enabled', async () => {
      // The mock answers only when its clock moves, and this test never moves it.
      const { el } = await onMock(
        [{ projectId: 'docs', status: 'stopped' }],
        (id) => html`<live-container-actions project-id=${id} timeout="50"></live-container-actions>`,
      );
      const failed = oneEvent(el, 'action-error');
      part(el, 'start')!.click();
      const { detail } = (await failed) as CustomEvent<ActionErrorDetail>;
      expect(detail.status).to.equal(0);
      expect(detail.message).to.equal('No answer after 0.05 s');
      await el.updateComplete;
      expect(part(el, 'start')!.hasAttribute('aria-disabled')).to.be.false;
      expect(part(el, 'base')!.getAttribute('aria-busy')).to.equal('false');
    });

    it('with its own api-base it uses fetch even inside a provider', async () => {
      const fetches = stubFetch(async () => new Response('{}', { status: 202, statusText: 'Accepted' }));
      restore = fetches.restore;
      const { el, backend } = await onMock(
        [{ projectId: 'docs', status: 'stopped' }],
        (id) => html`<live-container-actions project-id=${id} api-base="https://panel.example.com/v2"></live-container-actions>`,
      );
      const done = oneEvent(el, 'action-success');
      part(el, 'start')!.click();
      await done;
      expect(fetches.calls.map((c) => c.url)).to.deep.equal(['https://panel.example.com/v2/containers/docs/start']);
      expect(backend.snapshot().projects[0].status, 'the mock was not asked').to.equal('stopped');
    });

    it('Refresh brings the store up to date when the backend says otherwise', async () => {
      const fetches = stubFetch(async () => new Response(JSON.stringify({ projectId: 'web', status: 'stopped' }), { status: 200 }));
      restore = fetches.restore;
      const provider = await fixture<SseProvider>(
        html`<sse-provider api-base="/stub"><live-container-actions project-id="web"></live-container-actions></sse-provider>`,
      );
      provider.store.apply({ type: 'container_status_changed', data: { projectId: 'web', newStatus: 'running', timestamp: '' } });
      const el = provider.querySelector('live-container-actions')!;
      await nextFrame();
      await el.updateComplete;
      const done = oneEvent(el, 'action-success');
      part(el, 'refresh')!.click();
      await done;
      expect(fetches.calls[0].url).to.equal('/stub/projects/web');
      expect(provider.store.getProject('web')!.status).to.equal('stopped');
      await nextFrame();
      await el.updateComplete;
      expect(buttons(el)).to.deep.equal(['start']);
    });

    it('leaving the page aborts the request and reports nothing', async () => {
      let signal: AbortSignal | undefined;
      const fetches = stubFetch((_url, init) => {
        signal = init.signal ?? undefined;
        return new Promise(() => {});
      });
      restore = fetches.restore;
      const el = await fixture<LiveContainerActions>(html`<live-container-actions project-id="web" status="running"></live-container-actions>`);
      let reported = false;
      el.addEventListener('action-success', () => (reported = true));
      el.addEventListener('action-error', () => (reported = true));
      part(el, 'stop')!.click();
      expect(signal!.aborted).to.be.false;
      el.remove();
      expect(signal!.aborted).to.be.true;
      await frames(2);
      expect(reported).to.be.false;
    });

    it('without a project id a click only fires container-action', async () => {
      const fetches = stubFetch(async () => new Response('{}'));
      restore = fetches.restore;
      const el = await fixture<LiveContainerActions>(html`<live-container-actions status="stopped"></live-container-actions>`);
      const fired = oneEvent(el, 'container-action');
      part(el, 'start')!.click();
      expect(((await fired) as CustomEvent<ContainerActionDetail>).detail).to.deep.equal({ projectId: '', action: 'start' });
      await frames(2);
      expect(fetches.calls).to.have.length(0);
    });
  });

  describe('delete confirmation', () => {
    it('asks first; Cancel and Escape back out without an event; Delete confirms', async () => {
      const fetches = stubFetch(async () => new Response('{"ok":true}'));
      restore = fetches.restore;
      const el = await fixture<LiveContainerActions>(html`<live-container-actions project-id="web" status="stopped" deletable></live-container-actions>`);
      const actions: string[] = [];
      el.addEventListener('container-action', (event) => actions.push(event.detail.action));

      part(el, 'delete')!.focus();
      await sendKeys({ press: 'Enter' });
      // The confirmation is a part loaded with the first click on Delete.
      await until(() => part(el, 'confirm') !== null && el.shadowRoot!.activeElement === part(el, 'cancel'), 'the confirmation');
      const confirm = part(el, 'confirm')!;
      expect(confirm.getAttribute('role')).to.equal('group');
      expect(part(el, 'confirm-message')!.textContent).to.contain('Delete web?');
      expect(el.shadowRoot!.activeElement === part(el, 'cancel'), 'focus on Cancel, the safe choice').to.be.true;
      expect(actions).to.deep.equal([]);

      await sendKeys({ press: 'Escape' });
      await el.updateComplete;
      expect(part(el, 'confirm') == null).to.be.true;
      expect(el.shadowRoot!.activeElement === part(el, 'delete')).to.be.true;

      await sendKeys({ press: 'Space' });
      await until(() => el.shadowRoot!.activeElement === part(el, 'cancel'), 'the confirmation again');
      await sendKeys({ press: 'Enter' }); // on Cancel
      await el.updateComplete;
      expect(part(el, 'confirm') == null).to.be.true;
      expect(el.shadowRoot!.activeElement === part(el, 'delete')).to.be.true;
      expect(actions).to.deep.equal([]);
      expect(fetches.calls).to.have.length(0);

      part(el, 'delete')!.click();
      await until(() => part(el, 'confirm-delete') !== null, 'the confirmation');
      const done = oneEvent(el, 'action-success');
      part(el, 'confirm-delete')!.click();
      const { detail } = (await done) as CustomEvent<ActionSuccessDetail>;
      expect(detail).to.include({ projectId: 'web', action: 'delete' });
      expect(actions).to.deep.equal(['delete']);
      expect([fetches.calls[0].init.method, fetches.calls[0].url]).to.deep.equal(['DELETE', '/api/projects/web']);
    });

    it('in mock mode a confirmed delete removes the project; the element shows nothing', async () => {
      const { clock, el, provider } = await onMock(
        [
          { projectId: 'old', name: 'Old <b>site</b>', status: 'stopped' },
          { projectId: 'keep', status: 'running' },
        ],
        (id) => html`<live-container-actions project-id=${id} deletable></live-container-actions>`,
      );
      part(el, 'delete')!.click();
      await until(() => part(el, 'confirm-message') !== null, 'the confirmation');
      expect(part(el, 'confirm-message')!.textContent).to.contain('Delete Old <b>site</b>?');
      expect(el.shadowRoot!.querySelector('b') == null, 'names are text').to.be.true;
      const done = oneEvent(el, 'action-success');
      part(el, 'confirm-delete')!.click();
      clock.advance(0);
      await done;
      await nextFrame();
      await el.updateComplete;
      expect(provider.store.getProject('old')).to.be.undefined;
      expect(part(el, 'base') == null).to.be.true;
    });
  });

  describe('keyboard', () => {
    it('focus put on the group by the user stays there when the element renders again', async () => {
      const el = await fixture<LiveContainerActions>(html`<live-container-actions status="running" url="https://x.example.com"></live-container-actions>`);
      part(el, 'base')!.focus();
      el.status = 'stopped';
      await el.updateComplete;
      el.requestUpdate();
      await el.updateComplete;
      expect(el.shadowRoot!.activeElement === part(el, 'base'), 'still on the group, not moved to a button').to.be.true;
    });

    it('Tab reaches each button; Enter and Space activate; focus stays in the group when buttons change', async () => {
      const { clock, el, backend } = await onMock(
        [{ projectId: 'site', status: 'stopped', url: 'https://site.example.com' }],
        (id) => html`<button id="before">before</button><live-container-actions project-id=${id}></live-container-actions>`,
      );
      const actions: string[] = [];
      el.addEventListener('container-action', (event) => {
        actions.push(event.detail.action);
      });
      document.getElementById('before')!.focus();
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement === part(el, 'start')).to.be.true;
      const done = oneEvent(el, 'action-success');
      await sendKeys({ press: 'Enter' });
      clock.advance(0);
      await done;
      await nextFrame();
      await el.updateComplete;
      expect(actions).to.deep.equal(['start']);
      // Start became "Deploying…": focus is kept on the group instead of falling to the page.
      expect(el.shadowRoot!.activeElement === part(el, 'base')).to.be.true;
      // The deployment ends: focus moves from the group to the first button that came back.
      backend.emit('container_status_changed', { projectId: 'site', oldStatus: 'deploying', newStatus: 'running', timestamp: new Date().toISOString() });
      await until(() => part(el, 'stop') !== null, 'the running buttons');
      await el.updateComplete;
      expect(el.shadowRoot!.activeElement === part(el, 'stop'), 'focus on Stop').to.be.true;

      el.remove();
      const running = await fixture<LiveContainerActions>(
        html`<div><button id="b2">before</button><live-container-actions status="running" url="https://x.example.com"></live-container-actions></div>`,
      ).then((w) => w.querySelector('live-container-actions')!);
      const seen: string[] = [];
      running.addEventListener('container-action', (event) => {
        seen.push(event.detail.action);
        event.preventDefault();
      });
      document.getElementById('b2')!.focus();
      await sendKeys({ press: 'Tab' });
      expect(running.shadowRoot!.activeElement === part(running, 'stop')).to.be.true;
      await sendKeys({ press: 'Space' });
      await sendKeys({ press: 'Tab' });
      expect(running.shadowRoot!.activeElement === part(running, 'refresh')).to.be.true;
      await sendKeys({ press: 'Enter' });
      await sendKeys({ press: 'Tab' });
      expect(running.shadowRoot!.activeElement === part(running, 'open')).to.be.true;
      await sendKeys({ press: 'Enter' });
      expect(seen).to.deep.equal(['stop', 'refresh', 'open']);
    });
  });

  describe('accessibility', () => {
    const states = ['running', 'stopped', 'inactive', 'error', 'deploying'];
    for (const theme of ['light', 'dark']) {
      it(`is accessible in every state, busy and confirming (${theme})`, async () => {
        const bg = theme === 'dark' ? '#0d1117' : '#ffffff';
        for (const status of states) {
          const wrapper = await fixture(
            html`<div theme=${theme} style="padding:8px;background:${bg}"><live-container-actions project-id="web" status=${status} url="https://web.example.com" deletable></live-container-actions></div>`,
          );
          await expect(wrapper.querySelector('live-container-actions')!).to.be.accessible();
        }
        const fetches = stubFetch(() => new Promise(() => {}));
        try {
          const wrapper = await fixture(
            html`<div theme=${theme} style="padding:8px;background:${bg}"><live-container-actions project-id="web" status="stopped" deletable></live-container-actions></div>`,
          );
          const el = wrapper.querySelector('live-container-actions')!;
          part(el, 'start')!.click();
          await el.updateComplete;
          await expect(el).to.be.accessible();
          el.remove();
          wrapper.append(el);
          await el.updateComplete;
          part(el, 'delete')!.click();
          await until(() => part(el, 'confirm') !== null, 'the confirmation');
          await expect(el).to.be.accessible();
        } finally {
          fetches.restore();
        }
      });
    }

    describe('reduced motion', () => {
      afterEach(() => emulateMedia({ reducedMotion: 'no-preference' }));
      it('spinners stop under prefers-reduced-motion', async () => {
        const el = await fixture<LiveContainerActions>(html`<live-container-actions status="deploying"></live-container-actions>`);
        expect(getComputedStyle(part(el, 'spinner')!).animationName).to.equal('actions-spin');
        await emulateMedia({ reducedMotion: 'reduce' });
        expect(getComputedStyle(part(el, 'spinner')!).animationName).to.equal('none');
      });
    });
  });
});
