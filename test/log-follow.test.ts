import { expect } from '@open-wc/testing';
import { ManualClock } from '../src/core/clock.js';
import { Ring } from '../src/core/ring.js';
import type { LogEntry } from '../src/core/store.js';
import { LogFollow, type ScrollBox } from '../src/live-logs-viewer/log-follow.js';
import './helpers.js';

const ROW = 20;
const VIEWPORT = 200;

/** A scrolling region without a DOM: the browser's clamping, and user scrolls the engine hears of only through `scrolled`. */
class Box implements ScrollBox {
  scrollHeight = VIEWPORT;
  clientHeight = VIEWPORT;
  writes = 0;
  #top = 0;

  get scrollTop(): number {
    return this.#top;
  }

  set scrollTop(value: number) {
    this.writes++;
    this.#top = this.#clamp(value);
  }

  /** The user (or the browser) scrolls; the scroll event comes later. */
  move(top: number): void {
    this.#top = this.#clamp(top);
  }

  get bottom(): number {
    return this.scrollHeight - this.clientHeight;
  }

  #clamp(value: number): number {
    return Math.min(Math.max(0, value), Math.max(0, this.scrollHeight - this.clientHeight));
  }
}

/** The engine over a ring, driven the way `<live-logs-viewer>` drives it, with the DOM left out. */
function view(capacity = 1000) {
  const ring = new Ring<LogEntry>(capacity);
  const clock = new ManualClock();
  const box = new Box();
  let seq = 0;
  let changes = 0;
  const follow = new LogFollow({ source: () => ring, sourceKey: () => 'web', changed: () => changes++ }, clock);
  follow.connect();
  return {
    follow,
    ring,
    clock,
    box,
    changes: () => changes,
    add(n: number): void {
      for (let i = 0; i < n; i++) {
        seq++;
        ring.push({ seq, projectId: 'web', time: clock.now(), message: `line ${seq}` });
      }
    },
    /** One render: sync, lay out, put the rows in the "DOM" (the scroll height), place. Returns true when another pass is due. */
    frame(measure?: (row: number) => number): boolean {
      follow.sync();
      const { first, entries } = follow.layout(box.clientHeight);
      if (measure) for (let row = first; row < first + entries.length; row++) follow.heights.set(row, measure(row));
      box.scrollHeight = Math.max(box.clientHeight, follow.heights.total);
      return follow.place(box, (row) =>
        row >= first && row < first + entries.length ? { top: follow.heights.offset(row), height: follow.heights.height(row) } : undefined,
      );
    },
    /** The user scrolls to `top`, and the engine hears of it; returns what `scrolled()` answered. */
    userScroll(top: number): boolean {
      box.move(top);
      return follow.scrolled(box);
    },
    /** The seq of the entry at the top of the viewport. */
    topSeq(): number | undefined {
      return follow.index.entry(follow.heights.indexAt(box.scrollTop))?.seq;
    },
  };
}

