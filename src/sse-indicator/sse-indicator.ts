import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { ConnectionInfo, ConnectionState, ConnectionStats, RateLimitInfo } from '../core/store.js';
import { LocaleController } from '../shared/i18n.js';
import { LazyModule, adoptStyles } from '../shared/lazy.js';
import { LiveController } from '../shared/live-controller.js';
import { tokens } from '../shared/tokens.js';
import type { Counter } from './sse-indicator-details.js';
import { styles } from './sse-indicator.styles.js';
import './sse-indicator.messages.js';

export type ClosedReason = ConnectionInfo['closedReason'];

/** Counters given to the indicator in presentational mode; missing ones are not listed. */
export type IndicatorStats = Partial<Pick<ConnectionStats, Counter>>;

/** Rate-limit figures given to the indicator in presentational mode: `limit` and `remaining`, and what else is known. */
export type IndicatorRateLimit = Pick<RateLimitInfo, 'limit' | 'remaining'> & Partial<RateLimitInfo>;

/**
 * The popover's texts, styles, event types and counters, loaded once for the page when a popover
 * first opens. What it shows without them (a failed load) is drawn here: its title, the last error
 * (which may be that a lazily loaded file is missing) and the endpoint.
 */
const details = new LazyModule(() => import('./sse-indicator-details.js'));

const REASONS: readonly string[] = ['retrying', 'disconnected', 'unauthorized'];

/** What the indicator shows: the state, and for `closed` the reason. */
type Shown = 'connecting' | 'open' | ClosedReason;

/** The states' emoji, and the icons drawn instead where emoji do not render; a closed state has 🔴 and a cross. */
const EMOJI: Partial<Record<Shown, string>> = { connecting: '🔵', open: '✅' };
const ICON: Partial<Record<Shown, string>> = { connecting: 'M8 2a6 6 0 1 0 6 6', open: 'm3.5 8.5 3 3 6-7' };

let colourEmoji: boolean | undefined;

/**
 * Whether the page draws emoji in colour, found once. Where no emoji font is installed, 🔴 is an
 * empty box or a monochrome glyph, never red.
 */
function drawsEmoji(): boolean {
  if (colourEmoji === undefined) {
    // Without a canvas to ask, the icons: they always draw.
    const context = typeof OffscreenCanvas === 'undefined' ? null : new OffscreenCanvas(16, 16).getContext('2d');
    if (!context) return (colourEmoji = false);
    context.fillText('🔴', 0, 12);
    const pixels = context.getImageData(0, 0, 16, 16).data;
    colourEmoji = false;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i]! - pixels[i + 2]! > 64) colourEmoji = true;
  }
  return colourEmoji;
}

// Browsers without CSS anchor positioning show the popover in the middle of the viewport.
const anchored = typeof CSS !== 'undefined' && CSS.supports?.('anchor-name', '--a');

