import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../src/sse-provider/define.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import { until } from './helpers.js';

interface ServerStatus {
  requests: number;
  streams: number;
  open: number;
  closed: number;
  resumeIds: string[];
  authorizations: string[];
}

async function serverStatus(session: string): Promise<ServerStatus> {
  return (await fetch(`/sse/status?session=${session}`)).json();
}

const uniqueSession = () => `r${Math.random().toString(36).slice(2)}`;
const lines = (el: SseProvider) => el.store.logs('p1').toArray().map((entry) => entry.message);

describe('<sse-provider> resilience', () => {
  describe('transport="fetch"', () => {
    it('sends headers from a function called afresh on each connect, and Last-Event-ID on resume', async () => {
      const session = uniqueSession();
      let calls = 0;
      const headers = () => ({ Authorization: `Bearer t${++calls}` });
      const el = await fixture<SseProvider>(
        html`<sse-provider transport="fetch" reconnect-min="50" .headers=${headers} url="/sse/stream?session=${session}&count=3&then=drop"></sse-provider>`,
      );
      expect(el.getAttribute('transport')).to.equal('fetch');
      expect(el.stats.transport).to.equal('fetch');
      await until(() => el.store.logs('p1').length === 6, 'two connections worth of lines');
      const server = await serverStatus(session);
      expect(server.authorizations.slice(0, 2)).to.deep.equal(['Bearer t1', 'Bearer t2']);
      expect(server.resumeIds.slice(0, 2), 'the header carried the resume id').to.deep.equal(['', '3']);
      expect(lines(el)).to.deep.equal(['line 1', 'line 2', 'line 3', 'line 4', 'line 5', 'line 6']);
    });

    it('stops on 401 with willRetry false, says authorization is required, and reconnect() tries again with new headers', async () => {
      const session = uniqueSession();
      let token = 'wrong';
      const el = await fixture<SseProvider>(
        html`<sse-provider transport="fetch" reconnect-min="20" .headers=${async () => ({ Authorization: `Bearer ${token}` })}
          url="/sse/stream?session=${session}&auth=secret&count=1"></sse-provider>`,
      );
      const { detail } = await oneEvent(el, 'sse-error');
      expect(detail).to.include({ status: 401, willRetry: false });
      expect(el.state).to.equal('closed');
      expect(el.store.connection.closedReason).to.equal('unauthorized');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await serverStatus(session)).requests, 'no hammering after a 401').to.equal(1);
      token = 'secret';
      el.reconnect();
      await until(() => el.state === 'open' && lines(el).length === 1, 'open with the new token');
      expect((await serverStatus(session)).authorizations).to.deep.equal(['Bearer wrong', 'Bearer secret']);
    });

    it('keeps a quiet stream alive on heartbeats and reopens a silent one after stale-timeout', async () => {
      const alive = uniqueSession();
      const el = await fixture<SseProvider>(
        html`<sse-provider transport="fetch" stale-timeout="150" url="/sse/stream?session=${alive}&count=1&heartbeat=40"></sse-provider>`,
      );
      await until(() => el.state === 'open', 'open');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(el.stats.stale, 'heartbeats count as life').to.equal(0);
      expect((await serverStatus(alive)).streams).to.equal(1);

      const silent = uniqueSession();
      const quiet = await fixture<SseProvider>(
        html`<sse-provider transport="fetch" stale-timeout="150" reconnect-min="20" url="/sse/stream?session=${silent}&count=1"></sse-provider>`,
      );
      await until(() => quiet.stats.stale >= 1 && quiet.state === 'open', 'a stale reopen', 5000);
      expect(quiet.stats.reconnects).to.be.at.least(1);
      const server = await serverStatus(silent);
      expect(server.streams).to.be.at.least(2);
      expect(server.resumeIds[1]).to.equal('1');
    });
  });

  describe('transport="eventsource"', () => {
    it('reopens a stream that went silent past stale-timeout', async () => {
      const session = uniqueSession();
      const el = await fixture<SseProvider>(
        html`<sse-provider stale-timeout="150" reconnect-min="20" url="/sse/stream?session=${session}&count=1"></sse-provider>`,
      );
      await until(() => el.stats.stale >= 1 && el.state === 'open', 'a stale reopen');
      expect((await serverStatus(session)).resumeIds[1]).to.equal('1');
    });

    it('reconnects at once when the browser comes back online', async () => {
      const session = uniqueSession();
      const el = await fixture<SseProvider>(
        html`<sse-provider reconnect-min="60000" reconnect-max="60000" url="/sse/stream?session=${session}&fail=1&count=1"></sse-provider>`,
      );
      await oneEvent(el, 'sse-error');
      expect(el.state).to.equal('closed');
      window.dispatchEvent(new Event('online'));
      await until(() => el.state === 'open', 'open without waiting out a minute of backoff');
    });
  });

  describe('pause-hidden', () => {
    let visibility: DocumentVisibilityState = 'visible';
    before(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
    });
    after(() => {
      delete (document as { visibilityState?: unknown }).visibilityState;
    });
    const setVisibility = (value: DocumentVisibilityState) => {
      visibility = value;
      document.dispatchEvent(new Event('visibilitychange'));
    };

    it('closes the stream while hidden and resumes with the last id when shown', async () => {
      const session = uniqueSession();
      const el = await fixture<SseProvider>(html`<sse-provider pause-hidden url="/sse/stream?session=${session}&count=2"></sse-provider>`);
      await until(() => lines(el).length === 2, 'two lines');
      setVisibility('hidden');
      expect(el.state).to.equal('closed');
      await until(async () => (await serverStatus(session)).open === 0, 'the server to see the stream end');
      setVisibility('visible');
      await until(() => el.state === 'open', 'open again');
      await until(() => lines(el).length === 4, 'two more lines');
      expect((await serverStatus(session)).resumeIds).to.deep.equal(['', '2']);
    });

    it('keeps the stream open while hidden without pause-hidden', async () => {
      const session = uniqueSession();
      const el = await fixture<SseProvider>(html`<sse-provider url="/sse/stream?session=${session}&count=1"></sse-provider>`);
      await until(() => el.state === 'open', 'open');
      setVisibility('hidden');
      expect(el.state).to.equal('open');
      setVisibility('visible');
    });
  });

  describe('limits', () => {
    it('evicts the least recently updated project beyond max-projects and counts it', async () => {
      const el = await fixture<SseProvider>(html`<sse-provider max-projects="100"></sse-provider>`);
      for (let i = 0; i < 10000; i++) {
        el.store.apply({ type: 'container_status_changed', data: { projectId: `p${i}`, newStatus: 'running', timestamp: '2026-01-01T00:00:00Z' } });
      }
      expect(el.store.size).to.equal(100);
      expect(el.stats.evicted).to.equal(9900);
      expect(el.store.getProject('p9999')?.status).to.equal('running');
    });
  });
});
