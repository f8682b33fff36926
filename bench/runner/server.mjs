// Scenario 7: the server helper under load, with no browser. The hub runs in a process of its own
// (bench/server/hub-process.mjs) and the SSE clients in one or two more (bench/server/load.mjs),
// over real sockets on 127.0.0.1; every process is started through bash with its file-descriptor
// limit raised to the hard limit. Beside the hub, the same load is served by the floor: a plain
// `res.write` loop in the same kind of process. Returns `{ rows, notes, samples }` like the browser
// scenarios. Its parts: fanout, share, redis, slow (one stalled client beside fast ones), stalled
// (400 beside 100), broadcast and history (the cost of recording, querying and keeping metrics
// history, bench/server/history.mjs); BENCH_SERVER_PARTS picks some of them.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BINS, metricsMessage, percentile, random } from '../server/common.mjs';
import { median } from './stats.mjs';
import { budget } from './scenarios.mjs';

const root = resolve(import.meta.dirname, '../..');
const HUB = resolve(root, 'bench/server/hub-process.mjs');
const HISTORY = resolve(root, 'bench/server/history.mjs');
const LOAD = resolve(root, 'bench/server/load.mjs');
const KB = 1024;
const MB = 1024 * 1024;
const BASE = 'plain res.write loop';

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const fmt = (n) => n.toLocaleString('en-US');
const pct = (share) => `${Number((share * 100).toFixed(1))}%`;

// ---- processes ----------------------------------------------------------------------------------

const children = new Set();

function killAll() {
  for (const child of children) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}

/**
 * Starts `node script config` through `bash -c 'ulimit -n $(ulimit -Hn) && exec node …'`, with an
 * IPC channel (the descriptor survives the `exec`). Resolves once the process says it is ready, with
 * `request(cmd, args)` to drive it and `stop()` to kill it.
 */
