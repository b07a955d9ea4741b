import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkScript,
  compileScript,
  EVALUATION_CODES,
  EvaluationError,
  type FormulaIssue,
  formatIssue,
  ISSUE_CODES,
  renderSnippet,
  WARNING_CODES,
} from './index.js';

/** The first issue a script produces, errors before warnings. */
const firstIssue = (text: string): FormulaIssue => {
  const check = checkScript(text);
  return [...check.errors, ...check.warnings][0]!;
};

const evaluationError = (text: string, params: unknown): EvaluationError => {
  try {
    compileScript(text).evaluate(params as Record<string, number>);
  } catch (e) {
    if (e instanceof EvaluationError) return e;
    throw e;
  }
  throw new Error(`${text} evaluated without an error`);
};

describe('issue codes', () => {
  const cases: [string, string][] = [
    ['script-too-long', `value = 1${' '.repeat(20_000)}`],
    ['spreadsheet-formula', '=reach * impact'],
    ['quoted-text', 'value = "a"'],
    ['member-access', 'value = a.b'],
    ['indexing', 'value = a[1]'],
    ['braces', 'value = {a}'],
    ['semicolon', 'value = a; b = 1'],
    ['percent-without-number', 'value = a % b'],
    ['logic-symbol', 'value = a & b'],
    ['lone-bang', 'value = !a'],
    ['currency-symbol', 'value = $5'],
    ['unexpected-character', 'value = a @ b'],
    ['misplaced-underscore', 'value = 1__000'],
    ['two-decimal-points', 'value = 1.2.3'],
    ['exponent-without-digits', 'value = 1e+'],
    ['malformed-number', 'value = 12abc'],
    ['number-too-large', 'value = 1e999'],
    ['expected-name', '1 = 2'],
    ['expected-equals', 'value + 1'],
    ['equals-in-expression', 'value = a = b'],
    ['unmatched-close-paren', 'value = a)'],
    ['comma-outside-call', 'value = a, b'],
    ['expected-operator', 'value = a b'],
    ['expected-operand', 'value = a *'],
    ['unclosed-paren', 'value = (a'],
    ['expected-close-paren', 'value = (a b)'],
    ['chained-comparison', 'value = a < b < c'],
    ['nesting-too-deep', `value = ${'('.repeat(101)}1${')'.repeat(101)}`],
    [
      'too-many-statements',
      ['value = 1', ...Array.from({ length: 500 }, (_, i) => `x${i} = value`)].join('\n'),
    ],
    ['function-as-value', 'value = sqrt'],
    ['self-reference', 'value = value + 1'],
    ['read-before-assign', 'value = a\na = 1'],
    ['unknown-function', 'value = sum(a)'],
    ['wrong-arity', 'value = abs(a, b)'],
    ['function-name-assigned', 'max = 1\nvalue = 2'],
    ['assigned-twice', 'value = 1\nvalue = 2'],
    ['empty-script', '# nothing yet'],
    ['missing-value', 'effort = 1'],
    ['unused-name', 'x = 1\nvalue = 2'],
    ['case-only-difference', 'AOV = 1\nvalue = aov * AOV'],
  ];

  it.each(cases)('%s from %j', (code, text) => {
    const check = checkScript(text);
    const issue = [...check.errors, ...check.warnings][0]!;
    expect(issue.code).toBe(code);
    // Warnings are warnings, everything else blocks compiling.
    const isWarning = WARNING_CODES.includes(issue.code!);
    expect(check.warnings.includes(issue)).toBe(isWarning);
    expect(check.ok).toBe(isWarning);
  });

  it('script-not-text for what is not a string', () => {
    expect(checkScript(42 as unknown as string).errors).toEqual([
      { line: 0, message: 'the script must be text', code: 'script-not-text' },
    ]);
  });

  it('every code of the catalog is produced by some script above', () => {
    const covered = new Set<string>([...cases.map(([code]) => code), 'script-not-text']);
    expect(ISSUE_CODES.filter((code) => !covered.has(code))).toEqual([]);
    expect(covered.size).toBe(ISSUE_CODES.length);
  });

  it('keeps the words: the message is the catalog template filled with the facts', () => {
    expect(formatIssue(firstIssue('value = Sqrt(a)'))).toBe(
      "line 1: unknown function 'Sqrt' (functions: min, max, abs, round, floor, ceil, sqrt, exp, ln, log10, log, pow, clamp, if, and, or, not); did you mean 'sqrt'?",
    );
    expect(formatIssue(firstIssue('value = if(a, b)'))).toBe(
      "line 1, column 9: 'if' takes 3 arguments (if(condition, then, else)), got 2",
    );
    expect(formatIssue(firstIssue('value = (a b)'))).toBe(
      "line 1, column 12: expected ')' after 'a', found 'b'",
    );
    expect(formatIssue(firstIssue('value = max(a b)'))).toBe(
      "line 1, column 15: expected ',' or ')' after 'a', found 'b'",
    );
    expect(formatIssue(firstIssue('value = a\u200bb'))).toBe(
      'line 1, column 10: unexpected character (code 8203)',
    );
  });
});

