// The hub in production: who sees what, revocation, sharing the work of a send and of a snapshot,
// bursts against slow clients, the process's memory cap, CORS and what reaches the logs. Real
// sockets on loopback, the in-process bus (the Redis bus runs the same hub: bus.test.mjs and
// cluster.test.mjs).
import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { once } from 'node:events';
import { createSseHub } from '../../dist/server/index.js';
import { fetchOnce, sseClient, until } from './sse-client.mjs';

const servers = [];
const clients = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const { server, hub } of servers.splice(0)) {
    await hub.close({ reconnectWithinMs: 250 });
    server.closeAllConnections();
    server.close();
  }
});

function logger() {
  const lines = { warn: [], debug: [] };
  return { lines, warn: (m) => lines.warn.push(m), debug: (m) => lines.debug.push(m) };
}

/** A `node:http` server whose every request goes to the hub; resolves with its port. */
async function serve(hub) {
  const server = createServer((req, res) => hub.handle(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push({ server, hub });
  return server.address().port;
}

function open(port, path = '/events', options) {
  const client = sseClient(port, path, options);
  clients.push(client);
  return client;
}


/** `authorize` from the URL: `?grant=a,b`, `?grant=*`, no grant → refused. */
const grantFromUrl = (req) => {
  const grant = new URL(req.url, 'http://x').searchParams.get('grant');
  if (grant === null) return null;
  return { projects: grant === '*' ? '*' : grant.split(',') };
};

const line = (projectId, message) => ['deployment_progress', { projectId, message, level: 'info' }];
const texts = (client) => client.messages.filter((m) => m.event === 'deployment_progress').map((m) => JSON.parse(m.data).message);

describe('who sees what', () => {
  test('authorize answering null: 401 and no stream; throwing or rejecting: 500, logged, and the hub serves on', async () => {
    const log = logger();
    let mode = 'null';
    const hub = createSseHub({
      logger: log,
      authorize: async (req) => {
        if (mode === 'throw') throw new Error('token store down');
        if (mode === 'reject') return Promise.reject(new Error('nope'));
        return grantFromUrl(req);
      },
    });
    const port = await serve(hub);
    const refused = await fetchOnce(port, '/events');
    assert.equal(refused.status, 401);
    assert.equal(hub.clients, 0);
    assert.equal(hub.stats.unauthorized, 1);
    for (mode of ['throw', 'reject']) {
      const failed = await fetchOnce(port, '/events?grant=*');
      assert.equal(failed.status, 500);
    }
    assert.equal(log.lines.warn.length, 2);
    assert.match(log.lines.warn[0], /authorize\(\) failed for GET "\/events\?grant=\*" from "127\.0\.0\.1": "token store down"; answered 500/);
    mode = 'ok';
    const fine = open(port, '/events?grant=*');
    await until(() => fine.connected, 'served after the failures');
    assert.equal(fine.status, 200);
  });

  test('a grant of the wrong shape is an error (500), never "everything"', async () => {
    const log = logger();
    for (const grant of [{ projects: 'all' }, { projects: [1, 2] }, {}, { projects: ['a'], expiresAt: 'soon' }]) {
      const hub = createSseHub({ logger: log, authorize: () => grant });
      const port = await serve(hub);
      assert.equal((await fetchOnce(port, '/events')).status, 500, JSON.stringify(grant));
    }
    assert.match(log.lines.warn[0], /must answer \{ projects: string\[\] \| '\*' \} or null/);
  });

  test("live messages reach only the viewers who may see their project; ?projects= narrows and never widens; a message about no project reaches all", async () => {
    const hub = createSseHub({ authorize: grantFromUrl });
    const port = await serve(hub);
    const a = open(port, '/events?grant=tenant-a');
    const b = open(port, '/events?grant=tenant-b');
    const all = open(port, '/events?grant=*');
    const narrowed = open(port, '/events?grant=tenant-a,tenant-b&projects=tenant-b');
    const widening = open(port, '/events?grant=tenant-a&projects=tenant-a,tenant-b');
    const nothing = open(port, '/events?grant=tenant-a&projects=tenant-b');
    await until(() => hub.clients === 6, 'six viewers');
    await hub.send(...line('tenant-a', 'a secret'));
    await hub.send(...line('tenant-b', 'b secret'));
    await hub.send('announcement', { text: 'maintenance at 5' });
    await until(() => all.messages.length === 3, 'all three');
    await until(() => a.messages.length === 2 && b.messages.length === 2 && nothing.messages.length === 1, 'the others');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(texts(a), ['a secret']);
    assert.deepEqual(texts(b), ['b secret']);
    assert.deepEqual(texts(all), ['a secret', 'b secret']);
    assert.deepEqual(texts(narrowed), ['b secret']);
    assert.deepEqual(texts(widening), ['a secret'], 'asking for more than the grant gets no more');
    assert.deepEqual(texts(nothing), []);
    for (const client of [a, b, all, narrowed, widening, nothing]) assert.equal(client.messages.at(-1).event, 'announcement');
  });

  test('snapshots list only the viewer’s projects; one that cannot be filtered is not sent', async () => {
    const log = logger();
    const projects = ['a', 'b', 'c'].map((projectId) => ({ projectId, status: 'running' }));
    const hub = createSseHub({ authorize: grantFromUrl, snapshot: () => ({ projects }) });
    const port = await serve(hub);
    const viewer = open(port, '/events?grant=a,c');
    const all = open(port, '/events?grant=*');
    await until(() => viewer.messages.length === 1 && all.messages.length === 1, 'snapshots');
    assert.deepEqual(JSON.parse(viewer.messages[0].data).projects.map((p) => p.projectId), ['a', 'c']);
    assert.deepEqual(JSON.parse(all.messages[0].data).projects.map((p) => p.projectId), ['a', 'b', 'c']);

    const odd = createSseHub({ authorize: grantFromUrl, snapshot: () => ({ state: 'whatever' }), logger: log });
    const oddPort = await serve(odd);
    const scoped = open(oddPort, '/events?grant=a');
    await until(() => scoped.ended, 'closed rather than sent whole');
    assert.deepEqual(scoped.messages, []);
    assert.match(log.lines.warn[0], /cannot be filtered for a viewer with limited projects, so none was sent/);
  });

  test('a snapshot sent through send() reaches each viewer filtered to its projects, live and on resume', async () => {
    const hub = createSseHub({ authorize: grantFromUrl });
    const port = await serve(hub);
    const a = open(port, '/events?grant=a');
    const all = open(port, '/events?grant=*');
    await until(() => hub.clients === 2, 'two viewers');
    const projects = ['a', 'b'].map((projectId) => ({ projectId, status: 'stopped' }));
    await hub.send('snapshot', { projects });
    await until(() => a.messages.length === 1 && all.messages.length === 1, 'the snapshot');
    assert.deepEqual(JSON.parse(a.messages[0].data).projects.map((p) => p.projectId), ['a']);
    assert.deepEqual(JSON.parse(all.messages[0].data).projects.map((p) => p.projectId), ['a', 'b']);
    a.close();
    await hub.send('snapshot', { projects });
    a.reconnect(port);
    await until(() => a.messages.length === 2, 'the replayed snapshot');
    assert.deepEqual(JSON.parse(a.messages[1].data).projects.map((p) => p.projectId), ['a']);
  });

  test('reauthorize(): a viewer refused now is cut off at once and gets 401 on reconnect; one whose projects changed gets a fresh snapshot and the new projects only', async () => {
    const grants = new Map([
      ['alice', ['a', 'b']],
      ['bob', ['a']],
    ]);
    const projects = ['a', 'b', 'c'].map((projectId) => ({ projectId, status: 'running' }));
    const hub = createSseHub({
      authorize: (req) => {
        const who = new URL(req.url, 'http://x').searchParams.get('who');
        return grants.has(who) ? { projects: grants.get(who) } : null;
      },
      snapshot: () => ({ projects }),
    });
    const port = await serve(hub);
    const alice = open(port, '/events?who=alice');
    const bob = open(port, '/events?who=bob');
    await until(() => alice.messages.length === 1 && bob.messages.length === 1, 'snapshots');
    grants.delete('bob');
    grants.set('alice', ['b', 'c']);
    assert.deepEqual(await hub.reauthorize(), { checked: 2, closed: 1, changed: 1 });
    await until(() => bob.ended, 'bob cut off');
    await until(() => alice.messages.length === 2, 'a fresh snapshot for alice');
    assert.equal(alice.messages[1].event, 'snapshot');
    assert.deepEqual(JSON.parse(alice.messages[1].data).projects.map((p) => p.projectId), ['b', 'c']);
    await hub.send(...line('a', 'a after'));
    await hub.send(...line('c', 'c after'));
    await until(() => texts(alice).length === 1, 'c');
    assert.deepEqual(texts(alice), ['c after']);
    assert.equal((await fetchOnce(port, '/events?who=bob')).status, 401);
    assert.equal(hub.stats.revoked, 1);
  });

  test('expiresAt: the stream closes when the grant expires, and a reconnect with the expired grant gets 401', async () => {
    const expiresAt = Date.now() + 400;
    const hub = createSseHub({ authorize: () => ({ projects: '*', expiresAt }) });
    const port = await serve(hub);
    const client = open(port);
    await until(() => client.connected, 'open');
    const opened = Date.now();
    await until(() => client.ended, 'closed at expiry', 3000);
    assert.ok(Date.now() >= expiresAt - 20 && Date.now() - opened < 2000, 'closed at the expiry, not before');
    assert.equal((await fetchOnce(port, '/events')).status, 401);
  });

  test('scopeOf(req) gives a REST endpoint the same answer as the stream', async () => {
    const hub = createSseHub({ authorize: grantFromUrl });
    const scope = await hub.scopeOf({ url: '/api/projects?grant=a,b&projects=b,z', headers: {} });
    assert.equal(scope.allows('b'), true);
    assert.equal(scope.allows('a'), false);
    assert.equal(scope.allows('z'), false);
    assert.equal(await hub.scopeOf({ url: '/api/projects', headers: {} }), null);
    assert.deepEqual(scope.filterSnapshot([{ projectId: 'a' }, { projectId: 'b' }]), [{ projectId: 'b' }]);
  });
});

describe('the cost of a send and of a snapshot', () => {
  test('a message is serialised once, whatever the number of viewers and scopes', async () => {
    const hub = createSseHub({ authorize: grantFromUrl });
    const port = await serve(hub);
    const viewers = [];
    for (let i = 0; i < 30; i++) viewers.push(open(port, `/events?grant=${['p', `q${i}`, '*'][i % 3]}`));
    await until(() => hub.clients === 30, 'thirty viewers');
    let serialised = 0;
    await hub.send('custom', { projectId: 'p', toJSON() {
      serialised += 1;
      return { projectId: 'p', text: 'once' };
    } });
    await until(() => viewers.filter((v) => v.messages.length === 1).length === 20, 'the twenty that may see it');
    assert.equal(serialised, 1);
  });

  test('the snapshot is computed once for clients connecting together, and filtered once per scope', async () => {
    let release;
    const gate = new Promise((resolve) => (release = resolve));
    const hub = createSseHub({
      authorize: grantFromUrl,
      snapshot: async () => {
        await gate;
        return { projects: ['a', 'b'].map((projectId) => ({ projectId, status: 'running' })) };
      },
    });
    const port = await serve(hub);
    const viewers = Array.from({ length: 100 }, (_, i) => open(port, `/events?grant=${i % 2 ? 'a' : 'b'}`));
    await until(() => hub.clients === 100, 'a hundred waiting');
    await hub.send(...line('a', 'sent while the snapshot was pending'));
    release();
    await until(() => viewers.every((v) => v.messages.length >= 1), 'every snapshot');
    assert.equal(hub.stats.snapshotCalls, 1);
    assert.equal(hub.stats.snapshots, 100);
    await until(() => viewers.filter((v, i) => i % 2).every((v) => texts(v).length === 1), 'the line after the snapshot');
    viewers.forEach((viewer, i) => {
      assert.deepEqual(JSON.parse(viewer.messages[0].data).projects.map((p) => p.projectId), [i % 2 ? 'a' : 'b']);
    });
  });

  test('a snapshot that never answers times out: the waiting clients are told to retry, and the next one starts afresh', async () => {
    const log = logger();
    let calls = 0;
    const hub = createSseHub({
      logger: log,
      snapshotTimeoutMs: 200,
      snapshot: () => (++calls === 1 ? new Promise(() => {}) : { projects: [] }),
    });
    const port = await serve(hub);
    const stuck = open(port);
    await until(() => stuck.ended, 'ended after the timeout', 3000);
    assert.match(log.lines.warn[0], /snapshot\(\) failed for client #1: "snapshot\(\) did not answer within 200 ms"/);
    const next = open(port);
    await until(() => next.messages.length === 1, 'a snapshot from a fresh call');
    assert.equal(calls, 2);
  });
});

describe('bursts, slow clients and the memory cap', () => {
  test('a burst is not a slow client: 1,100 sends of 1 KB in one tick reach all ten healthy clients', async () => {
    const log = logger();
    const hub = createSseHub({ logger: log });
    const port = await serve(hub);
    const viewers = Array.from({ length: 10 }, () => open(port));
    await until(() => hub.clients === 10, 'ten clients');
    const payload = 'b'.repeat(1024);
    await Promise.all(Array.from({ length: 1100 }, (_, i) => hub.send(...line('p', `${i} ${payload}`))));
    await until(() => viewers.every((v) => v.messages.length === 1100), () => viewers.map((v) => v.messages.length).join(','), 10000);
    assert.equal(hub.stats.dropped, 0, log.lines.warn.join('\n'));
    assert.equal(hub.stats.shed, 0);
    for (const viewer of viewers) assert.deepEqual(texts(viewer).map((t) => Number(t.split(' ')[0])), Array.from({ length: 1100 }, (_, i) => i));
  });

  test('past the process cap the clients with the most waiting are shed, and the fast ones keep everything', async () => {
    const log = logger();
    const cap = 4 * 1024 * 1024;
    const hub = createSseHub({ logger: log, maxQueuedBytes: cap, maxBufferedBytes: 8 * 1024 * 1024, slowClientMs: 60000, replayLimit: 5000, replayBytes: 64 * 1024 * 1024 });
    const port = await serve(hub);
    const stalled = Array.from({ length: 4 }, () => open(port));
    const fast = Array.from({ length: 2 }, () => open(port));
    await until(() => hub.clients === 6, 'six clients');
    for (const client of stalled) {
      client.res.pause();
      client.res.socket.pause();
    }
    const payload = 's'.repeat(16 * 1024);
    let sent = 0;
    let peak = 0;
    while (hub.stats.shed < 4 && sent < 3000) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => hub.send('bulk', { n: sent + i, payload })));
      sent += 10;
      peak = Math.max(peak, hub.stats.queuedBytes);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(hub.stats.shed, 4, `shed after ${sent} messages`);
    assert.ok(peak <= cap * 1.1, `queued bytes stayed near the cap: peak ${peak}`);
    await until(() => fast.every((c) => c.messages.length === sent), 'the fast clients got every message', 10000);
    assert.equal(hub.clients, 2);
    assert.match(log.lines.warn[0], /shed client #\d+ to stay under maxQueuedBytes/);
  });

  test('the replay buffer is bounded by bytes as well as count', async () => {
    const hub = createSseHub({ instanceId: 'rb', replayLimit: 1000, replayBytes: 8 * 1024, snapshot: () => ({ projects: [] }) });
    const port = await serve(hub);
    for (let i = 1; i <= 20; i++) await hub.send('bulk', { payload: 'r'.repeat(1024) });
    const old = open(port, '/events', { lastId: 'rb-2' });
    await until(() => old.messages.length === 1, 'a snapshot, not a replay');
    assert.equal(old.messages[0].event, 'snapshot');
    const recent = open(port, '/events', { lastId: 'rb-17' });
    await until(() => recent.messages.length === 3, 'a replay');
    assert.deepEqual(recent.messages.map((m) => m.id), ['rb-18', 'rb-19', 'rb-20']);
  });
});

describe('at the edges', () => {
  test('client-supplied values reach the log escaped and cut short', async () => {
    const log = logger();
    const hub = createSseHub({ logger: log, snapshot: () => ({ projects: [] }) });
    const port = await serve(hub);
    const forged = open(port, `/events?lastEventId=${encodeURIComponent('x\n[live-elements/server] forged line')}`);
    const long = open(port, '/events', { lastId: 'L'.repeat(14 * 1024) });
    await until(() => forged.messages.length === 1 && long.messages.length === 1, 'both served');
    const lines = log.lines.debug.filter((l) => /asked to resume/.test(l));
    assert.equal(lines.length, 2);
    for (const entry of lines) assert.ok(!/[\r\n]/.test(entry), `one line: ${entry}`);
    assert.match(lines[0], /"x\\n\[live-elements\/server\] forged line"/);
    assert.ok(lines[1].length < 300, `cut short: ${lines[1].length} characters`);
    assert.match(lines[1], /…\(14272 more\)/);
  });

  test('a response another handler already started is logged and closed, never an unhandled rejection', async () => {
    const log = logger();
    const hub = createSseHub({ logger: log });
    const server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('already answered');
      void hub.handle(req, res);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    servers.push({ server, hub });
    const req = request({ host: '127.0.0.1', port: server.address().port, path: '/events', agent: false });
    req.on('error', () => {});
    req.end();
    await new Promise((resolve) => {
      req.on('response', (res) => {
        res.on('error', () => {});
        res.on('close', resolve);
        res.resume();
      });
      req.on('close', resolve);
    });
    await until(() => log.lines.warn.length === 1, 'logged');
    assert.match(log.lines.warn[0], /serving GET "\/events" from "127\.0\.0\.1" failed: .*headers/i);
    assert.equal(hub.clients, 0);
  });

  test('CORS: an allowed origin gets its preflight answered and the stream; another origin is refused', async () => {
    const hub = createSseHub({ cors: { origins: ['https://panel.example.com'], credentials: true } });
    const port = await serve(hub);
    const preflight = await fetchOnce(port, '/events', {
      method: 'OPTIONS',
      headers: { Origin: 'https://panel.example.com', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization, last-event-id' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://panel.example.com');
    assert.equal(preflight.headers['access-control-allow-credentials'], 'true');
    assert.match(preflight.headers['access-control-allow-headers'], /Authorization/);
    assert.match(preflight.headers['access-control-allow-headers'], /Last-Event-ID/);
    assert.match(preflight.headers['access-control-allow-methods'], /GET/);
    assert.equal(preflight.headers.vary, 'Origin');
    const stream = open(port, '/events', { headers: { Origin: 'https://panel.example.com', Authorization: 'Bearer t' } });
    await until(() => stream.connected, 'stream');
    assert.equal(stream.res.headers['access-control-allow-origin'], 'https://panel.example.com');

    const elsewhere = await fetchOnce(port, '/events', { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' } });
    assert.equal(elsewhere.status, 403);
    assert.equal(elsewhere.headers['access-control-allow-origin'], undefined);
    const evilStream = await fetchOnce(port, '/events', { headers: { Origin: 'https://evil.example' } });
    assert.equal(evilStream.status, 403);
    const wrong = await fetchOnce(port, '/events', { method: 'DELETE' });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.allow, 'GET, HEAD, OPTIONS');
  });
});
