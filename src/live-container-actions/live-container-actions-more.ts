// What `<live-container-actions>` needs only after a click, loaded the first time: the delete
// confirmation (with the first click on Delete), and the reading of an answer beyond its status —
// a refresh's news for the store, rate limits and the words of their countdown (with the first answer).
import { html, nothing, type TemplateResult } from 'lit';
import { isContainerStatus, isObject } from '../core/protocol.js';
import { readLimits } from '../core/rate-limit.js';
import type { RestResponse } from '../core/rest.js';
import type { LiveStore, RateLimitInfo } from '../core/store.js';
import { registerBuiltIn, type LocaleController } from '../shared/i18n.js';
import { moreStyles } from './live-container-actions-more.styles.js';

registerBuiltIn(
  {
    'actions.confirm.question': ['Delete {project}?', '¿Eliminar {project}?'],
    'actions.confirm.detail': [
      'The project and its container are removed. This cannot be undone.',
      'Se eliminarán el proyecto y su contenedor. No se puede deshacer.',
    ],
    'actions.confirm.cancel': ['Cancel', 'Cancelar'],
    'actions.confirm.delete': ['Delete', 'Eliminar'],
    'actions.wait': ['Try again in {time}', 'Inténtalo de nuevo en {time}'],
    'actions.limited': ['Too many requests. Try again in {time}.', 'Demasiadas solicitudes. Inténtalo de nuevo en {time}.'],
    'actions.ready': ['You can try again now.', 'Ya puedes volver a intentarlo.'],
  },
  true,
);

/** How long a `429` pauses the buttons when its answer gives no sound wait, in seconds. */
export const DEFAULT_WAIT = 5;

/** The confirmation's styles, for an element's shadow root. */
export { moreStyles as styles };

/**
 * The delete confirmation: its question, its warning, Cancel (focused first, the safe choice) and
 * Delete — paused, like every button, while a `429`'s wait runs. Escape is Cancel.
 */
export function renderConfirm(
  t: LocaleController,
  project: string,
  paused: boolean,
  onCancel: () => void,
  onConfirm: () => void,
  icon: TemplateResult,
): TemplateResult {
  const onKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    onCancel();
  };
  return html`<div part="confirm" class="confirm" role="group" aria-labelledby="confirm-question" aria-describedby="confirm-detail" @keydown=${onKeydown}>
    <p part="confirm-message" class="confirm-message">
      <strong id="confirm-question">${t.t('actions.confirm.question', { project })}</strong>
      <span id="confirm-detail">${t.t('actions.confirm.detail')}</span>
    </p>
    <span class="confirm-buttons">
      <button part="button cancel" class="button" type="button" @click=${onCancel}>
        <span part="label" class="label">${t.t('actions.confirm.cancel')}</span>
      </button>
      <button
        part="button confirm-delete"
        class="button danger solid"
        type="button"
        aria-disabled=${paused ? 'true' : nothing}
        aria-describedby=${paused ? 'wait' : nothing}
        @click=${onConfirm}
      >
        <span part="icon" class="icon" aria-hidden="true">${icon}</span><span part="label" class="label">${t.t('actions.confirm.delete')}</span>
      </button>
    </span>
  </div>`;
}

/** What an action's answer says: the seconds to wait (after a `429`), and the limit's figures. */
export function limitsOf(response: RestResponse): { wait: number; rateLimit?: RateLimitInfo } {
  const { retryAfter, rateLimit } = readLimits(response.headers!, response.status, 'action');
  return { wait: response.status === 429 ? (retryAfter ?? DEFAULT_WAIT) : 0, rateLimit };
}

/** The message `key` with `{time}` as "12 s", "3 min" (from two minutes on) or "2 h" (from two hours on). */
export function waitText(locale: LocaleController, key: string, seconds: number): string {
  const [amount, unit] = seconds < 120 ? [seconds, 's'] : seconds < 7200 ? [Math.ceil(seconds / 60), 'min'] : [Math.ceil(seconds / 3600), 'h'];
  return locale.t(key, { time: `${locale.number(amount)} ${unit}` });
}

/** A refresh whose answer disagrees with the store brings the store up to date. */
export function reconcile(store: LiveStore, projectId: string, body: unknown): void {
  const project = store.getProject(projectId);
  const fresh = (isObject(body) && isObject(body.project) ? body.project : body) as { status?: unknown } | null;
  if (!project || !isObject(fresh) || !isContainerStatus(fresh.status) || fresh.status === project.status) return;
  store.apply({
    type: 'container_status_changed',
    data: { projectId, oldStatus: project.status, newStatus: fresh.status, timestamp: new Date().toISOString() },
  });
}
