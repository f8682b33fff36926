// The popover's texts, its styles, its event types, its counters and rate-limit figures, and the
// words of the marker of a quota running low: loaded the first time a popover opens or a quota runs
// low, so a page that never has either does not carry them.
import { html, nothing } from 'lit';
import type { LocaleController } from '../shared/i18n.js';
import { detailsStyles } from './sse-indicator-details.styles.js';
import type { IndicatorRateLimit, IndicatorStats } from './sse-indicator.js';
import './sse-indicator-details.messages.js';

/** The event types the stream carries, as the popover explains them. */
const EVENTS = ['container_status_changed', 'metrics_updated', 'deployment_progress', 'auto_shutdown'] as const;

/** The counters the popover lists, in order. */
const COUNTERS = ['received', 'applied', 'rejected', 'ignored', 'duplicates', 'reconnects', 'dropped'] as const;

export type Counter = (typeof COUNTERS)[number];

/** The popover's styles, for an indicator's shadow root. */
export { detailsStyles as styles };

/** The entries of the popover's list of event types, each with its explanation. */
export function renderEvents(locale: LocaleController) {
  return EVENTS.map(
    (type) =>
      html`<div part="event">
        <dt part="event-name"><code>${type}</code></dt>
        <dd part="event-text">${locale.t(`indicator.event.${type}`)}</dd>
      </div>`,
  );
}

/** The end of the popover: the counters it was given, if any, and the closing note. */
export function renderEnd(locale: LocaleController, stats: IndicatorStats | undefined) {
  const shown = COUNTERS.filter((name) => typeof stats?.[name] === 'number');
  return html`${shown.length
      ? html`<p part="section-title">${locale.t('indicator.counters')}</p>
          <dl part="stats">
            ${shown.map(
              (name) =>
                html`<div part="stat" data-stat=${name}>
                  <dt part="stat-name">${locale.t(`indicator.stat.${name}`)}</dt>
                  <dd part="stat-value">${locale.number(stats![name]!)}</dd>
                </div>`,
            )}
          </dl>`
      : nothing}
    <p part="note">${locale.t('indicator.note')}</p>`;
}

/** Figures that make sense: whole numbers, a limit of at least 1, no more left than the limit. */
function sound({ limit, remaining }: IndicatorRateLimit): boolean {
  return limit >= 1 && remaining >= 0 && remaining <= limit && Number.isInteger(limit) && Number.isInteger(remaining);
}

/** The marker on the button of a quota near exhaustion: "1/10" to the eye, a sentence to assistive technology. */
export function renderQuota(locale: LocaleController, limits: IndicatorRateLimit) {
  const { limit, remaining } = limits;
  if (!sound(limits)) return nothing;
  const figures = { remaining: locale.number(remaining), limit: locale.number(limit) };
  return html`<span part="quota" class=${remaining ? 'quota' : 'quota out'}
    ><span aria-hidden="true">${figures.remaining}/${figures.limit}</span><span class="visually-hidden"> ${locale.t('indicator.quota', figures)}</span></span
  >`;
}

/** The popover's rate-limit figures: left of the limit, when the window resets, the policy, the project, and where they came from. */
export function renderLimits(locale: LocaleController, limits: IndicatorRateLimit) {
  const { limit, remaining, reset, policy, projectId, source } = limits;
  if (!sound(limits)) return nothing;
  const items: [string, string][] = [['left', locale.t('indicator.limit.of', { remaining: locale.number(remaining), limit: locale.number(limit) })]];
  if (reset !== undefined) items.push(['reset', locale.time(reset)]);
  if (policy) items.push(['policy', policy]);
  if (projectId) items.push(['project', projectId]);
  return html`<p part="section-title">${locale.t('indicator.limits')}</p>
    <dl part="limits">
      ${items.map(
        ([name, value]) =>
          html`<div part="limit" data-limit=${name}>
            <dt part="limit-name">${locale.t(`indicator.limit.${name}`)}</dt>
            <dd part="limit-value">${value}</dd>
          </div>`,
      )}
    </dl>
    ${source ? html`<p part="limit-source">${locale.t(`indicator.limit.from.${source}`)}</p>` : nothing}`;
}
