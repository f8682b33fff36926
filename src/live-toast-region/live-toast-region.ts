import { ContextConsumer } from '@lit/context';
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { realClock, type Clock } from '../core/clock.js';
import type { AutoShutdown, ContainerStatusChanged, DeploymentProgress } from '../core/protocol.js';
import type { LiveStore, ProjectState } from '../core/store.js';
import { liveContext } from '../shared/context.js';
import { LocaleController } from '../shared/i18n.js';
import { LazyModule, adoptStyles } from '../shared/lazy.js';
import { tokens } from '../shared/tokens.js';
import { styles } from './live-toast-region.styles.js';
import './live-toast-region.messages.js';

export type ToastKind = 'info' | 'success' | 'warning' | 'error';

export type ToastPosition = 'top-start' | 'top-center' | 'top-end' | 'bottom-start' | 'bottom-center' | 'bottom-end' | 'inline';

/** What `show()` takes. */
export interface ToastOptions {
  /** `info` (default), `success`, `warning` or `error`. */
  kind?: ToastKind;
  title: string;
  message?: string;
  /**
   * Milliseconds before it dismisses itself; 0 keeps it until dismissed. Default: the region's
   * `duration`, twice that for a warning, and 0 for an error.
   */
  duration?: number;
  /** A toast with the same key replaces the one showing. */
  key?: string;
  /**
   * An important event: also a desktop notification while the page does not have focus (needs
   * `desktop-notifications` and permission), and a tone (needs `sound`).
   */
  desktop?: boolean;
}

/** What a tone or a desktop notification is for. `toast`: a host's `show()` with `desktop`. */
export type AlertReason = 'succeeded' | 'failed' | 'crashed' | 'auto-shutdown' | 'action-error' | 'toast';

/** The detail of the `sound` event. */
export interface SoundDetail {
  /** Which tone: `error` (errors and auto-shutdown) or `success` (a deployment that succeeded). */
  kind: 'error' | 'success';
  reason: AlertReason;
  projectId?: string;
}

/** The detail of the `notification-click` event. */
export interface NotificationClickDetail {
  /** The project the notification was about; undefined for a host's own toast. */
  projectId?: string;
}

/** Text as given by a host, or a message key translated at render time (so it follows `lang`). */
type Text = string | { key: string; vars?: Record<string, string | number> };

interface Toast {
  id: number;
  kind: ToastKind;
  title: Text;
  message?: Text;
  /** 0: stays until dismissed. */
  duration: number;
  remaining: number;
  key?: string;
  /** Set for an important event: it may also sound and raise a desktop notification. */
  alert?: AlertReason;
  project?: string;
}

interface ActionEventDetail {
  projectId: string;
  action: string;
  status?: number;
  message?: string;
}

/** Per provider: whether it was ever open, and since when it has been down. */
interface ConnectionMemory {
  everOpen: boolean;
  downSince?: number;
}

const LISTENED = ['sse-state-change', 'auto-shutdown', 'action-success', 'action-error', 'container-status-changed', 'deployment-progress'] as const;

/** What a status change ends: the outcome of a deployment, or a crash. */
const OUTCOMES: Record<string, string> = { 'deploying>running': 'succeeded', 'deploying>error': 'failed', 'running>error': 'crashed' };
const ACTIONS = new Set(['start', 'stop', 'refresh', 'reactivate', 'retry', 'delete']);

/** The mute toggle and the tones: loaded the first time a region with `sound` renders. */
const soundPart = new LazyModule(() => import('./sound.js'));
/** A toast's icon, buttons and looks: loaded the first time a region shows a toast. */
const toastView = new LazyModule(() => import('./toast-view.js'));

