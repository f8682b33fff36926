// The popover's texts but its title and the last error (which may say a lazily loaded file is
// missing): loaded the first time the popover opens, so a page that never opens it does not carry them.
import { registerBuiltIn } from '../shared/i18n.js';

registerBuiltIn(
  {
    'indicator.noEndpoint': ['No endpoint set', 'Sin endpoint'],
    'indicator.events': ['Events', 'Eventos'],
    'indicator.counters': ['Counters', 'Contadores'],
    'indicator.stat.received': ['Received', 'Recibidos'],
    'indicator.stat.applied': ['Applied', 'Aplicados'],
    'indicator.stat.rejected': ['Rejected', 'Rechazados'],
    'indicator.stat.ignored': ['Ignored', 'Ignorados'],
    'indicator.stat.duplicates': ['Duplicates', 'Duplicados'],
    'indicator.stat.reconnects': ['Reconnects', 'Reconexiones'],
    'indicator.stat.dropped': ['Dropped logs', 'Logs descartados'],
    'indicator.event.container_status_changed': [
    'A container changed status; its badge updates.',
    'Un contenedor cambió de estado; su badge se actualiza.',
  ],
    'indicator.event.metrics_updated': [
    'New CPU, memory and request figures for the charts.',
    'Nuevas cifras de CPU, memoria y peticiones para los gráficos.',
  ],
    'indicator.event.deployment_progress': [
    'A deployment step or log line, with its progress.',
    'Un paso o una línea de log del despliegue, con su progreso.',
  ],
    'indicator.event.auto_shutdown': ['A container was paused after a period of inactivity.', 'Un contenedor se pausó por inactividad.'],
    'indicator.note': ['The server decides how often events are sent.', 'El servidor decide con qué frecuencia envía eventos.'],
  },
  true,
);
