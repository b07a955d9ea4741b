/**
 * Flow 3 write-scores: each framework's value, effort and overall score, the input and math
 * warnings, the active scores and the math model's uncertainty go to the initiative's
 * Scoring_Inputs row.
 */
import type { Scoreboard } from '../scoring/index.js';
import { scoreColumns } from '../sheets/index.js';
import type { FlowReport, Ledger, WritableColumn } from './ledger.js';

const FLOW = 'scoring write' as const;

export function runScoringWrite(board: Scoreboard, ledger: Ledger): FlowReport {
  const frameworks = board.frameworks.map((f) => ({ name: f.name, columns: scoreColumns(f) }));
  for (const i of board.initiatives.values()) {
    const row = ledger.scoringRows.get(i.key);
    if (!row) continue;
    const set = (column: WritableColumn<'scoring'>, value: string | number | null) =>
      ledger.setBackendCell(FLOW, 'scoring', row, i.key, column, value);
    for (const { name, columns } of frameworks) {
      const s = i.scores[name];
      set(columns.value, s?.value ?? null);
      set(columns.effort, s?.effort ?? null);
      set(columns.overall, s?.overall ?? null);
    }
    set('math_warnings', i.mathWarnings.join('; ') || null);
    set('input_warnings', i.inputWarnings.join('; ') || null);
    set('active_value_score', i.active?.value ?? null);
    set('active_effort_score', i.active?.effort ?? null);
    set('active_overall_score', i.active?.overall ?? null);
    const u = i.uncertainty;
    set('math_value_p10', u?.value?.p10 ?? null);
    set('math_value_p50', u?.value?.p50 ?? null);
    set('math_value_p90', u?.value?.p90 ?? null);
    set('math_overall_p10', u?.overall?.p10 ?? null);
    set('math_overall_p90', u?.overall?.p90 ?? null);
    set('prob_value_negative', u?.probValueNegative ?? null);
  }
  return ledger.report(FLOW);
}
