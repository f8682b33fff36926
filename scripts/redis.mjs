// Starts a private `redis-server` for a test or benchmark run: a free port on 127.0.0.1, no
// persistence, no daemon, stopped by its pid. Never touches a Redis the machine already runs.
//
//   const redis = await startRedis();   // { url, port, pid, stop(), restart() }
//   …
//   await redis.stop();
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';

const CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];

/** The `redis-server` binary, installed with apt when it is missing and we can (root with apt). */
export function ensureRedis() {
  if (process.env.REDIS_SERVER && existsSync(process.env.REDIS_SERVER)) return process.env.REDIS_SERVER;
  const found = CANDIDATES.find((path) => existsSync(path));
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log("No redis-server found: installing Debian's 'redis-server' package with apt-get...");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env });
    if (existsSync('/usr/bin/redis-server')) return '/usr/bin/redis-server';
  }
  throw new Error(
    [
      'The Redis tests need redis-server, and none was found.',
      '  Debian/Ubuntu:  sudo apt-get install redis-server',
      '  Elsewhere:      install Redis 7 and set REDIS_SERVER=/path/to/redis-server',
    ].join('\n'),
  );
}

/** A port nobody listens on right now. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once `PING` answers `+PONG` on `port`, or rejects after `ms`. */
async function waitForPing(port, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.setTimeout(500, () => socket.destroy());
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        text += chunk;
        if (text.includes('\r\n')) {
          socket.destroy();
          resolve(text.startsWith('+PONG'));
        }
      });
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts `redis-server` on a free port. `stop()` kills it by pid and waits for the exit;
 * `restart()` starts it again on the same port (an outage and a recovery, with the data gone, as
 * after a crash with persistence off).
 */
export async function startRedis({ port } = {}) {
  const binary = ensureRedis();
  const chosen = port ?? (await freePort());
  let child;
  const launch = async () => {
    child = spawn(
      binary,
      ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.exited = exited;
    await Promise.race([
      waitForPing(chosen),
      exited.then((code) => {
        throw new Error(`redis-server exited with ${code} before answering`);
      }),
    ]);
  };
  await launch();
  const handle = {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    get pid() {
      return child.pid;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid, 'SIGKILL');
      await child.exited;
    },
    async restart() {
      await handle.stop();
      await launch();
    },
  };
  return handle;
}
