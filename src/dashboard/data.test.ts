import { describe, expect, it } from 'vitest';
import { competitionRanks, formulaProblems, historyPoints, initiativeOfWarningKey } from './data.js';

describe('competitionRanks', () => {
  it('ranks the highest score first; equal scores share a rank and the next counts them all', () => {
    const ranks = competitionRanks(
      new Map([
        ['a', 5],
        ['b', 7],
        ['c', 7],
        ['d', 1],
      ]),
    );
    expect(Object.fromEntries(ranks)).toEqual({ b: 1, c: 1, a: 3, d: 4 });
  });
});

describe('formulaProblems', () => {
  it('finds each located problem of a formula_status', () => {
    expect(
      formulaProblems(
        "line 3, column 34: expected a number, a name or '(' after '*', found '*'; line 5: unknown name 'x'",
      ),
    ).toEqual([
      { line: 3, column: 34, message: "expected a number, a name or '(' after '*', found '*'" },
      { line: 5, column: null, message: "unknown name 'x'" },
    ]);
    expect(formulaProblems('OK')).toEqual([]);
    expect(formulaProblems('Missing approved params: a')).toEqual([]);
    expect(formulaProblems(null)).toEqual([]);
  });
});

describe('historyPoints', () => {
  const score = (run: number, at: string, framework: string, overall: number) => ({
    run_id: run,
    computed_at: at,
    framework,
    overall_score: overall,
  });
  const rank = (run: number, at: string, framework: string, priority: number, r: number) => ({
    run_id: run,
    recorded_at: at,
    active_framework: framework,
    priority_score: priority,
    rank: r,
  });

  it('gives one point per run, with the score of the framework that counted and the rank as they stood', () => {
    const points = historyPoints(
      [
        score(1, 't1', 'RICE', 10),
        score(1, 't1', 'WSJF', 3),
        score(2, 't2', 'WSJF', 4),
        score(4, 't4', 'RICE', 12),
      ],
      [rank(1, 't1', 'RICE', 50, 4), rank(3, 't3', 'WSJF', 80, 2)],
      'WSJF',
    );
    expect(points).toEqual([
      { at: 't1', run: 1, framework: 'RICE', value: 10, priority: 50, rank: 4 },
      // The WSJF score changed, but RICE still counted: the point carries RICE's score.
      { at: 't2', run: 2, framework: 'RICE', value: 10, priority: 50, rank: 4 },
      { at: 't3', run: 3, framework: 'WSJF', value: 4, priority: 80, rank: 2 },
      { at: 't4', run: 4, framework: 'WSJF', value: 4, priority: 80, rank: 2 },
    ]);
  });

  it('uses the current framework before the first rank row', () => {
    expect(historyPoints([score(1, 't1', 'RICE', 10)], [], 'RICE')).toEqual([
      { at: 't1', run: 1, framework: 'RICE', value: 10, priority: null, rank: null },
    ]);
  });
});

describe('initiativeOfWarningKey', () => {
  it('takes the initiative from a row key', () => {
    expect(initiativeOfWarningKey('INIT-000003/MATH_MODEL/aov')).toBe('INIT-000003');
    expect(initiativeOfWarningKey('INIT-000003')).toBe('INIT-000003');
    expect(initiativeOfWarningKey(null)).toBeNull();
  });
});
