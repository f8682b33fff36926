import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import '../src/live-status-alert/define.js';
import '../src/live-container-actions/define.js';
import '../src/live-toast-region/define.js';
import '../src/live-logs-viewer/define.js';
import '../src/sse-indicator/define.js';
import type { LiveStatusAlert } from '../src/live-status-alert/live-status-alert.js';
import type { LiveContainerActions } from '../src/live-container-actions/live-container-actions.js';
import type { LiveToastRegion } from '../src/live-toast-region/live-toast-region.js';
import { LocaleController, registerMessages, translate } from '../src/shared/i18n.js';
import { ManualClock } from '../src/mock/index.js';
import { until } from './helpers.js';

const part = (el: HTMLElement, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const text = (el: HTMLElement, name: string) => part(el, name)?.textContent?.replace(/\s+/g, ' ').trim();
const labels = (el: LiveContainerActions) => [...el.shadowRoot!.querySelectorAll('[part~="button"] [part~="label"]')].map((n) => n.textContent!.trim());

async function page(lang: string) {
  const root = await fixture<HTMLElement>(html`<div lang=${lang}>
    <live-status-alert status="inactive" reason="idle" inactive-time="5400"></live-status-alert>
    <live-container-actions project-id="web" status="running" url="https://web.example.com" deletable></live-container-actions>
    <live-toast-region position="inline"></live-toast-region>
  </div>`);
  const alert = root.querySelector<LiveStatusAlert>('live-status-alert')!;
  const actions = root.querySelector<LiveContainerActions>('live-container-actions')!;
  const toasts = root.querySelector<LiveToastRegion>('live-toast-region')!;
  toasts.clock = new ManualClock();
  // An element's first update in Spanish waits for the Spanish strings, which load on first use.
  await Promise.all([alert.updateComplete, actions.updateComplete, toasts.updateComplete]);
  return { root, alert, actions, toasts };
}

/** The region listens to the document when it has no provider: any bubbling event will do. */
function connect(from: Element) {
  from.dispatchEvent(new CustomEvent('sse-state-change', { detail: { state: 'open', previous: 'connecting' }, bubbles: true, composed: true }));
}

/** Every key an eager table registers, read from its source as the test server serves it. */
async function keysOf(path: string): Promise<string[]> {
  const source = await (await fetch(path)).text();
  return [...source.matchAll(/^\s*(?:'([\w.-]+)'|(\w+)):/gm)].map((match) => match[1] ?? match[2]!);
}

describe('Spanish strings, loaded on first use', () => {
  // First in this file: nothing in Spanish has been on the page yet.
  it('are not fetched by a page in English, and an element in Spanish never shows English first', async () => {
    const fetched = () => performance.getEntriesByType('resource').some((entry) => entry.name.includes('spanish'));
    const english = await fixture<LiveStatusAlert>(html`<live-status-alert status="inactive" reason="idle"></live-status-alert>`);
    await english.updateComplete;
    expect(fetched(), 'fetched for English').to.equal(false);

    const seen: string[] = [];
    const holder = document.createElement('div');
    holder.lang = 'es';
    const alert = document.createElement('live-status-alert') as LiveStatusAlert;
    alert.status = 'inactive';
    alert.reason = 'idle';
    const record = () => seen.push(alert.shadowRoot?.textContent?.replace(/\s+/g, ' ').trim() ?? '');
    const observer = new MutationObserver(record);
    holder.append(alert);
    document.body.append(holder);
    observer.observe(alert.shadowRoot!, { subtree: true, childList: true, characterData: true });
    await alert.updateComplete;
    record();
    observer.disconnect();
    expect(text(alert, 'title')).to.equal('Contenedor pausado por inactividad');
    expect(fetched(), 'fetched for Spanish').to.equal(true);
    expect(seen.filter((shown) => shown.includes('Container paused')), 'English shown first').to.deep.equal([]);
    // The element in English beside it was never held back, and follows a switch to Spanish.
    english.lang = 'es';
    await until(() => text(english, 'title') === 'Contenedor pausado por inactividad');
    holder.remove();
  });

  it('has every key of every element table, and no other', async () => {
    const tables = [
      '/src/shared/i18n.ts',
      '/src/live-status-badge/live-status-badge.messages.ts',
      '/src/live-status-alert/live-status-alert.messages.ts',
      '/src/sse-indicator/sse-indicator.messages.ts',
      '/src/live-toast-region/live-toast-region.messages.ts',
      '/src/live-container-actions/live-container-actions.messages.ts',
      '/src/live-metrics-chart/live-metrics-chart.messages.ts',
      '/src/live-logs-viewer/live-logs-viewer.messages.ts',
    ];
    const english = (await Promise.all(tables.map(keysOf))).flat().filter((key) => key !== 'builtIn');
    const spanish = await keysOf('/src/shared/spanish.ts');
    expect([...spanish].sort()).to.deep.equal([...new Set(english)].sort());
    for (const key of spanish) expect(translate('es', key), key).to.not.equal(key);
  });
});

describe('i18n through the elements', () => {
  it('English by default', async () => {
    const { alert, actions, toasts, root } = await page('');
    root.removeAttribute('lang');
    await alert.updateComplete;
    expect(text(alert, 'title')).to.equal('Container paused due to inactivity');
    expect(labels(actions)).to.deep.equal(['Stop', 'Refresh', 'Open', 'Delete']);
    connect(root);
    await toasts.updateComplete;
    expect(toasts.toasts[0].title).to.equal('SSE connection established');
  });

  it('the nearest lang wins, and es-MX falls back to es: Spanish as in the original description', async () => {
    const { alert, actions, toasts, root } = await page('es-MX');
    expect(text(alert, 'title')).to.equal('Contenedor pausado por inactividad');
    // Intl for the exact language: Mexican Spanish writes 1.5, Spain's 1,5.
    expect(text(alert, 'detail')).to.equal(`Inactivo desde hace ${new Intl.NumberFormat('es-MX', { style: 'unit', unit: 'hour', unitDisplay: 'long' }).format(1.5)}`);
    expect(labels(actions)).to.deep.equal(['Detener', 'Actualizar', 'Abrir', 'Eliminar']);
    expect(part(actions, 'base')!.getAttribute('aria-label')).to.equal('Acciones de web');
    expect(part(actions, 'open')!.textContent).to.contain('(se abre en una pestaña nueva)');
    connect(root);
    await toasts.updateComplete;
    expect(toasts.toasts[0].title).to.equal('Conexión SSE establecida');
    expect(part(toasts, 'close')!.getAttribute('aria-label')).to.equal('Descartar: Conexión SSE establecida');
    expect(part(toasts, 'close')!.title).to.equal('Descartar');
    expect(text(toasts, 'title')).to.equal('Éxito: Conexión SSE establecida');

    actions.status = 'stopped';
    await actions.updateComplete;
    expect(labels(actions)).to.deep.equal(['Iniciar', 'Eliminar']);
    actions.status = 'inactive';
    await actions.updateComplete;
    expect(labels(actions)).to.deep.equal(['Reactivar', 'Eliminar']);
    actions.status = 'error';
    await actions.updateComplete;
    expect(labels(actions)).to.deep.equal(['Reintentar', 'Eliminar']);
    actions.status = 'deploying';
    await actions.updateComplete;
    expect(text(actions, 'deploying')).to.equal('Desplegando...');
  });

  it('a closer lang overrides a farther one', async () => {
    const root = await fixture(html`<div lang="es"><section lang="en"><live-container-actions status="stopped"></live-container-actions></section></div>`);
    await root.querySelector('live-container-actions')!.updateComplete;
    expect(labels(root.querySelector('live-container-actions')!)).to.deep.equal(['Start']);
  });

  it('falls back from es-MX to es to en, key by key', async () => {
    registerMessages('es-mx', { 'actions.start': 'Arrancar' });
    registerMessages('en', { 'test.only-en': 'Only in English' });
    const root = await fixture(html`<div lang="es-MX"><live-container-actions status="stopped" deletable></live-container-actions></div>`);
    expect(labels(root.querySelector('live-container-actions')!)).to.deep.equal(['Arrancar', 'Eliminar']);
    expect(translate('es-MX', 'test.only-en')).to.equal('Only in English');
    expect(translate('zz', 'actions.stop'), 'an unknown language is English').to.equal('Stop');
    registerMessages('es-mx', { 'actions.start': 'Iniciar' });
  });

  it('changes live when lang changes, including toasts already showing', async () => {
    const { alert, actions, toasts, root } = await page('en');
    connect(root);
    await toasts.updateComplete;
    expect(text(toasts, 'title')).to.equal('Success: SSE connection established');
    root.setAttribute('lang', 'es');
    await until(() => text(alert, 'title') === 'Contenedor pausado por inactividad', 'the alert in Spanish');
    await until(() => labels(actions)[0] === 'Detener', 'the actions in Spanish');
    await until(() => text(toasts, 'title') === 'Éxito: Conexión SSE establecida', 'the toast in Spanish');
    root.setAttribute('lang', 'en-GB');
    await until(() => labels(actions)[0] === 'Stop', 'back to English');
  });

  it('a host can register another language and override a single string', async () => {
    registerMessages('fr', { 'actions.start': 'Démarrer', 'alert.inactive.title': 'Conteneur en pause' });
    registerMessages('en', { 'actions.stop': 'Halt' });
    try {
      const root = await fixture(html`<div>
        <div lang="fr-CA"><live-container-actions status="stopped" deletable></live-container-actions></div>
        <div lang="en"><live-container-actions status="running"></live-container-actions></div>
      </div>`);
      const [fr, en] = root.querySelectorAll('live-container-actions');
      expect(labels(fr), 'unregistered French strings fall back to English').to.deep.equal(['Démarrer', 'Delete']);
      expect(labels(en)).to.deep.equal(['Halt', 'Refresh']);
    } finally {
      registerMessages('en', { 'actions.stop': 'Stop' });
    }
  });

  it('a string overridden before its part loads stays overridden once it has', async () => {
    // The indicator's popover texts load the first time a popover opens: none has in this page yet.
    registerMessages('en', { 'indicator.note': 'Our servers pick the pace.' });
    const el = await fixture<HTMLElement>(html`<sse-indicator state="open" url="/x"></sse-indicator>`);
    const part = (name: string) => el.shadowRoot!.querySelector(`[part~="${name}"]`)!;
    (part('trigger') as HTMLElement).click();
    await until(() => part('events').textContent!.includes('metrics_updated') && part('section-title').textContent !== '', 'the popover texts to load');
    expect(part('note').textContent).to.equal('Our servers pick the pace.');
    expect(part('title').textContent).to.equal('Live connection');
  });

  it('numbers and durations are formatted with Intl for the language', async () => {
    const root = await fixture(html`<div>
      <div lang="en"><live-status-alert status="deploying" progress="45"></live-status-alert></div>
      <div lang="es"><live-status-alert status="deploying" progress="45"></live-status-alert></div>
      <div lang="de"><live-status-alert status="inactive" inactive-time="5400"></live-status-alert></div>
    </div>`);
    const [en, es, de] = root.querySelectorAll('live-status-alert');
    const percent = (lang: string) => new Intl.NumberFormat(lang, { style: 'percent' }).format(0.45);
    expect(percent('en')).to.not.equal(percent('es'));
    expect(part(en, 'progress')!.getAttribute('aria-valuetext')).to.equal(percent('en'));
    expect(text(en, 'progress-value')).to.equal('45%');
    expect(part(es, 'progress')!.getAttribute('aria-valuetext')).to.equal(percent('es'));
    expect(part(es, 'progress-value')!.textContent).to.equal(percent('es'));
    expect(text(es, 'progress-value')).to.match(/^45\s%$/);
    // German has no table: English words, German numbers.
    expect(text(de, 'detail')).to.equal(`Inactive for ${new Intl.NumberFormat('de', { style: 'unit', unit: 'hour', unitDisplay: 'long' }).format(1.5)}`);
    expect(text(de, 'detail')).to.contain('1,5');
  });

  it('an invalid lang does not break rendering', async () => {
    const root = await fixture(html`<div lang="not a language!"><live-status-alert status="deploying" progress="10"></live-status-alert></div>`);
    expect(text(root.querySelector('live-status-alert')!, 'progress-value')).to.equal('10%');
  });
});

/** A host's own element, as the library's are built: a counter through `LocaleController`. */
class EntryCounter extends LitElement {
  static override properties = { count: { type: Number } };
  readonly #locale = new LocaleController(this);
  count = 0;
  override render() {
    return html`<span part="counter">${this.#locale.t('logs.count', { count: this.count })}</span>`;
  }
}
customElements.define('test-entry-counter', EntryCounter);

describe('plural forms through Intl.PluralRules', () => {
  // Polish: one (1), few (2–4, 22–24, …), many (5–21, 25–31, …), other (fractions).
  registerMessages('pl', {
    'logs.count.one': '{count} wpis',
    'logs.count.few': '{count} wpisy',
    'logs.count.many': '{count} wpisów',
    'logs.count.other': '{count} wpisu',
  });

  async function counters(lang: string, counts: number[]): Promise<string[]> {
    const root = await fixture<HTMLElement>(html`<div lang=${lang}>${counts.map((count) => html`<test-entry-counter .count=${count}></test-entry-counter>`)}</div>`);
    const elements = [...root.querySelectorAll<EntryCounter>('test-entry-counter')];
    await Promise.all(elements.map((element) => element.updateComplete));
    return elements.map((element) => text(element, 'counter')!);
  }

  it('a registered language gets its own forms: Polish one, few, many and other', async () => {
    expect(await counters('pl', [1, 3, 5, 22, 12, 1.5])).to.deep.equal(['1 wpis', '3 wpisy', '5 wpisów', '22 wpisy', '12 wpisów', '1,5 wpisu']);
    expect(await counters('pl-PL', [2, 25])).to.deep.equal(['2 wpisy', '25 wpisów']);
  });

  it("the logs viewer's counter takes the language's form", async () => {
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ timestamp: '2026-01-01T00:00:00Z', level: 'info' as const, message: `line ${i}` }));
    const shown: string[] = [];
    for (const n of [1, 3, 5, 22]) {
      const root = await fixture<HTMLElement>(html`<div lang="pl"><live-logs-viewer .entries=${entries(n)}></live-logs-viewer></div>`);
      const viewer = root.querySelector('live-logs-viewer')!;
      await viewer.updateComplete;
      shown.push(viewer.shadowRoot!.querySelector('[part~="counter"]')!.textContent!.trim());
    }
    expect(shown).to.deep.equal(['1 wpis', '3 wpisy', '5 wpisów', '22 wpisy']);
  });

  it('English and Spanish keep their one and other, and the form follows a change of lang', async () => {
    expect(await counters('en', [0, 1, 2, 1234])).to.deep.equal(['0 entries', '1 entry', '2 entries', '1,234 entries']);
    expect(await counters('es', [1, 5])).to.deep.equal(['1 entrada', '5 entradas']);
    const root = await fixture<HTMLElement>(html`<div lang="pl"><test-entry-counter .count=${5}></test-entry-counter></div>`);
    const counter = root.querySelector<EntryCounter>('test-entry-counter')!;
    await counter.updateComplete;
    expect(text(counter, 'counter')).to.equal('5 wpisów');
    root.setAttribute('lang', 'en');
    await until(() => text(counter, 'counter') === '5 entries', 'the English form');
  });

  it('Arabic: all six categories, and a missing one falls back to other', async () => {
    registerMessages('ar', {
      'test.files.zero': 'zero {count}',
      'test.files.one': 'one {count}',
      'test.files.two': 'two {count}',
      'test.files.few': 'few {count}',
      'test.files.other': 'other {count}',
    });
    const digits = (n: number) => new Intl.NumberFormat('ar').format(n);
    expect([0, 1, 2, 3, 11, 100].map((count) => translate('ar', 'test.files', { count }))).to.deep.equal([
      `zero ${digits(0)}`,
      `one ${digits(1)}`,
      `two ${digits(2)}`,
      `few ${digits(3)}`,
      `other ${digits(11)}`, // `many`, not in the table
      `other ${digits(100)}`,
    ]);
  });

  it("a language without the message uses English's words with English's rules", () => {
    // French calls 0 `one`; the English words must not read "0 entry".
    expect(new Intl.PluralRules('fr').select(0)).to.equal('one');
    expect(translate('fr', 'logs.count', { count: 0 })).to.equal('0 entries');
    expect(translate('fr', 'logs.count', { count: 1 })).to.equal('1 entry');
  });

  it('the form keys still work as single messages, and a string count chooses no form', () => {
    expect(translate('pl', 'logs.count.few', { count: '3' })).to.equal('3 wpisy');
    expect(translate('en', 'logs.count.one', { count: '1' })).to.equal('1 entry');
    expect(translate('en', 'logs.count', { count: '1' }), 'no plain message, no form: the key').to.equal('logs.count');
    expect(translate('en', 'actions.groupFor', { project: 'web' })).to.equal('Actions for web');
  });
});
