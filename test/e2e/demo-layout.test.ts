// The demo pages' own layout, in an iframe on the built bundle (like demo.test.ts): no sideways
// scroll at 320 px, focus kept clear of the sticky top bar and of the toasts, 24 px targets, a
// footer link told apart by more than colour, and the language switch. Needs `npm run build` first.
import { expect } from '@open-wc/testing';
import { until, frames } from '../helpers.js';
import { loadFrame, pageIn, type Page } from './demo-frame.js';
import type { LiveToastRegion } from '../../src/live-toast-region/live-toast-region.js';

const LANG_KEY = 'clouddeploy-demo-lang';
let frame: HTMLIFrameElement | undefined;

afterEach(() => {
  frame?.remove();
  frame = undefined;
  // Same origin as the other tests: leave the demo in English for them.
  localStorage.removeItem(LANG_KEY);
});

async function control(action: 'reset'): Promise<void> {
  const response = await fetch(`/__demo/${action}`, { method: 'POST' });
  expect(response.ok, `/__demo/${action}`).to.equal(true);
}

async function openPage(path: string, width = 320, height = 640): Promise<Page> {
  frame?.remove();
  frame = await loadFrame(path, width, height);
  return pageOf(frame);
}

async function pageOf(iframe: HTMLIFrameElement): Promise<Page> {
  const page = await pageIn(iframe);
  await until(() => page.provider.state === 'open', 'the stream to open', 10000);
  return page;
}

/** Reloads the iframe's page and waits for it as `openPage` does. */
async function reload(page: Page): Promise<Page> {
  const iframe = frame as HTMLIFrameElement;
  const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
  page.win.location.reload();
  await loaded;
  return pageOf(iframe);
}

function part(host: Element | null, name: string): Element | null {
  return host?.shadowRoot?.querySelector(`[part~="${name}"]`) ?? null;
}

/** Waits until the page's elements have rendered what the page is about. */
async function rendered(doc: Document, path: string): Promise<void> {
  if (path.startsWith('index.html')) {
    if (path.includes('compare')) {
      await until(() => doc.querySelectorAll('.compare-option').length > 0, 'the compare picker');
      await until(() => part(doc.getElementById('compare-chart'), 'plot') !== null || part(doc.getElementById('compare-chart'), 'unavailable') !== null, 'the compare chart', 10000);
    } else {
      await until(() => doc.querySelectorAll('[data-project-id]').length >= 6, 'the cards', 10000);
      await until(() => [...doc.querySelectorAll('[data-project-id] live-status-badge')].every((b) => b.hasAttribute('status')), 'every badge');
    }
  } else {
    await until(() => doc.getElementById('badge')?.hasAttribute('status') === true, 'the badge', 10000);
    await until(() => part(doc.getElementById('actions'), 'start') !== null || doc.getElementById('actions')?.shadowRoot?.querySelector('button') != null, 'the actions');
  }
  await frames(3);
}

function noSidewaysScroll(doc: Document, label: string): void {
  const root = doc.documentElement;
  expect(root.scrollWidth, `${label}: scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}`).to.be.at.most(root.clientWidth);
}

function overlap(a: DOMRect, b: DOMRect): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

const PAGES = ['index.html', 'index.html?view=compare', 'project.html?id=api-gateway', 'project.html?id=ml-worker'];