/**
 * Toasts for what happens on the stream and to the actions: "SSE connection established" when the
 * provider first connects (and "Connection restored" after an outage of at least `reconnect-notice`
 * ms, never for a brief flap), a warning when a container is paused for inactivity, the outcome
 * of every container action ("Deployment started" when a start begins a deployment), and the
 * outcome of every deployment from the stream alone: "Deployment succeeded" (deploying → running),
 * "Deployment failed" with the last error line (deploying → error), and "Container crashed"
 * (running → error). Hosts add their own with `show()`.
 *
 * Where it listens: the DOM events of the `<sse-provider>` whose id is in `for`; else of the
 * provider it finds through context, like every other element (its nearest ancestor, across shadow
 * roots); else of the whole document (every provider on the page). The events are the public ones —
 * `sse-state-change`, `auto-shutdown`, `action-success`, `action-error`, `container-status-changed`,
 * `deployment-progress` — so a host that prefers its own notifications leaves this element out and
 * listens to the same events.
 *
 * Behaviour: toasts stack in arrival order (newest nearest the anchored edge), at most `max` at a
 * time (the oldest goes first). Success and info toasts dismiss themselves after `duration` ms,
 * warnings after twice that, errors stay until dismissed. Every countdown pauses while the pointer
 * is over a toast, while focus is inside the region, and while the page is hidden. The Dismiss
 * button (or Escape inside a toast) closes one; focus then moves to the next toast, or back to where
 * it was before it entered the region. One timer serves the whole region.
 *
 * Announcements: the region is the page's one live region. It exists from the start and is polite;
 * it reads each new toast once ("Warning: title. message") and, as `announce` asks, short texts: a
 * project going to `error` where no toast says it (`errors`, the default, for a dashboard), or every
 * status change and deployment step (`status`, for a project's details page). The visible toasts
 * are not live regions themselves, and errors are polite too, so nothing is read twice and nothing
 * interrupts. Errors stay until dismissed, so none is missed. Each Dismiss button is named after its
 * toast ("Dismiss: Deployment failed").
 *
 * Important events are a deployment's outcome (succeeded, failed, crashed), an auto-shutdown and
 * an action that failed (and a host's `show()` with `desktop`). Each may also be:
 *
 * - A desktop notification (`desktop-notifications`), once permission is granted, while the page
 *   does not have focus (with focus, the toast is enough). Permission is only asked on a user
 *   gesture: the "Enable desktop notifications" button shown in those toasts while the permission is
 *   undecided, or `requestPermission()` called from the host's own click handler. A click on one
 *   focuses the tab and fires `notification-click` with the project, for the host to show it.
 * - A short tone (`sound`), synthesised with Web Audio: one for errors and auto-shutdowns, a rising
 *   one for a deployment that succeeded. Silent until the page has had a user gesture (the browsers'
 *   autoplay rule), while the tab is hidden unless the toast is an error, and while muted: the
 *   region then shows a mute toggle, and the choice is kept in `localStorage`
 *   (`live-toast-region-muted`) for every region of the origin. A cancelable `sound` event comes
 *   first, so a page can play its own. The toggle and the synthesiser load the first time a region
 *   with `sound` renders; without `sound` no audio code is loaded.
 *
 * At most one tone and one notification a second, however many events arrive; the toasts show them all.
 *
 * @tagname live-toast-region
 * @summary Toasts for connection, auto-shutdown and action results; announced politely.
 *
 * @csspart base - The stack of toasts (a `region` landmark named "Notifications" while it holds any).
 * @csspart toast - One toast; also `toast-info`, `toast-success`, `toast-warning` or `toast-error`.
 * @csspart toast-info - An info toast.
 * @csspart toast-success - A success toast.
 * @csspart toast-warning - A warning toast.
 * @csspart toast-error - An error toast.
 * @csspart icon - A toast's icon.
 * @csspart content - The column holding a toast's title, message and button.
 * @csspart title - A toast's title.
 * @csspart message - A toast's message.
 * @csspart enable-desktop - The "Enable desktop notifications" button.
 * @csspart close - A toast's Dismiss button.
 * @csspart announcer - The visually hidden polite live region (the last few texts it said).
 * @csspart mute - The mute toggle (`aria-pressed`), with `sound`.
 *
 * @fires {CustomEvent<SoundDetail>} sound - Cancelable, before a tone plays: `{ kind, reason, projectId? }`. Cancel it to play nothing (or your own).
 * @fires {CustomEvent<NotificationClickDetail>} notification-click - A desktop notification was clicked (the tab is focused): `{ projectId? }`.
 *
 * @cssproperty [--toast-width=22rem] - Width of the stack (never wider than the viewport).
 * @cssproperty [--toast-offset=1rem] - Distance from the viewport's edges.
 * @cssproperty [--toast-gap=0.5rem] - Space between toasts.
 * @cssproperty [--toast-z-index=1000] - Stacking order of the region.
 * @cssproperty [--toast-radius=var(--le-radius)] - Corner radius of a toast.
 * @cssproperty [--toast-shadow=0 8px 24px rgb(0 0 0 / 0.16)] - Shadow of a toast.
 * @cssproperty [--toast-font-size=0.875rem] - Text size.
 * @cssproperty [--toast-info-color=var(--le-level-info)] - Colour of info toasts.
 * @cssproperty [--toast-success-color=var(--le-level-success)] - Colour of success toasts.
 * @cssproperty [--toast-warning-color=var(--le-level-warning)] - Colour of warning toasts.
 * @cssproperty [--toast-error-color=var(--le-level-error)] - Colour of error toasts.
 */
