import { css } from 'lit';

/** The delete confirmation's looks, adopted into an element's shadow root when it first asks. */
export const moreStyles = css`
  .danger.solid {
    border-color: var(--_d);
    background: var(--_d);
    color: var(--_surface);
  }
  .danger.solid:hover {
    background: color-mix(in srgb, var(--_d) 85%, var(--_text));
  }

  .confirm {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 0.75rem;
    padding: 0.5rem 0.75rem;
    border: 1px solid color-mix(in srgb, var(--actions-danger-color, var(--_status-error)) 45%, var(--_border));
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--actions-danger-color, var(--_status-error)) 7%, var(--_surface));
  }
  .confirm-message {
    flex: 1 1 16rem;
    margin: 0;
  }
  .confirm-message span {
    display: block;
    color: var(--_text-muted);
    font-size: 0.92em;
  }
  .confirm-buttons {
    display: inline-flex;
    gap: var(--actions-gap, 0.5rem);
  }
`;
