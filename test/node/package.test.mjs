// What `npm publish` would ship: packed once into a temporary folder, then read like a user's
// install would. npm never packs a folder named `node_modules`, so a built file there would be
// missing for every user; every import in the shipped code must find its file in the pack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importGraph, isRelative, specifiers } from './graph.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
let folder;
let tarball;
let files;

before(() => {
  folder = mkdtempSync(join(tmpdir(), 'live-elements-pack-'));
  const packed = spawnSync('npm', ['pack', '--json', '--pack-destination', folder], { cwd: root, encoding: 'utf8' });
  assert.equal(packed.status, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout);
  tarball = join(folder, info.filename);
  files = new Set(info.files.map((file) => file.path));
});

after(() => rmSync(folder, { recursive: true, force: true }));

test('no packed path is under a node_modules folder', () => {
  assert.ok(files.size > 0);
  assert.deepEqual([...files].filter((path) => path.split('/').includes('node_modules')), []);
});

test('every import in the shipped code finds its file in the pack', () => {
  const runtime = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies ?? {})]);
  const missing = [];
  const undeclared = [];
  for (const file of files) {
    const declaration = file.endsWith('.d.ts');
    if (!file.startsWith('dist/') || !(declaration || file.endsWith('.js'))) continue;
    for (const specifier of specifiers(join(root, file))) {
      if (isRelative(specifier)) {
        const target = posix.join(posix.dirname(file), specifier);
        const shipped = declaration ? target.replace(/\.js$/, '.d.ts') : target;
        if (!files.has(shipped)) missing.push(`${file} → ${specifier}`);
      } else if (!declaration && !specifier.startsWith('node:')) {
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
        if (!runtime.has(name)) undeclared.push(`${file} → ${specifier}`);
      }
    }
  }
  assert.deepEqual(missing, []);
  assert.deepEqual(undeclared, [], 'bare imports name runtime dependencies');
});

test('the Redis client, an optional peer, is imported by ./server/redis alone', () => {
  assert.equal(pkg.peerDependenciesMeta?.redis?.optional, true);
  assert.equal(pkg.dependencies.redis, undefined);
  const importers = [...files].filter((file) => file.endsWith('.js') && specifiers(join(root, file)).includes('redis'));
  assert.deepEqual(importers, ['dist/server/redis.js']);
  const server = importGraph(join(root, 'dist/server/index.js'));
  assert.ok(!server.bare.has('redis'), 'the in-process server helper needs nothing more installed');
});

test('every export of package.json names a packed file', () => {
  const targets = Object.values(pkg.exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target)));
  assert.deepEqual(targets.map((target) => target.replace(/^\.\//, '')).filter((path) => !files.has(path)), []);
  assert.ok(files.has('LICENSE'), 'the licence is packed');
});

test('arethetypeswrong finds no problem for ESM consumers (node16 from ESM, bundler)', () => {
  const attw = fileURLToPath(import.meta.resolve('@arethetypeswrong/cli/package.json')).replace(/package\.json$/, 'dist/index.js');
  const run = spawnSync(process.execPath, [attw, tarball, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'table-flipped', '--no-color', '--no-emoji'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
});
