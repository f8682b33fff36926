import { registerBuiltIn } from '../shared/i18n.js';

registerBuiltIn({
  'connection.connecting': 'Connecting…',
  'connection.open': 'Connected (live updates)',
  'connection.retrying': 'Disconnected — reconnecting',
  'connection.disconnected': 'Disconnected',
  'connection.unauthorized': 'Disconnected — authorization required',
  'indicator.title': 'Live connection',
  'indicator.lastError': 'Last error: {message}',
});
