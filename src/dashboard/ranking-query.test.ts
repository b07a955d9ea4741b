import { describe, expect, it } from 'vitest';
import {
  applyRankingQuery,
  DEFAULT_RANKING_QUERY,
  parseRankingQuery,
  type RankingRow,
  rankingSearch,
} from './ranking-query.js';

const row = (key: string, fields: Partial<RankingRow>): RankingRow => ({
  rank: null,
  key,
  title: key,
  framework: 'RICE',
  department: null,
  value: null,
  overall: null,
  priority: null,
  priorityP10: null,
  priorityP90: null,
  pTopN: null,
  topDriver: null,
  warnings: 0,
  ...fields,
});

const rows = [
  row('C', { rank: 2, priority: 50, title: 'banana', department: 'Growth' }),
  row('A', { rank: null, priority: null, title: 'apple', warnings: 2, framework: 'WSJF' }),
  row('B', { rank: 1, priority: 90, title: 'Cherry', warnings: 1, department: 'Growth' }),
  row('D', { rank: 3, priority: 50, title: 'date', framework: 'WSJF' }),
];
const params = (search: string) => (name: string) => new URLSearchParams(search).get(name) ?? undefined;
const query = (search: string) => {
  const parsed = parseRankingQuery(params(search));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
};
const keys = (search: string) => applyRankingQuery(rows, query(search)).map((r) => r.key);

describe('the ranking query', () => {
  it('sorts by rank by default, unranked last', () => {
    expect(query('')).toEqual(DEFAULT_RANKING_QUERY);
    expect(keys('')).toEqual(['B', 'C', 'D', 'A']);
  });

  it('sorts by any column either way, rows without a value last, ties in rank order', () => {
    expect(keys('sort=priority&dir=desc')).toEqual(['B', 'C', 'D', 'A']);
    expect(keys('sort=priority&dir=asc')).toEqual(['C', 'D', 'B', 'A']);
    expect(keys('sort=title&dir=asc')).toEqual(['A', 'C', 'B', 'D']);
    expect(keys('sort=warnings')).toEqual(['A', 'B', 'C', 'D']);
  });

  it('filters by framework, department and warnings; an empty parameter is no filter', () => {
    expect(keys('framework=WSJF')).toEqual(['D', 'A']);
    expect(keys('department=Growth')).toEqual(['B', 'C']);
    expect(keys('warnings=1')).toEqual(['B', 'A']);
    expect(keys('framework=&department=&warnings=')).toEqual(['B', 'C', 'D', 'A']);
  });

  it('names a parameter it does not understand', () => {
    expect(parseRankingQuery(params('sort=colour'))).toEqual({
      ok: false,
      message: expect.stringContaining('sort must be one of rank, key, title'),
    });
    expect(parseRankingQuery(params('dir=up'))).toEqual({
      ok: false,
      message: "dir must be asc or desc (got 'up')",
    });
    expect(parseRankingQuery(params('warnings=yes'))).toMatchObject({ ok: false });
  });

  it('writes a query back as the shortest URL', () => {
    expect(rankingSearch(DEFAULT_RANKING_QUERY)).toBe('');
    expect(rankingSearch(query('sort=title&dir=desc&framework=RICE&department=R%26D&warnings=1'))).toBe(
      '?sort=title&dir=desc&framework=RICE&department=R%26D&warnings=1',
    );
  });
});
