/**
 * One honest rank across frameworks (issue 10, items 6 and 7): percentiles within each framework
 * when several share the rank, raw scores on request, finished initiatives out of the rank, and a
 * deleted Backlog row archived once.
 */
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import type { RunReport } from '../../src/flows/index.js';
import { cellsWritten, type FlowHarness, forEachFlowBackend } from '../support/flow-harness.js';

let database: Database;
let h: FlowHarness;

forEachFlowBackend(
  (harness, db) => {
    h = harness;
    database = db;
  },
  () => {
    const messages = (r: RunReport) =>
      r.warnings.map((w) => `${w.tab} row ${w.row} ${w.key ?? ''}: ${w.message}`);
    /** RICE with overall = reach (impact 1, confidence 100%, effort 1). */
    const rice = (overall: number) => ({
      rice_reach: overall,
      rice_impact: 1,
      rice_confidence: 1,
      rice_effort: 1,
    });
    /** WSJF with overall = business value (the other two 0, job size 1). */
    const wsjf = (overall: number) => ({
      wsjf_business_value: overall,
      wsjf_time_criticality: 0,
      wsjf_risk_reduction: 0,
      wsjf_job_size: 1,
    });

    function initiative(
      key: string,
      framework: string,
      scoring: Record<string, unknown>,
      backlog: Record<string, unknown> = {},
    ) {
      h.add('Backlog', {
        initiative_key: key,
        title: `Initiative ${key}`,
        active_scoring_framework: framework,
        ...backlog,
      } as never);
      h.add('Scoring_Inputs', {
        initiative_key: key,
        title: `Initiative ${key}`,
        active_scoring_framework: framework,
        use_math_model: false,
        strategic_priority_coefficient: backlog.strategic_priority_coefficient ?? null,
        ...scoring,
      } as never);
    }

    /** key → [priority_score, rank] as the Backlog shows them. */
    const board = () =>
      Object.fromEntries(h.rows('Backlog').map((r) => [r.initiative_key, [r.priority_score, r.rank]]));

    describe('item 6: several frameworks are ranked by percentile within each framework', () => {
      it('priority = coefficient × mid-rank percentile; the summary says so in one line', async () => {
        initiative('INIT-000001', 'RICE', rice(1_600));
        initiative('INIT-000002', 'RICE', rice(3_000));
        initiative('INIT-000003', 'RICE', rice(5_000));
        initiative('INIT-000004', 'WSJF', wsjf(3));
        initiative('INIT-000005', 'WSJF', wsjf(6), { strategic_priority_coefficient: 1.5 });
        initiative('INIT-000006', 'WSJF', wsjf(6));
        const r = await h.run();
        // RICE: 1,600 → 100 × 0.5 / 3; 3,000 → 100 × 1.5 / 3; 5,000 → 100 × 2.5 / 3.
        // WSJF: 3 → 16.67; the two 6s tie: 100 × (1 + ½ × 2) / 3 = 66.67, one of them × 1.5.
        expect(board()).toEqual({
          'INIT-000001': [16.66666667, 5],
          'INIT-000002': [50, 4],
          'INIT-000003': [83.33333333, 2],
          'INIT-000004': [16.66666667, 5],
          'INIT-000005': [100, 1],
          'INIT-000006': [66.66666667, 3],
        });
        // The active scores stay each framework's own.
        expect(h.rows('Backlog').map((x) => x.overall_score)).toEqual([1_600, 3_000, 5_000, 3, 6, 6]);
        expect(r.notes.filter((n) => n.includes('percentile'))).toEqual([
          'Priority = strategic_priority_coefficient × the overall score\'s percentile (0–100) among initiatives scored by the same framework, since RICE (3), WSJF (3) share one rank; set ranking.normalize to "none" to rank raw scores.',
        ]);
        expect(messages(r)).toEqual([]);
        expect(cellsWritten(await h.run())).toBe(0);
      });

      it('a lone initiative of a framework sits at 50, with a warning that its percentiles are coarse', async () => {
        initiative('INIT-000001', 'RICE', rice(1_600));
        initiative('INIT-000002', 'RICE', rice(3_000));
        initiative('INIT-000003', 'RICE', rice(5_000));
        initiative('INIT-000004', 'WSJF', wsjf(6));
        const r = await h.run();
        expect(board()['INIT-000004']).toEqual([50, 2]);
        expect(messages(r)).toEqual([
          'Backlog row null : Only 1 initiative is scored with WSJF, so WSJF percentiles are coarse (one alone sits at 50, two at 25 and 75): score more initiatives with WSJF, or set ranking.normalize to "none"',
        ]);
      });

      it('only frameworks that give a priority count: one framework in the rank keeps raw scores', async () => {
        initiative('INIT-000001', 'RICE', rice(1_600));
        initiative('INIT-000002', 'RICE', rice(3_000), { strategic_priority_coefficient: 2 });
        // Scored, but a bad coefficient gives it no priority: WSJF is not in the rank.
        initiative('INIT-000003', 'WSJF', wsjf(6), { strategic_priority_coefficient: 'high' });
        const r = await h.run();
        expect(board()).toEqual({
          'INIT-000001': [1_600, 2],
          'INIT-000002': [6_000, 1],
          'INIT-000003': [null, null],
        });
        expect(r.notes.some((n) => n.includes('percentile'))).toBe(false);
      });

      it('ranking.normalize "none" keeps raw scores across frameworks', async () => {
        h.config.ranking.normalize = 'none';
        initiative('INIT-000001', 'RICE', rice(1_600));
        initiative('INIT-000002', 'WSJF', wsjf(6));
        const r = await h.run();
        expect(board()).toEqual({ 'INIT-000001': [1_600, 1], 'INIT-000002': [6, 2] });
        expect(r.notes.some((n) => n.includes('percentile'))).toBe(false);
        expect(messages(r)).toEqual([]);
      });
    });

    describe('item 7: finished or dropped initiatives leave the rank', () => {
      it("lifecycle_status 'done', 'Shipped ', 'CANCELLED', 'archived': blank priority and rank, no warning", async () => {
        initiative('INIT-000001', 'RICE', rice(1_600));
        initiative('INIT-000002', 'RICE', rice(9_000), { lifecycle_status: 'done' });
        initiative('INIT-000003', 'RICE', rice(3_000), { lifecycle_status: 'Shipped ' });
        // Missing inputs would be a warning on a live initiative.
        initiative('INIT-000004', 'RICE', {}, { lifecycle_status: 'CANCELLED' });
        initiative('INIT-000005', '', {}, { lifecycle_status: 'archived' });
        initiative('INIT-000006', 'RICE', rice(800), { lifecycle_status: 'In progress' });
        const r = await h.run();
        expect(board()).toEqual({
          'INIT-000001': [1_600, 1],
          'INIT-000002': [null, null],
          'INIT-000003': [null, null],
          'INIT-000004': [null, null],
          'INIT-000005': [null, null],
          'INIT-000006': [800, 2],
        });
        const rows = h.rows('Backlog');
        // Its scores stay visible; only the rank is taken away.
        expect(rows[1]!.overall_score).toBe(9_000);
        expect(rows.map((x) => x.score_warnings)).toEqual([null, null, null, null, null, null]);
        expect(messages(r)).toEqual([]);
        expect(r.ranking.map((x) => x.initiative_key)).toEqual(['INIT-000001', 'INIT-000006']);
      });

      it('finished initiatives are not in the percentiles, nor in the count of frameworks', async () => {
        initiative('INIT-000001', 'RICE', rice(1_600));
        initiative('INIT-000002', 'RICE', rice(3_000));
        initiative('INIT-000003', 'WSJF', wsjf(6), { lifecycle_status: 'Done' });
        const r = await h.run();
        expect(board()).toEqual({
          'INIT-000001': [1_600, 2],
          'INIT-000002': [3_000, 1],
          'INIT-000003': [null, null],
        });
        expect(r.notes.some((n) => n.includes('percentile'))).toBe(false);
      });

      it('the values are configurable (ranking.excludeLifecycle)', async () => {
        h.config.ranking.excludeLifecycle = ['parked'];
        initiative('INIT-000001', 'RICE', rice(1_600), { lifecycle_status: 'Parked' });
        initiative('INIT-000002', 'RICE', rice(3_000), { lifecycle_status: 'done' });
        await h.run();
        expect(board()).toEqual({ 'INIT-000001': [null, null], 'INIT-000002': [3_000, 1] });
      });

      it('a Backlog row deleted by a person archives its initiative once, with one warning', async () => {
        initiative('INIT-000001', 'RICE', rice(1_600));
        initiative('INIT-000002', 'RICE', { ...rice(3_000), use_math_model: true }, { use_math_model: true });
        await h.run();
        h.edit('MathModels', 2, 'formula_text_final', 'value = x\neffort = 1');
        h.edit('MathModels', 2, 'formula_text_approved', true);
        await h.run();
        expect(h.rows('Params').map((p) => p.initiative_key)).toEqual(['INIT-000002']);

        const grid = h.backlog.grid('Backlog');
        h.backlog.setTab('Backlog', grid.slice(0, 2)); // deletes INIT-000002's row
        const first = await h.run();
        expect(messages(first)).toEqual([
          "Backlog row null INIT-000002: 'Initiative INIT-000002' is no longer on the Central Backlog (its row was deleted), so it is archived: its rows on the other tabs are kept but no longer scored. Paste the row back with its key to restore it",
        ]);
        expect(board()).toEqual({ 'INIT-000001': [1_600, 1] });
        const archived = await database.db
          .selectFrom('initiatives')
          .select(['archived_at', 'rank'])
          .where('initiative_key', '=', 'INIT-000002')
          .executeTakeFirstOrThrow();
        expect(archived).toEqual({ archived_at: expect.any(String), rank: null });
        // Its rows elsewhere are kept.
        expect(h.rows('Scoring_Inputs').map((x) => x.initiative_key)).toEqual(['INIT-000001', 'INIT-000002']);

        const second = await h.run();
        expect(messages(second)).toEqual([]);
        expect(cellsWritten(second)).toBe(0);

        // Pasted back: scored again, and a second deletion is said once more.
        h.add('Backlog', {
          initiative_key: 'INIT-000002',
          title: 'Initiative INIT-000002',
          active_scoring_framework: 'RICE',
          use_math_model: true,
        });
        const restored = await h.run();
        expect(board()['INIT-000002']).toEqual([3_000, 1]);
        expect(messages(restored).filter((m) => m.includes('archived'))).toEqual([]);
        h.backlog.setTab('Backlog', h.backlog.grid('Backlog').slice(0, 2));
        expect(messages(await h.run()).filter((m) => m.includes('archived'))).toHaveLength(1);
        expect(messages(await h.run())).toEqual([]);
      });

      it('a dry run says it would archive, and archives nothing', async () => {
        initiative('INIT-000001', 'RICE', rice(1_600));
        initiative('INIT-000002', 'RICE', rice(3_000));
        await h.run();
        h.backlog.setTab('Backlog', h.backlog.grid('Backlog').slice(0, 2));
        expect(messages(await h.run(undefined, true))).toHaveLength(1);
        expect(messages(await h.run())).toHaveLength(1);
        expect(messages(await h.run())).toEqual([]);
      });
    });
  },
);
