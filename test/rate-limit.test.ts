import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../src/live-container-actions/define.js';
import '../src/sse-provider/define.js';
import type { ActionErrorDetail, LiveContainerActions } from '../src/live-container-actions/live-container-actions.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import type { ConnectionError } from '../src/core/store.js';
import type { RateLimitEvent } from '../src/core/protocol.js';
import { parseList, readLimits, retryAfterOf } from '../src/core/rate-limit.js';
import { ManualClock, MockBackend } from '../src/mock/index.js';
import { frames, nextFrame, until } from './helpers.js';

const part = (el: HTMLElement, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
/** What the element's status says; `null` when it holds none (it has no wait to tell of). */
const said = (el: HTMLElement) => el.shadowRoot!.querySelector('[role="status"]')?.textContent!.trim() ?? null;
const uniqueSession = () => `limit-${Math.random().toString(36).slice(2)}`;
const NOW = Date.UTC(2026, 0, 1, 12);

/** Answers every `fetch` with `status` and `headers` for one test; `calls` counts the requests. */
function answerWith(status: number, headers: Record<string, string>, body: unknown = { error: 'Too many requests' }) {
  const original = window.fetch;
  let calls = 0;
  window.fetch = (async () => {
    calls += 1;
    return new Response(JSON.stringify(body), { status, statusText: status === 429 ? 'Too Many Requests' : 'OK', headers: { 'Content-Type': 'application/json', ...headers } });
  }) as typeof fetch;
  return { restore: () => (window.fetch = original), calls: () => calls };
}

/** Clicks Stop on a running element alone, resolves with the `action-error` (or success) it reports. */
async function clickStop(el: LiveContainerActions): Promise<CustomEvent<ActionErrorDetail>> {
  const reported = Promise.race([oneEvent(el, 'action-error'), oneEvent(el, 'action-success')]);
  part(el, 'stop')!.click();
  const event = (await reported) as CustomEvent<ActionErrorDetail>;
  await el.updateComplete;
  return event;
}

describe('rate limits: reading the headers', () => {
  const headers = (record: Record<string, string>) => new Headers(record);

  it('Retry-After: delay-seconds or an HTTP date; nonsense is absent', () => {
    expect(retryAfterOf('12', NOW)).to.equal(12);
    expect(retryAfterOf(' 0 ', NOW)).to.equal(0);
    expect(retryAfterOf(new Date(NOW + 90_500).toUTCString(), NOW)).to.equal(90);
    expect(retryAfterOf('Thu, 01 Jan 2026 11:00:00 GMT', NOW), 'a date past is now').to.equal(0);
    for (const nonsense of ['-5', '1.5', 'NaN', 'soon', '12.5', '86401', '99999999999', '', 'Thu, 01 Jan 2027 12:00:00 GMT', 'Thu, 32 Foo 2026']) {
      expect(retryAfterOf(nonsense, NOW), nonsense).to.equal(undefined);
    }
    expect(retryAfterOf(null, NOW)).to.equal(undefined);
  });

  it('structured lists: quoted names with escapes, tokens, parameters; a broken list is none', () => {
    expect(parseList('"a\\"b";r=1;t=2, burst ;q=5;w="60"')).to.deep.equal([
      { name: 'a"b', params: new Map([['r', '1'], ['t', '2']]) },
      { name: 'burst', params: new Map([['q', '5'], ['w', '60']]) },
    ]);
    expect(parseList('')).to.deep.equal([]);
    for (const broken of ['"open', 'a;R=1', 'a,', 'a b', 'a;r=', '"x";r="unterminated']) expect(parseList(broken), broken).to.equal(undefined);
  });

  it('the IETF fields: the policy gives the limit, the item with the fewest left binds', () => {
    const limits = readLimits(
      headers({ 'RateLimit-Policy': '"burst";q=100;w=60, "daily";q=1000;w=86400', RateLimit: '"burst";r=40;t=30, "daily";r=3;t=3600' }),
      200,
      'action',
      NOW,
    );
    expect(limits).to.deep.equal({ rateLimit: { limit: 1000, remaining: 3, reset: NOW + 3_600_000, policy: 'daily', source: 'action' } });
  });

  it('X-RateLimit-* when there are no IETF fields: Reset as epoch seconds, or seconds from now', () => {
    const epoch = readLimits(headers({ 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '7', 'X-RateLimit-Reset': String(NOW / 1000 + 20) }), 200, 'stream', NOW);
    expect(epoch.rateLimit).to.deep.equal({ limit: 60, remaining: 7, reset: NOW + 20_000, source: 'stream' });
    const relative = readLimits(headers({ 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '7', 'X-RateLimit-Reset': '20' }), 200, 'stream', NOW);
    expect(relative.rateLimit?.reset).to.equal(NOW + 20_000);
  });

  it('prefers the IETF fields when both are sent', () => {
    const both = readLimits(
      headers({ 'RateLimit-Policy': '"actions";q=10;w=10', RateLimit: '"actions";r=3;t=7', 'X-RateLimit-Limit': '99', 'X-RateLimit-Remaining': '98', 'X-RateLimit-Reset': '50' }),
      200,
      'action',
      NOW,
    );
    expect(both.rateLimit).to.deep.equal({ limit: 10, remaining: 3, reset: NOW + 7000, policy: 'actions', source: 'action' });
  });

  it('ignores nonsense figures, never passing them on', () => {
    const cases: Record<string, string>[] = [
      { 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '11' },
      { 'X-RateLimit-Limit': '0', 'X-RateLimit-Remaining': '0' },
      { 'X-RateLimit-Limit': '-10', 'X-RateLimit-Remaining': '1' },
      { 'X-RateLimit-Limit': 'ten', 'X-RateLimit-Remaining': '1' },
      { 'X-RateLimit-Limit': '10.5', 'X-RateLimit-Remaining': '1' },
      { 'X-RateLimit-Remaining': '1' },
      { 'RateLimit-Policy': '"a";q=10', RateLimit: '"a";r=NaN' },
      { 'RateLimit-Policy': '"a";q=10', RateLimit: '"a";r=1;t=3' + ',' },
      { RateLimit: '"a";r=1;t=3' },
    ];
    for (const record of cases) expect(readLimits(headers(record), 200, 'action', NOW).rateLimit, JSON.stringify(record)).to.equal(undefined);
    // A nonsense reset goes; the sound figures stay.
    const far = readLimits(headers({ 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '2', 'X-RateLimit-Reset': String(NOW / 1000 + 10 * 86_400) }), 200, 'action', NOW);
    expect(far.rateLimit).to.deep.equal({ limit: 10, remaining: 2, source: 'action' });
  });

  it('the wait of a 429: Retry-After, else until the exhausted quota resets; other statuses wait only on Retry-After', () => {
    const exhausted = { 'RateLimit-Policy': '"a";q=10;w=60', RateLimit: '"a";r=0;t=25' };
    expect(readLimits(headers({ ...exhausted, 'Retry-After': '9' }), 429, 'action', NOW).retryAfter).to.equal(9);
    expect(readLimits(headers(exhausted), 429, 'action', NOW).retryAfter).to.equal(25);
    expect(readLimits(headers({ 'X-RateLimit-Limit': '5', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(NOW / 1000 + 40) }), 429, 'action', NOW).retryAfter).to.equal(40);
    expect(readLimits(headers(exhausted), 200, 'action', NOW).retryAfter).to.equal(undefined);
    expect(readLimits(headers({ 'Retry-After': '30' }), 503, 'stream', NOW).retryAfter).to.equal(30);
    expect(readLimits(headers({ 'Retry-After': '-1' }), 429, 'action', NOW).retryAfter).to.equal(undefined);
  });
});

describe('rate limits: <live-container-actions> after a 429', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  it('pauses the buttons with a countdown from Retry-After, announces the start and the end, and re-enables them', async () => {
    const answer = answerWith(429, { 'Retry-After': '2' });
    restore = answer.restore;
    const el = await fixture<LiveContainerActions>(html`<live-container-actions project-id="web" status="running" url="https://web.example.com" api-base="/api"></live-container-actions>`);
    const texts: string[] = [];
    const started = performance.now();
    const { detail } = await clickStop(el);
    expect(detail).to.deep.equal({ projectId: 'web', action: 'stop', status: 429, message: 'Too many requests', retryAfter: 2 });

    const wait = part(el, 'wait')!;
    expect(wait.textContent!.trim()).to.equal('Try again in 2 s');
    expect(said(el)).to.equal('Too many requests. Try again in 2 s.');
    const status = el.shadowRoot!.querySelector('[role="status"]');
    const observer = new MutationObserver(() => texts.push(part(el, 'wait')?.textContent!.trim() ?? ''));
    observer.observe(el.shadowRoot!, { subtree: true, characterData: true, childList: true });
    for (const name of ['stop', 'refresh']) {
      expect(part(el, name)!.getAttribute('aria-disabled'), name).to.equal('true');
      expect(part(el, name)!.getAttribute('aria-describedby'), name).to.equal('wait');
    }
    expect(part(el, 'open')!.hasAttribute('aria-disabled'), 'Open makes no request: never paused').to.be.false;
    // Paused buttons keep focus and take no click.
    part(el, 'stop')!.focus();
    let fired = 0;
    el.addEventListener('container-action', () => (fired += 1));
    part(el, 'stop')!.click();
    expect(fired).to.equal(0);
    expect(el.shadowRoot!.activeElement === part(el, 'stop')).to.be.true;

    await until(() => part(el, 'wait') === null, 'the end of the wait', 4000);
    observer.disconnect();
    expect(performance.now() - started).to.be.at.least(1900);
    expect(part(el, 'stop')!.hasAttribute('aria-disabled')).to.be.false;
    expect(part(el, 'stop')!.hasAttribute('aria-describedby')).to.be.false;
    expect(said(el)).to.equal('You can try again now.');
    expect(el.shadowRoot!.querySelector('[role="status"]'), 'the status that said the start says the end, so it is heard').to.equal(status);
    // Once a second, each second once: 2 s, 1 s, gone.
    expect(texts.filter((text, i) => text !== texts[i - 1])).to.deep.equal(['Try again in 1 s', '']);
    expect(answer.calls()).to.equal(1);
    await clickStop(el);
    expect(answer.calls(), 'clickable again').to.equal(2);
  });

  it('says it in Spanish', async () => {
    const answer = answerWith(429, { 'Retry-After': '75' });
    restore = answer.restore;
    const wrapper = await fixture(html`<div lang="es"><live-container-actions project-id="web" status="running" api-base="/api"></live-container-actions></div>`);
    const el = wrapper.querySelector('live-container-actions')!;
    await el.updateComplete;
    await clickStop(el);
    expect(part(el, 'wait')!.textContent!.trim()).to.equal('Inténtalo de nuevo en 75 s');
    expect(said(el)).to.equal('Demasiadas solicitudes. Inténtalo de nuevo en 75 s.');
    el.remove();
  });

  it('waits until the quota resets when there is no Retry-After (RateLimit t, X-RateLimit-Reset), and for an HTTP date', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'RateLimit-Policy': '"actions";q=10;w=10', RateLimit: '"actions";r=0;t=7' }, 'Try again in 7 s'],
      [{ 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + 290) }, 'Try again in 5 min'],
      [{ 'Retry-After': new Date(Date.now() + 3 * 3_600_000 + 5000).toUTCString() }, 'Try again in 4 h'],
    ];
    for (const [headers, text] of cases) {
      const answer = answerWith(429, headers);
      try {
        const el = await fixture<LiveContainerActions>(html`<live-container-actions project-id="web" status="running" api-base="/api"></live-container-actions>`);
        await clickStop(el);
        expect(part(el, 'wait')?.textContent!.trim(), JSON.stringify(headers)).to.equal(text);
        el.remove();
      } finally {
        answer.restore();
      }
    }
  });

  it('never shows nonsense: a wait it cannot trust is a 5 s pause', async () => {
    for (const retryAfter of ['-5', 'NaN', 'soon', '999999999', 'Thu, 01 Jan 2099 00:00:00 GMT']) {
      const answer = answerWith(429, { 'Retry-After': retryAfter, 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '11' });
      try {
        const el = await fixture<LiveContainerActions>(html`<live-container-actions project-id="web" status="running" api-base="/api"></live-container-actions>`);
        const { detail } = await clickStop(el);
        expect(detail.retryAfter, retryAfter).to.equal(5);
        expect(part(el, 'wait')!.textContent!.trim(), retryAfter).to.equal('Try again in 5 s');
        el.remove();
      } finally {
        answer.restore();
      }
    }
  });

  it('an answer that is not a 429 pauses nothing, whatever its headers say', async () => {
    const answer = answerWith(409, { 'Retry-After': '30', 'RateLimit-Policy': '"a";q=5;w=60', RateLimit: '"a";r=0;t=30' }, { error: 'Conflict' });
    restore = answer.restore;
    const el = await fixture<LiveContainerActions>(html`<live-container-actions project-id="web" status="running" api-base="/api"></live-container-actions>`);
    const { detail } = await clickStop(el);
    expect(detail).to.deep.equal({ projectId: 'web', action: 'stop', status: 409, message: 'Conflict' });
    expect(part(el, 'wait')).to.equal(null);
    expect(part(el, 'stop')!.hasAttribute('aria-disabled')).to.be.false;
  });

  it('a paused Delete asks nothing', async () => {
    const answer = answerWith(429, { 'Retry-After': '30' });
    restore = answer.restore;
    const el = await fixture<LiveContainerActions>(html`<live-container-actions project-id="web" status="running" api-base="/api" deletable></live-container-actions>`);
    await clickStop(el);
    part(el, 'delete')!.click();
    await frames(3);
    expect(part(el, 'confirm')).to.equal(null);
    expect(part(el, 'delete')!.getAttribute('aria-disabled')).to.equal('true');
    el.remove();
  });

  it('in mock mode: the mock answers 429 past its limit; every element of the provider pauses; the figures reach the store', async () => {
    const clock = new ManualClock();
    const backend = new MockBackend({
      clock,
      autoplay: false,
      latency: 0,
      rateLimit: { limit: 1, windowMs: 3000 },
      projects: [
        { projectId: 'a', status: 'running' },
        { projectId: 'b', status: 'running' },
      ],
    });
    const provider = await fixture<SseProvider>(html`<sse-provider .mockBackend=${backend}>
      <live-container-actions project-id="a"></live-container-actions>
      <live-container-actions project-id="b"></live-container-actions>
    </sse-provider>`);
    await until(() => {
      clock.advance(1);
      return provider.state === 'open';
    }, 'the mock stream to open');
    await nextFrame();
    const [a, b] = [...provider.querySelectorAll('live-container-actions')];
    await a!.updateComplete;
    const events: RateLimitEvent[] = [];
    provider.addEventListener('rate-limit', (event) => events.push(event.detail));

    const ok = oneEvent(a!, 'action-success');
    part(a!, 'refresh')!.click();
    clock.advance(0);
    await ok;
    expect(provider.store.connection.rateLimit, 'a GET is not an action').to.equal(undefined);

    const stopped = oneEvent(a!, 'action-success');
    part(a!, 'stop')!.click();
    clock.advance(0);
    await stopped;
    expect(provider.store.connection.rateLimit).to.deep.include({ limit: 1, remaining: 0, policy: 'actions', source: 'action' });
    expect(events).to.deep.equal([{ limit: 1, remaining: 0, reset: 3 }]);

    clock.advance(1000);
    const refused = oneEvent(b!, 'action-error');
    part(b!, 'stop')!.click();
    clock.advance(0);
    const { detail } = (await refused) as CustomEvent<ActionErrorDetail>;
    expect(detail).to.deep.equal({ projectId: 'b', action: 'stop', status: 429, message: 'Too many requests: try again in 2 s', retryAfter: 2 });
    await nextFrame();
    await a!.updateComplete;
    await b!.updateComplete;
    // The limit is the viewer's: the other element pauses too, and says so without announcing it.
    for (const el of [a!, b!]) {
      expect(part(el, 'wait')?.textContent!.trim()).to.equal('Try again in 2 s');
      for (const button of el.shadowRoot!.querySelectorAll('[part~="button"]')) expect(button.getAttribute('aria-disabled')).to.equal('true');
    }
    expect(said(b!)).to.match(/^Too many requests/);
    expect(said(a!), 'only where the click was refused').to.equal(null);
    expect(backend.snapshot().projects.find((project) => project.projectId === 'b')!.status, 'a refused action changes nothing').to.equal('running');
    // One timer for every countdown on the page.
    const original = window.setTimeout;
    let timers = 0;
    window.setTimeout = ((callback: TimerHandler, ms?: number, ...rest: unknown[]) => {
      if ((ms ?? 0) >= 100) timers += 1;
      return original(callback, ms, ...rest);
    }) as typeof setTimeout;
    try {
      await until(() => part(a!, 'wait') === null && part(b!, 'wait') === null, 'both to resume', 4000);
    } finally {
      window.setTimeout = original;
    }
    expect(timers, 'one tick a second, shared').to.be.within(1, 3);
    expect(said(b!)).to.equal('You can try again now.');
    expect(said(a!)).to.equal(null);
  });

  for (const theme of ['light', 'dark']) {
    for (const lang of ['en', 'es']) {
      it(`is accessible while paused (${theme}, ${lang})`, async () => {
        const answer = answerWith(429, { 'Retry-After': '30' });
        try {
          const bg = theme === 'dark' ? '#0d1117' : '#ffffff';
          const wrapper = await fixture(
            html`<div theme=${theme} lang=${lang} style="padding:8px;background:${bg}"><live-container-actions project-id="web" status="running" url="https://web.example.com" api-base="/api" deletable></live-container-actions></div>`,
          );
          const el = wrapper.querySelector('live-container-actions')!;
          await clickStop(el);
          expect(part(el, 'wait')).to.not.equal(null);
          await expect(el).to.be.accessible();
          el.remove();
        } finally {
          answer.restore();
        }
      });
    }
  }
});

