/**
 * The schema's history, as a static list imported in code rather than read from a folder, so it
 * works the same from `tsx` sources and from compiled `dist/`. Kysely's Migrator runs the
 * pending ones in name order and records each in `kysely_migration`: running it again is a no-op,
 * and concurrent runs are serialised (an advisory lock on PostgreSQL; an IMMEDIATE transaction on
 * SQLite, see dialects/sqlite.ts).
 *
 * To change the schema, add `000N-what.ts` and list it below; never edit or rename a released one.
 */
import { type Kysely, type MigrationResultSet, Migrator } from 'kysely';
import type { DialectColumns } from '../dialect.js';
import { initialMigration } from './0001-initial.js';
import { paramsMetadataOriginMigration } from './0002-params-metadata-origin.js';
import { runLocksMigration } from './0003-run-locks.js';
import { initiativesArchivedAtMigration } from './0004-initiatives-archived-at.js';
import { dashboardMigration } from './0005-dashboard.js';
import { runRequestsMigration } from './0007-run-requests.js';

/** A migration that may define columns differently per engine (ids, doubles). */
export interface SchemaMigration {
  up(db: Kysely<unknown>, columns: DialectColumns): Promise<void>;
}

const migrations: Readonly<Record<string, SchemaMigration>> = {
  '0001-initial': initialMigration,
  '0002-params-metadata-origin': paramsMetadataOriginMigration,
  '0003-run-locks': runLocksMigration,
  '0004-initiatives-archived-at': initiativesArchivedAtMigration,
  '0005-dashboard': dashboardMigration,
  '0007-run-requests': runRequestsMigration,
};

/** The migrations' names, in the order they run. */
export const migrationNames: readonly string[] = Object.keys(migrations).sort();

function migratorFor<DB>(db: Kysely<DB>, columns: DialectColumns): Migrator {
  return new Migrator({
    db,
    provider: {
      getMigrations: async () =>
        Object.fromEntries(
          Object.entries(migrations).map(([name, migration]) => [
            name,
            { up: (migrationDb: Kysely<unknown>) => migration.up(migrationDb, columns) },
          ]),
        ),
    },
  });
}

/** The migrations a database has not had yet, in order; reads only. */
export async function listPendingMigrations<DB>(db: Kysely<DB>, columns: DialectColumns): Promise<string[]> {
  const all = await migratorFor(db, columns).getMigrations();
  return all.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}

/**
 * Brings the schema up to date. Never throws: the result has a status per migration and, when one
 * failed, the error (on PostgreSQL the failed batch is rolled back; on SQLite too, see above).
 */
export function migrateToLatest<DB>(db: Kysely<DB>, columns: DialectColumns): Promise<MigrationResultSet> {
  return migratorFor(db, columns).migrateToLatest();
}
