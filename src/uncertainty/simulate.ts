/**
 * Monte Carlo over the math models of a run: every approved param with a range is drawn from its
 * distribution, each model is evaluated once per sample, and each sample is ranked as the real run
 * ranks (coefficient × overall, or its percentile). Pure: no I/O, no globals, no clock; the same
 * input and seed give the same result, whatever the number of worker threads.
 *
 * Where the randomness comes from: initiative K's param P is drawn from `stream(seed, 'K/P')` and
 * shared assumption S from `stream(seed, '*\/S')` (random.ts), so adding or removing an initiative
 * leaves every other initiative's draws unchanged.
 */
import type { CompiledScript } from '../formula/index.js';
import { type OverallColumns, takeOverallColumns } from './column-memory.js';
import type { DistributionSpec } from './distributions.js';
import { createSamplingContext, type InitiativeSamples, sampleInitiative } from './initiative-samples.js';
import { sampleInWorkers } from './parallel.js';
import { rankSamples } from './ranking.js';
import {
  compactValues,
  type HistogramBin,
  type Quantiles,
  quantilesOf,
  roundQuantile,
} from './statistics.js';
import type { TornadoBar } from './tornado.js';

export interface SimulatedInitiative {
  /** The initiative key: also the prefix of its params' random streams. */
  key: string;
  /** Its primary approved math model. */
  script: CompiledScript;
  /** The text `script` was compiled from: worker threads recompile it (scripts do not cross threads). */
  formulaText: string;
  /** Its own params, by input name; an input it has none for is read from the shared assumptions. */
  params: ReadonlyMap<string, DistributionSpec>;
  /** effort_engineering_days: the effort when the script assigns no `effort`; null when blank. */
  effortDays: number | null;
  /** strategic_priority_coefficient (1 when blank). */
  coefficient: number;
  /**
   * Whether it is in the rank as a math model (MATH_MODEL is its active framework and it has a
   * priority); default true. One that is not is simulated for its value, overall and tornado only:
   * no priority, no percentile share, P(top N) 0 — pass its real priority in `constants` if it is
   * ranked by another framework.
   */
  competes?: boolean;
}

export interface SimulationInput {
  initiatives: SimulatedInitiative[];
  /**
   * Shared assumptions (`*` rows): a name an initiative reads and does not define itself. Sampled
   * once per sample for all initiatives (stream id `*\/<name>`), so initiatives that share one
   * move together.
   */
  shared: ReadonlyMap<string, DistributionSpec>;
  /** Initiatives ranked by other frameworks (RICE/WSJF): constant priorities in every sample. */
  constants: readonly { key: string; priority: number }[];
  /** Samples per initiative, at least 1. */
  samples: number;
  /** The run's seed: any safe integer. */
  seed: number;
  /** P(top N) counts ranks 1..topN. */
  topN: number;
  /**
   * 'percentile' when the real rank normalizes (more than one framework in the rank): each sample
   * ranks math models by coefficient × the mid-rank percentile (0–100) of their overall among the
   * math models in that sample, as scoring/activation.ts does for one run; constants are already
   * normalized priorities. 'none': coefficient × overall.
   */
  normalize: 'percentile' | 'none';
}

export interface SimulationOptions {
  /**
   * Threads that sample and evaluate, the calling one included (2: it and one worker thread);
   * default 2 from 2,000,000 initiative-samples on (below that, starting a thread costs more than it
   * saves), else 1 (the calling thread alone).
   */
  workers?: number;
}

/** P10/P50/P90 to 4 significant digits. */
export type { Quantiles } from './statistics.js';

export interface InitiativeUncertainty {
  key: string;
  /** Quantiles of value over the samples that evaluated; null when every sample failed. */
  value: Quantiles | null;
  /** Quantiles of overall over the samples that have one; null when none has. */
  overall: Quantiles | null;
  /** Share of evaluated samples with value < 0, to 0.01. */
  probValueNegative: number;
  /** Priority P10/P90 (4 significant digits) over the samples that have one; null when it does not compete. */
  priority: { p10: number; p90: number } | null;
  /**
   * Share of all samples (to 0.01) in which its priority is among the topN highest, constants
   * included: competition ranking as rankByPriority, rank ≤ topN counts. A failed sample never does.
   */
  pTopN: number;
  /** Largest swing first. */
  tornado: TornadoBar[];
  /** Samples in which the model could not be evaluated. */
  failures: number;
  /** Why the first failed sample failed (the formula engine's message). */
  firstFailure?: string;
  /** Of value: about 20 bins between its P1 and P99. */
  histogram: HistogramBin[];
}

