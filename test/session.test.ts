import { expect } from '@open-wc/testing';
import { ManualClock } from '../src/core/clock.js';
import type { EventSourceLike } from '../src/core/connection.js';
import { LiveSession, type SessionEvent } from '../src/core/index.js';
import { MockBackend } from '../src/mock/index.js';
import { until } from './helpers.js';

/** A browser `EventSource` stand-in that opens when told and fails when told. */
class ScriptedSource extends EventTarget implements EventSourceLike {
  static all: ScriptedSource[] = [];
  readyState = 0;
  constructor(readonly url: string) {
    super();
    ScriptedSource.all.push(this);
  }
  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  send(type: string, data: unknown, id: string): void {
    this.dispatchEvent(new MessageEvent(type, { data: JSON.stringify(data), lastEventId: id }));
  }
  fail(): void {
    this.readyState = 2;
    this.dispatchEvent(new Event('error'));
  }
  close(): void {
    this.readyState = 2;
  }
}

function scripted(options: ConstructorParameters<typeof LiveSession>[0] = {}) {
  ScriptedSource.all = [];
  const clock = new ManualClock();
  const events: SessionEvent[] = [];
  const session = new LiveSession({
    url: '/events',
    clock,
    random: () => 0.5,
    eventSourceFactory: (url) => new ScriptedSource(url),
    ...options,
  });
  session.listen((event) => events.push(event));
  const latest = () => ScriptedSource.all.at(-1)!;
  return { session, clock, events, latest, states: () => events.flatMap((event) => (event.kind === 'state' ? [event.state] : [])) };
}

const status = (projectId: string, newStatus: string) => ({ projectId, oldStatus: 'stopped', newStatus, timestamp: '2026-01-01T00:00:00Z' });

