// The provider's events reach the document and the window; the other entries carry types too.
import '@clouddeploy/live-elements';
import { LiveClient, LiveSession, LiveStore, type SessionEvent } from '@clouddeploy/live-elements/core';
import { SseProvider as BundledProvider } from '@clouddeploy/live-elements/bundle';

window.addEventListener('sse-error', (e) => e.detail.message);
document.addEventListener('container-status-changed', (e) => e.detail.projectId);
// @ts-expect-error: no such field on the detail
document.addEventListener('auto-shutdown', (e) => e.detail.nope);

const store: LiveStore = new LiveStore();
export const client = new LiveClient({ url: '/api/containers/events', store });
export const provider: BundledProvider = document.createElement('sse-provider');

// The session a framework host drives its own UI from.
export const session = new LiveSession({ url: '/api/containers/events', transport: 'fetch', headers: async () => ({ Authorization: 'Bearer t' }) });
session.listen((event: SessionEvent) => (event.kind === 'error' ? event.error.status : undefined));
// @ts-expect-error: the connection record changes only through the store's methods
session.store.connection.state = 'open';
