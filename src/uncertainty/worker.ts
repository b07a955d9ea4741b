/**
 * The entry of a simulation worker thread (started by parallel.ts): runs each job it is sent and
 * sends the initiatives' summaries back (their overall columns are in the job's shared memory).
 */
import { parentPort } from 'node:worker_threads';
import { runWorkerJob, type WorkerJob } from './worker-job.js';

if (!parentPort) throw new Error('worker.ts runs only as a worker thread of src/uncertainty/parallel.ts');
const port = parentPort;
port.on('message', (job: WorkerJob) => {
  port.postMessage(runWorkerJob(job));
});
