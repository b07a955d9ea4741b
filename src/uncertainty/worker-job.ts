/**
 * What a worker thread is asked to do: sample a slice of the initiatives. Everything in a job is
 * structured-cloneable (Maps become entry lists, a compiled script its formula text), and the
 * worker re-derives every random stream from the seed, shared assumptions included, so a slice
 * gives the same numbers whichever thread computes it.
 */
import { formatIssue } from '../formula/index.js';
import { FormulaCache } from '../scoring/index.js';
import type { DistributionSpec } from './distributions.js';
import {
  createSamplingContext,
  failedEverywhere,
  type InitiativeSamples,
  sampleInitiative,
} from './initiative-samples.js';

export interface WorkerJob {
  seed: number;
  samples: number;
  shared: [string, DistributionSpec][];
  initiatives: {
    key: string;
    formulaText: string;
    params: [string, DistributionSpec][];
    effortDays: number | null;
  }[];
}

/**
 * The formulas this thread compiled, kept from one job to the next: a kept worker then runs the
 * column loops it already optimized, rather than new ones the engine has to warm up every run.
 * Emptied when it grows past FORMULAS_KEPT texts.
 */
let formulas = new FormulaCache();
const FORMULAS_KEPT = 5_000;

export function runWorkerJob(job: WorkerJob): InitiativeSamples[] {
  const context = createSamplingContext(job.seed, job.samples, new Map(job.shared));
  if (formulas.size > FORMULAS_KEPT) formulas = new FormulaCache();
  return job.initiatives.map((initiative) => {
    const check = formulas.check(initiative.formulaText);
    if (!check.compiled) {
      // The caller compiled the same text, so this means it sent a text other than its script's.
      return failedEverywhere(initiative.key, job.samples, check.errors.map(formatIssue).join('; '));
    }
    return sampleInitiative(
      {
        key: initiative.key,
        script: check.compiled,
        params: new Map(initiative.params),
        effortDays: initiative.effortDays,
      },
      context,
    );
  });
}
