/**
 * `initiatives.archived_at`: when the backend found that a person had deleted the initiative's
 * Backlog row (null while it is on the Backlog). It is what lets that be said once: archived keys'
 * rows on the other tabs are then ignored without a warning on every run.
 *
 * Once released, never edit it: change the schema with a new migration.
 */
import type { SchemaMigration } from './index.js';

export const initiativesArchivedAtMigration: SchemaMigration = {
  async up(db) {
    await db.schema.alterTable('initiatives').addColumn('archived_at', 'text').execute();
  },
};
