// Dashboard: a card per project, kept current from the provider's store — a project that appears
// on the stream gets a card, one a snapshot no longer lists loses it.
import { avatar, el, format, mock, onLangChange, pageHref, params, projectLink, setupPage, t } from './app.js';

const provider = setupPage();
/** `?view=compare`: one chart comparing the projects picked, instead of the cards. */
const comparing = params.get('view') === 'compare';
const list = document.getElementById('projects');
const summary = document.getElementById('summary');
const empty = document.getElementById('empty');

/** projectId → the card's nodes that change. */
const cards = new Map();
/** Until the stream has described the projects, the REST list stands in (first paint). */
let fromStore = false;
let restList = [];
/**
 * projectId → the REST API's details (why it was shut down, its last error, the step and progress of
 * a deployment under way): the stream only carries those as they happen, so for what happened before
 * the page opened they come from `GET /projects`.
 */
const restDetails = new Map();
/** Cards keep the order projects were first seen in, so they never jump around. */
const order = [];

/** The one-line live detail under a card's title, by status. */
function detailOf(project, details) {
  const nodes = [];
  const stat = (label, value) => el('span', { class: 'stat' }, label ? `${label} ` : '', el('b', {}, value));
  switch (project?.status) {
    case 'running': {
      const latest = project.metrics?.latest();
      if (!latest) return [t('card.waitingMetrics')];
      nodes.push(stat(t('card.cpu'), format.cpu(latest.cpu)), stat(t('card.memory'), format.memory(latest.memory)));
      if (latest.uptime) nodes.push(stat(t('card.up'), latest.uptime));
      return nodes;
    }
    case 'deploying': {
      // Until its next line, a deployment that began before the page opened is where the API says.
      const deployment = project.deployment ?? details?.deployment;
      const step = deployment?.step ?? t('card.preparing');
      return deployment?.progress === undefined ? [`${step}…`] : [`${step}…`, stat('', `${Math.round(deployment.progress)} %`)];
    }
    case 'stopped':
      return [t('card.stopped')];
    case 'inactive':
      return [project.autoShutdown?.reason ?? details?.reason ?? t('card.inactive')];
    case 'error':
      return [project.lastError?.message ?? details?.lastError ?? t('card.error')];
    default:
      return [t('card.waiting')];
  }
}

function createCard(projectId) {
  const titleLink = el('a', { class: 'card-name', href: pageHref('project.html', { id: projectId }) });
  const urlSlot = el('div', { class: 'card-url-slot' });
  const avatarSlot = el('span');
  const detail = el('p', { class: 'card-detail' });
  const badge = el('live-status-badge', { 'project-id': projectId });
  const actions = el('live-container-actions', { 'project-id': projectId });
  const detailsLink = el('a', { class: 'details-link', href: pageHref('project.html', { id: projectId }), 'aria-hidden': 'true', tabindex: '-1' }, t('card.details'));
  const root = el(
    'li',
    { class: 'card', 'data-project-id': projectId },
    el('div', { class: 'card-head' }, avatarSlot, el('div', { class: 'card-title' }, titleLink, urlSlot), badge),
    detail,
    el(
      'div',
      { class: 'card-foot' },
      actions,
      detailsLink,
    ),
  );
  return { root, titleLink, urlSlot, avatarSlot, detail, detailsLink, name: undefined, url: undefined, lang: undefined, badge };
}

function updateCard(card, projectId, { name, url }, project) {
  const shown = name || projectId;
  if (card.name !== shown) {
    card.name = shown;
    card.titleLink.textContent = shown;
    card.avatarSlot.replaceChildren(avatar(projectId, shown));
    card.root.setAttribute('aria-label', shown);
  }
  const lang = document.documentElement.lang;
  if (card.url !== url || card.lang !== lang) {
    card.url = url;
    card.lang = lang;
    card.urlSlot.replaceChildren(url ? projectLink(url, 'card-url') : el('span', { class: 'card-url' }, t('card.noUrl')));
    card.detailsLink.textContent = t('card.details');
  }
  card.detail.replaceChildren(...detailOf(project, restDetails.get(projectId)));
}

/** Makes the list match `entries` (in order), reusing the cards that stay. */
function reconcile(unordered) {
  const wanted = new Set(unordered.map((entry) => entry.projectId));
  for (const entry of unordered) if (!order.includes(entry.projectId)) order.push(entry.projectId);
  for (let i = order.length - 1; i >= 0; i--) if (!wanted.has(order[i])) order.splice(i, 1);
  const byId = new Map(unordered.map((entry) => [entry.projectId, entry]));
  const entries = order.map((id) => byId.get(id));
  for (const [id, card] of cards) {
    if (!wanted.has(id)) {
      card.root.remove();
      cards.delete(id);
    }
  }
  let previous = null;
  for (const entry of entries) {
    let card = cards.get(entry.projectId);
    if (!card) {
      card = createCard(entry.projectId);
      cards.set(entry.projectId, card);
    }
    updateCard(card, entry.projectId, entry, entry.project);
    const expected = previous ? previous.nextElementSibling : list.firstElementChild;
    if (expected !== card.root) list.insertBefore(card.root, expected);
    previous = card.root;
  }
  // The skeletons go with the first real content.
  for (const child of [...list.children]) if (!child.dataset.projectId) child.remove();
  list.removeAttribute('aria-busy');
  empty.hidden = entries.length > 0;
  list.hidden = entries.length === 0 || comparing;
  if (comparing) renderPicker(entries);
  const count = entries.length;
  summary.textContent = comparing ? t('compare.summary', mock) : `${t('projects.count', count)}, ${t('projects.live', mock)}`;
}

