/**
 * When to try an LLM request again and how long to wait first: exponential back-off with jitter,
 * unless the server says how long (`retry-after-ms`, `retry-after` in seconds or as an HTTP date,
 * RFC 9110 §10.2.3).
 */

export interface BackoffPolicy {
  /** The first wait; doubled for every further retry. */
  baseMs: number;
  /** No computed wait is longer. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 8_000 };

/**
 * The wait before retry number `retry` (0-based): `base · 2^retry`, capped, then scaled into
 * [50 %, 100 %] by `random` so that parallel clients do not retry in lockstep.
 */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** retry);
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}

/** The server's requested wait in milliseconds, or undefined when it gave none (or nonsense). */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
