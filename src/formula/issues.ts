/**
 * Problems found in a script, and the two errors the library throws.
 *
 * A person's mistake is a value (`FormulaIssue`); the errors only wrap a list of them so that
 * `compileScript` and `evaluate` can keep the simple signatures FORMULA.md promises. The words of
 * every issue and evaluation error come from the catalog (`catalog.ts`), by code.
 */
import type { Span } from './ast.js';
import {
  type EvaluationCode,
  type EvaluationParams,
  evaluationMessage,
  type IssueCode,
  type IssueParams,
  issueMessage,
} from './catalog.js';

export interface FormulaIssue {
  /** 1-based line of the script; 0 when the issue concerns the whole script. */
  line: number;
  /** 1-based column, when the message points at one place on the line (see `formatIssue`). */
  column?: number;
  /** The plain-English reason, without the location (see `formatIssue`). */
  message: string;
  /**
   * What kind of problem it is, stable across wording changes (`catalog.ts` lists them). Always
   * set on the issues this library reports; absent on issues other code builds for itself.
   */
  code?: IssueCode;
  /**
   * The text the issue is about, when it is one place: a character, a token, a name. Also set for
   * issues whose message names only the line (`'x' is assigned twice`), to point at the name.
   */
  span?: Span;
  /** Where the script came from, for people, such as `MathModels!D7`; set by callers, never here. */
  source?: string;
}

/** An issue at one place, whose message names its line and column. */
export function issueAt<C extends IssueCode>(code: C, span: Span, ...params: IssueParams<C>): FormulaIssue {
  return { line: span.line, column: span.column, message: issueMessage(code, ...params), code, span };
}

/** An issue at one place, whose message names only its line (`'x' is assigned twice …`). */
export function issueOnLine<C extends IssueCode>(
  code: C,
  span: Span,
  ...params: IssueParams<C>
): FormulaIssue {
  return { line: span.line, message: issueMessage(code, ...params), code, span };
}

/** An issue about the whole script (line 0). */
export function scriptIssue<C extends IssueCode>(code: C, ...params: IssueParams<C>): FormulaIssue {
  return { line: 0, message: issueMessage(code, ...params), code };
}

/** `line 3, column 17: expected …`, the way a PM reads it. */
export function formatIssue(issue: FormulaIssue): string {
  if (issue.line <= 0) return issue.message;
  const where =
    issue.column === undefined ? `line ${issue.line}` : `line ${issue.line}, column ${issue.column}`;
  return `${where}: ${issue.message}`;
}

/** What `renderSnippet` needs: a FormulaIssue, or an EvaluationError. */
export interface SnippetTarget {
  line: number;
  column?: number;
  span?: Span;
  source?: string;
}

/**
 * The issue's line of the script with carets under what it is about, for a terminal or a log:
 *
 * ```
 * MathModels!D7 line 3 | value = a * * b
 *                      |             ^
 * ```
 *
 * One caret per character of the issue's span (at least one), or one under its column when it has
 * no span; no caret line when it names only a line. The gutter starts with the source label when
 * the issue has one. Empty for an issue about the whole script, or a line the text does not have.
 */
export function renderSnippet(text: string, issue: SnippetTarget): string {
  const lines = text.split(/\r\n|\r|\n/);
  if (issue.line < 1 || issue.line > lines.length) return '';
  const lineText = lines[issue.line - 1]!;
  const gutter = `${issue.source ? `${issue.source} ` : ''}line ${issue.line}`;
  const shown = `${gutter} | ${lineText}`;
  const span = issue.span?.line === issue.line ? issue.span : undefined;
  const column = span?.column ?? issue.column;
  if (column === undefined) return shown;
  const width = span ? [...text.slice(span.offset, span.end).replace(/[\r\n][\s\S]*$/, '')].length : 1;
  // Columns count characters as the PM sees them; tabs stay tabs so the carets line up, and a
  // byte order mark takes no room.
  const before = [...lineText].slice(0, column - 1);
  const pad = before.map((c) => (c === '\t' ? '\t' : c === '\ufeff' ? '' : ' ')).join('');
  const blank = ' '.repeat(column - 1 - before.length);
  return `${shown}\n${' '.repeat(gutter.length)} | ${pad}${blank}${'^'.repeat(Math.max(1, width))}`;
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
  /** What went wrong, stable across wording changes (`catalog.ts` lists them). */
  readonly code: EvaluationCode;
  /** The expression whose value was wrong, or the step, or where an input is first read. */
  readonly span: Span | undefined;

  constructor(line: number, reason: string, code: EvaluationCode, span?: Span) {
    super(line > 0 ? `line ${line}: ${reason}` : reason);
    this.line = line;
    this.reason = reason;
    this.code = code;
    this.span = span;
  }
}

/** An EvaluationError worded by the catalog. */
export function evaluationError<C extends EvaluationCode>(
  code: C,
  line: number,
  span: Span | undefined,
  ...params: EvaluationParams<C>
): EvaluationError {
  return new EvaluationError(line, evaluationMessage(code, ...params), code, span);
}

/** Orders issues as they appear in the text; whole-script issues come last. */
export function sortIssues(issues: FormulaIssue[]): FormulaIssue[] {
  const key = (i: FormulaIssue) => (i.line <= 0 ? Number.MAX_SAFE_INTEGER : i.line * 1e6 + (i.column ?? 0));
  return [...issues].sort((a, b) => key(a) - key(b));
}
