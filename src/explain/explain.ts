/**
 * Why an initiative's score and rank changed between two states: what changed (the framework, the
 * coefficient, the formula's lines, each param or input, the effort days) and how much of the
 * score change each change explains, then the rank change and who passed it or fell behind.
 *
 * The contributions are measured by re-scoring: starting from the old formula and inputs, the
 * changes are swapped in one at a time, always in the same order — the framework, the formula
 * (with the params it reads first or no longer reads), each changed param by name, the effort days
 * — and each is credited with the score after it minus the score before it. So they add up to the
 * whole change, in that order; another order may credit them differently when they interact (a
 * product of two changed params). Whatever re-scoring cannot reproduce is one `other` line.
 *
 * Pure: states in (history.ts), an `Explanation` out; re-scoring goes through the scoring
 * frameworks, as a run scores.
 */
import {
  DEFAULT_FRAMEWORKS,
  FormulaCache,
  type FrameworkDefinition,
  type Frameworks,
  findFramework,
  type ParamLookup,
} from '../scoring/index.js';
import { type DiffLine, diffLines } from './diff.js';
import type { InitiativeState, ScoreRecord } from './history.js';

/** A change of one number, with `change` = to − from (null when either is). */
export interface NumberChange {
  from: number | null;
  to: number | null;
  change: number | null;
}

/** The initiative at one end of the explanation. */
export interface ExplainedState {
  /** The last run that recorded something about it by then, and when that run started. */
  run: number;
  at: string;
  framework: string | null;
  /** The math model whose formula gave the score; null for a column framework. */
  model: string | null;
  coefficient: number | null;
  value: number | null;
  effort: number | null;
  overall: number | null;
  priority: number | null;
  rank: number | null;
}

/** A param of the math model (or a Scoring_Inputs cell of a column framework) that changed. */
export interface ParamChange {
  name: string;
  /** `added`: read only by the new score (newly approved, or read by a new formula); `removed`: only by the old one. */
  kind: 'changed' | 'added' | 'removed';
  from: number | null;
  to: number | null;
}

/** How much of the score change one change explains. */
export interface Contribution {
  /**
   * `framework`: the switch of active framework; `formula`: the new formula text, with the params
   * it reads first or no longer reads; `param`: one param's new value; `effort`: the Backlog's
   * effort_engineering_days (a formula without `effort`); `other`: what re-scoring cannot reproduce.
   */
  kind: 'framework' | 'formula' | 'param' | 'effort' | 'other';
  /** The param's name, `effort_engineering_days`, or `RICE → MATH_MODEL`; null for the formula and `other`. */
  name: string | null;
  /**
   * The change of the value and of the overall score it explains. Null when that score is unknown
   * at either end, or could not be computed right after this change (a formula reading a param not
   * set yet): its share is then in the next line's.
   */
  value: number | null;
  overall: number | null;
}

/** An initiative whose place relative to the explained one flipped. */
export interface RankMove {
  key: string;
  title: string;
  /** Its rank at each end; null when unranked. */
  from: number | null;
  to: number | null;
}

export interface Explanation {
  key: string;
  title: string;
  from: ExplainedState;
  to: ExplainedState;
  /** Each null when unchanged. */
  framework: { from: string | null; to: string | null } | null;
  coefficient: { from: number | null; to: number | null } | null;
  /**
   * The formula's lines, every line of both texts marked kept, removed or added; null when the
   * text is the same (or there is no formula at one end). With a switch of framework, the new
   * framework's formula then and now.
   */
  formula: { model: { from: string | null; to: string | null }; lines: DiffLine[] } | null;
  /** Every changed param (or input cell), by name. */
  params: ParamChange[];
  /** effort_engineering_days, when a formula without `effort` took it and it changed; else null. */
  effortDays: { from: number | null; to: number | null } | null;
  value: NumberChange;
  overall: NumberChange;
  /** In the order they were applied; they add up to `value.change` and `overall.change`. */
  contributions: Contribution[];
  /**
   * priority = basis × coefficient, the basis being the overall score or (ranking.normalize
   * `percentile`) its percentile within the framework, which also moves when others' scores do.
   * `basis` + `coefficient` = the change; null when there is no priority, or a coefficient of 0,
   * at either end.
   */
  priority: NumberChange & { contributions: { basis: number; coefficient: number } | null };
  /** `up`: places moved up (from 5th to 3rd: 2); null when unranked at either end. */
  rank: {
    from: number | null;
    to: number | null;
    up: number | null;
    passedBy: RankMove[];
    fellBehind: RankMove[];
  };
}

