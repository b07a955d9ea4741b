/**
 * One interface for every scoring framework (RICE, WSJF, MATH_MODEL): inputs in, a score or the
 * reasons there is none out. No framework invents a default for a missing input, and none does
 * I/O; the flows feed them parsed cells and write what they return.
 */

import type { Parsed } from '../shared/values.js';
import type { Framework } from '../sheets/tabs.js';

export interface FrameworkScore {
  framework: Framework;
  /** null when the score cannot be computed; `warnings` then says why. */
  value: number | null;
  effort: number | null;
  overall: number | null;
  warnings: string[];
  /** The inputs used, by name, for the score history. */
  inputs: Record<string, number>;
  /** MATH_MODEL only: the model and formula text used. */
  modelName?: string;
  formulaText?: string;
}

export interface ScoringFramework<Input> {
  readonly name: Framework;
  score(input: Input): FrameworkScore;
}

/**
 * Numbers written to a sheet: ten significant digits keep reruns byte-identical and readable.
 * A score that is not finite is null; callers check with `outOfRange` first, so that the row says why.
 */
export function roundScore(v: number | null): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  const rounded = Number(v.toPrecision(10));
  // From ±1.7976931345e308 to the largest double, ten digits round past it to ±Infinity.
  return Number.isFinite(rounded) ? rounded : v;
}

/**
 * Why a score computed from finite operands is left blank when it overflowed to ±Infinity (or to
 * NaN, when an overflowed product was then multiplied by 0); undefined when it is finite.
 * `No overall score: value / rice_effort is too large to compute (value = 1e+300, rice_effort = 1e-10)`.
 */
export function outOfRange(
  result: number,
  what: string,
  formula: string,
  operands: Record<string, number>,
): string | undefined {
  if (Number.isFinite(result)) return undefined;
  const values = Object.entries(operands)
    .map(([name, v]) => `${name} = ${v}`)
    .join(', ');
  return `No ${what}: ${formula} is too large to compute (${values})`;
}

/**
 * Shared shape of RICE and WSJF: named numeric cells, each required; `check` adds a rule of its
 * own (a fraction, a positive denominator). Missing ones are listed together; bad ones quoted.
 */
export function collectInputs(
  framework: Framework,
  cells: Record<string, Parsed<number>>,
  check: (name: string, value: number) => string | undefined,
): { values: Record<string, number>; warnings: string[] } {
  const values: Record<string, number> = {};
  const missing: string[] = [];
  const warnings: string[] = [];
  for (const [name, cell] of Object.entries(cells)) {
    if (cell.kind === 'blank') missing.push(name);
    else if (cell.kind === 'bad') warnings.push(`${name}: ${cell.message}`);
    else {
      const problem = check(name, cell.value);
      if (problem) warnings.push(`${name}: ${problem}`);
      else values[name] = cell.value;
    }
  }
  if (missing.length > 0) warnings.unshift(`${framework} needs ${missing.join(', ')}`);
  return { values, warnings };
}

export function noScore(
  framework: Framework,
  warnings: string[],
  inputs: Record<string, number> = {},
): FrameworkScore {
  return { framework, value: null, effort: null, overall: null, warnings, inputs };
}
