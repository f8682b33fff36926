// webhooks.html: what the demo server's own webhook receiver got, and every delivery attempt,
// polled from `GET webhooks/log` once a second. Built with DOM APIs and `textContent` only: nothing
// from the network is parsed as HTML.
import { el, lang, onLangChange, setupPage } from './app.js';

const POLL_MS = 1000;

const TEXT = {
  en: {
    nav: 'Webhooks',
    title: 'Webhooks',
    intro:
      "Critical events — a project in error, an error line of a deployment, an automatic shutdown — are sent to this demo's own receiver, signed as the Standard Webhooks specification says. The receiver checks every signature.",
    sendTest: 'Send a test event',
    sending: 'Sending…',
    failing: 'The receiver answers 503',
    received: 'Received',
    attempts: 'Delivery attempts',
    colTime: 'Time',
    colEvent: 'Event',
    colProject: 'Project',
    colWhat: 'What happened',
    colSignature: 'Signature',
    colAnswer: 'Answer',
    colAttempt: 'Attempt',
    colOutcome: 'Outcome',
    colResult: 'Status or error',
    colDuration: 'Took',
    colNext: 'Next attempt',
    footer: 'Sent by',
    footerReceiver: 'received at',
    verified: 'Verified',
    rejected: 'Rejected',
    duplicate: 'again (same webhook-id)',
    noneReceived: 'Nothing yet: critical events appear here as they happen. Send a test event to see one now.',
    noneAttempted: 'No attempt yet.',
    endpoint: (url) => `At ${url}`,
    schedule: (steps) => `Retries on network errors, timeouts, 5xx and 429: ${steps} (shortened for the demo; the library's default spreads about a day).`,
    off: 'Webhooks are off in this demo: it runs as a cluster on Redis, or is not listening.',
    unreachable: 'The demo server does not answer; retrying…',
    sent: (id) => `Test event ${id} sent.`,
    notSent: (reason) => `The test event was not sent: ${reason}`,
    stats: (s) =>
      `${s.delivered} delivered · ${s.failedAttempts} failed attempts · ${s.retries} retries · ${s.queued + s.inFlight} waiting${s.failing ? ' · the endpoint is failing' : ''}`,
    outcomes: { delivered: 'delivered', retrying: 'will retry', rejected: 'rejected', 'gave-up': 'gave up', dropped: 'dropped', aborted: 'aborted' },
    once: 'at once',
  },
  es: {
    nav: 'Webhooks',
    title: 'Webhooks',
    intro:
      'Los eventos críticos — un proyecto en error, una línea de error de un despliegue, un apagado automático — se envían al receptor de esta demo, firmados según la especificación Standard Webhooks. El receptor comprueba cada firma.',
    sendTest: 'Enviar un evento de prueba',
    sending: 'Enviando…',
    failing: 'El receptor responde 503',
    received: 'Recibidos',
    attempts: 'Intentos de entrega',
    colTime: 'Hora',
    colEvent: 'Evento',
    colProject: 'Proyecto',
    colWhat: 'Qué pasó',
    colSignature: 'Firma',
    colAnswer: 'Respuesta',
    colAttempt: 'Intento',
    colOutcome: 'Resultado',
    colResult: 'Estado o error',
    colDuration: 'Duración',
    colNext: 'Próximo intento',
    footer: 'Enviados por',
    footerReceiver: 'recibidos en',
    verified: 'Verificada',
    rejected: 'Rechazada',
    duplicate: 'de nuevo (mismo webhook-id)',
    noneReceived: 'Nada todavía: los eventos críticos aparecen aquí cuando ocurren. Envía un evento de prueba para ver uno ya.',
    noneAttempted: 'Ningún intento todavía.',
    endpoint: (url) => `En ${url}`,
    schedule: (steps) => `Reintentos ante errores de red, tiempos agotados, 5xx y 429: ${steps} (acortados para la demo; por defecto la biblioteca los reparte en un día).`,
    off: 'Los webhooks están desactivados en esta demo: funciona como clúster sobre Redis, o no está escuchando.',
    unreachable: 'El servidor de la demo no responde; reintentando…',
    sent: (id) => `Evento de prueba ${id} enviado.`,
    notSent: (reason) => `El evento de prueba no se envió: ${reason}`,
    stats: (s) =>
      `${s.delivered} entregados · ${s.failedAttempts} intentos fallidos · ${s.retries} reintentos · ${s.queued + s.inFlight} en espera${s.failing ? ' · el destino está fallando' : ''}`,
    outcomes: { delivered: 'entregado', retrying: 'se reintentará', rejected: 'rechazado', 'gave-up': 'abandonado', dropped: 'descartado', aborted: 'interrumpido' },
    once: 'al momento',
  },
};

