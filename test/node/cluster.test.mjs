// Several hub instances, each in a process of its own, on one real redis-server: fan-out across
// instances, resume on another instance, Redis going away under open streams, a slow client on one
// instance, and a randomized check that no client ever receives another's messages.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startRedis } from '../../scripts/redis.mjs';
import { sseClient, until } from './sse-client.mjs';
import { forkInstance } from './fixtures/fork-instance.mjs';

const INSTANCE = fileURLToPath(new URL('./fixtures/hub-instance.mjs', import.meta.url));

let redis;
const children = new Set();
const clients = new Set();
let streams = 0;

before(async () => {
  redis = await startRedis();
});

after(async () => {
  for (const client of clients) client.close();
  for (const child of children) child.kill('SIGKILL');
  await redis?.stop();
});

/** Starts a hub instance process on its own stream key (one per test, so tests do not see each other). */
async function instance(stream, options = {}) {
  const { child, ready: port, call } = await forkInstance(INSTANCE, { REDIS_URL: redis.url, REDIS_STREAM: stream, HUB_OPTIONS: JSON.stringify(options) }, children);
  return {
    child,
    port,
    send: (event, data) => call({ send: [event, data] }),
    sendMany: (list) => call({ sendMany: list }),
    stats: () => call({ stats: true }),
    kill: () => child.kill('SIGKILL'),
  };
}

function open(port, path, options) {
  const client = sseClient(port, path, options);
  clients.add(client);
  return client;
}

const line = (projectId, n) => ['deployment_progress', { projectId, message: `line ${n}`, level: 'info' }];
const numbers = (client) => client.messages.map((m) => Number(JSON.parse(m.data).message.slice(5)));

