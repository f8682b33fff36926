import { registerBuiltIn } from '../shared/i18n.js';

registerBuiltIn({
  'metrics.unavailable': 'Metrics unavailable',
  'metrics.waiting': 'Waiting for metrics…',
  'metrics.cpu': 'CPU',
  'metrics.memory': 'Memory',
  'metrics.requests': 'Requests',
  'metrics.uptime': 'Uptime',
  'metrics.points.one': 'last point',
  'metrics.points.other': 'last {count} points',
  'metrics.chart': 'CPU {cpu}, memory {memory}, {points}',
  'metrics.plotFailed': 'The chart could not be loaded; retrying.',
});
