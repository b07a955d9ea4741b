/**
 * The `initiatives` table: one row per initiative key ever seen on the Central Backlog, with its
 * active framework's scores, priority and rank, and when its Backlog row was found deleted.
 */
import { slices, upsertRowsInSlices } from '../bulk.js';
import type { InitiativeRow, NewInitiativeRow } from '../schema.js';
import { type DbHandle, inTransaction, kyselyOf } from '../transaction.js';

/** Keys updated per statement by `archiveInitiatives`. */
const ARCHIVE_SLICE = 500;

/** Keys looked up per statement by `loadInitiativeTitles`. */
const TITLES_SLICE = 500;

/** Every row, archived ones included, in no particular order. */
export async function loadInitiatives(db: DbHandle): Promise<InitiativeRow[]> {
  return kyselyOf(db).selectFrom('initiatives').selectAll().execute();
}

/** What `loadInitiativeTitles` reads of an initiative. */
export type InitiativeTitle = Pick<InitiativeRow, 'initiative_key' | 'title' | 'active_framework'>;

/**
 * The key, title and active framework of the initiatives with these keys (archived ones included),
 * in no particular order; unknown keys are left out. What `explain` names initiatives by, without
 * the rest of their rows: a whole row carries the uncertainty JSON, so reading all 5,000 rows to
 * name a few takes a tenth of a second.
 */
export async function loadInitiativeTitles(db: DbHandle, keys: Iterable<string>): Promise<InitiativeTitle[]> {
  const k = kyselyOf(db);
  const titles: InitiativeTitle[] = [];
  for (const slice of slices(new Set(keys), TITLES_SLICE)) {
    titles.push(
      ...(await k
        .selectFrom('initiatives')
        .select(['initiative_key', 'title', 'active_framework'])
        .where('initiative_key', 'in', slice)
        .execute()),
    );
  }
  return titles;
}

/**
 * Inserts the rows, or updates the stored row with the same key (the columns a row names; the
 * others keep their value). In one transaction, the caller's when `db` is one. Returns the rows written.
 */
export async function upsertInitiatives(db: DbHandle, rows: Iterable<NewInitiativeRow>): Promise<number> {
  return upsertRowsInSlices(db, 'initiatives', rows, ['initiative_key']);
}

/**
 * Marks the initiatives archived at `at` (their Backlog rows were deleted): sets `archived_at` and
 * `updated_at` to `at`, clears `priority_score` and `rank`. Unknown keys are ignored. Returns how
 * many rows were updated.
 */
export async function archiveInitiatives(db: DbHandle, keys: readonly string[], at: string): Promise<number> {
  if (keys.length === 0) return 0;
  return inTransaction(db, async (trx) => {
    let updated = 0;
    for (let start = 0; start < keys.length; start += ARCHIVE_SLICE) {
      const result = await trx
        .updateTable('initiatives')
        .set({ archived_at: at, priority_score: null, rank: null, updated_at: at })
        .where('initiative_key', 'in', keys.slice(start, start + ARCHIVE_SLICE))
        .executeTakeFirst();
      updated += Number(result.numUpdatedRows);
    }
    return updated;
  });
}
