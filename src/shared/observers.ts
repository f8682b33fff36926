/**
 * One observer of each kind for every element on the page: each target
 * maps to its element's callback, and the observer is disconnected when its last target leaves.
 */
export interface SharedObserver<E> {
  observe(target: Element, callback: (entry: E) => void): void;
  unobserve(target: Element): void;
}

interface Observer {
  observe(target: Element): void;
  unobserve(target: Element): void;
  disconnect(): void;
}

export function sharedObserver<E extends { target: Element }>(create: (notify: (entries: E[]) => void) => Observer): SharedObserver<E> {
  const callbacks = new Map<Element, (entry: E) => void>();
  let observer: Observer | undefined;
  const notify = (entries: E[]) => {
    // A target unobserved since the entries were queued has no callback any more.
    for (const entry of entries) callbacks.get(entry.target)?.(entry);
  };
  return {
    observe(target, callback) {
      callbacks.set(target, callback);
      observer ??= create(notify);
      observer.observe(target);
    },
    unobserve(target) {
      if (!callbacks.delete(target)) return;
      observer?.unobserve(target);
      if (callbacks.size === 0) {
        observer?.disconnect();
        observer = undefined;
      }
    },
  };
}

/** The page's one ResizeObserver, for every element that follows its size. */
export const resizes = sharedObserver<ResizeObserverEntry>((notify) => new ResizeObserver(notify));

/** The page's one IntersectionObserver on the viewport, for every element that only works while seen. */
export const intersections = sharedObserver<IntersectionObserverEntry>((notify) => new IntersectionObserver(notify));
