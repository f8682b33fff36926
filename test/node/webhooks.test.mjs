// Webhooks for critical events, in one process: the hub on its in-process bus, real HTTP receivers
// on 127.0.0.1 that verify every signature with standardwebhooks, and real time except where a
// `ManualClock` drives a day-long schedule.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { createSseHub, createWebhooks, generateWebhookSecret, exponentialSchedule, isCriticalEvent, DEFAULT_WEBHOOK_SCHEDULE } from '../../dist/server/index.js';
import { ManualClock } from '../../dist/core/manual-clock.js';
import { startReceiver } from './fixtures/webhook-receiver.mjs';
import { until } from './sse-client.mjs';

const SECRET = generateWebhookSecret();
const open = new Set();

after(async () => {
  for (const item of open) await item.close();
});

/** A hub and webhooks to `endpoints`, closed after the file. */
function setUp(options) {
  const hub = createSseHub({ history: false, logger: { warn: () => {} } });
  const warnings = [];
  const webhooks = createWebhooks({ hub, logger: { warn: (message) => warnings.push(message) }, ...options });
  open.add(webhooks);
  open.add(hub);
  return { hub, webhooks, warnings };
}

async function receiver(respond) {
  const r = await startReceiver(SECRET, respond);
  open.add(r);
  return r;
}

