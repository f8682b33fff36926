import { css } from 'lit';

// Local properties are read with a fallback at the point of use (never declared on :host), so a
// host can set them on the indicator itself or on any ancestor. The popover's looks and contents
// are styled by `sse-indicator-details.styles.ts`, which loads with its texts.
export const styles = css`
  :host {
    display: inline-block;
    vertical-align: middle;
    min-width: 0;
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
    background: color-mix(in srgb, var(--_c) var(--_tint, 8%), var(--_surface));
    color: var(--_text);
    font: inherit;
    font-weight: 500;
    white-space: nowrap;
    cursor: pointer;
  }
  .trigger:hover {
    --_tint: 15%;
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
  svg {
    flex: none;
    width: 1em;
    height: 1em;
    fill: none;
    stroke: currentColor;
    stroke-width: 1.75;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  .icon {
    color: var(--_c);
    stroke-width: 2.25;
  }
  .label {
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .chevron {
    color: var(--_text-muted);
    transition: transform 0.15s ease;
  }
  :host([open]) .chevron {
    transform: rotate(180deg);
  }

  /*
   * Where the popover sits and how large it is; its looks load with its contents. Until they have
   * loaded it stays transparent, for half a second at most: a slow or failed load still shows what
   * the popover has. Percentages are of the viewport: the popover is fixed in the top layer.
   */
  .popover {
    --_w: min(var(--indicator-popover-width, 25rem), 100% - 16px);
    box-sizing: border-box;
    width: var(--_w);
    max-height: calc(100% - 16px);
    overflow: auto;
    animation: le-indicator-reveal 0s 0.5s both;
  }
  @keyframes le-indicator-reveal {
    from {
      opacity: 0;
    }
  }
  /*
   * Under the trigger, or over it when there is more room there; slid sideways to stay in view.
   * Without anchor positioning the popover keeps the browser's place for it: the viewport's middle.
   */
  .anchored {
    position-anchor: --le-indicator-trigger;
    inset: auto;
    top: anchor(bottom);
    left: clamp(8px, anchor(left), 100% - 8px - var(--_w));
    margin: 6px 0 8px;
    max-height: -webkit-fill-available;
    max-height: stretch;
    position-try: most-block-size flip-block;
  }

  @media (prefers-reduced-motion: reduce) {
    .chevron {
      transition: none;
    }
  }
`;
