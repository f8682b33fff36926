import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { ContainerStatus } from '../core/protocol.js';
import { cssomStyle } from '../shared/cssom-style.js';
import { LocaleController } from '../shared/i18n.js';
import { LiveController } from '../shared/live-controller.js';
import { tokens } from '../shared/tokens.js';
import { styles } from './live-status-alert.styles.js';
import './live-status-alert.messages.js';

/** What the alert shows; derived once per update from the store or the attributes. */
interface AlertView {
  status: 'inactive' | 'error' | 'deploying';
  reason?: string;
  inactiveTime?: string | number;
  errorMessage?: string;
  step?: string;
  progress?: number;
}

/** `inactive-time` is a display string (`"30m"`) or, when it is only digits, a number of seconds. */
const inactiveTimeConverter = {
  fromAttribute(value: string | null): string | number | undefined {
    if (value === null) return undefined;
    return /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  },
  toAttribute(value: string | number | undefined): string | null {
    return value === undefined ? null : String(value);
  },
};

/**
 * The alert a project's details page shows for the states that need one: a yellow notice when the
 * container was paused for inactivity (the reason and how long it had been idle), a red alert with
 * the last error, and the current step with a progress bar while deploying. For running, stopped
 * or unknown projects it renders nothing and takes no space.
 *
 * Inside an `<sse-provider>` it follows `project-id` in the shared store: the status, the
 * `auto_shutdown` reason and inactive time, the last error entry, and the latest deployment step
 * and progress. Where the store has no detail (a project first seen in a snapshot, say), the
 * matching attribute fills the gap, then a generic sentence. Alone, it shows its attributes.
 *
 * While the provider's stream is down what it says may no longer be true: the box turns dashed and
 * a line says so ("Not live, last update at 14:02:05"); it is itself again once the stream is
 * back. It reflects `stale`.
 *
 * The alert is not a live region: it would re-read its whole box on every step. A page's
 * `<live-toast-region>` is its one live region, and says the outcome of a deployment and, with
 * `announce="status"`, each status change and deployment step in a few words. The percentage
 * beside the bar is hidden from assistive technology, which reads the value from the progress bar.
 *
 * @tagname live-status-alert
 * @summary An inactive, error or deploying alert for a project; nothing otherwise.
 *
 * @csspart base - The alert box.
 * @csspart icon - The state icon (hidden from assistive technology: the title says the same).
 * @csspart spinner - The spinning icon while deploying.
 * @csspart body - The column holding the title, message and progress.
 * @csspart title - The alert's heading line.
 * @csspart message - The reason, the error message, or the deployment step.
 * @csspart detail - The inactive time.
 * @csspart progress-row - The row holding the progress bar and its percentage.
 * @csspart progress - The progress bar's track (`role="progressbar"`).
 * @csspart progress-bar - The filled, striped part of the progress bar.
 * @csspart progress-value - The percentage beside the bar.
 * @csspart stale - The line saying the alert may no longer be true, while the stream is down.
 *
 * @cssproperty [--alert-inactive-color=var(--le-level-warning)] - Colour of the inactive notice.
 * @cssproperty [--alert-error-color=var(--le-status-error)] - Colour of the error alert.
 * @cssproperty [--alert-deploying-color=var(--le-level-info)] - Colour of the deploying notice.
 * @cssproperty [--alert-font-size=0.875rem] - Text size.
 * @cssproperty [--alert-padding=0.75rem 1rem] - Padding of the box.
 * @cssproperty [--alert-radius=var(--le-radius)] - Corner radius of the box.
 * @cssproperty [--alert-accent-width=4px] - Width of the coloured edge at the start of the box.
 * @cssproperty [--alert-tint=10%] - How much of the state colour tints the background.
 * @cssproperty [--alert-progress-height=0.5rem] - Height of the progress bar.
 * @cssproperty [--alert-stripes-duration=1s] - Length of one cycle of the moving stripes.
 */
export class LiveStatusAlert extends LitElement {
  static override styles = [tokens, styles];

  static override properties = {
    projectId: { attribute: 'project-id' },
    status: { reflect: true },
    reason: {},
    inactiveTime: { attribute: 'inactive-time', converter: inactiveTimeConverter },
    errorMessage: { attribute: 'error-message' },
    step: {},
    progress: { type: Number },
    stale: { type: Boolean, reflect: true },
  };

  readonly #live = new LiveController(this, { project: () => this.projectId });
  readonly #locale = new LocaleController(this);
  readonly #internals = this.attachInternals();

  #view: AlertView | undefined;
  #downSince: number | undefined;

  /** The project whose alert is shown, from the nearest `<sse-provider>`. */
  projectId?: string;

  /** The status (`inactive`, `error` and `deploying` show an alert); reflects the store's under a provider. */
  status?: ContainerStatus;

  /** Why the container was paused (inactive). */
  reason?: string;

  /** How long it had been idle (inactive): a display string such as `30m`, or a number of seconds. */
  inactiveTime?: string | number;

  /** The last error (error). */
  errorMessage?: string;

  /** The current deployment step (deploying). */
  step?: string;

  /** Deployment progress 0–100 (deploying); without it the bar is indeterminate. */
  progress?: number;

