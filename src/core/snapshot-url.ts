/**
 * `snapshot-url`: the project list requested on every (re)connect to reconcile state. Loaded by the
 * clients that have one.
 */
import { validateProjectList, type Snapshot } from './protocol.js';

/** `GET url` as a snapshot; rejects with the reason when the answer is not a sound project list. */
export async function requestSnapshot(
  url: string,
  signal: AbortSignal,
  init: { withCredentials?: boolean; fetch?: typeof globalThis.fetch },
): Promise<Snapshot> {
  const fetch = init.fetch ?? globalThis.fetch.bind(globalThis);
  const credentials: RequestCredentials = init.withCredentials ? 'include' : 'same-origin';
  const response = await fetch(url, { signal, credentials, headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`answered HTTP ${response.status}`);
  const result = validateProjectList(await response.json());
  if (result.outcome !== 'valid' || result.event.type !== 'snapshot') throw new Error(result.outcome === 'valid' ? 'not a project list' : result.reason);
  return result.event.data;
}
