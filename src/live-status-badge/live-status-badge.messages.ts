import { registerMessages } from '../shared/i18n.js';

// The status names themselves (`running`, `deploying`, …, `unknown`) are library-wide keys.
registerMessages('en', {
  'badge.since': '{status} since {time}',
});

registerMessages('es', {
  'badge.since': '{status} desde {time}',
});
