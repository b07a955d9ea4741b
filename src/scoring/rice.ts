/** RICE: value = reach × impact × confidence, effort = effort, overall = value / effort (SHEETS.md). */
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
  type WarningSource,
} from './framework.js';

export interface RiceInput {
  rice_reach: Parsed<number>;
  rice_impact: Parsed<number>;
  rice_confidence: Parsed<number>;
  rice_effort: Parsed<number>;
}

/** The usual RICE impact scale: 0.25 minimal, 0.5 low, 1 medium, 2 high, 3 massive. */
export const RICE_IMPACT_SCALE = { low: 0.25, high: 3 } as const;

/** `80 → write 80% or 0.8`: a whole number up to 100 was most likely meant as a percentage. */
function confidenceHint(v: number): string {
  return v > 1 && v <= 100 && Number.isInteger(v) ? `write ${v}% or ${v / 100}` : 'write e.g. 80% or 0.8';
}

/** The Scoring_Inputs columns RICE reads, in order, with their rules. */
export const RICE_INPUTS: readonly InputColumn[] = [
  { column: 'rice_reach', type: 'number', rule: nonNegative },
  { column: 'rice_impact', type: 'number', rule: nonNegative },
  {
    column: 'rice_confidence',
    type: 'number',
    rule: (v) =>
      v < 0 || v > 1 ? `${v} is not a fraction between 0 and 1 (${confidenceHint(v)})` : undefined,
  },
  { column: 'rice_effort', type: 'number', rule: positive },
];

export const rice: ScoringFramework<Readonly<Record<string, Parsed<number>>>> = {
  name: 'RICE',
  score(input): FrameworkScore {
    const { values, warnings, sources } = collectInputs('RICE', RICE_INPUTS, { ...input });
    if (warnings.length > 0) return noScore('RICE', warnings, values, sources);
    const value = values.rice_reach! * values.rice_impact! * values.rice_confidence!;
    const effort = values.rice_effort!;
    const overall = value / effort;
    const operands = {
      rice_reach: values.rice_reach!,
      rice_impact: values.rice_impact!,
      rice_confidence: values.rice_confidence!,
    };
    const overflow = outOfRange(value, 'score', 'rice_reach × rice_impact × rice_confidence', operands);
    const overallOverflow =
      overflow ?? outOfRange(overall, 'overall score', 'value / rice_effort', { value, rice_effort: effort });
    const out: string[] = [];
    const outSources = new Map<string, WarningSource>();
    if (overallOverflow) {
      out.push(overallOverflow);
      outSources.set(overallOverflow, {
        kind: 'inputs',
        names: overflow ? Object.keys(operands) : ['rice_effort'],
      });
    }
    // Scored as typed, but an impact off the usual scale outweighs reach and confidence.
    const impact = values.rice_impact!;
    if (!overallOverflow && (impact < RICE_IMPACT_SCALE.low || impact > RICE_IMPACT_SCALE.high)) {
      const message = `rice_impact: ${impact} is outside the usual scale of ${RICE_IMPACT_SCALE.low} to ${RICE_IMPACT_SCALE.high} (0.25 minimal, 0.5 low, 1 medium, 2 high, 3 massive); it is used as typed`;
      out.push(message);
      outSources.set(message, { kind: 'inputs', names: ['rice_impact'] });
    }
    return {
      framework: 'RICE',
      value: roundScore(value),
      effort: roundScore(effort),
      overall: roundScore(overall),
      warnings: out,
      inputs: values,
      ...(outSources.size > 0 ? { sources: outSources } : {}),
    };
  },
};

/** RICE in the run's framework list. */
export const riceFramework = columnFramework({
  name: 'RICE',
  prefix: 'rice',
  inputs: RICE_INPUTS,
  score: (cells) => rice.score(cells),
});
