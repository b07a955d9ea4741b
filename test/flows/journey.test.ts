import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { cellsWritten, type FlowHarness, forEachFlowBackend } from '../support/flow-harness.js';

let _database: Database;
let h: FlowHarness;

// Every case runs on SQLite and on PostgreSQL with in-memory workbooks, and on SQLite with real
// .xlsx files, each starting from an empty database.
forEachFlowBackend(
  (harness, db) => {
    h = harness;
    _database = db;
  },
  () => {
    describe("the seed's journey", () => {
      it('turn on, define, approve, fill params, score', async () => {
        h.add('Backlog', {
          title: 'Checkout redesign',
          active_scoring_framework: 'MATH_MODEL',
          use_math_model: true,
          effort_engineering_days: 20,
        });
        await h.run();
        const key = h.rows('Backlog')[0]!.initiative_key as string;
        expect(key).toBe('INIT-000001');
        const model = h.find('MathModels', { initiative_key: key });
        expect(model.model_name).toBe('INIT-000001_MATH_MODEL_V1');
        expect(model.formula_status).toBe('Not approved');
        expect(h.find('Scoring_Inputs', { initiative_key: key }).active_scoring_framework).toBe('MATH_MODEL');

        h.edit(
          'MathModels',
          model._row,
          'formula_text_final',
          'value = uplift * sessions * aov\noverall = value / effort_days\neffort = effort_days',
        );
        h.edit('MathModels', model._row, 'formula_text_approved', true);
        await h.run();
        const params = h.rows('Params');
        expect(params.map((p) => p.param_name)).toEqual(['uplift', 'sessions', 'aov', 'effort_days']);
        expect(
          params.every((p) => p.approved === false && p.is_auto_seeded === true && p.source === 'PM'),
        ).toBe(true);
        expect(h.find('MathModels', { initiative_key: key }).formula_status).toBe(
          'Missing approved params: uplift, sessions, aov, effort_days',
        );
        expect(h.find('MathModels', { initiative_key: key }).version).toBe(1);

        const values: Record<string, number> = { uplift: 0.02, sessions: 100_000, aov: 50, effort_days: 10 };
        for (const p of params) {
          h.edit('Params', p._row, 'value', values[p.param_name as string]!);
          h.edit('Params', p._row, 'approved', true);
        }
        await h.run();
        const scoring = h.find('Scoring_Inputs', { initiative_key: key });
        expect(scoring.math_value_score).toBe(100_000);
        expect(scoring.math_effort_score).toBe(10);
        expect(scoring.math_overall_score).toBe(10_000);
        const backlog = h.rows('Backlog')[0]!;
        expect(backlog.value_score).toBe(100_000);
        expect(backlog.priority_score).toBe(10_000);
        expect(backlog.rank).toBe(1);
        expect(h.find('MathModels', { initiative_key: key }).computed_value).toBe(100_000);
        expect(h.rows('Params').every((p) => p.param_status === 'OK')).toBe(true);

        const again = await h.run();
        expect(cellsWritten(again)).toBe(0);
        expect(h.backlog.writes + h.productOps.writes).toBe(6);
      });
    });
  },
);
