import { expect } from '@open-wc/testing';
import type { SseProvider } from '../src/sse-provider/sse-provider.js';
import { until } from './helpers.js';

/** A same-origin frame stands in for a tab: it shares Web Locks and BroadcastChannel with the others. */
async function openTab(url: string, shared = true): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.src = `/test/fixtures/shared-tab.html?${shared ? 'shared&' : ''}url=${encodeURIComponent(url)}`;
  document.body.append(frame);
  await until(() => Boolean(providerOf(frame)?.store), 'the tab to load', 10000);
  return frame;
}

function providerOf(frame: HTMLIFrameElement): SseProvider | undefined {
  return (frame.contentWindow as (Window & { provider?: SseProvider }) | null)?.provider;
}

async function serverStatus(session: string): Promise<{ streams: number; open: number; resumeIds: string[] }> {
  return (await fetch(`/sse/status?session=${session}`)).json();
}

const messages = (provider: SseProvider) => provider.store.logs('p1').toArray().map((entry) => entry.message);
const expected = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

describe('<sse-provider shared>', () => {
  let frames: HTMLIFrameElement[] = [];
  afterEach(() => {
    for (const frame of frames) frame.remove();
    frames = [];
  });

  it('holds one connection for all tabs and hands over without losing or repeating events', async () => {
    const session = `shared${Math.random().toString(36).slice(2)}`;
    const url = `/sse/stream?session=${session}&count=150&interval=20`;
    frames = [await openTab(url), await openTab(url), await openTab(url)];
    const providers = frames.map((frame) => providerOf(frame)!);
    await until(() => providers.every((p) => p.state === 'open'), 'every tab to report open', 10000);
    await until(() => providers.every((p) => messages(p).length >= 20), 'events relayed to every tab', 10000);
    expect((await serverStatus(session)).streams, 'one stream for three tabs').to.equal(1);
    expect(providers.filter((p) => p.sharedRole === 'leader')).to.have.length(1);

    const leaderIndex = providers.findIndex((p) => p.sharedRole === 'leader');
    frames[leaderIndex]!.remove();
    const rest = providers.filter((_, i) => i !== leaderIndex);
    await until(() => rest.some((p) => p.sharedRole === 'leader'), 'a new leader', 10000);
    await until(() => rest.every((p) => messages(p).length === 150), 'every event in the remaining tabs', 15000);
    for (const provider of rest) expect(messages(provider)).to.deep.equal(expected(150));
    // Read now: a resumed stream sends on past line 150 while the status request is in flight.
    const applied = rest.map((provider) => provider.stats.applied);
    const server = await serverStatus(session);
    expect(server.streams).to.equal(2);
    expect(Number(server.resumeIds[1]), 'the new leader resumed from the last id').to.be.greaterThan(0);
    // What a tab got before it joined came with the leader's state; everything after, once each.
    for (const count of applied) expect(count).to.be.at.most(150).and.at.least(100);
  });

  it('gives a tab that joins late the current state', async () => {
    const session = `late${Math.random().toString(36).slice(2)}`;
    const url = `/sse/stream?session=${session}&count=5&interval=5`;
    frames = [await openTab(url)];
    const first = providerOf(frames[0]!)!;
    await until(() => messages(first).length === 5, 'the first tab to receive everything');
    frames.push(await openTab(url));
    const late = providerOf(frames[1]!)!;
    await until(() => messages(late).length === 5, 'the late tab to get the state');
    expect(messages(late)).to.deep.equal(expected(5));
    expect(late.state).to.equal('open');
    expect((await serverStatus(session)).streams).to.equal(1);
  });

  it('lets a follower detach with disconnect() without closing the others', async () => {
    const session = `detach${Math.random().toString(36).slice(2)}`;
    const url = `/sse/stream?session=${session}&count=100&interval=20`;
    frames = [await openTab(url), await openTab(url)];
    const [a, b] = frames.map((frame) => providerOf(frame)!) as [SseProvider, SseProvider];
    await until(() => a.state === 'open' && b.state === 'open', 'both open', 10000);
    const follower = a.sharedRole === 'follower' ? a : b;
    const leader = follower === a ? b : a;
    follower.disconnect();
    expect(follower.state).to.equal('closed');
    const before = messages(leader).length;
    await until(() => messages(leader).length > before + 5, 'the leader to go on receiving');
    expect(leader.state).to.equal('open');
  });

  it('connects each tab itself without `shared`', async () => {
    const session = `solo${Math.random().toString(36).slice(2)}`;
    const url = `/sse/stream?session=${session}&count=3`;
    frames = [await openTab(url, false), await openTab(url, false)];
    await until(() => frames.every((frame) => messages(providerOf(frame)!).length === 3), 'both tabs to receive');
    expect((await serverStatus(session)).streams).to.equal(2);
  });
});