export class LiveToastRegion extends LitElement {
  static override styles = [tokens, styles];

  static override properties = {
    position: { reflect: true },
    duration: { type: Number },
    max: { type: Number },
    desktopNotifications: { type: Boolean, attribute: 'desktop-notifications' },
    sound: { type: Boolean },
    reconnectNotice: { type: Number, attribute: 'reconnect-notice' },
    htmlFor: { attribute: 'for' },
    announce: { reflect: true },
  };

  readonly #locale = new LocaleController(this);
  /** The nearest provider's service: where its events are dispatched. */
  readonly #context = new ContextConsumer(this, {
    context: liveContext,
    subscribe: true,
    callback: () => {
      this.#provided = true;
      if (this.isConnected) this.#attach();
    },
  });
  /** Whether a provider answered since the region was last connected (the consumer keeps its last value). */
  #provided = false;

  #toasts: Toast[] = [];
  #nextId = 1;
  #clock: Clock = realClock;
  #timer: unknown;
  /** Whether the countdown is running, and since when (clock ms). */
  #counting = false;
  #since = 0;
  #hoveredId: number | undefined;
  #focused = false;
  #paused = false;
  /** Where focus was before it entered the region, to give it back when the last toast closes. */
  #returnFocus: HTMLElement | undefined;
  #source: EventTarget | undefined;
  #memory = new WeakMap<EventTarget, ConnectionMemory>();
  /** Each project's last change of status and deployment step, as the events told them. */
  #statuses = new Map<string, [from: string | undefined, to: string]>();
  #steps = new Map<string, string>();
  /** Texts for the live region not written yet (the region renders it on its first update). */
  #unsaid: string[] = [];

  /** Where the stack sits: `bottom-end` (default), `bottom-start`, `bottom-center`, `top-*`, or `inline` (in the flow). */
  position: ToastPosition = 'bottom-end';

  /** Milliseconds a success or info toast stays (warnings twice as long, errors until dismissed). */
  duration = 5000;

  /** Toasts shown at once; the oldest is dismissed to make room. */
  max = 5;

  /** Raise desktop notifications for important events while the page does not have focus. */
  desktopNotifications = false;

  /** Play a short tone for important events, and show a mute toggle. */
  sound = false;

  /** An outage shorter than this (ms) brings no "Connection restored" toast when it ends. */
  reconnectNotice = 3000;

  /** The id of the `<sse-provider>` to listen to, when it is not an ancestor. */
  htmlFor?: string;

  /**
   * What the live region says besides the toasts: `errors` (the default, for a dashboard) adds a
   * project going to `error` where no toast says it; `status` (a project's details page) adds every
   * status change and every new deployment step, in a few words ("Web API: Building image").
   */
  announce: 'errors' | 'status' = 'errors';

  /**
   * The time source of the countdowns (`{ now, setTimeout, clearTimeout }`); real time by default.
   * For tests, which pass a `ManualClock` to drive dismissal deterministically.
   */
  get clock(): Clock {
    return this.#clock;
  }
  set clock(clock: Clock) {
    if (clock === this.#clock) return;
    this.#advance();
    this.#disarm();
    this.#clock = clock;
    this.#since = clock.now();
    this.#arm();
  }

  /** The toasts showing, oldest first (a copy). */
  get toasts(): { id: number; kind: ToastKind; title: string; message?: string }[] {
    return this.#toasts.map((toast) => ({
      id: toast.id,
      kind: toast.kind,
      title: this.#text(toast.title),
      ...(toast.message === undefined ? {} : { message: this.#text(toast.message) }),
    }));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.#onVisibility);
    this.#attach();
    this.#since = this.#clock.now();
    this.#syncPause();
    this.#arm();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#provided = false;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#detach();
    this.#advance();
    this.#disarm();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('htmlFor') && this.isConnected && this.hasUpdated) this.#attach();
    if (this.sound) soundPart.need(this.#loaded);
    if (this.#toasts.length > 0) toastView.need(this.#loaded);
  }

  protected override firstUpdated(): void {
    // An id given before the element rendered may name a provider later in the page.
    if (this.htmlFor) this.#attach();
  }

  protected override updated(): void {
    this.#flushSaid();
    const root = this.shadowRoot!;
    if (soundPart.value) adoptStyles(root, soundPart.value.styles);
    if (toastView.value) adoptStyles(root, toastView.value.styles);
    // The hovered or focused toast may be gone. Resuming may expire a toast, which is a new update:
    // run it after this one.
    queueMicrotask(() => {
      if (this.#hoveredId !== undefined && !this.#toasts.some((toast) => toast.id === this.#hoveredId)) this.#hoveredId = undefined;
      this.#focused = this.shadowRoot?.activeElement != null;
      this.#syncPause();
    });
  }

  // ---- listening ---------------------------------------------------------------------------

  #attach(): void {
    const named = this.htmlFor ? document.getElementById(this.htmlFor) : null;
    const source: EventTarget = named ?? (this.#provided ? this.#context.value?.events : undefined) ?? document;
    if (source === this.#source) return;
    this.#detach();
    for (const type of LISTENED) source.addEventListener(type, this.#onEvent);
    this.#source = source;
    // A provider already open when the region arrived: no "connected" toast for it.
    const state = (source as { state?: string }).state;
    if (state === 'open' && !this.#memory.has(source)) this.#memory.set(source, { everOpen: true });
  }

  #detach(): void {
    if (!this.#source) return;
    for (const type of LISTENED) this.#source.removeEventListener(type, this.#onEvent);
    this.#source = undefined;
  }

  #onEvent = (event: Event): void => {
    const detail = (event as CustomEvent).detail;
    if (!detail || typeof detail !== 'object') return;
    switch (event.type) {
      case 'sse-state-change':
        this.#onState(event.currentTarget === document ? (event.target ?? document) : (event.currentTarget as EventTarget), detail.state);
        break;
      case 'auto-shutdown':
        this.#onAutoShutdown(event, detail as AutoShutdown);
        break;
      case 'action-success':
      case 'action-error':
        this.#onAction(event, detail as ActionEventDetail, event.type === 'action-success');
        break;
      case 'container-status-changed':
        this.#onStatus(event, detail as ContainerStatusChanged);
        break;
      case 'deployment-progress':
        this.#onStep(event, detail as DeploymentProgress);
    }
  };

  /**
   * A deployment's outcome (or a crash) is a toast, from the stream alone; any other change is a
   * few words in the live region when `announce` asks for it.
   */
  #onStatus(event: Event, { projectId, oldStatus, newStatus }: ContainerStatusChanged): void {
    // The event's own `oldStatus` wins (a snapshot or a refresh may have moved the project since the
    // last event here); the memory answers when it has none, and drops the same change told twice.
    const last = this.#statuses.get(projectId);
    const before = oldStatus ?? last?.[1];
    this.#statuses.set(projectId, [before, newStatus]);
    if (before === newStatus || (last?.[0] === before && last?.[1] === newStatus)) return;
    if (newStatus === 'deploying') this.#steps.delete(projectId);
    const project = projectOf(event, projectId);
    const name = project?.name ?? projectId;
    const outcome = OUTCOMES[`${before}>${newStatus}`];
    if (!outcome) {
      if (this.announce === 'status' || newStatus === 'error') this.#say(`${name}: ${this.#locale.t(newStatus)}`);
      return;
    }
    const error = newStatus === 'error' ? project?.lastError?.message : undefined;
    this.#add({
      kind: newStatus === 'error' ? 'error' : 'success',
      title: { key: `toast.outcome.${outcome}` },
      message: error ? { key: 'toast.error.message', vars: { project: name, message: error } } : name,
      key: `outcome:${projectId}`,
      alert: outcome as AlertReason,
      project: projectId,
    });
  }

  /** Each new step of a deployment, in a few words, when `announce="status"`. */
  #onStep(event: Event, { projectId, step }: DeploymentProgress): void {
    if (this.announce !== 'status' || !step || this.#steps.get(projectId) === step) return;
    this.#steps.set(projectId, step);
    this.#say(`${projectOf(event, projectId)?.name ?? projectId}: ${step}`);
  }

  /**
   * Says a short text once in the live region: a new paragraph, and the oldest beyond three goes.
   * Written by hand, so no paragraph already said is ever moved (and read again).
   */
  #say(text: string): void {
    this.#unsaid.push(text);
    this.requestUpdate();
  }

  /** Writes what is waiting to be said, once the live region is there. */
  #flushSaid(): void {
    const region = this.renderRoot.querySelector('[part~="announcer"]');
    if (!region) return;
    for (const text of this.#unsaid.splice(0)) {
      const said = document.createElement('p');
      said.textContent = text;
      region.append(said);
    }
    while (region.childElementCount > 3) region.firstElementChild!.remove();
  }

  #onState(provider: EventTarget, state: string): void {
    let memory = this.#memory.get(provider);
    if (!memory) this.#memory.set(provider, (memory = { everOpen: false }));
    const now = this.#clock.now();
    if (state === 'open') {
      if (!memory.everOpen) {
        this.#add({ kind: 'success', title: { key: 'toast.connected' }, message: { key: 'toast.connected.message' }, key: 'connection' });
      } else if (memory.downSince !== undefined && now - memory.downSince >= this.reconnectNotice) {
        this.#add({ kind: 'success', title: { key: 'toast.reconnected' }, message: { key: 'toast.reconnected.message' }, key: 'connection' });
      }
      memory.everOpen = true;
      memory.downSince = undefined;
    } else if (memory.everOpen && memory.downSince === undefined) {
      memory.downSince = now;
    }
  }

  #onAutoShutdown(event: Event, detail: AutoShutdown): void {
    const project = projectName(event, detail.projectId);
    const time = typeof detail.inactiveTime === 'number' ? undefined : detail.inactiveTime;
    this.#add({
      kind: 'warning',
      title: { key: 'toast.autoShutdown' },
      message: time
        ? { key: 'toast.autoShutdown.time', vars: { project: project, reason: detail.reason, time: time } }
        : { key: 'toast.autoShutdown.message', vars: { project: project, reason: detail.reason } },
      key: `auto-shutdown:${detail.projectId}`,
      alert: 'auto-shutdown',
      project: detail.projectId,
    });
  }

  #onAction(event: Event, detail: ActionEventDetail, ok: boolean): void {
    // Open makes no request and reports nothing.
    if (detail.action === 'open') return;
    let action = ACTIONS.has(detail.action) ? detail.action : 'other';
    const project = projectName(event, detail.projectId);
    if (ok) {
      // A start that begins a deployment says so (its outcome follows from the stream).
      const body = (detail as { response?: { body?: { project?: { status?: unknown } } } }).response?.body;
      if (action === 'start' && (body?.project?.status ?? projectOf(event, detail.projectId)?.status) === 'deploying') action = 'deploy';
      this.#add({ kind: 'success', title: { key: `toast.success.${action}` }, message: project });
      return;
    }
    const status = Number(detail.status) || 0;
    const vars = { project: project, message: String(detail.message ?? ''), status: status };
    this.#add({
      kind: 'error',
      title: { key: `toast.error.${action}` },
      message: { key: status > 0 ? 'toast.error.messageStatus' : 'toast.error.message', vars },
      alert: 'action-error',
      project: detail.projectId,
    });
  }

  // ---- pausing -----------------------------------------------------------------------------

  #onPointerEnter = (event: PointerEvent): void => {
    this.#hoveredId = Number((event.currentTarget as HTMLElement).dataset.id);
    this.#syncPause();
  };

  #onPointerLeave = (event: PointerEvent): void => {
    if (this.#hoveredId === Number((event.currentTarget as HTMLElement).dataset.id)) this.#hoveredId = undefined;
    this.#syncPause();
  };

  #onFocusIn = (event: FocusEvent): void => {
    const from = event.relatedTarget;
    if (!this.#focused && from instanceof HTMLElement && !this.contains(from) && !this.renderRoot.contains(from)) this.#returnFocus = from;
    this.#focused = true;
    this.#syncPause();
  };

  #onFocusOut = (event: FocusEvent): void => {
    const to = event.relatedTarget;
    if (!(to instanceof Node) || !this.renderRoot.contains(to)) this.#focused = false;
    // Focus that left for another element no longer needs to come back; focus lost with a closing
    // toast (no related target) does.
    if (to instanceof HTMLElement && !this.renderRoot.contains(to)) this.#returnFocus = undefined;
    this.#syncPause();
  };

  #onVisibility = (): void => this.#syncPause();

  #onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    const id = Number((event.currentTarget as HTMLElement).dataset.id);
    event.preventDefault();
    event.stopPropagation();
    this.dismiss(id);
  };

  #onClose = (event: Event): void => {
    this.dismiss(Number((event.currentTarget as HTMLElement).dataset.id));
  };

  #onEnableDesktop = (): void => {
    void this.requestPermission();
  };

  readonly #handlers = {
    enter: this.#onPointerEnter,
    leave: this.#onPointerLeave,
    keydown: this.#onKeydown,
    close: this.#onClose,
    enable: this.#onEnableDesktop,
  };

  readonly #loaded = (): void => this.requestUpdate();

  /** Also waits for a toast's looks, the first time there is a toast to show. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    if (!toastView.pending || toastView.value) return done;
    await toastView.pending;
    return super.getUpdateComplete();
  }

  #syncPause(): void {
    const paused = this.#hoveredId !== undefined || this.#focused || document.visibilityState === 'hidden';
    if (paused === this.#paused) return;
    this.#advance();
    this.#paused = paused;
    this.#arm();
  }

  // ---- time --------------------------------------------------------------------------------

  /** Charges the time since the countdown last started to every timed toast; drops the expired. */
  #advance(): void {
    const now = this.#clock.now();
    if (this.#counting) {
      const elapsed = Math.max(0, now - this.#since);
      for (const toast of this.#toasts) if (toast.duration > 0) toast.remaining -= elapsed;
      const expired = this.#toasts.filter((toast) => toast.duration > 0 && toast.remaining <= 0);
      for (const toast of expired) this.#remove(toast.id);
    }
    this.#since = now;
  }

  /** One timer for the whole region: the next toast due, unless paused. */
  #arm(): void {
    this.#disarm();
    this.#counting = this.isConnected && !this.#paused;
    if (!this.#counting) return;
    let next = Infinity;
    for (const toast of this.#toasts) if (toast.duration > 0) next = Math.min(next, toast.remaining);
    if (next === Infinity) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#advance();
      this.#arm();
    }, Math.max(0, next));
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  // ---- toasts ------------------------------------------------------------------------------

  #add(options: { kind: ToastKind; title: Text; message?: Text; duration?: number; key?: string; alert?: AlertReason; project?: string }): number {
    this.#advance();
    if (options.key !== undefined) {
      const same = this.#toasts.find((toast) => toast.key === options.key);
      if (same) this.#remove(same.id);
    }
    const duration = Math.max(
      0,
      options.duration ?? (options.kind === 'error' ? 0 : options.kind === 'warning' ? this.duration * 2 : this.duration),
    );
    const toast: Toast = {
      id: this.#nextId++,
      kind: options.kind,
      title: options.title,
      duration: Number.isFinite(duration) ? duration : 0,
      remaining: duration,
      alert: options.alert,
      project: options.project,
    };
    if (options.message !== undefined && options.message !== '') toast.message = options.message;
    if (options.key !== undefined) toast.key = options.key;
    this.#toasts.push(toast);
    this.requestUpdate();
    const max = Math.max(1, Math.floor(this.max) || 1);
    while (this.#toasts.length > max) this.#remove(this.#toasts[0].id);
    this.#arm();
    this.#say(this.#announcement(toast));
    this.#alert(toast);
    return toast.id;
  }

  #remove(id: number): void {
    const index = this.#toasts.findIndex((toast) => toast.id === id);
    if (index < 0) return;
    const node = this.renderRoot.querySelector<HTMLElement>(`[part~="toast"][data-id="${id}"]`);
    const hadFocus = node !== null && node.contains(this.shadowRoot?.activeElement ?? null);
    this.#toasts.splice(index, 1);
    this.requestUpdate();
    if (hadFocus) void this.updateComplete.then(() => this.#refocus(index));
  }

  /** After the focused toast closed: the next toast, else the previous, else where focus came from. */
  #refocus(index: number): void {
    const closes = [...this.renderRoot.querySelectorAll<HTMLElement>('[part~="close"]')];
    const target = closes[index] ?? closes[index - 1] ?? (this.#returnFocus?.isConnected ? this.#returnFocus : undefined);
    target?.focus();
    this.#focused = this.shadowRoot?.activeElement != null;
    this.#syncPause();
  }

  /** An important event's tone and desktop notification: each decides whether it may come now. */
  #alert(toast: Toast): void {
    if (!toast.alert) return;
    const now = this.#clock.now();
    if (this.sound) soundPart.value?.chime(this, toast, now);
    if (this.desktopNotifications) {
      const texts = [this.#locale.lang, this.#text(toast.title), toast.message && this.#text(toast.message)] as const;
      // A file missing beside the bundle costs the notification only: the toast is shown.
      void import('./notify.js').then((module) => module.notify(this, toast, now, ...texts), () => undefined);
    }
  }

  #announcement(toast: Toast): string {
    return `${this.#locale.t(`toast.kind.${toast.kind}`)}: ${this.#text(toast.title)}.${toast.message === undefined ? '' : ` ${this.#text(toast.message)}`}`;
  }

  #text(text: Text): string {
    return typeof text === 'string' ? text : this.#locale.t(text.key, text.vars);
  }

  /** Shows a toast; returns its id. Errors stay until dismissed unless a `duration` is given. */
  show(options: ToastOptions): number {
    const kind: ToastKind = options.kind === 'success' || options.kind === 'warning' || options.kind === 'error' ? options.kind : 'info';
    return this.#add({
      ...options,
      kind,
      title: String(options.title ?? ''),
      message: options.message === undefined ? undefined : String(options.message),
      alert: options.desktop ? 'toast' : undefined,
    });
  }

  /** Dismisses one toast. */
  dismiss(id: number): void {
    this.#advance();
    this.#remove(id);
    this.#arm();
  }

  /** Dismisses every toast. */
  clear(): void {
    this.#advance();
    for (const toast of [...this.#toasts]) this.#remove(toast.id);
    this.#arm();
  }

  /**
   * Asks for permission to show desktop notifications. Browsers only ask from a user gesture: call
   * it from a click handler. Resolves to the permission (`denied` where notifications do not exist).
   */
  async requestPermission(): Promise<NotificationPermission> {
    if (typeof Notification === 'undefined') return 'denied';
    const result = await Notification.requestPermission();
    this.requestUpdate();
    return result;
  }

  override render() {
    const any = this.#toasts.length > 0;
    return html`<div
        part="base"
        class="base"
        role=${any ? 'region' : nothing}
        aria-label=${any ? this.#locale.t('toast.region') : nothing}
        @focusin=${this.#onFocusIn}
        @focusout=${this.#onFocusOut}
      >
        ${repeat(
          this.#toasts,
          (toast) => toast.id,
          (toast) => this.#renderToast(toast),
        )}
        ${this.sound ? soundPart.value?.toggle(this, this.#locale) : nothing}
      </div>
      <div part="announcer" class="visually-hidden" aria-live="polite"></div>`;
  }

  /**
   * A toast with its looks once they have loaded; until then (or if they cannot load), its title
   * and a button that dismisses it.
   */
  #renderToast(toast: Toast): TemplateResult {
    const view = toastView.value;
    const title = this.#text(toast.title);
    const t = this.#locale;
    if (!view) {
      return html`<p part="toast toast-${toast.kind}" data-id=${toast.id}>
        ${title} <button part="close" type="button" data-id=${toast.id} @click=${this.#onClose}>${t.t('toast.dismiss')}</button>
      </p>`;
    }
    const canAsk = this.desktopNotifications && toast.alert && typeof Notification !== 'undefined' && Notification.permission === 'default';
    return view.renderToast(
      {
        id: toast.id,
        kind: toast.kind,
        kindText: t.t(`toast.kind.${toast.kind}`),
        title,
        message: toast.message === undefined ? undefined : this.#text(toast.message),
        enable: canAsk ? t.t('toast.enableDesktop') : undefined,
        dismiss: t.t('toast.dismiss'),
        dismissNamed: t.t('toast.dismissNamed', { title }),
      },
      this.#handlers,
    );
  }
}

/** The project as the provider the event passed through knows it. */
function projectOf(event: Event, projectId: string): ProjectState | undefined {
  for (const node of event.composedPath()) {
    const store = (node as { store?: LiveStore }).store;
    if (typeof store?.getProject === 'function') return store.getProject(projectId);
  }
  return undefined;
}

/** The project's name from the provider the event passed through, else its id. */
function projectName(event: Event, projectId: string): string {
  return projectOf(event, projectId)?.name ?? projectId;
}

declare global {
  interface HTMLElementEventMap {
    sound: CustomEvent<SoundDetail>;
    'notification-click': CustomEvent<NotificationClickDetail>;
  }
}
