/**
 * ANSI escape handling for log messages, with no DOM and no Lit.
 *
 * SGR colour codes become runs of text tagged with class names from a fixed set (`fg0`–`fg15`,
 * `bg0`–`bg15`, `b` bold, `f` faint, `i` italic, `u` underline, `s` strike-through). Nothing from
 * the input ever reaches a class or a style: 256-colour and true-colour codes are mapped to the
 * nearest of the 16 palette colours. Every other escape sequence (cursor moves, OSC titles and
 * hyperlinks, DCS…) and every other control character except tab and newline is removed, so raw
 * escape codes are never shown.
 *
 * The viewer loads this part lazily, the first time it shows a message with escape codes or a
 * filter match: until then such a message shows with its codes stripped.
 */
import { CONTROL, NEEDS_PARSE } from './text.js';

/** A run of text with one set of SGR attributes. */
export interface AnsiRun {
  text: string;
  /** Space-separated names from the fixed set above; `''` for plain text. */
  cls: string;
}

/** A message ready to show: its runs, and the plain text (the runs joined). */
export interface ParsedMessage {
  runs: AnsiRun[];
  text: string;
}

/** A piece of a run, marked when it lies inside a filter match. */
export interface MessagePiece {
  text: string;
  cls: string;
  match: boolean;
}

/** Parses `message`; a message with no control characters costs one regular-expression test. */
export function parseAnsi(message: string): ParsedMessage {
  if (!NEEDS_PARSE.test(message)) return { runs: message ? [{ text: message, cls: '' }] : [], text: message };
  const runs: AnsiRun[] = [];
  const state = reset();
  let cls = '';
  let text = '';
  let start = 0;
  const emit = (end: number): void => {
    if (end <= start) return;
    const piece = message.slice(start, end);
    text += piece;
    const last = runs[runs.length - 1];
    if (last && last.cls === cls) last.text += piece;
    else runs.push({ text: piece, cls });
  };
  for (const match of message.matchAll(CONTROL)) {
    emit(match.index);
    start = match.index + match[0].length;
    // SGR: a control sequence ending in `m` with no intermediate bytes.
    if (match[3] === 'm' && !match[2]) {
      applySgr(state, match[1]);
      cls = classOf(state);
    }
  }
  emit(message.length);
  return { runs, text };
}

interface SgrState {
  fg: number;
  bg: number;
  bold: boolean;
  faint: boolean;
  italic: boolean;
  underline: boolean;
  strike: boolean;
}

function applySgr(st: SgrState, params: string): void {
  const tokens = params.split(';');
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k];
    if (token.includes(':')) {
      const sub = token.split(':').map((x) => (x === '' ? 0 : Number(x)));
      if (sub[0] === 38 || sub[0] === 48) {
        const colour = sub[1] === 5 ? from256(sub[2]) : sub[1] === 2 ? fromRgb(sub[sub.length - 3], sub[sub.length - 2], sub[sub.length - 1]) : -1;
        if (colour >= 0) {
          if (sub[0] === 38) st.fg = colour;
          else st.bg = colour;
        }
      } else if (sub[0] === 4) {
        st.underline = sub[1] !== 0;
      }
      continue;
    }
    const code = token === '' ? 0 : Number(token);
    if (!Number.isInteger(code)) continue;
    if (code === 38 || code === 48) {
      const mode = Number(tokens[k + 1]);
      let colour = -1;
      if (mode === 5) {
        colour = from256(Number(tokens[k + 2]));
        k += 2;
      } else if (mode === 2) {
        colour = fromRgb(Number(tokens[k + 2]), Number(tokens[k + 3]), Number(tokens[k + 4]));
        k += 4;
      } else {
        k += 1;
      }
      if (colour >= 0) {
        if (code === 38) st.fg = colour;
        else st.bg = colour;
      }
      continue;
    }
    applyCode(st, code);
  }
}

