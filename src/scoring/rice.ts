/** RICE: value = reach × impact × confidence, effort = effort, overall = value / effort (SHEETS.md). */
import type { Parsed } from '../shared/values.js';
import {
  collectInputs,
  type FrameworkScore,
  noScore,
  outOfRange,
  roundScore,
  type ScoringFramework,
} from './framework.js';

export interface RiceInput {
  rice_reach: Parsed<number>;
  rice_impact: Parsed<number>;
  rice_confidence: Parsed<number>;
  rice_effort: Parsed<number>;
}

export const rice: ScoringFramework<RiceInput> = {
  name: 'RICE',
  score(input): FrameworkScore {
    const { values, warnings } = collectInputs('RICE', { ...input }, (name, v) => {
      if (name === 'rice_confidence' && (v < 0 || v > 1)) {
        return `${v} is not a fraction between 0 and 1 (write ${v > 1 && v <= 100 ? `${v}% or ${v / 100}` : 'e.g. 80% or 0.8'})`;
      }
      if (name === 'rice_effort' && v <= 0) return `must be greater than 0 (got ${v})`;
      if (v < 0) return `cannot be negative (got ${v})`;
      return undefined;
    });
    if (warnings.length > 0) return noScore('RICE', warnings, values);
    const value = values.rice_reach! * values.rice_impact! * values.rice_confidence!;
    const effort = values.rice_effort!;
    const overall = value / effort;
    const overflow =
      outOfRange(value, 'score', 'rice_reach × rice_impact × rice_confidence', {
        rice_reach: values.rice_reach!,
        rice_impact: values.rice_impact!,
        rice_confidence: values.rice_confidence!,
      }) ?? outOfRange(overall, 'overall score', 'value / rice_effort', { value, rice_effort: effort });
    return {
      framework: 'RICE',
      value: roundScore(value),
      effort: roundScore(effort),
      overall: roundScore(overall),
      warnings: overflow ? [overflow] : [],
      inputs: values,
    };
  },
};
