/**
 * The `llm_calls` table: one row per LLM call, written the moment the call returns, each in its
 * own transaction, so a call is on record even when the command that made it fails later (the
 * money is spent either way). The row is linked to its run once the command's run is recorded.
 */
import type { Insertable } from 'kysely';
import type { LlmCallsTable } from '../schema.js';
import { type DbHandle, inTransaction, kyselyOf } from '../transaction.js';

export type NewLlmCall = Omit<Insertable<LlmCallsTable>, 'id'>;

/** Inserts one call, committed at once (unless `db` is a transaction: then with it); returns its id. */
export async function insertLlmCall(db: DbHandle, call: NewLlmCall): Promise<number> {
  const row = await inTransaction(db, (trx) =>
    trx.insertInto('llm_calls').values(call).returning('id').executeTakeFirstOrThrow(),
  );
  return row.id;
}

/** Sets `run_id` on the given calls (a command's calls, recorded before its run was). */
export async function assignLlmCallsToRun(
  handle: DbHandle,
  ids: readonly number[],
  runId: number,
): Promise<void> {
  const db = kyselyOf(handle);
  // In slices: a statement's bound parameters are limited (SQLite 32,766).
  for (let start = 0; start < ids.length; start += 1_000) {
    await db
      .updateTable('llm_calls')
      .set({ run_id: runId })
      .where('id', 'in', ids.slice(start, start + 1_000))
      .execute();
  }
}
