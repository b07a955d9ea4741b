/**
 * `LlmClient` over the `openai` SDK (v6), for any OpenAI-compatible chat-completions server:
 * OpenAI, Azure OpenAI's v1 endpoint, Ollama (`http://localhost:11434/v1`), vLLM, llama.cpp.
 *
 * - Structured output: a JSON schema built from the zod schema (`zodResponseFormat`, strict mode).
 *   A server that rejects `json_schema` (HTTP 400/422 naming the response format or the schema)
 *   is asked again at once in `json_object` mode with the schema described in the system
 *   message, and this client keeps using `json_object` for the rest of its life (one run).
 * - Every answer is parsed and re-validated with zod here, whatever the server promised: we call
 *   `chat.completions.create`, not `.parse`, because `.parse` throws on bad JSON and loses the
 *   usage we must record.
 * - Retries are ours (the SDK's are turned off) so that they are bounded, counted, and testable with
 *   an injected sleep: 429, 408/409, 5xx, timeouts and connection errors, with exponential back-off
 *   and jitter, honouring `Retry-After`. A 429 for an exhausted quota is not retried.
 * - The API key goes only into the `Authorization` header; every message is scrubbed of it, and of
 *   any credentials in the base URL (which is only ever shown masked).
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { ZodType } from 'zod';
import { redactUrls, urlCredentials } from '../shared/redact.js';
import type {
  LlmCallStats,
  LlmClient,
  LlmFailure,
  LlmFailureKind,
  LlmRequest,
  LlmResponseFormat,
  LlmResult,
} from './client.js';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF, retryAfterMs } from './retry.js';
import { createSecretScrubber } from './scrub.js';

/** Local servers (Ollama, llama.cpp) ignore the key, but the SDK insists on one. */
export const PLACEHOLDER_API_KEY = 'not-needed';

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Longest piece of server text quoted in a message. */
const MAX_QUOTE = 300;

