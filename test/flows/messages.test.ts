/**
 * Issue 10, items 1 and 2: every warning names the tab, row and column where a person fixes it
 * (not the Backlog row when the value lives in Scoring_Inputs, MathModels or Params), with a link to
 * that cell on Google workbooks, and says what is wrong and how to fix it.
 */
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import type { RunReport, RunWarning } from '../../src/flows/index.js';
import { columnLetter } from '../../src/sheets/read-tab.js';
import { type FlowHarness, forEachFlowBackend, type TabName } from '../support/flow-harness.js';
import { mathInitiative } from '../support/initiatives.js';

let _database: Database;
let h: FlowHarness;
let google = false;

forEachFlowBackend(
  (harness, db, name) => {
    h = harness;
    _database = db;
    google = name.endsWith('google');
  },
  () => {
    /** The warning whose message contains `text`; fails when there is not exactly one. */
    function warning(r: RunReport, text: string): RunWarning {
      const found = r.warnings.filter((w) => w.message.includes(text));
      expect(found.map((w) => w.message)).toHaveLength(1);
      return found[0]!;
    }

    /** What a warning must point at; on Google, plus a link that opens that cell. */
    function pointsAt(w: RunWarning, tab: TabName, row: number, column: string, key: string): void {
      expect({ tab: w.tab, row: w.row, column: w.column, key: w.key }).toEqual({ tab, row, column, key });
      if (!google) {
        expect(w.link).toBeUndefined();
        return;
      }
      const cell = `${columnLetter(h.header(tab).indexOf(column))}${row}`;
      expect(w.link).toMatch(
        new RegExp(`^https://docs\\.google\\.com/spreadsheets/d/[^/]+/edit#gid=\\d+&range=${cell}$`),
      );
    }

    const rice = { rice_reach: 1000, rice_impact: 2, rice_confidence: 0.5, rice_effort: 4 };

    /** A Backlog row and a Scoring_Inputs row one row lower, so the two row numbers differ. */
    function initiative(key: string, framework: string, scoring: Record<string, unknown> = {}) {
      h.add('Backlog', { initiative_key: key, title: key, active_scoring_framework: framework });
      if (h.rows('Scoring_Inputs').length === 0) h.add('Scoring_Inputs', {});
      h.add('Scoring_Inputs', {
        initiative_key: key,
        title: key,
        active_scoring_framework: framework,
        use_math_model: framework === 'MATH_MODEL',
        ...scoring,
      } as never);
    }

    describe('item 1: the summary points at the cell to fix', () => {
      it('a RICE input problem points at its Scoring_Inputs cell; the Backlog cell still says it', async () => {
        initiative('INIT-000001', 'RICE', { ...rice, rice_confidence: 80 });
        const r = await h.run();
        const w = warning(r, 'rice_confidence: 80 is not a fraction');
        pointsAt(w, 'Scoring_Inputs', 3, 'rice_confidence', 'INIT-000001');
        expect(h.rows('Backlog')[0]!.score_warnings).toBe(
          'RICE: rice_confidence: 80 is not a fraction between 0 and 1 (write 80% or 0.8)',
        );
      });

      it('a missing WSJF input points at the first missing column', async () => {
        initiative('INIT-000001', 'WSJF', { wsjf_business_value: 5, wsjf_job_size: 2 });
        const w = warning(await h.run(), 'WSJF needs');
        pointsAt(w, 'Scoring_Inputs', 3, 'wsjf_time_criticality', 'INIT-000001');
      });

      it('"Formula not approved" and formula errors point at the MathModels row', async () => {
        mathInitiative(h, 'INIT-000001', { formula: 'value = a', approved: false });
        mathInitiative(h, 'INIT-000002', { formula: 'x = 2\nvalue = a * * b' });
        const r = await h.run();
        pointsAt(
          warning(r, 'Formula not approved'),
          'MathModels',
          2,
          'formula_text_approved',
          'INIT-000001/m',
        );
        const syntax = warning(r, "line 2, column 13: expected a number, a name or '(' after '*'");
        pointsAt(syntax, 'MathModels', 3, 'formula_text_final', 'INIT-000002/m');
      });

      it('missing approved params point at the Params row and say what each one needs', async () => {
        mathInitiative(h, 'INIT-000001', { formula: 'value = a * b * c' });
        h.add('Params', {
          initiative_key: 'INIT-000001',
          framework: 'MATH_MODEL',
          param_name: 'a',
          value: 2,
          approved: true,
        });
        h.add('Params', {
          initiative_key: 'INIT-000001',
          framework: 'MATH_MODEL',
          param_name: 'b',
          value: 3,
          approved: false,
        });
        const r = await h.run();
        const w = warning(r, 'Missing approved params');
        expect(w.message).toBe(
          'MATH_MODEL: Missing approved params: b (not approved: tick approved), c (no value: fill value, then tick approved)',
        );
        pointsAt(w, 'Params', 3, 'approved', 'INIT-000001/MATH_MODEL/b');
        // The cells keep their short form.
        expect(h.rows('Scoring_Inputs')[0]!.math_warnings).toBe('Missing approved params: b, c');
      });

      it('a Backlog cell problem names its column', async () => {
        initiative('INIT-000001', 'ICE', rice);
        const w = warning(await h.run(), "unknown framework 'ICE'");
        pointsAt(w, 'Backlog', 2, 'active_scoring_framework', 'INIT-000001');
      });

      it('a Params row problem names its column', async () => {
        h.add('Params', {
          initiative_key: 'INIT-000001',
          framework: 'MATH_MODEL',
          param_name: 'x',
          value: 1,
          approved: 'maybe',
        });
        h.add('Backlog', { initiative_key: 'INIT-000001', title: 'A' });
        const w = warning(await h.run(), "approved: 'maybe' is not TRUE or FALSE");
        pointsAt(w, 'Params', 2, 'approved', 'INIT-000001/MATH_MODEL/x');
      });
    });

    describe('item 2: what is wrong and how to fix it', () => {
      it("an approved param 'abc' says it is approved but not a number, and how to write one", async () => {
        mathInitiative(h, 'INIT-000001', { formula: 'value = a' });
        h.add('Params', {
          initiative_key: 'INIT-000001',
          framework: 'MATH_MODEL',
          param_name: 'a',
          value: 'abc',
          approved: true,
        });
        const r = await h.run();
        const bad = warning(r, 'Bad value');
        expect(bad.message).toBe(
          "Bad value: approved, but 'abc' is not a number: write a number, e.g. 1200, 4% or £1,200",
        );
        pointsAt(bad, 'Params', 2, 'value', 'INIT-000001/MATH_MODEL/a');
        // Not "missing": the Params row's own warning says what is wrong, once.
        expect(r.warnings.filter((w) => /missing/i.test(w.message))).toEqual([]);
        expect(h.rows('Scoring_Inputs')[0]!.math_warnings).toBe('Missing approved params: a');
      });

      it('RICE confidence 1.5 is a fraction between 0 and 1, not 1.5%', async () => {
        initiative('INIT-000001', 'RICE', { ...rice, rice_confidence: 1.5 });
        await h.run();
        expect(h.rows('Scoring_Inputs')[1]!.input_warnings).toBe(
          'rice_confidence: 1.5 is not a fraction between 0 and 1 (write e.g. 80% or 0.8)',
        );
      });

      it('a formula typed with a leading = is explained, not "the script is empty"', async () => {
        mathInitiative(h, 'INIT-000001', { formula: '=reach * impact' });
        const r = await h.run();
        const status =
          "line 1, column 1: a formula here does not start with '=' as in a spreadsheet: name what each line computes, e.g. 'value = reach * impact'";
        expect(h.rows('MathModels')[0]!.formula_status).toBe(status);
        pointsAt(warning(r, status), 'MathModels', 2, 'formula_text_final', 'INIT-000001/m');
      });

      it('a negative strategic_priority_coefficient is scored as typed, with a warning', async () => {
        initiative('INIT-000001', 'RICE', rice);
        h.edit('Backlog', 2, 'strategic_priority_coefficient', -2);
        h.edit('Scoring_Inputs', 3, 'strategic_priority_coefficient', -2);
        const r = await h.run();
        const w = warning(r, 'strategic_priority_coefficient is negative (-2)');
        pointsAt(w, 'Backlog', 2, 'strategic_priority_coefficient', 'INIT-000001');
        expect(h.rows('Backlog')[0]!.rank).toBe(1);
        expect(h.rows('Backlog')[0]!.score_warnings).toContain('strategic_priority_coefficient is negative');
      });

      it.each([5, 0.1])(
        'RICE impact %d outside 0.25–3 is scored as typed, with a warning',
        async (impact) => {
          initiative('INIT-000001', 'RICE', { ...rice, rice_impact: impact });
          const r = await h.run();
          const w = warning(r, 'is outside the usual scale of 0.25 to 3');
          pointsAt(w, 'Scoring_Inputs', 3, 'rice_impact', 'INIT-000001');
          expect(h.rows('Scoring_Inputs')[1]!.rice_value_score).toBeCloseTo(1000 * impact * 0.5, 9);
          expect(h.rows('Backlog')[0]!.rank).toBe(1);
        },
      );
    });
  },
);
