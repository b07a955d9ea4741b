/**
 * Metadata for a new Params row guessed from the parameter's name alone, used when no LLM is
 * configured (source `heuristic`). It never invents numbers: min and max stay blank.
 */

export interface ParamMetadata {
  param_display: string;
  description: string;
  unit: string;
  min: number | null;
  max: number | null;
  source: string;
}

const ACRONYMS = new Set([
  'aov',
  'arpu',
  'ltv',
  'clv',
  'cac',
  'mrr',
  'arr',
  'roi',
  'nps',
  'sla',
  'api',
  'ui',
  'ux',
  'kpi',
  'cr',
  'ctr',
  'gmv',
  'fte',
  'id',
]);

export function displayName(name: string): string {
  return name
    .split(/_+/)
    .filter(Boolean)
    .map((w, i) =>
      ACRONYMS.has(w.toLowerCase()) ? w.toUpperCase() : i === 0 ? w[0]!.toUpperCase() + w.slice(1) : w,
    )
    .join(' ');
}

/** Ordered: the first rule whose pattern matches the name gives the unit. */
const UNIT_RULES: [RegExp, string][] = [
  [/(^|_)(pct|percent|percentage)(_|$)/, '%'],
  [
    /(^|_)(rate|ratio|share|conv|conversion|uplift|lift|churn|margin|probability|prob|fraction)(_|$)/,
    'fraction (0–1)',
  ],
  [/(^|_)(months?|horizon_months)$/, 'months'],
  [/(^|_)(days?)$/, 'days'],
  [/(^|_)(weeks?)$/, 'weeks'],
  [/(^|_)(hours?|hrs)$/, 'hours'],
  [/(^|_)(years?)$/, 'years'],
  [
    /(^|_)(cost|costs|price|revenue|aov|arpu|ltv|clv|cac|value|salary|spend|budget|savings|mrr|arr|gmv)(_|$)/,
    'currency',
  ],
  [
    /(^|_)(sessions|users|customers|visitors|tickets|orders|accounts|count|number|num|seats|transactions|leads)(_|$)/,
    'count',
  ],
];

export function guessUnit(name: string): string {
  const lower = name.toLowerCase();
  for (const [pattern, unit] of UNIT_RULES) if (pattern.test(lower)) return unit;
  return '';
}

export function heuristicMetadata(name: string, initiativeKey: string): ParamMetadata {
  const display = displayName(name);
  return {
    param_display: display,
    description: `${display}, an input of the math model of ${initiativeKey} (guessed from its name: please review)`,
    unit: guessUnit(name),
    min: null,
    max: null,
    source: 'heuristic',
  };
}