export interface OpenAiLlmClientOptions {
  /** An OpenAI-compatible base URL ending in `/v1`; null or absent = OpenAI. */
  baseUrl?: string | null | undefined;
  model: string;
  /** Absent for local servers that need none. */
  apiKey?: string | undefined;
  /** Per HTTP request (config `llm.timeoutMs`). */
  timeoutMs: number;
  /** Retries after the first attempt for retryable failures. Default 2. */
  maxRetries?: number;
  /**
   * A `Retry-After` longer than this ends the call instead of waiting (a daily quota can ask for
   * hours). Default 30 s.
   */
  maxRetryAfterMs?: number;
  backoff?: BackoffPolicy;
  /** Start in this mode, e.g. when a server is known to lack JSON-schema support. Default json_schema. */
  responseFormat?: LlmResponseFormat;
  /** Injected in tests so back-off costs no time. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

interface Attempt {
  kind: LlmFailureKind;
  message: string;
  status?: number;
  retryable: boolean;
  retryAfterMs?: number;
  /** The server rejected the json_schema response format. */
  rejectsJsonSchema: boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class OpenAiLlmClient implements LlmClient {
  readonly model: string;
  /** The server's base URL as it may be shown: a password in it is masked (`http://user:***@host/v1`). */
  readonly baseUrl: string;
  readonly #sdk: OpenAI;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #maxRetryAfterMs: number;
  readonly #backoff: BackoffPolicy;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #scrub: (text: string) => string;
  #format: LlmResponseFormat;

  constructor(options: OpenAiLlmClientOptions) {
    this.model = options.model;
    const baseUrl = options.baseUrl || OPENAI_BASE_URL;
    this.baseUrl = redactUrls(baseUrl);
    this.#timeoutMs = options.timeoutMs;
    this.#maxRetries = Math.max(0, options.maxRetries ?? 2);
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
    this.#format = options.responseFormat ?? 'json_schema';
    this.#scrub = createSecretScrubber([options.apiKey, ...urlCredentials(baseUrl)]);
    // Every option is explicit so that the SDK reads nothing from the environment
    // (OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_LOG …): config.ts already applied what we honour.
    this.#sdk = new OpenAI({
      apiKey: options.apiKey || PLACEHOLDER_API_KEY,
      baseURL: baseUrl,
      organization: null,
      project: null,
      webhookSecret: null,
      timeout: options.timeoutMs,
      maxRetries: 0,
      logLevel: 'off',
    });
  }

  /** The mode the next call will use; `json_object` once a server rejected `json_schema`. */
  get responseFormat(): LlmResponseFormat {
    return this.#format;
  }

  async complete<T>(request: LlmRequest<T>): Promise<LlmResult<T>> {
    const started = performance.now();
    let attempts = 0;
    let retries = 0;
    const stats = (extra: Partial<LlmCallStats> = {}): LlmCallStats => ({
      model: this.model,
      promptTokens: null,
      completionTokens: null,
      latencyMs: Math.round(performance.now() - started),
      attempts,
      responseFormat: this.#format,
      ...extra,
    });

    for (;;) {
      attempts += 1;
      const format = this.#format;
      // Built outside the try: a schema zod cannot express is a programming error, not an LLM failure.
      const params = this.#params(request, format);
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await this.#sdk.chat.completions.create(params, {
          timeout: this.#timeoutMs,
          maxRetries: 0,
        });
      } catch (error) {
        const attempt = this.#classify(error);
        if (attempt.rejectsJsonSchema && format === 'json_schema') {
          // Remembered: every later call of this run goes straight to json_object.
          this.#format = 'json_object';
          continue;
        }
        if (attempt.retryable && retries < this.#maxRetries) {
          const wait = attempt.retryAfterMs ?? backoffDelay(retries, this.#backoff, this.#random);
          if (wait <= this.#maxRetryAfterMs) {
            retries += 1;
            await this.#sleep(wait);
            continue;
          }
          attempt.message += ` (the server asks to wait ${Math.ceil(wait / 1000)} s before retrying)`;
        }
        const failure: LlmFailure = { kind: attempt.kind, message: this.#describe(attempt, attempts) };
        if (attempt.status !== undefined) failure.status = attempt.status;
        return { ok: false, failure, ...stats() };
      }

      const usage = completion.usage;
      const done = stats({
        model: completion.model || this.model,
        promptTokens: usage?.prompt_tokens ?? null,
        completionTokens: usage?.completion_tokens ?? null,
        responseFormat: format,
      });
      const parsed = parseAnswer(completion, request.schema);
      if (parsed.ok) return { ok: true, value: parsed.value, content: parsed.content, ...done };
      parsed.failure.message = this.#scrub(parsed.failure.message);
      return { ok: false, failure: parsed.failure, ...done };
    }
  }

  #params<T>(request: LlmRequest<T>, format: LlmResponseFormat): ChatCompletionCreateParamsNonStreaming {
    const jsonSchema = zodResponseFormat(request.schema, request.schemaName);
    const system =
      format === 'json_schema'
        ? request.system
        : `${request.system}\n\nReply with one JSON object, and nothing else, that matches this JSON Schema:\n${JSON.stringify(withoutMetaKeys(jsonSchema.json_schema.schema))}`;
    return {
      model: this.model,
      messages: [
        { role: 'system', content: system },
        ...(request.history ?? []).map((m) => ({ role: m.role, content: m.content })),
        { role: 'user', content: request.user },
      ],
      response_format: format === 'json_schema' ? jsonSchema : { type: 'json_object' },
    };
  }

  #classify(error: unknown): Attempt {
    const base = { retryable: false, rejectsJsonSchema: false };
    if (error instanceof APIConnectionTimeoutError) {
      return { ...base, kind: 'timeout', message: 'no answer', retryable: true };
    }
    if (error instanceof APIConnectionError) {
      const cause = error.cause instanceof Error ? describeCause(error.cause) : error.message;
      return { ...base, kind: 'connection', message: cause, retryable: true };
    }
    if (error instanceof APIError && typeof error.status === 'number') {
      const status = error.status;
      const message = quote(error.message.replace(/^\d{3}\s*/, ''));
      const retryAfter = retryAfterMs(error.headers);
      const withWait = retryAfter === undefined ? {} : { retryAfterMs: retryAfter };
      if (status === 429) {
        // OpenAI says "insufficient_quota" with a 429 when billing, not load, is the problem.
        const quota = error.code === 'insufficient_quota';
        return { ...base, ...withWait, kind: 'rate_limited', status, message, retryable: !quota };
      }
      if (status === 401 || status === 403) return { ...base, kind: 'auth', status, message };
      if ((status === 400 || status === 422) && mentionsResponseFormat(error)) {
        return { ...base, kind: 'http', status, message, rejectsJsonSchema: true };
      }
      const retryable = status === 408 || status === 409 || status >= 500;
      return { ...base, ...withWait, kind: 'http', status, message, retryable };
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ...base, kind: 'unexpected', message: quote(message) };
  }

  #describe(attempt: Attempt, attempts: number): string {
    const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
    const server = `the LLM server at ${this.baseUrl}`;
    let text: string;
    switch (attempt.kind) {
      case 'timeout':
        text = `${server} did not answer within ${formatSeconds(this.#timeoutMs)}${tries}`;
        break;
      case 'connection':
        text = `cannot reach ${server}: ${attempt.message}${tries}`;
        break;
      case 'rate_limited':
        text = `${server} is rate limiting requests (HTTP 429): ${attempt.message}${tries}`;
        break;
      case 'auth':
        text = `${server} refused the API key (HTTP ${attempt.status}): ${attempt.message}`;
        break;
      case 'http':
        text = `${server} answered HTTP ${attempt.status}: ${attempt.message}${tries}`;
        break;
      case 'unexpected':
      case 'no_content':
      case 'invalid_json':
      case 'schema_mismatch':
        text = `the call to ${server} failed: ${attempt.message}${tries}`;
        break;
      default: {
        const never: never = attempt.kind;
        throw new Error(`unknown failure kind ${String(never)}`);
      }
    }
    return this.#scrub(text);
  }
}

