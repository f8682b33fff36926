// The demo server's routes, in-process. Runs on the built package:
//   npm run build && node --test test/node/
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createDemoServer } from '../../demo/server.mjs';

let demo;
let base;

before(async () => {
  demo = createDemoServer({ speed: 5, record: true, logger: { log() {}, warn() {} } });
  base = await demo.listen(0, '127.0.0.1');
});

after(async () => {
  await demo.close();
});

async function until(predicate, message, ms = 3000) {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > ms) throw new Error(`Timed out: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Reads a stream until `predicate(text)` holds, then aborts it. */
async function readStream(path, predicate, init = {}) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`Timed out reading ${path}: ${JSON.stringify(text.slice(-300))}`)), 10000);
  let text = '';
  const response = await fetch(new URL(path, base), { ...init, signal: abort.signal });
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
  assert.equal(ids.length, events.length, 'an id on every message');
  assert.ok(demo.frames.some((f) => f.event === 'deployment_progress' && f.data.projectId === 'docs-site'));
});

test('DELETE /api/projects/:id removes the project and sends a snapshot without it', async () => {
  const deleted = await fetch(new URL('api/projects/legacy-cron', base), { method: 'DELETE' });
  assert.equal(deleted.status, 200);
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
  assert.equal((await fetch(new URL('server.mjs', base))).status, 404);
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
