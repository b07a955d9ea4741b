/**
 * The ranking's sort and filters, as the page's links and form and `/api/ranking` spell them
 * (`?sort=priority&dir=desc&framework=RICE&department=Growth&warnings=1`): parsed once, with a
 * message for a value we do not know, then applied to the rows in memory (5,000 rows sort in a
 * millisecond, and the warnings count is not a column a query could sort by).
 */

/** One initiative as the ranking shows it (and `/api/ranking` returns it). */
export interface RankingRow {
  rank: number | null;
  key: string;
  title: string;
  framework: string | null;
  department: string | null;
  value: number | null;
  overall: number | null;
  priority: number | null;
  /** The priority's 10th and 90th percentiles under uncertainty; null without a simulation. */
  priorityP10: number | null;
  priorityP90: number | null;
  /** The chance to be among the config's `uncertainty.topN` highest priorities. */
  pTopN: number | null;
  topDriver: string | null;
  /** Warnings of the last run on this initiative's rows (any tab). */
  warnings: number;
}

/** The columns a ranking can be sorted by, in the order the table shows them. */
export const RANKING_COLUMNS = [
  'rank',
  'key',
  'title',
  'framework',
  'value',
  'overall',
  'priority',
  'pTopN',
  'topDriver',
  'warnings',
] as const;
export type RankingColumn = (typeof RANKING_COLUMNS)[number];

export interface RankingQuery {
  sort: RankingColumn;
  dir: 'asc' | 'desc';
  /** Only this active framework; null for all. */
  framework: string | null;
  department: string | null;
  /** Only initiatives with at least one warning. */
  warningsOnly: boolean;
}

export const DEFAULT_RANKING_QUERY: RankingQuery = {
  sort: 'rank',
  dir: 'asc',
  framework: null,
  department: null,
  warningsOnly: false,
};

/** The direction a column sorts in when its header is first clicked: best first. */
export function naturalDirection(column: RankingColumn): 'asc' | 'desc' {
  return ['value', 'overall', 'priority', 'pTopN', 'warnings'].includes(column) ? 'desc' : 'asc';
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** The query from URL parameters; an empty parameter (the form's "all") means no filter. */
export function parseRankingQuery(get: (name: string) => string | undefined): Parsed<RankingQuery> {
  const sort = get('sort') || DEFAULT_RANKING_QUERY.sort;
  if (!(RANKING_COLUMNS as readonly string[]).includes(sort)) {
    return { ok: false, message: `sort must be one of ${RANKING_COLUMNS.join(', ')} (got '${sort}')` };
  }
  const column = sort as RankingColumn;
  const dir = get('dir') || (sort === DEFAULT_RANKING_QUERY.sort ? 'asc' : naturalDirection(column));
  if (dir !== 'asc' && dir !== 'desc')
    return { ok: false, message: `dir must be asc or desc (got '${dir}')` };
  const warnings = get('warnings') || '0';
  if (warnings !== '0' && warnings !== '1') {
    return {
      ok: false,
      message: `warnings must be 1 (only initiatives with warnings) or 0 (got '${warnings}')`,
    };
  }
  return {
    ok: true,
    value: {
      sort: column,
      dir,
      framework: get('framework') || null,
      department: get('department') || null,
      warningsOnly: warnings === '1',
    },
  };
}

/** The rows the query keeps, in its order; rows without a value for the column come last either way. */
export function applyRankingQuery(rows: readonly RankingRow[], query: RankingQuery): RankingRow[] {
  const kept = rows.filter(
    (r) =>
      (query.framework === null || r.framework === query.framework) &&
      (query.department === null || r.department === query.department) &&
      (!query.warningsOnly || r.warnings > 0),
  );
  const sign = query.dir === 'asc' ? 1 : -1;
  const compare = (a: RankingRow, b: RankingRow): number => {
    const x = a[query.sort];
    const y = b[query.sort];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const order = typeof x === 'number' ? x - (y as number) : String(x).localeCompare(String(y));
    return sign * order;
  };
  // Ties keep the ranking's own order: rank, then key.
  const byRank = (a: RankingRow, b: RankingRow) =>
    (a.rank ?? Number.POSITIVE_INFINITY) - (b.rank ?? Number.POSITIVE_INFINITY) || a.key.localeCompare(b.key);
  return kept.sort((a, b) => compare(a, b) || byRank(a, b));
}

/** The query as URL parameters, defaults left out, so links stay short. */
export function rankingSearch(query: RankingQuery): string {
  const params = new URLSearchParams();
  if (query.sort !== DEFAULT_RANKING_QUERY.sort || query.dir !== DEFAULT_RANKING_QUERY.dir) {
    params.set('sort', query.sort);
    params.set('dir', query.dir);
  }
  if (query.framework !== null) params.set('framework', query.framework);
  if (query.department !== null) params.set('department', query.department);
  if (query.warningsOnly) params.set('warnings', '1');
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
