import { define } from '../shared/define.js';
import { LiveStatusBadge } from './live-status-badge.js';

define('live-status-badge', LiveStatusBadge);

declare global {
  interface HTMLElementTagNameMap {
    'live-status-badge': LiveStatusBadge;
  }
}

export { LiveStatusBadge };
