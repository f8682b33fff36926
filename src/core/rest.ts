/** The answer of a REST call: its status, its body (parsed as JSON when it is JSON) and its headers. */
export interface RestResponse {
  status: number;
  statusText: string;
  body: unknown;
  /** The response headers (`Retry-After`, `RateLimit`, …), when the answer has any. */
  headers?: Headers;
}

/** Calls `method base+path` and reads the answer; a body that is not JSON is kept as text for the error message. */
export async function requestJson(
  base: string,
  method: string,
  path: string,
  init: { signal?: AbortSignal; credentials?: RequestCredentials } = {},
): Promise<RestResponse> {
  const response = await fetch(`${base.replace(/\/+$/, '')}${path}`, {
    method,
    signal: init.signal,
    credentials: init.credentials ?? 'same-origin',
    headers: { Accept: 'application/json' },
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, statusText: response.statusText, body, headers: response.headers };
}
