/** A `<sse-provider>` fed by a `MockBackend` the page drives: no timers of the simulation's own. */
import { MockBackend, type MockProjectSeed } from '../../src/mock/index.js';
import type { SseProvider } from '../../src/sse-provider/sse-provider.js';
import { loadElements, until } from './harness.js';
import type { WireEvent } from './payloads.js';

export interface BenchProvider {
  provider: SseProvider;
  backend: MockBackend;
  /** Sends wire events through the backend, the `MockEventSource` and the provider. */
  send(events: readonly WireEvent[], from?: number, to?: number): void;
  /** Messages the provider has received so far. */
  received(): number;
}

export async function mountProvider(
  parent: HTMLElement,
  projects: string[],
  options: { status?: MockProjectSeed['status'] | ((i: number) => MockProjectSeed['status']); attributes?: Record<string, string> } = {},
): Promise<BenchProvider> {
  await loadElements(['sse-provider']);
  const status = options.status ?? 'running';
  const backend = new MockBackend({
    autoplay: false,
    replayLimit: 1000,
    projects: projects.map((projectId, i) => ({
      projectId,
      name: projectId,
      status: typeof status === 'function' ? status(i) : status,
      cpu: 20 + (i % 60),
      memory: 256 + (i % 10) * 32,
      requests: 1000,
      uptime: 3_600_000,
    })),
  });
  const provider = document.createElement('sse-provider') as SseProvider;
  for (const [name, value] of Object.entries(options.attributes ?? {})) provider.setAttribute(name, value);
  provider.mockBackend = backend;
  parent.append(provider);
  await until(() => provider.state === 'open' && provider.store.size >= projects.length, 'the provider to open');
  return {
    provider,
    backend,
    send(events, from = 0, to = events.length) {
      for (let i = from; i < to; i++) backend.emitRaw(events[i]!);
    },
    received: () => provider.store.connection.stats.received,
  };
}
