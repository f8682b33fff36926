import { css } from 'lit';

// Local properties are read with a fallback at the point of use (never declared on :host), so a
// host can set them on the element itself or on any ancestor.
export const styles = css`
  :host {
    display: block;
    font-size: var(--actions-font-size, 0.875rem);
    line-height: 1.25;
  }
  :host(:state(empty)) {
    display: none;
  }

  .base {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--actions-gap, 0.5rem);
    border-radius: var(--actions-button-radius, 6px);
  }
  .base:focus:not(:focus-visible) {
    outline: none;
  }

  .button {
    --_b: var(--_text);
    box-sizing: border-box;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4em;
    min-height: var(--actions-button-height, 2rem);
    padding: 0 0.8em;
    border: 1px solid var(--_border);
    border-radius: var(--actions-button-radius, 6px);
    background: var(--_surface-raised);
    color: var(--_text);
    font: inherit;
    font-weight: 500;
    text-decoration: none;
    white-space: nowrap;
    cursor: pointer;
    transition:
      background-color 0.15s ease,
      border-color 0.15s ease;
  }
  .button:hover {
    border-color: color-mix(in srgb, var(--_text) 35%, var(--_border));
    background: color-mix(in srgb, var(--_text) 6%, var(--_surface-raised));
  }
  .button:active {
    background: color-mix(in srgb, var(--_text) 11%, var(--_surface-raised));
  }
  .primary {
    --_p: var(--actions-primary-color, var(--_accent));
    border-color: var(--_p);
    background: var(--_p);
    color: var(--_surface);
  }
  .primary:hover,
  .primary:active {
    border-color: color-mix(in srgb, var(--_p) 85%, var(--_text));
    background: color-mix(in srgb, var(--_p) 85%, var(--_text));
  }
  .danger {
    --_d: var(--actions-danger-color, var(--_status-error));
    border-color: color-mix(in srgb, var(--_d) 45%, var(--_border));
    color: var(--_d);
  }
  .danger:hover {
    border-color: var(--_d);
    background: color-mix(in srgb, var(--_d) 9%, var(--_surface-raised));
  }
  .button[aria-disabled='true'] {
    opacity: 0.6;
    cursor: not-allowed;
  }
  .base[aria-busy='true'] .button {
    cursor: progress;
  }

  .wait {
    color: var(--_text-muted);
    font-variant-numeric: tabular-nums;
  }

  .icon,
  .spinner {
    display: inline-grid;
    flex: none;
    width: 1em;
    height: 1em;
  }
  .icon svg {
    display: block;
    width: 100%;
    height: 100%;
  }
  .spinner {
    animation: actions-spin 0.8s linear infinite;
  }

  .deploying {
    display: inline-flex;
    align-items: center;
    gap: 0.5em;
    min-height: var(--actions-button-height, 2rem);
    color: var(--_text-muted);
    font-weight: 500;
  }
  .deploying .spinner {
    color: var(--_status-deploying);
  }

  @keyframes actions-spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
    .button {
      transition: none;
    }
  }
`;
