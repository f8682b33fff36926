// Webhooks on the Redis bus: hub instances in processes of their own on a private redis-server,
// deliveries through a consumer group. Each event is delivered by one instance; one killed
// mid-delivery has its events taken over by another, with their attempt counts.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { startRedis } from '../../scripts/redis.mjs';
import { createSseHub, createWebhooks, generateWebhookSecret } from '../../dist/server/index.js';
import { redisBus } from '../../dist/server/redis.js';
import { startReceiver } from './fixtures/webhook-receiver.mjs';
import { until } from './sse-client.mjs';
import { forkInstance } from './fixtures/fork-instance.mjs';

const INSTANCE = fileURLToPath(new URL('./fixtures/webhook-instance.mjs', import.meta.url));
const SECRET = generateWebhookSecret();
const CLAIM_IDLE_MS = 1000;

let redis;
let client;
const children = new Set();
const receivers = new Set();
let streams = 0;

before(async () => {
  redis = await startRedis();
  client = createClient({ url: redis.url });
  await client.connect();
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const receiver of receivers) await receiver.close();
  client?.destroy();
  await redis?.stop();
});

async function receiver(respond) {
  const r = await startReceiver(SECRET, respond);
  receivers.add(r);
  return r;
}

/** A hub with webhooks in a process of its own, named `name` (its requests carry `x-instance`). */
async function instance(name, stream, options) {
  const { child, ready: consumer, call } = await forkInstance(
    INSTANCE,
    { REDIS_URL: redis.url, REDIS_STREAM: stream, WEBHOOK_OPTIONS: JSON.stringify({ name, claimIdleMs: CLAIM_IDLE_MS, ...options }) },
    children,
    `instance ${name}`,
  );
  return {
    name,
    consumer,
    send: (event, data) => call({ send: [event, data] }),
    stats: () => call({ stats: true }),
    deliveries: () => call({ deliveries: true }),
    close: () => call({ close: true }),
    kill: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

const down = (projectId) => ['container_status_changed', { projectId, oldStatus: 'running', newStatus: 'error' }];
const metrics = (projectId) => ['metrics_updated', { projectId, cpu: 5, memory: 64, requests: 1, uptime: '1m' }];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What is left in Redis: bus messages not yet sorted, outbox entries not yet done. */
async function leftovers(stream) {
  const [busPending] = await client.sendCommand(['XPENDING', stream, 'live-elements-webhooks']);
  const outbox = await client.sendCommand(['XLEN', `${stream}:webhooks:outbox`]);
  const jobs = await client.sendCommand(['KEYS', `${stream}:webhooks:job:*`]);
  return { busPending: Number(busPending), outbox: Number(outbox), jobs: jobs.length };
}

describe('webhooks on the Redis bus', () => {
  test('each event is delivered once across two instances, whichever sent it', async (t) => {
    const stream = `once-${++streams}`;
    const r = await receiver();
    const options = { endpoints: [{ url: r.url, secret: SECRET, id: 'ops' }] };
    const [a, b] = await Promise.all([instance('a', stream, options), instance('b', stream, options)]);
    const ids = [];
    for (let i = 0; i < 40; i++) {
      const sender = i % 2 ? a : b;
      await sender.send(...metrics(`p${i}`));
      ids.push(await sender.send(...down(`p${i}`)));
    }
    await until(() => r.ids().size === 40, () => `${r.ids().size} of 40`, 10_000);
    await sleep(300);
    assert.equal(r.requests.length, 40, 'no event twice');
    assert.deepEqual([...r.ids()].sort(), [...ids].sort());
    assert.ok(r.requests.every((request) => request.verified));
    const [statsA, statsB] = await Promise.all([a.stats(), b.stats()]);
    assert.equal(statsA.delivered + statsB.delivered, 40);
    const byInstance = { a: 0, b: 0 };
    for (const request of r.requests) byInstance[request.headers['x-instance']] += 1;
    assert.deepEqual(byInstance, { a: statsA.delivered, b: statsB.delivered });
    t.diagnostic(`delivered by a: ${byInstance.a}, by b: ${byInstance.b}`);
    // Everything sorted and done: nothing pending, the outbox empty.
    assert.deepEqual(await leftovers(stream), { busPending: 0, outbox: 0, jobs: 0 });
    await Promise.all([a.close(), b.close()]);
  });

  test('an instance killed mid-delivery has its events taken over by another, then delivered, once more only', async (t) => {
    const stream = `takeover-${++streams}`;
    // The first instance's requests never get an answer; the second's do.
    const r = await receiver((request) => (request.headers['x-instance'] === 'a' ? { hang: true } : { status: 200 }));
    const options = { endpoints: [{ url: r.url, secret: SECRET, id: 'ops' }], timeoutMs: 60_000, concurrency: 10 };
    const a = await instance('a', stream, options);
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await a.send(...down(`p${i}`)));
    await until(() => r.requests.length === 5, 'five attempts hanging at a');
    const b = await instance('b', stream, options);
    // While a lives it renews its claim: b takes nothing over, however long a's attempts take.
    await sleep(CLAIM_IDLE_MS * 2.5);
    assert.equal(r.requests.length, 5);
    assert.equal((await b.stats()).queue.claimed, 0);
    const killedAt = performance.now();
    await a.kill();
    await until(() => r.requests.length === 10, () => `${r.requests.length} requests`, 10_000);
    const tookOver = performance.now() - killedAt;
    t.diagnostic(`taken over and delivered ${tookOver.toFixed(0)} ms after the kill (claimIdleMs ${CLAIM_IDLE_MS})`);
    // Its last renewal may have been up to a third of claimIdleMs before the kill.
    assert.ok(tookOver >= CLAIM_IDLE_MS * 0.6, 'not before the claim went idle');
    await sleep(300);
    assert.equal(r.requests.length, 10, 'each event once more, not twice');
    assert.equal(r.ids().size, 5, 'distinct webhook-ids == events');
    assert.deepEqual([...r.ids()].sort(), [...ids].sort());
    assert.deepEqual(
      r.requests.map((request) => request.headers['x-instance']),
      ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'b'],
    );
    assert.ok(r.requests.every((request) => request.verified));
    // The attempt count came along: b's attempts are the second ones.
    const records = await b.deliveries();
    assert.deepEqual(
      records.map((record) => [record.attempt, record.outcome]),
      Array.from({ length: 5 }, () => [2, 'delivered']),
    );
    const stats = await b.stats();
    assert.equal(stats.queue.claimed, 5);
    assert.deepEqual(await leftovers(stream), { busPending: 0, outbox: 0, jobs: 0 });
    await b.close();
  });

  test('an instance that closes hands its deliveries over at once, not after claimIdleMs', async (t) => {
    const stream = `handover-${++streams}`;
    const r = await receiver((request) => (request.headers['x-instance'] === 'a' ? { hang: true } : { status: 200 }));
    const claimIdleMs = 3000;
    const options = { endpoints: [{ url: r.url, secret: SECRET, id: 'ops' }], timeoutMs: 60_000, claimIdleMs };
    const a = await instance('a', stream, options);
    for (let i = 0; i < 3; i++) await a.send(...down(`p${i}`));
    await until(() => r.requests.length === 3, 'three attempts hanging at a');
    const b = await instance('b', stream, options);
    const closing = performance.now();
    await a.close();
    await until(() => r.requests.length === 6, () => `${r.requests.length} requests`, 5000);
    const handedOver = performance.now() - closing;
    t.diagnostic(`handed over and delivered ${handedOver.toFixed(0)} ms after close() began`);
    // Left to go idle, the entries could not be taken before two thirds of claimIdleMs (a's last
    // renewal was at most a third before): handed over, they go on b's next pass, within a third.
    assert.ok(handedOver < claimIdleMs * 0.6, `handed over in ${handedOver.toFixed(0)} ms`);
    const records = await b.deliveries();
    assert.deepEqual(records.map((record) => [record.attempt, record.outcome]), [
      [2, 'delivered'],
      [2, 'delivered'],
      [2, 'delivered'],
    ]);
    assert.equal(r.ids().size, 3);
    await sleep(100);
    assert.deepEqual(await leftovers(stream), { busPending: 0, outbox: 0, jobs: 0 });
    await b.close();
  });

  test('a retry scheduled by an instance that dies is made by another, when it was due', async () => {
    const stream = `retry-${++streams}`;
    const r = await receiver((request) => (request.n === 1 ? { status: 503 } : { status: 200 }));
    const options = { endpoints: [{ url: r.url, secret: SECRET, id: 'ops' }], schedule: [0, 3000], jitter: 0 };
    const a = await instance('a', stream, options);
    const b = await instance('b', stream, options);
    // Sent while only one instance reads? Both do: whichever takes it, the other survives it.
    const id = await a.send(...down('api'));
    await until(() => r.requests.length === 1, 'the first attempt');
    const first = r.requests[0];
    const [owner, other] = first.headers['x-instance'] === 'a' ? [a, b] : [b, a];
    await until(async () => (await owner.deliveries()).length === 1, 'the retry scheduled');
    const [scheduled] = await owner.deliveries();
    assert.equal(scheduled.outcome, 'retrying');
    await owner.kill();
    await until(() => r.requests.length === 2, 'the second attempt', 10_000);
    const second = r.requests[1];
    assert.equal(second.id, id);
    assert.equal(second.headers['x-instance'], other.name);
    assert.ok(second.at - first.at >= 2900, `the retry waited for its time: ${(second.at - first.at).toFixed(0)} ms`);
    const records = await other.deliveries();
    assert.deepEqual(records.map((record) => [record.messageId, record.attempt, record.outcome, record.status]), [[id, 2, 'delivered', 200]]);
    assert.ok(records[0].time >= scheduled.nextRetryAt - 5);
    await other.close();
  });

  test('a hub on the Redis bus without a Redis queue is refused: every instance would send every event', () => {
    const hub = createSseHub({ bus: redisBus({ url: redis.url, stream: 'refused' }), history: false });
    assert.throws(() => createWebhooks({ hub, endpoints: [{ url: 'http://127.0.0.1:1/', secret: SECRET }] }), /redisWebhookQueue/);
  });
});