describe('rate limits: the stream', () => {
  const status = async (session: string) => (await (await fetch(`/sse/status?session=${session}`)).json()) as { times: number[]; answers: number[] };

  for (const transport of ['eventsource', 'fetch'] as const) {
    for (const code of [429, 503]) {
      it(`reconnects no sooner than Retry-After after a ${code} (${transport})`, async () => {
        const session = uniqueSession();
        const errors: ConnectionError[] = [];
        // A browser EventSource is refused once; the probe that asks why is the second request.
        const refuse = transport === 'eventsource' ? 2 : 1;
        const el = await fixture<SseProvider>(
          html`<sse-provider transport=${transport} reconnect-min="50" reconnect-max="100" url="/sse/limited?session=${session}&status=${code}&refuse=${refuse}&retryAfter=1" @sse-error=${(event: CustomEvent<ConnectionError>) => errors.push(event.detail)}></sse-provider>`,
        );
        await until(() => el.state === 'open' && el.store.logs('p1').length === 1, 'open after the wait', 5000);
        const seen = await status(session);
        expect(seen.answers).to.deep.equal(transport === 'eventsource' ? [code, code, 200] : [code, 200]);
        expect(errors).to.have.length(1);
        expect(errors[0]).to.include({ status: code, retryAfter: 1, willRetry: true });
        // Without Retry-After the backoff (≤ 100 ms) would have retried at once.
        const [refused, opened] = seen.times.slice(-2);
        expect(opened! - refused!).to.be.at.least(1000);
        const figures = el.store.connection.rateLimit;
        // The fetch transport sees the open stream's figures; the EventSource only the probe's.
        expect(figures).to.deep.include({ limit: 5, remaining: transport === 'fetch' ? 4 : 0, policy: 'stream', source: 'stream' });
        el.remove();
      });
    }
  }
});

