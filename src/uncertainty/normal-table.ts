/**
 * Normal and lognormal draws by table, as pert-table.ts draws PERT: the standard normal's quantile
 * function is tabulated at u = j / POINTS (4,097 points, built once at load) and a draw is one
 * uniform and one linear interpolation. In the two outermost cells (u < 1/POINTS or
 * u ≥ 1 − 1/POINTS), where the quantile function bends too fast for a straight line, the exact
 * `normalQuantile` is used, so the tails stay right. The interpolation moves no draw's probability
 * level by more than a small fraction of a cell, far below what 100,000 samples can see (the tests
 * hold it to the Kolmogorov–Smirnov bound against the exact CDF).
 */
import type { Random } from './random.js';
import { normalQuantile } from './special-functions.js';

/** Quantiles at u = j / POINTS, j = 0 … POINTS. */
const POINTS = 4096;
/** Half the generator's step (2^-32): added to a uniform in [0, 1), it lies in (0, 1), symmetric about ½. */
const HALF_STEP = 2 ** -33;

/** Φ⁻¹(j / POINTS); the ends (±∞) are never read: their cells use the exact quantile. */
const table = new Float64Array(POINTS + 1);
for (let j = 1; j < POINTS; j++) table[j] = normalQuantile(j / POINTS);
table[0] = Number.NEGATIVE_INFINITY;
table[POINTS] = Number.POSITIVE_INFINITY;

/** Where a lognormal's own row is built: overwritten by each call, read before the next. */
const scaled = new Float64Array(POINTS + 1);

/**
 * Fills `out` with draws of mu + sigma × a standard normal; with `exp`, of e to that (a lognormal).
 * Math.exp is the dearest step of a lognormal draw, so when there are more draws than points the
 * lognormal's quantiles e^(mu + sigma·z) are tabulated first and interpolated between, draws
 * landing between the same two tabulated quantiles as the normal's; the outer cells stay exact.
 */
export function sampleNormalByTable(
  mu: number,
  sigma: number,
  exp: boolean,
  rng: Random,
  out: Float64Array,
): void {
  if (exp && out.length > POINTS) {
    for (let j = 1; j < POINTS; j++) scaled[j] = Math.exp(mu + sigma * table[j]!);
    fillFromRow(scaled, mu, sigma, true, rng, out);
    return;
  }
  rng.fill(out);
  const last = POINTS - 1;
  for (let i = 0; i < out.length; i++) {
    const u = out[i]! + HALF_STEP;
    const position = u * POINTS;
    const j = position | 0;
    let z: number;
    if (j === 0 || j >= last) {
      z = normalQuantile(u);
    } else {
      const low = table[j]!;
      z = low + (position - j) * (table[j + 1]! - low);
    }
    const x = mu + sigma * z;
    out[i] = exp ? Math.exp(x) : x;
  }
}

/** Draws by `row` (quantiles already scaled, and exponentiated when `exp`), exact in the outer cells. */
function fillFromRow(
  row: Float64Array,
  mu: number,
  sigma: number,
  exp: boolean,
  rng: Random,
  out: Float64Array,
): void {
  rng.fill(out);
  const last = POINTS - 1;
  for (let i = 0; i < out.length; i++) {
    const u = out[i]! + HALF_STEP;
    const position = u * POINTS;
    const j = position | 0;
    if (j === 0 || j >= last) {
      const x = mu + sigma * normalQuantile(u);
      out[i] = exp ? Math.exp(x) : x;
    } else {
      const low = row[j]!;
      out[i] = low + (position - j) * (row[j + 1]! - low);
    }
  }
}
