// Shared by the demo pages. Loaded before the library, so it can point the provider at the server
// or the in-browser mock before the provider first connects. Everything is built with DOM APIs and
// `textContent`: nothing from the network is ever parsed as HTML.

export const params = new URLSearchParams(location.search);

/** `?mock`: the same page on the bundled simulation, with no server. */
export const mock = params.has('mock');

/** The page's provider, told where its events come from. */
export function setupProvider() {
  const provider = document.querySelector('sse-provider');
  if (mock) provider.setAttribute('mock', '');
  return provider;
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

// ---- Theme ---------------------------------------------------------------------------------------

const THEMES = ['system', 'light', 'dark'];
const THEME_NAMES = { system: 'System', light: 'Light', dark: 'Dark' };
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
    button.setAttribute('aria-label', `Theme: ${THEME_NAMES[theme]}. Switch to ${THEME_NAMES[next]}`);
    button.title = `Theme: ${THEME_NAMES[theme]}`;
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
    el('span', { class: 'mode-text' }, mock ? 'In-browser mock' : 'Live server'),
  );
  chip.title = mock ? 'Events come from the simulation in this tab. Switch to the server.' : 'Events come from the server over SSE. Switch to the in-browser mock.';
}

/** The parts every page shares; returns the provider. */
export function setupPage() {
  applyTheme(storedTheme());
  setupThemeToggle();
  setupModeChip();
  for (const link of document.querySelectorAll('a[data-page]')) link.href = pageHref(link.dataset.page);
  return setupProvider();
}

// ---- Formatting ------------------------------------------------------------------------------------

const percent = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export const format = {
  cpu: (value) => `${percent.format(value)} %`,
  memory: (value) => `${whole.format(value)} MB`,
  count: (value) => whole.format(value),
};