describe('spans', () => {
  it('points at the token, with its length', () => {
    expect(firstIssue('value = 1 + "abc" + 2')).toMatchObject({
      line: 1,
      column: 13,
      span: { line: 1, column: 13, offset: 12, end: 17 },
    });
    expect(firstIssue('value = 12abc')).toMatchObject({
      column: 9,
      span: { column: 9, offset: 8, end: 13 },
    });
  });

  it('points at the end of the line when something is missing there', () => {
    expect(firstIssue('value = a *')).toMatchObject({
      line: 1,
      column: 12,
      span: { line: 1, column: 12, offset: 11, end: 11 },
    });
  });

  it('points at the name even when the message names only the line', () => {
    const issue = firstIssue('x = 1\nvalue = x + sum(x)');
    expect(issue).toMatchObject({ line: 2, code: 'unknown-function' });
    expect(issue.column).toBeUndefined();
    expect(issue.span).toEqual({ line: 2, column: 13, offset: 18, end: 21 });
    expect(firstIssue('value = 1\nvalue = 2').span).toEqual({ line: 2, column: 1, offset: 10, end: 15 });
  });

  it('counts an emoji as one column', () => {
    const issues = checkScript('value = "😀" $').errors;
    expect(issues.map((i) => [i.code, i.column, i.span?.offset, i.span?.end])).toEqual([
      ['quoted-text', 9, 8, 12],
      ['currency-symbol', 13, 13, 14],
    ]);
  });

  it('locates a spreadsheet-style formula on the line it is on', () => {
    expect(firstIssue('# model\r\n  =a * b')).toMatchObject({
      line: 2,
      column: 3,
      span: { line: 2, column: 3, offset: 11, end: 12 },
    });
  });

  it('has none for an issue about the whole script', () => {
    expect(firstIssue('effort = 1').span).toBeUndefined();
  });
});

describe('renderSnippet', () => {
  it('puts a caret under the column', () => {
    const text = 'value = a * * b';
    const issue = firstIssue(text);
    expect(issue).toMatchObject({ code: 'expected-operand', column: 13 });
    expect(renderSnippet(text, issue)).toBe('line 1 | value = a * * b\n       |             ^');
  });

  it('underlines the whole span, after the source label', () => {
    const text = 'value = summ(a, b)';
    const issue = { ...firstIssue(text), source: 'MathModels!D7' };
    expect(renderSnippet(text, issue)).toBe(
      'MathModels!D7 line 1 | value = summ(a, b)\n                     |         ^^^^',
    );
  });

  it('shows the right line of a longer script, and one caret at its end', () => {
    const text = 'a = 1\r\nvalue = a +\r\neffort = 2';
    expect(renderSnippet(text, firstIssue(text))).toBe('line 2 | value = a +\n       |            ^');
  });

  it('keeps tabs so that the caret lines up', () => {
    const text = 'value =\tfoo(a)';
    expect(renderSnippet(text, firstIssue(text))).toBe('line 1 | value =\tfoo(a)\n       |        \t^^^');
  });

  it('counts an emoji as one character', () => {
    const text = 'value = "😀" $';
    const dollar = checkScript(text).errors[1]!;
    expect(renderSnippet(text, dollar)).toBe('line 1 | value = "😀" $\n       |             ^');
  });

  it('shows only the line when the issue has no column, and nothing for the whole script', () => {
    expect(renderSnippet('a = 1\nb = 2', { line: 2 })).toBe('line 2 | b = 2');
    expect(renderSnippet('a = 1\nb = 2', { line: 1, column: 3 })).toBe('line 1 | a = 1\n       |   ^');
    expect(renderSnippet('effort = 1', firstIssue('effort = 1'))).toBe('');
    expect(renderSnippet('a = 1', { line: 5, column: 1 })).toBe('');
  });

  it('renders an evaluation error under the expression whose value was wrong', () => {
    const text = 'value = a / (b - c)';
    const error = evaluationError(text, { a: 1, b: 3, c: 3 });
    expect(error.message).toBe("line 1: division by zero ('(b - c)' = 0, with b = 3, c = 3)");
    expect(renderSnippet(text, error)).toBe('line 1 | value = a / (b - c)\n       |             ^^^^^^^');
  });
});

