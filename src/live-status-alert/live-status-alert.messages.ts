import { registerBuiltIn } from '../shared/i18n.js';

registerBuiltIn({
  'alert.inactive.title': 'Container paused due to inactivity',
  'alert.inactive.fallback': 'It was shut down after a period without requests. Reactivate it to start it again.',
  'alert.inactive.time': 'Inactive for {time}',
  'alert.error.title': 'Container error',
  'alert.error.fallback': 'The container stopped because of an error. Check the deployment logs for details.',
  'alert.deploying.title': 'Deployment in progress',
  'alert.deploying.preparing': 'Preparing deployment',
  'alert.progress.label': 'Deployment progress',
});
