/**
 * The repository functions the flows read and save the run's memory with, on every engine: what is
 * upserted is loaded back, a second upsert updates, archiving and history behave (score and rank
 * history read back as of a run or an instant), warnings are replaced as a whole, run ids
 * increase, and `withTransaction` writes all or nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  archiveInitiatives,
  type Database,
  insertRankHistory,
  insertRun,
  insertScoreHistory,
  loadFrameworkScores,
  loadInitiatives,
  loadLatestRanks,
  loadMathModels,
  loadParams,
  loadRankHistory,
  loadRowState,
  loadScoreHistory,
  loadWarnings,
  type NewInitiativeRow,
  type NewParamRow,
  type NewRankHistoryRow,
  raiseSequence,
  readSequence,
  replaceWarnings,
  upsertFrameworkScores,
  upsertInitiatives,
  upsertMathModels,
  upsertParams,
  upsertRowState,
  withTransaction,
} from '../../src/db/index.js';
import { forEachDatabase } from './databases.js';

const at = '2025-03-04T05:06:07.890Z';
const later = '2025-03-05T00:00:00.000Z';

const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
const sorted = <T>(rows: T[]): T[] => [...rows].sort(byJson);

function initiative(key: string, overrides: Partial<NewInitiativeRow> = {}) {
  return {
    initiative_key: key,
    title: `Initiative ${key}`,
    backlog_row: 2,
    active_framework: 'RICE',
    use_math_model: 0,
    strategic_priority_coefficient: 1.5,
    effort_engineering_days: 10,
    value_score: 120.5,
    effort_score: 3,
    overall_score: 40.1666,
    priority_score: 60.25,
    rank: 1,
    score_warnings: null,
    first_seen_at: at,
    updated_at: at,
    archived_at: null,
    department: 'Growth',
    priority_p10: 40.5,
    priority_p90: 80.25,
    p_top_n: 0.75,
    top_driver: 'reach (60%)',
    uncertainty_json: '{"pTopN":0.75}',
    ...overrides,
  };
}

function param(key: string, name: string, overrides: Partial<NewParamRow> = {}) {
  return {
    initiative_key: key,
    framework: 'MATH_MODEL',
    param_name: name,
    value: 12.5,
    value_text: '12.5',
    approved: 1,
    is_auto_seeded: 0,
    used_in_formula: 1,
    last_updated_at: at,
    param_status: 'ok',
    metadata_origin: 'heuristic',
    min: 10,
    max: 15,
    distribution: 'pert',
    source: 'Finance',
    updated_at: at,
    ...overrides,
  };
}

/** Rows whose key starts with `prefix`: the tests of one engine share a database. */
const ours = <T extends { initiative_key: string }>(rows: T[], prefix: string) =>
  sorted(rows.filter((row) => row.initiative_key.startsWith(prefix)));

