import { expect } from '@open-wc/testing';
import { LogRing, MergedLogRing, engine, loadEngine } from '../src/core/log-ring.js';
import { Ring } from '../src/core/ring.js';
import { LiveStore, type LogEntry } from '../src/core/store.js';
import { LOG_LEVELS, type ProtocolEvent } from '../src/core/protocol.js';
import { seededRandom } from '../src/core/random.js';

const log = (projectId: string, message: string, extra: object = {}): ProtocolEvent => ({
  type: 'deployment_progress',
  data: { projectId, message, level: 'info', timestamp: '2026-01-01T00:00:00.000Z', ...extra },
});
const status = (projectId: string, newStatus: 'running' | 'deploying'): ProtocolEvent => ({
  type: 'container_status_changed',
  data: { projectId, newStatus, timestamp: '2026-01-01T00:00:00.000Z' },
});
const messages = (lines: Iterable<LogEntry>) => [...lines].map((entry) => entry.message);

let seq = 0;
/** An entry with every kind of field, some left out, as the store makes them. */
function entry(rand: () => number, projectId = 'web'): LogEntry {
  const made: LogEntry = {
    seq: ++seq,
    projectId,
    time: 1_767_268_800_000 + Math.floor(rand() * 1e9),
    level: rand() < 0.2 ? undefined : LOG_LEVELS[Math.floor(rand() * 4)],
    message: `line ${seq} ${'é✓\x1b[31m'.slice(0, Math.floor(rand() * 6))}${'x'.repeat(Math.floor(rand() * 90))}`,
  };
  if (rand() < 0.3) made.step = `step ${Math.floor(rand() * 5)}`;
  if (rand() < 0.3) made.progress = Math.round(rand() * 1000) / 10;
  if (rand() < 0.7) made.id = String(seq * 3);
  if (rand() < 0.1) made.history = true;
  return made;
}

/** Runs `body` as before the compact logs have loaded, then has them loaded again. */
function beforeLoad<T>(body: () => T): T {
  const loaded = engine.loaded;
  engine.loaded = undefined;
  try {
    return body();
  } finally {
    engine.loaded = loaded;
  }
}

before(async () => {
  await loadEngine();
  expect(engine.loaded, 'the compact logs loaded').to.not.equal(undefined);
});

describe('LogRing', () => {
  it('behaves as a Ring of entries through pushes, evictions, resizes, retains and clears', () => {
    const rand = seededRandom(7);
    for (const capacity of [1, 5, 100, 1500, 5000]) {
      const ring = new LogRing(capacity);
      const model = new Ring<LogEntry>(capacity);
      for (let step = 0; step < 12_000; step++) {
        const roll = rand();
        if (roll < 0.0005) {
          ring.clear();
          model.clear();
        } else if (roll < 0.001) {
          const size = 1 + Math.floor(rand() * capacity * 2);
          expect(ring.resize(size), 'evicted by resize').to.equal(model.resize(size));
        } else if (roll < 0.0015) {
          const keep = (e: LogEntry) => e.seq % 3 !== 0;
          expect(ring.retain(keep), 'removed by retain').to.equal(model.retain(keep));
        } else {
          const made = entry(rand);
          expect(ring.push(made), 'evicted by push').to.equal(model.push({ ...made }));
        }
        if (step % 997 === 0 || step === 11_999) {
          expect(ring.length).to.equal(model.length);
          expect(ring.capacity).to.equal(model.capacity);
          expect(ring.edits).to.equal(model.edits);
          expect(ring.toArray(), `capacity ${capacity}, step ${step}`).to.deep.equal(model.toArray());
          expect([...ring]).to.deep.equal(model.toArray());
          expect(ring.last()).to.deep.equal(model.last());
          expect(ring.at(-1)).to.equal(undefined);
          expect(ring.at(ring.length)).to.equal(undefined);
        }
      }
    }
  });

  it('reads any entry after wrapping around many chunks, the fields as they were pushed', () => {
    const ring = new LogRing(3000);
    const rand = seededRandom(3);
    const pushed: LogEntry[] = [];
    for (let i = 0; i < 10_000; i++) {
      const made = entry(rand, i % 2 ? 'web' : 'api');
      pushed.push(made);
      ring.push(made);
    }
    expect(ring.length).to.equal(3000);
    for (const i of [0, 1, 1023, 1024, 1500, 2047, 2999]) expect(ring.at(i), `at(${i})`).to.deep.equal(pushed[7000 + i]);
    // Made afresh each time, and a change to one does not reach the log.
    const first = ring.at(0)!;
    first.message = 'changed';
    expect(ring.at(0)!.message).to.equal(pushed[7000].message);
  });
});

