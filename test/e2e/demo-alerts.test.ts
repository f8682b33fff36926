// The demo's alerts control, in an iframe on the built bundle (like demo.test.ts), with the browser's
// real notifications permission: one click turns on the toast region's sound and desktop
// notifications together, the control says off / on / blocked in words, and a click on a
// notification opens that project's page. Needs `npm run build` first.
import { expect } from '@open-wc/testing';
import { executeServerCommand, sendMouse, setViewport } from '@web/test-runner-commands';
import { until } from '../helpers.js';
import { loadFrame, pageIn, type Page } from './demo-frame.js';
import type { LiveToastRegion } from '../../src/live-toast-region/live-toast-region.js';

const KEYS = ['clouddeploy-demo-alerts', 'clouddeploy-demo-lang', 'live-toast-region-muted'];
let frame: HTMLIFrameElement | undefined;

afterEach(() => {
  frame?.remove();
  frame = undefined;
  // Same origin as the other tests: leave the demo as they expect it.
  for (const key of KEYS) localStorage.removeItem(key);
});

after(() => executeServerCommand('notification-permission', { state: 'prompt' }));

async function permission(state: 'granted' | 'denied' | 'prompt'): Promise<void> {
  await executeServerCommand('notification-permission', { state });
}

async function openPage(path: string, width = 1200): Promise<Page & { region: LiveToastRegion; button: () => HTMLButtonElement }> {
  frame?.remove();
  frame = await loadFrame(path, width, 700);
  const page = await pageIn(frame);
  await until(() => page.provider.state === 'open', 'the stream to open', 10000);
  const region = page.doc.querySelector('live-toast-region') as LiveToastRegion;
  await until(() => page.win.customElements.get('live-toast-region') !== undefined, 'the region');
  return { ...page, region, button: () => page.doc.querySelector('.topbar .alerts-toggle') as HTMLButtonElement };
}

/** A real click (a user gesture) on a node inside the iframe. */
async function click(node: Element): Promise<void> {
  const outer = frame!.getBoundingClientRect();
  const box = node.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(outer.x + box.x + box.width / 2), Math.round(outer.y + box.y + box.height / 2)] });
}

const visibleText = (button: HTMLButtonElement) => button.querySelector('.alerts-full')!.textContent;

describe('demo alerts (e2e, against the demo server)', function () {
  this.timeout(60000);

  before(async () => {
    const bundle = await fetch('/demo/dist/live-elements.bundle.js', { method: 'HEAD' });
    if (!bundle.ok) throw new Error('dist/live-elements.bundle.js is missing: run `npm run build` first');
    // Room for the whole iframe: a real click only lands inside the viewport.
    await setViewport({ width: 1280, height: 900 });
  });

  it('both pages: the control sits before the language switch, says "off" in words, and asks nothing until clicked', async () => {
    await permission('prompt');
    for (const path of ['index.html', 'project.html?id=api-gateway']) {
      const { region, button, win } = await openPage(path);
      const control = button();
      expect(control, `${path}: the alerts button`).to.exist;
      expect(control.tagName).to.equal('BUTTON');
      expect(control.nextElementSibling?.classList.contains('lang-toggle')).to.equal(true);
      expect(visibleText(control)).to.equal('Alerts: off');
      expect(control.getAttribute('aria-label')).to.equal('Alerts are off. Turn on sound and desktop notifications');
      expect(region.sound || region.desktopNotifications).to.equal(false);
      expect(region.shadowRoot!.querySelector('[part~="mute"]')).to.equal(null);
      expect(win.Notification.permission).to.equal('default');
    }
  });

  it('granted: one click turns on sound and notifications together, remembered on reload; a second click turns both off', async () => {
    await permission('granted');
    let page = await openPage('index.html');
    await click(page.button());
    await until(() => page.button().dataset.state === 'on', 'the control to say on');
    expect(visibleText(page.button())).to.equal('Alerts: on');
    expect(page.region.sound && page.region.desktopNotifications).to.equal(true);
    await until(() => page.region.shadowRoot!.querySelector('[part~="mute"]') !== null, 'the region’s mute toggle');

    page = await openPage('project.html?id=api-gateway');
    expect(page.button().dataset.state, 'remembered on the other page').to.equal('on');
    expect(page.region.sound && page.region.desktopNotifications).to.equal(true);
    await click(page.button());
    expect(page.button().dataset.state).to.equal('off');
    expect(page.region.sound || page.region.desktopNotifications).to.equal(false);
  });

  it('denied by the browser: the control says "blocked" in words (Spanish too, at 320 px), and the sound stays on', async () => {
    await permission('denied');
    localStorage.setItem('clouddeploy-demo-lang', 'es');
    let page = await openPage('index.html');
    await click(page.button());
    expect(page.button().dataset.state).to.equal('blocked');
    expect(visibleText(page.button())).to.equal('Avisos: bloqueados');
    expect(page.button().getAttribute('aria-label')).to.match(/^Avisos: solo sonido, el navegador bloquea/);
    expect(page.region.sound).to.equal(true);

    page = await openPage('index.html', 320);
    const control = page.button();
    const short = control.querySelector<HTMLElement>('.alerts-short')!;
    expect(page.win.getComputedStyle(control.querySelector('.alerts-full')!).display, 'the long text hides').to.equal('none');
    expect(short.textContent).to.equal('Bloqueados');
    expect(short.getBoundingClientRect().width, 'the short word shows').to.be.greaterThan(0);
    const root = page.doc.documentElement;
    expect(root.scrollWidth, 'no sideways scroll').to.be.at.most(root.clientWidth);
    const box = control.getBoundingClientRect();
    expect(box.right).to.be.at.most(root.clientWidth);
    expect(Math.min(box.width, box.height)).to.be.at.least(24);
  });

  it('a notification (raised while the page has no focus) opens its project’s page when clicked', async () => {
    await permission('granted');
    localStorage.setItem('clouddeploy-demo-alerts', 'on');
    const page = await openPage('index.html');
    const raised: Notification[] = [];
    const Real = page.win.Notification;
    page.win.Notification = class extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        raised.push(this);
      }
    };
    // Focus outside the iframe: its document has none, as when the user is in another window.
    (document.activeElement as HTMLElement | null)?.blur();
    expect(page.doc.hasFocus()).to.equal(false);
    const response = await fetch('/__demo/emit', {
      method: 'POST',
      body: JSON.stringify({ type: 'container_status_changed', data: { projectId: 'payments-service', oldStatus: 'running', newStatus: 'error' } }),
    });
    expect(response.ok).to.equal(true);
    await until(() => raised.length === 1, 'a notification', 10000);
    expect(raised[0].title).to.equal('Container crashed');
    const loaded = new Promise((resolve) => frame!.addEventListener('load', resolve, { once: true }));
    raised[0].dispatchEvent(new Event('click'));
    await loaded;
    const url = new URL(frame!.contentWindow!.location.href);
    expect(url.pathname).to.equal('/demo/project.html');
    expect(url.searchParams.get('id')).to.equal('payments-service');
  });
});
