import { expect, fixture, html } from '@open-wc/testing';
import '../src/index.js';
import type { LiveToastRegion } from '../src/live-toast-region/live-toast-region.js';
import type { LiveLogsViewer } from '../src/live-logs-viewer/live-logs-viewer.js';
import type { LiveMetricsChart } from '../src/live-metrics-chart/live-metrics-chart.js';
import type { SseIndicator } from '../src/sse-indicator/sse-indicator.js';
import type { LiveContainerActions } from '../src/live-container-actions/live-container-actions.js';
import { ManualClock } from '../src/mock/index.js';
import { until } from './helpers.js';

const STATUSES = ['running', 'deploying', 'stopped', 'inactive', 'error'] as const;
const now = Date.now();
const metrics = Array.from({ length: 10 }, (_, i) => ({ time: now - (9 - i) * 2000, cpu: 20 + i, memory: 300 + i, requests: 1000 + i, uptime: '2h 5m' }));
const entries = [
  { timestamp: new Date(now - 3000).toISOString(), level: 'info', message: 'Installing dependencies' },
  { timestamp: new Date(now - 2000).toISOString(), level: 'warning', message: 'npm WARN deprecated inflight@1.0.6' },
  { timestamp: new Date(now - 1000).toISOString(), level: 'success', message: 'Image built (212 MB)' },
  { timestamp: new Date(now).toISOString(), level: 'error', message: 'Health check failed: 503' },
];

/**
 * Every element in every state it can show, alone (presentational), on one page: axe checks them
 * all, inside their shadow roots, in each theme and language.
 */
async function everyState(theme: string, lang: string) {
  const page = await fixture<HTMLElement>(html`<main theme=${theme} lang=${lang} style="padding:16px;background:${theme === 'dark' ? '#0d1117' : '#ffffff'}">
    <section aria-label="badges">
      ${STATUSES.map((status) => html`<live-status-badge status=${status}></live-status-badge><live-status-badge status=${status} stale></live-status-badge>`)}
      <live-status-badge></live-status-badge>
    </section>
    <section aria-label="indicators">
      <sse-indicator state="connecting" url="/api/events"></sse-indicator>
      <sse-indicator state="open" url="/api/events" .stats=${{ received: 1234567, applied: 1234000, rejected: 3, ignored: 0, duplicates: 2, reconnects: 1, dropped: 0 }}></sse-indicator>
      <sse-indicator state="closed" closed-reason="retrying"></sse-indicator>
      <sse-indicator state="closed" closed-reason="disconnected"></sse-indicator>
      <sse-indicator state="closed" closed-reason="unauthorized"></sse-indicator>
    </section>
    <section aria-label="alerts">
      <live-status-alert status="inactive" reason="No requests in 30 minutes" inactive-time="1800"></live-status-alert>
      <live-status-alert status="error" error-message="Out of memory"></live-status-alert>
      <live-status-alert status="deploying" step="Building image" progress="40"></live-status-alert>
      <live-status-alert status="deploying"></live-status-alert>
      <live-status-alert status="error" error-message="Out of memory" stale></live-status-alert>
    </section>
    <section aria-label="actions">
      ${STATUSES.map((status) => html`<live-container-actions status=${status} url="https://web.example.com" deletable></live-container-actions>`)}
      <live-container-actions id="confirming" status="stopped" deletable></live-container-actions>
    </section>
    <section aria-label="charts" style="width:640px">
      <live-metrics-chart id="running" status="running" .metrics=${metrics}></live-metrics-chart>
      <live-metrics-chart id="stale" status="running" stale .metrics=${metrics}></live-metrics-chart>
      <live-metrics-chart status="running"></live-metrics-chart>
      <live-metrics-chart status="stopped"></live-metrics-chart>
    </section>
    <section aria-label="logs">
      <live-logs-viewer id="empty" style="height:160px"></live-logs-viewer>
      <live-logs-viewer id="full" style="height:200px" .entries=${entries}></live-logs-viewer>
      <live-logs-viewer id="filtered" style="height:160px" filter="no such line" .entries=${entries}></live-logs-viewer>
    </section>
    <live-toast-region position="inline"></live-toast-region>
  </main>`);
  const region = page.querySelector<LiveToastRegion>('live-toast-region')!;
  region.clock = new ManualClock();
  for (const kind of ['info', 'success', 'warning', 'error'] as const) region.show({ kind, title: `A ${kind} toast`, message: 'Web API' });
  // The delete confirmation, and one indicator's popover open (in Spanish, once the strings are in).
  await page.querySelector<LiveContainerActions>('#confirming')!.updateComplete;
  page.querySelector('#confirming')!.shadowRoot!.querySelector<HTMLElement>('[part~="delete"]')!.click();
  const indicator = page.querySelectorAll<SseIndicator>('sse-indicator')[1];
  indicator.open = true;
  const elements = [...page.querySelectorAll('*')].filter((node): node is HTMLElement & { updateComplete: Promise<unknown> } => 'updateComplete' in node);
  await Promise.all(elements.map((el) => el.updateComplete));
  const chart = page.querySelector<LiveMetricsChart>('#running')!;
  await until(() => chart.shadowRoot!.querySelector('canvas') !== null, 'the chart to draw');
  await until(() => (page.querySelector<LiveLogsViewer>('#full')!.shadowRoot!.querySelectorAll('[part~="row"]').length ?? 0) > 0, 'the log rows');
  return page;
}

describe('accessibility: every element in every state, both themes, both languages (axe)', () => {
  for (const theme of ['light', 'dark']) {
    for (const lang of ['en', 'es']) {
      it(`has no axe violation (${theme}, ${lang})`, async () => {
        const page = await everyState(theme, lang);
        await expect(page).to.be.accessible();
      });
    }
  }
});
