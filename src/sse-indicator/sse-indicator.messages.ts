import { registerBuiltIn } from '../shared/i18n.js';

registerBuiltIn({
  'connection.connecting': ['Connecting…', 'Conectando...'],
  'connection.open': ['Connected (live updates)', 'Conectado (actualizaciones automáticas)'],
  'connection.retrying': ['Disconnected — reconnecting', 'Desconectado — reconectando'],
  'connection.disconnected': ['Disconnected', 'Desconectado'],
  'connection.unauthorized': ['Disconnected — authorization required', 'Desconectado — se requiere autorización'],
  'indicator.title': ['Live connection', 'Conexión en vivo'],
  'indicator.lastError': ['Last error: {message}', 'Último error: {message}'],
});