/**
 * The state of the live connection, with its emoji and text: 🔵 Connecting… / ✅ Connected (live
 * updates) / 🔴 Disconnected — reconnecting (or just "Disconnected" after `disconnect()`, or
 * "Disconnected — authorization required" when the server refused the credentials). Where the
 * page cannot draw emoji in colour (no emoji font installed), a small icon in the state's colour
 * stands in for the emoji: a broken ring while connecting, a check mark when connected, a cross
 * when disconnected.
 *
 * The indicator is a button that opens a popover (click, Enter or Space) with the endpoint
 * (`GET <url>`), the event types the stream carries with one line each, and the live message
 * counters. Tab moves focus from the button into the popover (which scrolls when it is taller than
 * the room it has) and on to the page. Escape closes the popover and returns focus to the button; a
 * click outside, or focus moving on to the rest of the page, closes it and leaves focus where it
 * went. The popover stays inside the viewport: under the button, or over it when there is more room
 * there, slid sideways near an edge (in the middle of the viewport in browsers without CSS anchor
 * positioning). Its counters never break across lines: on a narrow screen fewer share a row. There
 * are no controls for the update frequency: the server decides it.
 *
 * Rate limits: the popover shows the last figures the backend gave — requests left of the limit,
 * when the window resets, the policy, and whether they came from an action's answer, the stream's
 * answer or a `rate_limit` event. A quota near exhaustion (at most a tenth left, or none) shows
 * without opening the popover: a small marker on the button ("1/10", in the warning colour, the
 * error colour at 0) that says in words "Rate limit: 1 of 10 left"; it goes when the window resets.
 * Figures that make no sense (more left than the limit, a limit below 1) are never shown.
 *
 * The popover's texts, styles and counters load the first time a popover opens on the page (a
 * second small file beside the bundle); until then, for half a second at most, it stays transparent.
 * The same file brings the marker's words, when a quota first runs low.
 *
 * Inside an `<sse-provider>` it shows the provider's connection; alone it shows its `state`,
 * `closed-reason`, `url`, `stats` and `rateLimit`.
 *
 * @tagname sse-indicator
 * @summary The live connection's state, with the endpoint, event types and counters in a popover.
 *
 * @csspart trigger - The button showing the state; it opens the popover.
 * @csspart emoji - The state's emoji, where the page draws emoji in colour (hidden from assistive technology: the label says the same).
 * @csspart icon - The state's icon, an SVG drawn instead of the emoji where the page cannot draw emoji in colour (hidden from assistive technology).
 * @csspart label - The state's text.
 * @csspart quota - On the button, while the rate limit is near exhaustion: requests left of the limit ("1/10"), said in words to assistive technology.
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
 * @csspart stat-value - A counter's value (never broken across lines).
 * @csspart note - The closing note that the server decides the update frequency.
 * @csspart limits - The list of the last rate-limit figures (left, reset, policy, project).
 * @csspart limit - One rate-limit figure.
 * @csspart limit-name - A figure's name.
 * @csspart limit-value - A figure's value.
 * @csspart limit-source - Where the figures came from.
 *
 * @cssproperty [--indicator-connecting-color=var(--le-accent)] - Colour of the connecting state.
 * @cssproperty [--indicator-open-color=var(--le-status-running)] - Colour of the connected state.
 * @cssproperty [--indicator-closed-color=var(--le-status-error)] - Colour of the disconnected states.
 * @cssproperty [--indicator-quota-color=var(--le-status-deploying)] - Colour of the marker of a quota running low.
 * @cssproperty [--indicator-quota-out-color=var(--le-status-error)] - Colour of the marker of a quota used up.
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
    rateLimit: { attribute: false },
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
  #emoji = false;
  #lastError: string | undefined;
  /** The rate limit is near exhaustion: the marker shows on the button. */
  #low = false;
  /** Re-renders when a low quota's window resets. */
  #resetTimer: ReturnType<typeof setTimeout> | undefined;

  /** The connection state: `connecting`, `open` or `closed`. Reflects the provider's under a provider. */
  state: ConnectionState = 'closed';

  /** Why a `closed` connection is closed: `retrying` (the default), `disconnected` on request, or `unauthorized`. */
  closedReason: ClosedReason = 'retrying';

  /** The SSE endpoint shown as `GET <url>`; the provider's under a provider. */
  url = '';

  /** The message counters listed in the popover; the provider's live counters under a provider. */
  stats?: IndicatorStats;

  /** The last rate-limit figures, shown in the popover; the provider's under a provider. */
  rateLimit?: IndicatorRateLimit;

  /** Whether the popover is open. */
  open = false;

  constructor() {
    super();
    // Focus gone from the trigger and the popover to the rest of the page closes the popover. Focus
    // moving between those two is not seen here; with no `relatedTarget` the window lost focus (another
    // tab or application), and the popover stays for when the user comes back.
    this.addEventListener('focusout', ({ relatedTarget }) => {
      if (relatedTarget && !this.contains(relatedTarget as Node)) this.open = false;
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A removed popover is hidden by the browser without a `toggle` event.
    this.open = false;
    clearTimeout(this.#resetTimer);
  }

  protected override willUpdate(): void {
    const store = this.#live.store;
    if (store) {
      const connection = store.connection;
      this.state = connection.state;
      this.closedReason = connection.closedReason;
      this.url = connection.url;
      this.stats = connection.stats;
      this.rateLimit = connection.rateLimit;
      this.#lastError = connection.state === 'closed' ? connection.lastError?.message : undefined;
    } else {
      this.#lastError = undefined;
    }
    // Near exhaustion: a tenth or less left, until the window resets. (The popover's module, which
    // draws the marker, leaves out figures that make no sense.)
    const limits = this.rateLimit;
    const reset = limits?.reset;
    this.#low = !!limits && limits.remaining <= limits.limit / 10 && !(reset! <= Date.now());
    clearTimeout(this.#resetTimer);
    if (this.#low) {
      details.need(this.#detailsLoaded);
      if (reset) this.#resetTimer = setTimeout(this.#detailsLoaded, reset - Date.now());
    }
    const state = this.state;
    this.#shown = state === 'connecting' || state === 'open' ? state : REASONS.includes(this.closedReason) ? this.closedReason : 'retrying';
    this.#emoji = drawsEmoji();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (details.value) adoptStyles(this.shadowRoot!, details.value.styles);
    if (!changed.has('open') || !this.isConnected) return;
    const showing = this._popover.matches(':popover-open');
    if (this.open && !showing) this._popover.showPopover();
    else if (!this.open && showing) this._popover.hidePopover();
  }

  readonly #detailsLoaded = (): void => this.requestUpdate();

  #onBeforeToggle = (event: ToggleEvent): void => {
    if (event.newState !== 'open') return;
    details.need(this.#detailsLoaded);
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
        ${this.#emoji
          ? html`<span part="emoji" class="emoji" aria-hidden="true">${EMOJI[shown] ?? '🔴'}</span>`
          : html`<svg part="icon" class="icon" viewBox="0 0 16 16" aria-hidden="true"><path d=${ICON[shown] ?? 'M4 4l8 8m0-8-8 8'} /></svg>`}
        <span part="label" class="label">${this.#locale.t(`connection.${shown}`)}</span>
        ${this.#low ? details.value?.renderQuota(this.#locale, this.rateLimit!) : nothing}
        <svg part="chevron" class="chevron" viewBox="0 0 16 16" aria-hidden="true"><path d="m4.5 6.25 3.5 3.5 3.5-3.5" /></svg>
      </button>
      <div
        part="popover"
        id="details"
        class=${anchored ? 'popover anchored' : 'popover'}
        popover="auto"
        role="group"
        aria-labelledby="title"
        tabindex="0"
        @beforetoggle=${this.#onBeforeToggle}
        @toggle=${this.#onToggle}
      >
        <p part="title" id="title">${this.#locale.t('indicator.title')}</p>
        ${this.#lastError ? html`<p part="error">${this.#locale.t('indicator.lastError', { message: this.#lastError })}</p>` : nothing}
        ${this.url
          ? html`<p part="endpoint"><span part="method">GET</span> <code part="url">${this.url}</code></p>`
          : html`<p part="endpoint" class="empty">${this.#text('indicator.noEndpoint')}</p>`}
        ${this.rateLimit && details.value?.renderLimits(this.#locale, this.rateLimit)}
        <p part="section-title">${this.#text('indicator.events')}</p>
        <dl part="events">
          ${details.value?.renderEvents(this.#locale)}
        </dl>
        ${details.value?.renderEnd(this.#locale, this.stats)}
      </div>`;
  }

  /** A text of the popover: empty until its strings have loaded (the popover's first opening). */
  #text(key: string): string {
    return details.value ? this.#locale.t(key) : '';
  }
}
