/**
 * What a run saves for the dashboard and `explain` — the Backlog's department, the uncertainty of
 * the priority, the params' ranges and source, the ranking history, the warnings — that a run
 * without edits writes nothing new, and the explanations read back from it, on every engine.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Database, Schema } from '../../src/db/index.js';
import { explainHistory, explainInitiative } from '../../src/explain/index.js';
import { forEachDatabase } from '../db/databases.js';
import { FlowHarness, resetDatabase } from '../support/flow-harness.js';
import { mathInitiative } from '../support/initiatives.js';

forEachDatabase((_kind, open) => {
  let database: Database;
  let h: FlowHarness;
  beforeEach(async () => {
    database ??= await open();
    await resetDatabase(database);
    h = await FlowHarness.create(database);
    // Enough samples for a range to show; these tests are about what is saved, not the numbers.
    h.config.uncertainty.samples = 1_000;
  });

  const runIds = async () =>
    (await database.db.selectFrom('runs').select('id').orderBy('id').execute()).map((r) => r.id);
  const rankRows = () =>
    database.db
      .selectFrom('rank_history')
      .select([
        'run_id',
        'initiative_key',
        'active_framework',
        'strategic_priority_coefficient',
        'priority_score',
        'rank',
      ])
      .orderBy('id')
      .execute();
  const paramRow = (key: string, name: string) =>
    h.find('Params', { initiative_key: key, param_name: name })._row;

  describe('what a run saves', () => {
    /** A math model with a ranged param, and a RICE initiative with a cell that warns. */
    function twoInitiatives() {
      mathInitiative(h, 'INIT-000001', {
        formula: 'value = visitors * conversion\neffort = 10',
        params: { visitors: 10_000, conversion: 0.1 },
      });
      h.edit('Backlog', 2, 'department', 'Growth');
      const visitors = paramRow('INIT-000001', 'visitors');
      h.edit('Params', visitors, 'min', 8_000);
      h.edit('Params', visitors, 'max', 12_000);
      h.edit('Params', visitors, 'distribution', 'uniform');
      h.edit('Params', visitors, 'source', 'Web analytics');
      h.add('Backlog', {
        initiative_key: 'INIT-000002',
        title: 'RICE one',
        active_scoring_framework: 'RICE',
      });
      h.add('Scoring_Inputs', {
        initiative_key: 'INIT-000002',
        rice_reach: 100,
        rice_impact: 1,
        rice_confidence: 80,
        rice_effort: 1,
      });
    }

    it('saves the department, the uncertainty, the params’ ranges and source, the ranking and the warnings', async () => {
      twoInitiatives();
      const report = await h.run();
      const [run] = await runIds();
      const saved = await database.db
        .selectFrom('initiatives')
        .selectAll()
        .where('initiative_key', '=', 'INIT-000001')
        .executeTakeFirstOrThrow();
      const backlog = h.find('Backlog', { initiative_key: 'INIT-000001' });
      expect(saved).toMatchObject({
        department: 'Growth',
        priority_p10: backlog.priority_p10,
        priority_p90: backlog.priority_p90,
        p_top_n: backlog.p_top_n,
        top_driver: 'visitors (100%)',
      });
      const uncertainty = JSON.parse(saved.uncertainty_json!);
      expect(uncertainty.tornado.map((t: { name: string }) => t.name)).toEqual(['visitors']);
      expect(uncertainty.value.p10).toBeLessThan(uncertainty.value.p90);
      const params = await database.db
        .selectFrom('params')
        .select(['param_name', 'min', 'max', 'distribution', 'source'])
        .where('initiative_key', '=', 'INIT-000001')
        .orderBy('param_name')
        .execute();
      expect(params).toEqual([
        { param_name: 'conversion', min: null, max: null, distribution: null, source: null },
        { param_name: 'visitors', min: 8_000, max: 12_000, distribution: 'uniform', source: 'Web analytics' },
      ]);
      expect(await rankRows()).toEqual([
        {
          run_id: run,
          initiative_key: 'INIT-000001',
          active_framework: 'MATH_MODEL',
          strategic_priority_coefficient: null,
          priority_score: backlog.priority_score,
          rank: 1,
        },
        {
          run_id: run,
          initiative_key: 'INIT-000002',
          active_framework: 'RICE',
          strategic_priority_coefficient: null,
          priority_score: null,
          rank: null,
        },
      ]);
      const warnings = await database.db.selectFrom('warnings').selectAll().orderBy('id').execute();
      expect(report.warnings.length).toBeGreaterThan(0);
      expect(warnings.map(({ id: _id, ...w }) => w)).toEqual(
        report.warnings.map((w) => ({
          run_id: run,
          tab: w.tab,
          row_number: w.row,
          column_name: w.column,
          initiative_key: w.key,
          message: w.message,
          link: w.link ?? null,
        })),
      );
    });

    it('a second run without edits writes nothing new to any table', async () => {
      twoInitiatives();
      await h.run();
      const tables = Object.keys({
        initiatives: 0,
        framework_scores: 0,
        math_models: 0,
        params: 0,
        score_history: 0,
        row_state: 0,
        sequences: 0,
        run_locks: 0,
        runs: 0,
        llm_calls: 0,
        rank_history: 0,
        warnings: 0,
        run_requests: 0,
      } satisfies Record<keyof Schema, 0>).filter((t) => t !== 'runs') as (keyof Schema)[];
      const snapshot = async () =>
        Object.fromEntries(
          await Promise.all(
            tables.map(async (t) => {
              const rows = await database.db.selectFrom(t).selectAll().execute();
              return [t, rows.map((r) => JSON.stringify(r)).sort()] as const;
            }),
          ),
        );
      const before = await snapshot();
      expect(before.rank_history).toHaveLength(2);
      expect(before.warnings!.length).toBeGreaterThan(0);
      await h.run();
      expect(await runIds()).toHaveLength(2);
      expect(await snapshot()).toEqual(before);
    });

    it('appends a ranking only for initiatives whose ranking changed, and replaces warnings when they change', async () => {
      twoInitiatives();
      await h.run();
      const messages = async () =>
        (await database.db.selectFrom('warnings').selectAll().orderBy('id').execute()).map((w) => [
          w.run_id,
          w.message,
        ]);
      const confidence = 'RICE: rice_confidence: 80 is not a fraction between 0 and 1 (write 80% or 0.8)';
      expect((await messages()).map(([, m]) => m)).toContain(confidence);
      // The RICE confidence fixed: INIT-000002 gets a score and a rank; the warning goes.
      h.edit(
        'Scoring_Inputs',
        h.find('Scoring_Inputs', { initiative_key: 'INIT-000002' })._row,
        'rice_confidence',
        0.8,
      );
      const report = await h.run();
      const [first, second] = await runIds();
      const rows = await rankRows();
      expect(rows.slice(2).map((r) => [r.run_id, r.initiative_key, r.rank])).toEqual([
        [second, 'INIT-000001', 1],
        [second, 'INIT-000002', 1],
      ]);
      expect(rows.slice(0, 2).every((r) => r.run_id === first)).toBe(true);
      expect(await messages()).toEqual(report.warnings.map((w) => [second, w.message]));
      expect((await messages()).map(([, m]) => m)).not.toContain(confidence);

      // Its Backlog row deleted: archived, and no longer ranked from this run on.
      const grid = h.backlog.grid('Backlog');
      h.backlog.setTab('Backlog', [grid[0]!, grid[1]!]);
      await h.run();
      const third = (await runIds())[2];
      const archived = (await rankRows()).slice(4).filter((r) => r.initiative_key === 'INIT-000002');
      expect(archived).toEqual([
        {
          run_id: third,
          initiative_key: 'INIT-000002',
          active_framework: null,
          strategic_priority_coefficient: null,
          priority_score: null,
          rank: null,
        },
      ]);
      // Archived once: the next run adds nothing.
      await h.run();
      expect((await rankRows()).filter((r) => r.initiative_key === 'INIT-000002')).toHaveLength(3);
    });
  });

  describe('explanations from the database', () => {
    /**
     * Run 1: A (a × b = 30, overall 15) ranks below B (overall 20). Run 2: a = 20, A passes B.
     * Run 3: A's formula adds a new param d. Run 4: A's coefficient 0.5, B passes it again.
     */
    async function history() {
      mathInitiative(h, 'INIT-000001', {
        title: 'A',
        formula: 'value = a * b\neffort = 2',
        params: { a: 10, b: 3 },
      });
      mathInitiative(h, 'INIT-000002', { title: 'B', formula: 'value = c\neffort = 1', params: { c: 20 } });
      await h.run();
      h.edit('Params', paramRow('INIT-000001', 'a'), 'value', 20);
      await h.run();
      const model = h.find('MathModels', { initiative_key: 'INIT-000001' })._row;
      h.edit('MathModels', model, 'formula_text_final', 'value = a * b + d\neffort = 2');
      h.add('Params', { initiative_key: 'INIT-000001', param_name: 'd', value: 4, approved: true });
      await h.run();
      h.edit('Backlog', 2, 'strategic_priority_coefficient', 0.5);
      await h.run();
      return runIds();
    }

    it('explains every step of the history: a param, a formula with a new param, a coefficient', async () => {
      const runs = await history();
      const steps = await explainHistory(database, 'INIT-000001');
      expect(steps.map((s) => [s.from.run, s.to.run])).toEqual([
        [runs[0], runs[1]],
        [runs[1], runs[2]],
        [runs[2], runs[3]],
      ]);
      const [param, formula, coefficient] = steps as [
        (typeof steps)[0],
        (typeof steps)[0],
        (typeof steps)[0],
      ];
      expect(param).toMatchObject({
        title: 'A',
        formula: null,
        params: [{ name: 'a', kind: 'changed', from: 10, to: 20 }],
        value: { from: 30, to: 60, change: 30 },
        overall: { from: 15, to: 30, change: 15 },
        contributions: [{ kind: 'param', name: 'a', value: 30, overall: 15 }],
        rank: {
          from: 2,
          to: 1,
          up: 1,
          passedBy: [],
          fellBehind: [{ key: 'INIT-000002', title: 'B', from: 1, to: 2 }],
        },
      });
      expect(formula.formula!.lines).toEqual([
        { kind: 'removed', text: 'value = a * b' },
        { kind: 'added', text: 'value = a * b + d' },
        { kind: 'same', text: 'effort = 2' },
      ]);
      expect(formula.params).toEqual([{ name: 'd', kind: 'added', from: null, to: 4 }]);
      expect(formula.contributions).toEqual([{ kind: 'formula', name: null, value: 4, overall: 2 }]);
      expect(coefficient).toMatchObject({
        coefficient: { from: null, to: 0.5 },
        contributions: [],
        priority: { from: 32, to: 16, change: -16, contributions: { basis: 0, coefficient: -16 } },
        rank: { from: 1, to: 2, up: -1, passedBy: [{ key: 'INIT-000002', from: 2, to: 1 }], fellBehind: [] },
      });
      // Without `since`, the last step.
      expect(await explainInitiative(database, 'INIT-000001')).toEqual(coefficient);
    });

    it('explains the change since a run or a date, and says when there is nothing to compare', async () => {
      const runs = await history();
      const since = (await explainInitiative(database, 'INIT-000001', { since: runs[0]! }))!;
      expect(since.from.run).toBe(runs[0]);
      expect(since.to.run).toBe(runs[3]);
      expect(since.params.map((p) => [p.name, p.kind])).toEqual([
        ['a', 'changed'],
        ['d', 'added'],
      ]);
      // The formula first (with d = 4, a still 10): 34; then a = 20: 64.
      expect(since.contributions).toEqual([
        { kind: 'formula', name: null, value: 4, overall: 2 },
        { kind: 'param', name: 'a', value: 30, overall: 15 },
      ]);
      expect(since.rank).toMatchObject({ from: 2, to: 2, passedBy: [], fellBehind: [] });
      // A date before the first run compares from the first recorded state.
      expect(await explainInitiative(database, 'INIT-000001', { since: '2020-01-01' })).toEqual(since);
      await expect(explainInitiative(database, 'INIT-000001', { since: 'last week' })).rejects.toThrow(
        "'last week' is neither a run id",
      );
      await expect(explainInitiative(database, 'INIT-000009')).rejects.toThrow("no initiative 'INIT-000009'");
      await expect(explainHistory(database, 'INIT-000009')).rejects.toThrow("no initiative 'INIT-000009'");
      // B's score never changed.
      expect(await explainInitiative(database, 'INIT-000002')).toBeNull();
      expect(await explainHistory(database, 'INIT-000002')).toEqual([]);
    });
  });
});
