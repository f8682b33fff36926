/**
 * `@clouddeploy/live-elements`: registers every element and exports the public API.
 */
import './sse-provider/define.js';

export { SseProvider } from './sse-provider/sse-provider.js';
export type { SseStateChangeDetail, SseInvalidEventDetail } from './sse-provider/sse-provider.js';
export { LiveClient } from './core/client.js';
export type { ClientEvent, ClientOptions } from './core/client.js';
export { SseConnection } from './core/connection.js';
export type { EventSourceFactory, EventSourceLike, StreamMessage } from './core/connection.js';
export { LiveStore } from './core/store.js';
export type { ConnectionInfo, ConnectionState, ConnectionStats, ConnectionError, LogEntry, ProjectState, StoreOptions } from './core/store.js';
export { MetricsHistory } from './core/metrics-history.js';
export type { MetricsPoint } from './core/metrics-history.js';
export { Ring } from './core/ring.js';
export {
  CONTAINER_STATUSES,
  EVENT_TYPES,
  LOG_LEVELS,
  MAX_PROJECT_ID_LENGTH,
  MAX_STRING_LENGTH,
  validateEvent,
  validateMessage,
  validateProjectList,
} from './core/protocol.js';
export type * from './core/protocol.js';
export { liveContext } from './shared/context.js';
export type { LiveService, ServiceResponse } from './shared/context.js';
export { LiveController } from './shared/live-controller.js';
export { registerMessages } from './shared/i18n.js';
