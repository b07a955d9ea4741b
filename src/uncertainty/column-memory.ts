/**
 * Where a simulation's overall columns live: one SharedArrayBuffer, initiative i's column at
 * i × samples, which worker threads write into directly (nothing is allocated per initiative or
 * moved between threads). The memory of the last run is kept (up to SPARE_BYTES) for the next
 * one, so a process that simulates again and again (the dashboard, watch mode) allocates it once;
 * a run takes it while it uses it, so two runs at once never share it.
 */

/** The overall columns of one run. */
export interface OverallColumns {
  memory: SharedArrayBuffer;
  /** Initiative i's column: a view of `memory`. */
  column(i: number): Float64Array;
  /** Call once nothing reads the columns any more: the next run may fill them again. */
  release(): void;
}

/** Initiative i's overall column in `memory` (a worker thread reads the job's memory with it). */
export function overallColumnIn(memory: SharedArrayBuffer, samples: number, i: number): Float64Array {
  return new Float64Array(memory, i * samples * Float64Array.BYTES_PER_ELEMENT, samples);
}

const SPARE_BYTES = 16 * 1024 * 1024;
let spare: SharedArrayBuffer | undefined;

export function takeOverallColumns(count: number, samples: number): OverallColumns {
  const bytes = count * samples * Float64Array.BYTES_PER_ELEMENT;
  let memory: SharedArrayBuffer;
  if (spare && spare.byteLength >= bytes) {
    memory = spare;
    spare = undefined;
  } else {
    memory = new SharedArrayBuffer(bytes);
  }
  return {
    memory,
    column: (i) => overallColumnIn(memory, samples, i),
    release: () => {
      if (memory.byteLength <= SPARE_BYTES && (spare?.byteLength ?? 0) < memory.byteLength) spare = memory;
    },
  };
}
