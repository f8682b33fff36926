import { registerBuiltIn } from '../shared/i18n.js';

registerBuiltIn({
  'actions.group': ['Container actions', 'Acciones del contenedor'],
  'actions.groupFor': ['Actions for {project}', 'Acciones de {project}'],
  'actions.start': ['Start', 'Iniciar'],
  'actions.stop': ['Stop', 'Detener'],
  'actions.refresh': ['Refresh', 'Actualizar'],
  'actions.open': ['Open', 'Abrir'],
  'actions.reactivate': ['Reactivate', 'Reactivar'],
  'actions.retry': ['Retry', 'Reintentar'],
  'actions.delete': ['Delete', 'Eliminar'],
  'actions.newTab': ['(opens in a new tab)', '(se abre en una pestaña nueva)'],
  'actions.deploying': ['Deploying…', 'Desplegando...'],
  'actions.timeout': ['No answer after {seconds} s', 'Sin respuesta tras {seconds} s'],
  'actions.network': ['Network error', 'Error de red'],
});
