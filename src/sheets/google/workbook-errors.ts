/**
 * The one place where Sheets API failures become `WorkbookError`s: which failures are worth a
 * retry, and, for the rest, a message a PM can act on (share the spreadsheet with this account,
 * check the spreadsheet id, wait for the quota), with the original error kept as `cause`.
 */
import { WorkbookError } from '../../shared/errors.js';
import { WorkbookChangedError } from '../sheet-store.js';
import { parseRetryAfter, RetriesExhaustedError, type RetryDecision } from './retry.js';

/** What the store was doing, for the message. */
export type ApiAction = 'open' | 'read' | 'write' | 'init';

export interface ErrorContext {
  spreadsheetId: string;
  action: ApiAction;
  /** The service account to share the spreadsheet with, when known. */
  account: string | null;
  /** Where the credentials come from (credentials.ts `description`). */
  credentials: string;
  /** The API's base URL, for network failures. */
  rootUrl: string;
}

/** A failed HTTP exchange with the API, as far as it can be read from the client's error. */
interface ApiFailure {
  /** The HTTP status; undefined when no answer arrived (network failure, timeout). */
  status: number | undefined;
  /** Google's `error.status` (`PERMISSION_DENIED`, `RESOURCE_EXHAUSTED`, …). */
  googleStatus: string | undefined;
  reason: string | undefined;
  message: string;
  retryAfterMs: number | undefined;
}

/**
 * Reads a failure of the googleapis client (a GaxiosError: it has `config`, and `response` when the
 * server answered). Anything else (a bug, our own errors) is not an API failure: null.
 */
