// `?mock` keeps one simulation per tab: the dashboard and the details pages, reached by links, back
// and reload, show the same projects in the same states, and what is done on one page is seen on the
// next. The demo pages run in an iframe on the built bundle (like demo.test.ts); the iframe shares
// this page's sessionStorage, as the pages of one tab do. Needs `npm run build` first.
import { expect } from '@open-wc/testing';
import { until } from '../helpers.js';
import { loadFrame, pageIn, type Page } from './demo-frame.js';
import type { MockBackend, MockProject } from '../../src/mock/index.js';
import { DEPLOYMENT_STEPS } from '../../src/mock/index.js';

type Statuses = Record<string, string>;

/** Where the demo keeps the tab's simulation. */
const KEY = 'clouddeploy-demo-simulation';
const PROJECTS = ['api-gateway', 'web-frontend', 'payments-service', 'docs-site', 'legacy-cron', 'ml-worker'];

let frame: HTMLIFrameElement | undefined;

beforeEach(() => sessionStorage.removeItem(KEY));

afterEach(() => {
  frame?.remove();
  frame = undefined;
  sessionStorage.removeItem(KEY);
});

async function openPage(path: string): Promise<Page> {
  frame = await loadFrame(path);
  return pageOf(frame);
}

async function pageOf(iframe: HTMLIFrameElement): Promise<Page> {
  const page = await pageIn(iframe);
  await until(() => page.provider.state === 'open', 'the mock stream to open', 10000);
  await until(() => PROJECTS.every((id) => page.provider.store.getProject(id)?.status !== undefined), 'every project in the store');
  return page;
}

/**
 * Navigates the iframe (a click, `history.back()`, a reload) and waits for the next page. Returns
 * the store's statuses as the last page left them, read on its `pagehide`.
 */
async function navigate(page: Page, go: () => void): Promise<{ next: Page; left: Statuses }> {
  const iframe = frame as HTMLIFrameElement;
  let left: Statuses | undefined;
  page.win.addEventListener('pagehide', () => (left = statuses(page)), { once: true });
  const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
  go();
  await loaded;
  expect(left, 'the page left').to.not.equal(undefined);
  return { next: await pageOf(iframe), left: left as Statuses };
}

function statuses({ provider }: Page): Statuses {
  return Object.fromEntries(PROJECTS.map((id) => [id, provider.store.getProject(id)?.status ?? 'missing']));
}

/**
 * The statuses of `after` are those of `before`, or where the simulation itself takes them in the
 * seconds between: a deployment ends, an idle project shuts down. Never back to another state.
 */
function carriedOver(after: Statuses, before: Statuses, label: string): void {
  for (const id of PROJECTS) {
    const moves: Record<string, string[]> = { deploying: ['running', 'error'], running: ['inactive'] };
    const allowed = [before[id], ...(moves[before[id]] ?? [])];
    expect(allowed, `${label}: ${id} was ${before[id]}, is ${after[id]}`).to.include(after[id]);
  }
}

function part(host: Element | null, name: string): HTMLElement | null {
  return host?.shadowRoot?.querySelector<HTMLElement>(`[part~="${name}"]`) ?? null;
}

const card = (doc: Document, id: string) => doc.querySelector(`[data-project-id="${id}"]`) as HTMLElement;
const badgeOf = (doc: Document, id: string) => card(doc, id).querySelector('live-status-badge') as HTMLElement;

async function dashboardReady(doc: Document): Promise<void> {
  await until(() => doc.querySelectorAll('[data-project-id]').length === PROJECTS.length, 'a card per project', 10000);
  await until(() => PROJECTS.every((id) => badgeOf(doc, id).hasAttribute('status')), 'every badge');
}

/** The simulation's own word on a project, through the page's mock backend. */
async function described(page: Page, id: string): Promise<MockProject> {
  const backend = page.provider.activeMockBackend as MockBackend;
  const answer = await backend.request('GET', `/projects/${id}`);
  expect(answer.status).to.equal(200);
  return answer.body as MockProject;
}

