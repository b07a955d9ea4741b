/**
 * Every problem the formula library reports, by stable code, with the one template that words it.
 *
 * Codes are part of the API (they reach `formula check --json` and callers that branch on a
 * problem); the wording is for people and may be refined, but only here. A module that finds a
 * problem passes the code and the facts (names, lines, values), never text of its own.
 */

/** `'x'`, or `the end of the line` when a statement ended where something else was expected. */
function quoteFound(found: string | null): string {
  return found === null ? 'the end of the line' : `'${found}'`;
}

/** Control, format (zero-width), separator and lone surrogate characters are invisible when quoted. */
const invisible = /^[\p{Cc}\p{Cf}\p{Z}\p{Cs}]$/u;

function describeChar(c: string): string {
  return invisible.test(c) ? `(code ${c.codePointAt(0)!})` : `'${c}'`;
}

function arityText(min: number, max: number): string {
  if (max === Number.POSITIVE_INFINITY)
    return min === 1 ? 'at least 1 argument' : `at least ${min} arguments`;
  if (min === max) return min === 1 ? '1 argument' : `${min} arguments`;
  return `${min} or ${max} arguments`;
}

/**
 * Problems found before evaluation: errors (the script is not compiled) and, for the codes in
 * `WARNING_CODES`, warnings (it is).
 */
const ISSUES = {
  // The text as a whole.
  'script-not-text': () => 'the script must be text',
  'script-too-long': (p: { length: number; limit: number }) =>
    `the script is ${p.length.toLocaleString('en-US')} characters long; the limit is ${p.limit.toLocaleString('en-US')}`,
  /** `=reach * impact`; `rest` is what follows the `=` on its line, comment removed. */
  'spreadsheet-formula': (p: { rest: string }) => {
    const example = `value = ${p.rest.length > 40 ? `${p.rest.slice(0, 39)}…` : p.rest || '…'}`;
    return `a formula here does not start with '=' as in a spreadsheet: name what each line computes, e.g. '${example}'`;
  },

  // Characters (lexer).
  'quoted-text': () => 'text in quotes is not allowed: formulas work with numbers only',
  'member-access': () =>
    "'.' is not allowed here: there is no member access (a.b); decimals are written like 0.5",
  indexing: (p: { char: string }) => `'${p.char}' is not allowed: there is no indexing`,
  braces: (p: { char: string }) => `'${p.char}' is not allowed: use parentheses to group`,
  semicolon: () => "';' is not allowed: write one statement per line",
  'percent-without-number': () => "'%' may only follow a number, as in 5% (there is no modulo operator)",
  /** `&` or `|`. */
  'logic-symbol': (p: { char: string }) =>
    `'${p.char}' is not allowed: use ${p.char === '&' ? 'and(a, b)' : 'or(a, b)'}`,
  'lone-bang': () => "'!' is not allowed on its own: use not(x), or != to compare",
  'currency-symbol': (p: { char: string }) => `'${p.char}' is not allowed: write amounts as plain numbers`,
  'unexpected-character': (p: { char: string }) => `unexpected character ${describeChar(p.char)}`,

  // Numbers (lexer).
  'misplaced-underscore': () => "'_' in a number must stand between two digits",
  'two-decimal-points': () => 'a number has at most one decimal point',
  'exponent-without-digits': () => "an exponent needs digits after 'e', as in 1e6",
  'malformed-number': (p: { text: string }) =>
    `'${p.text}' is not a number or a name (a name cannot start with a digit)`,
  'number-too-large': (p: { text: string }) => `'${p.text}' is too large to be a number`,

  // Grammar (parser). `found` is a token's text, or null for the end of the line.
  'expected-name': (p: { found: string | null }) =>
    `expected a name to assign at the start of the line, like 'value = …', found ${quoteFound(p.found)}`,
  'expected-equals': (p: { target: string; found: string | null }) =>
    `expected '=' after '${p.target}', found ${quoteFound(p.found)}`,
  'equals-in-expression': () =>
    "'=' inside an expression: assign once per line, at its start (to compare, use ==)",
  'unmatched-close-paren': () => "')' has no matching '('",
  'comma-outside-call': () => "',' outside a function call",
  'expected-operator': (p: { after: string | null; found: string | null }) =>
    `expected an operator or the end of the line after ${quoteFound(p.after)}, found ${quoteFound(p.found)}`,
  /** `after` is the operator, '(' or ',' the missing operand should follow. */
  'expected-operand': (p: { after: string; found: string | null }) =>
    `expected a number, a name or '(' after '${p.after}'${p.found === null ? '' : `, found '${p.found}'`}`,
  'unclosed-paren': () => "'(' is never closed (expected ')' by the end of the statement)",
  /** Inside parentheses (`inCall` false) or a call's argument list. */
  'expected-close-paren': (p: { inCall: boolean; after: string | null; found: string | null }) =>
    `expected ${p.inCall ? "',' or ')'" : "')'"} after ${quoteFound(p.after)}, found ${quoteFound(p.found)}`,
  'chained-comparison': (p: { first: string; second: string }) =>
    `comparisons cannot be chained: write and(a ${p.first} b, b ${p.second} c)`,
  'nesting-too-deep': (p: { limit: number }) => `the expression is nested more than ${p.limit} levels deep`,

  // Language rules (analysis).
  'too-many-statements': (p: { count: number; limit: number }) =>
    `the script has ${p.count} statements; the limit is ${p.limit}`,
  'function-as-value': (p: { name: string; usage: string }) =>
    `'${p.name}' is a function: call it like ${p.usage}`,
  'self-reference': (p: { name: string }) => `'${p.name}' is read in its own definition; it has no value yet`,
  'read-before-assign': (p: { name: string; assignedOn: number }) =>
    `'${p.name}' is read before it is assigned on line ${p.assignedOn}`,
  /** `suggestion` is the lower-case spelling when it is a function (`SQRT` → `sqrt`). */
  'unknown-function': (p: { name: string; functions: readonly string[]; suggestion?: string }) =>
    `unknown function '${p.name}' (functions: ${p.functions.join(', ')})${p.suggestion ? `; did you mean '${p.suggestion}'?` : ''}`,
  'wrong-arity': (p: { name: string; minArgs: number; maxArgs: number; usage: string; got: number }) =>
    `'${p.name}' takes ${arityText(p.minArgs, p.maxArgs)} (${p.usage}), got ${p.got}`,
  'function-name-assigned': (p: { name: string }) =>
    `'${p.name}' is a function name and cannot be used as a name`,
  'assigned-twice': (p: { name: string; firstOn: number }) =>
    `'${p.name}' is assigned twice (first on line ${p.firstOn})`,
  'empty-script': () => "the script is empty: write at least 'value = …'",
  'missing-value': () => "the script never assigns 'value'",

  // Warnings (analysis).
  'unused-name': (p: { name: string }) => `'${p.name}' is assigned but never used`,
  'case-only-difference': (p: { name: string; other: string; otherLine: number }) =>
    `'${p.name}' and '${p.other}' (line ${p.otherLine}) differ only in case`,
} satisfies Record<string, (p: never) => string>;

