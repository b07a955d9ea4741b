/**
 * The formula language's front door: text → tokens → syntax tree → analysis → closures.
 * `compileScript` is the library API of FORMULA.md; `checkScript` is its non-throwing twin for
 * callers that want every issue, the inputs and the outputs even when the script is invalid.
 */
import { analyzeScript } from './analyze.js';
import { type CompiledScript, compileAnalyzed } from './compile.js';
import { FormulaError, type FormulaIssue, issueAt, scriptIssue, sortIssues } from './issues.js';
import { parseScript } from './parser.js';

export { forEachNode } from './analyze.js';
export type { Expr, Script, Span } from './ast.js';
export {
  EVALUATION_CODES,
  type EvaluationCode,
  ISSUE_CODES,
  type IssueCode,
  WARNING_CODES,
} from './catalog.js';
export type { ColumnEvaluator, ColumnResults, CompiledScript } from './compile.js';
export { functionNames } from './functions.js';
export {
  EvaluationError,
  FormulaError,
  type FormulaIssue,
  formatIssue,
  renderSnippet,
  type SnippetTarget,
  sortIssues,
} from './issues.js';
export { parseScript } from './parser.js';
export { printExpr } from './print.js';

export const MAX_SCRIPT_LENGTH = 20_000;

export interface ScriptCheck {
  ok: boolean;
  errors: FormulaIssue[];
  warnings: FormulaIssue[];
  /** Inputs found in the statements that parsed; complete only when `ok`. */
  inputs: string[];
  outputs: string[];
  compiled?: CompiledScript;
}

/** Validates and, when valid, compiles a script. Never throws for anything in the text. */
export function checkScript(text: string): ScriptCheck {
  if (typeof text !== 'string') {
    return {
      ok: false,
      errors: [scriptIssue('script-not-text')],
      warnings: [],
      inputs: [],
      outputs: [],
    };
  }
  if (text.length > MAX_SCRIPT_LENGTH) {
    const tooLong = scriptIssue('script-too-long', { length: text.length, limit: MAX_SCRIPT_LENGTH });
    return { ok: false, errors: [tooLong], warnings: [], inputs: [], outputs: [] };
  }
  const spreadsheetStyle = leadingEquals(text);
  if (spreadsheetStyle) {
    return { ok: false, errors: [spreadsheetStyle], warnings: [], inputs: [], outputs: [] };
  }
  const parsed = parseScript(text);
  const analysis = analyzeScript(parsed.script, parsed.brokenTargets);
  const errors = sortIssues([...parsed.issues, ...analysis.errors]);
  const warnings = sortIssues(analysis.warnings);
  const base = { errors, warnings, inputs: analysis.inputs, outputs: analysis.outputs };
  if (errors.length > 0) return { ok: false, ...base };
  const compiled = compileAnalyzed(
    text,
    parsed.script.statements,
    analysis.inputs,
    analysis.outputs,
    warnings,
  );
  return { ok: true, ...base, compiled };
}

/**
 * A script that opens with `=` was written like a spreadsheet formula (`=reach * impact`): the
 * parser alone would say a name is expected and the script is empty, which does not tell a PM what
 * to change. Null when the first statement does not start with `=`.
 */
function leadingEquals(text: string): FormulaIssue | null {
  const breaks = /\r\n|\r|\n/g;
  let lineStart = 0;
  for (let index = 0; ; index++) {
    const found = breaks.exec(text);
    const lineEnd = found ? found.index : text.length;
    const line = text.slice(lineStart, lineEnd);
    if (line.trim() !== '' && !line.trim().startsWith('#')) {
      const start = line.search(/\S/);
      if (line[start] !== '=' || line[start + 1] === '=') return null;
      const rest = line
        .slice(start + 1)
        .replace(/#.*$/, '')
        .trim();
      const offset = lineStart + start;
      return issueAt(
        'spreadsheet-formula',
        { line: index + 1, column: start + 1, offset, end: offset + 1 },
        { rest },
      );
    }
    if (!found) return null;
    lineStart = breaks.lastIndex;
  }
}

/** Compiles a script for fast repeated evaluation; throws FormulaError listing every problem. */
export function compileScript(text: string): CompiledScript {
  const result = checkScript(text);
  if (!result.compiled) throw new FormulaError(result.errors);
  return result.compiled;
}
