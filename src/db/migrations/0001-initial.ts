/**
 * The first schema: every table of `schema.ts`. Column types follow its rules: ids are integers
 * assigned by the database, booleans are integers held to 0/1 by a check, timestamps are ISO-8601
 * text, every other number is double precision (so a fractional value never fails on PostgreSQL
 * where SQLite would have taken it).
 *
 * Once released, never edit it: change the schema with a new migration.
 */
import { type CreateTableBuilder, sql } from 'kysely';
import type { SchemaMigration } from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: a migration builds tables that no TS type describes yet.
type TableBuilder = CreateTableBuilder<string, any>;

export const initialMigration: SchemaMigration = {
  async up(db, { double, autoIncrementPrimaryKey }) {
    const text = (name: string) => (table: TableBuilder) => table.addColumn(name, 'text');
    const requiredText = (name: string) => (table: TableBuilder) =>
      table.addColumn(name, 'text', (column) => column.notNull());
    const number = (name: string) => (table: TableBuilder) => table.addColumn(name, double);
    const requiredNumber = (name: string) => (table: TableBuilder) =>
      table.addColumn(name, double, (column) => column.notNull());
    const boolean = (name: string) => (table: TableBuilder) =>
      table.addColumn(name, 'integer', (column) => column.notNull().check(sql`${sql.ref(name)} in (0, 1)`));
    const id = (table: TableBuilder) =>
      table.addColumn('id', 'integer', (column) => autoIncrementPrimaryKey(column));
    const runId = (table: TableBuilder) => table.addColumn('run_id', 'integer');

    await db.schema
      .createTable('initiatives')
      .$call(requiredText('initiative_key'))
      .$call(requiredText('title'))
      .$call(number('backlog_row'))
      .$call(text('active_framework'))
      .$call(boolean('use_math_model'))
      .$call(number('strategic_priority_coefficient'))
      .$call(number('effort_engineering_days'))
      .$call(number('value_score'))
      .$call(number('effort_score'))
      .$call(number('overall_score'))
      .$call(number('priority_score'))
      .$call(number('rank'))
      .$call(text('score_warnings'))
      .$call(requiredText('first_seen_at'))
      .$call(requiredText('updated_at'))
      .addPrimaryKeyConstraint('initiatives_pkey', ['initiative_key'])
      .execute();

    await db.schema
      .createTable('framework_scores')
      .$call(requiredText('initiative_key'))
      .$call(requiredText('framework'))
      .$call(number('value_score'))
      .$call(number('effort_score'))
      .$call(number('overall_score'))
      .$call(requiredText('warnings'))
      .$call(requiredText('computed_at'))
      .addPrimaryKeyConstraint('framework_scores_pkey', ['initiative_key', 'framework'])
      .execute();

    await db.schema
      .createTable('math_models')
      .$call(requiredText('initiative_key'))
      .$call(requiredText('model_name'))
      .$call(requiredText('formula_text_final'))
      .$call(boolean('approved'))
      .$call(boolean('is_primary'))
      .$call(number('version'))
      .$call(text('approved_formula_text'))
      .$call(text('formula_status'))
      .$call(number('computed_value'))
      .$call(text('llm_suggested_at'))
      .$call(requiredText('updated_at'))
      .addPrimaryKeyConstraint('math_models_pkey', ['initiative_key', 'model_name'])
      .execute();

    await db.schema
      .createTable('params')
      .$call(requiredText('initiative_key'))
      .$call(requiredText('framework'))
      .$call(requiredText('param_name'))
      .$call(number('value'))
      .$call(requiredText('value_text'))
      .$call(boolean('approved'))
      .$call(boolean('is_auto_seeded'))
      .$call(boolean('used_in_formula'))
      .$call(text('last_updated_at'))
      .$call(text('param_status'))
      .$call(requiredText('updated_at'))
      .addPrimaryKeyConstraint('params_pkey', ['initiative_key', 'framework', 'param_name'])
      .execute();

    await db.schema
      .createTable('score_history')
      .$call(id)
      .$call(runId)
      .$call(requiredText('initiative_key'))
      .$call(requiredText('framework'))
      .$call(text('model_name'))
      .$call(number('value_score'))
      .$call(number('effort_score'))
      .$call(number('overall_score'))
      .$call(text('formula_text'))
      .$call(requiredText('inputs_json'))
      .$call(requiredText('computed_at'))
      .execute();
    await db.schema
      .createIndex('score_history_initiative_key_computed_at_index')
      .on('score_history')
      .columns(['initiative_key', 'computed_at'])
      .execute();

    await db.schema
      .createTable('row_state')
      .$call(requiredText('tab'))
      .$call(requiredText('row_key'))
      .$call(requiredText('cells_json'))
      .$call(requiredText('updated_at'))
      .addPrimaryKeyConstraint('row_state_pkey', ['tab', 'row_key'])
      .execute();

    await db.schema
      .createTable('sequences')
      .$call(requiredText('name'))
      .$call(requiredNumber('last_value'))
      .addPrimaryKeyConstraint('sequences_pkey', ['name'])
      .execute();

    await db.schema
      .createTable('runs')
      .$call(id)
      .$call(requiredText('command'))
      .$call(boolean('dry_run'))
      .$call(requiredText('started_at'))
      .$call(text('finished_at'))
      .$call(requiredText('status'))
      .$call(text('summary_json'))
      .execute();

    await db.schema
      .createTable('llm_calls')
      .$call(id)
      .$call(runId)
      .$call(text('initiative_key'))
      .$call(text('model_name'))
      .$call(requiredText('purpose'))
      .$call(requiredText('llm_model'))
      .$call(number('prompt_tokens'))
      .$call(number('completion_tokens'))
      .$call(requiredNumber('latency_ms'))
      .$call(requiredText('outcome'))
      .$call(text('error'))
      .$call(requiredText('created_at'))
      .execute();
    await db.schema.createIndex('llm_calls_run_id_index').on('llm_calls').column('run_id').execute();
  },
};
