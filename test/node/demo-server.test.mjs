// The demo server's routes, in-process, against real sockets. Runs on the built package:
//   npm run build && node --test test/node/
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { createDemoServer, crossSiteRefusal } from '../../demo/server.mjs';
import { redisBus } from '../../dist/server/redis.js';
import { startRedis } from '../../scripts/redis.mjs';

const SERVER = resolve(import.meta.dirname, '../../demo/server.mjs');
const quiet = { log() {}, warn() {} };

let demo;
let base;

before(async () => {
  demo = createDemoServer({ speed: 5, record: true, logger: quiet });
  base = await demo.listen(0);
});

after(async () => {
  await demo.close();
});

async function until(predicate, message, ms = 3000) {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > ms) throw new Error(`Timed out: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Reads a stream until `predicate(text)` holds, then aborts it. */
async function readStream(path, predicate, init = {}, from = base) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`Timed out reading ${path}: ${JSON.stringify(text.slice(-300))}`)), 10000);
  let text = '';
  const response = await fetch(new URL(path, from), { ...init, signal: abort.signal });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    while (!predicate(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return { response, text };
}

/** A request with exactly these headers (a `Host` of our choosing too), answered as `{ status, body }`. */
async function raw(method, path, headers = {}, from = base) {
  const url = new URL(path, from);
  const req = request(url, { method, headers: { host: url.host, ...headers } });
  req.end();
  const [res] = await once(req, 'response');
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) text += chunk;
  let body = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON.
  }
  return { status: res.statusCode, headers: res.headers, body };
}

async function statusOf(projectId, from = base, headers = {}) {
  return (await (await fetch(new URL(`api/projects/${projectId}`, from), { headers })).json()).status;
}

test('GET /api/projects and /api/projects/:id answer the simulation', async () => {
  const list = await (await fetch(new URL('api/projects', base))).json();
  assert.deepEqual(
    list.map((p) => p.status).sort(),
    ['deploying', 'error', 'inactive', 'running', 'running', 'stopped'],
  );
  const one = await fetch(new URL('api/projects/docs-site', base));
  assert.equal(one.status, 200);
  assert.equal((await one.json()).name, 'Docs Site');
  const missing = await fetch(new URL('api/projects/nope', base));
  assert.equal(missing.status, 404);
  assert.match((await missing.json()).error, /not found/);
});

test('POST start streams a deployment; the stream has retry, ids and a snapshot first', async () => {
  const stream = readStream('api/containers/events', (t) => /"projectId":"docs-site","message":"Cloning/.test(t));
  await until(() => demo.hub.clients === 1, 'the stream to connect');
  const started = await fetch(new URL('api/containers/docs-site/start', base), { method: 'POST' });
  assert.equal(started.status, 200);
  const again = await fetch(new URL('api/containers/docs-site/start', base), { method: 'POST' });
  assert.equal(again.status, 409);
  const { response, text } = await stream;
  assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  assert.ok(text.startsWith('retry: '));
  const events = text.split('\n').filter((line) => line.startsWith('event: '));
  assert.equal(events[0], 'event: snapshot');
  assert.ok(events.includes('event: container_status_changed'));
  const ids = text.split('\n').filter((line) => line.startsWith('id: '));
  // The history sent after the snapshot (`backfill`) has no id: it is not a message of the stream.
  assert.ok(events.includes('event: backfill'), 'the history follows the snapshot');
  assert.equal(ids.length, events.filter((event) => event !== 'event: backfill').length, 'an id on every message');
  await demo.sent();
  const progress = demo.frames.filter((f) => f.event === 'deployment_progress' && f.data.projectId === 'docs-site');
  assert.ok(progress.length > 0);
  assert.ok(progress.every((f) => typeof f.id === 'string'), 'frames are recorded with the id the hub gave them');
});

test('a page opened on a fresh demo finds the failed deployment of a project in error, and 30 days of metrics', async () => {
  const fresh = createDemoServer({ speed: 1, logger: quiet });
  const at = await fresh.listen(0);
  try {
    const { text } = await readStream('api/containers/events', (t) => /event: backfill\ndata: \{"projectId":"ml-worker"[^\n]*\n\n/.test(t), {}, at);
    const snapshot = JSON.parse(/event: snapshot\ndata: (.*)/.exec(text)[1]);
    const worker = snapshot.projects.find((project) => project.projectId === 'ml-worker');
    assert.equal(worker.status, 'error');
    const backfill = JSON.parse(/event: backfill\ndata: (\{"projectId":"ml-worker".*)/.exec(text)[1]);
    const last = backfill.deployments.at(-1);
    assert.equal(last.outcome, 'failed');
    assert.deepEqual(last.lines.at(-1), { ...last.lines.at(-1), message: worker.lastError, level: 'error' });
    assert.equal(last.lines[0].message, 'Cloning repository');
    const history = await (await fetch(new URL('api/projects/api-gateway/metrics?range=30d', at))).json();
    assert.ok(history.points.length > 700, `30 days of hourly buckets, got ${history.points.length}`);
  } finally {
    await fresh.close();
  }
});

test("the simulation's frames reach the stream in the simulation's order, each with a larger id", async () => {
  const seen = [];
  const unsubscribe = demo.backend.subscribe((frame) => seen.push({ event: frame.event, data: frame.data }));
  try {
    const before = demo.frames.length;
    assert.equal((await fetch(new URL('api/containers/ml-worker/start', base), { method: 'POST' })).status, 200);
    await until(() => seen.length >= 30, 'thirty frames of the simulation', 5000);
    unsubscribe();
    await demo.sent();
    const sent = demo.frames.slice(before).map((f) => ({ event: f.event, data: JSON.stringify(f.data) }));
    // The recording started a little earlier than our subscription: line the two up.
    const start = sent.findIndex((f) => f.event === seen[0].event && f.data === seen[0].data);
    assert.ok(start >= 0, 'the first frame we saw was sent');
    assert.deepEqual(sent.slice(start, start + seen.length), seen);
    const numbers = demo.frames.map((f) => Number(f.id.slice(f.id.lastIndexOf('-') + 1)));
    for (let i = 1; i < numbers.length; i++) assert.ok(numbers[i] > numbers[i - 1], `id ${demo.frames[i].id} after ${demo.frames[i - 1].id}`);
  } finally {
    unsubscribe();
  }
});

test('DELETE /api/projects/:id removes the project and sends a snapshot without it', async () => {
  const deleted = await fetch(new URL('api/projects/legacy-cron', base), { method: 'DELETE' });
  assert.equal(deleted.status, 200);
  await demo.sent();
  const last = demo.frames.findLast((f) => f.event === 'snapshot');
  assert.ok(last, 'a snapshot was sent');
  assert.ok(!last.data.projects.some((p) => p.projectId === 'legacy-cron'));
});

test('serves the pages and dist/, nothing else', async () => {
  const index = await fetch(base);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /text\/html/);
  assert.match(await index.text(), /live-elements\.bundle\.js/);
  for (const path of ['project.html', 'bundle-only.html', 'demo.css']) assert.equal((await fetch(new URL(path, base))).status, 200, path);
  for (const path of ['server.mjs', 'cluster.mjs', 'cluster-instance.mjs']) assert.equal((await fetch(new URL(path, base))).status, 404, path);
  assert.equal((await fetch(new URL('%2e%2e/package.json', base))).status, 404);
  assert.equal((await fetch(new URL('dist/%2e%2e/package.json', base))).status, 404);
  assert.equal((await fetch(new URL('dist/server/index.js', base))).status, 200);
});

test('pause() cuts the streams and answers 503 until resume()', async () => {
  const abort = new AbortController();
  const response = await fetch(new URL('api/containers/events', base), { signal: abort.signal });
  const reader = response.body.getReader();
  await reader.read();
  assert.equal(demo.streams, 1);
  demo.pause();
  await assert.rejects(async () => {
    for (;;) {
      const { done } = await reader.read();
      if (done) throw new Error('ended');
    }
  });
  assert.equal(demo.streams, 0);
  assert.equal((await fetch(new URL('api/containers/events', base))).status, 503);
  assert.equal((await fetch(new URL('api/projects', base))).status, 503);
  demo.resume();
  const { response: back } = await readStream('api/containers/events', (t) => t.includes('event: snapshot'));
  assert.equal(back.status, 200);
  abort.abort();
});

describe('safe defaults', () => {
  test('listens on 127.0.0.1 unless told otherwise', async () => {
    const local = createDemoServer({ logger: quiet });
    try {
      const url = await local.listen(0);
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(local.address.address, '127.0.0.1');
      // From another interface of this machine, nobody answers.
      const external = Object.values(networkInterfaces())
        .flat()
        .find((info) => info && !info.internal && info.family === 'IPv4');
      if (external) {
        const refused = await new Promise((resolvePromise) => {
          const socket = connect(local.address.port, external.address);
          socket.once('connect', () => {
            socket.destroy();
            resolvePromise(false);
          });
          socket.once('error', (error) => resolvePromise(error.code));
        });
        assert.equal(refused, 'ECONNREFUSED', `port ${local.address.port} on ${external.address}`);
      }
    } finally {
      await local.close();
    }
  });

  test('`node demo/server.mjs` says where it listens: 127.0.0.1 by default, every interface with HOST=0.0.0.0', async () => {
    for (const [host, expected] of [
      [undefined, /running at http:\/\/127\.0\.0\.1:\d+\/ .*this machine only/],
      ['0.0.0.0', /running at http:\/\/localhost:\d+\/ .*every interface, HOST=0\.0\.0\.0/],
    ]) {
      const env = { ...process.env, PORT: '0' };
      delete env.HOST;
      if (host) env.HOST = host;
      const child = spawn(process.execPath, [SERVER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        let out = '';
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk) => (out += chunk));
        await until(() => out.includes('stream:') || child.exitCode !== null, 'the demo to print its URL', 10000);
        assert.match(out, expected);
        const url = /running at (\S+)/.exec(out)[1];
        assert.equal((await fetch(new URL('api/projects', url.replace('localhost', '127.0.0.1')))).status, 200);
      } finally {
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          await once(child, 'exit');
        }
      }
    }
  });

  test('actions refuse cross-site requests (403) and take same-origin ones', async () => {
    const origin = new URL(base).origin;
    const refused = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: `http://127.0.0.1:${Number(new URL(base).port) + 1}` },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', origin },
    ];
    for (const headers of refused) {
      for (const [method, path] of [
        ['POST', 'api/containers/docs-site/stop'],
        ['POST', 'api/containers/ml-worker/start'],
        ['DELETE', 'api/projects/api-gateway'],
      ]) {
        const answer = await raw(method, path, headers);
        assert.equal(answer.status, 403, `${method} ${path} with ${JSON.stringify(headers)}`);
        assert.match(answer.body.error, /may not act on containers/);
      }
    }
    assert.equal(await statusOf('api-gateway'), 'running', 'nothing was done');
    // What the action buttons send from a demo page: same origin.
    const stop = await raw('POST', 'api/containers/api-gateway/stop', { origin, 'sec-fetch-site': 'same-origin', accept: 'application/json' });
    assert.equal(stop.status, 200, JSON.stringify(stop.body));
    assert.equal(await statusOf('api-gateway'), 'stopped');
    const start = await raw('POST', 'api/containers/api-gateway/start', { origin });
    assert.equal(start.status, 200);
    // Reading is not an action.
    assert.equal((await raw('GET', 'api/projects', { origin: 'https://evil.example' })).status, 200);
    // A preflight from elsewhere gets nothing.
    assert.equal((await raw('OPTIONS', 'api/containers/api-gateway/stop', { origin: 'https://evil.example', 'access-control-request-method': 'POST' })).status, 403);
  });

  test('a name pointed at 127.0.0.1 by someone else (DNS rebinding) is refused', async () => {
    const answer = await raw('POST', 'api/containers/docs-site/stop', { host: `evil.example:${new URL(base).port}`, origin: `http://evil.example:${new URL(base).port}` });
    assert.equal(answer.status, 403);
    assert.equal((await raw('GET', 'api/projects', { host: 'evil.example' })).status, 403);
    assert.equal((await raw('GET', 'api/projects', { host: `localhost:${new URL(base).port}` })).status, 200);
  });

  test("the stream's CORS preflight is the hub's to answer", async () => {
    const open = createDemoServer({ logger: quiet, hub: { cors: { origins: ['https://panel.example'] } } });
    try {
      const url = await open.listen(0);
      const allowed = await raw('OPTIONS', 'api/containers/events', { origin: 'https://panel.example', 'access-control-request-method': 'GET' }, url);
      assert.equal(allowed.status, 204);
      assert.equal(allowed.headers['access-control-allow-origin'], 'https://panel.example');
      const other = await raw('OPTIONS', 'api/containers/events', { origin: 'https://evil.example', 'access-control-request-method': 'GET' }, url);
      assert.equal(other.status, 403);
      // The actions stay same-origin.
      assert.equal((await raw('POST', 'api/containers/docs-site/start', { origin: 'https://panel.example' }, url)).status, 403);
    } finally {
      await open.close();
    }
  });

  test('crossSiteRefusal compares host and port, whatever the default port looks like', () => {
    const req = (headers) => ({ headers });
    assert.equal(crossSiteRefusal(req({ host: 'localhost:8080' })), undefined);
    assert.equal(crossSiteRefusal(req({ host: 'localhost:8080', origin: 'http://localhost:8080' })), undefined);
    assert.equal(crossSiteRefusal(req({ host: 'example.com', origin: 'https://example.com' })), undefined);
    assert.equal(crossSiteRefusal(req({ host: 'example.com:443', origin: 'https://example.com' })), undefined);
    assert.equal(crossSiteRefusal(req({ host: 'localhost:8080', 'sec-fetch-site': 'same-origin' })), undefined);
    assert.equal(crossSiteRefusal(req({ host: 'localhost:8080', 'sec-fetch-site': 'none' })), undefined);
    assert.ok(crossSiteRefusal(req({ host: 'localhost:8080', origin: 'http://localhost:8081' })));
    assert.ok(crossSiteRefusal(req({ host: 'localhost:8080', origin: 'http://127.0.0.1:8080' })));
    assert.ok(crossSiteRefusal(req({ origin: 'http://localhost:8080' })), 'no Host to compare with');
    assert.ok(crossSiteRefusal(req({ host: 'localhost:8080', origin: 'file://' })));
  });
});

