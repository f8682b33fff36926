import { registerBuiltIn } from '../shared/i18n.js';

registerBuiltIn({
  'connection.connecting': ['Connecting…', 'Conectando...'],
  'connection.open': ['Connected (live updates)', 'Conectado (actualizaciones automáticas)'],
  'connection.retrying': ['Disconnected — reconnecting', 'Desconectado — reconectando'],
  'connection.disconnected': ['Disconnected', 'Desconectado'],
  'connection.unauthorized': ['Disconnected — authorization required', 'Desconectado — se requiere autorización'],
  'indicator.title': ['Live connection', 'Conexión en vivo'],
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
  'indicator.lastError': ['Last error: {message}', 'Último error: {message}'],
});
