// `npm test`: Chromium and redis-server present (or installed, or a clear message), a fresh build
// (the end-to-end tests serve it), the Node tests of the server helper, then the browser suite. The
// last line is `N passed, N failed` over both.
import { spawnSync } from 'node:child_process';
import { ensureChromium } from './chromium.mjs';
import { ensureRedis } from './redis.mjs';

const chrome = ensureChromium();
try {
  // The server helper's Redis tests start their own redis-server from this binary.
  process.env.REDIS_SERVER = ensureRedis();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

if (run('npm', ['run', '-s', 'build']) !== 0) {
  console.error('The build failed: no tests were run.');
  process.exit(1);
}

const node = spawnSync(process.execPath, ['--test', '--test-reporter=spec', 'test/node/'], { encoding: 'utf8' });
process.stdout.write(node.stdout);
process.stderr.write(node.stderr);
const count = (name) => Number(new RegExp(`^ℹ ${name} (\\d+)$`, 'm').exec(node.stdout)?.[1] ?? 0);
const nodePassed = count('pass');
const nodeFailed = count('fail') + (node.status !== 0 && count('fail') === 0 ? 1 : 0);

const browser = run('npx', ['wtr', '--config', 'web-test-runner.config.mjs', '--coverage', ...process.argv.slice(2)], {
  env: { ...process.env, CHROME_PATH: chrome, EXTRA_PASSED: String(nodePassed), EXTRA_FAILED: String(nodeFailed) },
});
process.exit(browser !== 0 || nodeFailed > 0 ? 1 : 0);
