import { registerBuiltIn } from '../shared/i18n.js';

// The status names themselves (`running`, `deploying`, …, `unknown`) are library-wide keys.
registerBuiltIn({
  'badge.since': '{status} since {time}',
});
