/**
 * What the dashboard (`productops serve`) and `explain` read, so they work from the database alone
 * while the workbooks are unreachable:
 * - `initiatives`: the Backlog's department, and the uncertainty of the priority (P10/P90, the
 *   chance to make the top N, the top driver) with the full picture of the math model's value
 *   (percentiles, histogram, tornado) as JSON;
 * - `params`: the plausible range, its distribution and the likely owner (`source`);
 * - `rank_history`: an initiative's framework, coefficient, priority and rank, appended by a run
 *   that changed one of them (as `score_history` is for scores);
 * - `warnings`: the warnings of the last run that wrote, replaced only when they changed.
 *
 * Once released, never edit it: change the schema with a new migration.
 */
import type { SchemaMigration } from './index.js';

export const dashboardMigration: SchemaMigration = {
  async up(db, { double, autoIncrementPrimaryKey }) {
    const addText = async (table: string, column: string) =>
      db.schema.alterTable(table).addColumn(column, 'text').execute();
    const addNumber = async (table: string, column: string) =>
      db.schema.alterTable(table).addColumn(column, double).execute();
    // One column per statement: SQLite alters a table one column at a time.
    await addText('initiatives', 'department');
    await addNumber('initiatives', 'priority_p10');
    await addNumber('initiatives', 'priority_p90');
    await addNumber('initiatives', 'p_top_n');
    await addText('initiatives', 'top_driver');
    await addText('initiatives', 'uncertainty_json');
    await addNumber('params', 'min');
    await addNumber('params', 'max');
    await addText('params', 'distribution');
    await addText('params', 'source');

    await db.schema
      .createTable('rank_history')
      .addColumn('id', 'integer', (column) => autoIncrementPrimaryKey(column))
      .addColumn('run_id', 'integer')
      .addColumn('initiative_key', 'text', (column) => column.notNull())
      .addColumn('active_framework', 'text')
      .addColumn('strategic_priority_coefficient', double)
      .addColumn('priority_score', double)
      .addColumn('rank', double)
      .addColumn('recorded_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createIndex('rank_history_initiative_key_index')
      .on('rank_history')
      .columns(['initiative_key', 'id'])
      .execute();
    await db.schema.createIndex('rank_history_run_id_index').on('rank_history').columns(['run_id']).execute();

    await db.schema
      .createTable('warnings')
      .addColumn('id', 'integer', (column) => autoIncrementPrimaryKey(column))
      .addColumn('run_id', 'integer')
      .addColumn('tab', 'text', (column) => column.notNull())
      .addColumn('row_number', double)
      .addColumn('column_name', 'text')
      .addColumn('initiative_key', 'text')
      .addColumn('message', 'text', (column) => column.notNull())
      .addColumn('link', 'text')
      .execute();
  },
};
