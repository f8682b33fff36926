import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Strings and formatting. Every visible string and accessible name comes from a message table.
 * The language is the nearest `lang` attribute's, falling back from `es-MX` to `es` to `en`; it
 * changes live when `lang` changes. Hosts can register another language or override single strings
 * with `registerMessages`.
 */

export type Messages = Record<string, string>;

const tables = new Map<string, Messages>();

/** Adds (or overrides) messages for a language, e.g. `registerMessages('fr', { running: 'Actif' })`. */
export function registerMessages(lang: string, messages: Messages): void {
  const key = lang.toLowerCase();
  tables.set(key, { ...tables.get(key), ...messages });
}

registerMessages('en', {
  running: 'Running',
  deploying: 'Deploying',
  stopped: 'Stopped',
  inactive: 'Inactive',
  error: 'Error',
  unknown: 'Unknown',
});

registerMessages('es', {
  running: 'Activo',
  deploying: 'Desplegando',
  stopped: 'Detenido',
  inactive: 'Inactivo',
  error: 'Error',
  unknown: 'Desconocido',
});

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

/** Looks a message up for a language; `{name}` placeholders are replaced from `vars`. */
export function translate(lang: string, key: string, vars?: Record<string, string | number>): string {
  let text: string | undefined;
  for (const candidate of chain(lang)) {
    text = tables.get(candidate)?.[key];
    if (text !== undefined) break;
  }
  text ??= key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match));
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

  /** The message for `key` in the element's language. */
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

  #refresh(): void {
    const lang = langOf(this.#host);
    if (lang !== this.#lang) {
      this.#lang = lang;
      this.#host.requestUpdate();
    }
  }
}

// Intl formatters are costly to build and safe to share.
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: string, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = lang + JSON.stringify(options ?? {});
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = safe(() => new Intl.NumberFormat(lang, options), () => new Intl.NumberFormat('en', options))));
  return format;
}

function dateFormatter(lang: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = lang + JSON.stringify(options);
  let format = dateFormats.get(key);
  if (!format) dateFormats.set(key, (format = safe(() => new Intl.DateTimeFormat(lang, options), () => new Intl.DateTimeFormat('en', options))));
  return format;
}

/** An invalid `lang` value must not break rendering. */
function safe<T>(make: () => T, fallback: () => T): T {
  try {
    return make();
  } catch {
    return fallback();
  }
}
