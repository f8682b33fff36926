// The server under test, alone in its process: a `node:http` server on 127.0.0.1 that hands
// `GET /events` to the package's hub (`impl: 'hub'`), or to the floor (`impl: 'floor'`): a plain
// loop that keeps every response in an array and `res.write`s each message's text to those that
// should get it, with no check, no queue, no limit. It sends the messages itself, at the rate the
// runner asks, stamped with the monotonic clock; the runner reads its CPU time, RSS and the hub's
// stats over IPC.
//
//   node --expose-gc bench/server/hub-process.mjs '{"impl":"hub","bus":{"url":"redis://…"}}'
//
// A client's grant comes in its URL (`/events?grant=p1,p7` or `grant=*`), and `kind=slow` marks the
// clients that never read, so that drops can be counted by kind.
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { metricsMessage, nowMs, random, serveRequests, sleep } from './common.mjs';

const config = JSON.parse(process.argv[2] ?? '{}');
const dist = config.dist ?? resolve(import.meta.dirname, '../../dist/server');

/** Responses open now and closed so far, by the `kind` their URL gave. */
const open = new Map();
const closed = new Map();
const closedAt = new Map();
const warnings = { count: 0, samples: [] };

function queryOf(url) {
  const at = url.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
}

function grantOf(query) {
  const grant = query.get('grant') ?? '*';
  return grant === '*' ? '*' : grant.split(',').filter(Boolean);
}

function track(req, res) {
  const kind = queryOf(req.url ?? '').get('kind') ?? 'fast';
  if (!open.has(kind)) open.set(kind, new Set());
  open.get(kind).add(res);
  res.once('close', () => {
    if (!open.get(kind).delete(res)) return;
    closed.set(kind, (closed.get(kind) ?? 0) + 1);
    const at = closedAt.get(kind) ?? { first: nowMs(), last: 0 };
    at.last = nowMs();
    closedAt.set(kind, at);
  });
}

// ---- the two implementations: `handle(req, res)` and `send(data)` -------------------------------

async function packageHub() {
  const { createSseHub } = await import(pathToFileURL(`${dist}/index.js`).href);
  let bus;
  if (config.bus) {
    const { redisBus } = await import(pathToFileURL(`${dist}/redis.js`).href);
    bus = redisBus({ url: config.bus.url, stream: config.bus.stream ?? 'bench', maxLen: config.bus.maxLen ?? 10_000 });
  }
  const hub = createSseHub({
    authorize: (req) => ({ projects: grantOf(queryOf(req.url ?? '')) }),
    ...(bus ? { bus } : {}),
    heartbeatMs: 15_000,
    retryMs: 2000,
    snapshotOnConnect: false,
    ...(config.maxBufferedBytes ? { maxBufferedBytes: config.maxBufferedBytes } : {}),
    ...(config.maxQueuedBytes ? { maxQueuedBytes: config.maxQueuedBytes } : {}),
    ...(config.slowClientMs ? { slowClientMs: config.slowClientMs } : {}),
    logger: {
      warn(message) {
        warnings.count += 1;
        if (warnings.samples.length < 3) warnings.samples.push(String(message).slice(0, 200));
      },
    },
  });
  return {
    handle: (req, res) => hub.handle(req, res),
    send: (data) => hub.send('metrics_updated', data),
    stats: () => hub.stats,
  };
}

function floor() {
  const everyone = [];
  const byProject = new Map();
  let seq = 0;
  const remove = (list, res) => {
    const at = list.indexOf(res);
    if (at >= 0) list.splice(at, 1);
  };
  return {
    handle(req, res) {
      const grant = grantOf(queryOf(req.url ?? ''));
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
      req.socket.setNoDelay(true);
      res.write('retry: 2000\n\n');
      const lists = grant === '*' ? [everyone] : grant.map((project) => byProject.get(project) ?? byProject.set(project, []).get(project));
      for (const list of lists) list.push(res);
      res.once('close', () => lists.forEach((list) => remove(list, res)));
    },
    send(data) {
      const text = `id: ${++seq}\nevent: metrics_updated\ndata: ${JSON.stringify(data)}\n\n`;
      for (const res of everyone) res.write(text);
      const some = byProject.get(data.projectId);
      if (some) for (const res of some) res.write(text);
      return String(seq);
    },
    stats: () => undefined,
  };
}

const impl = config.impl === 'floor' ? floor() : await packageHub();

const server = http.createServer({ noDelay: true }, (req, res) => {
  if (!(req.url ?? '').startsWith('/events')) {
    res.writeHead(404).end();
    return;
  }
  track(req, res);
  Promise.resolve(impl.handle(req, res)).catch((error) => {
    warnings.count += 1;
    if (warnings.samples.length < 3) warnings.samples.push(`handle: ${String(error?.message ?? error).slice(0, 200)}`);
    if (!res.headersSent) res.writeHead(500).end();
  });
});
server.maxConnections = 1_000_000;
server.on('clientError', (_error, socket) => socket.destroy());
await new Promise((done) => server.listen({ port: 0, host: '127.0.0.1', backlog: 65535 }, done));

// ---- sampling: peaks of RSS, the hub's queued bytes and the bytes held for each kind of client ----

let sampler;
function heldBytes() {
  const held = {};
  for (const [kind, set] of open) {
    let bytes = 0;
    for (const res of set) bytes += res.writableLength ?? 0;
    held[kind] = bytes;
  }
  return held;
}

