// Serves the CSP fixture page with a strict Content-Security-Policy: no inline styles or scripts,
// and Trusted Types enforced with Lit's own policy as the only one allowed.
export const CSP_POLICY = "default-src 'self'; script-src 'self' 'report-sample'; style-src 'self' 'report-sample'; require-trusted-types-for 'script'; trusted-types lit-html";

export async function cspMiddleware(ctx, next) {
  await next();
  if (ctx.path === '/test/fixtures/csp.html') ctx.set('Content-Security-Policy', CSP_POLICY);
}
