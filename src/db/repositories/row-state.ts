/**
 * The `row_state` table: the backend's memory of each sheet row, its cells as a JSON object
 * (`cells_json`), by tab and row key. Written 2,000 rows at a time; rows may be given as a generator.
 */
import { upsertRowsInSlices } from '../bulk.js';
import type { NewRowStateRow, RowStateRow } from '../schema.js';
import { type DbHandle, kyselyOf } from '../transaction.js';

/** Every row, in no particular order. */
export async function loadRowState(db: DbHandle): Promise<RowStateRow[]> {
  return kyselyOf(db).selectFrom('row_state').selectAll().execute();
}

/**
 * Inserts the rows, or updates the stored row with the same (tab, row_key). In one transaction,
 * the caller's when `db` is one. Returns the rows written.
 */
export async function upsertRowState(db: DbHandle, rows: Iterable<NewRowStateRow>): Promise<number> {
  return upsertRowsInSlices(db, 'row_state', rows, ['tab', 'row_key']);
}
