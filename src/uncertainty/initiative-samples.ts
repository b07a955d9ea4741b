/**
 * One initiative's share of a simulation: sample its params and evaluate its model a stretch of
 * samples at a time, without an object per sample, then summarize value and overall. It depends
 * only on the run's seed, the sample count and the initiative itself, never on other initiatives —
 * which is what lets worker threads compute initiatives in any split and still give bit-identical
 * results. Ranking, which needs
 * every initiative's samples at once, happens afterwards (ranking.ts).
 */
import type { CompiledScript } from '../formula/index.js';
import { type DistributionSpec, type Drawer, drawer, sample } from './distributions.js';
import { type KernelWorkspace, STRETCH, samplingKernel } from './kernel.js';
import { stream } from './random.js';
import {
  ColumnTally,
  type HistogramBin,
  histogram,
  type Quantiles,
  roundPercent,
  summarizeTallied,
} from './statistics.js';
import { type TornadoBar, tornado } from './tornado.js';

/**
 * The outputs a simulation reads; a model's other steps are computed but not kept. Effort only
 * matters when the model has no overall of its own (overall = value / effort).
 */
const WANTED = ['value', 'effort', 'overall'] as const;
const WANTED_WITH_OVERALL = ['value', 'overall'] as const;

/** What sampling one initiative needs to know about it. */
export interface InitiativeModel {
  key: string;
  script: CompiledScript;
  params: ReadonlyMap<string, DistributionSpec>;
  effortDays: number | null;
}

/** The per-initiative summary, and the overall column that ranking turns into priorities. */
export interface InitiativeSamples {
  key: string;
  value: Quantiles | null;
  overall: Quantiles | null;
  probValueNegative: number;
  histogram: HistogramBin[];
  tornado: TornadoBar[];
  failures: number;
  firstFailure?: string;
  /** The overall of each sample; NaN where the model failed or there is no overall. */
  overallColumn: Float64Array;
  /** Its P10 and P90, unrounded (NaN when there is none): the priority's when that is 1 × overall. */
  overallP10: number;
  overallP90: number;
}

/**
 * The columns of the shared assumptions (`*` rows), each drawn once from its stream `*\/<name>` on
 * first use and then handed to every initiative that reads it: that is what makes them move
 * together. Only names some initiative reads are ever drawn.
 */
export class SharedColumns {
  private readonly columns = new Map<string, Float64Array>();

  constructor(
    readonly specs: ReadonlyMap<string, DistributionSpec>,
    private readonly seed: number,
    private readonly samples: number,
  ) {}

  column(name: string): Float64Array | undefined {
    let column = this.columns.get(name);
    if (column) return column;
    const spec = this.specs.get(name);
    if (!spec) return undefined;
    column = new Float64Array(this.samples);
    sample(spec, stream(this.seed, `*/${name}`), column);
    this.columns.set(name, column);
    return column;
  }
}

/**
 * Samples are drawn and evaluated this many at a time: an initiative's input columns of one
 * stretch (9 × 8 KB for the six-step model) stay in the processor's cache between being drawn and
 * being read, where whole columns of 10,000 samples would go out to memory and back. Drawers
 * continue their streams from one stretch to the next, so the values do not depend on it. The
 * stretches and the params' rows of quantiles live in the kernel's memory (kernel.ts),
 * where draws run fastest.
 */
export { STRETCH } from './kernel.js';

/** The run-wide state initiatives are sampled with. */
export interface SamplingContext {
  seed: number;
  samples: number;
  shared: SharedColumns;
  /** Reused for quantiles. */
  scratch: Float64Array;
  /** Reused: the tallies of value and of overall. */
  tallies: [ColumnTally, ColumnTally];
  /** Reused: the effort column (value and overall are in the kernel's memory). */
  effort: Float64Array;
}

/**
 * The buffers of the last context made on this thread, reused by the next one of the same sample
 * count: a process that simulates again and again (the dashboard, watch mode, a benchmark) then
 * allocates and zeroes none of them again. Safe because a context is used synchronously, one
 * initiative at a time, and is done with before its simulation awaits anything.
 */
let reused: Omit<SamplingContext, 'seed' | 'shared'> | undefined;

export function createSamplingContext(
  seed: number,
  samples: number,
  shared: ReadonlyMap<string, DistributionSpec>,
): SamplingContext {
  if (reused?.samples !== samples) {
    reused = {
      samples,
      scratch: new Float64Array(samples),
      tallies: [new ColumnTally(), new ColumnTally()],
      effort: new Float64Array(samples),
    };
  }
  return { ...reused, seed, shared: new SharedColumns(shared, seed, samples) };
}

/** The distribution of each input the script reads: its own param first, else a shared assumption. */
export function inputSpecs(
  model: Pick<InitiativeModel, 'script' | 'params'>,
  shared: ReadonlyMap<string, DistributionSpec>,
): { specs: Map<string, DistributionSpec>; missing: string[] } {
  const specs = new Map<string, DistributionSpec>();
  const missing: string[] = [];
  for (const name of model.script.inputs) {
    const spec = model.params.get(name) ?? shared.get(name);
    if (spec) specs.set(name, spec);
    else missing.push(name);
  }
  return { specs, missing };
}

/**
 * Samples and evaluates one initiative, STRETCH samples at a time. value = the script's `value`;
 * effort = its `effort` if assigned, else effortDays; overall = its `overall` if assigned, else
 * value / effort when effort > 0 — the rules of scoring/math-model.ts, sample by sample (SHEETS.md).
 * The overall column is `into` when given (column-memory.ts), else a new one.
 */
