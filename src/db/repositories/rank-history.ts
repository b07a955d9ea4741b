/**
 * The `rank_history` table: an initiative's active framework, strategic priority coefficient,
 * priority and rank, appended by a run in which one of them changed and never updated (as
 * `score_history` is for scores). The state of every initiative as of run R is, per key, the
 * latest row with `run_id` ≤ R: what `explain` compares and the dashboard's history draws.
 */
import { slices } from '../bulk.js';
import type { NewRankHistoryRow, RankHistoryRow } from '../schema.js';
import { type DbHandle, inTransaction, kyselyOf } from '../transaction.js';

/** Rows inserted per statement (8 bound parameters each). */
const HISTORY_SLICE = 500;

/** Where a history is read up to: after run `runId`, or at the instant `at` (ISO-8601 UTC). */
export type HistoryPoint = { runId: number } | { at: string };

/**
 * Appends the rows (ids assigned by the database; a nullable column left out is stored as null),
 * 500 per statement, in one transaction (the caller's when `db` is one). Returns how many were inserted.
 */
export async function insertRankHistory(db: DbHandle, rows: Iterable<NewRankHistoryRow>): Promise<number> {
  return inTransaction(db, async (trx) => {
    let inserted = 0;
    for (const slice of slices(rows, HISTORY_SLICE)) {
      // Every column named in every row: a multi-row VALUES cannot leave one out portably.
      await trx.insertInto('rank_history').values(slice.map(completeRow)).execute();
      inserted += slice.length;
    }
    return inserted;
  });
}

/** Every row, or one initiative's, oldest first. */
export async function loadRankHistory(db: DbHandle, key?: string): Promise<RankHistoryRow[]> {
  let query = kyselyOf(db).selectFrom('rank_history').selectAll();
  if (key !== undefined) query = query.where('initiative_key', '=', key);
  return query.orderBy('id').execute();
}

/**
 * Each initiative's latest row: all of them, or as of `point` (rows of later runs, and rows with
 * no run when `point` names a run, left out). In no particular order.
 */
export async function loadLatestRanks(db: DbHandle, point?: HistoryPoint): Promise<RankHistoryRow[]> {
  const k = kyselyOf(db);
  let latest = k
    .selectFrom('rank_history as earlier')
    .select((eb) => eb.fn.max('earlier.id').as('id'))
    .groupBy('earlier.initiative_key');
  if (point && 'runId' in point) latest = latest.where('earlier.run_id', '<=', point.runId);
  else if (point) latest = latest.where('earlier.recorded_at', '<=', point.at);
  return k.selectFrom('rank_history').selectAll().where('id', 'in', latest).execute();
}

/**
 * Every initiative's rank as of each run of `runIds`, by run then key: per key, the rank of its
 * latest row (the highest id) with `run_id` ≤ that run — what `loadLatestRanks({ runId })` says for
 * each run, a key with no row by then left out. Two queries however many runs: the ranks as of the
 * first run, then the rows of the runs up to the last, applied in order (the latest row as of a
 * later run is the latest of the first run's and of those). Only the key and rank are read:
 * building 5,000 whole rows costs several times what the query does.
 */
export async function loadRanksAfterRuns(
  db: DbHandle,
  runIds: Iterable<number>,
): Promise<Map<number, Map<string, number | null>>> {
  const runs = [...new Set(runIds)].sort((a, b) => a - b);
  const ranks = new Map<number, Map<string, number | null>>();
  const first = runs[0];
  const last = runs.at(-1);
  if (first === undefined || last === undefined) return ranks;
  const k = kyselyOf(db);
  const latest = k
    .selectFrom('rank_history as earlier')
    .select((eb) => eb.fn.max('earlier.id').as('id'))
    .where('earlier.run_id', '<=', first)
    .groupBy('earlier.initiative_key');
  const current = new Map<string, { id: number; rank: number | null }>();
  for (const row of await k
    .selectFrom('rank_history')
    .select(['id', 'initiative_key', 'rank'])
    .where('id', 'in', latest)
    .execute()) {
    current.set(row.initiative_key, row);
  }
  const later =
    last === first
      ? []
      : await k
          .selectFrom('rank_history')
          .select(['id', 'initiative_key', 'run_id', 'rank'])
          .where('run_id', '>', first)
          .where('run_id', '<=', last)
          .orderBy('run_id')
          .orderBy('id')
          .execute();
  let next = 0;
  for (const run of runs) {
    for (; next < later.length && later[next]!.run_id! <= run; next++) {
      const row = later[next]!;
      const known = current.get(row.initiative_key);
      // Rows are appended run after run, so the later run's row is normally the later one; the
      // highest id decides, as in loadLatestRanks, should a run's rows ever have been written late.
      if (!known || row.id > known.id) current.set(row.initiative_key, row);
    }
    const asOfRun = new Map<string, number | null>();
    for (const [key, row] of current) asOfRun.set(key, row.rank);
    ranks.set(run, asOfRun);
  }
  return ranks;
}

function completeRow(row: NewRankHistoryRow): NewRankHistoryRow {
  return {
    run_id: row.run_id ?? null,
    initiative_key: row.initiative_key,
    active_framework: row.active_framework ?? null,
    strategic_priority_coefficient: row.strategic_priority_coefficient ?? null,
    priority_score: row.priority_score ?? null,
    rank: row.rank ?? null,
    recorded_at: row.recorded_at,
  };
}
