import { expect } from '@open-wc/testing';
import { mountLive } from '../src/testing/index.js';
import type { LiveContainerActions } from '../src/live-container-actions/live-container-actions.js';

describe('@clouddeploy/live-elements/testing', () => {
  it('mounts under an open provider and closes the stream on remove()', async () => {
    const live = await mountLive('<sse-indicator></sse-indicator>');
    expect(live.provider.state).to.equal('open');
    expect(live.provider.querySelector('sse-indicator')!.state).to.equal('open');
    expect(live.backend.connections).to.equal(1);
    live.remove();
    expect(live.backend.connections).to.equal(0);
  });

  it('sets provider attributes and accepts a node as content', async () => {
    const badge = document.createElement('live-status-badge');
    badge.setAttribute('project-id', 'a');
    const live = await mountLive(badge, { attributes: { 'log-limit': '3' }, projects: [{ projectId: 'a', status: 'error' }] });
    expect(live.provider.logLimit).to.equal(3);
    expect(badge.status).to.equal('error');
    for (let i = 0; i < 5; i++) live.emit('deployment_progress', { projectId: 'a', message: `m${i}`, level: 'info', timestamp: new Date().toISOString() });
    expect(live.provider.store.logs('a').length).to.equal(3);
    expect(live.provider.stats.dropped).to.equal(2);
    live.remove();
  });

  it('emits raw frames without ids, and duplicates by id are dropped', async () => {
    const live = await mountLive();
    const before = live.provider.stats.applied; // the first snapshot
    const data = JSON.stringify({ projectId: 'a', oldStatus: 'stopped', newStatus: 'running', timestamp: '2026-01-01T00:00:00Z' });
    live.emitRaw({ event: 'container_status_changed', data, id: 'x1' });
    live.emitRaw({ event: 'container_status_changed', data, id: 'x1' });
    live.emitRaw({ event: 'container_status_changed', data, id: null });
    expect(live.provider.stats.applied - before).to.equal(2);
    expect(live.provider.stats.duplicates).to.equal(1);
    live.remove();
  });

  it('drives REST actions with advance()', async () => {
    const live = await mountLive('<live-container-actions project-id="docs"></live-container-actions>', {
      projects: [{ projectId: 'docs', status: 'stopped' }],
    });
    const actions = live.provider.querySelector('live-container-actions') as LiveContainerActions;
    const done = new Promise((resolve) => actions.addEventListener('action-success', resolve, { once: true }));
    (actions.shadowRoot!.querySelector('[part~="start"]') as HTMLElement).click();
    live.advance(1);
    await done;
    await live.rendered();
    expect(live.provider.store.getProject('docs')?.status).to.equal('deploying');
    live.remove();
  });
});
