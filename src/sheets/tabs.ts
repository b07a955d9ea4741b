/**
 * One declarative description per tab (SHEETS.md): its columns, their types, owners and aliases,
 * and its row key. Reading, validation, diffing and writing are all driven from here; no tab has
 * a reader or writer of its own.
 */

export type ColumnType = 'text' | 'number' | 'integer' | 'boolean' | 'framework' | 'datetime';

/**
 * Who writes a cell. `pm`: people only; the backend reads it. `backend`: computed on every run.
 * `llm`: filled by the suggestion jobs, then people's. `shared`: edited on Backlog and
 * Scoring_Inputs and mirrored. `key`: assigned or appended by the backend, then read-only.
 * `seeded`: written once when the backend creates the row, then people's.
 */
export type Owner = 'pm' | 'backend' | 'llm' | 'shared' | 'key' | 'seeded';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  owner: Owner;
  aliases?: string[];
  /** A tab without this column cannot be used: the run stops and names it. */
  required?: boolean;
  /** The header a team uses for this column instead of `name` (config `columns`). */
  header?: string;
}

export type TabId = 'backlog' | 'scoring' | 'mathModels' | 'params';

export interface TabSpec {
  id: TabId;
  /** Default tab name; config may rename it. */
  defaultName: string;
  /** Columns that together identify a row. */
  key: string[];
  columns: ColumnSpec[];
}

// The frameworks are scoring's; the tabs only offer them in a dropdown.
export { FRAMEWORKS, type Framework } from '../scoring/framework.js';

const text = (name: string, owner: Owner, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({
  name,
  type: 'text',
  owner,
  ...extra,
});
const num = (name: string, owner: Owner, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({
  name,
  type: 'number',
  owner,
  ...extra,
});
const bool = (name: string, owner: Owner, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({
  name,
  type: 'boolean',
  owner,
  ...extra,
});

export const backlogTab: TabSpec = {
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
    { name: 'active_scoring_framework', type: 'framework', owner: 'shared' },
    bool('use_math_model', 'shared'),
    num('strategic_priority_coefficient', 'shared'),
    num('value_score', 'backend'),
    num('effort_score', 'backend'),
    num('overall_score', 'backend'),
    num('priority_score', 'backend'),
    { name: 'rank', type: 'integer', owner: 'backend' },
    text('score_warnings', 'backend'),
    { name: 'updated_at', type: 'datetime', owner: 'backend' },
  ],
};

export const scoringTab: TabSpec = {
  id: 'scoring',
  defaultName: 'Scoring_Inputs',
  key: ['initiative_key'],
  columns: [
    text('initiative_key', 'key', { required: true }),
    text('title', 'backend'),
    { name: 'active_scoring_framework', type: 'framework', owner: 'shared' },
    bool('use_math_model', 'shared'),
    num('strategic_priority_coefficient', 'shared'),
    num('rice_reach', 'pm'),
    num('rice_impact', 'pm'),
    num('rice_confidence', 'pm'),
    num('rice_effort', 'pm'),
    num('wsjf_business_value', 'pm'),
    num('wsjf_time_criticality', 'pm'),
    num('wsjf_risk_reduction', 'pm'),
    num('wsjf_job_size', 'pm'),
    num('rice_value_score', 'backend'),
    num('rice_effort_score', 'backend'),
    num('rice_overall_score', 'backend'),
    num('wsjf_value_score', 'backend'),
    num('wsjf_effort_score', 'backend'),
    num('wsjf_overall_score', 'backend'),
    num('math_value_score', 'backend'),
    num('math_effort_score', 'backend'),
    num('math_overall_score', 'backend'),
    text('math_warnings', 'backend'),
    text('input_warnings', 'backend'),
    num('active_value_score', 'backend'),
    num('active_effort_score', 'backend'),
    num('active_overall_score', 'backend'),
  ],
};

export const mathModelsTab: TabSpec = {
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
    { name: 'version', type: 'integer', owner: 'backend' },
    text('formula_status', 'backend'),
    num('computed_value', 'backend'),
  ],
};

export const paramsTab: TabSpec = {
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
    { name: 'last_updated_at', type: 'datetime', owner: 'backend' },
    text('param_status', 'backend'),
  ],
};

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
export function withHeaders(spec: TabSpec, headers: Readonly<Record<string, string>>): TabSpec {
  if (Object.keys(headers).length === 0) return spec;
  return {
    ...spec,
    columns: spec.columns.map((column) => {
      const header = headers[column.name];
      if (header === undefined) return column;
      return { ...column, header, aliases: [...(column.aliases ?? []), normalizeHeader(header)] };
    }),
  };
}
