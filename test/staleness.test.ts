import { expect, fixture, html } from '@open-wc/testing';
import '../src/sse-provider/define.js';
import '../src/live-status-badge/define.js';
import '../src/live-status-alert/define.js';
import '../src/live-metrics-chart/define.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import type { LiveStatusBadge } from '../src/live-status-badge/live-status-badge.js';
import type { LiveStatusAlert } from '../src/live-status-alert/live-status-alert.js';
import type { LiveMetricsChart } from '../src/live-metrics-chart/live-metrics-chart.js';
import { MockBackend } from '../src/mock/index.js';
import { nextFrame, until } from './helpers.js';

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const words = (node: Element | null | undefined) => node?.textContent!.replace(/\s+/g, ' ').trim() ?? '';

/** A page on a mock stream: a running project with its badge and chart, a deploying one with its alert. */
async function page(attributes = '') {
  const backend = new MockBackend({
    autoplay: false,
    latency: 0,
    projects: [
      { projectId: 'web', name: 'Web', status: 'running', cpu: 20, memory: 200 },
      { projectId: 'api', name: 'API', status: 'deploying' },
    ],
  });
  const wrapper = await fixture<HTMLElement>(html`<div></div>`);
  wrapper.innerHTML = `<div ${attributes} style="width:600px">
      <sse-provider reconnect-min="100" reconnect-max="200">
        <live-status-badge project-id="web"></live-status-badge>
        <live-metrics-chart project-id="web"></live-metrics-chart>
        <live-status-alert project-id="api"></live-status-alert>
      </sse-provider>
    </div>`;
  const provider = wrapper.querySelector<SseProvider>('sse-provider')!;
  provider.mockBackend = backend;
  await until(() => provider.state === 'open', 'the mock stream to open');
  backend.emit('metrics_updated', { projectId: 'web', cpu: 20, memory: 200, requests: 5, uptime: '1h', timestamp: new Date().toISOString() });
  backend.emit('deployment_progress', { projectId: 'api', message: 'Building', level: 'info', step: 'Build', progress: 40 });
  const badge = wrapper.querySelector<LiveStatusBadge>('live-status-badge')!;
  const chart = wrapper.querySelector<LiveMetricsChart>('live-metrics-chart')!;
  const alert = wrapper.querySelector<LiveStatusAlert>('live-status-alert')!;
  await until(() => part(chart, 'cards') !== null && part(alert, 'message') !== null, 'the cards and the alert');
  return { backend, provider, badge, chart, alert };
}

