/**
 * The `run_requests` table: runs asked for through `productops serve`'s actions API. A request is
 * inserted `queued`, moves to `running`, and ends `done` or `failed`; nothing moves it back. The
 * queue that orders them lives in the server's memory, so a server that starts marks what an
 * earlier one left queued or running as failed (`failUnfinishedRunRequests`).
 */
import type { NewRunRequestRow, RunRequestRow } from '../schema.js';
import { type DbHandle, kyselyOf } from '../transaction.js';

/** How a request ended: what `finishRunRequest` records. */
export type RunRequestEnding =
  | {
      status: 'done';
      finished_at: string;
      run_id: number | null;
      summary_json: string;
      warnings_json: string;
    }
  | { status: 'failed'; finished_at: string; error: string };

/** Inserts the request and returns the id the database assigned it (ids only ever increase). */
export async function insertRunRequest(db: DbHandle, request: NewRunRequestRow): Promise<number> {
  const row = await kyselyOf(db)
    .insertInto('run_requests')
    .values(request)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Marks a queued request as running since `startedAt`. */
export async function markRunRequestRunning(db: DbHandle, id: number, startedAt: string): Promise<void> {
  await kyselyOf(db)
    .updateTable('run_requests')
    .set({ status: 'running', started_at: startedAt })
    .where('id', '=', id)
    .execute();
}

export async function finishRunRequest(db: DbHandle, id: number, ending: RunRequestEnding): Promise<void> {
  await kyselyOf(db).updateTable('run_requests').set(ending).where('id', '=', id).execute();
}

export async function loadRunRequest(db: DbHandle, id: number): Promise<RunRequestRow | undefined> {
  return kyselyOf(db).selectFrom('run_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The `limit` latest requests, newest first. */
export async function loadRecentRunRequests(db: DbHandle, limit: number): Promise<RunRequestRow[]> {
  return kyselyOf(db).selectFrom('run_requests').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

/**
 * Marks every request still in `status` as failed with `error`, at `at`: what a server left
 * behind when it stopped. Returns how many it marked.
 */
export async function failUnfinishedRunRequests(
  db: DbHandle,
  status: 'queued' | 'running',
  at: string,
  error: string,
): Promise<number> {
  const result = await kyselyOf(db)
    .updateTable('run_requests')
    .set({ status: 'failed', finished_at: at, error })
    .where('status', '=', status)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
