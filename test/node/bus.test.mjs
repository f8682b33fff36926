// The bus contract, run against both buses: the in-process one and Redis Streams (a real
// redis-server). Neither may drift from the other: the hub relies on exactly this.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { createSseHub, memoryBus } from '../../dist/server/index.js';
import { redisBus } from '../../dist/server/redis.js';
import { startRedis } from '../../scripts/redis.mjs';
import { sseClient, until } from './sse-client.mjs';

let redis;
let streams = 0;
const closers = [];

before(async () => {
  redis = await startRedis();
});

after(async () => {
  for (const close of closers.reverse()) await close();
  await redis?.stop();
});

const quiet = { warn() {} };

const kinds = {
  memory: ({ keep = 1000 } = {}) => memoryBus({ replayLimit: keep, instanceId: `m${++streams}` }),
  redis: ({ keep = 1000 } = {}) => redisBus({ url: redis.url, stream: `bus-${++streams}`, maxLen: keep, blockMs: 500 }),
};

for (const [kind, make] of Object.entries(kinds)) {
  describe(`the ${kind} bus`, () => {
    /** A started bus and the messages it delivered. */
    async function started(options) {
      const bus = make(options);
      const delivered = [];
      const startId = await bus.start((message) => delivered.push(message), quiet);
      closers.push(() => bus.close());
      return { bus, delivered, startId };
    }

    test('publish resolves with ids in order, and every message is delivered once, in order, with its fields', async () => {
      const { bus, delivered } = await started();
      const ids = [];
      for (let n = 0; n < 5; n++) ids.push(await bus.publish('deployment_progress', JSON.stringify({ n }), n % 2 ? 'p1' : undefined));
      await until(() => delivered.length === 5, 'delivered');
      assert.deepEqual(delivered.map((m) => m.id), ids);
      assert.deepEqual(delivered.map((m) => JSON.parse(m.data).n), [0, 1, 2, 3, 4]);
      assert.deepEqual(delivered.map((m) => m.projectId), [undefined, 'p1', undefined, 'p1', undefined]);
      assert.equal(delivered[0].event, 'deployment_progress');
      for (let i = 1; i < ids.length; i++) {
        assert.ok(bus.compare(ids[i - 1], ids[i]) < 0, 'compare orders ids');
        assert.ok(bus.compare(ids[i], ids[i - 1]) > 0);
      }
      assert.equal(bus.compare(ids[2], ids[2]), 0);
      assert.equal(bus.status.kind, kind);
      assert.equal(bus.status.state, 'up');
      assert.equal(bus.status.lastId, ids.at(-1));
    });

    test('read gives exactly the messages after an id, in batches; from the start id, everything', async () => {
      const { bus, delivered, startId } = await started();
      const ids = [];
      for (let n = 0; n < 12; n++) ids.push(await bus.publish('x', String(n), undefined));
      assert.deepEqual((await bus.read(ids[3], 100)).map((m) => m.id), ids.slice(4));
      assert.deepEqual((await bus.read(ids[3], 5)).map((m) => m.id), ids.slice(4, 9));
      assert.deepEqual(await bus.read(ids.at(-1), 100), []);
      assert.deepEqual((await bus.read(startId, 100)).map((m) => m.data), ids.map((_, n) => String(n)));
      await until(() => delivered.length === 12, 'delivered');
    });

    test('read answers null for an id it cannot serve: trimmed away, never issued, or not an id at all', async () => {
      const { bus } = await started({ keep: 5 });
      const first = await bus.publish('x', '0', undefined);
      for (let n = 1; n < 300; n++) await bus.publish('x', String(n), undefined);
      assert.equal(await bus.read(first, 10), null, 'trimmed');
      assert.equal(await bus.read('garbage', 10), null);
      assert.equal(await bus.read('99999999999999-0', 10), null, 'never issued');
      assert.equal(await bus.read('m0-5', 10), null, "another bus's id");
    });

    test('a hub on it: resume replays exactly what the viewer missed and may see; an id it cannot serve gets a snapshot', async () => {
      const hub = createSseHub({
        bus: make(),
        authorize: (req) => ({ projects: new URL(req.url, 'http://x').searchParams.get('grant').split(',') }),
        snapshot: () => ({ projects: [{ projectId: 'a', status: 'running' }, { projectId: 'b', status: 'error' }] }),
        snapshotOnConnect: false,
        logger: quiet,
      });
      const server = createServer((req, res) => hub.handle(req, res)).listen(0, '127.0.0.1');
      await once(server, 'listening');
      closers.push(async () => {
        await hub.close();
        server.closeAllConnections();
        server.close();
      });
      const { port } = server.address();
      const client = sseClient(port, '/events?grant=a');
      await until(() => client.connected, 'connected');
      const first = await hub.send('deployment_progress', { projectId: 'a', message: 'a1', level: 'info' });
      await until(() => client.messages.length === 1, 'first');
      client.close();
      for (const [projectId, message] of [['b', 'b1'], ['a', 'a2'], ['b', 'b2'], ['a', 'a3']]) await hub.send('deployment_progress', { projectId, message, level: 'info' });
      client.reconnect(port);
      await until(() => client.messages.length === 3, 'the replay');
      assert.equal(client.lastId !== first, true);
      assert.deepEqual(client.messages.map((m) => JSON.parse(m.data).message), ['a1', 'a2', 'a3']);
      assert.equal(hub.stats.resumed, 1);
      client.close();

      const lost = sseClient(port, '/events?grant=b', { lastId: 'not-an-id' });
      // The snapshot, then the history of the projects it may see (`backfill`).
      await until(() => lost.messages.length >= 1, 'snapshot');
      assert.equal(lost.messages[0].event, 'snapshot');
      assert.deepEqual(JSON.parse(lost.messages[0].data), { projects: [{ projectId: 'b', status: 'error' }] });
      for (const message of lost.messages.slice(1)) {
        assert.equal(message.event, 'backfill');
        assert.equal(JSON.parse(message.data).projectId, 'b', 'only the history this viewer may see');
      }
      lost.close();
    });

    test('after close, publish rejects', async () => {
      const { bus } = await started();
      await bus.close();
      await assert.rejects(bus.publish('x', '1', undefined), /closed/);
      assert.equal(bus.status.state, 'closed');
    });
  });
}
