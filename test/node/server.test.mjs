// The `./server` subpath against real sockets. Runs on the built package:
//   npm run build && node --test test/node/
import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import http2 from 'node:http2';
import { once } from 'node:events';
import { createSseHub, formatFrame, formatComment, resumeIdOf } from '../../dist/server/index.js';
import { takeBlocks, until } from './sse-client.mjs';

/** Parses event-stream text into blocks: `{ comments, retry, id, event, data }` per blank-line-ended block. */
const parseStream = (text) => takeBlocks(text)[0];

const servers = [];

/** A `node:http` server whose `GET /events` is the hub; everything else 404. */
async function serve(hub) {
  const server = createServer((req, res) => {
    if (req.url.startsWith('/events')) hub.handle(req, res);
    else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push({ server, hub });
  return `http://127.0.0.1:${server.address().port}`;
}

/** Opens a stream; collects its text. */
async function open(base, { path = '/events', headers = {}, method = 'GET' } = {}) {
  const req = request(`${base}${path}`, { method, headers });
  req.end();
  const [res] = await once(req, 'response');
  const client = {
    res,
    req,
    text: '',
    ended: false,
    get blocks() {
      return parseStream(client.text);
    },
    /** Blocks with data: the messages. */
    get messages() {
      return client.blocks.filter((block) => block.data !== undefined);
    },
    close() {
      req.destroy();
    },
  };
  res.setEncoding('utf8');
  res.on('data', (chunk) => (client.text += chunk));
  res.on('end', () => (client.ended = true));
  res.on('close', () => (client.ended = true));
  return client;
}

const quiet = () => {
  const lines = { warn: [], debug: [] };
  return { lines, warn: (m) => lines.warn.push(m), debug: (m) => lines.debug.push(m) };
};

afterEach(async () => {
  for (const { server, hub } of servers.splice(0)) {
    hub.close();
    server.closeAllConnections();
    server.close();
  }
});

describe('formatFrame', () => {
  test('writes the fields in order and ends with a blank line', () => {
    assert.equal(formatFrame({ id: '7', event: 'deployment_progress', data: '{"a":1}' }), 'id: 7\nevent: deployment_progress\ndata: {"a":1}\n\n');
    assert.equal(formatFrame({ retry: 2000 }), 'retry: 2000\n\n');
    assert.equal(formatFrame({}), '');
  });

  test('splits multi-line data into data lines, whatever the line break', () => {
    const text = formatFrame({ event: 'x', data: 'one\ntwo\r\nthree\rfour\n' });
    assert.equal(text, 'event: x\ndata: one\ndata: two\ndata: three\ndata: four\ndata: \n\n');
    assert.equal(parseStream(text)[0].data, 'one\ntwo\nthree\nfour\n');
    // A leading space survives: the parser strips only the one after the colon.
    assert.equal(parseStream(formatFrame({ data: '  indented' }))[0].data, '  indented');
    assert.equal(formatFrame({ data: '' }), 'data: \n\n');
  });

  test('refuses an id or event name that would break out of its line', () => {
    assert.throws(() => formatFrame({ event: 'a\nb', data: '1' }), TypeError);
    assert.throws(() => formatFrame({ event: 'a\rb', data: '1' }), TypeError);
    assert.throws(() => formatFrame({ id: '1\n2', data: '1' }), TypeError);
    assert.throws(() => formatFrame({ id: '1\u00002', data: '1' }), TypeError);
    assert.throws(() => formatFrame({ retry: -1 }), TypeError);
    assert.throws(() => formatFrame({ retry: 1.5 }), TypeError);
  });

  test('prefixes every comment line, so a comment cannot smuggle a field', () => {
    assert.equal(formatComment('hello\ndata: evil'), ': hello\n: data: evil\n');
    assert.equal(parseStream(formatFrame({ comment: 'hello\ndata: evil' }))[0].data, undefined);
  });

  test('resumeIdOf: the header wins over the query parameter', () => {
    assert.equal(resumeIdOf({ headers: { 'last-event-id': 'a-3' }, url: '/e?lastEventId=a-1' }), 'a-3');
    assert.equal(resumeIdOf({ headers: {}, url: '/e?x=1&lastEventId=a-1' }), 'a-1');
    assert.equal(resumeIdOf({ headers: { 'last-event-id': '  ' }, url: '/e' }), undefined);
    assert.equal(resumeIdOf({ headers: {}, url: '/e' }), undefined);
  });
});

describe('SseHub', () => {
  test('answers with the event-stream headers and `retry:` first', async () => {
    const hub = createSseHub({ retryMs: 1234, instanceId: 't', headers: { 'Access-Control-Allow-Origin': '*' } });
    const base = await serve(hub);
    const client = await open(base);
    assert.equal(client.res.statusCode, 200);
    assert.equal(client.res.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.equal(client.res.headers['cache-control'], 'no-cache, no-transform');
    assert.equal(client.res.headers['x-accel-buffering'], 'no');
    assert.equal(client.res.headers.connection, 'keep-alive');
    assert.equal(client.res.headers['access-control-allow-origin'], '*');
    await until(() => client.text.length > 0, 'first bytes');
    assert.ok(client.text.startsWith('retry: 1234\n\n'), client.text);
    assert.equal(hub.clients, 1);
  });

  test('gives every message an id, in order, and writes it to every client', async () => {
    const hub = createSseHub({ instanceId: 'run1' });
    const base = await serve(hub);
    const a = await open(base);
    const b = await open(base);
    await until(() => hub.clients === 2, 'two clients');
    assert.equal(hub.lastEventId, 'run1-0', 'the id before any message');
    const ids = await Promise.all([
      await hub.send('deployment_progress', { projectId: 'p', message: 'one', level: 'info' }),
      await hub.send('container_status_changed', { projectId: 'p', oldStatus: 'deploying', newStatus: 'running' }),
      await hub.send('custom_event', { text: 'line 1\nline 2' }),
    ]);
    assert.deepEqual(ids, ['run1-1', 'run1-2', 'run1-3']);
    assert.equal(hub.lastEventId, 'run1-3');
    for (const client of [a, b]) {
      await until(() => client.messages.length === 3, 'three messages');
      const messages = client.messages;
      assert.deepEqual(messages.map((m) => m.id), ids);
      assert.deepEqual(messages.map((m) => m.event), ['deployment_progress', 'container_status_changed', 'custom_event']);
      assert.deepEqual(JSON.parse(messages[0].data), { projectId: 'p', message: 'one', level: 'info' });
      assert.deepEqual(JSON.parse(messages[2].data), { text: 'line 1\nline 2' });
    }
    assert.equal(hub.stats.sent, 3);
  });

  test('plain counters with instanceId ""; the default instance ids differ between hubs', async () => {
    const plain = createSseHub({ instanceId: '' });
    assert.equal(await plain.send('x', 1), '1');
    assert.equal(await plain.send('x', 2), '2');
    const one = await createSseHub().send('x', 1);
    const two = await createSseHub().send('x', 1);
    assert.notEqual(one, two);
    assert.match(one, /^[0-9a-z.]+-1$/);
  });

  test('refuses an event name with a line break, data with no JSON form, or what the protocol forbids, without using up an id', async () => {
    const hub = createSseHub({ instanceId: '', maxMessageBytes: 300 * 1024 });
    await assert.rejects(hub.send('bad\nname', {}), TypeError);
    await assert.rejects(hub.send('x', undefined), TypeError);
    // What a client would reject: a string over 64 KiB, an unknown status, a missing field.
    await assert.rejects(hub.send('deployment_progress', { projectId: 'p', message: 'm'.repeat(64 * 1024 + 1), level: 'info' }), /64|long/i);
    await assert.rejects(hub.send('container_status_changed', { projectId: 'p', oldStatus: 'running', newStatus: 'exploded' }), TypeError);
    await assert.rejects(hub.send('custom', { note: 'n'.repeat(64 * 1024 + 1) }), /over the protocol's limit of 65536/);
    await assert.rejects(hub.send('custom', { parts: Array.from({ length: 10 }, () => 'p'.repeat(40 * 1024)) }), RangeError);
    // A message about a project names it by a string, or it would reach every viewer.
    await assert.rejects(hub.send('custom', { projectId: 42, secret: 'tenant data' }), /projectId must be a string/);
    assert.equal(await hub.send('x', null), '1');
  });

  test('sends heartbeat comments, which are not messages', async () => {
    const hub = createSseHub({ heartbeatMs: 20 });
    const base = await serve(hub);
    const client = await open(base);
    await until(() => client.blocks.filter((b) => b.comments.includes('keep-alive')).length >= 2, 'two heartbeats');
    assert.ok(client.blocks.every((b) => b.data === undefined), 'a heartbeat is not a message');
  });

  test('resumes from the Last-Event-ID header with exactly the messages after it', async () => {
    const hub = createSseHub({ instanceId: 'r', snapshot: () => ({ projects: [] }) });
    const base = await serve(hub);
    for (let i = 1; i <= 5; i++) await hub.send('deployment_progress', { projectId: 'p', message: `line ${i}`, level: 'info' });
    const client = await open(base, { headers: { 'Last-Event-ID': 'r-2' } });
    await until(() => client.messages.length === 3, 'replay');
    assert.deepEqual(client.messages.map((m) => m.id), ['r-3', 'r-4', 'r-5']);
    assert.ok(!client.messages.some((m) => m.event === 'snapshot'), 'no snapshot on an exact resume');
    await hub.send('deployment_progress', { projectId: 'p', message: 'line 6', level: 'info' });
    await until(() => client.messages.length === 4, 'live after replay');
    assert.equal(client.messages[3].id, 'r-6');
    assert.equal(hub.stats.resumed, 1);
  });

  test('resumes from ?lastEventId= too, and the header wins over it', async () => {
    const hub = createSseHub({ instanceId: 'q', snapshot: () => ({ projects: [] }) });
    const base = await serve(hub);
    for (let i = 1; i <= 4; i++) await hub.send('x', i);
    const byQuery = await open(base, { path: '/events?lastEventId=q-3' });
    await until(() => byQuery.messages.length === 1, 'query replay');
    assert.equal(byQuery.messages[0].id, 'q-4');
    const both = await open(base, { path: '/events?lastEventId=q-1', headers: { 'Last-Event-ID': 'q-2' } });
    await until(() => both.messages.length === 2, 'header replay');
    assert.deepEqual(both.messages.map((m) => m.id), ['q-3', 'q-4']);
    // The latest id: nothing to replay, no snapshot.
    const current = await open(base, { path: '/events?lastEventId=q-4' });
    await hub.send('x', 5);
    await until(() => current.messages.length === 1, 'live only');
    assert.equal(current.messages[0].id, 'q-5');
  });

  test('an id older than the buffer gets a snapshot first, carrying the latest id, then live messages', async () => {
    let state = 'first';
    const hub = createSseHub({ instanceId: 'o', replayLimit: 3, snapshot: () => ({ projects: [{ projectId: 'p', status: 'running', note: state }] }) });
    const base = await serve(hub);
    for (let i = 1; i <= 6; i++) await hub.send('x', i);
    state = 'second';
    const old = await open(base, { headers: { 'Last-Event-ID': 'o-2' } });
    await hub.send('x', 7);
    await until(() => old.messages.length === 2, 'snapshot and live');
    const [snapshot, live] = old.messages;
    assert.equal(snapshot.event, 'snapshot');
    assert.equal(snapshot.id, 'o-6');
    assert.deepEqual(JSON.parse(snapshot.data), { projects: [{ projectId: 'p', status: 'running', note: 'second' }] });
    assert.equal(live.id, 'o-7');
    // The oldest id still replayable: o-3 is the one before the first held message (o-4).
    const edge = await open(base, { headers: { 'Last-Event-ID': 'o-4' } });
    await until(() => edge.messages.length === 3, 'edge replay');
    assert.deepEqual(edge.messages.map((m) => m.id), ['o-5', 'o-6', 'o-7']);
  });

  test('an id from another run, or one never issued, gets a snapshot', async () => {
    const hub = createSseHub({ instanceId: 'now', snapshot: () => ({ projects: [] }) });
    const base = await serve(hub);
    await hub.send('x', 1);
    for (const id of ['before-1', 'now-99', 'garbage']) {
      const client = await open(base, { headers: { 'Last-Event-ID': id } });
      await until(() => client.messages.length === 1, `snapshot for ${id}`);
      assert.equal(client.messages[0].event, 'snapshot');
      assert.equal(client.messages[0].id, 'now-1');
    }
  });

  test('a client with no id gets the snapshot first, unless snapshotOnConnect is false', async () => {
    const hub = createSseHub({ instanceId: 's', snapshot: () => ({ projects: [] }) });
    const base = await serve(hub);
    const fresh = await open(base);
    await until(() => fresh.messages.length === 1, 'snapshot');
    assert.equal(fresh.messages[0].event, 'snapshot');
    assert.equal(fresh.messages[0].id, 's-0', 'a snapshot before any message can be resumed from');

    const quietHub = createSseHub({ instanceId: 'n', snapshot: () => ({ projects: [] }), snapshotOnConnect: false });
    const quietBase = await serve(quietHub);
    const live = await open(quietBase);
    await until(() => quietHub.clients === 1, 'connected');
    await quietHub.send('x', 1);
    await until(() => live.messages.length === 1, 'live');
    assert.equal(live.messages[0].event, 'x');
  });

  test('without a snapshot, an id the hub cannot serve gets a `resync` event, never a silent gap', async () => {
    const hub = createSseHub({ instanceId: 'w', replayLimit: 2, logger: quiet() });
    const base = await serve(hub);
    for (let i = 1; i <= 5; i++) await hub.send('x', i);
    const client = await open(base, { headers: { 'Last-Event-ID': 'w-1' } });
    await until(() => client.messages.length === 1, 'resync');
    assert.equal(client.messages[0].event, 'resync');
    assert.deepEqual(JSON.parse(client.messages[0].data), { reason: 'resume-id-not-held', lastEventId: 'w-1' });
    assert.equal(client.messages[0].id, 'w-5', 'its id moves the client on');
    await hub.send('x', 6);
    await until(() => client.messages.length === 2, 'live after it');
    assert.equal(client.messages[1].id, 'w-6');
    assert.equal(hub.stats.resyncs, 1);
  });

  test('an async snapshot is followed by the messages sent while it was pending, in order', async () => {
    let release;
    const hub = createSseHub({
      instanceId: 'a',
      snapshot: () => new Promise((resolve) => (release = () => resolve({ projects: [] }))),
    });
    const base = await serve(hub);
    const client = await open(base);
    await until(() => release !== undefined, 'snapshot requested');
    await hub.send('x', 1);
    await hub.send('x', 2);
    release();
    await until(() => client.messages.length === 3, 'snapshot and queued');
    assert.deepEqual(client.messages.map((m) => [m.event, m.id]), [['snapshot', 'a-0'], ['x', 'a-1'], ['x', 'a-2']]);
    assert.ok(client.text.startsWith('retry: '), 'retry still first');
  });

  test('drops and logs a client that stops reading, and keeps serving the others', async () => {
    const logger = quiet();
    const hub = createSseHub({ instanceId: 'd', maxBufferedBytes: 256 * 1024, slowClientMs: 300, logger });
    const base = await serve(hub);
    const slow = await open(base);
    const fast = await open(base);
    await until(() => hub.clients === 2, 'two clients');
    // The slow client stops reading: the kernel buffers fill, then the server's queue grows.
    slow.res.pause();
    slow.res.socket.pause();
    const payload = 'x'.repeat(16 * 1024);
    let sent = 0;
    while (hub.stats.dropped === 0 && sent < 8000) {
      await hub.send('bulk', { i: sent, payload });
      sent += 1;
      // Let the healthy client read as it goes, as a real one would.
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(hub.stats.dropped, 1, `dropped after ${sent} messages`);
    assert.equal(hub.clients, 1);
    assert.equal(logger.lines.warn.length, 1);
    assert.match(logger.lines.warn[0], /dropped client #1: \d+ bytes waiting to be sent for over 300 ms \(limit 262144\)/);
    await hub.send('after', { ok: true });
    await until(() => fast.messages.some((m) => m.event === 'after'), 'healthy client still served', 10000);
    assert.equal(fast.messages.filter((m) => m.event === 'bulk').length, sent);
  });

  test('a catch-up larger than the limit does not get a resuming client dropped', async () => {
    const logger = quiet();
    const hub = createSseHub({ instanceId: 'c', maxBufferedBytes: 16 * 1024, logger });
    const base = await serve(hub);
    const payload = 'y'.repeat(8 * 1024);
    for (let i = 1; i <= 200; i++) await hub.send('bulk', { i, payload });
    const client = await open(base, { headers: { 'Last-Event-ID': 'c-0' } });
    await until(() => client.messages.length === 200, 'the whole replay (1.6 MB)', 10000);
    assert.equal(hub.stats.dropped, 0, logger.lines.warn.join('\n'));
    await hub.send('after', {});
    await until(() => client.messages.length === 201, 'live after the catch-up');
  });

  test('cleans up a closed socket: client count, heartbeat timer', async () => {
    const intervals = new Set();
    const realSet = globalThis.setInterval;
    const realClear = globalThis.clearInterval;
    globalThis.setInterval = (...args) => {
      const handle = realSet(...args);
      intervals.add(handle);
      return handle;
    };
    globalThis.clearInterval = (handle) => {
      intervals.delete(handle);
      realClear(handle);
    };
    try {
      const hub = createSseHub({ heartbeatMs: 10 });
      const base = await serve(hub);
      const a = await open(base);
      const b = await open(base);
      await until(() => hub.clients === 2, 'two clients');
      assert.equal(intervals.size, 1, 'one heartbeat timer for all clients');
      a.close();
      await until(() => hub.clients === 1, 'one left');
      assert.equal(intervals.size, 1);
      b.close();
      await until(() => hub.clients === 0, 'none left');
      assert.equal(intervals.size, 0, 'no timer without clients');
      // Sending with nobody listening is fine, and is kept for later resumes.
      await hub.send('x', 1);
      assert.equal(hub.stats.connections, 2);
    } finally {
      globalThis.setInterval = realSet;
      globalThis.clearInterval = realClear;
    }
  });

  test('close() tells every stream to reconnect soon, and so does every later request (never a 503); other methods get 405', async () => {
    const hub = createSseHub({ retryMs: 60000 });
    const base = await serve(hub);
    const client = await open(base);
    await until(() => hub.clients === 1, 'connected');
    await hub.close({ reconnectWithinMs: 1500 });
    await until(() => client.ended, 'stream ended');
    assert.equal(hub.clients, 0);
    assert.equal(hub.closed, true);
    const retries = client.blocks.filter((b) => b.retry !== undefined).map((b) => Number(b.retry));
    assert.equal(retries[0], 60000);
    assert.ok(retries.at(-1) >= 250 && retries.at(-1) <= 1500, `a short retry at the end: ${retries}`);
    const later = await open(base);
    await until(() => later.ended, 'answered and ended');
    assert.equal(later.res.statusCode, 200);
    assert.equal(later.res.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.equal(later.res.headers.connection, 'close', 'the retry may reach another instance');
    const retry = Number(later.blocks.find((b) => b.retry !== undefined)?.retry);
    assert.ok(retry >= 250 && retry <= 1500, `retry ${retry}`);

    const other = createSseHub();
    const otherBase = await serve(other);
    const post = await open(otherBase, { method: 'POST' });
    assert.equal(post.res.statusCode, 405);
    assert.equal(post.res.headers.allow, 'GET, HEAD, OPTIONS');
  });

  test('serves HTTP/2 (node:http2 compatibility API) without connection-specific headers', async () => {
    const hub = createSseHub({ instanceId: 'h2' });
    const server = http2.createServer((req, res) => hub.handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const session = http2.connect(`http://127.0.0.1:${server.address().port}`);
    try {
      const req = session.request({ ':path': '/events', 'last-event-id': 'h2-0' });
      const [headers] = await once(req, 'response');
      assert.equal(headers[':status'], 200);
      assert.equal(headers['content-type'], 'text/event-stream; charset=utf-8');
      assert.equal(headers.connection, undefined);
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => (text += chunk));
      await until(() => hub.clients === 1, 'connected');
      await hub.send('x', { a: 1 });
      await until(() => parseStream(text).some((b) => b.id === 'h2-1'), 'the message');
      req.close();
      await until(() => hub.clients === 0, 'cleaned up');
    } finally {
      session.close();
      hub.close();
      server.close();
    }
  });

  test('disconnectAll() ends the streams but keeps the hub and its buffer', async () => {
    const hub = createSseHub({ instanceId: 'k' });
    const base = await serve(hub);
    const client = await open(base);
    await until(() => hub.clients === 1, 'connected');
    await hub.send('x', 1);
    hub.disconnectAll();
    await until(() => client.ended, 'ended');
    await hub.send('x', 2);
    const again = await open(base, { headers: { 'Last-Event-ID': 'k-1' } });
    await until(() => again.messages.length === 1, 'resumed');
    assert.equal(again.messages[0].id, 'k-2');
  });
});
