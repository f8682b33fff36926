// The README's example test is the one the suite runs (test/readme-example.test.ts), word for word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

test('the README shows the example test that the suite runs', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../readme-example.test.ts', import.meta.url), 'utf8')
    .replace("'../src/testing/index.js'", "'@clouddeploy/live-elements/testing'")
    .trim();
  assert.ok(readme.includes(example), 'README.md must contain test/readme-example.test.ts (with the package import)');
});

test('the README shows the core example that the suite runs', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../fixtures/core-example/example.ts', import.meta.url), 'utf8')
    .replace("'../../../src/core/index.js'", "'@clouddeploy/live-elements/core'")
    .replace("'/demo/api/containers/events'", "'/api/containers/events'")
    .trim();
  assert.ok(readme.includes(example), 'README.md must contain test/fixtures/core-example/example.ts (with the package import and the usual URL)');
});
