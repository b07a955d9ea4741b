import { describe, expect, it } from 'vitest';
import {
  cdf,
  checkDistribution,
  type DistributionCheck,
  type DistributionSpec,
  drawer,
  mean,
  quantile,
  sample,
} from './distributions.js';
import { stream } from './random.js';

const N = 100_000;
/**
 * A correct sampler exceeds the 1% critical value with one seed in a hundred per distribution;
 * the seed is fixed, so this one is known to pass and a failure means the sampler changed.
 */
const SEED = 1;
/** The Kolmogorov–Smirnov statistic's 1% critical value for N samples. */
const KS_CRITICAL = 1.628 / Math.sqrt(N);

const SPECS: DistributionSpec[] = [
  { kind: 'uniform', min: -2, max: 5 },
  { kind: 'triangular', min: 10, mode: 12, max: 30 },
  { kind: 'triangular', min: 0, mode: 0, max: 1 },
  { kind: 'pert', min: 100, mode: 180, max: 400 },
  { kind: 'pert', min: 0, mode: 1, max: 1 },
  { kind: 'pert', min: -5, mode: 0, max: 5 },
  { kind: 'normal', p05: 0.02, p95: 0.08 },
  { kind: 'lognormal', p05: 1000, p95: 50_000 },
];

/** Sorted draws of a spec from a fixed stream. */
function draws(spec: DistributionSpec): Float64Array {
  const out = new Float64Array(N);
  sample(spec, stream(SEED, `test/${SPECS.indexOf(spec)}`), out);
  return out.sort();
}

/** sup |F_n(x) − F(x)| over the sorted sample. */
function kolmogorovSmirnov(sorted: Float64Array, spec: DistributionSpec): number {
  let d = 0;
  for (let i = 0; i < sorted.length; i++) {
    const f = cdf(spec, sorted[i]!);
    d = Math.max(d, (i + 1) / sorted.length - f, f - i / sorted.length);
  }
  return d;
}

const label = (spec: DistributionSpec) => JSON.stringify(spec);

describe('sampling matches the analytic distribution (100,000 draws, fixed seed)', () => {
  const statistics: string[] = [];

  it.each(SPECS.map((spec) => [label(spec), spec] as const))('%s', (_, spec) => {
    const sorted = draws(spec);
    const ks = kolmogorovSmirnov(sorted, spec);
    statistics.push(`${spec.kind}: D = ${ks.toFixed(5)}`);
    expect(ks).toBeLessThan(KS_CRITICAL);

    // Each sample quantile sits where the CDF says: its standard error is √(p(1−p)/N) ≤ 0.0016.
    for (const p of [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]) {
      const sampled = sorted[Math.floor(p * N)]!;
      expect(Math.abs(cdf(spec, sampled) - p)).toBeLessThan(0.005);
    }
    // And near the analytic quantile, relative to the P1–P99 spread (away from long tails).
    const spread = quantile(spec, 0.99) - quantile(spec, 0.01);
    for (const p of [0.1, 0.25, 0.5, 0.75, 0.9]) {
      expect(Math.abs(sorted[Math.floor(p * N)]! - quantile(spec, p)) / spread).toBeLessThan(0.005);
    }

    let sum = 0;
    let squares = 0;
    for (const v of sorted) sum += v;
    const m = sum / N;
    for (const v of sorted) squares += (v - m) ** 2;
    const standardError = Math.sqrt(squares / (N - 1) / N);
    expect(Math.abs(m - mean(spec))).toBeLessThan(4 * standardError);
  });

  it('KS statistics are printed for the record', () => {
    expect(statistics).toHaveLength(SPECS.length);
    console.log(`KS statistics (critical ${KS_CRITICAL.toFixed(5)}): ${statistics.join(', ')}`);
  });

  it('fixed fills its value', () => {
    const out = new Float64Array(5);
    sample({ kind: 'fixed', value: 3.5 }, stream(1, 'f'), out);
    expect(Array.from(out)).toEqual([3.5, 3.5, 3.5, 3.5, 3.5]);
  });

  it.each(SPECS.map((spec) => [spec.kind, spec] as const))(
    'a %s drawer gives in stretches what sample gives at once',
    (_kind, spec) => {
      const whole = new Float64Array(2500);
      sample(spec, stream(SEED, 'stretches'), whole);
      const draw = drawer(spec, stream(SEED, 'stretches'));
      const parts: number[] = [];
      const part = new Float64Array(1024);
      for (const n of [1024, 1, 1024, 451]) {
        part.fill(Number.NaN);
        draw(part, n);
        parts.push(...part.subarray(0, n));
        // Only the first n are written.
        if (n < part.length) expect(Number.isNaN(part[n]!)).toBe(true);
      }
      expect(parts).toEqual(Array.from(whole));
    },
  );
});

