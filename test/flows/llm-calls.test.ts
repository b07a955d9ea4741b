/**
 * One command, one LLM budget and one record of every call, whatever runFlows' retries do: when a
 * person saves a workbook while the LLM is answering, the attempt's write is refused and the whole
 * command is redone on a fresh read. The retry must not buy a fresh budget, and the calls the
 * refused attempt paid for must be on record (llm_calls), on SQLite and on PostgreSQL.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import type { LlmDeps } from '../../src/flows/index.js';
import { FLOWS } from '../../src/flows/index.js';
import { createOpenAiLlmClient } from '../../src/llm/openai-llm-client.js';
import { WorkbookError } from '../../src/shared/errors.js';
import { forEachDatabase } from '../db/databases.js';
import { FlowHarness, resetDatabase } from '../support/flow-harness.js';
import { OpenAiStandIn, reply, type StandInReply } from '../support/openai-stand-in.js';

let standIn: OpenAiStandIn;
beforeAll(async () => {
  standIn = await OpenAiStandIn.start();
});
afterAll(async () => {
  await standIn.close();
});

const good = {
  formula_text: 'value = monthly_sessions * conversion_uplift * 12',
  assumptions: ['Uplift applies to all sessions'],
  notes: 'Measure uplift with an A/B test.',
};

function llm(overrides: Partial<LlmDeps> = {}): LlmDeps {
  const client = createOpenAiLlmClient(
    {
      baseUrl: standIn.baseUrl,
      model: 'stand-in-model',
      apiKey: 'sk-local-0000',
      timeoutMs: 2_000,
      configured: true,
    },
    { sleep: async () => {}, maxRetries: 0 },
  )!;
  return { client, maxCalls: 50, force: false, debounceHours: 24, copySuggestionToFinal: true, ...overrides };
}

forEachDatabase((_kind, open) => {
  let database: Database;
  let h: FlowHarness;

  beforeAll(async () => {
    database = await open();
  });

  beforeEach(async () => {
    standIn.reset();
    await resetDatabase(database);
    h = await FlowHarness.create(database);
    h.add('Backlog', {
      initiative_key: 'INIT-000001',
      title: 'One-page checkout',
      active_scoring_framework: 'MATH_MODEL',
      use_math_model: true,
      effort_engineering_days: 20,
    });
    h.add('MathModels', {
      initiative_key: 'INIT-000001',
      model_name: 'm1',
      model_description_free_text: 'More sessions convert when checkout is one page.',
    });
  });

  /**
   * The first `times` answers arrive while a person saves the Backlog, so those attempts' writes are
   * refused; later answers arrive undisturbed.
   */
  function answerWhileSomeoneEdits(times = Number.POSITIVE_INFINITY): { edits: () => number } {
    let edits = 0;
    standIn.otherwise = (): StandInReply => {
      if (edits < times) {
        edits += 1;
        h.edit('Backlog', 2, 'hypothesis', `typed while the LLM was answering (${edits})`);
      }
      return reply.json(good);
    };
    return { edits: () => edits };
  }

  const calls = () => database.db.selectFrom('llm_calls').selectAll().orderBy('id').execute();

  it('a retry after a workbook change stays within maxCallsPerRun, and the refused attempts’ calls are recorded', async () => {
    h.llm = llm({ maxCalls: 2 });
    const person = answerWhileSomeoneEdits(2);
    const report = await h.run();

    // Attempts 1 and 2 each made a call and had their write refused; attempt 3 had no budget left.
    expect(standIn.requests).toHaveLength(2);
    expect(person.edits()).toBe(2);
    expect(report.notes.some((n) => n.includes('LLM call budget reached'))).toBe(true);
    expect(h.find('MathModels', { model_name: 'm1' }).llm_suggested_formula_text).toBeNull();
    expect(h.find('Backlog', { initiative_key: 'INIT-000001' }).hypothesis).toBe(
      'typed while the LLM was answering (2)',
    );

    const rows = await calls();
    expect(rows.map((c) => [c.purpose, c.outcome, c.initiative_key, c.model_name, c.llm_model])).toEqual([
      ['suggest_math_model', 'ok', 'INIT-000001', 'm1', 'stand-in-model'],
      ['suggest_math_model', 'ok', 'INIT-000001', 'm1', 'stand-in-model'],
    ]);
    // Both belong to the command's run, although neither attempt that made them wrote anything.
    const runs = await database.db.selectFrom('runs').select('id').execute();
    expect(runs).toHaveLength(1);
    expect(rows.every((c) => c.run_id === runs[0]!.id)).toBe(true);
  });

  it('when every attempt is refused, the command fails and each attempt’s call is still on record', async () => {
    h.llm = llm({ maxCalls: 50 });
    answerWhileSomeoneEdits();
    const error = await h.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkbookError);
    expect((error as Error).message).toContain('kept changing');

    expect(standIn.requests).toHaveLength(3);
    const rows = await calls();
    expect(rows.map((c) => [c.purpose, c.outcome, c.initiative_key, c.model_name])).toEqual([
      ['suggest_math_model', 'ok', 'INIT-000001', 'm1'],
      ['suggest_math_model', 'ok', 'INIT-000001', 'm1'],
      ['suggest_math_model', 'ok', 'INIT-000001', 'm1'],
    ]);
    expect(rows.every((c) => c.run_id === null && (c.prompt_tokens ?? 0) > 0)).toBe(true);
    expect(await database.db.selectFrom('runs').selectAll().execute()).toEqual([]);
  });

  it('a dry run records no call', async () => {
    h.llm = llm();
    standIn.enqueue(reply.json(good));
    await h.run(FLOWS, true);
    expect(standIn.requests).toHaveLength(1);
    expect(await calls()).toEqual([]);
  });
});
