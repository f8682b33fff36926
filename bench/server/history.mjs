// The history's cost, alone in its process (bench/runner/server.mjs starts it with --expose-gc and
// reads the JSON it prints last): recording one `metrics_updated` (the store alone, and as part of
// `hub.send`, with the in-process bus and through Redis), answering a 30 d query, and the memory
// 1,000 projects' roll-ups and kept lines take, in this process's heap and in Redis.
//
//   node --expose-gc bench/server/history.mjs '{"dist":"…/dist/server","redisUrl":"redis://…","projects":1000}'
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const config = JSON.parse(process.argv[2] ?? '{}');
const dist = config.dist ?? resolve(import.meta.dirname, '../../dist/server');
const PROJECTS = config.projects ?? 1000;
const quick = Boolean(config.quick);
const { createSseHub, memoryBus, memoryHistory } = await import(pathToFileURL(`${dist}/index.js`).href);

const HOUR = 3_600_000;
const ids = Array.from({ length: PROJECTS }, (_, i) => `project-${i}`);
const quiet = { warn() {} };
let seed = 7;
/** A seeded random source: the same projects and values every run. */
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
const pick = () => ids[Math.floor(random() * PROJECTS)];
const sample = (time) => ({ time, cpu: Math.round(random() * 1000) / 10, memory: 128 + Math.round(random() * 5120) / 10, requests: Math.floor(random() * 1e6) });
const metrics = (projectId, seq) => ({ projectId, cpu: seq % 100, memory: 256 + (seq % 512), requests: seq, uptime: `${Math.floor(seq / 60)}m` });
const now = () => performance.now();
const gc = () => {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
};
const heap = () => {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

/** 30 days of hourly samples, oldest first, ending at `end`: every bucket of the 30 d range. */
const month = (end) => Array.from({ length: 720 }, (_, h) => sample(end - (719 - h) * HOUR));

/** A typical deployment's lines (20 of ~100 bytes) for `project`, then its end. */
async function deployments(send, projectId, count, lines) {
  for (let d = 0; d < count; d++) {
    await send('container_status_changed', { projectId, oldStatus: 'running', newStatus: 'deploying' });
    for (let i = 0; i < lines; i++) await send('deployment_progress', { projectId, message: `Step ${i}: building layer ${i} of the image (${d})`, level: 'info', step: 'Building image', progress: (i * 100) / lines });
    await send('container_status_changed', { projectId, oldStatus: 'deploying', newStatus: d % 3 === 2 ? 'error' : 'running' });
  }
}

/** Sends `count` messages with `inFlight` at a time; resolves with µs per message and messages/s. */
async function timedSends(send, count, inFlight) {
  let next = 0;
  const start = now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const seq = next++;
        await send('metrics_updated', metrics(pick(), seq));
      }
    }),
  );
  const ms = now() - start;
  return { us: (ms * 1000) / count, perSecond: Math.round(count / (ms / 1000)), count, inFlight };
}

/** Runs `work` for every item, `width` at a time. */
async function inBatches(items, width, work) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

const result = { projects: PROJECTS };

// --- In-process ---------------------------------------------------------------------------------------
{
  const end = Date.UTC(2025, 5, 1);
  let clock = end;
  const before = heap();
  const store = memoryHistory({ now: () => clock });
  for (const projectId of ids) await store.seed(projectId, month(end));
  const rollups = heap() - before;
  // The store alone: records spread over the projects, the clock a second on each time.
  const records = quick ? 100_000 : 500_000;
  let t = now();
  for (let i = 0; i < records; i++) {
    clock += 1000;
    store.recordNow({ kind: 'metrics', projectId: pick(), time: clock, cpu: i % 100, memory: 256 + (i % 512), requests: i, uptime: '1m' }, String(i));
  }
  let ms = now() - t;
  result.memoryRecord = { us: (ms * 1000) / records, perSecond: Math.round(records / (ms / 1000)), records };
  const afterRecords = heap() - before;
  // A 30 d query of a random project: 720 buckets.
  const queries = quick ? 2000 : 10_000;
  t = now();
  let points = 0;
  for (let i = 0; i < queries; i++) points += (await store.query(pick(), '30d', clock)).points.length;
  ms = now() - t;
  const answer = JSON.stringify(await store.query(ids[0], '30d', clock));
  result.memoryQuery = { us: (ms * 1000) / queries, points: points / queries, jsonBytes: Buffer.byteLength(answer) };
  t = now();
  for (let i = 0; i < 1000; i++) JSON.stringify(await store.query(pick(), '30d', clock));
  result.memoryQuery.withJsonUs = (now() - t) * 1;
  // Kept lines: five deployments of 20 lines per project.
  const linesBefore = heap();
  let serial = 0;
  const send = async (event, data) => {
    const time = clock;
    const entry =
      event === 'deployment_progress'
        ? { kind: 'line', projectId: data.projectId, time, line: JSON.stringify({ message: data.message, level: data.level, timestamp: new Date(time).toISOString(), step: data.step, progress: data.progress }), at: new Date(time).toISOString() }
        : { kind: 'status', projectId: data.projectId, time, status: data.newStatus, at: new Date(time).toISOString() };
    store.recordNow(entry, String(++serial));
  };
  for (const projectId of ids) await deployments(send, projectId, 5, 20);
  const lines = heap() - linesBefore;
  result.memoryBytes = { rollupsAndPoints: rollups / PROJECTS, afterRecords: afterRecords / PROJECTS, lines: lines / PROJECTS, lineJson: store.size.lineBytes / PROJECTS, keptLines: store.size.lines / PROJECTS, rollupBytes: store.size.rollupBytes / PROJECTS };
}

