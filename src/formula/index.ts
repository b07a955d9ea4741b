/**
 * The formula language's front door: text → tokens → syntax tree → analysis → closures.
 * `compileScript` is the library API of FORMULA.md; `checkScript` is its non-throwing twin for
 * callers that want every issue, the inputs and the outputs even when the script is invalid.
 */
import { analyzeScript } from './analyze.js';
import { type CompiledScript, compileAnalyzed } from './compile.js';
import { FormulaError, type FormulaIssue, sortIssues } from './issues.js';
import { parseScript } from './parser.js';

export { forEachNode } from './analyze.js';
export type { Expr, Script, Span } from './ast.js';
export type { CompiledScript } from './compile.js';
export { functionNames } from './functions.js';
export { EvaluationError, FormulaError, type FormulaIssue, formatIssue, sortIssues } from './issues.js';
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
      errors: [{ line: 0, message: 'the script must be text' }],
      warnings: [],
      inputs: [],
      outputs: [],
    };
  }
  if (text.length > MAX_SCRIPT_LENGTH) {
    const message = `the script is ${text.length.toLocaleString('en-US')} characters long; the limit is ${MAX_SCRIPT_LENGTH.toLocaleString('en-US')}`;
    return { ok: false, errors: [{ line: 0, message }], warnings: [], inputs: [], outputs: [] };
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
  const lines = text.split(/\r\n|\r|\n/);
  const index = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (index < 0) return null;
  const line = lines[index]!;
  const start = line.search(/\S/);
  if (line[start] !== '=' || line[start + 1] === '=') return null;
  const rest = line
    .slice(start + 1)
    .replace(/#.*$/, '')
    .trim();
  const example = `value = ${rest.length > 40 ? `${rest.slice(0, 39)}…` : rest || '…'}`;
  return {
    line: index + 1,
    column: start + 1,
    message: `a formula here does not start with '=' as in a spreadsheet: name what each line computes, e.g. '${example}'`,
  };
}

/** Compiles a script for fast repeated evaluation; throws FormulaError listing every problem. */
export function compileScript(text: string): CompiledScript {
  const result = checkScript(text);
  if (!result.compiled) throw new FormulaError(result.errors);
  return result.compiled;
}
