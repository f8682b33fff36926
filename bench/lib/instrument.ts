/**
 * Counts what a page leaves running: timers, animation frames, observers with targets, and open
 * `EventSource`s. Imported before anything else in the page, so the library sees the wrapped
 * globals. Each live item keeps a short creation stack, to tell where a leak comes from.
 */

type Kind = 'timeout' | 'interval' | 'animationFrame';

const live = new Map<string, { kind: string; stack: string }>();
const created: Record<string, number> = {};

function stack(): string {
  return (new Error().stack ?? '').split('\n').slice(3, 6).map((line) => line.trim()).join(' < ');
}

function add(kind: string, id: unknown): void {
  live.set(`${kind}:${String(id)}`, { kind, stack: stack() });
  created[kind] = (created[kind] ?? 0) + 1;
}

function remove(kind: Kind, id: unknown): void {
  live.delete(`${kind}:${String(id)}`);
}

const nativeSetTimeout = window.setTimeout.bind(window);
const nativeClearTimeout = window.clearTimeout.bind(window);
const nativeSetInterval = window.setInterval.bind(window);
const nativeClearInterval = window.clearInterval.bind(window);
const nativeRaf = window.requestAnimationFrame.bind(window);
const nativeCancelRaf = window.cancelAnimationFrame.bind(window);

window.setTimeout = ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
  const id = nativeSetTimeout(
    (...a: unknown[]) => {
      remove('timeout', id);
      if (typeof handler === 'function') (handler as (...x: unknown[]) => void)(...a);
    },
    ms,
    ...args,
  );
  add('timeout', id);
  return id;
}) as typeof window.setTimeout;

window.clearTimeout = ((id?: number) => {
  remove('timeout', id);
  remove('interval', id);
  nativeClearTimeout(id);
}) as typeof window.clearTimeout;

window.setInterval = ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
  const id = nativeSetInterval(handler, ms, ...args);
  add('interval', id);
  return id;
}) as typeof window.setInterval;

window.clearInterval = ((id?: number) => {
  remove('interval', id);
  remove('timeout', id);
  nativeClearInterval(id);
}) as typeof window.clearInterval;

window.requestAnimationFrame = (callback: FrameRequestCallback) => {
  const id = nativeRaf((time) => {
    remove('animationFrame', id);
    callback(time);
  });
  add('animationFrame', id);
  return id;
};

window.cancelAnimationFrame = (id: number) => {
  remove('animationFrame', id);
  nativeCancelRaf(id);
};

let observerIds = 0;

/** An observer counts as live while it observes at least one target. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function tracked<T extends new (...args: any[]) => { observe(...a: never[]): void; disconnect(): void }>(Base: T, kind: string): T {
  const Tracked = class extends Base {
    #id = ++observerIds;
    #targets = new Set<unknown>();
    #stack = stack();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...args);
      created[kind] = (created[kind] ?? 0) + 1;
    }
    override observe(...args: never[]): void {
      this.#targets.add(args[0]);
      live.set(`${kind}:${this.#id}`, { kind, stack: `${this.#targets.size} target(s); ${this.#stack}` });
      super.observe(...args);
    }
    unobserve(target: unknown): void {
      this.#targets.delete(target);
      if (this.#targets.size === 0) live.delete(`${kind}:${this.#id}`);
      else live.set(`${kind}:${this.#id}`, { kind, stack: `${this.#targets.size} target(s); ${this.#stack}` });
      (Base.prototype as unknown as { unobserve(t: unknown): void }).unobserve.call(this, target);
    }
    override disconnect(): void {
      this.#targets.clear();
      live.delete(`${kind}:${this.#id}`);
      super.disconnect();
    }
  };
  return Tracked;
}

window.ResizeObserver = tracked(window.ResizeObserver, 'ResizeObserver');
window.IntersectionObserver = tracked(window.IntersectionObserver, 'IntersectionObserver');
window.MutationObserver = tracked(window.MutationObserver, 'MutationObserver');

const NativeEventSource = window.EventSource;
let eventSourceIds = 0;
window.EventSource = class extends NativeEventSource {
  #id = ++eventSourceIds;
  constructor(url: string | URL, init?: EventSourceInit) {
    super(url, init);
    add('EventSource', this.#id);
  }
  override close(): void {
    live.delete(`EventSource:${this.#id}`);
    super.close();
  }
} as typeof EventSource;

/** What is live now, by kind, with the creation stacks of the first few of each. */
export function leftovers(): { counts: Record<string, number>; created: Record<string, number>; samples: Record<string, string[]> } {
  const counts: Record<string, number> = {};
  const samples: Record<string, string[]> = {};
  for (const { kind, stack: where } of live.values()) {
    counts[kind] = (counts[kind] ?? 0) + 1;
    (samples[kind] ??= []).length < 3 && samples[kind]!.push(where);
  }
  return { counts, created: { ...created }, samples };
}