async function startNode(script, config = {}, { label = script, timeoutMs = 60_000 } = {}) {
  // BENCH_SERVER_NODE_FLAGS adds Node flags to the hub processes, e.g. `--cpu-prof --cpu-prof-dir=bench/out/prof`.
  const flags = script === HUB ? (process.env.BENCH_SERVER_NODE_FLAGS ?? '') : '';
  const child = spawn('bash', ['-c', `ulimit -n "$(ulimit -Hn)" && exec node --expose-gc ${flags} "$0" "$1"`, script, JSON.stringify(config)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  // A message to a process that has just died fails here, and its exit rejects what was waiting.
  child.on('error', () => {});
  const waiting = new Map();
  let serial = 0;
  let exited = false;
  let readyInfo;
  const ready = new Promise((done, fail) => {
    child.on('message', (message) => {
      if (message.ready) {
        readyInfo = message;
        done(message);
        return;
      }
      const entry = waiting.get(message.id);
      if (!entry) return;
      waiting.delete(message.id);
      clearTimeout(entry.timer);
      if (message.error) entry.fail(new Error(`${label}: ${message.error}`));
      else entry.done(message.result);
    });
    child.on('exit', (code, signal) => {
      exited = true;
      children.delete(child);
      const error = new Error(`${label} exited (${signal ?? code})`);
      fail(error);
      for (const entry of waiting.values()) {
        clearTimeout(entry.timer);
        entry.fail(error);
      }
      waiting.clear();
    });
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    await ready;
  } finally {
    clearTimeout(timer);
  }
  return {
    pid: child.pid,
    info: readyInfo,
    request(cmd, args = {}, ms = 300_000) {
      if (exited) return Promise.reject(new Error(`${label} is gone`));
      const id = ++serial;
      return new Promise((done, fail) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          fail(new Error(`${label}: no answer to ${cmd} in ${ms / 1000} s`));
        }, ms);
        waiting.set(id, { done, fail, timer });
        child.send({ id, cmd, ...args });
      });
    },
    async stop() {
      if (exited) return;
      const gone = new Promise((done) => child.once('exit', done));
      // With flags (a profile to write), the process is asked to exit first.
      if (flags) child.send({ id: 0, cmd: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), flags ? 10_000 : 0);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** CPU time of the whole machine so far, in ms: busy (all processes) and total, from /proc/stat. */
function machineCpu() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] ?? 0);
    const total = fields.reduce((a, b) => a + b, 0);
    const tick = 1000 / 100;
    return { busy: (total - idle) * tick, total: total * tick };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/** CPU time (user + system) of a process so far, in ms, from /proc/<pid>/stat. */
function processCpu(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** The bytes the kernel holds in the send queues of the established sockets of `port` (`ss` Send-Q). */
function kernelQueues(port) {
  return new Promise((done) => {
    execFile('ss', ['-tnH', 'state', 'established', `( sport = :${port} )`], { maxBuffer: 64 * MB }, (error, stdout) => {
      if (error) return done(NaN);
      let sendQ = 0;
      for (const line of stdout.split('\n')) {
        const fields = line.trim().split(/\s+/);
        if (fields.length >= 2) sendQ += Number(fields[1]) || 0;
      }
      done(sendQ);
    });
  });
}

// ---- grants -------------------------------------------------------------------------------------

/**
 * The fan-out's viewers: 2% see every project (`*`), the others one to three of the 50 projects,
 * drawn at random (seeded).
 */
function fanoutGrants(count, projects = 50, seed = 7) {
  const draw = random(seed);
  const grants = [];
  for (let i = 0; i < count; i++) {
    if (draw() < 0.02) {
      grants.push('*');
      continue;
    }
    const want = 1 + Math.floor(draw() * 3);
    const set = new Set();
    while (set.size < want) set.add(`p${Math.floor(draw() * projects)}`);
    grants.push([...set].join(','));
  }
  return grants;
}

/** The share of the clients that may see a message for a random one of `projects` projects. */
function meanShare(grants, projects) {
  let sum = 0;
  for (const grant of grants) sum += grant === '*' ? 1 : grant.split(',').length / projects;
  return sum / grants.length;
}

/**
 * Grants for the share sweep: client i sees `p{i mod 100}` (shared with 1% of the clients),
 * `p{100 + i mod 10}` (10%) and `p110` (everyone), so one set of connections serves the three
 * shares: a message for p0…p99 reaches 1%, for p100…p109 10%, for p110 all.
 */
function shareGrants(count) {
  return Array.from({ length: count }, (_, i) => `p${i % 100},p${100 + (i % 10)},p110`);
}
const SHARE_PROJECTS = {
  0.01: Array.from({ length: 100 }, (_, i) => `p${i}`),
  0.1: Array.from({ length: 10 }, (_, i) => `p${100 + i}`),
  1: ['p110'],
};

// ---- a session: hub processes, load processes, clients connected --------------------------------

/**
 * Starts `hubs` (configs for hub-process.mjs) and `loaders` load processes, opens and closes a few
 * streams (so that the server's code and pools exist before memory is compared), measures the
 * hubs' memory with no client, connects `clients` (`{ grant, kind, hub }`), measures the memory
 * again and the hubs' CPU time while idle. Returns the handles and the readings.
 */
async function openSession({ hubs, clients, loaders = 1, timing }) {
  const session = { hubs: [], loads: [], clients, timing };
  try {
    session.hubs = await Promise.all(hubs.map((config, i) => startNode(HUB, config, { label: `hub process ${i + 1} (${config.impl})` })));
    session.ports = session.hubs.map((hub) => hub.info.port);
    session.loads = await Promise.all(Array.from({ length: loaders }, (_, i) => startNode(LOAD, {}, { label: `load process ${i + 1}` })));
    const warmup = session.ports.flatMap((_, port) => Array.from({ length: 50 }, () => ({ port, grant: '*', kind: 'warmup' })));
    await session.loads[0].request('connect', { ports: session.ports, list: warmup });
    await session.loads[0].request('close');
    for (let i = 0; i < 50; i++) {
      const open = await Promise.all(session.hubs.map((hub) => hub.request('stats')));
      if (open.every((s) => !s.open.warmup)) break;
      await sleep(20);
    }
    session.empty = await Promise.all(session.hubs.map((hub) => hub.request('gc').then(() => hub.request('stats'))));
    const parts = session.loads.map(() => []);
    clients.forEach((client, i) => parts[i % loaders].push({ port: client.hub ?? 0, grant: client.grant, kind: client.kind ?? 'fast' }));
    const connected = await Promise.all(session.loads.map((load, i) => load.request('connect', { ports: session.ports, list: parts[i] })));
    const open = connected.reduce((a, c) => a + c.open, 0);
    if (open < clients.length) {
      const statuses = {};
      for (const c of connected) for (const [status, n] of Object.entries(c.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
      throw new Error(`only ${open} of ${clients.length} streams opened (statuses ${JSON.stringify(statuses)})`);
    }
    await sleep(300);
    session.idle = await Promise.all(session.hubs.map((hub) => hub.request('gc').then(() => hub.request('stats'))));
    // The hub processes' CPU time with every client connected and nothing sent (timers, sampling),
    // taken off the CPU time of each window before it is divided by the messages sent.
    await sleep(timing.idleMs);
    const later = await Promise.all(session.hubs.map((hub) => hub.request('stats')));
    session.idleCpuPerMs = later.reduce((a, s, i) => a + cpuMs(session.idle[i], s), 0) / (later[0].now - session.idle[0].now);
    return session;
  } catch (error) {
    await closeSession(session);
    throw error;
  }
}

async function closeSession(session) {
  await Promise.all(session.loads.map((load) => load.request('close', {}, 10_000).catch(() => {})));
  await Promise.all([...session.loads, ...session.hubs].map((proc) => proc.stop().catch(() => {})));
}

/** Sessions for several sides (`{ hub: config, floor: config }`) serving the same clients, all open at once. */
async function openSides(sides, clients, loaders, timing) {
  const sessions = {};
  const opening = Object.entries(sides).map(async ([name, config]) => {
    sessions[name] = await openSession({ hubs: [config], clients, loaders, timing });
  });
  const outcomes = await Promise.allSettled(opening);
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) {
    await closeSides(sessions);
    throw failure.reason;
  }
  // Keep the order of `sides`.
  return Object.fromEntries(Object.keys(sides).map((name) => [name, sessions[name]]));
}

const closeSides = (sessions) => Promise.all(Object.values(sessions).map(closeSession));

/**
 * `runs` windows per side, the sides taking turns and swapping who goes first every run (A B, B A,
 * …), as the browser scenarios do, so that what else the machine does falls on both.
 */
async function alternate(sessions, runs, params, report, first = 0) {
  const names = Object.keys(sessions);
  const out = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const name of (i + first) % 2 ? [...names].reverse() : names) {
      const run = await measure(sessions[name], params);
      out[name].push(run);
      report?.(name, run, i);
    }
  }
  return out;
}

/** RSS per client with the clients connected and idle, over the same processes with none (after GC). */
function idleBytesPerClient(session) {
  const sum = (list, key) => list.reduce((a, s) => a + s[key], 0);
  return {
    rss: (sum(session.idle, 'rss') - sum(session.empty, 'rss')) / session.clients.length,
    heap: (sum(session.idle, 'heapUsed') - sum(session.empty, 'heapUsed')) / session.clients.length,
  };
}

function cpuMs(a, b) {
  return (b.cpu.user - a.cpu.user + b.cpu.system - a.cpu.system) / 1000;
}

/**
 * One measured window: every hub process sends its share of `rate` for `seconds`, then the window
 * waits until the clients have what they should (or nothing more arrives for a second). Returns the
 * latency quantiles over every delivery, the hubs' CPU time and peaks, the load processes' CPU.
 */
async function measure(session, { rate, seconds, projects, pad = 0, seed = 1, held = false, series = false, watchKernel = false }) {
  const { hubs, loads } = session;
  if (!session.warm) {
    // Messages first, not counted: the first ones in a fresh process run unoptimized code.
    session.warm = true;
    await Promise.all(hubs.map((hub, i) => hub.request('send', { rate: 20 / hubs.length, seconds: session.timing.warmSeconds, projects, pad, seed: 1000 + i })));
    await sleep(300);
  }
  await Promise.all(loads.map((load) => load.request('reset')));
  await Promise.all(hubs.map((hub) => hub.request('sampleStart', { held, series })));
  const before = await Promise.all(hubs.map((hub) => hub.request('stats')));
  let kernelPeak = 0;
  let watching = watchKernel;
  const kernelWatch = (async () => {
    while (watching) {
      const bytes = (await Promise.all(session.ports.map(kernelQueues))).reduce((a, b) => a + b, 0);
      if (Number.isFinite(bytes)) kernelPeak = Math.max(kernelPeak, bytes);
      await sleep(250);
    }
  })();
  const machineBefore = machineCpu();
  const extraBefore = (session.extraPids ?? []).map(processCpu);
  const sends = await Promise.all(
    hubs.map((hub, i) => hub.request('send', { rate: rate / hubs.length, seconds, projects, pad, seed: seed * 31 + i }, seconds * 1000 + 120_000)),
  );
  // Messages sent per project number, for the clients' expected counts.
  const counts = [];
  for (const send of sends) {
    projects.forEach((name, i) => {
      const number = Number(name.slice(1));
      counts[number] = (counts[number] ?? 0) + send.counts[i];
    });
  }
  for (let i = 0; i < counts.length; i++) counts[i] ??= 0;
  const drained = await drain(loads, counts, Math.max(10_000, seconds * 2000));
  watching = false;
  await kernelWatch;
  const after = await Promise.all(hubs.map((hub) => hub.request('stats', { held })));
  const machineAfter = machineCpu();
  const extraCpuMs = (session.extraPids ?? []).reduce((a, pid, i) => a + processCpu(pid) - extraBefore[i], 0);
  const peaks = await Promise.all(hubs.map((hub) => hub.request('sampleStop')));
  const reports = await Promise.all(loads.map((load) => load.request('report', { counts })));
  const histogram = new Uint32Array(BINS);
  for (const report of reports) for (let i = 0; i < report.bins.length; i += 2) histogram[report.bins[i]] += report.bins[i + 1];
  const sent = sends.reduce((a, s) => a + s.sent, 0);
  const elapsed = Math.max(...sends.map((s) => s.elapsed));
  const windowMs = after[0].now - before[0].now;
  const hubCpu = before.map((b, i) => cpuMs(b, after[i]));
  const hubCpuMs = hubCpu.reduce((a, b) => a + b, 0);
  const byKind = {};
  for (const report of reports) {
    for (const [kind, k] of Object.entries(report.byKind)) {
      const into = (byKind[kind] ??= { clients: 0, closed: 0, received: 0 });
      into.clients += k.clients;
      into.closed += k.closed;
      into.received += k.received;
    }
  }
  const slowest = [];
  for (const report of reports) report.slowest.forEach((ms, second) => (slowest[second] = Math.max(slowest[second] ?? 0, ms)));
  return {
    rate,
    seconds,
    sent,
    achieved: (sent / elapsed) * 1000,
    failedSends: sends.reduce((a, s) => a + s.failed, 0),
    firstError: sends.find((s) => s.firstError)?.firstError,
    behindMs: Math.max(...sends.map((s) => s.behindMs)),
    settleP99: Math.max(...sends.map((s) => s.settle?.p99 ?? NaN)),
    drained,
    windowMs,
    p50: percentile(histogram, 0.5),
    p99: percentile(histogram, 0.99),
    max: percentile(histogram, 1),
    slowest,
    received: reports.reduce((a, r) => a + r.received, 0),
    expected: reports.reduce((a, r) => a + r.expected, 0),
    short: reports.reduce((a, r) => a + r.short, 0),
    extra: reports.reduce((a, r) => a + r.extra, 0),
    outside: reports.reduce((a, r) => a + r.outside, 0),
    byKind,
    hubCpuMs,
    hubBusy: Math.max(...hubCpu) / windowMs,
    cpuPerMessageUs: (Math.max(0, hubCpuMs - session.idleCpuPerMs * windowMs) * 1000) / sent,
    loadBusy: Math.max(...reports.map((r) => r.cpuMs / r.wallMs)),
    // The machine's CPU over the window, in cores, and the part of it not from this bench's processes.
    machineCores: (machineAfter.busy - machineBefore.busy) / windowMs,
    otherCores: (machineAfter.busy - machineBefore.busy - hubCpuMs - reports.reduce((a, r) => a + r.cpuMs, 0) - extraCpuMs) / windowMs,
    extraCpuMs,
    loopDelayP99: Math.max(...peaks.map((p) => p?.loopDelay?.p99 ?? NaN)),
    loopDelayMax: Math.max(...peaks.map((p) => p?.loopDelay?.max ?? NaN)),
    peakRss: Math.max(...peaks.map((p) => p?.rss ?? 0)),
    peakHeap: Math.max(...peaks.map((p) => p?.heapTotal ?? 0)),
    peakQueued: peaks.reduce((a, p) => a + (p?.queuedBytes ?? 0), 0),
    peakHeld: peaks.reduce((all, p) => {
      for (const [kind, bytes] of Object.entries(p?.held ?? {})) all[kind] = (all[kind] ?? 0) + bytes;
      return all;
    }, {}),
    kernelPeak: watchKernel ? kernelPeak : undefined,
    // When the sending started and stopped (monotonic ms), and the first hub process's samples.
    sendStart: Math.min(...sends.map((s) => s.startedAt)),
    sendEnd: Math.max(...sends.map((s) => s.endedAt)),
    series: series ? peaks[0]?.series : undefined,
    after,
  };
}

/** Waits until the clients have received what they should, or nothing more arrives for a second. */
async function drain(loads, counts, limitMs) {
  const until = Date.now() + limitMs;
  let last = -1;
  let still = 0;
  for (;;) {
    const states = await Promise.all(loads.map((load) => load.request('received', { counts })));
    const received = states.reduce((a, s) => a + s.received, 0);
    const expected = states.reduce((a, s) => a + s.expected, 0);
    if (received >= expected) return true;
    still = received === last ? still + 1 : 0;
    last = received;
    if (still >= 5 || Date.now() > until) return false;
    await sleep(200);
  }
}

/** Medians over the windows of one side (sums for the counts). */
function summary(runs) {
  const m = (pick) => median(runs.map(pick));
  const sum = (pick) => runs.reduce((a, run) => a + pick(run), 0);
  return {
    runs: runs.length,
    seconds: runs[0]?.seconds,
    rate: runs[0]?.rate,
    p50: m((r) => r.p50),
    p99: m((r) => r.p99),
    p99s: runs.map((r) => r.p99),
    hubBusy: m((r) => r.hubBusy),
    cpuPerMessageUs: m((r) => r.cpuPerMessageUs),
    loadBusy: m((r) => r.loadBusy),
    otherCores: m((r) => r.otherCores),
    loopDelayP99: m((r) => r.loopDelayP99),
    settleP99: m((r) => r.settleP99),
    behindMs: Math.max(...runs.map((r) => r.behindMs)),
    achieved: m((r) => r.achieved),
    sent: sum((r) => r.sent),
    received: sum((r) => r.received),
    expected: sum((r) => r.expected),
    outside: sum((r) => r.outside),
    short: Math.max(0, ...runs.map((r) => r.short)),
    failedSends: sum((r) => r.failedSends),
    drained: runs.every((r) => r.drained),
  };
}

// ---- the parts ----------------------------------------------------------------------------------

const FANOUT_RATE = 200;
const FANOUT_PROJECTS = Array.from({ length: 50 }, (_, i) => `p${i}`);

/** Two load processes from 5,000 clients on, so that one load process is never the limit. */
function loadersFor(count) {
  return count >= 5000 ? 2 : 1;
}

const ms = (v) => `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ms`;

async function fanoutPart({ sizes, seconds, runs, timing, log, hubConfig }) {
  const results = {};
  for (const [n, count] of sizes.entries()) {
    const grants = fanoutGrants(count);
    const clients = grants.map((grant) => ({ grant }));
    const sessions = await openSides({ hub: { ...hubConfig, impl: 'hub' }, floor: { ...hubConfig, impl: 'floor' } }, clients, loadersFor(count), timing);
    try {
      const windows = await alternate(
        sessions,
        runs,
        { rate: FANOUT_RATE, seconds, projects: FANOUT_PROJECTS, seed: count },
        (name, run) =>
          log(`  fan-out ${fmt(count)} clients, ${name}: sent ${run.achieved.toFixed(0)} msg/s, p50 ${ms(run.p50)}, p99 ${ms(run.p99)}, ${fmt(run.received)}/${fmt(run.expected)} delivered, hub CPU ${(run.hubBusy * 100).toFixed(0)}%, load CPU ${(run.loadBusy * 100).toFixed(0)}%, other work ${run.otherCores.toFixed(2)} cores, behind ${run.behindMs.toFixed(0)} ms`),
        n,
      );
      results[count] = { share: meanShare(grants, 50) };
      for (const name of ['hub', 'floor']) {
        results[count][name] = { idle: idleBytesPerClient(sessions[name]), run: summary(windows[name]), windows: windows[name].map(brief) };
      }
      log(`  fan-out ${fmt(count)} clients: ${(results[count].hub.idle.rss / KB).toFixed(1)} KB per idle client (floor ${(results[count].floor.idle.rss / KB).toFixed(1)} KB)`);
    } finally {
      await closeSides(sessions);
    }
  }
  return results;
}

/** What results.json keeps of a window. */
function brief(run) {
  const { after, ...rest } = run;
  return rest;
}

async function sharePart({ count, rate, seconds, runs, timing, log, hubConfig }) {
  const clients = shareGrants(count).map((grant) => ({ grant }));
  const results = {};
  const sessions = await openSides({ hub: { ...hubConfig, impl: 'hub' }, floor: { ...hubConfig, impl: 'floor' } }, clients, loadersFor(count), timing);
  try {
    for (const [n, share] of [0.01, 0.1, 1].entries()) {
      const windows = await alternate(
        sessions,
        runs,
        { rate, seconds, projects: SHARE_PROJECTS[share], seed: 3 },
        (name, run) => log(`  share ${pct(share)} of ${fmt(count)}, ${name}: p99 ${ms(run.p99)}, ${run.cpuPerMessageUs.toFixed(0)} µs CPU per message, ${fmt(run.received)}/${fmt(run.expected)} delivered`),
        n,
      );
      results[share] = { hub: summary(windows.hub), floor: summary(windows.floor) };
    }
  } finally {
    await closeSides(sessions);
  }
  return results;
}

function redisRss(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return Number(line.split(/\s+/)[1]) * KB;
  } catch {
    return NaN;
  }
}

