import { expect } from '@open-wc/testing';
import { mountLive } from '../src/testing/index.js';

describe('my hosting panel', () => {
  it('shows a deployment going live', async () => {
    const live = await mountLive(
      `<live-status-badge project-id="web"></live-status-badge>
       <live-logs-viewer project-id="web"></live-logs-viewer>`,
      { projects: [{ projectId: 'web', name: 'Web', status: 'stopped' }] },
    );
    const badge = live.provider.querySelector('live-status-badge')!;
    expect(badge.status).to.equal('stopped');

    live.emit('container_status_changed', { projectId: 'web', oldStatus: 'stopped', newStatus: 'deploying', timestamp: new Date().toISOString() });
    live.emit('deployment_progress', { projectId: 'web', message: 'Building image', level: 'info', timestamp: new Date().toISOString() });
    live.emit('container_status_changed', { projectId: 'web', oldStatus: 'deploying', newStatus: 'running', timestamp: new Date().toISOString() });
    await live.rendered();

    expect(badge.status).to.equal('running');
    const viewer = live.provider.querySelector('live-logs-viewer')!;
    expect(viewer.shadowRoot!.textContent).to.contain('Building image');

    // Bad input is dropped and counted; the stream goes on.
    live.emitRaw({ event: 'metrics_updated', data: '{not json' });
    expect(live.provider.stats.rejected).to.equal(1);

    live.remove();
  });
});
