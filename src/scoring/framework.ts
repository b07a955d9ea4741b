/**
 * One interface for every scoring framework (RICE, WSJF, MATH_MODEL): inputs in, a score or the
 * reasons there is none out. No framework invents a default for a missing input, and none does
 * I/O; the flows feed them parsed cells and write what they return.
 */

import type { Parsed } from '../shared/values.js';

/** The scoring frameworks, in the order people see them (dropdowns, messages). */
export const FRAMEWORKS = ['RICE', 'WSJF', 'MATH_MODEL'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

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
  /**
   * Where a person fixes each warning, by the warning's text, for the run summary; a warning
   * without one is about the initiative's Backlog row.
   */
  sources?: Map<string, WarningSource>;
}

/**
 * The cells a score warning is about. `inputs`: Scoring_Inputs columns (RICE, WSJF), the one to fix
 * first; `model`: a column of a MathModels row; `params`: the Params rows of a model's inputs;
 * `backlog`: a column of the initiative's Backlog row.
 */
export type WarningSource =
  | { kind: 'inputs'; names: string[] }
  | { kind: 'model'; model: string; column: 'formula_text_final' | 'formula_text_approved' | 'is_primary' }
  | { kind: 'params'; model: string; names: string[] }
  | { kind: 'backlog'; column: string };

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
): { values: Record<string, number>; warnings: string[]; sources: Map<string, WarningSource> } {
  const values: Record<string, number> = {};
  const missing: string[] = [];
  const warnings: string[] = [];
  const sources = new Map<string, WarningSource>();
  const add = (names: string[], message: string) => {
    warnings.push(message);
    sources.set(message, { kind: 'inputs', names });
  };
  for (const [name, cell] of Object.entries(cells)) {
    if (cell.kind === 'blank') missing.push(name);
    else if (cell.kind === 'bad') add([name], `${name}: ${cell.message}`);
    else {
      const problem = check(name, cell.value);
      if (problem) add([name], `${name}: ${problem}`);
      else values[name] = cell.value;
    }
  }
  if (missing.length > 0) {
    const message = `${framework} needs ${missing.join(', ')}`;
    warnings.unshift(message);
    sources.set(message, { kind: 'inputs', names: missing });
  }
  return { values, warnings, sources };
}

export function noScore(
  framework: Framework,
  warnings: string[],
  inputs: Record<string, number> = {},
  sources?: Map<string, WarningSource>,
): FrameworkScore {
  return {
    framework,
    value: null,
    effort: null,
    overall: null,
    warnings,
    inputs,
    ...(sources ? { sources } : {}),
  };
}
