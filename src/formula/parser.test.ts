import { describe, expect, it } from 'vitest';
import { checkScript, formatIssue, parseScript, printExpr } from './index.js';

/** The printed tree of each statement: `value = (+ a b)`. */
const trees = (text: string) => {
  const { script, issues } = parseScript(text);
  expect(issues).toEqual([]);
  return script.statements.map((s) => `${s.target} = ${printExpr(s.expr)}`);
};
const tree = (expr: string) => trees(`value = ${expr}`)[0]!.slice('value = '.length);
const syntaxErrors = (text: string) => parseScript(text).issues.map(formatIssue);
const problems = (text: string) => checkScript(text).errors.map(formatIssue);

describe('precedence: comparisons < + - < * / < unary < ^ (right-associative)', () => {
  it.each([
    ['1', '1'],
    ['a', 'a'],
    ['5%', '0.05'],
    ['1 + 2 * 3', '(1 +(2 *3))'],
    ['1 * 2 + 3', '((1 *2) +3)'],
    ['a - b - c + d', '(a -b -c +d)'],
    ['a / b * c / d', '(a /b *c /d)'],
    ['a - b * c - d', '(a -(b *c) -d)'],
    ['a - (b - c)', '(a -(b -c))'],
    ['(a + b) + c', '((a +b) +c)'],
    ['(a + b) * c', '((a +b) *c)'],
    ['-2^2', '(- (^ 2 2))'],
    ['2^3^2', '(^ 2 (^ 3 2))'],
    ['2**3**2', '(^ 2 (^ 3 2))'],
    ['2^3**2', '(^ 2 (^ 3 2))'],
    ['(2^3)^2', '(^ (^ 2 3) 2)'],
    ['(-2)^2', '(^ (- 2) 2)'],
    ['2^-1', '(^ 2 (- 1))'],
    ['2^-3^2', '(^ 2 (- (^ 3 2)))'],
    ['-a * b', '((- a) *b)'],
    ['a * -b', '(a *(- b))'],
    ['a - -b', '(a -(- b))'],
    ['--a', '(- (- a))'],
    ['+a', '(+ a)'],
    ['-a^b * c', '((- (^ a b)) *c)'],
    ['a ^ b * c', '((^ a b) *c)'],
    ['a * b ^ c', '(a *(^ b c))'],
    ['a < b + c', '(< a (b +c))'],
    ['a + b < c * d', '(< (a +b) (c *d))'],
    ['-a <= b', '(<= (- a) b)'],
    ['a > b', '(> a b)'],
    ['a >= b', '(>= a b)'],
    ['a == b', '(== a b)'],
    ['a != b', '(!= a b)'],
    ['(a < b) == c', '(== (< a b) c)'],
    ['a == (b < c)', '(== a (< b c))'],
    ['max(a, b, 1)', '(max a b 1)'],
    ['max (a)', '(max a)'],
    ['f()', '(f)'],
    ['if(a > 1, b + 1, -c)', '(if (> a 1) (b +1) (- c))'],
    ['min(a, max(b, c)) * 2', '((min a (max b c)) *2)'],
    ['abs(-a)^2', '(^ (abs (- a)) 2)'],
  ])('%s → %s', (expr, printed) => {
    expect(tree(expr)).toBe(printed);
  });
});

