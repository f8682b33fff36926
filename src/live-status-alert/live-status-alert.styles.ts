import { css } from 'lit';

// Local properties are read with a fallback at the point of use (never declared on :host), so a
// host can set them on the alert itself or on any ancestor.
export const styles = css`
  :host {
    display: block;
    font-size: var(--alert-font-size, 0.875rem);
    line-height: 1.45;
  }
  /* Nothing to say (running, stopped, unknown): no box at all, so layouts keep no gap for it. */
  :host(:state(empty)) {
    display: none;
  }

  .base {
    --_c: var(--_level-info);
    display: flex;
    align-items: flex-start;
    gap: 0.75em;
    padding: var(--alert-padding, 0.75rem 1rem);
    border: 1px solid color-mix(in srgb, var(--_c) 40%, var(--_surface));
    border-inline-start: var(--alert-accent-width, 4px) solid var(--_c);
    border-radius: var(--alert-radius, var(--_radius));
    background: color-mix(in srgb, var(--_c) var(--alert-tint, 10%), var(--_surface));
    color: var(--_text);
  }
  .stale {
    border-style: dashed;
  }
  .stale .icon {
    filter: grayscale(1);
  }
  .stale *,
  .stale *::before {
    animation: none !important;
  }
  .inactive {
    --_c: var(--alert-inactive-color, var(--_level-warning));
  }
  .error {
    --_c: var(--alert-error-color, var(--_status-error));
  }
  .deploying {
    --_c: var(--alert-deploying-color, var(--_level-info));
  }

  .icon {
    display: inline-grid;
    place-items: center;
    flex: none;
    width: 1.25em;
    height: 1.25em;
    margin-block-start: 0.05em;
    color: var(--_c);
  }
  svg {
    display: block;
    width: 100%;
    height: 100%;
  }
  .body {
    flex: 1;
    min-width: 0;
  }
  .title {
    margin: 0;
    font-weight: 600;
    color: color-mix(in srgb, var(--_c) 68%, var(--_text));
  }
  .message,
  .detail {
    margin: 0.125rem 0 0;
    overflow-wrap: anywhere;
  }
  .detail {
    color: var(--_text-muted);
    font-size: 0.92em;
    font-variant-numeric: tabular-nums;
  }

  .progress-row {
    display: flex;
    align-items: center;
    gap: 0.75em;
    margin-block-start: 0.5rem;
  }
  .progress {
    position: relative;
    flex: 1;
    height: var(--alert-progress-height, 0.5rem);
    overflow: hidden;
    border-radius: 999px;
    background: color-mix(in srgb, var(--_c) 20%, var(--_surface));
  }
  /* The stripes move on a layer of their own, one stripe wider than the bar: only a transform is
     animated, so they cost the main thread nothing between updates. */
  .progress-bar {
    position: relative;
    height: 100%;
    overflow: hidden;
    border-radius: inherit;
    background-color: var(--_c);
    transition: width 0.3s ease;
  }
  .progress-bar::before {
    content: '';
    position: absolute;
    inset: 0 -1rem 0 0;
    background-image: linear-gradient(
      45deg,
      rgb(255 255 255 / 0.28) 25%,
      transparent 25%,
      transparent 50%,
      rgb(255 255 255 / 0.28) 50%,
      rgb(255 255 255 / 0.28) 75%,
      transparent 75%,
      transparent
    );
    background-size: 1rem 1rem;
    animation: alert-stripes var(--alert-stripes-duration, 1s) linear infinite;
  }
  .indeterminate .progress-bar {
    width: 35%;
    animation: alert-slide 1.6s ease-in-out infinite;
  }
  .progress-value {
    flex: none;
    min-width: 3.5ch;
    text-align: end;
    font-variant-numeric: tabular-nums;
    font-weight: 600;
    color: color-mix(in srgb, var(--_c) 68%, var(--_text));
  }
  .spinner {
    animation: alert-spin 0.9s linear infinite;
  }

  @keyframes alert-stripes {
    to {
      transform: translateX(-1rem);
    }
  }
  @keyframes alert-slide {
    from {
      transform: translateX(-100%);
    }
    to {
      transform: translateX(290%);
    }
  }
  @keyframes alert-spin {
    to {
      transform: rotate(1turn);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .progress-bar,
    .progress-bar::before,
    .indeterminate .progress-bar,
    .spinner {
      animation: none;
      transition: none;
    }
    /* Without the slide, an indeterminate bar is a still, striped track. */
    .indeterminate .progress-bar {
      width: 100%;
      opacity: 0.55;
    }
  }
`;
