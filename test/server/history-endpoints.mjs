// Metrics-history endpoints for the chart's history tests: the REST shape of
// `GET …/projects/:id/metrics?range=` with deterministic data, and the ways a server fails.
//
//   GET /history/PROJECT?range=24h|7d|30d&key=K&…
//     `{ projectId, range, step, from, to, points }`, one point per bucket (1440 / 1008 / 720),
//     ending at 2026-01-01T12:00Z; values follow a slow wave that differs per project.
//     n=N          N points instead (e.g. 43200 one-minute points over 30 d, step 60000)
//     spike=I      point I's CPU max is 99.5
//     gap=A-B      points A..B-1 are missing (no data)
//     bad=N        the first N points are malformed (dropped by the client)
//     scenario=S   500 (JSON error body), 404, badjson (200, not JSON), shape (200, no `points`),
//                  empty (200, no points), flaky (500 for the first request of key K, then data),
//                  drop (the socket is destroyed: a network error)
//     delay=MS     answer after MS ms; slow=RANGE limits the delay to that range
//   GET /history-log?key=K
//     What the server saw for key K: `requests` (`{ projectId, range }` in order) and `aborted`
//     (ranges whose request the client gave up before the answer).
const T_END = Date.UTC(2026, 0, 1, 12, 0, 0);
const RANGES = {
  '24h': { span: 86_400_000, step: 60_000, count: 1440 },
  '7d': { span: 7 * 86_400_000, step: 600_000, count: 1008 },
  '30d': { span: 30 * 86_400_000, step: 3_600_000, count: 720 },
};

const logs = new Map();

function log(key) {
  let entry = logs.get(key);
  if (!entry) {
    entry = { requests: [], aborted: [] };
    logs.set(key, entry);
  }
  return entry;
}

const round = (value) => Math.round(value * 10) / 10;

/** A project's offset, so compared projects draw apart. */
function offset(projectId) {
  let sum = 0;
  for (const char of projectId) sum += char.charCodeAt(0);
  return (sum % 5) * 8;
}

function points(projectId, range, query) {
  const { span, step: defaultStep, count: defaultCount } = RANGES[range];
  const count = query.n ? Number(query.n) : defaultCount;
  const step = query.n ? span / count : defaultStep;
  const from = T_END - span;
  const shift = offset(projectId);
  const [gapFrom, gapTo] = query.gap ? query.gap.split('-').map(Number) : [-1, -1];
  const bad = Number(query.bad ?? 0);
  const spike = query.spike === undefined ? -1 : Number(query.spike);
  const list = [];
  for (let i = 0; i < count; i++) {
    if (i >= gapFrom && i < gapTo) continue;
    const cpu = round(20 + shift + 15 * Math.sin(i / 37));
    const memory = round(300 + shift * 4 + 60 * Math.sin(i / 53));
    const point = {
      time: from + i * step,
      cpu: { min: round(Math.max(0, cpu - 6)), mean: cpu, max: i === spike ? 99.5 : round(cpu + 6) },
      memory: { min: round(memory - 20), mean: memory, max: round(memory + 20) },
      requests: 1000 + i,
    };
    if (i < bad) {
      if (i % 3 === 0) point.cpu = { min: 5, mean: 'high', max: 9 };
      else if (i % 3 === 1) point.time = null;
      else point.memory = { min: 50, mean: 10, max: 60 };
    }
    list.push(point);
  }
  return { projectId, range, step, from, to: T_END, points: list };
}


export async function historyMiddleware(ctx, next) {
  if (ctx.path === '/history-log') {
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(log(ctx.query.key ?? ''));
    return;
  }
  if (!ctx.path.startsWith('/history/')) return next();
  const projectId = decodeURIComponent(ctx.path.slice('/history/'.length));
  const { range = '', key = '', scenario = 'ok' } = ctx.query;
  const entry = log(key);
  entry.requests.push({ projectId, range });
  ctx.set('Cache-Control', 'no-store');
  const delay = Number(ctx.query.delay ?? 0);
  if (delay > 0 && (!ctx.query.slow || ctx.query.slow === range)) {
    let gone = false;
    ctx.req.socket.once('close', () => (gone = true));
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (gone || ctx.req.socket.destroyed) {
      entry.aborted.push(range);
      ctx.respond = false;
      return;
    }
  }
  if (!(range in RANGES)) {
    ctx.status = 400;
    ctx.type = 'application/json';
    ctx.body = JSON.stringify({ error: `unknown range "${range}"` });
    return;
  }
  const failFirst = scenario === 'flaky' && entry.requests.length === 1;
  if (scenario === '500' || failFirst) {
    ctx.status = 500;
    ctx.type = 'application/json';
    ctx.body = JSON.stringify({ error: 'the history store is down' });
    return;
  }
  if (scenario === '404') {
    ctx.status = 404;
    ctx.type = 'application/json';
    ctx.body = JSON.stringify({ error: 'unknown project' });
    return;
  }
  if (scenario === 'drop') {
    ctx.req.socket.destroy();
    ctx.respond = false;
    return;
  }
  ctx.type = 'application/json';
  if (scenario === 'badjson') ctx.body = '{"projectId": "api", "points": [';
  else if (scenario === 'shape') ctx.body = JSON.stringify({ projectId, range, data: [] });
  else if (scenario === 'empty') ctx.body = JSON.stringify({ projectId, range, step: RANGES[range].step, from: T_END - RANGES[range].span, to: T_END, points: [] });
  else ctx.body = JSON.stringify(points(projectId, range, ctx.query));
}