/** What else an explanation needs: the other initiatives' ranks at both ends, and their titles. */
export interface ExplainContext {
  key: string;
  title: string;
  /** Every initiative's rank (null: unranked) at each end, by key. */
  ranksFrom: ReadonlyMap<string, number | null>;
  ranksTo: ReadonlyMap<string, number | null>;
  titles: ReadonlyMap<string, string>;
  /** The frameworks to re-score with; RICE, WSJF and MATH_MODEL when not given. */
  frameworks?: Frameworks;
}

/** Scores within this relative distance are the same score (they are stored to ten digits). */
const TOLERANCE = 1e-9;

const close = (a: number, b: number) => Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b));

const change = (from: number | null, to: number | null): NumberChange => ({
  from,
  to,
  change: from === null || to === null ? null : to - from,
});

/** Explains the change from one state of an initiative to a later one. */
export function explainChange(
  from: InitiativeState,
  to: InitiativeState,
  context: ExplainContext,
): Explanation {
  const frameworks = context.frameworks ?? DEFAULT_FRAMEWORKS;
  // With a switch of framework, the new one's score then is what its own changes start from.
  const before =
    to.framework === from.framework
      ? from.score
      : to.framework === null
        ? null
        : (from.scores.get(to.framework) ?? null);
  const after = to.score;
  const comparable = before !== null && after !== null && before.id !== after.id;
  const inputs = comparable ? paramChanges(before, after) : [];
  const formulaChanged =
    comparable && before.formula !== null && after.formula !== null && before.formula !== after.formula;
  const formulas = new FormulaCache();
  const effortBefore = comparable ? effortDays(before, formulas) : null;
  const effortAfter = comparable ? effortDays(after, formulas) : null;
  return {
    key: context.key,
    title: context.title,
    from: explained(from),
    to: explained(to),
    framework: from.framework === to.framework ? null : { from: from.framework, to: to.framework },
    coefficient: from.coefficient === to.coefficient ? null : { from: from.coefficient, to: to.coefficient },
    formula: formulaChanged
      ? { model: { from: before.model, to: after.model }, lines: diffLines(before.formula!, after.formula!) }
      : null,
    params: inputs,
    effortDays:
      effortAfter !== null && effortBefore !== null && effortBefore !== effortAfter
        ? { from: effortBefore, to: effortAfter }
        : null,
    value: change(from.score?.value ?? null, to.score?.value ?? null),
    overall: change(from.score?.overall ?? null, to.score?.overall ?? null),
    contributions: contributions(from, to, before, inputs, { frameworks, formulas }),
    priority: priorityChange(from, to),
    rank: rankChange(from, to, context),
  };
}

function explained(state: InitiativeState): ExplainedState {
  return {
    run: state.run,
    at: state.at,
    framework: state.framework,
    model: state.score?.model ?? null,
    coefficient: state.coefficient,
    value: state.score?.value ?? null,
    effort: state.score?.effort ?? null,
    overall: state.score?.overall ?? null,
    priority: state.priority,
    rank: state.rank,
  };
}

/** The inputs that differ between two scores, by name. */
function paramChanges(before: ScoreRecord, after: ScoreRecord): ParamChange[] {
  const names = [...new Set([...Object.keys(before.inputs), ...Object.keys(after.inputs)])].sort();
  return names.flatMap((name): ParamChange[] => {
    const had = Object.hasOwn(before.inputs, name);
    const has = Object.hasOwn(after.inputs, name);
    const from = had ? before.inputs[name]! : null;
    const to = has ? after.inputs[name]! : null;
    if (had && has) return from === to ? [] : [{ name, kind: 'changed', from, to }];
    return [{ name, kind: had ? 'removed' : 'added', from, to }];
  });
}

