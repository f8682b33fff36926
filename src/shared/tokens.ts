import { css } from 'lit';

/**
 * `theme="dark"` / `theme="light"` on any element sets `--le-color-scheme` for what it holds: an
 * inherited property, so the nearest ancestor's wins (a dark panel inside a light page is dark) in
 * every engine. One rule for the page, adopted by the document once.
 */
if (typeof document !== 'undefined' && document.adoptedStyleSheets) {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync('[theme=dark]{--le-color-scheme:dark}[theme=light]{--le-color-scheme:light}');
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

/**
 * The library-wide design tokens. Every element includes these styles first; its own short local
 * properties then default to the tokens. Colours use `light-dark()`, so they follow the page's
 * `prefers-color-scheme`, or the nearest `theme="dark"` / `theme="light"` attribute, or a
 * `--le-color-scheme: dark` (or `light`) set on any ancestor (in a host's own shadow root, where
 * the page's `theme` rule does not reach, set this one).
 *
 * A host overrides a token for every element by setting it on any ancestor, e.g.
 * `body { --le-status-running: #0a7d38; }`.
 */
export const tokens = css`
  :host {
    color-scheme: var(--le-color-scheme, light dark);
    --_font: var(--le-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_font-mono: var(--le-font-mono, ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace);
    --_radius: var(--le-radius, 8px);
    --_surface: var(--le-surface, light-dark(#ffffff, #161b22));
    --_surface-raised: var(--le-surface-raised, light-dark(#f6f8fa, #1f2630));
    --_border: var(--le-border, light-dark(#d0d7de, #30363d));
    --_text: var(--le-text, light-dark(#1f2328, #e6edf3));
    --_text-muted: var(--le-text-muted, light-dark(#59636e, #9198a1));
    --_accent: var(--le-accent, light-dark(#0969da, #4493f8));
    --_focus-ring: var(--le-focus-ring, light-dark(#0969da, #4493f8));
    --_status-running: var(--le-status-running, light-dark(#1a7f37, #3fb950));
    --_status-deploying: var(--le-status-deploying, light-dark(#9a6700, #d29922));
    --_status-stopped: var(--le-status-stopped, light-dark(#59636e, #9198a1));
    --_status-inactive: var(--le-status-inactive, light-dark(#6e7781, #848d97));
    --_status-error: var(--le-status-error, light-dark(#cf222e, #f85149));
    --_level-info: var(--le-level-info, light-dark(#0969da, #58a6ff));
    --_level-success: var(--le-level-success, light-dark(#1a7f37, #3fb950));
    --_level-warning: var(--le-level-warning, light-dark(#9a6700, #d29922));
    --_level-error: var(--le-level-error, light-dark(#cf222e, #f85149));
    --_chart-cpu: var(--le-chart-cpu, light-dark(#0969da, #58a6ff));
    --_chart-memory: var(--le-chart-memory, light-dark(#8250df, #bc8cff));
    font-family: var(--_font);
    color: var(--_text);
  }
  :host([hidden]) {
    display: none !important;
  }
  :focus-visible {
    outline: 2px solid var(--_focus-ring);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