describe('demo layout (e2e, against the demo server)', function () {
  this.timeout(60000);

  before(async () => {
    const bundle = await fetch('/demo/dist/live-elements.bundle.js', { method: 'HEAD' });
    if (!bundle.ok) throw new Error('dist/live-elements.bundle.js is missing: run `npm run build` first');
  });

  for (const lang of ['en', 'es']) {
    it(`at 320 px no page scrolls sideways, with a toast showing too (${lang})`, async () => {
      await control('reset');
      localStorage.setItem(LANG_KEY, lang);
      for (const path of PAGES) {
        const { doc } = await openPage(path);
        expect(doc.documentElement.lang).to.equal(lang);
        await rendered(doc, path);
        noSidewaysScroll(doc, path);
        const region = doc.querySelector('live-toast-region') as LiveToastRegion;
        region.show({ kind: 'error', title: 'Deployment failed with a rather long title', message: 'npm ERR! missing script: build — a long line of output that has to wrap inside the toast' });
        await until(() => part(region, 'toast') !== null, 'the toast');
        await frames(3);
        noSidewaysScroll(doc, `${path} with a toast`);
        const box = region.getBoundingClientRect();
        expect(box.left, 'the toasts inside the viewport').to.be.at.least(0);
        expect(box.right).to.be.at.most(doc.documentElement.clientWidth + 0.5);
      }
    });
  }

  it('at 320 px a toast does not cover the focused control', async () => {
    await control('reset');
    const { win, doc } = await openPage('index.html');
    await rendered(doc, 'index.html');
    // No toast yet (the "connected" one would rightly push the focused link up above it).
    const region = doc.querySelector('live-toast-region') as LiveToastRegion;
    region.clear();
    await until(() => part(region, 'toast') === null, 'no toast');
    await frames(2);
    // The last card's title link, at the very bottom of the viewport, focused.
    const links = [...doc.querySelectorAll<HTMLAnchorElement>('[data-project-id] .card-name')];
    const link = links[links.length - 2];
    const toBottom = (node: Element) => win.scrollTo(0, win.scrollY + node.getBoundingClientRect().bottom - win.innerHeight + 4);
    toBottom(link);
    link.focus({ preventScroll: true });
    await frames(2);
    expect(link.getBoundingClientRect().bottom).to.be.greaterThan(win.innerHeight - 60);
    region.show({ kind: 'error', title: 'Deployment failed', message: 'Container exited with code 137 (out of memory) while starting the worker' });
    await until(() => part(region, 'toast') !== null, 'the toast');
    await until(() => !overlap(link.getBoundingClientRect(), part(region, 'toast')!.getBoundingClientRect()), 'the focused link to be clear of the toast', 3000);
    expect(doc.activeElement).to.equal(link);
    // And a control inside an element's shadow root (a card's action button) too, under a stack of two.
    region.clear();
    await until(() => part(region, 'toast') === null, 'no toast');
    await frames(3);
    const actions = doc.querySelectorAll('[data-project-id] live-container-actions');
    const buttons = [...actions].map((host) => host.shadowRoot?.querySelector('button')).filter((node): node is HTMLButtonElement => node != null);
    const button = buttons[2];
    toBottom(button);
    button.focus({ preventScroll: true });
    await frames(2);
    expect(button.getBoundingClientRect().bottom).to.be.greaterThan(win.innerHeight - 60);
    region.show({ kind: 'error', title: 'Deployment failed', message: 'Container exited with code 137 (out of memory)' });
    region.show({ kind: 'error', title: 'Another failure', message: 'A second toast makes the stack taller', key: 'second' });
    await until(() => region.shadowRoot!.querySelectorAll('[part~="toast"]').length === 2, 'two toasts');
    await until(
      () => [...region.shadowRoot!.querySelectorAll('[part~="toast"]')].every((toast) => !overlap(button.getBoundingClientRect(), toast.getBoundingClientRect())),
      'the focused button to be clear of the toasts',
      3000,
    );
  });

  it('scroll-padding keeps a focused link clear of the sticky top bar', async () => {
    await control('reset');
    const { win, doc } = await openPage('index.html', 320, 640);
    await rendered(doc, 'index.html');
    const header = doc.querySelector('.topbar') as HTMLElement;
    const padding = parseFloat(win.getComputedStyle(doc.documentElement).scrollPaddingTop);
    expect(padding, 'scroll-padding-top').to.be.at.least(header.getBoundingClientRect().height);
    // A link half under the top bar, focused: it scrolls out from under it.
    const link = doc.querySelectorAll<HTMLAnchorElement>('[data-project-id] .card-name')[2];
    win.scrollTo(0, win.scrollY + link.getBoundingClientRect().top - header.getBoundingClientRect().height + 8);
    await frames(2);
    expect(link.getBoundingClientRect().top).to.be.lessThan(header.getBoundingClientRect().bottom);
    link.focus();
    await frames(2);
    expect(link.getBoundingClientRect().top, 'the focused link below the top bar').to.be.at.least(header.getBoundingClientRect().bottom);
  });

  for (const width of [320, 1280]) {
    it(`links and buttons are at least 24 × 24 px; the footer link is underlined (${width} px)`, async () => {
      await control('reset');
      for (const path of ['index.html', 'project.html?id=api-gateway']) {
        const { win, doc } = await openPage(path, width, 800);
        await rendered(doc, path);
        const targets: Element[] = [...doc.querySelectorAll('a[href], button')];
        for (const host of doc.querySelectorAll('[data-project-id] live-container-actions, #actions')) targets.push(...host.shadowRoot!.querySelectorAll('a[href], button'));
        expect(targets.length).to.be.greaterThan(path === 'index.html' ? 20 : 5);
        for (const target of targets) {
          const box = target.getBoundingClientRect();
          if (box.width === 0 && box.height === 0) continue; // not shown at this width
          const name = `${path} ${target.className || target.tagName} “${target.textContent?.trim().slice(0, 30)}”`;
          expect(box.height, `${name} height`).to.be.at.least(24);
          expect(box.width, `${name} width`).to.be.at.least(24);
        }
        const footerLink = doc.querySelector('footer a') as HTMLElement;
        expect(win.getComputedStyle(footerLink).textDecorationLine).to.contain('underline');
      }
    });
  }

  it('the language switch: a named button that sets lang="es", translates the page and the elements, and is remembered', async () => {
    await control('reset');
    let page = await openPage('index.html', 1280, 800);
    const { doc } = page;
    expect(doc.documentElement.lang).to.equal('en');
    const button = doc.querySelector('.topbar .lang-toggle') as HTMLButtonElement;
    expect(button, 'the language button').to.exist;
    expect(button.tagName).to.equal('BUTTON');
    expect(button.getAttribute('aria-label')).to.contain('Español');
    expect(button.nextElementSibling?.classList.contains('theme-toggle'), 'beside the theme button').to.equal(true);
    button.click();
    expect(doc.documentElement.lang).to.equal('es');
    expect(localStorage.getItem(LANG_KEY)).to.equal('es');
    expect(doc.querySelector('h1')?.textContent).to.equal('Proyectos');
    expect(button.getAttribute('aria-label')).to.match(/^Idioma: Español\. Cambiar a English/);
    const indicator = doc.querySelector('sse-indicator') as HTMLElement;
    await until(() => part(indicator, 'label')?.textContent?.trim() === 'Conectado (actualizaciones automáticas)', 'the indicator in Spanish');
    await until(() => /proyectos, en directo/.test(doc.getElementById('summary')!.textContent ?? ''), 'the summary in Spanish');

    page = await reload(page);
    expect(page.doc.documentElement.lang, 'remembered across a reload').to.equal('es');
    expect(page.doc.querySelector('h1')?.textContent).to.equal('Proyectos');
    expect(page.doc.querySelector('.nav a')?.textContent).to.equal('Panel');
    const again = page.doc.querySelector('sse-indicator') as HTMLElement;
    await until(() => part(again, 'label')?.textContent?.trim() === 'Conectado (actualizaciones automáticas)', 'the indicator in Spanish after the reload');

    // And back, from the keyboard's point of view the same button.
    (page.doc.querySelector('.lang-toggle') as HTMLButtonElement).click();
    expect(page.doc.documentElement.lang).to.equal('en');
    await until(() => part(again, 'label')?.textContent?.trim() === 'Connected (live updates)', 'the indicator in English');
  });
});
