/**
 * A param's uncertainty (the Params tab's `min`, `max` and `distribution`, SHEETS.md) as a
 * distribution: how a row becomes one (`checkDistribution`), how to draw a column of samples from
 * it (`sample`), and its exact quantiles and CDF (`quantile`, `cdf`) for the tornado and for tests.
 *
 * PERT is the Beta-PERT of project estimation: a Beta on [min, max] with the mode at the param's
 * value and the usual weight λ = 4 on the mode, α = 1 + 4(mode − min)/(max − min),
 * β = 1 + 4(max − mode)/(max − min). Normal and lognormal read min and max as the 5th and 95th
 * percentiles: a PM's "plausible range" is rarely a hard bound on a bell curve.
 */

import { ROW_LENGTH as NORMAL_ROW_LENGTH, normalDrawer } from './normal-table.js';
import { ROW_LENGTH as PERT_ROW_LENGTH, pertRow } from './pert-table.js';
import type { Random } from './random.js';
import { inverseRegularizedBeta, normalCdf, normalQuantile, regularizedBeta } from './special-functions.js';

export type DistributionSpec =
  | { kind: 'fixed'; value: number }
  | { kind: 'pert' | 'triangular'; min: number; mode: number; max: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'normal' | 'lognormal'; p05: number; p95: number };

export type DistributionKind = DistributionSpec['kind'];

/** The names the `distribution` column accepts, in the order messages list them. */
export const DISTRIBUTION_NAMES: readonly DistributionKind[] = [
  'pert',
  'triangular',
  'uniform',
  'normal',
  'lognormal',
  'fixed',
];

/** z of the 95th percentile: p05 and p95 are μ ∓ Z95·σ. */
const Z95 = normalQuantile(0.95);

/** The Params row's cells that decide a param's distribution, already parsed. */
export interface DistributionCells {
  value: number;
  min: number | null;
  max: number | null;
  /** The `distribution` cell as typed; blank means the default. */
  distribution: string;
}

export interface DistributionCheck {
  /** What the simulation samples: the param fixed at its value whenever there is a problem. */
  spec: DistributionSpec;
  /** Why the row's range or distribution cannot be used, naming the fix; absent when it can. */
  problem?: string;
  /** The Params cell the problem is best fixed in; present with `problem`. */
  column?: 'distribution' | 'min' | 'max' | 'value';
}

/**
 * SHEETS.md's rules for a Params row: a blank distribution is `pert` when min ≤ value ≤ max are all
 * set; blank min and max mean fixed; a range of one point is fixed too. Names are trimmed and
 * case-insensitive. A bad name, a reversed or half-filled range, a value outside its range, or a
 * lognormal reaching 0 is a problem, and the param stays fixed at its value: the score the sheet
 * shows is computed from that value anyway, so the row still counts.
 */
export function checkDistribution(cells: DistributionCells): DistributionCheck {
  const fixed: DistributionSpec = { kind: 'fixed', value: cells.value };
  const problem = (message: string, column: DistributionCheck['column']): DistributionCheck => ({
    spec: fixed,
    problem: message,
    column,
  });
  const typed = cells.distribution.trim();
  const name = typed.toLowerCase();
  if (name !== '' && !isDistributionKind(name)) {
    return problem(`distribution '${typed}' is not one of ${DISTRIBUTION_NAMES.join(', ')}`, 'distribution');
  }
  if (name === 'fixed') return { spec: fixed };
  const { value, min, max } = cells;
  if (min === null && max === null) {
    return name === ''
      ? { spec: fixed }
      : problem(`distribution '${name}' needs min and max: fill both, or clear distribution`, 'min');
  }
  if (min === null || max === null) {
    const [set, blank] = min === null ? (['max', 'min'] as const) : (['min', 'max'] as const);
    return problem(`${set} is set but ${blank} is blank: fill ${blank}, or clear ${set}`, blank);
  }
  if (min > max) return problem(`min (${show(min)}) is above max (${show(max)}): swap them`, 'min');
  const kind: DistributionKind = name === '' ? 'pert' : name;
  if (kind === 'lognormal' && min <= 0) {
    return problem(
      `lognormal needs min and max above 0 (min is ${show(min)}): use normal, or raise min`,
      'min',
    );
  }
  if (value < min || value > max) {
    return problem(
      `value ${show(value)} is outside min..max (${show(min)}..${show(max)}): widen the range or fix the value`,
      'value',
    );
  }
  if (min === max) return { spec: fixed };
  switch (kind) {
    case 'pert':
    case 'triangular':
      return { spec: { kind, min, mode: value, max } };
    case 'uniform':
      return { spec: { kind, min, max } };
    case 'normal':
    case 'lognormal':
      return { spec: { kind, p05: min, p95: max } };
    default: {
      const never: never = kind;
      throw new Error(`unknown distribution ${String(never)}`);
    }
  }
}

