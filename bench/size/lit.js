// Lit and @lit/context as the elements use them.
export { LitElement, css, html, nothing, svg, unsafeCSS } from 'lit';
export { styleMap } from 'lit/directives/style-map.js';
export { repeat } from 'lit/directives/repeat.js';
export { ContextConsumer, ContextProvider, ContextRoot, createContext } from '@lit/context';
