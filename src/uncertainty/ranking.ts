/**
 * Ranking sample by sample: each sample is one possible world, in which every math model has one
 * overall and the rank is computed as scoring/activation.ts computes it for the real run. This is
 * the only step that needs every initiative's samples at once, so it keeps just one Float64Array
 * per initiative (its overall, turned into its priority in place) and allocates nothing per sample.
 */
import { finiteCount, lowerBound, roundPercent, selectNth } from './statistics.js';

export interface RankingInput {
  /**
   * Per math-model initiative, its overall per sample (finite, or NaN: none); overwritten with its
   * priority.
   */
  columns: Float64Array[];
  /** Per math-model initiative, its strategic_priority_coefficient. */
  coefficients: readonly number[];
  /** Priorities of initiatives ranked by other frameworks, the same in every sample. */
  constants: readonly number[];
  samples: number;
  topN: number;
  normalize: 'percentile' | 'none';
}

export interface RankingOutcome {
  /** Per math-model initiative, the share of samples in which it ranks within the top N. */
  pTopN: number[];
  /** Per constant, the same share. */
  constantPTopN: number[];
}

/**
 * Turns overalls (each finite or NaN) into priorities: coefficient × overall, or, under
 * 'percentile', coefficient × the mid-rank percentile (0–100) of the overall among the math models
 * that have one in that sample — 100 × (lower + ½ × equal) / count, as `overallPercentiles` does.
 * Then counts, per sample, who ranks within the top N: competition ranking (ties share a rank, as
 * `rankByPriority`) puts an item within the top N exactly when its priority is at least the N-th
 * highest of all priorities. Unrounded: activation rounds to 10 digits, which can only matter for
 * priorities equal to that precision.
 */
export function rankSamples(input: RankingInput): RankingOutcome {
  const { columns, coefficients, constants, samples, topN } = input;
  const m = columns.length;
  if (input.normalize === 'percentile') {
    const overalls = new Float64Array(m);
    for (let s = 0; s < samples; s++) {
      for (let i = 0; i < m; i++) overalls[i] = columns[i]![s]!;
      overalls.sort();
      const count = finiteCount(overalls);
      for (let i = 0; i < m; i++) {
        const column = columns[i]!;
        const o = column[s]!;
        if (Number.isNaN(o)) continue;
        const lower = lowerBound(overalls, count, o);
        const equal = lowerBound(overalls, count, o, true) - lower;
        const p = (coefficients[i]! * (100 * (lower + 0.5 * equal))) / count;
        // Products that overflow rank nowhere, as activation leaves their priority blank.
        column[s] = p - p === 0 ? p : Number.NaN;
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      const column = columns[i]!;
      const coefficient = coefficients[i]!;
      // 1 × an overall is that overall, which is finite or NaN already.
      if (coefficient === 1) continue;
      for (let s = 0; s < samples; s++) {
        const p = coefficient * column[s]!;
        // Products that overflow rank nowhere, as activation leaves their priority blank.
        column[s] = p - p === 0 ? p : Number.NaN;
      }
    }
  }

  const finiteConstants = constants.filter((c) => Number.isFinite(c));
  // Nobody is in the top 0: no sample needs looking at.
  const thresholds =
    topN <= 0
      ? null
      : topN <= COLUMNWISE_TOP && samples * topN <= COLUMNWISE_CELLS
        ? thresholdsByColumn(columns, finiteConstants, samples, topN)
        : thresholdsBySample(columns, finiteConstants, samples, topN);
  const inTop = new Float64Array(m);
  const constantInTop = new Float64Array(constants.length);
  if (thresholds) {
    for (let i = 0; i < m; i++) {
      const column = columns[i]!;
      let n = 0;
      // NaN is never ≥ anything.
      for (let s = 0; s < samples; s++) if (column[s]! >= thresholds[s]!) n++;
      inTop[i] = n;
    }
    constants.forEach((c, j) => {
      let n = 0;
      if (Number.isFinite(c)) for (let s = 0; s < samples; s++) if (c >= thresholds[s]!) n++;
      constantInTop[j] = n;
    });
  }
  return {
    pTopN: Array.from(inTop, (n) => roundPercent(n / samples)),
    constantPTopN: Array.from(constantInTop, (n) => roundPercent(n / samples)),
  };
}

/** Up to this N (and samples × N cells), thresholds come column by column; above, sample by sample. */
const COLUMNWISE_TOP = 64;
const COLUMNWISE_CELLS = 4_000_000;

/**
 * Per sample, the lowest priority still within the top N: the N-th highest of the sample's
 * priorities and the constants, counting equal values separately, or −∞ when there are N or fewer.
 * An item is in the top N exactly when its priority is at least that. Built column by column: each
 * sample keeps its N highest so far in ascending order (`tops`), with the lowest of them also in
 * `floor`, which reading a column walks in step, so memory is read in order; after the first few
 * columns almost every value fails its one comparison with the floor.
 */
function thresholdsByColumn(
  columns: readonly Float64Array[],
  constants: readonly number[],
  samples: number,
  n: number,
): Float64Array {
  // The constants are the same in every sample: their top N, once, is every sample's start.
  const start = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  for (const c of constants) insertAbove(start, 0, n, c);
  const tops = new Float64Array(samples * n);
  const floor = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    tops.set(start, s * n);
    floor[s] = start[0]!;
  }
  for (const column of columns) {
    for (let s = 0; s < samples; s++) {
      const v = column[s]!;
      // NaN fails the comparison: a failed sample ranks nowhere.
      if (v > floor[s]!) floor[s] = insertAbove(tops, s * n, n, v);
    }
  }
  return floor;
}

/**
 * Puts `v` (> the lowest) into the ascending run `top[at..at+n)` in place of its lowest value;
 * returns the new lowest.
 */
function insertAbove(top: Float64Array, at: number, n: number, v: number): number {
  if (!(v > top[at]!)) return top[at]!;
  let j = at + 1;
  const end = at + n;
  while (j < end && top[j]! < v) {
    top[j - 1] = top[j]!;
    j++;
  }
  top[j - 1] = v;
  return top[at]!;
}

/** The same thresholds sample by sample, for an N too large to keep N values per sample. */
function thresholdsBySample(
  columns: readonly Float64Array[],
  constants: readonly number[],
  samples: number,
  topN: number,
): Float64Array {
  const m = columns.length;
  const thresholds = new Float64Array(samples);
  const priorities = new Float64Array(m + constants.length);
  // Samples go BLOCK at a time through a transposed copy, so that reading one sample's priorities
  // walks memory in order instead of touching a cache line in every column.
  const block = new Float64Array(BLOCK * m);
  for (let start = 0; start < samples; start += BLOCK) {
    const end = Math.min(samples, start + BLOCK);
    for (let i = 0; i < m; i++) {
      const column = columns[i]!;
      for (let s = start; s < end; s++) block[(s - start) * m + i] = column[s]!;
    }
    for (let s = start; s < end; s++) {
      const row = (s - start) * m;
      let count = 0;
      for (let i = 0; i < m; i++) {
        const p = block[row + i]!;
        if (!Number.isNaN(p)) priorities[count++] = p;
      }
      for (const c of constants) priorities[count++] = c;
      thresholds[s] =
        count <= topN ? Number.NEGATIVE_INFINITY : selectNth(priorities, 0, count, count - topN);
    }
  }
  return thresholds;
}

/** Samples per block of the transposed copy rankSamples reads priorities from. */
const BLOCK = 16;
