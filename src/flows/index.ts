/**
 * The flows' front door: run a command's flows over the workbooks and the database (`runFlows`),
 * and the names and report shapes the CLI and other callers use.
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
} from './run.js';
