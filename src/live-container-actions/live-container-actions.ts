import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { isContainerStatus, isObject, type ContainerStatus } from '../core/protocol.js';
import { requestJson } from '../core/rest.js';
import type { ServiceResponse } from '../shared/context.js';
import { LocaleController } from '../shared/i18n.js';
import { LiveController } from '../shared/live-controller.js';
import { tokens } from '../shared/tokens.js';
import { adoptStyles } from '../shared/lazy.js';
import { styles } from './live-container-actions.styles.js';
import './live-container-actions.messages.js';

/** What a button does. `reactivate` and `retry` are a start; `open` makes no request. */
export type ContainerAction = 'start' | 'stop' | 'refresh' | 'open' | 'reactivate' | 'retry' | 'delete';

export interface ContainerActionDetail {
  projectId: string;
  action: ContainerAction;
}

export interface ActionSuccessDetail extends ContainerActionDetail {
  /** The backend's answer: `{ status, statusText, body }`. */
  response: ServiceResponse;
}

export interface ActionErrorDetail extends ContainerActionDetail {
  /** The HTTP status; 0 when no answer came (network failure or timeout). */
  status: number;
  /** The JSON body's `error`, else the status text, else what went wrong on the way. */
  message: string;
  /** On a `429`: the seconds the buttons wait before they take another click. */
  retryAfter?: number;
}

/** The buttons each status allows (besides Delete, which the host enables). */
const ACTIONS: Record<ContainerStatus, ContainerAction[]> = {
  running: ['stop', 'refresh', 'open'],
  stopped: ['start'],
  inactive: ['reactivate'],
  error: ['retry'],
  deploying: [],
};

/** After a `429`, until when (epoch ms) the actions wait: per provider, or per element on its own. */
const waits = new WeakMap<object, number>();

/** Every element on the page, so that a `429` pauses the others that share its provider. */
const elements = new Set<LiveContainerActions>();

/** The one timer of every countdown on the page, while any runs. */
let ticker: ReturnType<typeof setTimeout> | undefined;

/**
 * What few pages use: the delete confirmation, and the reading and words of rate limits. Loaded
 * with the first Delete click or the first answer that has headers; kept here once loaded.
 */
let more: typeof import('./live-container-actions-more.js') | undefined;
const loadMore = () => import('./live-container-actions-more.js').then((module) => (more = module));

/** The REST call of each action, relative to the API base. */
function endpoint(action: Exclude<ContainerAction, 'open'>, projectId: string): [method: string, path: string] {
  const id = encodeURIComponent(projectId);
  switch (action) {
    case 'stop':
      return ['POST', `/containers/${id}/stop`];
    case 'refresh':
      return ['GET', `/projects/${id}`];
    case 'delete':
      return ['DELETE', `/projects/${id}`];
    default:
      return ['POST', `/containers/${id}/start`];
  }
}

