import { createContext } from '@lit/context';
import type { RestResponse } from '../core/rest.js';
import type { LiveStore } from '../core/store.js';

/** The answer of a REST call to the backend (or to the mock backend in mock mode). */
export type ServiceResponse = RestResponse;

/**
 * What a provider gives its descendants: a stable service, never data. Elements subscribe to the
 * slice of `store` they show.
 */
export interface LiveService {
  readonly store: LiveStore;
  /** Calls `method path` (path relative to the API base, e.g. `/containers/web/start`). */
  request(method: string, path: string, signal?: AbortSignal): Promise<ServiceResponse>;
  /**
   * How charts fetch history: the provider's `history-url` template (for charts without one of
   * their own), its credentials, and whether the mock backend answers instead of the network.
   */
  history?(): { url?: string; credentials: RequestCredentials; mock: boolean };
  /** Where the provider dispatches its DOM events (`sse-state-change`, `auto-shutdown`, …). */
  readonly events?: EventTarget;
}

export const liveContext = createContext<LiveService | undefined>(Symbol.for('live-elements/service'));
