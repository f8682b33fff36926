import { expect } from '@open-wc/testing';
import { ManualClock } from '../src/core/clock.js';
import { LiveClient } from '../src/core/client.js';
import { SseConnection, type EventSourceLike, type StreamRefusal } from '../src/core/connection.js';
import { LiveStore, type ConnectionError, type ConnectionState } from '../src/core/store.js';
import './helpers.js';

/** A scripted stand-in for a browser `EventSource`. */
class FakeSource extends EventTarget implements EventSourceLike {
  static all: FakeSource[] = [];
  readyState = 0;
  closed = false;
  constructor(readonly url: string) {
    super();
    FakeSource.all.push(this);
  }
  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  /** Like a browser: `lastEventId` persists onto messages that carry no id of their own. */
  lastId = '';
  send(type: string, data: unknown, id?: string): void {
    if (id !== undefined) this.lastId = id;
    this.dispatchEvent(new MessageEvent(type, { data: typeof data === 'string' ? data : JSON.stringify(data), lastEventId: this.lastId }));
  }
  /** A browser that gave up for good (HTTP 500, wrong content type) is CLOSED when it fires error. */
  fail(gaveUp = true): void {
    this.readyState = gaveUp ? 2 : 0;
    this.dispatchEvent(new Event('error'));
  }
  /** As the fetch transport refuses: CLOSED, with the status and the seconds the server asked to wait. */
  refuse(status: number, retryAfter?: number): void {
    this.readyState = 2;
    this.dispatchEvent(Object.assign(new Event('error'), { status, retryAfter }));
  }
  close(): void {
    this.readyState = 2;
    this.closed = true;
  }
  static latest(): FakeSource {
    return FakeSource.all[FakeSource.all.length - 1]!;
  }
}

const logData = (i: number) => ({ projectId: 'p', message: `line ${i}`, level: 'info', timestamp: '2026-01-01T00:00:00Z' });

function setup(options: { min?: number; max?: number; random?: () => number; staleTimeout?: number; probe?: (url: string) => Promise<StreamRefusal | undefined> } = {}) {
  FakeSource.all = [];
  const clock = new ManualClock();
  const states: ConnectionState[] = [];
  const errors: ConnectionError[] = [];
  const store = new LiveStore();
  const client = new LiveClient({
    url: '/events?x=1',
    store,
    clock,
    factory: (url) => new FakeSource(url),
    reconnectMin: options.min ?? 1000,
    reconnectMax: options.max ?? 30000,
    random: options.random ?? (() => 0.5),
    staleTimeout: options.staleTimeout,
    probe: options.probe,
    onEvent: (event) => {
      if (event.kind === 'state') states.push(event.state);
      if (event.kind === 'error') errors.push(event.error);
    },
  });
  return { clock, states, errors, store, client };
}

