/**
 * Uncertainty through the whole run (SHEETS.md): params with a plausible range are simulated, the
 * percentiles and chances land on Scoring_Inputs and the Backlog, a range that cannot be used is
 * warned about on its row, shared assumptions move the initiatives that read them together, and a
 * run without edits writes nothing (the same seed gives the same numbers).
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
    const scoring = (key: string) => h.find('Scoring_Inputs', { initiative_key: key });
    const backlog = (key: string) => h.find('Backlog', { initiative_key: key });
    const param = (key: string, name: string) =>
      h.find('Params', { initiative_key: key, param_name: name })._row;

    it('writes percentiles, chances and the top driver, and a rerun writes nothing', async () => {
      mathInitiative(h, 'INIT-000001', {
        formula: 'value = visitors * conversion * order_value\neffort = 10',
        params: { visitors: 10_000, conversion: 0.02, order_value: 50 },
      });
      h.edit('Params', param('INIT-000001', 'visitors'), 'min', 9_000);
      h.edit('Params', param('INIT-000001', 'visitors'), 'max', 11_000);
      // The widest range relative to its value: it drives the value.
      h.edit('Params', param('INIT-000001', 'conversion'), 'min', 0.005);
      h.edit('Params', param('INIT-000001', 'conversion'), 'max', 0.05);
      h.add('Backlog', {
        initiative_key: 'INIT-000002',
        title: 'RICE one',
        active_scoring_framework: 'RICE',
      });
      h.add('Scoring_Inputs', {
        initiative_key: 'INIT-000002',
        rice_reach: 100,
        rice_impact: 1,
        rice_confidence: 1,
        rice_effort: 1,
      });

      await h.run();
      const s = scoring('INIT-000001');
      const [p10, p50, p90] = [s.math_value_p10, s.math_value_p50, s.math_value_p90] as number[];
      expect(p10).toBeLessThan(p50!);
      expect(p50).toBeLessThan(p90!);
      // PERT around value = 10,000 × 0.02 × 50 = 10,000, skewed up by conversion's long right tail.
      expect(p50).toBeGreaterThan(8_000);
      expect(p50).toBeLessThan(14_000);
      expect(s.math_overall_p10).toBeCloseTo(p10! / 10, 0);
      expect(s.prob_value_negative).toBe(0);
      const b = backlog('INIT-000001');
      expect(b.top_driver).toMatch(/^conversion \(\d+%\)$/);
      expect(Number(/\((\d+)%\)/.exec(String(b.top_driver))![1])).toBeGreaterThan(50);
      // Two initiatives, top 10: both are always in it.
      expect(b.p_top_n).toBe(1);
      expect(backlog('INIT-000002')).toMatchObject({ p_top_n: 1, priority_p10: 50, priority_p90: 50 });
      // Two frameworks rank by percentile, and the only MATH_MODEL initiative is always at the 50th.
      expect(b).toMatchObject({ priority_p10: 50, priority_p90: 50 });

      expect(cellsWritten(await h.run())).toBe(0);
    });

    it('warns about a range it cannot use, on the cell to fix, and uses the param as fixed', async () => {
      mathInitiative(h, 'INIT-000001', { formula: 'value = a * 3\neffort = 1', params: { a: 5 } });
      const row = param('INIT-000001', 'a');
      h.edit('Params', row, 'min', 8);
      h.edit('Params', row, 'max', 2);
      const report = await h.run();
      expect(report.warnings).toContainEqual(
        expect.objectContaining({
          tab: 'Params',
          row,
          column: 'min',
          key: 'INIT-000001/MATH_MODEL/a',
          message: expect.stringMatching(/^min \(8\) is above max \(2\): swap them/),
        }),
      );
      expect(scoring('INIT-000001')).toMatchObject({
        math_value_p10: 15,
        math_value_p50: 15,
        math_value_p90: 15,
      });
      expect(backlog('INIT-000001').top_driver).toBeNull();

      h.edit('Params', row, 'distribution', 'gauss');
      h.edit('Params', row, 'min', 2);
      h.edit('Params', row, 'max', 8);
      const renamed = await h.run();
      expect(renamed.warnings).toContainEqual(
        expect.objectContaining({ row, column: 'distribution', message: expect.stringContaining("'gauss'") }),
      );
      h.edit('Params', row, 'distribution', 'Uniform');
      const fixed = await h.run();
      expect(fixed.warnings.filter((w) => w.tab === 'Params')).toEqual([]);
      expect(Number(scoring('INIT-000001').math_value_p10)).toBeLessThan(15);
    });

    it('draws a shared assumption once per sample for every initiative that reads it', async () => {
      // B is always 1 above A, because both read the same draw of x.
      mathInitiative(h, 'INIT-000001', { formula: 'value = x\neffort = 1' });
      mathInitiative(h, 'INIT-000002', { formula: 'value = x + one\neffort = 1', params: { one: 1 } });
      h.add('Params', { initiative_key: '*', param_name: 'x', value: 50, min: 0, max: 100, approved: true });
      h.config.uncertainty.topN = 1;
      await h.run();
      expect(backlog('INIT-000002').p_top_n).toBe(1);
      expect(backlog('INIT-000001').p_top_n).toBe(0);
      expect(backlog('INIT-000001').top_driver).toBe('x (100%)');
    });
  },
);
