/**
 * The tornado of one model: which param moves its value most. One at a time, every other param
 * sits at its median and this one at its P10, then at its P90; the swing is how far the value
 * moves. It is computed from exact quantiles, not from samples, so it has no noise at all.
 */
import type { ColumnEvaluator, CompiledScript } from '../formula/index.js';
import { type DistributionSpec, quantile } from './distributions.js';
import { roundPercent, roundQuantile } from './statistics.js';

export interface TornadoBar {
  /** The param (or shared assumption) name. */
  name: string;
  /** The value with this param at its P10. */
  low: number;
  /** The value with this param at its P90. */
  high: number;
  /** |high − low|. */
  swing: number;
  /** swing / the sum of all swings, to a whole percent (0 when nothing moves the value). */
  share: number;
}

/**
 * Bars for every uncertain input, largest swing first (ties by name). Fixed inputs move nothing
 * and get no bar; neither does an input whose P10 or P90 makes the model fail (no swing to show).
 * No bars when the model fails at the medians or an input has no distribution. Every setting is a
 * row of one column evaluation (row 0 all medians, then each uncertain input at its P10 and at its
 * P90): the values `evaluate` gives, with no object per setting. `evaluator` may be any column
 * evaluation of `script` that writes value: sampling passes the one it runs, whose loop the engine
 * has optimized by then (a loop run once, as the tornado's own would be, runs unoptimized and
 * allocates a number object per step).
 */
export function tornado(
  script: CompiledScript,
  specs: ReadonlyMap<string, DistributionSpec>,
  evaluator: ColumnEvaluator = script.columnEvaluator(WANTED),
): TornadoBar[] {
  const valueAt = evaluator.outputs.indexOf('value');
  if (valueAt === -1) return [];
  const { inputs } = script;
  const moving: number[] = [];
  for (let k = 0; k < inputs.length; k++) {
    const spec = specs.get(inputs[k]!);
    if (!spec) return [];
    if (spec.kind !== 'fixed') moving.push(k);
  }
  const rows = 1 + 2 * moving.length;
  const columns = inputs.map((name) => new Float64Array(rows).fill(quantile(specs.get(name)!, 0.5)));
  moving.forEach((k, m) => {
    const spec = specs.get(inputs[k]!)!;
    columns[k]![1 + 2 * m] = quantile(spec, 0.1);
    columns[k]![2 + 2 * m] = quantile(spec, 0.9);
  });
  const results = evaluator.outputs.map(() => new Float64Array(rows));
  evaluator.run(columns, results, rows);
  const value = results[valueAt]!;
  // A failed row is NaN; a value that is not finite is no value either.
  if (!Number.isFinite(value[0])) return [];
  const raw: { name: string; low: number; high: number; swing: number }[] = [];
  moving.forEach((k, m) => {
    const low = value[1 + 2 * m]!;
    const high = value[2 + 2 * m]!;
    if (Number.isFinite(low) && Number.isFinite(high)) {
      raw.push({ name: inputs[k]!, low, high, swing: Math.abs(high - low) });
    }
  });
  const total = raw.reduce((sum, bar) => sum + bar.swing, 0);
  raw.sort((a, b) => b.swing - a.swing || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return raw.map((bar) => ({
    name: bar.name,
    low: roundQuantile(bar.low),
    high: roundQuantile(bar.high),
    swing: roundQuantile(bar.swing),
    share: total > 0 ? roundPercent(bar.swing / total) : 0,
  }));
}

const WANTED = ['value'] as const;