function render() {
  const store = provider.store;
  if (!store) return;
  if (!fromStore && store.size > 0) fromStore = true;
  if (!fromStore) {
    if (restList.length > 0) reconcile(restList.map((item) => ({ ...item, project: store.getProject(item.projectId) })));
    return;
  }
  reconcile(
    store.projectIds().map((projectId) => {
      const project = store.getProject(projectId);
      return { projectId, name: project.name, url: project.url, project };
    }),
  );
}

// The API's deployment is the one under way when it answered: any status change ends it.
provider.addEventListener('container-status-changed', (event) => {
  const details = restDetails.get(event.detail.projectId);
  if (details) details.deployment = undefined;
});

// A snapshot on the stream is the full list, even an empty one.
provider.addEventListener('snapshot', () => {
  fromStore = true;
  render();
});

/** `GET /projects`, from the server or, in mock mode, from the simulation in this tab. */
async function loadList() {
  let body;
  try {
    if (mock) {
      const backend = provider.activeMockBackend;
      if (!backend) return;
      const response = await backend.request('GET', '/projects');
      body = response.status === 200 ? response.body : null;
    } else {
      const response = await fetch('api/projects', { headers: { Accept: 'application/json' } });
      body = response.ok ? await response.json() : null;
    }
  } catch {
    // The stream's snapshot fills the list all the same.
    return;
  }
  const items = Array.isArray(body) ? body : Array.isArray(body?.projects) ? body.projects : [];
  restList = items.filter((item) => item && typeof item.projectId === 'string');
  restDetails.clear();
  for (const item of restList) {
    const deployment =
      item.status === 'deploying'
        ? { step: typeof item.step === 'string' ? item.step : undefined, progress: Number.isFinite(item.progress) ? item.progress : undefined }
        : undefined;
    restDetails.set(item.projectId, { reason: item.reason, lastError: item.lastError, deployment });
  }
  render();
}

// ---- Compare view -----------------------------------------------------------------------------------

const compareSection = document.getElementById('compare');
const compareOptions = document.getElementById('compare-options');
const compareHint = document.getElementById('compare-hint');
const compareChart = document.getElementById('compare-chart');
/** The projects picked, in the order they were picked; `?projects=a,b,c` or, at first, three of them. */
let picked = params.has('projects') ? params.get('projects').split(',').filter(Boolean) : undefined;
/** projectId → its checkbox and label. */
const options = new Map();

/** Keeps the view in the URL, so a reload or a shared link shows the same comparison. */
function saveView() {
  const url = new URL(location.href);
  url.searchParams.set('projects', picked.join(','));
  const range = compareChart.getAttribute('range');
  if (range && range !== 'live') url.searchParams.set('range', range);
  else url.searchParams.delete('range');
  history.replaceState(null, '', url.href.replace(/([?&])mock=(?=&|$)/, '$1mock'));
}

function applyPicked() {
  compareChart.setAttribute('project-ids', picked.join(' '));
  compareChart.hidden = picked.length === 0;
  compareHint.hidden = picked.length > 0;
  for (const [id, { input }] of options) input.checked = picked.includes(id);
}

/** One checkbox per project, in the cards' order; the first three running ones are picked at first. */
function renderPicker(entries) {
  if (!picked && entries.length > 0) {
    const running = entries.filter((entry) => entry.project?.status === 'running' || entry.status === 'running');
    picked = (running.length >= 2 ? running : entries).slice(0, 3).map((entry) => entry.projectId);
  }
  if (!picked) return;
  let previous = null;
  for (const entry of entries) {
    let option = options.get(entry.projectId);
    if (!option) {
      const input = el('input', { type: 'checkbox', value: entry.projectId });
      input.addEventListener('change', () => {
        picked = input.checked ? [...picked.filter((id) => id !== entry.projectId), entry.projectId] : picked.filter((id) => id !== entry.projectId);
        applyPicked();
        saveView();
      });
      const name = el('span');
      option = { input, name, root: el('label', { class: 'compare-option' }, input, name) };
      options.set(entry.projectId, option);
    }
    option.name.textContent = entry.name || entry.projectId;
    const expected = previous ? previous.nextElementSibling : compareOptions.firstElementChild;
    if (expected !== option.root) compareOptions.insertBefore(option.root, expected);
    previous = option.root;
  }
  for (const [id, option] of options) {
    if (entries.some((entry) => entry.projectId === id)) continue;
    option.root.remove();
    options.delete(id);
  }
  applyPicked();
}

if (comparing) {
  document.getElementById('nav-projects').removeAttribute('aria-current');
  document.getElementById('nav-compare').setAttribute('aria-current', 'page');
  document.querySelector('.page-head h1').dataset.i18n = 'title.compare';
  document.querySelector('.page-head h1').textContent = t('title.compare');
  compareSection.hidden = false;
  list.hidden = true;
  if (['live', '24h', '7d', '30d'].includes(params.get('range'))) compareChart.setAttribute('range', params.get('range'));
  compareChart.addEventListener('range-change', saveView);
}
document.getElementById('nav-compare').href = pageHref('index.html', { view: 'compare' });

/** The tab's title, in the page's language. */
function setTitle() {
  document.title = `${t(comparing ? 'title.compare' : 'title.dashboard')} · CloudDeploy`;
}
setTitle();
onLangChange(() => {
  setTitle();
  render();
});

if (!mock) loadList();
provider.addEventListener('sse-state-change', (event) => {
  if (event.detail.state === 'open') loadList();
});

customElements.whenDefined('sse-provider').then(() => {
  provider.store.subscribeAll(render);
  render();
});
