// What the server bench's processes share: the clock, the message's fixed layout, a seeded random
// source and the IPC loop through which bench/runner/server.mjs drives them.

/**
 * Milliseconds on the system's monotonic clock (`CLOCK_MONOTONIC`, which every process on the
 * machine reads alike), with microsecond precision. The hub process stamps a message with it just
 * before `send`; the load process reads it on receipt: the difference is the latency.
 */
export function nowMs() {
  return performance.now() + OFFSET;
}

// `performance.now()` counts on the same clock from this process's start: the offset makes it
// absolute, and it is cheaper than `process.hrtime.bigint()` on every call. Its first call is slow
// (it sets itself up), so the offset is the tightest of a few readings taken after it.
const OFFSET = (() => {
  performance.now();
  let best = Infinity;
  let offset = 0;
  for (let i = 0; i < 5; i++) {
    const before = performance.now();
    const absolute = Number(process.hrtime.bigint() / 1000n) / 1000;
    const after = performance.now();
    if (after - before < best) {
      best = after - before;
      offset = absolute - (before + after) / 2;
    }
  }
  return offset;
})();

/**
 * The message as the bench sends it: `sentAt` first and `projectId` right after, so that the load
 * generator finds both with two byte searches instead of parsing JSON. `JSON.stringify` keeps this
 * order; the protocol's fields follow, and `pad` (when asked for) makes a message bigger.
 */
export function metricsMessage(sentAt, project, seq, pad) {
  const data = {
    sentAt,
    projectId: project,
    cpu: seq % 100,
    memory: 256 + (seq % 512),
    requests: seq,
    uptime: `${Math.floor(seq / 60)}m`,
  };
  if (pad) data.pad = pad;
  return data;
}

/**
 * The latency histogram's bins: 10 µs wide up to 100 ms, then 1 ms wide up to 100 s (the last one
 * holds everything slower). The load processes send theirs sparse; the runner merges them.
 */
const FINE = 10_000;
export const BINS = FINE + 100_000;
export function binOf(ms) {
  return ms < 100 ? Math.max(0, Math.floor(ms * 100)) : Math.min(BINS - 1, FINE + Math.floor(ms - 100));
}
function binValue(bin) {
  return bin < FINE ? (bin + 0.5) / 100 : 100 + (bin - FINE) + 0.5;
}
/** The `q` quantile (0–1) of a histogram, in ms; NaN when it is empty. */
export function percentile(histogram, q) {
  let count = 0;
  for (let bin = 0; bin < histogram.length; bin++) count += histogram[bin];
  if (count === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * count));
  let seen = 0;
  for (let bin = 0; bin < histogram.length; bin++) {
    seen += histogram[bin];
    if (seen >= rank) return binValue(bin);
  }
  return NaN;
}

/** The projects of a run: `p0` … `p{count - 1}`; the load generator reads the number after `p`. */
export function projectNames(count, prefix = 'p') {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

/**
 * A small seeded generator (mulberry32, as the library's `seededRandom`): the same grants and the
 * same projects on every run. Its own copy: the bench is loaded before anything is built.
 */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Answers the runner's requests on the IPC channel: `{ id, cmd, ...args }` → `{ id, result }` or
 * `{ id, error }`. The process exits when the channel closes, so it never outlives the bench.
 */
export function serveRequests(handlers) {
  process.on('message', async (message) => {
    const { id, cmd, ...args } = message;
    try {
      const handler = handlers[cmd];
      if (!handler) throw new Error(`unknown command ${cmd}`);
      const result = await handler(args);
      process.send({ id, result });
    } catch (error) {
      process.send({ id, error: String(error?.stack ?? error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
