import { define } from '../shared/define.js';
import { LiveContainerActions } from './live-container-actions.js';

define('live-container-actions', LiveContainerActions);

declare global {
  interface HTMLElementTagNameMap {
    'live-container-actions': LiveContainerActions;
  }
}

export { LiveContainerActions };
