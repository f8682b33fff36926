// Serves the CSP fixture page with a strict Content-Security-Policy and Trusted Types enforced.
export async function cspMiddleware(ctx, next) {
  await next();
  if (ctx.path === '/test/fixtures/csp.html') {
    ctx.set('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; require-trusted-types-for 'script'");
  }
}
