import { expect, fixture, html } from '@open-wc/testing';
import { LiveClient } from '../src/core/client.js';
import { seededRandom } from '../src/core/random.js';
import { EVENT_TYPES } from '../src/core/protocol.js';
import { LiveStore } from '../src/core/store.js';
import '../src/sse-provider/define.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import { mountLive } from '../src/testing/index.js';
import { until } from './helpers.js';

/** Seeded, so a failure can be replayed. */
const random = seededRandom;

const VALID: Record<string, () => Record<string, unknown>> = {
  container_status_changed: () => ({ projectId: 'p', oldStatus: 'stopped', newStatus: 'running', timestamp: '2026-01-01T00:00:00Z' }),
  metrics_updated: () => ({ projectId: 'p', cpu: 12, memory: 256, requests: 10, uptime: '1m' }),
  deployment_progress: () => ({ projectId: 'p', message: 'line', level: 'info', step: 'build', progress: 10 }),
  auto_shutdown: () => ({ projectId: 'p', reason: 'idle', inactiveTime: '5m' }),
  snapshot: () => ({ projects: [{ projectId: 'p', status: 'running' }] }),
};

const ODD_VALUES: unknown[] = [null, 0, -1, 1e308, -0, '', 'x'.repeat(70_000), [], {}, true, 'running', 'error', '<img src=x onerror=alert(1)>', '\u0000', { nested: { deep: [1, 2] } }];

function mutate(rand: () => number, data: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(data);
  const out = { ...data };
  const key = keys[Math.floor(rand() * keys.length)]!;
  const action = rand();
  if (action < 0.3) delete out[key];
  else if (action < 0.8) out[key] = ODD_VALUES[Math.floor(rand() * ODD_VALUES.length)];
  else out[`extra${Math.floor(rand() * 5)}`] = ODD_VALUES[Math.floor(rand() * ODD_VALUES.length)];
  if (rand() < 0.5) out.projectId = `p${Math.floor(rand() * 400)}`;
  return out;
}

function message(rand: () => number): { type: string; data: string; id?: string } {
  const type = rand() < 0.1 ? `unknown_${Math.floor(rand() * 3)}` : EVENT_TYPES[Math.floor(rand() * EVENT_TYPES.length)]!;
  const base = VALID[type]?.() ?? { whatever: 1 };
  const data = rand() < 0.6 ? mutate(rand, base) : { ...base, projectId: `p${Math.floor(rand() * 400)}` };
  let text = JSON.stringify(data);
  const form = rand();
  if (form < 0.1) text = text.slice(0, Math.floor(rand() * text.length)); // truncated JSON
  else if (form < 0.15) text = String.fromCharCode(...Array.from({ length: 20 }, () => Math.floor(rand() * 0x2fff)));
  const id = rand() < 0.7 ? String(Math.floor(rand() * 3000)) : undefined;
  if (form > 0.8) return { type: 'message', data: JSON.stringify(rand() < 0.5 ? { event: type, data } : { type, data }), id };
  return { type, data: text, id };
}