function isDistributionKind(name: string): name is DistributionKind {
  return (DISTRIBUTION_NAMES as readonly string[]).includes(name);
}

/** A number as a person typed it, without binary noise (0.30000000000000004 → 0.3). */
function show(n: number): string {
  return String(Number(n.toPrecision(12)));
}

/** Beta-PERT's shape parameters. */
function pertShape(min: number, mode: number, max: number): { alpha: number; beta: number } {
  const width = max - min;
  return { alpha: 1 + (4 * (mode - min)) / width, beta: 1 + (4 * (max - mode)) / width };
}

/** μ and σ of the normal whose 5th and 95th percentiles are p05 and p95. */
function normalFit(p05: number, p95: number): { mu: number; sigma: number } {
  return { mu: (p05 + p95) / 2, sigma: (p95 - p05) / (2 * Z95) };
}

/** μ and σ of ln X for the lognormal X whose 5th and 95th percentiles are p05 and p95 (both > 0). */
function lognormalFit(p05: number, p95: number): { mu: number; sigma: number } {
  return normalFit(Math.log(p05), Math.log(p95));
}

/** Draws from one distribution with one generator, in stretches of any length. */
export type Drawer = (out: Float64Array, count: number) => void;

/** Numbers in the row a PERT or lognormal drawer keeps its quantiles in (`drawer`'s `row`). */
export const DRAWER_ROW_LENGTH = Math.max(PERT_ROW_LENGTH, NORMAL_ROW_LENGTH);

/**
 * A drawer for `spec` consuming `rng`: `draw(out, n)` fills out[0 … n) with the next n independent
 * draws, so drawing n and then m gives exactly what drawing n + m at once gives. A PERT or
 * lognormal drawer keeps its row of quantiles in `row` (DRAWER_ROW_LENGTH long; a new one when not
 * given), which must stay untouched while the drawer is used. Each kind draws in its own loop,
 * small enough for the optimizer to inline the generator into it.
 */
export function drawer(
  spec: DistributionSpec,
  rng: Random,
  row: Float64Array = new Float64Array(DRAWER_ROW_LENGTH),
): Drawer {
  switch (spec.kind) {
    case 'fixed':
      return (out, count) => out.fill(spec.value, 0, count);
    case 'uniform': {
      const { min } = spec;
      const width = spec.max - spec.min;
      return (out, count) => {
        rng.fill(out, count);
        for (let i = 0; i < count; i++) out[i] = min + out[i]! * width;
      };
    }
    case 'triangular':
      return triangularDrawer(spec.min, spec.mode, spec.max, rng);
    case 'pert': {
      const { min, mode, max } = spec;
      const width = max - min;
      if (!(width > 0)) return (out, count) => out.fill(mode, 0, count);
      const table = pertRow(pertShape(min, mode, max).alpha, row);
      return (out, count) => rng.fillFromTable(table, min, width, out, count);
    }
    case 'normal': {
      const { mu, sigma } = normalFit(spec.p05, spec.p95);
      return normalDrawer(mu, sigma, false, rng, row);
    }
    case 'lognormal': {
      const { mu, sigma } = lognormalFit(spec.p05, spec.p95);
      return normalDrawer(mu, sigma, true, rng, row);
    }
    default: {
      const never: never = spec;
      throw new Error(`unknown distribution ${(never as DistributionSpec).kind}`);
    }
  }
}

/** Fills `out` with independent draws from `spec`, consuming `rng`. */
export function sample(spec: DistributionSpec, rng: Random, out: Float64Array): void {
  drawer(spec, rng)(out, out.length);
}

