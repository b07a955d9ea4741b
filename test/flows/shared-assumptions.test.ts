/**
 * A Params row whose initiative_key is `*` is a shared assumption: it defines a name for every math
 * model that reads it and has no row of its own for it (SHEETS.md). Seeding adds no per-initiative
 * row for such a name; an initiative's own row overrides it; it needs approval like any param.
 */
import { expect, it } from 'vitest';
import { cellsWritten, type FlowHarness, forEachFlowBackend } from '../support/flow-harness.js';
import { mathInitiative } from '../support/initiatives.js';

let h: FlowHarness;

forEachFlowBackend(
  (harness) => {
    h = harness;
  },
  () => {
    it('defines a name for every model that reads it, is overridden by an own row, and is not seeded', async () => {
      const formula = 'value = tickets * cost_per_ticket\neffort = 2';
      mathInitiative(h, 'INIT-000001', { formula, params: { tickets: 100 } });
      mathInitiative(h, 'INIT-000002', { formula, params: { tickets: 10, cost_per_ticket: 7 } });
      const shared = h.add('Params', {
        initiative_key: '*',
        param_name: 'cost_per_ticket',
        value: 3,
        approved: true,
      });

      const first = await h.run();
      const value = (key: string) => h.find('Scoring_Inputs', { initiative_key: key }).math_value_score;
      expect(value('INIT-000001')).toBe(300);
      expect(value('INIT-000002')).toBe(70);
      // No per-initiative row is seeded for the shared name, and `*` is no unknown initiative.
      expect(
        h
          .rows('Params')
          .filter((r) => r.param_name === 'cost_per_ticket')
          .map((r) => r.initiative_key),
      ).toEqual(['INIT-000002', '*']);
      expect(first.warnings.filter((w) => w.key?.startsWith('*'))).toEqual([]);
      expect(h.find('Params', { initiative_key: '*' })).toMatchObject({
        used_in_formula: true,
        param_status: 'OK',
      });
      expect(cellsWritten(await h.run())).toBe(0);

      // Unapproved, it scores nothing that depends on it, and the warning points at the shared row.
      h.edit('Params', shared, 'approved', false);
      const unapproved = await h.run();
      expect(value('INIT-000001')).toBeNull();
      expect(value('INIT-000002')).toBe(70);
      expect(unapproved.warnings).toContainEqual(
        expect.objectContaining({
          tab: 'Params',
          row: shared,
          column: 'approved',
          key: '*/MATH_MODEL/cost_per_ticket',
          message: 'MATH_MODEL: Missing approved params: cost_per_ticket (not approved: tick approved)',
        }),
      );
    });

    it('is unused when every model that reads the name has its own row', async () => {
      mathInitiative(h, 'INIT-000001', { formula: 'value = a\neffort = 1', params: { a: 5 } });
      h.add('Params', { initiative_key: '*', param_name: 'a', value: 9, approved: true });
      await h.run();
      expect(h.find('Params', { initiative_key: '*' })).toMatchObject({
        used_in_formula: false,
        param_status: 'Unused',
      });
      expect(h.find('Scoring_Inputs', { initiative_key: 'INIT-000001' }).math_value_score).toBe(5);
    });
  },
);
