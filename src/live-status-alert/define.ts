import { define } from '../shared/define.js';
import { LiveStatusAlert } from './live-status-alert.js';

define('live-status-alert', LiveStatusAlert);

declare global {
  interface HTMLElementTagNameMap {
    'live-status-alert': LiveStatusAlert;
  }
}

export { LiveStatusAlert };
