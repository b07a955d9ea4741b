/** The package root: the formula library API (FORMULA.md) and the pieces other tools build on. */
export {
  type ColumnResults,
  type CompiledScript,
  checkScript,
  compileScript,
  EvaluationError,
  FormulaError,
  type FormulaIssue,
  formatIssue,
  functionNames,
  renderSnippet,
  type ScriptCheck,
} from './formula/index.js';