/**
 * The buttons a container's status allows: running — Stop, Refresh, Open; stopped — Start;
 * inactive — Reactivate; error — Retry; deploying — none, only a spinner and "Deploying…". With
 * `deletable`, a Delete button too, which asks for confirmation in place first (Escape or Cancel
 * backs out); the confirmation is a small file beside the bundle, loaded with the first click on
 * Delete or the first answer of an action.
 *
 * A click fires a cancelable `container-action` event. If no listener cancels it, the element calls
 * the REST endpoint — start, reactivate and retry `POST /containers/:id/start`, stop
 * `POST /containers/:id/stop`, refresh `GET /projects/:id`, delete `DELETE /projects/:id` — and
 * fires `action-success` or `action-error`. While the request is in flight every button is
 * `aria-disabled` (they keep focus), the group is `aria-busy`, and the clicked button spins. Any
 * outcome re-enables them, including no answer within `timeout` ms. Open is a link to the project's
 * URL (http or https only) in a new tab; it fires `container-action` and no request.
 *
 * Rate limits: an answer `429` pauses the buttons (`aria-disabled`, keeping focus) with a countdown
 * beside them — "Try again in 12 s" — for the `Retry-After` seconds (or HTTP date), or without one
 * until the exhausted quota resets (`RateLimit`'s `t`, `X-RateLimit-Reset`), or 5 s when the answer
 * says nothing sound (nonsense such as a negative or day-long wait is ignored). Every
 * `<live-container-actions>` under the same provider pauses with it: the limit is the viewer's.
 * Screen readers hear the pause and its end, not every second: the element that was refused holds
 * a polite status from the refusal to the next click (the toast region, the page's live region,
 * says the refusal itself). `action-error` still fires, with `retryAfter`. The limit figures any action's answer carries go to the provider's
 * `store.connection.rateLimit`, for `<sse-indicator>`.
 *
 * Where the request goes: through the nearest `<sse-provider>` (its `api-base`, or its mock backend
 * in mock mode). With its own `api-base`, or with no provider, the element uses `fetch(apiBase +
 * path)` itself (default base `/api`). A request still in flight when the element leaves the page is
 * aborted and reports nothing.
 *
 * Refresh: when the answer's `status` differs from the store's, the store takes it, so every
 * element showing the project catches up. In presentational mode the host gets the answer in
 * `action-success` and decides.
 *
 * Inside a provider the status and URL come from the store by `project-id`; an unknown project
 * shows nothing. Alone, it shows the buttons for its `status` and `url` attributes (without a
 * `project-id` a click fires `container-action` only).
 *
 * @tagname live-container-actions
 * @summary The start / stop / refresh / open / reactivate / retry / delete buttons for a container.
 *
 * @csspart base - The group holding the buttons (`role="group"`).
 * @csspart button - Every button and the Open link; each also has the part of its action name.
 * @csspart start - The Start button.
 * @csspart stop - The Stop button.
 * @csspart refresh - The Refresh button.
 * @csspart open - The Open link (opens the project's URL in a new tab).
 * @csspart reactivate - The Reactivate button.
 * @csspart retry - The Retry button.
 * @csspart delete - The Delete button.
 * @csspart icon - A button's icon.
 * @csspart label - A button's text.
 * @csspart spinner - The spinner in the busy button, and beside "Deploying…".
 * @csspart deploying - The "Deploying…" note shown instead of buttons.
 * @csspart wait - The countdown beside the buttons after a `429`: "Try again in 12 s".
 * @csspart confirm - The delete confirmation (`role="group"` named by its question).
 * @csspart confirm-message - The confirmation's question and warning.
 * @csspart cancel - The confirmation's Cancel button.
 * @csspart confirm-delete - The confirmation's Delete button.
 *
 * @cssproperty [--actions-gap=0.5rem] - Space between buttons.
 * @cssproperty [--actions-button-height=2rem] - Height of a button.
 * @cssproperty [--actions-button-radius=6px] - Corner radius of a button.
 * @cssproperty [--actions-font-size=0.875rem] - Text size.
 * @cssproperty [--actions-primary-color=var(--le-accent)] - Background of Start, Reactivate and Retry.
 * @cssproperty [--actions-danger-color=var(--le-status-error)] - Colour of Delete.
 *
 * @fires {CustomEvent<ContainerActionDetail>} container-action - A button was activated; cancel it to handle the action yourself.
 * @fires {CustomEvent<ActionSuccessDetail>} action-success - The backend accepted the action (any 2xx).
 * @fires {CustomEvent<ActionErrorDetail>} action-error - The action failed: an HTTP error, no answer, or a timeout.
 */
export class LiveContainerActions extends LitElement {
  static override styles = [tokens, styles];

  static override properties = {
    busy: { state: true },
    confirming: { state: true },
    projectId: { attribute: 'project-id' },
    apiBase: { attribute: 'api-base' },
    status: { reflect: true },
    url: {},
    deletable: { type: Boolean, reflect: true },
    timeout: { type: Number },
  };

  readonly #live = new LiveController(this, { project: () => this.projectId });
  readonly #locale = new LocaleController(this);
  readonly #internals = this.attachInternals();

  /** The action whose request is in flight. */
  private busy: ContainerAction | undefined;
  /** The delete confirmation is showing. */
  private confirming = false;

  #controller: AbortController | undefined;
  /** Seconds the buttons still wait after a `429`; 0 when they do not. */
  #left = 0;
  /** This element's click was refused: it tells screen readers when the wait ends. */
  #refused = false;
  /**
   * What this element says of a wait it was refused: its start, then its end. The page's one live
   * region is the toast region's; this small one lives only from a refusal to the next click, so
   * that the end of the wait is heard where the user is.
   */
  #said = '';
  #shown: ContainerStatus | undefined;
  #href: string | undefined;
  #name: string | undefined;
  #focusWasInside = false;
  /** Focus waits on the group because the button that had it went away (Start → deploying). */
  #focusWaits = false;