describe('hub instances on one Redis stream', () => {
  test('a message sent on one instance reaches the clients of every instance, filtered by their grants, with the same id', async () => {
    const stream = `fanout-${++streams}`;
    const [a, b] = await Promise.all([instance(stream), instance(stream)]);
    const onA = open(a.port, '/events?grant=p1');
    const onB = open(b.port, '/events?grant=p1,p2');
    const everyone = open(b.port, '/events');
    await until(() => onA.connected && onB.connected && everyone.connected, 'connected');
    const ids = [];
    ids.push(await a.send(...line('p1', 1)));
    ids.push(await b.send(...line('p2', 2)));
    ids.push(await a.send(...line('p3', 3)));
    await until(() => everyone.messages.length === 3, 'all three');
    await until(() => onB.messages.length === 2, 'p1 and p2');
    assert.deepEqual(everyone.messages.map((m) => m.id), ids);
    assert.match(ids[0], /^\d+-\d+$/, 'the SSE id is the stream entry id');
    assert.deepEqual(numbers(onB), [1, 2]);
    assert.deepEqual(onB.messages.map((m) => m.id), [ids[0], ids[1]]);
    // Nothing else arrives for the p1-only viewer.
    await b.send(...line('p1', 4));
    await until(() => onA.messages.length === 2, 'the next p1 line');
    assert.deepEqual(numbers(onA), [1, 4]);
  });

  test('a client that drops from one instance and resumes on another gets exactly what it missed, in order, then live', async () => {
    const stream = `resume-${++streams}`;
    const [a, b] = await Promise.all([instance(stream), instance(stream)]);
    const client = open(a.port, '/events?grant=p1');
    await until(() => client.connected, 'connected');
    for (let n = 1; n <= 3; n++) await a.send(...line('p1', n));
    await until(() => client.messages.length === 3, 'first three');
    client.close();
    // Missed while away: more than one catch-up batch (500), mixed with other projects.
    const missed = [];
    for (let n = 4; n <= 1303; n += 100) {
      missed.push(b.sendMany(Array.from({ length: 100 }, (_, i) => line(i % 3 === 0 ? 'p2' : 'p1', n + i))));
    }
    await Promise.all(missed);
    client.reconnect(b.port);
    // Live messages keep coming while it catches up.
    const live = (async () => {
      for (let n = 1304; n <= 1403; n++) await a.send(...line('p1', n));
    })();
    await live;
    const expected = Array.from({ length: 1403 }, (_, i) => i + 1).filter((n) => n <= 3 || n > 1303 || (n - 4) % 100 % 3 !== 0);
    await until(() => client.messages.length >= expected.length, () => `${client.messages.length} of ${expected.length}`, 15000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(numbers(client), expected, 'no gap, no duplicate, in order');
    const ids = client.messages.map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length);
    const stats = await b.stats();
    assert.equal(stats.resumed, 1);
  });

  test('an id trimmed out of the stream, or unknown, gets a snapshot on any instance', async () => {
    const stream = `trim-${++streams}`;
    const [a, b] = await Promise.all([instance(stream, { maxLen: 10, snapshot: true }), instance(stream, { maxLen: 10, snapshot: true })]);
    const first = await a.send(...line('p1', 1));
    for (let n = 2; n <= 400; n += 50) await a.sendMany(Array.from({ length: 50 }, (_, i) => line('p1', n + i)));
    for (const id of [first, '1-0', 'garbage']) {
      const client = open(b.port, '/events?grant=p1', { lastId: id });
      await until(() => client.messages.length >= 1, `snapshot for ${id}`);
      assert.equal(client.messages[0].event, 'snapshot');
      assert.deepEqual(JSON.parse(client.messages[0].data), { projects: [{ projectId: 'p1', status: 'running' }] }, 'filtered to the grant');
      client.close();
    }
  });

  test('Redis going away: streams stay open with heartbeats, send rejects clearly, and after Redis is back nothing is lost or repeated', async () => {
    const stream = `outage-${++streams}`;
    const [a, b] = await Promise.all([instance(stream, { heartbeatMs: 100 }), instance(stream, { heartbeatMs: 100 })]);
    const onA = open(a.port, '/events');
    const onB = open(b.port, '/events');
    await until(() => onA.connected && onB.connected, 'connected');
    await a.send(...line('p1', 1));
    await until(() => onB.messages.length === 1, 'before the outage');
    await redis.stop();
    await assert.rejects(a.send(...line('p1', 2)), /Redis at redis:\/\/127\.0\.0\.1:\d+ did not take the message .*retry later/);
    const beats = onA.comments;
    await until(() => onA.comments >= beats + 3, 'heartbeats during the outage');
    assert.equal(onA.ended || onB.ended, false, 'streams stay open');
    const down = await a.stats();
    assert.equal(down.bus.state, 'down');
    await redis.restart();
    // Sends succeed again once each instance has reconnected (each on its own backoff): the
    // caller retries, as the error says.
    const sendWhenBack = async (instance, n) => {
      for (let tries = 0; ; tries++) {
        try {
          return await instance.send(...line('p1', n));
        } catch (error) {
          if (tries >= 100) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    };
    await sendWhenBack(b, 3);
    await sendWhenBack(a, 4);
    await until(() => onA.messages.length === 3 && onB.messages.length === 3, () => `A ${numbers(onA)} B ${numbers(onB)}`, 10000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(numbers(onA), [1, 3, 4]);
    assert.deepEqual(numbers(onB), [1, 3, 4]);
    const stats = await a.stats();
    assert.equal(stats.bus.state, 'up');
    assert.equal(stats.bus.outages, 1);
    const outageWarnings = stats.warnings.filter((w) => /unreachable/.test(w));
    assert.equal(outageWarnings.length, 1, `one warning per outage, not a flood: ${stats.warnings.join('\n')}`);
  });

  test('a client that stops reading on one instance is dropped there and slows no one else', async () => {
    const stream = `slow-${++streams}`;
    const [a, b] = await Promise.all([
      instance(stream, { maxBufferedBytes: 64 * 1024, slowClientMs: 500 }),
      instance(stream, { maxBufferedBytes: 64 * 1024, slowClientMs: 500 }),
    ]);
    const stalled = open(a.port, '/events');
    const fastA = open(a.port, '/events');
    const fastB = open(b.port, '/events');
    await until(() => stalled.connected && fastA.connected && fastB.connected, 'connected');
    stalled.res.pause();
    stalled.res.socket.pause();
    const payload = 'x'.repeat(8 * 1024);
    let sent = 0;
    while ((await a.stats()).dropped === 0 && sent < 3000) {
      await b.sendMany(Array.from({ length: 20 }, (_, i) => ['bulk', { n: sent + i, payload }]));
      sent += 20;
    }
    const stats = await a.stats();
    assert.equal(stats.dropped, 1, `the stalled client was dropped after ${sent} messages`);
    assert.equal(stats.clients, 1);
    const got = (client) => client.messages.map((m) => JSON.parse(m.data).n);
    const all = Array.from({ length: sent }, (_, i) => i);
    await until(() => fastA.messages.length >= sent && fastB.messages.length >= sent, () => `fast clients: ${fastA.messages.length}, ${fastB.messages.length} of ${sent}`, 15000);
    assert.deepEqual(got(fastA), all);
    assert.deepEqual(got(fastB), all);
    assert.equal((await b.stats()).dropped, 0);
  });

  test('randomized: 500 clients with random grants on three instances, 10,000 messages, drops and resumes: each gets exactly what it may see', async () => {
    const stream = `random-${++streams}`;
    const projects = Array.from({ length: 40 }, (_, i) => `tenant-${i}`);
    // Every client gets a snapshot on connect (filtered, and carrying an id to resume from).
    const options = { snapshot: projects, snapshotOnConnect: true };
    const instances = await Promise.all([instance(stream, options), instance(stream, options), instance(stream, options)]);
    let seed = 20261205;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = (list) => list[Math.floor(random() * list.length)];
    const viewers = Array.from({ length: 500 }, () => {
      const grant = random() < 0.05 ? '*' : projects.filter(() => random() < 0.08);
      const narrowed = grant !== '*' && grant.length > 1 && random() < 0.2 ? grant.slice(0, 1) : null;
      // A viewer asking for a project outside its grant must not get it.
      const asked = narrowed ? [...narrowed, pick(projects)] : null;
      const query = `grant=${grant === '*' ? '*' : grant.join(',') || 'nothing'}${asked ? `&projects=${asked.join(',')}` : ''}`;
      const sees = new Set((asked ?? projects).filter((id) => grant === '*' || grant.includes(id)));
      return { client: open(pick(instances).port, `/events?${query}`), sees };
    });
    await until(() => viewers.every((v) => v.client.messages.length === 1), 'all connected, each with its snapshot', 20000);
    for (const viewer of viewers) {
      const listed = JSON.parse(viewer.client.messages[0].data).projects.map((p) => p.projectId);
      assert.deepEqual(listed, projects.filter((id) => viewer.sees.has(id)), 'the snapshot lists only what the viewer may see');
    }
    const sentTo = [];
    for (let batch = 0; batch < 50; batch++) {
      const list = Array.from({ length: 200 }, (_, i) => {
        const n = batch * 200 + i;
        const projectId = pick(projects);
        sentTo[n] = projectId;
        return line(projectId, n);
      });
      // Spread the sends over the instances, and drop and resume some clients on another one.
      await Promise.all([0, 1, 2].map((k) => instances[k].sendMany(list.filter((_, i) => i % 3 === k))));
      for (let d = 0; d < 10; d++) {
        const viewer = pick(viewers);
        viewer.client.reconnect(pick(instances).port);
      }
    }
    const expected = viewers.map((v) => sentTo.filter((projectId) => v.sees.has(projectId)).length);
    const lines = (viewer) => viewer.client.messages.filter((m) => m.event === 'deployment_progress');
    await until(
      () => viewers.every((v, i) => lines(v).length >= expected[i]),
      () => `${viewers.filter((v, i) => lines(v).length < expected[i]).length} clients still behind`,
      30000,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    let leaks = 0;
    let duplicates = 0;
    let missing = 0;
    viewers.forEach((viewer, i) => {
      const got = lines(viewer).map((m) => JSON.parse(m.data));
      leaks += got.filter((data) => !viewer.sees.has(data.projectId)).length;
      const seen = lines(viewer).map((m) => m.id);
      duplicates += seen.length - new Set(seen).size;
      missing += Math.max(0, expected[i] - new Set(seen).size);
    });
    assert.deepEqual({ leaks, duplicates, missing }, { leaks: 0, duplicates: 0, missing: 0 });
    // Sent in batches from three instances: each client's messages arrive in stream order.
    for (const viewer of viewers) {
      const ids = lines(viewer).map((m) => m.id.split('-').map(Number));
      for (let i = 1; i < ids.length; i++) assert.ok(ids[i][0] > ids[i - 1][0] || (ids[i][0] === ids[i - 1][0] && ids[i][1] > ids[i - 1][1]), 'in order');
    }
  });
});