describe('demo ?mock: one simulation per tab (e2e)', function () {
  this.timeout(60000);

  before(async () => {
    const bundle = await fetch('/demo/dist/live-elements.bundle.js', { method: 'HEAD' });
    if (!bundle.ok) throw new Error('dist/live-elements.bundle.js is missing: run `npm run build` first');
  });

  it('carries the projects, their states and the actions from page to page: links, back, reload', async () => {
    // The dashboard: every badge, then the details page of a stopped project through its link.
    const dashboard = await openPage('index.html?mock');
    await dashboardReady(dashboard.doc);
    const shown = Object.fromEntries(PROJECTS.map((id) => [id, badgeOf(dashboard.doc, id).getAttribute('status')]));
    expect(shown['docs-site']).to.equal('stopped');
    const link = card(dashboard.doc, 'docs-site').querySelector('a.card-name') as HTMLAnchorElement;
    let { next: details, left } = await navigate(dashboard, () => link.click());
    expect(details.win.location.search).to.equal('?id=docs-site&mock');
    carriedOver(left, shown as Statuses, 'the dashboard as it left');
    const badge = details.doc.getElementById('badge') as HTMLElement;
    await until(() => badge.getAttribute('status') === left['docs-site'], 'the badge as the dashboard showed it');
    carriedOver(statuses(details), left, 'the details page');

    // Start it here, and let the deployment get going.
    const actions = details.doc.getElementById('actions') as HTMLElement;
    await until(() => part(actions, 'start') !== null, 'the Start button');
    part(actions, 'start')?.click();
    await until(() => badge.getAttribute('status') === 'deploying', 'the deployment to start');
    await until(() => (details.provider.store.getProject('docs-site')?.deployment?.progress ?? 0) > 0, 'the first deployment line');

    // Back to the dashboard: the deployment is there, and has gone on from where it was.
    const progress = (await described(details, 'docs-site')).progress as number;
    let dashboardAgain: Page;
    ({ next: dashboardAgain, left } = await navigate(details, () => details.win.history.back()));
    expect(left['docs-site']).to.equal('deploying');
    await dashboardReady(dashboardAgain.doc);
    carriedOver(statuses(dashboardAgain), left, 'the dashboard after back');
    expect(['deploying', 'running']).to.include(badgeOf(dashboardAgain.doc, 'docs-site').getAttribute('status'));
    const there = await described(dashboardAgain, 'docs-site');
    if (there.status === 'deploying') expect(there.progress).to.be.at.least(progress);

    // An action on the dashboard, then a reload: still the same simulation.
    const reactivate = () => part(card(dashboardAgain.doc, 'legacy-cron').querySelector('live-container-actions'), 'reactivate');
    await until(() => reactivate() !== null, 'the Reactivate button');
    reactivate()?.click();
    await until(() => badgeOf(dashboardAgain.doc, 'legacy-cron').getAttribute('status') === 'deploying', 'legacy-cron to deploy');
    let reloaded: Page;
    ({ next: reloaded, left } = await navigate(dashboardAgain, () => dashboardAgain.win.location.reload()));
    await dashboardReady(reloaded.doc);
    carriedOver(statuses(reloaded), left, 'the dashboard after a reload');
    expect(['deploying', 'running']).to.include(badgeOf(reloaded.doc, 'legacy-cron').getAttribute('status'));

    // And forward again, to the page the dashboard was left for: the action done there is still done.
    ({ next: details, left } = await navigate(reloaded, () => reloaded.win.history.forward()));
    carriedOver(statuses(details), left, 'the details page after forward');
    const shownAgain = details.doc.getElementById('badge') as HTMLElement;
    await until(() => shownAgain.hasAttribute('status'), 'the badge');
    expect(['deploying', 'running']).to.include(shownAgain.getAttribute('status'));
  });

  it('a page opened in the middle of a deployment shows where it has got to', async () => {
    const dashboard = await openPage('index.html?mock');
    await dashboardReady(dashboard.doc);
    const start = part(card(dashboard.doc, 'docs-site').querySelector('live-container-actions'), 'start');
    start?.click();
    await until(() => (dashboard.provider.store.getProject('docs-site')?.deployment?.progress ?? 0) > 0, 'the first deployment line');
    const link = card(dashboard.doc, 'docs-site').querySelector('a.card-name') as HTMLAnchorElement;
    const { next: details } = await navigate(dashboard, () => link.click());
    expect((await described(details, 'docs-site')).status).to.equal('deploying');
    // Before the next line, the alert has the step and progress the simulation had got to.
    const alert = details.doc.getElementById('alert') as HTMLElement;
    await until(() => alert.hasAttribute('step'), 'the step for the alert');
    expect(DEPLOYMENT_STEPS as readonly string[]).to.include(alert.getAttribute('step'));
    expect(Number(alert.getAttribute('progress'))).to.be.greaterThan(0);
  });

  it('ignores a corrupt or foreign saved simulation, starts a new one and saves that', async () => {
    const foreign = JSON.stringify({ page: 'x', state: { version: 1, projects: [{ projectId: 'evil', status: 'pwned' }] } });
    for (const value of ['{not json', '"a string"', foreign, JSON.stringify({ theme: 'dark' })]) {
      sessionStorage.setItem(KEY, value);
      const { doc, provider } = await openPage('index.html?mock');
      await dashboardReady(doc);
      expect(provider.store.getProject('evil'), value).to.equal(undefined);
      expect(badgeOf(doc, 'docs-site').getAttribute('status'), value).to.equal('stopped');
      await until(() => sessionStorage.getItem(KEY) !== value, 'a new simulation saved');
      expect(JSON.parse(sessionStorage.getItem(KEY) as string).state.projects).to.have.length(PROJECTS.length);
      frame?.remove();
    }
  });
});
