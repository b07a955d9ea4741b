/** The dashboard's reads on SQLite and PostgreSQL: the same documents from the same rows. */
import { beforeAll, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/config/index.js';
import {
  loadFrameworks,
  loadInitiative,
  loadLlmCalls,
  loadMatrix,
  loadRankingRows,
  loadStatus,
  loadWarnings,
} from '../../src/dashboard/data.js';
import {
  type Database,
  insertLlmCall,
  insertRankHistory,
  insertRun,
  insertScoreHistory,
  type NewInitiativeRow,
  replaceWarnings,
  upsertFrameworkScores,
  upsertInitiatives,
  upsertMathModels,
  upsertParams,
} from '../../src/db/index.js';
import { forEachDatabase } from '../db/databases.js';

const AT = '2030-01-01T10:00:00.000Z';
let config: Config;

beforeAll(() => {
  config = loadConfig({ cwd: '/nonexistent-productops-folder', env: {} });
});

const initiative = (key: string, fields: Partial<NewInitiativeRow>): NewInitiativeRow => ({
  initiative_key: key,
  title: key,
  use_math_model: 0,
  first_seen_at: AT,
  updated_at: AT,
  ...fields,
});

async function fill(database: Database): Promise<void> {
  const run = await insertRun(database, {
    command: 'run',
    dry_run: 0,
    started_at: AT,
    finished_at: '2030-01-01T10:00:09.000Z',
    status: 'done',
    summary_json: null,
  });
  await insertRun(database, {
    command: 'run',
    dry_run: 0,
    started_at: '2030-01-02T10:00:00.000Z',
    finished_at: null,
    status: 'running',
    summary_json: null,
  });
  await upsertInitiatives(database, [
    initiative('INIT-000001', {
      title: 'Checkout',
      active_framework: 'MATH_MODEL',
      use_math_model: 1,
      value_score: 1000,
      effort_score: 10,
      overall_score: 100,
      priority_score: 90,
      rank: 1,
      department: 'Growth',
      uncertainty_json: JSON.stringify({ value: { p10: 800, p50: 1000, p90: 1300 } }),
    }),
    initiative('INIT-000002', {
      active_framework: 'RICE',
      value_score: 50,
      effort_score: 5,
      overall_score: 10,
      rank: 2,
    }),
    initiative('INIT-000003', {
      active_framework: 'RICE',
      value_score: 40,
      effort_score: 4,
      overall_score: 10,
      rank: 3,
    }),
    initiative('INIT-000004', { active_framework: 'RICE', archived_at: AT }),
  ]);
  await upsertFrameworkScores(
    database,
    [
      ['INIT-000001', 'RICE', 5],
      ['INIT-000002', 'RICE', 10],
      ['INIT-000003', 'RICE', 10],
      ['INIT-000004', 'RICE', 99],
      ['INIT-000001', 'MATH_MODEL', 100],
    ].map(([key, framework, overall]) => ({
      initiative_key: key as string,
      framework: framework as string,
      value_score: overall as number,
      effort_score: 1,
      overall_score: overall as number,
      warnings: '',
      computed_at: AT,
    })),
  );
  await upsertMathModels(database, [
    {
      initiative_key: 'INIT-000001',
      model_name: 'm',
      formula_text_final: 'value = orders * aov\neffort = 10',
      approved: 1,
      is_primary: 1,
      formula_status: 'OK',
      computed_value: 1000,
      updated_at: AT,
    },
  ]);
  const param = (key: string, name: string, value: number) => ({
    initiative_key: key,
    framework: 'MATH_MODEL',
    param_name: name,
    value,
    value_text: String(value),
    approved: 1,
    is_auto_seeded: 0,
    used_in_formula: 1,
    updated_at: AT,
  });
  await upsertParams(database, [
    param('INIT-000001', 'orders', 10),
    param('*', 'aov', 100),
    param('*', 'unrelated', 1),
  ]);
  await insertScoreHistory(database, [
    {
      run_id: run,
      initiative_key: 'INIT-000001',
      framework: 'MATH_MODEL',
      model_name: 'm',
      value_score: 1000,
      effort_score: 10,
      overall_score: 100,
      formula_text: 'value = orders * aov\neffort = 10',
      inputs_json: '{"orders":10,"aov":100}',
      computed_at: AT,
    },
  ]);
  await insertRankHistory(database, [
    {
      run_id: run,
      initiative_key: 'INIT-000001',
      active_framework: 'MATH_MODEL',
      priority_score: 90,
      rank: 1,
      recorded_at: AT,
    },
  ]);
  await replaceWarnings(database, run, [
    {
      tab: 'Params',
      row_number: 3,
      column_name: 'value',
      initiative_key: 'INIT-000001/MATH_MODEL/orders',
      message: 'a',
    },
    { tab: 'Backlog', row_number: 2, column_name: 'title', initiative_key: 'INIT-000001', message: 'b' },
    { tab: 'Backlog', row_number: 9, column_name: 'title', initiative_key: null, message: 'c' },
    // A key that looks like a pattern: only its own initiative's warnings are its.
    { tab: 'Backlog', row_number: 5, column_name: 'title', initiative_key: 'INIT-00000_', message: 'd' },
  ]);
  for (let i = 0; i < 3; i++) {
    await insertLlmCall(database, {
      run_id: run,
      initiative_key: 'INIT-000001',
      model_name: 'm',
      purpose: 'suggest',
      llm_model: 'gpt-4o-mini',
      prompt_tokens: 10 + i,
      completion_tokens: 5,
      latency_ms: 100,
      outcome: 'ok',
      error: null,
      created_at: AT,
    });
  }
}

forEachDatabase((_kind, open) => {
  let database: Database;
  beforeAll(async () => {
    database = await open();
    await fill(database);
  });

  it('reads the last finished run and the counts', async () => {
    expect(await loadStatus(database)).toEqual({
      lastSync: {
        run: 1,
        command: 'run',
        status: 'done',
        startedAt: AT,
        finishedAt: '2030-01-01T10:00:09.000Z',
      },
      initiatives: 3,
      ranked: 3,
    });
  });

  it('reads the ranking rows with their warnings, archived ones left out', async () => {
    const rows = await loadRankingRows(database);
    expect(rows.map((r) => [r.key, r.warnings]).sort()).toEqual([
      ['INIT-000001', 2],
      ['INIT-000002', 0],
      ['INIT-000003', 0],
    ]);
    expect(rows.find((r) => r.key === 'INIT-000001')).toMatchObject({
      title: 'Checkout',
      framework: 'MATH_MODEL',
      department: 'Growth',
      priority: 90,
      rank: 1,
    });
  });

  it('reads the matrix and the frameworks side by side', async () => {
    const matrix = await loadMatrix(database);
    expect(matrix.map((m) => m.key)).toEqual(['INIT-000001', 'INIT-000002', 'INIT-000003']);
    expect(matrix[0]).toMatchObject({ value: 1000, effort: 10, valueLow: 800, valueHigh: 1300 });
    const frameworks = await loadFrameworks(database);
    expect(frameworks.frameworks).toEqual(['RICE', 'MATH_MODEL']);
    expect(frameworks.rows.map((r) => [r.key, r.ranks])).toEqual([
      ['INIT-000001', { RICE: 3, MATH_MODEL: 1 }],
      ['INIT-000002', { RICE: 1, MATH_MODEL: null }],
      ['INIT-000003', { RICE: 1, MATH_MODEL: null }],
    ]);
  });

  it('reads one initiative with the shared assumptions its formula reads', async () => {
    const detail = (await loadInitiative(database, 'INIT-000001'))!;
    expect(detail.models).toEqual([
      expect.objectContaining({
        name: 'm',
        primary: true,
        approved: true,
        inputs: ['orders', 'aov'],
        problems: [],
      }),
    ]);
    expect(detail.params.map((p) => [p.initiativeKey, p.name])).toEqual([
      ['INIT-000001', 'orders'],
      ['*', 'aov'],
    ]);
    expect(detail.history).toEqual([
      { at: AT, run: 1, framework: 'MATH_MODEL', value: 100, priority: 90, rank: 1 },
    ]);
    expect(detail.warnings.map((w) => w.message)).toEqual(['a', 'b']);
    expect(detail.uncertainty?.value).toEqual({ p10: 800, p50: 1000, p90: 1300 });
    expect(await loadInitiative(database, 'INIT-999999')).toBeNull();
  });

  it('reads the warnings by tab and the LLM calls a page at a time', async () => {
    const warnings = await loadWarnings(database, config);
    expect(warnings.tabs.map((t) => [t.tab, t.warnings.map((w) => w.row)])).toEqual([
      ['Backlog', [2, 5, 9]],
      ['Params', [3]],
    ]);
    const calls = await loadLlmCalls(database, 1);
    expect(calls).toMatchObject({ page: 1, total: 3, pages: 1 });
    expect(calls.calls.map((c) => c.promptTokens)).toEqual([12, 11, 10]);
    expect((await loadLlmCalls(database, 2)).calls).toEqual([]);
  });
});
