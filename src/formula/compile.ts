/**
 * Validated syntax tree → one straight-line JavaScript function per script.
 *
 * Why generated code: Monte Carlo calls `evaluate` millions of times, and a tree of closures
 * spends most of its time in megamorphic keyed loads and stores (measured ~2M evaluations/s
 * against ~60M/s for a hand-written function). A generated function gets a monomorphic inline
 * cache per input and per output and runs within a small factor of hand-written code.
 *
 * Why it is safe: the generated source is built only from our own fixed fragments, slot indices
 * and numbers that the lexer parsed into doubles (printed back with `String(number)`). Nothing a
 * person typed is copied into it: parameter and output names are passed in as values (`k[3]`
 * becomes the parameter `k3`) and used only as property keys, and functions are our own helpers.
 * The code for a call comes from the function's entry in functions.ts.
 * Values live in one Float64Array of slots, one per name, so evaluation never looks a name up.
 * When a step fails, the helper that noticed builds an EvaluationError naming the line, the
 * expression and the current values of the names involved.
 *
 * Invariant: every value evaluation produces is a finite number, or evaluation fails. Inputs and
 * step results are checked; `+ - *` and negation cannot turn ±Infinity or NaN back into a finite
 * number, so what reaches a step result is caught there. Everything that could — a comparison,
 * a condition, a function, a divisor, a power — checks its operands first (`v - v !== 0`, one
 * subtraction on the hot path), skipping operands that are finite by construction.
 *
 * Column-wise evaluation (`evaluateColumns`, for Monte Carlo) is a second function generated from
 * the same syntax tree by the same CodeGenerator, so each step is the same JavaScript expression,
 * with the same operations in the same order, and gives bit-identical values. It loops over the
 * samples with one local per name (no slots, no objects), reads inputs from Float64Arrays and
 * writes outputs into preallocated ones. Nothing in it throws: where `evaluate` would throw, the
 * value becomes NaN, which by the invariant above reaches a check (a failing function's helper
 * returns NaN; the others are checks themselves); a check that fails marks the sample failed, and
 * a failed sample gets NaN in every output. So a sample fails column-wise exactly when `evaluate`
 * throws for it, and the message of the first one comes from evaluating it again with `evaluate`.
 * The column function is built on first use, from the text parsed again: most compiled scripts
 * never need it.
 */

import { forEachNode } from './analyze.js';
import type { Arith, Assignment, Call, Expr, Span } from './ast.js';
import { formatNumber, type Operand } from './catalog.js';
import { type CallFailure, functionSpec, functionSpecs, type Runtime } from './functions.js';
import { EvaluationError, evaluationError, type FormulaIssue } from './issues.js';
import { parseScript } from './parser.js';

export interface CompiledScript {
  /** Parameter names, in order of first appearance. */
  readonly inputs: string[];
  /** Assigned names, in order. */
  readonly outputs: string[];
  readonly warnings: FormulaIssue[];
  /**
   * Every assigned name's value; throws EvaluationError (line, reason) when a step cannot be
   * computed. Reads only `params`' own properties; anything but an object is an EvaluationError.
   */
  evaluate(params: Record<string, number>): Record<string, number>;
  /**
   * Evaluates the script `length` times at once: `columns[name][i]` is input `name` in sample i.
   * Returns every assigned name's values as a Float64Array of `length`, and how many samples failed:
   * a sample where a step cannot be computed (division by zero, a non-finite result, sqrt of a
   * negative, … — exactly the cases `evaluate` throws EvaluationError for) gets NaN in every output
   * and counts in `failures`; `firstFailure` is the EvaluationError message of the first failed
   * sample (as `evaluate` would have thrown it). A missing input column, or one shorter than
   * `length`, throws EvaluationError like a missing input does in `evaluate`. Every other sample's
   * values are bit-identical to what `evaluate` returns for it. Reads only `columns`' own
   * properties; a column that is not a Float64Array counts as missing; `length` must be a whole
   * number ≥ 0 (else RangeError). `only` names the outputs wanted (assigned names; others are
   * ignored): every step is still computed and can fail a sample, but only those are written and
   * returned, which saves memory and time when a caller reads a few of many steps.
   */
  evaluateColumns(
    columns: Readonly<Record<string, Float64Array>>,
    length: number,
    only?: readonly string[],
  ): ColumnResults;
  /**
   * `evaluateColumns` prepared once for many calls, for callers that evaluate stretches of samples
   * (Monte Carlo keeps its columns short enough to stay in the processor's cache): the same values,
   * written into the caller's arrays, with no per-call lookups. `only` as in `evaluateColumns`.
   */
  columnEvaluator(only?: readonly string[]): ColumnEvaluator;
}