describe('MergedLogRing', () => {
  it('shows the newest entries across logs, each once, and survives the logs clearing theirs', () => {
    const web = new LogRing(4);
    const api = new LogRing(4);
    const all = new MergedLogRing(5);
    const rand = seededRandom(11);
    const push = (ring: LogRing, projectId: string) => {
      const made = entry(rand, projectId);
      ring.push(made);
      all.add(ring);
      return made;
    };
    const made = [push(web, 'web'), push(api, 'api'), push(web, 'web'), push(web, 'web'), push(api, 'api'), push(web, 'web'), push(web, 'web')];
    expect(all.toArray()).to.deep.equal(made.slice(2));
    web.clear();
    expect(all.toArray(), 'cleared from its own log, still in the merged one').to.deep.equal(made.slice(2));
    expect(all.retain((e) => e.projectId !== 'api')).to.equal(1);
    expect(all.toArray()).to.deep.equal([made[2], made[3], made[5], made[6]]);
    expect(all.resize(2)).to.equal(2);
    expect(all.toArray()).to.deep.equal([made[5], made[6]]);
    all.clear();
    expect(all.length).to.equal(0);
    expect(all.edits).to.equal(3);
  });
});

describe('the store’s compact logs', () => {
  it('keeps each project’s log and the all-projects log right over many chunks, with drops counted', () => {
    const store = new LiveStore({ logLimit: 2500, schedule: () => {} });
    const rand = seededRandom(5);
    const sent: { projectId: string; message: string }[] = [];
    for (let i = 0; i < 9000; i++) {
      const projectId = rand() < 0.8 ? 'busy' : rand() < 0.5 ? 'calm' : 'rare';
      const message = `${projectId} ${i}`;
      sent.push({ projectId, message });
      store.apply(log(projectId, message, { step: i % 7 ? undefined : 'Build', progress: i % 5 ? undefined : i % 100 }), 1000 + i, `id-${i}`);
    }
    const of = (projectId: string) => sent.filter((line) => line.projectId === projectId).map((line) => line.message);
    let dropped = 0;
    for (const projectId of ['busy', 'calm', 'rare']) {
      const expected = of(projectId).slice(-2500);
      dropped += of(projectId).length - expected.length;
      expect(messages(store.logs(projectId)), projectId).to.deep.equal(expected);
    }
    expect(messages(store.logs())).to.deep.equal(sent.slice(-2500).map((line) => line.message));
    expect(store.connection.stats.dropped).to.equal(dropped);
    const last = store.logs('busy').last()!;
    expect(last).to.include({ projectId: 'busy', level: 'info' });
    expect(last.id).to.match(/^id-\d+$/);

    // A smaller limit: each log keeps its newest, the drops are counted.
    for (const projectId of ['busy', 'calm', 'rare']) dropped += Math.max(0, store.logs(projectId).length - 1000);
    store.logLimit = 1000;
    expect(store.logs('busy').length).to.equal(1000);
    expect(messages(store.logs('calm'))).to.deep.equal(of('calm').slice(-1000));
    expect(messages(store.logs())).to.deep.equal(sent.slice(-1000).map((line) => line.message));
    expect(store.connection.stats.dropped).to.equal(dropped);
  });

  it('keeps a new deployment’s previous lines in the all-projects log, and a removed project’s', () => {
    const store = new LiveStore({ logLimit: 3000, schedule: () => {} });
    for (let i = 0; i < 2000; i++) store.apply(log('web', `old ${i}`));
    store.apply(status('web', 'deploying'));
    for (let i = 0; i < 2000; i++) store.apply(log('web', `new ${i}`));
    expect(store.logs('web').length).to.equal(2000);
    expect(store.logs('web').at(0)!.message).to.equal('new 0');
    expect(store.getProject('web')!.pastDeployments[0].entries.length).to.equal(2000);
    const all = store.logs();
    expect(all.length).to.equal(3000);
    expect(all.at(0)!.message).to.equal('old 1000');
    expect(all.at(999)!.message).to.equal('old 1999');
    expect(all.at(1000)!.message).to.equal('new 0');
    store.apply(log('api', 'api line'));
    store.removeProject('web');
    expect(store.logs('web').length).to.equal(0);
    expect(store.logs().at(0)!.message, 'the all-projects log still reads a removed project’s lines').to.equal('old 1001');
    expect(store.logs().last()!.message).to.equal('api line');
    store.clearLogs('api');
    expect(store.logs().last()!.message).to.equal('new 1999');
  });
});

