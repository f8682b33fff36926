// Shared by the demo pages. Loaded before the library, so it can point the provider at the server
// or the in-browser mock before the provider first connects. Everything is built with DOM APIs and
// `textContent`: nothing from the network is ever parsed as HTML.

export const params = new URLSearchParams(location.search);

/** `?mock`: the same page on the bundled simulation, with no server. */
export const mock = params.has('mock');

/** The page's provider, told where its events come from. */
export function setupProvider() {
  const provider = document.querySelector('sse-provider');
  if (mock) setupSimulation(provider);
  return provider;
}

// ---- The tab's simulation ------------------------------------------------------------------------
// With `?mock` every page of a tab shows one simulation: it is saved in sessionStorage as it changes
// and when the page goes, and the next page (a link, back and forward, a reload) carries on from it,
// so a project started on the dashboard is deploying on its details page. Other tabs have their own.

const SIMULATION_KEY = 'clouddeploy-demo-simulation';

/** The mock backend's file, beside the bundle the page loads. */
function mockModuleUrl() {
  const bundle = document.querySelector('script[src$="live-elements.bundle.js"]');
  return new URL('live-elements.mock.js', bundle?.src ?? new URL('dist/', location.href)).href;
}

/** What sessionStorage holds for the tab's simulation: `{ entry: { page, state } }`, `{ error }`, or null. */
function readSaved() {
  try {
    const text = sessionStorage.getItem(SIMULATION_KEY);
    return text === null ? null : { entry: JSON.parse(text) };
  } catch (error) {
    return { error };
  }
}

/** Actions limited like the demo server's: 10 per 10 s, so clicking fast shows the countdown. */
const MOCK_RATE_LIMIT = { limit: 10, windowMs: 10_000 };

/**
 * The simulation saved in this tab, or undefined. What storage holds may be corrupt, from another
 * version or not the demo's at all: the backend checks it, and what it refuses is dropped with a
 * warning.
 */
function restoreSimulation(MockBackend, saved) {
  if (!saved) return undefined;
  try {
    if (saved.error) throw saved.error;
    return new MockBackend({ state: saved.entry?.state ?? null, rateLimit: MOCK_RATE_LIMIT });
  } catch (error) {
    console.warn(`The simulation saved in this tab was ignored: ${error.message}`);
    try {
      sessionStorage.removeItem(SIMULATION_KEY);
    } catch {
      // Storage is off: nothing was saved either.
    }
    return undefined;
  }
}

/** Runs the provider on the tab's simulation: it connects once that is loaded, not on a new one first. */
function setupSimulation(provider) {
  const url = provider.getAttribute('url');
  provider.removeAttribute('url');
  // Which page saved last: a page back from the back/forward cache takes over a newer simulation.
  const page = Math.random().toString(36).slice(2);
  let backend;
  let unsubscribe;
  let pending = false;
  /** Between pagehide and pageshow: the page may be in the back/forward cache, and the tab elsewhere. */
  let away = false;

  const save = () => {
    pending = false;
    if (away || typeof backend?.save !== 'function') return;
    try {
      sessionStorage.setItem(SIMULATION_KEY, JSON.stringify({ page, state: backend.save() }));
    } catch {
      // Storage full or off: the next page starts a simulation of its own.
    }
  };
  // Every frame is a change; those sent together are saved once.
  const saveSoon = () => {
    if (pending) return;
    pending = true;
    setTimeout(save, 0);
  };
  const use = (next) => {
    unsubscribe?.();
    backend = next;
    unsubscribe = next.subscribe(saveSoon);
    provider.mockBackend = next;
    provider.setAttribute('mock', '');
    if (url !== null) provider.setAttribute('url', url);
    save();
  };

  import(mockModuleUrl()).then(
    ({ MockBackend }) => {
      use(restoreSimulation(MockBackend, readSaved()) ?? new MockBackend({ rateLimit: MOCK_RATE_LIMIT }));
      // Back from the back/forward cache: another page of the tab may have moved the simulation on.
      addEventListener('pageshow', (event) => {
        if (!event.persisted) return;
        away = false;
        const saved = readSaved();
        if (saved?.entry?.page === undefined || saved.entry.page === page) return;
        const newer = restoreSimulation(MockBackend, saved);
        if (newer) use(newer);
      });
    },
    (error) => {
      console.warn(`The simulation could not be carried over between pages: ${error.message}`);
      if (url !== null) provider.setAttribute('url', url);
      provider.setAttribute('mock', '');
    },
  );
  // A fast navigation or a crash may skip these; the saves on change have the state all the same.
  addEventListener('pagehide', () => {
    save();
    away = true;
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') save();
  });
}