describe('quantile', () => {
  it.each(SPECS.map((spec) => [label(spec), spec] as const))('inverts the CDF: %s', (_, spec) => {
    for (const p of [0.001, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999]) {
      expect(cdf(spec, quantile(spec, p))).toBeCloseTo(p, 6);
    }
  });

  it.each([
    [{ kind: 'normal', p05: 10, p95: 20 }, 0.05, 10],
    [{ kind: 'normal', p05: 10, p95: 20 }, 0.5, 15],
    [{ kind: 'normal', p05: 10, p95: 20 }, 0.95, 20],
    [{ kind: 'lognormal', p05: 2, p95: 8 }, 0.05, 2],
    [{ kind: 'lognormal', p05: 2, p95: 8 }, 0.5, 4],
    [{ kind: 'lognormal', p05: 2, p95: 8 }, 0.95, 8],
    [{ kind: 'uniform', min: 0, max: 10 }, 0.1, 1],
    [{ kind: 'triangular', min: 0, mode: 5, max: 10 }, 0.5, 5],
    [{ kind: 'pert', min: 0, mode: 5, max: 10 }, 0.5, 5],
    [{ kind: 'pert', min: 0, mode: 0, max: 10 }, 0, 0],
    [{ kind: 'pert', min: 0, mode: 0, max: 10 }, 1, 10],
    [{ kind: 'fixed', value: 7 }, 0.9, 7],
  ] as [DistributionSpec, number, number][])('%j at %s is %s', (spec, p, expected) => {
    expect(quantile(spec, p)).toBeCloseTo(expected, 8);
  });

  it('PERT has the Beta-PERT mean (min + 4 mode + max) / 6', () => {
    const spec: DistributionSpec = { kind: 'pert', min: 100, mode: 180, max: 400 };
    // The mean is where the integral of the quantile function over p lands.
    let integral = 0;
    const steps = 20_000;
    for (let i = 0; i < steps; i++) integral += quantile(spec, (i + 0.5) / steps) / steps;
    expect(integral).toBeCloseTo(mean(spec), 2);
  });
});

describe('checkDistribution (SHEETS.md Params: min, max, distribution)', () => {
  const check = (
    value: number,
    min: number | null,
    max: number | null,
    distribution = '',
  ): DistributionCheck => checkDistribution({ value, min, max, distribution });

  it.each([
    ['blank distribution with a range is pert', check(5, 1, 10), { kind: 'pert', min: 1, mode: 5, max: 10 }],
    ['blank min and max are fixed', check(5, null, null), { kind: 'fixed', value: 5 }],
    ['fixed ignores the range', check(5, 1, 10, 'fixed'), { kind: 'fixed', value: 5 }],
    ['a range of one point is fixed', check(5, 5, 5), { kind: 'fixed', value: 5 }],
    [
      'names are trimmed, any case',
      check(5, 1, 10, '  Triangular '),
      { kind: 'triangular', min: 1, mode: 5, max: 10 },
    ],
    ['uniform', check(5, 1, 10, 'UNIFORM'), { kind: 'uniform', min: 1, max: 10 }],
    [
      'normal: min and max are the 5th and 95th percentiles',
      check(5, 1, 10, 'normal'),
      { kind: 'normal', p05: 1, p95: 10 },
    ],
    ['lognormal', check(5, 1, 10, 'lognormal'), { kind: 'lognormal', p05: 1, p95: 10 }],
    ['value at a bound', check(1, 1, 10), { kind: 'pert', min: 1, mode: 1, max: 10 }],
  ] as const)('%s', (_, result, spec) => {
    expect(result).toEqual({ spec });
  });

  it.each([
    [
      check(5, 1, 10, 'gauss'),
      "distribution 'gauss' is not one of pert, triangular, uniform, normal, lognormal, fixed",
      'distribution',
    ],
    [check(7, 10, 5), 'min (10) is above max (5): swap them', 'min'],
    [check(12, 1, 10), 'value 12 is outside min..max (1..10): widen the range or fix the value', 'value'],
    [
      check(0.5, 1, 10, 'uniform'),
      'value 0.5 is outside min..max (1..10): widen the range or fix the value',
      'value',
    ],
    [
      check(5, 0, 10, 'lognormal'),
      'lognormal needs min and max above 0 (min is 0): use normal, or raise min',
      'min',
    ],
    [
      check(-2, -3, -1, 'LogNormal'),
      'lognormal needs min and max above 0 (min is -3): use normal, or raise min',
      'min',
    ],
    [check(5, 1, null), 'min is set but max is blank: fill max, or clear min', 'max'],
    [check(5, null, 10), 'max is set but min is blank: fill min, or clear max', 'min'],
    [
      check(5, null, null, 'pert'),
      "distribution 'pert' needs min and max: fill both, or clear distribution",
      'min',
    ],
    [
      check(0.3, 0.1 + 0.2 + 1, 2),
      'value 0.3 is outside min..max (1.3..2): widen the range or fix the value',
      'value',
    ],
  ])('%j', (result, problem, column) => {
    expect(result).toEqual({
      spec: { kind: 'fixed', value: result.spec.kind === 'fixed' ? result.spec.value : NaN },
      problem,
      column,
    });
  });

  it('a problem leaves the param fixed at its value', () => {
    expect(check(7, 10, 5).spec).toEqual({ kind: 'fixed', value: 7 });
  });
});
