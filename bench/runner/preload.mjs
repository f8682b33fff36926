// 2c Preload: a real SSE stream of 100,000 log lines sent as fast as the page reads them, and the
// time until the last one is on screen — ours against the floor (a native EventSource and
// JSON.parse, nothing else) and the naive list, in the same run.
import { delta, mainThread, withPage } from './browser.mjs';
import { alternate, max, med } from './stats.mjs';
import { startPreloadServer } from '../server/preload-sse.mjs';
import { TASK_CATEGORIES, tasksBetween } from './trace.mjs';

const format1 = (value) => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');

/** Each side's page query: ours with the provider's default transport (the browser's `EventSource`) and with `fetch`. */
const SIDES = {
  ours: 'impl=ours',
  floor: 'impl=floor',
  naive: 'impl=naive',
  'ours-fetch': 'impl=ours&transport=fetch',
  'floor-fetch': 'impl=floor-fetch',
};

export const preload = {
  name: 'preload',
  title: '2c Preload',
  async run({ browser, origin, quick, runs, log }) {
    // Imported here: scenarios.mjs lists this scenario, so a static import would be a cycle that
    // breaks whenever this module is loaded first.
    const { budget, missingNote } = await import('./scenarios.mjs');
    const lines = quick ? 10_000 : 100_000;
    const sse = await startPreloadServer();
    let samples;
    try {
      sse.prepare(lines);
      const stream = sse.url({ lines });
      samples = await alternate(
        runs,
        Object.keys(SIDES),
        (side) =>
          withPage(browser, `${origin}/pages/preload.html?${SIDES[side]}&lines=${lines}&stream=${encodeURIComponent(stream)}`, async (page, call) => {
            const { missing } = await call('setup');
            if (missing.length) return { missing };
            const streamsBefore = sse.streams.length;
            await page.tracing.start({ categories: TASK_CATEGORIES });
            const before = await mainThread(page);
            const result = await call('run');
            const cpu = delta(before, await mainThread(page));
            const tasks = tasksBetween(await page.tracing.stop(), 'preload-start', 'preload-end');
            await call('stop');
            const opened = sse.streams.slice(streamsBefore);
            const served = opened[0];
            return {
              missing,
              ms: result.ms,
              seenMs: result.seenMs,
              cpuMs: cpu.task,
              longest: tasks.max,
              longestCpu: tasks.maxCpu,
              over50: tasks.long,
              tasks: tasks.count,
              received: result.received,
              held: result.held,
              following: result.following,
              rows: result.rows,
              longTasks: result.longTasks,
              // The server's side: how long it took to hand the whole preload to the socket.
              serverMs: served ? served.written - served.opened : NaN,
              streams: opened.length,
            };
          }),
        log,
      );
    } finally {
      await sse.close();
    }
    const ours = med(samples.ours, (s) => s.ms);
    const floor = med(samples.floor, (s) => s.ms);
    const naive = med(samples.naive, (s) => s.ms);
    const longest = max(samples.ours.map((s) => s.longest));
    const count = lines.toLocaleString('en-US');
    return {
      rows: [
        {
          metric: `time until the last of ${count} preloaded lines is on screen (real SSE stream, as fast as the page reads)`,
          unit: 'ms',
          ours,
          base: floor,
          baseName: 'floor: EventSource + JSON.parse',
          budget: budget('≤ 1.5× the floor', ours / floor, (r) => r <= 1.5),
        },
        {
          metric: '  the same, ours with `transport="fetch"` (streaming fetch and the library\'s own parser)',
          unit: 'ms',
          ours: med(samples['ours-fetch'], (s) => s.ms),
          base: floor,
          baseName: 'floor: EventSource + JSON.parse',
        },
        {
          metric: '  the same, a floor on the fetch transport (`FetchEventSource` + `JSON.parse`, no store, no element)',
          unit: 'ms',
          ours: med(samples['floor-fetch'], (s) => s.ms),
          base: floor,
          baseName: 'floor: EventSource + JSON.parse',
        },
        {
          metric: '  the same, the naive list (every line a DOM row)',
          unit: 'ms',
          ours: naive,
          base: floor,
          baseName: 'floor: EventSource + JSON.parse',
        },
        {
          metric: '  ours: until the last line is in a rendered row (before the next frame)',
          unit: 'ms',
          ours: med(samples.ours, (s) => s.seenMs),
          base: med(samples.floor, (s) => s.seenMs),
          baseName: 'floor: last line parsed',
        },
        {
          metric: 'longest main-thread task while loading (worst run)',
          unit: 'ms',
          ours: longest,
          base: max(samples.floor.map((s) => s.longest)),
          baseName: 'floor',
          budget: budget('no task > 50 ms', longest, (v) => v <= 50),
        },
        {
          metric: '  the same, ours with `transport="fetch"`',
          unit: 'ms',
          ours: max(samples['ours-fetch'].map((s) => s.longest)),
          base: max(samples.floor.map((s) => s.longest)),
          baseName: 'floor',
        },
        {
          metric: '  the same, the naive list',
          unit: 'ms',
          ours: max(samples.naive.map((s) => s.longest)),
          base: max(samples.floor.map((s) => s.longest)),
          baseName: 'floor',
        },
        {
          metric: '  the most main-thread CPU time one task took (worst run): ours / ours with `transport="fetch"`',
          ours: `${format1(max(samples.ours.map((s) => s.longestCpu)))} / ${format1(max(samples['ours-fetch'].map((s) => s.longestCpu)))} ms`,
          base: `${format1(max(samples.floor.map((s) => s.longestCpu)))} ms`,
          baseName: 'floor',
        },
        {
          metric: 'main-thread CPU while loading',
          unit: 'ms',
          ours: med(samples.ours, (s) => s.cpuMs),
          base: med(samples.floor, (s) => s.cpuMs),
          baseName: 'floor',
        },
        {
          metric: '  the same, ours with `transport="fetch"`',
          unit: 'ms',
          ours: med(samples['ours-fetch'], (s) => s.cpuMs),
          base: med(samples.floor, (s) => s.cpuMs),
          baseName: 'floor',
        },
        {
          metric: '  the same, the floor on the fetch transport',
          unit: 'ms',
          ours: med(samples['floor-fetch'], (s) => s.cpuMs),
          base: med(samples.floor, (s) => s.cpuMs),
          baseName: 'floor',
        },
        {
          metric: '  the same, the naive list',
          unit: 'ms',
          ours: med(samples.naive, (s) => s.cpuMs),
          base: med(samples.floor, (s) => s.cpuMs),
          baseName: 'floor',
        },
        {
          metric: 'still following the newest line when it is on screen',
          ours: samples.ours.every((s) => s.following) ? 'yes' : 'no',
        },
      ],
      notes: [
        `A node:http server on 127.0.0.1 (another origin than the page's, answering with CORS) streams ${count} \`deployment_progress\` events (an \`id:\` each, ~80-character messages, about ${((215 * lines) / 1e6).toFixed(0)} MB) in writes of 256 events, as fast as the socket takes them (\`write()\` false waits for \`drain\`), then keeps the stream open. The payloads are made before the page opens the stream. Timed from the page opening the stream until the last line is on screen: for ours (\`<sse-provider url>\` with \`log-limit\` ${count} and \`<live-logs-viewer project-id>\` following the tail) and the naive list, a \`MutationObserver\` on the list's shadow root sees the last line's text in a rendered row, then the next frame is produced (\`requestAnimationFrame\`, then a task) — a frame later than the one that painted it when the line arrived inside a frame's rendering, as ours does. The floor is a native \`EventSource\` whose listener only \`JSON.parse\`s and counts: the last event parsed, then the next frame. The budgeted row is the provider as it comes (its default transport, the browser's \`EventSource\`); the rows below it show the same page with \`transport="fetch"\`, and a second floor on that transport (\`FetchEventSource\` with a sink that parses and counts). The naive list pushes each line as it arrives and renders at most once a frame (its \`add()\` would render once per line: a native event gets a microtask checkpoint of its own).`,
        `Tasks: the renderer main thread's outermost \`RunTask\` events in a Chromium trace between two user-timing marks (wall time, which on a loaded machine includes waiting for a core; their main-thread CPU time is shown too). CPU: main-thread CPU time (CDP thread ticks) over the same span. A browser's \`EventSource\` hands a page everything one read of the response brought (about 1 MB, ~4,900 events here) in one task, so on it no page keeps its tasks short while a fast preload arrives, the floor included; the fetch transport parses in slices of about 8 ms and yields between them. The viewer's lazily loaded colours are loaded before the stream opens.`,
        ...missingNote(samples.ours),
      ],
      samples,
    };
  },
};