function reset(): SgrState {
  return { fg: -1, bg: -1, bold: false, faint: false, italic: false, underline: false, strike: false };
}

function applyCode(st: SgrState, code: number): void {
  if (code === 0) Object.assign(st, reset());
  else if (code === 1) st.bold = true;
  else if (code === 2) st.faint = true;
  else if (code === 3) st.italic = true;
  else if (code === 4 || code === 21) st.underline = true;
  else if (code === 9) st.strike = true;
  else if (code === 22) st.bold = st.faint = false;
  else if (code === 23) st.italic = false;
  else if (code === 24) st.underline = false;
  else if (code === 29) st.strike = false;
  else if (code >= 30 && code <= 37) st.fg = code - 30;
  else if (code === 39) st.fg = -1;
  else if (code >= 40 && code <= 47) st.bg = code - 40;
  else if (code === 49) st.bg = -1;
  else if (code >= 90 && code <= 97) st.fg = code - 90 + 8;
  else if (code >= 100 && code <= 107) st.bg = code - 100 + 8;
}

function classOf(st: SgrState): string {
  let cls = '';
  if (st.fg >= 0) cls += ` fg${st.fg}`;
  if (st.bg >= 0) cls += ` bg${st.bg}`;
  if (st.bold) cls += ' b';
  if (st.faint) cls += ' f';
  if (st.italic) cls += ' i';
  if (st.underline) cls += ' u';
  if (st.strike) cls += ' s';
  return cls.slice(1);
}

// The xterm default palette, used only to find the nearest of the 16 colours.
const PALETTE: [number, number, number][] = [
  [0, 0, 0], [205, 0, 0], [0, 205, 0], [205, 205, 0], [0, 0, 238], [205, 0, 205], [0, 205, 205], [229, 229, 229],
  [127, 127, 127], [255, 0, 0], [0, 255, 0], [255, 255, 0], [92, 92, 255], [255, 0, 255], [0, 255, 255], [255, 255, 255],
];
const CUBE = [0, 95, 135, 175, 215, 255];

function from256(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 255) return -1;
  if (n < 16) return n;
  if (n < 232) {
    const v = n - 16;
    return fromRgb(CUBE[Math.floor(v / 36)], CUBE[Math.floor(v / 6) % 6], CUBE[v % 6]);
  }
  const grey = 8 + (n - 232) * 10;
  return fromRgb(grey, grey, grey);
}

function fromRgb(r: number, g: number, b: number): number {
  if (![r, g, b].every((x) => Number.isFinite(x) && x >= 0 && x <= 255)) return -1;
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 0; i < PALETTE.length; i++) {
    const [pr, pg, pb] = PALETTE[i];
    const d = (r - pr) ** 2 + (g - pg) ** 2 + (b - pb) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  return best;
}

/**
 * Splits runs at the matches of `pattern` in their joined text, so that each piece is either wholly
 * inside or wholly outside a match. A match spanning two runs becomes two marked pieces.
 */
export function markMatches(parsed: ParsedMessage, pattern: RegExp | undefined): MessagePiece[] {
  const ranges: number[] = [];
  if (pattern) {
    const re = pattern.global ? pattern : new RegExp(pattern.source, pattern.flags + 'g');
    for (const m of parsed.text.matchAll(re)) if (m[0]) ranges.push(m.index, m.index + m[0].length);
  }
  const pieces: MessagePiece[] = [];
  let offset = 0;
  let r = 0;
  for (const run of parsed.runs) {
    const end = offset + run.text.length;
    let at = offset;
    while (at < end) {
      while (r < ranges.length && ranges[r + 1] <= at) r += 2;
      const inside = r < ranges.length && ranges[r] <= at;
      const next = r >= ranges.length ? end : Math.min(end, inside ? ranges[r + 1] : ranges[r]);
      pieces.push({ text: run.text.slice(at - offset, next - offset), cls: run.cls, match: inside });
      at = next;
    }
    offset = end;
  }
  return pieces;
}
