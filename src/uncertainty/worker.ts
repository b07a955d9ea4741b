/**
 * The entry of a simulation worker thread (started by parallel.ts): runs each job it is sent and
 * sends the initiatives' samples back, moving the columns' buffers instead of copying them.
 */
import { parentPort } from 'node:worker_threads';
import { runWorkerJob, type WorkerJob } from './worker-job.js';

if (!parentPort) throw new Error('worker.ts runs only as a worker thread of src/uncertainty/parallel.ts');
const port = parentPort;
port.on('message', (job: WorkerJob) => {
  const results = runWorkerJob(job);
  port.postMessage(
    results,
    results.samples.map((r) => r.overallColumn.buffer as ArrayBuffer),
  );
});
