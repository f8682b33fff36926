// Real SSE endpoints served by the test runner's dev server, for the connection tests.
//
//   GET /sse/stream?session=S&count=N&then=hold|drop&fail=K&overlap=M&kind=log|bad|news
//     The first K requests of session S answer HTTP 500. Then each connection sends N
//     `deployment_progress` events with ids, resuming after `Last-Event-ID` or `?lastEventId=`
//     (re-sending the M events before it, as a careless backend would), and then holds the socket
//     open or, on the session's first successful connection, drops it.
//     `interval` (ms, default 10) spaces the events; `heartbeat=MS` adds a comment every MS ms;
//     `auth=T` answers 401 unless the request carries `Authorization: Bearer T`.
//     `kind=news` sends, instead of log lines, p1 going running → error then a new project p3.
//   GET /sse/status?session=S
//     What the server saw: connections, closes, the resume ids sent, whether a socket is open.
//   GET /sse/limited?session=S&status=429|503&refuse=K&retryAfter=V&date=1&legacy=1&bare=1
//     Rate limits: the first K requests of session S answer `status` (default 429) with
//     `Retry-After: V` (seconds, default 1; with `date=1` an HTTP date V s ahead, rounded up) and the
//     limit's figures — `RateLimit-Policy: "stream";q=5;w=60` and `RateLimit: "stream";r=0;t=V`, or
//     with `legacy=1` only `X-RateLimit-Limit/Remaining/Reset` (epoch seconds); `bare=1` leaves
//     `Retry-After` out. Later requests get a
//     stream with the same headers (r=4) and one `deployment_progress` event, held open. The
//     session records the time of every request (`times`, epoch ms) and what each answered.
//   GET /sse/projects?session=S&delay=MS
//     A project list for `snapshot-url` (p1 running, p2 stopped), answered after MS ms; the
//     session records when each snapshot request came and when it was answered.
import { PassThrough } from 'node:stream';

const sessions = new Map();

function session(id) {
  let s = sessions.get(id);
  if (!s) {
    s = { requests: 0, streams: 0, closed: 0, open: 0, resumeIds: [], authorizations: [] };
    sessions.set(id, s);
  }
  return s;
}

