/**
 * The flows' front door: run a command's flows over the workbooks and the database (`runFlows`),
 * and the names and report shapes the CLI and other callers use.
 *
 * How a run is laid out:
 * - run.ts reads every tab once into typed tables, loads the memory (memory.ts, through the db
 *   repositories), then runs the flows in PRODUCT.md's order on two things: the scoreboard
 *   (scoring/scoreboard.ts: initiatives, models, params, compiled formulas, scores; pure data) and
 *   the ledger (ledger.ts: the tables, their records, the cells each flow wants to change, where
 *   each initiative, model and param sits, warnings, per-flow reports). It writes each workbook
 *   once with the included flows' changes, then saves the memory.
 * - One file per flow, each `run<Flow>(board, ledger, …) → FlowReport`: backlog-sync (keys,
 *   initiatives, archiving; `runBacklogWrite` puts scores back), scoring-sync (Scoring_Inputs
 *   rows, shared fields, framework inputs), models-sync (`runModelsWrite`: formula_status),
 *   models-suggest and params-seed (the LLM steps, with llm-session.ts), params-sync
 *   (`runParamsWrite`: param_status), scoring-compute (every framework of the run's list),
 *   scoring-activate (active score, priority, rank; score-warnings.ts says where to fix), and
 *   scoring-write.
 */
export { FLOWS, type FlowName, type FlowReport, type RunWarning, type StepReport } from './ledger.js';
export { createLlmSession, type LlmDeps, type LlmProgress, type LlmSession } from './llm-session.js';
export {
  LONG_RUN_ROWS,
  type PlannedCell,
  type RankedInitiative,
  type RunDeps,
  type RunOptions,
  type RunReport,
  runFlows,
  type SimulatedInitiativeReport,
} from './run.js';
