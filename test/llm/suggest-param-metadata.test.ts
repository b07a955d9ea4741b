/**
 * suggest_param_metadata through the real client and SDK against the stand-in: names come from
 * the caller; extra names are ignored, missing or invalid ones get the heuristic metadata.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SuggestParamMetadataInput, suggestParamMetadata } from '../../src/llm/index.js';
import { OpenAiLlmClient } from '../../src/llm/openai-llm-client.js';
import { heuristicMetadata, ownerFromText } from '../../src/llm/param-metadata.js';
import { OpenAiStandIn, reply } from '../support/openai-stand-in.js';

const input: SuggestParamMetadataInput = {
  initiative: { key: 'INIT-000007', title: 'One-click checkout', product_area: 'Checkout' },
  formula: 'value = monthly_sessions * conversion_uplift * aov * horizon_months',
  names: ['monthly_sessions', 'conversion_uplift', 'aov'],
};

const item = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  param_display: `Display ${name}`,
  description: `What ${name} measures.`,
  unit: 'count',
  min: 1,
  max: 10,
  likely_owner: 'Analytics',
  ...extra,
});

const llm = (name: string, extra: Record<string, unknown> = {}) => ({
  param_display: `Display ${name}`,
  description: `What ${name} measures.`,
  unit: 'count',
  min: 1,
  max: 10,
  source: 'Analytics',
  origin: 'llm',
  ...extra,
});

let standIn: OpenAiStandIn;

beforeAll(async () => {
  standIn = await OpenAiStandIn.start();
});
afterEach(() => standIn.reset());
afterAll(() => standIn.close());

const client = () =>
  new OpenAiLlmClient({
    baseUrl: standIn.baseUrl,
    model: 'test-model',
    timeoutMs: 250,
    sleep: async () => {},
    random: () => 0.5,
  });

describe('suggestParamMetadata', () => {
  it('uses one object per requested name, origin llm, in request order, with one call', async () => {
    standIn.enqueue(
      reply.json(
        {
          params: [
            item('aov', { unit: 'currency', min: 20, max: 200 }),
            item('monthly_sessions'),
            item('conversion_uplift'),
          ],
        },
        { usage: { prompt_tokens: 300, completion_tokens: 200 } },
      ),
    );
    const result = await suggestParamMetadata(client(), input);
    expect([...result.metadata.keys()]).toEqual(['monthly_sessions', 'conversion_uplift', 'aov']);
    expect(result.metadata.get('aov')).toEqual(llm('aov', { unit: 'currency', min: 20, max: 200 }));
    expect(result.metadata.get('monthly_sessions')).toEqual(llm('monthly_sessions'));
    expect(result).toMatchObject({ fallbacks: [], ignored: [], adjustments: [] });
    expect(result.failure).toBeUndefined();
    expect(result.calls).toEqual([
      expect.objectContaining({
        purpose: 'suggest_param_metadata',
        outcome: 'ok',
        promptTokens: 300,
        completionTokens: 200,
      }),
    ]);
  });

  it('prompts with the initiative, the formula and exactly the requested names', async () => {
    standIn.enqueue(reply.json({ params: [] }));
    await suggestParamMetadata(client(), { ...input, names: ['aov', 'aov', 'margin'] });
    const user = standIn.requests[0]!.body.messages[1]!.content;
    expect(user).toBe(
      [
        'Initiative:',
        '- Key: INIT-000007',
        '- Title: One-click checkout',
        '- Product area: Checkout',
        '',
        'The approved value model:',
        'value = monthly_sessions * conversion_uplift * aov * horizon_months',
        '',
        'Describe these parameters (2):',
        '- aov',
        '- margin',
      ].join('\n'),
    );
    expect(standIn.requests[0]!.body.response_format?.json_schema?.name).toBe('param_metadata');
  });

  it('ignores hallucinated extra names and duplicates, and uses the heuristic for missing names', async () => {
    standIn.enqueue(
      reply.json({
        params: [
          item('aov'),
          item('aov', { param_display: 'Second AOV' }),
          item('churn_rate'),
          item('Monthly_Sessions'),
        ],
      }),
    );
    const result = await suggestParamMetadata(client(), input);
    expect(result.metadata.get('aov')).toEqual(llm('aov'));
    expect(result.metadata.get('monthly_sessions')).toEqual(
      heuristicMetadata('monthly_sessions', 'INIT-000007'),
    );
    expect(result.metadata.get('conversion_uplift')).toEqual(
      heuristicMetadata('conversion_uplift', 'INIT-000007'),
    );
    expect(result.metadata.has('churn_rate')).toBe(false);
    expect(result.ignored).toEqual(['churn_rate', 'Monthly_Sessions']);
    expect(result.fallbacks).toEqual([
      { name: 'monthly_sessions', reason: 'the LLM did not describe it' },
      { name: 'conversion_uplift', reason: 'the LLM did not describe it' },
    ]);
    expect(result.calls[0]!.outcome).toBe('ok');
  });

  it('drops a min above its max, keeps min = max, and drops nothing else', async () => {
    standIn.enqueue(
      reply.json({
        params: [
          item('monthly_sessions', { min: 500, max: 5 }),
          item('conversion_uplift', { min: 0.01, max: 0.01 }),
          item('aov', { min: null, max: 300 }),
        ],
      }),
    );
    const result = await suggestParamMetadata(client(), input);
    expect(result.metadata.get('monthly_sessions')).toMatchObject({ min: null, max: null, origin: 'llm' });
    expect(result.metadata.get('conversion_uplift')).toMatchObject({ min: 0.01, max: 0.01 });
    expect(result.metadata.get('aov')).toMatchObject({ min: null, max: 300 });
    expect(result.adjustments).toEqual([
      { name: 'monthly_sessions', reason: "the LLM's min 500 is above its max 5; both were dropped" },
    ]);
  });

  it('falls back to the heuristic for an object without a display name, and clips long texts', async () => {
    standIn.enqueue(
      reply.json({
        params: [
          item('aov', { param_display: '  ' }),
          item('monthly_sessions', { description: 'x'.repeat(900), likely_owner: '' }),
          item('conversion_uplift'),
        ],
      }),
    );
    const result = await suggestParamMetadata(client(), input);
    expect(result.metadata.get('aov')).toEqual(heuristicMetadata('aov', 'INIT-000007'));
    expect(result.fallbacks).toEqual([
      { name: 'aov', reason: "the LLM's description of it has no display name" },
    ]);
    const description = result.metadata.get('monthly_sessions')!.description;
    expect(description).toHaveLength(500);
    expect(description.endsWith('…')).toBe(true);
  });

  it('malformed JSON: every name gets the heuristic, the call is recorded as invalid', async () => {
    standIn.enqueue(reply.text('{"params": [ {"name": "aov", '));
    const result = await suggestParamMetadata(client(), input);
    for (const name of input.names) {
      expect(result.metadata.get(name)).toEqual(heuristicMetadata(name, 'INIT-000007'));
    }
    expect(result.failure).toMatch(/^the LLM's answer is not valid JSON: /);
    expect(result.fallbacks.map((f) => f.name)).toEqual(input.names);
    expect(result.fallbacks[0]!.reason).toMatch(/^the LLM call failed: the LLM's answer is not valid JSON/);
    expect(result.calls).toEqual([expect.objectContaining({ outcome: 'invalid', error: result.failure })]);
    expect(standIn.requests).toHaveLength(1);
  });

  it('an answer partly of the wrong shape keeps the valid objects', async () => {
    standIn.enqueue(
      reply.json({
        params: [item('aov'), item('monthly_sessions', { min: '5%' }), { name: 'conversion_uplift' }],
      }),
    );
    const result = await suggestParamMetadata(client(), input);
    expect(result.metadata.get('aov')).toEqual(llm('aov'));
    expect(result.metadata.get('monthly_sessions')).toMatchObject({ source: 'PM', origin: 'heuristic' });
    expect(result.metadata.get('conversion_uplift')).toMatchObject({ source: 'PM', origin: 'heuristic' });
    expect(result.fallbacks.map((f) => f.name)).toEqual(['monthly_sessions', 'conversion_uplift']);
    expect(result.fallbacks[0]!.reason).toMatch(
      /^the LLM's description of it was missing or invalid \(the LLM's answer does not have the requested shape: params\.1\.min: /,
    );
    expect(result.calls[0]!.outcome).toBe('invalid');
  });

  it('a server failure: every name gets the heuristic, the call is recorded as an error', async () => {
    standIn.otherwise = reply.rateLimited(0);
    const result = await suggestParamMetadata(client(), input);
    expect([...result.metadata.values()].map((m) => [m.source, m.origin])).toEqual([
      ['PM', 'heuristic'],
      ['PM', 'heuristic'],
      ['PM', 'heuristic'],
    ]);
    expect(result.calls).toEqual([expect.objectContaining({ outcome: 'error', attempts: 3 })]);
    expect(result.failure).toContain('HTTP 429');
  });

  it('makes no call when there are no names', async () => {
    const result = await suggestParamMetadata(client(), { ...input, names: [] });
    expect(result).toMatchObject({ calls: [], fallbacks: [] });
    expect(result.metadata.size).toBe(0);
    expect(standIn.requests).toHaveLength(0);
  });
});

describe('the likely owner in Params `source`', () => {
  it.each([
    ['PM', 'PM'],
    ['Product', 'PM'],
    ['Product management', 'PM'],
    ['Analytics', 'Analytics'],
    ['Data science', 'Analytics'],
    ['Finance', 'Finance'],
    ['FP&A', 'Finance'],
    ['Eng', 'Eng'],
    ['Engineering', 'Eng'],
    ['Marketing', 'LLM'],
    ['Customer support', 'LLM'],
    ['LLM', 'LLM'],
    ['', 'LLM'],
  ])('%j → %s', (text, owner) => {
    expect(ownerFromText(text)).toBe(owner);
  });

  it('is asked for by name in the prompt, and the guess from a name alone is PM', async () => {
    standIn.enqueue(reply.json({ params: [item('aov', { likely_owner: 'Finance' })] }));
    const result = await suggestParamMetadata(client(), { ...input, names: ['aov', 'margin'] });
    expect(standIn.requests[0]!.body.messages[0]!.content).toContain(
      'exactly one of "PM" (product management), "Analytics", "Finance" or "Eng" (engineering); "LLM" when none',
    );
    expect(result.metadata.get('aov')).toMatchObject({ source: 'Finance', origin: 'llm' });
    expect(result.metadata.get('margin')).toMatchObject({ source: 'PM', origin: 'heuristic' });
  });
});