function frame(id, event, data) {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function logEvent(i) {
  return { projectId: 'p1', message: `line ${i}`, level: 'info', timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() };
}

function newsEvent(i) {
  const timestamp = new Date().toISOString();
  return i === 0
    ? { projectId: 'p1', oldStatus: 'running', newStatus: 'error', timestamp }
    : { projectId: `p${i + 2}`, oldStatus: 'stopped', newStatus: 'deploying', timestamp };
}

export async function sseTestMiddleware(ctx, next) {
  if (!ctx.path.startsWith('/sse/')) return next();
  const q = ctx.query;
  const s = session(String(q.session ?? 'default'));

  if (ctx.path === '/sse/status') {
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(s);
    return;
  }

  if (ctx.path === '/sse/projects') {
    s.snapshots ??= [];
    const record = { asked: Date.now() };
    s.snapshots.push(record);
    await new Promise((resolve) => setTimeout(resolve, Number(q.delay ?? 0)));
    record.answered = Date.now();
    ctx.type = 'application/json';
    ctx.body = JSON.stringify({ projects: [{ projectId: 'p1', name: 'Project one', status: 'running' }, { projectId: 'p2', status: 'stopped' }] });
    return;
  }

  if (ctx.path === '/sse/hostile') {
    // A 1 MB message, a message with invalid UTF-8 bytes in its text, then an ordinary one.
    const stream = new PassThrough();
    ctx.compress = false;
    ctx.status = 200;
    ctx.set('Content-Type', 'text/event-stream');
    ctx.body = stream;
    const huge = JSON.stringify({ projectId: 'p1', message: 'x'.repeat(1024 * 1024), level: 'info' });
    stream.write(`id: 1\nevent: deployment_progress\ndata: ${huge}\n\n`);
    stream.write(Buffer.concat([
      Buffer.from('id: 2\nevent: deployment_progress\ndata: {"projectId":"p1","level":"warning","message":"bad '),
      Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]),
      Buffer.from(' bytes"}\n\n'),
    ]));
    stream.write(`id: 3\nevent: deployment_progress\ndata: ${JSON.stringify({ projectId: 'p1', message: 'still here', level: 'success' })}\n\n`);
    ctx.req.on('close', () => stream.end());
    return;
  }

  if (ctx.path === '/sse/limited') {
    s.times ??= [];
    s.answers ??= [];
    s.times.push(Date.now());
    const refused = s.times.length <= Number(q.refuse ?? 1);
    const wait = Number(q.retryAfter ?? 1);
    const remaining = refused ? 0 : 4;
    if (q.legacy) {
      ctx.set('X-RateLimit-Limit', '5');
      ctx.set('X-RateLimit-Remaining', String(remaining));
      ctx.set('X-RateLimit-Reset', String(Math.ceil(Date.now() / 1000) + wait));
    } else {
      ctx.set('RateLimit-Policy', '"stream";q=5;w=60');
      ctx.set('RateLimit', `"stream";r=${remaining};t=${wait}`);
    }
    if (refused) {
      const status = Number(q.status ?? 429);
      s.answers.push(status);
      ctx.status = status;
      if (!q.bare) ctx.set('Retry-After', q.date ? new Date((Math.ceil(Date.now() / 1000) + wait) * 1000).toUTCString() : String(wait));
      ctx.type = 'application/json';
      ctx.body = JSON.stringify({ error: `Too many requests: try again in ${wait} s`, retryAfter: wait });
      return;
    }
    s.answers.push(200);
    ctx.compress = false;
    ctx.req.socket.setTimeout(0);
    ctx.status = 200;
    ctx.set('Content-Type', 'text/event-stream');
    ctx.set('Cache-Control', 'no-cache, no-transform');
    const stream = new PassThrough();
    ctx.body = stream;
    stream.write(`id: 1\nevent: deployment_progress\ndata: ${JSON.stringify(logEvent(1))}\n\n`);
    ctx.req.on('close', () => stream.end());
    return;
  }

  if (ctx.path !== '/sse/stream') return next();
  s.requests += 1;
  s.authorizations.push(ctx.get('authorization'));
  if (q.auth && ctx.get('authorization') !== `Bearer ${q.auth}`) {
    ctx.status = 401;
    ctx.body = 'authorization required';
    return;
  }
  const fail = Number(q.fail ?? 0);
  if (s.requests <= fail) {
    ctx.status = 500;
    ctx.body = 'simulated failure';
    return;
  }

  const count = Number(q.count ?? 3);
  const interval = Number(q.interval ?? 10);
  const overlap = Number(q.overlap ?? 0);
  const resume = ctx.get('last-event-id') || q.lastEventId || '';
  s.resumeIds.push(resume);
  const first = resume ? Math.max(1, Number(resume) + 1 - overlap) : 1;
  s.streams += 1;
  const drop = q.then === 'drop' && s.streams === 1;

  ctx.compress = false;
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.status = 200;
  ctx.set('Content-Type', 'text/event-stream');
  ctx.set('Cache-Control', 'no-cache, no-transform');
  ctx.set('X-Accel-Buffering', 'no');
  const stream = new PassThrough();
  ctx.body = stream;
  s.open += 1;

  let closed = false;
  const timers = [];
  ctx.req.on('close', () => {
    if (closed) return;
    closed = true;
    s.open -= 1;
    s.closed += 1;
    for (const timer of timers) clearTimeout(timer);
    for (const timer of timers) clearInterval(timer);
    stream.end();
  });

  stream.write('retry: 50\n: hello\n\n');
  if (q.heartbeat) {
    const beat = setInterval(() => {
      if (!closed) stream.write(': ping\n\n');
    }, Number(q.heartbeat));
    timers.push(beat);
  }
  for (let i = 0; i < count; i++) {
    const id = first + i;
    timers.push(
      setTimeout(() => {
        if (closed) return;
        if (q.kind === 'bad' && i === 1) stream.write(`id: ${id}\nevent: deployment_progress\ndata: {not json\n\n`);
        else if (q.kind === 'news') stream.write(frame(id, 'container_status_changed', newsEvent(i)));
        else stream.write(frame(id, 'deployment_progress', logEvent(id)));
        if (drop && i === count - 1) timers.push(setTimeout(() => ctx.req.socket.destroy(), 20));
      }, interval * (i + 1)),
    );
  }
}
