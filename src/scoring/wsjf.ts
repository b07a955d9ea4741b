/** WSJF: value = business value + time criticality + risk reduction, overall = value / job size (SHEETS.md). */
import type { Parsed } from '../shared/values.js';
import {
  collectInputs,
  columnFramework,
  type FrameworkScore,
  type InputColumn,
  nonNegative,
  noScore,
  outOfRange,
  positive,
  roundScore,
  type ScoringFramework,
} from './framework.js';

export interface WsjfInput {
  wsjf_business_value: Parsed<number>;
  wsjf_time_criticality: Parsed<number>;
  wsjf_risk_reduction: Parsed<number>;
  wsjf_job_size: Parsed<number>;
}

/** The Scoring_Inputs columns WSJF reads, in order, with their rules. */
export const WSJF_INPUTS: readonly InputColumn[] = [
  { column: 'wsjf_business_value', type: 'number', rule: nonNegative },
  { column: 'wsjf_time_criticality', type: 'number', rule: nonNegative },
  { column: 'wsjf_risk_reduction', type: 'number', rule: nonNegative },
  { column: 'wsjf_job_size', type: 'number', rule: positive },
];

export const wsjf: ScoringFramework<Readonly<Record<string, Parsed<number>>>> = {
  name: 'WSJF',
  score(input): FrameworkScore {
    const { values, warnings, sources } = collectInputs('WSJF', WSJF_INPUTS, { ...input });
    if (warnings.length > 0) return noScore('WSJF', warnings, values, sources);
    const value = values.wsjf_business_value! + values.wsjf_time_criticality! + values.wsjf_risk_reduction!;
    const effort = values.wsjf_job_size!;
    const overall = value / effort;
    const operands = {
      wsjf_business_value: values.wsjf_business_value!,
      wsjf_time_criticality: values.wsjf_time_criticality!,
      wsjf_risk_reduction: values.wsjf_risk_reduction!,
    };
    const valueOverflow = outOfRange(
      value,
      'score',
      'wsjf_business_value + wsjf_time_criticality + wsjf_risk_reduction',
      operands,
    );
    const overflow =
      valueOverflow ??
      outOfRange(overall, 'overall score', 'value / wsjf_job_size', { value, wsjf_job_size: effort });
    return {
      framework: 'WSJF',
      value: roundScore(value),
      effort: roundScore(effort),
      overall: roundScore(overall),
      warnings: overflow ? [overflow] : [],
      inputs: values,
      ...(overflow
        ? {
            sources: new Map([
              [
                overflow,
                { kind: 'inputs', names: valueOverflow ? Object.keys(operands) : ['wsjf_job_size'] } as const,
              ],
            ]),
          }
        : {}),
    };
  },
};

/** WSJF in the run's framework list. */
export const wsjfFramework = columnFramework({
  name: 'WSJF',
  prefix: 'wsjf',
  inputs: WSJF_INPUTS,
  score: (cells) => wsjf.score(cells),
});
