import { expect } from '@open-wc/testing';
import { LiveStore, PAST_DEPLOYMENTS, PAST_LINES } from '../src/core/store.js';
import { Ring } from '../src/core/ring.js';
import { MetricsHistory } from '../src/core/metrics-history.js';
import type { ProtocolEvent } from '../src/core/protocol.js';
import { nextFrame, until } from './helpers.js';

const log = (projectId: string, message: string, level: 'info' | 'error' = 'info', extra: object = {}): ProtocolEvent => ({
  type: 'deployment_progress',
  data: { projectId, message, level, timestamp: '2026-01-01T00:00:00.000Z', ...extra },
});
const status = (projectId: string, newStatus: 'running' | 'stopped' | 'deploying'): ProtocolEvent => ({
  type: 'container_status_changed',
  data: { projectId, newStatus, timestamp: '2026-01-01T00:00:00.000Z' },
});

describe('Ring', () => {
  it('keeps the newest items and reports each eviction', () => {
    const ring = new Ring<number>(3);
    const evicted = [1, 2, 3, 4, 5].map((n) => ring.push(n));
    expect(evicted).to.deep.equal([false, false, false, true, true]);
    expect(ring.toArray()).to.deep.equal([3, 4, 5]);
    expect(ring.at(0)).to.equal(3);
    expect(ring.last()).to.equal(5);
    expect(ring.at(3)).to.equal(undefined);
    expect([...ring]).to.deep.equal([3, 4, 5]);
    expect(ring.resize(2)).to.equal(1);
    expect(ring.toArray()).to.deep.equal([4, 5]);
  });
});

describe('MetricsHistory', () => {
  it('is bounded and copies the newest points into typed arrays', () => {
    const history = new MetricsHistory(4);
    for (let i = 1; i <= 6; i++) history.push(i * 1000, { cpu: i, memory: i * 10, requests: i, uptime: `${i}m` });
    expect(history.length).to.equal(4);
    expect(history.at(0)?.cpu).to.equal(3);
    expect(history.latest()).to.deep.equal({ time: 6000, cpu: 6, memory: 60, requests: 6, uptime: '6m' });
    const time = new Float64Array(3);
    const cpu = new Float64Array(3);
    const memory = new Float64Array(3);
    expect(history.copyLatest(3, time, cpu, memory)).to.equal(3);
    expect([...time]).to.deep.equal([4, 5, 6]);
    expect([...cpu]).to.deep.equal([4, 5, 6]);
    expect([...memory]).to.deep.equal([40, 50, 60]);
  });
});

