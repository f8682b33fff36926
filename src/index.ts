/**
 * `@clouddeploy/live-elements`: registers every element and exports the public API.
 */
import './sse-provider/define.js';
import './live-status-badge/define.js';
import './sse-indicator/define.js';
import './live-metrics-chart/define.js';
import './live-logs-viewer/define.js';
import './live-status-alert/define.js';
import './live-container-actions/define.js';
import './live-toast-region/define.js';

export { SseProvider } from './sse-provider/sse-provider.js';
export type { SseStateChangeDetail, SseInvalidEventDetail } from './sse-provider/sse-provider.js';
export { LiveStatusBadge } from './live-status-badge/live-status-badge.js';
export { SseIndicator } from './sse-indicator/sse-indicator.js';
export { LiveMetricsChart } from './live-metrics-chart/live-metrics-chart.js';
export { LiveLogsViewer } from './live-logs-viewer/live-logs-viewer.js';
export type { LogEntryInput, LogsExportDetail, LogsClearDetail } from './live-logs-viewer/live-logs-viewer.js';
export { LiveStatusAlert } from './live-status-alert/live-status-alert.js';
export { LiveContainerActions } from './live-container-actions/live-container-actions.js';
export type { ContainerAction, ContainerActionDetail, ActionSuccessDetail, ActionErrorDetail } from './live-container-actions/live-container-actions.js';
export { LiveToastRegion } from './live-toast-region/live-toast-region.js';
export type { ToastOptions, ToastKind, ToastPosition } from './live-toast-region/live-toast-region.js';

// The core (session, client, protocol, store) as `@clouddeploy/live-elements/core` exports it.
export * from './core/index.js';
export { liveContext } from './shared/context.js';
export type { LiveService, ServiceResponse } from './shared/context.js';
export { LiveController } from './shared/live-controller.js';
export { LocaleController, registerMessages, translate } from './shared/i18n.js';