describe('hostile input', () => {
  it('survives thousands of random and mutated messages: never throws, counts every one, stays bounded', () => {
    const store = new LiveStore({ logLimit: 50, metricsHistory: 20, maxProjects: 100 });
    const client = new LiveClient({ url: '/unused', store });
    const rand = random(20261129);
    const total = 20_000;
    for (let i = 0; i < total; i++) {
      const { type, data, id } = message(rand);
      expect(() => client.receive(type, data, id)).not.to.throw();
    }
    const stats = store.connection.stats;
    expect(stats.received).to.equal(total);
    expect(stats.applied + stats.rejected + stats.ignored + stats.duplicates).to.equal(total);
    expect(stats.applied, 'some valid ones got through').to.be.greaterThan(1000);
    expect(stats.rejected, 'many were rejected').to.be.greaterThan(1000);
    expect(stats.ignored).to.be.greaterThan(100);
    expect(store.size).to.be.at.most(100);
    for (const id of store.projectIds()) {
      const project = store.getProject(id)!;
      expect(project.logs.length).to.be.at.most(50);
      expect(project.metrics.length).to.be.at.most(20);
      expect(id.length).to.be.within(1, 256);
    }
    expect(store.logs().length).to.be.at.most(50);
  });

  for (const transport of ['eventsource', 'fetch'] as const) {
    it(`drops a 1 MB message, decodes invalid UTF-8 safely, and goes on (${transport})`, async () => {
      const el = await fixture<SseProvider>(html`<sse-provider transport=${transport} url="/sse/hostile"></sse-provider>`);
      await until(() => el.store.logs('p1').toArray().some((entry) => entry.message === 'still here'), 'the message after the hostile ones');
      const messages = el.store.logs('p1').toArray().map((entry) => entry.message);
      expect(messages).to.have.length(2);
      expect(messages[0]).to.match(/^bad .*\uFFFD.* bytes$/);
      expect(el.stats.rejected, 'the oversized message').to.equal(1);
      el.remove();
    });
  }

  it('counts and reports a message too large to parse (fetch transport) and goes on', async () => {
    const invalid: string[] = [];
    const el = await fixture<SseProvider>(
      html`<sse-provider transport="fetch" url="/fetch-sse/big?size=2000000" @sse-invalid-event=${(e: CustomEvent) => invalid.push(e.detail.reason)}></sse-provider>`,
    );
    await until(() => el.stats.received >= 2, 'the big message and the one after it');
    expect(invalid[0]).to.match(/longer than/);
    expect(el.stats.rejected).to.be.at.least(1);
    const stats = el.stats;
    expect(stats.applied + stats.rejected + stats.ignored + stats.duplicates).to.equal(stats.received);
    el.remove();
  });

  it('renders markup from every string field as text in every element', async () => {
    const xss = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>';
    const id = `p${xss}`;
    const live = await mountLive(
      `<sse-indicator></sse-indicator>
       <live-status-badge></live-status-badge>
       <live-status-alert></live-status-alert>
       <live-container-actions></live-container-actions>
       <live-metrics-chart></live-metrics-chart>
       <live-logs-viewer></live-logs-viewer>
       <live-logs-viewer class="one"></live-logs-viewer>
       <live-toast-region position="inline"></live-toast-region>`,
      { projects: [{ projectId: id, name: xss, status: 'running', url: `javascript:alert(1)//${xss}` }] },
    );
    for (const element of live.provider.querySelectorAll('*')) {
      if (element.localName !== 'live-logs-viewer' || element.classList.contains('one')) element.setAttribute('project-id', id);
    }
    await live.rendered();
    // A `javascript:` project URL never becomes the Open link.
    const actions = live.provider.querySelector('live-container-actions')!;
    expect(actions.shadowRoot!.querySelector('[part~="stop"]') !== null, 'the running buttons are shown').to.equal(true);
    expect(actions.shadowRoot!.querySelector('[part~="open"]')).to.equal(null);
    const now = new Date().toISOString();
    live.emit('metrics_updated', { projectId: id, cpu: 10, memory: 20, requests: 30, uptime: xss, lastActivity: xss });
    live.emit('deployment_progress', { projectId: id, message: `\u001b[31m${xss}\u001b[0m`, level: 'error', step: xss, timestamp: now });
    live.emit('container_status_changed', { projectId: id, oldStatus: 'running', newStatus: 'deploying', timestamp: now });
    live.emit('deployment_progress', { projectId: id, message: xss, level: 'info', step: xss, progress: 40, timestamp: now });
    live.emit('auto_shutdown', { projectId: id, reason: xss, inactiveTime: xss });
    await live.rendered();
    live.emit('container_status_changed', { projectId: id, oldStatus: 'inactive', newStatus: 'error', timestamp: now });
    await live.rendered();

    const walk = (root: ParentNode): Element[] =>
      [...root.querySelectorAll('*')].flatMap((element) => [element, ...(element.shadowRoot ? walk(element.shadowRoot) : [])]);
    const everything = walk(live.provider);
    expect(everything.filter((element) => element.localName === 'img' || element.localName === 'script')).to.have.length(0);
    expect(everything.some((element) => element.shadowRoot?.textContent?.includes('<img src=x'))).to.equal(true);
    expect((window as { __xss?: number }).__xss).to.equal(undefined);
    live.remove();
  });
});
