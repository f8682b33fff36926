// The strings of earlier deployments and of lines from before the page opened: loaded the first
// time a log has either, so a page that never shows them does not carry them.
import { registerBuiltIn } from '../shared/i18n.js';

registerBuiltIn(
  {
    'logs.deployment': ['Deployment', 'Despliegue'],
    'logs.current': ['Current deployment ({time}) {outcome}', 'Despliegue actual ({time}) {outcome}'],
    'logs.currentPlain': ['Current deployment', 'Despliegue actual'],
    'logs.earlier': ['Deployment of {time} {outcome}', 'Despliegue del {time} {outcome}'],
    'logs.outcome.succeeded': ['· succeeded', '· correcto'],
    'logs.outcome.failed': ['· failed', '· fallido'],
    'logs.outcome.stopped': ['· stopped', '· detenido'],
    'logs.historyNote': ['Lines with a dotted edge are from before this page opened', 'Las líneas con borde punteado son de antes de abrir la página'],
    'logs.earlierLine': ['Earlier: ', 'Anterior: '],
  },
  true,
);