/** A prepared column evaluation (`CompiledScript.columnEvaluator`). */
export interface ColumnEvaluator {
  /** The outputs written, in order: those of `only` the script assigns, or every assigned name. */
  readonly outputs: readonly string[];
  /**
   * Evaluates samples 0 … length − 1 of `inputs` (one Float64Array per script input, in the
   * order of `CompiledScript.inputs`) and writes output k of sample i to `outputs[k][at + i]`.
   * Returns how many samples failed and the index (in `inputs`) of the first, −1 when none did;
   * failed samples get NaN in every output, as in `evaluateColumns`. Arrays of the wrong kind, too
   * few of them, or too short throw a RangeError.
   */
  run(
    inputs: readonly Float64Array[],
    outputs: readonly Float64Array[],
    length: number,
    at?: number,
  ): { failures: number; first: number };
  /** The EvaluationError message `evaluate` throws for sample `index` of `inputs` (which failed). */
  failure(inputs: readonly Float64Array[], index: number): string;
}

/** What `evaluateColumns` returns. */
export interface ColumnResults {
  /** Every assigned name (or those asked for), in order, with one value per sample (NaN in failed samples). */
  outputs: Record<string, Float64Array>;
  /** How many samples failed. */
  failures: number;
  /** The EvaluationError message `evaluate` throws for the first failed sample; absent when none failed. */
  firstFailure?: string;
}

/**
 * What generated code may call: the helpers of the functions in functions.ts, each under its
 * function's name (`h.sqrt`), and in `evaluate` also checks that throw located errors.
 */
interface FunctionHelpers {
  [fn: string]: (...args: never[]) => number;
}

interface Helpers extends FunctionHelpers {
  /** Not an object: evaluate(null), evaluate('text'). */
  params(params: unknown): never;
  input(params: unknown, index: number): number;
  notFinite(statement: number, value: number): never;
  /** An operand at a site was NaN or ±Infinity. */
  notFiniteAt(site: number, value: number): never;
  div(a: number, d: number, site: number): number;
}

/**
 * The generated column loop: reads `inputs[k][i]`, writes `outputs[k][at + i]` for `i < length`, and
 * says how many samples failed and which failed first (-1 when none did).
 */
type ColumnKernel = (
  inputs: readonly Float64Array[],
  outputs: readonly Float64Array[],
  length: number,
  at: number,
) => { failures: number; first: number };

const BASE_HELPERS = ['params', 'input', 'notFinite', 'notFiniteAt', 'div'];
for (const spec of functionSpecs()) {
  if (BASE_HELPERS.includes(spec.name)) throw new Error(`function ${spec.name} shadows a helper`);
}

/** How evaluation can fail at a site: a function's own failures, a divisor of 0, a value that is not finite. */
type Failure = CallFailure | { code: 'division-by-zero' } | { code: 'operand-not-finite'; operand: Operand };

/** A place in the script where evaluation can fail, with the expression to explain. */
interface Site {
  line: number;
  failure: Failure;
  /** The expression whose value was wrong. */
  culprit: Expr;
}

