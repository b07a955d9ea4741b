/**
 * The tornado of one model: which param moves its value most. One at a time, every other param
 * sits at its median and this one at its P10, then at its P90; the swing is how far the value
 * moves. It is computed from exact quantiles, not from samples, so it has no noise at all.
 */
import { type CompiledScript, EvaluationError } from '../formula/index.js';
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
 * No bars when the model fails at the medians or an input has no distribution.
 */
export function tornado(script: CompiledScript, specs: ReadonlyMap<string, DistributionSpec>): TornadoBar[] {
  // No prototype: an input may be called `constructor` or `__proto__`.
  const params: Record<string, number> = Object.create(null);
  for (const name of script.inputs) {
    const spec = specs.get(name);
    if (!spec) return [];
    params[name] = quantile(spec, 0.5);
  }
  if (valueAt(script, params) === null) return [];
  const raw: { name: string; low: number; high: number; swing: number }[] = [];
  for (const name of script.inputs) {
    const spec = specs.get(name)!;
    if (spec.kind === 'fixed') continue;
    const median = params[name]!;
    params[name] = quantile(spec, 0.1);
    const low = valueAt(script, params);
    params[name] = quantile(spec, 0.9);
    const high = valueAt(script, params);
    params[name] = median;
    if (low === null || high === null) continue;
    raw.push({ name, low, high, swing: Math.abs(high - low) });
  }
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

function valueAt(script: CompiledScript, params: Record<string, number>): number | null {
  try {
    const value = script.evaluate(params).value;
    return value !== undefined && Number.isFinite(value) ? value : null;
  } catch (e) {
    if (e instanceof EvaluationError) return null;
    throw e;
  }
}
