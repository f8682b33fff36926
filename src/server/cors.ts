import type { SseRequest, SseResponse } from './http.js';

/** Which other origins may open the stream (and the REST helpers) from a browser. */
export interface SseCorsOptions {
  /** `'*'`, a list of exact origins (`https://panel.example.com`), or a test of the `Origin` header. */
  origins: '*' | readonly string[] | ((origin: string) => boolean);
  /** Allow cookies and `Authorization` to be sent cross-origin (default `false`). Not with `'*'`: the request's origin is echoed instead. */
  credentials?: boolean;
  /** Request headers a page may send (default `Authorization`, `Last-Event-ID`, `Cache-Control`, `Content-Type`). */
  allowHeaders?: readonly string[];
  /** How long a browser may cache a preflight answer, in seconds (default 600). */
  maxAgeSeconds?: number;
}

const DEFAULT_ALLOW_HEADERS = ['Authorization', 'Last-Event-ID', 'Cache-Control', 'Content-Type'];

function originOf(req: SseRequest): string | undefined {
  const origin = req.headers.origin;
  return typeof origin === 'string' && origin !== '' ? origin : undefined;
}

function sameHost(origin: string, req: SseRequest): boolean {
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function allowed(options: SseCorsOptions, origin: string): boolean {
  if (options.origins === '*') return true;
  if (typeof options.origins === 'function') return options.origins(origin);
  return options.origins.includes(origin);
}

/**
 * The CORS headers for a response to `req`: `{}` for a same-origin request or when no options are
 * given, `null` for an origin the options do not allow (the hub answers it 403).
 */
export function corsHeaders(req: SseRequest, options: SseCorsOptions | undefined): Record<string, string> | null {
  const origin = originOf(req);
  // Same-origin (no Origin, or the request's own host): nothing to add. Without options the
  // browser's own rules apply, as they would to any page.
  if (origin === undefined || !options || sameHost(origin, req)) return {};
  if (!allowed(options, origin)) return null;
  const headers: Record<string, string> = { Vary: 'Origin' };
  if (options.origins === '*' && !options.credentials) headers['Access-Control-Allow-Origin'] = '*';
  else headers['Access-Control-Allow-Origin'] = origin;
  if (options.credentials) headers['Access-Control-Allow-Credentials'] = 'true';
  return headers;
}

/**
 * Answers an `OPTIONS` preflight: 204 with the allowed methods and headers for an allowed origin,
 * 403 for any other. `methods` are the ones the resource supports.
 */
export function answerPreflight(req: SseRequest, res: SseResponse, options: SseCorsOptions | undefined, methods: readonly string[]): void {
  const headers = corsHeaders(req, options);
  if (headers === null || Object.keys(headers).length === 0) {
    res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', Vary: 'Origin' });
    res.write('Cross-origin requests from this origin are not allowed');
    res.end();
    return;
  }
  res.writeHead(204, {
    ...headers,
    'Access-Control-Allow-Methods': methods.join(', '),
    'Access-Control-Allow-Headers': (options?.allowHeaders ?? DEFAULT_ALLOW_HEADERS).join(', '),
    'Access-Control-Max-Age': String(options?.maxAgeSeconds ?? 600),
    'Content-Length': '0',
  });
  res.end();
}
