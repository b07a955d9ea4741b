/**
 * Flow 2 activation: the chosen framework's scores become the active fields, then
 * priority = basis × strategic_priority_coefficient, and a rank over all initiatives
 * (1 = highest priority; ties share a rank; no score, no rank).
 *
 * The basis is the overall score itself, or (`ranking.normalize: "percentile"`, the default, when
 * more than one framework is in the rank) its mid-rank percentile among the initiatives scored by
 * the same framework: a math model's money per day, RICE's reach × impact and WSJF's 3–6 are not
 * one currency, so raw numbers would rank every WSJF item last.
 */

import { type Framework, type FrameworkScore, outOfRange, roundScore } from './framework.js';
import { DEFAULT_FRAMEWORKS, type Frameworks, frameworkChoices } from './registry.js';

export interface ActiveScore {
  framework: Framework | null;
  value: number | null;
  effort: number | null;
  overall: number | null;
  priority: number | null;
  /** Why there is no active score; empty when there is one. */
  warnings: string[];
}

/**
 * `percentile`, when given, replaces the overall as what the coefficient multiplies (see
 * `overallPercentiles`); the active value, effort and overall stay the framework's own.
 */
export function activate(
  framework: Framework | null,
  scores: Partial<Record<Framework, FrameworkScore>>,
  coefficient: number | null,
  percentile?: number,
  frameworks: Frameworks = DEFAULT_FRAMEWORKS,
): ActiveScore {
  if (framework === null) {
    return {
      framework,
      value: null,
      effort: null,
      overall: null,
      priority: null,
      warnings: [`No active_scoring_framework: choose ${frameworkChoices(frameworks)}`],
    };
  }
  const s = scores[framework];
  if (!s) {
    return {
      framework,
      value: null,
      effort: null,
      overall: null,
      priority: null,
      warnings: [`${framework} was not scored`],
    };
  }
  const warnings = s.warnings.map((w) => `${framework}: ${w}`);
  let priority: number | null = null;
  if (s.overall !== null && coefficient !== null) {
    const basis = percentile ?? s.overall;
    const basisName = percentile === undefined ? 'overall' : 'overall_percentile';
    const product = basis * coefficient;
    const overflow = outOfRange(product, 'priority', `${basisName} × strategic_priority_coefficient`, {
      [basisName]: basis,
      strategic_priority_coefficient: coefficient,
    });
    if (overflow) warnings.push(overflow);
    priority = roundScore(product);
  }
  return { framework, value: s.value, effort: s.effort, overall: s.overall, priority, warnings };
}

/** Competition ranking ("1, 2, 2, 4") by priority, highest first; null priorities get no rank. */
export function rankByPriority<T>(items: T[], priority: (item: T) => number | null): Map<T, number> {
  const scored = items.filter((i) => priority(i) !== null).sort((a, b) => priority(b)! - priority(a)!);
  const ranks = new Map<T, number>();
  scored.forEach((item, index) => {
    const previous = scored[index - 1];
    ranks.set(
      item,
      previous !== undefined && priority(previous) === priority(item) ? ranks.get(previous)! : index + 1,
    );
  });
  return ranks;
}

/** How priorities are made comparable across frameworks (`ranking.normalize`, CLI.md). */
export type RankingNormalize = 'percentile' | 'none';

/**
 * Mid-rank percentile (0–100) of each item's overall among the items of the same framework:
 * 100 × (lower + ½ × equal) / count, where `lower` counts strictly lower overalls and `equal`
 * counts equal ones, the item itself included. A lone item sits at 50, two at 25 and 75; ties
 * share a percentile. Items without a framework or an overall get none.
 */
export function overallPercentiles<T>(
  items: readonly T[],
  framework: (item: T) => Framework | null,
  overall: (item: T) => number | null,
): Map<T, number> {
  const groups = new Map<Framework, number[]>();
  for (const item of items) {
    const f = framework(item);
    const o = overall(item);
    if (f === null || o === null) continue;
    const group = groups.get(f);
    if (group) group.push(o);
    else groups.set(f, [o]);
  }
  // Per framework, each distinct overall → its percentile, from one sort.
  const byValue = new Map<Framework, Map<number, number>>();
  for (const [f, values] of groups) {
    values.sort((a, b) => a - b);
    const percentiles = new Map<number, number>();
    for (let start = 0; start < values.length; ) {
      let end = start;
      while (end < values.length && values[end] === values[start]) end++;
      percentiles.set(values[start]!, roundScore((100 * (start + 0.5 * (end - start))) / values.length)!);
      start = end;
    }
    byValue.set(f, percentiles);
  }
  const out = new Map<T, number>();
  for (const item of items) {
    const f = framework(item);
    const o = overall(item);
    if (f === null || o === null) continue;
    out.set(item, byValue.get(f)!.get(o)!);
  }
  return out;
}

/** Below this many scored initiatives, a framework's percentiles say little (one sits at 50). */
export const COARSE_PERCENTILE_COUNT = 3;

export interface RankingBasis<T> {
  /** The percentile each item's priority is computed from; null when raw overalls are ranked. */
  percentiles: Map<T, number> | null;
  /** The frameworks in the rank, in the run's framework order, with how many items each scored. */
  frameworks: [Framework, number][];
}

/**
 * What priorities are computed from. Percentiles apply under `normalize: "percentile"` when more
 * than one framework is in the rank, i.e. among items that get a priority (an overall and a usable
 * coefficient); each framework's percentiles are taken among all its items with an overall.
 */
export function rankingBasis<T>(
  items: readonly T[],
  normalize: RankingNormalize,
  entry: (item: T) => { framework: Framework | null; overall: number | null; coefficient: number | null },
  frameworks: Frameworks = DEFAULT_FRAMEWORKS,
): RankingBasis<T> {
  const scored = new Map<Framework, number>();
  const ranked = new Set<Framework>();
  for (const item of items) {
    const { framework, overall, coefficient } = entry(item);
    if (framework === null || overall === null) continue;
    scored.set(framework, (scored.get(framework) ?? 0) + 1);
    if (coefficient !== null) ranked.add(framework);
  }
  const inRank = frameworks
    .map((f) => f.name)
    .filter((f) => ranked.has(f))
    .map((f): [Framework, number] => [f, scored.get(f)!]);
  if (normalize === 'none' || ranked.size < 2) return { percentiles: null, frameworks: inRank };
  const percentiles = overallPercentiles(
    items,
    (item) => entry(item).framework,
    (item) => entry(item).overall,
  );
  return { percentiles, frameworks: inRank };
}
