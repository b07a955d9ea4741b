/**
 * suggest_math_model through the real client and SDK against the stand-in: a good answer, an
 * invalid one corrected, invalid twice, plugged-in numbers, malformed JSON, and a server failure.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatAssumptions, type SuggestMathModelInput, suggestMathModel } from '../../src/llm/index.js';
import { OpenAiLlmClient } from '../../src/llm/openai-llm-client.js';
import { OpenAiStandIn, reply } from '../support/openai-stand-in.js';

const input: SuggestMathModelInput = {
  initiative: {
    key: 'INIT-000007',
    title: 'One-click checkout',
    problem_statement: 'Too many shoppers abandon the cart at the payment step.',
    hypothesis: 'Saving cards raises checkout conversion.',
    department: 'E-commerce',
    product_area: 'Checkout',
    effort_engineering_days: 40,
  },
  description: 'Extra revenue from higher checkout conversion over a year, minus the payment provider fees.',
  promptToLlm: 'Use monthly sessions.',
  modelName: 'INIT-000007_MATH_MODEL_V1',
};

const GOOD_FORMULA = [
  '# Extra checkout revenue over the horizon',
  'extra_orders = monthly_sessions * conversion_uplift * horizon_months',
  'value = extra_orders * aov * margin - provider_fees',
].join('\n');
const good = (formula_text = GOOD_FORMULA) => ({
  formula_text,
  assumptions: ['Conversion uplift applies to all sessions.', '  ', 'Margin is constant.'],
  notes: ' Collect the current conversion first. ',
});

let standIn: OpenAiStandIn;
let client: OpenAiLlmClient;

beforeAll(async () => {
  standIn = await OpenAiStandIn.start();
});
afterEach(() => standIn.reset());
afterAll(() => standIn.close());

function newClient() {
  client = new OpenAiLlmClient({
    baseUrl: standIn.baseUrl,
    model: 'test-model',
    apiKey: 'sk-test-key-123456',
    timeoutMs: 250,
    sleep: async () => {},
    random: () => 0.5,
  });
  return client;
}

describe('suggestMathModel', () => {
  it('returns a valid formula with its inputs, assumptions and notes, and one ok call', async () => {
    standIn.enqueue(reply.json(good(), { usage: { prompt_tokens: 900, completion_tokens: 120 } }));
    const result = await suggestMathModel(newClient(), input);
    expect(result).toEqual({
      ok: true,
      formula: GOOD_FORMULA,
      inputs: ['monthly_sessions', 'conversion_uplift', 'horizon_months', 'aov', 'margin', 'provider_fees'],
      assumptions: ['Conversion uplift applies to all sessions.', 'Margin is constant.'],
      notes: 'Collect the current conversion first.',
      corrected: false,
      calls: [
        {
          purpose: 'suggest_math_model',
          model: 'test-model',
          promptTokens: 900,
          completionTokens: 120,
          latencyMs: expect.any(Number),
          attempts: 1,
          outcome: 'ok',
        },
      ],
    });
    expect(formatAssumptions(result.ok ? result.assumptions : [])).toBe(
      '- Conversion uplift applies to all sessions.\n- Margin is constant.',
    );
  });

  it('prompts with the language rules and the initiative context, description, PM prompt and model name', async () => {
    standIn.enqueue(reply.json(good()));
    await suggestMathModel(newClient(), input);
    const [system, user] = standIn.requests[0]!.body.messages;
    expect(system!.content).toContain('`value` must be assigned');
    expect(system!.content).toContain('The only numbers allowed are these unit conversions: 0, 1, 2, 7, 12');
    expect(system!.content).toContain('min, max, abs, round');
    expect(user!.content).toBe(
      [
        'Initiative:',
        '- Key: INIT-000007',
        '- Title: One-click checkout',
        '- Problem statement: Too many shoppers abandon the cart at the payment step.',
        '- Hypothesis: Saving cards raises checkout conversion.',
        '- Department: E-commerce',
        '- Product area: Checkout',
        '- Engineering effort estimate (days): 40',
        '',
        'Model name: INIT-000007_MATH_MODEL_V1',
        '',
        'What the model should capture (from the PM):',
        'Extra revenue from higher checkout conversion over a year, minus the payment provider fees.',
        '',
        'Extra instructions from the PM:',
        'Use monthly sessions.',
      ].join('\n'),
    );
    expect(standIn.requests[0]!.body.response_format?.json_schema?.name).toBe('math_model');
  });

  it('sends the compiler messages back once and accepts the corrected formula', async () => {
    const broken = 'extra_orders = monthly_sessions * \nvalue = extra_orders * aov';
    standIn.enqueue(reply.json(good(broken)), reply.json(good()));
    const result = await suggestMathModel(newClient(), input);
    expect(result).toMatchObject({ ok: true, formula: GOOD_FORMULA, corrected: true });
    expect(result.calls.map((c) => c.outcome)).toEqual(['invalid', 'ok']);
    expect(result.calls[0]!.error).toBe("line 1, column 35: expected a number, a name or '(' after '*'");

    const messages = standIn.requests[1]!.body.messages;
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[1]!.content).toBe(standIn.requests[0]!.body.messages[1]!.content);
    expect(messages[2]!.content).toBe(JSON.stringify(good(broken)));
    expect(messages[3]!.content).toBe(
      "Your answer cannot be used:\n- line 1, column 35: expected a number, a name or '(' after '*'\n\nCorrect it and reply with the whole JSON object again (formula_text, assumptions, notes), following the formula language rules above.",
    );
  });

  it('gives a reason for formula_status when the correction is invalid too, after exactly two calls', async () => {
    standIn.enqueue(reply.json(good('value = benefit *')), reply.json(good('benefit = sessions * aov')));
    const result = await suggestMathModel(newClient(), input);
    expect(result).toEqual({
      ok: false,
      reason: "the suggested formula is still invalid after one correction: the script never assigns 'value'",
      problems: ["the script never assigns 'value'"],
      calls: [
        expect.objectContaining({
          outcome: 'invalid',
          error: "line 1, column 18: expected a number, a name or '(' after '*'",
        }),
        expect.objectContaining({ outcome: 'invalid', error: "the script never assigns 'value'" }),
      ],
    });
    expect(standIn.requests).toHaveLength(2);
  });

  it('rejects plugged-in numbers and asks for parameters instead', async () => {
    const plugged = 'value = monthly_sessions * 0.02 * 85 * 12';
    standIn.enqueue(reply.json(good(plugged)), reply.json(good(plugged)));
    const result = await suggestMathModel(newClient(), input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      'line 1, column 28: the number 0.02 is written into the formula; make it a named parameter (allowed constants: 0, 1, 2, 7, 12, 24, 52, 60, 100, 365, 1000)',
      'line 1, column 35: the number 85 is written into the formula; make it a named parameter (allowed constants: 0, 1, 2, 7, 12, 24, 52, 60, 100, 365, 1000)',
    ]);
    expect(result.reason).toMatch(
      /^the suggested formula is still invalid after one correction: line 1, column 28: the number 0\.02/,
    );
    expect(standIn.requests[1]!.body.messages[3]!.content).toContain(
      'the number 85 is written into the formula',
    );
  });

  it('asks again after malformed JSON, quoting the text it got', async () => {
    standIn.enqueue(reply.text('Sure! Here is your model: value = a * b'), reply.json(good()));
    const result = await suggestMathModel(newClient(), input);
    expect(result).toMatchObject({ ok: true, corrected: true });
    expect(result.calls.map((c) => c.outcome)).toEqual(['invalid', 'ok']);
    const messages = standIn.requests[1]!.body.messages;
    expect(messages[2]!.content).toBe('Sure! Here is your model: value = a * b');
    expect(messages[3]!.content).toMatch(
      /^Your answer cannot be used:\n- the LLM's answer is not valid JSON: /,
    );
  });

  it('does not ask for a correction after a server failure, and records the error', async () => {
    standIn.otherwise = reply.serverError(500);
    const result = await suggestMathModel(newClient(), input);
    expect(result).toMatchObject({ ok: false, problems: [] });
    if (result.ok) return;
    expect(result.reason).toBe(
      `the LLM server at ${standIn.baseUrl} answered HTTP 500: The server had an error while processing your request. (3 attempts)`,
    );
    expect(result.calls).toEqual([
      expect.objectContaining({ outcome: 'error', attempts: 3, promptTokens: null }),
    ]);
    expect(standIn.requests).toHaveLength(3);
  });

  it('reports a timeout on the correction call', async () => {
    standIn.enqueue(reply.json(good('value = 1')));
    standIn.otherwise = reply.slow(2_000, reply.json(good()));
    const result = await suggestMathModel(
      new OpenAiLlmClient({ baseUrl: standIn.baseUrl, model: 'm', timeoutMs: 100, maxRetries: 0 }),
      input,
    );
    expect(result).toMatchObject({ ok: false });
    if (result.ok) return;
    expect(result.reason).toBe(
      `the suggested formula was invalid and the correction call failed: the LLM server at ${standIn.baseUrl} did not answer within 100 ms`,
    );
    expect(result.calls.map((c) => c.outcome)).toEqual(['invalid', 'error']);
  });

  it('makes no correction call when only one call is left in the run', async () => {
    standIn.enqueue(reply.json(good('value = 42 * sessions')));
    const result = await suggestMathModel(newClient(), input, { maxCalls: 1 });
    expect(result).toMatchObject({ ok: false, calls: [expect.objectContaining({ outcome: 'invalid' })] });
    expect(!result.ok && result.reason).toMatch(
      /^the suggested formula is invalid and the run's LLM call limit leaves no call for a correction: line 1, column 9: the number 42/,
    );
    expect(standIn.requests).toHaveLength(1);
  });

  it('makes no call without a description or prompt, or without calls left', async () => {
    const c = newClient();
    expect(await suggestMathModel(c, { ...input, description: ' ', promptToLlm: null })).toEqual({
      ok: false,
      reason: 'the row has no description or prompt to suggest from',
      problems: [],
      calls: [],
    });
    expect(await suggestMathModel(c, input, { maxCalls: 0 })).toMatchObject({ ok: false, calls: [] });
    expect(standIn.requests).toHaveLength(0);
  });

  it('works through the json_object fallback', async () => {
    standIn.otherwise = (r) =>
      r.body.response_format?.type === 'json_schema' ? reply.rejectJsonSchema() : reply.json(good());
    const result = await suggestMathModel(newClient(), input);
    expect(result).toMatchObject({
      ok: true,
      calls: [expect.objectContaining({ outcome: 'ok', attempts: 2 })],
    });
    expect(client.responseFormat).toBe('json_object');
  });
});
