import { realClock, type Clock } from '../core/clock.js';
import type { LogEntry } from '../core/store.js';
import { LogIndex, type LogPredicate, type LogSource, type LogTest, type SyncResult } from './log-index.js';
import { RowHeights } from './virtual-list.js';

/** Within this many pixels of the end, the view counts as at the bottom and follows the tail. */
const BOTTOM_SLACK = 4;
/** Rows laid out above and below the viewport. */
const OVERSCAN_ROWS = 8;
/** How long a new row fades in. */
const FRESH_MS = 400;
/** More rows than this in one sync arrive without a fade-in. */
const FADE_MAX_ROWS = 20;
/** The polite summary of new entries is spoken at most this often. */
const ANNOUNCE_MS = 5000;

/** What the engine needs of the scrolling region: the element itself, or a stand-in in tests. */
export interface ScrollBox {
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
}

/** Where a rendered row lies in the scrolled content, as laid out. */
export interface RowBox {
  top: number;
  height: number;
}

/** What the engine asks of the view that uses it. */
export interface LogFollowHost {
  /** The log to show now: the store's ring, or the presentational entries. */
  source(): LogSource;
  /** What the source stands for: the same key with a new source object is the same log carrying on. */
  sourceKey(): unknown;
  /** Time alone changed what the view shows (the badge went off, an announcement is due). */
  changed(): void;
}

/** The rows to render: `entries` are rows `[first, first + entries.length)`. */
export interface LogWindow {
  readonly first: number;
  readonly entries: readonly LogEntry[];
  /** Height of the rows above and below the rendered ones. */
  readonly padTop: number;
  readonly padBottom: number;
}

/**
 * The tail-following engine of a virtualized log view, with no DOM element and no Lit.
 *
 * It holds the rows (a `LogIndex` over the bounded source) and their geometry (`RowHeights`), and
 * decides what a view cannot tell from one event alone: whether it follows the newest entry, which
 * entry stays put when it does not (the anchor, kept through appends, evictions and relayouts),
 * which scroll events are the user's, how many rows arrived while the user was away, and, on the
 * injected clock, how long the "Streaming" badge stays, when new rows stop fading in and when the
 * next summary of new entries may be spoken.
 *
 * A view drives it in this order: `sync()` (or `filter()`) when the source may have changed,
 * `layout(viewport)` for the rows to render, then, once they are in the DOM and measured,
 * `place(box)`, which sets the scroll position; user input goes to `scrolled()`,
 * `scrollingUp()`, `released()` and `scrollToLatest()`.
 */
export class LogFollow {
  /** The rows shown, over the source. */
  readonly index = new LogIndex();
  /** The rows' heights: one fixed height, or measured per row. */
  readonly heights = new RowHeights(20, true);
  /** Milliseconds after the last arrival for which `streaming` stays true. */
  streamingTimeout = 2000;

  readonly #host: LogFollowHost;
  readonly #clock: Clock;
  #syncedKey: unknown;
  #window: LogWindow = { first: 0, entries: [], padTop: 0, padBottom: 0 };

  #following = true;
  #newCount = 0;
  /** The entry at the top of the viewport and how far the viewport top is into it. */
  #anchorSeq: number | undefined;
  #anchorDelta = 0;
  /**
   * Where the viewport top is as far as the engine knows: the last scroll event, or its own last
   * write. Directions are told from it, so a user's step that the browser reports in one event
   * with the view's own scroll to a new bottom still reads as a move up.
   */
  #knownTop = 0;
  /** The scrollTop the engine set, so the scroll event it causes is not taken for the user's. */
  #programmaticTop = NaN;

  #connected = false;
  #timer: unknown;
  #timerAt = Infinity;
  #streaming = false;
  #lastArrival = -Infinity;
  #pendingAnnounce = 0;
  #lastAnnounce = -Infinity;
  #announced = 0;
  #announcements = 0;
  /** `[seq before a sync, time]` for the syncs of the last `FRESH_MS`: rows after the oldest fade in. */
  #freshMarks: [number, number][] = [];
  #freshAfter = Infinity;

  constructor(host: LogFollowHost, clock: Clock = realClock) {
    this.#host = host;
    this.#clock = clock;
  }

  /** True while the view follows the newest entry. */
  get following(): boolean {
    return this.#following;
  }

  /** Rows added since the view stopped following: the N of "Jump to latest (N new)". */
  get newCount(): number {
    return this.#newCount;
  }

  /** True from an arrival until `streamingTimeout` passes without one. */
  get streaming(): boolean {
    return this.#streaming;
  }

  /** How many entries the latest summary announced. */
  get announced(): number {
    return this.#announced;
  }

  /** How many summaries there have been: a view speaks again when this changes. */
  get announcements(): number {
    return this.#announcements;
  }

  /** Entries with a greater `seq` are new enough to fade in. */
  get freshAfter(): number {
    return this.#freshAfter;
  }

  /** The rows chosen by the last `layout()`. */
  get window(): LogWindow {
    return this.#window;
  }

  /** Starts the timer again if the badge or an announcement is waiting on it. */
  connect(): void {
    this.#connected = true;
    this.#arm();
  }

