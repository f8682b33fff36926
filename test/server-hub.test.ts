import { expect, fixture, html } from '@open-wc/testing';
import '../src/sse-provider/define.js';
import '../src/live-status-badge/define.js';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import { until } from './helpers.js';

// The hubs of test/server/hub-endpoints.mjs: the elements against the server helper itself.

/** The CORS hub, reached from another origin than the page's. */
const crossOrigin = `http://127.0.0.1:${location.port}/hub/cors/events`;

async function send(event: string, data: unknown, hub = 'cors'): Promise<void> {
  const response = await fetch(`/hub/${hub}/send`, { method: 'POST', body: JSON.stringify({ event, data }) });
  expect(response.ok).to.equal(true);
}

describe('a hub on another origin', () => {
  it('is reached with the fetch transport and an Authorization header; ?projects= narrows what arrives', async () => {
    expect(new URL(crossOrigin).origin).to.not.equal(location.origin);
    const provider = await fixture<SseProvider>(html`
      <sse-provider url="${crossOrigin}?projects=web-1" transport="fetch" .headers=${{ Authorization: 'Bearer good' }}>
        <live-status-badge project-id="web-1"></live-status-badge>
      </sse-provider>
    `);
    await until(() => provider.state === 'open', 'open across origins');
    await send('container_status_changed', { projectId: 'web-2', oldStatus: 'running', newStatus: 'error' });
    await send('container_status_changed', { projectId: 'web-1', oldStatus: 'stopped', newStatus: 'deploying' });
    await until(() => provider.store.getProject('web-1')?.status === 'deploying', 'web-1 arrived');
    expect(provider.store.getProject('web-2') === undefined).to.equal(true, 'web-2 was not asked for');
    const badge = provider.querySelector('live-status-badge')!;
    const label = () => badge.shadowRoot!.querySelector('[part~="label"]')?.textContent?.trim();
    await until(() => label() === 'Deploying', 'the badge shows it');
  });

  it('answers a wrong token with 401, and the provider stops and says so', async () => {
    const errors: { status?: number; willRetry: boolean }[] = [];
    const provider = await fixture<SseProvider>(html`
      <sse-provider url="${crossOrigin}" transport="fetch" .headers=${{ Authorization: 'Bearer stale' }}
        @sse-error=${(e: CustomEvent<{ status?: number; willRetry: boolean }>) => errors.push(e.detail)}></sse-provider>
    `);
    await until(() => errors.length > 0, 'an error');
    expect(errors[0].status).to.equal(401);
    expect(errors[0].willRetry).to.equal(false);
    expect(provider.state).to.equal('closed');
  });
});

describe('a hub that cannot resume a client', () => {
  it('sends no partial replay: the provider is reconciled by its snapshot-url, and the lines it missed come whole as history', async () => {
    const requests = async () => ((await (await fetch('/hub/short/status')).json()) as { projectRequests: number }).projectRequests;
    const before = await requests();
    const provider = await fixture<SseProvider>(html`<sse-provider url="/hub/short/events" snapshot-url="/hub/short/projects"></sse-provider>`);
    await until(() => provider.state === 'open', 'open');
    await until(async () => (await requests()) === before + 1, 'the snapshot on connect');
    await send('container_status_changed', { projectId: 'p1', oldStatus: 'stopped', newStatus: 'running' }, 'short');
    await until(() => provider.store.getProject('p1')?.status === 'running', 'live');
    provider.disconnect();
    // Away for more than the hub keeps (3 messages).
    for (let i = 0; i < 5; i++) await send('deployment_progress', { projectId: 'p2', message: `missed ${i}`, level: 'info' }, 'short');
    provider.reconnect();
    await until(async () => (await requests()) === before + 2, 'the snapshot again, on reconnect');
    await until(() => provider.store.getProject('p1')?.status === 'error', 'the snapshot applied');
    // What the hub kept of p2's deployment comes as a backfill: every line, marked as history, not
    // the tail a partial replay would have given.
    await until(() => provider.store.logs('p2').length === 5, 'the backfill');
    const lines = provider.store.logs('p2').toArray();
    expect(lines.map((entry) => entry.message)).to.deep.equal(['missed 0', 'missed 1', 'missed 2', 'missed 3', 'missed 4']);
    expect(lines.every((entry) => entry.history)).to.equal(true);
  });
});
