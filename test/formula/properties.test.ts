/**
 * Property-based tests of the formula language, with fixed seeds.
 *
 * (a) Random valid scripts: a syntax tree is generated, printed as script text with random spacing,
 *     line breaks and comments inside parentheses, redundant parentheses and line endings, and
 *     evaluated by a reference evaluator written here, which shares no code with src/formula. The
 *     printer adds only the parentheses that FORMULA.md's precedence rules need, so the parser's
 *     precedence and associativity are checked too.
 * (b) Junk text: compileScript throws nothing but FormulaError, finishes quickly, and whatever
 *     compiles evaluates to plain finite numbers or throws EvaluationError, without touching any
 *     global, whatever names (constructor, __proto__, process, …) the script and the params use.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompiledScript, compileScript, EvaluationError, FormulaError } from '../../src/index.js';

const SEED = 20_250_131;

// ---------------------------------------------------------------------------------------------
// (a) The generated syntax tree, its printer and its reference evaluator.
// ---------------------------------------------------------------------------------------------

type BinaryOp = '+' | '-' | '*' | '/' | '^';
type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';
type Node =
  | { kind: 'number'; value: number; text: string }
  /** A name, as an index into the names readable at that statement (inputs, then earlier steps). */
  | { kind: 'ref'; index: number }
  | { kind: 'unary'; op: '-' | '+'; operand: Node }
  | { kind: 'binary'; op: BinaryOp; left: Node; right: Node }
  | { kind: 'compare'; op: CompareOp; left: Node; right: Node }
  | { kind: 'call'; name: string; args: Node[] };

/** Names a PM could use, and names that mean something to JavaScript. None is a function name. */
const INPUTS = ['a', 'b', 'price', 'x_1', '_n', 'Q', 'constructor', 'toString', '__proto__', 'valueOf'];

const num = (value: number, text: string): Node => ({ kind: 'number', value, text });
const withUnderscores = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, '_');

const numberLiteral: fc.Arbitrary<Node> = fc.oneof(
  fc.integer({ min: 0, max: 1000 }).map((n) => num(n, String(n))),
  fc.integer({ min: 1000, max: 9_999_999 }).map((n) => num(n, withUnderscores(n))),
  fc
    .tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 1, max: 999 }), fc.boolean())
    .map(([whole, fraction, bare]) => {
      const text = whole === 0 && bare ? `.${fraction}` : `${whole}.${fraction}`;
      return num(Number(text), text);
    }),
  fc
    .tuple(
      fc.integer({ min: 1, max: 9 }),
      fc.constantFrom('e', 'E'),
      fc.integer({ min: -3, max: 6 }),
      fc.boolean(),
    )
    .map(([mantissa, e, exponent, plus]) => {
      const text = `${mantissa}${e}${exponent < 0 ? '-' : plus ? '+' : ''}${Math.abs(exponent)}`;
      return num(mantissa * 10 ** exponent, text);
    }),
  fc.integer({ min: 0, max: 300 }).map((n) => num(n / 100, `${n}%`)),
);

/** `round`'s digits: a small whole number, negative ones written with a sign as a PM would. */
const digits: fc.Arbitrary<Node> = fc
  .integer({ min: -3, max: 4 })
  .map((d) => (d < 0 ? { kind: 'unary', op: '-', operand: num(-d, String(-d)) } : num(d, String(d))));

const { node: nodeArbitrary } = fc.letrec((tie) => {
  const node = tie('node') as fc.Arbitrary<Node>;
  const some = (min: number, max: number) => fc.array(node, { minLength: min, maxLength: max });
  const call = (names: string[], args: fc.Arbitrary<Node[]>) =>
    fc.record({ kind: fc.constant('call' as const), name: fc.constantFrom(...names), args });
  return {
    node: fc.oneof(
      { maxDepth: 5, depthIdentifier: 'expression' },
      fc.oneof(
        numberLiteral,
        fc.nat().map((index): Node => ({ kind: 'ref', index })),
      ),
      tie('unary'),
      tie('binary'),
      tie('binary'),
      tie('compare'),
      tie('call'),
    ),
    unary: fc.record({
      kind: fc.constant('unary' as const),
      op: fc.constantFrom('-' as const, '+' as const),
      operand: node,
    }),
    binary: fc.record({
      kind: fc.constant('binary' as const),
      op: fc.constantFrom<BinaryOp>('+', '-', '*', '/', '^'),
      left: node,
      right: node,
    }),
    compare: fc.record({
      kind: fc.constant('compare' as const),
      op: fc.constantFrom<CompareOp>('<', '<=', '>', '>=', '==', '!='),
      left: node,
      right: node,
    }),
    call: fc.oneof(
      call(['min', 'max', 'and', 'or'], some(1, 4)),
      call(['abs', 'floor', 'ceil', 'sqrt', 'exp', 'ln', 'log10', 'not', 'round'], some(1, 1)),
      call(['round'], fc.tuple(node, digits)),
      call(['log', 'pow'], some(2, 2)),
      call(['clamp', 'if'], some(3, 3)),
    ),
  };
});
const node = nodeArbitrary as fc.Arbitrary<Node>;

