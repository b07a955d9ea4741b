/**
 * The `framework_scores` table (the latest scores of each initiative per framework) and
 * `score_history` (a row per computed score, with the formula and inputs used, never updated).
 */
import { slices, upsertRowsInSlices } from '../bulk.js';
import type { FrameworkScoreRow, NewFrameworkScoreRow, NewScoreHistoryRow } from '../schema.js';
import { type DbHandle, inTransaction, kyselyOf } from '../transaction.js';

/** History rows inserted per statement (11 bound parameters each). */
const HISTORY_SLICE = 500;

/** Every row of `framework_scores`, in no particular order. */
export async function loadFrameworkScores(db: DbHandle): Promise<FrameworkScoreRow[]> {
  return kyselyOf(db).selectFrom('framework_scores').selectAll().execute();
}

/**
 * Inserts the rows, or updates the stored row with the same (initiative_key, framework) (the
 * columns a row names). In one transaction, the caller's when `db` is one. Returns the rows written.
 */
export async function upsertFrameworkScores(
  db: DbHandle,
  rows: Iterable<NewFrameworkScoreRow>,
): Promise<number> {
  return upsertRowsInSlices(db, 'framework_scores', rows, ['initiative_key', 'framework']);
}

/**
 * Appends the rows to `score_history` (ids assigned by the database; a nullable column left out
 * is stored as null), 500 per statement, in one transaction (the caller's when `db` is one).
 * Returns how many were inserted.
 */
export async function insertScoreHistory(db: DbHandle, rows: Iterable<NewScoreHistoryRow>): Promise<number> {
  return inTransaction(db, async (trx) => {
    let inserted = 0;
    for (const slice of slices(rows, HISTORY_SLICE)) {
      // Every column named in every row: a multi-row VALUES cannot leave one out portably.
      await trx.insertInto('score_history').values(slice.map(completeHistoryRow)).execute();
      inserted += slice.length;
    }
    return inserted;
  });
}

function completeHistoryRow(row: NewScoreHistoryRow): NewScoreHistoryRow {
  return {
    run_id: row.run_id ?? null,
    initiative_key: row.initiative_key,
    framework: row.framework,
    model_name: row.model_name ?? null,
    value_score: row.value_score ?? null,
    effort_score: row.effort_score ?? null,
    overall_score: row.overall_score ?? null,
    formula_text: row.formula_text ?? null,
    inputs_json: row.inputs_json,
    computed_at: row.computed_at,
  };
}
