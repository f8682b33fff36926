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
