/**
 * Flow 2 activation: the framework the PM chose becomes each initiative's active score, then its
 * priority (the coefficient × the overall score, or × its percentile within its framework) and a
 * rank over all initiatives that are not finished or dropped.
 */
import {
  activate,
  type BoardInitiative,
  COARSE_PERCENTILE_COUNT,
  rankByPriority,
  rankingBasis,
  type Scoreboard,
} from '../scoring/index.js';
import type { FlowReport, Ledger } from './ledger.js';
import { activeWarning } from './score-warnings.js';

const FLOW = 'scoring activate' as const;

export interface RankingOptions {
  /** How priorities compare across frameworks: by percentile within each, or raw. */
  normalize: 'percentile' | 'none';
  /** lifecycle_status values (lower-case) that are not ranked. */
  excludeLifecycle: readonly string[];
}

export function runScoringActivate(board: Scoreboard, ledger: Ledger, ranking: RankingOptions): FlowReport {
  const report = ledger.report(FLOW);
  const excluded = new Set(ranking.excludeLifecycle);
  const coefficients = new Map<BoardInitiative, number | null>();
  const ranked: BoardInitiative[] = [];
  for (const i of board.initiatives.values()) {
    report.rowsRead += 1;
    const framework = i.framework.kind === 'ok' ? i.framework.value : null;
    // Blank means 1; a bad coefficient gives no priority rather than an invented one.
    const coefficient =
      i.coefficient.kind === 'ok' ? i.coefficient.value : i.coefficient.kind === 'blank' ? 1 : null;
    coefficients.set(i, coefficient);
    i.active = activate(framework, i.scores, coefficient, undefined, board.frameworks);
    if (excluded.has(i.lifecycle)) {
      // Finished or dropped: scores stay visible, but no priority, no rank and nothing to fix.
      i.active.priority = null;
      i.active.warnings = [];
      continue;
    }
    ranked.push(i);
  }

  const { percentiles, frameworks } = rankingBasis(
    ranked,
    ranking.normalize,
    (i) => ({
      framework: i.active!.framework,
      overall: i.active!.overall,
      coefficient: coefficients.get(i)!,
    }),
    board.frameworks,
  );
  board.rankedBy = percentiles ? 'percentile' : 'none';
  if (percentiles) {
    for (const [i, percentile] of percentiles)
      i.active = activate(i.active!.framework, i.scores, coefficients.get(i)!, percentile, board.frameworks);
    ledger.notes.push(
      `Priority = strategic_priority_coefficient × the overall score's percentile (0–100) among initiatives scored by the same framework, since ${frameworks.map(([f, n]) => `${f} (${n})`).join(', ')} share one rank; set ranking.normalize to "none" to rank raw scores.`,
    );
    for (const [f, n] of frameworks) {
      if (n >= COARSE_PERCENTILE_COUNT) continue;
      ledger.warn(FLOW, {
        tab: ledger.tables.backlog.name,
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
      const w = activeWarning(board, ledger, i, message);
      if (w) ledger.warn(FLOW, w);
    }
  }
  const ranks = rankByPriority(ranked, (i) => i.active?.priority ?? null);
  for (const i of board.initiatives.values()) {
    const r = ranks.get(i);
    if (r === undefined) delete i.rank;
    else i.rank = r;
  }
  return report;
}