describe('LiveStore', () => {
  it('connection.downSince: set when an open stream stops, kept across retries, cleared when it opens; subscribeState tells only state changes', () => {
    const flushes: (() => void)[] = [];
    const store = new LiveStore({ schedule: (flush) => flushes.push(flush) });
    const run = () => flushes.splice(0).forEach((flush) => flush());
    let told = 0;
    store.subscribeState(() => told++);
    store.setConnection({ state: 'connecting' });
    run();
    expect(store.connection.downSince, 'never open: nothing is stale').to.be.undefined;
    expect(told).to.equal(1);
    store.setConnection({ state: 'open' });
    store.count('received', 5);
    run();
    expect(told).to.equal(2);
    store.count('received');
    run();
    expect(told, 'counters alone tell no state listener').to.equal(2);
    const before = Date.now();
    store.setConnection({ state: 'closed', closedReason: 'retrying' });
    const since = store.connection.downSince!;
    expect(since).to.be.within(before, Date.now());
    store.setConnection({ state: 'connecting' });
    store.setConnection({ state: 'closed' });
    run();
    expect(store.connection.downSince, 'the first moment it stopped').to.equal(since);
    expect(told).to.equal(3);
    store.setConnection({ state: 'open' });
    run();
    expect(store.connection.downSince).to.be.undefined;
    expect(told).to.equal(4);
  });

  it('applies every event type to the project state', () => {
    const store = new LiveStore();
    store.apply(status('web', 'deploying'));
    store.apply(log('web', 'Building', 'info', { step: 'build', progress: 40 }));
    expect(store.getProject('web')?.deployment).to.include({ step: 'build', progress: 40 });
    store.apply(log('web', 'Build failed', 'error'));
    expect(store.getProject('web')?.lastError?.message).to.equal('Build failed');
    store.apply({ type: 'metrics_updated', data: { projectId: 'web', cpu: 10, memory: 256, requests: 5, uptime: '1m' } }, 5000);
    expect(store.getProject('web')?.metrics.latest()).to.deep.equal({ time: 5000, cpu: 10, memory: 256, requests: 5, uptime: '1m' });
    store.apply({ type: 'auto_shutdown', data: { projectId: 'web', reason: 'idle', inactiveTime: '30m' } });
    const project = store.getProject('web')!;
    expect(project.status).to.equal('inactive');
    expect(project.autoShutdown).to.include({ reason: 'idle', inactiveTime: '30m' });
    expect(project.logs.length).to.equal(2);
    expect(store.size).to.equal(1);
    expect(store.projectIds()).to.deep.equal(['web']);
    expect(store.getProject('nope')).to.equal(undefined);
  });

  it('keeps the figures of a rate_limit event in the connection record, tells connection listeners, and touches no project', async () => {
    const store = new LiveStore();
    let told = 0;
    store.subscribeConnection(() => (told += 1));
    const now = Date.UTC(2026, 0, 1);
    store.apply({ type: 'rate_limit', data: { limit: 10, remaining: 1, reset: 12 } }, now);
    expect(store.connection.rateLimit).to.deep.equal({ limit: 10, remaining: 1, reset: now + 12_000, source: 'event' });
    store.apply({ type: 'rate_limit', data: { projectId: 'web', limit: 60, remaining: 59, reset: now / 1000 + 30 } }, now);
    expect(store.connection.rateLimit).to.deep.equal({ projectId: 'web', limit: 60, remaining: 59, reset: now + 30_000, source: 'event' });
    expect(store.size, 'a quota is not a project').to.equal(0);
    await until(() => told > 0, 'the connection listener');
  });

  it('bounds each project log and counts what it drops', () => {
    const store = new LiveStore({ logLimit: 100 });
    for (let i = 0; i < 250; i++) store.apply(log('a', `a${i}`));
    for (let i = 0; i < 30; i++) store.apply(log('b', `b${i}`));
    expect(store.logs('a').length).to.equal(100);
    expect(store.logs('a').at(0)?.message).to.equal('a150');
    expect(store.logs('b').length).to.equal(30);
    expect(store.connection.stats.dropped).to.equal(150);
    // The all-projects view holds the newest entries across projects, in arrival order.
    const all = store.logs();
    expect(all.length).to.equal(100);
    expect(all.last()?.message).to.equal('b29');
    expect(all.at(0)!.seq).to.be.below(all.last()!.seq);
  });

  it('bounds the metrics history', () => {
    const store = new LiveStore({ metricsHistory: 5 });
    for (let i = 0; i < 20; i++) store.apply({ type: 'metrics_updated', data: { projectId: 'a', cpu: i, memory: 1, requests: i, uptime: '' } }, i);
    expect(store.getProject('a')?.metrics.length).to.equal(5);
    expect(store.getProject('a')?.metrics.at(0)?.cpu).to.equal(15);
  });

  it('tells a listener once per frame however many events arrived, with the state already applied', async () => {
    const store = new LiveStore();
    let calls = 0;
    let seen = 0;
    store.subscribe('a', () => {
      calls += 1;
      seen = store.logs('a').length;
    });
    let otherCalls = 0;
    store.subscribe('b', () => (otherCalls += 1));
    let anyCalls = 0;
    store.subscribeAll(() => (anyCalls += 1));
    for (let i = 0; i < 10000; i++) store.apply(log('a', `line ${i}`));
    expect(store.logs('a').length, 'state is applied at once').to.equal(5000);
    expect(calls, 'nobody is told before the frame').to.equal(0);
    await nextFrame();
    await nextFrame();
    expect(calls).to.equal(1);
    expect(seen).to.equal(5000);
    expect(anyCalls).to.equal(1);
    expect(otherCalls, 'listeners of untouched projects are not called').to.equal(0);
    store.apply(log('a', 'one more'));
    await nextFrame();
    await nextFrame();
    expect(calls).to.equal(2);
  });

  it('spreads a pass that overran its frame over the next frames, telling each project once per frame and losing none', async () => {
    const store = new LiveStore();
    const ids = Array.from({ length: 100 }, (_, i) => `p${i}`);
    let frame = 0;
    const told = new Map<string, number[]>();
    for (const id of ids) {
      store.subscribe(id, () => {
        told.set(id, [...(told.get(id) ?? []), frame]);
        // A slow render: 100 of them take about 50 ms, well over a frame.
        const until = performance.now() + 0.5;
        while (performance.now() < until);
      });
    }
    const tick = () => {
      frame += 1;
      raf = requestAnimationFrame(tick);
    };
    let raf = requestAnimationFrame(tick);
    const passFrames = async () => {
      told.clear();
      for (const id of ids) store.apply(status(id, 'running'));
      await until(() => told.size === ids.length, 'every project to be told');
      // The frames the listeners ran in.
      return new Set([...told.values()].flat()).size;
    };
    try {
      expect(await passFrames(), 'the first pass tells everyone at once').to.equal(1);
      // The first pass measured itself: the next ones tell fewer projects per frame.
      const frames = await passFrames();
      expect(frames).to.be.greaterThan(1);
      for (const [id, at] of told) expect(at, `${id} told once`).to.have.length(1);
      const perFrame = new Map<number, number>();
      for (const [at] of told.values()) perFrame.set(at!, (perFrame.get(at!) ?? 0) + 1);
      expect(Math.max(...perFrame.values()), 'fewer at once').to.be.lessThan(100);
    } finally {
      cancelAnimationFrame(raf);
    }
  });

  it('in a burst, keeps every change for listeners told less often, each told with the latest state', async () => {
    const store = new LiveStore({ metricsHistory: 10_000 });
    const ids = Array.from({ length: 20 }, (_, i) => `p${i}`);
    const seen = new Map<string, number[]>();
    for (const id of ids) {
      store.subscribe(id, () => {
        seen.set(id, [...(seen.get(id) ?? []), store.getProject(id)!.metrics.length]);
        // A slow render: a pass costs well over a frame, so the store rests between passes.
        const end = performance.now() + 2;
        while (performance.now() < end);
      });
    }
    let sent = 0;
    for (let chunk = 0; chunk < 30; chunk++) {
      for (let i = 0; i < 500; i++, sent++) {
        store.apply({ type: 'metrics_updated', data: { projectId: ids[sent % ids.length]!, cpu: sent % 100, memory: 1, requests: sent, uptime: '' } }, 1000 + sent);
      }
      await new Promise((resolve) => setTimeout(resolve));
    }
    const each = sent / ids.length;
    await until(() => ids.every((id) => seen.get(id)?.at(-1) === each), 'every listener to see the last point');
    ids.forEach((id, index) => {
      const metrics = store.getProject(id)!.metrics;
      const cpu = Array.from({ length: metrics.length }, (_, i) => metrics.at(i)!.cpu);
      expect(cpu, `${id}: every point, in order`).to.deep.equal(Array.from({ length: each }, (_, k) => (k * ids.length + index) % 100));
      const told = seen.get(id)!;
      expect(told.every((length, i) => i === 0 || length > told[i - 1]!), `${id}: told only with something new`).to.equal(true);
    });
  });

  it('is overloaded while its passes are long tasks, tells state listeners, and is calm two seconds after the last', async () => {
    const store = new LiveStore();
    // Twenty projects shown, and a page whose every pass costs `slow` ms however few changed.
    const ids = Array.from({ length: 20 }, (_, i) => `p${i}`);
    for (const id of ids) store.subscribe(id, () => {});
    let slow = 0;
    store.subscribeAll(() => {
      const end = performance.now() + slow;
      while (performance.now() < end);
    });
    let stateCalls = 0;
    store.subscribeState(() => (stateCalls += 1));
    let sent = 0;
    const passes = async (count: number) => {
      for (let i = 0; i < count; i++) {
        for (const id of ids) store.apply({ type: 'metrics_updated', data: { projectId: id, cpu: sent++ % 100, memory: 1, requests: 1, uptime: '' } });
        await nextFrame();
        await new Promise((resolve) => setTimeout(resolve));
      }
    };

    // One slow pass (a garbage collection, say) among quick ones is no overload.
    slow = 70;
    await passes(1);
    slow = 0;
    await passes(4);
    expect(store.overloaded, 'one slow pass').to.equal(false);
    expect(stateCalls).to.equal(0);

    slow = 60;
    await until(async () => {
      await passes(1);
      return store.overloaded;
    }, 'long passes to overload the store');
    await until(() => stateCalls === 1, 'state listeners to be told');
    const overloadedAt = performance.now();
    slow = 0;
    await until(() => !store.overloaded, 'the store to be calm', 5000);
    expect(performance.now() - overloadedAt, 'calm only two seconds after the last costly pass').to.be.greaterThan(1800);
    await until(() => stateCalls === 2, 'state listeners to be told again');
  });

  it('while overloaded, tells every project that changed in one pass, however long the last one took', async () => {
    const store = new LiveStore();
    const ids = Array.from({ length: 64 }, (_, i) => `p${i}`);
    const toldAt = new Map<string, number>();
    for (const id of ids) store.subscribe(id, () => toldAt.set(id, performance.now()));
    // A page whose every pass costs 55 ms however few changed: a pass over its frame budget, which
    // would cut the next ones to the fewest projects, and the store is overloaded.
    store.subscribeAll(() => {
      const end = performance.now() + 55;
      while (performance.now() < end);
    });
    let waves = 0;
    const wave = async () => {
      toldAt.clear();
      waves += 1;
      for (const id of ids) store.apply(status(id, waves % 2 ? 'running' : 'stopped'));
      await until(() => toldAt.size === ids.length, 'every project to be told');
      return [...toldAt.values()].sort((a, b) => a - b);
    };
    await wave();
    await until(async () => {
      await wave();
      return store.overloaded;
    }, 'the store to be overloaded');
    // Cut into passes of 16, the wave would take four frames of 55 ms each.
    const times = await wave();
    expect(times.at(-1)! - times[0]!, 'from the first project told to the last').to.be.lessThan(20);
    expect(store.overloaded).to.equal(true);
  });

  it('stops telling a listener after it unsubscribes', async () => {
    const store = new LiveStore();
    let calls = 0;
    const off = store.subscribe('a', () => (calls += 1));
    off();
    store.apply(status('a', 'running'));
    await nextFrame();
    await nextFrame();
    expect(calls).to.equal(0);
  });

  it('reconciles with a snapshot: removes unlisted projects, keeps received logs of the others', async () => {
    const store = new LiveStore();
    store.apply(status('a', 'running'));
    store.apply(log('a', 'kept'));
    store.apply(status('gone', 'running'));
    let goneCalls = 0;
    store.subscribe('gone', () => (goneCalls += 1));
    store.apply({
      type: 'snapshot',
      data: { projects: [{ projectId: 'a', status: 'stopped', name: 'A', url: 'https://a.example' }, { projectId: 'new', status: 'error' }] },
    });
    expect(store.projectIds().sort()).to.deep.equal(['a', 'new']);
    expect(store.getProject('a')).to.include({ status: 'stopped', name: 'A', url: 'https://a.example' });
    expect(store.logs('a').at(0)?.message).to.equal('kept');
    expect(store.getProject('gone')).to.equal(undefined);
    await nextFrame();
    await nextFrame();
    expect(goneCalls, 'a removed project tells its listeners').to.equal(1);
  });

  it('lets a snapshot requested before newer news leave that news alone, and one requested after it win', () => {
    const store = new LiveStore();
    store.apply(status('web', 'running'));
    store.apply(status('api', 'running'));
    const asked = store.mark();
    // While the request is in flight: api fails, a new project appears, web only logs a line.
    store.apply(status('api', 'stopped'));
    store.apply(status('fresh', 'deploying'));
    store.apply(log('web', 'still here'));
    store.applySnapshot({ projects: [{ projectId: 'web', status: 'stopped', name: 'Web' }, { projectId: 'api', status: 'running' }] }, Date.now(), asked);
    expect(store.getProject('api')?.status, 'a status change after the request wins').to.equal('stopped');
    expect(store.getProject('fresh')?.status, 'a project named after the request stays').to.equal('deploying');
    expect(store.getProject('web'), 'a log line is not newer status news').to.include({ status: 'stopped', name: 'Web' });

    // The stream's own snapshot is news too: an older snapshot-url answer undoes none of it.
    const before = store.mark();
    store.apply({ type: 'snapshot', data: { projects: [{ projectId: 'api', status: 'deploying' }, { projectId: 'web', status: 'running' }] } });
    store.applySnapshot({ projects: [{ projectId: 'api', status: 'running' }] }, Date.now(), before);
    expect(store.projectIds().sort()).to.deep.equal(['api', 'web']);
    expect(store.getProject('api')?.status).to.equal('deploying');

    // A deployment step and error the stream sent after the request outlive the snapshot's older status.
    const asked2 = store.mark();
    store.apply(log('web', 'Building image', 'error', { step: 'build', progress: 40 }));
    store.applySnapshot({ projects: [{ projectId: 'web', status: 'deploying' }, { projectId: 'api', status: 'deploying' }] }, Date.now(), asked2);
    expect(store.getProject('web')).to.include({ status: 'deploying' });
    expect(store.getProject('web')?.deployment?.step).to.equal('build');
    expect(store.getProject('web')?.lastError?.message).to.equal('Building image');

    // Asked after all of that: the snapshot knows better, and reconciles everything.
    store.applySnapshot({ projects: [{ projectId: 'api', status: 'running' }] }, Date.now(), store.mark());
    expect(store.projectIds()).to.deep.equal(['api']);
    expect(store.getProject('api')?.status).to.equal('running');
  });

  it('forgets the last deployment’s step and error when a new one starts', () => {
    const store = new LiveStore();
    store.apply(status('web', 'deploying'));
    store.apply(log('web', 'Health check', 'info', { step: 'health', progress: 100 }));
    store.apply(log('web', 'Failed', 'error'));
    store.apply(status('web', 'stopped'));
    store.apply(status('web', 'deploying'));
    expect(store.getProject('web')?.deployment).to.equal(undefined);
    expect(store.getProject('web')?.lastError).to.equal(undefined);
  });

  it('moves a deployment’s lines to the past deployments when the next one starts, with its outcome', () => {
    const store = new LiveStore();
    store.apply(status('web', 'deploying'), Date.UTC(2026, 0, 1), '1');
    store.apply(log('web', 'Build failed', 'error'), undefined, '2');
    store.apply({ type: 'container_status_changed', data: { projectId: 'web', newStatus: 'error', timestamp: '2026-01-01T00:01:00.000Z' } });
    expect(store.getProject('web')?.currentDeployment).to.deep.include({ id: '1', outcome: 'failed', endedAt: Date.UTC(2026, 0, 1, 0, 1) });
    store.apply(status('web', 'deploying'), undefined, '3');
    store.apply(log('web', 'Building again'));
    const web = store.getProject('web')!;
    expect(web.logs.toArray().map((entry) => entry.message)).to.deep.equal(['Building again']);
    expect(web.pastDeployments).to.have.length(1);
    expect(web.pastDeployments[0]).to.deep.include({ id: '1', outcome: 'failed' });
    expect(web.pastDeployments[0].entries.map((entry) => [entry.message, entry.id])).to.deep.equal([['Build failed', '2']]);
    expect(web.currentDeployment).to.deep.include({ id: '3' });
    expect(web.currentDeployment?.outcome).to.equal(undefined);
    // The all-projects log still has both.
    expect(store.logs().toArray().map((entry) => entry.message)).to.deep.equal(['Build failed', 'Building again']);
    for (let i = 0; i < 7; i++) {
      store.apply(status('web', 'running'));
      store.apply(status('web', 'deploying'));
      store.apply(log('web', `run ${i}`));
    }
    expect(web.pastDeployments.length).to.equal(PAST_DEPLOYMENTS);
    expect(web.pastDeployments.at(-1)?.outcome).to.equal('succeeded');
  });

  it('keeps the newest PAST_LINES lines of a past deployment and counts the others as dropped', () => {
    const store = new LiveStore({ logLimit: PAST_LINES * 3 });
    store.apply(status('web', 'running'));
    for (let i = 0; i < PAST_LINES * 2 + 10; i++) store.apply(log('web', `line ${i}`));
    store.apply(status('web', 'deploying'));
    const [past] = store.getProject('web')!.pastDeployments;
    expect(past.entries.length).to.equal(PAST_LINES);
    expect(past.entries[0].message).to.equal(`line ${PAST_LINES + 10}`);
    expect(past.entries.at(-1)?.message).to.equal(`line ${PAST_LINES * 2 + 9}`);
    expect(past.dropped).to.equal(PAST_LINES + 10);
    expect(store.getProject('web')!.logs.length).to.equal(0);
  });

  it('takes a backfill: older points before the held ones, its deployments as history, a held line kept once', async () => {
    const store = new LiveStore();
    const t0 = Date.UTC(2026, 0, 1);
    store.apply({ type: 'metrics_updated', data: { projectId: 'web', cpu: 50, memory: 500, requests: 5, uptime: '5m' } }, t0 + 5000);
    store.apply(status('web', 'deploying'), t0, 'd2');
    store.apply(log('web', 'held line'), t0, 'l2');
    const line = (id: string, message: string, second: number) => ({ id, message, level: 'info' as const, timestamp: new Date(t0 + second * 1000).toISOString() });
    store.apply(
      {
        type: 'backfill',
        data: {
          projectId: 'web',
          metrics: [1, 2, 3, 5].map((s) => ({ time: t0 + s * 1000, cpu: s, memory: s * 10, requests: s })),
          deployments: [
            { id: 'd1', startedAt: new Date(t0 - 60_000).toISOString(), outcome: 'failed', endedAt: new Date(t0 - 1000).toISOString(), dropped: 0, lines: [line('l0', 'old failure', -30)] },
            { id: 'd2', startedAt: new Date(t0).toISOString(), dropped: 3, lines: [line('l1', 'first line', 0), line('l2', 'held line', 1)] },
          ],
        },
      },
      t0 + 6000,
    );
    const web = store.getProject('web')!;
    expect(Array.from({ length: web.metrics.length }, (_, i) => web.metrics.at(i)!.cpu)).to.deep.equal([1, 2, 3, 50]);
    expect(web.metrics.latest()?.uptime).to.equal('5m');
    const current = web.logs.toArray();
    expect(current.map((entry) => [entry.message, entry.history ?? false])).to.deep.equal([
      ['first line', true],
      ['held line', false],
    ]);
    expect(current[0].seq).to.be.below(current[1].seq);
    expect(web.currentDeployment).to.deep.include({ id: 'd2', dropped: 3 });
    expect(web.pastDeployments.map((d) => [d.id, d.outcome, d.entries.map((e) => e.message)])).to.deep.equal([['d1', 'failed', ['old failure']]]);
    // The all-projects log gains the history line once, and does not repeat the held one.
    expect(store.logs().toArray().map((entry) => entry.message)).to.deep.equal(['held line', 'first line']);
    // A later live line follows the history.
    store.apply(log('web', 'live line'), t0 + 7000, 'l3');
    expect(web.logs.toArray().map((entry) => entry.message)).to.deep.equal(['first line', 'held line', 'live line']);
  });

  it('archives its own current deployment when a backfill names a newer one', () => {
    const store = new LiveStore();
    store.apply(status('web', 'deploying'), undefined, 'd1');
    store.apply(log('web', 'from d1'), undefined, 'l1');
    store.apply({
      type: 'backfill',
      data: { projectId: 'web', metrics: [], deployments: [{ id: 'd2', startedAt: '2026-01-01T00:00:00.000Z', dropped: 0, lines: [{ id: 'l9', message: 'from d2', level: 'info', timestamp: '2026-01-01T00:00:00.000Z' }] }] },
    });
    const web = store.getProject('web')!;
    expect(web.logs.toArray().map((entry) => entry.message)).to.deep.equal(['from d2']);
    expect(web.pastDeployments.map((d) => d.entries.map((e) => e.message))).to.deep.equal([['from d1']]);
  });

  it('takes inactive and error details from a snapshot', () => {
    const store = new LiveStore();
    store.applySnapshot({
      projects: [
        { projectId: 'idle', status: 'inactive', reason: 'No traffic', inactiveTime: '30m' },
        { projectId: 'broken', status: 'error', lastError: 'Exited with code 137' },
      ],
    });
    expect(store.getProject('idle')?.autoShutdown).to.include({ reason: 'No traffic', inactiveTime: '30m' });
    expect(store.getProject('broken')?.lastError?.message).to.equal('Exited with code 137');
  });

  it('evicts the least recently updated project nobody watches beyond max-projects', () => {
    const store = new LiveStore({ maxProjects: 3 });
    store.subscribe('watched', () => {});
    store.apply(status('watched', 'running'));
    store.apply(status('b', 'running'));
    store.apply(status('c', 'running'));
    store.apply(status('b', 'stopped'));
    store.apply(status('d', 'running'));
    expect(store.projectIds().sort()).to.deep.equal(['b', 'd', 'watched']);
    expect(store.connection.stats.evicted).to.equal(1);
  });

  it('clears logs of one project or of all', () => {
    const store = new LiveStore();
    store.apply(log('a', '1'));
    store.apply(log('b', '2'));
    store.clearLogs('a');
    expect(store.logs('a').length).to.equal(0);
    expect(store.logs('b').length).to.equal(1);
    expect(store.logs().toArray().map((entry) => entry.projectId), 'gone from the all-projects log too').to.deep.equal(['b']);
    store.clearLogs();
    expect(store.logs('b').length).to.equal(0);
    expect(store.logs().length).to.equal(0);
  });

  it('shrinks every ring when log-limit is lowered, counting the dropped entries', () => {
    const store = new LiveStore({ logLimit: 10 });
    for (let i = 0; i < 10; i++) store.apply(log('a', `${i}`));
    store.logLimit = 4;
    expect(store.logs('a').toArray().map((e) => e.message)).to.deep.equal(['6', '7', '8', '9']);
    expect(store.connection.stats.dropped).to.equal(6);
  });
});

