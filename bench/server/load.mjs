// The load generator, alone in its process: opens SSE streams to the hub process over raw TCP
// sockets (a hand-written `GET`, no HTTP client), and on every read finds each message's `sentAt`
// and `projectId` with byte searches — the bench's messages put them first (see common.mjs) — to
// record the latency and check that the client may see that project. Clients of kind `slow` read
// the response headers and then never read again.
//
//   node bench/server/load.mjs       (driven over IPC by bench/runner/server.mjs)
import net from 'node:net';
import { BINS, binOf, nowMs, percentile, serveRequests } from './common.mjs';

const SENT_AT = Buffer.from('"sentAt":');
const PROJECT = Buffer.from('"projectId":"p');
const HEAD_END = Buffer.from('\r\n\r\n');
const QUOTE = 0x22;

const histogram = new Uint32Array(BINS);
/** The slowest delivery of each second of the window, to see when latency spiked. */
let slowest = [];
function record(ms, second) {
  histogram[binOf(ms)] += 1;
  if (!(slowest[second] >= ms)) slowest[second] = ms;
}

let clients = [];
let total = 0;
let outside = 0;
let cpuStart = process.cpuUsage();
let wallStart = nowMs();

/** Parses what arrived on one stream; keeps a partial message for the next read. */
function consume(client, chunk, now) {
  const data = client.tail ? Buffer.concat([client.tail, chunk]) : chunk;
  client.tail = undefined;
  let from = 0;
  const second = Math.max(0, Math.floor((now - wallStart) / 1000));
  for (;;) {
    const at = data.indexOf(SENT_AT, from);
    if (at < 0) break;
    // sentAt: digits, a dot, digits.
    let i = at + SENT_AT.length;
    let whole = 0;
    let fraction = 0;
    let scale = 1;
    let dot = false;
    for (; i < data.length; i++) {
      const c = data[i];
      if (c >= 0x30 && c <= 0x39) {
        if (dot) {
          fraction = fraction * 10 + (c - 0x30);
          scale *= 10;
        } else {
          whole = whole * 10 + (c - 0x30);
        }
      } else if (c === 0x2e) {
        dot = true;
      } else {
        break;
      }
    }
    // `,"projectId":"p` then the project's number and a quote.
    const p = i + 1;
    if (p + PROJECT.length >= data.length) {
      client.tail = Buffer.from(data.subarray(at));
      return;
    }
    let project = -1;
    if (data.compare(PROJECT, 0, PROJECT.length, p, p + PROJECT.length) === 0) {
      let j = p + PROJECT.length;
      project = 0;
      for (; j < data.length && data[j] !== QUOTE; j++) project = project * 10 + (data[j] - 0x30);
      if (j >= data.length) {
        client.tail = Buffer.from(data.subarray(at));
        return;
      }
      i = j;
    }
    record(now - (whole + fraction / scale), second);
    total += 1;
    client.received += 1;
    if (client.mask !== null && !(project >= 0 && project < client.mask.length && client.mask[project])) {
      outside += 1;
      client.outside += 1;
    }
    from = i + 1;
  }
  // A marker cut in two by the read: keep the end from the last quote on, if there is one.
  for (let k = Math.max(from, data.length - SENT_AT.length); k < data.length; k++) {
    if (data[k] === QUOTE) {
      client.tail = Buffer.from(data.subarray(k));
      return;
    }
  }
}

