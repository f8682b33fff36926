import type { LogEntry } from '../core/store.js';
import { stripAnsi } from './text.js';
import { nextTask } from '../core/yield.js';
import type { LogSource } from './log-index.js';

export type ExportFormat = 'log' | 'jsonl';

/**
 * One `.log` line: `ISO LEVEL [project] message`. The level is upper-case (`-` when unknown), the
 * project part is left out for an entry with none, and escape codes are removed from the message.
 */
export function logLine(entry: LogEntry): string {
  const level = entry.level ? entry.level.toUpperCase() : '-';
  const project = entry.projectId ? ` [${entry.projectId}]` : '';
  return `${iso(entry.time)} ${level}${project} ${stripAnsi(entry.message)}`;
}

/** One `.jsonl` line. The message is kept as received (JSON escapes its control characters). */
export function jsonLine(entry: LogEntry): string {
  // JSON.stringify leaves out a key whose value is undefined: no project, step or progress.
  return JSON.stringify({
    timestamp: iso(entry.time),
    level: entry.level ?? null,
    projectId: entry.projectId || undefined,
    message: entry.message,
    step: entry.step,
    progress: entry.progress,
  });
}

/** Every entry of `source`, oldest first, one per line, with a final newline (empty when there are none). */
export function exportEntries(source: LogSource, format: ExportFormat): string {
  const line = format === 'jsonl' ? jsonLine : logLine;
  let text = '';
  for (let i = 0; i < source.length; i++) text += line(source.at(i)!) + '\n';
  return text;
}

/**
 * Lines in one string part of an exported file (about 100 KB), and parts gathered before they join
 * the Blob. A Blob copies the text it is given, at over 10 ms a megabyte on a slow machine: four
 * parts keep that copy, which comes on top of a step, to a few ms.
 */
const PART_LINES = 1000;
const BLOB_PARTS = 4;
/** Main-thread time (ms) the export takes before it lets the page run again. */
const STEP_MS = 5;

/**
 * `exportEntries` as a Blob, built a part at a time in steps of a few milliseconds, so a million
 * entries make neither a long task nor one string of the whole log (a few megabytes of parts are
 * held at a time; the Blob keeps the rest outside the JavaScript heap). The entries held when it
 * starts are exported: arrivals during the export are left out, and the ones evicted meanwhile
 * are skipped. It rejects when the log is cleared or cut during the export.
 */
export async function exportBlob(source: LogSource, format: ExportFormat): Promise<Blob> {
  const line = format === 'jsonl' ? jsonLine : logLine;
  const type = `${format === 'jsonl' ? 'application/x-ndjson' : 'text/plain'};charset=utf-8`;
  const edits = source.edits;
  const newest = source.at(source.length - 1)?.seq ?? -Infinity;
  let blob = new Blob([], { type });
  let parts: string[] = [];
  let next = -Infinity;
  let i = 0;
  let deadline = performance.now() + STEP_MS;
  for (;;) {
    let text = '';
    // A part ends after `PART_LINES`, or sooner when the step's time is up.
    for (let n = 1; n <= PART_LINES && (n % 128 || performance.now() < deadline); n++, i++) {
      const entry = source.at(i);
      if (!entry || entry.seq > newest) break;
      text += line(entry) + '\n';
      next = entry.seq;
    }
    if (text) parts.push(text);
    const done = !text || i >= source.length || next >= newest;
    if (done || parts.length === BLOB_PARTS) {
      blob = new Blob([blob, ...parts], { type });
      parts = [];
    }
    if (done) return blob;
    if (performance.now() >= deadline) {
      await nextTask();
      deadline = performance.now() + STEP_MS;
      // Cleared or cut meanwhile (a new deployment): what is left is not the log it started on,
      // and a file that silently ends early would pass for whole.
      if (source.edits !== edits) throw new Error('The log changed during the export');
      // Evictions moved the entries down: go on after the last one written.
      i = lowerBound(source, next + 1);
    }
  }
}

function lowerBound(source: LogSource, seq: number): number {
  let low = 0;
  let high = source.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (source.at(mid)!.seq < seq) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A file name such as `web-app-logs-2026-01-01T12-00-00Z.log` (`logs-…` without a project). */
export function exportFilename(projectId: string | undefined, format: ExportFormat, now = Date.now()): string {
  const stamp = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const prefix = projectId ? `${projectId.replace(/[^\w.-]+/g, '_').slice(0, 80)}-` : '';
  return `${prefix}logs-${stamp}.${format}`;
}

/** Saves `blob` as a file through a download link. */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.click();
  // The download reads the Blob asynchronously; release it once that has surely started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The last second `iso` formatted, and its text up to the milliseconds: lines come many a second. */
let lastSecond = NaN;
let secondText = '';

function iso(time: number): string {
  if (!Number.isFinite(time)) return '';
  const second = Math.floor(time / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    // Up to the milliseconds, `.000Z` cut off.
    secondText = new Date(second * 1000).toISOString().slice(0, -4);
  }
  const ms = Math.floor(time - second * 1000);
  return `${secondText}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}
