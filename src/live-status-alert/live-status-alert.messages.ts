import { registerBuiltIn } from '../shared/i18n.js';

registerBuiltIn({
  'alert.inactive.title': ['Container paused due to inactivity', 'Contenedor pausado por inactividad'],
  'alert.inactive.fallback': [
    'It was shut down after a period without requests. Reactivate it to start it again.',
    'Se detuvo tras un periodo sin solicitudes. Reactívalo para volver a iniciarlo.',
  ],
  'alert.inactive.time': ['Inactive for {time}', 'Inactivo desde hace {time}'],
  'alert.error.title': ['Container error', 'Error en el contenedor'],
  'alert.error.fallback': [
    'The container stopped because of an error. Check the deployment logs for details.',
    'El contenedor se detuvo por un error. Revisa los logs del despliegue para más detalles.',
  ],
  'alert.deploying.title': ['Deployment in progress', 'Despliegue en curso'],
  'alert.deploying.preparing': ['Preparing deployment', 'Preparando el despliegue'],
  'alert.progress.label': ['Deployment progress', 'Progreso del despliegue'],
});
