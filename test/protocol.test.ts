import { expect } from '@open-wc/testing';
import { MAX_STRING_LENGTH, resetAt, validateEvent, validateMessage, validateProjectList, type ValidationResult } from '../src/core/protocol.js';
import './helpers.js';

const NOW = Date.UTC(2026, 0, 1);

const valid = {
  container_status_changed: { projectId: 'web', oldStatus: 'stopped', newStatus: 'deploying', timestamp: '2026-01-01T00:00:00.000Z' },
  metrics_updated: { projectId: 'web', cpu: 42.5, memory: 512, requests: 1200, uptime: '2h 15m', lastActivity: '2026-01-01T00:00:00.000Z' },
  deployment_progress: { projectId: 'web', message: 'Building image', level: 'info', timestamp: '2026-01-01T00:00:00.000Z', step: 'build', progress: 40 },
  auto_shutdown: { projectId: 'web', reason: 'No traffic for 30 minutes', inactiveTime: '30m' },
  snapshot: { projects: [{ projectId: 'web', name: 'Web', status: 'running', url: 'https://web.example', metrics: { cpu: 1, memory: 2, requests: 3 } }] },
  backfill: {
    projectId: 'web',
    metrics: [{ time: NOW - 60_000, cpu: 12, memory: 256, requests: 10, uptime: '1m' }],
    deployments: [
      {
        id: '7',
        startedAt: '2026-01-01T00:00:00.000Z',
        endedAt: '2026-01-01T00:01:00.000Z',
        outcome: 'failed',
        dropped: 2,
        lines: [{ id: '8', message: 'Build failed', level: 'error', timestamp: '2026-01-01T00:00:30.000Z', step: 'build', progress: 40 }],
      },
    ],
  },
  rate_limit: { projectId: 'web', limit: 10, remaining: 3, reset: 7 },
} as const;

function reasonOf(result: ValidationResult): string {
  expect(result.outcome, JSON.stringify(result)).to.equal('rejected');
  return result.outcome === 'rejected' ? result.reason : '';
}

