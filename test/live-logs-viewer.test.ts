import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { nothing } from 'lit';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../src/live-logs-viewer/define.js';
import '../src/sse-provider/define.js';
import type { LiveLogsViewer, LogEntryInput } from '../src/live-logs-viewer/live-logs-viewer.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import type { LogLevel } from '../src/core/protocol.js';
import type { LiveStore } from '../src/core/store.js';
import { frames, nextFrame, until } from './helpers.js';
import { ManualClock, MockBackend } from '../src/mock/index.js';
import { registerMessages } from '../src/shared/i18n.js';

const time = (second: number) =>
  new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.UTC(2026, 0, 1, 12, 0, second));

type Viewer = LiveLogsViewer;

const part = (el: Viewer, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const parts = (el: Viewer, name: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
const rows = (el: Viewer) => parts(el, 'row');
const messageOf = (row: HTMLElement) => row.querySelector('[part~="message"]')!.textContent!;
const messages = (el: Viewer) => rows(el).map(messageOf);
const text = (el: Viewer, name: string) => part(el, name)?.textContent!.replace(/\s+/g, ' ').trim();
const log = (el: Viewer) => part(el, 'log') as HTMLDivElement;

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const LEVELS: LogLevel[] = ['info', 'success', 'warning', 'error'];

function entries(n: number, make: (i: number) => Partial<LogEntryInput> = () => ({})): LogEntryInput[] {
  const out: LogEntryInput[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { timestamp: T0 + i * 1000, level: LEVELS[i % 4], message: `line ${i}`, ...make(i) };
  return out;
}

/** Renders, lets the element settle its measurement passes, and finishes fade-ins so axe sees final colours. */
async function settle(el: Viewer): Promise<void> {
  await el.updateComplete;
  await nextFrame();
  await el.updateComplete;
  await nextFrame();
  await el.updateComplete;
  for (const animation of el.shadowRoot!.getAnimations()) {
    if ((animation as CSSAnimation).animationName === 'logs-fade-in') animation.finish();
  }
}

async function viewer(template: unknown): Promise<Viewer> {
  const root = await fixture<HTMLElement>(template as never);
  const el = (root.localName === 'live-logs-viewer' ? root : root.querySelector('live-logs-viewer')!) as Viewer;
  await settle(el);
  return el;
}

async function inProvider(viewerTemplate: unknown, logLimit = 5000): Promise<{ el: Viewer; store: LiveStore; provider: SseProvider }> {
  const provider = await fixture<SseProvider>(html`<sse-provider log-limit=${logLimit}>${viewerTemplate}</sse-provider>`);
  const el = provider.querySelector('live-logs-viewer')!;
  await settle(el);
  return { el, store: provider.store, provider };
}

let clock = T0;
function push(store: LiveStore, projectId: string, message: string, level: LogLevel = 'info'): void {
  clock += 1000;
  store.apply({ type: 'deployment_progress', data: { projectId, message, level, timestamp: new Date(clock).toISOString() } });
}

async function inBothThemes(el: Viewer): Promise<void> {
  await expect(el).to.be.accessible();
  const dark = document.createElement('div');
  dark.setAttribute('theme', 'dark');
  const parent = el.parentNode!;
  const next = el.nextSibling;
  parent.insertBefore(dark, el);
  dark.append(el);
  await settle(el);
  expect(getComputedStyle(el).colorScheme).to.equal('dark');
  await expect(el).to.be.accessible();
  parent.insertBefore(el, next);
  dark.remove();
  await settle(el);
}

const canvas = document.createElement('canvas');
canvas.width = canvas.height = 1;
const paint = canvas.getContext('2d', { willReadFrequently: true })!;

/** A computed colour (`rgb()`, `color(srgb …)`, …) as sRGB bytes, painted over `under` as the page would paint it. */
function srgb(colour: string, under = '#ffffff'): number[] {
  paint.fillStyle = under;
  paint.fillRect(0, 0, 1, 1);
  paint.fillStyle = '#010203';
  paint.fillStyle = colour;
  if (paint.fillStyle === '#010203') throw new Error(`not a colour: ${colour}`);
  paint.fillRect(0, 0, 1, 1);
  return [...paint.getImageData(0, 0, 1, 1).data.slice(0, 3)];
}

/** WCAG 2 contrast ratio of two sRGB colours. */
function contrast(a: number[], b: number[]): number {
  const channel = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const luminance = ([r, g, bl]: number[]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(bl);
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
}

function atBottom(el: Viewer): boolean {
  const region = log(el);
  return region.scrollHeight - region.clientHeight - region.scrollTop <= 1;
}

/** The first row whose bottom is below the top of the log region. */
function topVisibleRow(el: Viewer): HTMLElement {
  const top = log(el).getBoundingClientRect().top;
  return rows(el).find((row) => row.getBoundingClientRect().bottom > top + 0.5)!;
}

/**
 * Presses `key` on the focused log, then waits until `done` holds and the smooth scroll has ended: a
 * key pressed while the previous smooth scroll is finishing is dropped by Chromium, element or not.
 */
async function keyScroll(el: Viewer, key: string, done: () => boolean): Promise<void> {
  const region = log(el);
  let ended = false;
  const onScroll = () => (ended = false);
  const onEnd = () => (ended = true);
  region.addEventListener('scroll', onScroll);
  region.addEventListener('scrollend', onEnd);
  try {
    await sendKeys({ press: key });
    await until(() => ended && done(), key);
  } finally {
    region.removeEventListener('scroll', onScroll);
    region.removeEventListener('scrollend', onEnd);
  }
  await settle(el);
}

async function userScroll(el: Viewer, top: number): Promise<void> {
  const region = log(el);
  region.scrollTop = top;
  await until(() => !el.following || atBottom(el), 'the scroll event');
  await settle(el);
}

describe('<live-logs-viewer>', () => {
  describe('presentational mode', () => {
    it('shows the empty state with a zero counter', async () => {
      const el = await viewer(html`<live-logs-viewer></live-logs-viewer>`);
      expect(text(el, 'empty')).to.equal('No log entries yet');
      expect(rows(el)).to.have.length(0);
      expect(text(el, 'counter')).to.equal('0 entries');
      expect(part(el, 'streaming')).to.equal(null);
      expect(part(el, 'jump')).to.equal(null);
      await inBothThemes(el);
    });

    it('shows each entry with its time, level tag, colour and message', async () => {
      const list: LogEntryInput[] = [
        { timestamp: '2026-01-01T12:00:00.250Z', level: 'info', message: 'Cloning repository' },
        { timestamp: T0 + 2000, level: 'success', message: 'Build finished' },
        { timestamp: T0 + 3000, level: 'warning', message: 'Slow dependency' },
        { timestamp: T0 + 4000, level: 'error', message: 'Health check failed' },
      ];
      const el = await viewer(html`<live-logs-viewer .entries=${list}></live-logs-viewer>`);
      expect(messages(el)).to.deep.equal(list.map((e) => e.message));
      expect(text(el, 'counter')).to.equal('4 entries');
      const [first, , warning, error] = rows(el);
      const time = first.querySelector('[part~="timestamp"]')!;
      expect(time.getAttribute('datetime')).to.equal('2026-01-01T12:00:00.250Z');
      expect(time.textContent).to.match(/^\d\d:\d\d:\d\d\.250$/);
      expect(rows(el).map((r) => r.querySelector('[part~="level"]')!.textContent)).to.deep.equal(['INFO', 'OK', 'WARN', 'ERROR']);
      expect(error.getAttribute('part')).to.equal('row row-error');
      const colour = (row: HTMLElement) => getComputedStyle(row.querySelector('[part~="level"]')!).color;
      expect(new Set(rows(el).map(colour)).size, 'four level colours').to.equal(4);
      expect(getComputedStyle(error).borderLeftColor).to.not.equal(getComputedStyle(first).borderLeftColor);
      expect(getComputedStyle(warning).borderLeftColor).to.not.equal(getComputedStyle(error).borderLeftColor);
      await inBothThemes(el);
    });

    it('keeps entries with no known level, and reads epoch-ms and ISO timestamps', async () => {
      const list = [
        { timestamp: T0, message: 'no level' },
        { timestamp: '2026-01-01T12:00:05Z', level: 'debug', message: 'unknown level' },
        { timestamp: 'not a time', level: 'info', message: 'bad time' },
      ];
      const el = await viewer(html`<live-logs-viewer .entries=${list}></live-logs-viewer>`);
      expect(messages(el)).to.deep.equal(['no level', 'unknown level', 'bad time']);
      const [a, b, c] = rows(el);
      expect(a.querySelector('[part~="timestamp"]')!.getAttribute('datetime')).to.equal(new Date(T0).toISOString());
      expect(b.querySelector('[part~="level"]')!.textContent).to.equal('');
      expect(b.getAttribute('part')).to.equal('row');
      expect(c.querySelector('[part~="timestamp"]')!.textContent).to.equal('—');
    });

    it('renders markup in messages as text and creates no element', async () => {
      const w = window as unknown as { __logsXss?: number };
      const list = entries(3, (i) => ({
        message: ['<img src=x onerror="window.__logsXss=1">', '<script>window.__logsXss=2</script>', '<b onmouseover=alert(1)>x</b>'][i],
      }));
      const el = await viewer(html`<live-logs-viewer .entries=${list} filter="img"></live-logs-viewer>`);
      el.filter = '';
      await settle(el);
      expect(el.shadowRoot!.querySelector('img, script, b')).to.equal(null);
      expect(messages(el)[0]).to.equal('<img src=x onerror="window.__logsXss=1">');
      expect(messages(el)[1]).to.equal('<script>window.__logsXss=2</script>');
      el.filter = 'script';
      await settle(el);
      // Highlighting loads with the colours part the first time a match shows.
      await until(() => parts(el, 'match').length > 0);
      expect(el.shadowRoot!.querySelector('img, script, b')).to.equal(null);
      expect(parts(el, 'match').map((m) => m.textContent)).to.deep.equal(['script', 'script']);
      expect(w.__logsXss).to.equal(undefined);
    });

    it('shows ANSI colours as coloured spans and strips every other escape sequence', async () => {
      const list = entries(1, () => ({
        message: '\x1b[31mred\x1b[0m plain \x1b[1;32mbold green\x1b[0m \x1b]0;window title\x07\x1b[2K\x1b[38;5;196mx256\x1b[39m\x07end\r',
      }));
      const el = await viewer(html`<live-logs-viewer .entries=${list}></live-logs-viewer>`);
      const message = part(el, 'message')!;
      // Until the colours part has loaded the codes are stripped; then the colours show.
      expect(message.textContent).to.equal('red plain bold green x256end');
      await until(() => parts(el, 'ansi').length > 0);
      expect(message.textContent).to.equal('red plain bold green x256end');
      expect(message.textContent).to.not.match(/[\x00-\x08\x0b-\x1f\x7f]/);
      const spans = parts(el, 'ansi');
      expect(spans.map((s) => [s.textContent, s.className])).to.deep.equal([
        ['red', 'fg1'],
        ['bold green', 'fg2 b'],
        ['x256', 'fg9'],
      ]);
      expect(spans.every((s) => !s.hasAttribute('style'))).to.equal(true);
      const plain = getComputedStyle(message).color;
      expect(getComputedStyle(spans[0]).color).to.not.equal(plain);
      expect(getComputedStyle(spans[1]).fontWeight).to.equal('700');
      await inBothThemes(el);
    });

    it('shows a level while its toggle is pressed, and keeps entries of no known level', async () => {
      const list = [...entries(8), { timestamp: T0, message: 'levelless' }];
      const el = await viewer(html`<live-logs-viewer .entries=${list}></live-logs-viewer>`);
      const toggle = (level: LogLevel) => part(el, `level-toggle-${level}`)!;
      const pressed = () => parts(el, 'level-toggle').map((b) => b.getAttribute('aria-pressed'));
      const toggles = parts(el, 'level-toggle');
      expect(toggles.map((b) => b.textContent!.trim())).to.deep.equal(['Info', 'Success', 'Warning', 'Error']);
      expect(toggles.map((b) => b.getAttribute('aria-label')), 'the name says what pressing does').to.deep.equal(['Show Info', 'Show Success', 'Show Warning', 'Show Error']);
      expect(pressed(), 'every level is shown').to.deep.equal(['true', 'true', 'true', 'true']);
      expect(toggles.some((b) => b.hasAttribute('aria-disabled'))).to.equal(false);
      expect(messages(el)).to.have.length(9);

      toggle('error').click();
      await settle(el);
      expect(pressed()).to.deep.equal(['true', 'true', 'true', 'false']);
      expect(el.levels).to.deep.equal(['info', 'success', 'warning']);
      expect(messages(el)).to.deep.equal(['line 0', 'line 1', 'line 2', 'line 4', 'line 5', 'line 6', 'levelless']);
      expect(text(el, 'counter')).to.equal('7 of 9 entries');
      // The visual state says the same: a pressed toggle is drawn apart from one that is not.
      expect(getComputedStyle(toggle('error')).borderTopColor).to.not.equal(getComputedStyle(toggle('info')).borderTopColor);
      expect(getComputedStyle(toggle('error')).backgroundColor).to.not.equal(getComputedStyle(toggle('info')).backgroundColor);

      toggle('info').click();
      await settle(el);
      toggle('success').click();
      await settle(el);
      expect(pressed()).to.deep.equal(['false', 'false', 'true', 'false']);
      expect(el.levels).to.deep.equal(['warning']);
      expect(messages(el)).to.deep.equal(['line 2', 'line 6', 'levelless']);
      // The last level shown cannot be hidden: its toggle says so and stays pressed.
      expect(toggle('warning').getAttribute('aria-disabled')).to.equal('true');
      toggle('warning').click();
      await settle(el);
      expect(pressed()).to.deep.equal(['false', 'false', 'true', 'false']);
      expect(messages(el)).to.deep.equal(['line 2', 'line 6', 'levelless']);
      await inBothThemes(el);

      toggle('error').click();
      await settle(el);
      expect(el.levels).to.deep.equal(['warning', 'error']);
      expect(toggle('warning').hasAttribute('aria-disabled')).to.equal(false);
      toggle('info').click();
      toggle('success').click();
      await settle(el);
      expect(el.levels, 'every level shown again: none named').to.deep.equal([]);
      expect(pressed()).to.deep.equal(['true', 'true', 'true', 'true']);
      expect(messages(el)).to.have.length(9);
      expect(text(el, 'counter')).to.equal('9 entries');
    });

    it('filters by text with highlighted matches, across ANSI runs, and says when nothing matches', async () => {
      const list = [
        { timestamp: T0, level: 'info', message: 'Pulling image node:20' },
        { timestamp: T0, level: 'info', message: 'Installing packages' },
        { timestamp: T0, level: 'error', message: 'IMAGE pull \x1b[31mfai\x1b[0mled' },
      ];
      const el = await viewer(html`<live-logs-viewer .entries=${list}></live-logs-viewer>`);
      const input = part(el, 'search') as HTMLInputElement;
      expect(input.type).to.equal('search');
      expect(input.closest('label')!.textContent).to.contain('Filter messages');
      input.value = 'image';
      input.dispatchEvent(new Event('input'));
      await settle(el);
      expect(el.filter).to.equal('image');
      expect(messages(el)).to.deep.equal(['Pulling image node:20', 'IMAGE pull failed']);
      expect(parts(el, 'match').map((m) => m.textContent)).to.deep.equal(['image', 'IMAGE']);
      expect(text(el, 'counter')).to.equal('2 of 3 entries');
      await inBothThemes(el);

      el.filter = 'failed';
      await settle(el);
      expect(messages(el)).to.deep.equal(['IMAGE pull failed']);
      const marks = parts(el, 'match');
      expect(marks.map((m) => m.textContent)).to.deep.equal(['fai', 'led']);
      expect(marks[0].className).to.equal('fg1');

      el.filter = 'nothing like this';
      await settle(el);
      expect(rows(el)).to.have.length(0);
      expect(text(el, 'empty')).to.equal('No entries match the filter');
      expect(text(el, 'counter')).to.equal('0 of 3 entries');
      await inBothThemes(el);
    });

    it('takes the filters from attributes', async () => {
      const el = await viewer(html`<live-logs-viewer levels="error warning" filter="line 1" .entries=${entries(20)}></live-logs-viewer>`);
      expect(el.levels).to.deep.equal(['warning', 'error']);
      expect(parts(el, 'level-toggle').map((b) => b.getAttribute('aria-pressed'))).to.deep.equal(['false', 'false', 'true', 'true']);
      expect(messages(el)).to.deep.equal(['line 10', 'line 11', 'line 14', 'line 15', 'line 18', 'line 19']);
    });

    it('hides and shows timestamps from the toolbar and the hide-timestamps attribute', async () => {
      const el = await viewer(html`<live-logs-viewer .entries=${entries(3)}></live-logs-viewer>`);
      const toggle = part(el, 'timestamps-toggle')!;
      expect(toggle.getAttribute('aria-pressed')).to.equal('true');
      expect(parts(el, 'timestamp')).to.have.length(3);
      toggle.click();
      await settle(el);
      expect(el.hasAttribute('hide-timestamps')).to.equal(true);
      expect(toggle.getAttribute('aria-pressed')).to.equal('false');
      expect(parts(el, 'timestamp')).to.have.length(0);
      el.removeAttribute('hide-timestamps');
      await settle(el);
      expect(parts(el, 'timestamp')).to.have.length(3);
    });

    it('toggles wrap from the toolbar and reflects it', async () => {
      const el = await viewer(html`<live-logs-viewer .entries=${entries(3)}></live-logs-viewer>`);
      const toggle = part(el, 'wrap-toggle')!;
      expect(toggle.getAttribute('aria-pressed')).to.equal('false');
      toggle.click();
      await settle(el);
      expect(el.wrap).to.equal(true);
      expect(el.hasAttribute('wrap')).to.equal(true);
      expect(toggle.getAttribute('aria-pressed')).to.equal('true');
      expect(getComputedStyle(part(el, 'row')!).whiteSpace).to.equal('pre-wrap');
    });

    it('fits a height the page gives it, whatever display it is given', async () => {
      const el = await viewer(html`<live-logs-viewer style="display: block; height: 260px" .entries=${entries(100)}></live-logs-viewer>`);
      const host = el.getBoundingClientRect();
      expect(host.height).to.equal(260);
      const status = part(el, 'status')!.getBoundingClientRect();
      expect(status.bottom).to.be.at.most(host.bottom);
      expect(status.height).to.be.greaterThan(20);
      expect(log(el).clientHeight).to.be.lessThan(200).and.greaterThan(100);
      expect(atBottom(el)).to.equal(true);
      el.style.height = '500px';
      await until(() => log(el).clientHeight > 300, 'the log to grow');
      await settle(el);
      expect(atBottom(el)).to.equal(true);
      expect(messageOf(rows(el).at(-1)!)).to.equal('line 99');
    });

    it('exports what it holds as .log and .jsonl, filters notwithstanding', async () => {
      const list: LogEntryInput[] = [
        { timestamp: T0, level: 'info', message: 'Cloning', projectId: 'web' },
        { timestamp: T0 + 1500, level: 'error', message: '\x1b[31mBoom\x1b[0m' },
        { timestamp: T0 + 2000, message: 'no level', projectId: 'api' },
      ];
      const el = await viewer(html`<live-logs-viewer filter="boom" .entries=${list}></live-logs-viewer>`);
      expect(await el.exportText('log')).to.equal(
        [
          '2026-01-01T12:00:00.000Z INFO [web] Cloning',
          '2026-01-01T12:00:01.500Z ERROR Boom',
          '2026-01-01T12:00:02.000Z - [api] no level',
          '',
        ].join('\n'),
      );
      const lines = (await el.exportText('jsonl')).trim().split('\n').map((line) => JSON.parse(line));
      expect(lines).to.deep.equal([
        { timestamp: '2026-01-01T12:00:00.000Z', level: 'info', projectId: 'web', message: 'Cloning' },
        { timestamp: '2026-01-01T12:00:01.500Z', level: 'error', message: '\x1b[31mBoom\x1b[0m' },
        { timestamp: '2026-01-01T12:00:02.000Z', level: null, projectId: 'api', message: 'no level' },
      ]);
    });

    it('downloads an export through a Blob, unless a listener cancels it', async () => {
      const el = await viewer(html`<live-logs-viewer project-id="web" .entries=${entries(2)}></live-logs-viewer>`);
      const original = URL.createObjectURL;
      const blobs: Blob[] = [];
      const clicks: string[] = [];
      const originalClick = HTMLAnchorElement.prototype.click;
      URL.createObjectURL = (blob: Blob) => {
        blobs.push(blob);
        return 'blob:test';
      };
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        clicks.push(this.download);
      };
      try {
        const seen: CustomEvent[] = [];
        el.addEventListener('logs-export', (e) => seen.push(e));
        part(el, 'export-jsonl')!.click();
        // The export code loads on first use: the event and the download follow the click shortly.
        await until(() => clicks.length === 1, 'the download');
        expect(seen).to.have.length(1);
        expect(seen[0].detail.format).to.equal('jsonl');
        expect(seen[0].detail.filename).to.match(/^web-logs-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.jsonl$/);
        expect(seen[0].detail.text.trim().split('\n')).to.have.length(2);
        expect(blobs).to.have.length(1);
        expect(await blobs[0].text()).to.equal(await el.exportText('jsonl'));
        expect(clicks).to.deep.equal([seen[0].detail.filename]);
        expect(part(el, 'export-error')).to.equal(null);

        el.addEventListener('logs-export', (e) => e.preventDefault());
        part(el, 'export-log')!.click();
        await until(() => seen.length === 2, 'the second logs-export');
        expect(seen[1].detail.text).to.equal(await el.exportText('log'));
        expect(blobs, 'cancelled: no download').to.have.length(1);

        await el.download('log');
        expect(seen, 'download() resolves once the event is out').to.have.length(3);
      } finally {
        URL.createObjectURL = original;
        HTMLAnchorElement.prototype.click = originalClick;
      }
    });

    it('clears its entries from the toolbar, unless a listener cancels it', async () => {
      const el = await viewer(html`<live-logs-viewer .entries=${entries(5)}></live-logs-viewer>`);
      const stop = (e: Event) => e.preventDefault();
      el.addEventListener('logs-clear', stop);
      part(el, 'clear')!.click();
      await settle(el);
      expect(rows(el)).to.have.length(5);
      el.removeEventListener('logs-clear', stop);
      part(el, 'clear')!.click();
      await settle(el);
      expect(rows(el)).to.have.length(0);
      expect(el.entries).to.deep.equal([]);
      expect(text(el, 'empty')).to.equal('No log entries yet');
    });

    it('shows the streaming badge while appended entries arrive, then hides it', async () => {
      const el = await viewer(html`<live-logs-viewer streaming-timeout="150" .entries=${entries(3)}></live-logs-viewer>`);
      expect(part(el, 'streaming'), 'not for the entries it started with').to.equal(null);
      el.entries = [...el.entries, ...entries(2, (i) => ({ message: `new ${i}` }))];
      await settle(el);
      expect(text(el, 'streaming')).to.equal('Streaming');
      expect(el.streaming).to.equal(true);
      expect(messages(el).slice(-2)).to.deep.equal(['new 0', 'new 1']);
      await expect(el).to.be.accessible();
      await until(() => part(el, 'streaming') === null, 'the badge to go', 3000);
      expect(el.streaming).to.equal(false);
    });

    it('fades new rows in and pulses the streaming dot, and neither under reduced motion', async () => {
      const el = await viewer(html`<live-logs-viewer .entries=${entries(3)}></live-logs-viewer>`);
      expect(rows(el).some((r) => r.classList.contains('fresh')), 'not the first entries').to.equal(false);
      el.entries = [...el.entries, ...entries(1, () => ({ message: 'fresh one' }))];
      await el.updateComplete;
      const row = rows(el).at(-1)!;
      expect(messageOf(row)).to.equal('fresh one');
      expect(getComputedStyle(row).animationName).to.equal('logs-fade-in');
      expect(getComputedStyle(part(el, 'streaming-dot')!).animationName).to.equal('logs-pulse');
      await emulateMedia({ reducedMotion: 'reduce' });
      try {
        expect(getComputedStyle(row).animationName).to.equal('none');
        expect(getComputedStyle(part(el, 'streaming-dot')!).animationName).to.equal('none');
        expect(getComputedStyle(part(el, 'row')!).animationName).to.equal('none');
      } finally {
        await emulateMedia({ reducedMotion: 'no-preference' });
      }
    });

    it('speaks Spanish under lang="es"', async () => {
      const el = await viewer(html`<div lang="es"><live-logs-viewer style="--logs-height: 120px" .entries=${entries(40)}></live-logs-viewer></div>`);
      expect(text(el, 'counter')).to.equal('40 entradas');
      expect(parts(el, 'level-toggle').map((b) => b.textContent!.trim())).to.deep.equal(['Información', 'Éxito', 'Advertencia', 'Error']);
      expect(part(el, 'level-toggle-info')!.getAttribute('aria-label')).to.equal('Mostrar Información');
      expect(log(el).getAttribute('aria-label')).to.equal('Logs de despliegue');
      await userScroll(el, 0);
      expect(text(el, 'jump')).to.equal('Ir al final');
      el.filter = 'zzz';
      await settle(el);
      expect(text(el, 'empty')).to.equal('Ninguna entrada coincide con el filtro');
      expect(text(el, 'counter')).to.equal('0 de 40 entradas');
      el.filter = '';
      el.entries = [];
      await settle(el);
      expect(text(el, 'empty')).to.equal('Aún no hay entradas de log');
    });

    it('marks the word "Streaming" as English where the language keeps it, for screen readers', async () => {
      registerMessages('fr', { 'logs.streaming': 'En direct' });
      const root = await fixture<HTMLElement>(html`<div>
        <div lang="es"><live-logs-viewer streaming-timeout="60000"></live-logs-viewer></div>
        <div lang="es-MX"><live-logs-viewer streaming-timeout="60000"></live-logs-viewer></div>
        <div lang="en-GB"><live-logs-viewer streaming-timeout="60000"></live-logs-viewer></div>
        <div lang="fr"><live-logs-viewer streaming-timeout="60000"></live-logs-viewer></div>
        <div lang="de"><live-logs-viewer streaming-timeout="60000"></live-logs-viewer></div>
      </div>`);
      const viewers = [...root.querySelectorAll('live-logs-viewer')];
      for (const el of viewers) {
        await settle(el);
        el.entries = entries(2);
        await settle(el);
      }
      const badges = viewers.map((el) => [text(el, 'streaming'), part(el, 'streaming')!.getAttribute('lang')]);
      expect(badges).to.deep.equal([
        ['Streaming', 'en'],
        ['Streaming', 'en'],
        ['Streaming', null],
        ['En direct', null],
        // A language with no table of its own shows the English word.
        ['Streaming', 'en'],
      ]);
      await expect(viewers[0]).to.be.accessible();
    });
  });

  describe('accessibility', () => {
    const schemes = [
      { name: 'light', theme: 'light', style: undefined },
      { name: 'dark (theme="dark")', theme: 'dark', style: undefined },
      { name: 'dark (--le-color-scheme)', theme: undefined, style: '--le-color-scheme: dark' },
    ];

    for (const { name, theme, style } of schemes) {
      it(`draws every toolbar control with a border of at least 3:1 against its surfaces, ${name}`, async () => {
        const el = await viewer(html`<div theme=${theme ?? nothing} style=${style ?? nothing}><live-logs-viewer .entries=${entries(4)}></live-logs-viewer></div>`);
        expect(getComputedStyle(el).colorScheme).to.equal(name === 'light' ? 'light' : 'dark');
        // One level hidden, so pressed and unpressed toggles are both measured.
        part(el, 'level-toggle-error')!.click();
        await settle(el);
        const toolbar = getComputedStyle(part(el, 'toolbar')!).backgroundColor;
        const controls = [part(el, 'search-field')!, ...part(el, 'toolbar')!.querySelectorAll<HTMLElement>('button')];
        expect(controls).to.have.length(10);
        for (const control of controls) {
          const style = getComputedStyle(control);
          const fill = srgb(style.backgroundColor, toolbar);
          const edge = srgb(style.borderTopColor, toolbar);
          const what = control.getAttribute('part')!;
          expect(style.borderTopWidth, what).to.equal('1px');
          expect(contrast(edge, srgb(toolbar)), `${what}: border against the toolbar`).to.be.at.least(3);
          expect(contrast(edge, fill), `${what}: border against its own fill`).to.be.at.least(3);
        }
      });
    }

    for (const lang of ['en', 'es']) {
      it(`passes axe in each state, in both themes, lang="${lang}"`, async () => {
        const el = await viewer(html`<div lang=${lang}><live-logs-viewer streaming-timeout="60000" style="--logs-height: 160px"></live-logs-viewer></div>`);
        await inBothThemes(el);

        // Entries arriving (the badge shows), some with colours.
        el.entries = entries(40, (i) => (i % 4 === 1 ? { message: `\x1b[31mred\x1b[0m and \x1b[1;32mgreen\x1b[0m ${i}` } : {}));
        await settle(el);
        await until(() => parts(el, 'ansi').length > 0, 'the colours');
        await settle(el);
        expect(part(el, 'streaming')).to.exist;
        await inBothThemes(el);

        // A level hidden, matches highlighted, scrolled away from the newest entry.
        part(el, 'level-toggle-info')!.click();
        el.filter = 'red';
        await settle(el);
        await userScroll(el, 0);
        expect(parts(el, 'match').length).to.be.greaterThan(0);
        expect(part(el, 'jump')).to.exist;
        await inBothThemes(el);

        // Nothing matches.
        el.filter = 'nothing like this';
        await settle(el);
        expect(part(el, 'empty')).to.exist;
        await inBothThemes(el);
      });
    }

    it('says in the status bar when an export from the toolbar fails, and clears it on the next', async () => {
      const el = await viewer(html`<div lang="es"><live-logs-viewer .entries=${entries(3)}></live-logs-viewer></div>`);
      const original = URL.createObjectURL;
      const originalClick = HTMLAnchorElement.prototype.click;
      const saved: string[] = [];
      URL.createObjectURL = () => {
        throw new Error('no room for the file');
      };
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        saved.push(this.download);
      };
      try {
        part(el, 'export-log')!.click();
        await until(() => part(el, 'export-error') !== null, 'the error');
        const error = part(el, 'export-error')!;
        expect(error.getAttribute('role')).to.equal('alert');
        expect(text(el, 'export-error')).to.equal('No se pudo exportar. Inténtalo de nuevo.');
        expect(saved).to.deep.equal([]);
        await inBothThemes(el);
        el.parentElement!.removeAttribute('lang');
        await settle(el);
        expect(text(el, 'export-error')).to.equal('The export failed. Try again.');
        await inBothThemes(el);

        URL.createObjectURL = () => 'blob:test';
        part(el, 'export-log')!.click();
        await until(() => saved.length === 1, 'the download');
        await settle(el);
        expect(part(el, 'export-error')).to.equal(null);
      } finally {
        URL.createObjectURL = original;
        HTMLAnchorElement.prototype.click = originalClick;
      }
    });
  });

  describe('export code, loaded on first use', () => {
    type FrameWindow = Window & typeof globalThis & { ready?: boolean };
    let frame: HTMLIFrameElement | undefined;
    afterEach(() => {
      frame?.remove();
      frame = undefined;
    });

    /** A page of its own (its own module map) that loads the viewer; `imports` is its import map. */
    async function page(imports: Record<string, string> = {}): Promise<{ win: FrameWindow; doc: Document }> {
      frame = document.createElement('iframe');
      frame.srcdoc = `<!doctype html><html lang="en"><head><script type="importmap">${JSON.stringify({ imports })}</script></head><body>
        <script type="module">await import('/src/live-logs-viewer/define.ts'); window.ready = true;</script></body></html>`;
      document.body.append(frame);
      await until(() => Boolean((frame!.contentWindow as FrameWindow | null)?.ready), 'the viewer to load in the frame', 10000);
      return { win: frame.contentWindow as FrameWindow, doc: frame.contentDocument! };
    }

    async function viewerIn(doc: Document): Promise<Viewer> {
      const el = doc.createElement('live-logs-viewer') as Viewer;
      el.projectId = 'web';
      el.entries = [
        { timestamp: T0, level: 'info', message: 'Cloning' },
        { timestamp: T0 + 1500, level: 'error', message: '\x1b[31mBoom\x1b[0m' },
      ];
      doc.body.append(el);
      await settle(el);
      return el;
    }

    it('downloads the same file from a click in a page that has not loaded it before', async () => {
      const { win, doc } = await page();
      const el = await viewerIn(doc);
      const blobs: Blob[] = [];
      const saved: string[] = [];
      win.URL.createObjectURL = (blob: Blob) => {
        blobs.push(blob);
        return 'blob:test';
      };
      win.HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        saved.push(this.download);
      };
      const seen: CustomEvent[] = [];
      el.addEventListener('logs-export', (e) => seen.push(e));
      part(el, 'export-log')!.click();
      await until(() => saved.length === 1, 'the download');
      expect(saved[0]).to.match(/^web-logs-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.log$/);
      expect(seen.map((e) => e.detail.filename)).to.deep.equal(saved);
      expect(await blobs[0].text()).to.equal('2026-01-01T12:00:00.000Z INFO Cloning\n2026-01-01T12:00:01.500Z ERROR Boom\n');
      expect(blobs[0].type).to.equal('text/plain;charset=utf-8');
      expect(part(el, 'export-error')).to.equal(null);
    });

    it('shows an error, and no download, when the export code cannot be loaded', async () => {
      // The export file missing (an old chunk gone after a redeploy): the viewer itself still loads.
      const { win, doc } = await page({ '/src/live-logs-viewer/export.ts': '/src/live-logs-viewer/export-missing.ts' });
      const el = await viewerIn(doc);
      expect(messages(el)).to.deep.equal(['Cloning', 'Boom']);
      const saved: string[] = [];
      win.HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        saved.push(this.download);
      };
      const seen: Event[] = [];
      el.addEventListener('logs-export', (e) => seen.push(e));
      part(el, 'export-jsonl')!.click();
      await until(() => part(el, 'export-error') !== null, 'the error');
      expect(part(el, 'export-error')!.getAttribute('role')).to.equal('alert');
      expect(text(el, 'export-error')).to.equal('The export failed. Try again.');
      expect(seen).to.have.length(0);
      expect(saved).to.have.length(0);
      let rejected: unknown;
      await el.download('log').catch((error: unknown) => (rejected = error));
      expect(rejected).to.be.an('error');
      let rejectedText: unknown;
      await el.exportText('log').catch((error: unknown) => (rejectedText = error));
      expect(rejectedText).to.be.an('error');
      expect(messages(el), 'the log carries on').to.deep.equal(['Cloning', 'Boom']);
    });
  });

  describe('inside a provider', () => {
    it('shows the project log from the store, updating once a frame', async () => {
      const { el, store } = await inProvider(html`<live-logs-viewer project-id="web"></live-logs-viewer>`);
      expect(text(el, 'empty')).to.equal('No log entries yet');
      push(store, 'web', 'Cloning repository');
      push(store, 'api', 'other project');
      push(store, 'web', 'Build done', 'success');
      expect(rows(el), 'not before the frame').to.have.length(0);
      await settle(el);
      expect(messages(el)).to.deep.equal(['Cloning repository', 'Build done']);
      expect(text(el, 'counter')).to.equal('2 entries');
      expect(log(el).getAttribute('aria-label')).to.equal('Deployment logs: web');
      expect(parts(el, 'project'), 'no project tags for one project').to.have.length(0);
      await inBothThemes(el);
    });

    it('lets the store win over presentational entries and shows an unknown project as empty', async () => {
      const { el } = await inProvider(html`<live-logs-viewer project-id="ghost" .entries=${entries(3)}></live-logs-viewer>`);
      expect(rows(el)).to.have.length(0);
      expect(text(el, 'empty')).to.equal('No log entries yet');
    });

    it('shows every project, each row tagged with its project, without project-id', async () => {
      const { el, store } = await inProvider(html`<live-logs-viewer></live-logs-viewer>`);
      store.apply({ type: 'snapshot', data: { projects: [{ projectId: 'web', name: 'Web shop', status: 'running' }, { projectId: 'api', status: 'deploying' }] } });
      push(store, 'web', 'from web');
      push(store, 'api', 'from api', 'warning');
      await settle(el);
      expect(messages(el)).to.deep.equal(['from web', 'from api']);
      expect(parts(el, 'project').map((p) => p.textContent)).to.deep.equal(['Web shop', 'api']);
      expect(part(el, 'project')!.title).to.equal('web');
      expect(log(el).getAttribute('aria-label')).to.equal('Deployment logs: all projects');
      expect(await el.exportText('log')).to.match(/ INFO \[web\] from web\n.* WARNING \[api\] from api\n$/);
      await inBothThemes(el);
    });

    it('keeps a filtered all-projects view right when one project’s lines are cleared', async () => {
      const { el, store } = await inProvider(html`<live-logs-viewer filter="match"></live-logs-viewer>`);
      for (let i = 0; i < 4; i++) {
        push(store, 'web', `web match ${i}`);
        push(store, 'api', `api match ${i}`);
        push(store, 'api', `api other ${i}`);
      }
      await settle(el);
      expect(messages(el)).to.have.length(8);
      store.clearLogs('web');
      push(store, 'api', 'api match late');
      await settle(el);
      expect(messages(el)).to.deep.equal(['api match 0', 'api match 1', 'api match 2', 'api match 3', 'api match late']);
    });

    it('follows a change of project-id', async () => {
      const { el, store } = await inProvider(html`<live-logs-viewer project-id="web"></live-logs-viewer>`);
      push(store, 'web', 'web line');
      push(store, 'api', 'api line');
      await settle(el);
      expect(messages(el)).to.deep.equal(['web line']);
      el.projectId = 'api';
      await settle(el);
      expect(messages(el)).to.deep.equal(['api line']);
    });

    it('shows the streaming badge while entries arrive and drops it after the timeout', async () => {
      const { el, store } = await inProvider(html`<live-logs-viewer project-id="web" streaming-timeout="200" announce></live-logs-viewer>`);
      push(store, 'web', 'one');
      await settle(el);
      expect(text(el, 'streaming')).to.equal('Streaming');
      expect(text(el, 'announcer')).to.equal('1 new log entry');
      await until(() => part(el, 'streaming') === null, 'the badge to go', 3000);
      push(store, 'web', 'two');
      await settle(el);
      expect(part(el, 'streaming')).to.exist;
    });

    it('clears the project log in the store', async () => {
      const { el, store } = await inProvider(html`<live-logs-viewer project-id="web"></live-logs-viewer>`);
      push(store, 'web', 'one');
      push(store, 'api', 'kept');
      await settle(el);
      const seen: CustomEvent[] = [];
      el.addEventListener('logs-clear', (e) => seen.push(e));
      part(el, 'clear')!.click();
      await settle(el);
      expect(seen[0].detail).to.deep.equal({ projectId: 'web' });
      expect(store.logs('web').length).to.equal(0);
      expect(store.logs('api').length).to.equal(1);
      expect(text(el, 'empty')).to.equal('No log entries yet');
    });

    it('is a focusable, named log region that does not flood screen readers; no live region of its own unless `announce`', async () => {
      const { el, store } = await inProvider(html`<live-logs-viewer project-id="api"></live-logs-viewer>`);
      const region = log(el);
      expect(region.getAttribute('role')).to.equal('log');
      expect(region.getAttribute('aria-live')).to.equal('off');
      expect(region.tabIndex).to.equal(0);
      push(store, 'api', 'quiet');
      await settle(el);
      expect(messages(el)).to.deep.equal(['quiet']);
      expect(el.shadowRoot!.querySelectorAll('[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"]')).to.have.length(0);

      const announcing = await inProvider(html`<live-logs-viewer project-id="web" announce></live-logs-viewer>`);
      expect(part(announcing.el, 'announcer')!.getAttribute('role')).to.equal('status');
      for (let i = 0; i < 30; i++) push(announcing.store, 'web', `burst ${i}`);
      await settle(announcing.el);
      expect(text(announcing.el, 'announcer')).to.equal('30 new log entries');
      for (let i = 0; i < 10; i++) push(announcing.store, 'web', `more ${i}`);
      await settle(announcing.el);
      expect(text(announcing.el, 'announcer'), 'held back for a few seconds').to.equal('30 new log entries');
    });
  });

  describe('history and deployments', () => {
    const at = (second: number) => new Date(T0 + second * 1000).toISOString();
    const backfill = {
      projectId: 'web',
      metrics: [],
      deployments: [
        { id: '1', startedAt: at(-600), endedAt: at(-540), outcome: 'succeeded', dropped: 0, lines: [{ id: '2', message: 'older deploy ok', level: 'success', timestamp: at(-550) }] },
        {
          id: '3',
          startedAt: at(-60),
          endedAt: at(-30),
          outcome: 'failed',
          dropped: 0,
          lines: [
            { id: '4', message: 'Building image', level: 'info', timestamp: at(-59) },
            { id: '5', message: 'npm ERR! missing script: build', level: 'error', timestamp: at(-31) },
          ],
        },
      ],
    };

    async function onMock(): Promise<{ el: Viewer; backend: MockBackend; provider: SseProvider }> {
      const clock = new ManualClock(T0);
      const backend = new MockBackend({ clock, autoplay: false, projects: [{ projectId: 'web', status: 'error' }] });
      const provider = await fixture<SseProvider>(html`<sse-provider .mockBackend=${backend}><live-logs-viewer project-id="web"></live-logs-viewer></sse-provider>`);
      await until(() => {
        clock.advance(1);
        return provider.state === 'open';
      });
      const el = provider.querySelector('live-logs-viewer')!;
      await settle(el);
      return { el, backend, provider };
    }

    it('shows the lines a backfill carries as history, then live ones after them, once each', async () => {
      const { el, backend, provider } = await onMock();
      const applied = oneEvent(provider, 'backfill');
      backend.emitRaw({ event: 'backfill', data: JSON.stringify(backfill), id: null });
      expect((await applied).detail.deployments).to.have.length(2);
      await settle(el);
      expect(messages(el)).to.deep.equal(['Building image', 'npm ERR! missing script: build']);
      expect(rows(el).every((row) => row.part.contains('row-history'))).to.equal(true);
      // The words for history and earlier deployments load the first time a log has either.
      await until(() => rows(el)[0].textContent!.includes('Earlier:'), 'the history texts');
      expect(text(el, 'history-note')).to.equal('Lines with a dotted edge are from before this page opened');
      backend.emit('container_status_changed', { projectId: 'web', newStatus: 'deploying', timestamp: at(1) });
      backend.emit('deployment_progress', { projectId: 'web', message: 'Retrying', level: 'info', timestamp: at(2) });
      await settle(el);
      // A new deployment: the failed one moves to the picker, the log starts afresh.
      expect(messages(el)).to.deep.equal(['Retrying']);
      expect(rows(el)[0].part.contains('row-history')).to.equal(false);
      expect(part(el, 'history-note')).to.equal(null);
      const picker = part(el, 'deployment') as HTMLSelectElement;
      expect([...picker.options].map((option) => option.textContent!.trim())).to.deep.equal([
        `Current deployment (${time(1)})`,
        `Deployment of ${time(-60)} · failed`,
        `Deployment of ${time(-600)} · succeeded`,
      ]);
      const bar = srgb(getComputedStyle(part(el, 'toolbar')!).backgroundColor);
      expect(contrast(srgb(getComputedStyle(picker).borderTopColor), bar), 'the picker border against the toolbar').to.be.at.least(3);
      await inBothThemes(el);
      provider.setAttribute('lang', 'es');
      await settle(el);
      expect(picker.getAttribute('aria-label')).to.equal('Despliegue');
      await inBothThemes(el);
      provider.removeAttribute('lang');
      await settle(el);
      picker.value = picker.options[1].value;
      picker.dispatchEvent(new Event('change'));
      await settle(el);
      expect(messages(el)).to.deep.equal(['Building image', 'npm ERR! missing script: build']);
      expect(part(el, 'streaming')).to.equal(null);
      // Live lines of the current deployment do not leak into the one being read.
      backend.emit('deployment_progress', { projectId: 'web', message: 'Still retrying', level: 'info', timestamp: at(3) });
      await settle(el);
      expect(messages(el)).to.deep.equal(['Building image', 'npm ERR! missing script: build']);
      picker.value = picker.options[0].value;
      picker.dispatchEvent(new Event('change'));
      await settle(el);
      expect(messages(el)).to.deep.equal(['Retrying', 'Still retrying']);
    });

    it('drops a malformed backfill with a reason and keeps the log it had', async () => {
      const { el, backend, provider } = await onMock();
      backend.emit('deployment_progress', { projectId: 'web', message: 'kept', level: 'info', timestamp: at(1) });
      const invalid = oneEvent(provider, 'sse-invalid-event');
      backend.emitRaw({ event: 'backfill', data: JSON.stringify({ ...backfill, deployments: [{ startedAt: at(0), lines: [{ message: 1, level: 'info' }] }] }) });
      expect((await invalid).detail).to.deep.equal({ type: 'backfill', reason: 'deployments[0]: lines[0]: field "message" must be a string' });
      await settle(el);
      expect(messages(el)).to.deep.equal(['kept']);
      expect(provider.stats.rejected).to.equal(1);
    });
  });

  describe('following the tail', () => {
    async function streaming() {
      const ctx = await inProvider(html`<live-logs-viewer project-id="web" style="--logs-height: 200px"></live-logs-viewer>`);
      for (let i = 0; i < 60; i++) push(ctx.store, 'web', `line ${i}`);
      await settle(ctx.el);
      return ctx;
    }

    it('stays at the newest entry as entries arrive', async () => {
      const { el, store } = await streaming();
      expect(el.following).to.equal(true);
      expect(atBottom(el)).to.equal(true);
      expect(messageOf(rows(el).at(-1)!)).to.equal('line 59');
      for (let i = 60; i < 70; i++) push(store, 'web', `line ${i}`);
      await settle(el);
      expect(atBottom(el)).to.equal(true);
      expect(messageOf(rows(el).at(-1)!)).to.equal('line 69');
      expect(part(el, 'jump')).to.equal(null);
    });

    it('stops when the user scrolls up, counts what arrives, and jumps back', async () => {
      const { el, store } = await streaming();
      await userScroll(el, 100);
      expect(el.following).to.equal(false);
      expect(text(el, 'jump')).to.equal('Jump to latest');
      const top = topVisibleRow(el);
      const topMessage = messageOf(top);
      for (let i = 0; i < 3; i++) push(store, 'web', `new ${i}`);
      await settle(el);
      expect(text(el, 'jump')).to.equal('Jump to latest (3 new)');
      expect(messageOf(topVisibleRow(el)), 'the view stays put').to.equal(topMessage);
      for (let i = 3; i < 5; i++) push(store, 'web', `new ${i}`);
      await settle(el);
      expect(text(el, 'jump')).to.equal('Jump to latest (5 new)');
      await inBothThemes(el);

      part(el, 'jump')!.click();
      await settle(el);
      expect(el.following).to.equal(true);
      expect(part(el, 'jump')).to.equal(null);
      expect(atBottom(el)).to.equal(true);
      expect(messageOf(rows(el).at(-1)!)).to.equal('new 4');
      expect(el.shadowRoot!.activeElement).to.equal(log(el));
    });

    it('follows again when the user scrolls back to the bottom', async () => {
      const { el, store } = await streaming();
      await userScroll(el, 0);
      expect(el.following).to.equal(false);
      push(store, 'web', 'while away');
      await settle(el);
      const region = log(el);
      await userScroll(el, region.scrollHeight);
      expect(el.following).to.equal(true);
      expect(part(el, 'jump')).to.equal(null);
      push(store, 'web', 'after return');
      await settle(el);
      expect(atBottom(el)).to.equal(true);
      expect(messageOf(rows(el).at(-1)!)).to.equal('after return');
    });

    it('follows again once everything fits, after a clear', async () => {
      const { el, store } = await streaming();
      await userScroll(el, 0);
      expect(el.following).to.equal(false);
      part(el, 'clear')!.click();
      await settle(el);
      push(store, 'web', 'fresh start');
      await settle(el);
      expect(el.following).to.equal(true);
      expect(part(el, 'jump')).to.equal(null);
    });

    it('stops following on a wheel up before any scroll happens', async () => {
      const { el, store } = await streaming();
      log(el).dispatchEvent(new WheelEvent('wheel', { deltaY: -100 }));
      push(store, 'web', 'arrives meanwhile');
      await settle(el);
      expect(el.following).to.equal(false);
      expect(atBottom(el), 'the new entry did not pull the view down').to.equal(false);
    });

    it('keeps the entry in view when the ring evicts older entries under it', async () => {
      const { el, store } = await inProvider(html`<live-logs-viewer project-id="web" style="--logs-height: 200px"></live-logs-viewer>`, 100);
      for (let i = 0; i < 100; i++) push(store, 'web', `line ${i}`);
      await settle(el);
      await userScroll(el, 1000);
      const before = messageOf(topVisibleRow(el));
      for (let i = 0; i < 20; i++) push(store, 'web', `evicting ${i}`);
      await settle(el);
      expect(store.logs('web').at(0)!.message).to.equal('line 20');
      expect(messageOf(topVisibleRow(el))).to.equal(before);
      expect(text(el, 'jump')).to.equal('Jump to latest (20 new)');
    });

    it('scrolls with the keyboard when the log has focus', async () => {
      const { el } = await streaming();
      const region = log(el);
      region.focus();
      await keyScroll(el, 'Home', () => region.scrollTop === 0);
      expect(el.following).to.equal(false);
      expect(messageOf(topVisibleRow(el))).to.equal('line 0');
      await keyScroll(el, 'PageDown', () => region.scrollTop > region.clientHeight / 2);
      const afterPageDown = region.scrollTop;
      await keyScroll(el, 'End', () => atBottom(el) && el.following);
      expect(region.scrollTop).to.be.greaterThan(afterPageDown);
      const bottom = region.scrollTop;
      await keyScroll(el, 'PageUp', () => region.scrollTop < bottom - region.clientHeight / 2);
      expect(el.following).to.equal(false);
      expect(atBottom(el)).to.equal(false);
      expect(text(el, 'jump')).to.equal('Jump to latest');
    });

    it('keeps the view where PageUp took it while lines stream in', async () => {
      const { el, store } = await streaming();
      const region = log(el);
      region.focus();
      let n = 0;
      let streamingOn = true;
      const stream = () => {
        if (!streamingOn) return;
        push(store, 'web', `streamed ${n++}`);
        requestAnimationFrame(stream);
      };
      requestAnimationFrame(stream);
      try {
        await frames(3);
        const start = region.scrollTop;
        await keyScroll(el, 'PageUp', () => region.scrollTop < start - region.clientHeight / 2);
      } finally {
        streamingOn = false;
      }
      await settle(el);
      expect(el.following).to.equal(false);
      expect(atBottom(el), 'not pulled back to the bottom').to.equal(false);
      const top = messageOf(topVisibleRow(el));
      for (let i = 0; i < 5; i++) push(store, 'web', `after ${i}`);
      await settle(el);
      expect(messageOf(topVisibleRow(el))).to.equal(top);
      expect(text(el, 'jump')).to.match(/^Jump to latest \(\d+ new\)$/);
    });

    it('keeps a scroll up that the browser reports together with its own scroll to the new bottom', async () => {
      const { el, store } = await streaming();
      const region = log(el);
      for (let i = 0; i < 3; i++) push(store, 'web', `more ${i}`);
      // The frame's notification, now: the element scrolls to the new bottom, and the browser will
      // report that scroll with the next frame.
      store.flush();
      await el.updateComplete;
      const bottom = region.scrollHeight - region.clientHeight;
      expect(region.scrollTop).to.equal(bottom);
      region.dispatchEvent(new KeyboardEvent('keydown', { key: 'PageUp', bubbles: true, composed: true }));
      await el.updateComplete;
      // The first step of the smooth PageUp lands before that report: one scroll event for both.
      region.scrollTop = bottom - 3;
      await oneEvent(region, 'scroll');
      await settle(el);
      expect(el.following).to.equal(false);
      expect(region.scrollTop, 'not pulled back to the bottom').to.equal(bottom - 3);
      push(store, 'web', 'later');
      await settle(el);
      expect(region.scrollTop).to.equal(bottom - 3);
      expect(text(el, 'jump')).to.equal('Jump to latest (1 new)');
    });

    it('stops following on a small scroll up that no key or wheel announced', async () => {
      const { el, store } = await streaming();
      const region = log(el);
      const bottom = region.scrollTop;
      // Shift+Space, a selection dragged upwards, assistive technology: the first step is within a few pixels.
      region.scrollTop = bottom - 2;
      await oneEvent(region, 'scroll');
      push(store, 'web', 'arrives meanwhile');
      await settle(el);
      expect(el.following).to.equal(false);
      expect(region.scrollTop, 'not pulled back to the bottom').to.equal(bottom - 2);
    });
  });

  describe('large logs', () => {
    it('renders a small window of 100,000 entries and the right rows in the middle', async () => {
      const list = entries(100_000, (i) => ({ message: `entry ${i} ${'x'.repeat(60)}` }));
      const el = await viewer(html`<live-logs-viewer style="--logs-height: 400px" .entries=${list}></live-logs-viewer>`);
      expect(text(el, 'counter')).to.equal('100,000 entries');
      expect(rows(el).length).to.be.greaterThan(10).and.lessThan(200);
      expect(messageOf(rows(el).at(-1)!)).to.match(/^entry 99999 /);
      const region = log(el);
      const rowHeight = rows(el)[0].getBoundingClientRect().height;
      expect(region.scrollHeight).to.be.closeTo(100_000 * rowHeight, rowHeight * 2);
      await userScroll(el, 50_000 * rowHeight);
      expect(rows(el).length).to.be.lessThan(200);
      expect(messageOf(topVisibleRow(el))).to.match(/^entry 50000 /);
      await userScroll(el, 0);
      expect(messageOf(topVisibleRow(el))).to.match(/^entry 0 /);
      el.filter = 'entry 7777';
      await settle(el);
      expect(text(el, 'counter')).to.equal('11 of 100,000 entries');
      expect(messages(el).map((m) => m.split(' ')[1])).to.deep.equal(['7777', ...Array.from({ length: 10 }, (_, i) => `${77770 + i}`)]);
    });

    it('holds 100,000 store entries and keeps the rendered rows bounded while they stream', async () => {
      const { el, store } = await inProvider(html`<live-logs-viewer project-id="web"></live-logs-viewer>`, 100_000);
      for (let i = 0; i < 100_000; i++) push(store, 'web', `stored ${i}`);
      await settle(el);
      expect(text(el, 'counter')).to.equal('100,000 entries');
      for (let burst = 0; burst < 5; burst++) {
        for (let i = 0; i < 500; i++) push(store, 'web', `burst ${burst}.${i}`);
        // A burst: the store may rest a few frames before it tells the viewer.
        await until(() => messageOf(rows(el).at(-1)!) === `burst ${burst}.499`, `burst ${burst} to show`);
        await settle(el);
        expect(rows(el).length).to.be.lessThan(200);
        expect(atBottom(el)).to.equal(true);
      }
      expect(messageOf(rows(el).at(-1)!)).to.equal('burst 4.499');
      expect(store.logs('web').at(0)!.message).to.equal('stored 2500');
    });
  });

  describe('wrap with virtualization', () => {
    const long = (i: number) => `entry ${i} ` + 'lorem ipsum dolor sit amet '.repeat(1 + (i % 7));

    function assertNoOverlap(el: Viewer): void {
      const list = rows(el);
      for (let i = 1; i < list.length; i++) {
        const previous = list[i - 1].getBoundingClientRect();
        const current = list[i].getBoundingClientRect();
        expect(current.top, `row ${i} starts below row ${i - 1}`).to.be.at.least(previous.bottom - 0.5);
      }
    }

    it('lays long lines out without overlap and keeps the top entry when wrap is toggled', async () => {
      const list = entries(5000, (i) => ({ message: long(i) }));
      const el = await viewer(html`<live-logs-viewer style="width: 520px; --logs-height: 300px" .entries=${list}></live-logs-viewer>`);
      await userScroll(el, 2000 * 20);
      const before = messageOf(topVisibleRow(el));
      expect(before).to.match(/^entry 2000 /);

      el.wrap = true;
      await settle(el);
      expect(messageOf(topVisibleRow(el)), 'wrap on keeps the top entry').to.equal(before);
      expect(rows(el).some((r) => r.getBoundingClientRect().height > 30), 'some rows wrapped').to.equal(true);
      assertNoOverlap(el);

      await userScroll(el, log(el).scrollTop + 700);
      assertNoOverlap(el);
      const wrappedTop = messageOf(topVisibleRow(el));
      el.wrap = false;
      await settle(el);
      expect(messageOf(topVisibleRow(el)), 'wrap off keeps the top entry').to.equal(wrappedTop);
      el.wrap = true;
      await settle(el);
      expect(messageOf(topVisibleRow(el))).to.equal(wrappedTop);
      assertNoOverlap(el);
    });

    it('keeps the top entry when the width changes with wrap on', async () => {
      const list = entries(3000, (i) => ({ message: long(i) }));
      const el = await viewer(html`<live-logs-viewer wrap style="width: 640px; --logs-height: 300px" .entries=${list}></live-logs-viewer>`);
      await userScroll(el, 30_000);
      await settle(el);
      const before = messageOf(topVisibleRow(el));
      el.style.width = '380px';
      await until(() => rows(el).some((r) => r.getBoundingClientRect().width < 400), 'the narrower rows');
      await settle(el);
      expect(messageOf(topVisibleRow(el))).to.equal(before);
      assertNoOverlap(el);
    });

    it('follows the tail with wrapped rows, reaching the real bottom', async () => {
      const { el, store } = await inProvider(html`<live-logs-viewer wrap project-id="web" style="width: 420px; --logs-height: 240px"></live-logs-viewer>`);
      for (let burst = 0; burst < 4; burst++) {
        for (let i = 0; i < 50; i++) push(store, 'web', long(burst * 50 + i));
        await settle(el);
        expect(atBottom(el)).to.equal(true);
        expect(messageOf(rows(el).at(-1)!)).to.match(new RegExp(`^entry ${burst * 50 + 49} `));
        assertNoOverlap(el);
      }
    });
  });

  describe('cleanup', () => {
    it('leaves no timer or observer running after removal', async () => {
      const timers = new Set<unknown>();
      const originalSet = window.setTimeout;
      const originalClear = window.clearTimeout;
      const observed = new Set<Element>();
      const byObserver = new WeakMap<ResizeObserver, Set<Element>>();
      const originalObserve = ResizeObserver.prototype.observe;
      const originalUnobserve = ResizeObserver.prototype.unobserve;
      const originalDisconnect = ResizeObserver.prototype.disconnect;
      window.setTimeout = ((fn: () => void, ms?: number) => {
        const id = originalSet(() => {
          timers.delete(id);
          fn();
        }, ms);
        timers.add(id);
        return id;
      }) as typeof window.setTimeout;
      window.clearTimeout = ((id: number) => {
        timers.delete(id);
        originalClear(id);
      }) as typeof window.clearTimeout;
      ResizeObserver.prototype.observe = function (this: ResizeObserver, target: Element, options?: ResizeObserverOptions) {
        observed.add(target);
        if (!byObserver.has(this)) byObserver.set(this, new Set());
        byObserver.get(this)!.add(target);
        return originalObserve.call(this, target, options);
      };
      ResizeObserver.prototype.unobserve = function (this: ResizeObserver, target: Element) {
        observed.delete(target);
        return originalUnobserve.call(this, target);
      };
      ResizeObserver.prototype.disconnect = function (this: ResizeObserver) {
        for (const target of byObserver.get(this) ?? []) observed.delete(target);
        return originalDisconnect.call(this);
      };
      try {
        const { el, store, provider } = await inProvider(html`<live-logs-viewer project-id="web" streaming-timeout="60000"></live-logs-viewer>`);
        push(store, 'web', 'one');
        await settle(el);
        expect(el.streaming).to.equal(true);
        expect(timers.size, 'the streaming timer runs').to.equal(1);
        expect(observed.has(log(el)), 'the log is observed').to.equal(true);
        const rendered = el.shadowRoot!.innerHTML;
        provider.remove();
        expect(timers.size, 'no timer after removal').to.equal(0);
        expect(observed.size, 'no observed element after removal').to.equal(0);
        push(store, 'web', 'after removal');
        await frames(3);
        expect(el.shadowRoot!.innerHTML, 'no render after removal').to.equal(rendered);
      } finally {
        window.setTimeout = originalSet;
        window.clearTimeout = originalClear;
        ResizeObserver.prototype.observe = originalObserve;
        ResizeObserver.prototype.unobserve = originalUnobserve;
        ResizeObserver.prototype.disconnect = originalDisconnect;
      }
    });
  });
});
