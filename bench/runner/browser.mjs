// The bench pages' server and browser: a static server on 127.0.0.1 for bench/out, and Debian's
// Chromium driven by puppeteer-core, one fresh browser context (so a fresh renderer) per page run.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS as TEST_ARGS, chromiumPath } from '../../scripts/chromium.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

export const CHROMIUM_ARGS = [
  ...TEST_ARGS,
  '--enable-precise-memory-info',
  '--js-flags=--expose-gc',
  // A page in a background context must keep its frame rate and timers.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** Serves `root` on 127.0.0.1 at a free port. */
export async function serve(root) {
  const base = resolve(root);
  const server = createServer(async (request, response) => {
    try {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      const file = normalize(join(base, path));
      if (!file.startsWith(base)) throw new Error('outside');
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
      response.end(await readFile(file));
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(done)) };
}

export async function launch() {
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    defaultViewport: { width: 1280, height: 900 },
    protocolTimeout: 900_000,
  });
  return browser;
}

/**
 * Opens `url` in a fresh context, waits for the page's `window.bench`, runs `body(page, call)` and
 * closes the context. `call(name, ...args)` runs a step of the page's handle.
 */
export async function withPage(browser, url, body, { viewport } = {}) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error?.stack ?? error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  try {
    if (viewport) await page.setViewport(viewport);
    await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    await page.waitForFunction('window.benchReady || window.benchError', { timeout: 120_000 });
    const pageError = await page.evaluate(() => window.benchError);
    if (pageError) throw new Error(`page failed to start: ${pageError}`);
    const call = async (name, ...args) => {
      try {
        return await page.evaluate((step, stepArgs) => window.bench[step](...stepArgs), name, args);
      } catch (error) {
        throw new Error(`${name}: ${error.message}${errors.length ? `\n  page errors: ${errors.slice(0, 3).join('\n  ')}` : ''}`);
      }
    };
    return await body(page, call);
  } finally {
    await context.close().catch(() => {});
  }
}

const sessions = new WeakMap();

/**
 * Main-thread time counters of the page's renderer (CDP `Performance.getMetrics`), in ms. Durations
 * are thread CPU time (`timeDomain: 'threadTicks'`), so other processes competing for the cores do
 * not inflate them; `at` is wall time.
 */
export async function mainThread(page) {
  let session = sessions.get(page);
  if (!session) {
    session = await page.createCDPSession();
    await session.send('Performance.enable', { timeDomain: 'threadTicks' });
    sessions.set(page, session);
  }
  const { metrics } = await session.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map(({ name, value }) => [name, value]));
  return {
    at: m.Timestamp * 1000,
    task: m.TaskDuration * 1000,
    script: m.ScriptDuration * 1000,
    layout: m.LayoutDuration * 1000,
    style: m.RecalcStyleDuration * 1000,
    thread: m.ThreadTime * 1000,
    process: m.ProcessTime * 1000,
  };
}

/** What happened between two `mainThread` readings; `busy` is main-thread CPU time over wall time. */
export function delta(before, after) {
  const wall = after.at - before.at;
  const task = after.task - before.task;
  return {
    wall,
    task,
    script: after.script - before.script,
    layout: after.layout - before.layout,
    style: after.style - before.style,
    process: after.process - before.process,
    busy: task / wall,
  };
}

/** Forced full GC, then the heap: `js` (V8) and `dom` (Blink's heap: DOM nodes, layout), bytes. */
export async function heap(page) {
  let session = sessions.get(page);
  if (!session) {
    await mainThread(page);
    session = sessions.get(page);
  }
  for (let i = 0; i < 3; i++) await session.send('HeapProfiler.collectGarbage');
  const usage = await session.send('Runtime.getHeapUsage');
  return { js: usage.usedSize, dom: usage.embedderHeapUsedSize ?? NaN };
}

export async function browserVersion(browser) {
  return (await browser.version()).replace(/^HeadlessChrome\//, 'Chromium ');
}

export async function exists(path) {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