// --- hub.send with the in-process bus, with and without history ----------------------------------------
{
  const count = quick ? 50_000 : 200_000;
  const runs = {};
  for (const history of [true, false]) {
    const hub = createSseHub({ bus: memoryBus({ replayLimit: 1000 }), history, logger: quiet });
    for (const projectId of ids) await hub.send('metrics_updated', metrics(projectId, 0));
    await timedSends((e, d) => hub.send(e, d), 20_000, 1);
    runs[history ? 'with' : 'without'] = await timedSends((e, d) => hub.send(e, d), count, 1);
    await hub.close();
  }
  result.memorySend = runs;
}

// --- Redis -------------------------------------------------------------------------------------------------
if (config.redisUrl) {
  const { redisBus } = await import(pathToFileURL(`${dist}/redis.js`).href);
  const { createClient } = await import('redis');
  const admin = createClient({ url: config.redisUrl });
  admin.on('error', () => {});
  await admin.connect();
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await admin.info('memory'))[1]);
  await admin.flushAll();
  const base = await usedMemory();

  // Seeding 1,000 projects' 30 days (pipelined), then the roll-ups' memory.
  const end = Date.now();
  const hub = createSseHub({ bus: redisBus({ url: config.redisUrl, stream: 'bench-history', maxLen: 10_000 }), logger: quiet });
  let t = now();
  // Eight projects at a time: node-redis fails a command that waits over 5 s to be sent.
  await inBatches(ids, 8, (projectId) => hub.seedHistory(projectId, month(end)));
  result.redisSeed = { ms: now() - t, samples: PROJECTS * 720 };
  const seeded = await usedMemory();
  const key = `bench-history:history:m:${ids[0]}`;
  result.redisBytes = { rollupsAndPoints: (seeded - base) / PROJECTS, rollupKey: Number(await admin.sendCommand(['MEMORY', 'USAGE', key])) };

  // hub.send through Redis: one at a time (a round trip each) and 256 in flight, with history (one
  // script: XADD and the records) and without (a plain XADD).
  const plain = createSseHub({ bus: redisBus({ url: config.redisUrl, stream: 'bench-plain', maxLen: 10_000 }), history: false, logger: quiet });
  const sends = {};
  for (const [name, target] of [['with', hub], ['without', plain]]) {
    await timedSends((e, d) => target.send(e, d), 2000, 1);
    sends[name] = {
      serial: await timedSends((e, d) => target.send(e, d), quick ? 3000 : 10_000, 1),
      concurrent: await timedSends((e, d) => target.send(e, d), quick ? 20_000 : 100_000, 256),
    };
  }
  result.redisSend = sends;

  // A 30 d query: one at a time, and 64 at a time.
  const queries = quick ? 1000 : 5000;
  t = now();
  for (let i = 0; i < queries; i++) await hub.history(pick(), '30d');
  const serialMs = now() - t;
  let next = 0;
  t = now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next++ < queries) await hub.history(pick(), '30d');
    }),
  );
  result.redisQuery = { us: (serialMs * 1000) / queries, concurrentPerSecond: Math.round(queries / ((now() - t) / 1000)), points: (await hub.history(ids[0], '30d')).points.length };

  // Kept lines: five deployments of 20 lines per project.
  const beforeLines = await usedMemory();
  await inBatches(ids, 64, (projectId) => deployments((e, d) => hub.send(e, d), projectId, 5, 20));
  const afterLines = await usedMemory();
  // The stream holds the messages too: what the history adds is the rest.
  const streamBytes = Number(await admin.sendCommand(['MEMORY', 'USAGE', 'bench-history', 'SAMPLES', '0']));
  result.redisBytes.lines = (afterLines - beforeLines - streamBytes) / PROJECTS;
  result.redisBytes.linesWithStream = (afterLines - beforeLines) / PROJECTS;
  result.redisBytes.total = (afterLines - base - streamBytes) / PROJECTS;
  await hub.close();
  await plain.close();
  await admin.flushAll();
  await admin.quit();
}

process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
