/**
 * What repository functions run their queries on, and how several of them land together.
 *
 * ```ts
 * const rows = await loadInitiatives(database);
 * await withTransaction(database, async (tx) => {
 *   await upsertInitiatives(tx, changed);
 *   await insertScoreHistory(tx, history);
 * }); // committed here; rolled back, nothing written, if the callback throws
 * ```
 *
 * `tx` is opaque: it has no methods, it is only passed on to repository functions (of this module's
 * callers, only `src/db` knows it is a Kysely transaction). Code outside `src/db` needs no kysely
 * import.
 */
import { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { Schema } from './schema.js';

declare const transactionBrand: unique symbol;

/** A transaction opened by `withTransaction`: pass it to repository functions, nothing else. */
export interface DbTransaction {
  readonly [transactionBrand]: 'DbTransaction';
}

/**
 * Where a repository function runs: an open Database, a transaction from `withTransaction`, or a
 * Kysely instance on the schema (`database.db`, as the older callers pass).
 */
export type DbHandle = Database | DbTransaction | Kysely<Schema>;

/** The Kysely instance behind a handle (the transaction's, inside `withTransaction`). For `src/db` only. */
export function kyselyOf(handle: DbHandle): Kysely<Schema> {
  if (handle instanceof Kysely) return handle as Kysely<Schema>;
  return (handle as Database).db;
}

/**
 * Runs `work` in one transaction: committed when it resolves, rolled back when it throws (the
 * error is rethrown). Given a `tx` already, `work` joins that transaction (no nesting, no savepoint).
 * On SQLite the transaction takes the write lock at once (BEGIN IMMEDIATE, see dialects/sqlite.ts).
 */
export async function withTransaction<T>(
  handle: DbHandle,
  work: (tx: DbTransaction) => Promise<T>,
): Promise<T> {
  return inTransaction(handle, (trx) => work(trx as unknown as DbTransaction));
}

/** `withTransaction` for `src/db` itself: the callback gets the Kysely transaction. */
export async function inTransaction<T>(
  handle: DbHandle,
  work: (trx: Kysely<Schema>) => Promise<T>,
): Promise<T> {
  const db = kyselyOf(handle);
  if (db.isTransaction) return work(db);
  return db.transaction().execute((trx) => work(trx));
}