/** Loosest 1 (comparisons) to tightest 6 (numbers, names, calls), as FORMULA.md orders them. */
function precedence(n: Node): number {
  switch (n.kind) {
    case 'compare':
      return 1;
    case 'binary':
      return n.op === '+' || n.op === '-' ? 2 : n.op === '^' ? 5 : 3;
    case 'unary':
      return 4;
    default:
      return 6;
  }
}

interface PrintedScript {
  text: string;
  targets: string[];
  /** Inputs in order of first appearance in the text. */
  inputs: string[];
  /** First and last line of each statement. */
  lines: [number, number][];
}

/** Prints generated statements as a PM might type them; `tape` drives every layout choice. */
function printScript(bodies: Node[], tape: number[], lineEnd: string): PrintedScript {
  let at = 0;
  let open = 0;
  const roll = () => tape[at++ % tape.length]!;
  const inputSet = new Set(INPUTS);
  const inputs: string[] = [];
  const targets = bodies.map((_, i) => (i === bodies.length - 1 ? 'value' : `step_${i}`));

  const gap = (): string => {
    const r = roll();
    if (r < 50) return '';
    if (r < 75) return ' ';
    if (r < 82) return '  ';
    if (r < 87) return '\t';
    if (r < 90) return '\u00a0';
    // Inside parentheses an expression may go on over lines, with comments.
    if (open > 0 && r < 95) return `${lineEnd}    `;
    if (open > 0) return ` # note (x = "y")${lineEnd}`;
    return ' ';
  };
  const parenthesised = (inner: () => string) => {
    open += 1;
    const text = `(${gap()}${inner()}${gap()})`;
    open -= 1;
    return text;
  };

  const print = (n: Node, pool: string[], needsParens: boolean): string => {
    // Redundant parentheses now and then: they change the tree, never the value.
    if (needsParens || roll() < 8) return parenthesised(() => bare(n, pool));
    return bare(n, pool);
  };
  const bare = (n: Node, pool: string[]): string => {
    switch (n.kind) {
      case 'number':
        return n.text;
      case 'ref': {
        const name = pool[n.index % pool.length]!;
        if (inputSet.has(name) && !inputs.includes(name)) inputs.push(name);
        return name;
      }
      case 'unary':
        return `${n.op}${gap()}${print(n.operand, pool, precedence(n.operand) < 4)}`;
      case 'binary': {
        const level = precedence(n);
        const power = n.op === '^';
        // + - * / are left-associative, ^ is right-associative, and a sign binds looser than ^.
        const left = print(n.left, pool, power ? precedence(n.left) <= 5 : precedence(n.left) < level);
        const right = print(n.right, pool, power ? precedence(n.right) < 4 : precedence(n.right) <= level);
        const op = power && roll() < 50 ? '**' : n.op;
        return `${left}${gap()}${op}${gap()}${right}`;
      }
      case 'compare': {
        const left = print(n.left, pool, precedence(n.left) <= 1);
        const right = print(n.right, pool, precedence(n.right) <= 1);
        return `${left}${gap()}${n.op}${gap()}${right}`;
      }
      case 'call': {
        const name = `${n.name}${roll() < 10 ? ' ' : ''}`;
        return `${name}${parenthesised(() => n.args.map((a) => print(a, pool, false)).join(`${gap()},${gap()}`))}`;
      }
      default: {
        const never: never = n;
        throw new Error(`unknown node ${JSON.stringify(never)}`);
      }
    }
  };

  let text = roll() < 20 ? `# generated${lineEnd}` : '';
  const lines: [number, number][] = [];
  const countLines = (s: string) => s.split(/\r\n|\r|\n/).length - 1;
  bodies.forEach((body, i) => {
    const pool = [...INPUTS, ...targets.slice(0, i)];
    const statement = `${roll() < 20 ? '  ' : ''}${targets[i]}${gap()}=${gap()}${print(body, pool, false)}`;
    const first = countLines(text) + 1;
    lines.push([first, first + countLines(statement)]);
    text += statement;
    if (roll() < 15) text += '   # why';
    text += lineEnd;
    if (roll() < 15) text += lineEnd;
  });
  return { text, targets, inputs, lines };
}

