/**
 * Waiting before a retry, for every remote service productops calls (the LLM, the Sheets API):
 * truncated exponential backoff with "equal jitter" (half the step, plus a random part of the other
 * half, so clients that failed together do not retry together), and the server's `Retry-After`
 * (RFC 9110 §10.2.3: seconds, or an HTTP date).
 */

export interface BackoffPolicy {
  /** The first wait; doubled for every further retry. */
  baseMs: number;
  /** No computed wait is longer. */
  capMs: number;
}

/**
 * The wait before retry number `retry` (0-based): `base · 2^retry`, capped, then scaled into
 * [50 %, 100 %] by `random` (in [0, 1)).
 */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** retry);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A `Retry-After` value in milliseconds from `now`; undefined when absent or meaningless. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
