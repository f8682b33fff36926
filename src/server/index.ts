/**
 * `@clouddeploy/live-elements/server`: serves the live-elements wire protocol from any Node
 * HTTP server — `node:http`, Express, Fastify — with no dependency beyond Node itself.
 *
 * - `createSseHub(options)` → an `SseHub`: `handle(req, res)` for the `GET` of the stream,
 *   `send(event, data)` to broadcast, `comment(text)`, `clients`, `close()`.
 * - `formatFrame(frame)` / `formatComment(text)`: the text of one SSE block, for a hand-written stream.
 */
export { SseHub, createSseHub, resumeIdOf } from './hub.js';
export type { SseHubOptions, SseHubStats, SseLogger, SseRequest, SseResponse, ServerEventPayloads } from './hub.js';
export { formatFrame, formatComment } from './frame.js';
export type { SseFrame } from './frame.js';