describe('rate limits: the rate_limit event', () => {
  it('is validated, applied to the store, and fired as rate-limit; a bad one is rejected and counted, and the stream goes on', async () => {
    const clock = new ManualClock();
    const backend = new MockBackend({ clock, autoplay: false, latency: 0, projects: [{ projectId: 'web', status: 'running' }] });
    const provider = await fixture<SseProvider>(html`<sse-provider .mockBackend=${backend}></sse-provider>`);
    await until(() => {
      clock.advance(1);
      return provider.state === 'open';
    }, 'the mock stream to open');
    const fired: RateLimitEvent[] = [];
    const invalid: string[] = [];
    provider.addEventListener('rate-limit', (event) => fired.push(event.detail));
    provider.addEventListener('sse-invalid-event', (event) => invalid.push(event.detail.reason));
    const before = provider.stats;

    backend.emitRaw({ event: 'rate_limit', data: JSON.stringify({ limit: 10, remaining: 12, reset: 5 }) });
    backend.emitRaw({ event: 'rate_limit', data: JSON.stringify({ limit: 10, remaining: 1, reset: -5 }) });
    backend.emitRaw({ event: 'rate_limit', data: JSON.stringify({ limit: 10, reset: 5 }) });
    backend.emit('rate_limit', { projectId: 'web', limit: 10, remaining: 1, reset: 12 });
    const received = Date.now();

    expect(fired).to.deep.equal([{ projectId: 'web', limit: 10, remaining: 1, reset: 12 }]);
    expect(invalid).to.have.length(3);
    expect(invalid[2]).to.match(/missing field "remaining"/);
    const stats = provider.stats;
    expect(stats.received - before.received).to.equal(4);
    expect(stats.rejected - before.rejected).to.equal(3);
    expect(stats.applied - before.applied).to.equal(1);
    const record = provider.store.connection.rateLimit!;
    expect(record).to.deep.include({ projectId: 'web', limit: 10, remaining: 1, source: 'event' });
    expect(record.reset! - received).to.be.within(11_000, 12_000);
    // The stream goes on.
    backend.emit('container_status_changed', { projectId: 'web', oldStatus: 'running', newStatus: 'stopped', timestamp: new Date().toISOString() });
    expect(provider.store.getProject('web')!.status).to.equal('stopped');
  });
});
