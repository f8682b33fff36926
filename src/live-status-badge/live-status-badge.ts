import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { isContainerStatus, type ContainerStatus } from '../core/protocol.js';
import { LocaleController } from '../shared/i18n.js';
import { LiveController } from '../shared/live-controller.js';
import { intersections } from '../shared/observers.js';
import { tokens } from '../shared/tokens.js';
import { styles } from './live-status-badge.styles.js';
import './live-status-badge.messages.js';

/**
 * A container's status as a compact pill: a coloured icon and a text label, so colour is never the
 * only cue. Running pulses and deploying spins; both stop under `prefers-reduced-motion`, a badge
 * out of the viewport keeps still until it scrolls into view, and every badge under a provider keeps
 * still while the page cannot keep up with the stream (the provider's `overloaded` state: a storm of
 * changes), so that hundreds of pulses starting and stopping a second do not cost the page more.
 *
 * Inside an `<sse-provider>` it shows the status of `project-id` from the shared store; a project
 * the provider does not know shows a neutral "Unknown" badge. Alone, it shows its `status`
 * attribute.
 *
 * While the provider's stream is down the status may no longer be true: the badge stops moving,
 * its edge turns dashed, and it says so in words ("Not live, last update at 14:02:05", in its
 * tooltip and to screen readers); it is itself again once the stream is back. It reflects `stale`.
 *
 * Status changes are not announced by default, so a dashboard of a hundred badges does not flood a
 * screen reader. Add `announce` to the one badge whose changes matter (a project's details page):
 * it becomes a polite live region.
 *
 * @tagname live-status-badge
 * @summary A project's status as a badge: colour, icon and text.
 *
 * @csspart base - The pill holding the icon and the label.
 * @csspart icon - The status icon (hidden from assistive technology: the label says the same).
 * @csspart pulse - The ring that pulses behind the icon while running.
 * @csspart spinner - The spinning icon while deploying.
 * @csspart label - The status text.
 *
 * @cssproperty [--badge-running-color=var(--le-status-running)] - Colour of the running badge.
 * @cssproperty [--badge-deploying-color=var(--le-status-deploying)] - Colour of the deploying badge.
 * @cssproperty [--badge-stopped-color=var(--le-status-stopped)] - Colour of the stopped badge.
 * @cssproperty [--badge-inactive-color=var(--le-status-inactive)] - Colour of the inactive badge.
 * @cssproperty [--badge-error-color=var(--le-status-error)] - Colour of the error badge.
 * @cssproperty [--badge-unknown-color=var(--le-text-muted)] - Colour of the badge with no known status.
 * @cssproperty [--badge-font-size=0.75rem] - Text size; the icon scales with it.
 * @cssproperty [--badge-radius=999px] - Corner radius of the pill.
 * @cssproperty [--badge-padding=0.125rem 0.5rem 0.125rem 0.4375rem] - Padding of the pill.
 * @cssproperty [--badge-tint=14%] - How much of the status colour tints the pill's background.
 * @cssproperty [--badge-pulse-duration=1.8s] - Length of one pulse.
 * @cssproperty [--badge-spin-duration=0.9s] - Length of one spinner turn.
 */
export class LiveStatusBadge extends LitElement {
  static override styles = [tokens, styles];

  // Declared without decorators: the badge is the element most pages load alone, and this keeps
  // the decorator helpers out of its entry.
  static override properties = {
    projectId: { attribute: 'project-id' },
    status: { reflect: true },
    announce: { type: Boolean, reflect: true },
    stale: { type: Boolean, reflect: true },
  };

  readonly #live = new LiveController(this, { project: () => this.projectId });
  readonly #locale = new LocaleController(this);

  /** The status shown: a known status, or undefined for the neutral state. */
  #shown: ContainerStatus | undefined;
  #since: number | undefined;
  #downSince: number | undefined;
  /** The language last rendered. */
  #lang = '';
  /** Whether the shared IntersectionObserver watches this badge: only while it animates. */
  #watched = false;
  /** Whether it keeps still because the page is overloaded. */
  #overloaded = false;
  readonly #internals = this.attachInternals();

  /** The project whose status is shown, from the nearest `<sse-provider>`. */
  declare projectId: string | undefined;

  /** The status shown (`running`, `deploying`, `stopped`, `inactive`, `error`); reflects the store's under a provider. */
  declare status: ContainerStatus | undefined;

  /** Makes this badge a polite live region that announces its status changes. Off by default. */
  declare announce: boolean;

  /**
   * Whether the status may no longer be true: set under a provider while its stream is down (the
   * badge then says since when); set it yourself in presentational mode.
   */
  declare stale: boolean;

  constructor() {
    super();
    this.announce = false;
    this.stale = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#watch();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#watch();
  }