async function redisPart({ sizes, seconds, runs, timing, log, hubConfig }) {
  if (!existsSync(resolve(hubConfig.dist, 'redis.js'))) {
    return { skipped: 'dist/server/redis.js is not built (the Redis bus is not in this build)' };
  }
  let redis;
  try {
    const { startRedis } = await import('../../scripts/redis.mjs');
    redis = await startRedis();
  } catch (error) {
    return { skipped: `Redis could not start: ${String(error?.message ?? error).split('\n')[0]}` };
  }
  const stopRedis = () => {
    try {
      process.kill(redis.pid, 'SIGKILL');
    } catch {
      // stopped already
    }
  };
  process.on('exit', stopRedis);
  const results = {};
  try {
    for (const count of sizes) results[count] = await redisSize({ count, redis, seconds, runs, timing, log, hubConfig });
    return results;
  } finally {
    await redis.stop().catch(stopRedis);
    process.off('exit', stopRedis);
  }
}

async function redisSize({ count, redis, seconds, runs, timing, log, hubConfig }) {
  const grants = fanoutGrants(count);
  const bus = { url: redis.url, stream: `bench-${count}`, maxLen: 10_000 };
  // The two instances on Redis, and beside them one hub with the in-process bus serving the same
  // clients: both open at once, taking turns window by window.
  const sessions = {};
  try {
    sessions.redis = await openSession({
      hubs: [{ ...hubConfig, impl: 'hub', bus }, { ...hubConfig, impl: 'hub', bus }],
      clients: grants.map((grant, i) => ({ grant, hub: i % 2 })),
      loaders: loadersFor(count),
      timing,
    });
    sessions.redis.extraPids = [redis.pid];
    sessions.memory = await openSession({ hubs: [{ ...hubConfig, impl: 'hub' }], clients: grants.map((grant) => ({ grant })), loaders: loadersFor(count), timing });
    const windows = await alternate(sessions, runs, { rate: FANOUT_RATE, seconds, projects: FANOUT_PROJECTS, seed: count }, (name, run) =>
      log(
        name === 'redis'
          ? `  Redis, 2 hubs, ${fmt(count)} clients: sent ${run.achieved.toFixed(0)} msg/s, p50 ${ms(run.p50)}, p99 ${ms(run.p99)}, ${fmt(run.received)}/${fmt(run.expected)} delivered, ${run.failedSends} failed sends, hub CPU ${(run.hubBusy * 100).toFixed(0)}% (busiest), load CPU ${(run.loadBusy * 100).toFixed(0)}%, redis-server CPU ${((run.extraCpuMs / run.windowMs) * 100).toFixed(0)}%, other work ${run.otherCores.toFixed(2)} cores, send() resolved in ${ms(run.settleP99)} (p99), event-loop delay p99 ${ms(run.loopDelayP99)} max ${ms(run.loopDelayMax)}, bus lag ${JSON.stringify(run.after.map((a) => a.hub?.bus?.lag))} ms, slowest per second ${run.slowest.join(' ')} ms`
          : `  one hub, in-process bus, ${fmt(count)} clients: sent ${run.achieved.toFixed(0)} msg/s, p50 ${ms(run.p50)}, p99 ${ms(run.p99)}, ${fmt(run.received)}/${fmt(run.expected)} delivered, hub CPU ${(run.hubBusy * 100).toFixed(0)}%, other work ${run.otherCores.toFixed(2)} cores, event-loop delay p99 ${ms(run.loopDelayP99)} max ${ms(run.loopDelayMax)}`,
      ),
    );
    return {
      redis: { idle: idleBytesPerClient(sessions.redis), run: summary(windows.redis), windows: windows.redis.map(brief) },
      memory: { idle: idleBytesPerClient(sessions.memory), run: summary(windows.memory) },
      redisRss: redisRss(redis.pid),
      share: meanShare(grants, 50),
    };
  } finally {
    await closeSides(sessions);
  }
}

/** The hub's defaults for a slow client, as the bench runs it unless a plan says otherwise. */
const MAX_BUFFERED = 1 * MB;
const SLOW_CLIENT_MS = 10_000;

/** The largest frame the send loop makes with `pad` bytes of padding (a generous id and timestamp). */
function frameBytes(pad) {
  const json = JSON.stringify(metricsMessage(1e12 + 0.123456, 'p49', 1e9, pad ? 'x'.repeat(pad) : undefined));
  return Buffer.byteLength(`id: 1000000000-1000\nevent: metrics_updated\ndata: ${json}\n\n`);
}

/** The messages the send loop sends in one task at `rate` (see sendLoop): what one tick writes to a client that sees them all. */
const perTick = (rate) => Math.max(1, Math.ceil(rate / 200));

/**
 * One client that never reads, granted every project, beside `fast` clients with the fan-out's
 * grants, all on one hub process. The same connections serve three windows: the fast clients alone,
 * then with the stalled client (connected just before), then alone again once it is gone.
 */
async function stalledOnePart({ fast, rate, pad, seconds, aloneSeconds, slowClientMs, timing, log, hubConfig }) {
  const config = { ...hubConfig, impl: 'hub', ...(slowClientMs ? { slowClientMs } : {}) };
  const session = await openSession({ hubs: [config], clients: fanoutGrants(fast).map((grant) => ({ grant })), loaders: loadersFor(fast), timing });
  const params = { rate, projects: FANOUT_PROJECTS, pad, seed: 11, held: true };
  const report = (label, run) =>
    log(`  one stalled client, ${label}: fast p99 ${ms(run.p99)}, sent ${run.achieved.toFixed(0)} msg/s, ${fmt(run.received)}/${fmt(run.expected)} delivered, hub CPU ${(run.hubBusy * 100).toFixed(0)}%, load CPU ${(run.loadBusy * 100).toFixed(0)}%, event-loop delay p99 ${ms(run.loopDelayP99)}, slowest per second ${run.slowest.join(' ')} ms`);
  try {
    const alone = [await measure(session, { ...params, seconds: aloneSeconds })];
    report(`none, ${fmt(fast)} fast`, alone[0]);
    await session.loads[0].request('connect', { ports: session.ports, list: [{ port: 0, grant: '*', kind: 'slow' }] });
    const run = await measure(session, { ...params, seconds, series: true, watchKernel: true });
    const after = run.after[0];
    const limit = MAX_BUFFERED;
    const past = run.series.find((sample) => sample[4] > limit);
    const droppedAt = after.closedAt.slow?.first;
    const mixed = {
      run: brief(run),
      dropped: after.closed.slow ?? 0,
      fastOpen: after.open.fast ?? 0,
      fastClosedSeenByClients: run.byKind.fast?.closed ?? 0,
      // From the window's first message: when the bytes held for it went past maxBufferedBytes (first sample over it), when it was closed.
      pastAfterMs: past ? past[0] - run.sendStart : NaN,
      droppedAfterMs: droppedAt ? droppedAt - run.sendStart : NaN,
      heldPeak: run.peakHeld.slow ?? 0,
      queuedPeak: run.peakQueued,
      hub: after.hub,
    };
    report(`1 stalled + ${fmt(fast)} fast`, run);
    log(`    stalled client: held ${(mixed.heldPeak / KB).toFixed(0)} KB at most (stats.queuedBytes peak ${(mixed.queuedPeak / KB).toFixed(0)} KB), past ${limit / KB} KB after ${(mixed.pastAfterMs / 1000).toFixed(1)} s, closed after ${(mixed.droppedAfterMs / 1000).toFixed(1)} s, kernel send queues ${((run.kernelPeak ?? 0) / MB).toFixed(1)} MB, hub ${JSON.stringify({ dropped: after.hub?.dropped, shed: after.hub?.shed, caughtUp: after.hub?.caughtUp })}, fast open ${mixed.fastOpen}/${fast}`);
    alone.push(await measure(session, { ...params, seconds: aloneSeconds }));
    report(`none, ${fmt(fast)} fast, again`, alone[1]);
    return { alone: summary(alone), aloneWindows: alone.map(brief), mixed };
  } finally {
    await closeSession(session);
  }
}

