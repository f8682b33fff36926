// A small SSE client for the server tests: real sockets, the wire format parsed as a browser
// would, reconnection with `Last-Event-ID` on demand. Not the library's client: the tests check
// the server against the protocol itself.
import { request } from 'node:http';

/** One plain request; resolves with status, headers, body and, for a JSON answer, its value. */
export function fetchOnce(port, path, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body, json: body && res.headers['content-type']?.startsWith('application/json') ? JSON.parse(body) : undefined }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Parses complete blocks out of `buffer`; returns [blocks, rest]. */
export function takeBlocks(buffer) {
  const blocks = [];
  let start = 0;
  for (;;) {
    const end = buffer.indexOf('\n\n', start);
    if (end < 0) break;
    const raw = buffer.slice(start, end);
    start = end + 2;
    const block = { comments: [], data: undefined };
    for (const line of raw.split('\n')) {
      if (line.startsWith(':')) {
        block.comments.push(line.slice(1).trimStart());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') block.data = block.data === undefined ? value : `${block.data}\n${value}`;
      else block[field] = value;
    }
    blocks.push(block);
  }
  return [blocks, buffer.slice(start)];
}

/**
 * Opens `path` on `port` and keeps what arrives: `messages` (blocks with data), `lastId`,
 * `status`. `reconnect(port)` drops the socket and opens again with `Last-Event-ID`.
 */
export function sseClient(port, path, { headers = {}, lastId } = {}) {
  const client = {
    messages: [],
    comments: 0,
    lastId,
    status: undefined,
    ended: false,
    connected: false,
    req: undefined,
    res: undefined,
    open(to) {
      client.ended = false;
      client.connected = false;
      let buffer = '';
      const req = request({ host: '127.0.0.1', port: to, path, agent: false, headers: { ...headers, ...(client.lastId ? { 'Last-Event-ID': client.lastId } : {}) } });
      client.req = req;
      req.on('response', (res) => {
        client.res = res;
        client.status = res.statusCode;
        client.connected = true;
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          if (client.req !== req) return;
          const [blocks, rest] = takeBlocks(buffer + chunk);
          buffer = rest;
          for (const block of blocks) {
            if (block.id !== undefined) client.lastId = block.id;
            if (block.data !== undefined) client.messages.push(block);
            else if (block.comments.length) client.comments += 1;
          }
        });
        res.on('end', () => {
          if (client.req === req) client.ended = true;
        });
      });
      req.on('error', () => {
        if (client.req === req) client.ended = true;
      });
      req.end();
      return client;
    },
    /** Drops this connection and opens a new one (to `to`), resuming from the last id. */
    reconnect(to) {
      client.close();
      return client.open(to);
    },
    close() {
      const req = client.req;
      client.req = undefined;
      req?.destroy();
    },
  };
  return client.open(port);
}

/** Waits for `predicate()` to hold, polling; fails after `ms`. */
export async function until(predicate, message, ms = 5000) {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > ms) throw new Error(`Timed out: ${typeof message === 'function' ? message() : message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