  protected override shouldUpdate(changed: PropertyValues<this>): boolean {
    // While the page cannot keep up with its stream the badge keeps still: each pulse or spinner
    // that starts costs the frames after it, and a storm starts hundreds a second. Set in place,
    // with no render: only the animated parts restyle.
    const overloaded = this.#live.store?.overloaded === true;
    if (overloaded !== this.#overloaded) this.#internals.states?.[(this.#overloaded = overloaded) ? 'add' : 'delete']('overloaded');
    // The store tells a badge about every change to its project — metrics and log lines too. Only
    // its status, the time it changed, and the language show: anything else costs no render.
    if (changed.size > 0 || !this.hasUpdated) return true;
    const project = this.projectId === undefined ? undefined : this.#live.store?.getProject(this.projectId);
    return this.#live.store === undefined || project?.status !== this.status || project?.statusChangedAt !== this.#since || this.#live.downSince !== this.#downSince || this.#locale.lang !== this.#lang;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.#lang = this.#locale.lang;
    if (changed.has('projectId')) this.#live.sync();
    const store = this.#live.store;
    if (store && this.projectId !== undefined) {
      // Under a provider the store wins, and a project it does not know has no status.
      const project = store.getProject(this.projectId);
      this.status = project?.status;
      this.#since = project?.statusChangedAt;
      this.#downSince = this.#live.downSince;
      this.stale = this.#downSince !== undefined;
    } else {
      this.#since = this.#downSince = undefined;
    }
    this.#shown = isContainerStatus(this.status) ? this.status : undefined;
  }

  protected override updated(): void {
    this.#watch();
  }

  /**
   * Animation runs only while the badge is in the viewport: a page of a thousand badges would
   * otherwise tick hundreds of animations nobody sees, on the main thread and the compositor. A
   * badge is watched from the first time it animates, and stays still until the observer first
   * says it is seen; then it stays watched until it leaves the document, whatever its status, so
   * that a change of status is shown in the frame that renders it (with the badge's place already
   * known) and never costs a frame of its own. A badge that never animates is never watched.
   */
  #watch(): void {
    const connected = this.isConnected;
    const animates = connected && !this.stale && (this.#shown === 'running' || this.#shown === 'deploying');
    if (animates && !this.#watched) {
      this.#watched = true;
      this.#internals.states?.add('offscreen');
      intersections.observe(this, (entry) => {
        if (entry.isIntersecting) this.#internals.states?.delete('offscreen');
        else this.#internals.states?.add('offscreen');
      });
    } else if (!connected && this.#watched) {
      this.#watched = false;
      intersections.unobserve(this);
      this.#internals.states?.delete('offscreen');
    }
  }

  override render() {
    const status = this.#shown;
    const key = status ?? 'unknown';
    const label = this.#locale.t(key);
    const stale = this.stale && status ? this.#locale.stale(this.#downSince) : undefined;
    const title =
      stale ?? (status && this.#since !== undefined ? this.#locale.t('badge.since', { status: label, time: this.#locale.time(this.#since) }) : undefined);
    // One structure for every status: a change of status rewrites a class, two path outlines and
    // the label, and creates no node (a dashboard's badges change many times a second).
    const [shape, arc] = SHAPES[key];
    return html`<span part="base" class="base ${key} ${stale ? 'stale' : ''}" role=${this.announce ? 'status' : nothing} title=${title ?? nothing}
      ><span part="icon" class="icon" aria-hidden="true"
        ><span part=${status === 'running' ? 'pulse' : nothing} class="pulse"></span
        ><svg part=${status === 'deploying' ? 'spinner' : nothing} viewBox="0 0 16 16"
          ><path class="shape" d=${shape} /><path class="arc" d=${arc ?? nothing} /></svg></span
      ><span part="label" class="label">${label}${stale ? html`<span class="visually-hidden">, ${stale}</span>` : nothing}</span></span
    >`;
  }
}

/**
 * Each status has its own shape, so the badge reads without colour: a dot (it pulses), a ring with
 * a spinning arc, a square, pause bars, an exclamation mark, and a dashed ring for "unknown". The
 * styles say which outlines are filled and which are stroked.
 */
const SHAPES: Record<ContainerStatus | 'unknown', [shape: string, arc?: string]> = {
  running: ['M8 3.5a4.5 4.5 0 1 1 0 9a4.5 4.5 0 1 1 0-9Z'],
  deploying: ['M8 2.5a5.5 5.5 0 1 1 0 11a5.5 5.5 0 1 1 0-11Z', 'M8 2.5a5.5 5.5 0 0 1 5.5 5.5'],
  stopped: ['M5 3.5h6A1.5 1.5 0 0 1 12.5 5v6a1.5 1.5 0 0 1-1.5 1.5H5A1.5 1.5 0 0 1 3.5 11V5A1.5 1.5 0 0 1 5 3.5Z'],
  inactive: ['M4.75 3h1a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1h-1a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1ZM10.25 3h1a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1h-1a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1Z'],
  error: ['M8 1a7 7 0 1 1 0 14A7 7 0 0 1 8 1ZM7 4h2v5H7Zm0 6.5h2v2H7Z'],
  unknown: ['M8 2.75a5.25 5.25 0 1 1 0 10.5a5.25 5.25 0 1 1 0-10.5Z'],
};
