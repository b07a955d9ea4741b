import { describe, expect, it } from 'vitest';
import { wsjf } from './wsjf.js';

const cells = (business: number, time: number, risk: number, size: number) => ({
  wsjf_business_value: { kind: 'ok' as const, value: business },
  wsjf_time_criticality: { kind: 'ok' as const, value: time },
  wsjf_risk_reduction: { kind: 'ok' as const, value: risk },
  wsjf_job_size: { kind: 'ok' as const, value: size },
});

describe('WSJF', () => {
  it.each([
    [[8, 5, 3, 4], { value: 16, effort: 4, overall: 4, warnings: [] }],
    // Overflow is a warning, never a silent blank.
    [
      [1e308, 1e308, 0, 1],
      {
        value: null,
        effort: 1,
        overall: null,
        warnings: [
          'No score: wsjf_business_value + wsjf_time_criticality + wsjf_risk_reduction is too large to compute (wsjf_business_value = 1e+308, wsjf_time_criticality = 1e+308, wsjf_risk_reduction = 0)',
        ],
      },
    ],
    [
      [10, 10, 10, 1e-307],
      {
        value: 30,
        effort: 1e-307,
        overall: null,
        warnings: [
          'No overall score: value / wsjf_job_size is too large to compute (value = 30, wsjf_job_size = 1e-307)',
        ],
      },
    ],
  ])('%j → %j', ([business, time, risk, size], expected) => {
    expect(wsjf.score(cells(business!, time!, risk!, size!))).toMatchObject(expected);
  });
});
