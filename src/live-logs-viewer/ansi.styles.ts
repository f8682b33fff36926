import { css, unsafeCSS } from 'lit';

// The classes `ansi.ts` gives to coloured runs. They load with it, the first time a row needs
// colours, and the viewer adds them to its styles then: a log with no colours never carries them.

// Terminal colours that keep 4.5:1 contrast on the light and on the dark surface, as `light,dark`.
const ANSI_COLOURS = [
  '#24292f,#8b949e', '#cf222e,#ff7b72', '#116329,#3fb950', '#7d4e00,#d29922',
  '#0969da,#58a6ff', '#8250df,#bc8cff', '#1b7c83,#39c5cf', '#57606a,#b1bac4',
  '#57606a,#8b949e', '#a40e26,#ffa198', '#1a7f37,#56d364', '#633c01,#e3b341',
  '#0550ae,#79c0ff', '#6639ba,#d2a8ff', '#136061,#56d4dd', '#32383f,#f0f6fc',
];

// Written out, the sixteen rules of each kind, alike but for their number, weighed more in the
// bundle than the code that writes them. Backgrounds are tints, so the text on them keeps its contrast.
const palette = unsafeCSS(
  `:host{${ANSI_COLOURS.map((colours, n) => `--_logs-ansi-${n}:var(--logs-ansi-${n},light-dark(${colours}))`).join(';')}}` +
    ANSI_COLOURS.map((_, n) => `.fg${n}{color:var(--_logs-ansi-${n})}.bg${n}{background:color-mix(in srgb,var(--_logs-ansi-${n}) 18%,transparent)}`).join(''),
);

export const ansiStyles = css`
  ${palette}
  .b { font-weight: 700; }
  .f { color: color-mix(in srgb, currentcolor 78%, transparent); }
  .i { font-style: italic; }
  .u { text-decoration: underline; }
  .s { text-decoration: line-through; }
  .u.s { text-decoration: underline line-through; }
`;
