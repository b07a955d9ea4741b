/**
 * A framework of a team's own goes through the whole pipeline with one definition (ICE, in
 * test/fixtures/ice.ts) and one entry in the run's framework list: its columns on Scoring_Inputs,
 * its dropdown choice, its scores, the active score, priority and rank, its messages, what the
 * database remembers, and a rerun that writes nothing.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { DEFAULT_FRAMEWORKS, type Frameworks } from '../../src/scoring/index.js';
import { newTab } from '../../src/sheets/index.js';
import { tabsFor } from '../../src/sheets/tabs.js';
import { ice } from '../fixtures/ice.js';
import { cellsWritten, FlowHarness, forEachWorkbookBackend, resetDatabase } from '../support/flow-harness.js';

const frameworks: Frameworks = [...DEFAULT_FRAMEWORKS, ice];

describe('a framework of the team’s own (ICE)', () => {
  it('gets its input and score columns on Scoring_Inputs and a place in the dropdowns', () => {
    const tabs = tabsFor(frameworks);
    const scoring = newTab(tabs.scoring, 'Scoring_Inputs');
    expect(scoring.headers).toEqual(expect.arrayContaining(['ice_impact', 'ice_confidence', 'ice_ease']));
    // Inputs come after the other frameworks' inputs, scores after their scores.
    expect(scoring.headers.indexOf('ice_impact')).toBe(scoring.headers.indexOf('wsjf_job_size') + 1);
    expect(scoring.headers.indexOf('ice_value_score')).toBe(
      scoring.headers.indexOf('math_overall_score') + 1,
    );
    expect(scoring.backendColumns).toEqual(
      expect.arrayContaining(['ice_value_score', 'ice_effort_score', 'ice_overall_score']),
    );
    expect(newTab(tabs.backlog, 'Backlog').dropdowns?.active_scoring_framework).toEqual([
      'RICE',
      'WSJF',
      'MATH_MODEL',
      'ICE',
    ]);
    // The default tabs know nothing of it.
    expect(newTab(tabsFor(DEFAULT_FRAMEWORKS).scoring, 'Scoring_Inputs').headers).not.toContain('ice_impact');
  });

  forEachWorkbookBackend((name, open, backend) => {
    let database: Database;
    let h: FlowHarness;
    beforeAll(async () => {
      database = await open();
    });
    beforeEach(async () => {
      await resetDatabase(database);
      h = await FlowHarness.create(database, backend(), frameworks);
    });

    it(`${name}: scores, ranks, warns about and remembers ICE like any framework`, async () => {
      h.add('Backlog', {
        initiative_key: 'INIT-000001',
        title: 'Onboarding',
        active_scoring_framework: 'ice',
      });
      h.add('Backlog', { initiative_key: 'INIT-000002', title: 'Billing', active_scoring_framework: 'ICE' });
      h.add('Backlog', { initiative_key: 'INIT-000003', title: 'Search', active_scoring_framework: 'ICE' });
      h.add('Backlog', { initiative_key: 'INIT-000004', title: 'Typo', active_scoring_framework: 'ICEE' });
      h.add('Scoring_Inputs', {
        initiative_key: 'INIT-000001',
        ice_impact: 8,
        ice_confidence: 0.5,
        ice_ease: 4,
      });
      h.add('Scoring_Inputs', {
        initiative_key: 'INIT-000002',
        ice_impact: 2,
        ice_confidence: '100%',
        ice_ease: 3,
      });
      h.add('Scoring_Inputs', { initiative_key: 'INIT-000003', ice_impact: 5, ice_confidence: 0.9 });

      const first = await h.run();
      const scoring = (key: string) => h.find('Scoring_Inputs', { initiative_key: key });
      const backlog = (key: string) => h.find('Backlog', { initiative_key: key });
      expect(scoring('INIT-000001')).toMatchObject({
        ice_value_score: 16,
        ice_effort_score: null,
        ice_overall_score: 16,
        active_overall_score: 16,
      });
      expect(scoring('INIT-000002')).toMatchObject({ ice_value_score: 6, ice_overall_score: 6 });
      expect(backlog('INIT-000001')).toMatchObject({ value_score: 16, overall_score: 16, rank: 1 });
      expect(backlog('INIT-000002')).toMatchObject({ value_score: 6, rank: 2 });

      // A missing input is named like RICE's, on the cell to fill.
      expect(scoring('INIT-000003').input_warnings).toBe('ICE needs ice_ease');
      expect(backlog('INIT-000003').rank).toBeNull();
      expect(first.warnings).toContainEqual(
        expect.objectContaining({
          tab: 'Scoring_Inputs',
          row: scoring('INIT-000003')._row,
          column: 'ice_ease',
          key: 'INIT-000003',
          message: 'ICE: ICE needs ice_ease',
        }),
      );
      // The framework list says what may be chosen.
      expect(first.warnings).toContainEqual(
        expect.objectContaining({
          tab: 'Backlog',
          column: 'active_scoring_framework',
          message: "active_scoring_framework: unknown framework 'ICEE' (use RICE, WSJF, MATH_MODEL or ICE)",
        }),
      );
      expect(first.ranking.map((r) => [r.initiative_key, r.framework])).toEqual([
        ['INIT-000001', 'ICE'],
        ['INIT-000002', 'ICE'],
      ]);

      const stored = await database.db
        .selectFrom('framework_scores')
        .select(['initiative_key', 'overall_score'])
        .where('framework', '=', 'ICE')
        .orderBy('initiative_key')
        .execute();
      expect(stored).toEqual([
        { initiative_key: 'INIT-000001', overall_score: 16 },
        { initiative_key: 'INIT-000002', overall_score: 6 },
        { initiative_key: 'INIT-000003', overall_score: null },
        { initiative_key: 'INIT-000004', overall_score: null },
      ]);

      const rerun = await h.run();
      expect(cellsWritten(rerun)).toBe(0);

      // An edit to an ICE input moves the score and the rank.
      h.edit('Scoring_Inputs', scoring('INIT-000002')._row, 'ice_impact', 20);
      await h.run();
      expect(backlog('INIT-000002')).toMatchObject({ value_score: 60, rank: 1 });
      expect(backlog('INIT-000001')).toMatchObject({ rank: 2 });
    });
  });
});
