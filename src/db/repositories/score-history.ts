/**
 * Reading `score_history` (written by `insertScoreHistory`, next to the scores it records, in
 * framework-scores.ts): an initiative's scores per framework, each with the formula and inputs
 * that produced it, for `explain` and the dashboard.
 */
import type { ScoreHistoryRow } from '../schema.js';
import { type DbHandle, kyselyOf } from '../transaction.js';

/** One initiative's rows, every framework's, oldest first. */
export async function loadScoreHistory(db: DbHandle, key: string): Promise<ScoreHistoryRow[]> {
  return kyselyOf(db)
    .selectFrom('score_history')
    .selectAll()
    .where('initiative_key', '=', key)
    .orderBy('id')
    .execute();
}