describe('statements and lines', () => {
  it.each([
    ['a = 1\nvalue = a', ['a = 1', 'value = a']],
    ['\n\n  a = 1   # note\n\n# comment\nvalue = a\n', ['a = 1', 'value = a']],
    ['a = 1\r\nvalue = a\r\n', ['a = 1', 'value = a']],
    ['a = 1\rvalue = a', ['a = 1', 'value = a']],
    // An expression goes on while a parenthesis is open, comments and blank lines included.
    ['value = (a +\n  b)', ['value = (a +b)']],
    ['value = max(a,\n\n  b,   # the second\n  c)', ['value = (max a b c)']],
    ['value = (a\n  + b\n)\nx = 1', ['value = (a +b)', 'x = 1']],
    ['value = if(a > 0,\r\n  1,\r\n  2)', ['value = (if (> a 0) 1 2)']],
  ])('%j → %j', (text, printed) => {
    expect(trees(text)).toEqual(printed);
  });

  it('keeps 1-based lines and columns on every node, across continuation lines', () => {
    const [statement] = parseScript('\n  value = max(a,\n\t  b)').script.statements;
    expect(statement!.targetSpan).toMatchObject({ line: 2, column: 3 });
    expect(statement!.expr).toMatchObject({ kind: 'call', calleeSpan: { line: 2, column: 11 } });
    const call = statement!.expr as { args: { span: { line: number; column: number } }[] };
    expect(call.args.map((a) => [a.span.line, a.span.column])).toEqual([
      [2, 15],
      [3, 4],
    ]);
  });
});

describe('syntax errors', () => {
  it.each([
    ['value = a *', ["line 1, column 12: expected a number, a name or '(' after '*'"]],
    ['value = a * )', ["line 1, column 13: expected a number, a name or '(' after '*', found ')'"]],
    ['value =', ["line 1, column 8: expected a number, a name or '(' after '='"]],
    ['value = ()', ["line 1, column 10: expected a number, a name or '(' after '(', found ')'"]],
    ['value = max(1,)', ["line 1, column 15: expected a number, a name or '(' after ',', found ')'"]],
    ['value = max(,1)', ["line 1, column 13: expected a number, a name or '(' after '(', found ','"]],
    ['value = 1 +\nb = 2', ["line 1, column 12: expected a number, a name or '(' after '+'"]],
    // Comparisons are not chainable.
    ['value = a < b < c', ['line 1, column 15: comparisons cannot be chained: write and(a < b, b < c)']],
    ['value = a == b != c', ['line 1, column 16: comparisons cannot be chained: write and(a == b, b != c)']],
    [
      'value = a < b + 1 >= c',
      ['line 1, column 19: comparisons cannot be chained: write and(a < b, b >= c)'],
    ],
    // Juxtaposition: two operands with no operator between them.
    ['value = a b', ["line 1, column 11: expected an operator or the end of the line after 'a', found 'b'"]],
    [
      'value = 2 (3)',
      ["line 1, column 11: expected an operator or the end of the line after '2', found '('"],
    ],
    [
      'value = (a) (b)',
      ["line 1, column 13: expected an operator or the end of the line after ')', found '('"],
    ],
    ['value = (a b)', ["line 1, column 12: expected ')' after 'a', found 'b'"]],
    ['value = max(a b)', ["line 1, column 15: expected ',' or ')' after 'a', found 'b'"]],
    // Parentheses.
    ['value = (a + b', ["line 1, column 9: '(' is never closed (expected ')' by the end of the statement)"]],
    [
      'value = max(a, b',
      ["line 1, column 12: '(' is never closed (expected ')' by the end of the statement)"],
    ],
    [
      'value = (a +\n  b\nx = 1',
      ["line 1, column 9: '(' is never closed (expected ')' by the end of the statement)"],
    ],
    ['value = a + b)', ["line 1, column 14: ')' has no matching '('"]],
    ['value = 1, 2', ["line 1, column 10: ',' outside a function call"]],
    // '=' inside an expression, including the spreadsheet habit of comparing with '='.
    [
      'value = a = 1',
      [
        "line 1, column 11: '=' inside an expression: assign once per line, at its start (to compare, use ==)",
      ],
    ],
    [
      'value = = 1',
      ["line 1, column 9: '=' inside an expression: assign once per line, at its start (to compare, use ==)"],
    ],
    [
      'value = if(a = 1, 2, 3)',
      [
        "line 1, column 14: '=' inside an expression: assign once per line, at its start (to compare, use ==)",
      ],
    ],
    [
      'value = (a = 1)',
      [
        "line 1, column 12: '=' inside an expression: assign once per line, at its start (to compare, use ==)",
      ],
    ],
    // The start of a statement.
    ['value', ["line 1, column 6: expected '=' after 'value', found the end of the line"]],
    ['value == 1', ["line 1, column 7: expected '=' after 'value', found '=='"]],
    ['value + 1', ["line 1, column 7: expected '=' after 'value', found '+'"]],
    [
      '1 = value',
      ["line 1, column 1: expected a name to assign at the start of the line, like 'value = …', found '1'"],
    ],
    [
      '= 1',
      ["line 1, column 1: expected a name to assign at the start of the line, like 'value = …', found '='"],
    ],
    [
      'value = a\n  + b',
      ["line 2, column 3: expected a name to assign at the start of the line, like 'value = …', found '+'"],
    ],
  ])('%j → %j', (text, expected) => {
    expect(syntaxErrors(text)).toEqual(expected);
  });

  it('reports every broken statement, in text order, and parses the rest', () => {
    const text = 'a = (1 +\nb = 2 3\nc = 3\nd = max(1 2\nvalue = c +';
    expect(syntaxErrors(text)).toEqual([
      // Inside an open '(' a line starting `name =` is a new statement, so the first one ends early.
      "line 1, column 9: expected a number, a name or '(' after '+'",
      "line 2, column 7: expected an operator or the end of the line after '2', found '3'",
      "line 4, column 11: expected ',' or ')' after '1', found '2'",
      "line 5, column 12: expected a number, a name or '(' after '+'",
    ]);
    expect(parseScript(text).script.statements.map((s) => s.target)).toEqual(['c']);
    expect(parseScript(text).brokenTargets).toEqual([
      { name: 'a', line: 1 },
      { name: 'b', line: 2 },
      { name: 'd', line: 4 },
      { name: 'value', line: 5 },
    ]);
  });

  it('does not add "never assigns value" or "read before assigned" because of a statement that did not parse', () => {
    expect(problems('x = value\nvalue = 1 +')).toEqual([
      "line 2, column 12: expected a number, a name or '(' after '+'",
    ]);
  });
});

