import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { ContextConsumer } from '@lit/context';
import { LitElement } from 'lit';
import '../src/sse-provider/define.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import { liveContext } from '../src/shared/context.js';
import { ManualClock, MockBackend } from '../src/mock/index.js';
import { nextFrame, until } from './helpers.js';
import '../src/live-status-badge/define.js';
import '../src/live-metrics-chart/define.js';

/** A minimal consumer: what any element sees of its nearest provider. */
class ContextProbe extends LitElement {
  consumer = new ContextConsumer(this, { context: liveContext, subscribe: true });
}
customElements.define('context-probe', ContextProbe);

async function status(session: string): Promise<{ requests: number; streams: number; closed: number; open: number; resumeIds: string[] }> {
  const response = await fetch(`/sse/status?session=${session}`);
  return response.json();
}

/** Lets the mock module load, then drives the clock until the stream is open. */
async function openOnMock(el: SseProvider, clock: ManualClock): Promise<void> {
  await until(() => {
    clock.advance(1);
    return el.state === 'open';
  }, 'the mock stream to open');
}

const uniqueSession = () => `s${Math.random().toString(36).slice(2)}`;

describe('<sse-provider>', () => {
  describe('with the mock backend and a driven clock', () => {
    it('follows the whole flow: connect → metrics → start → deployment logs → running → inactivity → auto_shutdown', async () => {
      const clock = new ManualClock();
      const backend = new MockBackend({
        seed: 7,
        clock,
        metricsInterval: 3000,
        idleTimeout: 60_000,
        projects: [
          { projectId: 'api', name: 'API', status: 'running' },
          { projectId: 'site', name: 'Site', status: 'stopped', idle: true },
        ],
      });
      const el = await fixture<SseProvider>(html`<sse-provider .mockBackend=${backend}></sse-provider>`);
      const seen: string[] = [];
      for (const name of ['sse-state-change', 'container-status-changed', 'metrics-updated', 'deployment-progress', 'auto-shutdown']) {
        el.addEventListener(name, (event) => {
          const detail = (event as CustomEvent).detail;
          if (name === 'sse-state-change') seen.push(`${name}:${detail.state}`);
          else if (name === 'container-status-changed') seen.push(`${name}:${detail.projectId}:${detail.newStatus}`);
          else seen.push(`${name}:${detail.projectId}`);
        });
      }
      await openOnMock(el, clock);
      expect(el.state).to.equal('open');
      expect(el.getAttribute('state')).to.equal('open');
      expect(el.store.getProject('site')?.status, 'the first snapshot').to.equal('stopped');

      clock.advance(3000);
      expect(el.store.getProject('api')?.metrics.length).to.be.greaterThan(0);
      expect(seen).to.include('metrics-updated:api');

      const response = await (async () => {
        const pending = backend.request('POST', '/containers/site/start');
        clock.advance(500);
        return pending;
      })();
      expect(response.status).to.equal(200);
      expect(el.store.getProject('site')?.status).to.equal('deploying');

      for (let i = 0; i < 60 && el.store.getProject('site')?.status === 'deploying'; i++) clock.advance(1000);
      const site = el.store.getProject('site')!;
      expect(site.status).to.equal('running');
      expect(site.logs.length, 'deployment logs').to.be.greaterThan(3);
      expect(site.deployment?.progress).to.equal(100);
      expect(seen).to.include('deployment-progress:site');

      clock.advance(61_000);
      expect(el.store.getProject('site')?.status).to.equal('inactive');
      expect(el.store.getProject('site')?.autoShutdown?.reason).to.be.a('string').and.not.empty;
      expect(seen).to.include('auto-shutdown:site');

      const order = [
        'sse-state-change:open',
        'metrics-updated:api',
        'container-status-changed:site:deploying',
        'deployment-progress:site',
        'container-status-changed:site:running',
        'auto-shutdown:site',
      ];
      const positions = order.map((item) => seen.indexOf(item));
      expect(positions.every((p) => p >= 0)).to.equal(true);
      expect([...positions].sort((a, b) => a - b)).to.deep.equal(positions);

      const stats = el.stats;
      expect(stats.received).to.be.greaterThan(10);
      expect(stats.applied + stats.rejected + stats.ignored + stats.duplicates).to.equal(stats.received);
      el.remove();
      expect(backend.connections, 'removing the element closes the stream').to.equal(0);
    });

    it('fires sse-invalid-event for bad input and keeps applying later messages', async () => {
      const clock = new ManualClock();
      const backend = new MockBackend({ clock, autoplay: false, projects: [] });
      const el = await fixture<SseProvider>(html`<sse-provider .mockBackend=${backend}></sse-provider>`);
      await openOnMock(el, clock);
      const invalid = oneEvent(el, 'sse-invalid-event');
      backend.emitRaw({ event: 'metrics_updated', data: '{"projectId":"a","cpu":"high"}' });
      const { detail } = await invalid;
      expect(detail).to.deep.equal({ type: 'metrics_updated', reason: 'field "cpu" must be a number' });
      // A named event the client does not listen for never reaches it (as with a browser's
      // EventSource); an unknown type inside an envelope is received and ignored.
      backend.emitRaw({ event: 'no_such_event', data: '{}' });
      backend.emitRaw({ data: '{"event":"no_such_event","data":{}}' });
      backend.emitRaw({ data: 'not json at all' });
      backend.emit('container_status_changed', { projectId: 'a', oldStatus: 'stopped', newStatus: 'running', timestamp: '2026-01-01T00:00:00Z' });
      expect(el.store.getProject('a')?.status).to.equal('running');
      expect(el.stats).to.include({ rejected: 2, ignored: 1 });
    });

    it('answers REST actions from the mock backend through the context service', async () => {
      const clock = new ManualClock();
      const backend = new MockBackend({ clock, autoplay: false, latency: 0, projects: [{ projectId: 'a', status: 'stopped' }] });
      const el = await fixture<SseProvider>(html`<sse-provider .mockBackend=${backend}><context-probe></context-probe></sse-provider>`);
      const probe = el.querySelector('context-probe') as ContextProbe;
      const service = probe.consumer.value!;
      expect(service.store).to.equal(el.store);
      const pending = service.request('GET', '/projects/a');
      clock.advance(1);
      const answer = await pending;
      expect(answer.status).to.equal(200);
    });
  });

  describe('a burst', () => {
    it('fires one DOM event per message in order, and the badges and the chart end at the last state', async () => {
      const clock = new ManualClock();
      const ids = Array.from({ length: 24 }, (_, i) => `p${i}`);
      const backend = new MockBackend({ clock, autoplay: false, projects: ids.map((projectId) => ({ projectId, status: 'stopped' })) });
      const el = await fixture<SseProvider>(html`<sse-provider .mockBackend=${backend} metrics-history="10000">
        ${ids.map((id) => html`<live-status-badge project-id=${id}></live-status-badge>`)}
        <div style="width: 480px"><live-metrics-chart project-id="p0"></live-metrics-chart></div>
      </sse-provider>`);
      await openOnMock(el, clock);
      const fired: string[] = [];
      const record = (event: Event) => {
        const detail = (event as CustomEvent<{ projectId: string; newStatus?: string; cpu?: number; message?: string }>).detail;
        fired.push(`${event.type} ${detail.projectId} ${detail.newStatus ?? detail.cpu ?? detail.message}`);
      };
      const names = ['container-status-changed', 'metrics-updated', 'deployment-progress'];
      for (const name of names) document.addEventListener(name, record);
      const statuses = ['running', 'deploying', 'stopped', 'error', 'running'] as const;
      const expected: string[] = [];
      const last = new Map<string, string>();
      try {
        for (let chunk = 0, n = 0; chunk < 12; chunk++) {
          for (let i = 0; i < 500; i++, n++) {
            // Each project in turn gets a status change, a metrics point and a log line.
            const projectId = ids[Math.floor(n / 3) % ids.length]!;
            if (n % 3 === 0) {
              const newStatus = statuses[Math.floor(n / 7) % statuses.length]!;
              last.set(projectId, newStatus);
              backend.emitRaw({ event: 'container_status_changed', data: JSON.stringify({ projectId, newStatus, timestamp: '2026-01-01T00:00:00Z' }) });
              expected.push(`container-status-changed ${projectId} ${newStatus}`);
            } else if (n % 3 === 1) {
              backend.emitRaw({ event: 'metrics_updated', data: JSON.stringify({ projectId, cpu: n % 100, memory: 100, requests: n, uptime: '1m' }) });
              expected.push(`metrics-updated ${projectId} ${n % 100}`);
            } else {
              backend.emitRaw({ event: 'deployment_progress', data: JSON.stringify({ projectId, message: `line ${n}`, level: 'info' }) });
              expected.push(`deployment-progress ${projectId} line ${n}`);
            }
          }
          await new Promise((resolve) => setTimeout(resolve));
        }
      } finally {
        for (const name of names) document.removeEventListener(name, record);
      }
      expect(fired.length).to.equal(expected.length);
      expect(fired, 'one event per message, in order, with the validated payload').to.deep.equal(expected);
      const badges = [...el.querySelectorAll('live-status-badge')];
      await until(() => badges.every((badge) => badge.status === last.get(badge.projectId!)), 'every badge to show its last status', 10_000);
      // p0 ends running; its chart shows its last point, and the store kept every one.
      el.store.apply({ type: 'container_status_changed', data: { projectId: 'p0', newStatus: 'running', timestamp: '2026-01-01T00:00:01Z' } });
      el.store.apply({ type: 'metrics_updated', data: { projectId: 'p0', cpu: 42, memory: 100, requests: 1, uptime: '2m' } });
      const chart = el.querySelector('live-metrics-chart')!;
      const cpu = () => chart.shadowRoot!.querySelector('[part~="card-cpu"] [part~="value"]')?.textContent?.trim();
      await until(() => cpu() === '42%', 'the chart to show the last point', 10_000);
      const sent = expected.filter((line) => line.startsWith('metrics-updated p0 ')).length;
      expect(el.store.getProject('p0')!.metrics.length, 'every metrics point of p0 kept').to.equal(sent + 1);
    });
  });

  describe('context', () => {
    it('provides one stable service, and nested providers shadow the outer one', async () => {
      const el = await fixture<SseProvider>(html`
        <sse-provider mock>
          <context-probe id="outer"></context-probe>
          <sse-provider id="inner" mock><context-probe id="inner-probe"></context-probe></sse-provider>
        </sse-provider>
      `);
      const outer = el.querySelector('#outer') as ContextProbe;
      const inner = el.querySelector('#inner') as SseProvider;
      const innerProbe = el.querySelector('#inner-probe') as ContextProbe;
      const first = outer.consumer.value;
      expect(first?.store).to.equal(el.store);
      expect(innerProbe.consumer.value?.store).to.equal(inner.store);
      expect(inner.store).not.to.equal(el.store);
      el.url = '/elsewhere';
      await el.updateComplete;
      expect(outer.consumer.value, 'the service object never changes').to.equal(first);
    });

    it('serves an element that was upgraded before its provider was defined', async () => {
      const tag = `late-provider-${Math.random().toString(36).slice(2)}`;
      const container = await fixture<HTMLDivElement>(html`<div></div>`);
      container.innerHTML = `<${tag}><context-probe></context-probe></${tag}>`;
      const probe = container.querySelector('context-probe') as ContextProbe;
      expect(probe.consumer.value).to.equal(undefined);
      const { SseProvider } = await import('../src/sse-provider/sse-provider.js');
      customElements.define(tag, class extends SseProvider {});
      await nextFrame();
      expect(probe.consumer.value?.store).to.equal((container.firstElementChild as SseProvider).store);
    });
  });

  describe('lifecycle', () => {
    it('is closed before it is in the document', () => {
      const el = document.createElement('sse-provider');
      expect(el.state).to.equal('closed');
      expect(el.stats).to.include({ received: 0, reconnects: 0 });
    });

    it('stays disconnected after disconnect() until connect()', async () => {
      const clock = new ManualClock();
      const backend = new MockBackend({ clock, autoplay: false, projects: [] });
      const el = await fixture<SseProvider>(html`<sse-provider .mockBackend=${backend}></sse-provider>`);
      await openOnMock(el, clock);
      expect(el.state).to.equal('open');
      el.disconnect();
      expect(el.state).to.equal('closed');
      el.requestUpdate();
      await el.updateComplete;
      clock.advance(60_000);
      expect(el.state).to.equal('closed');
      expect(backend.connections).to.equal(0);
      el.connect();
      clock.advance(10);
      expect(el.state).to.equal('open');
      const reopened = oneEvent(el, 'sse-state-change');
      el.reconnect();
      expect((await reopened).detail).to.deep.equal({ state: 'connecting', previous: 'open' });
      clock.advance(10);
      expect(el.state).to.equal('open');
      expect(el.stats.reconnects).to.equal(2);
    });
  });

  describe('against a real SSE endpoint', () => {
    it('connects and receives', async () => {
      const session = uniqueSession();
      const el = await fixture<SseProvider>(html`<sse-provider url="/sse/stream?session=${session}&count=3"></sse-provider>`);
      await until(() => el.store.logs('p1').length === 3, 'three log lines');
      expect(el.state).to.equal('open');
      expect(el.store.logs('p1').toArray().map((e) => e.message)).to.deep.equal(['line 1', 'line 2', 'line 3']);
    });

    it('reconnects with the last id after the server drops the socket, without duplicates', async () => {
      const session = uniqueSession();
      const el = await fixture<SseProvider>(
        html`<sse-provider reconnect-min="50" reconnect-max="200" url="/sse/stream?session=${session}&count=3&then=drop&overlap=2"></sse-provider>`,
      );
      // The second connection resumes after id 3 but the server re-sends 2 and 3 before sending 4.
      await until(() => el.store.logs('p1').length === 4, 'four log lines across two connections');
      const server = await status(session);
      expect(server.resumeIds).to.deep.equal(['', '3']);
      expect(el.store.logs('p1').toArray().map((e) => e.message)).to.deep.equal(['line 1', 'line 2', 'line 3', 'line 4']);
      expect(el.stats).to.include({ duplicates: 2, reconnects: 1, applied: 4 });
      expect(el.state).to.equal('open');
    });

    it('ends up open after the server answers HTTP 500 three times (one probe learns the status)', async () => {
      const session = uniqueSession();
      const errors: unknown[] = [];
      const el = await fixture<SseProvider>(
        html`<sse-provider reconnect-min="50" reconnect-max="200" url="/sse/stream?session=${session}&fail=3&count=1" @sse-error=${(e: CustomEvent) => errors.push(e.detail)}></sse-provider>`,
      );
      await until(() => el.state === 'open' && el.store.logs('p1').length === 1, 'open after the failures');
      // The browser's EventSource hides the status: one probe (the second request) asks for it. It
      // learnt no Retry-After, so the next refusal is not probed: four requests in all.
      expect(errors).to.have.length(2);
      expect(errors[0]).to.include({ willRetry: true, status: 500 });
      expect(errors[1]).to.include({ willRetry: true });
      expect(errors[1]).to.not.have.property('status');
      expect((await status(session)).requests).to.equal(4);
    });

    it('applies the good messages around a bad one and says why it dropped it', async () => {
      const session = uniqueSession();
      const el = await fixture<SseProvider>(html`<sse-provider url="/sse/stream?session=${session}&count=3&kind=bad"></sse-provider>`);
      const { detail } = await oneEvent(el, 'sse-invalid-event');
      expect(detail.reason).to.match(/not valid JSON/);
      await until(() => el.store.logs('p1').length === 2, 'the two valid lines');
      expect(el.stats).to.include({ rejected: 1, applied: 2 });
    });

    it('reconciles state from snapshot-url on connect', async () => {
      const session = uniqueSession();
      const el = await fixture<SseProvider>(
        html`<sse-provider snapshot-url="/sse/projects?session=${session}" url="/sse/stream?session=${session}&count=0"></sse-provider>`,
      );
      await until(() => el.store.size === 2, 'the snapshot');
      expect(el.store.getProject('p1')).to.include({ status: 'running', name: 'Project one' });
    });

    for (const transport of ['eventsource', 'fetch']) {
      it(`keeps what the stream applied while a slow snapshot-url request was in flight (${transport})`, async () => {
        const session = uniqueSession();
        // The stream says p1 failed and p3 appeared 50 and 100 ms after it opens; the snapshot,
        // asked for when the stream opened, answers after 1.5 s with what was true when it was asked.
        const el = await fixture<SseProvider>(
          html`<sse-provider transport=${transport} snapshot-url="/sse/projects?session=${session}&delay=1500"
            url="/sse/stream?session=${session}&kind=news&count=2&interval=50"></sse-provider>`,
        );
        await until(() => el.store.getProject('p3')?.status === 'deploying', 'the news from the stream');
        expect(el.store.getProject('p1')?.status).to.equal('error');
        const snapshot = () => el.store.getProject('p2') !== undefined;
        expect(snapshot(), 'the snapshot is still in flight').to.equal(false);
        await until(snapshot, 'the snapshot to land', 5000);
        expect(el.store.getProject('p1')).to.include({ status: 'error', name: 'Project one' });
        expect(el.store.getProject('p3')?.status, 'a project the snapshot never knew stays').to.equal('deploying');
        expect(el.store.getProject('p2')?.status).to.equal('stopped');
        expect(el.store.projectIds().sort()).to.deep.equal(['p1', 'p2', 'p3']);
      });
    }

    it('closes the stream when the element is removed (the server sees the connection end)', async () => {
      const session = uniqueSession();
      const el = await fixture<SseProvider>(html`<sse-provider url="/sse/stream?session=${session}&count=1"></sse-provider>`);
      await until(() => el.state === 'open', 'open');
      await until(() => el.store.logs('p1').length === 1, 'a line');
      expect((await status(session)).open).to.equal(1);
      el.remove();
      expect(el.state).to.equal('closed');
      let server = await status(session);
      for (let i = 0; i < 50 && server.open !== 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        server = await status(session);
      }
      expect(server).to.include({ open: 0, closed: 1 });
    });

    it('opens a new connection when url changes', async () => {
      const a = uniqueSession();
      const b = uniqueSession();
      const el = await fixture<SseProvider>(html`<sse-provider url="/sse/stream?session=${a}&count=1"></sse-provider>`);
      await until(() => el.state === 'open', 'open');
      el.url = `/sse/stream?session=${b}&count=1`;
      await until(async () => (await status(b)).streams === 1, 'the second endpoint');
      await until(() => el.state === 'open', 'open again');
      let first = await status(a);
      for (let i = 0; i < 50 && first.open !== 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        first = await status(a);
      }
      expect(first.open, 'the old stream is closed').to.equal(0);
    });
  });
});