export type IssueCode = keyof typeof ISSUES;
export type IssueParams<C extends IssueCode> = Parameters<(typeof ISSUES)[C]>;

/** Every code a script's check can report, errors and warnings, in catalog order. */
export const ISSUE_CODES = Object.keys(ISSUES) as IssueCode[];

/** The codes that are warnings: the script is still compiled and scored. */
export const WARNING_CODES: readonly IssueCode[] = ['unused-name', 'case-only-difference'];

/** The words for an issue, without its location. */
export function issueMessage<C extends IssueCode>(code: C, ...params: IssueParams<C>): string {
  return (ISSUES[code] as (...p: IssueParams<C>) => string)(...params);
}

/** The value an evaluation error is about, as its message names it. */
export type Operand =
  | { kind: 'power-base' }
  | { kind: 'power-exponent' }
  | { kind: 'comparison-side'; side: 'left' | 'right'; op: string }
  /** `only`: the function takes a single argument (`the argument of abs`). */
  | { kind: 'argument'; fn: string; index: number; only: boolean }
  | { kind: 'condition'; fn: string }
  | { kind: 'divisor' };

function operandText(o: Operand): string {
  switch (o.kind) {
    case 'power-base':
      return 'the base of a power';
    case 'power-exponent':
      return 'the exponent of a power';
    case 'comparison-side':
      return `the ${o.side} side of '${o.op}'`;
    case 'argument':
      return o.only ? `the argument of ${o.fn}` : `argument ${o.index + 1} of ${o.fn}`;
    case 'condition':
      return `the condition of ${o.fn}`;
    case 'divisor':
      return 'the divisor';
    default: {
      const never: never = o;
      throw new Error(`unknown operand ${(never as Operand).kind}`);
    }
  }
}

