// The hub's history, end to end over real sockets, with both buses (the in-process one, and Redis
// Streams on a real redis-server, where a second hub instance on the same stream serves the
// clients): the `backfill` event after a snapshot, cut so that history and live lines have no
// duplicate and no gap; who sees what; the REST handler; what a resume within the window gets.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { createSseHub, memoryBus } from '../../dist/server/index.js';
import { redisBus } from '../../dist/server/redis.js';
import { startRedis } from '../../scripts/redis.mjs';
import { fetchOnce, sseClient, until } from './sse-client.mjs';

let redis;
let streams = 0;
const servers = [];
const clients = [];

before(async () => {
  redis = await startRedis();
});

after(async () => {
  await redis?.stop();
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const { server, hubs } of servers.splice(0)) {
    for (const hub of hubs) await hub.close({ reconnectWithinMs: 250 });
    server?.closeAllConnections();
    server?.close();
  }
});

const quiet = { warn() {} };

/** `authorize` from the URL: `?grant=a,b`, `?grant=*`, no grant → refused. */
const grantFromUrl = (req) => {
  const grant = new URL(req.url, 'http://x').searchParams.get('grant');
  if (grant === null) return null;
  return { projects: grant === '*' ? '*' : grant.split(',') };
};

const SNAPSHOT = { projects: [{ projectId: 'api', status: 'running' }, { projectId: 'web', status: 'running' }] };

/**
 * A sending hub and a serving hub on one bus: with Redis two instances on the same stream (the
 * clients are served by the one that never sends), in memory the same hub twice.
 */
const kinds = {
  memory: (options) => {
    const hub = createSseHub({ bus: memoryBus({ replayLimit: options.replayLimit ?? 1000 }), logger: quiet, ...options });
    return { sender: hub, server: hub, hubs: [hub] };
  },
  redis: (options) => {
    const stream = `hub-history-${++streams}`;
    const make = () => createSseHub({ bus: redisBus({ url: redis.url, stream, maxLen: options.replayLimit ?? 1000, blockMs: 200 }), logger: quiet, ...options });
    const sender = make();
    const server = make();
    return { sender, server, hubs: [sender, server] };
  },
};

