/**
 * A dashboard at rest: `badges` (100 or 1,000) status badges, 60 % of them running (pulsing), the
 * rest stopped, inactive or in error, under one provider whose stream has gone quiet. Nothing in
 * the page runs to measure it: the runner traces the renderer while the page sits still.
 *
 * - `alert=1`: one more project, deploying (its badge spins), with a `<live-status-alert>` showing
 *   its step and progress bar.
 * - `full=1`: also a `<live-metrics-chart>` of a running project (ten points drawn), a
 *   `<live-logs-viewer>` that has streamed 2,000 entries and follows the tail, and an error toast
 *   on screen in a `<live-toast-region>`.
 *
 * - `raf=1`: the host page runs a requestAnimationFrame loop of its own, so every vsync is a
 *   main-thread frame: what the badges cost per frame then. `empty=1`: the loop alone.
 *
 * `setup` mounts everything, sends what the elements show, and waits until the page has settled
 * (the toast's entrance, the viewer's fade-in and its Streaming badge over).
 */
import { expose, loadElements, numberParam, rendered, sleep } from '../lib/harness.js';
import { logEvents, metricsEvents, projectIds, type WireEvent } from '../lib/payloads.js';
import { mountProvider } from '../lib/provider.js';

const count = numberParam('badges', 1000);
const alert = numberParam('alert', 0) === 1;
const full = numberParam('full', 0) === 1;
/** `raf=1`: the host page runs its own requestAnimationFrame loop, as any page with a canvas or a JS animation does. */
const hostLoop = numberParam('raf', 0) === 1;
/** `empty=1`: no element at all (with `raf=1`: what the loop costs alone). */
const empty = numberParam('empty', 0) === 1;

/** 60 % running, then the still ones in turn. */
const STILL = ['stopped', 'inactive', 'error'] as const;
const statusOf = (i: number) => (i % 10 < 6 ? 'running' : STILL[i % 3]!);
const DEPLOYING = 'deploying-1';
const LOGS = 'logs-1';

function loop() {
  requestAnimationFrame(loop);
}

async function setup() {
  if (empty) {
    if (hostLoop) requestAnimationFrame(loop);
    await sleep(1000);
    return { missing: [], running: 0, badges: 0 };
  }
  const tags = ['live-status-badge'];
  if (alert) tags.push('live-status-alert');
  if (full) tags.push('live-metrics-chart', 'live-logs-viewer', 'live-toast-region');
  const missing = await loadElements(tags);
  if (missing.length) return { missing };

  const projects = projectIds(count);
  const extra = [...(alert ? [DEPLOYING] : []), ...(full ? [LOGS] : [])];
  const all = [...projects, ...extra];
  const mounted = await mountProvider(document.getElementById('root')!, all, {
    status: (i) => (all[i] === DEPLOYING ? 'deploying' : all[i] === LOGS ? 'running' : statusOf(i)),
  });
  const top = document.getElementById('top')!;
  const grid = document.getElementById('grid')!;
  mounted.provider.append(top, grid);
  for (const id of [...extra, ...projects]) {
    const badge = document.createElement('live-status-badge');
    badge.setAttribute('project-id', id);
    grid.append(badge);
  }

  const events: WireEvent[] = [];
  if (alert) {
    const element = document.createElement('live-status-alert');
    element.setAttribute('project-id', DEPLOYING);
    top.append(element);
    events.push({ event: 'deployment_progress', data: JSON.stringify({ projectId: DEPLOYING, step: 'Building image', progress: 40, level: 'info', message: 'Step 3/7: RUN npm ci', timestamp: new Date().toISOString() }) });
  }
  if (full) {
    const chart = document.createElement('live-metrics-chart');
    chart.setAttribute('project-id', projects[0]!);
    const viewer = document.createElement('live-logs-viewer');
    viewer.setAttribute('project-id', LOGS);
    const region = document.createElement('live-toast-region') as HTMLElement & { show(options: { kind: string; title: string; message?: string }): number };
    top.append(chart, viewer);
    mounted.provider.append(region);
    events.push(...metricsEvents(10, projects[0]!, 7).map((data) => ({ event: 'metrics_updated', data })), ...logEvents(2000, LOGS));
    await rendered();
    region.show({ kind: 'error', title: 'Container crashed', message: 'Web API: exited with code 137' });
  }
  mounted.send(events);
  await rendered();
  await rendered();
  // Past every entrance and the Streaming badge's quiet period: what stays is the page at rest.
  await sleep(full ? 4000 : 1000);
  if (hostLoop) requestAnimationFrame(loop);
  const running = [...grid.querySelectorAll('live-status-badge')].filter((badge) => badge.getAttribute('status') === 'running').length;
  return { missing, running, badges: grid.childElementCount };
}

expose({ setup });