describe('LogFollow', () => {
  describe('following the tail', () => {
    it('scrolls to the newest row as rows arrive, and its own scrolls are not the user’s', () => {
      const v = view();
      v.add(50);
      v.frame();
      expect(v.follow.following).to.equal(true);
      expect(v.box.scrollTop).to.equal(50 * ROW - VIEWPORT);
      expect(v.follow.scrolled(v.box), 'its own scroll event').to.equal(false);
      v.add(10);
      v.frame();
      expect(v.box.scrollTop).to.equal(60 * ROW - VIEWPORT);
      expect(v.follow.scrolled(v.box)).to.equal(false);
      expect(v.follow.following).to.equal(true);
      expect(v.follow.newCount).to.equal(0);
    });

    it('lays out only the rows around the viewport', () => {
      const v = view(1_000_000);
      v.add(1_000_000);
      v.frame();
      const { first, entries, padTop, padBottom } = v.follow.window;
      expect(entries.length).to.be.lessThan(30);
      expect(first + entries.length).to.equal(1_000_000);
      expect(entries.at(-1)!.seq).to.equal(1_000_000);
      expect(padTop).to.equal(first * ROW);
      expect(padBottom).to.equal(0);
    });

    it('follows whatever the user did while everything fits', () => {
      const v = view();
      v.add(5);
      v.frame();
      expect(v.follow.scrollingUp(v.box), 'nothing to scroll').to.equal(false);
      expect(v.follow.following).to.equal(true);
      v.add(45);
      v.frame();
      v.userScroll(0);
      expect(v.follow.following).to.equal(false);
      v.ring.clear();
      v.frame();
      expect(v.follow.following).to.equal(true);
    });
  });

  describe('the user scrolling', () => {
    it('stops following on a scroll up, keeps the top entry while rows arrive, and counts them', () => {
      const v = view();
      v.add(60);
      v.frame();
      expect(v.userScroll(300)).to.equal(true);
      expect(v.follow.following).to.equal(false);
      const top = v.topSeq();
      v.add(5);
      v.frame();
      expect(v.box.scrollTop).to.equal(300);
      expect(v.topSeq()).to.equal(top);
      expect(v.follow.newCount).to.equal(5);
      v.add(2);
      v.frame();
      expect(v.follow.newCount).to.equal(7);
    });

    it('follows again when the user comes back to the bottom, within a few pixels', () => {
      const v = view();
      v.add(60);
      v.frame();
      v.userScroll(0);
      v.add(3);
      v.frame();
      expect(v.follow.newCount).to.equal(3);
      v.userScroll(v.box.bottom - 3);
      expect(v.follow.following).to.equal(true);
      expect(v.follow.newCount).to.equal(0);
      v.add(1);
      v.frame();
      expect(v.box.scrollTop).to.equal(v.box.bottom);
    });

    it('stops following on the smallest step up, but not when the browser clamps to a shorter log', () => {
      const v = view();
      v.add(60);
      v.frame();
      v.box.clientHeight = VIEWPORT + 40;
      v.userScroll(v.box.bottom);
      expect(v.follow.following, 'clamped to the bottom of a taller viewport').to.equal(true);
      v.box.clientHeight = VIEWPORT;
      v.frame();
      const bottom = v.box.scrollTop;
      v.userScroll(bottom - 2);
      expect(v.follow.following).to.equal(false);
      v.add(1);
      v.frame();
      expect(v.box.scrollTop, 'not pulled back to the bottom').to.equal(bottom - 2);
    });

    it('keeps a step up that arrives in one scroll event with its own scroll to the new bottom', () => {
      const v = view();
      v.add(60);
      v.frame();
      expect(v.follow.scrolled(v.box)).to.equal(false);
      v.add(3);
      v.frame();
      const bottom = v.box.scrollTop;
      expect(bottom).to.equal(63 * ROW - VIEWPORT);
      // PageUp before the browser reported that scroll; its first step lands in the same event.
      expect(v.follow.scrollingUp(v.box)).to.equal(true);
      v.frame();
      expect(v.userScroll(bottom - 3)).to.equal(true);
      expect(v.follow.following).to.equal(false);
      v.add(1);
      v.frame();
      expect(v.box.scrollTop).to.equal(bottom - 3);
      expect(v.follow.newCount).to.equal(1);
    });

    it('stops following as soon as input says it will scroll up, anchored where the view is', () => {
      const v = view();
      v.add(60);
      v.frame();
      const bottom = v.box.scrollTop;
      expect(v.follow.scrollingUp(v.box)).to.equal(true);
      expect(v.follow.scrollingUp(v.box), 'once').to.equal(false);
      v.add(4);
      v.frame();
      expect(v.box.scrollTop, 'the new rows do not pull the view down').to.equal(bottom);
      expect(v.follow.newCount).to.equal(4);
    });

    it('follows again when the scrollbar is let go at the bottom', () => {
      const v = view();
      v.add(60);
      v.frame();
      // Pressed on the scrollbar, dragged up, let go.
      v.follow.scrollingUp(v.box);
      v.userScroll(100);
      expect(v.follow.released(v.box), 'let go in the middle').to.equal(false);
      // Dragged back down and let go before the last scroll event.
      v.follow.scrollingUp(v.box);
      v.box.move(v.box.bottom - 4);
      expect(v.follow.released(v.box)).to.equal(true);
      expect(v.follow.following).to.equal(true);
    });

    it('jumps to the latest on request', () => {
      const v = view();
      v.add(60);
      v.frame();
      v.userScroll(0);
      v.add(2);
      v.frame();
      v.follow.scrollToLatest();
      expect(v.follow.newCount).to.equal(0);
      v.frame();
      expect(v.box.scrollTop).to.equal(v.box.bottom);
    });
  });

  describe('anchor correction', () => {
    it('keeps the top entry in place when the ring evicts rows above it', () => {
      const v = view(100);
      v.add(100);
      v.frame();
      v.userScroll(50 * ROW + 7);
      expect(v.topSeq()).to.equal(51);
      v.add(20);
      v.frame();
      expect(v.ring.at(0)!.seq).to.equal(21);
      expect(v.topSeq()).to.equal(51);
      expect(v.box.scrollTop, 'moved up by the evicted rows, still 7 px into the entry').to.equal(30 * ROW + 7);
      expect(v.follow.scrolled(v.box), 'its own correction').to.equal(false);
      expect(v.follow.newCount).to.equal(20);
    });

    it('keeps the nearest later entry when the anchor itself is evicted', () => {
      const v = view(100);
      v.add(100);
      v.frame();
      v.userScroll(2 * ROW);
      v.add(5);
      v.frame();
      expect(v.box.scrollTop).to.equal(0);
      expect(v.topSeq()).to.equal(6);
    });

    it('keeps the top entry through a relayout to measured rows of other heights', () => {
      const v = view();
      v.add(200);
      v.frame();
      v.userScroll(120 * ROW + 5);
      v.follow.relayout(false);
      const tall = (row: number) => 20 + (row % 3) * 13;
      v.frame(tall);
      v.frame(tall);
      expect(v.topSeq()).to.equal(121);
      expect(v.box.scrollTop).to.equal(v.follow.heights.offset(120) + 5);
    });

    it('asks for another pass when measured rows do not cover the viewport', () => {
      const v = view();
      v.add(200);
      v.frame();
      v.follow.relayout(false);
      expect(v.frame(() => 5), 'short rows leave a gap').to.equal(true);
      let passes = 1;
      while (v.frame(() => 5)) passes++;
      expect(passes, 'the gap closes within a few passes').to.be.at.most(4);
      expect(v.box.scrollTop).to.equal(v.box.bottom);
    });

    it('starts the count over when the filter changes', () => {
      const v = view();
      v.add(60);
      v.frame();
      v.userScroll(0);
      v.add(6);
      v.frame();
      expect(v.follow.newCount).to.equal(6);
      v.follow.filter((entry) => entry.seq % 2 === 0);
      expect(v.follow.index.rows).to.equal(33);
      expect(v.follow.heights.count).to.equal(33);
      expect(v.follow.newCount).to.equal(0);
      v.add(2);
      v.frame();
      expect(v.follow.newCount, 'one of the two matches').to.equal(1);
    });
  });

  describe('time', () => {
    it('shows the streaming badge from an arrival until the timeout passes without one', () => {
      const v = view();
      v.add(10);
      v.frame();
      expect(v.follow.streaming, 'not for the rows it started with').to.equal(false);
      expect(v.clock.pending).to.equal(0);
      v.add(1);
      v.frame();
      expect(v.follow.streaming).to.equal(true);
      v.clock.advance(1500);
      v.add(1);
      v.frame();
      v.clock.advance(1999);
      expect(v.follow.streaming).to.equal(true);
      expect(v.changes()).to.equal(0);
      v.clock.advance(1);
      expect(v.follow.streaming).to.equal(false);
      expect(v.changes(), 'the view is told').to.equal(1);
      expect(v.clock.pending, 'the held-back announcement of the second arrival').to.equal(1);
      v.clock.advance(1500);
      expect(v.follow.announcements).to.equal(2);
      expect(v.clock.pending, 'no timer left').to.equal(0);
    });

    it('speaks the first arrivals at once and holds later ones back, summed, for five seconds', () => {
      const v = view();
      v.follow.streamingTimeout = 60_000;
      v.frame();
      v.add(3);
      v.frame();
      expect([v.follow.announcements, v.follow.announced]).to.deep.equal([1, 3]);
      v.clock.advance(1000);
      v.add(2);
      v.frame();
      v.clock.advance(500);
      v.add(4);
      v.frame();
      expect(v.follow.announcements, 'held back').to.equal(1);
      v.clock.advance(3499);
      expect(v.follow.announcements).to.equal(1);
      v.clock.advance(1);
      expect([v.follow.announcements, v.follow.announced]).to.deep.equal([2, 6]);
      expect(v.changes()).to.equal(1);
      expect(v.follow.streaming).to.equal(true);
      expect(v.clock.pending, 'only the badge timer').to.equal(1);
    });

    it('runs no timer while disconnected, and catches up on connecting', () => {
      const v = view();
      v.frame();
      v.add(1);
      v.frame();
      expect(v.clock.pending).to.equal(1);
      v.follow.disconnect();
      expect(v.clock.pending).to.equal(0);
      v.clock.advance(10_000);
      expect(v.follow.streaming, 'nothing ran').to.equal(true);
      v.follow.connect();
      v.clock.advance(0);
      expect(v.follow.streaming).to.equal(false);
      expect(v.clock.pending).to.equal(0);
    });

    it('fades in the rows of the last few hundred milliseconds, but not a burst', () => {
      const v = view();
      v.add(10);
      v.frame();
      expect(v.follow.freshAfter).to.equal(Infinity);
      v.add(2);
      v.frame();
      expect(v.follow.freshAfter, 'rows after seq 10').to.equal(10);
      v.clock.advance(300);
      v.add(1);
      v.frame();
      expect(v.follow.freshAfter).to.equal(10);
      v.clock.advance(101);
      v.frame();
      expect(v.follow.freshAfter, 'the first two are done').to.equal(12);
      v.clock.advance(400);
      v.frame();
      expect(v.follow.freshAfter).to.equal(Infinity);
      v.add(21);
      v.frame();
      expect(v.follow.freshAfter).to.equal(Infinity);
    });
  });
});