describe('with authorize, REST shows each viewer its projects only', () => {
  let scoped;
  let scopedBase;
  const GRANTS = {
    alice: { projects: ['docs-site', 'api-gateway'] },
    admin: { projects: '*' },
  };
  const as = (viewer) => ({ authorization: `Bearer ${viewer}` });

  before(async () => {
    scoped = createDemoServer({
      speed: 5,
      logger: quiet,
      hub: {
        authorize(req) {
          const viewer = /^Bearer (\w+)$/.exec(req.headers.authorization ?? '')?.[1];
          if (viewer === 'broken') throw new Error('the session store is down');
          return GRANTS[viewer] ?? null;
        },
      },
    });
    scopedBase = await scoped.listen(0);
  });

  after(async () => {
    await scoped?.close();
  });

  const get = (path, headers) => raw('GET', path, headers, scopedBase);

  test('the list has the viewer’s projects; ?projects= narrows it, never widens it', async () => {
    const mine = await get('api/projects', as('alice'));
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body.map((p) => p.projectId).sort(), ['api-gateway', 'docs-site']);
    assert.equal((await get('api/projects', as('admin'))).body.length, 6);
    const narrowed = await get('api/projects?projects=docs-site,ml-worker', as('alice'));
    assert.deepEqual(narrowed.body.map((p) => p.projectId), ['docs-site']);
  });

  test('another project answers 404, exactly as one that does not exist', async () => {
    assert.equal((await get('api/projects/docs-site', as('alice'))).status, 200);
    const hidden = await get('api/projects/ml-worker', as('alice'));
    const unknown = await get('api/projects/no-such-project', as('alice'));
    assert.equal(hidden.status, 404);
    assert.equal(unknown.status, 404);
    assert.deepEqual(Object.keys(hidden.body), Object.keys(unknown.body));
    assert.equal(hidden.body.error.replace('ml-worker', 'X'), unknown.body.error.replace('no-such-project', 'X'));
    assert.equal((await get('api/projects/ml-worker', as('admin'))).status, 200);
  });

  test('actions on another project answer 404 and do nothing', async () => {
    const stop = await raw('POST', 'api/containers/payments-service/stop', as('alice'), scopedBase);
    assert.equal(stop.status, 404);
    const remove = await raw('DELETE', 'api/projects/ml-worker', as('alice'), scopedBase);
    assert.equal(remove.status, 404);
    const admin = (await get('api/projects', as('admin'))).body;
    assert.notEqual(admin.find((p) => p.projectId === 'payments-service').status, 'stopped');
    assert.ok(admin.some((p) => p.projectId === 'ml-worker'));
    // Her own project she may act on.
    assert.equal((await raw('POST', 'api/containers/docs-site/start', as('alice'), scopedBase)).status, 200);
  });

  test('a refused viewer gets 401, a failing authorize 500', async () => {
    for (const [method, path] of [
      ['GET', 'api/projects'],
      ['GET', 'api/projects/docs-site'],
      ['POST', 'api/containers/docs-site/stop'],
    ]) {
      const answer = await raw(method, path, {}, scopedBase);
      assert.equal(answer.status, 401, `${method} ${path}`);
      assert.equal(answer.body.error, 'Unauthorized');
    }
    const broken = await get('api/projects', as('broken'));
    assert.equal(broken.status, 500);
    assert.doesNotMatch(JSON.stringify(broken.body), /session store/, 'the reason stays in the log');
  });

  test('the stream is scoped the same way', async () => {
    const { text } = await readStream('api/containers/events', (t) => t.includes('event: snapshot'), { headers: as('alice') }, scopedBase);
    const snapshot = JSON.parse(/event: snapshot\ndata: (.*)\n/.exec(text)[1]);
    assert.deepEqual(snapshot.projects.map((p) => p.projectId).sort(), ['api-gateway', 'docs-site']);
    assert.equal((await fetch(new URL('api/containers/events', scopedBase))).status, 401);
  });

  test(
    'a snapshot the simulation broadcasts (after a DELETE) lists only the viewer’s projects',
    async () => {
      const stream = readStream(
        'api/containers/events',
        (t) => t.split('event: snapshot').length > 2,
        { headers: as('alice') },
        scopedBase,
      );
      await until(() => scoped.hub.clients >= 1, 'the stream to connect');
      assert.equal((await raw('DELETE', 'api/projects/legacy-cron', as('admin'), scopedBase)).status, 200);
      const { text } = await stream;
      for (const [, data] of text.matchAll(/event: snapshot\ndata: (.*)\n/g)) {
        assert.deepEqual(
          JSON.parse(data)
            .projects.map((p) => p.projectId)
            .filter((id) => id !== 'api-gateway' && id !== 'docs-site'),
          [],
        );
      }
    },
  );
});