/**
 * `slow` clients that never read beside `fast` ones, all granted every project: the fast clients
 * alone in a process of their own before and after, the window with the stalled ones in another.
 */
async function slowPart({ fast, slow, seconds, aloneSeconds, pad, rate, slowClientMs, timing, log, hubConfig }) {
  const config = { ...hubConfig, impl: 'hub', slowClientMs };
  const fastOnly = Array.from({ length: fast }, () => ({ grant: '*', kind: 'fast' }));
  const mixed = [...fastOnly];
  for (let i = 0; i < slow; i++) mixed.splice(Math.floor((i * (fast + slow)) / slow), 0, { grant: '*', kind: 'slow' });
  const params = { rate, projects: FANOUT_PROJECTS, pad, seed: 5, held: true };
  const alone = await openSession({ hubs: [config], clients: fastOnly, timing });
  const results = { alone: [] };
  const report = (label, run) =>
    log(`  stalled clients, ${label}: fast p99 ${ms(run.p99)}, sent ${run.achieved.toFixed(0)} msg/s, send loop behind by ${run.behindMs.toFixed(0)} ms at most, hub CPU ${(run.hubBusy * 100).toFixed(0)}%, load CPU ${(run.loadBusy * 100).toFixed(0)}%, slowest per second ${run.slowest.join(' ')} ms`);
  try {
    results.alone.push(await measure(alone, { ...params, seconds: aloneSeconds }));
    report(`none, ${fast} fast`, results.alone[0]);
    const session = await openSession({ hubs: [config], clients: mixed, timing });
    try {
      // The first messages (the warm-up's) go out right after this.
      const started = (await session.hubs[0].request('stats')).now;
      const run = await measure(session, { ...params, seconds, watchKernel: true });
      const after = run.after[0];
      results.mixed = {
        run,
        slowDropped: after.closed.slow ?? 0,
        fastOpen: after.open.fast ?? 0,
        fastClosedSeenByClients: run.byKind.fast?.closed ?? 0,
        allSlowGoneAfterMs: after.closedAt.slow && !(after.open.slow > 0) ? after.closedAt.slow.last - started : NaN,
        firstSlowGoneAfterMs: after.closedAt.slow ? after.closedAt.slow.first - started : NaN,
        hub: after.hub,
        warnings: after.warnings,
      };
      report(`${slow} stalled + ${fast} fast`, run);
      log(`    fast open ${after.open.fast ?? 0}/${fast}, stalled dropped ${after.closed.slow ?? 0}/${slow}, held for the stalled ones ${((run.peakHeld.slow ?? 0) / MB).toFixed(0)} MB, kernel send queues ${((run.kernelPeak ?? 0) / MB).toFixed(0)} MB, hub ${JSON.stringify({ dropped: after.hub?.dropped, shed: after.hub?.shed, caughtUp: after.hub?.caughtUp })}`);
    } finally {
      await closeSession(session);
    }
    // The run without slow clients again, after: the two bracket the one with them.
    results.alone.push(await measure(alone, { ...params, seconds: aloneSeconds }));
    report(`none, ${fast} fast, again`, results.alone[1]);
  } finally {
    await closeSession(alone);
  }
  return { alone: summary(results.alone), aloneWindows: results.alone.map(brief), mixed: { ...results.mixed, run: brief(results.mixed.run) } };
}

const CAP = 64 * MB;

/**
 * Steps the broadcast rate up, the sides taking turns at each step, until each fails a step: p99
 * over `limitMs`, the rate not reached, or a client missing messages. Then, on the same processes
 * at the largest size, the top step for `overloadSeconds`.
 */
async function broadcastPart({ sizes, steps, seconds, tries, overloadSeconds, timing, log, hubConfig }) {
  const results = {};
  for (const count of sizes) {
    const clients = Array.from({ length: count }, () => ({ grant: '*' }));
    const sessions = await openSides({ hub: { ...hubConfig, impl: 'hub', maxQueuedBytes: CAP }, floor: { ...hubConfig, impl: 'floor' } }, clients, loadersFor(count), timing);
    try {
      const sides = { hub: { tried: [] }, floor: { tried: [] } };
      for (const [n, rate] of steps.entries()) {
        const names = Object.keys(sides).filter((name) => sides[name].failedAt === undefined);
        if (names.length === 0) break;
        for (const name of n % 2 ? names.reverse() : names) {
          // A step that fails is tried once more (full run): at a few messages a second, one message
          // held up by something else on the machine is already more than 1% of the deliveries.
          let run;
          let ok = false;
          for (let attempt = 1; attempt <= tries && !ok; attempt++) {
            run = await measure(sessions[name], { rate, seconds, projects: FANOUT_PROJECTS, seed: rate * 10 + attempt });
            ok = run.p99 <= 100 && run.achieved >= rate * 0.95 && run.short === 0 && run.drained;
            sides[name].tried.push({ rate, attempt, ok, p99: run.p99, achieved: run.achieved, hubBusy: run.hubBusy, loadBusy: run.loadBusy, otherCores: run.otherCores });
            log(`  broadcast ${fmt(count)} clients, ${name} at ${rate} msg/s${attempt > 1 ? ' (again)' : ''}: p99 ${ms(run.p99)}, sent ${run.achieved.toFixed(0)}/s, ${fmt(run.received)}/${fmt(run.expected)} delivered, hub CPU ${(run.hubBusy * 100).toFixed(0)}%, load CPU ${(run.loadBusy * 100).toFixed(0)}%, other work ${run.otherCores.toFixed(2)} cores, event-loop delay max ${ms(run.loopDelayMax)} → ${ok ? 'sustained' : 'not sustained'}`);
          }
          if (ok) sides[name].best = { rate, run: brief(run) };
          else Object.assign(sides[name], { failedAt: rate, failed: brief(run) });
        }
      }
      results[count] = sides;
      if (count === sizes[sizes.length - 1]) {
        const rate = steps[steps.length - 1];
        const overload = { count, rate, seconds: overloadSeconds };
        for (const name of ['hub', 'floor']) {
          const session = sessions[name];
          const run = await measure(session, { rate, seconds: overloadSeconds, projects: FANOUT_PROJECTS, seed: 9, series: true, watchKernel: true });
          const idleRss = session.idle[0].rss;
          const collected = await session.hubs[0].request('gc');
          const memory = rssOverWindow(run);
          overload[name] = { run: brief(run), idleRss, ...memory, afterGc: collected.rss, peakOverIdle: run.peakRss - idleRss, hub: run.after[0].hub, open: run.after[0].open.fast ?? 0 };
          log(`  past it: ${fmt(count)} clients offered ${rate} msg/s, ${name}: RSS ${(memory.start / MB).toFixed(0)} at the start → peak ${(run.peakRss / MB).toFixed(0)} → ${(memory.end / MB).toFixed(0)} MB at the end (growth per third ${memory.growth.map((v) => (v / MB).toFixed(0)).join(' / ')} MB, highs ${memory.highs.map((v) => (v / MB).toFixed(0)).join(' / ')} MB; V8 heap peak ${(run.peakHeap / MB).toFixed(0)} MB; after GC ${(collected.rss / MB).toFixed(0)} MB), stats.queuedBytes peak ${(run.peakQueued / MB).toFixed(1)} MB, kernel send queues ${(run.kernelPeak / MB).toFixed(0)} MB, sent ${run.achieved.toFixed(0)}/s, p99 ${ms(run.p99)}, load CPU ${(run.loadBusy * 100).toFixed(0)}%, clients left ${overload[name].open}/${count}, dropped/shed ${run.after[0].hub?.dropped ?? '-'}/${run.after[0].hub?.shed ?? '-'}`);
        }
        results.overload = overload;
      }
    } finally {
      await closeSides(sessions);
    }
  }
  return results;
}

/**
 * RSS over a window's sending, from the samples: at the start (just before the first message), at
 * the end (the last sample before the sending stopped), and per third of the sending time its
 * growth (RSS at the third's end less RSS at its start, read between the two nearest samples) and
 * its highest sample. Under load the samples come further apart than asked (the sampling timer
 * waits for the fan-out's tasks).
 */
