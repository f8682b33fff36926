import { ContextRoot } from '@lit/context';
import { define } from '../shared/define.js';
import { SseProvider } from './sse-provider.js';

// Elements upgraded before their provider still find it: the root replays their context requests
// when a provider appears.
const ROOT = Symbol.for('live-elements/context-root');
const global = globalThis as typeof globalThis & { [ROOT]?: ContextRoot };
if (!global[ROOT] && typeof document !== 'undefined') {
  global[ROOT] = new ContextRoot();
  global[ROOT].attach(document.documentElement);
}

define('sse-provider', SseProvider);

declare global {
  interface HTMLElementTagNameMap {
    'sse-provider': SseProvider;
  }
}

export { SseProvider };
