/**
 * The schema contract on every engine: each table of schema.ts exists with exactly its columns,
 * and every column round-trips a value and a null unchanged (booleans 0/1, ISO text, doubles).
 */
import type { Insertable } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Schema } from '../../src/db/index.js';
import { forEachDatabase } from './databases.js';

type TableName = keyof Schema;

/** A row naming every column but `id` (Required: a column missing here fails the type check). */
type FullRow<T extends TableName> = Omit<Required<Insertable<Schema[T]>>, 'id'>;

const at = '2025-03-04T05:06:07.890Z';

/** Per table: a row with every column set, and one with every nullable column null. */
const samples: { [T in TableName]: [FullRow<T>, FullRow<T>] } = {
  initiatives: [
    {
      initiative_key: 'INIT-000001',
      title: 'Checkout in one step — für alle',
      backlog_row: 2,
      active_framework: 'MATH_MODEL',
      use_math_model: 1,
      strategic_priority_coefficient: 1.25,
      effort_engineering_days: 12.5,
      value_score: 1234.5678,
      effort_score: 0.1,
      overall_score: -98765.4321,
      priority_score: 1e-9,
      rank: 1,
      score_warnings: 'RICE: reach is missing',
      first_seen_at: at,
      updated_at: at,
      archived_at: at,
      department: 'Growth — Zahlungen',
      priority_p10: 12.5,
      priority_p90: 187.25,
      p_top_n: 0.4375,
      top_driver: 'conversion_uplift (62%)',
      uncertainty_json: '{"value":{"p10":1,"p50":2,"p90":3},"tornado":[],"histogram":[]}',
    },
    {
      initiative_key: 'INIT-000002',
      title: 'Dark mode',
      backlog_row: null,
      active_framework: null,
      use_math_model: 0,
      strategic_priority_coefficient: null,
      effort_engineering_days: null,
      value_score: null,
      effort_score: null,
      overall_score: null,
      priority_score: null,
      rank: null,
      score_warnings: null,
      first_seen_at: at,
      updated_at: at,
      archived_at: null,
      department: null,
      priority_p10: null,
      priority_p90: null,
      p_top_n: null,
      top_driver: null,
      uncertainty_json: null,
    },
  ],
  framework_scores: [
    {
      initiative_key: 'INIT-000001',
      framework: 'RICE',
      value_score: 1234.5678,
      effort_score: 3.75,
      overall_score: 329.21808,
      warnings: '',
      computed_at: at,
    },
    {
      initiative_key: 'INIT-000001',
      framework: 'WSJF',
      value_score: null,
      effort_score: null,
      overall_score: null,
      warnings: 'job size is missing',
      computed_at: at,
    },
  ],
  math_models: [
    {
      initiative_key: 'INIT-000001',
      model_name: 'revenue',
      formula_text_final: 'value = orders * aov\neffort = effort_days',
      approved: 1,
      is_primary: 1,
      version: 3,
      approved_formula_text: 'value = orders * aov',
      formula_status: 'ok',
      computed_value: 108268.65,
      llm_suggested_at: at,
      updated_at: at,
    },
    {
      initiative_key: 'INIT-000001',
      model_name: 'retention',
      formula_text_final: '',
      approved: 0,
      is_primary: 0,
      version: null,
      approved_formula_text: null,
      formula_status: null,
      computed_value: null,
      llm_suggested_at: null,
      updated_at: at,
    },
  ],
  params: [
    {
      initiative_key: 'INIT-000001',
      framework: 'MATH_MODEL',
      param_name: 'aov',
      value: 1234.5678,
      value_text: '1234.5678',
      approved: 1,
      is_auto_seeded: 1,
      used_in_formula: 1,
      last_updated_at: at,
      param_status: 'ok',
      metadata_origin: 'llm',
      min: -0.5,
      max: 2500.75,
      distribution: 'lognormal',
      source: 'Finance — monthly report',
      updated_at: at,
    },
    {
      initiative_key: 'INIT-000001',
      framework: 'MATH_MODEL',
      param_name: 'orders',
      value: null,
      value_text: '',
      approved: 0,
      is_auto_seeded: 0,
      used_in_formula: 0,
      last_updated_at: null,
      param_status: null,
      metadata_origin: null,
      min: null,
      max: null,
      distribution: null,
      source: null,
      updated_at: at,
    },
  ],
  score_history: [
    {
      run_id: 7,
      initiative_key: 'INIT-000001',
      framework: 'MATH_MODEL',
      model_name: 'revenue',
      value_score: 1234.5678,
      effort_score: 2.5,
      overall_score: 493.82712,
      formula_text: 'value = orders * aov',
      inputs_json: '{"orders":10,"aov":123.45678}',
      computed_at: at,
    },
    {
      run_id: null,
      initiative_key: 'INIT-000002',
      framework: 'RICE',
      model_name: null,
      value_score: null,
      effort_score: null,
      overall_score: null,
      formula_text: null,
      inputs_json: '{}',
      computed_at: at,
    },
  ],
  row_state: [
    { tab: 'Backlog', row_key: 'INIT-000001', cells_json: '{"title":"Checkout"}', updated_at: at },
    { tab: 'Params', row_key: 'INIT-000001/MATH_MODEL/aov', cells_json: '{}', updated_at: at },
  ],
  sequences: [
    { name: 'initiative_key', last_value: 42 },
    { name: 'other', last_value: 0 },
  ],
  run_locks: [
    { name: 'run', holder: 'pid 4242@build-host', acquired_at: at },
    { name: 'other', holder: 'pid 1@host — ünïcode', acquired_at: at },
  ],
  runs: [
    {
      command: 'run',
      dry_run: 1,
      started_at: at,
      finished_at: at,
      status: 'ok',
      summary_json: '{"steps":[]}',
    },
    {
      command: 'backlog sync',
      dry_run: 0,
      started_at: at,
      finished_at: null,
      status: 'running',
      summary_json: null,
    },
  ],
  llm_calls: [
    {
      run_id: 7,
      initiative_key: 'INIT-000001',
      model_name: 'revenue',
      purpose: 'suggest_math_model',
      llm_model: 'gpt-4o-mini',
      prompt_tokens: 812,
      completion_tokens: 96,
      latency_ms: 1234.5678,
      outcome: 'ok',
      error: null,
      created_at: at,
    },
    {
      run_id: null,
      initiative_key: null,
      model_name: null,
      purpose: 'seed_params',
      llm_model: 'gpt-4o-mini',
      prompt_tokens: null,
      completion_tokens: null,
      latency_ms: 60000,
      outcome: 'error',
      error: 'timeout',
      created_at: at,
    },
  ],
  rank_history: [
    {
      run_id: 7,
      initiative_key: 'INIT-000001',
      active_framework: 'MATH_MODEL',
      strategic_priority_coefficient: 1.25,
      priority_score: 93.75,
      rank: 1,
      recorded_at: at,
    },
    {
      run_id: null,
      initiative_key: 'INIT-000002',
      active_framework: null,
      strategic_priority_coefficient: null,
      priority_score: null,
      rank: null,
      recorded_at: at,
    },
  ],
  warnings: [
    {
      run_id: 7,
      tab: 'Params',
      row_number: 12,
      column_name: 'value',
      initiative_key: 'INIT-000001/MATH_MODEL/aov',
      message: "value: 'n/a' is not a number — write a number, e.g. 1200",
      link: 'https://docs.google.com/spreadsheets/d/abc/edit#gid=0&range=J12',
    },
    {
      run_id: null,
      tab: 'Backlog',
      row_number: null,
      column_name: null,
      initiative_key: null,
      message: 'the Backlog has no rows',
      link: null,
    },
  ],
  run_requests: [
    {
      command: 'models suggest',
      keys_json: '["INIT-000001","INIT-000002"]',
      force: 1,
      requested_by: 'pm@example.com',
      status: 'done',
      queued_at: at,
      started_at: at,
      finished_at: at,
      run_id: 7,
      summary_json: '{"steps":[],"notes":[]}',
      warnings_json: '[]',
      error: 'the workbook is open in Excel',
    },
    {
      command: 'run',
      keys_json: null,
      force: 0,
      requested_by: null,
      status: 'queued',
      queued_at: at,
      started_at: null,
      finished_at: null,
      run_id: null,
      summary_json: null,
      warnings_json: null,
      error: null,
    },
  ],
};

