// Hubs of the server helper inside the test runner's dev server, run on the built package (dist/),
// loaded on the first request.
//
//   /hub/cors/events        CORS and authorization: the page is on http://localhost:<port> and
//                           reaches it as http://127.0.0.1:<port>, another origin;
//                           `Authorization: Bearer good` sees web-1 and web-2
//   /hub/short/events       no snapshot function and a replay buffer of 3: a client that was away
//                           longer gets a `resync` event
//   GET  /hub/short/projects  a project list for `snapshot-url`; counts its requests
//   POST /hub/<name>/send   { event, data }: that hub sends it
//   GET  /hub/short/status  { projectRequests }
const PREFIX = '/hub/';

let loading;
let projectRequests = 0;

function hubs() {
  loading ??= import('../../dist/server/index.js').then(({ createSseHub }) => ({
    cors: createSseHub({
      retryMs: 250,
      cors: { origins: (origin) => /^http:\/\/localhost:\d+$/.test(origin), credentials: true },
      authorize: (req) => (req.headers.authorization === 'Bearer good' ? { projects: ['web-1', 'web-2'] } : null),
      logger: { warn() {} },
    }),
    short: createSseHub({ retryMs: 250, replayLimit: 3, logger: { warn() {} } }),
  }));
  return loading;
}

export async function hubMiddleware(ctx, next) {
  if (!ctx.path.startsWith(PREFIX)) return next();
  const [name, action] = ctx.path.slice(PREFIX.length).split('/');
  const hub = (await hubs())[name];
  if (!hub) return next();
  ctx.set('Cache-Control', 'no-store');
  if (action === 'send' && ctx.method === 'POST') {
    let text = '';
    for await (const chunk of ctx.req) text += chunk;
    const { event, data } = JSON.parse(text);
    ctx.type = 'application/json';
    ctx.body = JSON.stringify({ id: await hub.send(event, data) });
    return;
  }
  if (action === 'projects') {
    projectRequests += 1;
    ctx.type = 'application/json';
    ctx.body = JSON.stringify([{ projectId: 'p1', status: 'error' }, { projectId: 'p2', status: 'running' }]);
    return;
  }
  if (action === 'status') {
    ctx.type = 'application/json';
    ctx.body = JSON.stringify({ projectRequests });
    return;
  }
  if (action === 'events') {
    ctx.respond = false;
    ctx.compress = false;
    await hub.handle(ctx.req, ctx.res);
    return;
  }
  return next();
}
