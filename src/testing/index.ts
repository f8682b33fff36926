/**
 * `@clouddeploy/live-elements/testing`: helpers for a host's own browser tests (@web/test-runner,
 * @open-wc/testing, or any runner in a real browser). Mount the elements under a provider fed by a
 * scripted mock backend, emit protocol events — or raw frames, to test bad input — move the mock
 * clock, and wait for the elements' next render. No network, no timers of its own, no sleeps.
 */
import '../index.js';
import { ManualClock } from '../core/clock.js';
import type { EventPayloads, EventType } from '../core/protocol.js';
import { MockBackend, type MockProjectSeed } from '../mock/index.js';
import type { SseProvider } from '../sse-provider/sse-provider.js';

export interface MountOptions {
  /** Projects the backend knows from the start (sent as the first `snapshot`). Default: none. */
  projects?: MockProjectSeed[];
  /** Attributes for the provider, e.g. `{ 'log-limit': '100' }`. */
  attributes?: Record<string, string>;
  /** Where the provider goes. Default: `document.body`. */
  container?: Element;
  /** The mock clock's start, in epoch ms. */
  now?: number;
}

export interface LiveHarness {
  /** The `<sse-provider>` holding the content. */
  readonly provider: SseProvider;
  /** The scripted backend: REST actions answer from it. */
  readonly backend: MockBackend;
  /** The clock the backend and its REST latency run on. */
  readonly clock: ManualClock;
  /** Sends a protocol event, as the backend would; returns its id. */
  emit<K extends EventType>(type: K, data: EventPayloads[K]): string;
  /** Sends any frame, valid or not: an unknown `event`, data that is not JSON, no `id` (`null`). */
  emitRaw(frame: { event?: string; data: string; id?: string | null }): void;
  /** Moves the mock clock forward, running what falls due (REST answers, scripted timers). */
  advance(ms: number): void;
  /** Resolves once every element under the provider has rendered what was emitted. */
  rendered(): Promise<void>;
  /** Removes the provider and everything in it; the stream closes. */
  remove(): void;
}

const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/**
 * Mounts `content` (an HTML string or a node) inside an `<sse-provider>` on a scripted mock backend
 * and resolves once the stream is open.
 */
export async function mountLive(content: string | Node = '', options: MountOptions = {}): Promise<LiveHarness> {
  const clock = new ManualClock(options.now);
  const backend = new MockBackend({ clock, autoplay: false, latency: 0, projects: options.projects ?? [] });
  const provider = document.createElement('sse-provider');
  for (const [name, value] of Object.entries(options.attributes ?? {})) provider.setAttribute(name, value);
  provider.mockBackend = backend;
  if (typeof content === 'string') provider.innerHTML = content;
  else provider.append(content);
  (options.container ?? document.body).append(provider);

  // The mock module loads asynchronously; then the stream opens on the mock clock.
  for (let attempt = 0; provider.state !== 'open'; attempt++) {
    if (attempt > 500) throw new Error('mountLive: the mock stream did not open');
    clock.advance(1);
    await new Promise((resolve) => setTimeout(resolve, attempt < 10 ? 0 : 10));
  }

  const harness: LiveHarness = {
    provider,
    backend,
    clock,
    emit: (type, data) => backend.emit(type, data).id,
    emitRaw: (raw) => backend.emitRaw(raw),
    advance: (ms) => clock.advance(ms),
    async rendered() {
      // The store tells the elements once per animation frame; then each finishes its update.
      await frame();
      const elements = [provider, ...provider.querySelectorAll('*')] as (Element & { updateComplete?: Promise<unknown> })[];
      await Promise.all(elements.map((element) => element.updateComplete));
    },
    remove: () => provider.remove(),
  };
  await harness.rendered();
  return harness;
}
