import { describe, expect, it } from 'vitest';
import { checkScript, formatIssue } from './index.js';
import { tokenize } from './lexer.js';

/** `number 12`, `name a`, `op +`: the tokens of one text, without newlines and the end. */
const tokens = (text: string) =>
  tokenize(text)
    .tokens.filter((t) => t.kind !== 'eof')
    .map((t) => {
      if (t.kind === 'number') return `number ${t.value}`;
      return t.kind === 'newline' ? 'newline' : `${t.kind} ${JSON.stringify(t.text)}`;
    });
const lexIssues = (text: string) => tokenize(text).issues.map(formatIssue);
const problems = (text: string) => checkScript(text).errors.map(formatIssue);

describe('numbers', () => {
  it.each([
    ['12', 12],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['1e6', 1_000_000],
    ['1E6', 1_000_000],
    ['1e+6', 1_000_000],
    ['2.5E-3', 0.0025],
    ['1_000_000', 1_000_000],
    ['1_000.25', 1000.25],
    ['5%', 0.05],
    ['12.5%', 0.125],
    ['150%', 1.5],
    ['1.', 1],
    ['1.e2', 100],
    ['007', 7],
    ['1e-400', 0],
    ['1.7976931348623157e308', Number.MAX_VALUE],
  ])('%s is the number %d', (text, value) => {
    expect(tokenize(text)).toEqual({
      tokens: [
        { kind: 'number', text, value, span: { line: 1, column: 1, offset: 0, end: text.length } },
        {
          kind: 'eof',
          text: '',
          value: 0,
          span: { line: 1, column: text.length + 1, offset: text.length, end: text.length },
        },
      ],
      issues: [],
    });
  });

  it.each([
    ['1__000', "line 1, column 1: '_' in a number must stand between two digits"],
    ['1_', "line 1, column 1: '_' in a number must stand between two digits"],
    ['1_.5', "line 1, column 1: '_' in a number must stand between two digits"],
    ['1._5', "line 1, column 1: '_' in a number must stand between two digits"],
    ['1..5', 'line 1, column 1: a number has at most one decimal point'],
    ['1e+', "line 1, column 1: an exponent needs digits after 'e', as in 1e6"],
    ['2e-x', "line 1, column 1: an exponent needs digits after 'e', as in 1e6"],
    ['1e', "line 1, column 1: '1e' is not a number or a name (a name cannot start with a digit)"],
    ['12abc', "line 1, column 1: '12abc' is not a number or a name (a name cannot start with a digit)"],
    ['2x3.4', "line 1, column 1: '2x3.4' is not a number or a name (a name cannot start with a digit)"],
    ['0x1F', "line 1, column 1: '0x1F' is not a number or a name (a name cannot start with a digit)"],
    ['5%a', "line 1, column 1: '5%a' is not a number or a name (a name cannot start with a digit)"],
    ['1e999', "line 1, column 1: '1e999' is too large to be a number"],
    ['  1e3_09', "line 1, column 3: '1e3_09' is too large to be a number"],
  ])('%s is a bad number: %s', (text, message) => {
    expect(lexIssues(text)).toEqual([message]);
    expect(tokenize(text).tokens[0]!.kind).toBe('invalid');
  });

  it('reports a bad number once, even though the statement cannot parse either', () => {
    expect(problems('value = 1__0 + 2')).toEqual([
      "line 1, column 9: '_' in a number must stand between two digits",
    ]);
  });
});