describe('evaluation error codes', () => {
  const cases: [string, string, unknown, string][] = [
    ['params-not-object', 'value = 1', null, 'the params must be an object (got null)'],
    ['missing-input', 'value = a', {}, "line 1: missing input 'a'"],
    [
      'input-not-finite',
      'value = a',
      { a: Number.NaN },
      "line 1: input 'a' is not a finite number (got NaN)",
    ],
    [
      'not-finite',
      'value = a * b',
      { a: 1e200, b: 1e200 },
      "line 1: 'value' is infinitely large (a = 1e+200, b = 1e+200)",
    ],
    [
      'operand-not-finite',
      'value = (a * b) ^ 2',
      { a: 1e200, b: -1e200 },
      "line 1: the base of a power is minus infinitely large ('(a * b)' = -Infinity, with a = 1e+200, b = -1e+200)",
    ],
    ['division-by-zero', 'x = 1\nvalue = x / b', { b: 0 }, 'line 2: division by zero (b = 0)'],
    ['sqrt-negative', 'value = sqrt(a)', { a: -1 }, 'line 1: sqrt of a negative number (a = -1)'],
    ['log-domain', 'value = log10(a)', { a: 0 }, 'line 1: log10 needs a number greater than 0 (a = 0)'],
    [
      'log-base',
      'value = log(a, b)',
      { a: 2, b: 1 },
      'line 1: the base of log must be greater than 0 and not 1 (b = 1)',
    ],
    [
      'clamp-bounds',
      'value = clamp(a, 2, 1.5)',
      { a: 0 },
      "line 1: clamp's low bound is above its high bound (low = 2, high = 1.5)",
    ],
  ];

  it.each(cases)('%s from %j with %j', (code, text, params, message) => {
    const error = evaluationError(text, params);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it('every evaluation code is produced above', () => {
    expect(EVALUATION_CODES.filter((code) => !cases.some(([c]) => c === code))).toEqual([]);
  });

  it('says which operand was not finite: a divisor, an argument, a condition', () => {
    const divisor = evaluationError('value = a / (b * b)', { a: 1, b: 1e200 });
    expect(divisor).toMatchObject({ code: 'operand-not-finite', line: 1 });
    expect(divisor.reason).toMatch(/^the divisor is infinitely large/);
    expect(evaluationError('value = if(a * a, 1, 2)', { a: 1e200 }).reason).toMatch(
      /^the condition of if is infinitely large/,
    );
    expect(evaluationError('value = abs(a * a)', { a: 1e200 }).reason).toMatch(
      /^the argument of abs is infinitely large/,
    );
    expect(evaluationError('value = max(1, a * a)', { a: 1e200 }).reason).toMatch(
      /^argument 2 of max is infinitely large/,
    );
  });

  it('carries the span of what was wrong', () => {
    expect(evaluationError('value = 1 + sqrt(a)', { a: -4 }).span).toEqual({
      line: 1,
      column: 18,
      offset: 17,
      end: 18,
    });
    expect(evaluationError('x = 2\nvalue = x + a', {}).span).toMatchObject({ line: 2, column: 13 });
    expect(evaluationError('value = 1', 'text').span).toBeUndefined();
  });
});

describe('docs/formulas.md', () => {
  it('lists every code', () => {
    const docs = readFileSync(new URL('../../docs/formulas.md', import.meta.url), 'utf8');
    const missing = [...ISSUE_CODES, ...EVALUATION_CODES].filter((code) => !docs.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });
});
