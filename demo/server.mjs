// The CloudDeploy demo: the mock simulation running in Node behind the real protocol.
//
//   npm start                # builds, then serves http://localhost:8080/
//   PORT=3000 npm start      # another port
//
// Serves, under whatever path it is mounted at:
//   GET    /api/containers/events      text/event-stream (ids, retry, heartbeats, resume, snapshot)
//   GET    /api/projects               the project list
//   GET    /api/projects/:id           one project
//   POST   /api/containers/:id/start   start (a deployment follows on the stream)
//   POST   /api/containers/:id/stop    stop
//   DELETE /api/projects/:id           delete
//   GET    /, /project.html?id=…, /bundle-only.html, …   the demo pages (add ?mock for the in-browser mock)
//   GET    /dist/*                     the built library
//
// `createDemoServer()` gives the same thing to a test: `handle(req, res)` to mount it in another
// server, `pause()` / `resume()` to simulate an outage, `reset()` for a fresh simulation.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const demoDir = resolve(root, 'demo');
const distDir = resolve(root, 'dist');

let MockBackend;
let createSseHub;
try {
  ({ MockBackend } = await import('../dist/mock/index.js'));
  ({ createSseHub } = await import('../dist/server/index.js'));
} catch (error) {
  throw new Error(`The demo runs on the built package, and dist/ is missing or incomplete: run \`npm run build\` first.\n(${error.message})`);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
};

/** Files of demo/ that are not pages. */
const PRIVATE = new Set(['server.mjs']);

/**
 * A clock for the simulation: wall-clock time, with timers `speed` times faster (so a test sees a
 * whole deployment in a couple of seconds). Its timers never keep the process alive on their own.
 */
export function speedClock(speed = 1) {
  const factor = speed > 0 ? speed : 1;
  return {
    now: () => Date.now(),
    setTimeout(callback, ms) {
      const handle = setTimeout(callback, ms / factor);
      handle.unref?.();
      return handle;
    },
    clearTimeout: (handle) => clearTimeout(handle),
  };
}

/**
 * The demo as a request handler.
 *
 * @param {object} [options]
 * @param {number} [options.seed=1] Seed of the simulation.
 * @param {number} [options.speed=1] Timers of the simulation run this many times faster.
 * @param {import('../dist/mock/index.js').Clock} [options.clock] A clock of your own (overrides `speed`).
 * @param {import('../dist/mock/index.js').MockBackendOptions} [options.backend] More simulation options.
 * @param {import('../dist/server/index.js').SseHubOptions} [options.hub] Stream options (`retryMs`, `heartbeatMs`, …).
 * @param {boolean} [options.record=false] Keep every frame sent, for tests (`frames`).
 * @param {{ log(message: string): void, warn(message: string): void }} [options.logger=console]
 */
