import { describe, expect, it } from 'vitest';
import { compileScript, EvaluationError } from './index.js';

/** The message `evaluate` throws, or the values it returns. */
const outcome = (text: string, params: Record<string, unknown>) => {
  try {
    return compileScript(text).evaluate(params as Record<string, number>);
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    return e.message;
  }
};

describe('evaluation errors name the line and the inputs involved', () => {
  it.each([
    ['value = a / b', { a: 1, b: 0 }, 'line 1: division by zero (b = 0)'],
    ['value = a / b', { a: 1, b: -0 }, 'line 1: division by zero (b = 0)'],
    [
      'value = a / (b - c)',
      { a: 1, b: 2, c: 2 },
      "line 1: division by zero ('(b - c)' = 0, with b = 2, c = 2)",
    ],
    ['value = 1 / 0', {}, "line 1: division by zero ('0' = 0)"],
    ['value = a * 2 / b / c', { a: 1, b: 2, c: 0 }, 'line 1: division by zero (c = 0)'],
    ['x = 1\nvalue = x / (x -\n  1)', {}, "line 2: division by zero ('(x - 1)' = 0, with x = 1)"],
    ['x = 1\nvalue = (x +\n  1 / (x - 1))', {}, "line 3: division by zero ('(x - 1)' = 0, with x = 1)"],
    ['value = sqrt(a)', { a: -4 }, 'line 1: sqrt of a negative number (a = -4)'],
    ['value = sqrt(a - 5)', { a: 1 }, "line 1: sqrt of a negative number ('a - 5' = -4, with a = 1)"],
    ['value = ln(a)', { a: 0 }, 'line 1: ln needs a number greater than 0 (a = 0)'],
    ['value = ln(-1)', {}, "line 1: ln needs a number greater than 0 ('-1' = -1)"],
    ['value = log10(a)', { a: -5 }, 'line 1: log10 needs a number greater than 0 (a = -5)'],
    ['value = log10(a)', { a: 0 }, 'line 1: log10 needs a number greater than 0 (a = 0)'],
    ['value = log(a, 10)', { a: 0 }, 'line 1: log needs a number greater than 0 (a = 0)'],
    ['value = log(8, b)', { b: 1 }, 'line 1: the base of log must be greater than 0 and not 1 (b = 1)'],
    ['value = log(8, b)', { b: 0 }, 'line 1: the base of log must be greater than 0 and not 1 (b = 0)'],
    ['value = log(8, b)', { b: -2 }, 'line 1: the base of log must be greater than 0 and not 1 (b = -2)'],
    [
      'value = clamp(x, lo, hi)',
      { x: 1, lo: 3, hi: 2 },
      "line 1: clamp's low bound is above its high bound (low = 3, high = 2)",
    ],
    [
      'value = clamp(1, 0.5, 0.25)',
      {},
      "line 1: clamp's low bound is above its high bound (low = 0.5, high = 0.25)",
    ],
    ['value = 10^400', {}, "line 1: 'value' is infinitely large"],
    ['value = -(10^400)', {}, "line 1: 'value' is minus infinitely large"],
    ['value = a ^ b', { a: 10, b: 400 }, "line 1: 'value' is infinitely large (a = 10, b = 400)"],
    ['value = exp(a)', { a: 1000 }, "line 1: 'value' is infinitely large (a = 1000)"],
    ['value = a * a', { a: 1e200 }, "line 1: 'value' is infinitely large (a = 1e+200)"],
    ['value = 0 * 10^400', {}, "line 1: 'value' is not a number"],
    ['value = pow(a, 1/3)', { a: -8 }, "line 1: 'value' is not a number (a = -8)"],
    ['x = a\ny = x^400\nvalue = y', { a: 10 }, "line 2: 'y' is infinitely large (x = 10)"],
    ['value = 1.5 / a', { a: 0.1 - 0.1 }, 'line 1: division by zero (a = 0)'],
    ['value = a / b', { a: 1, b: 1e-320 }, "line 1: 'value' is infinitely large (a = 1, b = 1e-320)"],
  ])('%j with %j → %s', (text, params, message) => {
    expect(outcome(text, params)).toBe(message);
  });

  it('keeps the line and the reason apart on the error', () => {
    try {
      compileScript('a = 1\nvalue = a / b').evaluate({ b: 0 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EvaluationError);
      expect(e).toMatchObject({ name: 'EvaluationError', line: 2, reason: 'division by zero (b = 0)' });
    }
  });
});

describe('non-finite intermediate values are errors naming the line and what was not finite', () => {
  it.each([
    [
      'value = if(0*exp(1000), 1, 2)',
      {},
      "line 1: the condition of if is not a number ('0*exp(1000)' = NaN)",
    ],
    [
      'value = round(2.5, exp(1000))',
      {},
      "line 1: argument 2 of round is infinitely large ('exp(1000)' = Infinity)",
    ],
    [
      'value = if(a * a > 1, 1, 2)',
      { a: 1e200 },
      "line 1: the left side of '>' is infinitely large ('a * a' = Infinity, with a = 1e+200)",
    ],
    [
      'value = 1 <= -exp(a)',
      { a: 1000 },
      "line 1: the right side of '<=' is minus infinitely large ('-exp(a)' = -Infinity, with a = 1000)",
    ],
    [
      'value = min(exp(a), 1)',
      { a: 1000 },
      "line 1: argument 1 of min is infinitely large ('exp(a)' = Infinity, with a = 1000)",
    ],
    [
      'value = max(1, -exp(1000))',
      {},
      "line 1: argument 2 of max is minus infinitely large ('-exp(1000)' = -Infinity)",
    ],
    [
      'value = clamp(exp(1000), 0, 1)',
      {},
      "line 1: argument 1 of clamp is infinitely large ('exp(1000)' = Infinity)",
    ],
    [
      'value = and(1, 0 * exp(1000))',
      {},
      "line 1: argument 2 of and is not a number ('0 * exp(1000)' = NaN)",
    ],
    ['value = or(0 * exp(1000))', {}, "line 1: argument 1 of or is not a number ('0 * exp(1000)' = NaN)"],
    ['value = not(0 * exp(1000))', {}, "line 1: the argument of not is not a number ('0 * exp(1000)' = NaN)"],
    [
      'value = exp(-exp(1000))',
      {},
      "line 1: the argument of exp is minus infinitely large ('-exp(1000)' = -Infinity)",
    ],
    [
      'value = abs(exp(1000))',
      {},
      "line 1: the argument of abs is infinitely large ('exp(1000)' = Infinity)",
    ],
    [
      'value = log(8, exp(1000))',
      {},
      "line 1: argument 2 of log is infinitely large ('exp(1000)' = Infinity)",
    ],
    [
      'value = pow(0.5, exp(1000))',
      {},
      "line 1: argument 2 of pow is infinitely large ('exp(1000)' = Infinity)",
    ],
    [
      'value = 0.5 ^ exp(1000)',
      {},
      "line 1: the exponent of a power is infinitely large ('exp(1000)' = Infinity)",
    ],
    [
      'value = (0 * exp(1000)) ^ 0',
      {},
      "line 1: the base of a power is not a number ('(0 * exp(1000))' = NaN)",
    ],
    ['value = 1 / exp(1000)', {}, "line 1: the divisor is infinitely large ('exp(1000)' = Infinity)"],
    [
      'value = a / b / -exp(c)',
      { a: 1, b: 2, c: 1000 },
      "line 1: the divisor is minus infinitely large ('-exp(c)' = -Infinity, with c = 1000)",
    ],
    [
      'x = 1\nvalue = if(x > 0,\n  min(1, exp(1000 * x)), 2)',
      {},
      "line 3: argument 2 of min is infinitely large ('exp(1000 * x)' = Infinity, with x = 1)",
    ],
  ])('%j with %j → %s', (text, params, message) => {
    expect(outcome(text, params)).toBe(message);
  });

  it.each([
    // Only the chosen branch of if, and only the arguments of and/or that decide, are evaluated.
    ['value = if(1, 2, exp(1000))', {}, { value: 2 }],
    ['value = and(0, exp(1000))', {}, { value: 0 }],
    ['value = or(1, 0 * exp(1000))', {}, { value: 1 }],
    ['value = if(a > b, a, b) + min(a, -b) + round(a / b, 2)', { a: 3, b: 4 }, { value: 0.75 }],
  ])('%j with %j → %j', (text, params, expected) => {
    expect(outcome(text, params)).toEqual(expected);
  });
});

describe('params', () => {
  it.each([
    ['value = a + b', { a: 1 }, "line 1: missing input 'b'"],
    ['x = 1\n\nvalue = x + b', {}, "line 3: missing input 'b'"],
    ['value = a + b', { a: 1, b: undefined }, "line 1: missing input 'b'"],
    ['value = a + b', { a: 1, b: null }, "line 1: missing input 'b'"],
    ['value = b', { b: '3' }, "line 1: input 'b' is not a finite number (got '3')"],
    ['value = b', { b: Number.NaN }, "line 1: input 'b' is not a finite number (got NaN)"],
    ['value = b', { b: Number.POSITIVE_INFINITY }, "line 1: input 'b' is not a finite number (got Infinity)"],
    [
      'value = b',
      { b: Number.NEGATIVE_INFINITY },
      "line 1: input 'b' is not a finite number (got -Infinity)",
    ],
    ['value = b', { b: true }, "line 1: input 'b' is not a finite number (got boolean)"],
    ['value = b', { b: {} }, "line 1: input 'b' is not a finite number (got object)"],
    [
      'value = b',
      { b: 'x'.repeat(100) },
      `line 1: input 'b' is not a finite number (got '${'x'.repeat(40)}')`,
    ],
    // Only the params' own properties count, never what every object inherits.
    ['value = constructor', {}, "line 1: missing input 'constructor'"],
    ['value = toString + valueOf', {}, "line 1: missing input 'toString'"],
    ['value = __proto__', {}, "line 1: missing input '__proto__'"],
    ['value = x', Object.create({ x: 5 }), "line 1: missing input 'x'"],
    ['value = x + y', Object.assign(Object.create({ y: 5 }), { x: 1 }), "line 1: missing input 'y'"],
    ['value = x', Object.create(Object.create({ x: 5 })), "line 1: missing input 'x'"],
    [
      'value = hasOwnProperty',
      { hasOwnProperty: 'yes' },
      "line 1: input 'hasOwnProperty' is not a finite number (got 'yes')",
    ],
  ])('%j with %j → %s', (text, params, message) => {
    expect(outcome(text, params)).toBe(message);
  });

  it.each([
    ['value = constructor * 2', { constructor: 3 }, { value: 6 }],
    ['value = __proto__ * 2', JSON.parse('{"__proto__": 3}'), { value: 6 }],
    ['value = a', Object.assign(Object.create(null), { a: 4 }), { value: 4 }],
    ['value = a', { a: -0 }, { value: -0 }],
    ['value = a', { a: Number.MAX_VALUE }, { value: Number.MAX_VALUE }],
    ['value = x', Object.assign(Object.create({ x: 5 }), { x: 6 }), { value: 6 }],
  ])('%j with %j → %j', (text, params, expected) => {
    expect(outcome(text, params)).toEqual(expected);
  });

  it.each([
    ['value = length', null, 'the params must be an object (got null)'],
    ['value = length', undefined, 'the params must be an object (got undefined)'],
    ['value = length', 'abc', "the params must be an object (got 'abc')"],
    ['value = length', 3, 'the params must be an object (got 3)'],
    ['value = 1', null, 'the params must be an object (got null)'],
  ])('%j with %j → %s', (text, params, message) => {
    expect(() => compileScript(text).evaluate(params as never)).toThrow(
      expect.objectContaining({ name: 'EvaluationError', line: 0, message }),
    );
  });

  it('never reads an inherited property, not even through a getter or from Object.prototype', () => {
    let reads = 0;
    const proto = {
      get x() {
        reads += 1;
        return 5;
      },
    };
    expect(outcome('value = x', Object.create(proto))).toBe("line 1: missing input 'x'");
    expect(reads).toBe(0);
    Object.defineProperty(Object.prototype, 'polluted', { value: 7, configurable: true, writable: true });
    try {
      expect(outcome('value = polluted', {})).toBe("line 1: missing input 'polluted'");
      expect(outcome('value = polluted', { polluted: 2 })).toEqual({ value: 2 });
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });

  it('rejects a bigint input', () => {
    expect(outcome('value = b', { b: 10n })).toBe("line 1: input 'b' is not a finite number (got bigint)");
  });

  it('ignores params the script does not read', () => {
    expect(compileScript('value = a').evaluate({ a: 1, b: Number.NaN, c: 'x' as unknown as number })).toEqual(
      {
        value: 1,
      },
    );
  });
});

describe('the compiled script', () => {
  const text = 'x = a * 2\n__proto__ = x + 1\nconstructor = __proto__ * 2\nvalue = constructor + b';

  it('returns every assigned name, in order, as own plain properties of a plain object', () => {
    const result = compileScript(text).evaluate({ a: 1, b: 10 });
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(['x', '__proto__', 'constructor', 'value']);
    expect(Object.values(result)).toEqual([2, 3, 6, 16]);
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')).toEqual({
      value: 3,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });

  it('evaluates many times with different params, each result a new object', () => {
    const compiled = compileScript(text);
    const first = compiled.evaluate({ a: 1, b: 0 });
    const second = compiled.evaluate({ a: 2, b: 0 });
    expect(first).not.toBe(second);
    expect(first.value).toBe(6);
    expect(second.value).toBe(10);
  });

  it('recovers from a failed evaluation: the next one starts afresh', () => {
    const compiled = compileScript('q = a / b\nvalue = q + c');
    expect(() => compiled.evaluate({ a: 1, b: 0, c: 1 })).toThrow('line 1: division by zero (b = 0)');
    expect(() => compiled.evaluate({ a: 1, b: 1 })).toThrow("line 2: missing input 'c'");
    expect(compiled.evaluate({ a: 6, b: 3, c: 1 })).toEqual({ q: 2, value: 3 });
  });

  it('copies inputs, outputs and warnings, so callers cannot corrupt the script', () => {
    const compiled = compileScript('unused = 1\nvalue = a');
    compiled.inputs.push('evil');
    compiled.outputs.length = 0;
    expect(compiled.evaluate({ a: 5 })).toEqual({ unused: 1, value: 5 });
  });

  it('evaluates a 20,000-character script in one go', () => {
    const terms = Array.from({ length: 3000 }, (_, i) => (i % 2 === 0 ? `a${i % 50}` : '1'));
    const script = `value = ${terms.join('+')}`;
    expect(script.length).toBeLessThanOrEqual(20_000);
    const params = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`a${i}`, i]));
    // 1,500 terms a0, a2, …, a48 (each 60 times, 0 + 2 + … + 48 = 600) and 1,500 ones.
    expect(compileScript(script).evaluate(params).value).toBe(60 * 600 + 1500);
  });
});
