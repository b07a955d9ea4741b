import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormulaCache, rice, scoreMathModel } from '../scoring/index.js';
import { type Contribution, type ExplainContext, explainChange } from './explain.js';
import type { InitiativeState, ScoreRecord } from './history.js';

let ids = 0;

/** A MATH_MODEL score as a run records it: scored by the scoring module itself. */
function mathScore(
  formula: string,
  inputs: Record<string, number>,
  effortDays: number | null = null,
): ScoreRecord {
  const { score } = scoreMathModel(
    {
      models: [{ modelName: 'm', formulaText: formula, approved: true, isPrimary: true }],
      param: (name) => (name in inputs ? { kind: 'ok', value: inputs[name]! } : { kind: 'unusable' }),
      effortEngineeringDays: effortDays === null ? { kind: 'blank' } : { kind: 'ok', value: effortDays },
    },
    new FormulaCache(),
  );
  return record('MATH_MODEL', score, { model: 'm', formula, inputs });
}

function riceScore(inputs: Record<string, number>): ScoreRecord {
  const cells = Object.fromEntries(
    Object.entries(inputs).map(([k, value]) => [k, { kind: 'ok' as const, value }]),
  );
  return record('RICE', rice.score(cells as never), { model: null, formula: null, inputs });
}

function record(
  framework: string,
  score: { value: number | null; effort: number | null; overall: number | null },
  rest: Pick<ScoreRecord, 'model' | 'formula' | 'inputs'>,
): ScoreRecord {
  ids += 1;
  return {
    id: ids,
    run: ids,
    at: '',
    framework,
    value: score.value,
    effort: score.effort,
    overall: score.overall,
    ...rest,
  };
}

function state(
  framework: string | null,
  scores: ScoreRecord[],
  ranking: Partial<Pick<InitiativeState, 'coefficient' | 'priority' | 'rank'>> = {},
): InitiativeState {
  const byFramework = new Map(scores.map((s) => [s.framework, s]));
  return {
    run: Math.max(0, ...scores.map((s) => s.run)),
    at: '2026-01-05T09:00:00.000Z',
    framework,
    coefficient: null,
    priority: null,
    rank: null,
    ...ranking,
    score: framework === null ? null : (byFramework.get(framework) ?? null),
    scores: byFramework,
  };
}

const context: ExplainContext = {
  key: 'INIT-000001',
  title: 'One',
  ranksFrom: new Map(),
  ranksTo: new Map(),
  titles: new Map(),
};

/** Each contribution as `kind name: value / overall`. */
const shares = (contributions: Contribution[]) =>
  contributions.map((c) => `${c.kind}${c.name ? ` ${c.name}` : ''}: ${c.value} / ${c.overall}`);

const total = (contributions: Contribution[], measure: 'value' | 'overall') =>
  contributions.reduce((n, c) => n + (c[measure] ?? 0), 0);

