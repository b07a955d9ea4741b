/**
 * The `warnings` table: the warnings of the last run that wrote, as the run summary lists them,
 * so the dashboard shows them while the workbooks are closed. A run replaces the whole set, and
 * only when it differs from the stored one (the caller compares), so the rows keep the id of the
 * run that found them.
 */
import { sql } from 'kysely';
import { slices } from '../bulk.js';
import type { NewWarningRow, WarningRow } from '../schema.js';
import { type DbHandle, inTransaction, kyselyOf } from '../transaction.js';

/** Rows inserted per statement (8 bound parameters each). */
const WARNINGS_SLICE = 500;

/** A warning to store: a row without the run, which `replaceWarnings` sets on every row. */
export type NewWarning = Omit<NewWarningRow, 'run_id'>;

/**
 * Deletes every stored warning and inserts `rows` with `run_id` = `runId`, in their order, in one
 * transaction (the caller's when `db` is one). Returns how many were inserted.
 */
export async function replaceWarnings(
  db: DbHandle,
  runId: number | null,
  rows: Iterable<NewWarning>,
): Promise<number> {
  return inTransaction(db, async (trx) => {
    await trx.deleteFrom('warnings').execute();
    let inserted = 0;
    for (const slice of slices(rows, WARNINGS_SLICE)) {
      await trx
        .insertInto('warnings')
        .values(
          slice.map((row) => ({
            run_id: runId,
            tab: row.tab,
            row_number: row.row_number ?? null,
            column_name: row.column_name ?? null,
            initiative_key: row.initiative_key ?? null,
            message: row.message,
            link: row.link ?? null,
          })),
        )
        .execute();
      inserted += slice.length;
    }
    return inserted;
  });
}

/**
 * The stored warnings in the order the run listed them: all, or those of one initiative (`key`
 * itself, and its models' and params' rows, whose key is `key/…`).
 */
export async function loadWarnings(db: DbHandle, key?: string): Promise<WarningRow[]> {
  let query = kyselyOf(db).selectFrom('warnings').selectAll();
  if (key !== undefined) {
    const prefix = `${key}/`;
    // substr, not like: a key may hold `%` or `_`, and SQLite's like has no escape by default.
    query = query.where((eb) =>
      eb.or([
        eb('initiative_key', '=', key),
        eb(sql<string>`substr(initiative_key, 1, ${prefix.length})`, '=', prefix),
      ]),
    );
  }
  return query.orderBy('id').execute();
}