  /** Stops the timer. */
  disconnect(): void {
    this.#connected = false;
    this.#disarm();
  }

  // ---- rows ----------------------------------------------------------------------------------

  /** True when the host's source is the one synced and has not changed since. */
  isCurrent(): boolean {
    return this.index.isCurrent(this.#host.source());
  }

  /** Brings the rows up to date with the host's source. */
  sync(): SyncResult {
    const before = this.index.lastSeq;
    const key = this.#host.sourceKey();
    const result = this.index.sync(this.#host.source(), key === this.#syncedKey);
    this.#syncedKey = key;
    this.#apply(result, before);
    return result;
  }

  /**
   * Sets (or removes) the filter: the rows start over from the host's source, found by `scan()`.
   * `test` says the same as `predicate`, faster (see `LogIndex.setPredicate`).
   */
  filter(predicate: LogPredicate | undefined, test?: LogTest): SyncResult {
    const result = this.index.setPredicate(predicate, this.#host.source(), test);
    this.#syncedKey = this.#host.sourceKey();
    this.#apply(result, this.index.lastSeq);
    return result;
  }

  /**
   * Goes on with the filter's scan of the held entries (after a `sync`): at least `min` entries,
   * then until `deadline` (`performance.now()` time). The rows it finds are not new arrivals.
   * Returns true while there is more to scan.
   */
  scan(deadline: number, min = 0): boolean {
    this.sync();
    this.heights.append(this.index.scan(deadline, min));
    return this.index.scanning;
  }

  /** Forgets every measured height: each row is `estimate` high until measured (or always, if `fixed`). */
  relayout(fixed: boolean, estimate = this.heights.estimate): void {
    this.heights.reset(this.index.rows, estimate, fixed);
  }

  // ---- layout --------------------------------------------------------------------------------

  /** Chooses the scroll position to aim at for a viewport `viewport` high, and the rows around it. */
  layout(viewport: number): LogWindow {
    const heights = this.heights;
    const maxTop = Math.max(0, heights.total - viewport);
    if (maxTop <= BOTTOM_SLACK) {
      // Everything fits: there is nothing to scroll away from the newest entry.
      this.#following = true;
      this.#newCount = 0;
    }
    let top = maxTop;
    if (!this.#following) {
      if (this.#anchorSeq === undefined) {
        top = Math.min(maxTop, this.#knownTop);
      } else {
        const row = this.index.lowerBound(this.#anchorSeq);
        if (row < this.index.rows) top = Math.min(maxTop, heights.offset(row) + this.#anchorOffset(row, heights.height(row)));
      }
    }
    const [first, last] = heights.range(top, viewport, OVERSCAN_ROWS * heights.estimate);
    const entries = new Array<LogEntry>(last - first);
    for (let i = first; i < last; i++) entries[i - first] = this.index.entry(i)!;
    this.#window = { first, entries, padTop: heights.offset(first), padBottom: heights.total - heights.offset(last) };
    return this.#window;
  }

  /**
   * After the window is rendered and measured: scrolls `box` to the bottom when following, or so the
   * anchor entry is where it was, then remembers the anchor. `rowBox` gives a rendered row's place
   * in the content (only asked for the anchor's row). Returns true when the rendered rows do not
   * cover the viewport and the view should lay out and render once more.
   */
  place(box: ScrollBox, rowBox?: (row: number) => RowBox | undefined): boolean {
    const maxTop = Math.max(0, box.scrollHeight - box.clientHeight);
    let want: number | undefined;
    if (this.#following) {
      want = maxTop;
    } else if (this.#anchorSeq !== undefined && rowBox) {
      const row = this.index.lowerBound(this.#anchorSeq);
      const found = row < this.index.rows ? rowBox(row) : undefined;
      if (found) want = found.top + this.#anchorOffset(row, found.height);
    }
    if (want !== undefined) {
      want = Math.min(maxTop, Math.max(0, want));
      const before = box.scrollTop;
      if (Math.abs(before - want) >= 0.5) {
        box.scrollTop = want;
        const after = box.scrollTop;
        if (after !== before) this.#programmaticTop = this.#knownTop = after;
      }
    }
    const top = box.scrollTop;
    const { first, entries } = this.#window;
    const last = first + entries.length;
    const heights = this.heights;
    const covered =
      (first === 0 || heights.offset(first) <= top + 0.5) && (last >= this.index.rows || heights.offset(last) >= top + box.clientHeight - 0.5);
    if (!this.#following) this.#captureAnchor(top);
    return !covered;
  }

  // ---- the user ------------------------------------------------------------------------------

  /**
   * A scroll event. The engine's own scrolls are let through; the user's move the anchor, and
   * stop or resume following. Returns true when the view should render.
   */
  scrolled(box: ScrollBox): boolean {
    const top = box.scrollTop;
    if (Math.abs(top - this.#programmaticTop) < 1) {
      this.#programmaticTop = NaN;
      this.#knownTop = top;
      return false;
    }
    this.#programmaticTop = NaN;
    this.#captureAnchor(top);
    const movingUp = top < this.#knownTop - 0.5;
    this.#knownTop = top;
    const fromBottom = box.scrollHeight - box.clientHeight - top;
    if (movingUp) {
      // Any step up leaves the tail, however small: the next entry must not pull the view back. Only
      // the browser clamping to a shorter log lands exactly at the bottom.
      if (fromBottom > 1) this.#following = false;
    } else if (fromBottom <= BOTTOM_SLACK) {
      this.#following = true;
      this.#newCount = 0;
    } else {
      this.#following = false;
    }
    return true;
  }

  /**
   * Input that is about to scroll up (a wheel, a key, a touch, the scrollbar): stops following at
   * once, before any new entry can pull the view down. Returns true when that changed anything.
   */
  scrollingUp(box: ScrollBox): boolean {
    if (!this.#following || box.scrollHeight - box.clientHeight <= BOTTOM_SLACK) return false;
    this.#captureAnchor(box.scrollTop);
    this.#following = false;
    return true;
  }

  /** The scrollbar let go: at the bottom, follow again. Returns true when that changed anything. */
  released(box: ScrollBox): boolean {
    if (this.#following || box.scrollHeight - box.clientHeight - box.scrollTop > BOTTOM_SLACK) return false;
    this.scrollToLatest();
    return true;
  }

  /** Follows the newest entry again. */
  scrollToLatest(): void {
    this.#following = true;
    this.#newCount = 0;
  }

  // ---- internals -----------------------------------------------------------------------------

  /** How far into `row` (of the given height) the viewport top goes: the anchor's offset if it is that entry. */
  #anchorOffset(row: number, height: number): number {
    return this.index.entry(row)?.seq === this.#anchorSeq ? Math.min(this.#anchorDelta, height - 1) : 0;
  }

  /** Remembers the entry at the viewport top `top`. */
  #captureAnchor(top: number): void {
    let row = this.heights.indexAt(top);
    const delta = top - this.heights.offset(row);
    let entry: LogEntry | undefined;
    const { first, entries } = this.#window;
    const k = row - first;
    if (k >= 0 && k < entries.length) {
      entry = entries[k];
    } else {
      // Beyond the rendered rows (a scrollbar drag): the ring may have moved on since the last
      // sync, so bring the rows up to date before reading one.
      const result = this.sync();
      row = result.reset ? 0 : row - result.removed;
      entry = this.index.entry(Math.max(0, row));
    }
    this.#anchorSeq = entry?.seq;
    this.#anchorDelta = entry ? Math.max(0, delta) : 0;
  }

  /** Carries what changed in the rows over to the heights, the counters, the badge and the fade-in. */
  #apply(result: SyncResult, seqBefore: number): void {
    const now = this.#clock.now();
    if (result.reset) {
      this.heights.reset(this.index.rows);
      this.#newCount = 0;
      this.#freshMarks = [];
    } else {
      this.heights.dropFront(result.removed);
      this.heights.append(result.added);
      if (result.added > 0) {
        if (!this.#following) this.#newCount += result.added;
        this.#pendingAnnounce += result.added;
        // A burst is too fast to see fading in: it only costs frames.
        if (result.added <= FADE_MAX_ROWS) this.#freshMarks.push([seqBefore, now]);
        else this.#freshMarks = [];
      }
      if (result.arrived > 0) {
        this.#lastArrival = now;
        this.#streaming = true;
        if (this.#pendingAnnounce > 0 && now - this.#lastAnnounce >= ANNOUNCE_MS) this.#announce(now);
        this.#arm();
      }
    }
    while (this.#freshMarks.length > 0 && now - this.#freshMarks[0][1] > FRESH_MS) this.#freshMarks.shift();
    this.#freshAfter = this.#freshMarks.length > 0 ? this.#freshMarks[0][0] : Infinity;
  }

  #announce(now: number): void {
    this.#announced = this.#pendingAnnounce;
    this.#announcements++;
    this.#pendingAnnounce = 0;
    this.#lastAnnounce = now;
  }

  /** The one timer, set for whichever is due first: the badge going off or a held-back announcement. */
  #arm(): void {
    if (!this.#connected) return;
    let at = Infinity;
    if (this.#streaming) at = this.#lastArrival + this.streamingTimeout;
    if (this.#pendingAnnounce > 0) at = Math.min(at, this.#lastAnnounce + ANNOUNCE_MS);
    if (at >= this.#timerAt) return;
    this.#disarm();
    if (at === Infinity) return;
    this.#timerAt = at;
    this.#timer = this.#clock.setTimeout(this.#tick, Math.max(0, at - this.#clock.now()));
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  readonly #tick = (): void => {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = this.#clock.now();
    let changed = false;
    if (this.#pendingAnnounce > 0 && now - this.#lastAnnounce >= ANNOUNCE_MS) {
      this.#announce(now);
      changed = true;
    }
    if (this.#streaming && now - this.#lastArrival >= this.streamingTimeout) {
      this.#streaming = false;
      changed = true;
    }
    this.#arm();
    if (changed) this.#host.changed();
  };
}
