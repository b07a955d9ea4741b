import { describe, expect, it } from 'vitest';
import { activate, overallPercentiles, rankingBasis } from './activation.js';
import type { FrameworkScore } from './framework.js';

const scored = (overall: number | null, warnings: string[] = []): FrameworkScore => ({
  framework: 'MATH_MODEL',
  value: overall,
  effort: 1,
  overall,
  warnings,
  inputs: {},
});

describe('activation', () => {
  it.each([
    [scored(400), 1.5, { priority: 600, warnings: [] }],
    [scored(400), null, { priority: null, warnings: [] }],
    // Overflow is a warning, never a silent blank.
    [
      scored(1e300),
      1e10,
      {
        priority: null,
        warnings: [
          'No priority: overall × strategic_priority_coefficient is too large to compute (overall = 1e+300, strategic_priority_coefficient = 10000000000)',
        ],
      },
    ],
    [
      scored(-1e300),
      1e10,
      {
        priority: null,
        warnings: [
          'No priority: overall × strategic_priority_coefficient is too large to compute (overall = -1e+300, strategic_priority_coefficient = 10000000000)',
        ],
      },
    ],
    [
      scored(null, [
        'No overall score: value / effort is too large to compute (value = 1e+300, effort = 1e-10)',
      ]),
      1,
      {
        priority: null,
        warnings: [
          'MATH_MODEL: No overall score: value / effort is too large to compute (value = 1e+300, effort = 1e-10)',
        ],
      },
    ],
  ])('%j × %s → %j', (score, coefficient, expected) => {
    expect(activate('MATH_MODEL', { MATH_MODEL: score }, coefficient)).toMatchObject(expected);
  });
});

describe('activation with a percentile basis', () => {
  it("priority = coefficient × percentile; value, effort and overall stay the framework's own", () => {
    expect(activate('MATH_MODEL', { MATH_MODEL: scored(21_546) }, 1.5, 50)).toMatchObject({
      overall: 21_546,
      priority: 75,
      warnings: [],
    });
  });

  it('overflow names the percentile', () => {
    expect(activate('MATH_MODEL', { MATH_MODEL: scored(5) }, 1e307, 50).warnings).toEqual([
      'No priority: overall_percentile × strategic_priority_coefficient is too large to compute (overall_percentile = 50, strategic_priority_coefficient = 1e+307)',
    ]);
  });
});

describe('overallPercentiles: 100 × (lower + ½ × equal, itself included) / count, per framework', () => {
  type Item = [framework: 'RICE' | 'WSJF' | null, overall: number | null];
  const percentiles = (items: Item[]) => {
    const map = overallPercentiles(
      items,
      ([f]) => f,
      ([, o]) => o,
    );
    return items.map((i) => map.get(i) ?? null);
  };

  it.each<[Item[], (number | null)[]]>([
    [[['RICE', 1_600]], [50]],
    [
      [
        ['RICE', 1],
        ['RICE', 2],
      ],
      [25, 75],
    ],
    [
      [
        ['RICE', 9],
        ['RICE', 5],
        ['RICE', 5],
      ],
      [83.33333333, 33.33333333, 33.33333333],
    ],
    [
      [
        ['RICE', 3],
        ['RICE', 3],
      ],
      [50, 50],
    ],
    // Each framework on its own: WSJF's 6 is the top of WSJF, whatever RICE's numbers are.
    [
      [
        ['RICE', 5_000],
        ['WSJF', 6],
        ['RICE', 1_600],
        ['WSJF', 3],
      ],
      [75, 75, 25, 25],
    ],
    [
      [
        [null, 10],
        ['RICE', null],
        ['RICE', -4],
      ],
      [null, null, 50],
    ],
  ])('%j → %j', (items, expected) => {
    expect(percentiles(items)).toEqual(expected);
  });
});

describe('rankingBasis', () => {
  type Entry = { framework: 'RICE' | 'WSJF' | null; overall: number | null; coefficient: number | null };
  const basis = (entries: Entry[], normalize: 'percentile' | 'none' = 'percentile') => {
    const b = rankingBasis(entries, normalize, (e) => e);
    return {
      percentiles: b.percentiles && entries.map((e) => b.percentiles!.get(e) ?? null),
      frameworks: b.frameworks,
    };
  };
  const e = (framework: Entry['framework'], overall: number | null, coefficient: number | null = 1) => ({
    framework,
    overall,
    coefficient,
  });

  it('one framework in the rank: raw overalls', () => {
    expect(basis([e('RICE', 1), e('RICE', 2)])).toEqual({ percentiles: null, frameworks: [['RICE', 2]] });
  });

  it('two frameworks: percentiles, with how many each scored', () => {
    expect(basis([e('WSJF', 6), e('RICE', 1), e('RICE', 2)])).toEqual({
      percentiles: [50, 25, 75],
      frameworks: [
        ['RICE', 2],
        ['WSJF', 1],
      ],
    });
  });

  it('"none" keeps raw overalls', () => {
    expect(basis([e('WSJF', 6), e('RICE', 1)], 'none').percentiles).toBeNull();
  });

  it('a framework whose only initiatives have no usable coefficient is not in the rank', () => {
    expect(basis([e('WSJF', 6, null), e('RICE', 1), e('RICE', null)])).toEqual({
      percentiles: null,
      frameworks: [['RICE', 1]],
    });
  });
});
