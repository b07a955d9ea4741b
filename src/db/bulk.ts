/**
 * Writing many rows in few statements, the same SQL on every engine: multi-row
 * `insert … on conflict (keys) do update set column = excluded.column`, which SQLite (3.24+) and
 * PostgreSQL (9.5+) both accept. Used by the sync flows, which mirror whole tabs at once.
 */
import type { Insertable, Kysely } from 'kysely';
import type { Schema } from './schema.js';
import { type DbHandle, inTransaction, kyselyOf } from './transaction.js';

/**
 * Bound parameters per statement: SQLite allows 32,766 (SQLITE_MAX_VARIABLE_NUMBER since 3.32),
 * PostgreSQL 65,535 (a 16-bit count in the wire protocol); the lower bound serves both.
 */
const MAX_PARAMETERS = 32_766;
/** Beyond a few hundred rows a longer statement is no faster, only heavier to build and parse. */
const MAX_ROWS_PER_STATEMENT = 500;
/**
 * Rows handed to `upsertRows` at a time by `upsertRowsInSlices`: the largest tables (40,000
 * params) are grouped, deduplicated and written one slice at a time.
 */
export const UPSERT_SLICE_ROWS = 2_000;

type TableName = keyof Schema & string;
type ColumnOf<T extends TableName> = keyof Schema[T] & string;
// The builder is used with column names known only at run time; the public signature is typed.
type UntypedDatabase = Kysely<Record<string, Record<string, unknown>>>;

/**
 * Inserts `rows` into `table`, or updates the row already there with the same `keyColumns`
 * (the table's primary key, or another unique key). On an update, the columns a row names are
 * set and the others are left as they are. When several rows share a key the last one wins.
 * All rows are written in one transaction, or in the caller's when `db` is a transaction.
 * Returns how many distinct rows were written.
 */
export async function upsertRows<T extends TableName>(
  db: DbHandle,
  table: T,
  rows: readonly Insertable<Schema[T]>[],
  keyColumns: readonly ColumnOf<T>[],
): Promise<number> {
  if (keyColumns.length === 0) throw new Error(`upsertRows(${table}): no key columns`);
  const groups = groupByColumns(table, dedupeByKey(rows as readonly Record<string, unknown>[], keyColumns));
  if (groups.length === 0) return 0;

  const write = async (trx: UntypedDatabase): Promise<void> => {
    for (const { columns, rows: groupRows } of groups) {
      const updated = columns.filter((column) => !keyColumns.includes(column as ColumnOf<T>));
      const rowsPerStatement = Math.max(
        1,
        Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMETERS / columns.length)),
      );
      for (let start = 0; start < groupRows.length; start += rowsPerStatement) {
        const chunk = groupRows.slice(start, start + rowsPerStatement);
        await trx
          .insertInto(table as string)
          .values(chunk)
          .onConflict((conflict) => {
            const target = conflict.columns([...keyColumns]);
            if (updated.length === 0) return target.doNothing();
            return target.doUpdateSet((update) =>
              Object.fromEntries(updated.map((column) => [column, update.ref(`excluded.${column}`)])),
            );
          })
          .execute();
      }
    }
  };

  const untyped = kyselyOf(db) as unknown as UntypedDatabase;
  if (untyped.isTransaction) await write(untyped);
  else await untyped.transaction().execute(write);
  return groups.reduce((count, group) => count + group.rows.length, 0);
}

/**
 * `upsertRows` over `rows` taken UPSERT_SLICE_ROWS at a time (an array, or a generator that builds
 * them slice by slice), all in one transaction (the caller's, when `db` is one). Returns the rows
 * written, a key repeated in two slices counting twice (the later row wins).
 */
export async function upsertRowsInSlices<T extends TableName>(
  db: DbHandle,
  table: T,
  rows: Iterable<Insertable<Schema[T]>>,
  keyColumns: readonly ColumnOf<T>[],
): Promise<number> {
  return inTransaction(db, async (trx) => {
    let written = 0;
    for (const slice of slices(rows, UPSERT_SLICE_ROWS))
      written += await upsertRows(trx, table, slice, keyColumns);
    return written;
  });
}

/** `items` in arrays of `size` (the last one shorter); an array is sliced without a copy of the whole. */
export function* slices<T>(items: Iterable<T>, size: number): Generator<T[]> {
  if (Array.isArray(items)) {
    for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
    return;
  }
  let slice: T[] = [];
  for (const item of items) {
    slice.push(item);
    if (slice.length === size) {
      yield slice;
      slice = [];
    }
  }
  if (slice.length > 0) yield slice;
}

/** Last row per key wins, in first-seen order: PostgreSQL refuses to update one row twice per statement. */
function dedupeByKey(
  rows: readonly Record<string, unknown>[],
  keyColumns: readonly string[],
): Record<string, unknown>[] {
  const byKey = new Map<string, Record<string, unknown>>();
  for (const row of rows) byKey.set(JSON.stringify(keyColumns.map((column) => row[column] ?? null)), row);
  return [...byKey.values()];
}

/**
 * Rows grouped by the columns they set (undefined counts as absent): one statement has one column
 * list, and filling a gap with DEFAULT is not portable (SQLite has no DEFAULT in VALUES) while
 * filling it with null would overwrite the stored value.
 */
function groupByColumns(
  table: string,
  rows: readonly Record<string, unknown>[],
): { columns: string[]; rows: Record<string, unknown>[] }[] {
  const groups = new Map<string, { columns: string[]; rows: Record<string, unknown>[] }>();
  for (const row of rows) {
    const columns = Object.keys(row)
      .filter((column) => row[column] !== undefined)
      .sort();
    if (columns.length === 0) throw new Error(`upsertRows(${table}): a row has no columns`);
    const signature = columns.join('\u0000');
    let group = groups.get(signature);
    if (!group) groups.set(signature, (group = { columns, rows: [] }));
    // Rows that name no column as undefined go in as they are (no copy of 40,000 params).
    const complete = columns.length === Object.keys(row).length;
    group.rows.push(complete ? row : Object.fromEntries(columns.map((column) => [column, row[column]])));
  }
  return [...groups.values()];
}
