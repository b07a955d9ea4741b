/**
 * `evaluateColumns`: the same values as `evaluate`, bit for bit, sample by sample; failed samples
 * are NaN and counted, with the message `evaluate` throws for the first of them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { functionSpecs } from './functions.js';
import { type CompiledScript, compileScript, EvaluationError } from './index.js';

const SEED = 20_250_611;

/** Own data properties, so that `__proto__` and `constructor` are columns like any other name. */
function record<T>(entries: [string, T][]): Record<string, T> {
  const r: Record<string, T> = {};
  for (const [name, value] of entries) {
    Object.defineProperty(r, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return r;
}

/** Sample i of the columns as params for `evaluate`. */
const sample = (columns: Record<string, Float64Array>, i: number) =>
  record(Object.entries(columns).map(([name, column]): [string, number] => [name, column[i]!]));

/** Checks `evaluateColumns` against `evaluate` on every sample; returns how many failed. */
function expectSameAsScalar(
  compiled: CompiledScript,
  columns: Record<string, Float64Array>,
  length: number,
): number {
  const result = compiled.evaluateColumns(columns, length);
  expect(Object.keys(result.outputs)).toEqual(compiled.outputs);
  let failures = 0;
  let firstFailure: string | undefined;
  for (let i = 0; i < length; i++) {
    let values: Record<string, number> | undefined;
    try {
      values = compiled.evaluate(sample(columns, i));
    } catch (e) {
      if (!(e instanceof EvaluationError)) throw e;
      failures += 1;
      firstFailure ??= e.message;
    }
    for (const name of compiled.outputs) {
      const column = result.outputs[name]!;
      expect(column).toBeInstanceOf(Float64Array);
      expect(column.length).toBe(length);
      const expected = values ? values[name]! : Number.NaN;
      // Object.is tells -0 from 0: bit-identical, not merely equal.
      if (!Object.is(column[i], expected)) {
        expect.fail(`sample ${i}, ${name}: columns ${column[i]}, evaluate ${expected}`);
      }
    }
  }
  expect(result.failures).toBe(failures);
  expect(result.firstFailure).toBe(firstFailure);
  return failures;
}

/** Values that hit every edge: zeros of both signs, negatives, 1, fractions, large, tiny, not finite. */
const value = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true }) },
  { weight: 3, arbitrary: fc.integer({ min: -4, max: 4 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0, 1, 0.5, -0.5, 2.5, -2.5, 1.005, 10, 1e-3) },
  { weight: 1, arbitrary: fc.constantFrom(1e200, -1e200, 1e-320, 700, 800) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
);

const NAMES = ['a', 'b', 'c', 'd'];

/** Random columns for the names a to d, of a random length. */
const columnsArbitrary = fc
  .array(fc.tuple(value, value, value, value), { minLength: 0, maxLength: 40 })
  .map((rows) => ({
    length: rows.length,
    columns: record(
      NAMES.map((name, k): [string, Float64Array] => [name, Float64Array.from(rows, (r) => r[k]!)]),
    ),
  }));

/** Argument lists for a function: each arity it takes, up to 4, over inputs and expressions. */
const ARGUMENTS = ['a', 'b - c', 'c * d', 'd / a'];

/** A call of every function at every arity (up to 4), so that a new function is covered at once. */
const functionScripts = functionSpecs().flatMap((spec) =>
  Array.from({ length: Math.min(spec.maxArgs, 4) - spec.minArgs + 1 }, (_, k) => {
    const args = ARGUMENTS.slice(0, spec.minArgs + k);
    return `x = ${spec.name}(${args.join(', ')})\nvalue = x + ${spec.name}(${args.reverse().join(', ')})`;
  }),
);

const operatorScripts = [
  'value = a + b - c * d',
  'value = a / b / c',
  'value = a * 2 / (b - c) + d',
  'value = a / (b * c) + d / exp(c)',
  'value = a ^ b',
  'value = a ** b ** c',
  'value = -a ^ 2 + +b',
  'value = (a + b) ^ (c - d)',
  'value = 5% * a + 1_000 * b - .5 * c + 2.5E-3 * d',
  'value = (a < b) + (a <= b) * 2 + (a > b) * 4 + (a >= b) * 8 + (a == b) * 16 + (a != b) * 32',
  'value = (a * b < c / d) + (a ^ b == c)',
  'value = if(a, b / c, d)',
  'value = if(a > b, sqrt(a), ln(b)) + if(c, 1, 2)',
  'value = and(a, b / c) + or(a, c ^ d) + not(a / b)',
  'x = a / b\ny = x * c\nz = if(y > 1, y, -y)\nvalue = z + x\neffort = d\noverall = value / effort',
  'value = round(a / b, c) + clamp(a, b - 1, b + 1) + log(a * a + 1, b)',
  'value = 1 / 0 * a',
  // A quotient by 0, or by a divisor that overflowed, must fail wherever the quotient ends up.
  'value = a / (b * 1e300 * c) + 1',
  'value = (a / b) * 0 + 1',
  'value = if(a / b > 1, 1, 2) + not(c / d)',
  'value = -(a / b) - -(c / (d - 1))',
  'x = a / b\nvalue = 1',
  'value = 3',
  'constructor = a + __proto__\n__proto__x = constructor * 2\nvalue = __proto__x',
];

describe('evaluateColumns gives what evaluate gives, sample by sample', () => {
  it('covers every function', () => {
    const called = new Set(functionScripts.map((s) => /^x = (\w+)\(/.exec(s)![1]));
    expect([...called]).toEqual(functionSpecs().map((s) => s.name));
  });

  it.each([...functionScripts, ...operatorScripts])('%s', (text) => {
    const compiled = compileScript(text);
    let failed = 0;
    let total = 0;
    fc.assert(
      fc.property(columnsArbitrary, ({ columns, length }) => {
        const named = record(
          compiled.inputs.map((name, k): [string, Float64Array] => [name, columns[NAMES[k % 4]!]!]),
        );
        failed += expectSameAsScalar(compiled, named, length);
        total += length;
      }),
      { seed: SEED, numRuns: 60 },
    );
    // Samples must succeed too, or bit-identical values are not tested; `1 / 0` always fails.
    if (text.includes('1 / 0')) expect(failed).toBe(total);
    else expect(total - failed).toBeGreaterThan(0);
  });

  it('evaluates each column, whatever order the inputs come in, and ignores extra values', () => {
    const compiled = compileScript('value = b - a\neffort = a');
    const columns = {
      b: Float64Array.of(10, 20, 30, 99),
      a: Float64Array.of(1, 2, 3, 99),
      extra: Float64Array.of(7),
    };
    const result = compiled.evaluateColumns(columns, 3);
    expect(result).toEqual({
      outputs: { value: Float64Array.of(9, 18, 27), effort: Float64Array.of(1, 2, 3) },
      failures: 0,
    });
    expect('firstFailure' in result).toBe(false);
    expect(columns.a).toEqual(Float64Array.of(1, 2, 3, 99));
  });

  it('keeps -0 apart from 0', () => {
    const { outputs } = compileScript('value = a * b').evaluateColumns(
      { a: Float64Array.of(-1, 1), b: Float64Array.of(0, 0) },
      2,
    );
    expect(Object.is(outputs.value![0], -0)).toBe(true);
    expect(Object.is(outputs.value![1], 0)).toBe(true);
  });
});

describe('failed samples', () => {
  it('counts them, fills their outputs with NaN and reports the first as evaluate would', () => {
    const compiled = compileScript('value = a / b');
    const b = Float64Array.of(1, 2, 0, 4, 0, 5, 6, 7, 0, 8);
    const a = Float64Array.from(b, (_, i) => i + 1);
    const { outputs, failures, firstFailure } = compiled.evaluateColumns({ a, b }, 10);
    expect(failures).toBe(3);
    expect([...outputs.value!].map((v, i) => (Number.isNaN(v) ? 'NaN' : v === (i + 1) / b[i]!))).toEqual([
      true,
      true,
      'NaN',
      true,
      'NaN',
      true,
      true,
      true,
      'NaN',
      true,
    ]);
    expect(firstFailure).toBe('line 1: division by zero (b = 0)');
    expect(() => compiled.evaluate({ a: 3, b: 0 })).toThrow(firstFailure);
  });

  it.each([
    ['value = sqrt(a)', -4, 'line 1: sqrt of a negative number (a = -4)'],
    ['value = ln(a)', 0, 'line 1: ln needs a number greater than 0 (a = 0)'],
    ['value = log(8, a)', 1, 'line 1: the base of log must be greater than 0 and not 1 (a = 1)'],
    ['value = clamp(1, a, 2)', 3, "line 1: clamp's low bound is above its high bound (low = 3, high = 2)"],
    ['x = a\nvalue = x ^ 400', 10, "line 2: 'value' is infinitely large (x = 10)"],
    [
      'value = if(a * 1e300 > 1, 1, 2)',
      1e10,
      "line 1: the left side of '>' is infinitely large ('a * 1e300' = Infinity, with a = 10000000000)",
    ],
    ['value = a', Number.NaN, "line 1: input 'a' is not a finite number (got NaN)"],
    ['value = a + 1', Number.NEGATIVE_INFINITY, "line 1: input 'a' is not a finite number (got -Infinity)"],
  ])('%s with a = %d fails that sample only: %s', (text, bad, message) => {
    const compiled = compileScript(text);
    const a = Float64Array.of(2, bad, 1.5, bad);
    const result = compiled.evaluateColumns({ a }, 4);
    expect(result.failures).toBe(2);
    expect(result.firstFailure).toBe(message);
    expect(Number.isNaN(result.outputs.value![1])).toBe(true);
    expect(Number.isNaN(result.outputs.value![3])).toBe(true);
    expect(result.outputs.value![0]).toBe(compiled.evaluate({ a: 2 }).value);
    expect(result.outputs.value![2]).toBe(compiled.evaluate({ a: 1.5 }).value);
  });

  it('fails every output of a failed sample, also the steps before the failure', () => {
    const { outputs, failures } = compileScript('x = a + 1\nvalue = x / a').evaluateColumns(
      { a: Float64Array.of(0, 1) },
      2,
    );
    expect(failures).toBe(1);
    expect([...outputs.x!]).toEqual([Number.NaN, 2]);
    expect([...outputs.value!]).toEqual([Number.NaN, 2]);
  });
});

describe('only some outputs', () => {
  const compiled = compileScript('x = a + 1\ny = x / a\nvalue = y * 2');
  const columns = { a: Float64Array.of(0, 1, 4) };

  it('writes just the outputs asked for, with the same values and failures as all of them', () => {
    const all = compiled.evaluateColumns(columns, 3);
    const some = compiled.evaluateColumns(columns, 3, ['value', 'x', 'not_assigned']);
    // In the script's order; a name it does not assign is ignored.
    expect(Object.keys(some.outputs)).toEqual(['x', 'value']);
    expect(some.outputs.value).toEqual(all.outputs.value);
    expect(some.outputs.x).toEqual(all.outputs.x);
    // A step not written still fails its sample: y divides by a = 0 in sample 0.
    expect(some.failures).toBe(1);
    expect(some.firstFailure).toBe(all.firstFailure);
    expect(Number.isNaN(some.outputs.x![0])).toBe(true);
  });

  it('asking for none still counts the failures', () => {
    const none = compiled.evaluateColumns(columns, 3, []);
    expect(none.outputs).toEqual({});
    expect(none.failures).toBe(1);
    // And the full set afterwards is unaffected by the kernels made for subsets.
    expect(Object.keys(compiled.evaluateColumns(columns, 3).outputs)).toEqual(['x', 'y', 'value']);
  });
});

describe('the columns given', () => {
  const compiled = compileScript('x = a * 2\nvalue = x + b');

  it('a missing input column throws as a missing input does in evaluate', () => {
    const a = Float64Array.of(1, 2);
    expect(() => compiled.evaluate({ a: 1 })).toThrow("line 2: missing input 'b'");
    expect(() => compiled.evaluateColumns({ a }, 2)).toThrow(EvaluationError);
    expect(() => compiled.evaluateColumns({ a }, 2)).toThrow("line 2: missing input 'b'");
    expect(() => compiled.evaluateColumns({ a }, 0)).toThrow("line 2: missing input 'b'");
    try {
      compiled.evaluateColumns({ b: a }, 2);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ name: 'EvaluationError', code: 'missing-input', line: 1 });
    }
  });

  it('a column shorter than length throws, saying how long it is', () => {
    const columns = { a: Float64Array.of(1, 2, 3), b: Float64Array.of(1, 2) };
    expect(() => compiled.evaluateColumns(columns, 3)).toThrow(
      "line 2: missing input 'b' (its column has 2 values for 3 samples)",
    );
    expect(compiled.evaluateColumns(columns, 2).outputs.value).toEqual(Float64Array.of(3, 6));
  });

  it('only own Float64Array properties are columns', () => {
    const inherited = Object.create({ b: Float64Array.of(1) }) as Record<string, Float64Array>;
    inherited.a = Float64Array.of(1);
    expect(() => compiled.evaluateColumns(inherited, 1)).toThrow("missing input 'b'");
    const fromProto = compileScript('value = constructor + toString');
    expect(() => fromProto.evaluateColumns({}, 1)).toThrow("line 1: missing input 'constructor'");
    const wrong = { a: Float64Array.of(1), b: [1] } as unknown as Record<string, Float64Array>;
    expect(() => compiled.evaluateColumns(wrong, 1)).toThrow(
      "line 2: missing input 'b' (its column is not a Float64Array (got Array))",
    );
  });

  it('columns must be an object and length a whole number ≥ 0', () => {
    expect(() => compiled.evaluateColumns(null as never, 1)).toThrow(
      'the params must be an object (got null)',
    );
    for (const length of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => compiled.evaluateColumns({}, length)).toThrow(RangeError);
    }
  });

  it('names that mean something to JavaScript are columns like any other', () => {
    const script = compileScript('__proto__ = constructor + 1\nvalue = __proto__ * toString');
    const columns = record([
      ['constructor', Float64Array.of(1, 2)],
      ['toString', Float64Array.of(3, 4)],
      ['__proto__', Float64Array.of(100)],
    ]);
    const { outputs } = script.evaluateColumns(columns, 2);
    expect(Object.getPrototypeOf(outputs)).toBe(Object.prototype);
    expect(Object.keys(outputs)).toEqual(['__proto__', 'value']);
    expect(outputs.value).toEqual(Float64Array.of(6, 12));
  });
});

