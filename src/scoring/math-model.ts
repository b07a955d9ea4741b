/**
 * MATH_MODEL: the primary approved formula of an initiative, evaluated with its approved params.
 * effort = the script's `effort` if assigned, else the initiative's effort_engineering_days;
 * overall = the script's `overall` if assigned, else value / effort when effort > 0 (SHEETS.md).
 * Also gives every model of the initiative its formula_status and computed_value.
 */
import {
  type CompiledScript,
  checkScript,
  EvaluationError,
  formatIssue,
  type ScriptCheck,
} from '../formula/index.js';
import type { Parsed } from '../shared/values.js';
import {
  type FrameworkDefinition,
  type FrameworkScore,
  noScore,
  outOfRange,
  roundScore,
  type WarningSource,
} from './framework.js';

export interface MathModelRow {
  modelName: string;
  formulaText: string;
  approved: boolean;
  isPrimary: boolean;
}

/** Why a param cannot be used, or its value. */
export type ParamLookup = { kind: 'ok'; value: number } | { kind: 'unusable' };

export interface MathModelInput {
  models: readonly MathModelRow[];
  param: (name: string) => ParamLookup;
  effortEngineeringDays: Parsed<number>;
}

export interface ModelOutcome {
  status: string;
  computedValue: number | null;
  /** The compiled script when the model is approved and valid: its inputs seed Params. */
  compiled?: CompiledScript;
  /** Every value the script assigned, when it evaluated. */
  outputs?: Record<string, number>;
  /** The inputs that had no usable param, when that is why it did not evaluate. */
  missing?: string[];
  inputs?: Record<string, number>;
}

export interface MathModelResult {
  score: FrameworkScore;
  /** Per model name, in input order. */
  models: Map<string, ModelOutcome>;
}

/** Compiling is pure, so one cache serves every model with the same text in a run. */
export class FormulaCache {
  private readonly cache = new Map<string, ScriptCheck>();
  /** How many texts it holds. */
  get size(): number {
    return this.cache.size;
  }
  check(text: string): ScriptCheck {
    let result = this.cache.get(text);
    if (!result) {
      result = checkScript(text);
      this.cache.set(text, result);
    }
    return result;
  }
}

