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