export interface SimulationResult {
  /** Per math-model initiative, by key. */
  initiatives: Map<string, InitiativeUncertainty>;
  /** P(top N) of each constant-priority initiative, by key: it moves as the math models move. */
  constants: Map<string, number>;
  samples: number;
}

/** Initiative-samples from which `simulate` uses two worker threads by default. */
export const PARALLEL_FROM = 2_000_000;

/** Runs the simulation on worker threads (see SimulationOptions) or on the calling thread. */
export async function simulate(
  input: SimulationInput,
  options: SimulationOptions = {},
): Promise<SimulationResult> {
  assertValidInput(input);
  const workers = options.workers ?? (input.initiatives.length * input.samples >= PARALLEL_FROM ? 2 : 1);
  if (workers <= 1 || input.initiatives.length < 2) return simulateSync(input);
  const context = createSamplingContext(input.seed, input.samples, input.shared);
  const columns = takeOverallColumns(input.initiatives.length, input.samples);
  const sampled = await sampleInWorkers(
    input.initiatives,
    input.shared,
    input.seed,
    input.samples,
    workers,
    columns,
    (index) => sampleInitiative(input.initiatives[index]!, context, columns.column(index)),
  );
  // (Should sampling fail, the memory is not handed back: a worker may still be writing into it.)
  return summarize(input, sampled, columns);
}

/** The simulation on the calling thread. */
export function simulateSync(input: SimulationInput): SimulationResult {
  assertValidInput(input);
  const context = createSamplingContext(input.seed, input.samples, input.shared);
  const columns = takeOverallColumns(input.initiatives.length, input.samples);
  return summarize(
    input,
    input.initiatives.map((initiative, i) => sampleInitiative(initiative, context, columns.column(i))),
    columns,
  );
}

function assertValidInput(input: SimulationInput): void {
  if (!Number.isInteger(input.samples) || input.samples < 1) {
    throw new RangeError(`samples must be a whole number of at least 1, not ${input.samples}`);
  }
  if (!Number.isInteger(input.topN) || input.topN < 0) {
    throw new RangeError(`topN must be a whole number of at least 0, not ${input.topN}`);
  }
}

/** Ranks the samples, then puts each initiative's figures together; then hands `memory` back. */
function summarize(
  input: SimulationInput,
  sampled: InitiativeSamples[],
  memory: OverallColumns,
): SimulationResult {
  const competing = input.initiatives.flatMap((initiative, i) => (initiative.competes === false ? [] : [i]));
  const columns = competing.map((i) => sampled[i]!.overallColumn);
  const ranking = rankSamples({
    columns,
    coefficients: competing.map((i) => input.initiatives[i]!.coefficient),
    constants: input.constants.map((c) => c.priority),
    samples: input.samples,
    topN: input.topN,
    normalize: input.normalize,
  });
  const scratch = new Float64Array(input.samples);
  const rankedAt = new Map(competing.map((i, c) => [i, c]));
  const initiatives = new Map<string, InitiativeUncertainty>();
  input.initiatives.forEach((initiative, i) => {
    const s = sampled[i]!;
    const c = rankedAt.get(i);
    let p10: number | undefined;
    let p90: number | undefined;
    if (c !== undefined && input.normalize === 'none' && initiative.coefficient === 1) {
      // Priority = 1 × overall, sample by sample: the same column, so the same quantiles.
      if (!Number.isNaN(s.overallP10)) [p10, p90] = [s.overallP10, s.overallP90];
    } else if (c !== undefined) {
      const count = compactValues(columns[c]!, scratch);
      if (count > 0) [p10, p90] = quantilesOf(scratch, count, [0.1, 0.9]);
    }
    initiatives.set(initiative.key, {
      key: initiative.key,
      value: s.value,
      overall: s.overall,
      probValueNegative: s.probValueNegative,
      priority:
        p10 === undefined || p90 === undefined ? null : { p10: roundQuantile(p10), p90: roundQuantile(p90) },
      pTopN: c === undefined ? 0 : ranking.pTopN[c]!,
      tornado: s.tornado,
      failures: s.failures,
      ...(s.firstFailure !== undefined ? { firstFailure: s.firstFailure } : {}),
      histogram: s.histogram,
    });
  });
  const constants = new Map(input.constants.map((c, j) => [c.key, ranking.constantPTopN[j]!]));
  memory.release();
  return { initiatives, constants, samples: input.samples };
}
