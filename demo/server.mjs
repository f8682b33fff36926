// The CloudDeploy demo: the mock simulation running in Node behind the real protocol.
//
//   npm start                                   # builds, then serves http://127.0.0.1:8080/
//   PORT=3000 npm start                         # another port (HOST=0.0.0.0 to listen on every interface)
//   REDIS_URL=redis://127.0.0.1:6379 npm start -- --instances 2
//                                               # a cluster: instances on Redis behind a balancer (demo/cluster.mjs)
//
// Serves, under whatever path it is mounted at:
//   GET    /api/containers/events      text/event-stream (ids, retry, heartbeats, resume, snapshot)
//   GET    /api/projects               the project list
//   GET    /api/projects/:id           one project
//   GET    /api/projects/:id/metrics?range=24h|7d|30d   metrics history (30 days seeded at start)
//   POST   /api/containers/:id/start   start (a deployment follows on the stream)
//   POST   /api/containers/:id/stop    stop
//   DELETE /api/projects/:id           delete
//   GET    /, /project.html?id=…, /bundle-only.html, …   the demo pages (add ?mock for the in-browser mock)
//   GET    /dist/*                     the built library
//   POST   /webhooks/receiver          the demo's own webhook receiver: its critical events come back
//                                      here, signed, and each signature is verified (standardwebhooks)
//   GET    /webhooks/log               what the receiver got and every delivery attempt (webhooks.html)
//   POST   /webhooks/test              sends a `webhook_test` event through the hub
//   POST   /webhooks/receiver-mode     `{ "failing": true }`: the receiver answers 503, to show retries
//
// Safe by default: it listens on 127.0.0.1 only, its actions (POST, DELETE) refuse cross-site
// requests, and with a hub `authorize` the REST endpoints show a viewer only its projects, as the
// stream does.
//
// Rate-limited per viewer (DEMO_RATE_LIMIT; per address here, as the demo names no viewers): 10
// actions per 10 s, so clicking fast shows the 429 path (Retry-After, RateLimit headers); 600 REST
// reads and 120 new streams a minute. Every /api answer carries the RateLimit headers.
//
// `createDemoServer()` gives the same thing to a test: `handle(req, res)` to mount it in another
// server, `pause()` / `resume()` to simulate an outage, `reset()` for a fresh simulation.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { extname, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';

const root = resolve(import.meta.dirname, '..');
const demoDir = resolve(root, 'demo');
const distDir = resolve(root, 'dist');

