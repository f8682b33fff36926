// Copies the browser scenarios' table of bench/RESULTS.md into the README's performance section,
// between its `<!-- bench:table -->` and `<!-- /bench:table -->` marks, with the machine line(s).
// The server's rows stay in RESULTS.md (the README has a section of its own for them).
//   node bench/readme.mjs          (run by `npm run bench` after a full run)
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const START = '<!-- bench:table -->';
const END = '<!-- /bench:table -->';

export async function updateReadme() {
  const results = await readFile(resolve(root, 'bench/RESULTS.md'), 'utf8');
  const lines = results.split('\n');
  const table = lines.filter((line) => line.startsWith('|') && !line.startsWith('| 7 Server'));
  const machine = lines.filter((line) => /^Machine: |^The `.*` rows are from /.test(line));
  const block = [START, '', ...table, '', ...machine.flatMap((line) => [line, '']), END].join('\n');
  const path = resolve(root, 'README.md');
  const readme = await readFile(path, 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md has no ${START} … ${END} section`);
  await writeFile(path, readme.slice(0, from) + block + readme.slice(to + END.length));
}

if (import.meta.url === `file://${process.argv[1]}`) await updateReadme();
