// A toast as it shows: its icon, texts, buttons and looks. Loaded the first time a region shows a
// toast, so a page whose region stays empty does not carry them; the region announces every toast
// without them.
import { html, nothing, type TemplateResult } from 'lit';
import type { ToastKind } from './live-toast-region.js';

export { toastStyles as styles } from './toast-view.styles.js';

/** What the region gives to draw one toast: its texts already in the page's language, and its handlers. */
export interface ToastView {
  id: number;
  kind: ToastKind;
  /** "Success: " and the like, for screen readers. */
  kindText: string;
  title: string;
  message?: string;
  /** The "Enable desktop notifications" button's text, when it is offered. */
  enable?: string;
  dismiss: string;
  dismissNamed: string;
}

export interface ToastHandlers {
  enter(event: PointerEvent): void;
  leave(event: PointerEvent): void;
  keydown(event: KeyboardEvent): void;
  close(event: Event): void;
  enable(): void;
}

export function renderToast(toast: ToastView, on: ToastHandlers): TemplateResult {
  return html`<div
    part="toast toast-${toast.kind}"
    class="toast ${toast.kind}"
    data-id=${toast.id}
    @pointerenter=${on.enter}
    @pointerleave=${on.leave}
    @keydown=${on.keydown}
  >
    <span part="icon" class="icon" aria-hidden="true">${ICONS[toast.kind]}</span>
    <div part="content" class="content">
      <p part="title" class="title"><span class="visually-hidden">${toast.kindText}: </span>${toast.title}</p>
      ${toast.message === undefined ? nothing : html`<p part="message" class="message">${toast.message}</p>`}
      ${toast.enable ? html`<button part="enable-desktop" class="enable" type="button" @click=${on.enable}>${toast.enable}</button>` : nothing}
    </div>
    <button part="close" class="close" type="button" data-id=${toast.id} aria-label=${toast.dismissNamed} title=${toast.dismiss} @click=${on.close}>
      <svg viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round">
        <path d="M4 4l8 8M12 4l-8 8" />
      </svg>
    </button>
  </div>`;
}

const ICONS: Record<ToastKind, TemplateResult> = {
  info: html`<svg viewBox="0 0 20 20" fill="currentColor">
    <path fill-rule="evenodd" d="M10 1.5a8.5 8.5 0 1 1 0 17 8.5 8.5 0 0 1 0-17ZM9 9h2v5.5H9Zm0-3.5h2v2H9Z" />
  </svg>`,
  success: html`<svg viewBox="0 0 20 20" fill="currentColor">
    <path fill-rule="evenodd" d="M10 1.5a8.5 8.5 0 1 1 0 17 8.5 8.5 0 0 1 0-17Zm3.9 5.4-5 5-2.4-2.4-1.4 1.4 3.8 3.8 6.4-6.4Z" />
  </svg>`,
  warning: html`<svg viewBox="0 0 20 20" fill="currentColor">
    <path fill-rule="evenodd" d="M8.7 2.3a1.5 1.5 0 0 1 2.6 0l7.4 13a1.5 1.5 0 0 1-1.3 2.2H2.6a1.5 1.5 0 0 1-1.3-2.2ZM9 7h2v4.75H9Zm0 6.25h2v2H9Z" />
  </svg>`,
  error: html`<svg viewBox="0 0 20 20" fill="currentColor">
    <path fill-rule="evenodd" d="M10 1.5a8.5 8.5 0 1 1 0 17 8.5 8.5 0 0 1 0-17ZM6.6 7.9l2.1 2.1-2.1 2.1 1.4 1.4 2.1-2.1 2.1 2.1 1.4-1.4-2.1-2.1 2.1-2.1-1.4-1.4-2.1 2.1-2.1-2.1Z" />
  </svg>`,
};

