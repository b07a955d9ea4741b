/**
 * Sampling on worker threads: the initiatives are split into contiguous slices, one per worker;
 * each worker recompiles its formulas from their text and re-derives the same random streams
 * (worker-job.ts), so the samples are bit-identical to a single-threaded run. Only sampling and
 * evaluating runs here; ranking needs every column and runs on the calling thread.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DistributionSpec } from './distributions.js';
import type { InitiativeSamples } from './initiative-samples.js';
import type { WorkerJob } from './worker-job.js';

/** What parallel sampling needs of an initiative: its model as text, to recompile in the worker. */
export interface ParallelInitiative {
  key: string;
  formulaText: string;
  params: ReadonlyMap<string, DistributionSpec>;
  effortDays: number | null;
}

export async function sampleInWorkers(
  initiatives: readonly ParallelInitiative[],
  shared: ReadonlyMap<string, DistributionSpec>,
  seed: number,
  samples: number,
  workers: number,
): Promise<InitiativeSamples[]> {
  const count = Math.max(1, Math.min(workers, initiatives.length));
  const jobs: WorkerJob[] = [];
  for (let w = 0; w < count; w++) {
    const slice = initiatives.slice(
      Math.floor((w * initiatives.length) / count),
      Math.floor(((w + 1) * initiatives.length) / count),
    );
    jobs.push({
      seed,
      samples,
      shared: [...shared],
      initiatives: slice.map((i) => ({
        key: i.key,
        formulaText: i.formulaText,
        params: [...i.params],
        effortDays: i.effortDays,
      })),
    });
  }
  const started: Worker[] = [];
  try {
    const results = await Promise.all(jobs.map((job) => runWorker(job, started)));
    return results.flat();
  } finally {
    // After a failure the other workers' work is useless; after success they have all exited.
    for (const worker of started) void worker.terminate();
  }
}

function runWorker(job: WorkerJob, started: Worker[]): Promise<InitiativeSamples[]> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(job);
    started.push(worker);
    let done = false;
    worker.once('message', (results: InitiativeSamples[]) => {
      done = true;
      resolve(results);
    });
    worker.once('error', (error) => {
      done = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`a simulation worker exited with code ${code} before sending its samples`));
    });
  });
}

/**
 * Starts worker.js beside this module: built, this module is dist/uncertainty/parallel.js. Run from
 * source (vitest, tsx) it is parallel.ts, and a worker thread is plain Node, which cannot run the
 * TypeScript worker.ts: the thread then starts from a line of JavaScript that imports worker.ts
 * through tsx's `tsImport` (a dev dependency, so it is looked up on this path only). Node 20 does
 * not apply loader hooks that a worker registers itself (`execArgv: ['--import', 'tsx']`) to the
 * worker's own entry, hence the detour.
 */
function startWorker(job: WorkerJob): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here), { workerData: job });
  // tsx's package.json maps `tsx/esm/api` for `import` to this file.
  const api = new URL(
    './dist/esm/api/index.mjs',
    pathToFileURL(createRequire(here).resolve('tsx/package.json')),
  );
  const entry = new URL('./worker.ts', here);
  const bootstrap = `import(${JSON.stringify(api.href)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(here)}));`;
  return new Worker(bootstrap, { eval: true, workerData: job });
}