export function createDemoServer(options = {}) {
  const logger = options.logger ?? console;
  const streams = new Set();
  let paused = false;
  let state;

  /** A fresh simulation and hub; the previous ones, if any, are shut down. */
  function start() {
    if (state) stop(state);
    const backend = new MockBackend({
      seed: options.seed ?? 1,
      clock: options.clock ?? speedClock(options.speed ?? 1),
      ...options.backend,
    });
    const hub = createSseHub({
      logger: { warn: (message) => logger.warn(message) },
      ...options.hub,
      snapshot: () => backend.snapshot(),
    });
    const frames = [];
    // The simulation runs as long as the demo does, listened to or not, so a client that comes
    // back after an outage has something to catch up on.
    const unsubscribe = backend.subscribe((frame) => {
      let data;
      try {
        data = JSON.parse(frame.data);
      } catch {
        logger.warn(`demo: not forwarding a frame whose data is not JSON: ${frame.data.slice(0, 80)}`);
        return;
      }
      const id = hub.send(frame.event ?? 'message', data);
      if (options.record) frames.push({ id, event: frame.event ?? 'message', data });
    });
    state = { backend, hub, frames, unsubscribe };
  }

  function stop({ hub, unsubscribe }) {
    unsubscribe();
    dropStreams();
    hub.close();
  }

  /** Destroys every open stream's socket, as a crashed server or a cut network would. */
  function dropStreams() {
    for (const req of [...streams]) req.socket.destroy();
    streams.clear();
  }

  start();

  async function handleApi(req, res, pathname) {
    if (paused) return sendJson(res, 503, 'Service Unavailable', { error: 'The demo server is paused' });
    if (pathname === '/api/containers/events') {
      if (req.method !== 'GET') return sendJson(res, 405, 'Method Not Allowed', { error: 'GET only' });
      streams.add(req);
      req.on('close', () => streams.delete(req));
      state.hub.handle(req, res);
      return;
    }
    const backend = state.backend;
    const response = await backend.request(req.method ?? 'GET', pathname.slice('/api'.length));
    sendJson(res, response.status, response.statusText, response.body);
  }

  async function handle(req, res) {
    let url;
    try {
      url = new URL(req.url ?? '/', 'http://demo.invalid');
    } catch {
      return sendText(res, 400, 'Bad request');
    }
    const pathname = url.pathname;
    try {
      if (pathname === '/api' || pathname.startsWith('/api/')) return await handleApi(req, res, pathname);
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed');
      const file = await fileFor(pathname);
      if (!file) return sendText(res, 404, 'Not found');
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    } catch (error) {
      logger.warn(`demo: ${req.method} ${pathname} failed: ${error instanceof Error ? error.stack : error}`);
      if (!res.headersSent) sendText(res, 500, 'Internal server error');
      else res.destroy();
    }
  }

  let server;

  return {
    /** The request handler, for `node:http` or to mount under another server. */
    handle,
    get backend() {
      return state.backend;
    },
    get hub() {
      return state.hub;
    },
    /** Every frame sent since the last `reset()`, with its id (only with `record: true`). */
    get frames() {
      return state.frames;
    },
    get paused() {
      return paused;
    },
    /** Open streams. */
    get streams() {
      return streams.size;
    },
    /** An outage: every stream's socket is destroyed and the API answers 503 until `resume()`. The simulation runs on. */
    pause() {
      paused = true;
      dropStreams();
    },
    resume() {
      paused = false;
    },
    /** A fresh simulation (and stream ids), as if the server had restarted. */
    reset() {
      paused = false;
      start();
    },
    /** Listens on `port` (0 for any free one); resolves with the URL. */
    async listen(port = 8080, host) {
      server ??= createServer((req, res) => void handle(req, res));
      await new Promise((resolvePromise, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolvePromise();
        });
      });
      const address = server.address();
      const shown = !host || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
      return `http://${shown}:${address.port}/`;
    },
    /** Stops the simulation, ends every stream and stops listening. */
    async close() {
      stop(state);
      if (!server) return;
      server.closeAllConnections?.();
      await new Promise((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}

/** Maps a URL path to a file in demo/ or dist/, never outside them. */
async function fileFor(pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const [dir, rest] = decoded === '/dist' || decoded.startsWith('/dist/') ? [distDir, decoded.slice('/dist'.length)] : [demoDir, decoded];
  const relative = rest === '/' || rest === '' ? '/index.html' : rest;
  const file = resolve(dir, `.${relative}`);
  if (!file.startsWith(dir + sep)) return undefined;
  if (dir === demoDir && PRIVATE.has(file.slice(dir.length + 1))) return undefined;
  try {
    return (await stat(file)).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(res, status, statusText, body) {
  const text = JSON.stringify(body ?? null);
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  };
  if (statusText) res.writeHead(status, statusText, headers);
  else res.writeHead(status, headers);
  res.end(text);
}

function sendText(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

// Run as a program: `node demo/server.mjs`.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const port = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, not "${process.env.PORT}"`);
    process.exit(1);
  }
  const demo = createDemoServer({ seed: Number(process.env.SEED ?? 1) });
  let url;
  try {
    url = await demo.listen(port, process.env.HOST);
  } catch (error) {
    console.error(error.code === 'EADDRINUSE' ? `Port ${port} is in use: choose another with PORT=<port> npm start` : error.message);
    await demo.close();
    process.exit(1);
  }
  console.log(`CloudDeploy live-elements demo running at ${url}`);
  console.log(`  dashboard:  ${url}`);
  console.log(`  a project:  ${url}project.html?id=api-gateway`);
  console.log(`  in-browser mock instead of the server: add ?mock to either page`);
  console.log(`  stream:     ${url}api/containers/events`);
  const shutdown = () => {
    demo.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