describe('names, operators and layout', () => {
  it.each([
    ['a_1 _b B2', ['name "a_1"', 'name "_b"', 'name "B2"']],
    [
      '** <= >= == != + - * / ^ < > = ( ) ,',
      ['** <= >= == != + - * / ^ < > = ( ) ,'.split(' ').map((o) => `op "${o}"`)].flat(),
    ],
    ['a<=b', ['name "a"', 'op "<="', 'name "b"']],
    ['2**-3', ['number 2', 'op "**"', 'op "-"', 'number 3']],
    ['a===b', ['name "a"', 'op "=="', 'op "="', 'name "b"']],
    ['x\t=\u00a0\ufeff1', ['name "x"', 'op "="', 'number 1']],
    ['a # a comment $ "x"', ['name "a"']],
    ['a\r\nb\rc\nd', ['name "a"', 'newline', 'name "b"', 'newline', 'name "c"', 'newline', 'name "d"']],
    ['a # c\r\nb', ['name "a"', 'newline', 'name "b"']],
    ['3.5.1', ['invalid "3.5"', 'number 0.1']],
  ])('%j → %j', (text, expected) => {
    expect(tokens(text)).toEqual(expected);
  });

  it.each([
    ['a\nb', [1, 2]],
    ['a\r\nb', [1, 2]],
    ['a\rb', [1, 2]],
    ['a\n\n# c\n\tb', [1, 4]],
  ])('counts lines in %j', (text, lines) => {
    expect(
      tokenize(text)
        .tokens.filter((t) => t.kind === 'name')
        .map((t) => t.span.line),
    ).toEqual(lines);
  });

  it.each([
    ['\tb', 2],
    ['   b', 4],
    ['a\r\n  b', 3],
    ['a\r  b', 3],
  ])('the last name in %j is in column %d', (text, column) => {
    expect(
      tokenize(text)
        .tokens.filter((t) => t.kind === 'name')
        .at(-1)!.span.column,
    ).toBe(column);
  });
});

describe('characters the language does not have', () => {
  it.each([
    ['"abc"', 'text in quotes is not allowed: formulas work with numbers only'],
    ["'abc'", 'text in quotes is not allowed: formulas work with numbers only'],
    ['a.b', "'.' is not allowed here: there is no member access (a.b); decimals are written like 0.5"],
    ['a[1', "'[' is not allowed: there is no indexing"],
    ['a]', "']' is not allowed: there is no indexing"],
    ['{a', "'{' is not allowed: use parentheses to group"],
    ['a}', "'}' is not allowed: use parentheses to group"],
    ['a; b', "';' is not allowed: write one statement per line"],
    ['a % b', "'%' may only follow a number, as in 5% (there is no modulo operator)"],
    ['a & b', "'&' is not allowed: use and(a, b)"],
    ['a | b', "'|' is not allowed: use or(a, b)"],
    ['!a', "'!' is not allowed on its own: use not(x), or != to compare"],
    ['$5', "'$' is not allowed: write amounts as plain numbers"],
    ['£5', "'£' is not allowed: write amounts as plain numbers"],
    ['€5', "'€' is not allowed: write amounts as plain numbers"],
    ['a @ b', "unexpected character '@'"],
    ['a ~ b', "unexpected character '~'"],
    ['café', "unexpected character 'é'"],
    ['a 🚀 b', "unexpected character '🚀'"],
    ['a\u0000', 'unexpected character (code 0)'],
    ['a\u000bb', 'unexpected character (code 11)'],
    ['a\u200bb', 'unexpected character (code 8203)'],
    ['a\u2028b', 'unexpected character (code 8232)'],
    ['a \ud800 b', 'unexpected character (code 55296)'],
  ])('%j: %s', (text, message) => {
    const issues = tokenize(text).issues;
    expect(issues.map((i) => i.message)).toEqual([message]);
  });

  it.each([
    // A quoted text is one problem; a quote without its closing quote on the line is one character.
    [
      'value = "a b" + 1',
      ['line 1, column 9: text in quotes is not allowed: formulas work with numbers only'],
    ],
    ['value = "abc', ['line 1, column 9: text in quotes is not allowed: formulas work with numbers only']],
    [
      'value = "a\nx = "',
      [
        'line 1, column 9: text in quotes is not allowed: formulas work with numbers only',
        'line 2, column 5: text in quotes is not allowed: formulas work with numbers only',
      ],
    ],
    // Columns count characters as the PM sees them: an emoji is one column, not two.
    [
      'value = "🚀" $ 🚀 £',
      [
        'line 1, column 9: text in quotes is not allowed: formulas work with numbers only',
        "line 1, column 13: '$' is not allowed: write amounts as plain numbers",
        "line 1, column 15: unexpected character '🚀'",
        "line 1, column 17: '£' is not allowed: write amounts as plain numbers",
      ],
    ],
    ['x = 1\r\nvalue = x $ 2', ["line 2, column 11: '$' is not allowed: write amounts as plain numbers"]],
    ['\ufeffvalue = 1 $', ["line 1, column 12: '$' is not allowed: write amounts as plain numbers"]],
  ])('%j → %j', (text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it('ignores everything after # on the line, including characters it would reject', () => {
    expect(problems('# "notes" & $ 🚀\nvalue = 1 # 5% of £ {x}\r\n# end')).toEqual([]);
  });
});
