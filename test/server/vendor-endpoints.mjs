// The built bundle served from a folder of its own, as a page that copied it to `/vendor` would,
// with the files it loads lazily present or missing at the test's word.
//
//   GET /vendor/live-elements.bundle.js
//     The built bundle, always.
//   GET /vendor/FILE
//     `dist/FILE` while the lazy files are available, else 404 (as after a redeploy that removed them).
//   GET /vendor-control?available=0|1
//     Makes the lazy files missing or available; answers what the server served and refused.
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';

const dist = resolve(import.meta.dirname, '../../dist');
const state = { available: true, served: [], refused: [] };

export async function vendorMiddleware(ctx, next) {
  if (ctx.path === '/vendor-control') {
    if (ctx.query.available !== undefined) {
      state.available = ctx.query.available === '1';
      state.served = [];
      state.refused = [];
    }
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(state);
    return;
  }
  if (!ctx.path.startsWith('/vendor/')) return next();
  const file = basename(ctx.path);
  // The test runner marks every file it answers as cacheable for a year, 404s included; these
  // answers change with the test's word, so they must be asked for afresh, as from a real server.
  ctx.set('Cache-Control', 'no-store');
  const set = ctx.response.set.bind(ctx.response);
  ctx.response.set = (field, value) => {
    if (typeof field !== 'string' || field.toLowerCase() !== 'cache-control') set(field, value);
  };
  if (file !== 'live-elements.bundle.js' && !state.available) {
    state.refused.push(file);
    ctx.status = 404;
    ctx.body = 'not found';
    return;
  }
  try {
    ctx.body = await readFile(resolve(dist, file), 'utf8');
    ctx.type = 'text/javascript';
    state.served.push(file);
  } catch {
    ctx.status = 404;
  }
}
