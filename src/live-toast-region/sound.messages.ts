// The mute toggle's name: loaded with the toggle, the first time a region with `sound` renders.
import { registerBuiltIn } from '../shared/i18n.js';

registerBuiltIn(
  {
    'toast.mute': ['Mute alert sounds', 'Silenciar los sonidos de aviso'],
  },
  true,
);
