import { describe, expect, it } from 'vitest';
import { checkScript, compileScript, FormulaError, formatIssue, functionNames } from './index.js';

const problems = (text: string) => checkScript(text).errors.map(formatIssue);
const warnings = (text: string) => checkScript(text).warnings.map(formatIssue);
const list = 'min, max, abs, round, floor, ceil, sqrt, exp, ln, log10, log, pow, clamp, if, and, or, not';

describe('names and assignment order', () => {
  it.each([
    ['value = 1\nvalue = 2', ["line 2: 'value' is assigned twice (first on line 1)"]],
    ['a = 1\nvalue = a\n\na = 2', ["line 4: 'a' is assigned twice (first on line 1)"]],
    ['a = b\nb = 1\nvalue = a', ["line 1: 'b' is read before it is assigned on line 2"]],
    [
      'a = b + b\nb = 1\nvalue = a',
      [
        "line 1: 'b' is read before it is assigned on line 2",
        "line 1: 'b' is read before it is assigned on line 2",
      ],
    ],
    ['value = value + 1', ["line 1, column 9: 'value' is read in its own definition; it has no value yet"]],
    [
      'a = 1\nvalue = 2 * (1 +\n  value)',
      ["line 3, column 3: 'value' is read in its own definition; it has no value yet"],
    ],
    // Read after its first assignment: fine, only the second assignment is wrong.
    ['value = 1\nvalue = value + 1', ["line 2: 'value' is assigned twice (first on line 1)"]],
    ['max = 1\nvalue = 2', ["line 1, column 1: 'max' is a function name and cannot be used as a name"]],
    ['  if = 1\nvalue = 2', ["line 1, column 3: 'if' is a function name and cannot be used as a name"]],
    ['value = 1 + max', ["line 1, column 13: 'max' is a function: call it like max(a, b, …)"]],
    ['value = if', ["line 1, column 9: 'if' is a function: call it like if(condition, then, else)"]],
    [
      'value = round * 2',
      ["line 1, column 9: 'round' is a function: call it like round(x) or round(x, digits)"],
    ],
    ['x = 1', ["the script never assigns 'value'"]],
    ['Value = 1', ["the script never assigns 'value'"]],
    ['', ["the script is empty: write at least 'value = …'"]],
    ['# only a comment\n\n   \n', ["the script is empty: write at least 'value = …'"]],
  ])('%j → %j', (text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it.each(functionNames)("'%s' cannot be assigned, nor read as a variable", (name) => {
    expect(problems(`${name} = 1\nvalue = 2`)).toEqual([
      `line 1, column 1: '${name}' is a function name and cannot be used as a name`,
    ]);
    expect(problems(`value = ${name}`)).toEqual([
      expect.stringMatching(
        new RegExp(`^line 1, column 9: '${name}' is a function: call it like ${name}\\(`),
      ),
    ]);
  });
});

describe('functions', () => {
  it.each([
    ['value = sum(1, 2)', [`line 1: unknown function 'sum' (functions: ${list})`]],
    ['a = 1\nvalue = a + SUM(a)', [`line 2: unknown function 'SUM' (functions: ${list})`]],
    ['value = Max(1, 2)', [`line 1: unknown function 'Max' (functions: ${list}); did you mean 'max'?`]],
    ['value = IF(1, 2, 3)', [`line 1: unknown function 'IF' (functions: ${list}); did you mean 'if'?`]],
    ['value = LOG10(1)', [`line 1: unknown function 'LOG10' (functions: ${list}); did you mean 'log10'?`]],
    ['value = constructor(1)', [`line 1: unknown function 'constructor' (functions: ${list})`]],
    ['value = __proto__(1)', [`line 1: unknown function '__proto__' (functions: ${list})`]],
  ])('%j → %j', (text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it.each([
    ['min()', "'min' takes at least 1 argument (min(a, b, …)), got 0"],
    ['max()', "'max' takes at least 1 argument (max(a, b, …)), got 0"],
    ['abs()', "'abs' takes 1 argument (abs(x)), got 0"],
    ['abs(1, 2)', "'abs' takes 1 argument (abs(x)), got 2"],
    ['round()', "'round' takes 1 or 2 arguments (round(x) or round(x, digits)), got 0"],
    ['round(1, 2, 3)', "'round' takes 1 or 2 arguments (round(x) or round(x, digits)), got 3"],
    ['floor(1, 2)', "'floor' takes 1 argument (floor(x)), got 2"],
    ['ceil()', "'ceil' takes 1 argument (ceil(x)), got 0"],
    ['sqrt(1, 2)', "'sqrt' takes 1 argument (sqrt(x)), got 2"],
    ['exp()', "'exp' takes 1 argument (exp(x)), got 0"],
    ['ln(1, 2)', "'ln' takes 1 argument (ln(x)), got 2"],
    ['log10(1, 10)', "'log10' takes 1 argument (log10(x)), got 2"],
    ['log(8)', "'log' takes 2 arguments (log(x, base)), got 1"],
    ['log(8, 2, 1)', "'log' takes 2 arguments (log(x, base)), got 3"],
    ['pow(2)', "'pow' takes 2 arguments (pow(x, y)), got 1"],
    ['clamp(1, 2)', "'clamp' takes 3 arguments (clamp(x, low, high)), got 2"],
    ['clamp(1, 2, 3, 4)', "'clamp' takes 3 arguments (clamp(x, low, high)), got 4"],
    ['if(1, 2)', "'if' takes 3 arguments (if(condition, then, else)), got 2"],
    ['if(1, 2, 3, 4)', "'if' takes 3 arguments (if(condition, then, else)), got 4"],
    ['and()', "'and' takes at least 1 argument (and(a, b, …)), got 0"],
    ['or()', "'or' takes at least 1 argument (or(a, b, …)), got 0"],
    ['not()', "'not' takes 1 argument (not(x)), got 0"],
    ['not(1, 0)', "'not' takes 1 argument (not(x)), got 2"],
  ])('value = %s → %s', (call, message) => {
    expect(problems(`value = ${call}`)).toEqual([`line 1, column 9: ${message}`]);
  });

  it.each([
    ['min(1)'],
    ['max(1, 2, 3, 4, 5)'],
    ['round(1)'],
    ['round(1, 2)'],
    ['log(8, 2)'],
    ['and(1)'],
    ['or(1, 0, 1)'],
  ])('value = %s has the right number of arguments', (call) => {
    expect(problems(`value = ${call}`)).toEqual([]);
  });

  it('checks the arguments of an unknown or misused function too', () => {
    expect(problems('value = sum(x, max())')).toEqual([
      `line 1: unknown function 'sum' (functions: ${list})`,
      "line 1, column 16: 'max' takes at least 1 argument (max(a, b, …)), got 0",
    ]);
  });
});

describe('warnings', () => {
  it.each([
    ['x = 1\nvalue = 2', ["line 1, column 1: 'x' is assigned but never used"]],
    ['value = 1\n  total = 2', ["line 2, column 3: 'total' is assigned but never used"]],
    ['value = 1\neffort = 2\noverall = value / effort', []],
    ['x = 1\ny = x\nvalue = y', []],
    ['AOV = 1\nvalue = aov * AOV', ["line 2, column 9: 'aov' and 'AOV' (line 1) differ only in case"]],
    ['value = Price * price', ["line 1, column 17: 'price' and 'Price' (line 1) differ only in case"]],
    [
      'Cost = 1\nvalue = COST + cost + Cost',
      [
        "line 2, column 9: 'COST' and 'Cost' (line 1) differ only in case",
        "line 2, column 16: 'cost' and 'Cost' (line 1) differ only in case",
      ],
    ],
    [
      'Value = 2\nvalue = 1',
      [
        "line 1, column 1: 'Value' is assigned but never used",
        "line 2, column 1: 'value' and 'Value' (line 1) differ only in case",
      ],
    ],
  ])('%j → %j', (text, expected) => {
    expect(problems(text)).toEqual([]);
    expect(warnings(text)).toEqual(expected);
  });

  it('does not block compiling: the compiled script carries them', () => {
    const compiled = compileScript('x = 1\nvalue = 2');
    expect(compiled.warnings).toEqual([
      {
        line: 1,
        column: 1,
        message: "'x' is assigned but never used",
        code: 'unused-name',
        span: { line: 1, column: 1, offset: 0, end: 1 },
      },
    ]);
    expect(compiled.evaluate({})).toEqual({ x: 1, value: 2 });
  });
});

describe('inputs and outputs', () => {
  it.each([
    ['value = 1', [], ['value']],
    ['value = b + a * b', ['b', 'a'], ['value']],
    ['x = c + a\nvalue = x + b + a + c', ['c', 'a', 'b'], ['x', 'value']],
    ['value = max(z, y) + if(w, v, u)', ['z', 'y', 'w', 'v', 'u'], ['value']],
    [
      'value = (a +\n  b)\noverall = value / effort_days\neffort = effort_days',
      ['a', 'b', 'effort_days'],
      ['value', 'overall', 'effort'],
    ],
    ['b = 1\nvalue = b + a', ['a'], ['b', 'value']],
    ['value = 2^n^m', ['n', 'm'], ['value']],
    ['value = constructor + __proto__ + toString', ['constructor', '__proto__', 'toString'], ['value']],
  ])('%j has inputs %j and outputs %j', (text, inputs, outputs) => {
    const compiled = compileScript(text);
    expect(compiled.inputs).toEqual(inputs);
    expect(compiled.outputs).toEqual(outputs);
  });

  it('extracts the inputs of statements that parse even when the script has errors', () => {
    const check = checkScript('a = x + y\nb = (1 +\nvalue = sum(z, a)');
    expect(check.ok).toBe(false);
    expect(check.inputs).toEqual(['x', 'y', 'z']);
    expect(check.outputs).toEqual(['a', 'value']);
  });
});

describe('limits', () => {
  const statements = (n: number) =>
    ['value = 1', ...Array.from({ length: n - 1 }, (_, i) => `x${i} = value`)].join('\n');

  it('accepts 500 statements and rejects 501', () => {
    expect(problems(statements(500))).toEqual([]);
    expect(problems(statements(501))).toEqual(['the script has 501 statements; the limit is 500']);
  });

  it('accepts 20,000 characters and rejects 20,001', () => {
    const text = (n: number) => `value = 1${' '.repeat(n - 'value = 1'.length)}`;
    expect(text(20_000)).toHaveLength(20_000);
    expect(problems(text(20_000))).toEqual([]);
    expect(problems(text(20_001))).toEqual(['the script is 20,001 characters long; the limit is 20,000']);
    expect(problems('x'.repeat(1_000_000))).toEqual([
      'the script is 1,000,000 characters long; the limit is 20,000',
    ]);
  });

  it('rejects what is not text', () => {
    expect(problems(42 as unknown as string)).toEqual(['the script must be text']);
  });
});

describe('all problems together', () => {
  const text = [
    'a = 1 $ 2', // 1: lexer
    'b = (1 + 2', // 2: parser
    'c = sum(1)', // 3: unknown function
    'd = e + d2', // 4: read before assigned
    'd = abs(1, 2)', // 5: assigned twice, arity
    'd2 = 1', // 6
    'max = d', // 7: function name
  ].join('\n');

  it('reports every problem of every stage, in text order, whole-script problems last', () => {
    expect(problems(text)).toEqual([
      "line 1, column 7: '$' is not allowed: write amounts as plain numbers",
      "line 2, column 5: '(' is never closed (expected ')' by the end of the statement)",
      `line 3: unknown function 'sum' (functions: ${list})`,
      "line 4: 'd2' is read before it is assigned on line 6",
      "line 5: 'd' is assigned twice (first on line 4)",
      "line 5, column 5: 'abs' takes 1 argument (abs(x)), got 2",
      "line 7, column 1: 'max' is a function name and cannot be used as a name",
      "the script never assigns 'value'",
    ]);
  });

  it('throws them all at once in one FormulaError, with 1-based lines and columns', () => {
    expect(() => compileScript(text)).toThrow(FormulaError);
    try {
      compileScript(text);
    } catch (e) {
      const error = e as FormulaError;
      expect(error.issues).toHaveLength(8);
      expect(error.issues[0]).toEqual({
        line: 1,
        column: 7,
        message: "'$' is not allowed: write amounts as plain numbers",
        code: 'currency-symbol',
        span: { line: 1, column: 7, offset: 6, end: 7 },
      });
      expect(error.issues.at(-1)).toEqual({
        line: 0,
        message: "the script never assigns 'value'",
        code: 'missing-value',
      });
      expect(error.issues.map((i) => i.code)).toEqual([
        'currency-symbol',
        'unclosed-paren',
        'unknown-function',
        'read-before-assign',
        'assigned-twice',
        'wrong-arity',
        'function-name-assigned',
        'missing-value',
      ]);
      expect(error.message.split('\n')).toEqual(problems(text));
    }
  });
});
