// The demo as a cluster: `REDIS_URL=redis://127.0.0.1:6379 npm start -- --instances 2`.
//
//   launcher (this process)
//     ├─ the backend: the one simulation; its frames go through a hub onto a Redis Stream, and it
//     │  answers the instances' snapshot and REST calls on an internal port (127.0.0.1 only)
//     ├─ instance 1 … n (child processes, demo/cluster-instance.mjs): the pages, dist/ and the
//     │  stream, each from its own hub reading the Redis Stream
//     └─ a round-robin TCP balancer on the main port, in front of the instances that are up
//
// Kill an instance and a page opened on the balancer reconnects through it to another instance,
// which resumes from the page's Last-Event-ID out of the Redis Stream: no line lost, none twice.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, connect } from 'node:net';
import { resolve } from 'node:path';
import { BACKEND_TOKEN_HEADER, createDemoServer, describeBinding, sendJson } from './server.mjs';

const INSTANCE_SCRIPT = resolve(import.meta.dirname, 'cluster-instance.mjs');

const HOW_TO_START_REDIS = [
  'Start one, for example:',
  "  redis-server --port 6379 --save '' --appendonly no        (Debian/Ubuntu: sudo apt-get install redis-server)",
  'then:',
  '  REDIS_URL=redis://127.0.0.1:6379 npm start -- --instances 2',
].join('\n');

function fail(message) {
  console.error(message);
  process.exit(1);
}

