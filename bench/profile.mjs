#!/usr/bin/env node
// Profiles one bench page's measured step and prints where the main thread's time went, by
// function (self and total time), from a non-minified build.
//
//   node bench/profile.mjs <page> [query] [--step=run] [--top=30] [--no-build]
//   node bench/profile.mjs ingest "impl=ours&events=20000"
//   node bench/profile.mjs charts "impl=ours&hz=10" --step=drive --args=[3000] --trace   (trace events by self time)
//   node bench/profile.mjs logs "impl=ours" --setup=setup,fill --step=stream --args=[3000,false]
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'vite';
import { delta, launch, mainThread, serve, withPage } from './runner/browser.mjs';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const positional = args.filter((arg) => !arg.startsWith('--'));
const option = (name, fallback) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const [pageName, query = ''] = positional;
if (!pageName) {
  console.error('usage: node bench/profile.mjs <page> [query] [--step=run] [--setup=setup] [--top=30]');
  process.exit(2);
}
const step = option('step', 'run');
const setupSteps = option('setup', 'setup').split(',').filter(Boolean);
const top = Number(option('top', 30));
const stepArgs = JSON.parse(option('args', '[]'));

if (!args.includes('--no-build')) {
  process.env.BENCH_MINIFY = '0';
  process.env.BENCH_EXCLUDE ??= '';
  await build({ configFile: resolve(root, 'bench/vite.config.ts'), logLevel: 'silent' });
}
const server = await serve(resolve(root, 'bench/out'));
const browser = await launch();
try {
  await withPage(browser, `${server.origin}/pages/${pageName}.html?${query}`, async (page, call) => {
    for (const name of setupSteps) console.log(name, String(JSON.stringify(await call(name))).slice(0, 300));
    if (args.includes('--trace')) {
      await page.tracing.start({ categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'v8.execute'] });
      const result = await call(step, ...stepArgs);
      const buffer = await page.tracing.stop();
      console.log(step, JSON.stringify(result).slice(0, 600));
      await writeFile(resolve(root, 'bench/out/last-trace.json'), buffer);
      traceReport(JSON.parse(Buffer.from(buffer).toString("utf8")));
      return;
    }
    const cdp = await page.createCDPSession();
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    const before = await mainThread(page);
    const result = await call(step, ...stepArgs);
    const after = await mainThread(page);
    const { profile } = await cdp.send('Profiler.stop');
    const d = delta(before, after);
    console.log(`main thread: wall ${d.wall.toFixed(0)} ms, tasks ${d.task.toFixed(0)} ms (script ${d.script.toFixed(0)}, style ${d.style.toFixed(0)}, layout ${d.layout.toFixed(0)}, other ${(d.task - d.script - d.style - d.layout).toFixed(0)})`);
    console.log(step, JSON.stringify(result).slice(0, 600));
    await writeFile(resolve(root, 'bench/out/last.cpuprofile'), JSON.stringify(profile));
    report(profile);
  });
} finally {
  await browser.close();
  await server.close();
}

function report(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map();
  const total = new Map();
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const dt = (profile.endTime - profile.startTime) / 1000 / profile.samples.length;
  const label = (node) => {
    const frame = node.callFrame;
    const file = frame.url.split('/').pop() || '(native)';
    return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
  };
  let all = 0;
  for (const [id, count] of counts) {
    const node = byId.get(id);
    const ms = count * dt;
    all += ms;
    self.set(label(node), (self.get(label(node)) ?? 0) + ms);
    const seen = new Set();
    for (let cursor = id; cursor !== undefined; cursor = parent.get(cursor)) {
      const name = label(byId.get(cursor));
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + ms);
    }
  }
  const print = (title, map) => {
    console.log(`\n${title} (of ${all.toFixed(0)} ms sampled)`);
    for (const [name, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${ms.toFixed(1).padStart(9)} ms ${((ms / all) * 100).toFixed(1).padStart(5)}%  ${name}`);
    }
  };
  print('self time', self);
  const byFile = new Map();
  for (const [name, ms] of self) {
    const file = name.split(' ').pop().replace(/:\d+$/, '');
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
  }
  print('self time by file', byFile);
  print('total time', total);
}

/** Self time of the trace events on the renderer's main thread, by name. */
function traceReport(trace) {
  const events = trace.traceEvents ?? trace;
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const onMain = events.filter((e) => e.pid === main?.pid && e.tid === main?.tid && e.ph === 'X' && typeof e.dur === 'number');
  onMain.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const stack = [];
  let span = 0;
  for (const event of onMain) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= event.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - event.dur / 1000);
    else span += event.dur / 1000;
    self.set(event.name, (self.get(event.name) ?? 0) + event.dur / 1000);
    stack.push(event);
  }
  console.log(`\ntrace: main-thread self time by event (top-level total ${span.toFixed(0)} ms)`);
  for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms.toFixed(1).padStart(9)} ms  ${name}`);
}
