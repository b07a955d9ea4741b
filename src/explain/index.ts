/**
 * Why an initiative's score and rank changed, from what the database recorded (`productops
 * explain`, and the dashboard's initiative history):
 * - history.ts: the recorded rows → the initiative's state after each run, and the runs that
 *   changed its score (pure);
 * - explain.ts: two states → an `Explanation` — what changed, each change's share of the score
 *   change (re-scored one change at a time), the priority and the rank, who passed it (pure);
 * - diff.ts: the formula's line diff (pure);
 * - explain-initiative.ts: the database reads, and the entry points below.
 */
export type { DiffLine } from './diff.js';
export type {
  Contribution,
  ExplainedState,
  Explanation,
  NumberChange,
  ParamChange,
  RankMove,
} from './explain.js';
export { type ExplainOptions, explainHistory, explainInitiative, parseSince } from './explain-initiative.js';
