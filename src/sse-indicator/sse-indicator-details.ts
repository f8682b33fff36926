// The popover's texts, its styles, its event types and its counters: loaded the first time a
// popover opens, so a page that never opens one does not carry them.
import { html, nothing } from 'lit';
import type { LocaleController } from '../shared/i18n.js';
import { detailsStyles } from './sse-indicator-details.styles.js';
import type { IndicatorStats } from './sse-indicator.js';
import './sse-indicator-details.messages.js';

/** The event types the stream carries, as the popover explains them. */
const EVENTS = ['container_status_changed', 'metrics_updated', 'deployment_progress', 'auto_shutdown'] as const;

/** The counters the popover lists, in order. */
const COUNTERS = ['received', 'applied', 'rejected', 'ignored', 'duplicates', 'reconnects', 'dropped'] as const;

export type Counter = (typeof COUNTERS)[number];

/** Adds the popover's styles to an indicator's shadow root, once. */
export function adopt(root: ShadowRoot): void {
  const sheet = detailsStyles.styleSheet!;
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}

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
