/**
 * One declarative description per tab (SHEETS.md): its columns, their types, owners and aliases,
 * and its row key. Reading, validation, diffing and writing are all driven from here; no tab has
 * a reader or writer of its own.
 */

import {
  DEFAULT_FRAMEWORKS,
  type FrameworkDefinition,
  type Frameworks,
  outputColumns,
} from '../scoring/index.js';

export type ColumnType = 'text' | 'number' | 'integer' | 'boolean' | 'framework' | 'datetime';

/**
 * Who writes a cell. `pm`: people only; the backend reads it. `backend`: computed on every run.
 * `llm`: filled by the suggestion jobs, then people's. `shared`: edited on Backlog and
 * Scoring_Inputs and mirrored. `key`: assigned or appended by the backend, then read-only.
 * `seeded`: written once when the backend creates the row, then people's.
 */
export type Owner = 'pm' | 'backend' | 'llm' | 'shared' | 'key' | 'seeded';

export interface ColumnSpec<N extends string = string, T extends ColumnType = ColumnType> {
  name: N;
  type: T;
  owner: Owner;
  aliases?: readonly string[];
  /** A tab without this column cannot be used: the run stops and names it. */
  required?: boolean;
  /** The header a team uses for this column instead of `name` (config `columns`). */
  header?: string;
  /** `framework` columns: the frameworks people choose from (the dropdown, and how a cell reads). */
  frameworks?: Frameworks;
}

export type TabId = 'backlog' | 'scoring' | 'mathModels' | 'params';

/**
 * A tab's description. `C` is the union of its column descriptions with their literal names and
 * types, so a record read from the tab (rows.ts) has one typed field per column.
 */
export interface TabSpec<C extends ColumnSpec = ColumnSpec> {
  id: TabId;
  /** Default tab name; config may rename it. */
  defaultName: string;
  /** Columns that together identify a row. */
  key: readonly string[];
  columns: readonly C[];
}

declare const generated: unique symbol;
/**
 * The name of a column made from the framework list (`rice_reach`, `rice_value_score`): known only
 * at run time, so records do not type it; its framework's description says what it holds.
 */
export type GeneratedColumn = string & { readonly [generated]: true };

/** The names of a tab's columns known when the code is written. */
export type ColumnName<S extends TabSpec> =
  S extends TabSpec<infer C>
    ? C['name'] extends infer N
      ? N extends GeneratedColumn
        ? never
        : N
      : never
    : never;

const text = <const N extends string>(name: N, owner: Owner, extra: Partial<ColumnSpec> = {}) =>
  ({ ...extra, name, type: 'text', owner }) as const satisfies ColumnSpec;
const num = <const N extends string>(name: N, owner: Owner, extra: Partial<ColumnSpec> = {}) =>
  ({ ...extra, name, type: 'number', owner }) as const satisfies ColumnSpec;
const int = <const N extends string>(name: N, owner: Owner) =>
  ({ name, type: 'integer', owner }) as const satisfies ColumnSpec;
const bool = <const N extends string>(name: N, owner: Owner, extra: Partial<ColumnSpec> = {}) =>
  ({ ...extra, name, type: 'boolean', owner }) as const satisfies ColumnSpec;
const datetime = <const N extends string>(name: N, owner: Owner) =>
  ({ name, type: 'datetime', owner }) as const satisfies ColumnSpec;
const framework = <const N extends string>(name: N, owner: Owner, frameworks: Frameworks) =>
  ({ name, type: 'framework', owner, frameworks }) as const satisfies ColumnSpec;

/** The Backlog tab, offering `frameworks` in active_scoring_framework. */
export function backlogTabFor(frameworks: Frameworks) {
  return {
    id: 'backlog',
    defaultName: 'Backlog',
    key: ['initiative_key'],
    columns: [
      text('initiative_key', 'key', { aliases: ['key'], required: true }),
      text('title', 'pm', { required: true }),
      text('problem_statement', 'pm'),
      text('hypothesis', 'pm'),
      text('llm_summary', 'pm'),
      text('department', 'pm'),
      text('requesting_team', 'pm'),
      text('product_area', 'pm'),
      text('lifecycle_status', 'pm'),
      num('effort_engineering_days', 'pm'),
      framework('active_scoring_framework', 'shared', frameworks),
      bool('use_math_model', 'shared'),
      num('strategic_priority_coefficient', 'shared'),
      num('value_score', 'backend'),
      num('effort_score', 'backend'),
      num('overall_score', 'backend'),
      num('priority_score', 'backend'),
      num('priority_p10', 'backend'),
      num('priority_p90', 'backend'),
      num('p_top_n', 'backend'),
      text('top_driver', 'backend'),
      int('rank', 'backend'),
      text('score_warnings', 'backend'),
      datetime('updated_at', 'backend'),
    ],
  } as const satisfies TabSpec;
}

/** A column made from a framework's description. */
const generatedNumber = (name: string, owner: Owner): ColumnSpec<GeneratedColumn, 'number'> => ({
  name: name as GeneratedColumn,
  type: 'number',
  owner,
});

/** The Scoring_Inputs columns a framework's scores go to. */
export function scoreColumns(framework: Pick<FrameworkDefinition, 'prefix'>): {
  value: GeneratedColumn;
  effort: GeneratedColumn;
  overall: GeneratedColumn;
} {
  const { value, effort, overall } = outputColumns(framework);
  return {
    value: value as GeneratedColumn,
    effort: effort as GeneratedColumn,
    overall: overall as GeneratedColumn,
  };
}