function rssOverWindow(run) {
  const samples = (run.series ?? []).filter(([t]) => t <= run.sendEnd);
  const at = (time) => {
    let before = samples[0];
    for (const sample of samples) {
      if (sample[0] > time) {
        const span = sample[0] - before[0];
        return span > 0 ? before[1] + ((sample[1] - before[1]) * (time - before[0])) / span : sample[1];
      }
      before = sample;
    }
    return before?.[1] ?? NaN;
  };
  const length = run.sendEnd - run.sendStart;
  const bounds = [0, 1, 2, 3].map((i) => run.sendStart + (length * i) / 3);
  const growth = [0, 1, 2].map((i) => at(bounds[i + 1]) - at(bounds[i]));
  const highs = [0, 1, 2].map((i) => Math.max(...samples.filter(([t]) => t >= bounds[i] && t <= bounds[i + 1]).map((sample) => sample[1]), at(bounds[i]), at(bounds[i + 1])));
  return { start: samples[0]?.[1] ?? NaN, end: samples[samples.length - 1]?.[1] ?? NaN, growth, highs, samples: samples.length };
}

// ---- rows -----------------------------------------------------------------------------------------

const kb = (bytes) => bytes / KB;
const naRow = (metric, reason) => ({ metric, ours: `n/a: ${reason}` });
const list = (values) => values.map((v) => v.toFixed(v < 10 ? 1 : 0)).join(' / ');

function deliveryText(run) {
  const parts = [`${fmt(run.received)} of ${fmt(run.expected)}`];
  if (run.outside) parts.push(`${fmt(run.outside)} outside the grant`);
  if (run.short) parts.push(`${fmt(run.short)} clients short`);
  return parts.join(', ');
}

/** Cores of the machine's two, as text (so that the table shows no ratio); tiny negatives are rounding. */
function cores(value) {
  return Number.isFinite(value) ? `${Math.max(0, value).toFixed(2)} of 2 cores` : 'n/a';
}

function windowsText(runs, seconds) {
  return runs === 1 ? `one ${seconds} s window` : `median of ${runs} windows of ${seconds} s`;
}

function sentText(run) {
  return `${fmt(Math.round(run.achieved))} of ${fmt(run.rate)} msg/s`;
}

function fanoutRows(results, { seconds, runs }) {
  const rows = [];
  for (const count of Object.keys(results).map(Number)) {
    const { hub, floor, share } = results[count];
    rows.push(
      {
        metric: `fan-out: p99 latency send → receipt, ${fmt(count)} SSE clients, ${FANOUT_RATE} msg/s over 50 projects (each client granted 1–3 projects, 2% all: ${pct(share)} of the clients per message), ${windowsText(runs, seconds)}`,
        unit: 'ms',
        ours: hub.run.p99,
        base: floor.run.p99,
        baseName: BASE,
        budget: count === 10_000 ? { text: '≤ 50 ms at 10,000 clients, at the full rate', pass: Number.isFinite(hub.run.p99) ? hub.run.p99 <= 50 && hub.run.achieved >= FANOUT_RATE * 0.95 : null } : undefined,
      },
      { metric: '  p99 of each window', ours: `${list(hub.run.p99s)} ms`, base: `${list(floor.run.p99s)} ms` },
      { metric: '  p50 latency', unit: 'ms', ours: hub.run.p50, base: floor.run.p50 },
      {
        metric: '  memory per idle client (RSS with the clients connected, over RSS with none, after GC)',
        unit: 'KB',
        ours: kb(hub.idle.rss),
        base: kb(floor.idle.rss),
        // Under 1,000 clients the server's own growth (pools, buffers) outweighs the clients'.
        budget: count >= 1000 ? budget('≤ 30 KB', kb(hub.idle.rss), (v) => v <= 30) : { text: '≤ 30 KB, judged from 1,000 clients', pass: null },
      },
      { metric: '  of which JS heap', unit: 'KB', ours: kb(hub.idle.heap), base: kb(floor.idle.heap) },
      { metric: '  hub process CPU over the window (share of one core)', unit: '%', ours: hub.run.hubBusy * 100, base: floor.run.hubBusy * 100 },
      { metric: '  hub process CPU per message sent (over its idle CPU)', unit: 'µs', ours: hub.run.cpuPerMessageUs, base: floor.run.cpuPerMessageUs },
      { metric: '  rate the hub process reached (it falls behind when a message costs more than its share of a second)', ours: sentText(hub.run), base: sentText(floor.run) },
      { metric: '  deliveries received of expected', ours: deliveryText(hub.run), base: deliveryText(floor.run) },
      { metric: "  the hub process's event-loop delay, p99", unit: 'ms', ours: hub.run.loopDelayP99, base: floor.run.loopDelayP99 },
      { metric: '  load generator CPU, busiest load process (share of one core)', unit: '%', ours: hub.run.loadBusy * 100, base: floor.run.loadBusy * 100 },
      { metric: '  other work on the machine during the windows (median)', ours: cores(hub.run.otherCores), base: cores(floor.run.otherCores) },
    );
  }
  return rows;
}

function shareRows(results, { count, rate, seconds, runs }) {
  const rows = [];
  for (const share of [0.01, 0.1, 1]) {
    const { hub, floor } = results[share];
    rows.push(
      {
        metric: `cost vs share: p99 latency, ${fmt(count)} clients, ${rate} msg/s, each message visible to ${pct(share)} of them (${fmt(Math.round(count * share))}), ${windowsText(runs, seconds)}`,
        unit: 'ms',
        ours: hub.p99,
        base: floor.p99,
        baseName: BASE,
      },
      { metric: `  hub process CPU per message (${pct(share)}; over its idle CPU)`, unit: 'µs', ours: hub.cpuPerMessageUs, base: floor.cpuPerMessageUs },
      { metric: `  per client that gets it (${pct(share)})`, unit: 'µs', ours: hub.cpuPerMessageUs / (count * share), base: floor.cpuPerMessageUs / (count * share) },
      { metric: `  deliveries received of expected; rate reached (${pct(share)})`, ours: `${deliveryText(hub)}; ${sentText(hub)}`, base: `${deliveryText(floor)}; ${sentText(floor)}` },
    );
  }
  return rows;
}

function redisRows(results, { sizes, seconds, runs }) {
  const metric = (count) =>
    `through Redis: p99 latency, two hub instances sharing a Redis Stream, ${fmt(count)} clients split across them, ${FANOUT_RATE} msg/s (half sent by each), the fan-out's grants, ${windowsText(runs, seconds)}`;
  if (results.skipped) return [naRow(metric(sizes.map(fmt).join(' / ')), results.skipped)];
  return sizes.flatMap((count) => redisSizeRows(results[count], metric(count)));
}

function redisSizeRows(result, metric) {
  const { redis, memory } = result;
  return [
    { metric, unit: 'ms', ours: redis.run.p99, base: memory.run.p99, baseName: 'one hub, in-process bus, same clients, taking turns' },
    { metric: '  p99 of each window', ours: `${list(redis.run.p99s)} ms`, base: `${list(memory.run.p99s)} ms` },
    { metric: '  p50 latency', unit: 'ms', ours: redis.run.p50, base: memory.run.p50 },
    { metric: '  memory per idle client (both hub processes)', unit: 'KB', ours: kb(redis.idle.rss), base: kb(memory.idle.rss), budget: budget('≤ 30 KB', kb(redis.idle.rss), (v) => v <= 30) },
    { metric: '  hub CPU per message sent (both processes, over their idle CPU)', unit: 'µs', ours: redis.run.cpuPerMessageUs, base: memory.run.cpuPerMessageUs },
    { metric: '  rate reached', ours: sentText(redis.run), base: sentText(memory.run) },
    { metric: '  deliveries received of expected; sends rejected', ours: `${deliveryText(redis.run)}; ${fmt(redis.run.failedSends)} rejected`, base: deliveryText(memory.run) },
    { metric: "  the hub processes' event-loop delay, p99 (busiest process, median window)", unit: 'ms', ours: redis.run.loopDelayP99, base: memory.run.loopDelayP99 },
    { metric: '  `send()` resolved after (p99; with Redis the XADD round trip)', unit: 'ms', ours: redis.run.settleP99, base: memory.run.settleP99 },
    { metric: '  other work on the machine during the windows (median)', ours: cores(redis.run.otherCores), base: cores(memory.run.otherCores) },
    { metric: '  redis-server RSS at the end', unit: 'MB', ours: result.redisRss / MB },
  ];
}

