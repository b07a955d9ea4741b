/**
 * Retrying a Sheets API request that failed for a passing reason (429 quota, 5xx, a timeout, a
 * dropped connection), as Google asks: truncated exponential backoff with jitter, honouring
 * `Retry-After` (Sheets API usage limits, "Resolve time-based quota errors"). Bounded twice: by a
 * number of attempts and by the total time spent waiting, so a run fails clearly instead of hanging.
 * The backoff and `Retry-After` parsing are the shared ones (src/shared/retry.ts).
 */
import { backoffDelay } from '../../shared/retry.js';

export { parseRetryAfter } from '../../shared/retry.js';

export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  maxAttempts: number;
  /** Wait before the second attempt; doubled for each later one (default 1 s). */
  initialDelayMs: number;
  /** Cap on one wait, backoff only (default 16 s); a longer `Retry-After` is still honoured. */
  maxDelayMs: number;
  /** Cap on all waits of one request together (default 30 s); past it, the request fails. */
  maxTotalDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 1_000,
  maxDelayMs: 16_000,
  maxTotalDelayMs: 30_000,
};

/** Whether a failure may pass if the same request is sent again, and how long Google asked to wait. */
export type RetryDecision = { retry: false } | { retry: true; retryAfterMs?: number };

export interface RetryContext {
  policy: RetryPolicy;
  classify(error: unknown): RetryDecision;
  sleep(ms: number): Promise<void>;
  /** In [0, 1): the jitter source, passed in so tests are repeatable. */
  random(): number;
}

/** The request kept failing for a passing reason; `lastError` is the last failure. */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  constructor(
    readonly attempts: number,
    readonly waitedMs: number,
    readonly lastError: unknown,
    /** Set when the next wait (often a `Retry-After`) would have passed the time budget. */
    readonly nextWaitMs?: number,
  ) {
    super(`gave up after ${attempts} attempts`, { cause: lastError });
  }
}

export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  context: RetryContext,
): Promise<T> {
  const { policy } = context;
  let waitedMs = 0;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      const decision = context.classify(error);
      if (!decision.retry) throw error;
      if (attemptNumber >= policy.maxAttempts)
        throw new RetriesExhaustedError(attemptNumber, waitedMs, error);
      const delayMs = retryDelay(attemptNumber, decision.retryAfterMs, context);
      if (waitedMs + delayMs > policy.maxTotalDelayMs) {
        throw new RetriesExhaustedError(attemptNumber, waitedMs, error, delayMs);
      }
      await context.sleep(delayMs);
      waitedMs += delayMs;
    }
  }
}

/** The shared backoff after `failedAttempt` (1-based), never shorter than `Retry-After`. */
function retryDelay(failedAttempt: number, retryAfterMs: number | undefined, context: RetryContext): number {
  const { policy } = context;
  const backoff = backoffDelay(
    failedAttempt - 1,
    { baseMs: policy.initialDelayMs, capMs: policy.maxDelayMs },
    context.random,
  );
  return Math.max(backoff, retryAfterMs ?? 0);
}

export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