function apiFailureOf(error: unknown): ApiFailure | null {
  if (!(error instanceof Error) || !('config' in error)) return null;
  const response = (error as { response?: { status?: number; data?: unknown; headers?: unknown } }).response;
  const body = (response?.data as { error?: unknown } | undefined)?.error;
  const googleError =
    typeof body === 'object' && body !== null
      ? (body as { message?: string; status?: string; errors?: { reason?: string }[] })
      : undefined;
  const code = (error as { code?: unknown }).code;
  // The client abandons a request at its timeout by aborting it; say so plainly.
  const timedOut = response === undefined && /aborted|timed? ?out/i.test(error.message);
  return {
    status: response?.status,
    googleStatus: googleError?.status,
    reason: googleError?.errors?.[0]?.reason,
    message: timedOut
      ? 'no answer before the timeout'
      : (googleError?.message ??
        (typeof body === 'string' ? body : undefined) ??
        (typeof code === 'string' && !error.message.includes(code)
          ? `${code}: ${error.message}`
          : error.message)),
    retryAfterMs: parseRetryAfter(headerOf(response?.headers, 'retry-after')),
  };
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Statuses Google documents as passing: quota (429), server errors, timeouts. */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** The older per-user quota errors arrive as 403 with these reasons. */
const QUOTA_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

export function classifyFailure(error: unknown): RetryDecision {
  const failure = apiFailureOf(error);
  if (!failure) return { retry: false };
  if (failure.status === undefined) return { retry: true };
  if (RETRYABLE_STATUSES.has(failure.status) || isQuotaFailure(failure)) {
    return failure.retryAfterMs === undefined
      ? { retry: true }
      : { retry: true, retryAfterMs: failure.retryAfterMs };
  }
  return { retry: false };
}

function isQuotaFailure(failure: ApiFailure): boolean {
  return (
    failure.status === 429 ||
    failure.googleStatus === 'RESOURCE_EXHAUSTED' ||
    (failure.reason !== undefined && QUOTA_REASONS.has(failure.reason))
  );
}

const VERBS: Record<ApiAction, string> = {
  open: 'open',
  read: 'read',
  write: 'write to',
  init: 'add tabs and columns to',
};

/** What became of the spreadsheet, said at the end of every failure message. */
function outcome(action: ApiAction): string {
  if (action === 'write') {
    return 'Google applies each request completely or not at all, and a rerun writes only what is still missing: run again to finish.';
  }
  if (action === 'init') {
    return 'Google applies each change request completely or not at all, so the spreadsheet holds either all of this change or none of it; run again to finish (a rerun writes only what is still missing).';
  }
  return 'Nothing was changed.';
}

/** Translates a failure; our own errors and bugs pass through unchanged. */
export function toWorkbookError(error: unknown, context: ErrorContext): Error {
  if (error instanceof WorkbookError || error instanceof WorkbookChangedError) return error;
  if (error instanceof RetriesExhaustedError) return exhaustedError(error, context);
  const failure = apiFailureOf(error);
  if (!failure) return error instanceof Error ? error : new Error(String(error));
  return new WorkbookError(messageFor(failure, context), { cause: error });
}

function messageFor(failure: ApiFailure, context: ErrorContext): string {
  const { spreadsheetId, action } = context;
  const verb = VERBS[action];
  switch (failure.status) {
    case 403: {
      const who = context.account ?? `the Google account of ${context.credentials}`;
      return `productops cannot ${verb} spreadsheet ${spreadsheetId}: share it with ${who} (Editor). Google said: ${failure.message}`;
    }
    case 404:
      return (
        `There is no Google spreadsheet with the id ${spreadsheetId} (Google said: ${failure.message}). ` +
        'Check "spreadsheetId" in the config: it is the long part of the address between /d/ and /edit.'
      );
    case 401:
      return `Google did not accept the credentials from ${context.credentials} (401: ${failure.message}). ${
        context.credentials.includes('ACCESS_TOKEN')
          ? 'The token may have expired: get a new one.'
          : 'Check GOOGLE_APPLICATION_CREDENTIALS.'
      }`;
    case 400:
      if (/not supported for this document/i.test(failure.message)) {
        return `Spreadsheet ${spreadsheetId} is an uploaded Excel file, not a Google Sheet. Open it in Google Sheets and use File → Save as Google Sheets, then use the new id.`;
      }
      return `Google Sheets refused to ${verb} spreadsheet ${spreadsheetId}: ${failure.message}. ${outcome(action)}`;
    case undefined:
      return `Could not reach Google Sheets at ${context.rootUrl} to ${verb} spreadsheet ${spreadsheetId}: ${failure.message}. ${outcome(action)}`;
    default:
      return `Google Sheets failed to ${verb} spreadsheet ${spreadsheetId} (${failure.status}: ${failure.message}). ${outcome(action)}`;
  }
}

function exhaustedError(error: RetriesExhaustedError, context: ErrorContext): WorkbookError {
  const failure = apiFailureOf(error.lastError);
  const verb = VERBS[context.action];
  const tries = `${error.attempts} attempt${error.attempts === 1 ? '' : 's'} over ${Math.round(error.waitedMs / 1000)} s of waiting`;
  let what: string;
  if (failure && isQuotaFailure(failure)) {
    const asked =
      error.nextWaitMs !== undefined && error.nextWaitMs > 0
        ? ` (Google asked to wait ${Math.ceil(error.nextWaitMs / 1000)} s more)`
        : '';
    what = `the Google Sheets quota is used up${asked}; wait a minute and run again`;
  } else if (failure?.status === undefined) {
    what = `Google Sheets at ${context.rootUrl} did not answer (${failure?.message ?? String(error.lastError)})`;
  } else {
    what = `Google Sheets kept failing (${failure.status}: ${failure.message})`;
  }
  return new WorkbookError(
    `Could not ${verb} spreadsheet ${context.spreadsheetId} after ${tries}: ${what}. ${outcome(context.action)}`,
    { cause: error.lastError },
  );
}

/** The HTTP status of a failed request (of its last attempt, after retries); undefined without an answer. */
export function statusOf(error: unknown): number | undefined {
  const failure = apiFailureOf(error instanceof RetriesExhaustedError ? error.lastError : error);
  return failure?.status;
}