function slowOneRows(results, { fast, rate, pad, seconds, aloneSeconds, slowClientMs }) {
  const { alone, mixed } = results;
  const run = mixed.run;
  const p99 = run.byKind.fast ? run.p99 : NaN;
  const waitMs = slowClientMs ?? SLOW_CLIENT_MS;
  const checkMs = Math.max(50, Math.min(1000, waitMs / 4));
  const tick = perTick(rate) * frameBytes(pad);
  const cap = MAX_BUFFERED + tick;
  const waited = mixed.droppedAfterMs - mixed.pastAfterMs;
  const dropped = mixed.dropped === 1 && (mixed.hub?.dropped ?? 0) + (mixed.hub?.shed ?? 0) >= 1;
  const seconds1 = (v) => (Number.isFinite(v) ? `${(v / 1000).toFixed(1)} s` : 'never');
  return [
    {
      metric: `one slow client: 1 client that never reads, granted every project, beside ${fmt(fast)} fast ones with the fan-out's grants, ${rate} msg/s over 50 projects of ~${fmt(frameBytes(pad))} bytes (the fan-out's message plus a ${fmt(pad)}-byte pad, so that its socket gets past the kernel's few MB within the window), ${seconds} s, maxBufferedBytes ${MAX_BUFFERED / MB} MiB, slowClientMs ${fmt(waitMs)}: bytes the hub held for it at most (\`stats.queuedBytes\` peak, sampled every 100 ms; every client's, the fast ones' too)`,
      unit: 'KB',
      ours: mixed.queuedPeak / KB,
      budget: budget(`≤ maxBufferedBytes + one tick's writes (${perTick(rate)} message${perTick(rate) > 1 ? 's' : ''}): ${fmt(Math.round(cap / KB))} KB`, mixed.queuedPeak, (v) => v <= cap),
    },
    { metric: "  the same seen from the response: its `res.writableLength` at the peak", unit: 'KB', ours: mixed.heldPeak / KB },
    {
      metric: `  dropped (closed by the hub: \`stats.dropped\` / \`stats.shed\`), and when, from the window's first message: past maxBufferedBytes / closed / the wait between (the hub checks every ${fmt(checkMs)} ms)`,
      ours: `${dropped ? 'yes' : 'no'} (${mixed.hub?.dropped ?? 'n/a'} / ${mixed.hub?.shed ?? 'n/a'}): ${seconds1(mixed.pastAfterMs)} / ${seconds1(mixed.droppedAfterMs)} / ${seconds1(waited)}`,
      budget: {
        text: `dropped, ${fmt(waitMs / 1000)}–${fmt((waitMs + checkMs) / 1000 + 0.2)} s after going past the limit`,
        pass: dropped && waited >= waitMs - 200 && waited <= waitMs + checkMs + 200,
      },
    },
    {
      metric: '  fast clients kept (open in the hub at the end, and none saw its stream close)',
      ours: `${fmt(Math.min(mixed.fastOpen, fast - mixed.fastClosedSeenByClients))} of ${fmt(fast)}`,
      budget: { text: 'all', pass: mixed.fastOpen === fast && mixed.fastClosedSeenByClients === 0 },
    },
    {
      metric: `  fast clients' p99 latency with it (baseline: the same connections without it, one ${aloneSeconds} s window before and one after, median)`,
      unit: 'ms',
      ours: p99,
      base: alone.p99,
      baseName: 'without it',
      budget: budget('≤ 2× without it', p99 / alone.p99, (r) => r <= 2),
    },
    { metric: "  fast clients' slowest delivery, each second of the window with it", ours: `${run.slowest.join(' ')} ms` },
    {
      metric: "  the hub process's event loop: delay p99 / max, and how far the send loop fell behind its schedule",
      ours: `${ms(run.loopDelayP99)} / ${ms(run.loopDelayMax)} / ${ms(run.behindMs)}`,
      base: `${ms(alone.loopDelayP99)} / ${ms(Math.max(...results.aloneWindows.map((w) => w.loopDelayMax)))} / ${ms(alone.behindMs)}`,
    },
    { metric: "  fast clients' deliveries received of expected; rate reached", ours: `${deliveryText(run)}; ${sentText(run)}`, base: `${deliveryText(alone)}; ${sentText(alone)}` },
    { metric: "  bytes in the kernel's send queues of the hub's sockets at the peak (ss)", unit: 'MB', ours: (run.kernelPeak ?? NaN) / MB },
  ];
}

function slowRows(results, { fast, slow, seconds, aloneSeconds, pad, rate, slowClientMs }) {
  const { alone, mixed } = results;
  const p99 = mixed.run.byKind.fast ? mixed.run.p99 : NaN;
  const counted = (mixed.hub?.dropped ?? 0) + (mixed.hub?.shed ?? 0);
  const kernelEach = (mixed.run.kernelPeak ?? NaN) / slow;
  return [
    {
      metric: `stalled clients: ${slow} that never read beside ${fast} fast ones, every client sees every message, ${rate} msg/s of ~${fmt(frameBytes(pad))} bytes for ${seconds} s, slowClientMs ${fmt(slowClientMs ?? SLOW_CLIENT_MS)}: stalled ones dropped (closed by the hub; \`stats.dropped\` + \`stats.shed\`)`,
      ours: `${mixed.slowDropped} of ${slow} (${mixed.hub?.dropped ?? 'n/a'} + ${mixed.hub?.shed ?? 'n/a'})`,
      budget: { text: 'all', pass: mixed.slowDropped === slow && counted >= slow },
    },
    {
      metric: '  fast clients kept (open in the hub at the end, and none saw its stream close)',
      ours: `${Math.min(mixed.fastOpen, fast - mixed.fastClosedSeenByClients)} of ${fast}`,
      budget: { text: 'all', pass: mixed.fastOpen === fast && mixed.fastClosedSeenByClients === 0 },
    },
    {
      metric: `  fast clients' p99 latency beside the stalled ones, for information (baseline: the ${fast} alone, ${aloneSeconds} s before and after, median); no budget: the ${slow} stalled sockets hold ~${Number.isFinite(kernelEach) ? (kernelEach / MB).toFixed(1) : '?'} MB each in the kernel's send queues, which the hub cannot see`,
      unit: 'ms',
      ours: p99,
      base: alone.p99,
      baseName: 'no stalled clients',
    },
    { metric: "  fast clients' slowest delivery, each second of the window with the stalled ones", ours: `${mixed.run.slowest.join(' ')} ms` },
    {
      metric: "  the hub process's event loop: delay p99 / max, and how far the send loop fell behind its schedule (a stall before `send` is not in the latency)",
      ours: `${ms(mixed.run.loopDelayP99)} / ${ms(mixed.run.loopDelayMax)} / ${ms(mixed.run.behindMs)}`,
      base: `${ms(alone.loopDelayP99)} / ${ms(Math.max(...results.aloneWindows.map((w) => w.loopDelayMax)))} / ${ms(alone.behindMs)}`,
    },
    { metric: "  fast clients' deliveries received of expected", ours: deliveryText(mixed.run), base: deliveryText(alone) },
    {
      metric: '  bytes queued in the hub process for the stalled clients at the peak (sum of their `res.writableLength`)',
      unit: 'MB',
      ours: (mixed.run.peakHeld.slow ?? 0) / MB,
    },
    {
      metric: "  the hub's own count of queued bytes at the peak (`stats.queuedBytes`)",
      ours: typeof mixed.hub?.queuedBytes === 'number' ? `${(mixed.run.peakQueued / MB).toFixed(1)} MB` : 'n/a: not in this build',
    },
    { metric: "  bytes in the kernel's send queues of the hub's sockets at the peak (ss)", unit: 'MB', ours: (mixed.run.kernelPeak ?? NaN) / MB },
    {
      metric: '  from the first message until the first / the last stalled client was dropped',
      ours: `${(mixed.firstSlowGoneAfterMs / 1000).toFixed(1)} s / ${Number.isFinite(mixed.allSlowGoneAfterMs) ? `${(mixed.allSlowGoneAfterMs / 1000).toFixed(1)} s` : 'not all'}`,
    },
  ];
}

function broadcastRows(results, { sizes, steps }) {
  const rows = [];
  const rateOf = (side) => (side.best ? side.best.rate : 0);
  const at = (side) =>
    side.best
      ? `${ms(side.best.run.p99)} / ${fmt(Math.round(side.best.run.received / (side.best.run.windowMs / 1000)))} / ${(side.best.run.hubBusy * 100).toFixed(0)}% / ${(side.best.run.loadBusy * 100).toFixed(0)}%`
      : `none: < ${steps[0]} msg/s`;
  const next = (side) => (side.failed ? `${ms(side.failed.p99)} / ${side.failed.achieved.toFixed(0)} of ${side.failedAt} msg/s` : 'all steps sustained');
  for (const count of sizes) {
    const { hub, floor } = results[count];
    rows.push(
      {
        metric: `broadcast: highest rate with p99 ≤ 100 ms, ${fmt(count)} clients, every client sees every message (steps ${steps.join(', ')} msg/s)`,
        unit: 'msg/s',
        ours: rateOf(hub),
        base: rateOf(floor),
        baseName: BASE,
      },
      { metric: '  at that rate: p99 / deliveries per second / hub process CPU / load CPU', ours: at(hub), base: at(floor) },
      { metric: '  the next step: p99 / rate reached', ours: next(hub), base: next(floor) },
    );
  }
  const { overload } = results;
  if (!overload) return rows;
  const { hub, floor } = overload;
  const floorName = `${BASE}, no cap`;
  const mb = (v) => v / MB;
  // Growing: the last third's growth over 10% of the first third's, and over 1 MB (page-level noise).
  const steady = (side) => side.growth[2] <= Math.max(0.1 * side.growth[0], MB);
  rows.push(
    {
      metric: `past it: ${fmt(overload.count)} clients offered ${fmt(overload.rate)} msg/s for ${overload.seconds} s (maxQueuedBytes ${CAP / MB} MiB): the hub's \`stats.queuedBytes\` at the peak (sampled every 100 ms)`,
      unit: 'MB',
      ours: mb(hub.run.peakQueued),
      budget: budget(`≤ maxQueuedBytes (${CAP / MB} MiB)`, hub.run.peakQueued, (v) => v <= CAP),
    },
    {
      metric: '  clients shed / dropped (`stats.shed` / `stats.dropped`); clients still open at the end',
      ours: `${hub.hub?.shed ?? 'n/a'} / ${hub.hub?.dropped ?? 'n/a'}; ${fmt(hub.open)} of ${fmt(overload.count)}`,
      base: `no shedding; ${fmt(floor.open)} of ${fmt(overload.count)}`,
    },
    { metric: '  hub process RSS at the start of the window (after the steps before it)', unit: 'MB', ours: mb(hub.start), base: mb(floor.start), baseName: floorName },
    { metric: '  hub process RSS at the peak (highest sample)', unit: 'MB', ours: mb(hub.run.peakRss), base: mb(floor.run.peakRss), baseName: floorName },
    { metric: '  hub process RSS at the end of the window (when the sending stopped)', unit: 'MB', ours: mb(hub.end), base: mb(floor.end), baseName: floorName },
    { metric: '  hub process RSS after a forced GC (`global.gc()` three times, once the clients have drained)', unit: 'MB', ours: mb(hub.afterGc), base: mb(floor.afterGc), baseName: floorName },
    {
      metric: `  RSS growth within each third of the window (RSS at the third's end less at its start): first / middle / last third (${hub.samples} / ${floor.samples} samples)`,
      ours: `${hub.growth.map((v) => mb(v).toFixed(1)).join(' / ')} MB`,
      base: `${floor.growth.map((v) => mb(v).toFixed(1)).join(' / ')} MB`,
      budget: { text: "RSS does not keep growing: the last third grows ≤ 10% of what the first third grew (or ≤ 1 MB)", pass: steady(hub) },
    },
    {
      metric: '  highest RSS sample in each third (a sawtooth: V8 collects the garbage of the writes every few seconds)',
      ours: `${hub.highs.map((v) => mb(v).toFixed(0)).join(' / ')} MB`,
      base: `${floor.highs.map((v) => mb(v).toFixed(0)).join(' / ')} MB`,
    },
    {
      metric: '  rate reached / p99 / V8 heap at the peak',
      ours: `${hub.run.achieved.toFixed(0)} msg/s / ${ms(hub.run.p99)} / ${mb(hub.run.peakHeap).toFixed(0)} MB`,
      base: `${floor.run.achieved.toFixed(0)} msg/s / ${ms(floor.run.p99)} / ${mb(floor.run.peakHeap).toFixed(0)} MB`,
    },
    {
      metric: "  where a backlog could sit: the kernel's send queues of the hub's sockets at the peak (ss) / load processes' CPU",
      ours: `${mb(hub.run.kernelPeak).toFixed(1)} MB / ${(hub.run.loadBusy * 100).toFixed(0)}%`,
      base: `${mb(floor.run.kernelPeak).toFixed(1)} MB / ${(floor.run.loadBusy * 100).toFixed(0)}%`,
    },
  );
  return rows;
}