type Parsed<T> = { ok: true; value: T; content: string } | { ok: false; failure: LlmFailure };

/** The answer's text → JSON → zod. Never throws. */
export function parseAnswer<T>(
  completion: OpenAI.Chat.Completions.ChatCompletion,
  schema: ZodType<T>,
): Parsed<T> {
  const choice = completion.choices?.[0];
  const message = choice?.message;
  if (message?.refusal) {
    return {
      ok: false,
      failure: { kind: 'no_content', message: `the LLM refused: ${quote(message.refusal)}` },
    };
  }
  const content = typeof message?.content === 'string' ? message.content : '';
  if (content.trim() === '') {
    const why = choice?.finish_reason ? ` (finish reason: ${choice.finish_reason})` : '';
    return {
      ok: false,
      failure: { kind: 'no_content', message: `the LLM's answer is empty${why}`, content },
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(stripCodeFence(content));
  } catch (error) {
    const cut = choice?.finish_reason === 'length' ? ' (the answer was cut off at the token limit)' : '';
    return {
      ok: false,
      failure: {
        kind: 'invalid_json',
        message: `the LLM's answer is not valid JSON${cut}: ${quote((error as Error).message)}`,
        content,
      },
    };
  }
  const checked = schema.safeParse(json);
  if (!checked.success) {
    const issues = checked.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(the answer)'}: ${i.message}`);
    const more = checked.error.issues.length > 5 ? `; and ${checked.error.issues.length - 5} more` : '';
    return {
      ok: false,
      failure: {
        kind: 'schema_mismatch',
        message: `the LLM's answer does not have the requested shape: ${quote(issues.join('; '))}${more}`,
        content,
        json,
      },
    };
  }
  return { ok: true, value: checked.data, content };
}

/** Local models often wrap JSON in a Markdown code fence even in JSON mode. */
function stripCodeFence(text: string): string {
  const match = /^\s*```[a-zA-Z]*\s*\n([\s\S]*?)\n?\s*```\s*$/.exec(text);
  return match ? match[1]! : text;
}

/**
 * A 400/422 about `response_format` or the schema: servers without structured outputs say e.g.
 * "response_format type json_schema is not supported" or "Invalid schema for response_format".
 */
function mentionsResponseFormat(error: APIError): boolean {
  const text = `${error.param ?? ''} ${error.message} ${JSON.stringify(error.error ?? '')}`;
  return /response_format|json_schema|structured output|schema/i.test(text);
}

function withoutMetaKeys(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  const { $schema: _, ...rest } = schema ?? {};
  return rest;
}

function describeCause(cause: Error): string {
  const code = (cause as { code?: unknown }).code;
  const inner = cause.cause instanceof Error ? describeCause(cause.cause) : undefined;
  const own = typeof code === 'string' ? `${code} ${cause.message}` : cause.message;
  return quote(inner && !own.includes(inner) ? `${own} (${inner})` : own);
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_QUOTE ? `${flat.slice(0, MAX_QUOTE)}…` : flat;
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

/** The `llm` part of the config (CLI.md) that building a client needs. */
export interface LlmClientConfig {
  baseUrl: string | null;
  model: string;
  apiKey: string | undefined;
  timeoutMs: number;
  /** An API key or a base URL is set. */
  configured: boolean;
}

/** The client for the config, or undefined when no LLM is configured (the steps are skipped). */
export function createOpenAiLlmClient(
  config: LlmClientConfig,
  overrides: Partial<Omit<OpenAiLlmClientOptions, 'baseUrl' | 'model' | 'apiKey'>> = {},
): OpenAiLlmClient | undefined {
  if (!config.configured) return undefined;
  return new OpenAiLlmClient({
    baseUrl: config.baseUrl,
    model: config.model,
    apiKey: config.apiKey,
    timeoutMs: config.timeoutMs,
    ...overrides,
  });
}
