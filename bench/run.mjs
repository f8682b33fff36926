#!/usr/bin/env node
// `npm run bench`: builds the bench pages, runs every scenario in headless Chromium — ours and its
// baseline alternating, several times — then the server helper under load (no browser), prints a
// table and writes bench/RESULTS.md and bench/results.json.
//
//   node bench/run.mjs [--quick] [--runs=N] [--only=ingest,logs,…,server [--merge]]
//
// `server` uses dist/server: run `npm run build` first. Asked for alone, it builds no page and
// starts no browser.
//
// --quick (CI): small sizes, one run per side, under two minutes (and about one more for the
// server); its table goes to bench/out/. A full run also copies its table into the README.
// --merge, with --only: the scenarios run replace theirs in bench/RESULTS.md, bench/results.json
// and the README, each marked with its own run's machine line.
// BENCH_OUT=<dir> builds and serves the pages from <dir> instead of bench/out (two runs at once);
// BENCH_PAGES=<a,b> builds only those pages.
// It exits non-zero only when a scenario produced no numbers; timings never fail it.
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { resolve } from 'node:path';
import { build } from 'vite';
import { browserVersion, launch, serve } from './runner/browser.mjs';
import { renderMarkdown, renderTable } from './runner/report.mjs';
import { updateReadme } from './readme.mjs';
import { SCENARIOS } from './runner/scenarios.mjs';
import { serverScenario } from './runner/server.mjs';
import { sizeScenario } from './runner/size.mjs';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const flag = (name) => args.find((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
const value = (name) => flag(name)?.split('=')[1];

const quick = Boolean(flag('quick'));
const runs = Number(value('runs') ?? (quick ? 1 : 5));
const only = value('only')?.split(',');
const wanted = (name) => !only || only.includes(name);

const out = process.env.BENCH_OUT ? resolve(process.env.BENCH_OUT) : resolve(root, 'bench/out');
const started = Date.now();
const log = (text) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${text}`);

// The server scenario needs neither the pages nor the browser.
const needBrowser = SCENARIOS.some((scenario) => wanted(scenario.name)) || wanted('size');
if (needBrowser) {
  log(`building the bench pages (${quick ? 'quick' : 'full'}, ${runs} run${runs === 1 ? '' : 's'} per side)`);
  const excluded = await buildPages();
  if (excluded.length) log(`left out (their folder does not build yet): ${excluded.join(', ')}`);
}

/**
 * Builds the pages. Elements are being written while the suite runs: a folder whose define module
 * does not build yet is left out (its figures read n/a) instead of failing every scenario.
 */
async function buildPages() {
  const excluded = [];
  for (;;) {
    process.env.BENCH_EXCLUDE = excluded.join(',');
    try {
      await build({ configFile: resolve(root, 'bench/vite.config.ts'), logLevel: 'silent' });
      return excluded;
    } catch (error) {
      const text = String(error?.message ?? error) + (error?.errors ?? []).map((e) => String(e?.message ?? e)).join('\n');
      const tag = text.match(/src\/([a-z0-9-]+)\//)?.[1];
      if (!tag || tag === 'core' || tag === 'shared' || tag === 'mock' || tag === 'sse-provider' || excluded.includes(tag)) throw error;
      excluded.push(tag);
    }
  }
}

const server = needBrowser ? await serve(out) : undefined;

/** Loads a built bundle in a page of its own and says which of `tags` it registered. */
async function browserCheck(dir, file, tags) {
  const { writeFile: write } = await import('node:fs/promises');
  const rel = dir.slice(out.length).replace(/^\//, '');
  await write(resolve(dir, 'check.html'), `<!doctype html><link rel="icon" href="data:,"><script type="module">
    try { await import('./${file}'); window.result = ${JSON.stringify(tags)}.map((tag) => Boolean(customElements.get(tag))); }
    catch (error) { window.result = String(error); }
  </script>`);
  const page = await browser.newPage();
  try {
    await page.goto(`${server.origin}/${rel}/check.html`);
    await page.waitForFunction('window.result !== undefined', { timeout: 30_000 });
    const result = await page.evaluate(() => window.result);
    if (!Array.isArray(result)) throw new Error(`the bundle failed to load: ${result}`);
    return result;
  } finally {
    await page.close();
  }
}
const browser = needBrowser ? await launch() : undefined;
const context = { browser, origin: server?.origin, quick, runs, log };
const results = [];
let failed = false;

try {
  for (const scenario of SCENARIOS) {
    if (!wanted(scenario.name)) continue;
    log(`${scenario.name}: ${scenario.title}`);
    try {
      results.push({ name: scenario.name, title: scenario.title, ...(await scenario.run(context)) });
    } catch (error) {
      failed = true;
      log(`${scenario.name} FAILED: ${error.stack ?? error}`);
      results.push({ name: scenario.name, title: scenario.title, error: String(error.message ?? error), rows: [] });
    }
  }
  if (wanted('size')) {
    log('size: gzip sizes');
    try {
      results.push({ name: 'size', title: '5 Size (gzip)', ...(await sizeScenario({ root, log, browserCheck })) });
    } catch (error) {
      failed = true;
      log(`size FAILED: ${error.stack ?? error}`);
      results.push({ name: 'size', title: '5 Size (gzip)', error: String(error.message ?? error), rows: [] });
    }
  }
} finally {
  var chromium = browser ? await browserVersion(browser).catch(() => 'Chromium ?') : 'no browser';
  await browser?.close().catch(() => {});
  await server?.close();
}

// After the browser is gone, so that it takes nothing from the machine meanwhile.
if (wanted('server')) {
  log(`${serverScenario.name}: the server helper under load (no browser)`);
  try {
    results.push({ name: serverScenario.name, title: serverScenario.title, ...(await serverScenario.run(context)) });
  } catch (error) {
    failed = true;
    log(`${serverScenario.name} FAILED: ${error.stack ?? error}`);
    results.push({ name: serverScenario.name, title: serverScenario.title, error: String(error.message ?? error), rows: [] });
  }
}

const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model.trim() ?? 'unknown',
  cores: cpus.length,
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  chromium,
  node: process.version,
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  runs,
  loadAverage: os.loadavg().map((load) => Number(load.toFixed(2))),
};

for (const result of results) {
  if (!result.error && result.rows.some((row) => row.ours === undefined || Number.isNaN(row.ours))) {
    // Numbers missing for our side (an element not built yet): the scenario ran, but not completely.
    result.incomplete = true;
  }
}

console.log(`\n${renderTable(results)}`);
// The run count is the browser scenarios'; the server rows each say how many windows they took.
const counts = [
  ...(needBrowser ? [`${machine.runs} run(s) per side in the browser scenarios`] : []),
  ...(wanted('server') ? ['server rows: the windows each row states'] : []),
];
const machineLine = `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB · ${machine.chromium} · Node ${machine.node} · ${machine.date} · ${[machine.mode, ...counts].join(', ')} · load ${machine.loadAverage.join(' ')}`;
console.log(`\n${machineLine}`);

if (!only && !quick) {
  await writeFile(resolve(root, 'bench/RESULTS.md'), renderMarkdown(results, machineLine));
  await writeFile(resolve(root, 'bench/results.json'), `${JSON.stringify({ machine, machineLine, results }, null, 2)}\n`);
  await updateReadme();
  log('wrote bench/RESULTS.md, bench/results.json and the README\'s table');
} else if (only && !quick && flag('merge')) {
  // The scenarios of this run replace theirs in the published results; each keeps its run's line.
  const published = JSON.parse(await readFile(resolve(root, 'bench/results.json'), 'utf8'));
  const order = [...SCENARIOS.map((scenario) => scenario.name), 'size', 'server'];
  const merged = [...published.results.filter((result) => !results.some((fresh) => fresh.name === result.name)), ...results.map((result) => ({ ...result, machineLine }))];
  merged.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  const publishedLine = published.machineLine ?? machineLine;
  await writeFile(resolve(root, 'bench/RESULTS.md'), renderMarkdown(merged, publishedLine));
  await writeFile(resolve(root, 'bench/results.json'), `${JSON.stringify({ ...published, machineLine: publishedLine, results: merged }, null, 2)}\n`);
  await updateReadme();
  log(`merged ${results.map((result) => result.name).join(', ')} into bench/RESULTS.md, bench/results.json and the README's table`);
} else if (!only) {
  // A quick run's numbers are not the published ones: they stay in the gitignored output folder.
  await writeFile(resolve(out, 'RESULTS.quick.md'), renderMarkdown(results, machineLine));
  await writeFile(resolve(out, 'results.quick.json'), `${JSON.stringify({ machine, results }, null, 2)}\n`);
  log('quick run: wrote bench/out/RESULTS.quick.md and bench/out/results.quick.json');
} else {
  await writeFile(resolve(out, 'partial-results.json'), `${JSON.stringify({ machine, results }, null, 2)}\n`);
  log(`partial run (--only): wrote ${resolve(out, 'partial-results.json')} (--merge puts a full run's figures into bench/RESULTS.md)`);
}

const noNumbers = results.filter((result) => result.error || result.rows.length === 0);
if (failed || noNumbers.length > 0) {
  console.error(`bench: no numbers from ${noNumbers.map((result) => result.name).join(', ')}`);
  process.exit(1);
}
log('done');
