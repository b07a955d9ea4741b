/**
 * The narrow reads `explain` and the dashboard's initiative page make, on every engine: the ranks
 * as of several runs at once say what `loadLatestRanks` says for each run, and the titles come for
 * the keys asked for only.
 */
import { expect, it } from 'vitest';
import {
  insertRankHistory,
  loadInitiativeTitles,
  loadLatestRanks,
  loadRanksAfterRuns,
  type NewInitiativeRow,
  type NewRankHistoryRow,
  upsertInitiatives,
} from '../../src/db/index.js';
import { forEachDatabase } from './databases.js';

const at = '2025-03-04T05:06:07.890Z';

const rank = (run: number | null, key: string, value: number | null): NewRankHistoryRow => ({
  run_id: run,
  initiative_key: key,
  active_framework: 'RICE',
  strategic_priority_coefficient: 1,
  priority_score: value === null ? null : 100 - value,
  rank: value,
  recorded_at: at,
});

const initiative = (key: string, title: string, archived = false): NewInitiativeRow => ({
  initiative_key: key,
  title,
  backlog_row: 2,
  active_framework: 'WSJF',
  use_math_model: 0,
  first_seen_at: at,
  updated_at: at,
  archived_at: archived ? at : null,
  uncertainty_json: '{"pTopN":0.5}',
});

forEachDatabase((_kind, open) => {
  it('reads the ranks as of several runs, as loadLatestRanks reads them one run at a time', async () => {
    const database = await open();
    await insertRankHistory(database, [
      rank(10, 'A', 1),
      rank(10, 'B', 2),
      rank(11, 'B', 1),
      rank(11, 'A', 2),
      // First ranked at run 12; then unranked at run 13.
      rank(12, 'C', 3),
      rank(13, 'C', null),
      // Written outside a run: after no run.
      rank(null, 'A', 9),
      rank(14, 'A', 3),
      // A row of run 11 written after run 14's: the highest id is the latest row, whatever its run.
      rank(11, 'D', 4),
      rank(14, 'D', 5),
      rank(11, 'D', 6),
    ]);
    const asMap = async (run: number) =>
      new Map((await loadLatestRanks(database, { runId: run })).map((row) => [row.initiative_key, row.rank]));
    const runs = [14, 9, 11, 12, 11, 13, 10, 15];
    const ranks = await loadRanksAfterRuns(database, runs);
    expect([...ranks.keys()]).toEqual([9, 10, 11, 12, 13, 14, 15]);
    for (const run of ranks.keys()) expect(ranks.get(run), `run ${run}`).toEqual(await asMap(run));
    expect(ranks.get(9)).toEqual(new Map());
    expect(ranks.get(12)).toEqual(
      new Map([
        ['A', 2],
        ['B', 1],
        ['C', 3],
        ['D', 6],
      ]),
    );
    expect(ranks.get(14)).toEqual(
      new Map([
        ['A', 3],
        ['B', 1],
        ['C', null],
        ['D', 6],
      ]),
    );
    // From a first run with ranks already; one run alone; none at all.
    expect(await loadRanksAfterRuns(database, [14, 11])).toEqual(
      new Map([
        [11, await asMap(11)],
        [14, await asMap(14)],
      ]),
    );
    expect(await loadRanksAfterRuns(database, [13])).toEqual(new Map([[13, await asMap(13)]]));
    expect(await loadRanksAfterRuns(database, [])).toEqual(new Map());
  });

  it('reads the title and active framework of the keys asked for, archived ones included', async () => {
    const database = await open();
    const many = Array.from({ length: 1_200 }, (_, i) => initiative(`T-${i}`, `Title ${i}`));
    await upsertInitiatives(database, [...many, initiative('T-archived', 'Gone', true)]);
    const titles = await loadInitiativeTitles(database, ['T-7', 'T-archived', 'T-unknown', 'T-7']);
    expect(titles.sort((a, b) => a.initiative_key.localeCompare(b.initiative_key))).toEqual([
      { initiative_key: 'T-7', title: 'Title 7', active_framework: 'WSJF' },
      { initiative_key: 'T-archived', title: 'Gone', active_framework: 'WSJF' },
    ]);
    // More keys than one statement takes.
    const all = await loadInitiativeTitles(
      database,
      many.map((row) => row.initiative_key),
    );
    expect(all).toHaveLength(1_200);
    expect(new Set(all.map((row) => row.title)).size).toBe(1_200);
    expect(await loadInitiativeTitles(database, [])).toEqual([]);
  });
});