/** Triangular by inversion of its CDF. */
function triangularDrawer(min: number, mode: number, max: number, rng: Random): Drawer {
  const width = max - min;
  if (!(width > 0)) return (out, count) => out.fill(mode, 0, count);
  const split = (mode - min) / width;
  const left = width * (mode - min);
  const right = width * (max - mode);
  return (out, count) => {
    rng.fill(out, count);
    for (let i = 0; i < count; i++) {
      const u = out[i]!;
      out[i] = u < split ? min + Math.sqrt(u * left) : max - Math.sqrt((1 - u) * right);
    }
  };
}

/** The exact p-quantile (0 ≤ p ≤ 1) of `spec`; a fixed spec's every quantile is its value. */
export function quantile(spec: DistributionSpec, p: number): number {
  switch (spec.kind) {
    case 'fixed':
      return spec.value;
    case 'uniform':
      return spec.min + p * (spec.max - spec.min);
    case 'triangular': {
      const { min, mode, max } = spec;
      const width = max - min;
      if (!(width > 0)) return mode;
      return p < (mode - min) / width
        ? min + Math.sqrt(p * width * (mode - min))
        : max - Math.sqrt((1 - p) * width * (max - mode));
    }
    case 'pert': {
      const { min, mode, max } = spec;
      if (!(max - min > 0)) return mode;
      const { alpha, beta } = pertShape(min, mode, max);
      return min + (max - min) * inverseRegularizedBeta(p, alpha, beta);
    }
    case 'normal': {
      const { mu, sigma } = normalFit(spec.p05, spec.p95);
      return mu + sigma * normalQuantile(p);
    }
    case 'lognormal': {
      const { mu, sigma } = lognormalFit(spec.p05, spec.p95);
      return Math.exp(mu + sigma * normalQuantile(p));
    }
    default: {
      const never: never = spec;
      throw new Error(`unknown distribution ${(never as DistributionSpec).kind}`);
    }
  }
}

/** P(X ≤ x) for X ~ `spec`. */
export function cdf(spec: DistributionSpec, x: number): number {
  switch (spec.kind) {
    case 'fixed':
      return x >= spec.value ? 1 : 0;
    case 'uniform':
      if (!(spec.max > spec.min)) return x >= spec.min ? 1 : 0;
      return clamp01((x - spec.min) / (spec.max - spec.min));
    case 'triangular': {
      const { min, mode, max } = spec;
      if (!(max > min)) return x >= mode ? 1 : 0;
      if (x <= min) return 0;
      if (x >= max) return 1;
      const width = max - min;
      return x <= mode
        ? ((x - min) * (x - min)) / (width * (mode - min))
        : 1 - ((max - x) * (max - x)) / (width * (max - mode));
    }
    case 'pert': {
      const { min, mode, max } = spec;
      if (!(max > min)) return x >= mode ? 1 : 0;
      const { alpha, beta } = pertShape(min, mode, max);
      return regularizedBeta((x - min) / (max - min), alpha, beta);
    }
    case 'normal': {
      const { mu, sigma } = normalFit(spec.p05, spec.p95);
      return normalCdf((x - mu) / sigma);
    }
    case 'lognormal': {
      if (x <= 0) return 0;
      const { mu, sigma } = lognormalFit(spec.p05, spec.p95);
      return normalCdf((Math.log(x) - mu) / sigma);
    }
    default: {
      const never: never = spec;
      throw new Error(`unknown distribution ${(never as DistributionSpec).kind}`);
    }
  }
}

/** The mean of `spec`, for tests and summaries. */
export function mean(spec: DistributionSpec): number {
  switch (spec.kind) {
    case 'fixed':
      return spec.value;
    case 'uniform':
      return (spec.min + spec.max) / 2;
    case 'triangular':
      return (spec.min + spec.mode + spec.max) / 3;
    case 'pert':
      return (spec.min + 4 * spec.mode + spec.max) / 6;
    case 'normal':
      return (spec.p05 + spec.p95) / 2;
    case 'lognormal': {
      const { mu, sigma } = lognormalFit(spec.p05, spec.p95);
      return Math.exp(mu + (sigma * sigma) / 2);
    }
    default: {
      const never: never = spec;
      throw new Error(`unknown distribution ${(never as DistributionSpec).kind}`);
    }
  }
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