/** Whether Redis at `url` answers `PING`; the reason when it does not. */
async function pingRedis(createClient, url) {
  const client = createClient({ url, socket: { connectTimeout: 3000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    const pong = await client.ping();
    return pong === 'PONG' ? undefined : `it answered ${pong} to PING`;
  } catch (error) {
    return error instanceof AggregateError ? error.errors.map((e) => e.message).join('; ') : error.message;
  } finally {
    client.destroy?.();
  }
}

/** Where to reach a server bound to `host` from this machine. */
function localAddressOf(host) {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/**
 * A round-robin TCP balancer: each connection goes to the next instance that is up; one that
 * refuses is skipped for the next. When its instance goes away the connection is closed, and the
 * client's next one goes elsewhere.
 */
function createBalancer(instances) {
  let next = 0;
  const sockets = new Set();
  const server = createTcpServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let tries = 0;
    const attempt = () => {
      if (client.destroyed) return;
      const up = instances.filter((instance) => instance.up);
      if (up.length === 0 || tries >= instances.length) {
        // Nobody to serve it: a closed connection, after which a browser's EventSource retries
        // (an HTTP error would make it give up).
        client.destroy();
        return;
      }
      tries += 1;
      const instance = up[next++ % up.length];
      const upstream = connect(instance.port, instance.address);
      let connected = false;
      sockets.add(upstream);
      upstream.once('connect', () => {
        connected = true;
        instance.connections += 1;
        client.pipe(upstream);
        upstream.pipe(client);
      });
      upstream.on('error', () => {
        if (!connected) {
          sockets.delete(upstream);
          upstream.destroy();
          attempt();
        } else {
          client.destroy();
        }
      });
      upstream.on('close', () => {
        sockets.delete(upstream);
        if (connected) {
          instance.connections -= 1;
          client.destroy();
        }
      });
      client.on('close', () => upstream.destroy());
    };
    attempt();
  });
  return {
    server,
    listen(port, host) {
      return new Promise((resolvePromise, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolvePromise(server.address().port);
        });
      });
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}

/** The backend's internal port: snapshots and the REST calls the instances forward, for them only. */
function createBackendServer(demo, token) {
  return createHttpServer((req, res) => {
    if (req.headers[BACKEND_TOKEN_HEADER] !== token) return sendJson(res, 403, 'Forbidden', { error: 'For the demo instances only' });
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/__backend/snapshot' && req.method === 'GET') return sendJson(res, 200, 'OK', demo.backend.snapshot());
    if (path.startsWith('/api/') && path !== '/api/containers/events') return void demo.handle(req, res);
    sendJson(res, 404, 'Not Found', { error: 'Not found' });
  });
}

/**
 * Runs the cluster until SIGINT or SIGTERM: checks Redis, starts the backend, the instances and the
 * balancer, prints where they are. `config` is the demo's command line (see demo/server.mjs).
 */
export async function runCluster(config) {
  const { instances: count, host, port, redisUrl } = config;
  if (!redisUrl) {
    fail(`--instances runs the demo as ${count} instances sharing one stream through Redis: set REDIS_URL to a Redis server.\n${HOW_TO_START_REDIS}`);
  }
  let createClient;
  let redisBus;
  try {
    ({ createClient } = await import('redis'));
    ({ redisBus } = await import('../dist/server/redis.js'));
  } catch (error) {
    fail(`--instances needs the \`redis\` package (an optional peer dependency): npm install redis\n(${error.message})`);
  }
  const unreachable = await pingRedis(createClient, redisUrl);
  if (unreachable) fail(`Could not reach Redis at REDIS_URL=${redisUrl}: ${unreachable}\n${HOW_TO_START_REDIS}`);

  // A stream of this run's own: a page still open from an earlier run gets a fresh snapshot.
  const stream = `live-elements:demo:${Date.now().toString(36)}-${process.pid}`;
  const token = randomBytes(24).toString('hex');
  const log = {
    log: (message) => console.log(`[backend] ${message}`),
    warn: (message) => console.warn(`[backend] ${message}`),
  };

  // The backend: the one simulation, publishing to the stream.
  const demo = createDemoServer({
    seed: config.seed,
    speed: config.speed,
    bus: () => redisBus({ url: redisUrl, stream }),
    logger: log,
  });
  // The stream starts with the state the simulation starts from (after the 30 days of history
  // are seeded into Redis: the snapshot waits for them).
  if ((await demo.publishSnapshot()) === undefined) fail(`Could not publish to Redis at ${redisUrl} (see above)`);
  const backendServer = createBackendServer(demo, token);
  await new Promise((resolvePromise) => backendServer.listen(0, '127.0.0.1', resolvePromise));
  const backendUrl = `http://127.0.0.1:${backendServer.address().port}/`;

  const instances = [];
  let stopping = false;

  const startInstance = (index) =>
    new Promise((resolvePromise, reject) => {
      const name = String(index + 1);
      const child = fork(INSTANCE_SCRIPT, [], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: {
          ...process.env,
          DEMO_INSTANCE: name,
          DEMO_PORT: String(port === 0 ? 0 : port + index + 1),
          DEMO_HOST: host,
          DEMO_STREAM: stream,
          DEMO_BACKEND_URL: backendUrl,
          DEMO_BACKEND_TOKEN: token,
          REDIS_URL: redisUrl,
        },
      });
      const instance = { name, child, pid: child.pid, port: undefined, url: undefined, address: localAddressOf(host), up: false, connections: 0 };
      instances.push(instance);
      child.on('message', (message) => {
        if (message?.type === 'listening') {
          instance.port = message.port;
          instance.url = message.url;
          instance.up = true;
          resolvePromise(instance);
        } else if (message?.type === 'failed') {
          reject(new Error(`instance ${name} could not listen: ${message.code === 'EADDRINUSE' ? `port ${port + index + 1} is in use (instances take the ports after --port)` : message.message}`));
        }
      });
      child.on('exit', (code, signal) => {
        const wasUp = instance.up;
        instance.up = false;
        reject(new Error(`instance ${name} exited before it listened (${signal ?? `code ${code}`})`));
        if (stopping || !wasUp) return;
        const left = instances.filter((other) => other.up).length;
        console.log(
          `[launcher] instance ${name} (pid ${instance.pid}) exited (${signal ?? `code ${code}`}); the balancer sends its clients to the ${left} instance(s) left`,
        );
      });
    });

  const stopInstances = async () => {
    const running = instances.filter(({ child }) => child.exitCode === null && child.signalCode === null);
    await Promise.all(
      running.map(
        ({ child }) =>
          new Promise((resolvePromise) => {
            const force = setTimeout(() => child.kill('SIGKILL'), 3000);
            child.once('exit', () => {
              clearTimeout(force);
              resolvePromise();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  };

  const balancer = createBalancer(instances);

  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    await stopInstances();
    await balancer.close();
    await demo.close();
    backendServer.closeAllConnections?.();
    await new Promise((resolvePromise) => backendServer.close(() => resolvePromise()));
    // The stream was this run's only: it goes with it, and so does its history.
    const client = createClient({ url: redisUrl, socket: { connectTimeout: 2000, reconnectStrategy: false } });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.del(stream);
      const historyKeys = [];
      for await (const keys of client.scanIterator({ MATCH: `${stream}:history:*`, COUNT: 500 })) historyKeys.push(...(Array.isArray(keys) ? keys : [keys]));
      if (historyKeys.length > 0) await client.del(historyKeys);
    } catch {
      // Redis is gone: nothing to clean up there.
    } finally {
      client.destroy?.();
    }
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  let balancerPort;
  try {
    await Promise.all(Array.from({ length: count }, (_, index) => startInstance(index)));
    balancerPort = await balancer.listen(port, host);
  } catch (error) {
    console.error(error.code === 'EADDRINUSE' ? `Port ${port} is in use: choose another with --port <port> (or PORT=<port>)` : error.message);
    await shutdown(1);
    return;
  }

  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${balancerPort}/`;
  const first = instances[0];
  const lines = [
    `CloudDeploy live-elements demo: ${count} instance(s) on Redis at ${redisUrl} (stream ${stream}), ${describeBinding(url, host)}`,
    `  balancer:    ${url}   <- open this one`,
    ...instances.map((instance) => `  instance ${instance.name}:  ${instance.url}  (pid ${instance.pid})`),
    `  backend:     the simulation, in the launcher (pid ${process.pid})`,
    `  stream:      ${url}api/containers/events`,
    `To see a failover, open ${url} and kill the instance serving it, e.g. \`kill -9 ${first.pid}\` (instance ${first.name}):`,
    '  the page reconnects through the balancer to another instance and resumes where it left off.',
    'Ctrl-C stops everything.',
  ];
  console.log(lines.join('\n'));
}
