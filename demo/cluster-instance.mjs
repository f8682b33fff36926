// One instance of the demo cluster, started by demo/cluster.mjs (not by hand): it serves the pages,
// dist/ and the stream from its own hub on the Redis bus; snapshots and REST calls go to the
// backend, the launcher, which runs the one simulation.
//
// Environment, set by the launcher: DEMO_INSTANCE (its name), DEMO_PORT, DEMO_HOST, REDIS_URL,
// DEMO_STREAM (the Redis Stream's key), DEMO_BACKEND_URL, DEMO_BACKEND_TOKEN, DEMO_RETRY_MS.
import { createDemoServer } from './server.mjs';

const { redisBus } = await import('../dist/server/redis.js');

const env = process.env;
const name = env.DEMO_INSTANCE ?? '1';
const prefix = `[instance ${name}]`;
const logger = {
  log: (message) => console.log(`${prefix} ${message}`),
  warn: (message) => console.warn(`${prefix} ${message}`),
};

const demo = createDemoServer({
  upstream: { url: env.DEMO_BACKEND_URL, token: env.DEMO_BACKEND_TOKEN },
  bus: () => redisBus({ url: env.REDIS_URL, stream: env.DEMO_STREAM }),
  hub: { retryMs: Number(env.DEMO_RETRY_MS ?? 1000) },
  instanceName: name,
  logger,
});

let closing = false;
async function shutdown(code) {
  if (closing) return;
  closing = true;
  // Streams are told to come back soon and ended: browsers reconnect through the balancer.
  await demo.close().catch((error) => logger.warn(`closing failed: ${error.message}`));
  process.exit(code);
}
process.once('SIGTERM', () => void shutdown(0));
process.once('SIGINT', () => void shutdown(0));
// The launcher went away (even by SIGKILL): an instance never outlives it.
process.once('disconnect', () => void shutdown(0));

try {
  const url = await demo.listen(Number(env.DEMO_PORT ?? 0), env.DEMO_HOST ?? '127.0.0.1');
  process.send?.({ type: 'listening', url, port: demo.address.port });
} catch (error) {
  process.send?.({ type: 'failed', code: error.code, message: error.message });
  await demo.close().catch(() => {});
  process.exit(1);
}
