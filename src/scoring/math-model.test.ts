import { describe, expect, it } from 'vitest';
import type { Parsed } from '../shared/values.js';
import { FormulaCache, scoreMathModel } from './math-model.js';

/** One approved model with every param approved, scored. */
function score(formulaText: string, params: Record<string, number>, effortDays: Parsed<number>) {
  return scoreMathModel(
    {
      models: [{ modelName: 'model', formulaText, approved: true, isPrimary: true }],
      param: (name) =>
        Object.hasOwn(params, name) ? { kind: 'ok', value: params[name]! } : { kind: 'unusable' },
      effortEngineeringDays: effortDays,
    },
    new FormulaCache(),
  ).score;
}

describe('MATH_MODEL', () => {
  it.each([
    ['value = a', { a: 100 }, { kind: 'ok', value: 4 }, { value: 100, effort: 4, overall: 25, warnings: [] }],
    // Overflow is a warning, never a silent blank.
    [
      'value = a',
      { a: 1e300 },
      { kind: 'ok', value: 1e-10 },
      {
        value: 1e300,
        effort: 1e-10,
        overall: null,
        warnings: [
          'No overall score: value / effort is too large to compute (value = 1e+300, effort = 1e-10)',
        ],
      },
    ],
    [
      'value = -a\neffort = b',
      { a: 1e300, b: 1e-10 },
      { kind: 'blank' },
      {
        value: -1e300,
        effort: 1e-10,
        overall: null,
        warnings: [
          'No overall score: value / effort is too large to compute (value = -1e+300, effort = 1e-10)',
        ],
      },
    ],
  ] as const)('%j with %j and effort %j → %j', (text, params, effortDays, expected) => {
    expect(score(text, params, effortDays)).toMatchObject(expected);
  });
});
