/** The `runs` table: one row per command that wrote (what it did, in `summary_json`). */
import type { NewRunRow } from '../schema.js';
import { type DbHandle, kyselyOf } from '../transaction.js';

/** Inserts the run and returns the id the database assigned it (ids only ever increase). */
export async function insertRun(db: DbHandle, run: NewRunRow): Promise<number> {
  const row = await kyselyOf(db).insertInto('runs').values(run).returning('id').executeTakeFirstOrThrow();
  return row.id;
}
