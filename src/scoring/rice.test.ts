import { describe, expect, it } from 'vitest';
import { rice } from './rice.js';

const cells = (reach: number, impact: number, confidence: number, effort: number) => ({
  rice_reach: { kind: 'ok' as const, value: reach },
  rice_impact: { kind: 'ok' as const, value: impact },
  rice_confidence: { kind: 'ok' as const, value: confidence },
  rice_effort: { kind: 'ok' as const, value: effort },
});

describe('RICE', () => {
  it.each([
    [[1000, 2, 0.8, 4], { value: 1600, effort: 4, overall: 400, warnings: [] }],
    // Overflow is a warning, never a silent blank.
    [
      [1e200, 1e200, 0.5, 1],
      {
        value: null,
        effort: 1,
        overall: null,
        warnings: [
          'No score: rice_reach × rice_impact × rice_confidence is too large to compute (rice_reach = 1e+200, rice_impact = 1e+200, rice_confidence = 0.5)',
        ],
      },
    ],
    [
      [1e300, 1, 1, 1e-10],
      {
        value: 1e300,
        effort: 1e-10,
        overall: null,
        warnings: [
          'No overall score: value / rice_effort is too large to compute (value = 1e+300, rice_effort = 1e-10)',
        ],
      },
    ],
    [
      [Number.MAX_VALUE, 1, 1, 1],
      { value: Number.MAX_VALUE, effort: 1, overall: Number.MAX_VALUE, warnings: [] },
    ],
  ])('%j → %j', ([reach, impact, confidence, effort], expected) => {
    expect(rice.score(cells(reach!, impact!, confidence!, effort!))).toMatchObject(expected);
  });
});
