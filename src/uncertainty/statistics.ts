/**
 * Summaries of sample columns, and the rounding that keeps them stable: a cell is printed from a
 * rounded figure, so Monte Carlo noise below the printed precision cannot flip it between runs.
 * Columns hold NaN for samples that have no value. Quantiles come from selection, not sorting:
 * a few O(n) quickselects cost less than one sort of 10,000 doubles, which adds up over a thousand
 * initiatives.
 */

import { SLICES, samplingKernel } from './kernel.js';

export interface Quantiles {
  p10: number;
  p50: number;
  p90: number;
}

export interface HistogramBin {
  /** Inclusive lower edge. */
  from: number;
  /** Exclusive upper edge, except for the last bin, which includes it. */
  to: number;
  count: number;
}

/** How many bins a histogram has between its P1 and P99. */
const BINS = 20;
export const HISTOGRAM_BINS = BINS;

/** Significant digits of a quantile, as cells print them. */
const QUANTILE_DIGITS = 4;

/** `x` to 4 significant digits (0 for −0). */
export function roundQuantile(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x === 0 ? 0 : x;
  return Number(x.toPrecision(QUANTILE_DIGITS));
}

/** A probability or a share to 0.01: a whole percent. */
export function roundPercent(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Copies the values of `column` that are not NaN to the front of `into`; returns how many. */
export function compactValues(column: Float64Array, into: Float64Array): number {
  let count = 0;
  for (let i = 0; i < column.length; i++) {
    const v = column[i]!;
    if (!Number.isNaN(v)) into[count++] = v;
  }
  return count;
}

/**
 * The quantiles (R's type 7: linear between the order statistics around (count − 1)·p) at `ps` of
 * `values[0..count)`, which it may reorder; `span`, when the caller knows it, is their least and
 * greatest. Exact: the order statistics a sort would give. Long
 * columns go by buckets (`orderStatisticsByBuckets`); otherwise only the lower order statistic of
 * each quantile is selected, middle first, each selection splitting the range for the others; the
 * one just above it is then the smallest value between it and the next selected one, a short scan.
 */
export function quantilesOf(
  values: Float64Array,
  count: number,
  ps: readonly number[],
  span?: Span,
): number[] {
  if (count >= BUCKETS_FROM) {
    const found = orderStatisticsByBuckets(values, count, ranksOf(count, ps), span);
    if (found) return interpolate(found, count, ps);
  }
  const floors = [...new Set(ps.map((p) => Math.floor((count - 1) * p)))].sort((a, b) => a - b);
  selectAll(values, 0, count, floors, 0, floors.length);
  return ps.map((p) => {
    const h = (count - 1) * p;
    const k = Math.floor(h);
    const low = values[k]!;
    if (h === k || k + 1 >= count) return low;
    // values(k, next] are all ≥ values[k] and ≤ values[next]: the (k+1)-th is their minimum.
    const at = floors.indexOf(k);
    const end = at + 1 < floors.length ? floors[at + 1]! : count - 1;
    let high = values[k + 1]!;
    for (let i = k + 2; i <= end; i++) if (values[i]! < high) high = values[i]!;
    return low + (h - k) * (high - low);
  });
}

/** The order statistics (0-based ranks) that the type-7 quantiles at `ps` of `count` values read. */
function ranksOf(count: number, ps: readonly number[]): number[] {
  const ranks = new Set<number>();
  for (const p of ps) {
    const h = (count - 1) * p;
    const k = Math.floor(h);
    ranks.add(k);
    if (h > k && k + 1 < count) ranks.add(k + 1);
  }
  return [...ranks];
}

/** The type-7 quantiles at `ps` from the order statistics `ranksOf` asked for. */
function interpolate(found: ReadonlyMap<number, number>, count: number, ps: readonly number[]): number[] {
  return ps.map((p) => {
    const h = (count - 1) * p;
    const k = Math.floor(h);
    const low = found.get(k)!;
    return h === k || k + 1 >= count ? low : low + (h - k) * (found.get(k + 1)! - low);
  });
}

/** From this many values on, quantilesOf finds order statistics by buckets. */
const BUCKETS_FROM = 2048;
/** Equal-width buckets between the least and the greatest value. */
const BUCKETS = 1024;
if (BUCKETS !== SLICES) throw new Error('statistics and the kernel disagree on the number of slices');

/** The least and the greatest of some values. */
export interface Span {
  least: number;
  greatest: number;
}

/** Reused by every call on this thread: per bucket, its count, then where its values go. */
const bucketCounts = new Int32Array(BUCKETS);
const bucketNext = new Int32Array(BUCKETS);
/** Reused, grown as needed: the values of the buckets that hold a wanted rank. */
let bucketValues = new Float64Array(1024);
/** The last bucket. (Loops read module constants that are not exported: V8 folds only those.) */
const LAST_BUCKET = BUCKETS - 1;

/**
 * The order statistics `ranks` (0-based) of `values[0..count)`, exactly, in three passes and no
 * comparison sort: the least and greatest value (unless `span` gives them); how many values fall
 * in each of BUCKETS equal slices of that span; then the values of the slices that hold a wanted
 * rank are selected from (`orderStatisticsInSlices`). Null when the span is too wide to be a
 * number (values near ±Number.MAX_VALUE) or too narrow to be cut into slices.
 */
function orderStatisticsByBuckets(
  values: Float64Array,
  count: number,
  ranks: readonly number[],
  span?: Span,
): Map<number, number> | null {
  let least: number;
  let greatest: number;
  if (span) {
    ({ least, greatest } = span);
  } else {
    least = values[0]!;
    greatest = least;
    for (let i = 1; i < count; i++) {
      const v = values[i]!;
      if (v < least) least = v;
      else if (v > greatest) greatest = v;
    }
  }
  if (least === greatest) return new Map(ranks.map((rank) => [rank, least]));
  // Null as well for a span so narrow that BUCKETS / width is not a number (subnormal steps).
  const perWidth = BUCKETS / (greatest - least);
  if (!Number.isFinite(perWidth) || perWidth === 0) return null;
  const counts = bucketCounts;
  counts.fill(0);
  for (let i = 0; i < count; i++) {
    // The slice orderStatisticsInSlices finds again (x is in [0, BUCKETS] here).
    const x = (values[i]! - least) * perWidth;
    const b = x < BUCKETS ? x | 0 : LAST_BUCKET;
    counts[b] = counts[b]! + 1;
  }
  return orderStatisticsInSlices(values, count, least, perWidth, counts, ranks);
}

/**
 * The order statistics `ranks` of the values of `column[0..length)` that are not NaN (NaN is
 * skipped), given how many fall in each of BUCKETS slices: a value v is in slice
 * ⌊(v − origin) × perWidth⌋, clamped to the first and last. That slice never decreases as v
 * grows, so every value of one slice is ≤ every value of the next and the counts say which slice
 * holds each rank; only the values of those slices are copied out and selected from — a few
 * percent of the column, unless the values crowd into one slice (then it is merely no faster than
 * selecting). The column is left as it is.
 */
function orderStatisticsInSlices(
  column: Float64Array,
  length: number,
  origin: number,
  perWidth: number,
  counts: Int32Array,
  ranks: readonly number[],
  slices?: Slices,
): Map<number, number> {
  // In the kernel (kernel.ts) when the column and `slices` are in its memory.
  const inKernel = slices !== undefined && samplingKernel.holds(column) && samplingKernel.holds(slices.next);
  // Each rank's slice, and how many values lie in the slices before it; -1: a slice not wanted.
  const next = inKernel ? slices.next : bucketNext;
  next.fill(-1);
  const sorted = [...ranks].sort((a, b) => a - b);
  const sliceOf: { bucket: number; before: number; start: number }[] = [];
  let bucket = 0;
  let before = 0;
  let gathered = 0;
  for (const rank of sorted) {
    while (before + counts[bucket]! <= rank) before += counts[bucket++]!;
    if (next[bucket] === -1) {
      next[bucket] = gathered;
      gathered += counts[bucket]!;
    }
    sliceOf.push({ bucket, before, start: 0 });
  }
  for (const slice of sliceOf) slice.start = next[slice.bucket]!;
  // The wanted slices' values, each slice in its own stretch of `inside`.
  let inside: Float64Array;
  if (inKernel && slices.inside.length >= gathered) {
    inside = slices.inside;
    samplingKernel.extract(column, length, origin, perWidth, next, inside);
  } else {
    if (bucketValues.length < gathered) bucketValues = new Float64Array(gathered);
    inside = bucketValues;
    for (let i = 0; i < length; i++) {
      const v = column[i]!;
      const x = (v - origin) * perWidth;
      // NaN fails both tests, and is skipped below.
      const b = x < BUCKETS ? (x >= 0 ? x | 0 : 0) : LAST_BUCKET;
      const at = next[b]!;
      if (at !== -1 && !Number.isNaN(v)) {
        inside[at] = v;
        next[b] = at + 1;
      }
    }
  }
  const found = new Map<number, number>();
  sorted.forEach((rank, r) => {
    const { bucket: b, before: under, start } = sliceOf[r]!;
    found.set(rank, selectNth(inside, start, start + counts[b]!, start + rank - under));
  });
  return found;
}

/** Where order statistics gather values in the kernel's memory (its workspace's `slices`). */
export interface Slices {
  next: Int32Array;
  inside: Float64Array;
}

/**
 * A column's values tallied a stretch at a time while the stretch is in the processor's cache
 * (`add`), so that its quantiles (`talliedQuantiles`) need one more pass over the column rather
 * than three: how many values are finite, how many below 0, the least and greatest, and how many
 * fall in each of BUCKETS equal slices of a grid laid over the first stretch that has values (its
 * span, widened by half of it on each side). A value off the grid counts in the first or last
 * slice: slices still never decrease as values grow, which is all `orderStatisticsInSlices` needs;
 * a poor grid only makes it slower. Values that are not finite are set to NaN and not counted.
 */
export class ColumnTally implements Span {
  count = 0;
  negative = 0;
  least = Number.POSITIVE_INFINITY;
  greatest = Number.NEGATIVE_INFINITY;
  counts: Int32Array = new Int32Array(BUCKETS);
  /** The grid: slice ⌊(v − origin) × perWidth⌋; perWidth NaN until a stretch has had a value. */
  origin = 0;
  perWidth = Number.NaN;

  /**
   * Empties it for another column; `counts` (BUCKETS long) is where it counts from now on — in
   * the kernel's memory, `add` runs there for columns in that memory too.
   */
  reset(counts?: Int32Array): this {
    if (counts) this.counts = counts;
    this.count = 0;
    this.negative = 0;
    this.least = Number.POSITIVE_INFINITY;
    this.greatest = Number.NEGATIVE_INFINITY;
    this.counts.fill(0);
    this.origin = 0;
    this.perWidth = Number.NaN;
    return this;
  }

  /** Tallies column[from … to), setting what is not finite there to NaN. */
  add(column: Float64Array, from: number, to: number): void {
    if (Number.isNaN(this.perWidth)) this.layGrid(column, from, to);
    if (samplingKernel.holds(column) && samplingKernel.holds(this.counts) && !Number.isNaN(this.perWidth)) {
      this.count += samplingKernel.tally(column, from, to, this.origin, this.perWidth, this.counts, this);
      return;
    }
    const { counts, origin, perWidth } = this;
    let { count, negative, least, greatest } = this;
    for (let s = from; s < to; s++) {
      const v = column[s]!;
      if (v - v === 0) {
        count++;
        if (v < 0) negative++;
        if (v < least) least = v;
        if (v > greatest) greatest = v;
        const x = (v - origin) * perWidth;
        const b = x < BUCKETS ? (x >= 0 ? x | 0 : 0) : LAST_BUCKET;
        counts[b] = counts[b]! + 1;
      } else {
        column[s] = Number.NaN;
      }
    }
    this.count = count;
    this.negative = negative;
    this.least = least;
    this.greatest = greatest;
  }

  /** Lays the grid over the finite values of column[from … to), if there are any. */
  private layGrid(column: Float64Array, from: number, to: number): void {
    let least = Number.POSITIVE_INFINITY;
    let greatest = Number.NEGATIVE_INFINITY;
    for (let s = from; s < to; s++) {
      const v = column[s]!;
      if (v - v !== 0) continue;
      if (v < least) least = v;
      if (v > greatest) greatest = v;
    }
    if (least > greatest) return;
    // One value (or one repeated): a grid as wide as the value, or 1 around 0.
    const width = greatest > least ? 2 * (greatest - least) : Math.abs(least) || 1;
    const origin = least / 2 + greatest / 2 - width / 2;
    const perWidth = BUCKETS / width;
    // A grid too wide or too narrow to be numbers: every value in the first slice, still in order.
    const usable = Number.isFinite(origin) && Number.isFinite(perWidth) && perWidth > 0;
    this.origin = usable ? origin : 0;
    this.perWidth = usable ? perWidth : 0;
  }
}

/**
 * The quantiles (as `quantilesOf`) at `ps` of the values `tally` counted in column[0 … length),
 * which hold NaN where there is none; the column is left as it is. Few values are copied to
 * `scratch` (at least `tally.count` long) and selected there.
 */
export function talliedQuantiles(
  column: Float64Array,
  length: number,
  tally: ColumnTally,
  ps: readonly number[],
  scratch: Float64Array,
  slices?: Slices,
): number[] {
  const { count } = tally;
  if (count === 0) return ps.map(() => Number.NaN);
  if (tally.least === tally.greatest) return ps.map(() => tally.least);
  if (count < BUCKETS_FROM || Number.isNaN(tally.perWidth)) {
    const n = compactValues(length === column.length ? column : column.subarray(0, length), scratch);
    return quantilesOf(scratch, n, ps, tally);
  }
  const found = orderStatisticsInSlices(
    column,
    length,
    tally.origin,
    tally.perWidth,
    tally.counts,
    ranksOf(count, ps),
    slices,
  );
  return interpolate(found, count, ps);
}

/** Puts each order statistic `ks[kFrom..kTo)` (ascending) of `values[from..to)` in its place. */
function selectAll(
  values: Float64Array,
  from: number,
  to: number,
  ks: number[],
  kFrom: number,
  kTo: number,
): void {
  if (kFrom >= kTo) return;
  const middle = (kFrom + kTo) >>> 1;
  const k = ks[middle]!;
  selectNth(values, from, to, k);
  selectAll(values, from, k, ks, kFrom, middle);
  selectAll(values, k + 1, to, ks, middle + 1, kTo);
}

/** What `summarizeValues` finds: the unrounded P10 and P90 besides the rounded quantiles. */
export interface ColumnSummary {
  quantiles: Quantiles | null;
  /** Unrounded; NaN when there are no values. */
  p10: number;
  p90: number;
  /** The histogram's span; NaN unless asked for, or when there are no values. */
  p01: number;
  p99: number;
  count: number;
}

/**
 * P10, P50 and P90 of `values[0..count)` — gathered values, none NaN, which it reorders — rounded,
 * and P10 and P90 unrounded, with `bounds` the P1 and P99 a histogram spans; `span` is their least
 * and greatest when the caller knows them.
 */
export function summarizeValues(
  values: Float64Array,
  count: number,
  bounds = true,
  span?: Span,
): ColumnSummary {
  if (count === 0) return summary([], count);
  return summary(quantilesOf(values, count, bounds ? WITH_BOUNDS : WITHOUT_BOUNDS, span), count);
}

/** `summarizeValues` of the values `tally` counted in column[0 … length) (`talliedQuantiles`). */
export function summarizeTallied(
  column: Float64Array,
  length: number,
  tally: ColumnTally,
  bounds: boolean,
  scratch: Float64Array,
  slices?: Slices,
): ColumnSummary {
  if (tally.count === 0) return summary([], 0);
  const ps = bounds ? WITH_BOUNDS : WITHOUT_BOUNDS;
  return summary(talliedQuantiles(column, length, tally, ps, scratch, slices), tally.count);
}

const WITHOUT_BOUNDS = [0.1, 0.5, 0.9];
const WITH_BOUNDS = [0.1, 0.5, 0.9, 0.01, 0.99];

/** A ColumnSummary from the quantiles at WITH_BOUNDS or WITHOUT_BOUNDS (none when there are no values). */
function summary(found: readonly number[], count: number): ColumnSummary {
  const none = Number.NaN;
  if (count === 0) return { quantiles: null, p10: none, p90: none, p01: none, p99: none, count };
  const [p10 = none, p50 = none, p90 = none, p01 = none, p99 = none] = found;
  return {
    quantiles: { p10: roundQuantile(p10), p50: roundQuantile(p50), p90: roundQuantile(p90) },
    p10,
    p90,
    p01,
    p99,
    count,
  };
}

/**
 * `HISTOGRAM_BINS` equal bins from `from` (the column's P1) to `to` (its P99), counting the values
 * inside: the 2% of tails outside are left out, so that one far outlier does not squeeze the rest
 * into one bin. When P1 = P99 there is one bin of width 0. Only column[0 … length) is counted.
 * With `cells` (at least 20 counts) and the column both in the kernel's memory, it counts there.
 */
export function histogram(
  column: Float64Array,
  from: number,
  to: number,
  length = column.length,
  cells?: Int32Array,
): HistogramBin[] {
  if (!Number.isFinite(from) || !Number.isFinite(to)) return [];
  if (!(to > from)) {
    let equal = 0;
    for (let i = 0; i < length; i++) if (column[i] === from) equal++;
    return [{ from, to: from, count: equal }];
  }
  const width = (to - from) / BINS;
  const perWidth = BINS / (to - from);
  let counts: Float64Array | Int32Array;
  if (cells && samplingKernel.holds(column) && samplingKernel.holds(cells) && cells.length >= BINS) {
    counts = cells.fill(0, 0, BINS).subarray(0, BINS);
    samplingKernel.histogram(column, length, from, to, perWidth, cells, BINS);
  } else {
    counts = new Float64Array(BINS);
    for (let i = 0; i < length; i++) {
      const v = column[i]!;
      // NaN fails both comparisons.
      if (!(v >= from && v <= to)) continue;
      const bin = Math.min(BINS - 1, ((v - from) * perWidth) | 0);
      counts[bin] = counts[bin]! + 1;
    }
  }
  return Array.from(counts, (count, b) => ({
    from: from + b * width,
    to: b === BINS - 1 ? to : from + (b + 1) * width,
    count,
  }));
}

/** A histogram's bins as one array: from, to and count of each bin in turn. */
export function packHistogram(bins: readonly HistogramBin[]): Float64Array {
  const packed = new Float64Array(3 * bins.length);
  bins.forEach((bin, b) => {
    packed[3 * b] = bin.from;
    packed[3 * b + 1] = bin.to;
    packed[3 * b + 2] = bin.count;
  });
  return packed;
}

/** The bins `packHistogram` packed. */
export function unpackHistogram(packed: Float64Array): HistogramBin[] {
  const bins: HistogramBin[] = [];
  for (let at = 0; at + 2 < packed.length; at += 3) {
    bins.push({ from: packed[at]!, to: packed[at + 1]!, count: packed[at + 2]! });
  }
  return bins;
}

/** The number of values before the first NaN of an ascending array (a Float64Array sorts NaN last). */
export function finiteCount(sorted: Float64Array): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (Number.isNaN(sorted[mid]!)) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Index of the first of the first `count` ascending values that is ≥ x (strict: > x). */
export function lowerBound(sorted: Float64Array, count: number, x: number, strict = false): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const v = sorted[mid]!;
    if (v < x || (strict && v === x)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Rearranges `values[from..to)` so that `values[k]` holds what would be there if that range were
 * sorted, everything before it is ≤ and everything after ≥; returns it. Floyd and Rivest's
 * SELECT, in place: on a long range it first selects k within a small window around where a
 * sample of the range says it lies, which leaves the final partition little to do, about 1.5
 * comparisons per value in all. The values must not be NaN.
 */
export function selectNth(values: Float64Array, from: number, to: number, k: number): number {
  floydRivest(values, from, to - 1, k);
  return values[k]!;
}

function floydRivest(values: Float64Array, left: number, right: number, k: number): void {
  while (right > left) {
    if (right - left > 600) {
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      floydRivest(values, newLeft, newRight, k);
    }
    const t = values[k]!;
    let i = left;
    let j = right;
    values[k] = values[left]!;
    values[left] = t;
    if (values[right]! > t) {
      values[left] = values[right]!;
      values[right] = t;
    }
    while (i < j) {
      const swap = values[i]!;
      values[i] = values[j]!;
      values[j] = swap;
      i++;
      j--;
      while (values[i]! < t) i++;
      while (values[j]! > t) j--;
    }
    if (values[left] === t) {
      const swap = values[left]!;
      values[left] = values[j]!;
      values[j] = swap;
    } else {
      j++;
      const swap = values[j]!;
      values[j] = values[right]!;
      values[right] = swap;
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}
