import { html } from 'lit';
import { setCustomElementsManifest } from '@storybook/web-components-vite';
import type { Preview } from '@storybook/web-components-vite';
import manifest from '../custom-elements.json';

setCustomElementsManifest(manifest);

const BACKGROUNDS: Record<string, { background: string; color: string }> = {
  light: { background: '#ffffff', color: '#1f2328' },
  dark: { background: '#0d1117', color: '#e6edf3' },
};

const preview: Preview = {
  tags: ['autodocs'],
  parameters: {
    controls: { expanded: true },
  },
  // The toolbar: the elements follow `theme` and the nearest `lang`, so the decorator sets both on
  // a wrapper around every story.
  globalTypes: {
    theme: {
      description: 'Theme of the elements (theme="light" or theme="dark" on an ancestor)',
      toolbar: {
        title: 'Theme',
        icon: 'mirror',
        items: [
          { value: 'light', title: 'Light', icon: 'sun' },
          { value: 'dark', title: 'Dark', icon: 'moon' },
        ],
        dynamicTitle: true,
      },
    },
    locale: {
      description: 'Language of the elements (the nearest lang attribute)',
      toolbar: {
        title: 'Language',
        icon: 'globe',
        items: [
          { value: 'en', title: 'English', right: 'en' },
          { value: 'es', title: 'Español', right: 'es' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'light', locale: 'en' },
  decorators: [
    (story, context) => {
      const theme = context.globals.theme === 'dark' ? 'dark' : 'light';
      const lang = context.globals.locale === 'es' ? 'es' : 'en';
      const colours = BACKGROUNDS[theme];
      // On the canvas the whole page follows the theme; in docs only the story's box does.
      if (context.viewMode !== 'docs') {
        document.body.style.background = colours.background;
        document.documentElement.style.colorScheme = theme;
      }
      return html`<div
        class="le-story"
        theme=${theme}
        lang=${lang}
        style="color-scheme:${theme};background:${colours.background};color:${colours.color};padding:1rem;border-radius:8px;font-family:system-ui,sans-serif"
      >
        ${story()}
      </div>`;
    },
  ],
};

export default preview;