describe('nesting depth 100', () => {
  const parens = (n: number) => `value = ${'('.repeat(n)}1${')'.repeat(n)}`;
  const sums = (n: number) => `value = ${'1 + ('.repeat(n)}1${')'.repeat(n)}`;
  const calls = (n: number) => `value = ${'abs('.repeat(n)}1${')'.repeat(n)}`;
  const signs = (n: number) => `value = ${'-'.repeat(n)}1`;
  const powers = (n: number) => `value = 1${'^1'.repeat(n)}`;

  it.each([
    ['parentheses', parens],
    ['sums in parentheses', sums],
    ['calls', calls],
    ['signs', signs],
    ['powers', powers],
  ])('%s: 100 levels compile, 101 are an error', (_, build) => {
    expect(problems(build(100))).toEqual([]);
    expect(problems(build(101))).toEqual([
      expect.stringMatching(/^line 1, column \d+: the expression is nested more than 100 levels deep$/),
    ]);
  });

  it.each([
    [parens(101), 110],
    [calls(101), 413],
    [signs(101), 110],
  ])('points at the token past the limit in %#', (text, column) => {
    expect(problems(text)).toEqual([
      `line 1, column ${column}: the expression is nested more than 100 levels deep`,
    ]);
  });

  it('rejects 10,000 open parentheses with one error, without running out of stack', () => {
    expect(problems(`value = ${'('.repeat(10_000)}`)).toEqual([
      'line 1, column 110: the expression is nested more than 100 levels deep',
    ]);
  });

  it('keeps a long flat chain shallow: 5,000 terms are one node', () => {
    const [statement] = parseScript(`value = ${Array.from({ length: 5000 }, () => 'a').join(' + ')}`).script
      .statements;
    expect(statement!.expr).toMatchObject({ kind: 'arith' });
    expect((statement!.expr as { rest: unknown[] }).rest).toHaveLength(4999);
  });
});