// ---- history ------------------------------------------------------------------------------------------

/**
 * Runs bench/server/history.mjs in a process of its own (a heap of its own to measure), beside a
 * private redis-server; resolves with what it printed.
 */
async function historyPart({ projects, quick, log, hubConfig }) {
  let redis;
  try {
    const { startRedis } = await import('../../scripts/redis.mjs');
    redis = await startRedis();
  } catch (error) {
    log(`  history: no Redis (${String(error?.message ?? error).split('\n')[0]}); in-process only`);
  }
  try {
    const config = { dist: hubConfig.dist, projects, quick, redisUrl: redis?.url };
    const output = await new Promise((done, fail) => {
      execFile(process.execPath, ['--expose-gc', HISTORY, JSON.stringify(config)], { cwd: root, maxBuffer: 16 * MB, timeout: 600_000 }, (error, stdout, stderr) => {
        if (error) fail(new Error(`${error.message}\n${stderr}`));
        else done(stdout);
      });
    });
    const result = JSON.parse(output.trim().split('\n').at(-1));
    log(
      `  history: record ${result.memoryRecord.us.toFixed(2)} µs in-process${result.redisSend ? `, ${result.redisSend.with.concurrent.us.toFixed(1)} µs through Redis (256 in flight)` : ''}; 30 d query ${result.memoryQuery.us.toFixed(0)} µs${result.redisQuery ? ` / ${result.redisQuery.us.toFixed(0)} µs` : ''}`,
    );
    return result;
  } finally {
    await redis?.stop();
  }
}

function historyRows(r) {
  const us = (v) => Number(v.toFixed(v < 10 ? 2 : 1));
  const kib = (bytes) => Number((bytes / KB).toFixed(1));
  const n = fmt(r.projects);
  const rows = [
    {
      metric: `history: recording one metrics_updated into the roll-ups (3 resolutions) and the last points, in-process store alone, ${n} projects`,
      unit: 'µs',
      ours: us(r.memoryRecord.us),
    },
    { metric: '  records per second, in-process store alone', ours: fmt(r.memoryRecord.perSecond) },
    {
      metric: `  hub.send(metrics_updated), in-process bus, one at a time: with history (the default) / history: false`,
      unit: 'µs',
      ours: us(r.memorySend.with.us),
      base: us(r.memorySend.without.us),
      baseName: 'history: false',
    },
  ];
  if (r.redisSend) {
    rows.push(
      {
        metric: '  hub.send(metrics_updated) through Redis, one at a time (a round trip each): one script that adds to the stream and records / a plain XADD (history: false)',
        unit: 'µs',
        ours: us(r.redisSend.with.serial.us),
        base: us(r.redisSend.without.serial.us),
        baseName: 'history: false',
      },
      {
        metric: '  the same, 256 in flight: sends per second (what one Redis core takes)',
        ours: fmt(r.redisSend.with.concurrent.perSecond),
        base: fmt(r.redisSend.without.concurrent.perSecond),
        baseName: 'history: false',
      },
    );
  }
  rows.push({
    metric: `history: answering a 30 d query (${Math.round(r.memoryQuery.points)} points), ${n} projects, in-process${r.redisQuery ? ' / Redis (one at a time)' : ''}`,
    unit: 'µs',
    ours: r.redisQuery ? `${us(r.memoryQuery.us)} / ${us(r.redisQuery.us)}` : us(r.memoryQuery.us),
  });
  rows.push({ metric: `  its JSON: ${fmt(r.memoryQuery.jsonBytes)} bytes; query and JSON.stringify, in-process`, unit: 'µs', ours: us(r.memoryQuery.withJsonUs) });
  if (r.redisQuery) rows.push({ metric: '  30 d queries per second through Redis, 64 at a time', ours: fmt(r.redisQuery.concurrentPerSecond) });
  rows.push(
    {
      metric: `history: memory per project, in-process heap: roll-ups (fixed ${fmt(r.memoryBytes.rollupBytes)} bytes) and 120 last points`,
      unit: 'KB',
      ours: kib(r.memoryBytes.rollupsAndPoints),
    },
    {
      metric: `  kept lines, in-process heap: 5 deployments of 20 lines (${fmt(Math.round(r.memoryBytes.lineJson))} bytes of JSON)`,
      unit: 'KB',
      ours: kib(r.memoryBytes.lines),
    },
  );
  if (r.redisBytes) {
    rows.push(
      { metric: `  in Redis (INFO used_memory delta over ${n} projects): roll-ups and last points / the roll-up key alone (MEMORY USAGE)`, unit: 'KB', ours: `${kib(r.redisBytes.rollupsAndPoints)} / ${kib(r.redisBytes.rollupKey)}` },
      { metric: '  kept lines in Redis, the same 5 × 20 (the stream\'s own copy left out)', unit: 'KB', ours: kib(r.redisBytes.lines) },
      { metric: `  seeding ${fmt(r.redisSeed.samples)} samples into Redis, 8 projects at a time`, unit: 's', ours: Number((r.redisSeed.ms / 1000).toFixed(1)) },
    );
  }
  return rows;
}

// ---- the scenario -----------------------------------------------------------------------------------

async function part(name, rows, notes, log, body) {
  try {
    return await body();
  } catch (error) {
    log(`  ${name} FAILED: ${error.stack ?? error}`);
    rows.push(naRow(name, String(error.message ?? error).split('\n')[0].slice(0, 160)));
    notes.push(`${name} did not complete: ${String(error.message ?? error).split('\n')[0]}`);
    return undefined;
  }
}

const QUICK = {
  timing: { warmSeconds: 0.5, idleMs: 300 },
  fanout: { sizes: [1000], seconds: 1.5, runs: 1 },
  share: { count: 1000, rate: 20, seconds: 1, runs: 1 },
  redis: { sizes: [1000], seconds: 1.5, runs: 1 },
  slow: { fast: 200, rate: 200, pad: 16_000, seconds: 3.5, aloneSeconds: 1, slowClientMs: 1000 },
  stalled: { fast: 100, slow: 400, rate: 50, pad: 16_000, seconds: 8, aloneSeconds: 1, slowClientMs: 1000 },
  broadcast: { sizes: [1000], steps: [50, 200], seconds: 1, tries: 1, overloadSeconds: 1.5 },
  history: { projects: 1000, quick: true },
};

const FULL = {
  timing: { warmSeconds: 1, idleMs: 1000 },
  fanout: { sizes: [1000, 5000, 10_000], seconds: 4, runs: 3 },
  share: { count: 5000, rate: 10, seconds: 5, runs: 2 },
  redis: { sizes: [1000, 10_000], seconds: 4, runs: 3 },
  slow: { fast: 1000, rate: 200, pad: 4000, seconds: 20, aloneSeconds: 5 },
  stalled: { fast: 100, slow: 400, rate: 50, pad: 16_000, seconds: 25, aloneSeconds: 5 },
  broadcast: { sizes: [1000, 5000, 10_000], steps: [2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000], seconds: 3, tries: 2, overloadSeconds: 9 },
  history: { projects: 1000, quick: false },
};

/** The newest modification time among the sources the server helper is built from. */
function newestSource() {
  let newest = 0;
  for (const folder of ['src/server', 'src/core']) {
    for (const file of readdirSync(resolve(root, folder))) newest = Math.max(newest, statSync(resolve(root, folder, file)).mtimeMs);
  }
  return newest;
}

