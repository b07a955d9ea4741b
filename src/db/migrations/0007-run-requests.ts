/**
 * `run_requests`: the runs asked for through `productops serve`'s actions API (the spreadsheet
 * menu), one row per request from the moment it is queued: the command, the selected keys, who
 * asked, where it stands, and how it ended (the `runs` row it wrote, its summary and warnings, or
 * the error). The server's queue lives in memory; this table is what outlives it.
 *
 * Once released, never edit it: change the schema with a new migration.
 */
import { sql } from 'kysely';
import type { SchemaMigration } from './index.js';

export const runRequestsMigration: SchemaMigration = {
  async up(db, { autoIncrementPrimaryKey }) {
    await db.schema
      .createTable('run_requests')
      .addColumn('id', 'integer', (column) => autoIncrementPrimaryKey(column))
      .addColumn('command', 'text', (column) => column.notNull())
      .addColumn('keys_json', 'text')
      .addColumn('force', 'integer', (column) => column.notNull().check(sql`${sql.ref('force')} in (0, 1)`))
      .addColumn('requested_by', 'text')
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('queued_at', 'text', (column) => column.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('run_id', 'integer')
      .addColumn('summary_json', 'text')
      .addColumn('warnings_json', 'text')
      .addColumn('error', 'text')
      .execute();
    // The server's start looks for requests a stopped server left queued or running.
    await db.schema.createIndex('run_requests_status_index').on('run_requests').columns(['status']).execute();
  },
};
