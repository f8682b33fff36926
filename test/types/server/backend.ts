// A backend's use of the server helper: node:http objects fit the hub, the protocol's payloads are
// checked, grants are checked, and the Redis bus plugs in.
import { createServer } from 'node:http';
import { createSseHub, memoryBus, type SseGrant, type SseHubStats } from '@clouddeploy/live-elements/server';
import { redisBus } from '@clouddeploy/live-elements/server/redis';

const hub = createSseHub({
  bus: process.env.REDIS_URL ? redisBus({ url: process.env.REDIS_URL, maxLen: 5000 }) : memoryBus({ replayLimit: 500 }),
  authorize: async (req): Promise<SseGrant | null> => (req.headers.authorization ? { projects: ['web-1'], expiresAt: new Date() } : null),
  cors: { origins: ['https://panel.example.com'], credentials: true },
});
createServer((req, res) => void hub.handle(req, res)).listen(8080);

export const sent: Promise<string> = hub.send('container_status_changed', { projectId: 'web-1', oldStatus: 'stopped', newStatus: 'running' });
export const custom: Promise<string> = hub.send('build_note', { anything: true });
export const bus: SseHubStats['bus']['state'] = hub.stats.bus.state;
// @ts-expect-error: not a container status
void hub.send('container_status_changed', { projectId: 'web-1', oldStatus: 'stopped', newStatus: 'exploded' });
// @ts-expect-error: a grant lists projects
createSseHub({ authorize: () => ({ project: 'web-1' }) });
// @ts-expect-error: the id is not ready at once
export const id: string = hub.send('build_note', {});

// History: the roll-ups, the REST handler beside the stream, seeding, a store's bounds and clock.
import { memoryHistory, type MetricsHistory, type HistoryRange, type SseHistory } from '@clouddeploy/live-elements/server';
createServer((req, res) => void (req.url?.includes('/metrics') ? hub.handleHistory(req, res) : hub.handle(req, res)));
export const week: Promise<MetricsHistory | null> = hub.history('web-1', '7d');
export const meanCpu = week.then((history) => history?.points[0]?.cpu.mean);
export const seeded: Promise<void> = hub.seedHistory('web-1', [{ time: Date.now() - 3_600_000, cpu: 12.5, memory: 256, requests: 1200 }]);
export const backfills: number = hub.stats.backfills;
const range: HistoryRange = '30d';
void range;
const store: SseHistory = memoryHistory({ deployments: 5, lines: 1000, lineBytes: 256 * 1024, points: 120, now: () => Date.now() });
createSseHub({ history: store });
createSseHub({ history: { points: 60 } });
createSseHub({ history: false });
// @ts-expect-error: not a range
const badRange: HistoryRange = '1y';
void badRange;
// @ts-expect-error: a sample carries its time
void hub.seedHistory('web-1', [{ cpu: 1, memory: 1, requests: 1 }]);
// @ts-expect-error: bounds are numbers
createSseHub({ history: { lines: 'many' } });
