/**
 * `@clouddeploy/live-elements/server`: serves the live-elements wire protocol from any Node
 * HTTP server — `node:http`, Express, Fastify — with no dependency beyond Node itself.
 *
 * - `createSseHub(options)` → an `SseHub`: `handle(req, res)` for the stream, `send(event, data)`,
 *   `reauthorize()`, `scopeOf(req)` to filter REST answers, `history(projectId, range)` and
 *   `handleHistory(req, res)` for the metrics roll-ups, `seedHistory()`, `stats`, `close()`.
 * - `memoryHistory()`: the in-process history store (the default with the in-process bus).
 * - `memoryBus()`: the in-process bus (the default); `redisBus()` is in `…/server/redis`.
 * - `corsHeaders` / `answerPreflight`: the CORS rules of the stream, for the REST endpoints beside it.
 * - `formatFrame(frame)` / `formatComment(text)`: the text of one SSE block, for a hand-written stream.
 * - `createWebhooks(options)`: critical events POSTed to endpoints, signed per Standard Webhooks and
 *   retried; `redisWebhookQueue()` delivers them through Redis on the Redis bus.
 * - Rate limits: the hub's `rateLimit` option, `hub.limit(req, res, policy)` for a host's routes;
 *   `createRateLimiter()` on its own; `redisRateLimitStore()` is in `…/server/redis`.
 */
export { SseHub, createSseHub, resumeIdOf } from './hub.js';
export type { SseAuthorize, SseHubOptions, SseHubStats, ServerEventPayloads } from './hub.js';
export type { SseRequest, SseResponse } from './http.js';
export type { SseLogger } from './log.js';
export { SseScope, requestedProjects } from './scope.js';
export type { SseGrant } from './scope.js';
export { MemoryBus, memoryBus } from './bus.js';
export type { BusMessage, BusStatus, MemoryBusOptions, SseBus } from './bus.js';
export { answerPreflight, corsHeaders } from './cors.js';
export type { SseCorsOptions } from './cors.js';
export { HISTORY_RESOLUTIONS, MemoryHistory, isHistoryRange, memoryHistory } from './history.js';
export type {
  DeploymentOutcome,
  HistoryBounds,
  HistoryEntry,
  HistoryRange,
  HistoryResolution,
  HistorySample,
  HistoryStat,
  KeptDeployment,
  KeptHistory,
  KeptLine,
  KeptPoint,
  MetricsHistory,
  MetricsHistoryPoint,
  SseBusHistory,
  SseHistory,
  SseHistoryOptions,
} from './history.js';
export { formatFrame, formatComment } from './frame.js';
export type { SseFrame } from './frame.js';
export {
  MemoryRateLimitStore,
  RATE_LIMIT_HEADER_NAMES,
  RateLimiter,
  addressKey,
  clientAddress,
  createRateLimiter,
  memoryRateLimitStore,
} from './rate-limit.js';
export type { RateLimitCount, RateLimitPolicy, RateLimitResult, RateLimitStore, SseRateLimitOptions } from './rate-limit.js';
export {
  DEFAULT_WEBHOOK_SCHEDULE,
  Webhooks,
  createWebhooks,
  exponentialSchedule,
  generateWebhookSecret,
  isCriticalEvent,
  memoryWebhookQueue,
} from './webhooks.js';
export type {
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointStats,
  WebhookHub,
  WebhookJob,
  WebhookMessage,
  WebhookOutcome,
  WebhookQueue,
  WebhookQueueHost,
  WebhookQueueStatus,
  WebhookStats,
  WebhooksOptions,
} from './webhooks.js';
export { RedisWebhookQueue, redisWebhookQueue } from './redis-webhooks.js';
export type { RedisWebhookClient, RedisWebhookConnection, RedisWebhookQueueOptions } from './redis-webhooks.js';