/** Serves `/events` (the stream) and `…/projects/:id/metrics` (history) from `hub`; resolves with the port. */
async function serve(pair) {
  const { server: hub } = pair;
  const server = createServer((req, res) => {
    if (req.url.startsWith('/events')) return void hub.handle(req, res);
    return void hub.handleHistory(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push({ server, hubs: pair.hubs });
  // Both instances reading before anything is sent: the serving one delivers what follows.
  await pair.server.send('hello', {});
  return server.address().port;
}

function open(port, path, options) {
  const client = sseClient(port, path, options);
  clients.push(client);
  return client;
}


const progress = (projectId, message, level = 'info') => ['deployment_progress', { projectId, message, level }];
const statusChange = (projectId, oldStatus, newStatus) => ['container_status_changed', { projectId, oldStatus, newStatus }];
const backfills = (client) => client.messages.filter((m) => m.event === 'backfill').map((m) => JSON.parse(m.data));

for (const [kind, make] of Object.entries(kinds)) {
  describe(`history through the hub, ${kind} bus`, () => {
    test('a client connecting after a failed deployment gets the snapshot, then a backfill whose last deployment holds the error line', async () => {
      const pair = make({ authorize: grantFromUrl, snapshot: () => SNAPSHOT });
      const port = await serve(pair);
      const hub = pair.sender;
      const opened = await hub.send(...statusChange('api', 'running', 'deploying'));
      const ids = [];
      for (const message of ['Cloning repository', 'Building image']) ids.push(await hub.send(...progress('api', message)));
      ids.push(await hub.send(...progress('api', 'Build failed: exit code 1', 'error')));
      const ended = await hub.send(...statusChange('api', 'deploying', 'error'));
      await hub.send('metrics_updated', { projectId: 'api', cpu: 12.5, memory: 256, requests: 1200, uptime: '2h 15m' });
      await until(() => pair.server.lastEventId !== undefined && pair.server.stats.delivered >= 7, 'delivered to the serving instance');

      const client = open(port, '/events?grant=*');
      await until(() => client.messages.length >= 2, 'snapshot and backfill');
      const [snapshot, backfill] = client.messages;
      assert.equal(snapshot.event, 'snapshot');
      assert.equal(backfill.event, 'backfill');
      assert.equal(backfill.id, undefined, 'a backfill has no id: it is not a message of the stream');
      const data = JSON.parse(backfill.data);
      assert.equal(data.projectId, 'api');
      assert.deepEqual(data.metrics.map(({ cpu, memory, requests, uptime }) => ({ cpu, memory, requests, uptime })), [{ cpu: 12.5, memory: 256, requests: 1200, uptime: '2h 15m' }]);
      assert.equal(typeof data.metrics[0].time, 'number');
      const last = data.deployments.at(-1);
      assert.equal(last.id, opened);
      assert.equal(last.outcome, 'failed');
      assert.equal(typeof last.endedAt, 'string');
      assert.equal(last.dropped, 0);
      assert.deepEqual(last.lines.map((l) => l.id), ids);
      assert.deepEqual(last.lines.at(-1), { id: ids[2], message: 'Build failed: exit code 1', level: 'error', timestamp: last.lines.at(-1).timestamp, });
      assert.ok(!Number.isNaN(Date.parse(last.lines.at(-1).timestamp)));
      assert.ok(pair.server.stats.backfills >= 1);
      assert.equal(client.lastId, snapshot.id, 'the id the client resumes from is the snapshot’s');
      assert.ok(ended);
    });

    test('history and live lines: every client, whenever it connects, gets each line once, in order, none missing', async () => {
      // A snapshot that takes a moment, as a database call would: lines go on being sent meanwhile.
      const snapshot = () => new Promise((resolve) => setTimeout(() => resolve(SNAPSHOT), 3));
      const pair = make({ authorize: grantFromUrl, snapshot, snapshotReuseMs: 0 });
      const port = await serve(pair);
      const hub = pair.sender;
      await hub.send(...statusChange('api', 'running', 'deploying'));
      const sent = [];
      const watchers = [];
      for (let i = 0; i < 300; i++) {
        sent.push(await hub.send(...progress('api', `line ${i}`)));
        if (i % 30 === 10) watchers.push(open(port, '/events?grant=api'));
        // Let connections and deliveries interleave with the sending.
        if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      const lastId = sent.at(-1);
      for (const [n, client] of watchers.entries()) {
        await until(() => client.messages.some((m) => m.id === lastId), `client ${n} got the last line`);
        const history = backfills(client).flatMap((b) => b.deployments.at(-1)?.lines.map((l) => l.id) ?? []);
        const live = client.messages.filter((m) => m.event === 'deployment_progress').map((m) => m.id);
        const seen = [...history, ...live];
        assert.deepEqual(seen, sent, `client ${n}: ${history.length} from history, ${live.length} live`);
      }
      assert.ok(watchers.some((client) => backfills(client)[0]?.deployments.at(-1)?.lines.length > 0), 'some clients had lines from history');
    });

    test('a scoped viewer never gets another project’s backfill or history (REST: 404, as for an unknown project)', async () => {
      const pair = make({ authorize: grantFromUrl, snapshot: () => SNAPSHOT });
      const port = await serve(pair);
      const hub = pair.sender;
      for (const projectId of ['api', 'web']) {
        await hub.send(...progress(projectId, `${projectId} secret line`));
        await hub.send('metrics_updated', { projectId, cpu: 1, memory: 2, requests: 3, uptime: '1m' });
      }
      await until(() => pair.server.stats.delivered >= 5, 'delivered');
      const scoped = open(port, '/events?grant=api');
      const narrowed = open(port, '/events?grant=api,web&projects=web');
      const everyone = open(port, '/events?grant=*');
      await until(() => backfills(everyone).length === 2, 'the unscoped viewer gets both');
      await until(() => backfills(scoped).length === 1 && backfills(narrowed).length === 1, 'one each');
      await hub.send(...progress('api', 'after'));
      await until(() => scoped.messages.some((m) => m.event === 'deployment_progress'), 'live after the backfill');
      assert.deepEqual(backfills(scoped).map((b) => b.projectId), ['api']);
      assert.deepEqual(backfills(narrowed).map((b) => b.projectId), ['web']);
      assert.ok(!scoped.messages.some((m) => m.data.includes('web secret')), 'nothing of web reaches the api viewer');
      assert.ok(!narrowed.messages.some((m) => m.data.includes('api secret')));

      const own = await fetchOnce(port, '/api/projects/api/metrics?range=24h&grant=api');
      assert.equal(own.status, 200);
      assert.equal(own.json.projectId, 'api');
      assert.equal(own.json.points.length, 1);
      const other = await fetchOnce(port, '/api/projects/web/metrics?range=24h&grant=api');
      const unknown = await fetchOnce(port, '/api/projects/nobody/metrics?range=24h&grant=*');
      assert.equal(other.status, 404);
      assert.equal(unknown.status, 404);
      assert.match(other.json.error, /No metrics history for project "web"/);
      assert.equal((await fetchOnce(port, '/api/projects/web/metrics?range=24h&grant=api,web&projects=api')).status, 404, '?projects= narrows the REST answer too');
      const points = async (hub) => (await hub.history('web', '24h')).points;
      assert.deepEqual(await points(pair.server), await points(pair.sender), 'every instance answers the same');
    });

    test('a resume within the replay window gets no backfill; past it (an id the bus does not hold), snapshot then backfill', async () => {
      const pair = make({ authorize: grantFromUrl, snapshot: () => SNAPSHOT, replayLimit: 50 });
      const port = await serve(pair);
      const hub = pair.sender;
      await hub.send(...progress('api', 'first'));
      const client = open(port, '/events?grant=api');
      await until(() => backfills(client).length === 1, 'backfill at connect');
      await hub.send(...progress('api', 'second'));
      await until(() => client.messages.some((m) => m.event === 'deployment_progress'), 'live line');
      client.close();
      await hub.send(...progress('api', 'missed'));
      const before = pair.server.stats.backfills;
      client.reconnect(port);
      await until(() => client.messages.filter((m) => m.event === 'deployment_progress').length === 2, 'the missed line');
      await hub.send(...progress('api', 'live again'));
      await until(() => client.messages.filter((m) => m.event === 'deployment_progress').length === 3, 'live again');
      assert.equal(backfills(client).length, 1, 'no second backfill');
      assert.equal(pair.server.stats.backfills, before);
      assert.equal(pair.server.stats.resumed, 1);

      const lost = open(port, '/events?grant=api', { lastId: kind === 'redis' ? '1-0' : 'not-an-id' });
      await until(() => lost.messages.filter((m) => m.event === 'deployment_progress').length + (backfills(lost)[0]?.deployments[0].lines.length ?? 0) === 4, 'every line');
      assert.deepEqual(lost.messages.slice(0, 2).map((m) => m.event), ['snapshot', 'backfill']);
      // The backfill stands as of the snapshot's id (a snapshot may be shared for a second); the rest follows.
      const history = JSON.parse(lost.messages[1].data).deployments.at(-1).lines.map((l) => l.message);
      const live = lost.messages.filter((m) => m.event === 'deployment_progress').map((m) => JSON.parse(m.data).message);
      assert.deepEqual([...history, ...live], ['first', 'second', 'missed', 'live again']);
      assert.ok(history.length >= 1);
    });
  });
}

describe('history through the hub', () => {
  test('the REST handler: 200 JSON with no-store, 400 for a bad or missing range, 404 unknown, 401 refused, 500 when authorize throws, 405, HEAD, CORS', async () => {
    let mode = 'ok';
    const pair = kinds.memory({
      authorize: (req) => {
        if (mode === 'throw') throw new Error('token store down');
        return grantFromUrl(req);
      },
      cors: { origins: ['https://panel.example.com'] },
    });
    const port = await serve(pair);
    const hub = pair.sender;
    await hub.send('metrics_updated', { projectId: 'api', cpu: 50, memory: 512, requests: 10, uptime: '1m' });
    const ok = await fetchOnce(port, '/api/projects/api/metrics?range=7d&grant=*');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(ok.headers['cache-control'], 'no-store');
    assert.deepEqual(Object.keys(ok.json), ['projectId', 'range', 'step', 'from', 'to', 'points']);
    assert.equal(ok.json.range, '7d');
    assert.equal(ok.json.step, 600_000);
    assert.deepEqual(ok.json.points[0].cpu, { min: 50, mean: 50, max: 50 });
    assert.equal(ok.json.points[0].time % 600_000, 0, 'a bucket’s start');
    assert.ok(ok.json.from <= ok.json.points[0].time && ok.json.points[0].time <= ok.json.to);

    const bad = await fetchOnce(port, '/api/projects/api/metrics?range=1y&grant=*');
    assert.equal(bad.status, 400);
    assert.match(bad.json.error, /range must be one of 24h, 7d, 30d, not "1y"/);
    assert.equal((await fetchOnce(port, '/api/projects/api/metrics?grant=*')).status, 400);
    assert.equal((await fetchOnce(port, '/api/projects/nobody/metrics?range=24h&grant=*')).status, 404);
    const refused = await fetchOnce(port, '/api/projects/api/metrics?range=24h');
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.json, { error: 'Unauthorized' });
    assert.equal((await fetchOnce(port, '/api/projects/api/metrics?range=24h&grant=*', { method: 'POST' })).status, 405);
    const head = await fetchOnce(port, '/api/projects/api/metrics?range=24h&grant=*', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    const cross = await fetchOnce(port, '/api/projects/api/metrics?range=24h&grant=*', { headers: { origin: 'https://panel.example.com' } });
    assert.equal(cross.headers['access-control-allow-origin'], 'https://panel.example.com');
    assert.equal((await fetchOnce(port, '/api/projects/api/metrics?range=24h&grant=*', { headers: { origin: 'https://evil.example' } })).status, 403);
    const preflight = await fetchOnce(port, '/api/projects/api/metrics', { method: 'OPTIONS', headers: { origin: 'https://panel.example.com', 'access-control-request-method': 'GET' } });
    assert.equal(preflight.status, 204);
    mode = 'throw';
    const failed = await fetchOnce(port, '/api/projects/api/metrics?range=24h&grant=*');
    assert.equal(failed.status, 500);
    assert.deepEqual(failed.json, { error: 'Authorization failed' });
    const direct = await hub.history('api', '7d');
    assert.deepEqual({ ...direct, to: 0, from: 0 }, { ...ok.json, to: 0, from: 0 }, 'the handler answers what history() does');
    await assert.rejects(hub.history('api', '1y'), TypeError);
  });

  test('with no snapshot function, a client gets the backfill at connect and then live messages; stats count backfills', async () => {
    const pair = kinds.memory({ authorize: grantFromUrl });
    const port = await serve(pair);
    const hub = pair.sender;
    await hub.send(...progress('api', 'before'));
    const client = open(port, '/events?grant=api');
    await until(() => client.messages.length >= 1, 'backfill');
    await hub.send(...progress('api', 'after'));
    await until(() => client.messages.length >= 2, 'live');
    assert.deepEqual(client.messages.map((m) => m.event), ['backfill', 'deployment_progress']);
    assert.deepEqual(backfills(client)[0].deployments[0].lines.map((l) => l.message), ['before']);
    assert.equal(JSON.parse(client.messages[1].data).message, 'after');
    assert.equal(hub.stats.backfills, 1);
  });

  test('history: false keeps nothing: no backfill, history() is null, the REST handler 404', async () => {
    const pair = kinds.memory({ authorize: grantFromUrl, snapshot: () => SNAPSHOT, history: false });
    const port = await serve(pair);
    const hub = pair.sender;
    await hub.send(...progress('api', 'line'));
    await hub.send('metrics_updated', { projectId: 'api', cpu: 1, memory: 1, requests: 1, uptime: '' });
    const client = open(port, '/events?grant=*');
    await until(() => client.messages.length >= 1, 'snapshot');
    await hub.send(...progress('api', 'live'));
    await until(() => client.messages.some((m) => m.event === 'deployment_progress'), 'live');
    assert.deepEqual(client.messages.map((m) => m.event), ['snapshot', 'deployment_progress']);
    assert.equal(await hub.history('api', '24h'), null);
    assert.equal((await fetchOnce(port, '/api/projects/api/metrics?range=24h&grant=*')).status, 404);
    await assert.rejects(hub.seedHistory('api', []), /keeps no history/);
  });

  test('seedHistory puts samples of the past into the roll-ups and the last points, on an injected clock', async () => {
    const now = Date.UTC(2025, 5, 1);
    const hub = createSseHub({ history: { now: () => now, points: 10 }, logger: quiet });
    servers.push({ hubs: [hub] });
    const samples = Array.from({ length: 30 * 24 }, (_, h) => ({ time: now - (30 * 24 - 1 - h) * 3_600_000, cpu: h % 24, memory: 100 + h, requests: h, uptime: `${h}h` }));
    await hub.seedHistory('api', samples);
    const month = await hub.history('api', '30d');
    assert.equal(month.points.length, 720);
    assert.deepEqual(month.points.at(-1), { time: now, cpu: { min: 23, mean: 23, max: 23 }, memory: { min: 819, mean: 819, max: 819 }, requests: 719 });
    assert.equal((await hub.history('api', '24h')).points.length, 24);
    await assert.rejects(hub.seedHistory('api', [{ time: now, cpu: 'high', memory: 1, requests: 1 }]), TypeError);
    await hub.forgetHistory('api');
    assert.equal(await hub.history('api', '30d'), null);
  });
});