/** The reference semantics of FORMULA.md, independent of src/formula. */
class ReferenceFailure extends Error {
  constructor(readonly reasonPrefix: string) {
    super(reasonPrefix);
  }
}

interface ReferenceResult {
  values: Record<string, number>;
  error?: { statement: number; reasonPrefix: string };
  /** A round() landed within a hair of .5: which way it went is a floating-point accident. */
  fuzzy: boolean;
}

function evaluateReference(bodies: Node[], targets: string[], params: Map<string, number>): ReferenceResult {
  const env = new Map(params);
  const values: Record<string, number> = {};
  let fuzzy = false;

  const round = (x: number, d: number) => {
    if (!Number.isFinite(x)) return x;
    const scaled = d >= 0 ? Math.abs(x) * 10 ** d : Math.abs(x) / 10 ** -d;
    if (!Number.isFinite(scaled) || scaled >= 2 ** 52) return x;
    if (Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-6) fuzzy = true;
    const whole = Math.floor(scaled) + (scaled - Math.floor(scaled) >= 0.5 ? 1 : 0);
    return Math.sign(x) * (d >= 0 ? whole / 10 ** d : whole * 10 ** -d);
  };

  /** Comparisons, conditions, function arguments, divisors and powers need finite operands. */
  const finite = (v: number, subject: string): number => {
    if (Number.isFinite(v)) return v;
    const what = Number.isNaN(v) ? 'not a number' : v > 0 ? 'infinitely large' : 'minus infinitely large';
    throw new ReferenceFailure(`${subject} is ${what} (`);
  };
  const SINGLE = ['abs', 'floor', 'ceil', 'sqrt', 'exp', 'ln', 'log10', 'not'];
  const argument = (name: string, i: number) =>
    SINGLE.includes(name) ? `the argument of ${name}` : `argument ${i + 1} of ${name}`;

  const ev = (n: Node, pool: string[]): number => {
    switch (n.kind) {
      case 'number':
        return n.value;
      case 'ref':
        return env.get(pool[n.index % pool.length]!)!;
      case 'unary':
        return n.op === '-' ? -ev(n.operand, pool) : ev(n.operand, pool);
      case 'binary': {
        if (n.op === '^') {
          const base = finite(ev(n.left, pool), 'the base of a power');
          return base ** finite(ev(n.right, pool), 'the exponent of a power');
        }
        const l = ev(n.left, pool);
        const r = ev(n.right, pool);
        if (n.op === '+') return l + r;
        if (n.op === '-') return l - r;
        if (n.op === '*') return l * r;
        if (r === 0) throw new ReferenceFailure('division by zero (');
        return l / finite(r, 'the divisor');
      }
      case 'compare': {
        const l = finite(ev(n.left, pool), `the left side of '${n.op}'`);
        const r = finite(ev(n.right, pool), `the right side of '${n.op}'`);
        const ok = { '<': l < r, '<=': l <= r, '>': l > r, '>=': l >= r, '==': l === r, '!=': l !== r }[n.op];
        return ok ? 1 : 0;
      }
      case 'call':
        return call(n.name, n.args, pool);
      default: {
        const never: never = n;
        throw new Error(`unknown node ${JSON.stringify(never)}`);
      }
    }
  };

  const call = (name: string, args: Node[], pool: string[]): number => {
    // Only the chosen branch of if, and only as many arguments of and/or as decide the answer.
    if (name === 'if') {
      const condition = finite(ev(args[0]!, pool), 'the condition of if');
      return condition !== 0 ? ev(args[1]!, pool) : ev(args[2]!, pool);
    }
    if (name === 'and') {
      for (const [i, a] of args.entries()) if (finite(ev(a, pool), argument(name, i)) === 0) return 0;
      return 1;
    }
    if (name === 'or') {
      for (const [i, a] of args.entries()) if (finite(ev(a, pool), argument(name, i)) !== 0) return 1;
      return 0;
    }
    const v = args.map((a, i) => finite(ev(a, pool), argument(name, i)));
    const [x, y, z] = v as [number, number, number];
    switch (name) {
      case 'min':
        return Math.min(...v);
      case 'max':
        return Math.max(...v);
      case 'abs':
        return Math.abs(x);
      case 'floor':
        return Math.floor(x);
      case 'ceil':
        return Math.ceil(x);
      case 'not':
        return x === 0 ? 1 : 0;
      case 'exp':
        return Math.exp(x);
      case 'pow':
        return x ** y;
      case 'round':
        return round(x, v.length > 1 ? Math.trunc(y) : 0);
      case 'sqrt':
        if (x < 0) throw new ReferenceFailure('sqrt of a negative number (');
        return Math.sqrt(x);
      case 'ln':
        if (x <= 0) throw new ReferenceFailure('ln needs a number greater than 0 (');
        return Math.log(x);
      case 'log10':
        if (x <= 0) throw new ReferenceFailure('log10 needs a number greater than 0 (');
        return Math.log10(x);
      case 'log':
        if (x <= 0) throw new ReferenceFailure('log needs a number greater than 0 (');
        if (y <= 0 || y === 1)
          throw new ReferenceFailure('the base of log must be greater than 0 and not 1 (');
        return Math.log(x) / Math.log(y);
      case 'clamp':
        if (y > z) throw new ReferenceFailure("clamp's low bound is above its high bound (");
        return Math.min(Math.max(x, y), z);
      default:
        throw new Error(`no reference for ${name}`);
    }
  };

  for (const [i, body] of bodies.entries()) {
    const pool = [...INPUTS, ...targets.slice(0, i)];
    let v: number;
    try {
      v = ev(body, pool);
    } catch (e) {
      if (!(e instanceof ReferenceFailure)) throw e;
      return { values, error: { statement: i, reasonPrefix: e.reasonPrefix }, fuzzy };
    }
    // Like FORMULA.md, every step's result must be a finite number.
    if (!Number.isFinite(v)) {
      const what = Number.isNaN(v) ? 'not a number' : v > 0 ? 'infinitely large' : 'minus infinitely large';
      return { values, error: { statement: i, reasonPrefix: `'${targets[i]}' is ${what}` }, fuzzy };
    }
    env.set(targets[i]!, v);
    values[targets[i]!] = v;
  }
  return { values, fuzzy };
}