describe('stale state: while the stream is down, live values say so, and recover by themselves', () => {
  it('a dropped stream makes the badge, the figures and the alert stale, in words; the reopened stream makes them live', async () => {
    const { backend, provider, badge, chart, alert } = await page();
    for (const el of [badge, chart, alert]) expect(el.hasAttribute('stale'), el.localName).to.be.false;
    expect(part(chart, 'stale')).to.not.exist;
    expect(part(alert, 'stale')).to.not.exist;

    // The next connections are refused: the provider keeps retrying, and what it shows ages.
    backend.failConnections(3);
    backend.dropAll();
    await until(() => provider.state !== 'open', 'the stream to drop');
    await until(() => badge.hasAttribute('stale') && chart.hasAttribute('stale') && alert.hasAttribute('stale'), 'every element to be stale');

    // The badge: still its status, dashed and still, with the words for screen readers and a tooltip.
    expect(badge.status).to.equal('running');
    const base = part(badge, 'base')!;
    expect(base.classList.contains('stale')).to.be.true;
    expect(getComputedStyle(base).borderStyle).to.equal('dashed');
    expect(words(part(badge, 'label'))).to.match(/^Running, Not live, last update at \d\d:\d\d:\d\d$/);
    expect(base.title).to.match(/^Not live, last update/);
    expect(part(badge, 'pulse') ? getComputedStyle(part(badge, 'pulse')!).animationName : 'none').to.equal('none');

    // The figures: dashed cards, muted values, a line that says since when.
    expect(words(part(chart, 'stale'))).to.match(/^Not live, last update/);
    expect(getComputedStyle(part(chart, 'card')!).borderStyle).to.equal('dashed');
    // The alert: a line in the box, and its motion stops.
    expect(words(part(alert, 'stale'))).to.match(/^Not live, last update/);
    expect(getComputedStyle(part(alert, 'progress-bar')!, '::before').animationName).to.equal('none');

    // The refused connections run out; the stream opens again and everything is live.
    await until(() => provider.state === 'open', 'the stream to reopen', 10000);
    await until(() => !badge.hasAttribute('stale') && !chart.hasAttribute('stale') && !alert.hasAttribute('stale'), 'every element to be live again');
    expect(part(badge, 'base')!.classList.contains('stale')).to.be.false;
    expect(words(part(badge, 'label'))).to.equal('Running');
    expect(part(chart, 'stale')).to.not.exist;
    expect(part(alert, 'stale')).to.not.exist;
  });

  it('says it in the page language, and a disconnect() on request is stale too', async () => {
    const { provider, badge, chart, alert } = await page('lang="es"');
    provider.disconnect();
    await until(() => badge.hasAttribute('stale') && chart.hasAttribute('stale') && alert.hasAttribute('stale'), 'every element to be stale');
    expect(words(part(badge, 'label'))).to.match(/^Activo, Sin conexión, última actualización a las \d\d:\d\d:\d\d$/);
    expect(words(part(chart, 'stale'))).to.match(/^Sin conexión, última actualización/);
    expect(words(part(alert, 'stale'))).to.match(/^Sin conexión, última actualización/);
    provider.connect();
    await until(() => !badge.hasAttribute('stale'), 'the badge to be live again');
  });

  it('a project the provider does not know is not stale: it has nothing to show', async () => {
    const { backend, provider } = await page();
    const unknown = document.createElement('live-status-badge');
    unknown.setAttribute('project-id', 'nobody');
    provider.append(unknown);
    backend.dropAll();
    await until(() => provider.state !== 'open', 'the stream to drop');
    await nextFrame();
    await unknown.updateComplete;
    expect(unknown.hasAttribute('stale')).to.be.false;
    expect(words(part(unknown, 'label'))).to.equal('Unknown');
  });

  it('presentational mode: a `stale` attribute says "Not live" without a time', async () => {
    const wrapper = await fixture<HTMLElement>(html`<div>
      <live-status-badge status="running" stale></live-status-badge>
      <live-status-alert status="error" error-message="Out of memory" stale></live-status-alert>
    </div>`);
    const badge = wrapper.querySelector<LiveStatusBadge>('live-status-badge')!;
    const alert = wrapper.querySelector<LiveStatusAlert>('live-status-alert')!;
    await badge.updateComplete;
    await alert.updateComplete;
    expect(words(part(badge, 'label'))).to.equal('Running, Not live');
    expect(words(part(alert, 'stale'))).to.equal('Not live');
    badge.stale = false;
    await badge.updateComplete;
    expect(words(part(badge, 'label'))).to.equal('Running');
  });

  for (const theme of ['light', 'dark']) {
    for (const lang of ['en', 'es']) {
      it(`stale elements pass axe (${theme}, ${lang})`, async () => {
        const { provider, badge, chart, alert } = await page(`theme="${theme}" lang="${lang}"`);
        (provider.parentElement as HTMLElement).style.background = theme === 'dark' ? '#0d1117' : '#ffffff';
        provider.disconnect();
        await until(() => badge.hasAttribute('stale') && chart.hasAttribute('stale') && alert.hasAttribute('stale'), 'every element to be stale');
        await expect(badge).to.be.accessible();
        await expect(chart).to.be.accessible();
        await expect(alert).to.be.accessible();
      });
    }
  }
});
