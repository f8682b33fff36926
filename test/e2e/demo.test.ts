// End to end: the demo pages in an iframe, on the built bundle, against the demo server running the
// simulation behind the real protocol (test/server/demo-endpoints.mjs mounts it at /demo, same
// origin). Needs `npm run build` first.
import { expect } from '@open-wc/testing';
import { until } from '../helpers.js';
import { loadFrame, pageIn, type Page } from './demo-frame.js';
import type { SseProvider } from '../../src/sse-provider/sse-provider.js';

interface Frame {
  id: string;
  event: string;
  data: { projectId?: string; message?: string; [key: string]: unknown };
}

interface RestProject {
  projectId: string;
  name?: string;
  status: string;
}

const TAGS = [
  'sse-provider',
  'sse-indicator',
  'live-status-badge',
  'live-metrics-chart',
  'live-logs-viewer',
  'live-status-alert',
  'live-container-actions',
  'live-toast-region',
];

let frame: HTMLIFrameElement | undefined;

afterEach(() => {
  // Removing the page closes its stream.
  frame?.remove();
  frame = undefined;
});

async function control(action: 'reset' | 'pause' | 'resume'): Promise<void> {
  const response = await fetch(`/__demo/${action}`, { method: 'POST' });
  expect(response.ok, `/__demo/${action}`).to.equal(true);
}

async function emit(type: string, data: unknown): Promise<void> {
  const response = await fetch('/__demo/emit', { method: 'POST', body: JSON.stringify({ type, data }) });
  expect(response.ok, '/__demo/emit').to.equal(true);
}

async function serverFrames(): Promise<Frame[]> {
  return (await fetch('/__demo/frames')).json();
}

/** The deployment lines the server sent for one project, in order. */
async function sentLines(projectId: string): Promise<string[]> {
  return (await serverFrames()).filter((f) => f.event === 'deployment_progress' && f.data.projectId === projectId).map((f) => f.data.message as string);
}

async function serverProjects(): Promise<RestProject[]> {
  const response = await fetch('/demo/api/projects');
  expect(response.status).to.equal(200);
  return response.json();
}

async function openPage(path: string): Promise<Page> {
  frame = await loadFrame(path);
  return pageIn(frame);
}

function part(host: Element | null, name: string): Element | null {
  return host?.shadowRoot?.querySelector(`[part~="${name}"]`) ?? null;
}

/** The messages the store holds for a project, oldest first. */
function storeLines(provider: SseProvider, projectId: string): string[] {
  return [...provider.store.logs(projectId)].map((entry) => entry.message);
}

/** The messages the logs viewer renders, top to bottom. */
function viewerLines(viewer: Element): string[] {
  return [...(viewer.shadowRoot?.querySelectorAll('[part~="row"]') ?? [])].map((row) => row.querySelector('[part~="message"]')?.textContent ?? '');
}

