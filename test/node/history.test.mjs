// The history store's contract, run against both stores: in-process and Redis (a real
// redis-server, the store the Redis bus offers). Roll-up arithmetic at bucket edges, expiry as the
// injected clock moves on, fixed memory, the deployments' boundaries and bounds, the last points,
// seeding. Neither store may drift from the other: the same assertions, to the digit.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import { memoryHistory } from '../../dist/server/index.js';
import { redisBus } from '../../dist/server/redis.js';
import { startRedis } from '../../scripts/redis.mjs';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A day's start: also the start of a minute, a 10-minute and an hour bucket. */
const T0 = Date.UTC(2025, 0, 1);

let redis;
let admin;
let streams = 0;
const closers = [];

before(async () => {
  redis = await startRedis();
  admin = createClient({ url: redis.url });
  admin.on('error', () => {});
  await admin.connect();
});

after(async () => {
  for (const close of closers.reverse()) await close();
  await admin?.quit();
  await redis?.stop();
});

const quiet = { warn() {} };

/** A store of each kind on a clock the test sets (`clock.now`), with `bytesOf(projectId)`: what its roll-ups take. */
const kinds = {
  memory: async (options = {}) => {
    const clock = { now: T0 };
    const store = memoryHistory({ ...options, now: () => clock.now });
    return { store, clock, bytesOf: () => store.size.rollupBytes / store.size.projects };
  },
  redis: async (options = {}) => {
    const clock = { now: T0 };
    const stream = `history-${++streams}`;
    const bus = redisBus({ url: redis.url, stream, blockMs: 200 });
    await bus.start(() => {}, quiet);
    closers.push(() => bus.close());
    const store = bus.history({ ...options, now: () => clock.now });
    return { store, clock, stream, bytesOf: async (projectId) => Number(await admin.sendCommand(['MEMORY', 'USAGE', `${stream}:history:m:${projectId}`])) };
  },
};

let serial = 0;
/** Ids in the Redis stream format, increasing. */
const nextId = () => `${++serial}-0`;

const metrics = (store, time, cpu, memory, requests, projectId = 'api') =>
  store.record({ kind: 'metrics', projectId, time, cpu, memory, requests, uptime: `${requests}s` }, nextId());
const status = (store, time, newStatus, projectId = 'api') => {
  const id = nextId();
  return store.record({ kind: 'status', projectId, time, status: newStatus, at: new Date(time).toISOString() }, id).then(() => id);
};
const line = (store, time, message, level = 'info', projectId = 'api') => {
  const id = nextId();
  const at = new Date(time).toISOString();
  return store.record({ kind: 'line', projectId, time, line: JSON.stringify({ message, level, timestamp: at }), at }, id).then(() => id);
};
const messagesOf = (deployment) => deployment.lines.map((l) => JSON.parse(l.json).message);

