import { define } from '../shared/define.js';
import { LiveLogsViewer } from './live-logs-viewer.js';

define('live-logs-viewer', LiveLogsViewer);

declare global {
  interface HTMLElementTagNameMap {
    'live-logs-viewer': LiveLogsViewer;
  }
}
