import { describe, expect, it } from 'vitest';
import { activate } from './activation.js';
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