describe('explainChange: what changed and how much each change explains', () => {
  it('applies the formula first, with the params it reads first, then each changed param by name', () => {
    const before = mathScore('value = a * b\neffort = 2', { a: 2, b: 5 });
    const after = mathScore('value = a * b + c\neffort = 2', { a: 3, b: 7, c: 4 });
    const e = explainChange(state('MATH_MODEL', [before]), state('MATH_MODEL', [after]), context);
    expect(e.formula).toEqual({
      model: { from: 'm', to: 'm' },
      lines: [
        { kind: 'removed', text: 'value = a * b' },
        { kind: 'added', text: 'value = a * b + c' },
        { kind: 'same', text: 'effort = 2' },
      ],
    });
    expect(e.params).toEqual([
      { name: 'a', kind: 'changed', from: 2, to: 3 },
      { name: 'b', kind: 'changed', from: 5, to: 7 },
      { name: 'c', kind: 'added', from: null, to: 4 },
    ]);
    expect(e.value).toEqual({ from: 10, to: 25, change: 15 });
    expect(e.overall).toEqual({ from: 5, to: 12.5, change: 7.5 });
    // formula (c = 4 at a = 2, b = 5): 14; a = 3: 19; b = 7: 25.
    expect(shares(e.contributions)).toEqual(['formula: 4 / 2', 'param a: 5 / 2.5', 'param b: 6 / 3']);
  });

  it('credits a change that cannot be scored on its own to the next one that can', () => {
    const before = mathScore('value = a / b\neffort = 1', { a: 10, b: 2 });
    const after = mathScore('value = a / (b - 2)\neffort = 1', { a: 12, b: 4 });
    const e = explainChange(state('MATH_MODEL', [before]), state('MATH_MODEL', [after]), context);
    // The new formula divides by zero until b is 4.
    expect(shares(e.contributions)).toEqual([
      'formula: null / null',
      'param a: null / null',
      'param b: 1 / 1',
    ]);
  });

  it("takes the Backlog's effort days when the formula assigns no effort, and their change last", () => {
    const before = mathScore('value = a', { a: 20 }, 4);
    const after = mathScore('value = a', { a: 30 }, 5);
    const e = explainChange(state('MATH_MODEL', [before]), state('MATH_MODEL', [after]), context);
    expect(e.formula).toBeNull();
    expect(e.effortDays).toEqual({ from: 4, to: 5 });
    expect(shares(e.contributions)).toEqual([
      'param a: 10 / 2.5',
      'effort effort_engineering_days: 0 / -1.5',
    ]);
  });

  it('re-scores a column framework from its Scoring_Inputs cells', () => {
    const cells = { rice_reach: 100, rice_impact: 1, rice_confidence: 0.5, rice_effort: 2 };
    const before = riceScore(cells);
    const after = riceScore({ ...cells, rice_reach: 200, rice_effort: 4 });
    const e = explainChange(state('RICE', [before]), state('RICE', [after]), context);
    expect(e.formula).toBeNull();
    expect(e.params.map((p) => p.name)).toEqual(['rice_effort', 'rice_reach']);
    expect(shares(e.contributions)).toEqual(['param rice_effort: 0 / -12.5', 'param rice_reach: 50 / 12.5']);
  });

  it("a switch of framework goes first: from the old framework's score to the new one's then", () => {
    const riceThen = riceScore({ rice_reach: 100, rice_impact: 2, rice_confidence: 0.5, rice_effort: 2 });
    const mathThen = mathScore('value = a\neffort = 2', { a: 10 });
    const mathNow = mathScore('value = a\neffort = 2', { a: 20 });
    const e = explainChange(state('RICE', [riceThen, mathThen]), state('MATH_MODEL', [mathNow]), context);
    expect(e.framework).toEqual({ from: 'RICE', to: 'MATH_MODEL' });
    expect(e.params).toEqual([{ name: 'a', kind: 'changed', from: 10, to: 20 }]);
    expect(shares(e.contributions)).toEqual(['framework RICE → MATH_MODEL: -90 / -45', 'param a: 10 / 5']);
    expect(e.value.change).toBe(-80);
  });

  it('a switch to a framework with no earlier score explains the whole change', () => {
    const riceThen = riceScore({ rice_reach: 100, rice_impact: 2, rice_confidence: 0.5, rice_effort: 2 });
    const mathNow = mathScore('value = a\neffort = 2', { a: 20 });
    const e = explainChange(state('RICE', [riceThen]), state('MATH_MODEL', [riceThen, mathNow]), context);
    expect(e.params).toEqual([]);
    expect(shares(e.contributions)).toEqual(['framework RICE → MATH_MODEL: -80 / -40']);
  });

  it('what re-scoring cannot reproduce is one `other` line, so the lines still add up', () => {
    const before = mathScore('value = a\neffort = 1', { a: 1 });
    const after = { ...mathScore('value = a\neffort = 1', { a: 2 }), value: 5, overall: 5 };
    const e = explainChange(state('MATH_MODEL', [before]), state('MATH_MODEL', [after]), context);
    expect(shares(e.contributions)).toEqual(['param a: 1 / 1', 'other: 3 / 3']);
    const unknown = { ...after, framework: 'ICE' };
    const f = explainChange(
      state('ICE', [{ ...before, framework: 'ICE' }]),
      state('ICE', [unknown]),
      context,
    );
    expect(shares(f.contributions)).toEqual(['other: 4 / 4']);
  });

  it('no contributions when either end has no score, or the score did not change', () => {
    const score = mathScore('value = a\neffort = 1', { a: 1 });
    expect(explainChange(state(null, []), state('MATH_MODEL', [score]), context).contributions).toEqual([]);
    const e = explainChange(
      state('MATH_MODEL', [score], { coefficient: 1 }),
      state('MATH_MODEL', [score], { coefficient: 2 }),
      context,
    );
    expect(e.contributions).toEqual([]);
    expect(e.coefficient).toEqual({ from: 1, to: 2 });
    expect(e.value).toEqual({ from: 1, to: 1, change: 0 });
  });

  it('contributions add up to the change of value and overall, whatever changed (property)', () => {
    const formula = 'x = a * b + c\nvalue = x * (1 + d) - e\neffort = 1 + d * 10';
    const value = fc.double({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true });
    const inputs = fc.record({
      a: value,
      b: value,
      c: value,
      d: fc.double({ min: 0, max: 5, noNaN: true }),
      e: value,
    });
    fc.assert(
      fc.property(inputs, inputs, fc.boolean(), (old, now, reformulated) => {
        const before = mathScore(formula, old);
        const after = mathScore(reformulated ? formula.replace('- e', '- 2 * e') : formula, now);
        const e = explainChange(state('MATH_MODEL', [before]), state('MATH_MODEL', [after]), context);
        expect(e.contributions.some((c) => c.kind === 'other')).toBe(false);
        for (const measure of ['value', 'overall'] as const) {
          const change = e[measure].change!;
          const scale = Math.max(1, Math.abs(e[measure].from!), Math.abs(e[measure].to!));
          expect(Math.abs(total(e.contributions, measure) - change)).toBeLessThanOrEqual(1e-9 * scale);
        }
      }),
      { seed: 13, numRuns: 300 },
    );
  });
});

