import { css } from 'lit';

/**
 * The popover's looks and its contents', adopted into each indicator's shadow root once they have
 * loaded (which also ends the popover's wait, transparent, for them). The contents are selected by
 * part: the nodes the popover draws before this has loaded carry no classes.
 */
export const detailsStyles = css`
  .popover {
    padding: 0.875rem 1rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--indicator-popover-radius, var(--_radius));
    background: var(--_surface);
    color: var(--_text);
    box-shadow: var(--indicator-popover-shadow, 0 8px 24px rgb(0 0 0 / 0.14));
    line-height: 1.4;
    text-align: start;
    animation: none;
  }
  p,
  dl,
  dd {
    margin: 0;
  }
  code {
    font-family: var(--_font-mono);
    font-size: 0.9em;
  }
  [part~='title'] {
    font-weight: 600;
    font-size: 1.0769em;
  }
  [part~='error'] {
    margin-top: 0.375rem;
    color: color-mix(in srgb, var(--_status-error) 80%, var(--_text));
    overflow-wrap: anywhere;
  }
  [part~='endpoint'] {
    display: flex;
    align-items: baseline;
    gap: 0.5em;
    margin-top: 0.625rem;
    padding: 0.4375rem 0.625rem;
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: var(--_surface-raised);
  }
  [part~='endpoint'].empty {
    color: var(--_text-muted);
  }
  [part~='method'] {
    flex: none;
    color: color-mix(in srgb, var(--_status-running) 80%, var(--_text));
    font-family: var(--_font-mono);
    font-size: 0.8462em;
    font-weight: 700;
    letter-spacing: 0.04em;
  }
  [part~='url'] {
    min-width: 0;
    overflow-wrap: anywhere;
  }
  [part~='section-title'] {
    margin: 0.875rem 0 0.375rem;
    color: var(--_text-muted);
    font-size: 0.8462em;
    font-weight: 600;
    letter-spacing: 0.05em;
    text-transform: uppercase;
  }
  [part~='events'] {
    display: grid;
    gap: 0.4375rem;
  }
  [part~='event-name'] code {
    font-size: 0.9231em;
    font-weight: 600;
  }
  [part~='event-text'] {
    color: var(--_text-muted);
  }
  /*
   * The total takes a row of its own; the other counters share the rows below, as many to a row
   * as fit. A counter is never narrower than its number, which never wraps: on a narrow screen
   * fewer counters share a row.
   */
  [part~='stats'],
  [part~='limits'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.375rem;
  }
  [part~='stat'],
  [part~='limit'] {
    box-sizing: border-box;
    flex: 1 0 7em;
    display: flex;
    flex-direction: column-reverse;
    justify-content: flex-end;
    padding: 0.3125rem 0.5rem;
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: var(--_surface-raised);
  }
  [data-stat='received'] {
    flex-basis: 100%;
  }
  [data-stat='received'] [part~='stat-value'] {
    font-size: 1.3846em;
  }
  [part~='stat-name'],
  [part~='limit-name'],
  [part~='limit-source'] {
    color: var(--_text-muted);
    font-size: 0.8462em;
  }
  [part~='limit-source'] {
    margin-top: 0.375rem;
  }
  [part~='stat-value'],
  [part~='limit-value'] {
    font-size: 1.0769em;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  [data-limit='project'] [part~='limit-value'] {
    white-space: normal;
    overflow-wrap: anywhere;
  }
  /* The marker of a quota running low, on the button. */
  .quota {
    --_q: var(--indicator-quota-color, var(--_status-deploying));
    flex: none;
    padding: 0 0.4em;
    border: 1px solid color-mix(in srgb, var(--_q) 55%, var(--_border));
    border-radius: 999px;
    background: color-mix(in srgb, var(--_q) 14%, var(--_surface));
    color: color-mix(in srgb, var(--_q) 70%, var(--_text));
    font-size: 0.8462em;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  .out {
    --_q: var(--indicator-quota-out-color, var(--_status-error));
  }
  [part~='note'] {
    margin-top: 0.75rem;
    color: var(--_text-muted);
    font-size: 0.8462em;
  }
`;
