/**
 * Ranking sample by sample: each sample is one possible world, in which every math model has one
 * overall and the rank is computed as scoring/activation.ts computes it for the real run. This is
 * the only step that needs every initiative's samples at once, so it keeps just one Float64Array
 * per initiative (its overall, turned into its priority in place) and allocates nothing per sample.
 */
import { finiteCount, lowerBound, roundPercent, selectNth } from './statistics.js';

export interface RankingInput {
  /** Per math-model initiative, its overall per sample (NaN: none); overwritten with its priority. */
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
 * Turns overalls into priorities: coefficient × overall, or, under 'percentile', coefficient × the
 * mid-rank percentile (0–100) of the overall among the math models that have one in that sample —
 * 100 × (lower + ½ × equal) / count, as `overallPercentiles` does. Then counts, per sample, who
 * ranks within the top N: competition ranking (ties share a rank, as `rankByPriority`) puts an item
 * within the top N exactly when its priority is at least the N-th highest of all priorities.
 * Unrounded: activation rounds to 10 digits, which can only matter for priorities equal to that
 * precision.
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
        column[s] = (coefficients[i]! * (100 * (lower + 0.5 * equal))) / count;
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      const column = columns[i]!;
      const coefficient = coefficients[i]!;
      for (let s = 0; s < samples; s++) column[s] = coefficient * column[s]!;
    }
  }
  // Products that overflow rank nowhere, as activation leaves their priority blank.
  for (const column of columns) {
    for (let s = 0; s < samples; s++) if (!Number.isFinite(column[s]!)) column[s] = Number.NaN;
  }

  const inTop = new Float64Array(m);
  const constantInTop = new Float64Array(constants.length);
  const finiteConstants = constants.filter((c) => Number.isFinite(c));
  const priorities = new Float64Array(m + finiteConstants.length);
  const top = new Float64Array(Math.max(0, Math.min(topN, SMALL_TOP)));
  // Samples go BLOCK at a time through a transposed copy, so that reading one sample's priorities
  // walks memory in order instead of touching a cache line in every column.
  const block = new Float64Array(BLOCK * m);
  // Nobody is in the top 0: no sample needs looking at.
  for (let start = 0; topN > 0 && start < samples; start += BLOCK) {
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
      for (const c of finiteConstants) priorities[count++] = c;
      const threshold =
        topN <= 0
          ? Number.POSITIVE_INFINITY
          : count <= topN
            ? Number.NEGATIVE_INFINITY
            : topN <= SMALL_TOP
              ? nthLargest(priorities, count, topN, top)
              : selectNth(priorities, 0, count, count - topN);
      for (let i = 0; i < m; i++) if (block[row + i]! >= threshold) inTop[i] = inTop[i]! + 1;
      for (let j = 0; j < constants.length; j++) {
        const c = constants[j]!;
        if (Number.isFinite(c) && c >= threshold) constantInTop[j] = constantInTop[j]! + 1;
      }
    }
  }
  return {
    pTopN: Array.from(inTop, (n) => roundPercent(n / samples)),
    constantPTopN: Array.from(constantInTop, (n) => roundPercent(n / samples)),
  };
}

/** Samples per block of the transposed copy rankSamples reads priorities from. */
const BLOCK = 16;
/** Up to this N, the N-th highest priority comes from a running top N instead of a selection. */
const SMALL_TOP = 32;

/**
 * The n-th largest of `values[0..count)` (count > n), counting equal values separately, as
 * `selectNth(values, 0, count, count − n)` gives it, without reordering them: `top` (n long) keeps
 * the n largest seen so far in ascending order, and most values fail the one comparison with its
 * smallest.
 */
function nthLargest(values: Float64Array, count: number, n: number, top: Float64Array): number {
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    let j = i;
    while (j > 0 && top[j - 1]! > v) {
      top[j] = top[j - 1]!;
      j--;
    }
    top[j] = v;
  }
  for (let i = n; i < count; i++) {
    const v = values[i]!;
    if (!(v > top[0]!)) continue;
    let j = 1;
    while (j < n && top[j]! < v) {
      top[j - 1] = top[j]!;
      j++;
    }
    top[j - 1] = v;
  }
  return top[0]!;
}
