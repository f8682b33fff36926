#!/usr/bin/env node
// Webhook delivery with one slow endpoint beside a fast one: latency (hub.send → the receiver has
// the request) and throughput at the fast one, and how the slow one's queue stands meanwhile.
//
//   npm run build && node bench/webhooks.mjs [--events=1000] [--slow-ms=2000] [--concurrency=4] [--rate=N] [--redis]
//
// Events are sent in bursts of 50 (throughput), or with --rate at N per second (latency when
// nothing waits).
//
// --redis runs two hub instances in this process on a private redis-server (the Redis bus and
// redisWebhookQueue), sending from both; without it, one hub on the in-process bus.
import { createServer } from 'node:http';
import { createClient } from 'redis';
import { createSseHub, createWebhooks, generateWebhookSecret, redisWebhookQueue } from '../dist/server/index.js';
import { redisBus } from '../dist/server/redis.js';
import { startRedis } from '../scripts/redis.mjs';

const args = process.argv.slice(2);
const value = (name, fallback) => Number(args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const events = value('events', 1000);
const slowMs = value('slow-ms', 2000);
const concurrency = value('concurrency', 4);
const rate = value('rate', 0);
const onRedis = args.includes('--redis');
const secret = generateWebhookSecret();

/** A receiver that answers after `delayMs` and notes when each webhook-id first arrived. */
async function receiver(delayMs) {
  const arrived = new Map();
  const server = createServer((req, res) => {
    const id = req.headers['webhook-id'];
    if (!arrived.has(id)) arrived.set(id, performance.now());
    req.resume();
    req.on('end', () => setTimeout(() => res.writeHead(204).end(), delayMs));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/hooks`, arrived, close: () => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve))) };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

const fast = await receiver(0);
const slow = await receiver(slowMs);
const endpoints = [
  { url: fast.url, secret, id: 'fast' },
  { url: slow.url, secret, id: 'slow' },
];
const quiet = { warn: () => {} };
// Every event fits in each endpoint's queue: the slow one's backlog is what is measured.
const options = { endpoints, concurrency, maxQueue: Math.max(1000, events), logger: quiet };
let redis;
const instances = [];
if (onRedis) {
  redis = await startRedis();
  for (let i = 0; i < 2; i++) {
    const hub = createSseHub({ bus: redisBus({ url: redis.url, stream: 'bench' }), history: false, logger: quiet });
    const webhooks = createWebhooks({ hub, ...options, queue: redisWebhookQueue({ client: createClient({ url: redis.url }), stream: 'bench' }) });
    await webhooks.ready();
    instances.push({ hub, webhooks });
  }
} else {
  const hub = createSseHub({ history: false, logger: quiet });
  instances.push({ hub, webhooks: createWebhooks({ hub, ...options }) });
}

const sentAt = new Map();
const started = performance.now();
const send = (j) => {
  const { hub } = instances[j % instances.length];
  const at = performance.now();
  return hub.send('deployment_progress', { projectId: `p${j % 20}`, message: `line ${j}`, level: 'error' }).then((id) => sentAt.set(id, at));
};
if (rate > 0) {
  const sends = [];
  for (let j = 0; j < events; j++) {
    const due = started + (j * 1000) / rate;
    if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
    sends.push(send(j));
  }
  await Promise.all(sends);
} else {
  // In bursts of 50 sends at once, from every instance in turn.
  for (let i = 0; i < events; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(events, i + 50); j++) batch.push(send(j));
    await Promise.all(batch);
  }
}
const sendDone = performance.now();
const deadline = performance.now() + 120_000;
while (fast.arrived.size < events) {
  if (performance.now() > deadline) throw new Error(`only ${fast.arrived.size} of ${events} events reached the fast endpoint in 2 minutes`);
  await new Promise((resolve) => setTimeout(resolve, 5));
}
const fastDone = performance.now();

const latencies = [...fast.arrived].map(([id, at]) => at - sentAt.get(id)).sort((a, b) => a - b);
const slowStats = instances.map(({ webhooks }) => webhooks.stats.endpoints.find((lane) => lane.id === 'slow'));
const fastStats = instances.map(({ webhooks }) => webhooks.stats.endpoints.find((lane) => lane.id === 'fast'));
const sum = (list, key) => list.reduce((total, item) => total + item[key], 0);
console.log(
  `${onRedis ? 'Redis bus, 2 instances, redisWebhookQueue' : 'in-process bus, one hub'}: ${events} critical events, a fast endpoint beside one answering after ${slowMs} ms, concurrency ${concurrency} per endpoint, ${rate > 0 ? `${rate} events/s` : 'bursts of 50'}`,
);
console.log(`  sending took ${(sendDone - started).toFixed(0)} ms (${((events / (sendDone - started)) * 1000).toFixed(0)} sends/s)`);
console.log(
  `  fast endpoint: all ${events} in ${(fastDone - started).toFixed(0)} ms = ${((events / (fastDone - started)) * 1000).toFixed(0)} events/s; latency p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p95 ${percentile(latencies, 0.95).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms, max ${latencies.at(-1).toFixed(1)} ms`,
);
console.log(`  fast endpoint delivered ${sum(fastStats, 'delivered')}, failed attempts ${sum(fastStats, 'failedAttempts')}`);
console.log(`  slow endpoint meanwhile: ${slow.arrived.size} received, ${sum(slowStats, 'inFlight')} in flight, ${sum(slowStats, 'queued')} queued, ${sum(slowStats, 'dropped')} dropped`);

for (const { webhooks, hub } of instances) {
  await webhooks.close();
  await hub.close();
}
await fast.close();
await slow.close();
await redis?.stop();
