import type { LogEntry } from '../core/store.js';
import { stripAnsi } from './text.js';
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

/** A file name such as `web-app-logs-2026-01-01T12-00-00Z.log` (`logs-…` without a project). */
export function exportFilename(projectId: string | undefined, format: ExportFormat, now = Date.now()): string {
  const stamp = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const prefix = projectId ? `${projectId.replace(/[^\w.-]+/g, '_').slice(0, 80)}-` : '';
  return `${prefix}logs-${stamp}.${format}`;
}

/** Saves `text` as a file through a Blob and a download link. */
export function downloadText(text: string, filename: string, format: ExportFormat): void {
  const type = format === 'jsonl' ? 'application/x-ndjson' : 'text/plain';
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.click();
  // The download reads the Blob asynchronously; release it once that has surely started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function iso(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : '';
}
