/**
 * The scoreboard: what a run knows about the initiatives, their math models and params, and the
 * scores it computes from them. Pure data, made from the sheets by the flows, with no sheet rows,
 * no stores and no database in it: the scoring flows, the ranking and (next) the uncertainty
 * engine compute on it alone.
 */

import type { Parsed } from '../shared/values.js';
import type { ActiveScore } from './activation.js';
import type { Framework, FrameworkScore } from './framework.js';
import { FormulaCache, type ModelOutcome, type ParamLookup } from './math-model.js';
import type { Frameworks } from './registry.js';

export interface BoardModel {
  name: string;
  formulaText: string;
  approved: boolean;
  isPrimary: boolean;
  version: number | null;
  outcome?: ModelOutcome;
  /** Why the LLM suggestion for this model failed in this run, for formula_status. */
  suggestFailure?: string;
}

export interface BoardParam {
  key: string;
  framework: string;
  name: string;
  value: Parsed<number>;
  /** The plausible range and its shape, for uncertainty (`distribution` as typed, '' when blank). */
  min: Parsed<number>;
  max: Parsed<number>;
  distribution: string;
  approved: boolean;
  /** More than one Params row has this key, framework and name: none is used. */
  duplicated: boolean;
  /** Added by this run (params seed). */
  seeded: boolean;
  /** For a param this run seeds: what wrote its metadata (`llm`, `heuristic`). */
  metadataOrigin?: string;
}

/** What an initiative's scores look like under uncertainty (flows/uncertainty.ts fills it). */
export interface BoardUncertainty {
  /** The primary math model's value and overall: 10th, 50th and 90th percentiles. */
  value: { p10: number; p50: number; p90: number } | null;
  overall: { p10: number; p50: number; p90: number } | null;
  probValueNegative: number | null;
  /** Ranked initiatives only: the priority's 10th and 90th percentiles, and the chance to make the top N. */
  priority: { p10: number; p90: number } | null;
  pTopN: number | null;
  /** `conversion_lift (62%)`: the param whose range moves the value most, with its share of the swing. */
  topDriver: string | null;
  /** Each param's swing of the value between its 10th and 90th percentile, largest first. */
  tornado: readonly { name: string; low: number; high: number; swing: number; share: number }[];
  histogram: readonly { from: number; to: number; count: number }[];
  /** Samples the formula could not compute. */
  failures: number;
}

export interface BoardInitiative {
  key: string;
  title: string;
  framework: Parsed<Framework>;
  useMathModel: boolean;
  coefficient: Parsed<number>;
  effortDays: Parsed<number>;
  /** lifecycle_status, trimmed and lower-cased ('' when blank): finished or dropped ones are not ranked. */
  lifecycle: string;
  /** Scoring_Inputs cells of the frameworks' input columns, by column. */
  inputs: Record<string, Parsed<number>>;
  /** Why no Scoring_Inputs row is used for it; null when one is. */
  noInputsRow: string | null;
  models: BoardModel[];
  scores: Partial<Record<Framework, FrameworkScore>>;
  /** Problems of this initiative's rows that the Backlog's score_warnings shows. */
  problems: string[];
  /** Warnings for Scoring_Inputs' input_warnings and math_warnings. */
  inputWarnings: string[];
  mathWarnings: string[];
  active?: ActiveScore;
  rank?: number;
  uncertainty?: BoardUncertainty;
}

/** A new initiative with nothing read yet but its Backlog fields. */
export function newInitiative(
  fields: Pick<
    BoardInitiative,
    'key' | 'title' | 'framework' | 'useMathModel' | 'coefficient' | 'effortDays' | 'lifecycle'
  >,
): BoardInitiative {
  return {
    ...fields,
    inputs: {},
    noInputsRow: 'it has no Scoring_Inputs row',
    models: [],
    scores: {},
    problems: [],
    inputWarnings: [],
    mathWarnings: [],
  };
}

export const paramId = (key: string, framework: string, name: string) => `${key}|${framework}|${name}`;

/** The initiative_key of a shared assumption: a Params row that defines a name for every model. */
export const SHARED_KEY = '*';

export class Scoreboard {
  readonly initiatives = new Map<string, BoardInitiative>();
  readonly params: BoardParam[] = [];
  /** Keys of initiatives whose Backlog row was deleted: their rows elsewhere are ignored. */
  readonly archived = new Set<string>();
  /** Compiling is pure, so one cache serves every model with the same text. */
  readonly formulas = new FormulaCache();
  /** How the rank compared frameworks: by percentile within each, or raw (set by activation). */
  rankedBy: 'percentile' | 'none' = 'none';
  private paramIndex: Map<string, BoardParam[]> | null = null;

  constructor(readonly frameworks: Frameworks) {}

  addParam(param: BoardParam): void {
    this.params.push(param);
    this.paramIndex = null;
  }

  /** Every param with this key, framework and name (more than one: duplicated). */
  paramsNamed(key: string, framework: string, name: string): BoardParam[] {
    if (!this.paramIndex) {
      const index = new Map<string, BoardParam[]>();
      for (const p of this.params) {
        const id = paramId(p.key, p.framework, p.name);
        const list = index.get(id);
        if (list) list.push(p);
        else index.set(id, [p]);
      }
      this.paramIndex = index;
    }
    return this.paramIndex.get(paramId(key, framework, name)) ?? [];
  }

  /**
   * The Params rows that define `name` for initiative `key`'s math models: its own, or else the
   * shared assumption's (`*`).
   */
  mathParamRows(key: string, name: string): BoardParam[] {
    const own = this.paramsNamed(key, 'MATH_MODEL', name);
    return own.length > 0 ? own : this.paramsNamed(SHARED_KEY, 'MATH_MODEL', name);
  }

  /** A MATH_MODEL param as scoring sees it: usable only when unique, approved and a valid number. */
  mathParam(key: string, name: string): ParamLookup {
    const refs = this.mathParamRows(key, name);
    const only = refs.length === 1 ? refs[0]! : undefined;
    return only?.approved && only.value.kind === 'ok'
      ? { kind: 'ok', value: only.value.value }
      : { kind: 'unusable' };
  }

  /** Input names of `i`'s approved, valid formulas. */
  formulaInputs(i: BoardInitiative): string[] {
    const names: string[] = [];
    for (const m of i.models) {
      if (!m.approved || m.formulaText.trim() === '') continue;
      const compiled = this.formulas.check(m.formulaText).compiled;
      if (compiled) names.push(...compiled.inputs);
    }
    return names;
  }
}