/** What a value that is not finite is, in words: `'x' is minus infinitely large`. */
function nonFinite(value: number): string {
  return Number.isNaN(value) ? 'not a number' : `${value > 0 ? '' : 'minus '}infinitely large`;
}

/** How a params value that is not a usable number is shown: `'abc'`, `null`, `object`. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value.slice(0, 40)}'`;
  if (typeof value === 'number') return String(value);
  return typeof value;
}

/** Why a column given for an input does not count: too short, or not a Float64Array. */
function columnText(column: { length: number; samples: number } | { type: string }): string {
  if ('type' in column) return `its column is not a Float64Array (got ${column.type})`;
  const values = column.length === 1 ? '1 value' : `${column.length.toLocaleString('en-US')} values`;
  const samples = column.samples === 1 ? '1 sample' : `${column.samples.toLocaleString('en-US')} samples`;
  return `its column has ${values} for ${samples}`;
}

/** Numbers in evaluation messages: 12 significant digits, no float noise (0.1 + 0.2 → 0.3). */
export function formatNumber(v: number): string {
  return Number.isInteger(v) || !Number.isFinite(v) ? String(v) : String(Number(v.toPrecision(12)));
}

/**
 * Problems during evaluation (`EvaluationError`). `explanation` names the wrong value and the
 * values it was computed from: `effort = 0`, or `'b - c' = 0, with b = 3, c = 3`.
 */
const EVALUATION_ERRORS = {
  'params-not-object': (p: { value: unknown }) =>
    `the params must be an object (got ${describeValue(p.value)})`,
  /** `column`: what was wrong with the input's column in `evaluateColumns`, when it had one. */
  'missing-input': (p: { name: string; column?: { length: number; samples: number } | { type: string } }) =>
    `missing input '${p.name}'${p.column === undefined ? '' : ` (${columnText(p.column)})`}`,
  'input-not-finite': (p: { name: string; value: unknown }) =>
    `input '${p.name}' is not a finite number (got ${describeValue(p.value)})`,
  /** A step's result; `involved` lists the names its expression reads, with their values. */
  'not-finite': (p: { target: string; value: number; involved: string }) =>
    `'${p.target}' is ${nonFinite(p.value)}${p.involved ? ` (${p.involved})` : ''}`,
  'operand-not-finite': (p: { operand: Operand; value: number; explanation: string }) =>
    `${operandText(p.operand)} is ${nonFinite(p.value)} (${p.explanation})`,
  'division-by-zero': (p: { explanation: string }) => `division by zero (${p.explanation})`,
  'sqrt-negative': (p: { explanation: string }) => `sqrt of a negative number (${p.explanation})`,
  /** `ln`, `log10` or `log` of a number ≤ 0. */
  'log-domain': (p: { fn: string; explanation: string }) =>
    `${p.fn} needs a number greater than 0 (${p.explanation})`,
  'log-base': (p: { explanation: string }) =>
    `the base of log must be greater than 0 and not 1 (${p.explanation})`,
  'clamp-bounds': (p: { low: number; high: number }) =>
    `clamp's low bound is above its high bound (low = ${formatNumber(p.low)}, high = ${formatNumber(p.high)})`,
} satisfies Record<string, (p: never) => string>;

export type EvaluationCode = keyof typeof EVALUATION_ERRORS;
export type EvaluationParams<C extends EvaluationCode> = Parameters<(typeof EVALUATION_ERRORS)[C]>;

export const EVALUATION_CODES = Object.keys(EVALUATION_ERRORS) as EvaluationCode[];

/** The reason of an evaluation error, without the `line N: ` prefix. */
export function evaluationMessage<C extends EvaluationCode>(code: C, ...params: EvaluationParams<C>): string {
  return (EVALUATION_ERRORS[code] as (...p: EvaluationParams<C>) => string)(...params);
}