describe('demo (e2e, against the demo server)', function () {
  this.timeout(40000);

  before(async () => {
    // Without a build the demo cannot start: say so once, clearly, instead of seven timeouts.
    const response = await fetch('/demo/bundle-only.html');
    if (!response.ok) throw new Error(`GET /demo/bundle-only.html answered ${response.status}: ${await response.text()}`);
    const bundle = await fetch('/demo/dist/live-elements.bundle.js', { method: 'HEAD' });
    if (!bundle.ok) throw new Error('dist/live-elements.bundle.js is missing: run `npm run build` first');
  });

  it('dashboard: a card per project with its live status; the indicator shows connected', async () => {
    await control('reset');
    const { doc, provider } = await openPage('index.html');
    const indicator = doc.querySelector('sse-indicator') as HTMLElement;
    await until(() => provider.state === 'open', 'the stream to open');
    await until(() => indicator.getAttribute('state') === 'open', 'the indicator to show connected');
    expect(part(indicator, 'label')?.textContent).to.contain('Connected (live updates)');

    const projects = await serverProjects();
    expect(projects.map((p) => p.status)).to.include.members(['running', 'deploying', 'stopped', 'inactive', 'error']);
    const card = (id: string) => doc.querySelector(`[data-project-id="${CSS.escape(id)}"]`);
    await until(() => projects.every((p) => card(p.projectId)), 'a card per project');
    expect(doc.querySelectorAll('[data-project-id]').length).to.equal(projects.length);
    for (const project of projects) {
      const node = card(project.projectId) as Element;
      expect(node.querySelector('a[href*="project.html?id="]')?.textContent).to.equal(project.name);
      expect(node.querySelector(`live-container-actions[project-id="${project.projectId}"]`)).to.exist;
      const badge = node.querySelector('live-status-badge') as HTMLElement;
      await until(() => {
        const status = provider.store.getProject(project.projectId)?.status;
        return status !== undefined && badge.getAttribute('status') === status;
      }, `the badge of ${project.projectId} to show the store's status`);
      expect(part(badge, 'label')?.textContent?.trim()).to.not.equal('');
    }
    // The store, and so every badge, is the server's state (which moves on: wait for them to agree).
    await until(async () => {
      const now = await serverProjects();
      return now.every((p) => provider.store.getProject(p.projectId)?.status === p.status);
    }, 'the store to match the server');
  });

  it('dashboard: a project that appears gets a card, a deleted one loses it, names render as text', async () => {
    await control('reset');
    const { doc, provider } = await openPage('index.html');
    await until(() => doc.querySelectorAll('[data-project-id]').length === 6, 'the six cards');

    const hostile = '<img src=x onerror="window.__pwned=1">';
    await emit('container_status_changed', { projectId: hostile, oldStatus: 'stopped', newStatus: 'deploying' });
    const card = () => doc.querySelector(`[data-project-id="${CSS.escape(hostile)}"]`);
    await until(() => card() !== null, 'a card for the new project');
    expect(card()!.querySelector('a')?.textContent).to.equal(hostile);
    expect(doc.querySelector('img')).to.equal(null);
    expect((frame!.contentWindow as unknown as { __pwned?: number }).__pwned).to.equal(undefined);

    const response = await fetch('/demo/api/projects/docs-site', { method: 'DELETE' });
    expect(response.status).to.equal(200);
    await until(() => doc.querySelector('[data-project-id="docs-site"]') === null, 'the deleted project to lose its card');
    expect(provider.store.getProject('docs-site')).to.equal(undefined);
  });

  it('project: Start streams deployment_progress into the viewer, the badge turns running, the chart appears', async () => {
    await control('reset');
    const { doc, provider } = await openPage('project.html?id=docs-site');
    const badge = doc.getElementById('badge') as HTMLElement;
    const viewer = doc.querySelector('live-logs-viewer') as HTMLElement;
    const chart = doc.querySelector('live-metrics-chart') as HTMLElement;
    const actions = doc.querySelector('live-container-actions') as HTMLElement;
    await until(() => provider.state === 'open' && badge.getAttribute('status') === 'stopped', 'a stopped project');
    await until(() => part(chart, 'unavailable') !== null, 'no chart while stopped');

    await until(() => part(actions, 'start') !== null, 'the Start button');
    (part(actions, 'start') as HTMLElement).click();

    await until(() => badge.getAttribute('status') === 'deploying', 'the badge to turn deploying');
    // Lines arrive while the deployment is still running: they stream, not land at the end.
    await until(() => viewerLines(viewer).length >= 2, 'the first lines in the viewer');
    expect(badge.getAttribute('status')).to.equal('deploying');
    expect(viewerLines(viewer)[0]).to.match(/^Cloning repository/);

    await until(() => badge.getAttribute('status') === 'running', 'the badge to turn running', 20000);
    const sent = await sentLines('docs-site');
    expect(sent.length).to.be.greaterThan(8);
    expect(storeLines(provider, 'docs-site')).to.deep.equal(sent);
    await until(() => viewerLines(viewer).length === sent.length, 'every line in the viewer');
    expect(viewerLines(viewer)).to.deep.equal(sent);

    await until(() => part(chart, 'plot')?.querySelector('canvas') != null, 'the chart to appear', 10000);
    expect(part(chart, 'unavailable')).to.equal(null);
  });

  it('a reopened page shows the failed deployment’s log as history, then live lines, and a chart that opens full', async () => {
    await control('reset');
    const projectId = 'docs-site';
    await emit('container_status_changed', { projectId, oldStatus: 'stopped', newStatus: 'deploying' });
    await emit('deployment_progress', { projectId, message: 'Cloning repository', level: 'info', step: 'clone', progress: 10 });
    await emit('deployment_progress', { projectId, message: 'npm ERR! missing script: build', level: 'error', step: 'build', progress: 40 });
    await emit('container_status_changed', { projectId, oldStatus: 'deploying', newStatus: 'error' });
    const running = (await serverProjects()).find((project) => project.status === 'running')!;
    const metricsSent = async () => (await serverFrames()).filter((f) => f.event === 'metrics_updated' && f.data.projectId === running.projectId).length;
    await until(async () => (await metricsSent()) >= 2, 'metrics sent before the page opens', 15000);
    const opened = Date.now();
    const { doc, provider } = await openPage(`project.html?id=${projectId}`);
    const viewer = doc.querySelector('live-logs-viewer') as HTMLElement;
    await until(() => provider.state === 'open' && viewerLines(viewer).length === 2, 'the kept lines in the viewer');
    expect(viewerLines(viewer)).to.deep.equal(['Cloning repository', 'npm ERR! missing script: build']);
    const rows = [...viewer.shadowRoot!.querySelectorAll('[part~="row"]')];
    expect(rows.every((row) => row.part.contains('row-history'))).to.equal(true);
    expect(provider.store.getProject(projectId)?.currentDeployment?.outcome).to.equal('failed');
    // Live lines follow the history, none twice.
    await emit('deployment_progress', { projectId, message: 'Crash report uploaded', level: 'info' });
    await until(() => viewerLines(viewer).length === 3, 'the live line');
    expect(viewerLines(viewer)).to.deep.equal(['Cloning repository', 'npm ERR! missing script: build', 'Crash report uploaded']);
    expect(viewer.shadowRoot!.querySelectorAll('[part~="row-history"]')).to.have.length(2);
    // A running project's chart starts with the points the server kept: older than the page.
    const metrics = provider.store.getProject(running.projectId)!.metrics;
    expect(metrics.length).to.be.at.least(2);
    expect(metrics.at(0)!.time).to.be.below(opened);
  });

  it('an outage: the indicator shows disconnected, then connected; no line is lost or shown twice', async () => {
    await control('reset');
    const { doc, provider } = await openPage('project.html?id=docs-site');
    const indicator = doc.querySelector('sse-indicator') as HTMLElement;
    const viewer = doc.querySelector('live-logs-viewer') as HTMLElement;
    await until(() => provider.state === 'open' && provider.store.getProject('docs-site')?.status === 'stopped', 'a stopped project');

    // Someone starts the deployment; a couple of lines arrive, then the server goes away.
    expect((await fetch('/demo/api/containers/docs-site/start', { method: 'POST' })).status).to.equal(200);
    await until(() => storeLines(provider, 'docs-site').length >= 2, 'the first lines');
    await control('pause');
    await until(() => indicator.getAttribute('state') === 'closed', 'the indicator to show disconnected');
    expect(part(indicator, 'label')?.textContent).to.contain('Disconnected');
    const heardBefore = storeLines(provider, 'docs-site').length;
    // The simulation runs on while the stream is down.
    await until(async () => (await sentLines('docs-site')).length >= heardBefore + 3, 'lines sent during the outage');
    expect(storeLines(provider, 'docs-site').length).to.equal(heardBefore);

    await control('resume');
    await until(() => indicator.getAttribute('state') === 'open', 'the indicator to show connected again', 15000);
    expect(part(indicator, 'label')?.textContent).to.contain('Connected');
    await until(() => provider.store.getProject('docs-site')?.status === 'running', 'the deployment to finish', 20000);

    const sent = await sentLines('docs-site');
    expect(storeLines(provider, 'docs-site'), 'the store against what the server sent').to.deep.equal(sent);
    await until(() => viewerLines(viewer).length === sent.length, 'every line in the viewer');
    expect(viewerLines(viewer), 'the viewer against what the server sent').to.deep.equal(sent);
    expect(provider.stats.reconnects).to.be.greaterThan(0);
  });

  it('a plain page with only dist/live-elements.bundle.js works', async () => {
    await control('reset');
    const { win, doc, provider } = await openPage('bundle-only.html');
    const scripts = [...doc.scripts];
    expect(scripts.length).to.equal(1);
    expect(scripts[0].type).to.equal('module');
    expect(scripts[0].getAttribute('src')).to.equal('dist/live-elements.bundle.js');
    await until(() => TAGS.every((tag) => win.customElements.get(tag) !== undefined), 'every element to be defined');

    await until(() => provider.state === 'open', 'the stream to open');
    const badge = doc.querySelector('live-status-badge') as HTMLElement;
    await until(() => badge.getAttribute('status') === 'running', 'the badge to show running');
    const chart = doc.querySelector('live-metrics-chart') as HTMLElement;
    await until(() => part(chart, 'plot')?.querySelector('canvas') != null, 'the chart to draw', 10000);
    const indicator = doc.querySelector('sse-indicator') as HTMLElement;
    expect(indicator.getAttribute('state')).to.equal('open');
  });

  it('?mock runs the same dashboard on the in-browser simulation, with no stream from the server', async () => {
    await control('reset');
    const { doc, provider } = await openPage('index.html?mock');
    await until(() => provider.state === 'open', 'the mock stream to open');
    expect(provider.mock).to.equal(true);
    await until(() => doc.querySelectorAll('[data-project-id]').length === 6, 'a card per mock project');
    const status = await (await fetch('/__demo/status')).json();
    expect(status.streams).to.equal(0);
    const detailsLink = doc.querySelector('[data-project-id="api-gateway"] a[href*="project.html"]') as HTMLAnchorElement;
    expect(new URL(detailsLink.href).searchParams.has('mock')).to.equal(true);
  });

  it('project: an unknown id shows "not found"', async () => {
    await control('reset');
    const { doc, provider } = await openPage('project.html?id=nope');
    await until(() => provider.state === 'open', 'the stream to open');
    const notFound = doc.getElementById('not-found') as HTMLElement;
    await until(() => !notFound.hidden, 'the not-found state');
    expect((doc.getElementById('project') as HTMLElement).hidden).to.equal(true);
    expect(notFound.textContent).to.contain('nope');
  });
});
