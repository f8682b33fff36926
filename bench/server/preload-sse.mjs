// A real SSE endpoint for the preload scenario: `GET /events` streams `lines` `deployment_progress`
// events as fast as the socket takes them, then keeps the connection open — quiet but for a
// heartbeat, or going on at `rate` lines/s for a steady phase.
//
//   GET /events?lines=100000&project=p0000&length=80&rate=0
//
// The payloads are made before the first stream opens (and kept per shape), so making them is not
// part of any figure. The bench pages come from another origin (the runner's static server), so
// the answers carry CORS headers; a preflight (the fetch transport's `Last-Event-ID`) is answered.
import { createServer } from 'node:http';
import { random } from './common.mjs';

const LEVELS = ['info', 'success', 'warning', 'error'];
const WORDS = 'build image layer cache pull push deploy health check ready container port route worker queue node pod'.split(' ');
const BASE_TIME = Date.UTC(2026, 0, 1, 12);
/** Events per write: about 50 KB, a few socket buffers' worth. */
const PER_WRITE = 256;
const HEARTBEAT_MS = 15_000;


/** A message of exactly `length` characters starting with `#<n> `, as `bench/lib/harness.ts` makes them. */
function message(rand, length, prefix) {
  let text = prefix;
  while (text.length < length) text += `${WORDS[Math.floor(rand() * WORDS.length)]} `;
  return text.slice(0, length);
}

/** Line number `n` (0-based) as one SSE frame: `event:`, `id:` (n + 1), `data:` and a blank line. */
function frame(rand, projectId, n, length) {
  const data = JSON.stringify({
    projectId,
    message: message(rand, length, `#${n} `),
    level: LEVELS[Math.floor(rand() * 4)],
    timestamp: new Date(BASE_TIME + n * 5).toISOString(),
  });
  return `event: deployment_progress\nid: ${n + 1}\ndata: ${data}\n\n`;
}

/** The preload of one shape as buffers of `PER_WRITE` frames each. */
function preload(lines, projectId, length) {
  const rand = random(11);
  const buffers = [];
  for (let from = 0; from < lines; from += PER_WRITE) {
    let text = '';
    for (let n = from; n < Math.min(lines, from + PER_WRITE); n++) text += frame(rand, projectId, n, length);
    buffers.push(Buffer.from(text));
  }
  return buffers;
}

function cors(request) {
  return {
    'Access-Control-Allow-Origin': request.headers.origin ?? '*',
    'Access-Control-Allow-Headers': 'Accept, Last-Event-ID, Authorization, Cache-Control',
    'Access-Control-Allow-Methods': 'GET, OPTIONS',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
}

/**
 * Starts the server on 127.0.0.1 at a free port. `prepare(lines, project, length)` makes a shape's
 * payloads ahead of the stream that asks for it. `streams` lists what each stream did, with times
 * on this process's `performance.now()` clock.
 */
export async function startPreloadServer() {
  const cache = new Map();
  const prepared = (lines, projectId, length) => {
    const key = `${lines}/${projectId}/${length}`;
    let buffers = cache.get(key);
    if (!buffers) cache.set(key, (buffers = preload(lines, projectId, length)));
    return buffers;
  };
  const streams = [];
  const open = new Set();

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (request.method === 'OPTIONS') {
      response.writeHead(204, cors(request)).end();
      return;
    }
    if (url.pathname !== '/events' || request.method !== 'GET') {
      response.writeHead(404, cors(request)).end('not found');
      return;
    }
    const lines = Math.max(0, Number(url.searchParams.get('lines') ?? 100_000) | 0);
    const projectId = url.searchParams.get('project') ?? 'p0000';
    const length = Math.max(8, Number(url.searchParams.get('length') ?? 80) | 0);
    const rate = Math.max(0, Number(url.searchParams.get('rate') ?? 0));
    const buffers = prepared(lines, projectId, length);
    const record = { lines, opened: performance.now(), written: NaN, closed: NaN, bytes: 0, waits: 0, lastEventId: request.headers['last-event-id'] ?? url.searchParams.get('lastEventId') };
    streams.push(record);

    request.socket.setTimeout(0);
    request.socket.setNoDelay(true);
    response.writeHead(200, {
      ...cors(request),
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders();

    let closed = false;
    let timer;
    /** Resolves the wait for `drain`, or for the end of the stream. */
    let wake = () => {};
    const stop = () => {
      if (closed) return;
      closed = true;
      record.closed = performance.now();
      clearInterval(timer);
      open.delete(response);
      wake();
    };
    open.add(response);
    request.on('close', stop);
    response.on('error', stop);

    // As fast as the page reads: a full socket buffer waits for `drain`.
    for (const buffer of buffers) {
      if (closed) return;
      record.bytes += buffer.length;
      if (!response.write(buffer)) {
        record.waits += 1;
        await new Promise((resolve) => {
          wake = resolve;
          response.once('drain', resolve);
        });
        response.removeListener('drain', wake);
      }
    }
    record.written = performance.now();
    if (closed) return;

    // Then the steady phase, or only heartbeats.
    const rand = random(29);
    let sent = lines;
    const start = performance.now();
    let lastWrite = start;
    timer = setInterval(
      () => {
        if (closed) return;
        const now = performance.now();
        let text = '';
        if (rate > 0) {
          const due = lines + Math.floor(((now - start) * rate) / 1000);
          for (; sent < due; sent++) text += frame(rand, projectId, sent, length);
        }
        if (!text && now - lastWrite >= HEARTBEAT_MS) text = ': keep-alive\n\n';
        if (text) {
          lastWrite = now;
          response.write(text);
        }
      },
      rate > 0 ? 10 : 1000,
    );
  });

  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    /** The stream's URL for a shape; `rate` > 0 goes on after the preload. */
    url: ({ lines, project = 'p0000', length = 80, rate = 0 }) => `${origin}/events?lines=${lines}&project=${project}&length=${length}&rate=${rate}`,
    prepare: (lines, project = 'p0000', length = 80) => void prepared(lines, project, length),
    streams,
    async close() {
      for (const response of open) response.destroy();
      open.clear();
      server.closeAllConnections?.();
      await new Promise((done) => server.close(done));
    },
  };
}
