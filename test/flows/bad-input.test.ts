/** Every mistake a person can make in the workbooks gets a clear message and loses nothing. */
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import type { RunReport } from '../../src/flows/index.js';
import { cellsWritten, FlowHarness, forEachFlowBackend, resetDatabase } from '../support/flow-harness.js';
import { mathInitiative } from '../support/initiatives.js';
import type { WorkbookBackend } from '../support/workbook-backends.js';

let database: Database;
let h: FlowHarness;

// Every case runs on SQLite and on PostgreSQL with in-memory workbooks, and on SQLite with real
// .xlsx files, each starting from an empty database.
let newBackend: () => WorkbookBackend | undefined;

forEachFlowBackend(
  (harness, db, _name, backend) => {
    h = harness;
    database = db;
    newBackend = backend;
  },
  () => {
    const messages = (r: RunReport) =>
      r.warnings.map((w) => `${w.tab} row ${w.row} ${w.key ?? ''}: ${w.message}`);
    const rice = { rice_reach: 1000, rice_impact: 2, rice_confidence: 0.5, rice_effort: 4 };

    /** A keyed initiative with a Scoring_Inputs row. */
    function initiative(key: string, framework: string, scoring: Record<string, unknown> = {}) {
      h.add('Backlog', {
        initiative_key: key,
        title: `Initiative ${key}`,
        active_scoring_framework: framework,
      });
      h.add('Scoring_Inputs', {
        initiative_key: key,
        title: `Initiative ${key}`,
        active_scoring_framework: framework,
        use_math_model: false,
        ...scoring,
      } as never);
    }

    describe('header problems stop the run and name the tab and column', () => {
      it('a missing required column', async () => {
        const grid = h.backlog.grid('Backlog');
        grid[0]![grid[0]!.indexOf('title')] = 'name';
        await expect(h.run()).rejects.toThrow("tab 'Backlog' has no column 'title' in its header row");
      });

      it('a duplicated column', async () => {
        const grid = h.productOps.grid('Params');
        grid[0]!.push('Value');
        await expect(h.run()).rejects.toThrow(
          /tab 'Params': column 'value' appears twice \(columns J and R\)/,
        );
      });

      it('a renamed header that still normalises is accepted; aliases too', async () => {
        const grid = h.backlog.grid('Backlog');
        grid[0]![grid[0]!.indexOf('initiative_key')] = 'Key';
        grid[0]![grid[0]!.indexOf('active_scoring_framework')] = 'Active Scoring-Framework';
        h.add('Backlog', { Key: null, title: 'A', 'Active Scoring-Framework': 'RICE' } as never);
        await h.run();
        expect(h.rows('Backlog')[0]!.Key).toBe('INIT-000001');
      });

      it('a missing tab', async () => {
        h.productOps.tabs.delete('Params');
        // The workbook's label: a file path, or "Google spreadsheet <id>".
        await expect(h.run()).rejects.toThrow(/ has no tab 'Params' \(run 'productops init' to add it\)$/);
      });

      it('a missing backend column is added to the header', async () => {
        const grid = h.backlog.grid('Backlog');
        const rankIndex = grid[0]!.indexOf('rank');
        grid[0]![rankIndex] = 'my_notes';
        initiative('INIT-000001', 'RICE', rice);
        await h.run();
        expect(h.header('Backlog').at(-1)).toBe('rank');
        expect(h.rows('Backlog')[0]!.rank).toBe(1);
        expect(h.rows('Backlog')[0]!.my_notes).toBeNull();
      });
    });

    describe('row problems are reported and lose nothing', () => {
      it('duplicate keys on the Backlog: neither row is scored, both are told', async () => {
        initiative('INIT-000001', 'RICE', rice);
        h.add('Backlog', {
          initiative_key: 'INIT-000001',
          title: 'Pasted twice',
          active_scoring_framework: 'RICE',
        });
        const r = await h.run();
        const rows = h.rows('Backlog');
        expect(rows.map((x) => x.rank)).toEqual([null, null]);
        expect(rows[1]!.score_warnings).toBe(
          "initiative_key 'INIT-000001' is on rows 2, 3: keep it on one row and clear it on the others (a blank key gets a new one)",
        );
        expect(rows[1]!.title).toBe('Pasted twice');
        expect(messages(r).filter((m) => m.includes('is on rows 2, 3'))).toHaveLength(2);
      });

      it('keys in ProductOps that are not on the Backlog', async () => {
        h.add('Scoring_Inputs', { initiative_key: 'INIT-000099', title: 'Ghost' });
        h.add('MathModels', {
          initiative_key: 'INIT-000098',
          formula_text_final: 'value = 1',
          formula_text_approved: true,
        });
        h.add('Params', { initiative_key: 'INIT-000097', param_name: 'x', value: 1, approved: true });
        const r = await h.run();
        const m = messages(r);
        expect(m).toContain(
          "Scoring_Inputs row 2 INIT-000099: initiative_key 'INIT-000099' is not on the Central Backlog; this row is not scored",
        );
        expect(
          m.some((x) =>
            x.startsWith(
              "MathModels row 2 INIT-000098: initiative_key 'INIT-000098' is not on the Central Backlog",
            ),
          ),
        ).toBe(true);
        expect(
          m.some((x) =>
            x.startsWith(
              "Params row 2 INIT-000097/MATH_MODEL/x: initiative_key 'INIT-000097' is not on the Central Backlog",
            ),
          ),
        ).toBe(true);
        expect(h.rows('Scoring_Inputs')[0]!.title).toBe('Ghost');
      });

      it.each([
        ['abc', "rice_reach: 'abc' is not a number"],
        ['1,2,3', "rice_reach: '1,2,3' is not a number"],
      ])('text %j in a number cell', async (raw, message) => {
        initiative('INIT-000001', 'RICE', { ...rice, rice_reach: raw });
        const r = await h.run();
        const s = h.rows('Scoring_Inputs')[0]!;
        expect(s.rice_value_score).toBeNull();
        expect(s.input_warnings).toBe(message);
        expect(s.rice_reach).toBe(raw);
        expect(h.rows('Backlog')[0]!.score_warnings).toBe(`RICE: ${message}`);
        // The summary points at the Scoring_Inputs cell that holds the value, not the Backlog row.
        expect(messages(r)).toContain(`Scoring_Inputs row 2 INIT-000001: RICE: ${message}`);
      });

      it("80 as a RICE confidence is a bad value; '80%', '£1,200' and '4%' are numbers", async () => {
        initiative('INIT-000001', 'RICE', { ...rice, rice_confidence: 80 });
        initiative('INIT-000002', 'RICE', {
          rice_reach: '£1,200',
          rice_impact: '4%',
          rice_confidence: '80%',
          rice_effort: 2,
        });
        await h.run();
        const [a, b] = h.rows('Scoring_Inputs');
        expect(a!.input_warnings).toBe(
          'rice_confidence: 80 is not a fraction between 0 and 1 (write 80% or 0.8)',
        );
        expect(a!.rice_value_score).toBeNull();
        expect(b!.rice_value_score).toBeCloseTo(1200 * 0.04 * 0.8, 9);
        expect(b!.rice_overall_score).toBeCloseTo((1200 * 0.04 * 0.8) / 2, 9);
      });

      it.each([
        [0, 'rice_effort: must be greater than 0 (got 0)'],
        [-3, 'rice_effort: must be greater than 0 (got -3)'],
      ])('effort %d', async (effort, message) => {
        initiative('INIT-000001', 'RICE', { ...rice, rice_effort: effort });
        await h.run();
        expect(h.rows('Scoring_Inputs')[0]!.input_warnings).toBe(message);
        expect(h.rows('Backlog')[0]!.overall_score).toBeNull();
      });

      it('WSJF job size 0 and a missing input', async () => {
        initiative('INIT-000001', 'WSJF', {
          wsjf_business_value: 5,
          wsjf_time_criticality: 3,
          wsjf_risk_reduction: 1,
          wsjf_job_size: 0,
        });
        initiative('INIT-000002', 'WSJF', {
          wsjf_business_value: 5,
          wsjf_time_criticality: 3,
          wsjf_job_size: 2,
        });
        await h.run();
        const [a, b] = h.rows('Scoring_Inputs');
        expect(a!.input_warnings).toBe('wsjf_job_size: must be greater than 0 (got 0)');
        expect(b!.input_warnings).toBe('WSJF needs wsjf_risk_reduction');
      });

      it('an unknown framework name; a lower-case one is fine', async () => {
        initiative('INIT-000001', 'ICE', rice);
        initiative('INIT-000002', 'rice', rice);
        const r = await h.run();
        const [a, b] = h.rows('Backlog');
        expect(a!.score_warnings).toBe(
          "active_scoring_framework: unknown framework 'ICE' (use RICE, WSJF or MATH_MODEL)",
        );
        expect(a!.active_scoring_framework).toBe('ICE');
        expect(b!.rank).toBe(1);
        expect(b!.active_scoring_framework).toBe('rice');
        expect(messages(r).some((m) => m.includes("unknown framework 'ICE'"))).toBe(true);
      });

      it('a row without a title is ignored, with a warning when it has other content', async () => {
        h.add('Backlog', { problem_statement: 'Customers cannot find the export button' });
        const r = await h.run();
        expect(h.rows('Backlog')[0]!.initiative_key).toBeNull();
        expect(messages(r)).toContain(
          'Backlog row 2 : This row has no title, so it is ignored: give it a title to score it',
        );
      });
    });

    describe('math model problems', () => {
      const param = (key: string, name: string, value: unknown, approved = true) =>
        h.add('Params', {
          initiative_key: key,
          framework: 'MATH_MODEL',
          param_name: name,
          value: value as never,
          approved,
        });

      it('two approved models without a primary', async () => {
        mathInitiative(h, 'INIT-000001');
        h.add('MathModels', {
          initiative_key: 'INIT-000001',
          model_name: 'a',
          formula_text_final: 'value = 1',
          formula_text_approved: true,
        });
        h.add('MathModels', {
          initiative_key: 'INIT-000001',
          model_name: 'b',
          formula_text_final: 'value = 2',
          formula_text_approved: true,
        });
        await h.run();
        const s = h.rows('Scoring_Inputs')[0]!;
        expect(s.math_value_score).toBeNull();
        expect(s.math_warnings).toBe(
          '2 approved models and none is marked is_primary: tick is_primary on exactly one',
        );
        expect(h.rows('MathModels').map((m) => m.computed_value)).toEqual([1, 2]);
        h.edit('MathModels', 3, 'is_primary', true);
        await h.run();
        expect(h.rows('Scoring_Inputs')[0]!.math_value_score).toBe(2);
      });

      it('an approved blank formula', async () => {
        mathInitiative(h, 'INIT-000001');
        h.add('MathModels', { initiative_key: 'INIT-000001', model_name: 'a', formula_text_approved: true });
        await h.run();
        expect(h.rows('MathModels')[0]!.formula_status).toBe('Approved, but formula_text_final is empty');
        expect(h.rows('Scoring_Inputs')[0]!.math_warnings).toBe('Approved, but formula_text_final is empty');
      });

      it('a syntax error names the line and column; nothing is seeded', async () => {
        mathInitiative(h, 'INIT-000001');
        h.add('MathModels', {
          initiative_key: 'INIT-000001',
          model_name: 'a',
          formula_text_final: 'x = 2\nvalue = sessions * * aov',
          formula_text_approved: true,
        });
        await h.run();
        expect(h.rows('MathModels')[0]!.formula_status).toBe(
          "line 2, column 20: expected a number, a name or '(' after '*', found '*'",
        );
        expect(h.rows('Params')).toEqual([]);
      });

      it('a missing and an unapproved param', async () => {
        mathInitiative(h, 'INIT-000001');
        h.add('MathModels', {
          initiative_key: 'INIT-000001',
          model_name: 'a',
          formula_text_final: 'value = a * b * c',
          formula_text_approved: true,
        });
        param('INIT-000001', 'a', 2);
        param('INIT-000001', 'b', 3, false);
        await h.run();
        expect(h.rows('Scoring_Inputs')[0]!.math_warnings).toBe('Missing approved params: b, c');
        expect(h.find('Params', { param_name: 'b' }).param_status).toBe('Not approved');
        expect(h.find('Params', { param_name: 'c' }).param_status).toBe('Not approved');
        expect(h.rows('Backlog')[0]!.score_warnings).toBe('MATH_MODEL: Missing approved params: b, c');
      });

      it('a bad param value, and duplicate param rows', async () => {
        mathInitiative(h, 'INIT-000001');
        h.add('MathModels', {
          initiative_key: 'INIT-000001',
          model_name: 'a',
          formula_text_final: 'value = a * b',
          formula_text_approved: true,
        });
        param('INIT-000001', 'a', 'abc');
        param('INIT-000001', 'b', 1);
        param('INIT-000001', 'b', 2);
        const r = await h.run();
        expect(h.find('Params', { param_name: 'a' }).param_status).toBe("Bad value: 'abc' is not a number");
        expect(
          h
            .rows('Params')
            .filter((p) => p.param_name === 'b')
            .map((p) => p.param_status),
        ).toEqual(['Duplicate of rows 4', 'Duplicate of rows 3']);
        expect(h.rows('Scoring_Inputs')[0]!.math_warnings).toBe('Missing approved params: a, b');
        expect(messages(r)).toContain(
          "Params row 2 INIT-000001/MATH_MODEL/a: Bad value: approved, but 'abc' is not a number: write a number, e.g. 1200, 4% or £1,200",
        );
      });

      it('division by zero at evaluation names the line and the input; the stale score is cleared', async () => {
        mathInitiative(h, 'INIT-000001');
        h.add('MathModels', {
          initiative_key: 'INIT-000001',
          model_name: 'a',
          formula_text_final: 'value = gain / users',
          formula_text_approved: true,
        });
        param('INIT-000001', 'gain', 10);
        param('INIT-000001', 'users', 5);
        await h.run();
        expect(h.rows('Scoring_Inputs')[0]!.math_value_score).toBe(2);
        h.edit('Params', 3, 'value', 0);
        await h.run();
        expect(h.rows('Scoring_Inputs')[0]!.math_value_score).toBeNull();
        expect(h.rows('Backlog')[0]!.value_score).toBeNull();
        expect(h.rows('MathModels')[0]!.formula_status).toBe('line 1: division by zero (users = 0)');
      });
    });

    describe('ownership, idempotence and memory', () => {
      it('a person typing into a backend column is overwritten and told', async () => {
        initiative('INIT-000001', 'RICE', rice);
        await h.run();
        h.edit('Backlog', 2, 'rank', 7);
        const r = await h.run();
        expect(h.rows('Backlog')[0]!.rank).toBe(1);
        expect(messages(r)).toContain(
          "Backlog row 2 INIT-000001: 'rank' is computed by productops; the value typed there (7) was replaced",
        );
      });

      it('rows inserted or sorted between runs keep their scores by key', async () => {
        initiative('INIT-000001', 'RICE', rice);
        initiative('INIT-000002', 'RICE', { ...rice, rice_reach: 10 });
        await h.run();
        const grid = h.backlog.grid('Backlog');
        const [header, first, second] = grid;
        h.backlog.setTab('Backlog', [header!, [], second!, first!]);
        expect(cellsWritten(await h.run())).toBe(0);
        expect(h.find('Backlog', { initiative_key: 'INIT-000001' }).rank).toBe(1);
        expect(h.find('Backlog', { initiative_key: 'INIT-000002' }).rank).toBe(2);
      });

      it('the same run twice writes nothing the second time', async () => {
        initiative('INIT-000001', 'RICE', rice);
        h.add('Backlog', { title: 'New one', active_scoring_framework: 'WSJF' });
        const first = await h.run();
        expect(cellsWritten(first)).toBeGreaterThan(0);
        const writes = h.backlog.writes + h.productOps.writes;
        expect(cellsWritten(await h.run())).toBe(0);
        expect(h.backlog.writes + h.productOps.writes).toBe(writes);
      });

      it('a deleted database: the next run rebuilds from the workbooks and changes no cell', async () => {
        initiative('INIT-000001', 'RICE', rice);
        h.add('Backlog', { title: 'New one', active_scoring_framework: 'MATH_MODEL', use_math_model: true });
        await h.run();
        h.edit('MathModels', 2, 'formula_text_final', 'value = a');
        h.edit('MathModels', 2, 'formula_text_approved', true);
        await h.run();
        const before = JSON.stringify([
          h.rows('Backlog'),
          h.rows('Scoring_Inputs'),
          h.rows('MathModels'),
          h.rows('Params'),
        ]);
        await resetDatabase(database);
        const fresh = await FlowHarness.create(database, newBackend());
        for (const tab of ['Backlog'] as const) fresh.backlog.setTab(tab, h.backlog.grid(tab));
        for (const tab of ['Scoring_Inputs', 'MathModels', 'Params'] as const)
          fresh.productOps.setTab(tab, h.productOps.grid(tab));
        fresh.clock = new Date('2027-01-01T00:00:00Z');
        expect(cellsWritten(await fresh.run())).toBe(0);
        expect(
          JSON.stringify([
            fresh.rows('Backlog'),
            fresh.rows('Scoring_Inputs'),
            fresh.rows('MathModels'),
            fresh.rows('Params'),
          ]),
        ).toBe(before);
        // And the key sequence continues above the keys it saw.
        fresh.add('Backlog', { title: 'Third' });
        await fresh.run();
        expect(fresh.rows('Backlog').at(-1)!.initiative_key).toBe('INIT-000003');
      });

      it('a dry run writes nothing and reports what it would write', async () => {
        initiative('INIT-000001', 'RICE', rice);
        const r = await h.run(undefined, true);
        expect(r.dryRun).toBe(true);
        expect(cellsWritten(r)).toBeGreaterThan(0);
        expect(h.rows('Backlog')[0]!.rank).toBeNull();
        expect(h.backlog.writes + h.productOps.writes).toBe(0);
      });
    });

    describe('shared fields', () => {
      it('an edit on Scoring_Inputs is applied and mirrored to the Backlog', async () => {
        initiative('INIT-000001', 'RICE', {
          ...rice,
          wsjf_business_value: 1,
          wsjf_time_criticality: 1,
          wsjf_risk_reduction: 1,
          wsjf_job_size: 1,
        });
        await h.run();
        h.edit('Scoring_Inputs', 2, 'active_scoring_framework', 'wsjf');
        await h.run();
        expect(h.rows('Backlog')[0]!.active_scoring_framework).toBe('WSJF');
        expect(h.rows('Backlog')[0]!.overall_score).toBe(3);
      });

      it('an edit on the Backlog is mirrored to Scoring_Inputs', async () => {
        initiative('INIT-000001', 'RICE', rice);
        await h.run();
        h.edit('Backlog', 2, 'strategic_priority_coefficient', 2);
        await h.run();
        expect(h.rows('Scoring_Inputs')[0]!.strategic_priority_coefficient).toBe(2);
        expect(h.rows('Backlog')[0]!.priority_score).toBe(500);
      });

      it('edits on both tabs: the Backlog wins and the conflict is reported', async () => {
        initiative('INIT-000001', 'RICE', rice);
        await h.run();
        h.edit('Backlog', 2, 'strategic_priority_coefficient', 2);
        h.edit('Scoring_Inputs', 2, 'strategic_priority_coefficient', 3);
        const r = await h.run();
        expect(h.rows('Scoring_Inputs')[0]!.strategic_priority_coefficient).toBe(2);
        expect(messages(r)).toContain(
          'Backlog row 2 INIT-000001: strategic_priority_coefficient was changed on both tabs (Backlog: 2, Scoring_Inputs: 3); the Backlog value was kept',
        );
      });

      it('with no memory (a new or emptied database), tabs that differ are a conflict and neither cell changes', async () => {
        initiative('INIT-000001', 'RICE', rice);
        await h.run();
        h.edit('Scoring_Inputs', 2, 'strategic_priority_coefficient', 3);
        await resetDatabase(database);
        const r = await h.run();
        expect(h.rows('Scoring_Inputs')[0]!.strategic_priority_coefficient).toBe(3);
        expect(h.rows('Backlog')[0]!.strategic_priority_coefficient).toBeNull();
        expect(messages(r)).toContain(
          'Backlog row 2 INIT-000001: strategic_priority_coefficient differs between Backlog (null) and Scoring_Inputs (3) and productops has no record of either, so neither was changed: make them the same',
        );
        // Once a person makes them agree, the conflict is gone and the value is remembered.
        h.edit('Backlog', 2, 'strategic_priority_coefficient', 3);
        const agreed = await h.run();
        expect(messages(agreed).filter((m) => m.includes('differs between'))).toEqual([]);
        expect(h.rows('Backlog')[0]!.priority_score).toBe(750);
      });
    });
  },
);
