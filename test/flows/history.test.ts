/** What the backend remembers and reproduces: versions, score history, runs, and one read and write per tab. */
import { expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { type FlowHarness, forEachFlowBackend } from '../support/flow-harness.js';
import { mathInitiative } from '../support/initiatives.js';

let database: Database;
let h: FlowHarness;

// Every case runs on SQLite and on PostgreSQL with in-memory workbooks, and on SQLite with real
// .xlsx files, each starting from an empty database.
forEachFlowBackend(
  (harness, db) => {
    h = harness;
    database = db;
  },
  () => {
    /** INIT-000001 'A': an approved model `value = a * 2`, effort 4, and its approved param a = 10. */
    const modelA = { title: 'A', effortDays: null, formula: 'value = a * 2\neffort = 4', params: { a: 10 } };

    it('version is 1 on first approval and +1 whenever the approved formula changes', async () => {
      mathInitiative(h, 'INIT-000001', modelA);
      await h.run();
      expect(h.rows('MathModels')[0]!.version).toBe(1);
      await h.run();
      expect(h.rows('MathModels')[0]!.version).toBe(1);
      h.edit('MathModels', 2, 'formula_text_final', 'value = a * 3\neffort = 4');
      await h.run();
      expect(h.rows('MathModels')[0]!.version).toBe(2);
      // Unapproving and editing does not count; approving the new text does.
      h.edit('MathModels', 2, 'formula_text_approved', false);
      h.edit('MathModels', 2, 'formula_text_final', 'value = a * 4\neffort = 4');
      await h.run();
      expect(h.rows('MathModels')[0]!.version).toBe(2);
      h.edit('MathModels', 2, 'formula_text_approved', true);
      await h.run();
      expect(h.rows('MathModels')[0]!.version).toBe(3);
      expect(h.rows('Scoring_Inputs')[0]!.math_value_score).toBe(40);
    });

    it('records a history row per changed score with the formula and inputs used, and a row per run', async () => {
      mathInitiative(h, 'INIT-000001', modelA);
      await h.run();
      await h.run();
      h.edit('Params', 2, 'value', 20);
      await h.run();
      const history = await database.db
        .selectFrom('score_history')
        .selectAll()
        .where('framework', '=', 'MATH_MODEL')
        .orderBy('id')
        .execute();
      expect(history.map((r) => r.value_score)).toEqual([20, 40]);
      expect(history[1]).toMatchObject({
        formula_text: 'value = a * 2\neffort = 4',
        model_name: 'm',
        effort_score: 4,
        overall_score: 10,
      });
      expect(JSON.parse(history[1]!.inputs_json)).toEqual({ a: 20 });
      const runs = await database.db.selectFrom('runs').selectAll().execute();
      expect(runs).toHaveLength(3);
      expect(runs.every((r) => r.status === 'done' && r.command === 'test')).toBe(true);
    });

    it('last_updated_at moves when a value or its approval changes, and only then', async () => {
      mathInitiative(h, 'INIT-000001', modelA);
      await h.run();
      const first = h.rows('Params')[0]!.last_updated_at;
      await h.run();
      expect(h.rows('Params')[0]!.last_updated_at).toBe(first);
      h.edit('Params', 2, 'approved', false);
      await h.run();
      const second = h.rows('Params')[0]!.last_updated_at;
      expect(second).not.toBe(first);
      expect(h.rows('Params')[0]!.param_status).toBe('Not approved');
      expect(h.rows('Params')[0]!.used_in_formula).toBe(true);
    });

    it('a param no approved formula reads any more is kept and marked unused', async () => {
      mathInitiative(h, 'INIT-000001', modelA);
      await h.run();
      h.edit('MathModels', 2, 'formula_text_final', 'value = b\neffort = 4');
      await h.run();
      const a = h.find('Params', { param_name: 'a' });
      expect(a).toMatchObject({ used_in_formula: false, param_status: 'Unused', value: 10 });
      expect(h.find('Params', { param_name: 'b' }).param_status).toBe('Not approved');
    });

    it('run reads each tab once and writes each workbook at most once', async () => {
      mathInitiative(h, 'INIT-000001', modelA);
      h.add('Backlog', { title: 'New' });
      let reads = 0;
      h.onRead = (tabs) => {
        reads += tabs.length;
        expect(new Set(tabs).size).toBe(tabs.length);
      };
      await h.run();
      expect(reads).toBe(4);
      expect(h.backlog.writes).toBe(1);
      expect(h.productOps.writes).toBe(1);
    });

    it('a single flow writes only its own cells', async () => {
      h.add('Backlog', { title: 'New', active_scoring_framework: 'RICE', use_math_model: true });
      await h.run(['scoring sync']);
      expect(h.rows('Backlog')[0]!.initiative_key).toBeNull();
      await h.run(['backlog sync']);
      expect(h.rows('Backlog')[0]!.initiative_key).toBe('INIT-000001');
      expect(h.rows('Scoring_Inputs')).toEqual([]);
      expect(h.rows('MathModels')).toEqual([]);
      await h.run(['scoring sync']);
      expect(h.rows('Scoring_Inputs')[0]).toMatchObject({
        initiative_key: 'INIT-000001',
        active_scoring_framework: 'RICE',
        rice_value_score: null,
      });
      await h.run(['models sync']);
      expect(h.rows('MathModels')[0]).toMatchObject({
        initiative_key: 'INIT-000001',
        model_name: 'INIT-000001_MATH_MODEL_V1',
      });
      h.edit('Scoring_Inputs', 2, 'rice_reach', 10);
      h.edit('Scoring_Inputs', 2, 'rice_impact', 1);
      h.edit('Scoring_Inputs', 2, 'rice_confidence', 1);
      h.edit('Scoring_Inputs', 2, 'rice_effort', 2);
      await h.run(['scoring compute', 'scoring activate']);
      expect(h.rows('Scoring_Inputs')[0]!.rice_value_score).toBeNull();
      const stored = await database.db
        .selectFrom('framework_scores')
        .selectAll()
        .where('framework', '=', 'RICE')
        .executeTakeFirst();
      expect(stored).toMatchObject({ value_score: 10, overall_score: 5 });
      await h.run(['scoring write']);
      expect(h.rows('Scoring_Inputs')[0]!.rice_overall_score).toBe(5);
      expect(h.rows('Backlog')[0]!.rank).toBeNull();
      await h.run(['backlog sync']);
      expect(h.rows('Backlog')[0]!.rank).toBe(1);
    });
  },
);