const endpoint = (r, extra = {}) => ({ url: r.url, secret: SECRET, ...extra });
const statusTo = (projectId, newStatus) => ['container_status_changed', { projectId, oldStatus: 'deploying', newStatus }];
const lineOf = (projectId, level, message = `a ${level} line`) => ['deployment_progress', { projectId, message, level }];
const shutdown = (projectId) => ['auto_shutdown', { projectId, reason: 'Inactive for 30 minutes', inactiveTime: '30m' }];
const metrics = (projectId, cpu = 10) => ['metrics_updated', { projectId, cpu, memory: 100, requests: 1, uptime: '1m' }];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port nothing listens on. */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('selection and signing', () => {
  test('critical events by default — a status change to error, auto_shutdown, an error line — each once, signed per Standard Webhooks', async () => {
    const r = await receiver();
    const { hub } = setUp({ endpoints: [endpoint(r)] });
    const critical = [];
    await hub.send(...statusTo('api', 'running'));
    critical.push(await hub.send(...statusTo('api', 'error')));
    await hub.send(...lineOf('api', 'info'));
    await hub.send(...lineOf('api', 'warning'));
    critical.push(await hub.send(...lineOf('api', 'error', 'npm ERR! build failed')));
    critical.push(await hub.send(...shutdown('web')));
    await hub.send(...metrics('api', 99));
    await hub.send('snapshot', { projects: [{ projectId: 'api', status: 'error' }] });
    await until(() => r.requests.length >= 3, 'three deliveries');
    await sleep(100);
    assert.equal(r.requests.length, 3, 'nothing else is sent');
    assert.deepEqual(
      r.requests.map((request) => request.id),
      critical,
      'webhook-id is the message id',
    );
    const started = Math.floor(Date.now() / 1000);
    for (const request of r.requests) {
      assert.equal(request.verified, true, request.error);
      assert.equal(request.headers['content-type'], 'application/json');
      assert.match(request.headers['webhook-signature'], /^v1,[A-Za-z0-9+/]+=*$/);
      assert.ok(Math.abs(Number(request.headers['webhook-timestamp']) - started) <= 5, 'webhook-timestamp is now, in seconds');
    }
    const [status, line, auto] = r.requests.map((request) => JSON.parse(request.body));
    assert.deepEqual(Object.keys(status), ['type', 'timestamp', 'id', 'data']);
    assert.equal(status.type, 'container_status_changed');
    assert.equal(status.id, critical[0]);
    assert.deepEqual(status.data, { projectId: 'api', oldStatus: 'deploying', newStatus: 'error' });
    assert.ok(Math.abs(Date.parse(status.timestamp) - Date.now()) < 5000);
    assert.equal(line.data.message, 'npm ERR! build failed');
    assert.equal(auto.type, 'auto_shutdown');
    // A tampered body does not verify.
    const verifier = new Webhook(SECRET);
    assert.throws(() => verifier.verify(r.requests[0].body.replace('error', 'errorx'), r.requests[0].headers), /signature/i);
  });

  test('filter chooses instead, and an endpoint with events gets only those types', async () => {
    const all = await receiver();
    const some = await receiver();
    const { hub, warnings } = setUp({
      endpoints: [endpoint(all), endpoint(some, { events: ['metrics_updated'] })],
      filter: (message) => isCriticalEvent(message) || (message.event === 'metrics_updated' && message.data.cpu > 90) || message.data.boom(),
    });
    await hub.send(...metrics('api', 50)); // the filter throws: not sent, logged
    const hot = await hub.send(...metrics('api', 95));
    const down = await hub.send(...shutdown('api'));
    await until(() => all.requests.length >= 2 && some.requests.length >= 1, 'deliveries');
    await sleep(100);
    assert.deepEqual(all.requests.map((request) => request.id), [hot, down]);
    assert.deepEqual(some.requests.map((request) => request.id), [hot], 'events narrows');
    assert.equal(warnings.filter((warning) => /filter threw/.test(warning)).length, 1);
  });

  test('during a secret rotation each secret signs, and a receiver with either verifies', async () => {
    const next = generateWebhookSecret();
    const r = await receiver();
    const { hub } = setUp({ endpoints: [{ url: r.url, secret: [SECRET, next] }] });
    await hub.send(...shutdown('api'));
    await until(() => r.requests.length === 1, 'one delivery');
    const [request] = r.requests;
    assert.equal(request.headers['webhook-signature'].split(' ').length, 2);
    assert.equal(request.verified, true);
    assert.doesNotThrow(() => new Webhook(next).verify(request.body, request.headers));
  });

  test('bad configuration is refused at once', () => {
    const hub = createSseHub({ history: false });
    open.add(hub);
    const make = (options) => () => createWebhooks({ hub, ...options });
    assert.throws(make({ endpoints: [] }), TypeError);
    assert.throws(make({ endpoints: [{ url: 'not a url', secret: SECRET }] }), /not a URL/);
    assert.throws(make({ endpoints: [{ url: 'ftp://x.example/', secret: SECRET }] }), /http/);
    assert.throws(make({ endpoints: [{ url: 'http://x.example/', secret: 'whsec_c2hvcnQ=' }] }), /too short/);
    assert.throws(make({ endpoints: [{ url: 'http://x.example/', secret: 'whsec_!!!' }] }), /base64/);
    assert.throws(make({ endpoints: [{ url: 'http://x.example/a?t=1', secret: SECRET }, { url: 'http://x.example/a?t=2', secret: SECRET }] }), /give each an id/);
    assert.throws(make({ endpoints: [{ url: 'http://x.example/', secret: SECRET }], schedule: [] }), /schedule/);
    assert.match(generateWebhookSecret(), /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.deepEqual(exponentialSchedule({ attempts: 5, firstMs: 1000, factor: 2 }), [0, 1000, 2000, 4000, 8000]);
  });
});

describe('retries', () => {
  test('a 500 is retried along the schedule, and deliveries() lists every attempt', async () => {
    const r = await receiver((request) => ({ status: request.n <= 2 ? 500 : 200, body: request.n <= 2 ? 'database is down' : 'ok' }));
    const { hub, webhooks } = setUp({ endpoints: [endpoint(r, { id: 'ops' })], schedule: [0, 30, 60], jitter: 0 });
    const id = await hub.send(...statusTo('api', 'error'));
    await until(() => webhooks.stats.delivered === 1, 'delivered on the third attempt');
    assert.equal(r.requests.length, 3);
    assert.ok(r.requests.every((request) => request.id === id && request.verified));
    const records = webhooks.deliveries();
    assert.deepEqual(
      records.map(({ endpoint, messageId, event, attempt, outcome, status }) => ({ endpoint, messageId, event, attempt, outcome, status })),
      [
        { endpoint: 'ops', messageId: id, event: 'container_status_changed', attempt: 1, outcome: 'retrying', status: 500 },
        { endpoint: 'ops', messageId: id, event: 'container_status_changed', attempt: 2, outcome: 'retrying', status: 500 },
        { endpoint: 'ops', messageId: id, event: 'container_status_changed', attempt: 3, outcome: 'delivered', status: 200 },
      ],
    );
    assert.equal(records[0].response, 'database is down', 'the start of a failed response is kept');
    assert.equal(records[0].nextRetryAt - (records[0].time + records[0].durationMs), 30, 'the schedule, without jitter');
    assert.ok(r.requests[1].at - r.requests[0].at >= 29 && r.requests[2].at - r.requests[1].at >= 59, 'waits between attempts');
    for (const record of records) {
      assert.equal(typeof record.time, 'number');
      assert.ok(record.durationMs >= 0 && record.durationMs < 1000);
    }
    assert.equal(records[2].nextRetryAt, undefined);
    assert.deepEqual(webhooks.deliveries({ outcome: 'delivered' }).length, 1);
    const stats = webhooks.stats;
    assert.equal(stats.attempts, 3);
    assert.equal(stats.retries, 2);
    assert.equal(stats.failedAttempts, 2);
    assert.equal(stats.queued + stats.inFlight, 0);
  });

  test('a network error and a timeout are retried; a spent schedule gives up', async () => {
    const port = await closedPort();
    const slow = await receiver((request) => (request.n === 1 ? { hang: true } : { status: 204 }));
    const { hub, webhooks, warnings } = setUp({
      endpoints: [
        { url: `http://127.0.0.1:${port}/hooks`, secret: SECRET, id: 'gone' },
        endpoint(slow, { id: 'slow' }),
      ],
      schedule: [0, 20, 20],
      timeoutMs: 200,
      jitter: 0,
    });
    const id = await hub.send(...shutdown('api'));
    await until(() => webhooks.stats.gaveUp === 1 && webhooks.stats.delivered === 1, 'gave up on one, delivered to the other');
    const gone = webhooks.deliveries({ endpoint: 'gone' });
    assert.deepEqual(
      gone.map((record) => [record.attempt, record.outcome, record.error]),
      [
        [1, 'retrying', 'ECONNREFUSED'],
        [2, 'retrying', 'ECONNREFUSED'],
        [3, 'gave-up', 'ECONNREFUSED'],
      ],
    );
    const slowRecords = webhooks.deliveries({ endpoint: 'slow' });
    assert.equal(slowRecords[0].error, 'timed out after 200 ms');
    assert.ok(slowRecords[0].durationMs >= 190);
    assert.deepEqual(slowRecords.map((record) => [record.attempt, record.outcome, record.status]), [
      [1, 'retrying', undefined],
      [2, 'delivered', 204],
    ]);
    assert.deepEqual(slow.requests.map((request) => request.id), [id, id]);
    assert.ok(warnings.some((warning) => /gave up on message/.test(warning)));
  });

  test('a 429 waits at least its Retry-After, in seconds or as an HTTP date', async () => {
    const seconds = await receiver((request) => (request.n === 1 ? { status: 429, headers: { 'Retry-After': '1' } } : { status: 200 }));
    const dated = await receiver((request) => (request.n === 1 ? { status: 429, headers: { 'Retry-After': new Date(Date.now() + 2000).toUTCString() } } : { status: 200 }));
    const { hub, webhooks } = setUp({ endpoints: [endpoint(seconds, { id: 's' }), endpoint(dated, { id: 'd' })], schedule: [0, 10], jitter: 0 });
    await hub.send(...lineOf('api', 'error'));
    await until(() => webhooks.stats.delivered === 2, 'both delivered', 5000);
    const gap = (r) => r.requests[1].at - r.requests[0].at;
    assert.ok(gap(seconds) >= 990, `Retry-After: 1 waited ${gap(seconds).toFixed(0)} ms`);
    // An HTTP date has whole seconds: two seconds ahead is at least one.
    assert.ok(gap(dated) >= 990, `Retry-After as a date waited ${gap(dated).toFixed(0)} ms`);
    const [first] = webhooks.deliveries({ endpoint: 's' });
    assert.equal(first.status, 429);
    assert.ok(first.nextRetryAt - first.time >= 1000);
  });

  test('a 400 or a 404 is never retried', async () => {
    const bad = await receiver(() => ({ status: 400 }));
    const missing = await receiver(() => ({ status: 404 }));
    const moved = await receiver(() => ({ status: 301, headers: { Location: 'http://127.0.0.1:1/' } }));
    const { hub, webhooks } = setUp({ endpoints: [endpoint(bad, { id: '400' }), endpoint(missing, { id: '404' }), endpoint(moved, { id: '301' })], schedule: [0, 10, 10], jitter: 0 });
    await hub.send(...statusTo('api', 'error'));
    await until(() => webhooks.stats.rejected === 3, 'rejected by all three');
    await sleep(150);
    assert.equal(bad.requests.length, 1);
    assert.equal(missing.requests.length, 1);
    assert.equal(moved.requests.length, 1, 'a redirect is not followed, nor retried');
    assert.deepEqual(webhooks.deliveries().map((record) => [record.endpoint, record.outcome, record.status]).sort(), [
      ['301', 'rejected', 301],
      ['400', 'rejected', 400],
      ['404', 'rejected', 404],
    ]);
    assert.equal(webhooks.stats.retries, 0);
  });

  test('the default schedule spreads eight attempts over about 28 hours (a driven clock)', async () => {
    const r = await receiver(() => ({ status: 503 }));
    const clock = new ManualClock(Date.now());
    const { hub, webhooks, warnings } = setUp({ endpoints: [endpoint(r)], clock, random: () => 0.5 });
    const start = clock.now();
    await hub.send(...statusTo('api', 'error'));
    await until(() => webhooks.deliveries().length === 1, 'the first attempt, at once');
    for (let attempt = 2; attempt <= DEFAULT_WEBHOOK_SCHEDULE.length; attempt++) {
      const delay = DEFAULT_WEBHOOK_SCHEDULE[attempt - 1];
      const last = webhooks.deliveries().at(-1);
      assert.equal(last.outcome, 'retrying');
      assert.equal(last.nextRetryAt, clock.now() + delay, `attempt ${attempt} is due ${delay} ms later`);
      clock.advance(delay - 1);
      await sleep(15);
      assert.equal(r.requests.length, attempt - 1, `attempt ${attempt} not before it is due`);
      clock.advance(1);
      await until(() => webhooks.deliveries().length === attempt, `attempt ${attempt}`);
    }
    const records = webhooks.deliveries();
    assert.equal(records.at(-1).outcome, 'gave-up');
    assert.equal(r.requests.length, 8);
    const hours = (clock.now() - start) / 3_600_000;
    assert.ok(hours > 27 && hours < 28, `${hours.toFixed(1)} h`);
    assert.equal(clock.pending, 0, 'no timer left');
    assert.equal(warnings.filter((warning) => /keeps failing/.test(warning)).length, 1);
  });
});

describe('endpoints apart', () => {
  test('an endpoint that hangs never delays another (measured)', async (t) => {
    const hanging = await receiver(() => ({ hang: true }));
    const fast = await receiver();
    const { hub, webhooks } = setUp({ endpoints: [endpoint(hanging, { id: 'hanging' }), endpoint(fast, { id: 'fast' })], timeoutMs: 30_000, concurrency: 2 });
    const sent = new Map();
    for (let i = 0; i < 50; i++) sent.set(await hub.send(...lineOf(`p${i}`, 'error')), performance.now());
    await until(() => fast.ids().size === 50, () => `${fast.ids().size} of 50 at the fast endpoint`, 5000);
    const latencies = fast.requests.map((request) => request.at - sent.get(request.id)).sort((a, b) => a - b);
    const p95 = latencies[Math.floor(latencies.length * 0.95)];
    t.diagnostic(`fast endpoint beside a hanging one: p50 ${latencies[25].toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${latencies.at(-1).toFixed(1)} ms`);
    // Behind the hanging endpoint's requests it would wait for their 30 s timeout; a loaded machine
    // may be slow, never that slow.
    assert.ok(latencies.at(-1) < 5000, `the slowest took ${latencies.at(-1).toFixed(0)} ms`);
    // The receiver notes a request before it answers: the sender counts it once the answer is in.
    await until(() => webhooks.stats.delivered === 50, 'fifty answers');
    const lanes = Object.fromEntries(webhooks.stats.endpoints.map((lane) => [lane.id, lane]));
    assert.equal(lanes.fast.delivered, 50);
    assert.equal(lanes.hanging.inFlight, 2, 'the hanging one holds its two slots');
    assert.equal(lanes.hanging.queued, 48, 'the rest wait in its own queue');
    assert.equal(hanging.requests.length, 2);
    // close() aborts what is in flight, at once.
    const closing = performance.now();
    await webhooks.close();
    assert.ok(performance.now() - closing < 1000);
    assert.deepEqual(webhooks.deliveries({ endpoint: 'hanging' }).map((record) => [record.outcome, record.error]), [
      ['aborted', 'closed'],
      ['aborted', 'closed'],
    ]);
  });

  test('a full queue drops what does not fit, counted and logged, never silently', async () => {
    const hanging = await receiver(() => ({ hang: true }));
    const { hub, webhooks, warnings } = setUp({ endpoints: [endpoint(hanging, { id: 'h' })], concurrency: 1, maxQueue: 3, timeoutMs: 30_000 });
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await hub.send(...shutdown(`p${i}`)));
    const dropped = webhooks.deliveries({ outcome: 'dropped' });
    assert.deepEqual(dropped.map((record) => record.messageId), ids.slice(3));
    assert.equal(dropped[0].error, 'queue full');
    assert.equal(webhooks.stats.dropped, 3);
    assert.equal(webhooks.stats.endpoints[0].dropped, 3);
    assert.equal(warnings.filter((warning) => /maxQueue 3/.test(warning)).length, 1, 'one warning, not one per event');
  });

  test('an endpoint that keeps failing is reported once per streak, and counted', async () => {
    let answer = 503;
    const r = await receiver(() => ({ status: answer }));
    const { hub, webhooks, warnings } = setUp({ endpoints: [endpoint(r, { id: 'flaky' })], schedule: [0, 10, 10, 10, 10], jitter: 0, failingAfter: 3 });
    const failing = () => warnings.filter((warning) => /keeps failing/.test(warning));
    await hub.send(...shutdown('a'));
    await hub.send(...shutdown('b'));
    await until(() => webhooks.stats.gaveUp === 2, 'both given up');
    assert.equal(webhooks.stats.failedAttempts, 10);
    assert.equal(failing().length, 1, 'one warning for the streak');
    assert.match(failing()[0], /"flaky" keeps failing: 3 attempts in a row, the last answered 503/);
    assert.deepEqual([webhooks.stats.failing, webhooks.stats.failingStreaks, webhooks.stats.endpoints[0].failing], [1, 1, true]);
    answer = 200;
    await hub.send(...shutdown('c'));
    await until(() => webhooks.stats.delivered === 1, 'delivered again');
    assert.ok(warnings.some((warning) => /"flaky" answers again \(200\) after 10 failed attempts/.test(warning)));
    assert.deepEqual([webhooks.stats.failing, webhooks.stats.endpoints[0].consecutiveFailures], [0, 0]);
    answer = 500;
    await hub.send(...shutdown('d'));
    await until(() => webhooks.stats.gaveUp === 3, 'given up again');
    assert.equal(failing().length, 2, 'a new streak, a new warning');
    assert.equal(webhooks.stats.failingStreaks, 2);
  });

  test('close() clears the retry timers and takes no more events', async () => {
    const r = await receiver(() => ({ status: 500 }));
    const clock = new ManualClock(Date.now());
    const { hub, webhooks } = setUp({ endpoints: [endpoint(r)], clock, schedule: [0, 60_000] });
    await hub.send(...shutdown('a'));
    await until(() => webhooks.stats.retries === 1, 'a retry scheduled');
    assert.equal(clock.pending, 1);
    await webhooks.close();
    assert.equal(clock.pending, 0);
    await hub.send(...shutdown('b'));
    clock.advance(120_000);
    await sleep(50);
    assert.equal(r.requests.length, 1);
  });
});