  /** The project acted on; its status and URL come from the nearest `<sse-provider>`. */
  projectId?: string;

  /** Base path of the REST endpoints; when set, requests bypass the provider and use `fetch`. */
  apiBase?: string;

  /** The status whose buttons are shown; reflects the store's under a provider. */
  status?: ContainerStatus;

  /** The project's URL, for Open (the store's wins under a provider). */
  url?: string;

  /** Shows a Delete button (with a confirmation step). */
  deletable = false;

  /** Milliseconds to wait for an answer before reporting `action-error` with status 0; 0 waits forever. */
  timeout = 30000;

  override connectedCallback(): void {
    super.connectedCallback();
    elements.add(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    elements.delete(this);
    // Abandon the request: nothing is reported for an element that left the page.
    this.#controller?.abort();
    this.#controller = undefined;
    this.busy = undefined;
    this.confirming = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('projectId')) this.#live.sync();
    const store = this.#live.store;
    let url = this.url;
    this.#name = this.projectId;
    if (store && this.projectId !== undefined) {
      const project = store.getProject(this.projectId);
      this.status = project?.status;
      url = project?.url ?? this.url;
      this.#name = project?.name ?? this.projectId;
    }
    this.#shown = isContainerStatus(this.status) ? this.status : undefined;
    if (this.#shown === 'deploying' || this.#shown === undefined) this.confirming = false;
    this.#href = safeUrl(url);
    if (this.#shown) this.#internals.states.delete('empty');
    else this.#internals.states.add('empty');
    this.#focusWasInside = this.shadowRoot?.activeElement != null;
    const until = waits.get(this.#key) ?? 0;
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left > 0) {
      // Ticks when the seconds left change, for every countdown at once.
      ticker ??= setTimeout(LiveContainerActions.#tick, (until - Date.now()) % 1000 || 1000);
    } else if (this.#left && this.#refused) {
      this.#refused = false;
      this.#said = this.#locale.t('actions.ready');
    }
    this.#left = Math.max(0, left);
  }

  static #tick = (): void => {
    ticker = undefined;
    for (const element of elements) if (element.#left) element.requestUpdate();
  };

  /** What a `429` pauses together: the provider's actions, or this element's alone. */
  get #key(): object {
    const service = this.#live.service;
    return service && this.apiBase === undefined ? service : this;
  }

  protected override updated(): void {
    // A button that had focus can vanish (Start → deploying): focus waits on the group, and goes to
    // the first button once there is one again (deploying → running).
    const active = this.shadowRoot?.activeElement;
    const waiting = this.#focusWaits && active?.matches('[part~="base"]');
    if (!this.#focusWasInside || (active && !waiting)) return;
    const button = this.renderRoot.querySelector<HTMLElement>('[part~="button"]');
    (button ?? this.renderRoot.querySelector<HTMLElement>('[part~="base"]'))?.focus();
    this.#focusWaits = !button;
  }

  #onClick = (event: Event): void => {
    const action = (event.currentTarget as HTMLElement).dataset.action as ContainerAction;
    if (this.busy || this.#left) return;
    if (action === 'delete') {
      // Until the confirmation has loaded nothing happens; if it cannot load, nothing is deleted.
      void loadMore().then((module) => {
        adoptStyles(this.shadowRoot!, module.styles);
        this.confirming = true;
        return this.updateComplete.then(() => this.#focusPart('cancel'));
      }, Boolean);
      return;
    }
    this.#run(action as Exclude<ContainerAction, 'open'>);
  };

  #onOpen = (event: MouseEvent): void => {
    if (this.busy || !this.#fire('container-action', { projectId: this.projectId ?? '', action: 'open' }, true)) event.preventDefault();
  };

  #onCancel = (): void => {
    this.confirming = false;
    void this.updateComplete.then(() => this.#focusPart('delete'));
  };

  #onConfirm = (): void => {
    if (this.#left) return;
    this.confirming = false;
    this.#run('delete');
    void this.updateComplete.then(() => this.#focusPart('delete'));
  };

  #run(action: Exclude<ContainerAction, 'open'>): void {
    const projectId = this.projectId ?? '';
    if (!this.#fire('container-action', { projectId, action }, true) || !projectId) return;
    void this.#perform(action, projectId);
  }

  async #perform(action: Exclude<ContainerAction, 'open'>, projectId: string): Promise<void> {
    const controller = new AbortController();
    this.#controller = controller;
    this.busy = action;
    this.#said = '';
    const timeout = this.timeout;
    let timedOut = false;
    const timer =
      timeout > 0
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, timeout)
        : undefined;
    let outcome: { ok: true; response: ServiceResponse } | { ok: false; status: number; message: string; retryAfter?: number };
    try {
      const [method, path] = endpoint(action, projectId);
      const response = await abortable(this.#request(method, path, controller.signal), controller.signal);
      // The rest of the reading (a refresh's news, rate limits) is in the part loaded with the first answer.
      const module = await loadMore().catch(() => undefined);
      const store = this.#live.store;
      if (response.status >= 200 && response.status < 300) {
        if (action === 'refresh' && this.#controller === controller && store) module?.reconcile(store, projectId, response.body);
        outcome = { ok: true, response };
      } else {
        outcome = { ok: false, status: response.status, message: errorMessage(response) };
      }
      if (response.headers) {
        const read = module?.limitsOf(response);
        if (read?.rateLimit) store?.setConnection({ rateLimit: read.rateLimit });
        if (read?.wait && !outcome.ok) {
          outcome.retryAfter = read.wait;
          waits.set(this.#key, Date.now() + read.wait * 1000);
          this.#refused = true;
          this.#said = more!.waitText(this.#locale, 'actions.limited', read.wait);
          for (const element of elements) if (element.#key === this.#key) element.requestUpdate();
        }
      }
    } catch (error) {
      const message = timedOut
        ? this.#locale.t('actions.timeout', { seconds: this.#locale.number(timeout / 1000) })
        : (error as Error)?.message || this.#locale.t('actions.network');
      outcome = { ok: false, status: 0, message };
    } finally {
      clearTimeout(timer);
    }
    // Left the page, or superseded: report nothing.
    if (this.#controller !== controller) return;
    this.#controller = undefined;
    this.busy = undefined;
    if (outcome.ok) this.#fire('action-success', { projectId, action, response: outcome.response });
    else {
      const { ok, ...detail } = outcome;
      this.#fire('action-error', { projectId, action, ...detail });
    }
  }

  /** Through the provider unless this element has its own `api-base` or there is no provider. */
  #request(method: string, path: string, signal: AbortSignal): Promise<ServiceResponse> {
    const service = this.#live.service;
    if (service && this.apiBase === undefined) return service.request(method, path, signal);
    return requestJson(this.apiBase ?? '/api', method, path, { signal });
  }

  #fire<D extends ContainerActionDetail>(type: string, detail: D, cancelable = false): boolean {
    const event = new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable });
    return this.dispatchEvent(event);
  }

  #focusPart(name: string): void {
    this.renderRoot.querySelector<HTMLElement>(`[part~="${name}"]`)?.focus();
  }

  override render() {
    const status = this.#shown;
    if (!status) return nothing;
    const t = this.#locale;
    const label = this.#name ? t.t('actions.groupFor', { project: this.#name }) : t.t('actions.group');
    let content: unknown;
    if (this.confirming && more) content = more.renderConfirm(t, this.#name ?? '', this.#left > 0, this.#onCancel, this.#onConfirm, ICONS.delete);
    else if (status === 'deploying') content = this.#renderDeploying();
    else {
      const actions = ACTIONS[status].filter((action) => action !== 'open' || this.#href);
      if (this.deletable) actions.push('delete');
      content = actions.map((action) => this.#renderAction(action));
    }
    return html`<div part="base" class="base" role="group" aria-label=${label} aria-busy=${this.busy ? 'true' : 'false'} tabindex="-1">
      ${content}${this.#left && more && status !== 'deploying' ? html`<span part="wait" class="wait" id="wait">${more.waitText(t, 'actions.wait', this.#left)}</span>` : nothing}
      ${this.#said ? html`<span class="visually-hidden" role="status">${this.#said}</span>` : nothing}
    </div>`;
  }

  #renderAction(action: ContainerAction): TemplateResult {
    const busy = this.busy !== undefined;
    const paused = busy || this.#left > 0;
    const content = html`${this.busy === action ? spinner : html`<span part="icon" class="icon" aria-hidden="true">${ICONS[action]}</span>`}<span
        part="label"
        class="label"
        >${this.#locale.t(`actions.${action}`)}</span
      >`;
    if (action === 'open') {
      return html`<a
        part="button open"
        class="button"
        href=${this.#href ?? nothing}
        target="_blank"
        rel="noopener noreferrer"
        aria-disabled=${busy ? 'true' : nothing}
        @click=${this.#onOpen}
        >${content}<span class="visually-hidden"> ${this.#locale.t('actions.newTab')}</span></a
      >`;
    }
    const variant = action === 'delete' ? 'danger' : action === 'stop' || action === 'refresh' ? '' : 'primary';
    return html`<button
      part="button ${action}"
      class="button ${variant}"
      type="button"
      data-action=${action}
      aria-disabled=${paused ? 'true' : nothing}
      aria-describedby=${this.#left ? 'wait' : nothing}
      @click=${this.#onClick}
    >
      ${content}
    </button>`;
  }

  #renderDeploying(): TemplateResult {
    return html`<span part="deploying" class="deploying">${spinner}<span part="label" class="label">${this.#locale.t('actions.deploying')}</span></span>`;
  }
}

/** Only web URLs become a link: a `javascript:` URL from the stream must never be clickable. */
function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url, document.baseURI);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

function errorMessage(response: ServiceResponse): string {
  const body = response.body;
  if (isObject(body) && typeof body.error === 'string' && body.error) return body.error;
  return response.statusText || `HTTP ${response.status}`;
}

/** Rejects when `signal` aborts, for requests (like the mock's) that do not watch it themselves. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new DOMException('Aborted', 'AbortError'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const spinner = html`<svg part="spinner" class="spinner" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
  <circle cx="8" cy="8" r="6" stroke-opacity=".3" />
  <path d="M8 2a6 6 0 0 1 6 6" stroke-linecap="round" />
</svg>`;

// One shape per action, so the buttons read at a glance; the text says the same.
const ICONS: Record<ContainerAction, TemplateResult> = {
  start: html`<svg viewBox="0 0 16 16" fill="currentColor"><path d="M4.5 2.8v10.4a.6.6 0 0 0 .9.5l8.2-5.2a.6.6 0 0 0 0-1L5.4 2.3a.6.6 0 0 0-.9.5Z" /></svg>`,
  stop: html`<svg viewBox="0 0 16 16" fill="currentColor"><rect x="3.5" y="3.5" width="9" height="9" rx="1.5" /></svg>`,
  refresh: html`<svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round">
    <path d="M13.25 8A5.25 5.25 0 1 1 11.7 4.3" /><path d="M13.25 2.25v3.5h-3.5" />
  </svg>`,
  open: html`<svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round">
    <path d="M9.5 2.5h4v4" /><path d="M13.5 2.5 7.5 8.5" /><path d="M11.5 9.5v3a1 1 0 0 1-1 1h-7a1 1 0 0 1-1-1v-7a1 1 0 0 1 1-1h3" />
  </svg>`,
  reactivate: html`<svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round">
    <path d="M8 1.75v5.5" /><path d="M11.9 3.9a5.5 5.5 0 1 1-7.8 0" />
  </svg>`,
  retry: html`<svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round">
    <path d="M2.75 8A5.25 5.25 0 1 0 4.3 4.3" /><path d="M2.75 2.25v3.5h3.5" />
  </svg>`,
  delete: html`<svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round">
    <path d="M2.75 4.25h10.5" /><path d="M6.25 4.25v-1.5h3.5v1.5" /><path d="M4 4.25l.6 8.6a1 1 0 0 0 1 .9h4.8a1 1 0 0 0 1-.9l.6-8.6" />
  </svg>`,
};

declare global {
  interface HTMLElementEventMap {
    'container-action': CustomEvent<ContainerActionDetail>;
    'action-success': CustomEvent<ActionSuccessDetail>;
    'action-error': CustomEvent<ActionErrorDetail>;
  }
}