/**
 * The effort days a math model's score took from the Backlog: its effort, when the formula does not
 * assign `effort` itself (the days are not among the recorded inputs); null otherwise.
 */
function effortDays(score: ScoreRecord, formulas: FormulaCache): number | null {
  if (score.formula === null) return null;
  const check = formulas.check(score.formula);
  return check.ok && !check.outputs.includes('effort') ? score.effort : null;
}

/** Sets an input, even one named `__proto__` (an assignment would set the prototype). */
const setInput = (inputs: Record<string, number>, name: string, value: number) =>
  Object.defineProperty(inputs, name, { value, enumerable: true, writable: true, configurable: true });

/** What a framework scores: a formula (math model) or none, its inputs, the effort days. */
interface ScoringState {
  model: string | null;
  formula: string | null;
  inputs: Record<string, number>;
  effortDays: number | null;
}

interface Scores {
  value: number | null;
  overall: number | null;
}

/** Scores `state` as a run would: through the framework, with every input usable. */
function rescore(framework: FrameworkDefinition, state: ScoringState, formulas: FormulaCache): Scores {
  const { inputs } = state;
  const cells = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [name, { kind: 'ok' as const, value }]),
  );
  const { score } = framework.score({
    inputs: cells,
    noInputsRow: null,
    useMathModel: state.formula !== null,
    models:
      state.formula === null
        ? []
        : [
            {
              modelName: state.model ?? 'model',
              formulaText: state.formula,
              approved: true,
              isPrimary: true,
            },
          ],
    param: (name): ParamLookup =>
      Object.hasOwn(inputs, name) ? { kind: 'ok', value: inputs[name]! } : { kind: 'unusable' },
    effortEngineeringDays:
      state.effortDays === null ? { kind: 'blank' } : { kind: 'ok', value: state.effortDays },
    formulas,
  });
  return { value: score.value, overall: score.overall };
}

/** One change applied to the scoring state, and the scores right after it. */
interface Step {
  kind: Exclude<Contribution['kind'], 'other'>;
  name: string | null;
  scores: Scores;
  /** The first re-scored step: the re-scored state before it, to check against the stored scores. */
  rescoredBefore?: Scores;
}

/**
 * The contributions from `from`'s score to `to`'s: the framework switch (stored scores, no
 * re-scoring), then the new framework's changes between `before` (its score at `from`) and `to`'s
 * — the formula, `params`, the effort days — re-scored one at a time. Empty when either end has
 * no score.
 */
function contributions(
  from: InitiativeState,
  to: InitiativeState,
  before: ScoreRecord | null,
  params: readonly ParamChange[],
  { frameworks, formulas }: { frameworks: Frameworks; formulas: FormulaCache },
): Contribution[] {
  const start = from.score;
  const end = to.score;
  if (start === null || end === null) return [];
  const steps: Step[] = [];
  if (from.framework !== to.framework) {
    steps.push({ kind: 'framework', name: `${from.framework} → ${to.framework}`, scores: before ?? end });
  }
  const framework = findFramework(end.framework, frameworks);
  if (before !== null && before.id !== end.id && framework) {
    let state: ScoringState = {
      model: before.model,
      formula: before.formula,
      inputs: { ...before.inputs },
      effortDays: effortDays(before, formulas) ?? effortDays(end, formulas),
    };
    let rescoredBefore: Scores | undefined = rescore(framework, state, formulas);
    const apply = (kind: Step['kind'], name: string | null, next: ScoringState) => {
      state = next;
      steps.push({
        kind,
        name,
        scores: rescore(framework, state, formulas),
        ...(rescoredBefore ? { rescoredBefore } : {}),
      });
      rescoredBefore = undefined;
    };
    const formulaChanged = before.formula !== end.formula;
    if (formulaChanged) {
      // A param the new formula reads first has no old value: it comes with the formula.
      const inputs = { ...state.inputs };
      for (const p of params) {
        if (p.kind === 'added') setInput(inputs, p.name, p.to!);
        if (p.kind === 'removed') delete inputs[p.name];
      }
      apply('formula', null, { ...state, model: end.model, formula: end.formula, inputs });
    }
    for (const p of params) {
      if (formulaChanged && p.kind !== 'changed') continue;
      const inputs = { ...state.inputs };
      if (p.to === null) delete inputs[p.name];
      else setInput(inputs, p.name, p.to);
      apply('param', p.name, { ...state, inputs });
    }
    const days = effortDays(end, formulas);
    if (days !== null && days !== state.effortDays)
      apply('effort', 'effort_engineering_days', { ...state, effortDays: days });
  }
  return measured(steps, start, end);
}

