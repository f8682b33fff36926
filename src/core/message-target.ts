/** One message as a transport hands it over: no DOM event needed. */
export type MessageSink = (type: string, data: string, lastEventId: string, hasId: boolean) => void;

/**
 * The base of this library's own transports (the mock and the fetch one): an `EventTarget` whose
 * messages can also go straight to a sink. Once a sink is attached, a `MessageEvent` is built and
 * dispatched only for the types a DOM listener was added for — building and dispatching a DOM event
 * costs several times what parsing the message does, and at thousands of messages a second that
 * is most of the work.
 */
export class MessageTarget extends EventTarget {
  #sink: MessageSink | undefined;
  /** Types a DOM listener was ever added for (never forgotten: a stale entry only costs an event). */
  readonly #listened = new Set<string>();

  /** Hands every later message to `sink` first, in order, before any DOM listener sees it. */
  attachSink(sink: MessageSink): void {
    this.#sink = sink;
  }

  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    if (listener) this.#listened.add(type);
    super.addEventListener(type, listener, options);
  }

  /** Delivers one message: to the sink, and as the event `create` builds to DOM listeners of `type`. */
  protected deliver(type: string, data: string, lastEventId: string, hasId: boolean, create: () => Event): void {
    if (this.toSink(type, data, lastEventId, hasId)) this.dispatchEvent(create());
  }

  /** Hands one message to the sink; returns whether DOM listeners of `type` want it as an event too. */
  protected toSink(type: string, data: string, lastEventId: string, hasId: boolean): boolean {
    const sink = this.#sink;
    if (sink) sink(type, data, lastEventId, hasId);
    return !sink || this.#listened.has(type);
  }
}
