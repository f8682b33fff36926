import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { ConnectionInfo, ConnectionState, ConnectionStats } from '../core/store.js';
import { LocaleController } from '../shared/i18n.js';
import { LazyModule } from '../shared/lazy.js';
import { LiveController } from '../shared/live-controller.js';
import { tokens } from '../shared/tokens.js';
import { styles } from './sse-indicator.styles.js';
import './sse-indicator.messages.js';

export type ClosedReason = ConnectionInfo['closedReason'];

/** The counters the popover lists, in order. */
const COUNTERS = ['received', 'applied', 'rejected', 'ignored', 'duplicates', 'reconnects', 'dropped'] as const;

/** Counters given to the indicator in presentational mode; missing ones are not listed. */
export type IndicatorStats = Partial<Pick<ConnectionStats, (typeof COUNTERS)[number]>>;

/** The event types the stream carries, as the popover explains them. */
const EVENTS = ['container_status_changed', 'metrics_updated', 'deployment_progress', 'auto_shutdown'] as const;

/**
 * The popover's texts, loaded once for the page when a popover first opens. Its title and the last
 * error are not among them: the error may be that a lazily loaded file is missing.
 */
const details = new LazyModule(() => import('./sse-indicator-details.messages.js'));

const STATES: readonly string[] = ['connecting', 'open', 'closed'];
const REASONS: readonly string[] = ['retrying', 'disconnected', 'unauthorized'];

/** What the indicator shows: the state, and for `closed` the reason. */
type Shown = 'connecting' | 'open' | ClosedReason;

const EMOJI: Record<Shown, string> = {
  connecting: '🔵',
  open: '✅',
  retrying: '🔴',
  disconnected: '🔴',
  unauthorized: '🔴',
};

// Browsers without CSS anchor positioning get the popover placed once, when it opens.
const anchored = typeof CSS !== 'undefined' && CSS.supports?.('anchor-name', '--a');

/**
 * The state of the live connection, with its emoji and text: 🔵 Connecting… / ✅ Connected (live
 * updates) / 🔴 Disconnected — reconnecting (or just "Disconnected" after `disconnect()`, or
 * "Disconnected — authorization required" when the server refused the credentials).
 *
 * The indicator is a button that opens a popover (click, Enter or Space; Escape or a click outside
 * closes it, and focus stays on the button) with the endpoint (`GET <url>`), the event types the
 * stream carries with one line each, and the live message counters. There are no controls for the
 * update frequency: the server decides it.
 *
 * Inside an `<sse-provider>` it shows the provider's connection; alone it shows its `state`,
 * `closed-reason`, `url` and `stats`.
 *
 * @tagname sse-indicator
 * @summary The live connection's state, with the endpoint, event types and counters in a popover.
 *
 * @csspart trigger - The button showing the state; it opens the popover.
 * @csspart emoji - The state's emoji (hidden from assistive technology: the label says the same).
 * @csspart label - The state's text.
 * @csspart chevron - The arrow that shows the button opens something.
 * @csspart popover - The popover with the connection details.
 * @csspart title - The popover's title.
 * @csspart error - The last connection error, while closed.
 * @csspart endpoint - The `GET <url>` line.
 * @csspart method - The `GET` of the endpoint line.
 * @csspart url - The endpoint's URL.
 * @csspart section-title - The title of the events and counters sections.
 * @csspart events - The list of event types.
 * @csspart event - One event type with its explanation.
 * @csspart event-name - An event type's name.
 * @csspart event-text - An event type's explanation.
 * @csspart stats - The list of counters.
 * @csspart stat - One counter.
 * @csspart stat-name - A counter's name.
 * @csspart stat-value - A counter's value.
 * @csspart note - The closing note that the server decides the update frequency.
 *
 * @cssproperty [--indicator-connecting-color=var(--le-accent)] - Colour of the connecting state.
 * @cssproperty [--indicator-open-color=var(--le-status-running)] - Colour of the connected state.
 * @cssproperty [--indicator-closed-color=var(--le-status-error)] - Colour of the disconnected states.
 * @cssproperty [--indicator-font-size=0.8125rem] - Text size of the button and the popover.
 * @cssproperty [--indicator-radius=999px] - Corner radius of the button.
 * @cssproperty [--indicator-popover-width=25rem] - Width of the popover (it never exceeds the viewport).
 * @cssproperty [--indicator-popover-radius=var(--le-radius)] - Corner radius of the popover.
 * @cssproperty [--indicator-popover-shadow=0 8px 24px rgb(0 0 0 / 0.14)] - Shadow of the popover.
 */
export class SseIndicator extends LitElement {
  static override styles = [tokens, styles];

  static override properties = {
    state: { reflect: true },
    closedReason: { attribute: 'closed-reason', reflect: true },
    url: {},
    stats: { attribute: false },
    open: { type: Boolean, reflect: true },
  };

  readonly #live = new LiveController(this, { connection: true });
  readonly #locale = new LocaleController(this);

  private get _trigger(): HTMLButtonElement {
    return this.renderRoot.querySelector<HTMLButtonElement>('[part~="trigger"]')!;
  }
  private get _popover(): HTMLElement {
    return this.renderRoot.querySelector<HTMLElement>('[part~="popover"]')!;
  }

  #shown: Shown = 'retrying';
  #counters: IndicatorStats | undefined;
  #lastError: string | undefined;

