import { define } from '../shared/define.js';
import { LiveMetricsChart } from './live-metrics-chart.js';

define('live-metrics-chart', LiveMetricsChart);

declare global {
  interface HTMLElementTagNameMap {
    'live-metrics-chart': LiveMetricsChart;
  }
}
