import { css } from 'lit';

// Local properties are read with a fallback at the point of use (never declared on :host), so a
// host can set them on the badge itself or on any ancestor. Under reduced motion the pulse stays
// as a still halo, which keeps "running" distinct from the other dots without moving.
export const styles = css`
  :host {
    display: inline-flex;
    vertical-align: middle;
    max-width: 100%;
    font-size: var(--badge-font-size, 0.75rem);
    line-height: 1.25;
    /* Each badge paints on its own: when a neighbour's label changes width and this badge moves,
       its painting is reused, not redone. Looks the same; the host has no baseline of its own. */
    contain: layout style;
    transform: translate(0);
  }

  .base {
    --_c: var(--badge-unknown-color, var(--_text-muted));
    display: inline-flex;
    align-items: center;
    gap: 0.375em;
    min-width: 0;
    padding: var(--badge-padding, 0.125rem 0.5rem 0.125rem 0.4375rem);
    border: 1px solid color-mix(in srgb, var(--_c) 38%, var(--_surface));
    border-radius: var(--badge-radius, 999px);
    background: color-mix(in srgb, var(--_c) var(--badge-tint, 14%), var(--_surface));
    color: color-mix(in srgb, var(--_c) 72%, var(--_text));
    font-weight: 600;
    letter-spacing: 0.01em;
    white-space: nowrap;
  }
  .running {
    --_c: var(--badge-running-color, var(--_status-running));
  }
  .deploying {
    --_c: var(--badge-deploying-color, var(--_status-deploying));
  }
  .stopped {
    --_c: var(--badge-stopped-color, var(--_status-stopped));
  }
  .inactive {
    --_c: var(--badge-inactive-color, var(--_status-inactive));
  }
  .error {
    --_c: var(--badge-error-color, var(--_status-error));
  }
  /* Stale: the status may no longer be true. Dashed and still, the icon without its colour; the
     label keeps its contrast. */
  .stale .icon {
    filter: grayscale(1);
  }
  .unknown,
  .stale {
    border-style: dashed;
  }
  .unknown {
    background: var(--_surface);
    font-weight: 500;
  }

  .icon {
    position: relative;
    display: inline-grid;
    place-items: center;
    flex: none;
    width: 1.125em;
    height: 1.125em;
    color: var(--_c);
  }
  svg {
    display: block;
    width: 100%;
    height: 100%;
    fill: currentColor;
    fill-rule: evenodd;
    stroke: currentColor;
    stroke-width: 0;
  }
  .deploying path,
  .unknown path {
    fill: none;
  }
  .deploying path {
    stroke-width: 2.25;
  }
  .deploying .shape {
    stroke-opacity: 0.25;
  }
  .deploying .arc {
    stroke-linecap: round;
  }
  .unknown path {
    stroke-width: 1.75;
    stroke-dasharray: 2.75 2.25;
  }
  .label {
    overflow: hidden;
    text-overflow: ellipsis;
  }

  .pulse {
    display: none;
    position: absolute;
    inset: 0;
    border-radius: 50%;
    background: currentColor;
    opacity: 0;
  }
  .running .pulse {
    display: block;
    animation: badge-pulse var(--badge-pulse-duration, 1.8s) cubic-bezier(0.2, 0.6, 0.4, 1) infinite;
  }
  .deploying svg {
    animation: badge-spin var(--badge-spin-duration, 0.9s) linear infinite;
  }

  /* Off-screen badges, and all of them while the page is overloaded, do not animate (see the class). */
  :host(:state(offscreen)) .pulse,
  :host(:state(offscreen)) svg,
  :host(:state(overloaded)) .pulse,
  :host(:state(overloaded)) svg,
  .stale .pulse,
  .stale svg {
    animation: none;
  }

  @keyframes badge-pulse {
    0% {
      transform: scale(0.55);
      opacity: 0.6;
    }
    80%,
    100% {
      transform: scale(1.5);
      opacity: 0;
    }
  }
  @keyframes badge-spin {
    to {
      transform: rotate(1turn);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .running .pulse,
    .deploying svg {
      animation: none;
    }
    .pulse {
      transform: scale(1.15);
      opacity: 0.25;
    }
  }
`;
