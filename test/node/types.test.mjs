// The typings a user's TypeScript sees, checked through the package's own `exports` against the
// built dist/: the README's React example compiles as printed, the JSX typings refuse wrong props
// (test/types/checks.tsx), and the provider's events are typed on window and document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path) => readFileSync(join(root, path), 'utf8');

test("the README's React example is test/types/react.tsx, word for word", () => {
  const readme = read('README.md');
  const example = read('test/types/react.tsx').trim();
  assert.ok(readme.includes(`\`\`\`tsx\n${example}\n\`\`\``), 'README.md must show test/types/react.tsx as its React example');
});

test('the React typings list every tag of the manifest', () => {
  const typings = read('dist/react.d.ts');
  const manifest = JSON.parse(read('custom-elements.json'));
  const tags = manifest.modules.flatMap((m) => (m.declarations ?? []).filter((d) => d.tagName).map((d) => d.tagName));
  assert.ok(tags.length >= 8);
  assert.deepEqual(tags.filter((tag) => !typings.includes(`'${tag}': ElementProps<`)), []);
});

test('the type fixtures compile, and every wrong line in them is refused', () => {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  for (const project of ['test/types/tsconfig.json', 'test/types/server/tsconfig.json']) {
    const run = spawnSync(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 0, `${project}: ${run.stdout}${run.stderr}`);
  }
});
