import { css } from 'lit';

// Local properties are read with a fallback at the point of use (never declared on :host), so a
// host can set them on the indicator itself or on any ancestor.
export const styles = css`
  :host {
    display: inline-block;
    vertical-align: middle;
    font-size: var(--indicator-font-size, 0.8125rem);
    line-height: 1.35;
  }

  .trigger {
    --_c: var(--indicator-closed-color, var(--_status-error));
    anchor-name: --le-indicator-trigger;
    display: inline-flex;
    align-items: center;
    gap: 0.4375em;
    max-width: 100%;
    margin: 0;
    padding: 0.3125em 0.5em 0.3125em 0.625em;
    border: 1px solid color-mix(in srgb, var(--_c) 35%, var(--_border));
    border-radius: var(--indicator-radius, 999px);
    background: color-mix(in srgb, var(--_c) 8%, var(--_surface));
    color: var(--_text);
    font: inherit;
    font-weight: 500;
    white-space: nowrap;
    cursor: pointer;
  }
  .trigger:hover {
    background: color-mix(in srgb, var(--_c) 15%, var(--_surface));
  }
  .trigger.connecting {
    --_c: var(--indicator-connecting-color, var(--_accent));
  }
  .trigger.open {
    --_c: var(--indicator-open-color, var(--_status-running));
  }
  .trigger.disconnected {
    --_c: var(--indicator-closed-color, var(--_text-muted));
  }
  .emoji {
    flex: none;
    font-size: 0.9375em;
    line-height: 1;
    font-family: 'Apple Color Emoji', 'Segoe UI Emoji', 'Noto Color Emoji', var(--_font);
  }
  .label {
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .chevron {
    flex: none;
    width: 1em;
    height: 1em;
    color: var(--_text-muted);
    transition: transform 0.15s ease;
  }
  :host([open]) .chevron {
    transform: rotate(180deg);
  }

  .popover {
    box-sizing: border-box;
    width: min(var(--indicator-popover-width, 25rem), calc(100vw - 16px));
    max-height: calc(100vh - 16px);
    overflow: auto;
    margin: 0;
    padding: 0.875rem 1rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--indicator-popover-radius, var(--_radius));
    background: var(--_surface);
    color: var(--_text);
    box-shadow: var(--indicator-popover-shadow, 0 8px 24px rgb(0 0 0 / 0.14));
    font-family: var(--_font);
    font-size: var(--indicator-font-size, 0.8125rem);
    line-height: 1.4;
    text-align: start;
  }
  @supports (anchor-name: --a) {
    .popover {
      position-anchor: --le-indicator-trigger;
      inset: auto;
      top: anchor(bottom);
      left: anchor(left);
      margin-top: 6px;
      position-try-fallbacks: flip-inline, flip-block, flip-block flip-inline;
    }
  }
  @supports not (anchor-name: --a) {
    .popover {
      inset: auto;
    }
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
  .title {
    font-weight: 600;
    font-size: 1.0769em;
  }
  .error {
    margin-top: 0.375rem;
    color: color-mix(in srgb, var(--_status-error) 80%, var(--_text));
    overflow-wrap: anywhere;
  }
  .endpoint {
    display: flex;
    align-items: baseline;
    gap: 0.5em;
    margin-top: 0.625rem;
    padding: 0.4375rem 0.625rem;
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: var(--_surface-raised);
  }
  .endpoint.empty {
    color: var(--_text-muted);
  }
  .method {
    flex: none;
    color: color-mix(in srgb, var(--_status-running) 80%, var(--_text));
    font-family: var(--_font-mono);
    font-size: 0.8462em;
    font-weight: 700;
    letter-spacing: 0.04em;
  }
  .url {
    min-width: 0;
    overflow-wrap: anywhere;
  }
  .section-title {
    margin: 0.875rem 0 0.375rem;
    color: var(--_text-muted);
    font-size: 0.8462em;
    font-weight: 600;
    letter-spacing: 0.05em;
    text-transform: uppercase;
  }
  .events {
    display: grid;
    gap: 0.4375rem;
  }
  .event-name code {
    font-size: 0.9231em;
    font-weight: 600;
  }
  .event-text {
    color: var(--_text-muted);
  }
  .stats {
    display: grid;
    grid-template-columns: repeat(4, minmax(0, 1fr));
    gap: 0.375rem;
  }
  /* The total spans two rows, so the seven counters tile a 4 × 2 grid. */
  .stat[data-stat='received'] {
    grid-row: span 2;
    justify-content: center;
  }
  .stat[data-stat='received'] .stat-value {
    font-size: 1.3846em;
  }
  .stat {
    display: flex;
    flex-direction: column-reverse;
    justify-content: flex-end;
    padding: 0.3125rem 0.5rem;
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: var(--_surface-raised);
  }
  .stat-name {
    color: var(--_text-muted);
    font-size: 0.8462em;
  }
  .stat-value {
    font-size: 1.0769em;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
    overflow-wrap: anywhere;
  }
  .note {
    margin-top: 0.75rem;
    color: var(--_text-muted);
    font-size: 0.8462em;
  }

  @media (prefers-reduced-motion: reduce) {
    .chevron {
      transition: none;
    }
  }
`;
