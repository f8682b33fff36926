// The demo pages in an iframe on the built bundle, shared by the end-to-end tests. The demo server
// (test/server/demo-endpoints.mjs) is mounted at /demo, same origin. Needs `npm run build` first.
import { until } from '../helpers.js';
import type { SseProvider } from '../../src/sse-provider/sse-provider.js';

export interface Page {
  win: Window & typeof globalThis;
  doc: Document;
  provider: SseProvider;
}

/** Loads `/demo/<path>` in a new iframe of the given size, appended to the body; the caller removes it. */
export async function loadFrame(path: string, width = 1200, height = 900): Promise<HTMLIFrameElement> {
  const iframe = document.createElement('iframe');
  iframe.style.cssText = `width: ${width}px; height: ${height}px; border: 0;`;
  const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
  iframe.src = `/demo/${path}`;
  document.body.append(iframe);
  await loaded;
  return iframe;
}

/** The page in `iframe` once the bundle has defined `<sse-provider>`. */
export async function pageIn(iframe: HTMLIFrameElement): Promise<Page> {
  const win = iframe.contentWindow as Window & typeof globalThis;
  const doc = iframe.contentDocument as Document;
  await until(() => win.customElements.get('sse-provider') !== undefined, 'the bundle to define <sse-provider>', 10000);
  return { win, doc, provider: doc.querySelector('sse-provider') as SseProvider };
}
