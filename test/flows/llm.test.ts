/**
 * The LLM co-pilot inside the flows, against a local OpenAI-compatible stand-in through the real
 * SDK: what lands in each cell for every kind of answer and fault, and that a person's cells never
 * change.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/database.js';
import type { LlmDeps } from '../../src/flows/index.js';
import { createOpenAiLlmClient } from '../../src/llm/openai-llm-client.js';
import { FlowHarness, resetDatabase } from '../support/flow-harness.js';
import { OpenAiStandIn, reply } from '../support/openai-stand-in.js';

const KEY = 'sk-test-secret-key-1234567890';
let standIn: OpenAiStandIn;
let database: Database;
let h: FlowHarness;

beforeAll(async () => {
  standIn = await OpenAiStandIn.start();
  database = await createDatabase('sqlite::memory:');
});
afterAll(async () => {
  await standIn.close();
  await database.close();
});

function llm(overrides: Partial<LlmDeps> = {}): LlmDeps {
  const client = createOpenAiLlmClient(
    { baseUrl: standIn.baseUrl, model: 'stand-in-model', apiKey: KEY, timeoutMs: 500, configured: true },
    { sleep: async () => {}, maxRetries: 2 },
  )!;
  return { client, maxCalls: 50, force: false, debounceHours: 24, copySuggestionToFinal: true, ...overrides };
}

const good = {
  formula_text:
    'extra_orders = monthly_sessions * conversion_uplift\nvalue = extra_orders * average_order_value * 12',
  assumptions: ['Uplift applies to all sessions', 'AOV stays flat'],
  notes: 'Measure uplift with an A/B test.',
};

beforeEach(async () => {
  standIn.reset();
  await resetDatabase(database);
  h = await FlowHarness.create(database);
  h.llm = llm();
  h.add('Backlog', {
    initiative_key: 'INIT-000001',
    title: 'One-page checkout',
    problem_statement: 'Checkout drop-off is high',
    active_scoring_framework: 'MATH_MODEL',
    use_math_model: true,
    effort_engineering_days: 20,
  });
  h.add('Scoring_Inputs', {
    initiative_key: 'INIT-000001',
    title: 'One-page checkout',
    active_scoring_framework: 'MATH_MODEL',
    use_math_model: true,
  });
  h.add('MathModels', {
    initiative_key: 'INIT-000001',
    model_name: 'm1',
    model_description_free_text:
      'More sessions convert when checkout is one page; value is the extra margin over a year.',
  });
});

const model = () => h.rows('MathModels')[0]!;
const PM_COLUMNS = [
  'model_description_free_text',
  'model_prompt_to_llm',
  'formula_text_approved',
  'is_primary',
];

describe('Scenario B: description → suggestion → final → approve → params with LLM metadata → scores', () => {
  it('goes end to end', async () => {
    standIn.enqueue(reply.json(good));
    await h.run();
    expect(model()).toMatchObject({
      llm_suggested_formula_text: good.formula_text,
      assumptions_text: '- Uplift applies to all sessions\n- AOV stays flat',
      llm_notes: good.notes,
      formula_text_final: good.formula_text,
      formula_text_approved: null,
      formula_status: 'Not approved',
    });
    const prompt = standIn.requests[0]!.body.messages.map((m) => m.content).join('\n');
    expect(prompt).toContain('Checkout drop-off is high');
    expect(prompt).toContain('More sessions convert');

    h.edit('MathModels', 2, 'formula_text_approved', true);
    standIn.enqueue(
      reply.json({
        params: [
          {
            name: 'monthly_sessions',
            param_display: 'Monthly sessions',
            description: 'Checkout sessions per month',
            unit: 'count',
            min: 1000,
            max: 1e6,
            likely_owner: 'Analytics',
          },
          {
            name: 'conversion_uplift',
            param_display: 'Conversion uplift',
            description: 'Absolute uplift',
            unit: 'fraction (0–1)',
            min: 0,
            max: 0.1,
            likely_owner: 'Product',
          },
          {
            name: 'average_order_value',
            param_display: 'AOV',
            description: 'Average order value',
            unit: 'currency',
            min: 10,
            max: 500,
            likely_owner: 'Finance',
          },
          {
            name: 'invented_param',
            param_display: 'Nope',
            description: 'not asked for',
            unit: '',
            min: null,
            max: null,
            likely_owner: '',
          },
        ],
      }),
    );
    await h.run();
    const params = h.rows('Params');
    expect(params.map((p) => p.param_name)).toEqual([
      'monthly_sessions',
      'conversion_uplift',
      'average_order_value',
    ]);
    expect(params.map((p) => p.source)).toEqual(['Analytics', 'PM', 'Finance']);
    expect(params.every((p) => p.approved === false && p.is_auto_seeded === true)).toBe(true);
    expect(h.find('Params', { param_name: 'average_order_value' })).toMatchObject({
      param_display: 'AOV',
      unit: 'currency',
      min: 10,
      max: 500,
    });
    expect(standIn.requests).toHaveLength(2);

    const values: Record<string, number> = {
      monthly_sessions: 10_000,
      conversion_uplift: 0.01,
      average_order_value: 50,
    };
    for (const p of params) {
      h.edit('Params', p._row, 'value', values[p.param_name as string]!);
      h.edit('Params', p._row, 'approved', true);
    }
    await h.run();
    expect(h.rows('Scoring_Inputs')[0]!.math_value_score).toBe(60_000);
    expect(h.rows('Backlog')[0]!.overall_score).toBe(3000);
    expect(standIn.requests).toHaveLength(2);

    const calls = await database.db.selectFrom('llm_calls').selectAll().orderBy('id').execute();
    expect(calls.map((c) => [c.purpose, c.outcome, c.initiative_key, c.model_name])).toEqual([
      ['suggest_math_model', 'ok', 'INIT-000001', 'm1'],
      ['suggest_param_metadata', 'ok', 'INIT-000001', 'm1'],
    ]);
    expect(calls.every((c) => c.prompt_tokens! > 0 && c.llm_model === 'stand-in-model')).toBe(true);
    expect(JSON.stringify(calls)).not.toContain(KEY);
    expect(
      standIn.requests.every((r) => r.headers.authorization === `Bearer ${KEY}` && !r.rawBody.includes(KEY)),
    ).toBe(true);
  });
});

describe('faults leave every cell a person owns unchanged and are reported with the row and reason', () => {
  const pmCells = () => JSON.stringify(PM_COLUMNS.map((c) => model()[c]));

  it.each([
    [
      'an invalid formula twice',
      [
        reply.json({ ...good, formula_text: 'value = * 2' }),
        reply.json({ ...good, formula_text: 'value = (' }),
      ],
    ],
    ['malformed JSON twice', [reply.text('{"formula_text": '), reply.text('not json')]],
    [
      'numbers plugged in twice',
      [
        reply.json({ ...good, formula_text: 'value = 12345 * 0.37' }),
        reply.json({ ...good, formula_text: 'value = 99 * 3.5' }),
      ],
    ],
    ['500 on every attempt', [reply.serverError(), reply.serverError(), reply.serverError()]],
    ['429 on every attempt', [reply.rateLimited(1), reply.rateLimited(1), reply.rateLimited(1)]],
    [
      'a slow answer past the timeout',
      [
        reply.slow(2000, reply.json(good)),
        reply.slow(2000, reply.json(good)),
        reply.slow(2000, reply.json(good)),
      ],
    ],
  ])('%s', async (_name, replies) => {
    h.edit('MathModels', 2, 'assumptions_text', 'Written by the PM');
    const pm = pmCells();
    standIn.enqueue(...replies);
    const r = await h.run();
    const m = model();
    expect(m.llm_suggested_formula_text).toBeNull();
    expect(m.formula_text_final).toBeNull();
    expect(m.assumptions_text).toBe('Written by the PM');
    expect(pmCells()).toBe(pm);
    expect(String(m.formula_status)).toMatch(/^LLM suggestion failed: /);
    const warning = r.warnings.find((w) => w.tab === 'MathModels');
    expect(warning).toMatchObject({ row: 2, key: 'INIT-000001/m1' });
    expect(warning!.message).toBe(m.formula_status);
    const calls = await database.db.selectFrom('llm_calls').selectAll().execute();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.outcome !== 'ok')).toBe(true);
  });

  it('an invalid answer corrected on the second call is used', async () => {
    standIn.enqueue(reply.json({ ...good, formula_text: 'value = sessions * * aov' }), reply.json(good));
    await h.run();
    expect(model().llm_suggested_formula_text).toBe(good.formula_text);
    expect(standIn.requests[1]!.body.messages.map((m) => m.content).join('\n')).toContain(
      "expected a number, a name or '(' after '*'",
    );
  });

  it('a 429 then a good answer is retried and used', async () => {
    standIn.enqueue(reply.rateLimited(0), reply.json(good));
    await h.run();
    expect(model().llm_suggested_formula_text).toBe(good.formula_text);
  });

  it('the LLM never overwrites a filled formula_text_final, assumptions or notes', async () => {
    h.edit('MathModels', 2, 'formula_text_final', 'value = my_own_param');
    h.edit('MathModels', 2, 'llm_notes', 'PM notes');
    standIn.enqueue(reply.json(good));
    await h.run();
    expect(model()).toMatchObject({
      formula_text_final: 'value = my_own_param',
      llm_notes: 'PM notes',
      llm_suggested_formula_text: good.formula_text,
    });
  });

  it('param metadata: missing names fall back to the heuristic, malformed JSON to the heuristic for all', async () => {
    h.edit('MathModels', 2, 'formula_text_final', 'value = monthly_sessions * average_order_value');
    h.edit('MathModels', 2, 'formula_text_approved', true);
    standIn.enqueue(
      reply.json({
        params: [
          {
            name: 'monthly_sessions',
            param_display: 'Sessions',
            description: 'd',
            unit: 'count',
            min: 5,
            max: 1,
            likely_owner: 'Analytics',
          },
        ],
      }),
    );
    await h.run();
    expect(h.find('Params', { param_name: 'monthly_sessions' })).toMatchObject({
      source: 'Analytics',
      param_display: 'Sessions',
      min: null,
      max: null,
    });
    expect(h.find('Params', { param_name: 'average_order_value' })).toMatchObject({
      source: 'PM',
      unit: 'currency',
    });
  });
});

describe('Params source is the likely owner (SHEETS.md)', () => {
  it('one of PM, Analytics, Finance, Eng or LLM; the database records that the LLM wrote the metadata', async () => {
    const owners: Record<string, string> = {
      monthly_sessions: 'Analytics',
      conversion_uplift: 'Product',
      margin: 'Finance',
      infra_cost: 'Engineering',
      campaign_reach: 'Marketing',
      churn_rate: '',
    };
    h.edit(
      'MathModels',
      2,
      'formula_text_final',
      `value = ${Object.keys(owners).join(' * ')} * horizon_months`,
    );
    h.edit('MathModels', 2, 'formula_text_approved', true);
    standIn.enqueue(
      reply.json({
        // horizon_months is left out: it gets the metadata guessed from its name.
        params: Object.entries(owners).map(([name, likely_owner]) => ({
          name,
          param_display: name.replace(/_/g, ' '),
          description: `What ${name} measures.`,
          unit: 'count',
          min: null,
          max: null,
          likely_owner,
        })),
      }),
    );
    await h.run();
    const source = Object.fromEntries(h.rows('Params').map((p) => [p.param_name, p.source]));
    expect(source).toEqual({
      monthly_sessions: 'Analytics',
      conversion_uplift: 'PM',
      margin: 'Finance',
      infra_cost: 'Eng',
      campaign_reach: 'LLM',
      churn_rate: 'LLM',
      horizon_months: 'PM',
    });
    expect(h.find('Params', { param_name: 'margin' }).description).toBe('What margin measures.');

    const origins = async () =>
      Object.fromEntries(
        (await database.db.selectFrom('params').select(['param_name', 'metadata_origin']).execute()).map(
          (p) => [p.param_name, p.metadata_origin],
        ),
      );
    const expected = {
      monthly_sessions: 'llm',
      conversion_uplift: 'llm',
      margin: 'llm',
      infra_cost: 'llm',
      campaign_reach: 'llm',
      churn_rate: 'llm',
      horizon_months: 'heuristic',
    };
    expect(await origins()).toEqual(expected);
    // Later runs, and a person's edit of `source`, keep the record of who wrote the metadata.
    h.edit('Params', h.find('Params', { param_name: 'campaign_reach' })._row, 'source', 'Finance');
    await h.run();
    await h.run();
    expect(await origins()).toEqual(expected);
    expect(h.find('Params', { param_name: 'campaign_reach' }).source).toBe('Finance');
  });
});

describe('cost limits', () => {
  beforeEach(() => {
    h.add('MathModels', {
      initiative_key: 'INIT-000001',
      model_name: 'm2',
      model_description_free_text: 'A second idea',
    });
  });

  it('maxCallsPerRun counts every call; the rest waits for the next run', async () => {
    h.llm = llm({ maxCalls: 1 });
    standIn.enqueue(reply.json({ ...good, formula_text: 'value = * 1' }));
    const r = await h.run();
    expect(standIn.requests).toHaveLength(1);
    expect(h.rows('MathModels').map((m) => m.llm_suggested_formula_text)).toEqual([null, null]);
    expect(r.notes.some((n) => n.includes('LLM call budget reached'))).toBe(true);
  });

  it('--limit caps rows; debounce skips recent ones unless --force', async () => {
    h.llm = llm({ limit: 1 });
    standIn.enqueue(reply.text('broken'), reply.text('broken again'));
    await h.run();
    expect(standIn.requests).toHaveLength(2);
    standIn.enqueue(reply.json(good));
    h.llm = llm();
    await h.run();
    // m1 was tried within debounceHours; only m2 is asked.
    expect(standIn.requests).toHaveLength(3);
    expect(h.find('MathModels', { model_name: 'm2' }).llm_suggested_formula_text).toBe(good.formula_text);
    h.llm = llm({ force: true });
    standIn.enqueue(reply.json(good));
    await h.run();
    expect(h.find('MathModels', { model_name: 'm1' }).llm_suggested_formula_text).toBe(good.formula_text);
  });

  it('a person clears llm_suggested_formula_text to ask again', async () => {
    standIn.enqueue(reply.json(good), reply.json(good));
    await h.run();
    expect(standIn.requests).toHaveLength(2);
    h.edit('MathModels', 2, 'llm_suggested_formula_text', null);
    h.llm = llm({ force: true });
    standIn.enqueue(reply.json({ ...good, notes: 'second' }));
    await h.run();
    expect(model().llm_suggested_formula_text).toBe(good.formula_text);
    expect(model().llm_notes).toBe(good.notes);
  });
});
