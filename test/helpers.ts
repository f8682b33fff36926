/**
 * Shared test helpers. Importing this module also makes every test fail on a Lit development-mode
 * warning (other than the one notice that dev mode is on).
 */

/** Resolves after the next animation frame, when the store has told its listeners. */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** Resolves after `n` animation frames. */
export async function frames(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await nextFrame();
}

/** Waits until `predicate` holds, checking every 10 ms; fails with `message` after `timeout` ms. */
export async function until(predicate: () => boolean | Promise<boolean>, message = 'condition', timeout = 5000): Promise<void> {
  const end = performance.now() + timeout;
  while (!(await predicate())) {
    if (performance.now() > end) throw new Error(`Timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const litWarnings: string[] = [];
const originalWarn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  const text = args.map(String).join(' ');
  const isDevModeNotice = /Lit is in dev mode/.test(text);
  if (!isDevModeNotice && /lit\.dev\/msg|Lit /.test(text)) litWarnings.push(text);
  originalWarn(...args);
};

afterEach(() => {
  if (litWarnings.length > 0) {
    const found = litWarnings.splice(0);
    throw new Error(`Lit dev-mode warnings:\n${found.join('\n')}`);
  }
});
