/**
 * When to try an LLM request again and how long to wait first: the shared backoff
 * (src/shared/retry.ts), unless the server says how long, in OpenAI's `retry-after-ms` header or
 * the standard `retry-after`.
 */
import { type BackoffPolicy, parseRetryAfter } from '../shared/retry.js';

export { type BackoffPolicy, backoffDelay } from '../shared/retry.js';

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 8_000 };

/** The server's requested wait in milliseconds, or undefined when it gave none (or nonsense). */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  return parseRetryAfter(headers.get('retry-after'), now);
}
