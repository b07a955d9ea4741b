/**
 * The scoring module's front door: the framework interface and registry, RICE, WSJF and math
 * models, activation and ranking, and the pure scoreboard a run computes on. Pure: no I/O.
 */
export {
  type ActiveScore,
  activate,
  COARSE_PERCENTILE_COUNT,
  rankByPriority,
  rankingBasis,
} from './activation.js';
export {
  collectInputs,
  columnFramework,
  type Framework,
  type FrameworkDefinition,
  type FrameworkResult,
  type FrameworkScore,
  type InputColumn,
  nonNegative,
  noScore,
  outOfRange,
  outputColumns,
  positive,
  roundScore,
  type ScoringSubject,
  type WarningSource,
} from './framework.js';
export {
  FormulaCache,
  type MathModelRow,
  type ModelOutcome,
  mathModelFramework,
  type ParamLookup,
  scoreMathModel,
} from './math-model.js';
export {
  DEFAULT_FRAMEWORKS,
  type Frameworks,
  findFramework,
  frameworkChoices,
  parseFramework,
} from './registry.js';
export { RICE_INPUTS, rice, riceFramework } from './rice.js';
export * from './scoreboard.js';
export { WSJF_INPUTS, wsjf, wsjfFramework } from './wsjf.js';
