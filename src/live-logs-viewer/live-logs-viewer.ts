import { LitElement, adoptStyles, html, nothing, svg, type PropertyValues, type SVGTemplateResult, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { LOG_LEVELS, isLogLevel, type LogLevel } from '../core/protocol.js';
import type { LogEntry, PastDeployment } from '../core/store.js';
import { nextTask } from '../core/yield.js';
import { LocaleController, translate } from '../shared/i18n.js';
import { LiveController } from '../shared/live-controller.js';
import type { ParsedMessage } from './ansi.js';
import { hasControls, matcher, stripAnsi } from './text.js';
import type { ExportFormat } from './export.js';
import { LogFollow, type LogWindow, type RowBox } from './log-follow.js';
import type { LogPredicate, LogSource } from './log-index.js';
import { styles } from './live-logs-viewer.styles.js';
import './live-logs-viewer.messages.js';
import { cssomStyle } from '../shared/cssom-style.js';
import { LazyModule } from '../shared/lazy.js';
import { resizes } from '../shared/observers.js';

/** A log entry given by a host in presentational mode. */
export interface LogEntryInput {
  /** ISO-8601 string or epoch milliseconds. */
  timestamp: string | number;
  /** `info`, `success`, `warning` or `error`; anything else counts as no known level. */
  level?: string;
  message: string;
  projectId?: string;
}

export interface LogsExportDetail {
  format: ExportFormat;
  filename: string;
  /** The file, built in parts: no string of the whole log. */
  blob: Blob;
  /** The file as one string, made when first read. */
  text: string;
}

export interface LogsClearDetail {
  /** The project cleared; undefined for every project (or presentational entries). */
  projectId?: string;
}

declare global {
  interface HTMLElementEventMap {
    'logs-export': CustomEvent<LogsExportDetail>;
    'logs-clear': CustomEvent<LogsClearDetail>;
  }
}

/** Correction renders allowed in a row while measured heights settle. */
const MAX_PASSES = 4;
const TIME_FORMAT: Intl.DateTimeFormatOptions = {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  fractionalSecondDigits: 3,
  hourCycle: 'h23',
};
const STOP_KEYS = new Set(['ArrowUp', 'PageUp', 'Home']);

let presentationalSeq = 0;

/** The picker of earlier deployments and the strings of history lines, loaded the first time a log has either. */
const historyPart = new LazyModule(() => import('./live-logs-viewer-history.js'));

/** Colours and match highlighting, with their styles, loaded the first time a row needs them (one load for the page). */
const colours = new LazyModule(() => import('./colours.js'));

/** The filter's search through the store's chunks of lines, loaded with the first filter (or a long log). */
const filterPart = new LazyModule(() => import('./filter.js'));

/** A filter's scan of the held entries runs in steps this long (ms), one per task, rendering after each. */
const SCAN_MS = 8;

/** The export's formats and download, loaded when the user first exports (asked afresh after a failure). */
const exporter = () => import('./export.js');

/**
 * Deployment logs, live: virtualized rows over the bounded log the provider holds, following the
 * tail as entries arrive.
 *
 * Inside an `<sse-provider>` it shows the log of `project-id`, or every project's entries (each
 * tagged with its project) when `project-id` is absent. Alone, it shows the `entries` property.
 *
 * It follows the newest entry until the user scrolls up, then offers "Jump to latest (N new)" and
 * follows again once the user is back at the bottom. The toolbar filters by level (a pressed level
 * toggle means that level's entries are shown; entries with no known level always stay visible) and
 * by text (case-insensitive, matches highlighted), toggles line wrap and timestamps, exports what is
 * held as `.log` or `.jsonl`, and clears the log. ANSI SGR colours in messages become coloured text
 * from a fixed palette; every other escape code is removed.
 *
 * Only the rows in view (plus a few screens' margin) exist in the DOM. Without wrap, rows have one
 * fixed height; with wrap, rows are measured after rendering and the top visible entry stays in
 * place when wrap, timestamps or the width change.
 *
 * The log region is `role="log"` with `aria-live="off"`: a busy stream would otherwise flood a
 * screen reader. With `announce`, a separate polite status says how many entries arrived, at most
 * every 5 seconds.
 *
 * Timestamps are shown by default; the `hide-timestamps` attribute hides them.
 *
 * The export code loads the first time the user exports, so `exportText()` and `download()` return
 * promises, which reject if it cannot be loaded; an export from the toolbar that fails says so in the
 * status bar.
 *
 * With `project-id`, the log is the project's current (or last) deployment: a deployment that
 * starts moves the previous one's lines to a picker of earlier deployments. Lines the backend kept
 * from before the page opened (a `backfill`) are marked as such, and the live ones follow them.
 *
 * @tagname live-logs-viewer
 * @summary Live deployment logs with follow, filters, ANSI colours, export and virtualized rows.
 *
 * @fires {CustomEvent<LogsExportDetail>} logs-export - Before a download; `detail: { format, filename, blob, text }` (`text` is made when first read). Cancel it to handle the file yourself.
 * @fires {CustomEvent<LogsClearDetail>} logs-clear - Before the log is cleared; `detail: { projectId }`. Cancel it to keep the entries.
 *
 * @csspart base - The box around everything inside.
 * @csspart toolbar - The bar of filters and actions above the log.
 * @csspart levels - The group of level filter buttons.
 * @csspart level-toggle - Each level toggle, pressed while that level's entries are shown (also `level-toggle-info`, `-success`, `-warning`, `-error`).
 * @csspart deployment - The deployment picker (current or an earlier one), shown once a project has earlier deployments.
 * @csspart search-field - The label around the text filter.
 * @csspart search - The text filter input.
 * @csspart actions - The group of wrap, timestamps, export and clear buttons.
 * @csspart icon-button - Each of those buttons.
 * @csspart wrap-toggle - The line-wrap toggle.
 * @csspart timestamps-toggle - The timestamps toggle.
 * @csspart export - Each export button (also `export-log`, `export-jsonl`).
 * @csspart clear - The clear button.
 * @csspart body - The box around the log and the jump button.
 * @csspart log - The scrolling log region (`role="log"`).
 * @csspart rows - The block holding the rendered rows.
 * @csspart row - One entry (also `row-info`, `row-success`, `row-warning`, `row-error`, and `row-history` for a line from before the page opened).
 * @csspart timestamp - An entry's time.
 * @csspart level - An entry's level tag.
 * @csspart project - An entry's project tag (all-projects view).
 * @csspart message - An entry's message.
 * @csspart ansi - A coloured run of a message.
 * @csspart match - A highlighted filter match.
 * @csspart empty - The empty state.
 * @csspart jump - The "Jump to latest" button.
 * @csspart status - The bar below the log.
 * @csspart counter - The entry counter.
 * @csspart streaming - The "Streaming" badge.
 * @csspart streaming-dot - The badge's dot.
 * @csspart export-error - Says that the last export from the toolbar failed (its code could not be loaded, say).
 * @csspart history-note - Says that marked lines are from before the page opened (while the log starts with such lines).
 * @csspart announcer - The visually hidden polite summary of new entries (with `announce`).
 *
 * @cssproperty [--logs-height=320px] - Height of the log region when the element's height is not set; with a set height, the log fills it.
 * @cssproperty [--logs-font=var(--le-font-mono)] - Font of the rows.
 * @cssproperty [--logs-font-size=12.5px] - Font size of the rows.
 * @cssproperty [--logs-line-height=20px] - Height of one line (a row without wrap).
 * @cssproperty [--logs-surface=var(--le-surface)] - Background of the log.
 * @cssproperty [--logs-bar-surface=var(--le-surface-raised)] - Background of the toolbar and status bar.
 * @cssproperty [--logs-border=var(--le-border)] - Border colour.
 * @cssproperty [--logs-control-border=color-mix(in srgb, var(--le-text) 45%, var(--logs-border))] - Border of the toolbar's buttons, picker and filter (3:1 against the bars).
 * @cssproperty [--logs-radius=var(--le-radius)] - Corner radius.
 * @cssproperty [--logs-level-info=var(--le-level-info)] - Info colour.
 * @cssproperty [--logs-level-success=var(--le-level-success)] - Success colour.
 * @cssproperty [--logs-level-warning=var(--le-level-warning)] - Warning colour.
 * @cssproperty [--logs-level-error=var(--le-level-error)] - Error colour.
 * @cssproperty [--logs-match-bg=light-dark(#fff1a8, #6c5314)] - Background of highlighted matches.
 * @cssproperty [--logs-project=var(--le-accent)] - Colour of project tags.
 * @cssproperty [--logs-ansi-0=light-dark(#24292f, #8b949e)] - ANSI black.
 * @cssproperty [--logs-ansi-1=light-dark(#cf222e, #ff7b72)] - ANSI red.
 * @cssproperty [--logs-ansi-2=light-dark(#116329, #3fb950)] - ANSI green.
 * @cssproperty [--logs-ansi-3=light-dark(#7d4e00, #d29922)] - ANSI yellow.
 * @cssproperty [--logs-ansi-4=light-dark(#0969da, #58a6ff)] - ANSI blue.
 * @cssproperty [--logs-ansi-5=light-dark(#8250df, #bc8cff)] - ANSI magenta.
 * @cssproperty [--logs-ansi-6=light-dark(#1b7c83, #39c5cf)] - ANSI cyan.
 * @cssproperty [--logs-ansi-7=light-dark(#57606a, #b1bac4)] - ANSI white.
 * @cssproperty [--logs-ansi-8=light-dark(#57606a, #8b949e)] - ANSI bright black.
 * @cssproperty [--logs-ansi-9=light-dark(#a40e26, #ffa198)] - ANSI bright red.
 * @cssproperty [--logs-ansi-10=light-dark(#1a7f37, #56d364)] - ANSI bright green.
 * @cssproperty [--logs-ansi-11=light-dark(#633c01, #e3b341)] - ANSI bright yellow.
 * @cssproperty [--logs-ansi-12=light-dark(#0550ae, #79c0ff)] - ANSI bright blue.
 * @cssproperty [--logs-ansi-13=light-dark(#6639ba, #d2a8ff)] - ANSI bright magenta.
 * @cssproperty [--logs-ansi-14=light-dark(#136061, #56d4dd)] - ANSI bright cyan.
 * @cssproperty [--logs-ansi-15=light-dark(#32383f, #f0f6fc)] - ANSI bright white.
 */
export class LiveLogsViewer extends LitElement {
  static override styles = styles;

  static override properties = {
    projectId: { attribute: 'project-id' },
    entries: { attribute: false },
    wrap: { type: Boolean, reflect: true },
    hideTimestamps: { type: Boolean, reflect: true, attribute: 'hide-timestamps' },
    filter: {},
    levels: { converter: { fromAttribute: parseLevels, toAttribute: (value: LogLevel[]) => value.join(' ') } },
    streamingTimeout: { type: Number, attribute: 'streaming-timeout' },
    announce: { type: Boolean, reflect: true },
  };

  readonly #live = new LiveController(this, { project: () => this.projectId || undefined, all: () => !this.projectId });
  readonly #locale = new LocaleController(this);

  private get _log(): HTMLDivElement | null {
    return this.renderRoot.querySelector<HTMLDivElement>('[part~="log"]');
  }
  private get _rows(): HTMLDivElement | null {
    return this.renderRoot.querySelector<HTMLDivElement>('[part~="rows"]');
  }

  readonly #follow = new LogFollow({
    source: () => this.#source(),
    sourceKey: () => this.#sourceKey(),
    changed: () => this.#refresh(),
  });
  /** Presentational entries, converted once. */
  #presentational: LogEntry[] = [];
  #inputs: { length: number; first?: LogEntryInput; last?: LogEntryInput } = { length: 0 };
  #markPattern: RegExp | undefined;

  /** The rows rendered, as the engine laid them out. */
  #window: LogWindow = this.#follow.window;
  #reuseRows = false;
  #viewportHeight = 0;
  #viewportWidth = 0;
  /** Measure the height of a row without wrap again (after a change of layout, language or size). */
  #checkRowHeight = true;
  /** Correction renders since the last render something else asked for. */
  #passes = 0;
  #passPending = false;
  /** Something other than a property changed (scroll, size, follow state, time): render even so. */
  #dirty = false;
  #relayout = false;
  #renderedLang = '';
  readonly #presentationalKey = {};
  #tags: Record<LogLevel, string> = { info: 'INFO', success: 'OK', warning: 'WARN', error: 'ERROR' };
  #announcements = 0;
  #announcement = '';
  #parsed = new Map<string, ParsedMessage>();
  /** A task is due to go on with the filter's scan. */
  #scanDue = false;
  /** Renders again once a lazily loaded part this view waited for has loaded. */
  readonly #loaded = (): void => this.#refresh();
  /** The filter was set before the search part had loaded. */
  #slowSearch = false;
  /** The earlier deployment shown instead of the current one. */
  #past: PastDeployment | undefined;
  /** The last export from the toolbar failed. */
  #exportFailed = false;
  /** The colours' styles are in this root. */
  #coloured = false;

  /** The project whose log to show; without it (under a provider) every project's entries are shown. */
  projectId?: string;

  /** Presentational entries `{ timestamp, level, message, projectId? }`, used when there is no provider. Set a new array to update. */
  entries: LogEntryInput[] = [];

  /** Wraps long lines instead of scrolling sideways. */
  wrap = false;

  /** Hides the timestamps (they are shown by default). */
  hideTimestamps = false;

  /** Text filter: entries whose message contains it (case-insensitive); matches are highlighted. */
  filter = '';

  /**
   * Adds a polite status that says how many entries arrived, at most every 5 seconds. Off by
   * default: a page's one live region is `<live-toast-region>`'s, which says a deployment's steps.
   */
  announce = false;

  /** Levels to show (attribute: space-separated); none means all. Entries with no known level are always shown. */
  levels: LogLevel[] = [];

  /** Milliseconds after the last arrival for which the "Streaming" badge stays. */
  streamingTimeout = 2000;

  /** True while the view follows the newest entry. */
  get following(): boolean {
    return this.#follow.following;
  }

  /** True while the "Streaming" badge shows (entries arrived within `streaming-timeout`). */
  get streaming(): boolean {
    return this.#follow.streaming;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this._log) resizes.observe(this._log, (entry) => this.#onResize(entry.contentRect));
    this.#follow.connect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this._log) resizes.unobserve(this._log);
    this.#follow.disconnect();
  }

  protected override shouldUpdate(changed: PropertyValues<this>): boolean {
    if (changed.size > 0 || this.#dirty || !this.hasUpdated || this.#locale.lang !== this.#renderedLang) return true;
    // A store notification for something this view does not show.
    return !this.#follow.isCurrent();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.#dirty = false;
    this.#passes = this.#passPending ? this.#passes + 1 : 0;
    this.#passPending = false;
    if (changed.has('projectId')) {
      this.#live.sync();
      this.#past = undefined;
    }
    if (changed.has('entries')) this.#adoptEntries();
    const follow = this.#follow;
    follow.streamingTimeout = this.streamingTimeout;
    if (this.#locale.lang !== this.#renderedLang || !this.hasUpdated) {
      this.#renderedLang = this.#locale.lang;
      this.#checkRowHeight = true;
      for (const level of LOG_LEVELS) this.#tags[level] = this.#locale.t(`logs.tag.${level}`);
    }
    const relayout = this.#relayout || changed.has('wrap') || changed.has('hideTimestamps');
    this.#relayout = false;
    if (relayout) this.#checkRowHeight = true;
    // A host's entries at once, as far as 100,000 of them; the store's logs from the first 4,096 on.
    const stored = 'chunkAt' in this.#source();
    follow.index.firstStep = stored ? 4096 : 100_000;
    // A log this long is one to search: the search part loads before the first query.
    if (stored && follow.index.held > 50_000) filterPart.need(this.#loaded);
    // A filter set before the search part had loaded is set again once it has: the scan starts
    // over, with the chunks' search.
    if (changed.has('filter') || changed.has('levels') || !this.hasUpdated || (this.#slowSearch && filterPart.value)) {
      this.#markPattern = matcher(this.filter, 'giu');
      const predicate = predicateFor(this.levels, this.filter);
      const search = predicate && filterPart.need(this.#loaded);
      follow.filter(predicate, search && stored ? search.logTest(this.levels, this.filter) : undefined);
      this.#slowSearch = Boolean(predicate && stored && !search);
    } else {
      follow.sync();
    }
    // The store's large logs are scanned a step per task, each step rendered.
    if (follow.index.scanning) follow.scan(performance.now() + SCAN_MS);
    if (this.#parsed.size > 2000) this.#parsed.clear();
    const palette = colours.value?.ansiStyles;
    if (palette && !this.#coloured) {
      this.#coloured = true;
      adoptStyles(this.renderRoot as ShadowRoot, [...(this.constructor as typeof LitElement).elementStyles, palette]);
    }
    // Without them (a failed load) the log still shows every line; only the picker and the note wait.
    if (this.#pastDeployments().length > 0 || this.#source().at(0)?.history) historyPart.need(this.#loaded);
    if (relayout) follow.relayout(!this.wrap);
    if (follow.announcements !== this.#announcements) {
      this.#announcements = follow.announcements;
      const count = follow.announced;
      this.#announcement = this.#locale.t('logs.announce', { count });
    }
    const previous = this.#window.entries;
    const window = follow.layout(this.#viewport());
    // When most rows are new (a fast stream, a long jump), rewriting the existing rows in place is
    // cheaper than replacing them; otherwise rows are keyed by entry, so the ones that stay are kept.
    let kept = 0;
    if (previous.length > 0) {
      const low = previous[0].seq;
      const high = previous[previous.length - 1].seq;
      for (const entry of window.entries) if (entry.seq >= low && entry.seq <= high) kept++;
    }
    this.#reuseRows = kept * 2 < window.entries.length;
    this.#window = window;
  }

  protected override firstUpdated(): void {
    if (this._log) resizes.observe(this._log, (entry) => this.#onResize(entry.contentRect));
  }

  protected override updated(): void {
    const log = this._log;
    if (!log) return;
    if (this.#viewportHeight === 0 && log.clientHeight > 0) {
      this.#viewportHeight = log.clientHeight;
      this.#viewportWidth = log.clientWidth;
      this.#schedulePass();
    }
    const follow = this.#follow;
    const first = this.#window.first;
    const rows = this._rows?.children;
    if (rows && rows.length > 0) {
      if (this.wrap) {
        for (let k = 0; k < rows.length; k++) follow.heights.set(first + k, rows[k].getBoundingClientRect().height);
      } else if (this.#checkRowHeight) {
        this.#checkRowHeight = false;
        const height = rows[0].getBoundingClientRect().height;
        if (height > 0 && Math.abs(height - follow.heights.estimate) > 0.01) {
          // The rows' real height (fonts, a custom line height): lay out again with it.
          follow.relayout(true, height);
          this.#schedulePass();
          return;
        }
      }
    }
    const rowBox = (row: number): RowBox | undefined => {
      const element = rows?.[row - first];
      if (!element) return undefined;
      const rect = element.getBoundingClientRect();
      return { top: rect.top - log.getBoundingClientRect().top - log.clientTop + log.scrollTop, height: rect.height };
    };
    if (follow.place(log, rowBox)) this.#schedulePass();
    if (follow.index.scanning && !this.#scanDue) {
      this.#scanDue = true;
      void nextTask().then(() => {
        this.#scanDue = false;
        if (this.isConnected) this.#refresh();
      });
    }
  }

  // ---- handlers ------------------------------------------------------------------------------

  #onScroll(): void {
    const log = this._log;
    if (log && this.#follow.scrolled(log)) this.#refresh();
  }

  /** Scrolling up (wheel, keys, the scrollbar) stops following at once, before any new entry can pull the view down. */
  #stopFollowing(): void {
    const log = this._log;
    if (log && this.#follow.scrollingUp(log)) this.#refresh();
  }

  readonly #wheelListener = {
    handleEvent: (event: WheelEvent) => {
      if (event.deltaY < 0) this.#stopFollowing();
    },
    passive: true,
  };

  readonly #touchListener = {
    handleEvent: () => this.#stopFollowing(),
    passive: true,
  };

  #onKeyDown(event: KeyboardEvent): void {
    if (STOP_KEYS.has(event.key) || (event.key === ' ' && event.shiftKey)) this.#stopFollowing();
  }

  #onPointerDown(event: PointerEvent): void {
    // On the region itself rather than a row: the scrollbar.
    if (event.target === this._log) this.#stopFollowing();
  }

  #onPointerUp(): void {
    const log = this._log;
    if (log && this.#follow.released(log)) this.#refresh();
  }

  readonly #onResize = (rect: DOMRectReadOnly): void => {
    const widthChanged = this.#viewportWidth > 0 && Math.abs(rect.width - this.#viewportWidth) > 0.5;
    if (rect.height === this.#viewportHeight && !widthChanged) return;
    this.#viewportHeight = rect.height;
    this.#viewportWidth = rect.width;
    this.#checkRowHeight = true;
    if (widthChanged && this.wrap) this.#relayout = true;
    this.#refresh();
  };

  /** Shows or hides a level; the last level shown stays (with all shown again, `levels` is empty). */
  #onLevelClick(event: Event): void {
    const level = (event.currentTarget as HTMLElement).dataset.level as LogLevel;
    const shown = shownLevels(this.levels);
    const next = shown.includes(level) ? shown.filter((l) => l !== level) : LOG_LEVELS.filter((l) => l === level || shown.includes(l));
    if (next.length > 0) this.levels = next.length === LOG_LEVELS.length ? [] : next;
  }

  #onSearchInput(event: Event): void {
    this.filter = (event.target as HTMLInputElement).value;
  }

  #onWrapClick(): void {
    this.wrap = !this.wrap;
  }

  #onTimestampsClick(): void {
    this.hideTimestamps = !this.hideTimestamps;
  }

  async #onExportClick(event: Event): Promise<void> {
    const format = (event.currentTarget as HTMLElement).dataset.format === 'jsonl' ? 'jsonl' : 'log';
    this.#exportFailed = false;
    try {
      await this.download(format);
    } catch {
      this.#exportFailed = true;
    }
    this.#refresh();
  }

  #onDeploymentChange(event: Event): void {
    const { value } = event.target as HTMLSelectElement;
    this.#past = value ? this.#pastDeployments()[Number(value)] : undefined;
    this.#refresh();
  }

  #onClearClick(): void {
    this.clear();
  }

  async #onJumpClick(): Promise<void> {
    this.scrollToLatest();
    await this.updateComplete;
    this._log?.focus({ preventScroll: true });
  }

  // ---- public methods ------------------------------------------------------------------------

  /** Follows the newest entry again and scrolls to it. */
  scrollToLatest(): void {
    this.#follow.scrollToLatest();
    this.#refresh();
  }

  /**
   * Every held entry (filters do not apply), oldest first: `.log` lines `ISO LEVEL [project] message`, or JSON lines.
   * Resolves once the export code has loaded; rejects if it cannot be. One string of the whole log:
   * for a large one, `download()` (or the Blob of its `logs-export` event) builds no such string.
   */
  async exportText(format: ExportFormat = 'log'): Promise<string> {
    const { exportEntries } = await exporter();
    return exportEntries(this.#source(), format === 'jsonl' ? 'jsonl' : 'log');
  }

  /**
   * Downloads `exportText(format)` as a file, unless a `logs-export` listener cancels it. The file is a
   * Blob built a part at a time, in steps of a few milliseconds: a million lines make neither a long
   * task nor one string of the whole log. Resolves once the download has started (or was
   * cancelled); rejects if the export code cannot be loaded.
   */
  async download(format: ExportFormat = 'log'): Promise<void> {
    format = format === 'jsonl' ? 'jsonl' : 'log';
    const { downloadBlob, exportBlob, exportEntries, exportFilename } = await exporter();
    const source = this.#source();
    const blob = await exportBlob(source, format);
    let text: string | undefined;
    const detail: LogsExportDetail = {
      format,
      filename: exportFilename(this.projectId || undefined, format),
      blob,
      get text() {
        return (text ??= exportEntries(source, format));
      },
    };
    const proceed = this.dispatchEvent(new CustomEvent('logs-export', { detail, bubbles: true, composed: true, cancelable: true }));
    if (proceed) downloadBlob(blob, detail.filename);
  }

  /** Empties the log: the provider's log of this project (of every project without `project-id`), or the presentational entries. */
  clear(): void {
    const projectId = this.projectId || undefined;
    const proceed = this.dispatchEvent(new CustomEvent('logs-clear', { detail: { projectId }, bubbles: true, composed: true, cancelable: true }));
    if (!proceed) return;
    const store = this.#live.store;
    if (store) store.clearLogs(projectId);
    else this.entries = [];
    this.#refresh();
  }

  // ---- internals -----------------------------------------------------------------------------

  #source(): LogSource {
    const store = this.#live.store;
    if (this.#past) return this.#past.entries;
    return store ? store.logs(this.projectId || undefined) : this.#presentational;
  }

  /** What the source stands for: the same key with a new source object is the same log carrying on. */
  #sourceKey(): unknown {
    const store = this.#live.store;
    return this.#past ?? (store ? `${this.projectId || ''}` : this.#presentationalKey);
  }

  #pastDeployments(): readonly PastDeployment[] {
    return (this.projectId && this.#live.store?.getProject(this.projectId)?.pastDeployments) || [];
  }

  /** Renders again for something that is not a property: a scroll, a size, the follow state, time. */
  #refresh(): void {
    this.#dirty = true;
    this.requestUpdate();
  }

  #adoptEntries(): void {
    const next = this.entries ?? [];
    const prev = this.#inputs;
    const n = prev.length;
    const extends_ =
      this.hasUpdated && next.length >= n && (n === 0 || (sameInput(next[0], prev.first) && sameInput(next[n - 1], prev.last)));
    if (extends_) {
      for (let i = n; i < next.length; i++) this.#presentational.push(toEntry(next[i]));
    } else {
      this.#presentational = next.map(toEntry);
    }
    this.#inputs = { length: next.length, first: next[0], last: next[next.length - 1] };
  }

  #viewport(): number {
    return this.#viewportHeight || this._log?.clientHeight || 320;
  }

  /** Another render after this one, still before the frame is painted. */
  #schedulePass(): void {
    // Bounded: rows whose heights keep changing (a host style) must not keep the page busy.
    if (this.#passPending || this.#passes >= MAX_PASSES) return;
    this.#passPending = true;
    queueMicrotask(() => {
      if (!this.isConnected || !this.#passPending) return;
      this.#dirty = true;
      this.requestUpdate();
    });
  }

  #parse(entry: LogEntry, ansi: typeof import('./colours.js')): ParsedMessage {
    let parsed = this.#parsed.get(entry.message);
    if (!parsed) this.#parsed.set(entry.message, (parsed = ansi.parseAnsi(entry.message)));
    return parsed;
  }


  // ---- rendering -----------------------------------------------------------------------------

  override render(): TemplateResult {
    const t = (key: string, vars?: Record<string, string | number>) => this.#locale.t(key, vars);
    const follow = this.#follow;
    const held = follow.index.held;
    const shown = follow.index.rows;
    const projectId = this.projectId || undefined;
    const label = projectId ? t('logs.label', { project: projectId }) : this.#live.store ? t('logs.labelAll') : t('logs.labelPlain');
    const counter = follow.index.filtered
      ? t('logs.countFiltered', { shown: this.#locale.number(shown), count: this.#locale.number(held) })
      : t('logs.count', { count: held });
    return html`<div part="base">
      ${this.#renderToolbar(t)}
      <div part="body">
        <div
          part="log"
          role="log"
          aria-live="off"
          aria-label=${label}
          tabindex="0"
          @scroll=${this.#onScroll}
          @wheel=${this.#wheelListener}
          @touchmove=${this.#touchListener}
          @keydown=${this.#onKeyDown}
          @pointerdown=${this.#onPointerDown}
          @pointerup=${this.#onPointerUp}
        >
          ${shown === 0
            ? html`<div part="empty">${held === 0 ? t('logs.empty') : follow.index.scanning ? '' : t('logs.noMatch')}</div>`
            : html`<div part="rows" style=${cssomStyle({ paddingTop: `${this.#window.padTop}px`, paddingBottom: `${this.#window.padBottom}px` })}>
                ${repeat(this.#window.entries, this.#reuseRows ? byPosition : bySeq, (entry) => this.#renderRow(entry, projectId === undefined))}
              </div>`}
        </div>
        ${follow.following || shown === 0
          ? nothing
          : html`<button part="jump" type="button" @click=${this.#onJumpClick}>
              ${icons.down}${follow.newCount > 0 ? t('logs.jumpNew', { count: this.#locale.number(follow.newCount) }) : t('logs.jump')}
            </button>`}
      </div>
      <div part="status">
        <span part="counter">${counter}</span>
        ${historyPart.value && this.#source().at(0)?.history ? html`<span part="history-note">${t('logs.historyNote')}</span>` : nothing}
        ${this.#exportFailed ? html`<span part="export-error" role="alert">${t('logs.exportFailed')}</span>` : nothing}
        ${follow.streaming && !this.#past ? this.#renderStreaming(t('logs.streaming')) : nothing}
      </div>
      ${this.announce ? html`<div part="announcer" class="visually-hidden" role="status">${this.#announcement}</div>` : nothing}
    </div>`;
  }

  /** The badge. Where the page's language keeps the English word (Spanish does), it is marked as English for screen readers. */
  #renderStreaming(word: string): TemplateResult {
    const english = word === translate('en', 'logs.streaming') && !/^en(-|$)/i.test(this.#locale.lang);
    return html`<span part="streaming" lang=${english ? 'en' : nothing}><span part="streaming-dot"></span>${word}</span>`;
  }

  #renderToolbar(t: (key: string, vars?: Record<string, string | number>) => string): TemplateResult {
    const shown = shownLevels(this.levels);
    const past = this.#pastDeployments();
    // Earlier deployments come from a provider's store, under a project-id.
    const picker = historyPart.value && past.length > 0 ? historyPart.value : undefined;
    return html`<div part="toolbar">
      ${picker
        ? picker.renderPicker(this.#locale, past, this.#live.store?.getProject(this.projectId!)?.currentDeployment, this.#past, this.#onDeploymentChange)
        : nothing}
      <div part="levels" role="group" aria-label=${t('logs.levels')}>
        ${LOG_LEVELS.map((level) => {
          const label = t(`logs.level.${level}`);
          const on = shown.includes(level);
          // Pressed while the level is shown; the last level shown cannot be hidden.
          return html`<button
            part="level-toggle level-toggle-${level}"
            type="button"
            data-level=${level}
            aria-label=${t('logs.showLevel', { level: label })}
            aria-pressed=${on ? 'true' : 'false'}
            aria-disabled=${on && shown.length === 1 ? 'true' : nothing}
            @click=${this.#onLevelClick}
          >
            ${icons[level]}<span>${label}</span>
          </button>`;
        })}
      </div>
      <label part="search-field">
        ${icons.search}<span class="visually-hidden">${t('logs.search')}</span>
        <input
          part="search"
          type="search"
          autocomplete="off"
          spellcheck="false"
          placeholder=${t('logs.searchPlaceholder')}
          .value=${this.filter}
          @input=${this.#onSearchInput}
        />
      </label>
      <div part="actions">
        <button
          part="icon-button wrap-toggle"
          type="button"
          aria-pressed=${this.wrap ? 'true' : 'false'}
          aria-label=${t('logs.wrap')}
          title=${t('logs.wrap')}
          @click=${this.#onWrapClick}
        >
          ${icons.wrap}
        </button>
        <button
          part="icon-button timestamps-toggle"
          type="button"
          aria-pressed=${this.hideTimestamps ? 'false' : 'true'}
          aria-label=${t('logs.timestamps')}
          title=${t('logs.timestamps')}
          @click=${this.#onTimestampsClick}
        >
          ${icons.clock}
        </button>
        <button part="icon-button export export-log" type="button" data-format="log" aria-label=${t('logs.exportLog')} title=${t('logs.exportLog')} @click=${this.#onExportClick}>
          ${icons.download}<span aria-hidden="true">.log</span>
        </button>
        <button
          part="icon-button export export-jsonl"
          type="button"
          data-format="jsonl"
          aria-label=${t('logs.exportJsonl')}
          title=${t('logs.exportJsonl')}
          @click=${this.#onExportClick}
        >
          ${icons.download}<span aria-hidden="true">.jsonl</span>
        </button>
        <button part="icon-button clear" type="button" aria-label=${t('logs.clear')} title=${t('logs.clear')} @click=${this.#onClearClick}>
          ${icons.trash}
        </button>
      </div>
    </div>`;
  }

  #renderRow(entry: LogEntry, showProject: boolean): TemplateResult {
    const level = entry.level;
    const finite = Number.isFinite(entry.time);
    const projectName = showProject && entry.projectId ? (this.#live.store?.getProject(entry.projectId)?.name ?? entry.projectId) : undefined;
    let cls = entry.seq > this.#follow.freshAfter ? `row ${level ?? ''} fresh` : level ? `row ${level}` : 'row';
    if (entry.history) cls += ' history';
    return html`<div part=${(level ? `row row-${level}` : 'row') + (entry.history ? ' row-history' : '')} class=${cls}>${entry.history && historyPart.value
      ? html`<span class="visually-hidden">${this.#locale.t('logs.earlierLine')}</span>`
      : nothing}${this.hideTimestamps
      ? nothing
      : html`<time part="timestamp" class="ts" datetime=${finite ? new Date(entry.time).toISOString() : nothing}
          >${finite ? this.#locale.time(entry.time, TIME_FORMAT) : '—'}</time
        >`}<span part="level" class="lvl">${level ? this.#tags[level] : ''}</span>${projectName === undefined
      ? nothing
      : html`<span part="project" class="prj" title=${entry.projectId}>${projectName}</span>`}<span part="message" class="msg"
        >${this.#renderMessage(entry)}</span
      ></div>`;
  }

  #renderMessage(entry: LogEntry): unknown {
    const message = entry.message;
    if (!this.#markPattern && !hasControls(message)) return this.wrap ? message : oneLine(message);
    // Until the colours part has loaded (or when it cannot), codes are stripped and nothing is marked.
    const ansi = colours.need(this.#loaded);
    if (!ansi) return this.wrap ? stripAnsi(message) : oneLine(stripAnsi(message));
    const pieces = ansi.markMatches(this.#parse(entry, ansi), this.#markPattern);
    return pieces.map((piece) => {
      const text = this.wrap ? piece.text : oneLine(piece.text);
      if (piece.match) return html`<mark part="match" class=${piece.cls}>${text}</mark>`;
      return piece.cls ? html`<span part="ansi" class=${piece.cls}>${text}</span>` : text;
    });
  }
}

// ---- helpers -------------------------------------------------------------------------------

const bySeq = (entry: LogEntry): number => entry.seq;
/** Negative, so position keys never meet entry keys. */
const byPosition = (_entry: LogEntry, index: number): number => -1 - index;

function parseLevels(value: string | null): LogLevel[] {
  if (!value) return [];
  return LOG_LEVELS.filter((level) => value.split(/[\s,]+/).includes(level));
}

/** The levels whose entries are shown: `levels`, or every level when it names none. */
function shownLevels(levels: readonly LogLevel[]): LogLevel[] {
  const named = LOG_LEVELS.filter((level) => levels.includes(level));
  return named.length > 0 ? named : [...LOG_LEVELS];
}

function predicateFor(levels: readonly LogLevel[], filter: string): LogPredicate | undefined {
  const wanted = new Set(levels.filter(isLogLevel));
  if (wanted.size === LOG_LEVELS.length) wanted.clear();
  const pattern = matcher(filter, 'iu');
  if (wanted.size === 0 && !pattern) return undefined;
  return (entry) =>
    (wanted.size === 0 || entry.level === undefined || wanted.has(entry.level)) &&
    (!pattern || pattern.test(hasControls(entry.message) ? stripAnsi(entry.message) : entry.message));
}

function toEntry(input: LogEntryInput): LogEntry {
  const raw = input?.timestamp;
  const time = typeof raw === 'number' ? raw : Date.parse(String(raw));
  const entry: LogEntry = { seq: ++presentationalSeq, projectId: typeof input?.projectId === 'string' ? input.projectId : '', time, message: String(input?.message ?? '') };
  if (isLogLevel(input?.level)) entry.level = input.level;
  return entry;
}

function sameInput(a: LogEntryInput | undefined, b: LogEntryInput | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.message === b.message && a.timestamp === b.timestamp && a.level === b.level && a.projectId === b.projectId;
}

/** Without wrap a row is one line: a newline shows as ↵ (one character for one, so match offsets hold). */
function oneLine(text: string): string {
  return text.includes('\n') ? text.replaceAll('\n', '↵') : text;
}

const icon = (paths: SVGTemplateResult) =>
  html`<svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${paths}</svg>`;

const icons = {
  info: icon(svg`<circle cx="8" cy="8" r="6.2"></circle><path d="M8 7.3v3.9M8 4.9v.1"></path>`),
  success: icon(svg`<circle cx="8" cy="8" r="6.2"></circle><path d="m5.3 8.2 1.8 1.8 3.6-3.9"></path>`),
  warning: icon(svg`<path d="M8 2.3 14.2 13H1.8Z"></path><path d="M8 6.6v2.8M8 11.2v.1"></path>`),
  error: icon(svg`<circle cx="8" cy="8" r="6.2"></circle><path d="m5.9 5.9 4.2 4.2m0-4.2-4.2 4.2"></path>`),
  search: icon(svg`<circle cx="7" cy="7" r="4.4"></circle><path d="m10.3 10.3 3.4 3.4"></path>`),
  wrap: icon(svg`<path d="M2.5 4h11M2.5 8h9a2.3 2.3 0 0 1 0 4.6H8.5M2.5 12.6h3"></path><path d="m10 11-1.6 1.6 1.6 1.6"></path>`),
  clock: icon(svg`<circle cx="8" cy="8" r="6.2"></circle><path d="M8 4.8V8l2.3 1.5"></path>`),
  download: icon(svg`<path d="M8 2.5v7.5M4.8 7 8 10.2 11.2 7M3 13.5h10"></path>`),
  trash: icon(svg`<path d="M2.8 4.3h10.4M6.3 4.3V2.8h3.4v1.5M4.2 4.3l.6 8.9h6.4l.6-8.9"></path>`),
  down: icon(svg`<path d="M8 3v10M3.8 8.8 8 13l4.2-4.2"></path>`),
};
