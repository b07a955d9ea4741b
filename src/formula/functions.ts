/**
 * The fixed list of functions a script may call (FORMULA.md). Nothing else is callable: a call
 * to any other name is a validation error, so no script can reach a JavaScript function.
 *
 * Each entry is the whole function: its arity (checked by analysis), the JavaScript a call
 * compiles to (`emit`, used by compile.ts) and, when evaluation needs more than an expression, a
 * helper the emitted code calls. Adding a function is adding an entry here (and a line to the docs).
 *
 * The same `emit` and `helper` serve both ways a script is evaluated: one sample at a time
 * (`evaluate`, where `Runtime.fail` throws) and column-wise (`evaluateColumns`, where it returns
 * NaN, and the NaN fails the sample where the call's value is checked). So a helper reports every
 * failure through `Runtime.fail` and returns what it returns, and emitted code never throws and
 * hands the helper's value on as the call's value, so that a NaN is not lost (no
 * `h.f(x) > 0 ? 1 : 2`).
 */
import type { Call, Expr } from './ast.js';
import type { Operand } from './catalog.js';

/** How a call can fail during evaluation, besides an argument that is not finite. */
export type CallFailure =
  | { code: 'sqrt-negative' }
  | { code: 'log-domain'; fn: string }
  | { code: 'log-base' }
  | { code: 'clamp-bounds' };

/** What `emit` gets besides its arguments' code. */
export interface EmitContext {
  readonly call: Call;
  /** The expression that calls this function's `helper`, such as `h.sqrt`. */
  readonly helper: string;
  /**
   * Registers a place where the call can fail, about the value of `culprit`, and returns its number
   * for the helper to pass to `Runtime.fail`. Sites are numbered in the order they are registered.
   */
  site(failure: CallFailure, culprit: Expr): number;
}

/** What a helper gets from the compiled script it belongs to. */
export interface Runtime {
  /**
   * Reports a failure at a site registered by `emit`, about `value` (for `clamp-bounds`, `value` is
   * the low bound and `other` the high bound). Evaluating one sample, it throws the site's
   * EvaluationError; evaluating columns, it returns NaN. A helper returns what `fail` returns, at
   * once: `x < 0 ? fail(site, x) : Math.sqrt(x)`.
   */
  fail(site: number, value: number, other?: number): number;
}

export interface FunctionSpec {
  name: string;
  minArgs: number;
  /** `Infinity` for variadic functions. */
  maxArgs: number;
  /** How a PM would write it, for arity messages. */
  usage: string;
  /**
   * The result is 0 or 1 whatever the arguments, so it needs no finiteness check. Such a function
   * cannot fail: compile.ts refuses one whose `emit` registers a site.
   */
  finiteResult?: boolean;
  /**
   * What argument `index` is called when it is not finite; null when it is not checked because its
   * value is the call's value, checked wherever that is used. Default: `argument 2 of log`, or
   * `the argument of sqrt` for a one-argument function.
   */
  operand?(index: number): Operand | null;
  /**
   * The JavaScript expression for a call, given the code of each argument (already checked to be
   * finite unless `operand` says otherwise). It must be self-contained: parenthesised, or a call.
   */
  emit(args: string[], context: EmitContext): string;
  /**
   * Built once per compiled script and way of evaluating it (one sample, columns); the emitted code
   * calls it as `context.helper`. It fails only through `runtime.fail` (see `Runtime`).
   */
  helper?(runtime: Runtime): (...args: number[]) => number;
}

/** `Math.min(a, b)`, or just `(a)` for one argument. */
const variadic =
  (method: string) =>
  (args: string[]): string =>
    args.length === 1 ? `(${args[0]})` : `Math.${method}(${args.join(', ')})`;

/** Log functions fail at their first site (the argument) when it is not greater than 0. */
const positiveOnly =
  (fn: (x: number) => number) =>
  ({ fail }: Runtime) =>
  (x: number, site: number) =>
    x <= 0 ? fail(site, x) : fn(x);

