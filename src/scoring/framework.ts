/**
 * One interface for every scoring framework (RICE, WSJF, MATH_MODEL, and any a team adds): inputs
 * in, a score or the reasons there is none out. No framework invents a default for a missing input,
 * and none does I/O; the flows feed them parsed cells and write what they return. The frameworks a
 * run uses are a list of `FrameworkDefinition`s (registry.ts).
 */

import type { Parsed } from '../shared/values.js';
import type { FormulaCache, MathModelRow, ModelOutcome, ParamLookup } from './math-model.js';

/** A framework's name as the sheets show it (`RICE`): one of the run's `FrameworkDefinition`s. */
export type Framework = string;

/** A Scoring_Inputs column a framework reads: a number, with the rule it must meet. */
export interface InputColumn {
  readonly column: string;
  readonly type: 'number';
  /** Why a value is unusable (`must be greater than 0 (got 0)`); undefined when it is fine. */
  readonly rule: (value: number) => string | undefined;
}

/** Everything a framework may score an initiative from. */
export interface ScoringSubject {
  /** The initiative's Scoring_Inputs cells, by column (blank when it has no usable row). */
  inputs: Readonly<Record<string, Parsed<number>>>;
  /** Why the initiative has no usable Scoring_Inputs row; null when it has one. */
  noInputsRow: string | null;
  useMathModel: boolean;
  models: readonly MathModelRow[];
  param: (name: string) => ParamLookup;
  effortEngineeringDays: Parsed<number>;
  formulas: FormulaCache;
}

export interface FrameworkResult {
  score: FrameworkScore;
  /** MATH_MODEL: each model's formula_status and computed value, by model name. */
  models?: Map<string, ModelOutcome>;
}

/**
 * One scoring framework: its name, the Scoring_Inputs columns it reads, the columns it writes
 * (`<prefix>_value_score`, `<prefix>_effort_score`, `<prefix>_overall_score`) and how it scores.
 * Scoring_Inputs' columns, the framework dropdowns, the messages, the scoring and what the database
 * remembers are all made from the run's list of these.
 */
export interface FrameworkDefinition {
  readonly name: Framework;
  /** Other names people type for it (`MATH` for MATH_MODEL), normalised like headers. */
  readonly aliases?: readonly string[];
  readonly prefix: string;
  readonly inputs: readonly InputColumn[];
  /** The Scoring_Inputs column that lists its warnings. */
  readonly warningsColumn: 'input_warnings' | 'math_warnings';
  /**
   * Whether its warnings are worth showing for an initiative that does not use it (its inputs
   * were started); always shown for the active framework.
   */
  started(subject: ScoringSubject): boolean;
  score(subject: ScoringSubject): FrameworkResult;
}

/** A framework that scores from its Scoring_Inputs columns alone (RICE, WSJF). */
export function columnFramework(definition: {
  name: Framework;
  prefix: string;
  inputs: readonly InputColumn[];
  score: (cells: Readonly<Record<string, Parsed<number>>>) => FrameworkScore;
}): FrameworkDefinition {
  return {
    name: definition.name,
    prefix: definition.prefix,
    inputs: definition.inputs,
    warningsColumn: 'input_warnings',
    started: (subject) =>
      definition.inputs.some((i) => (subject.inputs[i.column]?.kind ?? 'blank') !== 'blank'),
    score(subject) {
      if (subject.noInputsRow !== null) {
        return {
          score: noScore(definition.name, [`${definition.name} cannot be scored: ${subject.noInputsRow}`]),
        };
      }
      const cells: Record<string, Parsed<number>> = {};
      for (const i of definition.inputs) cells[i.column] = subject.inputs[i.column] ?? { kind: 'blank' };
      return { score: definition.score(cells) };
    },
  };
}

/** The three score columns a framework writes on Scoring_Inputs. */
export function outputColumns(framework: Pick<FrameworkDefinition, 'prefix'>): {
  value: string;
  effort: string;
  overall: string;
} {
  const p = framework.prefix;
  return { value: `${p}_value_score`, effort: `${p}_effort_score`, overall: `${p}_overall_score` };
}

/** A value that is not negative. */
export const nonNegative = (v: number): string | undefined =>
  v < 0 ? `cannot be negative (got ${v})` : undefined;
/** A denominator: greater than 0. */
export const positive = (v: number): string | undefined =>
  v <= 0 ? `must be greater than 0 (got ${v})` : undefined;

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
 * Shared shape of the column frameworks: named numeric cells, each required and meeting its
 * input's rule (a fraction, a positive denominator). Missing ones are listed together; bad ones quoted.
 */
export function collectInputs(
  framework: Framework,
  inputs: readonly InputColumn[],
  cells: Readonly<Record<string, Parsed<number>>>,
): { values: Record<string, number>; warnings: string[]; sources: Map<string, WarningSource> } {
  const values: Record<string, number> = {};
  const missing: string[] = [];
  const warnings: string[] = [];
  const sources = new Map<string, WarningSource>();
  const add = (names: string[], message: string) => {
    warnings.push(message);
    sources.set(message, { kind: 'inputs', names });
  };
  for (const { column: name, rule } of inputs) {
    const cell = cells[name] ?? { kind: 'blank' };
    if (cell.kind === 'blank') missing.push(name);
    else if (cell.kind === 'bad') add([name], `${name}: ${cell.message}`);
    else {
      const problem = rule(cell.value);
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