for (const [kind, make] of Object.entries(kinds)) {
  describe(`the ${kind} history`, () => {
    test('roll-ups at bucket edges: a sample at a bucket’s first and last millisecond is in it, the next millisecond starts the next one; min, mean, max and the last requests', async () => {
      const { store } = await make();
      await metrics(store, T0, 10, 100, 1000);
      await metrics(store, T0 + MINUTE - 1, 20, 300, 1500);
      await metrics(store, T0 + MINUTE, 40, 200, 900);
      const now = T0 + 2 * MINUTE;
      const day = await store.query('api', '24h', now);
      assert.deepEqual(day, {
        projectId: 'api',
        range: '24h',
        step: MINUTE,
        from: now - 1439 * MINUTE,
        to: now,
        points: [
          { time: T0, cpu: { min: 10, mean: 15, max: 20 }, memory: { min: 100, mean: 200, max: 300 }, requests: 1500 },
          { time: T0 + MINUTE, cpu: { min: 40, mean: 40, max: 40 }, memory: { min: 200, mean: 200, max: 200 }, requests: 900 },
        ],
      });
      const week = await store.query('api', '7d', now);
      assert.equal(week.step, 10 * MINUTE);
      assert.deepEqual(week.points, [{ time: T0, cpu: { min: 10, mean: 23.33333, max: 40 }, memory: { min: 100, mean: 200, max: 300 }, requests: 900 }]);
      const month = await store.query('api', '30d', now);
      assert.equal(month.step, HOUR);
      assert.deepEqual(month.points.map((p) => [p.time, p.cpu.mean, p.requests]), [[T0, 23.33333, 900]]);
      // The last millisecond of the hour is still in it; the next one opens another bucket everywhere.
      await metrics(store, T0 + HOUR - 1, 100, 100, 5);
      await metrics(store, T0 + HOUR, 0, 0, 6);
      const later = await store.query('api', '30d', T0 + HOUR);
      assert.deepEqual(later.points.map((p) => [p.time, p.cpu.min, p.cpu.max, p.requests]), [[T0, 10, 100, 5], [T0 + HOUR, 0, 0, 6]]);
    });

    test('values read back as recorded (7 significant digits), means of many samples stay exact enough', async () => {
      const { store } = await make();
      for (let i = 0; i < 60; i++) await metrics(store, T0 + i * 1000, 33.3, 256.7, i);
      const [point] = (await store.query('api', '24h', T0 + MINUTE)).points;
      assert.deepEqual(point.cpu, { min: 33.3, mean: 33.3, max: 33.3 });
      assert.deepEqual(point.memory, { min: 256.7, mean: 256.7, max: 256.7 });
      assert.equal(point.requests, 59);
    });

    test('old buckets fall out as the clock passes 24 h, 7 d and 30 d; a project silent for 30 days is unknown', async () => {
      const { store, clock } = await make();
      await metrics(store, T0, 50, 500, 1);
      const times = async (range, now) => (await store.query('api', range, now)).points.map((p) => p.time);
      assert.deepEqual(await times('24h', T0 + DAY - 1), [T0]);
      assert.deepEqual(await times('24h', T0 + DAY), []);
      assert.deepEqual(await times('7d', T0 + DAY), [T0]);
      assert.deepEqual(await times('7d', T0 + 7 * DAY - 1), [T0]);
      assert.deepEqual(await times('7d', T0 + 7 * DAY), []);
      assert.deepEqual(await times('30d', T0 + 30 * DAY - 1), [T0]);
      assert.deepEqual(await times('30d', T0 + 30 * DAY), []);
      clock.now = T0 + 30 * DAY + 1;
      assert.equal(await store.query('api', '30d', clock.now), null);
      assert.deepEqual(await store.projects(10), []);
      assert.deepEqual(await store.kept(['api']), []);
    });

    test('a ring slot takes the new bucket a whole range later, and a late sample for a bucket already overwritten is ignored there', async () => {
      const { store } = await make();
      await metrics(store, T0, 10, 10, 1);
      await metrics(store, T0 + DAY, 20, 20, 2); // the same 1-minute slot, a day later
      const now = T0 + DAY;
      assert.deepEqual((await store.query('api', '24h', now)).points.map((p) => [p.time, p.cpu.mean]), [[T0 + DAY, 20]]);
      assert.deepEqual((await store.query('api', '7d', now)).points.map((p) => [p.time, p.cpu.mean]), [[T0, 10], [T0 + DAY, 20]]);
      await metrics(store, T0 + 30, 99, 99, 3); // late: its minute's slot already holds T0 + DAY
      assert.deepEqual((await store.query('api', '24h', now)).points.map((p) => [p.time, p.cpu.max]), [[T0 + DAY, 20]]);
      // …but the 10-minute and hour buckets of T0 still take it.
      assert.deepEqual((await store.query('api', '7d', now)).points.map((p) => [p.time, p.cpu.max]), [[T0, 99], [T0 + DAY, 20]]);
    });

    test('memory per project is fixed, whatever the send rate', async () => {
      const { store, bytesOf } = await make();
      await metrics(store, T0, 1, 1, 1, 'steady');
      const first = await bytesOf('steady');
      // 20,000 samples over 40 days: every slot of every ring written, many times.
      for (let i = 0; i < 20_000; i++) await metrics(store, T0 + i * 173_000, i % 100, i % 512, i, 'steady');
      const last = await bytesOf('steady');
      assert.equal(last, first);
      if (kind === 'memory') assert.equal(first, 126_720);
      else assert.ok(first >= 126_720 && first < 140_000, `${first} bytes in Redis`);
    });

    test('the last points, oldest first, each with its id; seeded ones have none', async () => {
      const { store } = await make({ points: 4 });
      await store.seed('api', [0, 1].map((i) => ({ time: T0 + i * MINUTE, cpu: i, memory: i, requests: i, uptime: `${i}m` })));
      const ids = [];
      for (let i = 2; i < 5; i++) {
        await metrics(store, T0 + i * MINUTE, i, i, i);
        ids.push(`${serial}-0`);
      }
      const [kept] = await store.kept(['api']);
      assert.deepEqual(
        kept.points.map(({ id, time, cpu, uptime }) => [id, time, cpu, uptime]),
        [[undefined, T0 + MINUTE, 1, '1m'], [ids[0], T0 + 2 * MINUTE, 2, '2s'], [ids[1], T0 + 3 * MINUTE, 3, '3s'], [ids[2], T0 + 4 * MINUTE, 4, '4s']],
      );
    });

    test('deployments: deploying opens one, lines go to it, running ends it succeeded, error failed, anything else stopped; a crash line after the end stays with it', async () => {
      const { store } = await make();
      const opened = await status(store, T0, 'deploying');
      await line(store, T0 + 1, 'Building image');
      const ended = await status(store, T0 + 2, 'running');
      await line(store, T0 + 3, 'Process crashed', 'error');
      const second = await status(store, T0 + 4, 'deploying');
      await line(store, T0 + 5, 'Pulling');
      await status(store, T0 + 6, 'error');
      const third = await status(store, T0 + 7, 'deploying');
      await status(store, T0 + 8, 'stopped');
      await status(store, T0 + 9, 'deploying');
      const [kept] = await store.kept(['api']);
      const summary = kept.deployments.map((d) => ({ id: d.id, startedAt: d.startedAt, endedAt: d.endedAt, outcome: d.outcome, dropped: d.dropped, messages: messagesOf(d) }));
      assert.deepEqual(summary, [
        { id: opened, startedAt: new Date(T0).toISOString(), endedAt: new Date(T0 + 2).toISOString(), outcome: 'succeeded', dropped: 0, messages: ['Building image', 'Process crashed'] },
        { id: second, startedAt: new Date(T0 + 4).toISOString(), endedAt: new Date(T0 + 6).toISOString(), outcome: 'failed', dropped: 0, messages: ['Pulling'] },
        { id: third, startedAt: new Date(T0 + 7).toISOString(), endedAt: new Date(T0 + 8).toISOString(), outcome: 'stopped', dropped: 0, messages: [] },
        { id: `${serial}-0`, startedAt: new Date(T0 + 9).toISOString(), endedAt: undefined, outcome: undefined, dropped: 0, messages: [] },
      ]);
      assert.equal(kept.deployments[0].endId, ended);
      const lineIds = kept.deployments[0].lines.map((l) => l.id);
      assert.deepEqual(lineIds.map((id) => JSON.parse(kept.deployments[0].lines.find((l) => l.id === id).json).id), lineIds, 'each line carries its id');
    });

    test('a line with no deployment yet opens one; deploying while one is open ends that one stopped', async () => {
      const { store } = await make();
      const first = await line(store, T0, 'Container started');
      await status(store, T0 + 1, 'deploying');
      const [kept] = await store.kept(['api']);
      assert.deepEqual(kept.deployments.map((d) => [d.id, d.outcome, messagesOf(d)]), [[first, 'stopped', ['Container started']], [`${serial}-0`, undefined, []]]);
    });

    test('bounds: the last N deployments, and per deployment the newest lines within the line and byte limits, the rest counted as dropped', async () => {
      const { store } = await make({ deployments: 2, lines: 5 });
      for (let d = 0; d < 4; d++) {
        await status(store, T0 + d, 'deploying');
        for (let i = 0; i < 8; i++) await line(store, T0 + d, `d${d} line ${i}`);
      }
      const [kept] = await store.kept(['api']);
      assert.equal(kept.deployments.length, 2);
      assert.deepEqual(kept.deployments.map((d) => [d.dropped, messagesOf(d)]), [
        [3, ['d2 line 3', 'd2 line 4', 'd2 line 5', 'd2 line 6', 'd2 line 7']],
        [3, ['d3 line 3', 'd3 line 4', 'd3 line 5', 'd3 line 6', 'd3 line 7']],
      ]);

      const small = (await make({ lineBytes: 300 })).store;
      await status(small, T0, 'deploying');
      for (let i = 0; i < 6; i++) await line(small, T0, `${'x'.repeat(60)} ${i}`);
      await line(small, T0, 'Deployment failed: exit code 1', 'error');
      const [bounded] = await small.kept(['api']);
      const [deployment] = bounded.deployments;
      const bytes = deployment.lines.reduce((sum, l) => sum + Buffer.byteLength(l.json), 0);
      assert.ok(bytes <= 300, `${bytes} bytes kept`);
      assert.equal(deployment.dropped + deployment.lines.length, 7);
      assert.ok(deployment.dropped >= 3);
      assert.equal(messagesOf(deployment).at(-1), 'Deployment failed: exit code 1', 'the newest line, the error, is kept');
    });

    test('seeding 30 days of samples fills every range; projects are listed most recent first; forget removes one', async () => {
      const { store, clock } = await make();
      const now = T0 + 30 * DAY;
      clock.now = now;
      const samples = [];
      for (let time = now - 30 * DAY + HOUR; time <= now; time += 10 * MINUTE) samples.push({ time, cpu: (time / MINUTE) % 100, memory: 300, requests: time / MINUTE });
      await store.seed('web', samples);
      assert.equal((await store.query('web', '30d', now)).points.length, 720);
      assert.equal((await store.query('web', '7d', now)).points.length, 1008);
      assert.equal((await store.query('web', '24h', now)).points.length, 144); // the window is 1,440 minutes ending with now's
      assert.equal((await store.kept(['web']))[0].points.length, 120);
      await metrics(store, now + 1, 1, 1, 1, 'api');
      assert.deepEqual(await store.projects(10), ['api', 'web']);
      assert.deepEqual(await store.projects(1), ['api']);
      await store.forget('web');
      assert.equal(await store.query('web', '24h', now), null);
      await assert.rejects(store.seed('web', [{ time: now, cpu: Number.NaN, memory: 1, requests: 1 }]), /samples\[0\]\.cpu must be a finite number/);
    });

    test('an unknown project: null from query, left out of kept; a bad range throws', async () => {
      const { store } = await make();
      assert.equal(await store.query('nobody', '24h', T0), null);
      assert.deepEqual(await store.kept(['nobody']), []);
      await assert.rejects(async () => store.query('api', '1y', T0), /range must be one of 24h, 7d, 30d/);
    });

    if (kind === 'redis') {
      test('in Redis: another instance on the same stream answers the same; every key expires by itself; a flushed script cache is reloaded', async () => {
        const { store, stream } = await make();
        await metrics(store, T0, 42, 420, 4200);
        await status(store, T0, 'deploying');
        await line(store, T0, 'Building image');
        const other = redisBus({ url: redis.url, stream, blockMs: 200 });
        await other.start(() => {}, quiet);
        closers.push(() => other.close());
        const elsewhere = other.history({ now: () => T0 });
        assert.deepEqual(await elsewhere.query('api', '24h', T0), await store.query('api', '24h', T0));
        assert.deepEqual(await elsewhere.kept(['api']), await store.kept(['api']));
        const keys = await admin.keys(`${stream}:history:*`);
        assert.ok(keys.length >= 5, keys.join(' '));
        for (const key of keys) {
          const ttl = await admin.pTTL(key);
          assert.ok(ttl > 30 * DAY && ttl <= 30 * DAY + HOUR, `${key}: ${ttl}`);
        }
        await admin.sendCommand(['SCRIPT', 'FLUSH']);
        await metrics(store, T0 + 1, 58, 580, 4300);
        assert.deepEqual((await store.query('api', '24h', T0 + 1)).points[0].cpu, { min: 42, mean: 50, max: 58 });
      });
    }
  });
}
