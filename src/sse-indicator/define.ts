import { define } from '../shared/define.js';
import { SseIndicator } from './sse-indicator.js';

define('sse-indicator', SseIndicator);

declare global {
  interface HTMLElementTagNameMap {
    'sse-indicator': SseIndicator;
  }
}

export { SseIndicator };
