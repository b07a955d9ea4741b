/**
 * `params.metadata_origin`: who wrote the metadata of a Params row the backend seeded, `llm` or
 * `heuristic` (guessed from the name); null for rows people added and rows seeded before it
 * existed. The sheet's `source` column names the parameter's likely owner instead (SHEETS.md).
 *
 * Once released, never edit it: change the schema with a new migration.
 */
import type { SchemaMigration } from './index.js';

export const paramsMetadataOriginMigration: SchemaMigration = {
  async up(db) {
    await db.schema.alterTable('params').addColumn('metadata_origin', 'text').execute();
  },
};
