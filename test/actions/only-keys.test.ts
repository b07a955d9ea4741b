/**
 * RunOptions.onlyKeys, what "Suggest formulas / Seed params for selected rows" sends: the LLM
 * suggestions and param seeding touch the selected initiatives only, every other step still covers
 * every row, and a selected key the Backlog does not have is named.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/index.js';
import { FLOWS, type FlowName, runFlows } from '../../src/flows/index.js';
import { createOpenAiLlmClient } from '../../src/llm/openai-llm-client.js';
import { FlowHarness, resetDatabase } from '../support/flow-harness.js';
import { OpenAiStandIn, reply } from '../support/openai-stand-in.js';

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

const KEYS = ['INIT-000001', 'INIT-000002'];

beforeEach(async () => {
  standIn.reset();
  await resetDatabase(database);
  h = await FlowHarness.create(database);
  for (const key of KEYS) {
    const initiative = {
      initiative_key: key,
      title: `Initiative ${key}`,
      active_scoring_framework: 'MATH_MODEL',
      use_math_model: true,
    };
    h.add('Backlog', { ...initiative, effort_engineering_days: 10 });
    h.add('Scoring_Inputs', initiative);
  }
});

function run(include: readonly FlowName[], onlyKeys?: string[], withLlm = false) {
  const client = createOpenAiLlmClient(
    {
      baseUrl: standIn.baseUrl,
      model: 'stand-in-model',
      apiKey: 'sk-test',
      timeoutMs: 500,
      configured: true,
    },
    { sleep: async () => {}, maxRetries: 0 },
  )!;
  return runFlows(
    {
      config: h.config,
      backlog: h.backlog,
      productOps: h.productOps,
      database,
      now: () => new Date('2026-01-05T09:00:00.000Z'),
      ...(withLlm
        ? {
            llm: { client, maxCalls: 10, force: false, debounceHours: 24, copySuggestionToFinal: false },
          }
        : {}),
    },
    {
      command: 'test',
      include: new Set(include),
      dryRun: false,
      ...(onlyKeys ? { onlyKeys: new Set(onlyKeys) } : {}),
    },
  );
}

describe('onlyKeys', () => {
  it('asks the LLM for the selected initiatives’ formulas only', async () => {
    for (const key of KEYS) {
      h.add('MathModels', {
        initiative_key: key,
        model_name: 'm1',
        model_description_free_text: `Value of ${key}: more orders over a year.`,
      });
    }
    standIn.otherwise = () => reply.json({ formula_text: 'value = orders * 12', assumptions: [], notes: '' });
    const result = await run(['models suggest'], ['INIT-000002'], true);
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]!.rawBody).toContain('INIT-000002');
    expect(h.rows('MathModels').map((m) => [m.initiative_key, m.llm_suggested_formula_text])).toEqual([
      ['INIT-000001', null],
      ['INIT-000002', 'value = orders * 12'],
    ]);
    expect(result.notes).toEqual([]);

    // Without a selection, the other row gets its suggestion too.
    await run(['models suggest'], undefined, true);
    expect(standIn.requests).toHaveLength(2);
    expect(h.rows('MathModels')[0]!.llm_suggested_formula_text).toBe('value = orders * 12');
  });

  it('seeds Params rows for the selected initiatives only, while every row is still scored', async () => {
    for (const key of KEYS) {
      h.add('MathModels', {
        initiative_key: key,
        model_name: 'm1',
        formula_text_final: `value = ${key === 'INIT-000001' ? 'orders_a' : 'orders_b'} * 12`,
        formula_text_approved: true,
      });
    }
    const result = await run(FLOWS, ['INIT-000001']);
    expect(h.rows('Params').map((p) => [p.initiative_key, p.param_name])).toEqual([
      ['INIT-000001', 'orders_a'],
    ]);
    expect(h.rows('Scoring_Inputs').map((s) => s.initiative_key)).toEqual(KEYS);
    expect(result.steps.find((s) => s.name === 'backlog sync')!.rowsRead).toBe(2);

    await run(['params seed']);
    expect(h.rows('Params').map((p) => p.param_name)).toEqual(['orders_a', 'orders_b']);
  });

  it('names a selected key the Backlog does not have', async () => {
    const result = await run(['params seed'], ['INIT-000002', 'INIT-999999', 'Initiative 1']);
    expect(result.notes).toEqual(['Not on the Backlog, so nothing was done for: INIT-999999, Initiative 1.']);
  });
});
