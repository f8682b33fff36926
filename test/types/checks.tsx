// What the typings must refuse, and what they must give. Each `@ts-expect-error` fails the check
// when its line compiles, so a prop typed `any` or a tag missing from JSX is caught here.
import type { LiveElementsEventMap } from '@clouddeploy/live-elements/react';
import type { LiveMetricsChart, SseProvider } from '@clouddeploy/live-elements';
import { useRef } from 'react';

export function Checks() {
  const provider = useRef<SseProvider>(null);
  return (
    <sse-provider ref={provider} mock reconnect-min={500} onsse-state-change={(event) => event.detail.state satisfies 'connecting' | 'open' | 'closed'}>
      {/* @ts-expect-error: `points` is a number */}
      <live-metrics-chart points="thirty" />
      {/* @ts-expect-error: not a property or attribute of the badge */}
      <live-status-badge projectid="api" />
      {/* @ts-expect-error: a status outside the protocol */}
      <live-status-badge status="sleeping" />
      {/* @ts-expect-error: `transport` is `eventsource` or `fetch` */}
      <sse-provider transport="websocket" />
      {/* @ts-expect-error: read-only, not a prop */}
      <live-logs-viewer following />
      {/* @ts-expect-error: the detail of `action-error` has no `code` */}
      <live-container-actions onaction-error={(event) => event.detail.code} />
      {/* @ts-expect-error: React 19 listens for `on` + the event name as written, not camel-cased */}
      <live-logs-viewer onLogsExport={() => {}} />
      <live-logs-viewer levels={['error', 'warning']} onlogs-export={(event) => event.detail.format} />
      <live-toast-region for="main-provider" position="top-end" />
      <live-metrics-chart ref={(chart: LiveMetricsChart | null) => chart?.refreshColors()} />
    </sse-provider>
  );
}

// Every event an element documents is typed from the event maps, not left as a bare `Event`.
type Untyped = { [K in keyof LiveElementsEventMap]: Event extends LiveElementsEventMap[K] ? K : never }[keyof LiveElementsEventMap];
export const everyEventTyped: [Untyped] extends [never] ? true : Untyped = true;
