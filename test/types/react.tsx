import '@clouddeploy/live-elements';
import type {} from '@clouddeploy/live-elements/react'; // JSX types for the tags
import { notify, redirectToLogin } from './app';

export function ProjectPage({ projectId, token }: { projectId: string; token: () => string }) {
  return (
    <sse-provider
      url="/api/containers/events"
      transport="fetch"
      headers={() => ({ Authorization: `Bearer ${token()}` })}
      onauto-shutdown={(event) => notify(`${event.detail.projectId} paused: ${event.detail.reason}`)}
      onsse-error={(event) => event.detail.status === 401 && redirectToLogin()}
    >
      <sse-indicator />
      <live-status-alert project-id={projectId} />
      <live-container-actions project-id={projectId} deletable
        onaction-error={(event) => console.warn(event.detail.message)} />
      <live-metrics-chart project-id={projectId} points={30} />
      <live-logs-viewer project-id={projectId} style={{ '--logs-height': '480px' }} />
    </sse-provider>
  );
}