describe('when the stream cannot take a message (Redis down)', () => {
  let redis;
  let onRedis;
  const lines = [];

  before(async () => {
    redis = await startRedis();
  });

  after(async () => {
    await onRedis?.close();
    await redis?.stop();
  });

  test('the failure is logged once, the demo runs on, and sending resumes when Redis is back', async () => {
    onRedis = createDemoServer({
      speed: 50,
      record: true,
      bus: () => redisBus({ url: redis.url, stream: 'demo-server-test', reconnectMaxMs: 200 }),
      logger: { log() {}, warn: (message) => lines.push(message) },
    });
    const url = await onRedis.listen(0);
    await until(() => onRedis.frames.length >= 5, 'frames on the Redis bus', 10000);
    assert.match(onRedis.frames[0].id, /^\d+-\d+$/, 'Redis stream ids');
    await redis.stop();
    const failures = () => lines.filter((line) => line.startsWith('demo: could not send'));
    await until(() => failures().length > 0, 'the failure to be logged', 5000);
    const sentBefore = onRedis.frames.length;
    // Frames keep failing for a while: still one line, and the server still answers.
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 500));
    assert.equal(failures().length, 1, lines.join('\n'));
    assert.equal((await fetch(new URL('api/projects', url))).status, 200);
    await redis.restart();
    await until(() => lines.some((line) => line.startsWith('demo: the stream takes messages again')), 'sending to resume', 10000);
    await until(() => onRedis.frames.length > sentBefore + 3, 'frames after the outage', 10000);
    assert.equal(failures().length, 1);
    assert.match(lines.find((line) => line.startsWith('demo: the stream takes messages again')), /\d+ simulation message\(s\) could not be sent/);
  });
});
