/**
 * OpenAiLlmClient through the real openai SDK against the stand-in server: what each fault turns
 * into, how many HTTP requests it costs, and that the API key stays in the Authorization header.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callRecord, createLlmClient, type LlmRequest } from '../../src/llm/index.js';
import { OpenAiLlmClient, type OpenAiLlmClientOptions } from '../../src/llm/openai-llm-client.js';
import { OpenAiStandIn, reply } from '../support/openai-stand-in.js';

const KEY = 'sk-test-0123456789abcdefSECRET';

const answerSchema = z.object({ answer: z.string(), score: z.number().nullable() });
const request: LlmRequest<z.infer<typeof answerSchema>> = {
  purpose: 'suggest_math_model',
  system: 'You answer questions.',
  user: 'What is the answer?',
  schema: answerSchema,
  schemaName: 'answer',
};
const GOOD = { answer: 'forty-two', score: 42 };

let standIn: OpenAiStandIn;
let sleeps: number[];

beforeAll(async () => {
  standIn = await OpenAiStandIn.start();
});
afterEach(() => standIn.reset());
afterAll(() => standIn.close());

function client(options: Partial<OpenAiLlmClientOptions> = {}): OpenAiLlmClient {
  sleeps = [];
  return new OpenAiLlmClient({
    baseUrl: standIn.baseUrl,
    model: 'test-model',
    apiKey: KEY,
    timeoutMs: 250,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
}

function expectNoKeyOutsideHeaders(result: unknown) {
  expect(JSON.stringify(result)).not.toContain(KEY);
  expect(JSON.stringify(result)).not.toContain('SECRET');
  for (const r of standIn.requests) {
    expect(r.rawBody).not.toContain(KEY);
    expect(r.path).not.toContain(KEY);
    expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
  }
}

describe('a good answer', () => {
  it('is parsed, validated and reported with usage, model and one attempt', async () => {
    standIn.enqueue(
      reply.json(GOOD, { usage: { prompt_tokens: 120, completion_tokens: 30 }, model: 'test-model-2026' }),
    );
    const result = await client().complete(request);
    expect(result).toMatchObject({
      ok: true,
      value: GOOD,
      content: JSON.stringify(GOOD),
      model: 'test-model-2026',
      promptTokens: 120,
      completionTokens: 30,
      attempts: 1,
      responseFormat: 'json_schema',
    });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(standIn.requests).toHaveLength(1);
    expect(callRecord('suggest_math_model', result)).toEqual({
      purpose: 'suggest_math_model',
      model: 'test-model-2026',
      promptTokens: 120,
      completionTokens: 30,
      latencyMs: result.latencyMs,
      attempts: 1,
      outcome: 'ok',
    });
  });

  it('asks for strict json_schema output built from the zod schema, with the system and user messages', async () => {
    standIn.enqueue(reply.json(GOOD));
    await client().complete(request);
    const body = standIn.requests[0]!.body;
    expect(standIn.requests[0]!.path).toBe('/v1/chat/completions');
    expect(body.model).toBe('test-model');
    expect(body.messages).toEqual([
      { role: 'system', content: 'You answer questions.' },
      { role: 'user', content: 'What is the answer?' },
    ]);
    expect(body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: {
        name: 'answer',
        strict: true,
        schema: {
          type: 'object',
          required: ['answer', 'score'],
          additionalProperties: false,
          properties: { answer: { type: 'string' }, score: { type: ['number', 'null'] } },
        },
      },
    });
  });

  it('places history turns between the system message and the user message', async () => {
    standIn.enqueue(reply.json(GOOD));
    await client().complete({
      ...request,
      history: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
      ],
      user: 'please correct it',
    });
    expect(standIn.requests[0]!.body.messages.map((m) => [m.role, m.content])).toEqual([
      ['system', 'You answer questions.'],
      ['user', 'first question'],
      ['assistant', 'first answer'],
      ['user', 'please correct it'],
    ]);
  });

  it('sends the key only as a bearer header', async () => {
    standIn.enqueue(reply.json(GOOD));
    const result = await client().complete(request);
    expectNoKeyOutsideHeaders(result);
  });

  it('works against a base URL without /v1 (llama.cpp style) and without a key', async () => {
    standIn.enqueue(reply.json(GOOD));
    const result = await client({ baseUrl: standIn.origin, apiKey: undefined }).complete(request);
    expect(result.ok).toBe(true);
    expect(standIn.requests[0]!.path).toBe('/chat/completions');
    expect(standIn.requests[0]!.headers.authorization).toBe('Bearer not-needed');
  });

  it('accepts JSON wrapped in a Markdown code fence', async () => {
    standIn.enqueue(reply.text(`\`\`\`json\n${JSON.stringify(GOOD)}\n\`\`\``));
    const result = await client().complete(request);
    expect(result).toMatchObject({ ok: true, value: GOOD });
  });

  it('reports null tokens when the server sends no usage', async () => {
    standIn.enqueue(reply.json(GOOD, { usage: null }));
    const result = await client().complete(request);
    expect(result).toMatchObject({
      ok: true,
      promptTokens: null,
      completionTokens: null,
      model: 'test-model',
    });
  });
});

describe('an unusable answer', () => {
  it('malformed JSON is invalid_json, with the text kept, and is not retried', async () => {
    standIn.enqueue(reply.text('{"answer": "forty-two", score: 42'));
    const result = await client().complete(request);
    expect(result).toMatchObject({
      ok: false,
      attempts: 1,
      failure: { kind: 'invalid_json', content: '{"answer": "forty-two", score: 42' },
    });
    if (result.ok) return;
    expect(result.failure.message).toMatch(/^the LLM's answer is not valid JSON: /);
    expect(standIn.requests).toHaveLength(1);
    expect(callRecord('suggest_math_model', result)).toMatchObject({ outcome: 'invalid' });
  });

  it('says when the JSON was cut off at the token limit', async () => {
    standIn.enqueue(reply.text('{"answer": "forty', { finishReason: 'length' }));
    const result = await client().complete(request);
    expect(!result.ok && result.failure.message).toContain('cut off at the token limit');
  });

  it('JSON of the wrong shape is schema_mismatch, naming the field, with the parsed JSON kept', async () => {
    standIn.enqueue(reply.json({ answer: 42, score: 'high' }));
    const result = await client().complete(request);
    expect(result).toMatchObject({
      ok: false,
      failure: { kind: 'schema_mismatch', json: { answer: 42, score: 'high' } },
    });
    if (result.ok) return;
    expect(result.failure.message).toMatch(
      /^the LLM's answer does not have the requested shape: answer: .*score: /,
    );
  });

  it('an empty answer or a refusal is no_content', async () => {
    standIn.enqueue(reply.text(''), reply.text(null, { refusal: 'I cannot help with that.' }));
    const c = client();
    const empty = await c.complete(request);
    const refused = await c.complete(request);
    expect(empty).toMatchObject({ ok: false, failure: { kind: 'no_content' } });
    expect(refused).toMatchObject({
      ok: false,
      failure: { kind: 'no_content', message: 'the LLM refused: I cannot help with that.' },
    });
  });
});

describe('retries', () => {
  it('a 429 with Retry-After waits what the server asks, then succeeds', async () => {
    standIn.enqueue(reply.rateLimited(2), reply.json(GOOD));
    const result = await client().complete(request);
    expect(result).toMatchObject({ ok: true, value: GOOD, attempts: 2 });
    expect(sleeps).toEqual([2000]);
    expect(standIn.requests).toHaveLength(2);
  });

  it('a lasting 429 is rate_limited after the bounded retries, with exponential back-off', async () => {
    standIn.otherwise = reply.rateLimited();
    const result = await client({ maxRetries: 3 }).complete(request);
    expect(result).toMatchObject({ ok: false, attempts: 4, failure: { kind: 'rate_limited', status: 429 } });
    expect(standIn.requests).toHaveLength(4);
    // 500 ms · 2^n, capped at 8 s, scaled by 0.5 + 0.5 · random (0.5 here).
    expect(sleeps).toEqual([375, 750, 1500]);
    if (result.ok) return;
    expect(result.failure.message).toBe(
      `the LLM server at ${standIn.baseUrl} is rate limiting requests (HTTP 429): Rate limit reached for requests (4 attempts)`,
    );
  });

  it('a Retry-After longer than the limit ends the call at once', async () => {
    standIn.otherwise = reply.rateLimited(3600);
    const result = await client().complete(request);
    expect(result).toMatchObject({ ok: false, attempts: 1, failure: { kind: 'rate_limited' } });
    expect(sleeps).toEqual([]);
    expect(!result.ok && result.failure.message).toContain('the server asks to wait 3600 s before retrying');
  });

  it('an exhausted quota (429 insufficient_quota) is not retried', async () => {
    standIn.otherwise = reply.rateLimited(undefined, 'insufficient_quota');
    const result = await client().complete(request);
    expect(result).toMatchObject({ ok: false, attempts: 1, failure: { kind: 'rate_limited' } });
    expect(standIn.requests).toHaveLength(1);
  });

  it('5xx is retried with back-off and may then succeed', async () => {
    standIn.enqueue(reply.serverError(500), reply.serverError(503), reply.json(GOOD));
    const result = await client().complete(request);
    expect(result).toMatchObject({ ok: true, attempts: 3 });
    expect(sleeps).toEqual([375, 750]);
  });

  it('a lasting 500 is an http failure after 1 + maxRetries requests', async () => {
    standIn.otherwise = reply.serverError(500);
    const result = await client().complete(request);
    expect(result).toMatchObject({ ok: false, attempts: 3, failure: { kind: 'http', status: 500 } });
    expect(standIn.requests).toHaveLength(3);
    expect(!result.ok && result.failure.message).toBe(
      `the LLM server at ${standIn.baseUrl} answered HTTP 500: The server had an error while processing your request. (3 attempts)`,
    );
    expect(callRecord('suggest_math_model', result)).toMatchObject({ outcome: 'error', attempts: 3 });
  });

  it('other 4xx are not retried', async () => {
    standIn.otherwise = reply.error(404, 'The model `nope` does not exist', {
      type: 'invalid_request_error',
    });
    const result = await client().complete(request);
    expect(result).toMatchObject({ ok: false, attempts: 1, failure: { kind: 'http', status: 404 } });
  });

  it('a server slower than the timeout is a timeout, retried a bounded number of times', async () => {
    standIn.otherwise = reply.slow(2_000, reply.json(GOOD));
    const started = Date.now();
    const result = await client({ timeoutMs: 150, maxRetries: 1 }).complete(request);
    expect(result).toMatchObject({ ok: false, attempts: 2, failure: { kind: 'timeout' } });
    expect(standIn.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(!result.ok && result.failure.message).toBe(
      `the LLM server at ${standIn.baseUrl} did not answer within 150 ms (2 attempts)`,
    );
  });

  it('a slow first answer followed by a quick one succeeds', async () => {
    standIn.enqueue(reply.slow(2_000, reply.json({ answer: 'late', score: null })), reply.json(GOOD));
    const result = await client({ timeoutMs: 150 }).complete(request);
    expect(result).toMatchObject({ ok: true, value: GOOD, attempts: 2 });
  });

  it('a dropped connection is retried and then a connection failure', async () => {
    standIn.otherwise = reply.hangUp();
    const result = await client({ maxRetries: 1 }).complete(request);
    expect(result).toMatchObject({ ok: false, attempts: 2, failure: { kind: 'connection' } });
    expect(!result.ok && result.failure.message).toMatch(
      /^cannot reach the LLM server at http:\/\/127\.0\.0\.1:\d+\/v1: /,
    );
  });

  it('an unreachable server is a connection failure after the bounded retries', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const result = await client({ baseUrl: `http://127.0.0.1:${port}/v1` }).complete(request);
    expect(result).toMatchObject({ ok: false, attempts: 3, failure: { kind: 'connection' } });
    expect(!result.ok && result.failure.message).toContain('ECONNREFUSED');
    expect(sleeps).toHaveLength(2);
  });
});

describe('servers without JSON-schema support', () => {
  it('a 400 rejecting json_schema is answered again at once in json_object mode, with the schema in the prompt', async () => {
    standIn.otherwise = (r) =>
      r.body.response_format?.type === 'json_schema' ? reply.rejectJsonSchema() : reply.json(GOOD);
    const c = client();
    const result = await c.complete(request);
    expect(result).toMatchObject({ ok: true, value: GOOD, attempts: 2, responseFormat: 'json_object' });
    expect(sleeps).toEqual([]);
    const [rejected, fallback] = standIn.requests;
    expect(rejected!.body.response_format?.type).toBe('json_schema');
    expect(fallback!.body.response_format).toEqual({ type: 'json_object' });
    const system = fallback!.body.messages[0]!.content;
    expect(system).toMatch(
      /^You answer questions\.\n\nReply with one JSON object, and nothing else, that matches/,
    );
    expect(system).toContain('"required":["answer","score"]');
    expect(c.responseFormat).toBe('json_object');
  });

  it('remembers the fallback: the next call goes straight to json_object', async () => {
    standIn.otherwise = (r) =>
      r.body.response_format?.type === 'json_schema' ? reply.rejectJsonSchema() : reply.json(GOOD);
    const c = client();
    await c.complete(request);
    standIn.requests.length = 0;
    const second = await c.complete(request);
    expect(second).toMatchObject({ ok: true, attempts: 1, responseFormat: 'json_object' });
    expect(standIn.requests.map((r) => r.body.response_format?.type)).toEqual(['json_object']);
  });

  it('a 422 naming the schema also falls back', async () => {
    standIn.enqueue(
      reply.error(422, "Invalid schema for response_format 'answer': 'default' is not permitted", {
        type: 'invalid_request_error',
      }),
      reply.json(GOOD),
    );
    const result = await client().complete(request);
    expect(result).toMatchObject({ ok: true, responseFormat: 'json_object', attempts: 2 });
  });

  it('can start in json_object mode (a known capability)', async () => {
    standIn.enqueue(reply.json(GOOD));
    const result = await client({ responseFormat: 'json_object' }).complete(request);
    expect(result).toMatchObject({ ok: true, attempts: 1 });
    expect(standIn.requests[0]!.body.response_format).toEqual({ type: 'json_object' });
  });

  it('if json_object is rejected too, the call fails with the 400 and is not retried further', async () => {
    standIn.otherwise = reply.rejectJsonSchema();
    const result = await client().complete(request);
    expect(result).toMatchObject({ ok: false, attempts: 2, failure: { kind: 'http', status: 400 } });
    expect(standIn.requests).toHaveLength(2);
  });

  it('a 400 about something else does not fall back', async () => {
    standIn.otherwise = reply.error(400, "'messages' must contain at least one message", {
      type: 'invalid_request_error',
      param: 'messages',
    });
    const c = client();
    const result = await c.complete(request);
    expect(result).toMatchObject({ ok: false, attempts: 1, failure: { kind: 'http', status: 400 } });
    expect(c.responseFormat).toBe('json_schema');
  });
});

describe('the API key', () => {
  it('never appears in a failure, even when the server echoes it back', async () => {
    standIn.otherwise = (r) =>
      reply.error(401, `Incorrect API key provided: ${KEY}. Header was: ${r.headers.authorization}`, {
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      });
    const result = await client().complete(request);
    expect(result).toMatchObject({ ok: false, attempts: 1, failure: { kind: 'auth', status: 401 } });
    if (result.ok) return;
    expect(result.failure.message).toContain(
      'refused the API key (HTTP 401): Incorrect API key provided: [redacted]',
    );
    expect(result.failure.message).toContain('Bearer [redacted]');
    expectNoKeyOutsideHeaders(result);
    expectNoKeyOutsideHeaders(callRecord('suggest_math_model', result));
  });

  it('never appears in an invalid answer that quotes it', async () => {
    standIn.enqueue(reply.text(`not json, but the key ${KEY}`));
    const result = await client().complete(request);
    expect(!result.ok && result.failure.message).not.toContain(KEY);
    expect(JSON.stringify(callRecord('suggest_math_model', result))).not.toContain(KEY);
  });

  it('is not read from the environment by the SDK', async () => {
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-from-the-environment-000';
    try {
      standIn.enqueue(reply.json(GOOD));
      await client({ apiKey: undefined }).complete(request);
      expect(standIn.requests[0]!.headers.authorization).toBe('Bearer not-needed');
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });
});

describe('a base URL with credentials (a proxy behind basic auth)', () => {
  const PASSWORD = 'pr0xy-p@ss';

  it('is shown masked, and no failure message quotes its password', async () => {
    // Written unencoded on purpose: people paste `user:password@` as it is, '@' included.
    const withPassword = standIn.baseUrl.replace('http://', `http://proxy-user:${PASSWORD}@`);
    const c = client({ baseUrl: withPassword, maxRetries: 0 });
    expect(c.baseUrl).toBe(standIn.baseUrl.replace('http://', 'http://proxy-user:***@'));
    const result = await c.complete(request);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.message).toContain('the LLM server at http://proxy-user:***@127.0.0.1:');
    expect(JSON.stringify(result)).not.toContain('pr0xy');
    expect(JSON.stringify(callRecord('suggest_math_model', result))).not.toContain('pr0xy');
  });
});

describe('createLlmClient', () => {
  const config = {
    baseUrl: null,
    model: 'gpt-4o-mini',
    apiKey: undefined,
    timeoutMs: 60_000,
    configured: false,
  };

  it('is undefined when no LLM is configured', async () => {
    expect(await createLlmClient(config)).toBeUndefined();
  });

  it('uses OpenAI when only a key is set, and the base URL when one is', async () => {
    expect(
      ((await createLlmClient({ ...config, apiKey: KEY, configured: true })) as OpenAiLlmClient)?.baseUrl,
    ).toBe('https://api.openai.com/v1');
    const local = (await createLlmClient({
      ...config,
      baseUrl: 'http://localhost:11434/v1',
      model: 'llama3.1',
      configured: true,
    })) as OpenAiLlmClient | undefined;
    expect(local?.baseUrl).toBe('http://localhost:11434/v1');
    expect(local?.model).toBe('llama3.1');
  });
});