const specs: FunctionSpec[] = [
  {
    name: 'min',
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    usage: 'min(a, b, …)',
    emit: variadic('min'),
  },
  {
    name: 'max',
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    usage: 'max(a, b, …)',
    emit: variadic('max'),
  },
  { name: 'abs', minArgs: 1, maxArgs: 1, usage: 'abs(x)', emit: ([a]) => `Math.abs(${a})` },
  {
    name: 'round',
    minArgs: 1,
    maxArgs: 2,
    usage: 'round(x) or round(x, digits)',
    emit: ([a, b], { helper }) => `${helper}(${a}, ${b ?? '0'})`,
    helper: () => roundHalfAwayFromZero,
  },
  { name: 'floor', minArgs: 1, maxArgs: 1, usage: 'floor(x)', emit: ([a]) => `Math.floor(${a})` },
  { name: 'ceil', minArgs: 1, maxArgs: 1, usage: 'ceil(x)', emit: ([a]) => `Math.ceil(${a})` },
  {
    name: 'sqrt',
    minArgs: 1,
    maxArgs: 1,
    usage: 'sqrt(x)',
    emit: ([a], { call, helper, site }) =>
      `${helper}(${a}, ${site({ code: 'sqrt-negative' }, call.args[0]!)})`,
    helper:
      ({ fail }) =>
      (x: number, site: number) =>
        x < 0 ? fail(site, x) : Math.sqrt(x),
  },
  { name: 'exp', minArgs: 1, maxArgs: 1, usage: 'exp(x)', emit: ([a]) => `Math.exp(${a})` },
  {
    name: 'ln',
    minArgs: 1,
    maxArgs: 1,
    usage: 'ln(x)',
    emit: ([a], { call, helper, site }) =>
      `${helper}(${a}, ${site({ code: 'log-domain', fn: 'ln' }, call.args[0]!)})`,
    helper: positiveOnly(Math.log),
  },
  {
    name: 'log10',
    minArgs: 1,
    maxArgs: 1,
    usage: 'log10(x)',
    emit: ([a], { call, helper, site }) =>
      `${helper}(${a}, ${site({ code: 'log-domain', fn: 'log10' }, call.args[0]!)})`,
    helper: positiveOnly(Math.log10),
  },
  {
    name: 'log',
    minArgs: 2,
    maxArgs: 2,
    usage: 'log(x, base)',
    emit: ([a, b], { call, helper, site }) => {
      // Two sites in a row: the helper reports a bad base at the second.
      const first = site({ code: 'log-domain', fn: 'log' }, call.args[0]!);
      site({ code: 'log-base' }, call.args[1]!);
      return `${helper}(${a}, ${b}, ${first})`;
    },
    helper:
      ({ fail }) =>
      (x: number, base: number, site: number) => {
        if (x <= 0) return fail(site, x);
        if (base <= 0 || base === 1) return fail(site + 1, base);
        return Math.log(x) / Math.log(base);
      },
  },
  { name: 'pow', minArgs: 2, maxArgs: 2, usage: 'pow(x, y)', emit: ([a, b]) => `(${a} ** ${b})` },
  {
    name: 'clamp',
    minArgs: 3,
    maxArgs: 3,
    usage: 'clamp(x, low, high)',
    emit: ([a, b, c], { call, helper, site }) =>
      `${helper}(${a}, ${b}, ${c}, ${site({ code: 'clamp-bounds' }, call)})`,
    helper:
      ({ fail }) =>
      (x: number, low: number, high: number, site: number) =>
        low > high ? fail(site, low, high) : Math.min(Math.max(x, low), high),
  },
  {
    name: 'if',
    minArgs: 3,
    maxArgs: 3,
    usage: 'if(condition, then, else)',
    // Only the chosen branch is evaluated, and its value is the call's value.
    operand: (index) => (index === 0 ? { kind: 'condition', fn: 'if' } : null),
    emit: ([a, b, c]) => `(${a} !== 0 ? ${b} : ${c})`,
  },
  {
    name: 'and',
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    usage: 'and(a, b, …)',
    finiteResult: true,
    emit: (args) => `(${args.map((x) => `${x} !== 0`).join(' && ')} ? 1 : 0)`,
  },
  {
    name: 'or',
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    usage: 'or(a, b, …)',
    finiteResult: true,
    emit: (args) => `(${args.map((x) => `${x} !== 0`).join(' || ')} ? 1 : 0)`,
  },
  {
    name: 'not',
    minArgs: 1,
    maxArgs: 1,
    usage: 'not(x)',
    finiteResult: true,
    emit: ([a]) => `(${a} === 0 ? 1 : 0)`,
  },
];

/** Looked up with `functionSpec`, never by indexing a plain object with user text. */
const byName = new Map(specs.map((s) => [s.name, s]));

export const functionNames: readonly string[] = specs.map((s) => s.name);

export function functionSpec(name: string): FunctionSpec | undefined {
  return byName.get(name);
}

export function isFunctionName(name: string): boolean {
  return byName.has(name);
}

/** Every function, in the order of the docs. */
export function functionSpecs(): readonly FunctionSpec[] {
  return specs;
}

/** Rounds half away from zero, as spreadsheets do (`round(2.5)` = 3, `round(-2.5)` = -3). */
export function roundHalfAwayFromZero(x: number, digits: number): number {
  const d = Math.trunc(digits);
  // Beyond 15 digits a double has nothing left to round.
  if (d > 15) return x;
  // Scale so the last digit kept is the units digit. Negative digits divide by 10^-d, exact up to
  // 10^22, rather than multiply by 10^d, which is not: 1235 / 1e-5 is 123500000.00000001.
  const power = 10 ** Math.abs(d);
  // Every double is below 2e308, less than half of 10^309 (Infinity): all round to 0.
  if (power === Number.POSITIVE_INFINITY) return 0;
  const raw = d >= 0 ? Math.abs(x) * power : Math.abs(x) / power;
  // From 2^52 up a double has no fraction left: x is already round, and scaling back could only
  // lose precision or overflow (1e300 * 1e15 is Infinity).
  if (raw >= 2 ** 52) return x;
  // The tiny nudge makes 1.005 round to 1.01 as a person expects, although 1.005 * 100 is
  // 100.49999999999999 in binary floating point. It is one or two steps between doubles, so from
  // 2^50 up, where those steps reach 0.25, it would push whole numbers up by one.
  const scaled = raw < 2 ** 50 ? raw * (1 + Number.EPSILON) : raw;
  const whole = Math.round(scaled);
  const rounded = d >= 0 ? whole / power : whole * power;
  return x < 0 ? -rounded : rounded;
}