forEachDatabase((_kind, open) => {
  describe('initiatives', () => {
    it('loads what was upserted, and a second upsert updates the named columns only', async () => {
      const database = await open();
      const rows = [initiative('I1-1'), initiative('I1-2', { title: 'Two', rank: 2 })];
      expect(await upsertInitiatives(database, rows)).toBe(2);
      expect(ours(await loadInitiatives(database), 'I1-')).toEqual(sorted(rows));

      // score_warnings left out: the stored value stays.
      await upsertInitiatives(database, [initiative('I1-1', { score_warnings: 'RICE: reach missing' })]);
      const { score_warnings: _left, ...renamed } = initiative('I1-1', {
        title: 'Renamed',
        updated_at: later,
      });
      await upsertInitiatives(database, [renamed]);
      expect(ours(await loadInitiatives(database), 'I1-1')).toEqual([
        { ...renamed, score_warnings: 'RICE: reach missing' },
      ]);
    });

    it('archives by key: archived_at and updated_at set, priority and rank cleared', async () => {
      const database = await open();
      await upsertInitiatives(database, [initiative('I2-1'), initiative('I2-2')]);
      expect(await archiveInitiatives(database, ['I2-1', 'I2-unknown'], later)).toBe(1);
      expect(ours(await loadInitiatives(database), 'I2-')).toEqual(
        sorted([
          initiative('I2-1', { archived_at: later, updated_at: later, priority_score: null, rank: null }),
          initiative('I2-2'),
        ]),
      );
      expect(await archiveInitiatives(database, [], later)).toBe(0);
    });

    it('archives more keys than one statement takes', async () => {
      const database = await open();
      const keys = Array.from({ length: 1_234 }, (_, index) => `I3-${index}`);
      await upsertInitiatives(
        database,
        keys.map((key) => initiative(key)),
      );
      expect(await archiveInitiatives(database, keys, later)).toBe(keys.length);
      const archived = ours(await loadInitiatives(database), 'I3-');
      expect(archived).toHaveLength(keys.length);
      expect(archived.every((row) => row.archived_at === later && row.rank === null)).toBe(true);
    });
  });

  it('upserts and loads framework scores', async () => {
    const database = await open();
    const rice = {
      initiative_key: 'FS-1',
      framework: 'RICE',
      value_score: 100,
      effort_score: 4,
      overall_score: 25,
      warnings: '',
      computed_at: at,
    };
    const wsjf = { ...rice, framework: 'WSJF', value_score: null, overall_score: null, warnings: 'no size' };
    expect(await upsertFrameworkScores(database, [rice, wsjf])).toBe(2);
    expect(ours(await loadFrameworkScores(database), 'FS-')).toEqual(sorted([rice, wsjf]));
    const updated = { ...rice, overall_score: 50, computed_at: later };
    await upsertFrameworkScores(database, [updated]);
    expect(ours(await loadFrameworkScores(database), 'FS-')).toEqual(sorted([updated, wsjf]));
  });

  it('upserts and loads math models', async () => {
    const database = await open();
    const model = {
      initiative_key: 'MM-1',
      model_name: 'revenue',
      formula_text_final: 'value = orders * aov',
      approved: 1,
      is_primary: 1,
      version: 1,
      approved_formula_text: 'value = orders * aov',
      formula_status: 'ok',
      computed_value: 1234.5,
      llm_suggested_at: null,
      updated_at: at,
    };
    await upsertMathModels(database, [model, { ...model, model_name: 'retention', is_primary: 0 }]);
    const { llm_suggested_at: _kept, ...changed } = { ...model, version: 2, llm_suggested_at: later };
    await upsertMathModels(database, [changed]);
    expect(ours(await loadMathModels(database), 'MM-')).toEqual(
      sorted([
        { ...model, version: 2 },
        { ...model, model_name: 'retention', is_primary: 0 },
      ]),
    );
  });

  it('upserts thousands of params given as a generator, keeping an omitted metadata origin', async () => {
    const database = await open();
    const count = 4_500;
    function* rows(value: number, origin: boolean) {
      for (let index = 0; index < count; index++) {
        const row = param(`PA-${Math.floor(index / 10)}`, `p${index % 10}`, { value });
        if (origin) yield row;
        else {
          const { metadata_origin: _omitted, ...rest } = row;
          yield rest;
        }
      }
    }
    expect(await upsertParams(database, rows(1, true))).toBe(count);
    expect(await upsertParams(database, rows(2, false))).toBe(count);
    const loaded = ours(await loadParams(database), 'PA-');
    expect(loaded).toHaveLength(count);
    expect(loaded.every((row) => row.value === 2 && row.metadata_origin === 'heuristic')).toBe(true);
    expect(loaded.find((row) => row.initiative_key === 'PA-7' && row.param_name === 'p3')).toEqual(
      param('PA-7', 'p3', { value: 2 }),
    );
  });

  it('upserts and loads row state', async () => {
    const database = await open();
    const backlog = { tab: 'Backlog', row_key: 'RS-1', cells_json: '{"title":"A"}', updated_at: at };
    const params = { tab: 'Params', row_key: 'RS-1|RICE|reach', cells_json: '{}', updated_at: at };
    await upsertRowState(database, [backlog, params]);
    const edited = { ...backlog, cells_json: '{"title":"B"}', updated_at: later };
    await upsertRowState(database, [edited]);
    const loaded = (await loadRowState(database)).filter((row) => row.row_key.startsWith('RS-'));
    expect(sorted(loaded)).toEqual(sorted([edited, params]));
  });

  it('inserts score history in slices, a left-out nullable column stored as null', async () => {
    const database = await open();
    const rows = Array.from({ length: 1_100 }, (_, index) => ({
      initiative_key: `SH-${index}`,
      framework: 'RICE',
      value_score: index,
      inputs_json: '{"reach":1}',
      computed_at: at,
      ...(index % 2 === 0 ? { run_id: 7, formula_text: 'value = reach' } : {}),
    }));
    expect(await insertScoreHistory(database, rows)).toBe(rows.length);
    const stored = await database.db
      .selectFrom('score_history')
      .selectAll()
      .where('initiative_key', 'like', 'SH-%')
      .execute();
    expect(stored).toHaveLength(rows.length);
    expect(stored.find((row) => row.initiative_key === 'SH-3')).toEqual({
      id: expect.any(Number),
      run_id: null,
      initiative_key: 'SH-3',
      framework: 'RICE',
      model_name: null,
      value_score: 3,
      effort_score: null,
      overall_score: null,
      formula_text: null,
      inputs_json: '{"reach":1}',
      computed_at: at,
    });
    expect(stored.find((row) => row.initiative_key === 'SH-4')).toMatchObject({
      run_id: 7,
      formula_text: 'value = reach',
    });
    expect(await insertScoreHistory(database, [])).toBe(0);
  });

  it("loads one initiative's score history, oldest first", async () => {
    const database = await open();
    const row = (key: string, value: number) => ({
      run_id: value,
      initiative_key: key,
      framework: 'RICE',
      value_score: value,
      inputs_json: '{}',
      computed_at: at,
    });
    await insertScoreHistory(database, [row('SL-1', 1), row('SL-2', 2), row('SL-1', 3)]);
    const loaded = await loadScoreHistory(database, 'SL-1');
    expect(loaded.map((r) => r.value_score)).toEqual([1, 3]);
    expect(loaded[0]!.id).toBeLessThan(loaded[1]!.id);
    expect(await loadScoreHistory(database, 'SL-unknown')).toEqual([]);
  });

  it('appends rank history and reads it per key, and each latest row now, after a run or at an instant', async () => {
    const database = await open();
    const row = (run: number | null, key: string, rank: number, when: string): NewRankHistoryRow => ({
      run_id: run,
      initiative_key: key,
      active_framework: 'RICE',
      strategic_priority_coefficient: 1.5,
      priority_score: 100 - rank,
      rank,
      recorded_at: when,
    });
    // More rows than one statement takes.
    const filler = Array.from({ length: 1_100 }, (_, index) => row(1, `RH-F${index}`, index, at));
    expect(
      await insertRankHistory(database, [
        row(1, 'RH-1', 2, at),
        row(1, 'RH-2', 1, at),
        ...filler,
        row(2, 'RH-1', 1, later),
        row(2, 'RH-2', 2, later),
        // Nullable columns left out are stored as null.
        { initiative_key: 'RH-3', recorded_at: at },
      ]),
    ).toBe(1_105);
    const one = await loadRankHistory(database, 'RH-1');
    expect(one).toEqual([
      { id: expect.any(Number), ...row(1, 'RH-1', 2, at) },
      { id: expect.any(Number), ...row(2, 'RH-1', 1, later) },
    ]);
    expect(one[0]!.id).toBeLessThan(one[1]!.id);
    const ranks = async (point?: Parameters<typeof loadLatestRanks>[1]) =>
      Object.fromEntries(
        (await loadLatestRanks(database, point))
          .filter((r) => /^RH-\d$/.test(r.initiative_key))
          .map((r) => [r.initiative_key, [r.run_id, r.rank]]),
      );
    expect(await ranks()).toEqual({ 'RH-1': [2, 1], 'RH-2': [2, 2], 'RH-3': [null, null] });
    // A row without a run is not after any run.
    expect(await ranks({ runId: 1 })).toEqual({ 'RH-1': [1, 2], 'RH-2': [1, 1] });
    expect(await ranks({ at })).toEqual({ 'RH-1': [1, 2], 'RH-2': [1, 1], 'RH-3': [null, null] });
    expect(await ranks({ runId: 0 })).toEqual({});
    expect((await loadRankHistory(database)).filter((r) => r.initiative_key.startsWith('RH-'))).toHaveLength(
      1_105,
    );
    expect(await insertRankHistory(database, [])).toBe(0);
  });

  it('replaces the warnings as a whole with the run id, and reads them in order, all or per initiative', async () => {
    const database = await open();
    const warning = (key: string | null, message: string) => ({
      tab: 'Params',
      row_number: 7,
      column_name: 'value',
      initiative_key: key,
      message,
    });
    const link = 'https://docs.google.com/spreadsheets/d/x/edit#gid=3&range=J7';
    await replaceWarnings(database, 3, [
      warning('W-1', 'one'),
      { ...warning('W-1/MATH_MODEL/aov', 'its param'), link },
      warning('W-10', 'another initiative'),
      warning('W%_/m', 'a key with like wildcards'),
      { tab: 'Backlog', message: 'the whole tab' },
    ]);
    const all = await loadWarnings(database);
    expect(all.map((w) => [w.run_id, w.initiative_key, w.message, w.link])).toEqual([
      [3, 'W-1', 'one', null],
      [3, 'W-1/MATH_MODEL/aov', 'its param', link],
      [3, 'W-10', 'another initiative', null],
      [3, 'W%_/m', 'a key with like wildcards', null],
      [3, null, 'the whole tab', null],
    ]);
    expect(all[4]).toMatchObject({ tab: 'Backlog', row_number: null, column_name: null });
    expect((await loadWarnings(database, 'W-1')).map((w) => w.message)).toEqual(['one', 'its param']);
    expect((await loadWarnings(database, 'W%_')).map((w) => w.message)).toEqual([
      'a key with like wildcards',
    ]);
    expect(await loadWarnings(database, 'W')).toEqual([]);

    expect(await replaceWarnings(database, 4, [warning('W-2', 'only this')])).toBe(1);
    expect((await loadWarnings(database)).map((w) => [w.run_id, w.message])).toEqual([[4, 'only this']]);
    expect(await replaceWarnings(database, 5, [])).toBe(0);
    expect(await loadWarnings(database)).toEqual([]);
  });

  it('inserts runs, returning increasing ids', async () => {
    const database = await open();
    const run = { command: 'run', dry_run: 0, started_at: at, finished_at: later, status: 'done' };
    const first = await insertRun(database, { ...run, summary_json: '{"steps":[]}' });
    const second = await insertRun(database.db, run);
    expect(second).toBeGreaterThan(first);
    const stored = await database.db.selectFrom('runs').selectAll().where('id', '=', second).execute();
    expect(stored).toEqual([{ id: second, ...run, summary_json: null }]);
  });

  describe('withTransaction', () => {
    /** Writes to every table through `tx`; returns the run's id. */
    async function writeAll(database: Database, prefix: string, fail: boolean): Promise<number> {
      let runId = 0;
      await withTransaction(database, async (tx) => {
        runId = await insertRun(tx, { command: prefix, dry_run: 0, started_at: at, status: 'done' });
        await raiseSequence(tx, prefix, 5);
        await upsertInitiatives(tx, [initiative(`${prefix}-1`)]);
        await archiveInitiatives(tx, [`${prefix}-1`], later);
        await upsertParams(tx, [param(`${prefix}-1`, 'reach')]);
        await insertScoreHistory(tx, [
          {
            run_id: runId,
            initiative_key: `${prefix}-1`,
            framework: 'RICE',
            inputs_json: '{}',
            computed_at: at,
          },
        ]);
        await upsertRowState(tx, [
          { tab: 'Backlog', row_key: `${prefix}-1`, cells_json: '{}', updated_at: at },
        ]);
        await insertRankHistory(tx, [
          { run_id: runId, initiative_key: `${prefix}-1`, rank: 1, recorded_at: at },
        ]);
        // A nested call joins the outer transaction.
        await withTransaction(tx, (inner) =>
          upsertMathModels(inner, [
            {
              initiative_key: `${prefix}-1`,
              model_name: 'm',
              formula_text_final: '',
              approved: 0,
              is_primary: 0,
              updated_at: at,
            },
          ]),
        );
        if (fail) throw new Error('failed half-way');
      });
      return runId;
    }

    async function written(database: Database, prefix: string) {
      const history = await database.db
        .selectFrom('score_history')
        .select('run_id')
        .where('initiative_key', '=', `${prefix}-1`)
        .execute();
      const runs = await database.db.selectFrom('runs').select('id').where('command', '=', prefix).execute();
      return {
        initiatives: ours(await loadInitiatives(database), prefix).map((row) => row.archived_at),
        params: ours(await loadParams(database), prefix).length,
        models: ours(await loadMathModels(database), prefix).length,
        rows: (await loadRowState(database)).filter((row) => row.row_key.startsWith(prefix)).length,
        history: history.map((row) => row.run_id),
        ranks: (await loadRankHistory(database, `${prefix}-1`)).map((row) => row.run_id),
        runs: runs.map((row) => row.id),
        sequence: await readSequence(database, prefix),
      };
    }

    it('writes everything when the work succeeds', async () => {
      const database = await open();
      const runId = await writeAll(database, 'TX-OK', false);
      expect(await written(database, 'TX-OK')).toEqual({
        initiatives: [later],
        params: 1,
        models: 1,
        rows: 1,
        history: [runId],
        ranks: [runId],
        runs: [runId],
        sequence: 5,
      });
    });

    it('writes nothing when the work throws, and rethrows its error', async () => {
      const database = await open();
      await expect(writeAll(database, 'TX-FAIL', true)).rejects.toThrow('failed half-way');
      expect(await written(database, 'TX-FAIL')).toEqual({
        initiatives: [],
        params: 0,
        models: 0,
        rows: 0,
        history: [],
        ranks: [],
        runs: [],
        sequence: 0,
      });
    });

    it('returns what the work returns', async () => {
      const database = await open();
      await expect(withTransaction(database, async (tx) => loadRowState(tx).then(() => 42))).resolves.toBe(
        42,
      );
    });
  });
});