describe('explainChange: priority and rank', () => {
  it('splits the priority change into the score (or its percentile) and the coefficient', () => {
    const score = mathScore('value = a\neffort = 1', { a: 1 });
    const e = explainChange(
      state('MATH_MODEL', [score], { coefficient: null, priority: 50 }),
      state('MATH_MODEL', [score], { coefficient: 2, priority: 150 }),
      context,
    );
    // A blank coefficient counts as 1: the basis went from 50 to 75.
    expect(e.priority).toEqual({
      from: 50,
      to: 150,
      change: 100,
      contributions: { basis: 25, coefficient: 75 },
    });
    const none = explainChange(
      state('MATH_MODEL', [score], { priority: null }),
      state('MATH_MODEL', [score], { priority: 10 }),
      context,
    );
    expect(none.priority.contributions).toBeNull();
  });

  it('lists who passed it and who fell behind it, by their rank now', () => {
    const score = mathScore('value = a\neffort = 1', { a: 1 });
    const ranks = (entries: [string, number | null][]) => new Map(entries);
    const e = explainChange(
      state('MATH_MODEL', [score], { rank: 5 }),
      state('MATH_MODEL', [score], { rank: 3 }),
      {
        ...context,
        ranksFrom: ranks([
          ['INIT-000001', 5],
          ['A', 3],
          ['B', 6],
          ['C', null],
          ['D', 2],
          ['E', 7],
        ]),
        ranksTo: ranks([
          ['INIT-000001', 3],
          ['A', 4],
          ['B', 2],
          ['C', 1],
          ['D', 1],
          ['E', null],
        ]),
        titles: new Map([['A', 'Alpha']]),
      },
    );
    expect(e.rank).toEqual({
      from: 5,
      to: 3,
      up: 2,
      passedBy: [
        { key: 'C', title: '', from: null, to: 1 },
        { key: 'B', title: '', from: 6, to: 2 },
      ],
      fellBehind: [{ key: 'A', title: 'Alpha', from: 3, to: 4 }],
    });
  });

  it('an initiative that drops out of the rank is passed by everyone behind it', () => {
    const score = mathScore('value = a\neffort = 1', { a: 1 });
    const e = explainChange(
      state('MATH_MODEL', [score], { rank: 1 }),
      state('MATH_MODEL', [score], { rank: null }),
      {
        ...context,
        ranksFrom: new Map([['A', 2]]),
        ranksTo: new Map([['A', 1]]),
      },
    );
    expect(e.rank.up).toBeNull();
    expect(e.rank.passedBy.map((m) => m.key)).toEqual(['A']);
  });
});
