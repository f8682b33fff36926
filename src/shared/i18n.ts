import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Strings and formatting. Every visible string and accessible name comes from a message table.
 * The language is the nearest `lang` attribute's, falling back from `es-MX` to `es` to `en`; it
 * changes live when `lang` changes. Hosts can register another language or override single strings
 * with `registerMessages`. A message that depends on a number has one key per plural category of
 * `Intl.PluralRules` (`logs.count.one`, `logs.count.few`, …), so each language brings its own forms.
 */

export type Messages = Record<string, string>;

const tables = new Map<string, Messages>();

/**
 * Adds (or overrides) messages for a language, e.g. `registerMessages('fr', { running: 'Actif' })`.
 *
 * A message that counts something is a set of keys, `<key>.<category>`, one per plural category
 * the language uses — `zero`, `one`, `two`, `few`, `many`, `other`, as `Intl.PluralRules` names
 * them — and `other`, which answers any category the table leaves out. Polish, say:
 * `registerMessages('pl', { 'logs.count.one': '{count} wpis', 'logs.count.few': '{count} wpisy',
 * 'logs.count.many': '{count} wpisów', 'logs.count.other': '{count} wpisu' })`. The form is chosen
 * with the plural rules of the language whose table answers, so a language falls back to
 * English's words and English's rules together.
 */
export function registerMessages(lang: string, messages: Messages): void {
  const key = lang.toLowerCase();
  tables.set(key, { ...tables.get(key), ...messages });
}

/**
 * The library's own strings. The elements' English ones are plain strings here, and their Spanish
 * ones sit in `spanish.ts`, loaded the first time an element is in Spanish, so a page in
 * English never fetches them; a lazily loaded part brings both, side by side, as
 * `{ key: [english, spanish] }`. `late`: a table loaded after the page may have overridden its keys
 * with `registerMessages`, and those stay.
 */
export function registerBuiltIn(messages: Record<string, string | [en: string, es: string]>, late = false): void {
  const en: Messages = {};
  const es: Messages = {};
  for (const key in messages) {
    const text = messages[key];
    if (typeof text === 'string') en[key] = text;
    else [en[key], es[key]] = text;
  }
  builtIn('en', en, late);
  builtIn('es', es, late);
}

/** One language's built-in table; `late`: the keys the page has overridden already stay. */
export function builtIn(lang: string, table: Messages, late = true): void {
  registerMessages(lang, late ? { ...table, ...tables.get(lang) } : table);
}

registerBuiltIn({
  running: 'Running',
  deploying: 'Deploying',
  stopped: 'Stopped',
  inactive: 'Inactive',
  error: 'Error',
  unknown: 'Unknown',
  stale: 'Not live',
  'stale.since': 'Not live, last update at {time}',
});

/**
 * The Spanish strings of the elements: undefined until an element is in Spanish, then the load
 * (which never rejects), then null once it has settled.
 */
let spanish: Promise<void> | null | undefined;
/** The element classes whose updates may wait for it, and the elements in Spanish, which do. */
const waiting = new WeakSet<object>();
const inSpanish = new WeakSet<object>();

/** The nearest `lang` attribute, crossing shadow roots; `en` when there is none. */
export function langOf(element: Element): string {
  let node: Node | null = element;
  while (node) {
    if (node instanceof Element) {
      const lang = node.getAttribute('lang');
      if (lang) return lang;
    }
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  return document.documentElement.lang || 'en';
}

/** `es-MX` → [`es-mx`, `es`, `en`]. */
function chain(lang: string): string[] {
  const parts = lang.toLowerCase().split('-');
  const out: string[] = [];
  for (let i = parts.length; i > 0; i--) out.push(parts.slice(0, i).join('-'));
  if (!out.includes('en')) out.push('en');
  return out;
}

/**
 * Looks a message up for a language; `{name}` placeholders are replaced from `vars`, numbers
 * formatted with `Intl` for the language. When `vars.count` is a number and the table has plural
 * forms of `key` (`<key>.<category>`), the form is the one `Intl.PluralRules` selects for it, or
 * `<key>.other`; `translate('pl', 'logs.count', { count: 5 })` reads `logs.count.many`.
 */
export function translate(lang: string, key: string, vars?: Record<string, string | number>): string {
  const count = vars?.count;
  let text: string | undefined;
  for (const candidate of chain(lang)) {
    const table = tables.get(candidate);
    if (!table) continue;
    text = typeof count === 'number' ? pluralForm(table, candidate, key, count) : undefined;
    text ??= table[key];
    if (text !== undefined) break;
  }
  text ??= key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (match, name: string) => {
    if (!(name in vars)) return match;
    const value = vars[name]!;
    return typeof value === 'number' ? formatter(lang).format(value) : value;
  });
}

