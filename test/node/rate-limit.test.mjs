// Rate limits, end to end over real sockets: the stream, the history REST handler and a host's own
// route (`hub.limit`), in one process on a driven clock, and on real redis-servers across two hub
// instances, through an outage (fail open) and a hang (timeout). Headers are parsed as a client
// would and checked against each other.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { once } from 'node:events';
import { createClient } from 'redis';
import { MemoryRateLimitStore, addressKey, clientAddress, createRateLimiter, createSseHub } from '../../dist/server/index.js';
import { RedisRateLimitStore, redisBus } from '../../dist/server/redis.js';
import { startRedis } from '../../scripts/redis.mjs';

const open = [];
const hubs = [];
const servers = [];

afterEach(async () => {
  for (const req of open.splice(0)) req.destroy();
  for (const hub of hubs.splice(0)) await hub.close({ reconnectWithinMs: 250 });
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** Warnings kept, debug dropped. */
function logger() {
  const warnings = [];
  return { warnings, warn: (message) => warnings.push(message) };
}

/** Viewer from `X-Viewer` (none: counted by address); `X-Refuse` → 401. */
const authorize = (req) => (req.headers['x-refuse'] ? null : { projects: '*', viewer: req.headers['x-viewer'] });

const HISTORY = '/projects/api/metrics?range=24h';

/**
 * A hub behind a real HTTP server: `/events` (the stream), `/projects/:id/metrics` (history) and
 * `/act?policy=…` (a host's own route, limited with `hub.limit`, `actions` by default).
 */
async function serve(options) {
  const hub = createSseHub({ authorize, heartbeatMs: 0, ...options });
  hubs.push(hub);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/events') return void hub.handle(req, res);
    if (url.pathname.endsWith('/metrics')) return void hub.handleHistory(req, res);
    if (url.pathname === '/act') {
      const scope = await hub.scopeOf(req);
      if (!scope) return void res.writeHead(401).end();
      try {
        if (!(await hub.limit(req, res, url.searchParams.get('policy') ?? 'actions', scope))) return;
      } catch (error) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        return void res.end(`${error.name}: ${error.message}`);
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end('{"done":true}');
    }
    res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { hub, port: server.address().port };
}

/**
 * One request from `from` (any 127.x address is this machine). A stream answered 200 is left open
 * (closed after the test) and resolved at its headers; anything else is read to its end.
 */
function call(port, path, { method = 'GET', headers = {}, from = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false, localAddress: from }, (res) => {
      const answer = { status: res.statusCode, headers: res.headers, body: '', json: undefined };
      if (res.statusCode === 200 && res.headers['content-type']?.startsWith('text/event-stream')) {
        open.push(req);
        return resolve(answer);
      }
      res.setEncoding('utf8');
      res.on('data', (chunk) => (answer.body += chunk));
      res.on('end', () => {
        if (res.headers['content-type']?.startsWith('application/json') && answer.body) answer.json = JSON.parse(answer.body);
        resolve(answer);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The figures of a response, parsed as a client would; `undefined` fields where a header is absent. */
function figures(headers) {
  const policy = /^"([A-Za-z0-9_.-]+)";q=(\d+);w=(\d+)$/.exec(headers['ratelimit-policy'] ?? '');
  const limit = /^"([A-Za-z0-9_.-]+)";r=(\d+);t=(\d+)$/.exec(headers.ratelimit ?? '');
  const number = (value) => (value === undefined ? undefined : Number(value));
  return {
    policy: policy?.[1],
    q: number(policy?.[2]),
    w: number(policy?.[3]),
    name: limit?.[1],
    r: number(limit?.[2]),
    t: number(limit?.[3]),
    xLimit: number(headers['x-ratelimit-limit']),
    xRemaining: number(headers['x-ratelimit-remaining']),
    xReset: number(headers['x-ratelimit-reset']),
    retryAfter: number(headers['retry-after']),
  };
}

/** Both header families say the same thing, as of `nowMs` on the server's clock. */
function assertAgree(f, nowMs) {
  assert.ok(f.policy && f.name, 'RateLimit-Policy and RateLimit are present and well formed');
  assert.equal(f.name, f.policy, 'RateLimit names the policy RateLimit-Policy describes');
  assert.equal(f.xLimit, f.q, 'X-RateLimit-Limit is q');
  assert.equal(f.xRemaining, f.r, 'X-RateLimit-Remaining is r');
  assert.ok(f.t >= 1 && f.t <= f.w, `t (${f.t}) within the window (${f.w})`);
  assert.ok(Math.abs(f.xReset - (nowMs / 1000 + f.t)) <= 1, `X-RateLimit-Reset (${f.xReset}) is now + t (${nowMs / 1000} + ${f.t})`);
}

/** A clock the test moves. */
function manualClock(start = Date.UTC(2030, 0, 1)) {
  const clock = { t: start, now: () => clock.t, advance: (ms) => (clock.t += ms) };
  return clock;
}

/** A hub on the memory bus and a driven clock, with 30 minutes of history for `api`. */
async function memoryHub(rateLimit, more = {}) {
  const clock = manualClock();
  const log = logger();
  const served = await serve({ rateLimit: rateLimit && { now: clock.now, ...rateLimit }, history: { now: clock.now }, logger: log, ...more });
  await served.hub.seedHistory('api', [{ time: clock.t - 30 * 60_000, cpu: 12, memory: 200, requests: 40 }]);
  return { ...served, clock, log };
}

describe('without a rateLimit option', () => {
  test('nothing is limited and no rate-limit header is sent: the behaviour of before', async () => {
    const { hub, port } = await memoryHub(undefined);
    for (let i = 0; i < 30; i++) {
      const answer = await call(port, HISTORY, { headers: { 'x-viewer': 'alice' } });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.ratelimit, undefined);
      assert.equal(answer.headers['ratelimit-policy'], undefined);
      assert.equal(answer.headers['x-ratelimit-limit'], undefined);
    }
    for (let i = 0; i < 10; i++) {
      const stream = await call(port, '/events', { headers: { 'x-viewer': 'alice' } });
      assert.equal(stream.status, 200);
      assert.equal(stream.headers.ratelimit, undefined);
    }
    const acted = await call(port, '/act?policy=anything', { method: 'POST' });
    assert.equal(acted.status, 200, 'hub.limit() lets everything through');
    assert.equal(acted.headers.ratelimit, undefined);
    assert.equal(await hub.rateLimit({ headers: {}, on() {} }), null);
    assert.equal(hub.stats.rateLimited, 0);
  });
});

describe('in one process (memory), on a driven clock', () => {
  test('history REST: the figures on every answer, 429 past the limit with Retry-After = t and { error, retryAfter }, reset after the window', async () => {
    const { hub, port, clock } = await memoryHub({ limit: 3, windowMs: 60_000 });
    const alice = { headers: { 'x-viewer': 'alice' } };
    for (const [left, reset] of [[2, 60], [1, 59], [0, 58]]) {
      const answer = await call(port, HISTORY, alice);
      assert.equal(answer.status, 200);
      assert.equal(answer.json.projectId, 'api');
      const f = figures(answer.headers);
      assert.deepEqual([f.policy, f.q, f.w, f.r, f.t], ['default', 3, 60, left, reset]);
      assert.equal(f.retryAfter, undefined, 'no Retry-After while allowed');
      assertAgree(f, clock.t);
      clock.advance(1000);
    }
    const refused = await call(port, HISTORY, alice);
    assert.equal(refused.status, 429);
    assert.match(refused.headers['content-type'], /^application\/json/);
    assert.equal(refused.headers['cache-control'], 'no-store');
    const f = figures(refused.headers);
    assertAgree(f, clock.t);
    assert.equal(f.r, 0);
    assert.equal(f.t, 57, 'the window opened 3 s ago');
    assert.equal(f.retryAfter, f.t, 'Retry-After is the reset');
    assert.deepEqual(Object.keys(refused.json).sort(), ['error', 'retryAfter']);
    assert.equal(refused.json.retryAfter, f.t);
    assert.match(refused.json.error, /too many requests/i);

    clock.advance(30_000);
    const later = figures((await call(port, HISTORY, alice)).headers);
    assert.deepEqual([later.t, later.retryAfter, later.r], [27, 27, 0], 'still refused, and told how long is left');

    clock.advance(27_000);
    const again = await call(port, HISTORY, alice);
    assert.equal(again.status, 200, 'a new window');
    assert.deepEqual([figures(again.headers).r, figures(again.headers).t], [2, 60]);
    assert.equal(hub.stats.rateLimited, 2);
  });

  test('the stream: new connections counted apart from REST, 429 with the headers, open again after the window', async () => {
    const { hub, port, clock } = await memoryHub({ limit: 100, windowMs: 60_000, stream: { limit: 2, windowMs: 10_000 } });
    const bob = { headers: { 'x-viewer': 'bob' } };
    for (const left of [1, 0]) {
      const stream = await call(port, '/events', bob);
      assert.equal(stream.status, 200);
      assert.match(stream.headers['content-type'], /^text\/event-stream/);
      const f = figures(stream.headers);
      assert.deepEqual([f.policy, f.q, f.w, f.r, f.t], ['stream', 2, 10, left, 10]);
      assertAgree(f, clock.t);
    }
    const refused = await call(port, '/events', bob);
    assert.equal(refused.status, 429);
    const f = figures(refused.headers);
    assert.deepEqual([f.policy, f.r, f.retryAfter, refused.json.retryAfter], ['stream', 0, 10, 10]);
    assert.equal(hub.clients, 2, 'no stream opened for the refused request');

    const rest = await call(port, HISTORY, bob);
    assert.equal(rest.status, 200, 'REST counts apart');
    assert.equal(figures(rest.headers).r, 99);

    clock.advance(10_000);
    assert.equal((await call(port, '/events', bob)).status, 200, 'a new window');
  });

  test('keyed by viewer: two viewers are independent, one viewer from two addresses shares its count', async () => {
    const { port } = await memoryHub({ limit: 2, windowMs: 60_000 });
    const as = (viewer, from) => call(port, HISTORY, { headers: { 'x-viewer': viewer }, from });
    assert.equal(figures((await as('alice', '127.0.0.1')).headers).r, 1);
    assert.equal(figures((await as('alice', '127.0.0.2')).headers).r, 0, 'the same viewer from another address');
    assert.equal((await as('alice', '127.0.0.3')).status, 429);
    const bob = await as('bob', '127.0.0.1');
    assert.equal(bob.status, 200, 'another viewer from the same address');
    assert.equal(figures(bob.headers).r, 1);
  });

  test('without a viewer: keyed by the address; behind trusted proxies, by the X-Forwarded-For entry they saw', async () => {
    const { port } = await memoryHub({ limit: 1, windowMs: 60_000 });
    assert.equal((await call(port, HISTORY, { from: '127.0.0.1' })).status, 200);
    assert.equal((await call(port, HISTORY, { from: '127.0.0.1' })).status, 429);
    assert.equal((await call(port, HISTORY, { from: '127.0.0.2' })).status, 200, 'another address');
    assert.equal((await call(port, HISTORY, { from: '127.0.0.2', headers: { 'x-forwarded-for': '198.51.100.7' } })).status, 429, 'X-Forwarded-For is ignored without trustProxy');

    const proxied = await memoryHub({ limit: 1, windowMs: 60_000, trustProxy: 1 });
    const via = (forwarded) => call(proxied.port, HISTORY, { headers: { 'x-forwarded-for': forwarded } });
    assert.equal((await via('203.0.113.5')).status, 200);
    assert.equal((await via('10.9.9.9, 203.0.113.5')).status, 429, 'a forged leftmost entry does not make a new client');
    assert.equal((await via('203.0.113.6')).status, 200, 'another client behind the proxy');
  });

  test('requests that authorize refuses get 401 and use no quota', async () => {
    const { port } = await memoryHub({ limit: 2, windowMs: 60_000 });
    for (let i = 0; i < 5; i++) assert.equal((await call(port, HISTORY, { headers: { 'x-refuse': '1' } })).status, 401);
    assert.equal(figures((await call(port, HISTORY)).headers).r, 1);
  });

  test("a host's route with hub.limit(): its own policy, headers on the answer it writes, 429 past it; an unknown policy is an error", async () => {
    const { port, clock } = await memoryHub({ limit: 50, windowMs: 60_000, policies: { actions: { limit: 2, windowMs: 10_000 } } });
    const carol = { method: 'POST', headers: { 'x-viewer': 'carol' } };
    for (const left of [1, 0]) {
      const answer = await call(port, '/act', carol);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { done: true });
      const f = figures(answer.headers);
      assert.deepEqual([f.policy, f.q, f.w, f.r], ['actions', 2, 10, left]);
      assertAgree(f, clock.t);
    }
    const refused = await call(port, '/act', carol);
    assert.equal(refused.status, 429);
    assert.equal(refused.json.retryAfter, figures(refused.headers).retryAfter);
    assert.equal(refused.json.done, undefined, "the route's own answer is not written");

    const other = await call(port, '/act?policy=default', carol);
    assert.equal(other.status, 200, 'the default policy counts apart');
    assert.equal(figures(other.headers).policy, 'default');

    const unknown = await call(port, '/act?policy=nope', carol);
    assert.equal(unknown.status, 500);
    assert.match(unknown.body, /^TypeError: .*no policy named "nope"/);
  });

  test('cross-origin: the figures are exposed to the page, and a 429 carries the CORS headers', async () => {
    const { port } = await memoryHub({ limit: 1, windowMs: 60_000 }, { cors: { origins: ['https://panel.example'] } });
    const headers = { origin: 'https://panel.example', 'x-viewer': 'dave' };
    const allowed = await call(port, HISTORY, { headers });
    assert.equal(allowed.status, 200);
    const exposed = allowed.headers['access-control-expose-headers'].split(/,\s*/);
    for (const name of ['RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']) assert.ok(exposed.includes(name), name);
    const refused = await call(port, HISTORY, { headers });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers['access-control-allow-origin'], 'https://panel.example');
    assert.ok(refused.headers['access-control-expose-headers'].includes('Retry-After'));
    assert.equal((await call(port, HISTORY, { headers: { 'x-viewer': 'erin' } })).headers['access-control-expose-headers'], undefined, 'same-origin: nothing to expose');
  });

  test('legacyHeaders: false leaves out X-RateLimit-*', async () => {
    const { port } = await memoryHub({ limit: 5, windowMs: 60_000, legacyHeaders: false });
    const answer = await call(port, HISTORY);
    assert.equal(figures(answer.headers).r, 4);
    assert.equal(answer.headers['x-ratelimit-limit'], undefined);
  });

  test('memory stays bounded: expired windows are swept as requests arrive, and past maxKeys the oldest is forgotten with a warning', async () => {
    const full = [];
    const store = new MemoryRateLimitStore({ maxKeys: 3, onFull: () => full.push(1) });
    const t0 = 1_000_000;
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) await store.hit(key, 10_000, t0 + i);
    assert.equal(store.size, 3);
    assert.equal(full.length, 1);
    assert.deepEqual(await store.hit('a', 10_000, t0 + 10), { count: 1, resetMs: 10_000 }, '"a", the oldest, was forgotten');
    assert.equal((await store.hit('d', 10_000, t0 + 11)).count, 2, '"d" was kept');
    await store.hit('e', 10_000, t0 + 10_009);
    assert.equal(store.size, 2, '"c" and "d", whose windows ended, were swept; "a" and "e" are left');
    assert.equal((await store.hit('a', 10_000, t0 + 10_009)).count, 2);

    const { port, log } = await memoryHub({ limit: 5, windowMs: 60_000, maxKeys: 2 });
    for (const viewer of ['v1', 'v2', 'v3', 'v4']) assert.equal((await call(port, HISTORY, { headers: { 'x-viewer': viewer } })).status, 200);
    assert.equal(log.warnings.filter((line) => /maxKeys/.test(line)).length, 1, 'one warning, not one per eviction');
  });

  test('options are checked', () => {
    assert.throws(() => createRateLimiter({ limit: 0, windowMs: 1000 }), TypeError);
    assert.throws(() => createRateLimiter({ limit: 1.5, windowMs: 1000 }), TypeError);
    assert.throws(() => createRateLimiter({ limit: 1, windowMs: 0 }), TypeError);
    assert.throws(() => createRateLimiter({ limit: 1, windowMs: 1000, policies: { 'bad name': { limit: 1 } } }), TypeError);
    assert.throws(() => createRateLimiter({ limit: 1, windowMs: 1000, policies: { stream: { limit: 1 } } }), TypeError);
    assert.throws(() => createSseHub({ rateLimit: { limit: -1, windowMs: 1000 } }), TypeError);
    const limiter = createRateLimiter({ limit: 1, windowMs: 1500, stream: false });
    assert.equal(limiter.has('stream'), false);
    assert.equal(limiter.policies.get('default').windowMs, 1500);
  });

  test('addresses: IPv6 by its /64, IPv4-mapped as IPv4, ports and zones dropped, X-Forwarded-For by hops', () => {
    assert.equal(addressKey('203.0.113.9'), '203.0.113.9');
    assert.equal(addressKey('::ffff:203.0.113.9'), '203.0.113.9');
    assert.equal(addressKey('2001:db8:1:2:3:4:5:6'), '2001:0db8:0001:0002::/64');
    assert.equal(addressKey('2001:DB8:1:2::9'), '2001:0db8:0001:0002::/64');
    assert.equal(addressKey('fe80::1%eth0'), 'fe80:0000:0000:0000::/64');
    assert.equal(addressKey('::1'), '0000:0000:0000:0000::/64');
    assert.equal(addressKey('64:ff9b::192.0.2.1'), '0064:ff9b:0000:0000::/64');
    assert.equal(addressKey('not an address'), 'not an address');
    const req = (forwarded, peer = '10.0.0.1') => ({ headers: { 'x-forwarded-for': forwarded }, socket: { remoteAddress: peer } });
    assert.equal(clientAddress(req('198.51.100.1, 192.0.2.7')), '10.0.0.1', 'no trusted proxy: the peer');
    assert.equal(clientAddress(req('198.51.100.1, 192.0.2.7'), 1), '192.0.2.7');
    assert.equal(clientAddress(req('198.51.100.1, 192.0.2.7'), 2), '198.51.100.1');
    assert.equal(clientAddress(req('198.51.100.1'), 5), '198.51.100.1', 'fewer entries than hops: the leftmost');
    assert.equal(clientAddress(req('[2001:db8::1]:443'), 1), '2001:db8::1');
    assert.equal(clientAddress(req('192.0.2.7:5123'), 1), '192.0.2.7');
    assert.equal(clientAddress(req(undefined), 1), '10.0.0.1');
  });
});

describe('on Redis, across instances', () => {
  let redis;
  let streams = 0;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  /** Two hub instances (each behind its own server) on one Redis stream. */
  async function twoInstances(rateLimit, busOptions = {}) {
    const stream = `rate-${++streams}`;
    const make = () => serve({ bus: redisBus({ url: redis.url, stream, blockMs: 200, ...busOptions }), rateLimit, history: false, logger: logger() });
    return { stream, a: await make(), b: await make() };
  }

  test('the two stores agree: counts per key, the reset within the window, keys independent', async () => {
    const client = await createClient({ url: redis.url }).connect();
    try {
      const stores = { memory: new MemoryRateLimitStore(), redis: new RedisRateLimitStore(client, { prefix: `contract-${++streams}` }) };
      for (const [kind, store] of Object.entries(stores)) {
        const now = Date.now();
        const counts = [];
        for (let i = 0; i < 3; i++) {
          const { count, resetMs } = await store.hit('default:viewer:k', 5000, now);
          counts.push(count);
          assert.ok(resetMs > 4000 && resetMs <= 5000, `${kind}: resetMs ${resetMs}`);
        }
        assert.deepEqual(counts, [1, 2, 3], kind);
        assert.equal((await store.hit('default:viewer:other', 5000, now)).count, 1, `${kind}: another key`);
        assert.equal((await store.hit('actions:viewer:k', 5000, now)).count, 1, `${kind}: another policy`);
      }
    } finally {
      client.destroy();
    }
  });

  test('one limit across two instances, for host routes and streams; the headers agree; the key expires with its window', async () => {
    const { stream, a, b } = await twoInstances({ limit: 3, windowMs: 60_000, stream: { limit: 1, windowMs: 60_000 }, policies: { actions: { limit: 3, windowMs: 60_000 } } });
    const frank = { method: 'POST', headers: { 'x-viewer': 'frank' } };
    const seen = [];
    for (const port of [a.port, b.port, a.port]) {
      const answer = await call(port, '/act', frank);
      assert.equal(answer.status, 200);
      const f = figures(answer.headers);
      assertAgree(f, Date.now());
      seen.push(f.r);
    }
    assert.deepEqual(seen, [2, 1, 0], 'each instance sees the count of both');
    const refused = await call(b.port, '/act', frank);
    assert.equal(refused.status, 429);
    assert.equal(refused.json.retryAfter, figures(refused.headers).retryAfter);
    assert.ok(refused.json.retryAfter >= 59 && refused.json.retryAfter <= 60);
    assert.equal((await call(a.port, '/act', { ...frank, headers: { 'x-viewer': 'grace' } })).status, 200, 'another viewer');

    assert.equal((await call(a.port, '/events', { headers: { 'x-viewer': 'frank' } })).status, 200);
    assert.equal((await call(b.port, '/events', { headers: { 'x-viewer': 'frank' } })).status, 429, 'the stream limit holds across instances too');

    const client = await createClient({ url: redis.url }).connect();
    try {
      const ttl = Number(await client.sendCommand(['PTTL', `${stream}:ratelimit:actions:viewer:frank`]));
      assert.ok(ttl > 0 && ttl <= 60_000, `the count lives one window (PTTL ${ttl})`);
    } finally {
      client.destroy();
    }
  });

  test('the window resets on Redis (by its own clock)', async () => {
    const { a, b } = await twoInstances({ limit: 1, windowMs: 1000 });
    const hank = { method: 'POST', headers: { 'x-viewer': 'hank' } };
    assert.equal((await call(a.port, '/act?policy=default', hank)).status, 200);
    const refused = await call(b.port, '/act?policy=default', hank);
    assert.equal(refused.status, 429);
    assert.equal(refused.json.retryAfter, 1);
    const refusedAt = Date.now();
    let answer;
    for (;;) {
      answer = await call(b.port, '/act?policy=default', hank);
      if (answer.status === 200 || Date.now() - refusedAt > 3000) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(answer.status, 200, 'served again once the window ended');
    assert.ok(Date.now() - refusedAt <= 1000 + 300, 'within Retry-After (and a poll)');
    assert.equal(figures(answer.headers).r, 0);
  });
});

describe('when the store fails', () => {
  test('Redis down: requests are served (never 500), uncounted, with one warning; counting resumes when Redis is back', async () => {
    const down = await startRedis();
    try {
      const log = logger();
      const { hub, port } = await serve({
        bus: redisBus({ url: down.url, stream: 'rate-down', blockMs: 200, reconnectMaxMs: 200 }),
        rateLimit: { limit: 2, windowMs: 60_000 },
        history: false,
        logger: log,
      });
      const ivy = { method: 'POST', headers: { 'x-viewer': 'ivy' } };
      assert.equal(figures((await call(port, '/act?policy=default', ivy)).headers).r, 1);
      await down.stop();
      for (let i = 0; i < 5; i++) {
        const answer = await call(port, '/act?policy=default', ivy);
        assert.equal(answer.status, 200, 'served while Redis is down');
        assert.equal(answer.headers.ratelimit, undefined, 'no figures it does not have');
      }
      const stream = await call(port, '/events', { headers: { 'x-viewer': 'ivy' } });
      assert.equal(stream.status, 200, 'streams open too');
      assert.ok(hub.stats.rateLimitFailedOpen >= 6);
      assert.equal(log.warnings.filter((line) => /rate-limit store/.test(line)).length, 1, log.warnings.join('\n'));

      await down.restart();
      const back = Date.now();
      let answer;
      do {
        await new Promise((resolve) => setTimeout(resolve, 50));
        answer = await call(port, '/act?policy=default', ivy);
      } while (answer.headers.ratelimit === undefined && Date.now() - back < 10_000);
      assert.equal(answer.status, 200);
      // Redis restarted empty (no persistence): a fresh window.
      assert.equal(figures(answer.headers).r, 1, 'counting again once Redis is back');
      assert.ok(log.warnings.some((line) => /rate-limit store counts again; \d+ request\(s\) were served uncounted/.test(line)), log.warnings.join('\n'));
    } finally {
      await down.stop();
    }
  });

  test('Redis hangs: after timeoutMs the request is served uncounted', async () => {
    const hung = await startRedis();
    try {
      const { port } = await serve({
        bus: redisBus({ url: hung.url, stream: 'rate-hang', blockMs: 200 }),
        rateLimit: { limit: 2, windowMs: 60_000, timeoutMs: 150 },
        history: false,
        logger: logger(),
      });
      const jo = { method: 'POST', headers: { 'x-viewer': 'jo' } };
      assert.equal(figures((await call(port, '/act?policy=default', jo)).headers).r, 1);
      process.kill(hung.pid, 'SIGSTOP');
      try {
        const started = Date.now();
        const answer = await call(port, '/act?policy=default', jo);
        assert.equal(answer.status, 200);
        assert.equal(answer.headers.ratelimit, undefined);
        const took = Date.now() - started;
        assert.ok(took >= 140 && took < 1500, `served after the timeout (${took} ms)`);
      } finally {
        process.kill(hung.pid, 'SIGCONT');
      }
    } finally {
      await hung.stop();
    }
  });
});