/**
 * Each step's share of value and overall: its scores minus the previous ones, from `start` to
 * `end`. Re-scoring the state a step starts from should give the scores before it, and the last
 * step `end` (stored to ten digits): when within TOLERANCE they are taken as equal, so the shares
 * add up exactly; any gap is the `other` line.
 */
function measured(steps: Step[], start: Scores, end: Scores): Contribution[] {
  const out: Contribution[] = steps.map((s) => ({ kind: s.kind, name: s.name, value: null, overall: null }));
  const other: Contribution = { kind: 'other', name: null, value: 0, overall: 0 };
  let needsOther = false;
  for (const measure of ['value', 'overall'] as const) {
    const from = start[measure];
    const to = end[measure];
    if (from === null || to === null) {
      other[measure] = null;
      continue;
    }
    let residual = 0;
    let last = from;
    steps.forEach((step, index) => {
      const again = step.rescoredBefore?.[measure] ?? null;
      if (again !== null && !close(again, last)) {
        residual += again - last;
        last = again;
      }
      let score = step.scores[measure];
      if (score === null) return;
      if (index === steps.length - 1 && close(score, to)) score = to;
      out[index]![measure] = score - last;
      last = score;
    });
    residual += to - last;
    if (Math.abs(residual) > TOLERANCE * Math.max(Math.abs(from), Math.abs(to))) needsOther = true;
    other[measure] = residual;
  }
  return needsOther ? [...out, other] : out;
}

function priorityChange(from: InitiativeState, to: InitiativeState): Explanation['priority'] {
  const result = { ...change(from.priority, to.priority), contributions: null };
  // A priority with no coefficient recorded had a blank one, which counts as 1.
  const p0 = from.priority;
  const p1 = to.priority;
  const c0 = from.coefficient ?? 1;
  const c1 = to.coefficient ?? 1;
  if (p0 === null || p1 === null || c0 === 0 || c1 === 0) return result;
  // p = basis × c, so p1 − p0 = (basis1 − basis0) × c0 + basis1 × (c1 − c0).
  const basis = (p1 / c1 - p0 / c0) * c0;
  return { ...result, contributions: { basis, coefficient: p1 - p0 - basis } };
}

function rankChange(
  from: InitiativeState,
  to: InitiativeState,
  context: ExplainContext,
): Explanation['rank'] {
  // Unranked is behind every ranked initiative.
  const place = (rank: number | null | undefined) => rank ?? Number.POSITIVE_INFINITY;
  const passedBy: RankMove[] = [];
  const fellBehind: RankMove[] = [];
  const keys = new Set([...context.ranksFrom.keys(), ...context.ranksTo.keys()]);
  for (const key of keys) {
    if (key === context.key) continue;
    const rankFrom = context.ranksFrom.get(key) ?? null;
    const rankTo = context.ranksTo.get(key) ?? null;
    const aheadBefore = place(rankFrom) < place(from.rank);
    const aheadAfter = place(rankTo) < place(to.rank);
    if (aheadBefore === aheadAfter) continue;
    const move = { key, title: context.titles.get(key) ?? '', from: rankFrom, to: rankTo };
    (aheadAfter ? passedBy : fellBehind).push(move);
  }
  const byRank = (a: RankMove, b: RankMove) => place(a.to) - place(b.to) || a.key.localeCompare(b.key);
  return {
    from: from.rank,
    to: to.rank,
    up: from.rank === null || to.rank === null ? null : from.rank - to.rank,
    passedBy: passedBy.sort(byRank),
    fellBehind: fellBehind.sort(byRank),
  };
}
