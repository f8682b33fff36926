import { builtIn } from './i18n.js';
import { spanish } from './spanish.js';

// `@clouddeploy/live-elements/messages/es`: the elements' Spanish strings from the start, for a page
// that wants them before any element is in Spanish (`translate('es', …)`, say).
builtIn('es', spanish);
