import { registerBuiltIn } from '../shared/i18n.js';

registerBuiltIn({
  'actions.group': 'Container actions',
  'actions.groupFor': 'Actions for {project}',
  'actions.start': 'Start',
  'actions.stop': 'Stop',
  'actions.refresh': 'Refresh',
  'actions.open': 'Open',
  'actions.reactivate': 'Reactivate',
  'actions.retry': 'Retry',
  'actions.delete': 'Delete',
  'actions.newTab': '(opens in a new tab)',
  'actions.deploying': 'Deploying…',
  'actions.timeout': 'No answer after {seconds} s',
  'actions.network': 'Network error',
});
