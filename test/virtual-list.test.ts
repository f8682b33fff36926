import { expect } from '@open-wc/testing';
import { Ring } from '../src/core/ring.js';
import type { LogEntry } from '../src/core/store.js';
import { LogIndex } from '../src/live-logs-viewer/log-index.js';
import { RowHeights } from '../src/live-logs-viewer/virtual-list.js';
import './helpers.js';

function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

describe('RowHeights', () => {
  it('uses multiplication for fixed rows', () => {
    const h = new RowHeights(20, true);
    h.reset(100_000);
    expect(h.total).to.equal(2_000_000);
    expect(h.offset(50_000)).to.equal(1_000_000);
    expect(h.indexAt(1_000_019)).to.equal(50_000);
    expect(h.indexAt(-5)).to.equal(0);
    expect(h.indexAt(9e9)).to.equal(99_999);
    expect(h.range(1000, 200, 40)).to.deep.equal([48, 63]);
    h.dropFront(10);
    h.append(3);
    expect(h.count).to.equal(99_993);
    expect(h.set(0, 50), 'fixed rows ignore measurements').to.equal(0);
  });

  it('keeps exact sums of measured heights through drops, appends and compaction', () => {
    const random = seeded(42);
    const h = new RowHeights(20, false);
    const model: number[] = [];
    h.reset(0);
    for (let step = 0; step < 3000; step++) {
      const r = random();
      if (r < 0.4) {
        const n = Math.floor(random() * 40);
        h.append(n);
        for (let i = 0; i < n; i++) model.push(20);
      } else if (r < 0.6) {
        const n = Math.floor(random() * 30);
        h.dropFront(n);
        model.splice(0, n);
      } else if (model.length > 0) {
        const row = Math.floor(random() * model.length);
        const height = 20 + Math.round(random() * 64 * 80) / 64;
        const delta = h.set(row, height);
        expect(delta).to.equal(height - model[row]);
        model[row] = height;
      }
      if (step % 97 === 0 && model.length > 0) {
        let sum = 0;
        for (let i = 0; i < model.length; i++) {
          expect(h.offset(i)).to.equal(sum);
          expect(h.height(i)).to.equal(model[i]);
          // Any pixel inside a row maps back to that row.
          expect(h.indexAt(sum + model[i] / 2)).to.equal(i);
          expect(h.indexAt(sum)).to.equal(i);
          sum += model[i];
        }
        expect(h.total).to.equal(sum);
        expect(h.count).to.equal(model.length);
      }
    }
  });

  it('forgets measurements on reset, and can switch between fixed and measured', () => {
    const h = new RowHeights(20, false);
    h.reset(10);
    h.set(3, 100);
    expect(h.total).to.equal(280);
    h.reset(10, 24, true);
    expect(h.total).to.equal(240);
    h.reset(10, 24, false);
    expect(h.total).to.equal(240);
    expect(h.height(3)).to.equal(24);
  });
});

describe('LogIndex', () => {
  let seq = 0;
  const entry = (level: LogEntry['level'], message: string): LogEntry => ({ seq: ++seq, projectId: 'p', time: 0, level, message });
  const levels: LogEntry['level'][] = ['info', 'success', 'warning', 'error', undefined];
  const rowsOf = (index: LogIndex) => Array.from({ length: index.rows }, (_, i) => index.entry(i)!.seq);

  it('reports arrivals and evictions of a ring by seq', () => {
    const ring = new Ring<LogEntry>(5);
    const index = new LogIndex();
    expect(index.sync(ring)).to.deep.equal({ reset: true, removed: 0, added: 0, arrived: 0 });
    for (let i = 0; i < 3; i++) ring.push(entry('info', `a${i}`));
    expect(index.sync(ring)).to.deep.equal({ reset: false, removed: 0, added: 3, arrived: 3 });
    expect(index.isCurrent(ring)).to.equal(true);
    for (let i = 0; i < 4; i++) ring.push(entry('info', `b${i}`));
    expect(index.isCurrent(ring)).to.equal(false);
    expect(index.sync(ring)).to.deep.equal({ reset: false, removed: 2, added: 4, arrived: 4 });
    expect(index.rows).to.equal(5);
    ring.clear();
    // A clear is not an eviction at the front: the rows start over.
    expect(index.sync(ring)).to.deep.equal({ reset: true, removed: 0, added: 0, arrived: 0 });
    ring.push(entry('info', 'c'));
    expect(index.sync(ring)).to.deep.equal({ reset: false, removed: 0, added: 1, arrived: 1 });
    // More arrivals than the ring holds between two syncs.
    for (let i = 0; i < 12; i++) ring.push(entry('info', `d${i}`));
    expect(index.sync(ring)).to.deep.equal({ reset: false, removed: 1, added: 5, arrived: 5 });
    expect(index.entry(0)!.message).to.equal('d7');
  });

  it('resets for another source, unless it carries on an empty one', () => {
    const index = new LogIndex();
    const empty = new Ring<LogEntry>(1);
    index.sync(empty);
    const ring = new Ring<LogEntry>(10);
    ring.push(entry('info', 'first'));
    expect(index.sync(ring, true)).to.deep.equal({ reset: false, removed: 0, added: 1, arrived: 1 });
    const other = new Ring<LogEntry>(10);
    other.push(entry('info', 'other'));
    expect(index.sync(other, true).reset, 'the previous one was not empty').to.equal(true);
    expect(index.sync(ring).reset).to.equal(true);
  });

  it('keeps a filtered index in step with the ring, extending it only with new entries', () => {
    const random = seeded(9);
    const ring = new Ring<LogEntry>(300);
    const index = new LogIndex();
    const wanted = (e: LogEntry) => e.level !== 'info' && !e.message.includes('7');
    let calls = 0;
    index.setPredicate((e) => {
      calls++;
      return wanted(e);
    }, ring);
    for (let step = 0; step < 200; step++) {
      const n = Math.floor(random() * 25);
      for (let i = 0; i < n; i++) ring.push(entry(levels[Math.floor(random() * levels.length)], `m${Math.floor(random() * 100)}`));
      if (random() < 0.03) ring.clear();
      const rowsBefore = index.rows;
      calls = 0;
      const result = index.sync(ring);
      expect(calls, 'only the new entries are tested').to.equal(result.arrived);
      expect(index.rows).to.equal(rowsBefore - result.removed + result.added);
      expect(rowsOf(index)).to.deep.equal(ring.toArray().filter(wanted).map((e) => e.seq));
      expect(index.held).to.equal(ring.length);
    }
    index.setPredicate(undefined, ring);
    expect(rowsOf(index)).to.deep.equal(ring.toArray().map((e) => e.seq));
  });

  it('finds the first row at or after a seq', () => {
    const ring = new Ring<LogEntry>(100);
    const index = new LogIndex();
    const list = Array.from({ length: 20 }, (_, i) => entry(i % 2 ? 'error' : 'info', `x${i}`));
    for (const e of list) ring.push(e);
    index.setPredicate((e) => e.level === 'error', ring);
    expect(index.lowerBound(list[3].seq)).to.equal(1);
    expect(index.lowerBound(list[4].seq), 'filtered out: the next one').to.equal(2);
    expect(index.lowerBound(0)).to.equal(0);
    expect(index.lowerBound(Infinity)).to.equal(10);
  });
});
