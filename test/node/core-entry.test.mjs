// `@clouddeploy/live-elements/core` is for hosts that draw their own UI: it must load in Node (no
// DOM), reach no Lit through any import, and change nothing global when imported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { relative } from 'node:path';
import { importGraph } from './graph.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('package.json', pathToFileURL(root)), 'utf8'));
const core = pkg.exports['./core'];
const entry = fileURLToPath(new URL(core.default, pathToFileURL(root)));

test('the ./core entry is built with its types', () => {
  assert.ok(existsSync(entry), `${core.default} is missing: run npm run build`);
  assert.ok(existsSync(fileURLToPath(new URL(core.types, pathToFileURL(root)))), `${core.types} is missing`);
});

test('nothing the core entry loads imports Lit, or any other package', () => {
  const { files, bare } = importGraph(entry);
  assert.ok(files.size > 1, 'the entry re-exports the core modules');
  assert.deepEqual([...bare].filter((s) => /^(lit|@lit\/|lit-html|lit-element)($|\/)/.test(s)), []);
  assert.deepEqual([...bare], [], 'the core has no runtime dependency');
});

test('no file the core entry loads is declared to have side effects', () => {
  const patterns = pkg.sideEffects.map((glob) => new RegExp(`^${glob.replace(/^\.\//, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`));
  const flagged = [...importGraph(entry).files].map((file) => relative(root, file)).filter((file) => patterns.some((p) => p.test(file)));
  assert.deepEqual(flagged, []);
});

test('the core entry loads in Node and leaves the global scope as it was', async () => {
  const before = new Set(Reflect.ownKeys(globalThis));
  const module = await import(pathToFileURL(entry).href);
  const added = Reflect.ownKeys(globalThis).filter((key) => !before.has(key));
  assert.deepEqual(added, []);
  assert.equal(typeof module.LiveStore, 'function');
  assert.equal(typeof module.validateMessage, 'function');
  assert.equal(typeof globalThis.customElements, 'undefined', 'nothing defined an element registry');
});
