import { expect } from '@open-wc/testing';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import { frames, until } from './helpers.js';

/**
 * One page (`test/fixtures/csp.html`, served by `test/server/csp.mjs`) loads the built bundle under
 * `style-src 'self'` with no `'unsafe-inline'` and Trusted Types allowing only Lit's `lit-html`
 * policy, and shows every element in every state, live from the mock and alone from attributes.
 * The page records every `securitypolicyviolation` from its first script on.
 */

type CspWindow = Window & { loaded?: boolean; violations?: string[] };

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const parts = (el: Element, name: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
const text = (el: Element, name: string) => part(el, name)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

async function open(): Promise<{ frame: HTMLIFrameElement; doc: Document; win: () => CspWindow }> {
  const frame = document.createElement('iframe');
  frame.src = '/test/fixtures/csp.html';
  frame.width = '1000';
  frame.height = '900';
  document.body.append(frame);
  const win = () => frame.contentWindow as CspWindow;
  // A Trusted Types policy other than `lit-html` throws while the bundle loads: say why.
  await until(() => Boolean(win()?.loaded), 'the bundle to load under CSP', 10000).catch((error: Error) => {
    throw new Error(`${error.message}; violations: ${JSON.stringify(win()?.violations)}`);
  });
  return { frame, doc: frame.contentDocument!, win };
}

/** The chart draws once it is on screen. */
async function drawn(chart: Element): Promise<void> {
  chart.scrollIntoView();
  await until(() => Boolean(chart.shadowRoot?.querySelector('[part~="plot"] canvas')), 'the chart (uPlot loaded lazily)', 10000);
}

/** Opens the indicator's popover with its trigger, as a user would (opening the next one closes it). */
async function popover(indicator: Element): Promise<void> {
  part(indicator, 'trigger')!.click();
  await until(() => part(indicator, 'popover')!.matches(':popover-open'), 'the popover to open');
  await frames(2);
}

describe('strict Content-Security-Policy', () => {
  it('runs every element in every state under style-src self and Trusted Types, with no violation', async () => {
    const { frame, doc, win } = await open();
    try {
      const live = doc.getElementById('live') as SseProvider;
      const alone = doc.getElementById('alone')!;
      const inLive = (selector: string) => [...live.querySelectorAll(selector)];
      const inAlone = (selector: string) => [...alone.querySelectorAll(selector)];

      // Live, from the mock: a project in each status, and one the provider does not know.
      await until(() => live.state === 'open' && live.store.size > 0, 'the mock stream', 10000);
      const statuses = () => inLive('live-status-badge').map((badge) => badge.getAttribute('status') ?? 'none').join(' ');
      await until(() => statuses() === 'running deploying stopped inactive error none', 'a badge in each status and an empty one');
      const [inactiveAlert, errorAlert, deployingAlert] = inLive('live-status-alert');
      await until(() => part(deployingAlert!, 'progress')?.hasAttribute('aria-valuenow') ?? false, 'a deployment step with progress', 10000);
      expect(text(inactiveAlert!, 'title')).to.equal('Container paused due to inactivity');
      expect(part(errorAlert!, 'base')!.classList.contains('error')).to.be.true;
      const [runningChart, idleChart] = inLive('live-metrics-chart');
      await drawn(runningChart!);
      expect(part(idleChart!, 'unavailable')).to.not.equal(null);
      const [liveIndicator] = inLive('sse-indicator');
      await popover(liveIndicator!);

      // Start a stopped container: a deployment runs, toasts follow.
      (part(inLive('live-container-actions')[2]!, 'start') as HTMLElement).click();
      await until(() => live.store.getProject('docs-site')?.status === 'deploying', 'the start to go through', 10000);
      const liveLogs = inLive('live-logs-viewer')[0]!;
      const liveSearch = part(liveLogs, 'search') as HTMLInputElement;
      liveSearch.value = 'build';
      liveSearch.dispatchEvent(new Event('input', { bubbles: true }));
      await until(() => text(liveLogs, 'counter').includes('of'), 'the filter to apply');
      await until(() => parts(inLive('live-toast-region')[0]!, 'toast').length > 0, 'a toast from the stream', 10000);

      // Alone: every state from attributes and properties.
      expect(inAlone('live-status-badge').slice(0, 5).map((badge) => text(badge, 'label'))).to.deep.equal(['Running', 'Deploying', 'Stopped', 'Inactive', 'Error']);
      for (const indicator of inAlone('sse-indicator')) await popover(indicator);
      expect(inAlone('sse-indicator').map((indicator) => text(indicator, 'label'))).to.deep.equal(['Connecting…', 'Connected (live updates)', 'Disconnected — reconnecting']);
      const aloneAlerts = inAlone('live-status-alert');
      expect(aloneAlerts.map((alert) => part(alert, 'base')?.classList[1])).to.deep.equal(['inactive', 'error', 'deploying', 'deploying']);
      expect(part(aloneAlerts[2]!, 'progress')!.getAttribute('aria-valuenow')).to.equal('40');
      const [aloneRunning, aloneDeploying] = inAlone('live-container-actions');
      expect(part(aloneDeploying!, 'deploying')).to.not.equal(null);
      // Delete asks first.
      part(aloneRunning!, 'delete')!.click();
      await until(() => part(aloneRunning!, 'confirm') !== null, 'the delete confirmation');
      const [aloneChart, aloneIdleChart] = inAlone('live-metrics-chart');
      await drawn(aloneChart!);
      expect(part(aloneIdleChart!, 'unavailable')).to.not.equal(null);

      // The log: scroll up, new entries arrive, then every toggle and both filters.
      const logs = inAlone('live-logs-viewer')[0] as HTMLElement & { entries: unknown[]; following: boolean };
      logs.scrollIntoView();
      await until(() => parts(logs, 'row').length > 0, 'the log rows');
      part(logs, 'log')!.scrollTop = 0;
      await until(() => !logs.following, 'the log to stop following');
      logs.entries = [...logs.entries, { timestamp: Date.now(), level: 'info', message: 'one more' }];
      await until(() => text(logs, 'jump') === 'Jump to latest (1 new)', 'the jump-to-latest button with its count');
      part(logs, 'wrap-toggle')!.click();
      part(logs, 'timestamps-toggle')!.click();
      part(logs, 'level-toggle-info')!.click();
      const search = part(logs, 'search') as HTMLInputElement;
      search.value = 'layer 1';
      search.dispatchEvent(new Event('input', { bubbles: true }));
      await until(() => parts(logs, 'match').length > 0, 'highlighted matches');
      expect(logs.hasAttribute('wrap')).to.equal(true);
      expect(logs.hasAttribute('hide-timestamps')).to.equal(true);

      const toasts = inAlone('live-toast-region')[0]!;
      expect(['info', 'success', 'warning', 'error'].map((kind) => parts(toasts, `toast-${kind}`).length > 0)).to.deep.equal([true, true, true, true]);

      await frames(3);
      expect(win().violations).to.deep.equal([]);
    } finally {
      frame.remove();
    }
  });
});