const paramValue = fc.oneof(
  fc.integer({ min: -10, max: 10 }),
  fc.double({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 0.5, 2, -1, 1e-3),
);

/** Params as own properties, `__proto__` included. */
function paramsObject(entries: [string, unknown][]): Record<string, number> {
  const params: Record<string, number> = {};
  for (const [name, value] of entries) {
    Object.defineProperty(params, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return params;
}

const close = (actual: number, expected: number) =>
  actual === expected || Math.abs(actual - expected) <= 1e-9 * Math.max(Math.abs(actual), Math.abs(expected));

describe('(a) random valid scripts evaluate as the reference evaluator says', () => {
  const scripts = fc.record({
    bodies: fc.array(node, { minLength: 1, maxLength: 6 }),
    tape: fc.array(fc.nat({ max: 99 }), { minLength: 40, maxLength: 40 }),
    lineEnd: fc.constantFrom('\n', '\r\n', '\r'),
    values: fc.array(paramValue, { minLength: INPUTS.length, maxLength: INPUTS.length }),
  });

  it('agree on inputs, outputs, values and errors', () => {
    const tally = { ok: 0, failed: 0, fuzzy: 0 };
    fc.assert(
      fc.property(scripts, ({ bodies, tape, lineEnd, values }) => {
        const printed = printScript(bodies, tape, lineEnd);
        const compiled = compileScript(printed.text);
        expect(compiled.inputs).toEqual(printed.inputs);
        expect(compiled.outputs).toEqual(printed.targets);

        const entries = INPUTS.map((name, i): [string, number] => [name, values[i]!]);
        const expected = evaluateReference(bodies, printed.targets, new Map(entries));
        let actual: Record<string, number> | undefined;
        let error: unknown;
        try {
          actual = compiled.evaluate(paramsObject(entries));
        } catch (e) {
          error = e;
        }

        if (expected.fuzzy) {
          tally.fuzzy += 1;
          if (error) expect(error).toBeInstanceOf(EvaluationError);
          else expect(Object.values(actual!).every(Number.isFinite)).toBe(true);
          return;
        }
        if (expected.error) {
          tally.failed += 1;
          expect(error).toBeInstanceOf(EvaluationError);
          const { line, reason } = error as EvaluationError;
          expect(
            reason.startsWith(expected.error.reasonPrefix),
            `${reason} ≠ ${expected.error.reasonPrefix}…`,
          ).toBe(true);
          const [first, last] = printed.lines[expected.error.statement]!;
          expect(line).toBeGreaterThanOrEqual(first);
          expect(line).toBeLessThanOrEqual(last);
          return;
        }
        tally.ok += 1;
        expect(error).toBeUndefined();
        expect(Object.keys(actual!)).toEqual(printed.targets);
        for (const target of printed.targets) {
          expect(
            close(actual![target]!, expected.values[target]!),
            `${target}: ${actual![target]} ≠ ${expected.values[target]}`,
          ).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 1500 },
    );
    // The generator must exercise both outcomes, or the property proves little.
    expect(tally.ok).toBeGreaterThan(300);
    expect(tally.failed).toBeGreaterThan(100);
  });

  it('evaluateColumns gives what evaluate gives, bit for bit, sample by sample', () => {
    const sampleValue = fc.oneof(
      { weight: 20, arbitrary: paramValue },
      { weight: 1, arbitrary: fc.constantFrom(-0, 1e200, -1e200, Number.NaN, Number.POSITIVE_INFINITY) },
    );
    const row = fc.array(sampleValue, { minLength: INPUTS.length, maxLength: INPUTS.length });
    const tally = { ok: 0, failed: 0 };
    fc.assert(
      fc.property(
        fc.array(node, { minLength: 1, maxLength: 6 }),
        fc.array(row, { maxLength: 12 }),
        (bodies, rows) => {
          const compiled = compileScript(printScript(bodies, [50], '\n').text);
          const columns = paramsObject(
            INPUTS.map((name, k) => [name, Float64Array.from(rows, (r) => r[k]!)]),
          ) as unknown as Record<string, Float64Array>;
          const result = compiled.evaluateColumns(columns, rows.length);
          expect(Object.keys(result.outputs)).toEqual(compiled.outputs);
          let failures = 0;
          let firstFailure: string | undefined;
          rows.forEach((values, i) => {
            let expected: Record<string, number> | undefined;
            try {
              expected = compiled.evaluate(paramsObject(INPUTS.map((name, k) => [name, values[k]])));
              tally.ok += 1;
            } catch (e) {
              expect(e).toBeInstanceOf(EvaluationError);
              tally.failed += 1;
              failures += 1;
              firstFailure ??= (e as EvaluationError).message;
            }
            for (const name of compiled.outputs) {
              const want = expected ? expected[name]! : Number.NaN;
              const got = result.outputs[name]![i]!;
              // Object.is: bit-identical, -0 apart from 0, NaN in failed samples.
              expect(Object.is(got, want), `sample ${i}, ${name}: ${got} ≠ ${want}`).toBe(true);
            }
          });
          expect(result.failures).toBe(failures);
          expect(result.firstFailure).toBe(firstFailure);
        },
      ),
      { seed: SEED + 5, numRuns: 800 },
    );
    expect(tally.ok).toBeGreaterThan(1000);
    expect(tally.failed).toBeGreaterThan(500);
  });

  it('prints the same tree in any layout to the same values', () => {
    fc.assert(
      fc.property(node, fc.array(fc.nat({ max: 99 }), { minLength: 40, maxLength: 40 }), (body, tape) => {
        // 50 on the tape: one space between tokens, no comments, no line breaks, no extra parentheses.
        const tight = printScript([body], [50], '\n');
        const loose = printScript([body], tape, '\r\n');
        expect(tight.text).toMatch(/^value = [^\n\r#\t]*\n$/);
        const params = paramsObject(INPUTS.map((name, i) => [name, i + 1]));
        const outcome = (text: string) => {
          try {
            return compileScript(text).evaluate(params);
          } catch (e) {
            return (e as EvaluationError).reason.replace(/ \(.*$/s, '');
          }
        };
        expect(outcome(loose.text)).toEqual(outcome(tight.text));
      }),
      { seed: SEED + 1, numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// (b) Junk text.
// ---------------------------------------------------------------------------------------------

const DANGEROUS = [
  'constructor',
  '__proto__',
  'toString',
  'process',
  'this',
  'globalThis',
  'require',
  'eval',
  'Function',
  'prototype',
  'valueOf',
  'hasOwnProperty',
  'import',
  'return',
  'arguments',
  'new',
  'h',
  's',
  'p',
  'v',
  'k0',
  'o0',
  't0',
  'r',
];
const TOKENS = [
  ...DANGEROUS,
  'value',
  'effort',
  'overall',
  'a',
  'b',
  'min',
  'max',
  'if',
  'and',
  'or',
  'not',
  'round',
  'log',
  'clamp',
  'sqrt',
  'ln',
  '0',
  '1',
  '2.5',
  '.5',
  '1e6',
  '1e999',
  '5%',
  '1_000',
  '+',
  '-',
  '*',
  '/',
  '^',
  '**',
  '<',
  '<=',
  '>',
  '>=',
  '==',
  '!=',
  '=',
  '(',
  ')',
  ',',
  '\n',
  '\r\n',
  '#',
  '%',
  '"',
  "'",
  '.',
  '[',
  ']',
  '{',
  '}',
  ';',
  '$',
  '`',
  '\\',
  '${',
  '=>',
  '\u0000',
  '\u2028',
  '🚀',
];

const tokenSoup = fc
  .array(fc.tuple(fc.constantFrom(...TOKENS), fc.constantFrom('', ' ', '', '\t')), { maxLength: 60 })
  .map((parts) => parts.map(([t, s]) => t + s).join(''));

/** Lines shaped like statements, so that a good share of them compile. */
const statementSoup = fc
  .array(
    fc.tuple(
      fc.constantFrom(...DANGEROUS, 'value', 'a', 'b'),
      fc.array(
        fc.constantFrom(
          ...DANGEROUS,
          'a',
          '1',
          '0',
          '+',
          '-',
          '*',
          '/',
          '^',
          '<',
          '(',
          ')',
          'min(',
          ',',
          'if(',
        ),
        {
          minLength: 1,
          maxLength: 8,
        },
      ),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((lines) =>
    [...lines.map(([target, expr]) => `${target} = ${expr.join(' ')}`), 'value = 1'].join('\n'),
  );

/** Ready-made scripts that use JavaScript's names everywhere and are valid. */
const dangerousScript = fc
  .array(fc.constantFrom(...DANGEROUS), { minLength: 1, maxLength: 8 })
  .chain((names) => {
    const unique = [...new Set(names)];
    const inputs = DANGEROUS.filter((n) => !unique.includes(n));
    return fc
      .array(fc.tuple(fc.constantFrom(...inputs), fc.constantFrom('+', '-', '*', '/', '^', '<', '==')), {
        minLength: unique.length,
        maxLength: unique.length,
      })
      .map((reads) =>
        [
          ...unique.map((target, i) => `${target} = ${reads[i]![0]} ${reads[i]![1]} ${unique[i - 1] ?? '2'}`),
          `value = ${unique.join(' + ')}`,
        ].join('\n'),
      );
  });

const mutate = fc
  .tuple(
    fc.constantFrom(
      'value = a * (b + c) / max(d, 1)\neffort = effort_days\noverall = value / effort',
      'x = if(a > 1, ln(a), sqrt(b))\nvalue = round(x, 2) ^ 2 ** -1',
      'constructor = __proto__ + toString\nvalue = constructor * valueOf',
    ),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat({ max: 5 }),
        fc.constantFrom('', '(', ')', '=', ',', '\n', '#', '"', '1', 'e', '.', '__proto__'),
      ),
    ),
  )
  .map(([text, edits]) =>
    edits.reduce<string>((t, [at, remove, insert]) => {
      const i = at % (t.length + 1);
      return t.slice(0, i) + insert + t.slice(i + remove);
    }, text),
  );

const longLines = fc
  .tuple(
    fc.constantFrom('(', ')', '-', '1+', 'a*', '"', "'", '#', ' ', '\n', 'x', '🚀', '2^', 'max(', ',1', '$'),
    fc.integer({ min: 1, max: 20_010 }),
  )
  .map(([unit, length]) => `value = ${unit.repeat(Math.ceil(length / unit.length))}`.slice(0, length));

const junk = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }).map((s) => `value = ${s}`),
  tokenSoup,
  tokenSoup.map((s) => `value = ${s}`),
  statementSoup,
  dangerousScript,
  mutate,
);

const junkValue = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }) },
  { weight: 2, arbitrary: fc.integer({ min: -3, max: 3 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '1',
      null,
      undefined,
      true,
      {},
      [],
      () => 1,
    ),
  },
);

/** Everything a script must never be able to change, by identity. */
function snapshotGlobals(): Map<string, unknown> {
  const snapshot = new Map<string, unknown>();
  const record = (label: string, target: object) => {
    snapshot.set(`${label} prototype`, Object.getPrototypeOf(target));
    for (const key of Reflect.ownKeys(target)) {
      const d = Object.getOwnPropertyDescriptor(target, key)!;
      snapshot.set(`${label}.${String(key)}`, 'value' in d ? d.value : [d.get, d.set]);
    }
  };
  record('globalThis', globalThis);
  record('Object.prototype', Object.prototype);
  record('Function.prototype', Function.prototype);
  record('Array.prototype', Array.prototype);
  record('Object', Object);
  record('process', process);
  record('process.env', process.env);
  return snapshot;
}

/** Checks one compiled script against params that use every dangerous name. */
function evaluateSafely(compiled: CompiledScript, values: unknown[]) {
  const names = [...compiled.inputs, ...DANGEROUS];
  const entries = names.map((name, i): [string, unknown] => [name, values[i % values.length]]);
  const numeric = entries.map(([name, v], i): [string, number] => [
    name,
    typeof v === 'number' && Number.isFinite(v) ? v : i,
  ]);
  const candidates: Record<string, number>[] = [
    paramsObject(entries),
    paramsObject(numeric),
    JSON.parse(
      JSON.stringify(Object.fromEntries(numeric.filter(([n]) => n !== '__proto__'))).replace(
        /^\{/,
        '{"__proto__": 7,',
      ),
    ),
    Object.assign(Object.create(null), Object.fromEntries(numeric)),
    {},
  ];
  for (const params of candidates) {
    let result: Record<string, number>;
    try {
      result = compiled.evaluate(params);
    } catch (e) {
      expect(e).toBeInstanceOf(EvaluationError);
      expect((e as EvaluationError).line).toBeGreaterThanOrEqual(0);
      continue;
    }
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Reflect.ownKeys(result)).toEqual(compiled.outputs);
    for (const key of compiled.outputs) {
      const d = Object.getOwnPropertyDescriptor(result, key)!;
      expect(typeof d.value).toBe('number');
      expect(Number.isFinite(d.value)).toBe(true);
    }
  }
}

/** Compiles junk: a FormulaError with located issues, or a script that evaluates safely. */
function checkJunk(text: string, values: unknown[]) {
  const started = performance.now();
  let compiled: CompiledScript | undefined;
  try {
    compiled = compileScript(text);
  } catch (e) {
    expect(e).toBeInstanceOf(FormulaError);
    const { issues } = e as FormulaError;
    expect(issues.length).toBeGreaterThan(0);
    const lineCount = text.split(/\r\n|\r|\n/).length;
    const misplaced = issues.find(
      (issue) =>
        !(Number.isInteger(issue.line) && issue.line >= 0 && issue.line <= lineCount) ||
        !(issue.column === undefined || (Number.isInteger(issue.column) && issue.column >= 1)) ||
        typeof issue.message !== 'string' ||
        issue.message.length === 0,
    );
    expect(misplaced).toBeUndefined();
  }
  if (compiled) evaluateSafely(compiled, values);
  // Time is linear in the text; 20,000 characters take milliseconds. A slow machine gets slack.
  expect(performance.now() - started).toBeLessThan(3000);
}

describe('(b) junk text never escapes the formula language', () => {
  let before: Map<string, unknown>;
  beforeAll(() => {
    before = snapshotGlobals();
  });
  afterAll(() => {
    expect(snapshotGlobals()).toEqual(before);
  });

  it.each([
    ['10,000 open parentheses', `value = ${'('.repeat(10_000)}`],
    ['deep balanced parentheses', `value = ${'('.repeat(9_990)}1${')'.repeat(9_990)}`.slice(0, 20_000)],
    ['19,990 signs', `value = ${'-'.repeat(19_990)}1`],
    ['a 20,000-character sum', `value = ${'1+'.repeat(9_995)}1`],
    ['a 20,000-character power tower', `value = ${'2^'.repeat(9_995)}1`],
    ['nested calls', `value = ${'max('.repeat(4_000)}1${')'.repeat(4_000)}`],
    ['20,000 quotes', '"'.repeat(20_000)],
    ['unclosed quotes', '"a\n'.repeat(6_000)],
    ['20,000 newlines', '\n'.repeat(20_000)],
    ['a 20,000-character comment', `#${'x'.repeat(19_999)}`],
    ['every dangerous name assigned', DANGEROUS.map((n, i) => `${n} = ${i}`).join('\n')],
    [
      'template and prototype tricks',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the script must hold a JavaScript placeholder.
      'value = `${process.exit()}`\n__proto__ = 1\nconstructor.prototype.x = 1',
    ],
    ['JavaScript', 'value = (function(){ return globalThis.process })()'],
    ['one character over the limit', `value = 1${' '.repeat(19_992)}`],
  ])('%s: FormulaError or safe evaluation, quickly', (_, text) => {
    checkJunk(text, [1, 2, 3]);
    expect(snapshotGlobals()).toEqual(before);
  });

  it('a script may use every dangerous name as an input and an output, and stays harmless', () => {
    const compiled = compileScript(
      `__proto__ = constructor + 1\nprototype = __proto__ * toString\nprocess = globalThis + require\nvalue = prototype + process + eval + Function + this`,
    );
    expect(compiled.inputs).toEqual([
      'constructor',
      'toString',
      'globalThis',
      'require',
      'eval',
      'Function',
      'this',
    ]);
    const params = JSON.parse(
      '{"constructor": 1, "toString": 2, "globalThis": 3, "require": 4, "eval": 5, "Function": 6, "this": 7, "__proto__": 100}',
    );
    const result = compiled.evaluate(params);
    expect(result).toEqual(
      paramsObject([
        ['__proto__', 2],
        ['prototype', 4],
        ['process', 7],
        ['value', 29],
      ]),
    );
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(() => compiled.evaluate({})).toThrow("line 1: missing input 'constructor'");
    expect(snapshotGlobals()).toEqual(before);
  });

  it('random junk: FormulaError, or plain finite numbers and EvaluationError only', () => {
    fc.assert(
      fc.property(junk, fc.array(junkValue, { minLength: 1, maxLength: 8 }), (text, values) => {
        checkJunk(text, values);
      }),
      { seed: SEED + 2, numRuns: 1200 },
    );
    expect(snapshotGlobals()).toEqual(before);
  });

  it('a good share of the statement-shaped junk compiles, so evaluation is exercised', () => {
    let compiled = 0;
    fc.assert(
      fc.property(fc.oneof(statementSoup, dangerousScript), (text) => {
        if (checkCompiles(text)) compiled += 1;
      }),
      { seed: SEED + 3, numRuns: 200 },
    );
    expect(compiled).toBeGreaterThan(50);
  });

  it('very long lines up to 20,000 characters', () => {
    fc.assert(
      fc.property(longLines, (text) => {
        checkJunk(text, [1, 0, -1]);
      }),
      { seed: SEED + 4, numRuns: 60 },
    );
    expect(snapshotGlobals()).toEqual(before);
  });
});

function checkCompiles(text: string): boolean {
  try {
    compileScript(text);
    return true;
  } catch (e) {
    expect(e).toBeInstanceOf(FormulaError);
    return false;
  }
}