export const serverScenario = {
  name: 'server',
  title: '7 Server',
  async run({ quick, log }) {
    const index = resolve(root, 'dist/server/index.js');
    if (!existsSync(index) || statSync(index).mtimeMs < newestSource()) {
      // What is measured is the current source: built now when dist/ is missing or older.
      log('server: building the package (dist/ is missing or older than src/)');
      const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
      if (build.status !== 0) throw new Error('`npm run build` failed: the server helper cannot be measured');
    }
    const built = statSync(index).mtime.toISOString();
    // A copy of the build (the server helper and the core it imports), so that a rebuild during the
    // run cannot change the code under test halfway; `redis` still resolves from the repo's node_modules.
    const dist = resolve(root, 'bench/out/server-dist');
    rmSync(dist, { recursive: true, force: true });
    for (const folder of ['server', 'core']) cpSync(resolve(root, 'dist', folder), resolve(dist, folder), { recursive: true });
    const hubConfig = { dist: resolve(dist, 'server') };
    const onSignal = () => {
      killAll();
      process.exit(130);
    };
    process.on('exit', killAll);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const plan = quick ? QUICK : FULL;
    const { timing } = plan;
    const common = { timing, log, hubConfig };
    const rows = [];
    const notes = [];
    const samples = {};
    const timings = {};
    // BENCH_SERVER_PARTS=fanout,share,redis,slow,stalled,broadcast,history runs only those parts (for working on one).
    const only = process.env.BENCH_SERVER_PARTS?.split(',');
    const run = async (name, title, body, toRows) => {
      if (only && !only.includes(name)) return;
      const t0 = Date.now();
      samples[name] = await part(title, rows, notes, log, body);
      timings[name] = Math.round((Date.now() - t0) / 1000);
      if (!samples[name]) return;
      // A part whose figures cannot be turned into rows loses its rows, not the other parts'.
      try {
        rows.push(...toRows(samples[name]));
      } catch (error) {
        log(`  ${title}: its rows FAILED: ${error.stack ?? error}`);
        rows.push(naRow(title, `rows: ${String(error.message ?? error).split('\n')[0].slice(0, 160)}`));
        notes.push(`${title}: its rows could not be made: ${String(error.message ?? error).split('\n')[0]}`);
      }
    };
    try {
      await run('fanout', 'fan-out', () => fanoutPart({ ...plan.fanout, ...common }), (r) => fanoutRows(r, plan.fanout));
      await run('share', 'cost vs share', () => sharePart({ ...plan.share, ...common }), (r) => shareRows(r, plan.share));
      await run('redis', 'through Redis', () => redisPart({ ...plan.redis, ...common }), (r) => redisRows(r, plan.redis));
      await run('slow', 'one slow client', () => stalledOnePart({ ...plan.slow, ...common }), (r) => slowOneRows(r, plan.slow));
      await run('stalled', 'stalled clients', () => slowPart({ ...plan.stalled, ...common }), (r) => slowRows(r, plan.stalled));
      await run('broadcast', 'broadcast', () => broadcastPart({ ...plan.broadcast, ...common }), (r) => broadcastRows(r, plan.broadcast));
      await run('history', 'history', () => historyPart({ ...plan.history, ...common }), historyRows);
    } finally {
      killAll();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    const { slow, stalled, share, broadcast } = plan;
    notes.unshift(
      `No browser. \`dist/server\` (built ${built}, copied to bench/out/server-dist at the start) runs in a process of its own (\`bench/server/hub-process.mjs\`: \`node:http\` on 127.0.0.1, \`createSseHub({ authorize, snapshotOnConnect: false, heartbeatMs: 15000 })\`, \`authorize\` reading the grant from the stream URL); the SSE clients in one load process, two from 5,000 clients on (\`bench/server/load.mjs\`: raw TCP sockets, a hand-written \`GET\`, each message's \`sentAt\` and \`projectId\` found by byte search); every process started through \`bash -c 'ulimit -n $(ulimit -Hn) && exec node …'\`. The hub process sends the messages itself (\`metrics_updated\` to projects drawn at random; sends not awaited one by one; when it falls behind it catches up in slices of at most 5 ms worth, with I/O between), each stamped just before \`send\` with the system's monotonic clock, which the load process reads on receipt: latency = receipt − send, over every delivery of a window; a window lasts until every client has what its grant lets through (or nothing more arrives for a second). A stall of the hub process before \`send\` delays the sending, not the latency: the rate reached and the event-loop delay (\`monitorEventLoopDelay\`) show it. The load process also counts, per client, the messages outside its grant and checks how many it should have. Baseline (floor): the same process serving the same clients with a plain \`res.write\` loop — responses kept in arrays per project (and one for the clients that see all), each message's text written to those that should get it, no check, no queue, no limit: the least any hub can cost for the same deliveries. Ours and the floor are connected at the same time and take turns, window by window, swapping who goes first. Memory per idle client: RSS after GC with the clients connected and idle, minus RSS after GC with none (after 50 streams opened and closed, so that the server's code and pools exist), over the number of clients; the kernel's socket buffers are not in it. CPU: the process's user + system time over the window, as a share of one core; per message, less the process's CPU while idle with the same clients. Most of it is the kernel's: one \`writev\` per client per write (the "per client that gets it" rows). "Other work": the machine's busy time (/proc/stat) less this bench's processes, in cores. A 2-core machine shared with other work: ratios within a run mean more than absolutes, and when the hub process plus the load processes plus the other work reach the two cores, the latency is the machine's.`,
      `Cost vs share: one set of ${fmt(share.count)} connections, each client granted p{i mod 100} (shared with 1% of the clients), p{100 + i mod 10} (10%) and p110 (all); each window sends to random projects of one group. ${share.rate} msg/s: what ${fmt(share.count)} clients at 100% can take on this machine. At 1% the CPU per message is mostly the process's fixed cost per message (timers, garbage collection of a heap holding ${fmt(share.count)} connections), for the floor as for the hub.`,
      `Through Redis: \`redisBus({ url, stream, maxLen: 10000 })\` on a private \`redis-server\` (scripts/redis.mjs), two hub processes, each client on one of them, each sending half the rate; beside them, one hub process with the in-process bus serving the same clients, both connected at once and taking turns. An instance reads the stream in batches (\`XREAD\`) and writes each client once per batch: cheaper per message than one write per message, and the batches, so the latency, grow while the process is busy.`,
      `Slow clients: the load process reads a slow (stalled) client's response headers, then pauses its socket for good. The hub sees only its own write queue (\`res.writableLength\`, and its \`stats.queuedBytes\`, the bytes the kernel did not take after each tick's writes); on loopback the kernel first takes ~2–4 MB per such socket (the kernel-queue rows: \`ss\` Send-Q summed over the hub's sockets), so the messages carry a \`pad\` to get past the kernel and the hub's \`maxBufferedBytes\` (default 1 MiB) within the window. Past it the hub queues nothing more for the client and waits \`slowClientMs\` (${slow.slowClientMs ? `${fmt(slow.slowClientMs)} ms in this quick run` : 'the default 10 s'}; the hub checks every quarter of it, at most every second) before it drops it; while the process is over \`maxQueuedBytes\` (default 256 MiB) it sheds the clients with the most queued: both count as dropped. One slow client: one set of connections (the fast clients, with the fan-out's grants) measured alone for ${slow.aloneSeconds} s, then with the stalled client for ${slow.seconds} s (it connects just before: the window's first message is its first), then alone again once it is gone; "one tick's writes" is what the send loop sends in one task at ${slow.rate} msg/s (${perTick(slow.rate)} message of ~${fmt(frameBytes(slow.pad))} bytes). Stalled clients: the fast ones alone in a process of their own for ${stalled.aloneSeconds} s before and after the ${stalled.seconds} s window with the ${stalled.slow} stalled ones (another process). Kept fast clients: open in the hub at the end and no close seen by the client.`,
      `Broadcast: every client granted \`*\`; each step lasts ${broadcast.seconds} s on the same connections, the hub and the floor taking turns; a step is sustained when p99 ≤ 100 ms, the hub process sent ≥ 95% of the rate and every client got every message${broadcast.tries > 1 ? '; a step that fails is tried once more' : ''}. One message to N clients is N writes: its last client gets it after all of them, so p99 cannot be below the time to write to all N, whatever the rate. "Past it": at the largest size, the top step for ${broadcast.overloadSeconds} s on the same processes; RSS, V8 heap and \`stats.queuedBytes\` sampled every 100 ms in the hub process (the start: the sample just before the first message; the end: the last one before the sending stopped; thirds of the sending time); the hub runs with \`maxQueuedBytes\` ${CAP / MB} MiB, which bounds what it queues, not the garbage its writes leave in V8's heap until a collection: the forced GC (\`global.gc()\`, the process runs with \`--expose-gc\`) tells the two apart. With the in-process bus \`send\` fans out in the caller's process, so past the highest rate the sender is slowed down rather than a queue growing while the clients keep up; the ratios compare with the floor's process in the same run.`,
      `History (\`bench/server/history.mjs\`, a process of its own with \`--expose-gc\`, beside a private \`redis-server\`): ${fmt(plan.history.projects)} projects, each seeded with 30 days of hourly samples (every bucket of the 30 d range) before the timing; records spread at random over the projects, the clock a second on each time; the in-process store alone (\`recordNow\`), then \`hub.send\` with and without history (in-process bus, awaited one by one), then through Redis (\`redisBus\`: with history one \`EVALSHA\` adds to the stream and records; without, a plain \`XADD\`), one at a time and 256 in flight. Memory: \`heapUsed + arrayBuffers\` after GC, before and after, over the number of projects; in Redis, \`INFO memory\` \`used_memory\` before and after (the stream's own \`MEMORY USAGE\` taken out of the lines' figure).`,
      `Time per part: ${Object.entries(timings).map(([k, v]) => `${k} ${v} s`).join(', ')}.`,
    );
    return { rows, notes, samples: slim(samples) };
  },
};

/** The samples without the stats dumps and histograms, for results.json. */
function slim(samples) {
  return JSON.parse(JSON.stringify(samples, (key, value) => (key === 'after' || key === 'bins' ? undefined : value)));
}