const tablesWithId = new Set<TableName>([
  'score_history',
  'runs',
  'llm_calls',
  'rank_history',
  'warnings',
  'run_requests',
]);
const tableNames = Object.keys(samples) as TableName[];

forEachDatabase((_kind, open) => {
  it('has exactly the tables and columns of schema.ts', async () => {
    const { db } = await open();
    const tables = await db.introspection.getTables();
    const actual = Object.fromEntries(
      tables.map((table) => [table.name, table.columns.map((c) => c.name).sort()]),
    );
    const expected = Object.fromEntries(
      tableNames.map((table) => [
        table,
        [...(tablesWithId.has(table) ? ['id'] : []), ...Object.keys(samples[table][0])].sort(),
      ]),
    );
    expect(actual).toEqual(expected);
  });

  describe.each(tableNames)('%s', (table) => {
    it('returns every column as written, values and nulls', async () => {
      const { db } = await open();
      const rows = samples[table] as Record<string, unknown>[];
      const untyped = db as unknown as import('kysely').Kysely<Record<string, Record<string, unknown>>>;
      for (const row of rows) await untyped.insertInto(table).values(row).execute();
      const stored = await untyped.selectFrom(table).selectAll().execute();
      const expected = rows.map((row, index) => (tablesWithId.has(table) ? { id: index + 1, ...row } : row));
      // Order by content: the key columns differ between the two samples.
      const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
      expect([...stored].sort(byJson)).toEqual([...expected].sort(byJson));
    });
  });

  it('assigns increasing ids, returned by insert … returning', async () => {
    const { db } = await open();
    const run = { command: 'run', dry_run: 0, started_at: at, status: 'ok' };
    const first = await db.insertInto('runs').values(run).returning('id').executeTakeFirstOrThrow();
    const second = await db.insertInto('runs').values(run).returning('id').executeTakeFirstOrThrow();
    expect(typeof first.id).toBe('number');
    expect(second.id).toBeGreaterThan(first.id);
  });

  it('rejects a boolean other than 0 or 1', async () => {
    const { db } = await open();
    await expect(
      db.insertInto('runs').values({ command: 'run', dry_run: 2, started_at: at, status: 'ok' }).execute(),
    ).rejects.toThrow();
  });

  it('rejects a second row with the same primary key', async () => {
    const { db } = await open();
    const row = { tab: 'Scoring_Inputs', row_key: 'INIT-000009', cells_json: '{}', updated_at: at };
    await db.insertInto('row_state').values(row).execute();
    await expect(db.insertInto('row_state').values(row).execute()).rejects.toThrow();
  });

  it('returns counts, sums and averages as numbers', async () => {
    const { db } = await open();
    await db
      .insertInto('llm_calls')
      .values([1, 2].map((tokens) => ({ ...samples.llm_calls[0], run_id: 99, prompt_tokens: tokens })))
      .execute();
    // On PostgreSQL count(*) is bigint, sum(integer) bigint and avg(integer) numeric.
    const result = await db
      .selectFrom('llm_calls')
      .where('run_id', '=', 99)
      .select((eb) => [
        eb.fn.countAll<number>().as('count'),
        eb.fn.sum<number>('run_id').as('sum'),
        eb.fn.avg<number>('run_id').as('average'),
      ])
      .executeTakeFirstOrThrow();
    expect(result).toEqual({ count: 2, sum: 198, average: 99 });
  });
});
