// Project details: indicator, alert by state, metrics (running only), logs and controls for one
// project, `project.html?id=<projectId>`.
import { avatar, el, mock, onLangChange, params, projectLink, setupPage, t } from './app.js';

const provider = setupPage();
const projectId = params.get('id') ?? '';

const projectSection = document.getElementById('project');
const notFound = document.getElementById('not-found');
const notFoundText = document.getElementById('not-found-text');
const nameNode = document.getElementById('project-name');
const crumb = document.getElementById('crumb');
const urlSlot = document.getElementById('project-url');
const avatarSlot = document.getElementById('avatar');
const alert = document.getElementById('alert');

// Before the library loads, so every element starts on the right project.
for (const id of ['badge', 'actions', 'alert', 'chart', 'logs']) document.getElementById(id).setAttribute('project-id', projectId);
document.getElementById('project-id').textContent = projectId;

// `?range=7d` opens the chart on a history range; the range the user picks is kept in the URL, so a
// reload or a shared link shows the same view.
const chart = document.getElementById('chart');
if (['24h', '7d', '30d'].includes(params.get('range'))) chart.setAttribute('range', params.get('range'));
chart.addEventListener('range-change', (event) => {
  const url = new URL(location.href);
  if (event.detail.range === 'live') url.searchParams.delete('range');
  else url.searchParams.set('range', event.detail.range);
  history.replaceState(null, '', url.href.replace(/([?&])mock=(?=&|$)/, '$1mock'));
});

let known = false;
let seenOnce = false;
let shownName;
let shownUrl;

/** Why the project is not shown, as a message key and its argument (so it follows the language). */
let missing;

function showNotFound(key, arg) {
  missing = { key, arg };
  projectSection.hidden = true;
  notFound.hidden = false;
  notFoundText.textContent = t(key, arg);
  crumb.textContent = t('project.notFoundCrumb');
  document.title = `${t('title.notFound')} · CloudDeploy`;
}

// Until the project is known, the placeholders in the page's language.
crumb.textContent = t('project.crumb');
nameNode.textContent = t('project.loading');
onLangChange(() => {
  if (missing && !notFound.hidden) showNotFound(missing.key, missing.arg);
  else if (shownName === undefined) {
    crumb.textContent = t('project.crumb');
    nameNode.textContent = t('project.loading');
  }
  if (shownUrl === undefined && seenOnce) urlSlot.replaceChildren(el('span', {}, t('card.noUrl')));
});

function render() {
  const store = provider.store;
  const project = store?.getProject(projectId);
  if (!project) {
    // Only a snapshot says a project is gone; before one arrives it may simply not be known yet.
    if (known) {
      known = false;
      showNotFound(seenOnce ? 'project.deleted' : 'project.noSuch', seenOnce ? (shownName ?? projectId) : projectId);
    }
    return;
  }
  known = true;
  seenOnce = true;
  projectSection.hidden = false;
  notFound.hidden = true;
  const name = project.name || projectId;
  if (name !== shownName) {
    shownName = name;
    nameNode.textContent = name;
    crumb.textContent = name;
    avatarSlot.replaceChildren(avatar(projectId, name, true));
    document.title = `${name} · CloudDeploy`;
  }
  if (project.url !== shownUrl) {
    shownUrl = project.url;
    urlSlot.replaceChildren(project.url ? projectLink(project.url, 'project-url') : el('span', {}, t('card.noUrl')));
    document.getElementById('actions').setAttribute('url', project.url ?? '');
  }
}

/**
 * The alert's details the stream only carries as they happen (why a project was shut down, its
 * last error, where a deployment under way has got to): for a page opened afterwards they come from
 * the REST API. The store's own, newer values take precedence inside the alert.
 */
async function loadDetails() {
  let response;
  try {
    if (mock) {
      const backend = provider.activeMockBackend;
      if (!backend) return;
      response = await backend.request('GET', `/projects/${encodeURIComponent(projectId)}`);
    } else {
      const answer = await fetch(`api/projects/${encodeURIComponent(projectId)}`, { headers: { Accept: 'application/json' } });
      response = { status: answer.status, body: answer.ok ? await answer.json() : null };
    }
  } catch {
    return;
  }
  const details = response.status === 200 ? response.body : null;
  const set = (name, value) => (typeof value === 'string' || typeof value === 'number' ? alert.setAttribute(name, String(value)) : alert.removeAttribute(name));
  set('reason', details?.reason);
  set('inactive-time', details?.inactiveTime);
  set('error-message', details?.lastError);
  const deploying = details?.status === 'deploying';
  set('step', deploying ? details.step : undefined);
  set('progress', deploying && Number.isFinite(details.progress) ? details.progress : undefined);
}

if (!projectId) {
  showNotFound('project.noId');
} else {
  provider.addEventListener('snapshot', () => {
    // A snapshot is the full list: if the project is not in it, it does not exist.
    known = true;
    render();
  });
  provider.addEventListener('sse-state-change', (event) => {
    if (event.detail.state === 'open') loadDetails();
  });
  provider.addEventListener('container-status-changed', (event) => {
    if (event.detail.projectId === projectId) loadDetails();
  });
  customElements.whenDefined('sse-provider').then(() => {
    provider.store.subscribe(projectId, render);
    render();
  });
}
