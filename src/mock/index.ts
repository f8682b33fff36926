/**
 * `@clouddeploy/live-elements/mock`: the simulated backend for demos, stories and tests. A subpath
 * of its own, so none of it reaches a production bundle.
 */
export { MockBackend, DEPLOYMENT_STEPS, defaultProjects, formatDuration } from './simulation.js';
export type {
  MockBackendOptions,
  MockConnection,
  MockFailureMode,
  MockFrame,
  MockProject,
  MockProjectSeed,
  MockRateLimit,
  MockResponse,
  MockSink,
  MockWireFrame,
} from './simulation.js';
export type { MockBackendState } from './state.js';
export { MockEventSource, getDefaultMockBackend } from './mock-event-source.js';
export { ManualClock, realClock } from '../core/clock.js';
export type { Clock } from '../core/clock.js';
