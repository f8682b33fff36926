/**
 * Wire payloads as a backend would send them: `event` name and JSON `data` text, made up front so
 * that generating them is not part of any measurement.
 */
import { message, random } from './harness.js';

export interface WireEvent {
  event: string;
  data: string;
}

const STATUSES = ['running', 'deploying', 'stopped', 'inactive', 'error'] as const;
const LEVELS = ['info', 'success', 'warning', 'error'] as const;

export function projectIds(count: number, prefix = 'p'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
}

/**
 * A mix of every event type across `projects`: 45% metrics, 35% deployment logs, 15% status
 * changes, 5% auto-shutdowns.
 */
export function mixedEvents(count: number, projects: string[], seed = 7): WireEvent[] {
  const rand = random(seed);
  const base = Date.UTC(2026, 0, 1, 12);
  const events: WireEvent[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const projectId = projects[Math.floor(rand() * projects.length)]!;
    const timestamp = new Date(base + i * 10).toISOString();
    const r = rand();
    if (r < 0.45) {
      events[i] = {
        event: 'metrics_updated',
        data: JSON.stringify({
          projectId,
          cpu: Math.round(rand() * 1000) / 10,
          memory: Math.round(128 + rand() * 896),
          requests: 1000 + i,
          uptime: `${Math.floor(i / 3600)}h ${Math.floor(i / 60) % 60}m`,
          lastActivity: timestamp,
        }),
      };
    } else if (r < 0.8) {
      events[i] = {
        event: 'deployment_progress',
        data: JSON.stringify({
          projectId,
          message: message(rand, 60),
          level: LEVELS[Math.floor(rand() * LEVELS.length)],
          timestamp,
          step: 'Building image',
          progress: Math.floor(rand() * 100),
        }),
      };
    } else if (r < 0.95) {
      events[i] = {
        event: 'container_status_changed',
        data: JSON.stringify({
          projectId,
          oldStatus: STATUSES[Math.floor(rand() * STATUSES.length)],
          newStatus: STATUSES[Math.floor(rand() * STATUSES.length)],
          timestamp,
        }),
      };
    } else {
      events[i] = {
        event: 'auto_shutdown',
        data: JSON.stringify({ projectId, reason: 'No requests received in the last 30 minutes', inactiveTime: '30m' }),
      };
    }
  }
  return events;
}

/** `deployment_progress` payloads whose message is `length` characters. */
export function logEvents(count: number, projectId: string, length = 80, seed = 11, from = 0): WireEvent[] {
  const rand = random(seed);
  const base = Date.UTC(2026, 0, 1, 12);
  return Array.from({ length: count }, (_, i) => ({
    event: 'deployment_progress',
    data: JSON.stringify({
      projectId,
      message: message(rand, length, `#${from + i} `),
      level: LEVELS[Math.floor(rand() * 4)],
      timestamp: new Date(base + (from + i) * 5).toISOString(),
    }),
  }));
}

/** `metrics_updated` payloads for one project, `count` of them. */
export function metricsEvents(count: number, projectId: string, seed: number): string[] {
  const rand = random(seed);
  let cpu = 30 + rand() * 40;
  let memory = 256 + rand() * 512;
  return Array.from({ length: count }, (_, i) => {
    cpu = Math.min(100, Math.max(0, cpu + (rand() - 0.5) * 10));
    memory = Math.max(64, memory + (rand() - 0.5) * 40);
    return JSON.stringify({
      projectId,
      cpu: Math.round(cpu * 10) / 10,
      memory: Math.round(memory),
      requests: 10_000 + i * 7,
      uptime: `${Math.floor(i / 3600)}h ${Math.floor(i / 60) % 60}m`,
    });
  });
}