export function compileAnalyzed(
  text: string,
  statements: Assignment[],
  inputs: string[],
  outputs: string[],
  warnings: FormulaIssue[],
): CompiledScript {
  const slotOf = new Map<string, number>();
  for (const name of [...inputs, ...outputs]) if (!slotOf.has(name)) slotOf.set(name, slotOf.size);
  const slots = new Float64Array(slotOf.size);
  const source = generateSource(statements, inputs, outputs, slotOf);
  const firstRead = firstReads(statements);
  const explainer = new Explainer(text, slots, slotOf);
  // The closures below keep neither the syntax tree nor the code generator: a run holds thousands
  // of compiled models. What a failure needs to explain itself is rebuilt from the text, once.
  const syntax = syntaxFromText(text, slotOf);
  /**
   * Throws the error of a site about `value` (`other` is clamp's high bound); `failure` replaces the
   * site's own, for a divisor that is not finite.
   */
  const fail = (site: number, value: number, other = 0, failure?: Failure): never => {
    const { line, culprit, failure: own } = syntax().sites[site]!;
    const { span } = culprit;
    const explanation = () => explainer.explain(culprit, value);
    const f = failure ?? own;
    switch (f.code) {
      case 'division-by-zero':
      case 'sqrt-negative':
      case 'log-base':
        throw evaluationError(f.code, line, span, { explanation: explanation() });
      case 'log-domain':
        throw evaluationError(f.code, line, span, { fn: f.fn, explanation: explanation() });
      case 'operand-not-finite':
        throw evaluationError(f.code, line, span, { operand: f.operand, value, explanation: explanation() });
      case 'clamp-bounds':
        throw evaluationError(f.code, line, span, { low: value, high: other });
      default: {
        const never: never = f;
        throw new Error(`unknown failure ${(never as Failure).code}`);
      }
    }
  };
  const runtime: Runtime = { fail };
  const helpers: Helpers = {
    params: (params) => {
      throw evaluationError('params-not-object', 0, undefined, { value: params });
    },
    input: (params, index) => readInput(params, inputs[index]!, firstRead.get(inputs[index]!)),
    notFinite: (index, value) => {
      const st = syntax().statements[index]!;
      throw evaluationError('not-finite', st.span.line, st.span, {
        target: st.target,
        value,
        involved: explainer.namesWithValues(st.expr),
      });
    },
    notFiniteAt: (site, value) => fail(site, value),
    div: (a, d, site) => {
      // Dividing by ±Infinity would give 0 and hide it. One test on the hot path covers both.
      if (d === 0 || d - d !== 0) {
        return d === 0
          ? fail(site, d)
          : fail(site, d, 0, { code: 'operand-not-finite', operand: { kind: 'divisor' } });
      }
      return a / d;
    },
  };
  for (const spec of functionSpecs()) if (spec.helper) helpers[spec.name] = spec.helper(runtime);

  const keyParams = [...inputs.map((_, i) => `k${i}`), ...outputs.map((_, i) => `o${i}`)];
  // Generated from the syntax tree only, never from user text: see the comment at the top of this file.
  const factory = new Function('s', 'h', ...keyParams, source);
  const evaluate = factory(
    slots,
    helpers,
    ...[...inputs, ...outputs].map(internalize),
  ) as CompiledScript['evaluate'];

  /** A prepared column evaluation per set of outputs written (all of them under ''), built on first use. */
  const evaluators = new Map<string, ColumnEvaluator>();
  const columnEvaluator = (only?: readonly string[]): ColumnEvaluator => {
    const written = only ? outputs.filter((name) => only.includes(name)) : outputs;
    const key = only ? `only:${written.join('\n')}` : '';
    let evaluator = evaluators.get(key);
    if (!evaluator) {
      evaluator = prepareColumns(columnKernel(text, inputs, written, slotOf), evaluate, inputs, written);
      evaluators.set(key, evaluator);
    }
    return evaluator;
  };
  const evaluateColumns = (
    columns: Readonly<Record<string, Float64Array>>,
    length: number,
    only?: readonly string[],
  ): ColumnResults => {
    if (!Number.isSafeInteger(length) || length < 0)
      throw new RangeError(`length must be a whole number ≥ 0, not ${String(length)}`);
    if (columns === null || typeof columns !== 'object')
      throw evaluationError('params-not-object', 0, undefined, { value: columns });
    const inputColumns = inputs.map((name) => readColumn(columns, name, length, firstRead.get(name)));
    const evaluator = columnEvaluator(only);
    const outputColumns = evaluator.outputs.map(() => new Float64Array(length));
    const { failures, first } = evaluator.run(inputColumns, outputColumns, length);
    const record: Record<string, Float64Array> = {};
    evaluator.outputs.forEach((name, i) => {
      // Own data properties, `__proto__` included, as in the record `evaluate` returns.
      Object.defineProperty(record, name, {
        value: outputColumns[i],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    });
    if (failures === 0) return { outputs: record, failures };
    return { outputs: record, failures, firstFailure: evaluator.failure(inputColumns, first) };
  };

  return {
    inputs: [...inputs],
    outputs: [...outputs],
    warnings: [...warnings],
    evaluate,
    evaluateColumns,
    columnEvaluator,
  };
}

/** A column kernel with the checks of `ColumnEvaluator.run` around it. */
function prepareColumns(
  kernel: ColumnKernel,
  evaluate: CompiledScript['evaluate'],
  inputs: string[],
  written: string[],
): ColumnEvaluator {
  const check = (arrays: readonly Float64Array[], count: number, length: number, what: string) => {
    if (!Array.isArray(arrays) || arrays.length < count)
      throw new RangeError(
        `expected ${count} ${what} columns, got ${Array.isArray(arrays) ? arrays.length : 'none'}`,
      );
    for (let k = 0; k < count; k++) {
      const array = arrays[k];
      if (!(array instanceof Float64Array) || array.length < length)
        throw new RangeError(`${what} column ${k} must be a Float64Array of at least ${length} values`);
    }
  };
  return {
    outputs: [...written],
    run(inputColumns, outputColumns, length, at = 0) {
      if (!Number.isSafeInteger(length) || length < 0)
        throw new RangeError(`length must be a whole number ≥ 0, not ${String(length)}`);
      if (!Number.isSafeInteger(at) || at < 0)
        throw new RangeError(`at must be a whole number ≥ 0, not ${String(at)}`);
      check(inputColumns, inputs.length, length, 'input');
      check(outputColumns, written.length, at + length, 'output');
      return kernel(inputColumns, outputColumns, length, at);
    },
    failure: (inputColumns, index) => failureOf(evaluate, inputs, inputColumns, index),
  };
}

/** The message `evaluate` throws for sample `index` of the columns. */
function failureOf(
  evaluate: CompiledScript['evaluate'],
  inputs: string[],
  columns: readonly Float64Array[],
  index: number,
): string {
  const params: Record<string, number> = {};
  inputs.forEach((name, k) => {
    Object.defineProperty(params, name, {
      value: columns[k]![index],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  try {
    evaluate(params);
  } catch (e) {
    if (e instanceof EvaluationError) return e.message;
    throw e;
  }
  throw new Error(`internal error: sample ${index} failed column-wise but evaluates`);
}

/**
 * Builds the column loop of a compiled script. The functions' helpers are built again, with a
 * `fail` that returns NaN instead of throwing: the call's value then fails a check where it is used.
 */
function columnKernel(
  text: string,
  inputs: string[],
  outputs: string[],
  slotOf: Map<string, number>,
): ColumnKernel {
  const runtime: Runtime = { fail: () => Number.NaN };
  const helpers: FunctionHelpers = {};
  for (const spec of functionSpecs()) if (spec.helper) helpers[spec.name] = spec.helper(runtime);
  const statements = parseScript(text).script.statements;
  // Generated from the syntax tree only, never from user text: see the comment at the top of this file.
  const factory = new Function('h', generateColumnSource(statements, inputs, outputs, slotOf));
  return factory(helpers) as ColumnKernel;
}

/**
 * The body of the factory that returns the column loop. Every name is a local `x<slot>`: inputs are
 * read from their columns, each step is a `let` with the same expression code as in `evaluate`
 * (COLUMN_DIALECT). Where `evaluate` checks an input or a step result and throws, the loop adds
 * `x - x` to `g`: 0 for a finite number, NaN otherwise, and NaN stays NaN. So `g === 0` at the end
 * of a sample says it succeeded, without a branch per step (measured: 12% faster than setting a
 * flag in an `if`). The checks inside expressions set `g = NaN`.
 */
function generateColumnSource(
  statements: Assignment[],
  inputs: string[],
  outputs: string[],
  slotOf: Map<string, number>,
): string {
  const local = COLUMN_DIALECT.name;
  const generator = new CodeGenerator(slotOf, COLUMN_DIALECT);
  const loop: string[] = [];
  if (inputs.length > 0) {
    const read = inputs.map((name) => local(slotOf.get(name)!));
    loop.push(`const ${read.map((x, k) => `${x} = a${k}[i]`).join(', ')};`);
    // Like `evaluate`, an input that is NaN or ±Infinity fails the sample.
    loop.push(`let g = ${read.map((x) => `(${x} - ${x})`).join(' + ')};`);
  } else {
    loop.push('let g = 0;');
  }
  for (const st of statements) {
    const x = local(slotOf.get(st.target)!);
    loop.push(`let ${x} = ${generator.expr(st.expr)}; g += ${x} - ${x};`);
  }
  const written = outputs.map((name, k) => `r${k}[o + i] = ${local(slotOf.get(name)!)};`);
  const blanked = outputs.map((_, k) => `r${k}[o + i] = NaN;`);
  loop.push('if (g === 0) {', ...written, '} else {', 'if (failures++ === 0) first = i;', ...blanked, '}');
  const temps = Array.from({ length: generator.temps }, (_, i) => `t${i}`);
  return [
    '"use strict";',
    'return function evaluateColumns(a, r, n, o) {',
    ...inputs.map((_, k) => `const a${k} = a[${k}];`),
    ...outputs.map((_, k) => `const r${k} = r[${k}];`),
    `let ${['c', ...temps, 'failures = 0', 'first = -1'].join(', ')};`,
    'for (let i = 0; i < n; i++) {',
    ...loop,
    '}',
    'return { failures, first };',
    '};',
  ].join('\n');
}

/** The body of the factory that returns `evaluate`. */
function generateSource(
  statements: Assignment[],
  inputs: string[],
  outputs: string[],
  slotOf: Map<string, number>,
): string {
  const generator = new CodeGenerator(slotOf);
  const body: string[] = ['if (p === null || typeof p !== "object") h.params(p);'];
  if (inputs.length > 0) {
    // Only own properties count. A name the prototype chain has (Object.create({ x: 5 }),
    // `constructor`, a polluted Object.prototype) takes the slow path, which reads own properties
    // only; other names can only be own, so `p[k]` is safe and no inherited getter runs.
    // `k0 in p` goes first because it lets the optimiser learn p's shape, so that getPrototypeOf
    // folds to a constant (measured: without it the FORMULA.md example evaluates 30% slower).
    body.push('const q = (k0 in p, Object.getPrototypeOf(p)) ?? n;');
  }
  inputs.forEach((_, i) => {
    body.push(
      `v = k${i} in q ? h.input(p, ${i}) : p[k${i}]; if (typeof v !== "number" || v - v !== 0) v = h.input(p, ${i}); s[${i}] = v;`,
    );
  });
  statements.forEach((st, i) => {
    // v - v is 0 for every finite number and NaN for NaN and ±Infinity.
    body.push(
      `v = ${generator.expr(st.expr)}; if (v - v !== 0) h.notFinite(${i}, v); s[${slotOf.get(st.target)}] = v;`,
    );
  });
  body.push('const r = {};');
  outputs.forEach((name, i) => {
    const slot = slotOf.get(name)!;
    // `__proto__` is a legal name; a plain assignment would set the record's prototype instead.
    body.push(
      name === '__proto__'
        ? `Object.defineProperty(r, o${i}, { value: s[${slot}], enumerable: true, writable: true, configurable: true });`
        : `r[o${i}] = s[${slot}];`,
    );
  });
  body.push('return r;', '};');
  // Temporaries are locals of `evaluate`, not of the factory: context variables are much slower.
  // `c` holds an operand while it is checked; it is read right after it is set, so one is enough.
  const locals = ['v', 'c', ...Array.from({ length: generator.temps }, (_, i) => `t${i}`)];
  body.unshift(
    '"use strict";',
    // Stands in for the prototype of a params object that has none (Object.create(null)).
    'const n = Object.freeze(Object.create(null));',
    'return function evaluate(p) {',
    `let ${locals.join(', ')};`,
  );
  return body.join('\n');
}

/** Where each name is first read, to locate a missing input. */
function firstReads(statements: Assignment[]): Map<string, Span> {
  const spans = new Map<string, Span>();
  for (const st of statements) {
    forEachNode(st.expr, (e) => {
      if (e.kind === 'name' && !spans.has(e.name)) spans.set(e.name, e.span);
    });
  }
  return spans;
}

/**
 * The statements and failure sites of a script that compiled, parsed again on first use. Parsing
 * and generating are deterministic, so the sites come out in the order the code refers to them.
 */
function syntaxFromText(
  text: string,
  slotOf: Map<string, number>,
): () => { statements: Assignment[]; sites: Site[] } {
  let syntax: { statements: Assignment[]; sites: Site[] } | null = null;
  return () => {
    if (syntax === null) {
      const statements = parseScript(text).script.statements;
      const generator = new CodeGenerator(slotOf);
      for (const st of statements) generator.expr(st.expr);
      syntax = { statements, sites: generator.sites };
    }
    return syntax;
  };
}

/**
 * Names are slices of the script text; V8 looks properties up fast only by internalized strings,
 * and the keys of an object always are (measured: 4× faster evaluation).
 */
function internalize(name: string): string {
  return Object.keys({ [name]: 0 })[0]!;
}

/** Input `name`'s column: an own Float64Array property with at least `length` values. */
function readColumn(
  columns: object,
  name: string,
  length: number,
  firstRead: Span | undefined,
): Float64Array {
  // Only own properties count, as in `evaluate`: `constructor` must never come from Object.prototype.
  const own = Object.getOwnPropertyDescriptor(columns, name);
  const value: unknown = own && 'value' in own ? own.value : undefined;
  const line = firstRead?.line ?? 0;
  if (value === undefined || value === null)
    throw evaluationError('missing-input', line, firstRead, { name });
  if (!(value instanceof Float64Array)) {
    const type = Object.prototype.toString.call(value).slice(8, -1);
    throw evaluationError('missing-input', line, firstRead, { name, column: { type } });
  }
  if (value.length < length) {
    throw evaluationError('missing-input', line, firstRead, {
      name,
      column: { length: value.length, samples: length },
    });
  }
  return value;
}

function readInput(params: unknown, name: string, firstRead: Span | undefined): number {
  // Only own properties count: `constructor` or `toString` must never come from Object.prototype.
  const own =
    params !== null && typeof params === 'object' ? Object.getOwnPropertyDescriptor(params, name) : undefined;
  const value: unknown = own && 'value' in own ? own.value : undefined;
  const line = firstRead?.line ?? 0;
  if (value === undefined || value === null)
    throw evaluationError('missing-input', line, firstRead, { name });
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw evaluationError('input-not-finite', line, firstRead, { name, value });
}

/** Builds the words of an evaluation error from the slots as they were when it failed. */
class Explainer {
  constructor(
    private readonly text: string,
    private readonly slots: Float64Array,
    private readonly slotOf: Map<string, number>,
  ) {}

  /** `a = 1, b = 2` for the names an expression reads, with their current values. */
  namesWithValues(expr: Expr): string {
    const seen = new Set<string>();
    forEachNode(expr, (e) => {
      if (e.kind === 'name') seen.add(e.name);
    });
    return [...seen].map((n) => `${n} = ${formatNumber(this.slots[this.slotOf.get(n)!]!)}`).join(', ');
  }

  /** Says which value was wrong: `effort = 0`, or `'b - c' = 0, with b = 3, c = 3`. */
  explain(expr: Expr, value: number): string {
    if (expr.kind === 'name') return `${expr.name} = ${formatNumber(value)}`;
    const source = this.text.slice(expr.span.offset, expr.span.end).replace(/\s+/g, ' ');
    const names = this.namesWithValues(expr);
    return `'${source}' = ${formatNumber(value)}${names ? `, with ${names}` : ''}`;
  }
}

/**
 * Whether an expression's value is finite whatever the inputs: literals are (the lexer rejects
 * larger ones), names are (inputs and steps are checked), and so are 0-or-1 results.
 */
function isFiniteByConstruction(e: Expr): boolean {
  switch (e.kind) {
    case 'number':
    case 'name':
    case 'comparison':
      return true;
    case 'unary':
      return isFiniteByConstruction(e.operand);
    case 'call':
      return functionSpec(e.callee)?.finiteResult === true;
    case 'arith':
    case 'power':
      return false;
    default: {
      const never: never = e;
      throw new Error(`unknown node ${(never as Expr).kind}`);
    }
  }
}

/**
 * What differs between the code of an expression in `evaluate` and in the column loop: how a name
 * is read, and what happens where a value fails a check. Everything else is the same code.
 */
interface Dialect {
  /** The code that reads a name's value, given its slot. */
  name(slot: number): string;
  /** The code for an operand `c` at `site` that is NaN or ±Infinity; its value replaces `c`. */
  notFinite(site: number): string;
  /**
   * The code for `t / (operand)`, failing at `site` for a divisor of 0 or one that is not finite
   * (`finiteDivisor`: the divisor is finite by construction).
   */
  divide(t: string, operand: string, site: number, finiteDivisor: boolean): string;
}

/** `evaluate`: names are slots, failures throw. */
const SCALAR_DIALECT: Dialect = {
  name: (slot) => `s[${slot}]`,
  notFinite: (site) => `h.notFiniteAt(${site}, c)`,
  divide: (t, operand, site) => `h.div(${t}, ${operand}, ${site})`,
};

/** The column loop (generateColumnSource): names are locals, failures make `g` NaN. */
const COLUMN_DIALECT: Dialect = {
  name: (slot) => `x${slot}`,
  notFinite: () => '(g = NaN)',
  // No branch (measured: a third of the six-step model's loop): a divisor of 0 makes the quotient
  // ±Infinity or NaN, and a quotient is always checked where it ends up (a step result, a checked
  // operand) or carried there by + - * and negation, which keep it not finite; only a divisor that
  // is not finite, whose quotient can be 0, needs its own check. `c` is read right after it is set.
  divide: (t, operand, _site, finiteDivisor) =>
    finiteDivisor ? `${t} / ${operand}` : `(c = ${operand}, g += c - c, ${t} / c)`,
};

/**
 * Emits a JavaScript expression for each syntax node. Everything is parenthesised, so JavaScript's
 * own precedence never matters; chains stay flat so that a 5,000-term sum does not become 5,000
 * nested parentheses.
 */
class CodeGenerator {
  readonly sites: Site[] = [];
  temps = 0;

  constructor(
    private readonly slotOf: Map<string, number>,
    private readonly dialect: Dialect = SCALAR_DIALECT,
  ) {}

  private site(line: number, failure: Failure, culprit: Expr): number {
    this.sites.push({ line, failure, culprit });
    return this.sites.length - 1;
  }

  /** `e`'s code, failing with `operand is not a number` (or infinitely large) unless it is finite. */
  private finite(e: Expr, operand: Operand): string {
    const code = this.expr(e);
    if (isFiniteByConstruction(e)) return code;
    const site = this.site(e.span.line, { code: 'operand-not-finite', operand }, e);
    return `(c = ${code}, c - c !== 0 ? ${this.dialect.notFinite(site)} : c)`;
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case 'number':
        // A finite, non-negative double the lexer parsed: String() prints a valid literal.
        return `(${String(e.value)})`;
      case 'name':
        return this.dialect.name(this.slotOf.get(e.name)!);
      case 'unary':
        return e.op === '-' ? `(-${this.expr(e.operand)})` : this.expr(e.operand);
      case 'arith':
        return this.arith(e);
      case 'power':
        // 2 ^ -Infinity and (0 * Infinity) ^ 0 are finite: both sides are checked.
        return `(${this.finite(e.base, { kind: 'power-base' })} ** ${this.finite(e.exponent, { kind: 'power-exponent' })})`;
      case 'comparison': {
        const op = e.op === '==' ? '===' : e.op === '!=' ? '!==' : e.op;
        const left = this.finite(e.left, { kind: 'comparison-side', side: 'left', op: e.op });
        const right = this.finite(e.right, { kind: 'comparison-side', side: 'right', op: e.op });
        return `(${left} ${op} ${right} ? 1 : 0)`;
      }
      case 'call':
        return this.call(e);
      default: {
        const never: never = e;
        throw new Error(`unknown node ${(never as Expr).kind}`);
      }
    }
  }

  private arith(e: Arith): string {
    if (!e.rest.some((r) => r.op === '/')) {
      return `(${this.expr(e.first)}${e.rest.map((r) => ` ${r.op} ${this.expr(r.operand)}`).join('')})`;
    }
    // With divisions, a sequence through one temporary keeps left-to-right order and flat code.
    const t = `t${this.temps++}`;
    const steps = [`${t} = ${this.expr(e.first)}`];
    for (const r of e.rest) {
      const operand = this.expr(r.operand);
      if (r.op === '/') {
        const site = this.site(r.operand.span.line, { code: 'division-by-zero' }, r.operand);
        steps.push(`${t} = ${this.dialect.divide(t, operand, site, isFiniteByConstruction(r.operand))}`);
      } else {
        steps.push(`${t} = ${t} ${r.op} ${operand}`);
      }
    }
    return `(${steps.join(', ')}, ${t})`;
  }

  private call(e: Call): string {
    const spec = functionSpec(e.callee);
    // Analysis rejects unknown functions before compilation.
    if (!spec) throw new Error(`unknown function ${e.callee}`);
    // Every argument is checked unless the function says its value passes through (if's branches).
    const args = e.args.map((a, index) => {
      const operand = spec.operand
        ? spec.operand(index)
        : { kind: 'argument' as const, fn: spec.name, index, only: spec.maxArgs === 1 };
      return operand ? this.finite(a, operand) : this.expr(a);
    });
    const sites = this.sites.length;
    const code = spec.emit(args, {
      call: e,
      helper: `h.${spec.name}`,
      site: (failure, culprit) => this.site(e.span.line, failure, culprit),
    });
    // A failing call's value is NaN in the column loop, caught where it is used; a result that is
    // finite by construction is used unchecked (in a comparison, say), so it must never fail.
    if (spec.finiteResult && this.sites.length > sites)
      throw new Error(`${spec.name} can fail, so its result is not finite by construction`);
    return code;
  }
}