const text = (key, ...args) => {
  const value = TEXT[lang]?.[key] ?? TEXT.en[key];
  return typeof value === 'function' ? value(...args) : value;
};

const clock = () => new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A delay of the schedule: "at once", "2 s", "1 min". */
function delay(ms) {
  if (ms === 0) return text('once');
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}

/** How long an attempt took. */
function took(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`;
}

const nodes = {
  status: document.getElementById('status'),
  endpoint: document.getElementById('endpoint'),
  stats: document.getElementById('stats'),
  received: document.getElementById('received'),
  attempts: document.getElementById('attempts'),
  sendTest: document.getElementById('send-test'),
  failing: document.getElementById('failing'),
};

let last;
let lastText;
let note;

function verdict(good, label, kind = good ? 'good' : 'bad') {
  return el('span', { class: `verdict ${kind}` }, el('span', { 'aria-hidden': 'true' }, kind === 'good' ? '✓' : kind === 'bad' ? '✗' : '↻'), label);
}

function emptyRow(columns, message) {
  return el('tr', { class: 'empty-row' }, el('td', { colspan: columns }, message));
}

function render() {
  for (const node of document.querySelectorAll('[data-text]')) node.textContent = text(node.dataset.text);
  if (!last) return;
  const format = clock();
  if (!last.enabled) nodes.status.textContent = text('off');
  else nodes.status.textContent = note ?? text('schedule', last.schedule.map(delay).join(', '));
  nodes.endpoint.textContent = last.endpoint ? text('endpoint', last.endpoint) : '';
  nodes.stats.textContent = last.stats ? text('stats', last.stats) : '';
  nodes.failing.checked = last.failing;
  nodes.sendTest.disabled = !last.enabled;

  nodes.received.replaceChildren(
    ...(last.received.length === 0
      ? [emptyRow(7, text('noneReceived'))]
      : last.received.map((entry) =>
          el(
            'tr',
            {},
            el('td', { class: 'time' }, format.format(new Date(entry.receivedAt))),
            el('td', {}, entry.type ?? '—'),
            el('td', {}, entry.projectId ?? '—'),
            el('td', {}, entry.summary ?? entry.error ?? ''),
            el('td', { class: 'id' }, entry.id || '—'),
            el('td', {}, entry.verified ? verdict(true, text('verified')) : verdict(false, text('rejected'))),
            el('td', {}, `${entry.answered}${entry.duplicate ? ` · ${text('duplicate')}` : ''}`),
          ),
        )),
  );

  const outcomes = text('outcomes');
  nodes.attempts.replaceChildren(
    ...(last.attempts.length === 0
      ? [emptyRow(8, text('noneAttempted'))]
      : last.attempts.map((attempt) =>
          el(
            'tr',
            {},
            el('td', { class: 'time' }, format.format(new Date(attempt.time))),
            el('td', {}, attempt.event),
            el('td', { class: 'id' }, attempt.messageId),
            el('td', {}, String(attempt.attempt)),
            el(
              'td',
              {},
              verdict(attempt.outcome === 'delivered', outcomes[attempt.outcome] ?? attempt.outcome, attempt.outcome === 'delivered' ? 'good' : attempt.outcome === 'retrying' ? 'wait' : 'bad'),
            ),
            el('td', {}, attempt.status !== undefined ? String(attempt.status) : (attempt.error ?? '')),
            el('td', {}, took(attempt.durationMs)),
            el('td', { class: 'time' }, attempt.nextRetryAt ? format.format(new Date(attempt.nextRetryAt)) : '—'),
          ),
        )),
  );
}

async function poll() {
  try {
    const response = await fetch('webhooks/log', { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(String(response.status));
    const body = await response.text();
    if (body !== lastText) {
      lastText = body;
      last = JSON.parse(body);
      render();
    }
  } catch {
    nodes.status.textContent = text('unreachable');
    lastText = undefined;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(typeof answer.error === 'string' ? answer.error : String(response.status));
  return answer;
}

nodes.sendTest.addEventListener('click', async () => {
  nodes.sendTest.disabled = true;
  nodes.sendTest.textContent = text('sending');
  try {
    const { id } = await post('webhooks/test');
    note = text('sent', id);
  } catch (error) {
    note = text('notSent', error.message);
  } finally {
    nodes.sendTest.textContent = text('sendTest');
    nodes.sendTest.disabled = !last?.enabled;
    render();
  }
});

nodes.failing.addEventListener('change', async () => {
  try {
    await post('webhooks/receiver-mode', { failing: nodes.failing.checked });
  } catch (error) {
    note = error.message;
    nodes.failing.checked = !nodes.failing.checked;
    render();
  }
});

setupPage();
onLangChange(() => {
  document.title = `${text('title')} · CloudDeploy`;
  render();
});
document.title = `${text('title')} · CloudDeploy`;
render();
void poll();