/** The table's form of `key` for `count` under its own language's plural rules. */
function pluralForm(table: Messages, lang: string, key: string, count: number): string | undefined {
  return table[`${key}.${pluralRules(lang).select(count)}`] ?? table[`${key}.other`];
}

const hosts = new Set<LocaleController>();
let observer: MutationObserver | undefined;

/**
 * Gives an element its language and re-renders it when any `lang` attribute changes. One
 * `MutationObserver` serves every element on the page.
 */
export class LocaleController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  #lang = 'en';

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
    host.addController(this);
    // While the Spanish strings load, an element in Spanish waits for them to update: it never
    // shows English first. One wrapper per class, which costs nothing once they are in.
    const proto = Object.getPrototypeOf(host) as { scheduleUpdate(): unknown };
    if (!waiting.has(proto)) {
      waiting.add(proto);
      const schedule = proto.scheduleUpdate;
      proto.scheduleUpdate = function (this: unknown) {
        return spanish && inSpanish.has(this as object) ? spanish.then(() => schedule.call(this)) : schedule.call(this);
      };
    }
  }

  get lang(): string {
    return this.#lang;
  }

  hostConnected(): void {
    // The language may have changed while the element was out of the document.
    this.#refresh();
    hosts.add(this);
    if (!observer) {
      observer = new MutationObserver(() => {
        for (const controller of hosts) controller.#refresh();
      });
      observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
    }
  }

  hostDisconnected(): void {
    hosts.delete(this);
    if (hosts.size === 0) {
      observer?.disconnect();
      observer = undefined;
    }
  }

  /** The message for `key` in the element's language; `t('logs.count', { count: 3 })` picks the plural form. */
  t(key: string, vars?: Record<string, string | number>): string {
    return translate(this.#lang, key, vars);
  }

  /** A number in the element's language. */
  number(value: number, options?: Intl.NumberFormatOptions): string {
    return formatter(this.#lang, options).format(value);
  }

  /** A time of day (epoch ms) in the element's language. */
  time(value: number, options: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }): string {
    return dateFormatter(this.#lang, options).format(value);
  }

  /**
   * What an element says while its values are stale: "Not live, last update at 14:02:05" (or just
   * "Not live" when it does not know since when). A time of day stays true without a timer.
   */
  stale(since: number | undefined): string {
    return since === undefined ? this.t('stale') : this.t('stale.since', { time: this.time(since) });
  }

  #refresh(): void {
    const lang = langOf(this.#host);
    if (lang !== this.#lang) {
      this.#lang = lang;
      this.#host.requestUpdate();
    }
    if (!chain(lang).includes('es')) inSpanish.delete(this.#host);
    else if (spanish !== null) {
      inSpanish.add(this.#host);
      spanish ??= import('./spanish.js')
        .then((strings) => builtIn('es', strings.spanish))
        .catch(() => undefined)
        .then(() => {
          spanish = null;
          for (const controller of hosts) controller.#host.requestUpdate();
        });
    }
  }
}

// Intl objects are costly to build and safe to share. An invalid `lang` must not break rendering:
// it gets English's.
const intl = new Map<string, unknown>();

function shared<T>(kind: string, lang: string, options: object | undefined, make: (lang: string) => T): T {
  const key = kind + lang + (options ? JSON.stringify(options) : '');
  let value = intl.get(key) as T | undefined;
  if (!value) {
    try {
      value = make(lang);
    } catch {
      value = make('en');
    }
    intl.set(key, value);
  }
  return value;
}

const pluralRules = (lang: string): Intl.PluralRules => shared('plural', lang, undefined, (l) => new Intl.PluralRules(l));

const formatter = (lang: string, options?: Intl.NumberFormatOptions): Intl.NumberFormat =>
  shared('number', lang, options, (l) => new Intl.NumberFormat(l, options));

const dateFormatter = (lang: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat =>
  shared('date', lang, options, (l) => new Intl.DateTimeFormat(l, options));
