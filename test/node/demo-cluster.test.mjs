// The demo as a cluster (`node demo/server.mjs --instances 2`), as a person runs it: the launcher in
// a child process on a private redis-server, free ports, a fast simulation. A client on the
// balancer loses its instance and must get, from the other one, exactly what it missed.
//   npm run build && node --test test/node/demo-cluster.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { EventSource } from 'eventsource';
import { createClient } from 'redis';
import { EVENT_TYPES } from '../../dist/core/protocol.js';
import { startRedis } from '../../scripts/redis.mjs';

const SERVER = resolve(import.meta.dirname, '../../demo/server.mjs');

let redis;
let launcher;
let output = '';
/** `{ balancer, instances: [{ name, url, pid }], stream }`, from what the launcher printed. */
let cluster;
const sources = [];

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(predicate, message, ms = 10000) {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > ms) throw new Error(`Timed out: ${message}\n--- launcher output ---\n${output}`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 10));
  }
}

/** Starts the launcher; resolves with what it printed once it is ready. */
async function launch(args, env) {
  const child = spawn(process.execPath, [SERVER, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return child;
}

before(async () => {
  redis = await startRedis();
  const env = { ...process.env, REDIS_URL: redis.url, SEED: '1' };
  delete env.HOST;
  delete env.PORT;
  launcher = await launch(['--instances', '2', '--port', '0', '--speed', '20'], env);
  await until(() => output.includes('Ctrl-C stops everything') || launcher.exitCode !== null, 'the cluster to start', 20000);
  assert.equal(launcher.exitCode, null, output);
  cluster = {
    balancer: /balancer:\s+(http\S+)/.exec(output)[1],
    instances: [...output.matchAll(/instance (\d+):\s+(http\S+)\s+\(pid (\d+)\)/g)].map(([, name, url, pid]) => ({ name, url, pid: Number(pid) })),
    stream: /\(stream (\S+)\)/.exec(output)[1],
  };
});

after(async () => {
  for (const source of sources) source.close();
  if (launcher && launcher.exitCode === null && launcher.signalCode === null) {
    const exited = once(launcher, 'exit');
    launcher.kill('SIGTERM');
    const timer = setTimeout(() => launcher.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  // The instances go with the launcher; any that did not, by pid.
  for (const { pid } of cluster?.instances ?? []) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await redis?.stop();
});

/** One request on a connection of its own, so the balancer picks an instance for it. */
async function get(url, headers = {}, method = 'GET') {
  const req = request(url, { method, headers, agent: false });
  req.end();
  const [res] = await once(req, 'response');
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) text += chunk;
  return { status: res.statusCode, instance: res.headers['x-demo-instance'], text };
}

/** An independent SSE client (the npm `eventsource`): every message with the connection it came on. */
function listen(url) {
  const client = { messages: [], connections: [] };
  const source = new EventSource(url, {
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      client.connections.push({
        instance: response.headers.get('x-demo-instance'),
        lastEventId: init?.headers?.['Last-Event-ID'],
        at: Date.now(),
      });
      return response;
    },
  });
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (event) => client.messages.push({ id: event.lastEventId, event: type, data: event.data, connection: client.connections.length }));
  }
  client.source = source;
  sources.push(source);
  return client;
}

/** The Redis Stream's entries: `{ id, event, data }`, oldest first. */
async function streamEntries() {
  const client = createClient({ url: redis.url });
  client.on('error', () => {});
  await client.connect();
  try {
    const entries = await client.sendCommand(['XRANGE', cluster.stream, '-', '+']);
    return entries.map(([id, fields]) => {
      const map = Object.fromEntries(fields.flatMap((value, i) => (i % 2 === 0 ? [[value, fields[i + 1]]] : [])));
      return { id, event: map.e, data: map.d };
    });
  } finally {
    client.destroy();
  }
}

test('prints a URL per instance with its pid, and the balancer; the balancer spreads connections', async () => {
  assert.equal(cluster.instances.length, 2, output);
  assert.match(cluster.balancer, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  for (const instance of cluster.instances) {
    assert.match(instance.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.ok(alive(instance.pid), `instance ${instance.name} runs as pid ${instance.pid}`);
    const page = await get(instance.url);
    assert.equal(page.status, 200);
    assert.equal(page.instance, instance.name);
  }
  const seen = new Set();
  for (let i = 0; i < 4; i++) {
    const answer = await get(new URL('api/projects', cluster.balancer));
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.text).length, 6);
    seen.add(answer.instance);
  }
  assert.deepEqual([...seen].sort(), ['1', '2']);
});

test('one simulation: an action on one instance shows on the other, and its stream carries it', async () => {
  const [one, two] = cluster.instances;
  const watcher = listen(new URL('api/containers/events', two.url).href);
  await until(() => watcher.messages.some((m) => m.event === 'snapshot'), 'a snapshot on instance 2');
  const refused = await get(new URL('api/containers/docs-site/start', one.url), { origin: 'https://evil.example' }, 'POST');
  assert.equal(refused.status, 403);
  const started = await get(new URL('api/containers/docs-site/start', one.url), { origin: new URL(one.url).origin }, 'POST');
  assert.equal(started.status, 200, started.text);
  const onTwo = JSON.parse((await get(new URL('api/projects/docs-site', two.url))).text);
  assert.equal(onTwo.status, 'deploying');
  await until(() => watcher.messages.some((m) => m.event === 'deployment_progress' && JSON.parse(m.data).projectId === 'docs-site'), 'the deployment on instance 2’s stream');
  watcher.source.close();
});

