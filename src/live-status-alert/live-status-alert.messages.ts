import { registerMessages } from '../shared/i18n.js';

registerMessages('en', {
  'alert.inactive.title': 'Container paused due to inactivity',
  'alert.inactive.fallback': 'It was shut down after a period without requests. Reactivate it to start it again.',
  'alert.inactive.time': 'Inactive for {time}',
  'alert.error.title': 'Container error',
  'alert.error.fallback': 'The container stopped because of an error. Check the deployment logs for details.',
  'alert.deploying.title': 'Deployment in progress',
  'alert.deploying.preparing': 'Preparing deployment',
  'alert.progress.label': 'Deployment progress',
});

registerMessages('es', {
  'alert.inactive.title': 'Contenedor pausado por inactividad',
  'alert.inactive.fallback': 'Se detuvo tras un periodo sin solicitudes. Reactívalo para volver a iniciarlo.',
  'alert.inactive.time': 'Inactivo desde hace {time}',
  'alert.error.title': 'Error en el contenedor',
  'alert.error.fallback': 'El contenedor se detuvo por un error. Revisa los logs del despliegue para más detalles.',
  'alert.deploying.title': 'Despliegue en curso',
  'alert.deploying.preparing': 'Preparando el despliegue',
  'alert.progress.label': 'Progreso del despliegue',
});