/**
 * The Scoring_Inputs tab for `frameworks`: after the shared fields, every framework's input
 * columns (people's), then every framework's three score columns (computed), in the list's order.
 */
export function scoringTabFor(frameworks: Frameworks) {
  const head = [
    text('initiative_key', 'key', { required: true }),
    text('title', 'backend'),
    framework('active_scoring_framework', 'shared', frameworks),
    bool('use_math_model', 'shared'),
    num('strategic_priority_coefficient', 'shared'),
  ] as const;
  const tail = [
    text('math_warnings', 'backend'),
    text('input_warnings', 'backend'),
    num('active_value_score', 'backend'),
    num('active_effort_score', 'backend'),
    num('active_overall_score', 'backend'),
    num('math_value_p10', 'backend'),
    num('math_value_p50', 'backend'),
    num('math_value_p90', 'backend'),
    num('math_overall_p10', 'backend'),
    num('math_overall_p90', 'backend'),
    num('prob_value_negative', 'backend'),
  ] as const;
  const inputs = frameworks.flatMap((f) => f.inputs.map((i) => generatedNumber(i.column, 'pm')));
  const outputs = frameworks.flatMap((f) =>
    Object.values(outputColumns(f)).map((name) => generatedNumber(name, 'backend')),
  );
  return {
    id: 'scoring',
    defaultName: 'Scoring_Inputs',
    key: ['initiative_key'],
    columns: [...head, ...inputs, ...outputs, ...tail],
  } as const satisfies TabSpec;
}

export const mathModelsTab = {
  id: 'mathModels',
  defaultName: 'MathModels',
  key: ['initiative_key', 'model_name'],
  columns: [
    text('initiative_key', 'key', { required: true }),
    text('framework', 'backend'),
    text('model_name', 'seeded'),
    text('model_description_free_text', 'pm', { aliases: ['model_description', 'description'] }),
    text('model_prompt_to_llm', 'pm'),
    text('llm_suggested_formula_text', 'llm'),
    text('assumptions_text', 'llm'),
    text('llm_notes', 'llm'),
    text('formula_text_final', 'pm', { aliases: ['formula_text', 'formula'], required: true }),
    bool('formula_text_approved', 'pm', { aliases: ['approved_by_user'], required: true }),
    bool('is_primary', 'pm'),
    int('version', 'backend'),
    text('formula_status', 'backend'),
    num('computed_value', 'backend'),
  ],
} as const satisfies TabSpec;

export const paramsTab = {
  id: 'params',
  defaultName: 'Params',
  key: ['initiative_key', 'framework', 'param_name'],
  columns: [
    text('initiative_key', 'key', { required: true }),
    text('framework', 'key'),
    text('param_name', 'key', { required: true }),
    text('param_display', 'seeded'),
    text('description', 'seeded'),
    text('unit', 'seeded'),
    num('min', 'seeded'),
    num('max', 'seeded'),
    text('source', 'seeded'),
    num('value', 'pm', { required: true }),
    bool('approved', 'pm', { required: true }),
    bool('is_auto_seeded', 'backend'),
    text('notes', 'pm'),
    bool('used_in_formula', 'backend'),
    datetime('last_updated_at', 'backend'),
    text('param_status', 'backend'),
    // After the columns teams already have, where `init` adds it to their tabs.
    text('distribution', 'pm'),
  ],
} as const satisfies TabSpec;

export type BacklogTab = ReturnType<typeof backlogTabFor>;
export type ScoringTab = ReturnType<typeof scoringTabFor>;
export type MathModelsTab = typeof mathModelsTab;
export type ParamsTab = typeof paramsTab;

/** The tabs with the default frameworks (RICE, WSJF, MATH_MODEL). */
export const backlogTab: BacklogTab = backlogTabFor(DEFAULT_FRAMEWORKS);
export const scoringTab: ScoringTab = scoringTabFor(DEFAULT_FRAMEWORKS);

/** Every tab's description for a run scoring with `frameworks`. */
export function tabsFor(frameworks: Frameworks): {
  backlog: BacklogTab;
  scoring: ScoringTab;
  mathModels: MathModelsTab;
  params: ParamsTab;
} {
  return {
    backlog: frameworks === DEFAULT_FRAMEWORKS ? backlogTab : backlogTabFor(frameworks),
    scoring: frameworks === DEFAULT_FRAMEWORKS ? scoringTab : scoringTabFor(frameworks),
    mathModels: mathModelsTab,
    params: paramsTab,
  };
}

export const allTabs: readonly TabSpec[] = [backlogTab, scoringTab, mathModelsTab, paramsTab];

/** Header matching: trim, lower-case, spaces and dashes → `_` (SHEETS.md). */
export function normalizeHeader(header: unknown): string {
  return String(header ?? '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** The header productops looks for and writes for a column: the team's own, or the column's name. */
export function headerOf(column: ColumnSpec): string {
  return column.header ?? column.name;
}

/**
 * The tab's description with a team's own headers (config `columns`: column name → header). A
 * mapped column is found by that header (as well as by its name) and written under it, so a team
 * keeps its `ID`, `Initiative`, `Reach` columns. An empty mapping returns the description itself.
 */
export function withHeaders<S extends TabSpec>(spec: S, headers: Readonly<Record<string, string>>): S {
  if (Object.keys(headers).length === 0) return spec;
  return {
    ...spec,
    columns: spec.columns.map((column): S['columns'][number] => {
      const header = headers[column.name];
      if (header === undefined) return column;
      return { ...column, header, aliases: [...(column.aliases ?? []), normalizeHeader(header)] };
    }),
  };
}