test('an instance dies: its client moves through the balancer to the other, with Last-Event-ID, and gets exactly what it missed', async () => {
  const client = listen(new URL('api/containers/events', cluster.balancer).href);
  await until(() => client.messages.length >= 10, 'ten messages through the balancer');
  const victim = cluster.instances.find((instance) => instance.name === client.connections[0].instance);
  const survivor = cluster.instances.find((instance) => instance !== victim);
  assert.ok(victim && survivor, JSON.stringify(client.connections));
  // A second, independent client straight on the survivor.
  const witness = listen(new URL('api/containers/events', survivor.url).href);
  await until(() => witness.messages.length >= 5, 'messages on the survivor');

  process.kill(victim.pid, 'SIGKILL');
  const killedAt = Date.now();
  await until(() => client.connections.length >= 2, 'the client to reconnect');
  const lastBefore = client.messages.filter((m) => m.connection === 1 && m.event !== 'backfill').at(-1);
  await until(() => client.messages.filter((m) => m.connection === 2).length >= 10, 'ten messages after the reconnection');
  await until(() => output.includes(`instance ${victim.name} (pid ${victim.pid}) exited`), 'the launcher to notice');

  const reconnection = client.connections[1];
  assert.equal(reconnection.instance, survivor.name, 'the balancer sent it to the other instance');
  assert.equal(reconnection.lastEventId, lastBefore.id, 'it resumed from the last id it had');
  assert.ok(reconnection.at > killedAt);

  // Against the Redis Stream: after the first snapshot, every entry once, in order, none left out.
  const entries = await streamEntries();
  // The history after the first snapshot (`backfill`, one per project) carries no id: it is not an
  // entry of the stream, and a resume gets none.
  assert.ok(client.messages.some((m) => m.event === 'backfill' && m.connection === 1), 'history after the first snapshot');
  assert.equal(client.messages.filter((m) => m.event === 'backfill' && m.connection === 2).length, 0, 'no history on a resume');
  const [snapshot, ...messages] = client.messages.filter((m) => m.event !== 'backfill');
  assert.equal(snapshot.event, 'snapshot');
  assert.equal(messages.filter((m) => m.event === 'snapshot' && m.connection === 2).length, 0, 'resumed, not re-snapshotted');
  const from = entries.findIndex((entry) => entry.id === snapshot.id);
  assert.ok(from >= 0, `the snapshot's id ${snapshot.id} is an entry of the stream`);
  const expected = entries.slice(from + 1, from + 1 + messages.length);
  assert.deepEqual(
    messages.map(({ id, event, data }) => ({ id, event, data })),
    expected,
  );
  assert.equal(new Set(messages.map((m) => m.id)).size, messages.length, 'no id twice');
  // Some of what it got on the new connection was published while it had none: caught up, not live.
  const firstAfter = messages.find((m) => m.connection === 2);
  assert.ok(Number(firstAfter.id.split('-')[0]) < reconnection.at, `${firstAfter.id} was published before the reconnection at ${reconnection.at}`);

  // The witness on the survivor saw the same messages over the same stretch.
  const indexOf = new Map(entries.map((entry, i) => [entry.id, i]));
  // From the later of the two snapshots (a snapshot may be shared by the clients of one moment, so the witness's can be the older).
  const low = Math.max(indexOf.get(witness.messages[0].id), indexOf.get(snapshot.id));
  const high = indexOf.get(messages.at(-1).id);
  const within = (list) => list.filter((m) => indexOf.get(m.id) > low && indexOf.get(m.id) <= high).map((m) => m.id);
  const witnessed = within(witness.messages.slice(1));
  assert.ok(witnessed.length >= 5, `${witnessed.length} messages in common`);
  assert.deepEqual(within(messages), witnessed);

  // Still one instance behind the balancer: pages and REST go on.
  for (let i = 0; i < 3; i++) {
    const answer = await get(new URL('api/projects', cluster.balancer));
    assert.equal(answer.status, 200);
    assert.equal(answer.instance, survivor.name);
  }
});

test('SIGTERM stops the launcher, its instances, and removes its Redis Stream', async () => {
  const pids = cluster.instances.map((instance) => instance.pid);
  const exited = once(launcher, 'exit');
  launcher.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0, output);
  for (const pid of pids) await until(() => !alive(pid), `pid ${pid} to exit`, 5000);
  const client = createClient({ url: redis.url });
  client.on('error', () => {});
  await client.connect();
  try {
    assert.equal(await client.exists(cluster.stream), 0);
  } finally {
    client.destroy();
  }
});

test('--instances without REDIS_URL says to set it, and how to start a Redis', async () => {
  const env = { ...process.env };
  delete env.REDIS_URL;
  const child = spawn(process.execPath, [SERVER, '--instances', '2', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (text += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (text += chunk));
  const [code] = await once(child, 'exit');
  assert.equal(code, 1);
  assert.match(text, /set REDIS_URL/);
  assert.match(text, /redis-server --port 6379/);
});
