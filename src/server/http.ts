import { utf8Length } from './bus.js';

/**
 * The part of an incoming request the hub reads. `node:http`'s `IncomingMessage` (also Express's
 * `req` and Fastify's `request.raw`) has it; so does `node:http2`'s compatibility request.
 */
export interface SseRequest {
  readonly method?: string;
  /** Path and query; `?lastEventId=` and `?projects=` are read from it. */
  readonly url?: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** `2` for HTTP/2, where connection-specific headers are not allowed. */
  readonly httpVersionMajor?: number;
  readonly socket?: {
    readonly remoteAddress?: string;
    setNoDelay?(noDelay?: boolean): unknown;
    setTimeout?(timeout: number): unknown;
    setKeepAlive?(enable?: boolean, initialDelay?: number): unknown;
  } | null;
  on(event: 'close', listener: () => void): unknown;
}

/**
 * The part of a response the hub writes to. `node:http`'s `ServerResponse` (also Express's `res`
 * and Fastify's `reply.raw`) has it.
 */
export interface SseResponse {
  /** Bytes queued and not yet handed to the kernel; the slow-client check reads it. */
  readonly writableLength?: number;
  readonly writableEnded?: boolean;
  readonly destroyed?: boolean;
  writeHead(statusCode: number, headers?: Record<string, string>): unknown;
  write(chunk: string): boolean;
  end(): unknown;
  destroy(error?: Error): unknown;
  on(event: 'close' | 'drain' | 'error', listener: () => void): unknown;
}

/** Answers with a short plain-text body and ends the response. */
export function answerText(res: SseResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.write(text);
  res.end();
}

/** The first value of a header, trimmed; `undefined` when absent or empty. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Answers with a JSON body (`Cache-Control: no-store`) and ends the response; for `HEAD`
 * (`method`), the headers alone.
 */
export function answerJson(res: SseResponse, status: number, body: unknown, headers: Record<string, string> = {}, method = 'GET'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': String(utf8Length(text)),
    ...headers,
  });
  if (method !== 'HEAD') res.write(text);
  res.end();
}