/** A link to another demo page that keeps the current mode. */
export function pageHref(page, query = {}) {
  const search = new URLSearchParams(query);
  if (mock) search.set('mock', '');
  const text = search.toString().replace(/(^|&)mock=(?=&|$)/, '$1mock');
  return text ? `${page}?${text}` : page;
}

/** `el('a', { class: 'x', href }, 'text', child)`: an element with attributes and children. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.filter((child) => child !== undefined && child !== null));
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An icon from path data (24×24, stroked), hidden from assistive technology. */
export function icon(...paths) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '2');
  svg.setAttribute('stroke-linecap', 'round');
  svg.setAttribute('stroke-linejoin', 'round');
  svg.setAttribute('aria-hidden', 'true');
  for (const d of paths) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

export const ICONS = {
  external: ['M14 4h6v6', 'M20 4l-9 9', 'M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5'],
  sun: ['M12 3v2', 'M12 19v2', 'M5.6 5.6l1.4 1.4', 'M17 17l1.4 1.4', 'M3 12h2', 'M19 12h2', 'M5.6 18.4L7 17', 'M17 7l1.4-1.4', 'M12 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8'],
  moon: ['M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z'],
  system: ['M4 5h16v11H4z', 'M9 20h6', 'M12 16v4'],
  server: ['M4 4h16v6H4z', 'M4 14h16v6H4z', 'M8 7h.01', 'M8 17h.01'],
  chip: ['M7 7h10v10H7z', 'M10 3v4', 'M14 3v4', 'M10 17v4', 'M14 17v4', 'M3 10h4', 'M3 14h4', 'M17 10h4', 'M17 14h4'],
  bell: ['M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9', 'M10.3 21a1.94 1.94 0 0 0 3.4 0'],
  bellOff: ['M8.7 3A6 6 0 0 1 18 8a21.3 21.3 0 0 0 .6 5', 'M17 17H3s3-2 3-9a4.7 4.7 0 0 1 .3-1.7', 'M10.3 21a1.94 1.94 0 0 0 3.4 0', 'M2 2l20 20'],
};

/** A project's initials on a colour of its own, so cards are told apart at a glance. */
export function avatar(projectId, name, large = false) {
  const words = (name || projectId).split(/[\s_-]+/).filter(Boolean);
  const initials = (words.length > 1 ? words[0][0] + words[1][0] : (words[0] ?? '?').slice(0, 2)).toUpperCase();
  let hash = 0;
  for (const char of projectId) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  const node = el('span', { class: large ? 'avatar large' : 'avatar', 'aria-hidden': 'true' }, initials);
  node.style.setProperty('--hue', String(hash % 360));
  return node;
}

/** The host of a project URL, for display. */
export function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A link that opens a project's URL in a new tab; only http(s) URLs become links. */
export function projectLink(url, className) {
  const text = el('span', {}, hostOf(url));
  const safe = /^https?:\/\//i.test(url);
  if (!safe) return el('span', { class: className }, text);
  return el('a', { class: className, href: url, target: '_blank', rel: 'noopener noreferrer' }, icon(...ICONS.external), text);
}

// ---- Language ------------------------------------------------------------------------------------
// The demo's own words, in English and Spanish. The elements translate themselves: they follow the
// nearest `lang`, here the one on <html>.

export const LANGS = ['en', 'es'];
const LANG_NAMES = { en: 'English', es: 'Español' };
const LANG_KEY = 'clouddeploy-demo-lang';

