/**
 * The fixed list of functions a script may call (FORMULA.md). Nothing else is callable: a call
 * to any other name is a validation error, so no script can reach a JavaScript function.
 */

export interface FunctionSpec {
  name: string;
  minArgs: number;
  /** `Infinity` for variadic functions. */
  maxArgs: number;
  /** How a PM would write it, for arity messages. */
  usage: string;
}

const specs: FunctionSpec[] = [
  { name: 'min', minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, usage: 'min(a, b, …)' },
  { name: 'max', minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, usage: 'max(a, b, …)' },
  { name: 'abs', minArgs: 1, maxArgs: 1, usage: 'abs(x)' },
  { name: 'round', minArgs: 1, maxArgs: 2, usage: 'round(x) or round(x, digits)' },
  { name: 'floor', minArgs: 1, maxArgs: 1, usage: 'floor(x)' },
  { name: 'ceil', minArgs: 1, maxArgs: 1, usage: 'ceil(x)' },
  { name: 'sqrt', minArgs: 1, maxArgs: 1, usage: 'sqrt(x)' },
  { name: 'exp', minArgs: 1, maxArgs: 1, usage: 'exp(x)' },
  { name: 'ln', minArgs: 1, maxArgs: 1, usage: 'ln(x)' },
  { name: 'log10', minArgs: 1, maxArgs: 1, usage: 'log10(x)' },
  { name: 'log', minArgs: 2, maxArgs: 2, usage: 'log(x, base)' },
  { name: 'pow', minArgs: 2, maxArgs: 2, usage: 'pow(x, y)' },
  { name: 'clamp', minArgs: 3, maxArgs: 3, usage: 'clamp(x, low, high)' },
  { name: 'if', minArgs: 3, maxArgs: 3, usage: 'if(condition, then, else)' },
  { name: 'and', minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, usage: 'and(a, b, …)' },
  { name: 'or', minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, usage: 'or(a, b, …)' },
  { name: 'not', minArgs: 1, maxArgs: 1, usage: 'not(x)' },
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