  /** The connection state: `connecting`, `open` or `closed`. Reflects the provider's under a provider. */
  state: ConnectionState = 'closed';

  /** Why a `closed` connection is closed: `retrying` (the default), `disconnected` on request, or `unauthorized`. */
  closedReason: ClosedReason = 'retrying';

  /** The SSE endpoint shown as `GET <url>`; the provider's under a provider. */
  url = '';

  /** The message counters listed in the popover; the provider's live counters under a provider. */
  stats?: IndicatorStats;

  /** Whether the popover is open. */
  open = false;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A removed popover is hidden by the browser without a `toggle` event.
    this.open = false;
  }

  protected override willUpdate(): void {
    const store = this.#live.store;
    if (store) {
      const connection = store.connection;
      this.state = connection.state;
      this.closedReason = connection.closedReason;
      this.url = connection.url;
      this.stats = connection.stats;
      this.#lastError = connection.state === 'closed' ? connection.lastError?.message : undefined;
    } else {
      this.#lastError = undefined;
    }
    const state = STATES.includes(this.state) ? this.state : 'closed';
    this.#shown = state !== 'closed' ? state : REASONS.includes(this.closedReason) ? this.closedReason : 'retrying';
    this.#counters = this.stats;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open') || !this.isConnected) return;
    const showing = this._popover.matches(':popover-open');
    if (this.open && !showing) this._popover.showPopover();
    else if (!this.open && showing) this._popover.hidePopover();
  }

  readonly #detailsLoaded = (): void => this.requestUpdate();

  #onBeforeToggle = (event: ToggleEvent): void => {
    if (event.newState !== 'open') return;
    // Without them (a failed load) the popover still shows the endpoint, event names and counters.
    details.need(this.#detailsLoaded);
    if (anchored) return;
    const box = this._trigger.getBoundingClientRect();
    const style = this._popover.style;
    style.top = `${box.bottom + 6}px`;
    // Open towards the side with more room.
    if (box.left + box.width / 2 > innerWidth / 2) {
      style.left = 'auto';
      style.right = `${Math.max(8, innerWidth - box.right)}px`;
    } else {
      style.right = 'auto';
      style.left = `${Math.max(8, box.left)}px`;
    }
  };

  #onToggle = (event: ToggleEvent): void => {
    const open = event.newState === 'open';
    if (!open && this._popover.contains(this.shadowRoot!.activeElement)) this._trigger.focus();
    this.open = open;
  };

  override render() {
    const shown = this.#shown;
    return html`<button
        part="trigger"
        class="trigger ${shown}"
        type="button"
        popovertarget="details"
        aria-controls="details"
        aria-expanded=${this.open ? 'true' : 'false'}
      >
        <span part="emoji" class="emoji" aria-hidden="true">${EMOJI[shown]}</span>
        <span part="label" class="label">${this.#locale.t(`connection.${shown}`)}</span>
        <svg part="chevron" class="chevron" viewBox="0 0 16 16" aria-hidden="true">
          <path d="m4.5 6.25 3.5 3.5 3.5-3.5" fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
      </button>
      <div
        part="popover"
        id="details"
        class="popover"
        popover="auto"
        role="group"
        aria-labelledby="title"
        @beforetoggle=${this.#onBeforeToggle}
        @toggle=${this.#onToggle}
      >
        <p part="title" id="title" class="title">${this.#locale.t('indicator.title')}</p>
        ${this.#lastError ? html`<p part="error" class="error">${this.#locale.t('indicator.lastError', { message: this.#lastError })}</p>` : nothing}
        ${this.#renderEndpoint()}
        <p part="section-title" class="section-title">${this.#text('indicator.events')}</p>
        <dl part="events" class="events">
          ${EVENTS.map(
            (type) =>
              html`<div part="event" class="event">
                <dt part="event-name" class="event-name"><code>${type}</code></dt>
                <dd part="event-text" class="event-text">${this.#text(`indicator.event.${type}`)}</dd>
              </div>`,
          )}
        </dl>
        ${this.#renderCounters()}
        <p part="note" class="note">${this.#text('indicator.note')}</p>
      </div>`;
  }

  /** A text of the popover: empty until its strings have loaded (the popover's first opening). */
  #text(key: string, vars?: Record<string, string | number>): string {
    return details.value ? this.#locale.t(key, vars) : '';
  }

  #renderEndpoint() {
    if (!this.url) return html`<p part="endpoint" class="endpoint empty">${this.#text('indicator.noEndpoint')}</p>`;
    return html`<p part="endpoint" class="endpoint">
      <span part="method" class="method">GET</span> <code part="url" class="url">${this.url}</code>
    </p>`;
  }

  #renderCounters() {
    const stats = this.#counters;
    if (!stats) return nothing;
    const shown = COUNTERS.filter((name) => typeof stats[name] === 'number');
    if (shown.length === 0) return nothing;
    return html`<p part="section-title" class="section-title">${this.#text('indicator.counters')}</p>
      <dl part="stats" class="stats">
        ${shown.map(
          (name) =>
            html`<div part="stat" class="stat" data-stat=${name}>
              <dt part="stat-name" class="stat-name">${this.#text(`indicator.stat.${name}`)}</dt>
              <dd part="stat-value" class="stat-value">${this.#locale.number(stats[name]!)}</dd>
            </div>`,
        )}
      </dl>`;
  }
}
