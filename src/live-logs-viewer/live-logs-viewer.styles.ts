import { css } from 'lit';
import { tokens } from '../shared/tokens.js';

export const styles = [
  tokens,
  css`
    :host {
      --_logs-height: var(--logs-height, 320px);
      --_logs-font: var(--logs-font, var(--_font-mono));
      --_logs-font-size: var(--logs-font-size, 12.5px);
      --_logs-line-height: var(--logs-line-height, 20px);
      --_logs-surface: var(--logs-surface, var(--_surface));
      --_logs-bar-surface: var(--logs-bar-surface, var(--_surface-raised));
      --_logs-border: var(--logs-border, var(--_border));
      /* Controls need a 3:1 edge against the bars (WCAG 1.4.11); the border token is made for dividers. */
      --_logs-control-border: var(--logs-control-border, color-mix(in srgb, var(--_text) 45%, var(--_logs-border)));
      --_logs-radius: var(--logs-radius, var(--_radius));
      --_logs-info: var(--logs-level-info, var(--_level-info));
      --_logs-success: var(--logs-level-success, var(--_level-success));
      --_logs-warning: var(--logs-level-warning, var(--_level-warning));
      --_logs-error: var(--logs-level-error, var(--_level-error));
      --_logs-match-bg: var(--logs-match-bg, light-dark(#fff1a8, #6c5314));
      --_logs-project: var(--logs-project, var(--_accent));

      display: block;
      box-sizing: border-box;
      min-width: 0;
      border: 1px solid var(--_logs-border);
      border-radius: var(--_logs-radius);
      background: var(--_logs-surface);
      overflow: hidden;
      font-size: 13px;
    }

    /* The layout lives inside, so it holds whatever display and height the page gives the host. */
    [part~='base'] {
      display: flex;
      flex-direction: column;
      height: 100%;
    }

    /* ---- toolbar ------------------------------------------------------------------------- */

    [part~='toolbar'] {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
      padding: 8px;
      background: var(--_logs-bar-surface);
      border-bottom: 1px solid var(--_logs-border);
    }
    [part~='levels'],
    [part~='actions'] {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    [part~='actions'] {
      margin-inline-start: auto;
    }
    button,
    [part~='deployment'] {
      display: inline-flex;
      align-items: center;
      gap: 5px;
      box-sizing: border-box;
      height: 28px;
      min-width: 28px;
      padding: 0 8px;
      border: 1px solid var(--_logs-control-border);
      border-radius: 6px;
      background: var(--_logs-surface);
      color: var(--_text);
      font: inherit;
      font-size: 12.5px;
      line-height: 1;
      cursor: pointer;
      white-space: nowrap;
    }
    button:hover,
    [part~='deployment']:hover,
    [part~='search-field']:hover {
      border-color: color-mix(in srgb, var(--_text) 70%, var(--_logs-border));
    }
    button[aria-pressed='true'] {
      border-color: var(--_accent);
      background: color-mix(in srgb, var(--_accent) 13%, var(--_logs-surface));
    }
    button[aria-disabled='true'] {
      cursor: default;
    }
    button svg {
      flex: none;
      width: 15px;
      height: 15px;
    }
    [part~='level-toggle'][data-level='info'] svg { color: var(--_logs-info); }
    [part~='level-toggle'][data-level='success'] svg { color: var(--_logs-success); }
    [part~='level-toggle'][data-level='warning'] svg { color: var(--_logs-warning); }
    [part~='level-toggle'][data-level='error'] svg { color: var(--_logs-error); }
    [part~='icon-button'] {
      padding: 0 6px;
    }
    [part~='search-field'] {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      flex: 1 1 12rem;
      min-width: 8rem;
      max-width: 22rem;
      height: 28px;
      box-sizing: border-box;
      padding: 0 8px;
      border: 1px solid var(--_logs-control-border);
      border-radius: 6px;
      background: var(--_logs-surface);
      color: var(--_text-muted);
    }
    [part~='search-field']:focus-within {
      outline: 2px solid var(--_focus-ring);
      outline-offset: 1px;
    }
    [part~='search-field'] svg {
      flex: none;
      width: 14px;
      height: 14px;
    }
    [part~='search'] {
      flex: 1;
      min-width: 0;
      border: 0;
      outline: 0;
      background: transparent;
      color: var(--_text);
      font: inherit;
      font-size: 12.5px;
    }
    [part~='search']::placeholder {
      color: var(--_text-muted);
      opacity: 1;
    }

    /* ---- log ------------------------------------------------------------------------------ */

    [part~='body'] {
      position: relative;
      display: flex;
      flex-direction: column;
      flex: 1 1 auto;
      min-height: 0;
    }
    [part~='log'] {
      flex: 1 1 auto;
      height: var(--_logs-height);
      min-height: 0;
      overflow: auto;
      overflow-anchor: none;
      contain: strict;
      font-family: var(--_logs-font);
      font-size: var(--_logs-font-size);
      line-height: var(--_logs-line-height);
      tab-size: 4;
    }
    [part~='log']:focus-visible {
      outline-offset: -2px;
    }
    [part~='rows'] {
      box-sizing: border-box;
      width: max-content;
      min-width: 100%;
      padding-block: 0;
    }
    :host([wrap]) [part~='rows'] {
      width: auto;
    }
    /* Rows are styled by class: they are created every frame while streaming, and class rules are the cheapest to match. */
    .row {
      display: flex;
      gap: 0 1.25ch;
      box-sizing: border-box;
      height: var(--_logs-line-height);
      padding: 0 12px 0 9px;
      border-left: 3px solid transparent;
      white-space: pre;
      overflow: hidden;
    }
    :host([wrap]) .row {
      height: auto;
      min-height: var(--_logs-line-height);
      white-space: pre-wrap;
    }
    .row:hover {
      background: color-mix(in srgb, var(--_text) 5%, transparent);
    }
    .row.warning {
      border-left-color: var(--_logs-warning);
      background: color-mix(in srgb, var(--_logs-warning) 7%, transparent);
    }
    .row.error {
      border-left-color: var(--_logs-error);
      background: color-mix(in srgb, var(--_logs-error) 7%, transparent);
    }
    /* Lines from before the page opened: a dotted edge, and a rule where the live ones begin. */
    .row.history {
      border-left-style: dotted;
    }
    .row.history:not(.warning, .error) {
      border-left-color: var(--_text-muted);
    }
    .row.history + .row:not(.history) {
      box-shadow: inset 0 1px 0 var(--_accent);
    }
    [part~='history-note'] {
      color: var(--_text-muted);
    }
    [part~='deployment'] {
      max-width: 18rem;
    }
    .ts {
      flex: none;
      color: var(--_text-muted);
      font-variant-numeric: tabular-nums;
    }
    .lvl {
      flex: none;
      width: 5ch;
      font-weight: 600;
    }
    /* Level colours drawn a fifth of the way towards the text colour keep their contrast on the row tints. */
    .info > .lvl { color: color-mix(in srgb, var(--_logs-info) 80%, var(--_text)); }
    .success > .lvl { color: color-mix(in srgb, var(--_logs-success) 80%, var(--_text)); }
    .warning > .lvl { color: color-mix(in srgb, var(--_logs-warning) 80%, var(--_text)); }
    .error > .lvl { color: color-mix(in srgb, var(--_logs-error) 80%, var(--_text)); }
    .prj {
      flex: none;
      width: 16ch;
      overflow: hidden;
      text-overflow: ellipsis;
      color: var(--_logs-project);
    }
    .msg {
      flex: 1 1 auto;
    }
    :host([wrap]) .msg {
      min-width: 0;
      overflow-wrap: anywhere;
    }
    /* Terminal colours fall under 4.5:1 on the highlight: a match takes the text colour (over their classes, adopted later). */
    mark[part~='match'] {
      border-radius: 2px;
      background: var(--_logs-match-bg);
      color: var(--_text);
      box-shadow: 0 0 0 1px color-mix(in srgb, var(--_logs-warning) 45%, transparent);
    }
    .fresh {
      animation: logs-fade-in 240ms ease-out;
    }
    @keyframes logs-fade-in {
      from {
        opacity: 0;
      }
    }
    [part~='empty'] {
      display: grid;
      place-items: center;
      height: 100%;
      padding: 16px;
      box-sizing: border-box;
      color: var(--_text-muted);
      font-family: var(--_font);
      font-size: 13px;
      text-align: center;
    }
    [part~='jump'] {
      position: absolute;
      bottom: 12px;
      left: 50%;
      transform: translateX(-50%);
      height: 30px;
      padding: 0 12px;
      border: 0;
      border-radius: 999px;
      background: var(--_accent);
      color: light-dark(#ffffff, #0d1117);
      font-weight: 600;
      box-shadow: 0 2px 8px rgb(0 0 0 / 0.25);
    }
    [part~='jump']:hover {
      background: color-mix(in srgb, var(--_accent) 88%, var(--_text));
    }

    /* ---- status bar ----------------------------------------------------------------------- */

    [part~='status'] {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 8px;
      min-height: 28px;
      padding: 0 12px;
      background: var(--_logs-bar-surface);
      border-top: 1px solid var(--_logs-border);
      color: var(--_text-muted);
      font-size: 12px;
      font-variant-numeric: tabular-nums;
    }
    [part~='export-error'] {
      color: color-mix(in srgb, var(--_logs-error) 80%, var(--_text));
      font-weight: 600;
    }
    [part~='streaming'] {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      padding: 2px 8px;
      border-radius: 999px;
      background: color-mix(in srgb, var(--_logs-success) 12%, transparent);
      color: color-mix(in srgb, var(--_logs-success) 72%, var(--_text));
      font-weight: 600;
    }
    [part~='streaming-dot'] {
      width: 7px;
      height: 7px;
      border-radius: 50%;
      background: currentcolor;
      animation: logs-pulse 1.2s ease-in-out infinite;
    }
    @keyframes logs-pulse {
      50% {
        opacity: 0.35;
      }
    }

    @media (prefers-reduced-motion: reduce) {
      .fresh,
      [part~='streaming-dot'] {
        animation: none;
      }
    }
  `,
];
