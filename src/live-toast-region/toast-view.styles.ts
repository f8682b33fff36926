import { css } from 'lit';

// A toast's looks: loaded with the toast view, the first time a region shows a toast.
export const toastStyles = css`
  .toast {
    --_c: var(--toast-info-color, var(--_level-info));
    position: relative;
    display: flex;
    align-items: flex-start;
    gap: 0.625rem;
    padding: 0.75rem 0.5rem 0.75rem 0.875rem;
    overflow: hidden;
    border: 1px solid var(--_border);
    border-radius: var(--toast-radius, var(--_radius));
    background: var(--_surface);
    box-shadow: var(--toast-shadow, 0 8px 24px rgb(0 0 0 / 0.16), 0 1px 3px rgb(0 0 0 / 0.1));
    color: var(--_text);
    pointer-events: auto;
    animation: toast-in 0.22s cubic-bezier(0.2, 0.7, 0.3, 1);
  }
  .toast::before {
    content: '';
    position: absolute;
    inset-block: 0;
    inset-inline-start: 0;
    width: 4px;
    background: var(--_c);
  }
  .success {
    --_c: var(--toast-success-color, var(--_level-success));
  }
  .warning {
    --_c: var(--toast-warning-color, var(--_level-warning));
  }
  .error {
    --_c: var(--toast-error-color, var(--_level-error));
  }

  .icon {
    display: inline-grid;
    flex: none;
    width: 1.25rem;
    height: 1.25rem;
    color: var(--_c);
  }
  .icon svg {
    display: block;
    width: 100%;
    height: 100%;
  }
  .content {
    flex: 1;
    min-width: 0;
    padding-block-start: 0.05rem;
  }
  .title {
    margin: 0;
    font-weight: 600;
  }
  .message {
    margin: 0.125rem 0 0;
    color: var(--_text-muted);
    overflow-wrap: anywhere;
  }
  .enable {
    margin-block-start: 0.375rem;
    padding: 0;
    border: 0;
    background: none;
    color: var(--_accent);
    font: inherit;
    font-weight: 500;
    text-decoration: underline;
    text-underline-offset: 2px;
    cursor: pointer;
  }
  .close {
    display: inline-grid;
    place-items: center;
    flex: none;
    width: 1.75rem;
    height: 1.75rem;
    margin-block-start: -0.25rem;
    padding: 0;
    border: 0;
    border-radius: 6px;
    background: none;
    color: var(--_text-muted);
    cursor: pointer;
  }
  .close:hover {
    background: var(--_surface-raised);
    color: var(--_text);
  }
  .close svg {
    width: 1rem;
    height: 1rem;
  }

  @keyframes toast-in {
    from {
      opacity: 0;
      transform: translateY(0.5rem) scale(0.98);
    }
  }
  :host([position^='top']) .toast {
    animation-name: toast-in-top;
  }
  @keyframes toast-in-top {
    from {
      opacity: 0;
      transform: translateY(-0.5rem) scale(0.98);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .toast,
    :host([position^='top']) .toast {
      animation: none;
    }
  }
`;
