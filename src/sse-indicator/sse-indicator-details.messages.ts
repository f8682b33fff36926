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
    'indicator.quota': ['Rate limit: {remaining} of {limit} left', 'Límite de peticiones: quedan {remaining} de {limit}'],
    'indicator.limits': ['Rate limit', 'Límite de peticiones'],
    'indicator.limit.left': ['Left', 'Quedan'],
    'indicator.limit.of': ['{remaining} of {limit}', '{remaining} de {limit}'],
    'indicator.limit.reset': ['Resets at', 'Se renueva a las'],
    'indicator.limit.policy': ['Policy', 'Política'],
    'indicator.limit.project': ['Project', 'Proyecto'],
    'indicator.limit.from.action': ['The last figures an action’s answer gave.', 'Las últimas cifras que dio la respuesta a una acción.'],
    'indicator.limit.from.stream': ['The last figures the stream’s answer gave.', 'Las últimas cifras que dio la respuesta del stream.'],
    'indicator.limit.from.event': ['The last figures a rate_limit event gave.', 'Las últimas cifras que dio un evento rate_limit.'],
  },
  true,
);