describe('sizes', () => {
  it('zero samples: empty outputs, no failures', () => {
    const compiled = compileScript('x = a / b\nvalue = x');
    const result = compiled.evaluateColumns({ a: new Float64Array(0), b: new Float64Array(0) }, 0);
    expect(result).toEqual({ outputs: { x: new Float64Array(0), value: new Float64Array(0) }, failures: 0 });
  });

  it('a script without inputs needs no columns', () => {
    const result = compileScript('value = 2 ^ 10').evaluateColumns({}, 3);
    expect(result.outputs.value).toEqual(Float64Array.of(1024, 1024, 1024));
  });

  it('a million samples of the FORMULA.md example', () => {
    const compiled =
      compileScript(`ticket_savings = ticket_reduction_per_month * cost_per_ticket * horizon_months
churn_savings  = churn_reduction * affected_customers * customer_lifetime_value   # per year
total_cost     = one_off_cost + monthly_running_cost * horizon_months
value   = ticket_savings + churn_savings - total_cost
effort  = effort_days
overall = value / effort`);
    const n = 1_000_000;
    const columns: Record<string, Float64Array> = {};
    compiled.inputs.forEach((name, k) => {
      columns[name] = Float64Array.from({ length: n }, (_, i) => ((i * (k + 7)) % 1000) / 10);
    });
    const { outputs, failures, firstFailure } = compiled.evaluateColumns(columns, n);
    // effort_days is 0 in every thousandth sample or so: those fail with division by zero.
    const zeros = columns.effort_days!.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(0);
    expect(failures).toBe(zeros);
    expect(firstFailure).toBe('line 6: division by zero (effort = 0)');
    expect(outputs.overall!.length).toBe(n);
    for (const i of [1, 4_321, 999_999]) {
      expect(outputs.overall![i]).toBe(compiled.evaluate(sample(columns, i)).overall);
    }
  });
});

