/**
 * What the logs viewer needs of a message's escape codes at once, for every row and filter: whether
 * it has any, and the text without them. Colours and match highlighting are in `ansi.ts`, loaded
 * when first needed.
 */

// C0 controls other than tab and newline, DEL, and the C1 range.
export const NEEDS_PARSE = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/**
 * One escape sequence or control character, read the way a terminal reads it:
 * - a control sequence (`ESC [` or its C1 form): parameter bytes, intermediate bytes and a final
 *   byte, captured; a byte outside the final range ends the sequence without being consumed;
 * - a control string (OSC `ESC ]`, DCS `ESC P`, SOS, PM, APC, or their C1 forms) up to BEL or ST;
 * - any other escape: intermediate bytes, then one character;
 * - any other control character.
 * Each ends at the end of the message if it is cut short.
 */
export const CONTROL = /(?:\x1b\[|\x9b)([0-?]*)([ -\/]*)([@-~]?)|(?:\x1b[\]PX^_]|[\x90\x98\x9d-\x9f])[^]*?(?:[\x07\x9c]|\x1b\\|$)|\x1b[ -\/]*[^]?|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** The message with every escape sequence and control character (but tab and newline) removed. */
export function stripAnsi(message: string): string {
  return NEEDS_PARSE.test(message) ? message.replace(CONTROL, '') : message;
}

/** True when the message holds something `stripAnsi` would remove. */
export function hasControls(message: string): boolean {
  return NEEDS_PARSE.test(message);
}

/**
 * A case-insensitive matcher for a plain (non-regex) query; undefined for an empty query. Pass
 * `'giu'` for a pattern to find every match with (stateful), `'iu'` for one to `test` with.
 */
export function matcher(query: string, flags: 'iu' | 'giu' = 'iu'): RegExp | undefined {
  const trimmed = query.trim();
  if (!trimmed) return undefined;
  return new RegExp(trimmed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags);
}