export function scoreMathModel(input: MathModelInput, formulas: FormulaCache): MathModelResult {
  const models = new Map<string, ModelOutcome>();
  for (const m of input.models) models.set(m.modelName, evaluateModel(m, input, formulas));

  const approved = input.models.filter((m) => m.approved);
  const one = (message: string, source: WarningSource, inputs: Record<string, number> = {}) =>
    noScore('MATH_MODEL', [message], inputs, new Map([[message, source]]));
  if (input.models.length === 0) {
    return {
      score: one('No math model: add a MathModels row', { kind: 'backlog', column: 'use_math_model' }),
      models,
    };
  }
  if (approved.length === 0) {
    const first = input.models[0]!.modelName;
    return {
      score: one('Formula not approved', { kind: 'model', model: first, column: 'formula_text_approved' }),
      models,
    };
  }
  let primary = approved[0]!;
  if (approved.length > 1) {
    const primaries = approved.filter((m) => m.isPrimary);
    if (primaries.length !== 1) {
      const how = primaries.length === 0 ? 'none is' : `${primaries.length} are`;
      return {
        score: one(
          `${approved.length} approved models and ${how} marked is_primary: tick is_primary on exactly one`,
          { kind: 'model', model: (primaries[0] ?? approved[0]!).modelName, column: 'is_primary' },
        ),
        models,
      };
    }
    primary = primaries[0]!;
  }

  const outcome = models.get(primary.modelName)!;
  if (outcome.status !== 'OK' || !outcome.outputs) {
    const source: WarningSource = outcome.missing
      ? { kind: 'params', model: primary.modelName, names: outcome.missing }
      : { kind: 'model', model: primary.modelName, column: 'formula_text_final' };
    return { score: one(outcome.status, source, outcome.inputs ?? {}), models };
  }
  const out = outcome.outputs;
  const warnings: string[] = [];
  const sources = new Map<string, WarningSource>();
  const add = (message: string, source: WarningSource) => {
    warnings.push(message);
    sources.set(message, source);
  };
  const formula: WarningSource = { kind: 'model', model: primary.modelName, column: 'formula_text_final' };
  const effortDays: WarningSource = { kind: 'backlog', column: 'effort_engineering_days' };
  const value = out.value!;
  let effort: number | null = null;
  if (Object.hasOwn(out, 'effort')) {
    effort = out.effort!;
  } else if (input.effortEngineeringDays.kind === 'ok') {
    effort = input.effortEngineeringDays.value;
  } else if (input.effortEngineeringDays.kind === 'bad') {
    add(`effort_engineering_days: ${input.effortEngineeringDays.message}`, effortDays);
  } else {
    add(
      "No effort: assign 'effort' in the formula or fill effort_engineering_days on the Backlog",
      effortDays,
    );
  }
  let overall: number | null = null;
  if (Object.hasOwn(out, 'overall')) {
    overall = out.overall!;
  } else if (effort !== null && effort > 0) {
    overall = value / effort;
    // The script's own steps are finite (the formula engine checks them); this division is ours.
    const overflow = outOfRange(overall, 'overall score', 'value / effort', { value, effort });
    if (overflow) add(overflow, formula);
  } else if (effort !== null) {
    add(
      `No overall score: effort is ${effort}, it must be greater than 0`,
      Object.hasOwn(out, 'effort') ? formula : effortDays,
    );
  }
  return {
    score: {
      framework: 'MATH_MODEL',
      value: roundScore(value),
      effort: roundScore(effort),
      overall: roundScore(overall),
      warnings,
      inputs: outcome.inputs ?? {},
      modelName: primary.modelName,
      formulaText: primary.formulaText,
      ...(sources.size > 0 ? { sources } : {}),
    },
    models,
  };
}

function evaluateModel(m: MathModelRow, input: MathModelInput, formulas: FormulaCache): ModelOutcome {
  if (!m.approved) return { status: 'Not approved', computedValue: null };
  if (m.formulaText.trim() === '') {
    return { status: 'Approved, but formula_text_final is empty', computedValue: null };
  }
  const check = formulas.check(m.formulaText);
  if (!check.compiled) return { status: check.errors.map(formatIssue).join('; '), computedValue: null };
  const compiled = check.compiled;
  const params: Record<string, number> = {};
  const missing: string[] = [];
  for (const name of compiled.inputs) {
    const p = input.param(name);
    if (p.kind === 'ok')
      Object.defineProperty(params, name, { value: p.value, enumerable: true, writable: true });
    else missing.push(name);
  }
  if (missing.length > 0) {
    return {
      status: `Missing approved params: ${missing.join(', ')}`,
      computedValue: null,
      compiled,
      inputs: params,
      missing,
    };
  }
  try {
    const outputs = compiled.evaluate(params);
    return { status: 'OK', computedValue: roundScore(outputs.value!), compiled, outputs, inputs: params };
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    return { status: e.message, computedValue: null, compiled, inputs: params };
  }
}

/**
 * MATH_MODEL in the run's framework list: it reads no Scoring_Inputs column, but the initiative's
 * MathModels rows and Params; its warnings are shown once it is used or has a model.
 */
export const mathModelFramework: FrameworkDefinition = {
  name: 'MATH_MODEL',
  aliases: ['MATH'],
  prefix: 'math',
  inputs: [],
  warningsColumn: 'math_warnings',
  started: (subject) => subject.useMathModel || subject.models.length > 0,
  score: (subject) =>
    scoreMathModel(
      { models: subject.models, param: subject.param, effortEngineeringDays: subject.effortEngineeringDays },
      subject.formulas,
    ),
};
