import { expect } from '@open-wc/testing';
import { CONTAINER_STATUSES, EVENT_TYPES, validateMessage } from '../src/core/protocol.js';
import {
  DEPLOYMENT_STEPS,
  ManualClock,
  MockBackend,
  MockEventSource,
  getDefaultMockBackend,
  type MockBackendOptions,
  type MockBackendState,
  type MockProject,
  type MockWireFrame,
} from '../src/mock/index.js';

const LATENCY = 150;

function setup(options: MockBackendOptions = {}) {
  const clock = new ManualClock();
  const backend = new MockBackend({ seed: 42, clock, ...options });
  return { clock, backend };
}

/** Every frame the backend sends from now on. */
function record(backend: MockBackend) {
  const frames: MockWireFrame[] = [];
  const stop = backend.subscribe((frame) => frames.push(frame));
  return { frames, stop };
}

/** Sends a REST request and moves the clock past its latency. */
function call(backend: MockBackend, clock: ManualClock, method: string, path: string) {
  const answer = backend.request(method, path);
  clock.advance(LATENCY);
  return answer;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const payload = (frame: MockWireFrame): any => JSON.parse(frame.data);
const of = (frames: MockWireFrame[], event: string, projectId?: string) =>
  frames.filter((frame) => frame.event === event && (projectId === undefined || payload(frame).projectId === projectId));

interface Received {
  type: string;
  data: string;
  lastEventId: string;
  at: number;
}

/** A `MockEventSource` with a log of what it dispatched, by type, with the clock time. */
function open(backend: MockBackend, clock: ManualClock, url = '/api/containers/events', extraTypes: string[] = []) {
  const source = new MockEventSource(url, undefined, backend);
  const received: Received[] = [];
  const log: string[] = [];
  for (const type of [...EVENT_TYPES, 'message', ...extraTypes]) {
    source.addEventListener(type, (event) => {
      const message = event as MessageEvent<string>;
      received.push({ type, data: message.data, lastEventId: message.lastEventId, at: clock.now() });
    });
  }
  source.addEventListener('open', () => log.push('open'));
  source.addEventListener('error', () => log.push('error'));
  return { source, received, log };
}

describe('MockBackend', () => {
  describe('determinism', () => {
    async function run(seed: number) {
      const { clock, backend } = setup({ seed });
      const { frames } = record(backend);
      for (let i = 0; i < 240; i++) clock.advance(250);
      await call(backend, clock, 'POST', '/containers/docs-site/start');
      await call(backend, clock, 'POST', '/containers/api-gateway/stop');
      clock.advance(20_000);
      return frames;
    }

    it('sends byte-identical frames for the same seed and clock steps', async () => {
      const first = await run(7);
      const second = await run(7);
      expect(first.length).to.be.greaterThan(50);
      expect(JSON.stringify(second)).to.equal(JSON.stringify(first));
    });

    it('sends different metrics for a different seed', async () => {
      const first = await run(7);
      const other = await run(8);
      expect(JSON.stringify(of(other, 'metrics_updated'))).to.not.equal(JSON.stringify(of(first, 'metrics_updated')));
    });

    it('numbers frames from "1" upwards', () => {
      const { clock, backend } = setup();
      const { frames } = record(backend);
      clock.advance(10_000);
      expect(frames.map((frame) => frame.id)).to.deep.equal(frames.map((_, index) => String(index + 1)));
    });
  });

  describe('default scenario', () => {
    it('starts with a project in every status, each with a name and url', () => {
      const { backend } = setup();
      const projects = backend.snapshot().projects;
      expect(new Set(projects.map((project) => project.status))).to.deep.equal(new Set(CONTAINER_STATUSES));
      for (const project of projects) {
        expect(project.name, project.projectId).to.be.a('string');
        expect(project.url).to.equal(`https://${project.projectId}.clouddeploy.app`);
        // Only running projects carry metrics.
        expect(project.metrics !== undefined, project.projectId).to.equal(project.status === 'running');
      }
    });

    it('sends every event type and shows every status within 60 s of connecting', () => {
      const { clock, backend } = setup();
      const { received } = open(backend, clock);
      clock.advance(60_000);

      // `backfill` is the server helper's: what it kept from before a client connected.
      expect(new Set(received.map((message) => message.type))).to.deep.equal(new Set(EVENT_TYPES.filter((type) => type !== 'backfill' && type !== 'rate_limit')));
      const statuses = new Set<string>();
      for (const message of received) {
        const data = JSON.parse(message.data);
        if (message.type === 'snapshot') for (const project of data.projects) statuses.add(project.status);
        if (message.type === 'container_status_changed') statuses.add(data.newStatus);
      }
      expect(statuses).to.deep.equal(new Set(CONTAINER_STATUSES));
    });

    it('sends metrics within 1 s and deployment logs within 2 s of the first subscriber', () => {
      const { clock, backend } = setup();
      const start = clock.now();
      const { frames } = record(backend);
      clock.advance(1000);
      expect(of(frames, 'metrics_updated').map((frame) => payload(frame).projectId)).to.include.members([
        'api-gateway',
        'web-frontend',
      ]);
      clock.advance(1000);
      const logs = of(frames, 'deployment_progress', 'payments-service');
      expect(logs).to.not.be.empty;
      expect(Date.parse(payload(logs[0]).timestamp) - start).to.be.at.most(2000);
    });

    it('runs the in-progress deployment through every step to running, with warnings', () => {
      const { clock, backend } = setup();
      const { frames } = record(backend);
      clock.advance(30_000);
      const logs = of(frames, 'deployment_progress', 'payments-service').map(payload);
      const steps = [...new Set(logs.map((log) => log.step))];
      expect(steps).to.deep.equal([...DEPLOYMENT_STEPS]);
      const progress = logs.map((log) => log.progress);
      expect(progress).to.deep.equal([...progress].sort((a, b) => a - b));
      expect(progress.at(-1)).to.equal(100);
      expect(logs.some((log) => log.level === 'warning')).to.equal(true);
      expect(logs.at(-1).level).to.equal('success');
      for (let i = 1; i < logs.length; i++) {
        const gap = Date.parse(logs[i].timestamp) - Date.parse(logs[i - 1].timestamp);
        expect(gap).to.be.within(400, 900);
      }
      const changes = of(frames, 'container_status_changed', 'payments-service').map(payload);
      expect(changes.map((change) => [change.oldStatus, change.newStatus])).to.deep.equal([['deploying', 'running']]);
      // The status change comes right after the last log line.
      const lastLog = frames.indexOf(of(frames, 'deployment_progress', 'payments-service').at(-1) as MockWireFrame);
      expect(frames[lastLog + 1].event).to.equal('container_status_changed');
    });

    it('shuts the idle project down: status change to inactive, then auto_shutdown', () => {
      const { clock, backend } = setup();
      const { frames } = record(backend);
      clock.advance(29_000);
      expect(of(frames, 'auto_shutdown')).to.be.empty;
      clock.advance(2000);
      const shutdown = of(frames, 'auto_shutdown');
      expect(shutdown.map(payload)).to.deep.equal([
        { projectId: 'web-frontend', reason: 'No requests received in the last 2 minutes', inactiveTime: '2m' },
      ]);
      const before = frames[frames.indexOf(shutdown[0]) - 1];
      expect(payload(before)).to.include({ projectId: 'web-frontend', oldStatus: 'running', newStatus: 'inactive' });
      const count = of(frames, 'metrics_updated', 'web-frontend').length;
      clock.advance(10_000);
      expect(of(frames, 'metrics_updated', 'web-frontend').length, 'no metrics once inactive').to.equal(count);
    });

    it('sends metrics in range: cpu 0–100, memory in MB, growing requests, an uptime string', () => {
      const { clock, backend } = setup();
      const { frames } = record(backend);
      clock.advance(60_000);
      const gateway = of(frames, 'metrics_updated', 'api-gateway').map(payload);
      expect(gateway.length).to.be.within(19, 21);
      for (const metrics of gateway) {
        expect(metrics.cpu).to.be.within(0, 100);
        expect(metrics.memory).to.be.greaterThan(0);
        expect(metrics.uptime).to.match(/^\d+[smhd]( \d+[mh])?$/);
        expect(Number.isNaN(Date.parse(metrics.lastActivity))).to.equal(false);
      }
      const requests = gateway.map((metrics) => metrics.requests);
      expect(requests).to.deep.equal([...requests].sort((a, b) => a - b));
      expect(requests.at(-1)).to.be.greaterThan(requests[0]);
      expect(gateway[0].uptime).to.equal('2h 14m');
      expect(gateway.at(-1).uptime).to.equal('2h 15m');
      // The idle project gets no traffic: its request count stands still.
      const idle = of(frames, 'metrics_updated', 'web-frontend').map((frame) => payload(frame).requests);
      expect(new Set(idle).size).to.equal(1);
    });

    it('sends only frames that validate', async () => {
      const { clock, backend } = setup();
      const { received } = open(backend, clock);
      clock.advance(60_000);
      await call(backend, clock, 'POST', '/containers/docs-site/start');
      await call(backend, clock, 'POST', '/containers/ml-worker/start');
      await call(backend, clock, 'POST', '/containers/legacy-cron/start');
      await call(backend, clock, 'POST', '/containers/api-gateway/stop');
      await call(backend, clock, 'DELETE', '/projects/web-frontend');
      clock.advance(30_000);
      expect(received.length).to.be.greaterThan(100);
      for (const message of received) {
        const result = validateMessage(message.type, message.data);
        expect(result.outcome, `${message.type} ${message.data}`).to.equal('valid');
      }
    });
  });

  describe('REST', () => {
    it('answers after the simulated latency on the clock', async () => {
      const { clock, backend } = setup({ autoplay: false });
      let answered = false;
      const answer = backend.request('GET', '/projects').then((response) => {
        answered = true;
        return response;
      });
      clock.advance(LATENCY - 1);
      await Promise.resolve();
      expect(answered).to.equal(false);
      clock.advance(1);
      const response = await answer;
      expect(response.status).to.equal(200);
      expect(response.statusText).to.equal('OK');
      expect((response.body as unknown[]).length).to.equal(6);
    });

    it('GET /projects/:id describes one project, with the details its alert needs', async () => {
      const { clock, backend } = setup({ autoplay: false });
      const inactive = await call(backend, clock, 'GET', '/projects/legacy-cron');
      expect(inactive.status).to.equal(200);
      expect(inactive.body).to.include({ projectId: 'legacy-cron', status: 'inactive', inactiveTime: '30m' });
      expect((inactive.body as { reason: string }).reason).to.be.a('string').and.not.empty;
      const failed = await call(backend, clock, 'GET', '/projects/ml-worker');
      expect((failed.body as { lastError: string }).lastError).to.be.a('string').and.not.empty;
      const unknown = await call(backend, clock, 'GET', '/projects/nope');
      expect(unknown.status).to.equal(404);
      expect(unknown.statusText).to.equal('Not Found');
      expect((unknown.body as { error: string }).error).to.be.a('string');
    });

    it('start on a stopped project: deploying, step logs, then running with metrics', async () => {
      const { clock, backend } = setup();
      const { frames } = record(backend);
      const response = await call(backend, clock, 'POST', '/containers/docs-site/start');
      expect(response.status).to.equal(200);
      expect(response.body).to.deep.include({ ok: true });
      expect((response.body as { project: { status: string } }).project.status).to.equal('deploying');
      const changes = () => of(frames, 'container_status_changed', 'docs-site').map(payload);
      expect(changes().map((change) => [change.oldStatus, change.newStatus])).to.deep.equal([['stopped', 'deploying']]);

      clock.advance(20_000);
      const logs = of(frames, 'deployment_progress', 'docs-site').map(payload);
      expect([...new Set(logs.map((log) => log.step))]).to.deep.equal([...DEPLOYMENT_STEPS]);
      expect(logs.at(-1)).to.include({ level: 'success', progress: 100 });
      expect(changes().map((change) => change.newStatus)).to.deep.equal(['deploying', 'running']);
      const details = await call(backend, clock, 'GET', '/projects/docs-site');
      expect(details.body).to.include({ status: 'running' });
      expect((details.body as { metrics?: unknown }).metrics).to.be.an('object');
    });

    it('start on an inactive or failed project redeploys it (Reactivate and Retry)', async () => {
      const { clock, backend } = setup();
      const { frames } = record(backend);
      expect((await call(backend, clock, 'POST', '/containers/legacy-cron/start')).status).to.equal(200);
      // ml-worker fails its first retry, as the scenario says, and deploys on the second.
      expect((await call(backend, clock, 'POST', '/containers/ml-worker/start')).status).to.equal(200);
      clock.advance(20_000);
      expect(backend.snapshot().projects.find((project) => project.projectId === 'legacy-cron')?.status).to.equal('running');
      expect(backend.snapshot().projects.find((project) => project.projectId === 'ml-worker')?.status).to.equal('error');
      expect(of(frames, 'deployment_progress', 'ml-worker').map(payload).at(-1).level).to.equal('error');
      expect((await call(backend, clock, 'POST', '/containers/ml-worker/start')).status).to.equal(200);
      clock.advance(20_000);
      expect(backend.snapshot().projects.find((project) => project.projectId === 'ml-worker')?.status).to.equal('running');
    });

    it('a project with failDeploy ends its deployment with an error log and deploying → error', async () => {
      const { clock, backend } = setup({ projects: [{ projectId: 'broken', status: 'stopped', failDeploy: true }] });
      const { frames } = record(backend);
      await call(backend, clock, 'POST', '/containers/broken/start');
      clock.advance(20_000);
      const logs = of(frames, 'deployment_progress', 'broken').map(payload);
      const last = logs.at(-1);
      expect(last.level).to.equal('error');
      expect(last.progress).to.be.below(100);
      const changes = of(frames, 'container_status_changed', 'broken').map(payload);
      expect(changes.at(-1)).to.include({ oldStatus: 'deploying', newStatus: 'error' });
      const details = await call(backend, clock, 'GET', '/projects/broken');
      expect(details.body).to.include({ status: 'error', lastError: last.message });
    });

    it('start on a running or deploying project is a 409', async () => {
      const { clock, backend } = setup({ autoplay: false });
      for (const id of ['api-gateway', 'payments-service']) {
        const response = await call(backend, clock, 'POST', `/containers/${id}/start`);
        expect(response.status, id).to.equal(409);
        expect(response.statusText).to.equal('Conflict');
        expect((response.body as { error: string }).error).to.match(/already/);
      }
    });

    it('stop: "Stopping container…", running → stopped, and a 409 the second time', async () => {
      const { clock, backend } = setup();
      const { frames } = record(backend);
      clock.advance(1000);
      const response = await call(backend, clock, 'POST', '/containers/api-gateway/stop');
      expect(response.status).to.equal(200);
      expect(response.body).to.deep.include({ ok: true });
      expect(of(frames, 'deployment_progress', 'api-gateway').map((frame) => payload(frame).message)).to.include(
        'Stopping container…',
      );
      expect(of(frames, 'container_status_changed', 'api-gateway').map(payload)).to.have.length(1);
      expect(payload(of(frames, 'container_status_changed', 'api-gateway')[0])).to.include({
        oldStatus: 'running',
        newStatus: 'stopped',
      });
      const metricsBefore = of(frames, 'metrics_updated', 'api-gateway').length;
      clock.advance(10_000);
      expect(of(frames, 'metrics_updated', 'api-gateway').length).to.equal(metricsBefore);
      expect((await call(backend, clock, 'POST', '/containers/api-gateway/stop')).status).to.equal(409);
    });

    it('stop during a deployment cancels the rest of it', async () => {
      const { clock, backend } = setup();
      const { frames } = record(backend);
      clock.advance(2000);
      await call(backend, clock, 'POST', '/containers/payments-service/stop');
      const count = of(frames, 'deployment_progress', 'payments-service').length;
      clock.advance(20_000);
      expect(of(frames, 'deployment_progress', 'payments-service').length).to.equal(count);
      expect(of(frames, 'container_status_changed', 'payments-service').map((frame) => payload(frame).newStatus)).to.deep.equal([
        'stopped',
      ]);
    });

    it('delete removes the project and sends a snapshot without it', async () => {
      const { clock, backend } = setup({ autoplay: false });
      const { frames } = record(backend);
      const response = await call(backend, clock, 'DELETE', '/projects/docs-site');
      expect(response.status).to.equal(200);
      expect(response.body).to.deep.include({ ok: true });
      expect(frames).to.have.length(1);
      expect(frames[0].event).to.equal('snapshot');
      const ids = payload(frames[0]).projects.map((project: { projectId: string }) => project.projectId);
      expect(ids).to.have.length(5);
      expect(ids).to.not.include('docs-site');
      expect((await call(backend, clock, 'GET', '/projects/docs-site')).status).to.equal(404);
      expect((await call(backend, clock, 'DELETE', '/projects/docs-site')).status).to.equal(404);
      expect((await call(backend, clock, 'POST', '/containers/docs-site/start')).status).to.equal(404);
    });

    it('answers 404 to anything else', async () => {
      const { clock, backend } = setup({ autoplay: false });
      for (const [method, path] of [
        ['GET', '/nope'],
        ['PATCH', '/projects/api-gateway'],
        ['POST', '/containers/api-gateway/explode'],
        ['GET', '/containers/api-gateway/start'],
        ['POST', '/containers/nope/start'],
      ]) {
        const response = await call(backend, clock, method, path);
        expect(response.status, `${method} ${path}`).to.equal(404);
        expect((response.body as { error: string }).error).to.be.a('string');
      }
    });
  });

  describe('scripting', () => {
    it('emit sends a frame with a fresh id and applies it to the state', () => {
      const { backend } = setup({ autoplay: false });
      const { frames } = record(backend);
      const frame = backend.emit('container_status_changed', {
        projectId: 'docs-site',
        oldStatus: 'stopped',
        newStatus: 'running',
        timestamp: '2026-01-01T12:00:00.000Z',
      });
      expect(frame.id).to.equal('1');
      expect(frames).to.deep.equal([frame]);
      const docs = backend.snapshot().projects.find((project) => project.projectId === 'docs-site');
      expect(docs?.status).to.equal('running');
      backend.emit('auto_shutdown', { projectId: 'docs-site', reason: 'Quiet', inactiveTime: '5m' });
      expect(backend.snapshot().projects.find((project) => project.projectId === 'docs-site')?.status).to.equal('inactive');
      // A project first heard of in a frame joins the state.
      backend.emit('container_status_changed', { projectId: 'newcomer', newStatus: 'deploying', timestamp: '2026-01-01T12:00:00.000Z' });
      expect(backend.snapshot().projects.at(-1)).to.deep.equal({ projectId: 'newcomer', status: 'deploying' });
    });

    it('emit of invalid data sends it all the same and changes nothing', () => {
      const { backend } = setup({ autoplay: false });
      const { frames } = record(backend);
      const before = JSON.stringify(backend.snapshot());
      backend.emit('container_status_changed', { projectId: 'docs-site', newStatus: 'exploded' });
      expect(frames).to.have.length(1);
      expect(validateMessage('container_status_changed', frames[0].data).outcome).to.equal('rejected');
      expect(JSON.stringify(backend.snapshot())).to.equal(before);
    });

    it('autoplay: false runs no timers of its own', () => {
      const { clock, backend } = setup({ autoplay: false });
      const { frames, stop } = record(backend);
      expect(clock.pending).to.equal(0);
      clock.advance(120_000);
      expect(frames).to.be.empty;
      stop();
    });
  });

  describe('timers', () => {
    it('run only while someone listens, and the state waits meanwhile', () => {
      const { clock, backend } = setup();
      expect(clock.pending, 'before any subscriber').to.equal(0);
      const first = record(backend);
      const second = record(backend);
      clock.advance(5000);
      first.stop();
      expect(clock.pending).to.be.greaterThan(0);
      const count = second.frames.length;
      clock.advance(5000);
      expect(second.frames.length).to.be.greaterThan(count);
      second.stop();
      expect(clock.pending).to.equal(0);

      const paused = JSON.stringify(backend.snapshot().projects.map((project) => [project.projectId, project.status]));
      clock.advance(120_000);
      expect(JSON.stringify(backend.snapshot().projects.map((project) => [project.projectId, project.status]))).to.equal(paused);

      // The idle countdown resumed where it stopped: web-frontend had 20 s left.
      const third = record(backend);
      clock.advance(19_000);
      expect(of(third.frames, 'auto_shutdown')).to.be.empty;
      clock.advance(1500);
      expect(of(third.frames, 'auto_shutdown')).to.have.length(1);
      third.stop();
      expect(clock.pending).to.equal(0);
    });
  });

  describe('save and restore', () => {
    /** The state as it comes back out of storage. */
    const stored = (backend: MockBackend): MockBackendState => JSON.parse(JSON.stringify(backend.save()));
    /** A backend continuing `state` on a clock of its own that starts `later` ms after it was saved. */
    function restore(state: unknown, later = 0, options: MockBackendOptions = {}) {
      const clock = new ManualClock((state as MockBackendState).time + later);
      return { clock, backend: new MockBackend({ clock, state, ...options }) };
    }
    const statuses = (backend: MockBackend) => backend.snapshot().projects.map((project) => [project.projectId, project.status]);

    /** Runs the default scenario with a deployment, an idle countdown and a metrics round all under way. */
    async function midRun() {
      const { clock, backend } = setup();
      const recording = record(backend);
      for (let i = 0; i < 16; i++) clock.advance(250);
      await call(backend, clock, 'POST', '/containers/docs-site/start');
      clock.advance(1100);
      return { clock, backend, ...recording };
    }

    /** What happens next: time, then two actions, then more time. */
    async function carryOn(backend: MockBackend, clock: ManualClock) {
      clock.advance(10_000);
      await call(backend, clock, 'POST', '/containers/api-gateway/stop');
      await call(backend, clock, 'POST', '/containers/legacy-cron/start');
      for (let i = 0; i < 240; i++) clock.advance(250);
    }

    it('continues exactly where the original would have gone: same frames, same ids, same times', async () => {
      const original = await midRun();
      const state = stored(original.backend);
      const saved = original.frames.length;
      await carryOn(original.backend, original.clock);
      const expected = original.frames.slice(saved);

      const copy = restore(state);
      const { frames } = record(copy.backend);
      await carryOn(copy.backend, copy.clock);
      expect(JSON.stringify(frames)).to.equal(JSON.stringify(expected));

      // Everything the save caught in flight went on: the deployment, the idle countdown, the metrics.
      expect(frames[0].id).to.equal(String(Number(original.frames[saved - 1].id) + 1));
      const docs = of(frames, 'deployment_progress', 'docs-site').map(payload);
      expect(docs.length).to.be.greaterThan(5);
      expect(docs[0].progress).to.be.greaterThan(0);
      expect(of(frames, 'container_status_changed', 'docs-site').map(payload).map((change) => change.newStatus)).to.deep.equal(['running']);
      expect(of(frames, 'auto_shutdown', 'web-frontend')).to.have.length(1);
      expect(of(frames, 'metrics_updated').length).to.be.greaterThan(20);
    });

    it('continues exactly from a simulation saved while no one listened', async () => {
      const original = await midRun();
      original.stop();
      original.clock.advance(5000);
      const state = stored(original.backend);
      expect(state.metricsIn).to.equal(undefined);
      const expected = record(original.backend);
      await carryOn(original.backend, original.clock);
      const copy = restore(state);
      const { frames } = record(copy.backend);
      await carryOn(copy.backend, copy.clock);
      expect(frames.length).to.be.greaterThan(50);
      expect(JSON.stringify(frames)).to.equal(JSON.stringify(expected.frames));
    });

    it('carries the projects, statuses, details and deployment progress', async () => {
      const original = await midRun();
      const state = stored(original.backend);
      const copy = restore(state);
      expect(copy.backend.snapshot()).to.deep.equal(original.backend.snapshot());
      const details = await call(original.backend, original.clock, 'GET', '/projects');
      const copied = await call(copy.backend, copy.clock, 'GET', '/projects');
      expect(copied).to.deep.equal(details);
      const docs = (details.body as MockProject[]).find((project) => project.projectId === 'docs-site');
      expect(docs).to.include({ status: 'deploying', step: 'Cloning repository' });
      expect(docs?.progress).to.be.greaterThan(0);
      // An action on the copy is the next step of the same run.
      const answer = await call(copy.backend, copy.clock, 'POST', '/containers/docs-site/start');
      expect(answer.status).to.equal(409);
    });

    it('is JSON as it is, and saving a restored simulation gives the same state back', async () => {
      const { backend } = await midRun();
      const state = backend.save();
      expect(JSON.parse(JSON.stringify(state))).to.deep.equal(state);
      expect(restore(state).backend.save()).to.deep.equal(state);
      // A project that fails every deployment keeps doing so.
      const always = new MockBackend({ clock: new ManualClock(), projects: [{ projectId: 'flaky', status: 'stopped', failDeploy: true }] });
      expect(restore(stored(always)).backend.save().projects[0].failDeploy).to.equal(true);
    });

    it('on a later clock: uptimes count the time between, countdowns resume with what they had left', async () => {
      const original = await midRun();
      const state = stored(original.backend);
      original.stop();
      const uptime = (backend: MockBackend) => backend.snapshot().projects.find((project) => project.projectId === 'api-gateway')?.metrics?.uptime;
      expect(uptime(original.backend)).to.equal('2h 14m');

      const copy = restore(state, 60 * 60_000);
      expect(uptime(copy.backend)).to.equal('3h 14m');
      expect(statuses(copy.backend)).to.deep.equal(statuses(original.backend));
      // web-frontend had 30 s of its countdown left, minus the run so far.
      const left = 30_000 - (state.time - Date.UTC(2026, 0, 1, 12, 0, 0));
      const { frames } = record(copy.backend);
      copy.clock.advance(left - 100);
      expect(of(frames, 'auto_shutdown')).to.be.empty;
      copy.clock.advance(200);
      expect(of(frames, 'auto_shutdown', 'web-frontend')).to.have.length(1);
    });

    it('on a clock behind the saved time, takes the saved times back with it', async () => {
      const { backend } = await midRun();
      const day = 24 * 60 * 60_000;
      const copy = restore(stored(backend), -day);
      const metrics = (from: MockBackend) => from.snapshot().projects.flatMap((project) => (project.metrics ? [project.metrics] : []));
      expect(metrics(copy.backend).map((sample) => sample.uptime)).to.deep.equal(metrics(backend).map((sample) => sample.uptime));
      expect(metrics(copy.backend).map((sample) => Date.parse(sample.lastActivity as string) + day)).to.deep.equal(
        metrics(backend).map((sample) => Date.parse(sample.lastActivity as string)),
      );
    });

    it('a state saved between a deployment’s last line and its outcome restores with the outcome', () => {
      const { clock, backend } = setup();
      let state: MockBackendState | undefined;
      const stop = backend.subscribe((frame) => {
        if (frame.event === 'deployment_progress' && payload(frame).message.startsWith('Deployment complete')) state ??= stored(backend);
      });
      clock.advance(30_000);
      stop();
      expect(state?.projects.find((project) => project.projectId === 'payments-service')?.status).to.equal('deploying');

      const copy = restore(state);
      expect(copy.backend.snapshot().projects.find((project) => project.projectId === 'payments-service')?.status).to.equal('running');
      const { frames } = record(copy.backend);
      copy.clock.advance(10_000);
      expect(of(frames, 'deployment_progress', 'payments-service')).to.be.empty;
      expect(of(frames, 'metrics_updated', 'payments-service')).to.not.be.empty;
    });

    it('draws on from the same random numbers after a million of them, and stays quick to restore', () => {
      const { backend } = setup();
      const far: MockBackendState = { ...stored(backend), draws: 999_990 };
      const first = restore(far);
      const { frames } = record(first.backend);
      first.clock.advance(20_000);
      const crossed = stored(first.backend);
      expect(crossed.draws, 'the run crossed a million draws').to.be.above(1_000_000);
      first.clock.advance(20_000);
      const expected = frames.slice(frames.findIndex((frame) => Number(frame.id) > crossed.lastId));

      const second = restore(crossed);
      const again = record(second.backend);
      second.clock.advance(20_000);
      expect(expected.length).to.be.greaterThan(10);
      expect(JSON.stringify(again.frames)).to.equal(JSON.stringify(expected));

      // A run of billions of numbers restores without replaying them.
      const started = performance.now();
      const long = restore({ ...stored(backend), draws: 5_000_000_123 });
      expect(performance.now() - started).to.be.below(200);
      expect(long.backend.save().draws).to.equal(5_000_000_123);
    });

    it('a client resuming from an id it missed frames after gets a snapshot; from the last one, nothing', () => {
      const { clock, backend } = setup();
      const first = open(backend, clock);
      clock.advance(5000);
      const lastEventId = first.received.at(-1)?.lastEventId;
      first.source.close();
      const current = open(backend, clock);
      clock.advance(3000);
      current.source.close();
      const copy = restore(stored(backend));
      const behind = open(copy.backend, copy.clock, `/events?lastEventId=${lastEventId}`);
      const upToDate = open(copy.backend, copy.clock, `/events?lastEventId=${current.received.at(-1)?.lastEventId}`);
      copy.clock.advance(0);
      expect(behind.received.map((message) => message.type)).to.deep.equal(['snapshot']);
      expect(JSON.parse(behind.received[0].data)).to.deep.equal(backend.snapshot());
      expect(upToDate.received).to.deep.equal([]);
      behind.source.close();
      upToDate.source.close();
    });

    it('refuses anything that is not a saved state, with a TypeError that names the field', () => {
      const { backend } = setup();
      const good = stored(backend);
      const project = good.projects[0];
      const line = { step: 'Cloning repository', level: 'info', message: 'Cloning', progress: 10 };
      const bad: [unknown, RegExp][] = [
        [null, /state is not an object/],
        ['{"version":1}', /state is not an object/],
        [[good], /state is not an object/],
        [{}, /state\.version is missing, not 1/],
        [{ ...good, version: 2 }, /state\.version is 2, not 1/],
        [{ ...good, projects: 'all' }, /state\.projects is not an array/],
        [{ ...good, time: '2026-01-01' }, /state\.time is not a finite number/],
        [{ ...good, seed: -1 }, /state\.seed is out of range/],
        [{ ...good, draws: 1.5 }, /state\.draws is not an integer/],
        [{ ...good, lastId: -3 }, /state\.lastId is out of range/],
        [{ ...good, metricsIn: -1 }, /state\.metricsIn is out of range/],
        [{ ...good, projects: [null] }, /state\.projects\[0\] is not an object/],
        [{ ...good, projects: [{ ...project, status: 'exploded' }] }, /state\.projects\[0\]\.status is not a status: "exploded"/],
        [{ ...good, projects: [{ ...project, projectId: '' }] }, /state\.projects\[0\]\.projectId is empty/],
        [{ ...good, projects: [project, project] }, /state\.projects lists "api-gateway" twice/],
        [{ ...good, projects: [{ ...project, idle: 'no' }] }, /state\.projects\[0\]\.idle is not a boolean/],
        [{ ...good, projects: [{ ...project, failDeploy: 'always' }] }, /state\.projects\[0\]\.failDeploy is not a finite number/],
        [{ ...good, projects: [{ ...project, memory: -1 }] }, /state\.projects\[0\]\.memory is out of range/],
        [{ ...good, projects: [{ ...project, name: 42 }] }, /state\.projects\[0\]\.name is not a string/],
        [{ ...good, projects: [{ ...project, progress: 101 }] }, /state\.projects\[0\]\.progress is out of range/],
        [{ ...good, projects: [{ ...project, cursor: 1 }] }, /state\.projects\[0\]\.cursor is out of range \(0 to 0\)/],
        [{ ...good, projects: [{ ...project, plan: [{ ...line, level: 'fatal' }] }] }, /state\.projects\[0\]\.plan\[0\]\.level is not a log level: "fatal"/],
        [{ ...good, projects: [{ ...project, plan: [{ ...line, message: undefined }] }] }, /state\.projects\[0\]\.plan\[0\]\.message is not a string/],
      ];
      for (const [state, message] of bad) {
        const attempt = () => new MockBackend({ clock: new ManualClock(), state });
        expect(attempt, JSON.stringify(state)?.slice(0, 80)).to.throw(TypeError, message);
      }
      // The fields it does not know are left behind; the rest is taken.
      const extended = restore({ ...good, extra: true, projects: good.projects.map((item) => ({ ...item, extra: [1] })) });
      expect(extended.backend.save()).to.deep.equal(good);
    });
  });
});

describe('MockEventSource', () => {
  it('has the EventSource interface', () => {
    const { backend } = setup({ autoplay: false });
    const source = new MockEventSource('/api/containers/events', { withCredentials: true }, backend);
    const asEventSource: EventSource = source;
    expect([MockEventSource.CONNECTING, MockEventSource.OPEN, MockEventSource.CLOSED]).to.deep.equal([0, 1, 2]);
    expect([source.CONNECTING, source.OPEN, source.CLOSED]).to.deep.equal([0, 1, 2]);
    expect(asEventSource.url).to.equal(new URL('/api/containers/events', location.href).href);
    expect(source.withCredentials).to.equal(true);
    expect(source.readyState).to.equal(MockEventSource.CONNECTING);
    source.close();
    expect(source.readyState).to.equal(MockEventSource.CLOSED);
  });

  it('uses the shared default backend when given none', () => {
    const source = new MockEventSource('/events');
    expect(source.backend).to.equal(getDefaultMockBackend());
    expect(getDefaultMockBackend()).to.equal(getDefaultMockBackend());
    source.close();
    expect(source.backend.connections).to.equal(0);
  });

  it('opens asynchronously, then sends a snapshot first, then live frames', () => {
    const { clock, backend } = setup();
    const { source, received, log } = open(backend, clock);
    expect(log).to.deep.equal([]);
    clock.advance(0);
    expect(log).to.deep.equal(['open']);
    expect(source.readyState).to.equal(MockEventSource.OPEN);
    expect(backend.connections).to.equal(1);
    expect(received.map((message) => message.type)).to.deep.equal(['snapshot']);
    expect(JSON.parse(received[0].data)).to.deep.equal(backend.snapshot());
    clock.advance(1000);
    expect(received.length).to.be.greaterThan(1);
    source.close();
  });

  it('calls onopen, onmessage and onerror alongside addEventListener, in registration order', () => {
    const { clock, backend } = setup({ autoplay: false });
    const source = new MockEventSource('/events', undefined, backend);
    const calls: string[] = [];
    source.addEventListener('message', () => calls.push('listener 1'));
    source.onmessage = function (event) {
      expect(this).to.equal(source);
      calls.push(`handler ${event.data}`);
    };
    source.addEventListener('message', () => calls.push('listener 2'));
    source.onopen = () => calls.push('open');
    source.onerror = () => calls.push('error');
    clock.advance(0);
    backend.emitRaw({ data: 'a' });
    // Replacing the handler keeps its place among the listeners.
    source.onmessage = () => calls.push('handler b');
    backend.emitRaw({ data: 'b' });
    source.onmessage = null;
    backend.emitRaw({ data: 'c' });
    backend.dropAll();
    expect(calls).to.deep.equal([
      'open',
      'listener 1',
      'handler a',
      'listener 2',
      'listener 1',
      'handler b',
      'listener 2',
      'listener 1',
      'listener 2',
      'error',
    ]);
    expect(source.onmessage).to.equal(null);
  });

  it('hands every message to an attached sink first, and builds events only for the types listened to', () => {
    const { clock, backend } = setup({ autoplay: false });
    const source = new MockEventSource('/events', undefined, backend);
    const order: string[] = [];
    source.attachSink((type, data, lastEventId, hasId) => order.push(`sink ${type} ${data} ${lastEventId} ${hasId}`));
    source.onmessage = (event) => order.push(`onmessage ${event.data}`);
    clock.advance(0);
    order.length = 0;
    backend.emitRaw({ data: 'a', id: '5' });
    backend.emitRaw({ event: 'custom', data: 'b', id: null });
    source.addEventListener('custom', (event) => order.push(`custom ${(event as MessageEvent).data} ${(event as MessageEvent).lastEventId}`));
    backend.emitRaw({ event: 'custom', data: 'c', id: null });
    expect(order).to.deep.equal([
      'sink message a 5 true',
      'onmessage a',
      'sink custom b 5 false',
      'sink custom c 5 false',
      'custom c 5',
    ]);
    source.close();
  });

  it('keeps the last event id on messages that carry none, and moves it on an id-only block', () => {
    const { clock, backend } = setup({ autoplay: false });
    const { source, received } = open(backend, clock, '/events', ['custom']);
    clock.advance(0);
    const snapshot = JSON.stringify(backend.snapshot());
    const first = backend.emit('metrics_updated', { projectId: 'api-gateway', cpu: 1, memory: 2, requests: 3, uptime: '1m' });
    backend.emitRaw({ event: 'custom', data: 'not json', id: null });
    backend.emitRaw({ data: '', id: '77' });
    backend.emitRaw({ data: '{"event":"x"}', id: null });
    expect(received.map((message) => [message.type, message.lastEventId, message.data])).to.deep.equal([
      ['snapshot', '1', snapshot],
      ['metrics_updated', first.id, first.data],
      ['custom', first.id, 'not json'],
      ['message', '77', '{"event":"x"}'],
    ]);
    source.close();
  });

  it('resumes from ?lastEventId= with exactly the missing frames', () => {
    const { clock, backend } = setup({ autoplay: false });
    const first = open(backend, clock);
    clock.advance(0);
    const seen = [1, 2, 3].map((n) => backend.emit('deployment_progress', { projectId: 'docs-site', message: `line ${n}`, level: 'info' }));
    const lastSeen = first.received.at(-1) as Received;
    expect(lastSeen.lastEventId).to.equal(seen[2].id);
    first.source.close();

    const missed = [4, 5, 6].map((n) => backend.emit('deployment_progress', { projectId: 'docs-site', message: `line ${n}`, level: 'info' }));
    const second = open(backend, clock, `/events?lastEventId=${lastSeen.lastEventId}`);
    clock.advance(0);
    expect(second.received.map((message) => [message.type, message.lastEventId, message.data])).to.deep.equal(
      missed.map((frame) => [frame.event, frame.id, frame.data]),
    );
    const live = backend.emit('deployment_progress', { projectId: 'docs-site', message: 'line 7', level: 'info' });
    expect(second.received.at(-1)?.lastEventId).to.equal(live.id);
    second.source.close();
  });

  it('sends a snapshot first when the id is older than the replay buffer', () => {
    const { clock, backend } = setup({ autoplay: false, replayLimit: 3 });
    const frames = [1, 2, 3, 4, 5, 6].map((n) => backend.emit('deployment_progress', { projectId: 'docs-site', message: `line ${n}`, level: 'info' }));
    expect(backend.framesSince(frames[1].id)).to.equal(null);
    expect(backend.framesSince(frames[2].id)).to.deep.equal(frames.slice(3));
    expect(backend.framesSince(frames[5].id)).to.deep.equal([]);
    expect(backend.framesSince('999')).to.equal(null);
    expect(backend.framesSince('abc')).to.equal(null);
    expect(backend.framesSince(null)).to.equal(null);

    const { source, received } = open(backend, clock, `/events?lastEventId=${frames[0].id}`);
    clock.advance(0);
    expect(received.map((message) => message.type)).to.deep.equal(['snapshot']);
    expect(Number(received[0].lastEventId)).to.be.greaterThan(Number(frames[5].id));
    source.close();
  });

  it('failConnections: refused connections fail without opening, then the next one opens', () => {
    const { clock, backend } = setup({ autoplay: false });
    backend.failConnections(2);
    const attempts = [open(backend, clock), open(backend, clock), open(backend, clock)];
    clock.advance(0);
    expect(attempts.map((attempt) => attempt.log)).to.deep.equal([['error'], ['error'], ['open']]);
    expect(attempts.map((attempt) => attempt.source.readyState)).to.deep.equal([2, 2, 1]);
    expect(attempts[0].received).to.be.empty;
    expect(backend.connections).to.equal(1);
    attempts[2].source.close();
    expect(backend.connections).to.equal(0);
  });

  it("failConnections 'drop': opens, then drops at once", () => {
    const { clock, backend } = setup({ autoplay: false });
    backend.failConnections(1, 'drop');
    const { source, log } = open(backend, clock);
    clock.advance(0);
    expect(log).to.deep.equal(['open', 'error']);
    expect(source.readyState).to.equal(MockEventSource.CLOSED);
    expect(backend.connections).to.equal(0);
  });

  it('dropAll: every open source fires error, goes CLOSED and hears nothing more', () => {
    const { clock, backend } = setup({ autoplay: false });
    const sources = [open(backend, clock), open(backend, clock)];
    clock.advance(0);
    expect(backend.connections).to.equal(2);
    backend.dropAll();
    expect(backend.connections).to.equal(0);
    for (const { source, log, received } of sources) {
      expect(log).to.deep.equal(['open', 'error']);
      expect(source.readyState).to.equal(MockEventSource.CLOSED);
      const count = received.length;
      backend.emitRaw({ data: '{}' });
      clock.advance(10_000);
      expect(received.length).to.equal(count);
    }
  });

  it('leaves no timer behind once the last source closed', () => {
    const { clock, backend } = setup();
    const sources = [open(backend, clock), open(backend, clock)];
    clock.advance(5000);
    expect(backend.connections).to.equal(2);
    sources[0].source.close();
    expect(clock.pending).to.be.greaterThan(0);
    sources[1].source.close();
    expect(backend.connections).to.equal(0);
    expect(clock.pending).to.equal(0);

    // Closed before it opened: it never opens, and its opening timer is gone too.
    const early = open(backend, clock);
    expect(clock.pending).to.equal(1);
    early.source.close();
    expect(clock.pending).to.equal(0);
    clock.advance(1000);
    expect(early.log).to.deep.equal([]);
  });

  it('close() inside the open handler leaves no connection behind', () => {
    const { clock, backend } = setup();
    const source = new MockEventSource('/events', undefined, backend);
    let messages = 0;
    source.onopen = () => source.close();
    source.addEventListener('snapshot', () => messages++);
    clock.advance(0);
    expect(backend.connections).to.equal(0);
    expect(clock.pending).to.equal(0);
    expect(messages).to.equal(0);
  });
});
