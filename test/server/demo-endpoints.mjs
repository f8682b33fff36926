// The demo server inside the test runner's dev server, same origin as the tests, for the e2e tests.
//
//   /demo/*              the demo (pages, /demo/api/*, /demo/dist/*), handled by demo/server.mjs
//   POST /__demo/reset   a fresh simulation (and fresh stream ids), as if the server restarted
//   POST /__demo/pause   an outage: every stream's socket is destroyed, the API answers 503
//   POST /__demo/resume  back up
//   GET  /__demo/frames  every frame sent since the last reset: [{ id, event, data }]
//   GET  /__demo/status  { paused, streams, clients, lastEventId }
//   POST /__demo/emit    { type, data }: the simulation sends (and applies) one protocol event
//
// The demo runs on the built package (dist/): it is loaded on the first request, so the test runner
// starts without a build and only the e2e tests need one.
const PREFIX = '/demo';

/** Faster than real time, so a whole deployment streams in about three seconds. */
const OPTIONS = {
  seed: 1,
  speed: 3,
  hub: { retryMs: 250, heartbeatMs: 5000 },
  record: true,
  logger: { log() {}, warn: (message) => console.warn(message) },
};

let loading;

function demo() {
  loading ??= import('../../demo/server.mjs').then(({ createDemoServer }) => createDemoServer(OPTIONS));
  return loading;
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return JSON.parse(text);
}

function json(ctx, body) {
  ctx.type = 'application/json';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = JSON.stringify(body);
}

export async function demoTestMiddleware(ctx, next) {
  const isDemo = ctx.path === PREFIX || ctx.path.startsWith(`${PREFIX}/`);
  const isControl = ctx.path.startsWith('/__demo/');
  if (!isDemo && !isControl) return next();

  let server;
  try {
    server = await demo();
  } catch (error) {
    loading = undefined;
    ctx.status = 503;
    ctx.type = 'text/plain';
    ctx.body = `The demo server could not start: ${error.message}`;
    return;
  }

  if (isControl) {
    switch (`${ctx.method} ${ctx.path}`) {
      case 'POST /__demo/reset':
        server.reset();
        return json(ctx, { ok: true });
      case 'POST /__demo/pause':
        server.pause();
        return json(ctx, { ok: true });
      case 'POST /__demo/resume':
        server.resume();
        return json(ctx, { ok: true });
      case 'POST /__demo/emit': {
        const { type, data } = await readJson(ctx.req);
        const frame = server.backend.emit(type, data);
        return json(ctx, { id: frame.id });
      }
      case 'GET /__demo/frames':
        return json(ctx, server.frames);
      case 'GET /__demo/status':
        return json(ctx, { paused: server.paused, streams: server.streams, clients: server.hub.clients, lastEventId: server.hub.lastEventId ?? null });
      default:
        return next();
    }
  }

  if (ctx.path === PREFIX) return ctx.redirect(`${PREFIX}/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
  // Hand the raw request to the demo, under its own paths; Koa stays out of the response.
  ctx.respond = false;
  ctx.compress = false;
  const rest = ctx.req.url.slice(PREFIX.length);
  ctx.req.url = rest === '' || rest.startsWith('?') ? `/${rest}` : rest;
  await server.handle(ctx.req, ctx.res);
}