export function sampleInitiative(
  model: InitiativeModel,
  context: SamplingContext,
  into?: Float64Array,
): InitiativeSamples {
  const { samples } = context;
  const { script } = model;
  const { specs, missing } = inputSpecs(model, context.shared.specs);
  if (missing.length > 0) {
    return failedEverywhere(model.key, samples, `Missing approved params: ${missing.join(', ')}`, into);
  }
  const length = Math.min(STRETCH, samples);
  // Everything sampling reads and writes lives in the kernel's memory (kernel.ts), where
  // draws and statistics run fastest; overall is copied into `into` at the end, for ranking.
  const own = script.inputs.filter((name) => model.params.has(name)).length;
  const workspace = samplingKernel.workspace(script.inputs.length, own, samples);
  const { sources, inputs } = inputSources(model, context, workspace, length);
  const evaluator = script.columnEvaluator(script.outputs.includes('overall') ? WANTED_WITH_OVERALL : WANTED);
  const [value, overall] = workspace.columns;
  const { effort, scratch } = context;
  const outputs = evaluator.outputs.map((name) =>
    name === 'value' ? value : name === 'effort' ? effort : overall,
  );
  if (!evaluator.outputs.includes('value')) value.fill(Number.NaN);
  const overallOf = overallRule(evaluator.outputs, value, effort, model.effortDays);
  // Tallied while each stretch is in cache; neither column is reordered (overall is ranked later).
  const values = context.tallies[0].reset(workspace.counts[0]);
  const overalls = context.tallies[1].reset(workspace.counts[1]);
  let failures = 0;
  let firstFailure: string | undefined;
  for (let at = 0; at < samples; at += length) {
    const count = Math.min(length, samples - at);
    sources.forEach((from, k) => {
      if (typeof from === 'function') from(inputs[k]!, count);
      else inputs[k]!.set(from.subarray(at, at + count));
    });
    const result = evaluator.run(inputs, outputs, count, at);
    if (result.failures > 0 && failures === 0) firstFailure = evaluator.failure(inputs, result.first);
    failures += result.failures;
    if (overallOf) overallOf(overall, at, at + count);
    overalls.add(overall, at, at + count);
    values.add(value, at, at + count);
  }
  const valueSummary = summarizeTallied(value, samples, values, true, scratch, workspace.slices);
  const overallSummary = summarizeTallied(overall, samples, overalls, false, scratch, workspace.slices);
  const overallColumn = into ?? new Float64Array(samples);
  overallColumn.set(overall);
  return {
    key: model.key,
    value: valueSummary.quantiles,
    overall: overallSummary.quantiles,
    probValueNegative: values.count === 0 ? 0 : roundPercent(values.negative / values.count),
    histogram: histogram(value, valueSummary.p01, valueSummary.p99, samples, workspace.bins),
    tornado: tornado(script, specs, evaluator),
    failures,
    ...(firstFailure !== undefined ? { firstFailure } : {}),
    overallColumn,
    overallP10: overallSummary.p10,
    overallP90: overallSummary.p90,
  };
}

/**
 * Where each input of a stretch comes from — its own param's drawer, or its shared assumption's
 * column — and the stretch it is read from (the kernel's, reused; taken anew for each
 * initiative, since taking more can move them all).
 */
function inputSources(
  model: InitiativeModel,
  context: SamplingContext,
  { stretches, rows }: KernelWorkspace,
  length: number,
): { sources: (Drawer | Float64Array)[]; inputs: Float64Array[] } {
  const { inputs: names } = model.script;
  const sources: (Drawer | Float64Array)[] = [];
  const inputs = stretches.map((stretch) => (length === STRETCH ? stretch : stretch.subarray(0, length)));
  let row = 0;
  for (const name of names) {
    const spec = model.params.get(name);
    if (spec) sources.push(drawer(spec, stream(context.seed, `${model.key}/${name}`), rows[row++]));
    else sources.push(context.shared.column(name)!);
  }
  return { sources, inputs };
}

/**
 * When the script assigns no overall, what fills overall[from … to): value / effort (the script's
 * effort, else effortDays) where effort > 0, else NaN. Undefined when the script assigns overall.
 */
function overallRule(
  written: readonly string[],
  value: Float64Array,
  effort: Float64Array,
  effortDays: number | null,
): ((overall: Float64Array, from: number, to: number) => void) | undefined {
  if (written.includes('overall')) return undefined;
  const days = effortDays ?? Number.NaN;
  const effortAssigned = written.includes('effort');
  return (overall, from, to) => {
    for (let s = from; s < to; s++) {
      const e = effortAssigned ? effort[s]! : days;
      overall[s] = e > 0 ? value[s]! / e : Number.NaN;
    }
  };
}

/** An initiative none of whose samples could be computed, for one reason. */
export function failedEverywhere(
  key: string,
  samples: number,
  reason: string,
  into: Float64Array = new Float64Array(samples),
): InitiativeSamples {
  return {
    key,
    value: null,
    overall: null,
    probValueNegative: 0,
    histogram: [],
    tornado: [],
    failures: samples,
    firstFailure: reason,
    overallColumn: into.fill(Number.NaN),
    overallP10: Number.NaN,
    overallP90: Number.NaN,
  };
}
