import { define } from '../shared/define.js';
import { LiveToastRegion } from './live-toast-region.js';

define('live-toast-region', LiveToastRegion);

declare global {
  interface HTMLElementTagNameMap {
    'live-toast-region': LiveToastRegion;
  }
}

export { LiveToastRegion };
