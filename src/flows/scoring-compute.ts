/**
 * Flow 3 compute-all: every initiative is scored with every framework of the run side by side
 * (RICE, WSJF and its math model by default). A framework's warnings are kept for Scoring_Inputs
 * when it is the active one, or when its inputs were started; the others' are noise.
 */
import type { Scoreboard, ScoringSubject } from '../scoring/index.js';
import type { FlowReport, Ledger } from './ledger.js';

export function runScoringCompute(board: Scoreboard, ledger: Ledger): FlowReport {
  const report = ledger.report('scoring compute');
  for (const i of board.initiatives.values()) {
    report.rowsRead += 1;
    const subject: ScoringSubject = {
      inputs: i.inputs,
      noInputsRow: i.noInputsRow,
      useMathModel: i.useMathModel,
      models: i.models.map((m) => ({
        modelName: m.name,
        formulaText: m.formulaText,
        approved: m.approved,
        isPrimary: m.isPrimary,
      })),
      param: (name) => board.mathParam(i.key, name),
      effortEngineeringDays: i.effortDays,
      formulas: board.formulas,
    };
    const active = i.framework.kind === 'ok' ? i.framework.value : null;
    for (const framework of board.frameworks) {
      const { score, models } = framework.score(subject);
      i.scores[framework.name] = score;
      if (models) for (const m of i.models) m.outcome = models.get(m.name);
      if (active !== framework.name && !framework.started(subject)) continue;
      const warnings = framework.warningsColumn === 'input_warnings' ? i.inputWarnings : i.mathWarnings;
      warnings.push(...score.warnings);
    }
  }
  return report;
}
