/**
 * Named counters (the `sequences` table), changed only in ways that can never hand out a number
 * twice: numbers are reserved by one atomic `update … set last_value = last_value + n returning`,
 * committed before anything uses them, and every other write only ever raises the counter.
 */
import type { Kysely } from 'kysely';
import type { Schema } from '../schema.js';
import { type DbHandle, kyselyOf } from '../transaction.js';

/**
 * Numbers above this are never stored: `INIT-` keys have up to nine digits, and a pasted
 * `INIT-9999999999999999` must not push the counter past what a double holds exactly.
 */
export const MAX_SEQUENCE_VALUE = 999_999_999;

function storable(value: number): boolean {
  return Number.isSafeInteger(value) && value <= MAX_SEQUENCE_VALUE;
}

async function ensureRow(db: Kysely<Schema>, name: string): Promise<void> {
  await db
    .insertInto('sequences')
    .values({ name, last_value: 0 })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
}

/** The counter's value (0 when it was never used). */
export async function readSequence(db: DbHandle, name: string): Promise<number> {
  const row = await kyselyOf(db)
    .selectFrom('sequences')
    .select('last_value')
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.last_value ?? 0;
}

/** Raises the counter to `value` if it is lower; never lowers it. */
export async function raiseSequence(handle: DbHandle, name: string, value: number): Promise<void> {
  if (!storable(value)) return;
  const db = kyselyOf(handle);
  await ensureRow(db, name);
  await raiseExisting(db, name, value);
}

/** `raiseSequence` on a counter whose row is known to exist. */
async function raiseExisting(db: Kysely<Schema>, name: string, value: number): Promise<void> {
  await db
    .updateTable('sequences')
    .set({ last_value: value })
    .where('name', '=', name)
    .where('last_value', '<', value)
    .execute();
}

/**
 * Reserves `count` numbers above both the counter and `atLeast` (the highest number already in
 * use) and returns the first. Each statement is atomic on its own, so two processes reserving at
 * once get disjoint ranges. A counter a bad key once pushed past MAX_SEQUENCE_VALUE is brought back
 * to `atLeast` first: numbers above the limit were never valid keys.
 */
export async function reserveSequence(
  handle: DbHandle,
  name: string,
  count: number,
  atLeast: number,
): Promise<number> {
  const db = kyselyOf(handle);
  await ensureRow(db, name);
  await db
    .updateTable('sequences')
    .set({ last_value: Math.min(atLeast, MAX_SEQUENCE_VALUE) })
    .where('name', '=', name)
    .where('last_value', '>', MAX_SEQUENCE_VALUE)
    .execute();
  if (storable(atLeast)) await raiseExisting(db, name, atLeast);
  const row = await db
    .updateTable('sequences')
    .set((eb) => ({ last_value: eb('last_value', '+', count) }))
    .where('name', '=', name)
    .returning('last_value')
    .executeTakeFirstOrThrow();
  if (row.last_value > MAX_SEQUENCE_VALUE) {
    throw new RangeError(`the ${name} counter would pass ${MAX_SEQUENCE_VALUE.toLocaleString('en-US')}`);
  }
  return row.last_value - count + 1;
}
