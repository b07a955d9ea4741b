/**
 * What a worker thread is asked to do: sample initiatives of a run, taking a few at a time from a
 * counter the threads share, until none are left. Everything in a job is structured-cloneable
 * (Maps become entry lists, a compiled script its formula text), and the worker re-derives every
 * random stream from the seed, shared assumptions included, so an initiative gives the same
 * numbers whichever thread computes it.
 */
import { formatIssue } from '../formula/index.js';
import { FormulaCache } from '../scoring/index.js';
import { overallColumnIn } from './column-memory.js';
import type { DistributionSpec } from './distributions.js';
import {
  createSamplingContext,
  failedEverywhere,
  type InitiativeSamples,
  type SamplingContext,
  sampleInitiative,
} from './initiative-samples.js';
import { takeInTurn } from './parallel.js';
import { packHistogram } from './statistics.js';

export interface WorkerJob {
  seed: number;
  samples: number;
  shared: [string, DistributionSpec][];
  /** The run's formula texts, each once (initiatives that share a model share its text). */
  formulas: string[];
  /** Every initiative of the run: the worker samples those it takes. */
  initiatives: {
    key: string;
    /** Its formula text: an index into `formulas`. */
    formula: number;
    params: [string, DistributionSpec][];
    effortDays: number | null;
  }[];
  /** One Int32: the next initiative nobody has taken (every thread adds `take` to take some). */
  counter: SharedArrayBuffer;
  take: number;
  /** The overall columns, initiative i's at i × samples: the worker writes those it samples. */
  columns: SharedArrayBuffer;
}

/**
 * The initiatives a worker sampled, by index in the job, and their samples: overall columns left
 * out (they are in the job's shared memory), histograms packed into one array each
 * (`packHistogram`), which copies between threads several times faster than twenty small objects.
 */
export interface WorkerResults {
  indices: number[];
  samples: WorkerSamples[];
}

export type WorkerSamples = Omit<InitiativeSamples, 'overallColumn' | 'histogram'> & {
  histogram: Float64Array;
};

/**
 * The formulas this thread compiled, kept from one job to the next: a kept worker then runs the
 * column loops it already optimized, rather than new ones the engine has to warm up every run.
 * Emptied when it grows past FORMULAS_KEPT texts.
 */
let formulas = new FormulaCache();
const FORMULAS_KEPT = 5_000;

/** Samples initiatives of the job, a few at a time, until the counter says none are left. */
export function runWorkerJob(job: WorkerJob): WorkerResults {
  const context = createSamplingContext(job.seed, job.samples, new Map(job.shared));
  if (formulas.size > FORMULAS_KEPT) formulas = new FormulaCache();
  const results: WorkerResults = { indices: [], samples: [] };
  takeInTurn(new Int32Array(job.counter), job.take, job.initiatives.length, (i) => {
    const column = overallColumnIn(job.columns, job.samples, i);
    const { overallColumn: _written, histogram, ...sampled } = sampleOne(job, i, context, column);
    results.indices.push(i);
    results.samples.push({ ...sampled, histogram: packHistogram(histogram) });
  });
  return results;
}

function sampleOne(
  job: WorkerJob,
  index: number,
  context: SamplingContext,
  column: Float64Array,
): InitiativeSamples {
  const initiative = job.initiatives[index]!;
  const { samples } = job;
  const check = formulas.check(job.formulas[initiative.formula]!);
  if (!check.compiled) {
    // The caller compiled the same text, so this means it sent a text other than its script's.
    return failedEverywhere(initiative.key, samples, check.errors.map(formatIssue).join('; '), column);
  }
  return sampleInitiative(
    {
      key: initiative.key,
      script: check.compiled,
      params: new Map(initiative.params),
      effortDays: initiative.effortDays,
    },
    context,
    column,
  );
}