const STRINGS = {
  en: {
    'nav.main': 'Main',
    'nav.dashboard': 'Dashboard',
    'nav.compare': 'Compare',
    'nav.breadcrumb': 'Breadcrumb',
    'title.dashboard': 'Dashboard',
    'title.compare': 'Compare',
    'title.notFound': 'Project not found',
    'projects.title': 'Projects',
    'projects.loading': 'Loading your projects…',
    'projects.list': 'Your projects',
    'projects.count': (n) => `${n} ${n === 1 ? 'project' : 'projects'}`,
    'projects.live': (mock) => `live from ${mock ? 'the in-browser simulation' : 'the server'}.`,
    'projects.none': 'No projects',
    'projects.noneText': 'Every project has been deleted. Restart the demo server to get them back.',
    'compare.title': 'Compare projects',
    'compare.text': 'One chart, a line per project: live, or over the last 24 hours, 7 or 30 days',
    'compare.pick': 'Projects to compare',
    'compare.hint': 'Pick at least one project.',
    'compare.summary': (mock) => `Pick projects to draw them on one chart, live from ${mock ? 'the in-browser simulation' : 'the server'}.`,
    'card.details': 'Details ›',
    'card.noUrl': 'No public URL',
    'card.cpu': 'CPU',
    'card.memory': 'Memory',
    'card.up': 'Up',
    'card.waitingMetrics': 'Running — waiting for the first metrics…',
    'card.preparing': 'Preparing deployment',
    'card.stopped': 'Container stopped. Start it to deploy the latest build.',
    'card.inactive': 'Paused after a period without traffic.',
    'card.error': 'The last deployment failed.',
    'card.waiting': 'Waiting for the live status…',
    'project.crumbs': 'Projects',
    'project.crumb': 'Project',
    'project.loading': 'Loading…',
    'project.metrics': 'Metrics',
    'project.metricsText': 'CPU and memory, live or over the last 24 hours, 7 or 30 days',
    'project.logs': 'Deployment logs',
    'project.logsText': 'Streamed as the deployment runs',
    'project.notFound': 'Project not found',
    'project.notFoundText': 'This project does not exist, or it was deleted.',
    'project.back': 'Back to your projects',
    'project.notFoundCrumb': 'Not found',
    'project.deleted': (name) => `“${name}” was deleted.`,
    'project.noSuch': (id) => `There is no project “${id}”.`,
    'project.noId': 'No project was given: open a project from the dashboard.',
    'footer.updates': 'Live updates from',
    'footer.built': 'built with',
    'mode.mock': 'In-browser mock',
    'mode.server': 'Live server',
    'mode.mockTitle': 'Events come from the simulation in this tab. Switch to the server.',
    'mode.serverTitle': 'Events come from the server over SSE. Switch to the in-browser mock.',
    'theme.system': 'System',
    'theme.light': 'Light',
    'theme.dark': 'Dark',
    'theme.label': (current, next) => `Theme: ${current}. Switch to ${next}`,
    'theme.title': (current) => `Theme: ${current}`,
    'lang.label': (current, next) => `Language: ${current}. Switch to ${next}`,
    'alerts.off': 'Alerts: off',
    'alerts.on': 'Alerts: on',
    'alerts.blocked': 'Alerts: blocked',
    'alerts.offShort': 'Off',
    'alerts.onShort': 'On',
    'alerts.blockedShort': 'Blocked',
    'alerts.offLabel': 'Alerts are off. Turn on sound and desktop notifications',
    'alerts.onLabel': 'Alerts are on: sound and desktop notifications. Turn them off',
    'alerts.blockedLabel': 'Alerts: sound only, the browser blocks desktop notifications for this site (its site settings can allow them). Turn alerts off',
  },
  es: {
    'nav.main': 'Principal',
    'nav.dashboard': 'Panel',
    'nav.compare': 'Comparar',
    'nav.breadcrumb': 'Ruta de navegación',
    'title.dashboard': 'Panel',
    'title.compare': 'Comparar',
    'title.notFound': 'Proyecto no encontrado',
    'projects.title': 'Proyectos',
    'projects.loading': 'Cargando tus proyectos…',
    'projects.list': 'Tus proyectos',
    'projects.count': (n) => `${n} ${n === 1 ? 'proyecto' : 'proyectos'}`,
    'projects.live': (mock) => `en directo desde ${mock ? 'la simulación del navegador' : 'el servidor'}.`,
    'projects.none': 'No hay proyectos',
    'projects.noneText': 'Se han eliminado todos los proyectos. Reinicia el servidor de la demo para recuperarlos.',
    'compare.title': 'Comparar proyectos',
    'compare.text': 'Un gráfico, una línea por proyecto: en directo o en las últimas 24 horas, 7 o 30 días',
    'compare.pick': 'Proyectos que comparar',
    'compare.hint': 'Elige al menos un proyecto.',
    'compare.summary': (mock) => `Elige proyectos para verlos en un gráfico, en directo desde ${mock ? 'la simulación del navegador' : 'el servidor'}.`,
    'card.details': 'Detalles ›',
    'card.noUrl': 'Sin URL pública',
    'card.cpu': 'CPU',
    'card.memory': 'Memoria',
    'card.up': 'Activo',
    'card.waitingMetrics': 'En ejecución: esperando las primeras métricas…',
    'card.preparing': 'Preparando el despliegue',
    'card.stopped': 'Contenedor detenido. Inícialo para desplegar la última versión.',
    'card.inactive': 'En pausa tras un periodo sin tráfico.',
    'card.error': 'El último despliegue falló.',
    'card.waiting': 'Esperando el estado en directo…',
    'project.crumbs': 'Proyectos',
    'project.crumb': 'Proyecto',
    'project.loading': 'Cargando…',
    'project.metrics': 'Métricas',
    'project.metricsText': 'CPU y memoria, en directo o en las últimas 24 horas, 7 o 30 días',
    'project.logs': 'Registros del despliegue',
    'project.logsText': 'Llegan mientras se despliega',
    'project.notFound': 'Proyecto no encontrado',
    'project.notFoundText': 'Este proyecto no existe o se ha eliminado.',
    'project.back': 'Volver a tus proyectos',
    'project.notFoundCrumb': 'No encontrado',
    'project.deleted': (name) => `Se eliminó «${name}».`,
    'project.noSuch': (id) => `No existe el proyecto «${id}».`,
    'project.noId': 'No se indicó ningún proyecto: abre uno desde el panel.',
    'footer.updates': 'Actualizaciones en directo desde',
    'footer.built': 'hecho con',
    'mode.mock': 'Simulación local',
    'mode.server': 'Servidor real',
    'mode.mockTitle': 'Los eventos vienen de la simulación de esta pestaña. Cambiar al servidor.',
    'mode.serverTitle': 'Los eventos vienen del servidor por SSE. Cambiar a la simulación local.',
    'theme.system': 'Sistema',
    'theme.light': 'Claro',
    'theme.dark': 'Oscuro',
    'theme.label': (current, next) => `Tema: ${current}. Cambiar a ${next}`,
    'theme.title': (current) => `Tema: ${current}`,
    'lang.label': (current, next) => `Idioma: ${current}. Cambiar a ${next}`,
    'alerts.off': 'Avisos: no',
    'alerts.on': 'Avisos: sí',
    'alerts.blocked': 'Avisos: bloqueados',
    'alerts.offShort': 'No',
    'alerts.onShort': 'Sí',
    'alerts.blockedShort': 'Bloqueados',
    'alerts.offLabel': 'Avisos desactivados. Activar el sonido y las notificaciones de escritorio',
    'alerts.onLabel': 'Avisos activados: sonido y notificaciones de escritorio. Desactivarlos',
    'alerts.blockedLabel':
      'Avisos: solo sonido, el navegador bloquea las notificaciones de escritorio de este sitio (se pueden permitir en su configuración). Desactivar los avisos',
  },
};

