// Figures from a Chromium trace of the page, with nothing running in the page to measure them: no
// requestAnimationFrame loop (which would itself make a main-thread frame every vsync and so cost
// what it measures), no observer. The renderer main thread is found by a user-timing mark.

// What the figures need and little else: tasks (toplevel), the marks, the main-thread frames.
const CATEGORIES = ['toplevel', '__metadata', 'blink.user_timing', 'disabled-by-default-devtools.timeline.frame'];

const START = 'bench-trace-start';
const END = 'bench-trace-end';

/**
 * Runs `body()` while tracing the page, between two user-timing marks, and returns its value with
 * the renderer main thread's figures over that span:
 * - `wallMs`: the span;
 * - `busyMs`: CPU time of the main thread's outermost tasks (thread time where the trace has it,
 *   else wall), and `busy`: that over `wallMs`, the share of one core;
 * - `tasks`, `longestTaskMs` (wall), `longestTaskCpuMs`, `over50`: tasks, the longest one (wall
 *   time, and the most CPU time one took: on shared cores a task's wall time counts the time its
 *   thread waited for one), the ones over 50 ms;
 * - `frames`: main-thread frames begun (`BeginMainThreadFrame`), `frameTimes`: the intervals
 *   between consecutive ones, and `frameTaskCpu`, the CPU time of each task in which one began, ms;
 * - `sums`: for each event name in `sum`, the main thread's CPU time in such events, ms.
 */
export async function traced(page, body, { sum = [] } = {}) {
  // Naming events to sum adds the timeline's category, which has them (and costs a little more).
  await page.tracing.start({ categories: sum.length ? [...CATEGORIES, 'devtools.timeline'] : CATEGORIES });
  let value;
  let figures;
  try {
    await page.evaluate((name) => performance.mark(name), START);
    value = await body();
    await page.evaluate((name) => performance.mark(name), END);
  } finally {
    figures = mainThreadFigures(await page.tracing.stop(), sum);
  }
  return { value, ...figures };
}

/** The figures of `traced`, from a finished trace; `sums[name]`: CPU ms of the main thread's `name` events. */
export function mainThreadFigures(trace, sum = []) {
  const events = JSON.parse(new TextDecoder().decode(trace)).traceEvents ?? [];
  const start = events.find((event) => event.name === START);
  const end = start && events.find((event) => event.name === END && event.pid === start.pid);
  if (!start || !end) throw new Error('the trace has no start or end mark: the page did not run');
  const onMain = (event) => event.pid === start.pid && event.tid === start.tid;
  const within = (event) => event.ts + (event.dur ?? 0) >= start.ts && event.ts <= end.ts;

  const tasks = events
    .filter((event) => event.ph === 'X' && onMain(event) && /RunTask$/.test(event.name) && within(event))
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  // A task runner's task may be traced inside another's: count the outermost only, and only the
  // part of it within the span.
  let busy = 0;
  let longest = 0;
  let longestCpu = 0;
  let over50 = 0;
  const outer = [];
  let outerEnd = -Infinity;
  for (const task of tasks) {
    if (task.ts + task.dur <= outerEnd) continue;
    outerEnd = task.ts + task.dur;
    outer.push(task);
    const inside = Math.min(task.ts + task.dur, end.ts) - Math.max(task.ts, start.ts);
    const cpu = task.tdur ?? task.dur;
    busy += task.dur > 0 ? (cpu * inside) / task.dur : 0;
    longest = Math.max(longest, task.dur);
    longestCpu = Math.max(longestCpu, cpu);
    if (task.dur > 50_000) over50 += 1;
  }

  const frameStarts = events
    .filter((event) => event.name === 'BeginMainThreadFrame' && onMain(event) && event.ts >= start.ts && event.ts <= end.ts)
    .map((event) => event.ts)
    .sort((a, b) => a - b);
  const frameTimes = frameStarts.slice(1).map((ts, i) => (ts - frameStarts[i]) / 1000);
  // The CPU time of each task in which a frame began: what a frame cost the page.
  const frameTaskCpu = [];
  let at = 0;
  for (const ts of frameStarts) {
    while (at < outer.length && outer[at].ts + outer[at].dur < ts) at++;
    if (at < outer.length && outer[at].ts <= ts) frameTaskCpu.push((outer[at].tdur ?? outer[at].dur) / 1000);
  }

  const sums = Object.fromEntries(sum.map((name) => [name, 0]));
  for (const event of events) {
    if (event.ph === 'X' && event.name in sums && onMain(event) && within(event)) sums[event.name] += (event.tdur ?? event.dur) / 1000;
  }

  const wallMs = (end.ts - start.ts) / 1000;
  return {
    wallMs,
    busyMs: busy / 1000,
    busy: busy / 1000 / wallMs,
    tasks: outer.length,
    longestTaskMs: longest / 1000,
    longestTaskCpuMs: longestCpu / 1000,
    over50,
    frames: frameStarts.length,
    frameTimes,
    frameTaskCpu,
    sums,
  };
}

/** The `p`-quantile (0–1) of `values`, nearest rank; NaN when empty. */
export function quantile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Enough to find the page's main thread (a user-timing mark) and its tasks, and little else. */
export const TASK_CATEGORIES = ['toplevel', '__metadata', 'blink.user_timing'];

/**
 * The renderer main thread's outermost tasks between two user-timing marks of a trace, in ms: the
 * longest (wall time), how many took over 50 ms, how many there were, their total, and the most
 * main-thread CPU time one of them took (`maxCpu`: on a busy machine a task's wall time also counts
 * the time the thread waited for a core).
 */
export function tasksBetween(trace, startMark, endMark) {
  const events = JSON.parse(new TextDecoder().decode(trace)).traceEvents ?? [];
  const start = events.find((event) => event.name === startMark);
  const end = start && events.find((event) => event.name === endMark && event.pid === start.pid);
  if (!start || !end) return { max: NaN, long: NaN, count: 0, total: NaN, maxCpu: NaN };
  const tasks = events
    .filter((event) => event.ph === 'X' && event.pid === start.pid && event.tid === start.tid && /RunTask$/.test(event.name))
    .filter((event) => event.ts + event.dur >= start.ts && event.ts <= end.ts)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  // A task runner's task may be traced inside another's: count the outermost only.
  const durations = [];
  let maxCpu = NaN;
  let outerEnd = -Infinity;
  for (const task of tasks) {
    if (task.ts + task.dur <= outerEnd) continue;
    outerEnd = task.ts + task.dur;
    durations.push(task.dur / 1000);
    if (typeof task.tdur === 'number' && !(task.tdur / 1000 <= maxCpu)) maxCpu = task.tdur / 1000;
  }
  return {
    max: durations.length ? Math.max(...durations) : NaN,
    long: durations.filter((d) => d > 50).length,
    count: durations.length,
    total: durations.reduce((sum, d) => sum + d, 0),
    maxCpu,
  };
}