describe('LiveSession (the core, no element)', () => {
  it('holds the connection state in the store and reports every change once', () => {
    const { session, latest, events, states } = scripted();
    expect(session.state).to.equal('closed');
    expect(session.store.connection.url, 'the record knows its endpoint before connecting').to.equal('/events');
    session.connect();
    expect(session.state).to.equal('connecting');
    latest().open();
    expect(session.state).to.equal('open');
    expect(session.store.connection.state).to.equal(session.state);
    latest().send('container_status_changed', status('web', 'running'), '1');
    latest().send('container_status_changed', { projectId: 'web' }, '2');
    expect(session.store.getProject('web')?.status).to.equal('running');
    expect(session.stats).to.include({ received: 2, applied: 1, rejected: 1 });
    expect(events.map((event) => event.kind)).to.deep.equal(['state', 'state', 'applied', 'invalid']);
    session.disconnect();
    expect(states()).to.deep.equal(['connecting', 'open', 'closed']);
    expect(session.store.connection.closedReason).to.equal('disconnected');
  });

  it('retries on its backoff, retries at once when the network is back, and resumes from the last id', () => {
    const { session, clock, latest, events } = scripted({ reconnectMin: 1000 });
    session.connect();
    latest().open();
    latest().send('container_status_changed', status('web', 'running'), '7');
    latest().fail();
    expect(session.state).to.equal('closed');
    expect(session.store.connection.closedReason).to.equal('retrying');
    expect(events.filter((event) => event.kind === 'error')).to.have.length(1);
    clock.advance(749);
    expect(ScriptedSource.all).to.have.length(1);
    clock.advance(1);
    expect(ScriptedSource.all, 'the retry after 750 ms (1000 ms with jitter 0.5)').to.have.length(2);
    expect(latest().url).to.equal('/events?lastEventId=7');
    latest().fail();
    window.dispatchEvent(new Event('online'));
    expect(ScriptedSource.all, 'online retries now rather than at the end of the backoff').to.have.length(3);
    session.disconnect();
    window.dispatchEvent(new Event('online'));
    clock.advance(60_000);
    expect(ScriptedSource.all, 'nothing after disconnect()').to.have.length(3);
  });

  it('replaces the connection when what defines the stream changes, and keeps the store', () => {
    const { session, latest } = scripted();
    session.connect();
    latest().open();
    latest().send('container_status_changed', status('web', 'running'), '1');
    const store = session.store;
    session.configure({ logLimit: 50, headers: { Authorization: 'Bearer x' } });
    expect(ScriptedSource.all, 'limits and headers do not reconnect').to.have.length(1);
    expect(store.logLimit).to.equal(50);
    session.configure({ url: '/other' });
    expect(ScriptedSource.all).to.have.length(2);
    expect(ScriptedSource.all[0]!.readyState, 'the old stream is closed').to.equal(2);
    expect(latest().url).to.equal('/other');
    expect(session.store).to.equal(store);
    expect(store.getProject('web')?.status).to.equal('running');
    expect(store.connection.url).to.equal('/other');
    session.disconnect();
  });

  it('loads the mock lazily, serves its REST actions, and drives a UI with no element', async () => {
    const clock = new ManualClock();
    const backend = new MockBackend({ seed: 3, clock });
    const session = new LiveSession({ mockBackend: backend });
    const seen: string[] = [];
    session.listen((event) => {
      if (event.kind === 'applied') seen.push(event.event.type);
    });
    session.connect();
    expect(session.state, 'connecting while the mock loads').to.equal('connecting');
    // The mock opens on its own clock, once its module has loaded.
    await until(() => {
      clock.advance(10);
      return session.state === 'open';
    }, 'the mock stream to open');
    expect(session.activeMockBackend).to.equal(backend);
    expect(session.store.connection.url).to.equal('/api/containers/events');
    await until(() => session.store.size > 0, 'the first snapshot');
    expect(seen[0]).to.equal('snapshot');
    const response = session.request('POST', '/containers/docs-site/start');
    clock.advance(1000);
    expect((await response).status).to.equal(200);
    await until(() => {
      clock.advance(100);
      return session.store.getProject('docs-site')?.status === 'deploying';
    }, 'the start to stream back');
    session.disconnect();
    expect(session.state).to.equal('closed');
  });

  it('opens nothing when the mock finishes loading after disconnect(), and only the latest stream after configure()', async () => {
    const clock = new ManualClock();
    const first = new MockBackend({ seed: 1, clock });
    const second = new MockBackend({ seed: 2, clock });
    const session = new LiveSession({ mockBackend: first });
    session.connect();
    session.disconnect();
    session.configure({ mockBackend: second });
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock.advance(100);
    expect(session.state, 'disconnected before the module loaded').to.equal('closed');
    session.connect();
    session.configure({ mockBackend: first });
    await until(() => {
      clock.advance(10);
      return session.state === 'open';
    }, 'the stream of the latest options');
    expect(session.activeMockBackend).to.equal(first);
    const response = session.request('GET', '/projects');
    clock.advance(1000);
    expect((await response).status).to.equal(200);
    session.disconnect();
  });

  it('answers REST from the mock before the mock has loaded, never from the network', async () => {
    const session = new LiveSession({ mock: true });
    const response = await session.request('GET', '/projects');
    expect(response.status).to.equal(200);
    expect(Array.isArray(response.body) || Array.isArray((response.body as { projects?: unknown }).projects)).to.equal(true);
  });

  it('stops on 401 and tries again only on reconnect()', () => {
    const { session, clock, latest } = scripted({ transport: 'eventsource' });
    session.connect();
    const source = latest();
    const refused = new Event('error') as Event & { status?: number };
    refused.status = 401;
    source.readyState = 2;
    source.dispatchEvent(refused);
    expect(session.store.connection.closedReason).to.equal('unauthorized');
    clock.advance(60_000);
    expect(ScriptedSource.all).to.have.length(1);
    session.reconnect();
    expect(ScriptedSource.all).to.have.length(2);
    session.disconnect();
  });
});