  /**
   * Whether what it says may no longer be true: set under a provider while its stream is down (the
   * alert then says since when); set it yourself in presentational mode.
   */
  stale = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('projectId')) this.#live.sync();
    const store = this.#live.store;
    let view: Omit<AlertView, 'status'> & { status?: ContainerStatus } = {
      status: this.status,
      reason: this.reason,
      inactiveTime: this.inactiveTime,
      errorMessage: this.errorMessage,
      step: this.step,
      progress: this.progress,
    };
    if (store && this.projectId !== undefined) {
      // Under a provider the store wins; a project it does not know shows nothing.
      const project = store.getProject(this.projectId);
      this.status = project?.status;
      this.#downSince = this.#live.downSince;
      this.stale = this.#downSince !== undefined;
      view = {
        status: project?.status,
        reason: project?.autoShutdown?.reason ?? this.reason,
        inactiveTime: project?.autoShutdown?.inactiveTime ?? this.inactiveTime,
        errorMessage: project?.lastError?.message ?? this.errorMessage,
        step: project?.deployment?.step ?? this.step,
        progress: project?.deployment?.progress ?? this.progress,
      };
    }
    const status = view.status;
    this.#view = status === 'inactive' || status === 'error' || status === 'deploying' ? { ...view, status } : undefined;
    if (this.#view) this.#internals.states.delete('empty');
    else this.#internals.states.add('empty');
  }

  /** A display string as given; a number of seconds in the largest whole unit, with `Intl`. */
  #formatInactiveTime(value: string | number | undefined): string | undefined {
    if (typeof value === 'string') return value.trim() || undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
    const [amount, unit] = value >= 3600 ? [value / 3600, 'hour'] : value >= 60 ? [value / 60, 'minute'] : [value, 'second'];
    return this.#locale.number(amount, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 1 });
  }

  override render() {
    const view = this.#view;
    if (!view) return nothing;
    const stale = this.stale ? this.#locale.stale(this.#downSince) : undefined;
    return html`<div part="base" class="base ${view.status} ${stale ? 'stale' : ''}">
      <span part="icon" class="icon" aria-hidden="true">${ICONS[view.status]}</span>
      <div part="body" class="body">
        ${view.status === 'inactive' ? this.#renderInactive(view) : view.status === 'error' ? this.#renderError(view) : this.#renderDeploying(view)}
        ${stale ? html`<p part="stale" class="detail">${stale}</p>` : nothing}
      </div>
    </div>`;
  }

  #renderInactive(view: AlertView): TemplateResult {
    const t = this.#locale;
    const time = this.#formatInactiveTime(view.inactiveTime);
    return html`<p part="title" class="title">${t.t('alert.inactive.title')}</p>
      <p part="message" class="message">${view.reason || t.t('alert.inactive.fallback')}</p>
      ${time ? html`<p part="detail" class="detail">${t.t('alert.inactive.time', { time })}</p>` : nothing}`;
  }

  #renderError(view: AlertView): TemplateResult {
    const t = this.#locale;
    return html`<p part="title" class="title">${t.t('alert.error.title')}</p>
      <p part="message" class="message">${view.errorMessage || t.t('alert.error.fallback')}</p>`;
  }

  #renderDeploying(view: AlertView): TemplateResult {
    const t = this.#locale;
    const progress = clampProgress(view.progress);
    const percent = progress === undefined ? undefined : t.number(progress / 100, { style: 'percent', maximumFractionDigits: 0 });
    return html`<p part="title" class="title">${t.t('alert.deploying.title')}</p>
      <p part="message" class="message">${view.step || t.t('alert.deploying.preparing')}</p>
      <div part="progress-row" class="progress-row ${progress === undefined ? 'indeterminate' : ''}">
        <div
          part="progress"
          class="progress"
          role="progressbar"
          aria-label=${t.t('alert.progress.label')}
          aria-valuemin="0"
          aria-valuemax="100"
          aria-valuenow=${progress ?? nothing}
          aria-valuetext=${percent ?? nothing}
        >
          <div part="progress-bar" class="progress-bar" style=${cssomStyle({ width: progress === undefined ? undefined : `${progress}%` })}></div>
        </div>
        ${percent === undefined ? nothing : html`<span part="progress-value" class="progress-value" aria-hidden="true">${percent}</span>`}
      </div>`;
  }
}

function clampProgress(value: number | undefined): number | undefined {
  if (value === undefined || value === null || !Number.isFinite(value)) return undefined;
  return Math.round(Math.min(100, Math.max(0, value)));
}

const pauseIcon = html`<svg viewBox="0 0 20 20" fill="currentColor">
  <path
    fill-rule="evenodd"
    d="M10 1.5a8.5 8.5 0 1 1 0 17 8.5 8.5 0 0 1 0-17ZM7 6.25h2v7.5H7Zm4 0h2v7.5h-2Z"
  />
</svg>`;

const errorIcon = html`<svg viewBox="0 0 20 20" fill="currentColor">
  <path
    fill-rule="evenodd"
    d="M6.4 1.5h7.2l4.9 4.9v7.2l-4.9 4.9H6.4l-4.9-4.9V6.4ZM9 5.5h2v5.75H9Zm0 7.25h2v2H9Z"
  />
</svg>`;

const spinnerIcon = html`<svg part="spinner" class="spinner" viewBox="0 0 20 20" fill="none" stroke="currentColor" stroke-width="2.5">
  <circle cx="10" cy="10" r="7.25" stroke-opacity=".25" />
  <path d="M10 2.75A7.25 7.25 0 0 1 17.25 10" stroke-linecap="round" />
</svg>`;

const ICONS = { inactive: pauseIcon, error: errorIcon, deploying: spinnerIcon };
