import { css } from 'lit';

/** The mute toggle, adopted into a region's shadow root once it has loaded. */
export const soundStyles = css`
  .mute {
    display: inline-grid;
    place-items: center;
    align-self: flex-end;
    width: 2rem;
    height: 2rem;
    padding: 0;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: var(--_surface);
    box-shadow: 0 1px 3px rgb(0 0 0 / 0.12);
    color: var(--_text-muted);
    cursor: pointer;
    pointer-events: auto;
  }
  .mute:hover {
    color: var(--_text);
  }
  .mute svg {
    width: 1rem;
    height: 1rem;
  }
  :host([position$='start']) .mute {
    align-self: flex-start;
  }
  :host([position$='center']) .mute {
    align-self: center;
  }
`;
