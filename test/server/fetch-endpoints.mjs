// Real endpoints served by the test runner's dev server, for the `FetchEventSource` tests: raw
// bytes on the wire, exactly as a test needs them, and a record of what each request carried.
//
//   GET /fetch-sse/echo?session=S&wait=MS
//     After MS ms (none by default), one `headers` event whose data is the request's headers as
//     JSON (`last-event-id` decoded from UTF-8), then holds the stream open until the client goes.
//   GET /fetch-sse/status?session=S
//     What the server saw for session S: requests, streams open now, streams closed by the client.
//   GET /fetch-sse/code?status=N
//     Answers status N with a plain-text body (401 with a `WWW-Authenticate` challenge).
//   GET /fetch-sse/wrong-type
//     200 with `application/json`.
//   GET /fetch-sse/fixture/NAME?chunk=B&delay=MS
//     The fixture's bytes, B bytes per write (all at once by default) MS ms apart, then the end.
//   GET /fetch-sse/big?size=N&garbage=M
//     A message whose data is a JSON string of N characters, a line of M bytes with no line end
//     in sight until its last, a short `after` message, then the end.
//   GET /fetch-sse/drop
//     One whole message, half of another, then the socket is destroyed.
import { PassThrough } from 'node:stream';

const sessions = new Map();

function session(id) {
  let s = sessions.get(id);
  if (!s) {
    s = { requests: 0, open: 0, closed: 0 };
    sessions.set(id, s);
  }
  return s;
}

const bytes = (...parts) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));

const FIXTURES = {
  crlf: bytes('retry: 250\r\n: hello\r\nid: 1\r\nevent: deployment_progress\r\ndata: {"n":1}\r\n\r\ndata: two\r\ndata: lines\r\n\r\n'),
  cr: bytes('retry: 250\r: hello\rid: 1\revent: deployment_progress\rdata: {"n":1}\r\rdata: two\rdata: lines\r\r'),
  bom: bytes([0xef, 0xbb, 0xbf], 'data: first\n\n', [0xef, 0xbb, 0xbf], 'data: second\n\n'),
  multiline: bytes('data: line 1\ndata: line 2\ndata\ndata:  indented\n\n'),
  control: bytes('retry: 1234\n: keep-alive\n\nid: 42\n\n:ping\ndata: after\n\nid: 43\nevent: named\ndata: own\n\nretry: soon\nid: bad\0id\n\ndata: last\n\n'),
  'invalid-utf8': bytes('data: ', [0xff, 0xc3, 0x28], ' ok\n\ndata: é ', [0xe2, 0x82], '\n\ndata: end\n\n'),
  unterminated: bytes('data: whole\n\ndata: never dispatched\n'),
};

function startStream(ctx, contentType = 'text/event-stream') {
  ctx.compress = false;
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.status = 200;
  ctx.set('Content-Type', contentType);
  ctx.set('Cache-Control', 'no-cache, no-transform');
  const stream = new PassThrough();
  ctx.body = stream;
  return stream;
}

/** Writes `data` honouring backpressure, so a large body is not buffered whole in memory. */
function write(stream, data) {
  return stream.write(data) ? Promise.resolve() : new Promise((resolve) => stream.once('drain', resolve));
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function fetchSseMiddleware(ctx, next) {
  if (!ctx.path.startsWith('/fetch-sse/')) return next();
  const q = ctx.query;
  const name = ctx.path.slice('/fetch-sse/'.length);

  if (name === 'status') {
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(session(String(q.session ?? 'default')));
    return;
  }

  if (name === 'echo') {
    const s = session(String(q.session ?? 'default'));
    s.requests += 1;
    const headers = { ...ctx.request.headers };
    // Node hands header bytes over as Latin-1; the id went out as UTF-8.
    if (headers['last-event-id'] !== undefined) headers['last-event-id'] = Buffer.from(headers['last-event-id'], 'latin1').toString('utf8');
    if (q.wait) await wait(Number(q.wait));
    if (ctx.req.socket.destroyed) return;
    const stream = startStream(ctx, 'text/event-stream; charset=utf-8');
    s.open += 1;
    ctx.req.on('close', () => {
      s.open -= 1;
      s.closed += 1;
      stream.end();
    });
    stream.write(`event: headers\ndata: ${JSON.stringify(headers)}\n\n`);
    return;
  }

  if (name === 'code') {
    const status = Number(q.status ?? 500);
    ctx.status = status;
    if (status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="live-elements"');
    ctx.type = 'text/plain';
    ctx.body = `simulated ${status}`;
    return;
  }

  if (name === 'wrong-type') {
    ctx.type = 'application/json';
    ctx.body = '{"event":"nope"}';
    return;
  }

  if (name.startsWith('fixture/')) {
    const fixture = FIXTURES[name.slice('fixture/'.length)];
    if (!fixture) return next();
    const chunk = Math.max(1, Number(q.chunk ?? fixture.length));
    const delay = Number(q.delay ?? 0);
    const stream = startStream(ctx);
    let closed = false;
    ctx.req.on('close', () => (closed = true));
    void (async () => {
      for (let at = 0; at < fixture.length && !closed; at += chunk) {
        if (at > 0 && delay > 0) await wait(delay);
        await write(stream, fixture.subarray(at, at + chunk));
      }
      stream.end();
    })();
    return;
  }

  if (name === 'big') {
    const size = Number(q.size ?? 1024 * 1024);
    const garbage = Number(q.garbage ?? 0);
    const stream = startStream(ctx);
    let closed = false;
    ctx.req.on('close', () => (closed = true));
    void (async () => {
      await write(stream, `id: big\nevent: deployment_progress\ndata: ${JSON.stringify('x'.repeat(size))}\n\n`);
      const block = Buffer.alloc(64 * 1024, 'A');
      for (let sent = 0; sent < garbage && !closed; sent += block.length) await write(stream, block.subarray(0, Math.min(block.length, garbage - sent)));
      if (garbage > 0) await write(stream, '\n\n');
      await write(stream, 'data: after\n\n');
      stream.end();
    })();
    return;
  }

  if (name === 'drop') {
    const stream = startStream(ctx);
    stream.write('id: 1\ndata: first\n\nid: 2\ndata: par');
    setTimeout(() => ctx.req.socket.destroy(), 50);
    return;
  }

  return next();
}
