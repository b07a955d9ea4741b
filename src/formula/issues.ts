/**
 * Problems found in a script, and the two errors the library throws.
 *
 * A person's mistake is a value (`FormulaIssue`); the errors only wrap a list of them so that
 * `compileScript` and `evaluate` can keep the simple signatures FORMULA.md promises.
 */

export interface FormulaIssue {
  /** 1-based line of the script; 0 when the issue concerns the whole script. */
  line: number;
  /** 1-based column, when the issue points at one place on the line. */
  column?: number;
  /** The plain-English reason, without the location (see `formatIssue`). */
  message: string;
}

/** `line 3, column 17: expected …`, the way a PM reads it. */
export function formatIssue(issue: FormulaIssue): string {
  if (issue.line <= 0) return issue.message;
  const where =
    issue.column === undefined ? `line ${issue.line}` : `line ${issue.line}, column ${issue.column}`;
  return `${where}: ${issue.message}`;
}

/** Thrown by `compileScript` when a script has errors; `issues` lists all of them, in text order. */
export class FormulaError extends Error {
  override readonly name = 'FormulaError';
  readonly issues: FormulaIssue[];

  constructor(issues: FormulaIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.issues = issues;
  }
}

/** Thrown by `CompiledScript.evaluate`; `message` is `line 6: division by zero (effort = 0)`. */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
  readonly line: number;
  /** The reason without the line prefix. */
  readonly reason: string;

  constructor(line: number, reason: string) {
    super(line > 0 ? `line ${line}: ${reason}` : reason);
    this.line = line;
    this.reason = reason;
  }
}

/** Orders issues as they appear in the text; whole-script issues come last. */
export function sortIssues(issues: FormulaIssue[]): FormulaIssue[] {
  const key = (i: FormulaIssue) => (i.line <= 0 ? Number.MAX_SAFE_INTEGER : i.line * 1e6 + (i.column ?? 0));
  return [...issues].sort((a, b) => key(a) - key(b));
}