describe('the logs before and after the compact logs load', () => {
  it('a log keeps its entries, order, evictions and edits across the move', () => {
    const rand = seededRandom(13);
    for (const capacity of [1, 7, 100, 3000]) {
      for (const switchAt of [0, 1, 50, 2500, 6000]) {
        const ring = new LogRing(capacity);
        const model = new Ring<LogEntry>(capacity);
        const check = (label: string) => {
          expect(ring.length, label).to.equal(model.length);
          expect(ring.capacity, label).to.equal(model.capacity);
          expect(ring.edits, label).to.equal(model.edits);
          expect(ring.toArray(), label).to.deep.equal(model.toArray());
          expect(ring.last(), label).to.deep.equal(model.last());
        };
        const step = (i: number) => {
          const roll = rand();
          if (roll < 0.001) {
            ring.clear();
            model.clear();
          } else if (roll < 0.002) {
            const size = 1 + Math.floor(rand() * capacity * 2);
            expect(ring.resize(size), 'evicted by resize').to.equal(model.resize(size));
          } else if (roll < 0.003) {
            const keep = (e: LogEntry) => e.seq % 3 !== 0;
            expect(ring.retain(keep), 'removed by retain').to.equal(model.retain(keep));
          } else {
            const made = entry(rand);
            expect(ring.push(made), `evicted by push ${i}`).to.equal(model.push({ ...made }));
          }
        };
        beforeLoad(() => {
          for (let i = 0; i < switchAt; i++) step(i);
          check(`capacity ${capacity}, before the move`);
          expect(ring.chunkAt(0), 'no chunks before the move').to.equal(undefined);
        });
        check(`capacity ${capacity}, moved after ${switchAt}`);
        if (ring.length > 0) expect(ring.chunkAt(ring.length - 1), 'in chunks after the move').to.not.equal(undefined);
        for (let i = switchAt; i < 8000; i++) step(i);
        check(`capacity ${capacity}, ${switchAt} before the move, 8000 in all`);
      }
    }
  });

  it('the all-projects log shows the same entries across the move, with the same evictions', () => {
    const rand = seededRandom(17);
    for (const switchAt of [0, 3, 40, 900, 2000]) {
      const logs = { web: new LogRing(50), api: new LogRing(20) };
      const models = { web: new Ring<LogEntry>(50), api: new Ring<LogEntry>(20) };
      const all = new MergedLogRing(60);
      const allModel = new Ring<LogEntry>(60);
      const check = (label: string) => {
        expect(all.toArray(), label).to.deep.equal(allModel.toArray());
        expect(all.edits, label).to.equal(allModel.edits);
        expect(all.length, label).to.equal(allModel.length);
        expect(logs.web.toArray(), label).to.deep.equal(models.web.toArray());
        expect(logs.api.toArray(), label).to.deep.equal(models.api.toArray());
      };
      const step = (i: number) => {
        const roll = rand();
        const projectId = rand() < 0.7 ? 'web' : 'api';
        if (roll < 0.01) {
          // A project's lines cleared from its own log stay in the all-projects one.
          logs[projectId].clear();
          models[projectId].clear();
        } else if (roll < 0.015) {
          const keep = (e: LogEntry) => e.projectId !== projectId;
          expect(all.retain(keep), 'removed by retain').to.equal(allModel.retain(keep));
        } else if (roll < 0.02) {
          const size = 1 + Math.floor(rand() * 120);
          expect(all.resize(size), 'evicted by resize').to.equal(allModel.resize(size));
        } else {
          const made = entry(rand, projectId);
          expect(logs[projectId].push(made), `evicted from ${projectId} ${i}`).to.equal(models[projectId].push({ ...made }));
          expect(all.add(logs[projectId]), `evicted from all ${i}`).to.equal(allModel.push({ ...made }));
        }
      };
      beforeLoad(() => {
        for (let i = 0; i < switchAt; i++) step(i);
        check(`before the move at ${switchAt}`);
      });
      check(`moved after ${switchAt}`);
      for (let i = switchAt; i < 3000; i++) {
        step(i);
        if (i % 97 === 0) check(`${switchAt} before the move, step ${i}`);
      }
      check(`${switchAt} before the move, 3000 in all`);
    }
  });

  it('a store fed before and after the move keeps every log and counts the drops once', () => {
    const sent: { projectId: string; message: string }[] = [];
    const send = (store: LiveStore, from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const projectId = i % 3 ? 'busy' : 'calm';
        const message = `${projectId} ${i}`;
        sent.push({ projectId, message });
        store.apply(log(projectId, message), 1000 + i, `id-${i}`);
      }
    };
    const store = beforeLoad(() => {
      const made = new LiveStore({ logLimit: 700, schedule: () => {} });
      send(made, 0, 1000);
      // Read while the entries are objects: the view follows them across the move.
      expect(messages(made.logs())).to.deep.equal(sent.slice(-700).map((line) => line.message));
      return made;
    });
    const edits = store.logs().edits;
    send(store, 1000, 3000);
    const of = (projectId: string) => sent.filter((line) => line.projectId === projectId).map((line) => line.message);
    let dropped = 0;
    for (const projectId of ['busy', 'calm']) {
      dropped += of(projectId).length - Math.min(700, of(projectId).length);
      expect(messages(store.logs(projectId)), projectId).to.deep.equal(of(projectId).slice(-700));
      expect(store.logs(projectId).chunkAt(0), `${projectId} in chunks`).to.not.equal(undefined);
    }
    expect(messages(store.logs())).to.deep.equal(sent.slice(-700).map((line) => line.message));
    expect(store.logs().edits, 'the move is no edit').to.equal(edits);
    expect(store.connection.stats.dropped).to.equal(dropped);
  });

  it('the all-projects log keeps lines its projects dropped before the move', () => {
    const store = beforeLoad(() => {
      const made = new LiveStore({ logLimit: 3000, schedule: () => {} });
      for (let i = 0; i < 2000; i++) made.apply(log('web', `old ${i}`));
      made.apply(status('web', 'deploying'));
      for (let i = 0; i < 500; i++) made.apply(log('web', `new ${i}`));
      made.apply(log('api', 'api line'));
      made.removeProject('api');
      return made;
    });
    for (let i = 500; i < 2000; i++) store.apply(log('web', `new ${i}`));
    const lines = (name: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${name} ${from + i}`);
    expect(messages(store.logs('web'))).to.deep.equal(lines('new', 0, 2000));
    const order = [...lines('old', 0, 2000), ...lines('new', 0, 500), 'api line', ...lines('new', 500, 2000)];
    expect(messages(store.logs()), 'a removed project’s line and an archived deployment’s').to.deep.equal(order.slice(-3000));
    expect(store.logs().at(0)!.message).to.equal('old 1001');
    for (let i = 0; i < 1600; i++) store.apply(log('web', `newer ${i}`));
    order.push(...lines('newer', 0, 1600));
    expect(messages(store.logs()), 'the lines held from before the move evicted in turn').to.deep.equal(order.slice(-3000));
    expect(store.logs().at(0)!.message).to.equal('new 600');
  });
});
