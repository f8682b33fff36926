import type { LogChunk } from '../core/log-compact.js';
import { LOG_LEVELS, type LogLevel } from '../core/protocol.js';
import type { LogSource, LogTest } from './log-index.js';
import { matcher, stripAnsi } from './text.js';

/** A control character (what `stripAnsi` starts from), anywhere in a chunk. */
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * The filter of `levels` (none or all: every level) and `query` (plain text, case-insensitive) as a
 * `LogTest` over the store's logs, the same as the viewer's predicate: entries with no known level
 * always pass the level filter, and the text is matched in the message without its escape codes.
 *
 * Which lines of a chunk pass is worked out once per chunk: the levels from its flags, the text by
 * searching the chunk's joined messages (a match counts for the line it starts in if it ends there
 * too); lines with control characters are matched one by one, without them. An entry held outside
 * the chunks (the compact logs not loaded yet) is left to the predicate.
 */
export function logTest(levels: readonly LogLevel[], query: string): LogTest | undefined {
  let mask = 0;
  // A name that is no level filters nothing, as in the viewer's own check.
  for (const level of levels) if (LOG_LEVELS.includes(level)) mask |= 1 << (LOG_LEVELS.indexOf(level) + 1);
  if (mask === 0b11110) mask = 0;
  const find = matcher(query, 'giu');
  const one = matcher(query, 'iu');
  if (!mask && !find) return undefined;
  const seen = new WeakMap<LogChunk, Uint8Array>();
  const lines = new WeakMap<LogChunk, number>();
  return (source: LogSource, index: number) => {
    const chunk = source.chunkAt?.(index);
    if (!chunk) return undefined;
    const count = chunk.parts ? chunk.parts.length : chunk.size;
    let passed = seen.get(chunk);
    if (!passed || lines.get(chunk)! < count) {
      seen.set(chunk, (passed = pass(chunk, count, mask, find, one)));
      lines.set(chunk, count);
    }
    return passed[source.slot!(index)] === 1;
  };
}

function pass(chunk: LogChunk, count: number, mask: number, find: RegExp | undefined, one: RegExp | undefined): Uint8Array {
  const passed = new Uint8Array(chunk.size);
  const flags = chunk.flags;
  for (let k = 0; k < count; k++) passed[k] = !mask || (mask >> (flags[k] & 7)) & 1 || !(flags[k] & 7) ? 1 : 0;
  if (!find || !one) return passed;
  if (chunk.parts) {
    for (let k = 0; k < count; k++) if (passed[k] && !one.test(stripAnsi(chunk.parts[k]))) passed[k] = 0;
    return passed;
  }
  const text = chunk.text;
  const ends = chunk.ends;
  const found = new Uint8Array(count);
  // 2: a line with control characters, matched on its own.
  CONTROLS.lastIndex = 0;
  for (let m = CONTROLS.exec(text); m; m = CONTROLS.exec(text)) {
    const k = lineAt(ends, count, m.index);
    found[k] = 2 + +(passed[k] === 1 && one.test(stripAnsi(chunk.message(k))));
    CONTROLS.lastIndex = ends[k];
  }
  find.lastIndex = 0;
  for (let m = find.exec(text); m; m = find.exec(text)) {
    const k = lineAt(ends, count, m.index);
    if (found[k] < 2 && m.index + m[0].length <= ends[k]) found[k] = 1;
    else if (found[k] < 2) {
      // The match runs into the next line: look again from its next character.
      find.lastIndex = m.index + 1;
      continue;
    }
    find.lastIndex = ends[k];
  }
  for (let k = 0; k < count; k++) passed[k] &= +(found[k] === 1 || found[k] === 3);
  return passed;
}

/** The line of a chunk holding character `at`. */
function lineAt(ends: Uint32Array, count: number, at: number): number {
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ends[mid] > at) high = mid;
    else low = mid + 1;
  }
  return low;
}
