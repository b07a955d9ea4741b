/**
 * Flow 3 compute-all, Flow 2 activation and Flow 3 write-scores. Every initiative is scored with
 * RICE, WSJF and its math model side by side; the framework the PM chose becomes the active
 * score, then priority and rank; the per-framework scores and warnings go to Scoring_Inputs.
 */
import { activate, COARSE_PERCENTILE_COUNT, rankByPriority, rankingBasis } from '../scoring/activation.js';
import type { FrameworkScore } from '../scoring/framework.js';
import { scoreMathModel } from '../scoring/math-model.js';
import { rice } from '../scoring/rice.js';
import { wsjf } from '../scoring/wsjf.js';
import { type Initiative, type RunContext, setBackendCell, step, warn } from './context.js';
import { paramLookup } from './params.js';
import { activeWarning } from './score-warnings.js';
import { scoringInputs } from './scoring-sync.js';

const RICE_COLUMNS = ['rice_reach', 'rice_impact', 'rice_confidence', 'rice_effort'] as const;
const WSJF_COLUMNS = [
  'wsjf_business_value',
  'wsjf_time_criticality',
  'wsjf_risk_reduction',
  'wsjf_job_size',
] as const;

export function computeScores(ctx: RunContext): void {
  const lookup = paramLookup(ctx);
  const report = step(ctx, 'scoring compute');
  for (const i of ctx.initiatives.values()) {
    report.rowsRead += 1;
    const riceCells = scoringInputs(ctx, i, RICE_COLUMNS);
    const wsjfCells = scoringInputs(ctx, i, WSJF_COLUMNS);
    i.scores.RICE = i.scoringRow ? rice.score(riceCells as never) : noRow(i, 'RICE');
    i.scores.WSJF = i.scoringRow ? wsjf.score(wsjfCells as never) : noRow(i, 'WSJF');

    const math = scoreMathModel(
      {
        models: i.models.map((m) => ({
          modelName: m.name,
          formulaText: m.formulaText,
          approved: m.approved,
          isPrimary: m.isPrimary,
        })),
        param: (name) => {
          const refs = lookup(i.key, name);
          const only = refs.length === 1 ? refs[0]! : undefined;
          return only?.approved && only.value.kind === 'ok'
            ? { kind: 'ok', value: only.value.value }
            : { kind: 'unusable' };
        },
        effortEngineeringDays: i.effortDays,
      },
      ctx.formulas,
    );
    i.scores.MATH_MODEL = math.score;
    for (const m of i.models) m.outcome = math.models.get(m.name);

    // Warnings for a framework the PM does not use are noise, unless its inputs were started.
    const active = i.framework.kind === 'ok' ? i.framework.value : null;
    const started = (cells: Record<string, { kind: string }>) =>
      Object.values(cells).some((c) => c.kind !== 'blank');
    if (active === 'RICE' || started(riceCells)) i.inputWarnings.push(...i.scores.RICE.warnings);
    if (active === 'WSJF' || started(wsjfCells)) i.inputWarnings.push(...i.scores.WSJF.warnings);
    if (active === 'MATH_MODEL' || i.useMathModel || i.models.length > 0)
      i.mathWarnings.push(...math.score.warnings);
  }
}

function noRow(i: Initiative, framework: 'RICE' | 'WSJF'): FrameworkScore {
  const why = i.scoringDuplicate ? 'its Scoring_Inputs row is duplicated' : 'it has no Scoring_Inputs row';
  return {
    framework,
    value: null,
    effort: null,
    overall: null,
    warnings: [`${framework} cannot be scored: ${why}`],
    inputs: {},
  };
}

export function activateScores(ctx: RunContext): void {
  const report = step(ctx, 'scoring activate');
  const backlogName = ctx.tables.backlog!.name;
  const excluded = new Set(ctx.ranking.excludeLifecycle);
  const coefficients = new Map<Initiative, number | null>();
  const ranked: Initiative[] = [];
  for (const i of ctx.initiatives.values()) {
    report.rowsRead += 1;
    const framework = i.framework.kind === 'ok' ? i.framework.value : null;
    // Blank means 1; a bad coefficient gives no priority rather than an invented one.
    const coefficient =
      i.coefficient.kind === 'ok' ? i.coefficient.value : i.coefficient.kind === 'blank' ? 1 : null;
    coefficients.set(i, coefficient);
    i.active = activate(framework, i.scores, coefficient);
    if (excluded.has(i.lifecycle)) {
      // Finished or dropped: scores stay visible, but no priority, no rank and nothing to fix.
      i.active.priority = null;
      i.active.warnings = [];
      continue;
    }
    ranked.push(i);
  }

  const { percentiles, frameworks } = rankingBasis(ranked, ctx.ranking.normalize, (i) => ({
    framework: i.active!.framework,
    overall: i.active!.overall,
    coefficient: coefficients.get(i)!,
  }));
  if (percentiles) {
    for (const [i, percentile] of percentiles)
      i.active = activate(i.active!.framework, i.scores, coefficients.get(i)!, percentile);
    ctx.notes.push(
      `Priority = strategic_priority_coefficient × the overall score's percentile (0–100) among initiatives scored by the same framework, since ${frameworks.map(([f, n]) => `${f} (${n})`).join(', ')} share one rank; set ranking.normalize to "none" to rank raw scores.`,
    );
    for (const [f, n] of frameworks) {
      if (n >= COARSE_PERCENTILE_COUNT) continue;
      warn(ctx, 'scoring activate', {
        tab: backlogName,
        row: null,
        column: null,
        key: null,
        message: `Only ${n} initiative${n === 1 ? ' is' : 's are'} scored with ${f}, so ${f} percentiles are coarse (one alone sits at 50, two at 25 and 75): score more initiatives with ${f}, or set ranking.normalize to "none"`,
      });
    }
  }

  for (const i of ranked) {
    const a = i.active!;
    if (i.framework.kind === 'bad') a.warnings = [];
    if (a.overall !== null && coefficients.get(i) === null)
      a.warnings.push('No priority: strategic_priority_coefficient is not a number');
    for (const message of a.warnings) {
      const w = activeWarning(ctx, i, message);
      if (w) warn(ctx, 'scoring activate', w);
    }
  }
  const all = [...ctx.initiatives.values()];
  const ranks = rankByPriority(ranked, (i) => i.active?.priority ?? null);
  for (const i of all) {
    const r = ranks.get(i);
    if (r === undefined) delete i.rank;
    else i.rank = r;
  }
}

export function writeScoring(ctx: RunContext): void {
  for (const i of ctx.initiatives.values()) {
    const row = i.scoringRow;
    if (!row) continue;
    const set = (column: string, value: string | number | null) =>
      setBackendCell(ctx, 'scoring write', 'scoring', row, i.key, column, value);
    const scores: [string, FrameworkScore | undefined][] = [
      ['rice', i.scores.RICE],
      ['wsjf', i.scores.WSJF],
      ['math', i.scores.MATH_MODEL],
    ];
    for (const [prefix, s] of scores) {
      set(`${prefix}_value_score`, s?.value ?? null);
      set(`${prefix}_effort_score`, s?.effort ?? null);
      set(`${prefix}_overall_score`, s?.overall ?? null);
    }
    set('math_warnings', i.mathWarnings.join('; ') || null);
    set('input_warnings', i.inputWarnings.join('; ') || null);
    set('active_value_score', i.active?.value ?? null);
    set('active_effort_score', i.active?.effort ?? null);
    set('active_overall_score', i.active?.overall ?? null);
  }
}