describe('tab sharing of deployments and metrics', () => {
  it('hands a joining tab the current deployment, the earlier ones and the metrics points', async () => {
    const { syncOf, applySync } = await import('../src/core/tab-share.js');
    const leader = new LiveStore();
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 3; i++) leader.apply({ type: 'metrics_updated', data: { projectId: 'web', cpu: i, memory: 100, requests: i, uptime: '1m' } }, t0 + i * 1000);
    leader.apply(status('web', 'deploying'), t0, 'd1');
    leader.apply(log('web', 'first deployment'), t0, 'l1');
    leader.apply(status('web', 'running'), t0);
    leader.apply(status('web', 'deploying'), t0, 'd2');
    leader.apply(log('web', 'second deployment'), t0, 'l2');
    const follower = new LiveStore();
    applySync(follower, structuredClone(syncOf(leader, 'l2')), t0 + 5000);
    const web = follower.getProject('web')!;
    expect(web.logs.toArray().map((entry) => entry.message)).to.deep.equal(['second deployment']);
    expect(web.currentDeployment).to.deep.include({ id: 'd2' });
    expect(web.pastDeployments.map((d) => [d.id, d.outcome, d.entries.map((e) => e.message)])).to.deep.equal([['d1', 'succeeded', ['first deployment']]]);
    expect(Array.from({ length: web.metrics.length }, (_, i) => web.metrics.at(i)!.cpu)).to.deep.equal([0, 1, 2]);
  });
});
