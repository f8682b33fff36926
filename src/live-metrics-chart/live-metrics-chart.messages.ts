import { registerMessages } from '../shared/i18n.js';

registerMessages('en', {
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

registerMessages('es', {
  'metrics.unavailable': 'Métricas no disponibles',
  'metrics.waiting': 'Esperando métricas...',
  'metrics.cpu': 'CPU',
  'metrics.memory': 'Memoria',
  'metrics.requests': 'Solicitudes',
  'metrics.uptime': 'Tiempo activo',
  'metrics.points.one': 'último punto',
  'metrics.points.other': 'últimos {count} puntos',
  'metrics.chart': 'CPU {cpu}, memoria {memory}, {points}',
  'metrics.plotFailed': 'No se pudo cargar el gráfico; reintentando.',
});
