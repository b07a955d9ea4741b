/** WSJF: value = business value + time criticality + risk reduction, overall = value / job size (SHEETS.md). */
import type { Parsed } from '../shared/values.js';
import {
  collectInputs,
  type FrameworkScore,
  noScore,
  outOfRange,
  roundScore,
  type ScoringFramework,
} from './framework.js';

export interface WsjfInput {
  wsjf_business_value: Parsed<number>;
  wsjf_time_criticality: Parsed<number>;
  wsjf_risk_reduction: Parsed<number>;
  wsjf_job_size: Parsed<number>;
}

export const wsjf: ScoringFramework<WsjfInput> = {
  name: 'WSJF',
  score(input): FrameworkScore {
    const { values, warnings, sources } = collectInputs('WSJF', { ...input }, (name, v) => {
      if (name === 'wsjf_job_size' && v <= 0) return `must be greater than 0 (got ${v})`;
      if (v < 0) return `cannot be negative (got ${v})`;
      return undefined;
    });
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
