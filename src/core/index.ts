/**
 * `@clouddeploy/live-elements/core`: the connection, the protocol and the state, with no Lit and
 * no side effects, for hosts that draw their own UI.
 */
export { LiveSession } from './session.js';
export type { SessionOptions, SessionEvent, HeadersOption } from './session.js';
export { LiveClient } from './client.js';
export type { ClientEvent, ClientOptions } from './client.js';
export { SseConnection } from './connection.js';
export type { EventSourceFactory, EventSourceLike, StreamMessage, StreamRefusal } from './connection.js';
export { LiveStore, PAST_DEPLOYMENTS } from './store.js';
export type {
  ConnectionInfo,
  ReadonlyConnectionInfo,
  ConnectionState,
  ConnectionStats,
  ConnectionError,
  DeploymentInfo,
  LogEntry,
  MessageCounter,
  PastDeployment,
  ProjectState,
  RateLimitInfo,
  StoreOptions,
} from './store.js';
export { realClock } from './clock.js';
export type { Clock } from './clock.js';
export type { RestResponse } from './rest.js';
export { MetricsHistory } from './metrics-history.js';
export type { MetricsPoint } from './metrics-history.js';
export { Ring } from './ring.js';
export type { LogLines, LogRing, MergedLogRing } from './log-ring.js';
export {
  CONTAINER_STATUSES,
  DEPLOYMENT_OUTCOMES,
  EVENT_TYPES,
  LOG_LEVELS,
  MAX_PROJECT_ID_LENGTH,
  MAX_STRING_LENGTH,
  isContainerStatus,
  isLogLevel,
  validateEvent,
  validateMessage,
  validateProjectList,
} from './protocol.js';
export type * from './protocol.js';
