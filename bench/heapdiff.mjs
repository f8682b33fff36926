#!/usr/bin/env node
// Diagnostics for the leaks scenario: heap snapshots after a warm-up and after N more mount/remove
// cycles, and what grew between them, by object type and constructor.
//
//   node bench/heapdiff.mjs [cycles=300]
import { resolve } from 'node:path';
import { build } from 'vite';
import { launch, serve, withPage } from './runner/browser.mjs';
import { growth, heapSnapshot, totals } from './runner/heap.mjs';

const root = resolve(import.meta.dirname, '..');
const cycles = Number(process.argv[2] ?? 300);
process.env.BENCH_MINIFY = '0';
await build({ configFile: resolve(root, 'bench/vite.config.ts'), logLevel: 'silent' });
const server = await serve(resolve(root, 'bench/out'));
const browser = await launch();

try {
  await withPage(browser, `${server.origin}/pages/leaks.html`, async (page, call) => {
    await call('setup');
    await call('cycles', 20);
    const before = await heapSnapshot(page);
    await call('cycles', cycles);
    const after = await heapSnapshot(page);
    const [a, b] = [totals(before), totals(after)];
    console.log(`heap over ${cycles} cycles (snapshot self sizes): ${(a.all / 1024).toFixed(0)} → ${(b.all / 1024).toFixed(0)} KB; without compiled code ${(a.objects / 1024).toFixed(0)} → ${(b.objects / 1024).toFixed(0)} KB`);
    for (const d of growth(before, after, 25)) console.log(`${(d.size / 1024).toFixed(1).padStart(9)} KB ${String(d.count).padStart(7)}  ${d.key}`);
  });
} finally {
  await browser.close();
  await server.close();
}