function storedLang() {
  try {
    const value = localStorage.getItem(LANG_KEY);
    return LANGS.includes(value) ? value : 'en';
  } catch {
    return 'en';
  }
}

/** The page's language: set on <html> as soon as this module runs, before the elements render. */
export let lang = storedLang();
document.documentElement.lang = lang;

/** The demo's own text for `key` in the page's language; functions take `args`. */
export function t(key, ...args) {
  const value = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
  return typeof value === 'function' ? value(...args) : value;
}

/** Fills every `data-i18n` (text) and `data-i18n-label` (aria-label) in the page. */
function translateStatic() {
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', t(node.dataset.i18nLabel));
}

const langListeners = new Set();
/** Calls `listener` whenever the language changes (the page re-renders its own text). */
export function onLangChange(listener) {
  langListeners.add(listener);
}

/** The top bar's language button: English ⇄ Español. */
function setupLangToggle() {
  const end = document.querySelector('.topbar-end');
  if (!end) return;
  const button = el('button', { class: 'lang-toggle', type: 'button' });
  end.insertBefore(button, end.querySelector('.theme-toggle'));
  const render = () => {
    const next = lang === 'en' ? 'es' : 'en';
    // It shows the language it switches to, in that language (and says so in the page's language).
    const full = el('span', { class: 'lang-full', lang: next }, LANG_NAMES[next]);
    const short = el('span', { class: 'lang-short', lang: next, 'aria-hidden': 'true' }, next.toUpperCase());
    button.replaceChildren(full, short);
    button.setAttribute('aria-label', t('lang.label', LANG_NAMES[lang], LANG_NAMES[next]));
    button.title = t('lang.label', LANG_NAMES[lang], LANG_NAMES[next]);
  };
  button.addEventListener('click', () => {
    lang = lang === 'en' ? 'es' : 'en';
    try {
      localStorage.setItem(LANG_KEY, lang);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    document.documentElement.lang = lang;
    render();
    translateStatic();
    for (const listener of langListeners) listener(lang);
  });
  render();
}

// ---- Alerts --------------------------------------------------------------------------------------
// One control turns on the toast region's sound and its desktop notifications together. The
// browser's permission is asked only on that click; the control says whether alerts are off, on, or
// on with the notifications blocked by the browser (the sound still plays then).

const ALERTS_KEY = 'clouddeploy-demo-alerts';

function storedAlerts() {
  try {
    return localStorage.getItem(ALERTS_KEY) === 'on';
  } catch {
    return false;
  }
}

/** `off`, `on`, or `blocked` (on, but the browser denies notifications). */
function alertsState(on) {
  if (!on) return 'off';
  return typeof Notification !== 'undefined' && Notification.permission === 'denied' ? 'blocked' : 'on';
}

/** The top bar's alerts button, and a click on a notification opening that project's page. */
function setupAlerts() {
  const end = document.querySelector('.topbar-end');
  const region = document.querySelector('live-toast-region');
  if (!end || !region) return;
  const button = el('button', { class: 'alerts-toggle', type: 'button' });
  end.insertBefore(button, end.querySelector('.lang-toggle') ?? end.querySelector('.theme-toggle'));
  let on = storedAlerts();
  const render = () => {
    // Attributes, not properties: the region may not be upgraded yet when the page starts.
    region.toggleAttribute('sound', on);
    region.toggleAttribute('desktop-notifications', on);
    const state = alertsState(on);
    button.dataset.state = state;
    button.replaceChildren(
      icon(...(state === 'off' ? ICONS.bellOff : ICONS.bell)),
      el('span', { class: 'alerts-full' }, t(`alerts.${state}`)),
      el('span', { class: 'alerts-short', 'aria-hidden': 'true' }, t(`alerts.${state}Short`)),
    );
    button.setAttribute('aria-label', t(`alerts.${state}Label`));
    button.title = t(`alerts.${state}Label`);
  };
  button.addEventListener('click', async () => {
    on = !on;
    try {
      localStorage.setItem(ALERTS_KEY, on ? 'on' : 'off');
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    render();
    // Asked here, on the click, and only while undecided; the answer shows at once.
    if (on && typeof Notification !== 'undefined' && Notification.permission === 'default') {
      await (typeof region.requestPermission === 'function' ? region.requestPermission() : Notification.requestPermission());
      render();
    }
  });
  // The permission changed in the browser's site settings, or from a toast's own button.
  navigator.permissions
    ?.query({ name: 'notifications' })
    .then((status) => status.addEventListener('change', render))
    .catch(() => {});
  region.addEventListener('notification-click', (event) => {
    const id = event.detail?.projectId;
    if (!id || (location.pathname.endsWith('project.html') && params.get('id') === id)) return;
    location.href = pageHref('project.html', { id });
  });
  onLangChange(render);
  render();
}

// ---- Theme ---------------------------------------------------------------------------------------

const THEMES = ['system', 'light', 'dark'];
const THEME_KEY = 'clouddeploy-demo-theme';

function storedTheme() {
  try {
    const value = localStorage.getItem(THEME_KEY);
    return THEMES.includes(value) ? value : 'system';
  } catch {
    return 'system';
  }
}

function applyTheme(theme) {
  if (theme === 'system') document.documentElement.removeAttribute('theme');
  else document.documentElement.setAttribute('theme', theme);
}

/** The top bar's theme button: system → light → dark. */
function setupThemeToggle() {
  const button = document.querySelector('.theme-toggle');
  if (!button) return;
  let theme = storedTheme();
  const render = () => {
    applyTheme(theme);
    const next = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
    button.replaceChildren(icon(...ICONS[theme === 'system' ? 'system' : theme === 'light' ? 'sun' : 'moon']));
    button.setAttribute('aria-label', t('theme.label', t(`theme.${theme}`), t(`theme.${next}`)));
    button.title = t('theme.title', t(`theme.${theme}`));
  };
  button.addEventListener('click', () => {
    theme = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
    try {
      localStorage.setItem(THEME_KEY, theme);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    render();
  });
  onLangChange(render);
  render();
}

/** The top bar's chip saying where the events come from, linking to the other mode. */
function setupModeChip() {
  const chip = document.querySelector('.mode');
  if (!chip) return;
  const other = new URLSearchParams(location.search);
  if (mock) other.delete('mock');
  else other.set('mock', '');
  const search = other.toString().replace(/(^|&)mock=(?=&|$)/, '$1mock');
  chip.href = `${location.pathname}${search ? `?${search}` : ''}`;
  chip.replaceChildren(
    icon(...(mock ? ICONS.chip : ICONS.server)),
    el('span', { class: 'mode-text' }, t(mock ? 'mode.mock' : 'mode.server')),
  );
  chip.title = t(mock ? 'mode.mockTitle' : 'mode.serverTitle');
}

// ---- Layout helpers ------------------------------------------------------------------------------

/** The deepest focused element, through open shadow roots. */
function deepActive() {
  let node = document.activeElement;
  while (node?.shadowRoot?.activeElement) node = node.shadowRoot.activeElement;
  return node;
}

/**
 * Keeps focused controls clear of the sticky header and of the toasts: the header's height and the
 * space the toasts take on a narrow screen become `--header-space` and `--toast-space` on <html>,
 * which `scroll-padding` (and the page's bottom padding) in demo.css use. When a toast appears over
 * the focused control, the control scrolls up above it.
 */
function setupLayoutSpace() {
  const root = document.documentElement;
  const header = document.querySelector('.topbar');
  const region = document.querySelector('live-toast-region');
  const narrow = matchMedia('(max-width: 640px)');
  const measure = () => {
    if (header) root.style.setProperty('--header-space', `${Math.ceil(header.getBoundingClientRect().height)}px`);
    if (!region) return;
    const height = region.getBoundingClientRect().height;
    const space = narrow.matches && height > 0 ? Math.ceil(height) + 8 : 0;
    root.style.setProperty('--toast-space', `${space}px`);
    const focused = deepActive();
    if (space > 0 && focused && focused !== document.body && !region.contains(focused)) {
      const box = focused.getBoundingClientRect();
      if (box.bottom > innerHeight - space) focused.scrollIntoView({ block: 'nearest' });
    }
  };
  const observer = new ResizeObserver(measure);
  if (header) observer.observe(header);
  if (region) observer.observe(region);
  narrow.addEventListener('change', measure);
  measure();
}

/** The parts every page shares; returns the provider. */
export function setupPage() {
  applyTheme(storedTheme());
  document.documentElement.lang = lang;
  translateStatic();
  setupLangToggle();
  setupAlerts();
  setupThemeToggle();
  setupModeChip();
  onLangChange(setupModeChip);
  setupLayoutSpace();
  for (const link of document.querySelectorAll('a[data-page]')) link.href = pageHref(link.dataset.page);
  return setupProvider();
}

// ---- Formatting ------------------------------------------------------------------------------------

const percent = (value) => new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(value);
const whole = (value) => new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(value);

export const format = {
  cpu: (value) => `${percent(value)} %`,
  memory: (value) => `${whole(value)} MB`,
  count: (value) => whole(value),
};
