/**
 * Dashboard: `count` (1,000) badges under one provider while `rate` (1,000) status changes/s
 * arrive, spread at random over the projects.
 *
 * - `impl=ours`: `<live-status-badge project-id>`.
 * - `impl=naive`: the seed's approach — each badge listens to the provider's
 *   `container-status-changed` events itself and re-renders on every change of its project.
 *
 * Renders are counted by wrapping the badge class's `update`, per frame: the frame is told by
 * `document.timeline.currentTime`, which stays the same within one frame's work. Nothing else of
 * the bench runs in the page (no rAF loop, which would make a frame every vsync by itself): the
 * runner reads frames and CPU from a trace.
 */
import { expose, loadElements, longTasksSince, numberParam, paced, param, random, rendered, sleep } from '../lib/harness.js';
import { NaiveBadge } from '../lib/naive-badge.js';
import { projectIds, type WireEvent } from '../lib/payloads.js';
import { mountProvider, type BenchProvider } from '../lib/provider.js';

const impl = param('impl', 'ours');
const count = numberParam('count', 1000);
const rate = numberParam('rate', 1000);
const STATUSES = ['running', 'deploying', 'stopped', 'inactive', 'error'] as const;

const projects = projectIds(count);
let mounted: BenchProvider | undefined;
let changes: WireEvent[] = [];
/** After a drive: how many changes it sent, and when it sent the last. */
let sentCount = 0;
let lastSentAt = 0;

// Render counting.
let counting = false;
const perFrame = new Map<Element, { frame: unknown; n: number }>();
let renders = 0;
let maxPerFrame = 0;
let doubleRenders = 0;

function countRenders(proto: { update(changed: unknown): void }) {
  const original = proto.update;
  proto.update = function (this: Element, changed: unknown) {
    if (counting) {
      const frame = document.timeline.currentTime;
      renders += 1;
      const seen = perFrame.get(this);
      if (seen && seen.frame === frame) {
        seen.n += 1;
        doubleRenders += 1;
        maxPerFrame = Math.max(maxPerFrame, seen.n);
      } else {
        perFrame.set(this, { frame, n: 1 });
        maxPerFrame = Math.max(maxPerFrame, 1);
      }
    }
    original.call(this, changed);
  };
}

async function setup(seconds = 10) {
  const rand = random(3);
  const total = Math.ceil(seconds * rate) + 100;
  const current = projects.map((_, i) => STATUSES[i % STATUSES.length]!);
  changes = Array.from({ length: total }, () => {
    const i = Math.floor(rand() * count);
    const oldStatus = current[i]!;
    let newStatus = STATUSES[Math.floor(rand() * STATUSES.length)]!;
    if (newStatus === oldStatus) newStatus = STATUSES[(STATUSES.indexOf(newStatus) + 1) % STATUSES.length]!;
    current[i] = newStatus;
    return { event: 'container_status_changed', data: JSON.stringify({ projectId: projects[i], oldStatus, newStatus }) };
  });

  const missing = impl === 'ours' ? await loadElements(['live-status-badge']) : [];
  if (missing.length) return { missing };
  const grid = document.getElementById('grid')!;
  mounted = await mountProvider(document.getElementById('root')!, projects, { status: (i) => STATUSES[i % STATUSES.length]! });
  mounted.provider.append(grid);
  const ctor = impl === 'ours' ? customElements.get('live-status-badge')! : NaiveBadge;
  countRenders(ctor.prototype as unknown as { update(changed: unknown): void });
  for (const id of projects) {
    if (impl === 'ours') {
      const badge = document.createElement('live-status-badge');
      badge.setAttribute('project-id', id);
      grid.append(badge);
    } else {
      const badge = new NaiveBadge();
      badge.status = STATUSES[projects.indexOf(id) % STATUSES.length]!;
      badge.attach(mounted.provider, id);
      grid.append(badge);
    }
  }
  await rendered();
  await rendered();
  await sleep(300);
  return { missing };
}

async function drive(ms: number) {
  if (!mounted) return { skipped: true };
  const start = performance.now();
  counting = true;
  const sent = await paced(ms, rate, (from, to) => mounted!.send(changes, from, to), start);
  sentCount = sent;
  lastSentAt = performance.now();
  await rendered();
  counting = false;
  return {
    ms: performance.now() - start,
    changes: sent,
    renders,
    maxPerFrame,
    doubleRenders,
    longTasks: longTasksSince(start),
  };
}

/**
 * After a drive (outside its trace, so the polling costs nothing it measures): the time from the
 * last change sent until every badge shows its project's latest status. The store may rest between
 * passes on a page that cannot keep up; this is how far behind that leaves the badges.
 */
async function catchUp() {
  if (!mounted || sentCount === 0) return { catchUpMs: 0 };
  const latest = new Map<string, string>();
  for (let i = 0; i < sentCount; i++) {
    const { projectId, newStatus } = JSON.parse(changes[i]!.data) as { projectId: string; newStatus: string };
    latest.set(projectId, newStatus);
  }
  // Each badge with the status it should end on (ours names its project in an attribute, the naive one in a property).
  const expected = [...document.getElementById('grid')!.children]
    .map((badge) => [badge, latest.get(badge.getAttribute('project-id') ?? (badge as NaiveBadge).projectId)] as const)
    .filter(([, status]) => status !== undefined);
  const behind = () => expected.filter(([badge, status]) => badge.getAttribute('status') !== status).length;
  const until = performance.now() + 10_000;
  while (behind() > 0 && performance.now() < until) await sleep(5);
  return { catchUpMs: performance.now() - lastSentAt, behind: behind(), overloaded: mounted.provider.matches(':state(overloaded)') };
}

expose({ setup, drive, catchUp });
