import { css } from 'lit';

// Local properties are read with a fallback at the point of use (never declared on :host), so a
// host can set them on the region itself or on any ancestor.
export const styles = css`
  :host {
    --_offset: var(--toast-offset, 1rem);
    position: fixed;
    z-index: var(--toast-z-index, 1000);
    inset-block-end: var(--_offset);
    inset-inline-end: var(--_offset);
    display: block;
    box-sizing: border-box;
    width: min(var(--toast-width, 22rem), calc(100vw - 2 * var(--_offset)));
    font-size: var(--toast-font-size, 0.875rem);
    line-height: 1.4;
    /* The empty area between toasts never blocks the page underneath. */
    pointer-events: none;
  }
  :host([position^='top']) {
    inset-block: var(--_offset) auto;
  }
  :host([position$='start']) {
    inset-inline: var(--_offset) auto;
  }
  :host([position$='center']) {
    inset-inline: 0;
    margin-inline: auto;
  }
  :host([position='inline']) {
    position: relative;
    inset: auto;
    z-index: auto;
    width: auto;
    max-width: var(--toast-width, 22rem);
  }

  .base {
    display: flex;
    flex-direction: column;
    gap: var(--toast-gap, 0.5rem);
  }
  /* Newest nearest the anchored edge; the reading order stays oldest first. */
  :host([position^='top']) .base {
    flex-direction: column-reverse;
  }
`;
