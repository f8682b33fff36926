import type { CSSResult } from 'lit';

/**
 * A module loaded once for the page, the first time an element needs it: the strings of a popover,
 * the colours of a log. Until it has loaded, and for good if the load fails (a file missing beside
 * the bundle), `value` is undefined and the element shows what it can without it.
 */
export class LazyModule<T> {
  readonly #load: () => Promise<T>;
  #started = false;
  #settled = false;
  /** The elements to render again once the load has settled. */
  readonly #waiters = new Set<() => void>();
  value: T | undefined;
  /** While it loads: settles (never rejects) once the load has, after the waiters ran. */
  pending: Promise<void> | undefined;

  constructor(load: () => Promise<T>) {
    this.#load = load;
  }

  /**
   * The module, or undefined while it loads (which this starts); `waiter` runs once the load has
   * settled. The same function asked again waits once.
   */
  need(waiter: () => void): T | undefined {
    if (this.#settled) return this.value;
    this.#waiters.add(waiter);
    if (!this.#started) {
      this.#started = true;
      this.pending = this.#load()
        .then(
          (value) => void (this.value = value),
          () => undefined,
        )
        .then(() => {
          this.#settled = true;
          for (const wake of this.#waiters) wake();
          this.#waiters.clear();
        });
    }
    return undefined;
  }
}

/** Adds a lazily loaded part's styles to a shadow root, once. */
export function adoptStyles(root: ShadowRoot, styles: CSSResult): void {
  const sheet = styles.styleSheet;
  if (sheet && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}