describe('protocol validation', () => {
  it('reads a backfill: its points, deployments and lines, with the same rules as live messages', () => {
    const result = validateEvent('backfill', { ...valid.backfill, metrics: [{ time: 1, cpu: 140, memory: 1, requests: 0 }] }, NOW);
    expect(result.outcome).to.equal('valid');
    if (result.outcome !== 'valid' || result.event.type !== 'backfill') return;
    // cpu is clamped as in metrics_updated; a line without a timestamp takes the time of receipt.
    expect(result.event.data.metrics[0].cpu).to.equal(100);
    expect(result.event.data.deployments[0]).to.deep.include({ id: '7', outcome: 'failed', dropped: 2 });
    expect(result.event.data.deployments[0].lines[0]).to.deep.equal(valid.backfill.deployments[0].lines[0]);
    const bare = validateEvent('backfill', { projectId: 'web', deployments: [{ startedAt: 'x', lines: [{ message: 'm', level: 'info' }] }] }, NOW);
    expect(bare.outcome).to.equal('valid');
    if (bare.outcome === 'valid' && bare.event.type === 'backfill') {
      expect(bare.event.data.metrics).to.deep.equal([]);
      expect(bare.event.data.deployments[0].lines[0].timestamp).to.equal(new Date(NOW).toISOString());
    }
  });

  it('rejects a backfill with a bad part, naming where', () => {
    const line = { message: 'm', level: 'info' };
    expect(reasonOf(validateEvent('backfill', { projectId: 'web', metrics: {} }))).to.equal('field "metrics" must be an array');
    expect(reasonOf(validateEvent('backfill', { projectId: 'web', metrics: [{ time: 1, cpu: 1, memory: -1, requests: 0 }] }))).to.equal(
      'metrics[0]: field "memory" must not be negative',
    );
    expect(reasonOf(validateEvent('backfill', { projectId: 'web', metrics: [{ cpu: 1, memory: 1, requests: 0 }] }))).to.equal('metrics[0]: missing field "time"');
    expect(reasonOf(validateEvent('backfill', { projectId: 'web', deployments: [{ startedAt: 'x', lines: [line, { ...line, level: 'loud' }] }] }))).to.equal(
      'deployments[0]: lines[1]: field "level" has unknown value "loud"',
    );
    expect(reasonOf(validateEvent('backfill', { projectId: 'web', deployments: [{ startedAt: 'x', outcome: 'maybe' }] }))).to.equal(
      'deployments[0]: field "outcome" has unknown value "maybe"',
    );
    expect(reasonOf(validateEvent('backfill', { projectId: 'web', deployments: ['x'] }))).to.equal('deployments[0]: must be an object');
    expect(reasonOf(validateEvent('backfill', { metrics: [] }))).to.equal('missing field "projectId"');
  });

  for (const [type, data] of Object.entries(valid)) {
    it(`accepts a valid ${type} as a named event and in both envelope forms`, () => {
      const named = validateMessage(type, JSON.stringify(data), NOW);
      expect(named.outcome).to.equal('valid');
      const envelope = validateMessage('message', JSON.stringify({ event: type, data }), NOW);
      expect(envelope).to.deep.equal(named);
      const typed = validateMessage('message', JSON.stringify({ type, data }), NOW);
      expect(typed).to.deep.equal(named);
      if (named.outcome === 'valid') expect(named.event.type).to.equal(type);
    });
  }

  const invalid: [string, string, Record<string, unknown>, RegExp][] = [
    ['container_status_changed', 'missing projectId', { newStatus: 'running' }, /missing field "projectId"/],
    ['container_status_changed', 'unknown status', { projectId: 'a', newStatus: 'exploded' }, /unknown value "exploded"/],
    ['container_status_changed', 'unknown old status', { projectId: 'a', oldStatus: 'x', newStatus: 'running' }, /oldStatus/],
    ['container_status_changed', 'empty project id', { projectId: '', newStatus: 'running' }, /1–256/],
    ['container_status_changed', 'project id too long', { projectId: 'x'.repeat(257), newStatus: 'running' }, /1–256/],
    ['metrics_updated', 'missing cpu', { projectId: 'a', memory: 1, requests: 1, uptime: '1m' }, /missing field "cpu"/],
    ['metrics_updated', 'cpu as a string', { projectId: 'a', cpu: '5', memory: 1, requests: 1, uptime: '1m' }, /"cpu" must be a number/],
    ['metrics_updated', 'negative memory', { projectId: 'a', cpu: 5, memory: -1, requests: 1, uptime: '1m' }, /"memory" must not be negative/],
    ['metrics_updated', 'negative requests', { projectId: 'a', cpu: 5, memory: 1, requests: -3, uptime: '1m' }, /"requests" must not be negative/],
    ['deployment_progress', 'unknown level', { projectId: 'a', message: 'm', level: 'fatal' }, /unknown value "fatal"/],
    ['deployment_progress', 'missing message', { projectId: 'a', level: 'info' }, /missing field "message"/],
    ['deployment_progress', 'step as a number', { projectId: 'a', message: 'm', level: 'info', step: 3 }, /"step" must be a string/],
    ['deployment_progress', 'oversized message', { projectId: 'a', message: 'x'.repeat(MAX_STRING_LENGTH + 1), level: 'info' }, /longer than/],
    ['auto_shutdown', 'missing reason', { projectId: 'a', inactiveTime: '5m' }, /missing field "reason"/],
    ['auto_shutdown', 'inactiveTime as a boolean', { projectId: 'a', reason: 'r', inactiveTime: true }, /"inactiveTime" must be a string/],
    ['snapshot', 'projects not an array', { projects: 'all' }, /"projects" must be an array/],
    ['snapshot', 'a project with an unknown status', { projects: [{ projectId: 'a', status: 'weird' }] }, /projects\[0\]: field "status"/],
    ['rate_limit', 'a missing limit', { remaining: 1, reset: 5 }, /missing field "limit"/],
    ['rate_limit', 'a negative remaining', { limit: 10, remaining: -1, reset: 5 }, /"remaining" must not be negative/],
    ['rate_limit', 'a limit as a string', { limit: '10', remaining: 1, reset: 5 }, /"limit" must be a number/],
    ['rate_limit', 'more left than the limit', { limit: 10, remaining: 11, reset: 5 }, /out of range/],
    ['rate_limit', 'a limit of 0', { limit: 0, remaining: 0, reset: 5 }, /out of range/],
    ['rate_limit', 'a fractional remaining', { limit: 10, remaining: 2.5, reset: 5 }, /out of range/],
    ['rate_limit', 'a reset two days away', { limit: 10, remaining: 1, reset: 2 * 86_400 }, /out of range/],
    ['rate_limit', 'a reset in epoch seconds far from now', { limit: 10, remaining: 1, reset: NOW / 1000 + 3 * 86_400 }, /out of range/],
    ['rate_limit', 'an empty project id', { projectId: '', limit: 10, remaining: 1, reset: 5 }, /1–256/],
  ];

  for (const [type, what, data, reason] of invalid) {
    it(`rejects ${type} with ${what}`, () => {
      expect(reasonOf(validateMessage(type, JSON.stringify(data), NOW))).to.match(reason);
    });
  }

  it('reads a rate_limit: seconds from now or epoch seconds, with or without a project', () => {
    const relative = validateEvent('rate_limit', { limit: 10, remaining: 0, reset: 12 }, NOW);
    expect(relative.outcome === 'valid' && relative.event.data).to.deep.equal({ limit: 10, remaining: 0, reset: 12 });
    const epoch = validateEvent('rate_limit', { limit: 10, remaining: 4, reset: NOW / 1000 + 30, projectId: null }, NOW);
    expect(epoch.outcome).to.equal('valid');
    expect(reasonOf(validateEvent('rate_limit', { limit: 10, remaining: 1, reset: Infinity }, NOW))).to.match(/finite/);
    // The reset as a time: relative, absolute, a reset just past counted as now, nonsense refused.
    expect(resetAt(12, NOW)).to.equal(NOW + 12_000);
    expect(resetAt(NOW / 1000 + 30, NOW)).to.equal(NOW + 30_000);
    expect(resetAt(NOW / 1000 - 5, NOW)).to.equal(NOW);
    for (const nonsense of [-1, NaN, Infinity, 86_401, NOW / 1000 + 86_401, 1e12]) expect(resetAt(nonsense, NOW), String(nonsense)).to.be.undefined;
  });

  it('rejects non-finite numbers, which JSON cannot carry but a parsed object can', () => {
    for (const value of [NaN, Infinity, -Infinity]) {
      const result = validateEvent('metrics_updated', { projectId: 'a', cpu: value, memory: 1, requests: 1, uptime: '1m' });
      expect(reasonOf(result)).to.match(/finite/);
    }
    expect(reasonOf(validateEvent('deployment_progress', { projectId: 'a', message: 'm', level: 'info', progress: NaN }))).to.match(/finite/);
  });

  it('rejects data that is not JSON, or JSON that is not an object', () => {
    expect(reasonOf(validateMessage('metrics_updated', '{oops', NOW))).to.match(/not valid JSON/);
    expect(reasonOf(validateMessage('metrics_updated', '', NOW))).to.match(/not valid JSON/);
    expect(reasonOf(validateMessage('metrics_updated', '[1,2]', NOW))).to.match(/JSON object/);
    expect(reasonOf(validateMessage('metrics_updated', 'null', NOW))).to.match(/JSON object/);
  });

  it('rejects an unnamed message that is not an envelope', () => {
    expect(reasonOf(validateMessage('message', '{"hello":1}', NOW))).to.match(/envelope/);
    expect(reasonOf(validateMessage('message', '"text"', NOW))).to.match(/envelope/);
  });

  it('ignores unknown event types, named or in an envelope', () => {
    expect(validateMessage('heartbeat_v2', '{}', NOW).outcome).to.equal('ignored');
    expect(validateMessage('message', '{"event":"build_cache","data":{}}', NOW).outcome).to.equal('ignored');
  });

  it('clamps cpu and progress into 0–100', () => {
    const metrics = validateEvent('metrics_updated', { projectId: 'a', cpu: 180, memory: 1, requests: 1, uptime: '1m' });
    expect(metrics.outcome === 'valid' && metrics.event.type === 'metrics_updated' && metrics.event.data.cpu).to.equal(100);
    const low = validateEvent('metrics_updated', { projectId: 'a', cpu: -4, memory: 1, requests: 1, uptime: '1m' });
    expect(low.outcome === 'valid' && low.event.type === 'metrics_updated' && low.event.data.cpu).to.equal(0);
    const progress = validateEvent('deployment_progress', { projectId: 'a', message: 'm', level: 'info', progress: 140 });
    expect(progress.outcome === 'valid' && progress.event.type === 'deployment_progress' && progress.event.data.progress).to.equal(100);
  });

  it('uses the time of receipt for a missing timestamp', () => {
    const result = validateEvent('deployment_progress', { projectId: 'a', message: 'm', level: 'success' }, NOW);
    expect(result.outcome === 'valid' && result.event.type === 'deployment_progress' && result.event.data.timestamp).to.equal(new Date(NOW).toISOString());
  });

  it('keeps only known fields, so extra payload fields never reach the elements', () => {
    const result = validateEvent('auto_shutdown', { projectId: 'a', reason: 'r', inactiveTime: 90, __proto__x: 1, html: '<b>' });
    expect(result.outcome === 'valid' && result.event.data).to.deep.equal({ projectId: 'a', reason: 'r', inactiveTime: 90 });
  });

  it('accepts a REST project list as an array or as { projects }', () => {
    const list = [{ projectId: 'a', status: 'running' }];
    expect(validateProjectList(list).outcome).to.equal('valid');
    expect(validateProjectList({ projects: list }).outcome).to.equal('valid');
    expect(validateProjectList({ items: list }).outcome).to.equal('rejected');
  });

  it('never throws, whatever it is given', () => {
    const inputs: unknown[] = [undefined, null, 0, 'x', [], {}, { projectId: {} }, Object.create(null), { toString: null }];
    for (const type of [...Object.keys(valid), 'message', '', '__proto__', 'constructor']) {
      for (const input of inputs) {
        expect(() => validateEvent(type, input)).not.to.throw();
        expect(() => validateMessage(type, JSON.stringify(input) ?? "undefined")).not.to.throw();
      }
    }
    // A getter that throws inside the payload is still a rejection, not an exception.
    const hostile = { get projectId(): string { throw new Error('boom'); } };
    expect(validateEvent('auto_shutdown', hostile).outcome).to.equal('rejected');
  });
});
