/**
 * The subset of a chat-completions LLM that the suggestion jobs need: one structured question in,
 * one validated answer (or a named failure) out.
 *
 * Implementations (`OpenAiLlmClient`, test fakes) never throw for anything the LLM or its server
 * does — a timeout, a 429, malformed JSON, an answer of the wrong shape — they return it as a
 * failure with a plain-English message, so one bad call never stops a run. They throw only for
 * programming errors. Messages never contain the API key.
 */
import type { ZodType } from 'zod';

/** What a call is for; recorded in `llm_calls.purpose`. */
export type LlmPurpose = 'suggest_math_model' | 'suggest_param_metadata';

/** A turn after the system message. */
export interface LlmMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface LlmRequest<T> {
  purpose: LlmPurpose;
  system: string;
  /** Earlier turns (e.g. the LLM's first answer before a correction), placed before `user`. */
  history?: readonly LlmMessage[];
  user: string;
  /** The answer's shape: sent as a JSON schema (or described in the prompt) and re-validated. */
  schema: ZodType<T>;
  /** The JSON schema's name, `^[a-zA-Z0-9_-]+$` (an OpenAI requirement). */
  schemaName: string;
}

/**
 * How structured output was asked for. `json_schema` is preferred; `json_object` (the schema
 * described in the prompt) is the fallback for servers without JSON-schema support.
 */
export type LlmResponseFormat = 'json_schema' | 'json_object';

/**
 * Why a call gave no usable answer.
 * - `timeout`, `rate_limited`, `connection`, `http`: the server did not answer usefully, after the
 *   bounded retries (`http` carries `status`).
 * - `auth`: the server refused the credentials (401/403); retrying cannot help.
 * - `no_content`: an empty answer or a refusal.
 * - `invalid_json`, `schema_mismatch`: the LLM answered, but not with the requested JSON.
 * - `unexpected`: anything else the SDK reported.
 */
export type LlmFailureKind =
  | 'timeout'
  | 'rate_limited'
  | 'connection'
  | 'auth'
  | 'http'
  | 'no_content'
  | 'invalid_json'
  | 'schema_mismatch'
  | 'unexpected';

export interface LlmFailure {
  kind: LlmFailureKind;
  /** Plain English, at most a few hundred characters, with secrets removed. */
  message: string;
  status?: number;
  /** The answer's text, for `invalid_json`, `schema_mismatch` and `no_content`. */
  content?: string;
  /** The parsed JSON, for `schema_mismatch`: a caller may salvage the parts that are valid. */
  json?: unknown;
}

/** Facts about one `complete` call, across its retries. */
export interface LlmCallStats {
  /** The model the server says answered, else the one requested. */
  model: string;
  /** From the last response's `usage`; null when the server reported none. */
  promptTokens: number | null;
  completionTokens: number | null;
  /** Wall time of the whole call, retries and back-off included. */
  latencyMs: number;
  /** HTTP requests made: 1 + retries + a json_object fallback. */
  attempts: number;
  responseFormat: LlmResponseFormat;
}

export type LlmResult<T> = LlmCallStats &
  (
    | { ok: true; value: T /** The answer's text, to quote it back in a correction. */; content: string }
    | { ok: false; failure: LlmFailure }
  );

export interface LlmClient {
  /** The model asked for, for messages and records. */
  readonly model: string;
  complete<T>(request: LlmRequest<T>): Promise<LlmResult<T>>;
}

/**
 * `ok`: the answer was used. `invalid`: the LLM answered but the answer was unusable (bad JSON,
 * wrong shape, a formula that does not pass the checks). `error`: no answer (HTTP, timeout, …).
 */
export type CallOutcome = 'ok' | 'invalid' | 'error';

/** One row of the `llm_calls` table, without what only the flow knows (run, initiative, model name). */
export interface CallRecord {
  purpose: LlmPurpose;
  model: string;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number;
  attempts: number;
  outcome: CallOutcome;
  error?: string;
}

/** `invalid` for a failure of the answer, `error` for a failure to get one. */
export function failureOutcome(kind: LlmFailureKind): Exclude<CallOutcome, 'ok'> {
  switch (kind) {
    case 'no_content':
    case 'invalid_json':
    case 'schema_mismatch':
      return 'invalid';
    case 'timeout':
    case 'rate_limited':
    case 'connection':
    case 'auth':
    case 'http':
    case 'unexpected':
      return 'error';
    default: {
      const never: never = kind;
      throw new Error(`unknown failure kind ${String(never)}`);
    }
  }
}

/**
 * The record of a call. Without `override`, a successful call is `ok` and a failed one is
 * classified by `failureOutcome`; callers that reject a well-formed answer pass `invalid` and why.
 */
export function callRecord<T>(
  purpose: LlmPurpose,
  result: LlmResult<T>,
  override?: { outcome: CallOutcome; error?: string },
): CallRecord {
  const record: CallRecord = {
    purpose,
    model: result.model,
    promptTokens: result.promptTokens,
    completionTokens: result.completionTokens,
    latencyMs: result.latencyMs,
    attempts: result.attempts,
    outcome: 'ok',
  };
  if (override) {
    record.outcome = override.outcome;
    if (override.error !== undefined) record.error = override.error;
  } else if (!result.ok) {
    record.outcome = failureOutcome(result.failure.kind);
    record.error = result.failure.message;
  }
  return record;
}