/**
 * Samples every `everyMs` until `sampleStop`: the peaks, and with `series` every sample as
 * `[time (monotonic ms), rss, heapUsed, stats.queuedBytes, bytes held for the slow clients]`, to
 * see when memory grew and when a slow client went past its limit.
 */
function startSampling({ held = false, everyMs = 100, series = false } = {}) {
  const peaks = { rss: 0, heapTotal: 0, heapUsed: 0, queuedBytes: 0, held: {}, samples: 0, series: series ? [] : undefined };
  const take = () => {
    peaks.samples += 1;
    const memory = process.memoryUsage();
    peaks.rss = Math.max(peaks.rss, memory.rss);
    peaks.heapTotal = Math.max(peaks.heapTotal, memory.heapTotal);
    peaks.heapUsed = Math.max(peaks.heapUsed, memory.heapUsed);
    const queued = impl.stats()?.queuedBytes;
    if (typeof queued === 'number') peaks.queuedBytes = Math.max(peaks.queuedBytes, queued);
    const kinds = held ? heldBytes() : {};
    for (const [kind, bytes] of Object.entries(kinds)) peaks.held[kind] = Math.max(peaks.held[kind] ?? 0, bytes);
    peaks.series?.push([Math.round(nowMs()), memory.rss, memory.heapUsed, typeof queued === 'number' ? queued : null, kinds.slow ?? null]);
  };
  take();
  const timer = setInterval(take, everyMs);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const stop = () => {
    clearInterval(timer);
    take();
    loop.disable();
    // Event-loop delay: how late a 5 ms timer ran, in ms.
    peaks.loopDelay = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
    return peaks;
  };
  sampler = { peaks, stop };
}

// ---- the send loop --------------------------------------------------------------------------------

/**
 * Sends `rate` messages a second for `seconds`, each to a project drawn at random from `projects`,
 * stamped with the time just before `send`. Stops when the time is up even if it fell behind (the
 * achieved rate then says so). Sends are not awaited one by one: with a bus, `send` resolves once
 * the bus holds the message, and waiting for each would cap the rate at one round trip per message.
 * The messages due together go out in one task, as from one read of an upstream queue, but never
 * more than 5 ms worth of them: a loop that fell behind catches up in slices, with I/O between
 * them, instead of sending everything overdue as one burst.
 */
async function sendLoop({ rate, seconds, projects, pad = 0, seed = 1 }) {
  const draw = random(seed);
  const padding = pad ? 'x'.repeat(pad) : undefined;
  const counts = new Array(projects.length).fill(0);
  const pending = [];
  /** How long each `send` took to resolve (with a bus: the round trip to it), in ms. */
  const settled = [];
  let failed = 0;
  let firstError;
  let sent = 0;
  let behind = 0;
  const interval = 1000 / rate;
  const start = nowMs();
  const end = start + seconds * 1000;
  const slice = Math.max(1, Math.ceil(rate / 200));
  for (;;) {
    let now = nowMs();
    if (now >= end) break;
    let inTask = 0;
    while (start + sent * interval <= now && inTask < slice) {
      inTask += 1;
      behind = Math.max(behind, now - (start + sent * interval));
      const index = Math.floor(draw() * projects.length);
      let result;
      try {
        result = impl.send(metricsMessage(now, projects[index], sent, padding));
      } catch (error) {
        failed += 1;
        firstError ??= String(error?.message ?? error);
      }
      if (result && typeof result.then === 'function') {
        const at = now;
        pending.push(
          result.then(() => settled.push(nowMs() - at), (error) => {
            failed += 1;
            firstError ??= String(error?.message ?? error);
          }),
        );
      }
      counts[index] += 1;
      sent += 1;
      now = nowMs();
      if (now >= end) break;
    }
    const wait = start + sent * interval - nowMs();
    await (wait > 0 ? sleep(wait) : new Promise((resolve) => setImmediate(resolve)));
  }
  const elapsed = nowMs() - start;
  await Promise.all(pending);
  settled.sort((a, b) => a - b);
  const settle = settled.length ? { p50: settled[Math.floor(settled.length / 2)], p99: settled[Math.floor(settled.length * 0.99)], max: settled[settled.length - 1] } : undefined;
  return { sent, counts, elapsed, startedAt: start, endedAt: start + elapsed, rate: (sent / elapsed) * 1000, failed, firstError, behindMs: behind, settle };
}

serveRequests({
  stats({ held = false } = {}) {
    const memory = process.memoryUsage();
    return {
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      external: memory.external,
      cpu: process.cpuUsage(),
      hub: impl.stats() ?? null,
      open: Object.fromEntries([...open].map(([kind, set]) => [kind, set.size])),
      closed: Object.fromEntries(closed),
      closedAt: Object.fromEntries(closedAt),
      held: held ? heldBytes() : undefined,
      warnings,
      now: nowMs(),
    };
  },
  async gc() {
    for (let i = 0; i < 3; i++) {
      globalThis.gc?.();
      await sleep(20);
    }
    return process.memoryUsage();
  },
  send: (args) => sendLoop(args),
  sampleStart: (args) => void startSampling(args),
  sampleStop: () => sampler?.stop(),
  exit: () => process.exit(0),
});

process.send({ ready: true, port: server.address().port, pid: process.pid });
