/**
 * Sampling on several threads: every thread, the calling one included, takes the next few
 * initiatives from a shared counter until none are left, so a thread that runs slower (one that
 * was idle, one a busy machine gives less time) simply takes fewer, and the work ends at about the
 * same time on all of them. Each worker recompiles the formulas from their text and re-derives the
 * same random streams (worker-job.ts), so an initiative's samples are bit-identical whichever
 * thread computes it. Every thread writes overall columns into one shared memory (column-memory.ts).
 * Only sampling and evaluating runs here; ranking needs every column and runs on the calling
 * thread afterwards.
 *
 * Workers are kept once started, idle and not holding the process open, so a long-running process
 * (the dashboard, watch mode) pays a thread's start-up once rather than on every run.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { OverallColumns } from './column-memory.js';
import type { DistributionSpec } from './distributions.js';
import type { InitiativeSamples } from './initiative-samples.js';
import { unpackHistogram } from './statistics.js';
import type { WorkerJob, WorkerResults } from './worker-job.js';

/** What parallel sampling needs of an initiative: its model as text, to recompile in the worker. */
export interface ParallelInitiative {
  key: string;
  formulaText: string;
  params: ReadonlyMap<string, DistributionSpec>;
  effortDays: number | null;
}

/**
 * Samples the initiatives on `threads` threads, the calling one included: `here(i)` samples
 * initiative i on this thread (with its compiled script) into `columns.column(i)`; worker threads
 * sample the others straight into the same shared memory. Returns the samples in the
 * initiatives' order.
 */
export async function sampleInWorkers<T extends ParallelInitiative>(
  initiatives: readonly T[],
  shared: ReadonlyMap<string, DistributionSpec>,
  seed: number,
  samples: number,
  threads: number,
  columns: OverallColumns,
  here: (index: number) => InitiativeSamples,
): Promise<InitiativeSamples[]> {
  const count = initiatives.length;
  const workers = Math.max(0, Math.min(threads, count) - 1);
  const counter = new Int32Array(new SharedArrayBuffer(4));
  // A take is about TAKE_SAMPLES initiative-samples (under a millisecond), and at most an eighth of
  // a thread's share: the threads then end within about a take of each other, and taking (one
  // atomic add) still costs nothing beside the work taken.
  const take = Math.max(
    1,
    Math.min(Math.floor(TAKE_SAMPLES / samples), Math.ceil(count / ((workers + 1) * 8))),
  );
  // Each text once: a thousand initiatives often share a handful of models.
  const texts = new Map<string, number>();
  for (const { formulaText } of initiatives) if (!texts.has(formulaText)) texts.set(formulaText, texts.size);
  const job: WorkerJob = {
    seed,
    samples,
    shared: [...shared],
    formulas: [...texts.keys()],
    initiatives: initiatives.map((i) => ({
      key: i.key,
      formula: texts.get(i.formulaText)!,
      params: [...i.params],
      effortDays: i.effortDays,
    })),
    counter: counter.buffer as SharedArrayBuffer,
    take,
    columns: columns.memory,
  };
  // The workers start first, so they run while this thread samples its share.
  const elsewhere = Array.from({ length: workers }, () => runJob(job));
  // A rejection must not go unhandled while this thread is busy: it is awaited below.
  for (const pending of elsewhere) pending.catch(() => {});
  const results: (InitiativeSamples | undefined)[] = new Array(count);
  takeInTurn(counter, take, count, (i) => {
    results[i] = here(i);
  });
  for (const done of await Promise.all(elsewhere)) {
    done.indices.forEach((index, k) => {
      const sampled = done.samples[k]!;
      results[index] = {
        ...sampled,
        histogram: unpackHistogram(sampled.histogram),
        overallColumn: columns.column(index),
      };
    });
  }
  return results.map((result, i) => {
    if (!result) throw new Error(`internal error: no thread sampled initiative ${initiatives[i]!.key}`);
    return result;
  });
}

/**
 * Visits indices 0 … count − 1 that this thread takes from `counter` (shared by every thread of a
 * run), `take` at a time, until none are left.
 */
export function takeInTurn(
  counter: Int32Array,
  take: number,
  count: number,
  visit: (index: number) => void,
): void {
  for (let start = Atomics.add(counter, 0, take); start < count; start = Atomics.add(counter, 0, take)) {
    const end = Math.min(count, start + take);
    for (let i = start; i < end; i++) visit(i);
  }
}

/** Initiative-samples in one take of the shared counter, at most. */
const TAKE_SAMPLES = 4096;

/** Started workers with no job. */
const idle: Worker[] = [];

/** Stops the idle workers (they never hold the process open; this frees them sooner). */
export async function closeSimulationWorkers(): Promise<void> {
  await Promise.all(idle.splice(0).map((worker) => worker.terminate()));
}

function runJob(job: WorkerJob): Promise<WorkerResults> {
  const worker = idle.pop() ?? startWorker();
  // Busy, it keeps the process alive until it answers.
  worker.ref();
  return new Promise((resolve, reject) => {
    const finish = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (results: WorkerResults) => {
      finish();
      worker.unref();
      idle.push(worker);
      resolve(results);
    };
    const onError = (error: Error) => {
      finish();
      void worker.terminate();
      reject(error);
    };
    const onExit = (code: number) => {
      finish();
      reject(new Error(`a simulation worker exited with code ${code} before sending its samples`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(job);
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
function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here));
  // tsx's package.json maps `tsx/esm/api` for `import` to this file.
  const api = new URL(
    './dist/esm/api/index.mjs',
    pathToFileURL(createRequire(here).resolve('tsx/package.json')),
  );
  const entry = new URL('./worker.ts', here);
  const bootstrap = `import(${JSON.stringify(api.href)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(here)}));`;
  return new Worker(bootstrap, { eval: true });
}
