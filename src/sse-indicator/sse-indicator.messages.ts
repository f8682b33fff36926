import { registerMessages } from '../shared/i18n.js';

// The state texts themselves (`connection.connecting`, …) are library-wide keys.
registerMessages('en', {
  'indicator.title': 'Live connection',
  'indicator.noEndpoint': 'No endpoint set',
  'indicator.events': 'Events',
  'indicator.event.container_status_changed': 'A container changed status; its badge updates.',
  'indicator.event.metrics_updated': 'New CPU, memory and request figures for the charts.',
  'indicator.event.deployment_progress': 'A deployment step or log line, with its progress.',
  'indicator.event.auto_shutdown': 'A container was paused after a period of inactivity.',
  'indicator.counters': 'Counters',
  'indicator.stat.received': 'Received',
  'indicator.stat.applied': 'Applied',
  'indicator.stat.rejected': 'Rejected',
  'indicator.stat.ignored': 'Ignored',
  'indicator.stat.duplicates': 'Duplicates',
  'indicator.stat.reconnects': 'Reconnects',
  'indicator.stat.dropped': 'Dropped logs',
  'indicator.lastError': 'Last error: {message}',
  'indicator.note': 'The server decides how often events are sent.',
});

registerMessages('es', {
  'indicator.title': 'Conexión en vivo',
  'indicator.noEndpoint': 'Sin endpoint',
  'indicator.events': 'Eventos',
  'indicator.event.container_status_changed': 'Un contenedor cambió de estado; su badge se actualiza.',
  'indicator.event.metrics_updated': 'Nuevas cifras de CPU, memoria y peticiones para los gráficos.',
  'indicator.event.deployment_progress': 'Un paso o una línea de log del despliegue, con su progreso.',
  'indicator.event.auto_shutdown': 'Un contenedor se pausó por inactividad.',
  'indicator.counters': 'Contadores',
  'indicator.stat.received': 'Recibidos',
  'indicator.stat.applied': 'Aplicados',
  'indicator.stat.rejected': 'Rechazados',
  'indicator.stat.ignored': 'Ignorados',
  'indicator.stat.duplicates': 'Duplicados',
  'indicator.stat.reconnects': 'Reconexiones',
  'indicator.stat.dropped': 'Logs descartados',
  'indicator.lastError': 'Último error: {message}',
  'indicator.note': 'El servidor decide con qué frecuencia envía eventos.',
});
