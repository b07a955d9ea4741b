/**
 * The run lock on SQLite: one row per lock, naming the process that holds it. (PostgreSQL uses an
 * advisory lock instead, which the server releases when the holder's session ends; the table
 * exists there too so both engines have the same schema.)
 *
 * Once released, never edit it: change the schema with a new migration.
 */
import type { SchemaMigration } from './index.js';

export const runLocksMigration: SchemaMigration = {
  async up(db) {
    await db.schema
      .createTable('run_locks')
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('holder', 'text', (column) => column.notNull())
      .addColumn('acquired_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('run_locks_pkey', ['name'])
      .execute();
  },
};
