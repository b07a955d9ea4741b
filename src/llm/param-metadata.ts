/**
 * The metadata of a new Params row (SHEETS.md, Params), and the fallback that guesses it from the
 * parameter's name alone, used without an LLM or when the LLM gives nothing usable. The guess
 * never invents numbers (min and max stay blank) and names no owner (`source` = `PM`).
 */

/**
 * The Params `source` column: who most likely knows the number. `LLM` when the LLM guessed the
 * metadata and named none of the four teams.
 */
export const PARAM_OWNERS = ['PM', 'Analytics', 'Finance', 'Eng', 'LLM'] as const;
export type ParamOwner = (typeof PARAM_OWNERS)[number];

/**
 * Where the metadata came from: recorded in the database (`params.metadata_origin`), never in the
 * sheet, whose `source` column names the owner.
 */
export type MetadataOrigin = 'llm' | 'heuristic';

export interface ParamMetadata {
  param_display: string;
  description: string;
  unit: string;
  min: number | null;
  max: number | null;
  /** The likely owner, for the `source` cell. */
  source: ParamOwner;
  origin: MetadataOrigin;
}

/** Words a team name may be written with, mapped to the owner they mean. */
const OWNER_WORDS: ReadonlyMap<string, ParamOwner> = new Map([
  ...['pm', 'pms', 'product', 'products'].map((w) => [w, 'PM'] as const),
  ...['analytics', 'analyst', 'analysts', 'data', 'bi', 'insights'].map((w) => [w, 'Analytics'] as const),
  ...['finance', 'financial', 'fp&a', 'fpa', 'accounting'].map((w) => [w, 'Finance'] as const),
  ...['eng', 'engineering', 'engineer', 'engineers', 'development', 'developers', 'tech', 'devops'].map(
    (w) => [w, 'Eng'] as const,
  ),
]);

/**
 * The owner an LLM's `likely_owner` names: the first word that means one of PM, Analytics,
 * Finance or Eng (`Product` → `PM`, `Data science` → `Analytics`, `Engineering` → `Eng`), else
 * `LLM` (another team, `LLM`, or nothing).
 */
export function ownerFromText(text: string): ParamOwner {
  for (const word of text.toLowerCase().split(/[^a-z&]+/)) {
    const owner = OWNER_WORDS.get(word);
    if (owner) return owner;
  }
  return 'LLM';
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
    source: 'PM',
    origin: 'heuristic',
  };
}
