/**
 * The `params` table: per initiative, framework and parameter name, the cell as last seen. The
 * largest table (40,000 rows and more): rows are written 2,000 at a time, and may be given as a
 * generator that builds them slice by slice.
 */
import { upsertRowsInSlices } from '../bulk.js';
import type { NewParamRow, ParamRow } from '../schema.js';
import { type DbHandle, kyselyOf } from '../transaction.js';

/** Every row, in no particular order. */
export async function loadParams(db: DbHandle): Promise<ParamRow[]> {
  return kyselyOf(db).selectFrom('params').selectAll().execute();
}

/**
 * Inserts the rows, or updates the stored row with the same (initiative_key, framework,
 * param_name) (the columns a row names: leave `metadata_origin` out to keep the stored one). In
 * one transaction, the caller's when `db` is one. Returns the rows written.
 */
export async function upsertParams(db: DbHandle, rows: Iterable<NewParamRow>): Promise<number> {
  return upsertRowsInSlices(db, 'params', rows, ['initiative_key', 'framework', 'param_name']);
}
