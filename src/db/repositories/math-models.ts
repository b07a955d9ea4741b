/** The `math_models` table: per initiative and model name, what the backend last wrote and counted. */
import { upsertRowsInSlices } from '../bulk.js';
import type { MathModelRow, NewMathModelRow } from '../schema.js';
import { type DbHandle, kyselyOf } from '../transaction.js';

/** Every row, in no particular order. */
export async function loadMathModels(db: DbHandle): Promise<MathModelRow[]> {
  return kyselyOf(db).selectFrom('math_models').selectAll().execute();
}

/**
 * Inserts the rows, or updates the stored row with the same (initiative_key, model_name) (the
 * columns a row names). In one transaction, the caller's when `db` is one. Returns the rows written.
 */
export async function upsertMathModels(db: DbHandle, rows: Iterable<NewMathModelRow>): Promise<number> {
  return upsertRowsInSlices(db, 'math_models', rows, ['initiative_key', 'model_name']);
}