function open(port, path, kind, mask, projects) {
  return new Promise((resolve) => {
    const client = { socket: null, kind, mask, projects, status: 0, received: 0, outside: 0, closed: false, tail: undefined };
    let head = Buffer.alloc(0);
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    client.socket = socket;
    const done = () => resolve(client);
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`));
    const onData = (chunk) => {
      if (client.status === 0) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf(HEAD_END);
        if (end < 0) return;
        client.status = Number(head.toString('latin1', 9, 12));
        const rest = head.subarray(end + HEAD_END.length);
        head = undefined;
        if (kind === 'slow') socket.pause();
        else if (rest.length) consume(client, rest, nowMs());
        done();
        return;
      }
      consume(client, chunk, nowMs());
    };
    socket.on('data', onData);
    socket.on('error', () => {});
    socket.on('close', () => {
      client.closed = true;
      done();
    });
  });
}

/** Opens the streams in batches, each batch once the one before has its response headers. */
async function connect({ ports, list, batch = 500, maxProjects = 128 }) {
  const started = nowMs();
  for (let i = 0; i < list.length; i += batch) {
    const opened = await Promise.all(
      list.slice(i, i + batch).map(({ port, grant, kind = 'fast' }) => {
        let mask = null;
        let projects = null;
        if (grant !== '*') {
          projects = grant.split(',').map((name) => Number(name.slice(1)));
          mask = new Uint8Array(maxProjects);
          for (const p of projects) mask[p] = 1;
        }
        const query = `grant=${encodeURIComponent(grant)}${kind === 'fast' ? '' : `&kind=${kind}`}`;
        return open(ports[port ?? 0], `/events?${query}`, kind, mask, projects);
      }),
    );
    clients.push(...opened);
  }
  const statuses = {};
  for (const client of clients) statuses[client.status] = (statuses[client.status] ?? 0) + 1;
  return { clients: clients.length, open: clients.filter((c) => !c.closed).length, statuses, ms: nowMs() - started };
}

/** What one client should have received, given the messages sent per project number. */
function wanted(client, counts, sum) {
  if (client.projects === null) return sum;
  let want = 0;
  for (const p of client.projects) want += counts[p] ?? 0;
  return want;
}

/** What the fast clients should have received. */
function expectedOf(counts) {
  const sum = counts.reduce((a, b) => a + b, 0);
  let expected = 0;
  for (const client of clients) if (client.kind !== 'slow') expected += wanted(client, counts, sum);
  return expected;
}

/**
 * The window's figures. With `counts` (messages sent per project number in the window), each
 * client's expected count is what its grant lets through: `short` counts the clients that got
 * fewer, `extra` those that got more.
 */
function report({ counts } = {}) {
  const cpu = process.cpuUsage(cpuStart);
  const wall = nowMs() - wallStart;
  const byKind = {};
  let expected = 0;
  let short = 0;
  let extra = 0;
  const sum = counts ? counts.reduce((a, b) => a + b, 0) : 0;
  for (const client of clients) {
    const kind = (byKind[client.kind] ??= { clients: 0, closed: 0, received: 0 });
    kind.clients += 1;
    if (client.closed) kind.closed += 1;
    kind.received += client.received;
    if (counts && client.kind !== 'slow') {
      const want = wanted(client, counts, sum);
      expected += want;
      if (client.received < want) short += 1;
      if (client.received > want) extra += 1;
    }
  }
  // The histogram travels sparse, so that the runner can merge those of several load processes.
  const bins = [];
  for (let bin = 0; bin < histogram.length; bin++) if (histogram[bin]) bins.push(bin, histogram[bin]);
  return {
    received: total,
    expected: counts ? expected : undefined,
    short,
    extra,
    outside,
    p50: percentile(histogram, 0.5),
    p99: percentile(histogram, 0.99),
    max: percentile(histogram, 1),
    bins,
    slowest: Array.from(slowest, (ms) => (ms === undefined ? 0 : Math.round(ms))),
    byKind,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: wall,
  };
}

function reset() {
  histogram.fill(0);
  slowest = [];
  total = 0;
  outside = 0;
  for (const client of clients) {
    client.received = 0;
    client.outside = 0;
  }
  cpuStart = process.cpuUsage();
  wallStart = nowMs();
  return true;
}

serveRequests({
  connect,
  reset,
  report,
  received({ counts }) {
    return { received: total, expected: expectedOf(counts) };
  },
  /** Closes every stream with a reset, so that no port waits in TIME_WAIT for the next run. */
  close() {
    for (const client of clients) client.socket.resetAndDestroy();
    clients = [];
    return true;
  },
});

process.send({ ready: true, pid: process.pid });
