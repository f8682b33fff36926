/**
 * An `EventSource` that reads from a `MockBackend` instead of the network, so it can stand in for
 * the real one anywhere: in the provider's `mock` mode, in stories, and in tests.
 */
import { MessageTarget } from '../core/message-target.js';
import { MockBackend, type MockConnection, type MockWireFrame } from './simulation.js';

let defaultBackend: MockBackend | undefined;

/** The backend every `MockEventSource` created without one shares; created on first use. */
export function getDefaultMockBackend(): MockBackend {
  defaultBackend ??= new MockBackend();
  return defaultBackend;
}

type Handler<E extends Event> = ((this: EventSource, event: E) => unknown) | null;

/** Relative URLs resolve against the page, as with a real `EventSource`; in Node there is no page. */
function absolute(url: string | URL): string {
  const base = (globalThis as { location?: { href: string } }).location?.href ?? 'http://localhost/';
  return new URL(String(url), base).href;
}

// The typed overloads of a real `EventSource`, so that a `MockEventSource` is one to the type checker.
export interface MockEventSource {
  addEventListener<K extends keyof EventSourceEventMap>(
    type: K,
    listener: (this: EventSource, event: EventSourceEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: (this: EventSource, event: MessageEvent) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof EventSourceEventMap>(
    type: K,
    listener: (this: EventSource, event: EventSourceEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: (this: EventSource, event: MessageEvent) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/**
 * Opens asynchronously on the backend's clock, then sends a `snapshot` first — or, when the URL has a
 * `lastEventId` query parameter still in the backend's replay buffer, exactly the frames after it —
 * then live frames. Unlike a browser's `EventSource` it never reconnects on its own: after a failure
 * it is `CLOSED`, and reconnecting is the caller's job.
 */
export class MockEventSource extends MessageTarget implements EventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;

  readonly url: string;
  readonly withCredentials: boolean;
  readonly backend: MockBackend;

  #readyState: number = MockEventSource.CONNECTING;
  /** The WHATWG "last event ID string": it stays on later messages that carry no id of their own. */
  #lastEventId = '';
  #origin: string;
  #openTimer: unknown;
  #connection: MockConnection | null = null;
  #handlers = new Map<string, Handler<Event>>();

  constructor(url: string | URL, init?: { withCredentials?: boolean }, backend: MockBackend = getDefaultMockBackend()) {
    super();
    this.url = absolute(url);
    this.withCredentials = Boolean(init?.withCredentials);
    this.backend = backend;
    this.#origin = new URL(this.url).origin;
    this.#openTimer = backend.clock.setTimeout(() => this.#connect(), 0);
  }

  get readyState(): number {
    return this.#readyState;
  }

  get onopen(): Handler<Event> {
    return this.#handlers.get('open') ?? null;
  }
  set onopen(handler: Handler<Event>) {
    this.#setHandler('open', handler);
  }

  get onmessage(): Handler<MessageEvent> {
    return (this.#handlers.get('message') as Handler<MessageEvent>) ?? null;
  }
  set onmessage(handler: Handler<MessageEvent>) {
    this.#setHandler('message', handler as Handler<Event>);
  }

  get onerror(): Handler<Event> {
    return this.#handlers.get('error') ?? null;
  }
  set onerror(handler: Handler<Event>) {
    this.#setHandler('error', handler);
  }

  /** Stops the stream at once; no event fires after it. */
  close(): void {
    if (this.#openTimer !== undefined) {
      this.backend.clock.clearTimeout(this.#openTimer);
      this.#openTimer = undefined;
    }
    this.#readyState = MockEventSource.CLOSED;
    this.#connection?.close();
    this.#connection = null;
  }

  #connect(): void {
    this.#openTimer = undefined;
    const lastEventId = new URL(this.url).searchParams.get('lastEventId');
    const connection = this.backend.connect(
      {
        open: () => {
          this.#readyState = MockEventSource.OPEN;
          this.dispatchEvent(new Event('open'));
        },
        frame: (frame) => this.#receive(frame),
        drop: () => this.#fail(),
      },
      lastEventId,
    );
    if (!connection) {
      // Refused: like a browser's EventSource after an HTTP error, it fails without ever opening.
      this.#fail();
      return;
    }
    // The `open` handler may already have closed this source.
    if (this.#readyState === MockEventSource.CLOSED) connection.close();
    else this.#connection = connection;
  }

  #receive(frame: MockWireFrame): void {
    if (this.#readyState !== MockEventSource.OPEN) return;
    if (frame.id !== undefined) this.#lastEventId = frame.id;
    // An id-only block moves the last event id and dispatches nothing.
    if (frame.data === '') return;
    // `hasId` tells the client what a browser's EventSource cannot: whether this message carried an
    // id of its own (two messages in a row with the same id are then a duplicate, not "no id").
    const type = frame.event || 'message';
    const lastEventId = this.#lastEventId;
    const hasId = frame.id !== undefined;
    // No closure per message: the event is built only for a type a DOM listener wants.
    if (this.toSink(type, frame.data, lastEventId, hasId)) {
      this.dispatchEvent(Object.assign(new MessageEvent(type, { data: frame.data, lastEventId, origin: this.#origin }), { hasId }));
    }
  }

  #fail(): void {
    this.#readyState = MockEventSource.CLOSED;
    this.#connection = null;
    this.dispatchEvent(new Event('error'));
  }

  /**
   * Like an event handler attribute: registered as a listener the first time it is set, so it runs
   * in order with `addEventListener` listeners, and calls whatever handler is current.
   */
  #setHandler(type: string, handler: Handler<Event>): void {
    if (!this.#handlers.has(type)) {
      this.addEventListener(type, (event) => {
        const current = this.#handlers.get(type);
        if (typeof current === 'function') current.call(this, event);
      });
    }
    this.#handlers.set(type, typeof handler === 'function' ? handler : null);
  }
}