describe('SseConnection', () => {
  it('goes connecting → open, and closed on disconnect', () => {
    const { client, states } = setup();
    expect(client.state).to.equal('closed');
    client.connect();
    expect(client.state).to.equal('connecting');
    FakeSource.latest().open();
    expect(client.state).to.equal('open');
    client.disconnect();
    expect(states).to.deep.equal(['connecting', 'open', 'closed']);
    expect(FakeSource.latest().closed).to.equal(true);
  });

  it('reconnects after the browser gives up for good, with growing backoff, forever', () => {
    const { client, clock, errors, store } = setup({ min: 1000, max: 8000 });
    client.connect();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 12; attempt++) {
      const source = FakeSource.latest();
      source.fail(true);
      expect(source.closed, 'the failed source is closed').to.equal(true);
      expect(client.state).to.equal('closed');
      expect(store.connection.closedReason).to.equal('retrying');
      const before = FakeSource.all.length;
      let waited = 0;
      while (FakeSource.all.length === before) {
        clock.advance(50);
        waited += 50;
        expect(waited, 'a retry is always scheduled').to.be.below(60000);
      }
      delays.push(waited);
      expect(client.state).to.equal('connecting');
    }
    // random() = 0.5 → three quarters of min·2ⁿ, capped at max.
    expect(delays.slice(0, 5)).to.deep.equal([750, 1500, 3000, 6000, 6000]);
    expect(errors.every((error) => error.willRetry)).to.equal(true);
    expect(errors).to.have.length(12);
    // Opening resets the backoff.
    FakeSource.latest().open();
    FakeSource.latest().fail(false);
    clock.advance(749);
    const count = FakeSource.all.length;
    clock.advance(1);
    expect(FakeSource.all.length).to.equal(count + 1);
    client.disconnect();
  });

  it('counts as reconnects only the connections opened after the first one', () => {
    const { client, clock, store } = setup();
    client.connect();
    FakeSource.latest().fail(true);
    clock.advance(1000);
    FakeSource.latest().fail(true);
    clock.advance(2000);
    FakeSource.latest().open();
    expect(store.connection.stats.reconnects, 'two failed attempts, then the first open').to.equal(0);
    FakeSource.latest().fail(false);
    clock.advance(1000);
    FakeSource.latest().open();
    expect(store.connection.stats.reconnects).to.equal(1);
    client.disconnect();
  });

  it('keeps the jitter within half and all of the nominal delay', () => {
    for (const random of [0, 0.25, 0.999]) {
      const connection = new SseConnection({
        url: '/e',
        eventTypes: [],
        reconnectMin: 500,
        reconnectMax: 4000,
        random: () => random,
        onMessage() {},
        onStateChange() {},
        onError() {},
      });
      for (let attempt = 0; attempt < 8; attempt++) {
        const nominal = Math.min(4000, 500 * 2 ** attempt);
        const delay = connection.backoff(attempt);
        expect(delay).to.be.within(nominal / 2, nominal);
      }
    }
  });

  it('takes over the browser’s own retry and resumes with the last id in the URL', () => {
    const { client, clock } = setup();
    client.connect();
    const first = FakeSource.latest();
    expect(first.url).to.equal('/events?x=1');
    first.open();
    first.send('deployment_progress', logData(1), '7');
    first.fail(false);
    expect(first.closed, 'the browser is not left retrying on its own').to.equal(true);
    clock.advance(1000);
    expect(FakeSource.latest().url).to.equal('/events?x=1&lastEventId=7');
    client.disconnect();
  });

  it('drops messages whose id was already applied, and never drops one without an id', () => {
    const { client, clock, store } = setup();
    client.connect();
    let source = FakeSource.latest();
    source.open();
    source.send('deployment_progress', logData(1), '1');
    source.send('deployment_progress', logData(2), '2');
    // No id of its own: the browser repeats "2" as lastEventId; it must not count as a duplicate.
    source.send('deployment_progress', logData(3));
    source.fail(false);
    clock.advance(2000);
    source = FakeSource.latest();
    source.open();
    // A careless server replays from before the resume id.
    source.send('deployment_progress', logData(1), '1');
    source.send('deployment_progress', logData(2), '2');
    source.send('deployment_progress', logData(4), '4');
    const messages = store.logs('p').toArray().map((entry) => entry.message);
    expect(messages).to.deep.equal(['line 1', 'line 2', 'line 3', 'line 4']);
    const stats = store.connection.stats;
    expect(stats).to.include({ received: 6, applied: 4, duplicates: 2, reconnects: 1 });
    expect(stats.applied + stats.rejected + stats.ignored + stats.duplicates).to.equal(stats.received);
    client.disconnect();
  });

  it('counts every outcome: applied, rejected, ignored, duplicate', () => {
    const { client, store } = setup();
    client.connect();
    const source = FakeSource.latest();
    source.open();
    source.send('deployment_progress', logData(1), 'a');
    source.send('deployment_progress', '{broken', 'b');
    source.send('message', { event: 'metrics_updated', data: { projectId: 'p', cpu: 1, memory: 1, requests: 1, uptime: '' } }, 'c');
    source.send('message', { event: 'something_new', data: {} }, 'd');
    source.send('deployment_progress', logData(1), 'a');
    expect(store.connection.stats).to.include({ received: 5, applied: 2, rejected: 1, ignored: 1, duplicates: 1 });
    client.disconnect();
  });

  it('stops retrying on disconnect and reconnects at once on reconnect()', () => {
    const { client, clock, states } = setup();
    client.connect();
    FakeSource.latest().fail(true);
    client.disconnect();
    const count = FakeSource.all.length;
    clock.advance(120000);
    expect(FakeSource.all.length, 'no retry after disconnect').to.equal(count);
    expect(clock.pending).to.equal(0);
    client.reconnect();
    expect(FakeSource.all.length).to.equal(count + 1);
    expect(states[states.length - 1]).to.equal('connecting');
    client.disconnect();
  });

  it('reopens a stream only after stale-timeout with nothing heard since its last message', () => {
    const { client, clock, store } = setup({ staleTimeout: 1000 });
    client.connect();
    FakeSource.latest().open();
    // A message every 600 ms keeps it alive well past the first 1000 ms.
    for (let i = 0; i < 5; i++) {
      clock.advance(600);
      FakeSource.latest().send('deployment_progress', logData(i));
    }
    expect(FakeSource.all.length).to.equal(1);
    expect(store.connection.stats.stale).to.equal(0);
    clock.advance(999);
    expect(FakeSource.all.length, 'still within the timeout of the last message').to.equal(1);
    clock.advance(1);
    expect(store.connection.stats.stale).to.equal(1);
    expect(FakeSource.all[0]!.closed).to.equal(true);
    client.disconnect();
    expect(clock.pending, 'no stale timer left after disconnect').to.equal(0);
  });

  it('reports a factory that throws as a failure and retries', () => {
    const clock = new ManualClock();
    let calls = 0;
    const errors: ConnectionError[] = [];
    const connection = new SseConnection({
      url: 'http://[bad',
      eventTypes: [],
      clock,
      factory: () => {
        calls += 1;
        throw new SyntaxError('Invalid URL');
      },
      onMessage() {},
      onStateChange() {},
      onError: (error) => errors.push(error),
    });
    connection.connect();
    expect(errors[0]?.message).to.match(/Invalid URL/);
    clock.advance(1000);
    expect(calls).to.equal(2);
    connection.disconnect();
  });

  describe('Retry-After', () => {
    /** Advances the clock 100 ms at a time until a new source opens; the time it took. */
    function waitForAttempt(clock: ManualClock, limit = 120_000): number {
      const before = FakeSource.all.length;
      let waited = 0;
      while (FakeSource.all.length === before) {
        clock.advance(100);
        waited += 100;
        if (waited > limit) throw new Error('no new attempt');
      }
      return waited;
    }

    for (const status of [429, 503]) {
      it(`waits at least Retry-After after a ${status}, however the next attempt is asked for`, () => {
        const { client, clock, errors, store } = setup({ min: 1000, random: () => 0.5 });
        client.connect();
        FakeSource.latest().refuse(status, 30);
        expect(errors.at(-1)).to.deep.equal({ message: 'The stream could not be opened (HTTP error or wrong content type)', status, willRetry: true, retryAfter: 30 });
        expect(store.connection.lastError?.retryAfter).to.equal(30);
        // A reconnect() or coming back online within the wait does not open early.
        clock.advance(10_000);
        client.reconnect();
        expect(FakeSource.all).to.have.length(1);
        // 30 s plus a first backoff step (750 ms with this jitter), counted from the refusal.
        expect(10_000 + waitForAttempt(clock)).to.equal(30_800);
        FakeSource.latest().open();
        client.disconnect();
      });
    }

    it('a short Retry-After never shortens the backoff', () => {
      const { client, clock } = setup({ min: 4000, random: () => 0.5 });
      client.connect();
      FakeSource.latest().refuse(429, 0);
      expect(waitForAttempt(clock), "the backoff of min 4000 ms with this jitter").to.equal(3000);
      client.disconnect();
    });

    it('a refusal without Retry-After waits the backoff only', () => {
      const { client, clock, errors } = setup({ min: 1000, random: () => 0.5 });
      client.connect();
      FakeSource.latest().refuse(503);
      expect(errors.at(-1)).to.not.have.property('retryAfter');
      expect(waitForAttempt(clock)).to.equal(800);
      client.disconnect();
    });

    it('probes once when a browser EventSource gives up before opening, and honours what it learns', async () => {
      const probes: string[] = [];
      let answer: StreamRefusal | undefined = { status: 429, retryAfter: 20 };
      const { client, clock, errors, states } = setup({
        min: 1000,
        random: () => 0.5,
        probe: async (url) => {
          probes.push(url);
          return answer;
        },
      });
      client.connect();
      FakeSource.latest().fail(true);
      // Closed and quiet while the probe asks: no error yet, no retry, only the probe's own deadline.
      expect(states.at(-1)).to.equal('closed');
      expect(errors).to.have.length(0);
      expect(clock.pending).to.equal(1);
      await Promise.resolve();
      await Promise.resolve();
      expect(probes).to.deep.equal(['/events?x=1']);
      expect(errors).to.have.length(1);
      expect(errors[0]).to.include({ status: 429, retryAfter: 20, willRetry: true });
      expect(waitForAttempt(clock)).to.equal(20_800);

      // A probe that learns no wait (a 500) turns probing off until a stream opens.
      answer = { status: 500 };
      FakeSource.latest().fail(true);
      await Promise.resolve();
      await Promise.resolve();
      expect(probes).to.have.length(2);
      expect(errors.at(-1)).to.include({ status: 500 });
      waitForAttempt(clock);
      FakeSource.latest().fail(true);
      expect(probes, 'no probe for the same trouble again').to.have.length(2);
      expect(errors.at(-1)).to.not.have.property('status');
      waitForAttempt(clock);
      FakeSource.latest().open();
      // Open: the next refusal is probed again. A drop after opening is never probed.
      FakeSource.latest().fail(false);
      waitForAttempt(clock);
      FakeSource.latest().fail(true);
      await Promise.resolve();
      await Promise.resolve();
      expect(probes).to.have.length(3);
      client.disconnect();
    });

    it('a probe nobody answers counts as one failure after 10 s, and the retries go on', async () => {
      const probes: string[] = [];
      const { client, clock, errors } = setup({ min: 1000, random: () => 0.5, probe: (url) => (probes.push(url), new Promise(() => undefined)) });
      client.connect();
      FakeSource.latest().fail(true);
      clock.advance(9_999);
      expect(errors).to.have.length(0);
      clock.advance(1);
      expect(errors).to.have.length(1);
      expect(errors[0]).to.include({ willRetry: true });
      expect(errors[0].retryAfter).to.be.undefined;
      // The retry comes on the usual backoff.
      expect(clock.pending).to.equal(1);
      client.disconnect();
      expect(clock.pending).to.equal(0);
      expect(probes).to.have.length(1);
    });

    it('a probe answered after disconnect() reports nothing and schedules nothing', async () => {
      let resolve!: (refusal: StreamRefusal) => void;
      const { client, clock, errors } = setup({ probe: () => new Promise((done) => (resolve = done)) });
      client.connect();
      FakeSource.latest().fail(true);
      client.disconnect();
      resolve({ status: 429, retryAfter: 5 });
      await Promise.resolve();
      await Promise.resolve();
      expect(errors).to.have.length(0);
      expect(clock.pending).to.equal(0);
    });

    it('a probe that fails is one failure without a status', async () => {
      const { client, errors } = setup({ probe: () => Promise.reject(new TypeError('Failed to fetch')) });
      client.connect();
      FakeSource.latest().fail(true);
      await new Promise((done) => setTimeout(done));
      expect(errors).to.have.length(1);
      expect(errors[0]).to.not.have.property('status');
      expect(errors[0]!.willRetry).to.equal(true);
      client.disconnect();
    });
  });
});
