/**
 * Normal and lognormal draws by table, as pert-table.ts draws PERT: the standard normal's quantile
 * function is tabulated at u = j / POINTS (4,097 points, built once at load) and a draw is one
 * uniform and one linear interpolation. In the two outermost cells (u < 1/POINTS or
 * u ≥ 1 − 1/POINTS), where the quantile function bends too fast for a straight line, the exact
 * `normalQuantile` is used, so the tails stay right. The interpolation moves no draw's probability
 * level by more than a small fraction of a cell, far below what 100,000 samples can see (the tests
 * hold it to the Kolmogorov–Smirnov bound against the exact CDF).
 *
 * A lognormal is drawn from its own row of quantiles e^(mu + sigma·z), built per param: Math.exp is
 * the dearest step, so the row is built by multiplying each quantile by e^(sigma·Δz) to get the
 * next, from a short Taylor series where that step is small (all but the outer cells), and exactly
 * every RESYNC points and wherever the step is large. Its relative error stays below 1e-12.
 */
import { samplingKernel } from './kernel.js';
import { type Random, TABLE_CELLS } from './random.js';
import { normalQuantile } from './special-functions.js';

/** Quantiles at u = j / POINTS, j = 0 … POINTS. */
const POINTS = 4096;
// A literal, so that loops can fold it; it must be the generator's table size.
if (POINTS !== TABLE_CELLS) throw new Error('quantile tables and the generator disagree on their size');
/** A lognormal row's quantile is computed exactly at least every RESYNC points. */
const RESYNC = 256;
/** Up to this step d = sigma·Δz, e^d comes from its Taylor series to d⁶ (error d⁷/5040 < 5e-15). */
const SMALL_STEP = 0.03;

/** Φ⁻¹(j / POINTS); what the ends (±∞) give is replaced: their cells use the exact quantile. */
const table = new Float64Array(POINTS + 1);
for (let j = 1; j < POINTS; j++) table[j] = normalQuantile(j / POINTS);
table[0] = Number.NEGATIVE_INFINITY;
table[POINTS] = Number.POSITIVE_INFINITY;
samplingKernel.pin(table);

/** Numbers in a lognormal's row. */
export const ROW_LENGTH = POINTS + 1;

/**
 * Draws of mu + sigma × a standard normal, or with `exp` of e to that (a lognormal, whose row of
 * quantiles is built into `row`, ROW_LENGTH long, and read by every later draw): `draw(out, n)`
 * fills out[0 … n) with the generator's next draws.
 */
export function normalDrawer(
  mu: number,
  sigma: number,
  exp: boolean,
  rng: Random,
  row: Float64Array,
): (out: Float64Array, count: number) => void {
  if (!exp) {
    const tail = (u: number) => mu + sigma * normalQuantile(u);
    return (out, count) => rng.fillFromTableWithTails(table, mu, sigma, out, count, tail);
  }
  lognormalRow(mu, sigma, row);
  const tail = (u: number) => Math.exp(mu + sigma * normalQuantile(u));
  return (out, count) => rng.fillFromTableWithTails(row, 0, 1, out, count, tail);
}

/** Φ⁻¹ between neighbouring points: steps[j] = table[j] − table[j − 1], for j = 2 … POINTS − 1. */
const steps = new Float64Array(POINTS);
for (let j = 2; j < POINTS; j++) steps[j] = table[j]! - table[j - 1]!;

/** Taylor coefficients of e^d, 1/k!, as products (a multiplication costs far less than a division). */
const C2 = 1 / 2;
const C3 = 1 / 6;
const C4 = 1 / 24;
const C5 = 1 / 120;
const C6 = 1 / 720;

/** Fills row[1 … POINTS − 1] with e^(mu + sigma·Φ⁻¹(j / POINTS)) (exported for its test). */
export function lognormalRow(mu: number, sigma: number, row: Float64Array): void {
  let e = Math.exp(mu + sigma * table[1]!);
  row[1] = e;
  for (let j = 2; j < POINTS; j++) {
    const d = sigma * steps[j]!;
    if (j % RESYNC === 0 || !(Math.abs(d) <= SMALL_STEP)) {
      e = Math.exp(mu + sigma * table[j]!);
    } else {
      e *= 1 + d * (1 + d * (C2 + d * (C3 + d * (C4 + d * (C5 + d * C6)))));
    }
    row[j] = e;
  }
}
