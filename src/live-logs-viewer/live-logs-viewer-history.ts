// The picker of earlier deployments, with the strings it and the history lines use: loaded the
// first time a log has either, so a page that never shows them does not carry them.
import { html, type TemplateResult } from 'lit';
import type { DeploymentInfo, PastDeployment } from '../core/store.js';
import type { LocaleController } from '../shared/i18n.js';
import './live-logs-viewer-history.messages.js';

const DEPLOY_TIME: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };

/**
 * The picker: the current deployment, then the earlier ones, newest first. `shown` is the earlier one
 * shown (undefined: the current one); `onChange` is called with the element as `this`.
 */
export function renderPicker(
  locale: LocaleController,
  past: readonly PastDeployment[],
  current: DeploymentInfo | undefined,
  shown: PastDeployment | undefined,
  onChange: (event: Event) => void,
): TemplateResult {
  const name = (key: string, info: DeploymentInfo) =>
    locale.t(key, { time: locale.time(info.startedAt, DEPLOY_TIME), outcome: info.outcome ? locale.t(`logs.outcome.${info.outcome}`) : '' });
  return html`<select part="deployment" aria-label=${locale.t('logs.deployment')} @change=${onChange}>
    <option value="" ?selected=${!shown}>${current ? name('logs.current', current) : locale.t('logs.currentPlain')}</option>
    ${past.map((deployment, index) => html`<option value=${index} ?selected=${deployment === shown}>${name('logs.earlier', deployment)}</option>`).reverse()}
  </select>`;
}
