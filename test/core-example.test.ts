import { expect } from '@open-wc/testing';
import { until } from './helpers.js';

// The README's "Without an element" example, run as written against the demo server's stream.
describe('the README core example', () => {
  it('connects a LiveSession with no element and drives a UI of its own', async () => {
    const { seen } = await import('./fixtures/core-example/app.js');
    const { session } = await import('./fixtures/core-example/example.js');
    try {
      await until(() => session.state === 'open', 'the session to open', 10000);
      await until(() => seen.rendered.includes('running'), 'api-gateway to render', 10000);
      expect(seen.states.slice(0, 2)).to.deep.equal(['connecting', 'open']);
      expect(seen.logins).to.equal(0);
      expect(session.stats.applied).to.be.greaterThan(0);
      expect(document.querySelector('sse-provider'), 'no element involved').to.equal(null);
    } finally {
      session.disconnect();
    }
    expect(session.state).to.equal('closed');
    expect(seen.states.at(-1)).to.equal('closed');
  });
});
