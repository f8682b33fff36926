// Browser tests run in Debian's Chromium (no browser download), against the TypeScript sources in
// Lit's development mode. `test/server/` adds real SSE endpoints to the dev server for the
// connection tests.
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { cssInlinePlugin } from './scripts/css-inline-plugin.mjs';
import { countReporter } from './scripts/count-reporter.mjs';
import { defaultReporter } from '@web/test-runner';
import { sseTestMiddleware } from './test/server/sse-endpoints.mjs';
import { fetchSseMiddleware } from './test/server/fetch-endpoints.mjs';
import { demoTestMiddleware } from './test/server/demo-endpoints.mjs';
import { cspMiddleware } from './test/server/csp.mjs';
import { vendorMiddleware } from './test/server/vendor-endpoints.mjs';
import { hubMiddleware } from './test/server/hub-endpoints.mjs';
import { historyMiddleware } from './test/server/history-endpoints.mjs';
import { CHROMIUM_ARGS, chromiumPath } from './scripts/chromium.mjs';

const quick = process.env.CI === 'true';

/**
 * Commands on the test page's browser, for what a page cannot do to itself:
 * - `notification-permission` (`{ state: 'granted' | 'denied' | 'prompt' }`): the page's real
 *   notifications permission, so `Notification.permission` says it;
 * - `page-in-background` (`{ background }`): another tab in front (the page is really hidden and
 *   without focus), or the page back in front.
 */
function browserPagePlugin() {
  const others = new Map();
  return {
    name: 'browser-page-commands',
    async executeCommand({ command, payload, session }) {
      if (command !== 'notification-permission' && command !== 'page-in-background') return undefined;
      if (session.browser.type !== 'puppeteer') throw new Error(`${command} needs the Chrome launcher`);
      const page = session.browser.getPage(session.id);
      if (command === 'notification-permission') {
        const context = page.browserContext();
        if (payload.state === 'prompt') await context.clearPermissionOverrides();
        else await context.setPermission(new URL(page.url()).origin, { permission: { name: 'notifications' }, state: payload.state });
        return true;
      }
      await others.get(session.id)?.close();
      others.delete(session.id);
      if (payload.background) {
        const other = await page.browser().newPage();
        others.set(session.id, other);
        await other.bringToFront();
      } else {
        await page.bringToFront();
      }
      return true;
    },
  };
}

export default {
  files: ['test/**/*.test.ts'],
  nodeResolve: { exportConditions: ['development', 'browser'] },
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 120000,
  testsStartTimeout: 120000,
  testsFinishTimeout: 300000,
  testFramework: { config: { timeout: 20000 } },
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: chromiumPath(),
        headless: true,
        args: CHROMIUM_ARGS,
      },
    }),
  ],
  filterBrowserLogs: ({ args }) => !String(args[0]).includes('Lit is in dev mode'),
  middleware: [cspMiddleware, vendorMiddleware, sseTestMiddleware, fetchSseMiddleware, demoTestMiddleware, hubMiddleware, historyMiddleware],
  plugins: [cssInlinePlugin(), esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'auto' }), browserPagePlugin()],
  coverageConfig: {
    include: ['src/**/*.ts'],
    report: true,
    reportDir: 'coverage',
    reporters: ['text-summary', 'lcov'],
  },
  reporters: [defaultReporter({ reportTestResults: true, reportTestProgress: !quick }), countReporter()],
};