describe('columnEvaluator', () => {
  const text = 'x = a / b\nvalue = x + 1\neffort = b\noverall = value / effort';

  it('writes the values and failures of evaluateColumns at an offset, stretch by stretch', () => {
    const compiled = compileScript(text);
    const a = Float64Array.of(1, 2, 3, 4, 5, 6, 7);
    const b = Float64Array.of(2, 0, 4, 1, 0, 8, 2);
    const whole = compiled.evaluateColumns({ a, b }, 7, ['value', 'overall']);
    const evaluator = compiled.columnEvaluator(['overall', 'value', 'not_assigned']);
    expect(evaluator.outputs).toEqual(['value', 'overall']);
    expect(compiled.columnEvaluator(['value', 'overall'])).toBe(evaluator);
    const value = new Float64Array(7);
    const overall = new Float64Array(7);
    let failures = 0;
    const messages: string[] = [];
    for (const [start, length] of [
      [0, 3],
      [3, 4],
    ] as const) {
      const inputs = [a.slice(start, start + length), b.slice(start, start + length)];
      const result = evaluator.run(inputs, [value, overall], length, start);
      failures += result.failures;
      if (result.failures > 0) messages.push(evaluator.failure(inputs, result.first));
      // b is 0 at the second sample of each stretch.
      expect(result.first).toBe(1);
    }
    expect(Array.from(value)).toEqual(Array.from(whole.outputs.value!));
    expect(Array.from(overall)).toEqual(Array.from(whole.outputs.overall!));
    expect(failures).toBe(whole.failures);
    expect(messages[0]).toBe(whole.firstFailure);
    expect(messages[1]).toBe('line 1: division by zero (b = 0)');
  });

  it('reports no failure as -1', () => {
    const evaluator = compileScript('value = a * 2').columnEvaluator();
    const out = new Float64Array(2);
    expect(evaluator.run([Float64Array.of(1, 2)], [out], 2)).toEqual({ failures: 0, first: -1 });
    expect(Array.from(out)).toEqual([2, 4]);
  });

  it('refuses arrays of the wrong kind, too few or too short', () => {
    const evaluator = compileScript(text).columnEvaluator(['value']);
    const two = [new Float64Array(4), new Float64Array(4)];
    const out = [new Float64Array(4)];
    expect(() => evaluator.run([new Float64Array(4)], out, 4)).toThrow('expected 2 input columns, got 1');
    expect(() => evaluator.run([two[0]!, new Float64Array(3)], out, 4)).toThrow(
      'input column 1 must be a Float64Array of at least 4 values',
    );
    expect(() => evaluator.run([two[0]!, [1, 2, 3, 4] as never], out, 4)).toThrow(RangeError);
    expect(() => evaluator.run(two, out, 2, 3)).toThrow(
      'output column 0 must be a Float64Array of at least 5 values',
    );
    expect(() => evaluator.run(two, [], 2)).toThrow('expected 1 output columns, got 0');
    expect(() => evaluator.run(two, out, 2, -1)).toThrow('at must be a whole number ≥ 0, not -1');
    expect(() => evaluator.run(two, out, 1.5)).toThrow(RangeError);
  });
});
