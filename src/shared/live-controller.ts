import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LiveStore, ProjectState } from '../core/store.js';
import { liveContext, type LiveService } from './context.js';

export interface LiveControllerOptions {
  /** The project to watch; read again on every `sync()`. */
  project?: () => string | undefined;
  /** Watch every project (the all-projects log view); read again on every `sync()`. */
  all?: boolean | (() => boolean);
  /** Watch the connection state and counters. */
  connection?: boolean;
}

/**
 * Connects an element to its nearest `<sse-provider>` and re-renders it — at most once per frame —
 * when the slice it shows changes. Without a provider the element stays in presentational mode.
 */
export class LiveController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: LiveControllerOptions;
  readonly #consumer: ContextConsumer<typeof liveContext, ReactiveControllerHost & HTMLElement>;
  #unsubscribe: (() => void)[] = [];
  #subscribedTo: { store?: LiveStore; project?: string; all?: boolean } = {};
  #connected = false;

  constructor(host: ReactiveControllerHost & HTMLElement, options: LiveControllerOptions) {
    this.#host = host;
    this.#options = options;
    this.#consumer = new ContextConsumer(host, {
      context: liveContext,
      subscribe: true,
      callback: () => this.sync(),
    });
    host.addController(this);
  }

  /** The nearest provider's service, or undefined in presentational mode. */
  get service(): LiveService | undefined {
    return this.#consumer.value;
  }

  get store(): LiveStore | undefined {
    return this.#consumer.value?.store;
  }

  /**
   * Since when the watched project's values are stale (the stream is down), or undefined while
   * they are live, and in presentational mode.
   */
  get downSince(): number | undefined {
    return this.project && this.store!.connection.downSince;
  }

  /** The watched project's state, or undefined when there is no provider or it does not know it. */
  get project(): ProjectState | undefined {
    const id = this.#options.project?.();
    return id === undefined ? undefined : this.store?.getProject(id);
  }

  hostConnected(): void {
    this.#connected = true;
    this.sync();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#release();
  }

  /** Subscribes to what the host shows now; call it when the watched project id changes. */
  sync(): void {
    const store = this.#connected ? this.store : undefined;
    const project = this.#options.project?.();
    const option = this.#options.all;
    const all = typeof option === 'function' ? option() : Boolean(option);
    const current = this.#subscribedTo;
    if (store === current.store && project === current.project && all === current.all) return;
    this.#release();
    this.#subscribedTo = { store, project, all };
    if (!store) return;
    const update = () => this.#host.requestUpdate();
    // A project's values go stale with the stream, and come back with it.
    if (project !== undefined) this.#unsubscribe.push(store.subscribe(project, update), store.subscribeState(update));
    if (all) this.#unsubscribe.push(store.subscribeAll(update));
    if (this.#options.connection) this.#unsubscribe.push(store.subscribeConnection(update));
    this.#host.requestUpdate();
  }

  #release(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    this.#subscribedTo = {};
  }
}