let MockBackend;
let createSseHub;
let createWebhooks;
let generateWebhookSecret;
let isCriticalEvent;
let seededRandom;
try {
  ({ MockBackend } = await import('../dist/mock/index.js'));
  ({ createSseHub, createWebhooks, generateWebhookSecret, isCriticalEvent } = await import('../dist/server/index.js'));
  // The simulation's own generator, so a seed gives the same history every time.
  ({ seededRandom } = await import('../dist/core/random.js'));
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

/** Files of demo/ that are not pages: the servers. */
const PRIVATE = new Set(['server.mjs', 'cluster.mjs', 'cluster-instance.mjs']);

/**
 * The demo's webhook retries, shorter than the library's day-long default so that a failing
 * receiver's retries show within a minute.
 */
const WEBHOOK_SCHEDULE = [0, 2000, 10_000, 60_000];

/** Deliveries the demo's receiver remembers for webhooks.html. */
const RECEIVED_KEPT = 200;

/**
 * The demo's rate limits (the hub's `rateLimit`): actions (POST, DELETE) use `hub.limit(req, res,
 * 'actions')`; REST reads and the history count in `default`; new streams in `stream`.
 */
export const DEMO_RATE_LIMIT = Object.freeze({
  limit: 600,
  windowMs: 60_000,
  stream: { limit: 120, windowMs: 60_000 },
  policies: { actions: { limit: 10, windowMs: 10_000 } },
});

/** The stream's path; everything else under /api is REST. */
const STREAM_PATH = '/api/containers/events';

/** Metrics history, answered by the hub (`handleHistory`): `…/projects/:id/metrics?range=`. */
const HISTORY_PATH = /^\/api\/projects\/[^/]+\/metrics\/?$/;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function describeUptime(ms) {
  const minutes = Math.floor(ms / MINUTE);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/**
 * The messages of the deployment that put a project in `error` a few minutes before `now`: it
 * opens, builds, starts and fails with the project's last error. None for another status.
 */
export function failedDeployment(project, now) {
  if (project.status !== 'error') return [];
  const { projectId } = project;
  const at = (minutesAgo) => new Date(now - minutesAgo * MINUTE).toISOString();
  const line = (minutesAgo, message, level, step, progress) => ['deployment_progress', { projectId, message, level, step, progress, timestamp: at(minutesAgo) }];
  return [
    ['container_status_changed', { projectId, oldStatus: 'stopped', newStatus: 'deploying', timestamp: at(6) }],
    line(6, 'Cloning repository', 'info', 'Clone', 10),
    line(5.5, 'Installing dependencies', 'info', 'Install', 30),
    line(4, 'Building image', 'info', 'Build', 55),
    line(3, 'Image built', 'success', 'Build', 70),
    line(2.5, 'Starting container', 'info', 'Start', 85),
    line(2, project.lastError ?? 'The container did not start', 'error', 'Start', 85),
    ['container_status_changed', { projectId, oldStatus: 'deploying', newStatus: 'error', timestamp: at(2) }],
  ];
}

/** A 32-bit FNV-1a hash of a string: each project's own history from one seed. */
function hashOf(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * Thirty days of plausible metrics for one demo project, oldest first, ending a minute before
 * `now` (or when the project stopped): four samples an hour up to a week ago, four per 10 minutes
 * up to a day ago, then two a minute — a few per bucket of each range, so its min–max band shows
 * the spread within it. A daily cycle (busy
 * afternoons, quiet nights, lighter weekends), a deployment two days ago (a CPU spike while it
 * builds, memory back down after the restart) and an incident nine days ago (two hours of CPU
 * near 100% and memory climbing until a restart). `requests` counts since the container started,
 * as the simulation's does, and ends at the project's current count.
 */
export function demoHistory(project, now, seed = 1) {
  const random = seededRandom(hashOf(project.projectId) ^ seed);
  // Around the project's own figures where it has some, so the history meets the live line.
  const cpuLevel = project.metrics ? Math.max(2, project.metrics.cpu) : 8 + random() * 30;
  const memoryLevel = project.metrics ? Math.max(32, project.metrics.memory) : 140 + random() * 420;
  const perMinute = 40 + random() * 900;
  const stoppedFor = { stopped: 5 * HOUR, inactive: 35 * MINUTE, error: 20 * MINUTE }[project.status] ?? 0;
  const end = Math.floor((now - stoppedFor) / MINUTE) * MINUTE - MINUTE;
  const deployAt = Math.floor((now - 2 * DAY - 3 * HOUR - random() * 6 * HOUR) / MINUTE) * MINUTE;
  const incidentAt = Math.floor((now - 9 * DAY - random() * 2 * DAY) / HOUR) * HOUR;
  const restarts = [now - 31 * DAY, incidentAt + 2 * HOUR, deployAt + 15 * MINUTE];
  const times = [];
  const start = Math.floor((now - 30 * DAY) / HOUR) * HOUR + HOUR;
  for (let time = start; time <= end; ) {
    times.push(time);
    // A few samples per bucket of each range, so its min–max band has something to show.
    time += time < now - 7 * DAY ? 15 * MINUTE : time < now - DAY ? 150_000 : 30_000;
  }
  const samples = [];
  let requests = 0;
  let previous = start;
  for (const time of times) {
    const hour = (time % DAY) / HOUR;
    const weekday = new Date(time).getUTCDay();
    const load = (0.55 + 0.45 * Math.sin((2 * Math.PI * (hour - 9)) / 24)) * (weekday === 0 || weekday === 6 ? 0.7 : 1);
    const restartedAt = restarts.filter((at) => at <= time).at(-1);
    // Memory creeps up between restarts, a few percent a day.
    let memory = memoryLevel * (0.88 + 0.12 * load) * (1 + 0.02 * ((time - restartedAt) / DAY) + (random() - 0.5) * 0.04);
    let cpu = cpuLevel * (0.35 + 1.1 * load) + (random() - 0.5) * 10;
    let rate = perMinute * load;
    if (time >= deployAt && time < deployAt + 15 * MINUTE) {
      cpu = 78 + random() * 15;
      memory = memoryLevel * 1.3;
    }
    if (time >= incidentAt && time < incidentAt + 2 * HOUR) {
      const into = (time - incidentAt) / (2 * HOUR);
      cpu = 92 + random() * 7;
      memory = memoryLevel * (1.1 + 0.9 * into);
      rate *= 0.3;
    }
    if (restarts.some((at) => at > previous && at <= time)) requests = 0;
    requests += rate * ((time - previous) / MINUTE);
    previous = time;
    samples.push({
      time,
      cpu: Math.round(Math.min(100, Math.max(0, cpu)) * 10) / 10,
      memory: Math.round(Math.max(32, memory) * 10) / 10,
      requests: Math.round(requests),
      uptime: describeUptime(time - restartedAt),
    });
  }
  // The count since the last restart ends where the simulation's starts.
  const current = project.metrics?.requests;
  const lastRestart = restarts.at(-1);
  const tail = samples.filter((sample) => sample.time > lastRestart);
  const natural = tail.at(-1)?.requests ?? 0;
  if (typeof current === 'number' && natural > 0) for (const sample of tail) sample.requests = Math.round((sample.requests * current) / natural);
  return samples;
}

/** Sent by the cluster's instances to the backend they forward to (see demo/cluster.mjs). */
export const BACKEND_TOKEN_HEADER = 'x-demo-backend-token';

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
 * Why an action request must be refused as cross-site, or `undefined` when it may go ahead: a
 * `Sec-Fetch-Site` of `cross-site` or `same-site`, or an `Origin` whose host and port are not the
 * request's `Host`. Same-origin `fetch` calls (what `<live-container-actions>` sends) pass, and so do
 * requests with neither header (curl, another server).
 */
export function crossSiteRefusal(req) {
  const site = headerValue(req.headers['sec-fetch-site'])?.toLowerCase();
  if (site === 'cross-site' || site === 'same-site') return `A ${site} request may not act on containers here`;
  const origin = headerValue(req.headers.origin);
  if (origin === undefined) return undefined;
  const host = headerValue(req.headers.host);
  let originUrl;
  try {
    originUrl = new URL(origin);
  } catch {
    originUrl = undefined;
  }
  if (!originUrl || (originUrl.protocol !== 'http:' && originUrl.protocol !== 'https:')) {
    return `A request from origin ${JSON.stringify(origin.slice(0, 100))} may not act on containers here`;
  }
  let requestHost;
  try {
    // Through the origin's scheme, so a default port written out or left out compares equal.
    requestHost = host === undefined ? undefined : new URL(`${originUrl.protocol}//${host}`).host;
  } catch {
    requestHost = undefined;
  }
  if (requestHost !== originUrl.host) return `A request from ${originUrl.origin.slice(0, 100)} may not act on containers here`;
  return undefined;
}

/** Whether a `Host` header names this machine's loopback interface. */
function isLoopbackHost(host) {
  if (host === undefined) return true;
  let hostname;
  try {
    hostname = new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function isLoopbackAddress(host) {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The project a REST path is about (`/projects/:id`, `/containers/:id/…`), if any. */
function projectIdOfPath(path) {
  const segments = path.split('/').filter(Boolean);
  if ((segments[0] !== 'projects' && segments[0] !== 'containers') || segments[1] === undefined) return undefined;
  try {
    return decodeURIComponent(segments[1]);
  } catch {
    return segments[1];
  }
}

/**
 * The simulation of another process, reached over HTTP: what a cluster instance asks for its
 * snapshots and forwards its REST calls to.
 */
function remoteBackend({ url, token, timeoutMs = 10000 }) {
  const base = url.endsWith('/') ? url : `${url}/`;
  const headers = { [BACKEND_TOKEN_HEADER]: token ?? '', Accept: 'application/json' };
  return {
    async request(method, path) {
      let response;
      try {
        response = await fetch(`${base}api${path}`, { method, headers, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        return { status: 502, statusText: 'Bad Gateway', body: { error: `The demo backend did not answer (${error.message})` } };
      }
      const text = await response.text();
      let body;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = { error: text.slice(0, 200) };
      }
      return { status: response.status, statusText: response.statusText, body };
    },
    async snapshot() {
      const response = await fetch(`${base}__backend/snapshot`, { headers, signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`the demo backend answered ${response.status} for a snapshot`);
      return response.json();
    },
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
 * @param {import('../dist/server/index.js').SseHubOptions} [options.hub] Stream options (`retryMs`,
 *   `heartbeatMs`, `authorize`, …). With `authorize`, the REST endpoints apply the same scope: the
 *   list shows the viewer's projects only, another project answers 404, a refused viewer 401.
 * @param {() => import('../dist/server/index.js').SseBus} [options.bus] A new bus for each simulation
 *   (default: the hub's in-process one), e.g. `() => redisBus({ url })`.
 * @param {{ url: string, token?: string }} [options.upstream] No simulation here: snapshots and REST
 *   calls go to the demo backend at `url` (a cluster instance; see demo/cluster.mjs). Metrics history
 *   is still answered here, from the bus's history (Redis).
 * @param {boolean} [options.seedHistory=true] Seed 30 days of metrics history for every project at start.
 * @param {string} [options.instanceName] Sent as `X-Demo-Instance` on every response.
 * @param {boolean} [options.record=false] Keep every frame sent, for tests (`frames`).
 * @param {import('../dist/server/index.js').SseRateLimitOptions | false} [options.rateLimit=DEMO_RATE_LIMIT]
 *   Per-viewer limits (`false`: none); `hub.rateLimit` wins over it.
 * @param {boolean} [options.webhooks] Once listening, send the critical events (and `webhook_test`)
 *   as webhooks to its own `/webhooks/receiver` (default: on with the in-process bus, off otherwise).
 * @param {{ log(message: string): void, warn(message: string): void }} [options.logger=console]
 */
export function createDemoServer(options = {}) {
  const logger = options.logger ?? console;
  const streams = new Set();
  let paused = false;
  let state;
  /** Set by `listen()` on a loopback address: `/api` then answers only requests addressed to loopback. */
  let loopbackOnly = false;
  const receiver = webhookReceiver();
  /** Where the webhooks go: this server's receiver, once it listens (and when webhooks are on). */
  let webhookUrl;
  const webhooksOn = options.webhooks ?? (!options.bus && !options.upstream);

  /** Webhooks for one hub, to the demo's own receiver. */
  function startWebhooks(hub) {
    return createWebhooks({
      hub,
      endpoints: [{ url: webhookUrl, secret: receiver.secret, id: 'demo-receiver' }],
      filter: (message) => isCriticalEvent(message) || message.event === 'webhook_test',
      schedule: WEBHOOK_SCHEDULE,
      timeoutMs: 5000,
      logger: { warn: (message) => logger.warn(message) },
    });
  }

  /** A fresh simulation and hub; the previous ones, if any, are shut down. */
  function start() {
    if (state) void stop(state);
    const backend = options.upstream
      ? remoteBackend(options.upstream)
      : new MockBackend({
          seed: options.seed ?? 1,
          clock: options.clock ?? speedClock(options.speed ?? 1),
          ...options.backend,
        });
    const hub = createSseHub({
      logger: { warn: (message) => logger.warn(message) },
      // History on the simulation's clock (a test may drive it).
      ...(options.clock ? { history: { now: () => options.clock.now() } } : {}),
      ...(options.rateLimit === false ? {} : { rateLimit: options.rateLimit ?? DEMO_RATE_LIMIT }),
      ...options.hub,
      ...(options.bus ? { bus: options.bus() } : {}),
      snapshot: () => backend.snapshot(),
    });
    const current = { backend, hub, frames: [], chain: Promise.resolve(undefined), failures: 0, stopped: false, unsubscribe: () => {}, webhooks: undefined };
    if (webhookUrl && webhooksOn) current.webhooks = startWebhooks(hub);
    state = current;
    if (!options.upstream && options.seedHistory !== false) {
      // Thirty days of history for every project before the simulation's first frame, so a
      // newcomer's first look at "7 d" shows something; its frames wait for it (in-process a few
      // milliseconds, over Redis a few pipelined scripts).
      const now = (options.clock ?? Date).now();
      current.chain = Promise.all(backend.snapshot().projects.map((project) => hub.seedHistory(project.projectId, demoHistory(project, now, options.seed ?? 1)))).then(
        () => undefined,
        (error) => logger.warn(`demo: could not seed the metrics history: ${error instanceof Error ? error.message : error}`),
      );
    }
    if (!options.upstream && options.seedHistory !== false) {
      // A project that starts in error failed a deployment before the demo started: its log says
      // how, as a real platform's would.
      const now = (options.clock ?? Date).now();
      for (const project of backend.snapshot().projects) {
        for (const [event, data] of failedDeployment(project, now)) void enqueue(current, event, data);
      }
    }
    // The simulation runs as long as the demo does, listened to or not, so a client that comes
    // back after an outage has something to catch up on.
    if (!options.upstream) {
      current.unsubscribe = backend.subscribe((frame) => {
        let data;
        try {
          data = JSON.parse(frame.data);
        } catch {
          logger.warn(`demo: not forwarding a frame whose data is not JSON: ${frame.data.slice(0, 80)}`);
          return;
        }
        void enqueue(current, frame.event ?? 'message', data);
      });
    }
  }

  /**
   * Hands a message to the hub after every earlier one was taken, so the stream carries the
   * simulation's frames in its order. Resolves with the id, or `undefined` when it was not sent: a
   * message the hub refuses is logged; while the bus is unreachable, only the first failure is,
   * and the count when it works again.
   */
  function enqueue(current, event, data) {
    const sent = current.chain.then(async () => {
      if (current.stopped) return undefined;
      try {
        const id = await current.hub.send(event, data);
        if (current.failures > 0) {
          logger.warn(`demo: the stream takes messages again; ${current.failures} simulation message(s) could not be sent meanwhile`);
          current.failures = 0;
        }
        if (options.record) current.frames.push({ id, event, data });
        return id;
      } catch (error) {
        if (current.stopped) return undefined;
        const reason = error instanceof Error ? error.message : String(error);
        if (error instanceof TypeError || error instanceof RangeError) {
          logger.warn(`demo: the hub refused a ${event} message: ${reason}`);
        } else if (++current.failures === 1) {
          logger.warn(`demo: could not send a ${event} message (${reason}); the simulation runs on, and its messages are dropped until one goes through again`);
        }
        return undefined;
      }
    });
    current.chain = sent;
    return sent;
  }

  async function stop(current, { graceful = false } = {}) {
    current.stopped = true;
    current.unsubscribe();
    if (!graceful) dropStreams();
    try {
      await current.webhooks?.close();
      await current.hub.close({ reconnectWithinMs: 1000 });
    } catch (error) {
      logger.warn(`demo: closing the hub failed: ${error instanceof Error ? error.message : error}`);
    }
  }

  /** Destroys every open stream's socket, as a crashed server or a cut network would. */
  function dropStreams() {
    for (const req of [...streams]) req.socket.destroy();
    streams.clear();
  }

  start();

  async function handleApi(req, res, pathname) {
    if (loopbackOnly && !isLoopbackHost(headerValue(req.headers.host))) {
      // A page elsewhere whose name was pointed at 127.0.0.1 (DNS rebinding) is not this server's.
      return sendJson(res, 403, 'Forbidden', { error: 'This demo answers requests addressed to localhost only' });
    }
    if (paused) return sendJson(res, 503, 'Service Unavailable', { error: 'The demo server is paused' });
    const method = (req.method ?? 'GET').toUpperCase();
    if (pathname === STREAM_PATH) {
      if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') return sendJson(res, 405, 'Method Not Allowed', { error: 'GET only' });
      streams.add(req);
      req.on('close', () => streams.delete(req));
      await state.hub.handle(req, res);
      return;
    }
    // Authorized, scoped and CORS-checked by the hub, as the stream is; with Redis, any instance answers.
    if (HISTORY_PATH.test(pathname)) return state.hub.handleHistory(req, res);
    const { backend, hub } = state;
    if (method !== 'GET' && method !== 'HEAD') {
      const refusal = crossSiteRefusal(req);
      if (refusal) return sendJson(res, 403, 'Forbidden', { error: refusal });
      if (method === 'OPTIONS') {
        res.writeHead(204, { Allow: 'GET, HEAD, POST, DELETE, OPTIONS', 'Content-Length': '0' });
        return res.end();
      }
    }
    let scope;
    try {
      scope = await hub.scopeOf(req);
    } catch (error) {
      logger.warn(`demo: authorize() failed for ${method} ${pathname.slice(0, 120)}: ${error instanceof Error ? error.message : error}`);
      return sendJson(res, 500, 'Internal Server Error', { error: 'Authorization failed' });
    }
    if (scope === null) return sendJson(res, 401, 'Unauthorized', { error: 'Unauthorized' });
    // Over the limit: answered 429 (Retry-After, RateLimit headers); else the figures go out with the answer.
    if (!(await hub.limit(req, res, method === 'GET' || method === 'HEAD' ? 'default' : 'actions', scope))) return;
    const path = pathname.slice('/api'.length);
    const projectId = projectIdOfPath(path);
    // Outside the viewer's scope a project does not exist: the same 404 as an unknown one.
    if (projectId !== undefined && !scope.allows(projectId)) return sendJson(res, 404, 'Not Found', { error: `Project "${projectId}" not found` });
    const response = await backend.request(method, path);
    let body = response.body;
    if (scope.projects !== null && /^\/projects\/?$/.test(path) && Array.isArray(body)) {
      body = body.filter((project) => typeof project?.projectId === 'string' && scope.allows(project.projectId));
    }
    sendJson(res, response.status, response.statusText, body);
  }

  async function handle(req, res) {
    if (options.instanceName) res.setHeader('X-Demo-Instance', options.instanceName);
    let url;
    try {
      url = new URL(req.url ?? '/', 'http://demo.invalid');
    } catch {
      return sendText(res, 400, 'Bad request');
    }
    const pathname = url.pathname;
    try {
      if (pathname === '/api' || pathname.startsWith('/api/')) return await handleApi(req, res, pathname);
      if (pathname.startsWith('/webhooks/')) return await handleWebhooks(req, res, pathname);
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed');
      const file = await fileFor(pathname);
      if (!file) return sendText(res, 404, 'Not found');
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    } catch (error) {
      logger.warn(`demo: ${req.method} ${pathname.slice(0, 120)} failed: ${error instanceof Error ? error.stack : error}`);
      if (!res.headersSent) sendText(res, 500, 'Internal server error');
      else res.destroy();
    }
  }

  /** The receiver, its log, a test event and the receiver's failing switch (see the top of this file). */
  async function handleWebhooks(req, res, pathname) {
    if (loopbackOnly && !isLoopbackHost(headerValue(req.headers.host))) {
      return sendJson(res, 403, 'Forbidden', { error: 'This demo answers requests addressed to localhost only' });
    }
    const method = (req.method ?? 'GET').toUpperCase();
    if (pathname === '/webhooks/receiver') {
      if (method !== 'POST') return sendJson(res, 405, 'Method Not Allowed', { error: 'POST only' });
      const { status, body } = await receiver.receive(req);
      return sendJson(res, status, undefined, body);
    }
    if (pathname === '/webhooks/log') {
      if (method !== 'GET' && method !== 'HEAD') return sendJson(res, 405, 'Method Not Allowed', { error: 'GET only' });
      const webhooks = state.webhooks;
      return sendJson(res, 200, 'OK', {
        enabled: webhooks !== undefined,
        endpoint: webhookUrl ?? null,
        schedule: WEBHOOK_SCHEDULE,
        failing: receiver.failing,
        received: receiver.log(),
        attempts: webhooks ? webhooks.deliveries().slice(-RECEIVED_KEPT).reverse() : [],
        stats: webhooks ? webhooks.stats : null,
      });
    }
    if (pathname === '/webhooks/test' || pathname === '/webhooks/receiver-mode') {
      if (method !== 'POST') return sendJson(res, 405, 'Method Not Allowed', { error: 'POST only' });
      const refusal = crossSiteRefusal(req);
      if (refusal) return sendJson(res, 403, 'Forbidden', { error: refusal });
      if (pathname === '/webhooks/receiver-mode') {
        const body = await readJson(req, 1024);
        if (typeof body?.failing !== 'boolean') return sendJson(res, 400, 'Bad Request', { error: 'Send { "failing": true } or { "failing": false }' });
        receiver.failing = body.failing;
        return sendJson(res, 200, 'OK', { failing: receiver.failing });
      }
      if (!state.webhooks) return sendJson(res, 409, 'Conflict', { error: 'Webhooks are off in this demo (a cluster, or not listening)' });
      const id = await enqueue(state, 'webhook_test', { message: 'A test delivery from the CloudDeploy demo', sentAt: new Date().toISOString() });
      if (id === undefined) return sendJson(res, 503, 'Service Unavailable', { error: 'The hub did not take the test event' });
      return sendJson(res, 202, 'Accepted', { id });
    }
    return sendJson(res, 404, 'Not Found', { error: 'No such webhooks route' });
  }

  let server;

  return {
    /** The request handler, for `node:http` or to mount under another server. */
    handle,
    /** The simulation (`undefined` with `upstream`: it runs elsewhere). */
    get backend() {
      return options.upstream ? undefined : state.backend;
    },
    get hub() {
      return state.hub;
    },
    /** The webhooks to the demo's own receiver (`undefined` before `listen()`, or when off). */
    get webhooks() {
      return state.webhooks;
    },
    /** What the demo's webhook receiver got, newest first. */
    get received() {
      return receiver.log();
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
    /** Resolves once the history is seeded and every frame of the simulation so far has been sent (or failed to be). */
    sent() {
      return state.chain.then(() => undefined);
    },
    /** Sends a `snapshot` of the simulation to every client, after the frames before it; resolves with its id. */
    publishSnapshot() {
      if (options.upstream) throw new Error('No simulation here: it runs in the backend');
      return enqueue(state, 'snapshot', state.backend.snapshot());
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
    /**
     * Listens on `port` (0 for any free one) and `host` (default `127.0.0.1`: this machine only;
     * `0.0.0.0` for every interface); resolves with the URL.
     */
    async listen(port = 8080, host = '127.0.0.1') {
      server ??= createServer((req, res) => void handle(req, res));
      await new Promise((resolvePromise, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolvePromise();
        });
      });
      loopbackOnly = isLoopbackAddress(host);
      const address = server.address();
      const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
      if (webhooksOn && !webhookUrl) {
        // Its own receiver, reached the way any other would be: over HTTP.
        const self = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
        webhookUrl = `http://${self}:${address.port}/webhooks/receiver`;
        state.webhooks ??= startWebhooks(state.hub);
      }
      return `http://${shown}:${address.port}/`;
    },
    /** The address `listen()` bound, as `node:net` reports it. */
    get address() {
      return server?.address() ?? null;
    },
    /**
     * Stops the simulation and the server. Open streams are told to come back soon (`retry:`) and
     * ended, so a browser behind a balancer reconnects to another instance and resumes.
     */
    async close() {
      await stop(state, { graceful: true });
      if (!server?.listening) return;
      const closed = new Promise((resolvePromise) => server.close(() => resolvePromise()));
      server.closeIdleConnections?.();
      const force = setTimeout(() => server.closeAllConnections?.(), 500);
      force.unref?.();
      await closed;
      clearTimeout(force);
    },
  };
}

/**
 * The demo's webhook receiver: what a customer's endpoint would do. It verifies each request with
 * standardwebhooks (the signature over `webhook-id`, `webhook-timestamp` and the body, and the
 * timestamp's freshness), notes a `webhook-id` it has seen before as a duplicate (a retry, or a
 * redelivery), and remembers the last deliveries for webhooks.html.
 */
function webhookReceiver() {
  const secret = generateWebhookSecret();
  const verifier = new Webhook(secret);
  const entries = [];
  const seen = new Set();
  let serial = 0;
  const receiver = {
    secret,
    /** While set, it answers 503 (after verifying), so the sender's retries show. */
    failing: false,
    log: () => entries.slice().reverse(),
    async receive(req) {
      const text = await readBody(req, 1024 * 1024);
      const id = headerValue(req.headers['webhook-id']) ?? '';
      const entry = { n: ++serial, receivedAt: new Date().toISOString(), id: id.slice(0, 128), verified: false, duplicate: false };
      let payload;
      if (text === undefined) {
        entry.error = 'The body is over 1 MiB';
      } else {
        try {
          payload = verifier.verify(text, {
            'webhook-id': id,
            'webhook-timestamp': headerValue(req.headers['webhook-timestamp']) ?? '',
            'webhook-signature': headerValue(req.headers['webhook-signature']) ?? '',
          });
          entry.verified = true;
        } catch (error) {
          entry.error = String(error?.message ?? error).slice(0, 200);
        }
      }
      if (entry.verified) {
        entry.duplicate = seen.has(id);
        seen.add(id);
        if (seen.size > 10 * RECEIVED_KEPT) seen.delete(seen.values().next().value);
        entry.type = typeof payload?.type === 'string' ? payload.type.slice(0, 64) : undefined;
        const data = payload?.data ?? {};
        entry.projectId = typeof data.projectId === 'string' ? data.projectId.slice(0, 256) : undefined;
        entry.summary = summaryOf(entry.type, data);
      }
      entry.answered = !entry.verified ? 401 : receiver.failing ? 503 : 200;
      entries.push(entry);
      if (entries.length > RECEIVED_KEPT) entries.shift();
      if (!entry.verified) return { status: 401, body: { error: 'The signature does not verify' } };
      if (receiver.failing) return { status: 503, body: { error: 'The demo receiver is set to fail' } };
      return { status: 200, body: { received: entry.id } };
    },
  };
  return receiver;
}

/** A line about a critical event, for the receiver's log. */
function summaryOf(type, data) {
  const cut = (value) => String(value ?? '').slice(0, 200);
  switch (type) {
    case 'container_status_changed':
      return `${cut(data.oldStatus ?? '?')} → ${cut(data.newStatus)}`;
    case 'deployment_progress':
      return cut(data.message);
    case 'auto_shutdown':
      return `${cut(data.reason)} (${cut(data.inactiveTime)})`;
    default:
      return cut(data.message);
  }
}

/** A request's body as text, or `undefined` past `limit` bytes. */
async function readBody(req, limit) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req, limit) {
  const text = await readBody(req, limit);
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
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

function headerValue(value) {
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed ? trimmed : undefined;
}

export function sendJson(res, status, statusText, body) {
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

/** What the URL printed for `host` means: this machine only, or every interface and its addresses. */
export function describeBinding(url, host) {
  if (host === '0.0.0.0' || host === '::') {
    const port = new URL(url).port;
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((info) => info && !info.internal && (info.family === 'IPv4' || host === '::'))
      .map((info) => `http://${info.family === 'IPv6' ? `[${info.address}]` : info.address}:${port}/`);
    return `listening on every interface, HOST=${host}${others.length ? `; from other machines: ${others.join(', ')}` : ''}`;
  }
  if (isLoopbackAddress(host)) return `listening on ${host}: this machine only; HOST=0.0.0.0 for every interface`;
  return `listening on HOST=${host}`;
}

const USAGE = `Usage: node demo/server.mjs [--port <port>] [--instances <n>] [--speed <factor>] [--seed <n>]
       npm start [-- <the same options>]

  --port <port>      where to listen (default: PORT, else 8080; 0 for any free port)
  --instances <n>    a cluster: n instances on Redis (REDIS_URL) behind a balancer on --port
  --speed <factor>   the simulation's timers run this many times faster (default: SPEED, else 1)
  --seed <n>         seed of the simulation (default: SEED, else 1)
Environment: HOST (default 127.0.0.1; 0.0.0.0 for every interface), PORT, SEED, SPEED, REDIS_URL.`;

/** The command line and environment, checked; exits with a message on a mistake. */
function readConfig(argv, env) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        instances: { type: 'string' },
        speed: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(1);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (text, name, check) => {
    const value = Number(text);
    if (text === undefined || text.trim() === '' || !check(value)) {
      console.error(`${name} must be ${check.what}, not "${text}"\n\n${USAGE}`);
      process.exit(1);
    }
    return value;
  };
  const port = Object.assign((n) => Number.isInteger(n) && n >= 0 && n <= 65535, { what: 'a port number (0 to 65535)' });
  const positive = Object.assign((n) => Number.isFinite(n) && n > 0, { what: 'a positive number' });
  const integer = Object.assign((n) => Number.isInteger(n), { what: 'an integer' });
  const count = Object.assign((n) => Number.isInteger(n) && n >= 1 && n <= 16, { what: 'a number of instances from 1 to 16' });
  return {
    port: number(values.port ?? (env.PORT?.trim() || '8080'), values.port !== undefined ? '--port' : 'PORT', port),
    host: env.HOST?.trim() || '127.0.0.1',
    speed: number(values.speed ?? (env.SPEED?.trim() || '1'), values.speed !== undefined ? '--speed' : 'SPEED', positive),
    seed: number(values.seed ?? (env.SEED?.trim() || '1'), values.seed !== undefined ? '--seed' : 'SEED', integer),
    instances: values.instances === undefined ? undefined : number(values.instances, '--instances', count),
    redisUrl: env.REDIS_URL?.trim() || undefined,
  };
}

/** `node demo/server.mjs`: the embedded demo, or with `--instances` the cluster (demo/cluster.mjs). */
async function main() {
  const config = readConfig(process.argv.slice(2), process.env);
  if (config.instances !== undefined) {
    const { runCluster } = await import('./cluster.mjs');
    await runCluster(config);
    return;
  }
  const demo = createDemoServer({ seed: config.seed, speed: config.speed });
  let url;
  try {
    url = await demo.listen(config.port, config.host);
  } catch (error) {
    console.error(
      error.code === 'EADDRINUSE'
        ? `Port ${config.port} is in use: choose another with PORT=<port> npm start`
        : error.code === 'EADDRNOTAVAIL'
          ? `HOST=${config.host} is not an address of this machine`
          : error.message,
    );
    await demo.close();
    process.exit(1);
  }
  console.log(`CloudDeploy live-elements demo running at ${url}  (${describeBinding(url, config.host)})`);
  console.log(`  dashboard:  ${url}`);
  console.log(`  a project:  ${url}project.html?id=api-gateway`);
  console.log(`  in-browser mock instead of the server: add ?mock to either page`);
  console.log(`  stream:     ${url}api/containers/events`);
  const { actions } = DEMO_RATE_LIMIT.policies;
  console.log(
    `  limits:     ${actions.limit} actions per ${actions.windowMs / 1000} s (click fast for a 429), ${DEMO_RATE_LIMIT.limit} REST reads and ${DEMO_RATE_LIMIT.stream.limit} new streams per minute, per viewer`,
  );
  console.log(`  webhooks:   ${url}webhooks.html  (critical events sent, signed, to the demo's own receiver)`);
  const shutdown = () => {
    demo.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

// Run as a program. Not awaited: this module finishes loading first, so demo/cluster.mjs can import it.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  });
}
