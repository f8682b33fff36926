/**
 * What an HTTP answer says about rate limits: how long to wait (`Retry-After`), and the quota's
 * figures — the IETF `RateLimit` / `RateLimit-Policy` fields (draft-ietf-httpapi-ratelimit-headers)
 * or, when those are absent, the common `X-RateLimit-Limit` / `-Remaining` / `-Reset`.
 *
 * Loaded lazily, with the first answer of an action or with the fetch transport. Nonsense is never
 * passed on: a negative, fractional, unparsable or absurd value (a wait or a reset more than a day
 * away, more left than the limit) counts as absent.
 */
import { resetAt } from './protocol.js';
import type { RateLimitInfo } from './store.js';

/** The longest wait taken seriously, in seconds: anything longer is a broken header. */
const MAX_WAIT = 86_400;

/** What an answer says about limits. */
export interface ResponseLimits {
  /**
   * Seconds to wait before trying again: `Retry-After`, or on a `429` without one, until the
   * exhausted quota resets (`RateLimit`'s `t`, `X-RateLimit-Reset`). Undefined when it did not say.
   */
  retryAfter?: number;
  /** The quota's figures, when the answer carried sound ones. */
  rateLimit?: RateLimitInfo;
}

/** The response headers, or anything with their `get`. */
export interface HeaderSource {
  get(name: string): string | null;
}

/** `Retry-After` (delay-seconds or an HTTP date) as whole seconds from `now`; undefined when absent or nonsense. */
export function retryAfterOf(value: string | null | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  let seconds: number;
  if (/^\d{1,10}$/.test(text)) seconds = Number(text);
  else {
    // An HTTP date always names its month; `Date.parse` would take "12.5" for a date too.
    const time = /[a-z]{3}/i.test(text) ? Date.parse(text) : NaN;
    if (!Number.isFinite(time)) return undefined;
    seconds = Math.max(0, Math.ceil((time - now) / 1000));
  }
  return seconds <= MAX_WAIT ? seconds : undefined;
}

/** A whole number written as digits only, or undefined. */
function whole(value: string | null | undefined): number | undefined {
  const text = value?.trim();
  return text && /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

interface ListItem {
  name: string;
  params: Map<string, string>;
}

/**
 * The items of a structured-field list (RFC 8941) with their parameters, values as written (a
 * string's quotes and escapes undone). Undefined for a malformed list: a broken field counts as absent.
 */
export function parseList(text: string): ListItem[] | undefined {
  const items: ListItem[] = [];
  let i = 0;
  const space = () => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  const bare = (): string | undefined => {
    if (text[i] === '"') {
      let out = '';
      for (i++; i < text.length; ) {
        const c = text[i++]!;
        if (c === '"') return out;
        if (c === '\\') {
          const next = text[i++];
          if (next !== '"' && next !== '\\') return undefined;
          out += next;
        } else out += c;
      }
      return undefined;
    }
    const token = /^[^\s;,"=()]+/.exec(text.slice(i))?.[0];
    if (token) i += token.length;
    return token;
  };
  space();
  while (i < text.length) {
    const name = bare();
    if (name === undefined) return undefined;
    const params = new Map<string, string>();
    for (space(); text[i] === ';'; space()) {
      i++;
      space();
      const key = /^[a-z*][a-z0-9_.*-]*/.exec(text.slice(i))?.[0];
      if (!key) return undefined;
      i += key.length;
      let value = '?1';
      if (text[i] === '=') {
        i++;
        const given = bare();
        if (given === undefined) return undefined;
        value = given;
      }
      params.set(key, value);
    }
    items.push({ name, params });
    if (i >= text.length) break;
    if (text[i] !== ',') return undefined;
    i++;
    space();
    if (i >= text.length) return undefined;
  }
  return items;
}

/** Figures as read: `limit` may be unknown (a `RateLimit` item without its policy), `reset` too. */
interface Reading {
  limit?: number;
  remaining: number;
  reset?: number;
  policy?: string;
}

/** The IETF fields' readings, one per `RateLimit` item; none when the field is absent or malformed. */
function ietf(headers: HeaderSource, now: number): Reading[] {
  const items = parseList(headers.get('RateLimit') ?? '') ?? [];
  const policies = parseList(headers.get('RateLimit-Policy') ?? '') ?? [];
  const readings: Reading[] = [];
  for (const item of items) {
    const remaining = whole(item.params.get('r'));
    if (remaining === undefined) continue;
    const reading: Reading = { remaining, policy: item.name };
    const t = whole(item.params.get('t'));
    if (t !== undefined) reading.reset = resetAt(t, now);
    const quota = whole(policies.find((policy) => policy.name === item.name)?.params.get('q'));
    if (quota !== undefined) reading.limit = quota;
    readings.push(reading);
  }
  return readings;
}

/** The `X-RateLimit-*` reading, when `Remaining` is there. `Reset` is epoch seconds, or seconds from now (small values). */
function legacy(headers: HeaderSource, now: number): Reading | undefined {
  const remaining = whole(headers.get('X-RateLimit-Remaining'));
  if (remaining === undefined) return undefined;
  const reading: Reading = { remaining };
  const limit = whole(headers.get('X-RateLimit-Limit'));
  if (limit !== undefined) reading.limit = limit;
  const reset = whole(headers.get('X-RateLimit-Reset'));
  if (reset !== undefined) reading.reset = resetAt(reset, now);
  return reading;
}

/** Sound figures only: a limit of at least 1, no more left than the limit. */
function figures(reading: Reading, source: RateLimitInfo['source']): RateLimitInfo | undefined {
  const { limit, remaining } = reading;
  if (limit === undefined || limit < 1 || remaining > limit) return undefined;
  const info: RateLimitInfo = { limit, remaining, source };
  if (reading.reset !== undefined) info.reset = reading.reset;
  if (reading.policy !== undefined) info.policy = reading.policy;
  return info;
}

/**
 * Reads an answer's limits. The IETF fields win over `X-RateLimit-*` when both are there; of
 * several `RateLimit` items, the one with the fewest requests left is the one that binds.
 */
export function readLimits(headers: HeaderSource, status: number, source: RateLimitInfo['source'], now = Date.now()): ResponseLimits {
  const readings = ietf(headers, now);
  if (readings.length === 0) {
    const reading = legacy(headers, now);
    if (reading) readings.push(reading);
  }
  readings.sort((a, b) => a.remaining - b.remaining);
  const limits: ResponseLimits = {};
  for (const reading of readings) {
    const info = figures(reading, source);
    if (info) {
      limits.rateLimit = info;
      break;
    }
  }
  let retryAfter = retryAfterOf(headers.get('Retry-After'), now);
  if (retryAfter === undefined && status === 429) {
    // Refused with no Retry-After: the wait is until the exhausted quota resets.
    const reset = readings.find((reading) => reading.remaining === 0 && reading.reset !== undefined)?.reset;
    if (reset !== undefined) retryAfter = Math.ceil((reset - now) / 1000);
  }
  if (retryAfter !== undefined) limits.retryAfter = retryAfter;
  return limits;
}
