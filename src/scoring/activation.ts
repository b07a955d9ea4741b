/**
 * Flow 2 activation: the chosen framework's scores become the active fields, then
 * priority = overall × strategic_priority_coefficient, and a rank over all initiatives
 * (1 = highest priority; ties share a rank; no score, no rank).
 */
import type { Framework } from '../sheets/tabs.js';
import type { FrameworkScore } from './framework.js';
import { outOfRange, roundScore } from './framework.js';

export interface ActiveScore {
  framework: Framework | null;
  value: number | null;
  effort: number | null;
  overall: number | null;
  priority: number | null;
  /** Why there is no active score; empty when there is one. */
  warnings: string[];
}

export function activate(
  framework: Framework | null,
  scores: Partial<Record<Framework, FrameworkScore>>,
  coefficient: number | null,
): ActiveScore {
  if (framework === null) {
    return {
      framework,
      value: null,
      effort: null,
      overall: null,
      priority: null,
      warnings: ['No active_scoring_framework: choose RICE, WSJF or MATH_MODEL'],
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
    const product = s.overall * coefficient;
    const overflow = outOfRange(product, 'priority', 'overall × strategic_priority_coefficient', {
      overall: s.overall,
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
