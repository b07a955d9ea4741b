/**
 * The database schema as Kysely sees it. The database holds what the backend derives and
 * remembers — keys issued, scores and their history, the last-seen state of cells, runs and LLM
 * calls — never the source of truth for what people own (the workbooks are).
 *
 * Portable across SQLite and PostgreSQL: booleans are integers 0/1, timestamps are ISO-8601 UTC
 * text set by the application, numbers are double precision, ids are integers.
 *
 * The SQL behind these types (column types, primary keys, indexes, 0/1 checks) is in
 * `migrations/`; a change here needs a new migration there.
 */
import type { Generated, Insertable, Selectable } from 'kysely';

/** One row per initiative key ever seen on the Central Backlog. */
export interface InitiativesTable {
  initiative_key: string;
  title: string;
  /** Row number on the Backlog at the last sync (for messages only; rows are found by key). */
  backlog_row: number | null;
  active_framework: string | null;
  use_math_model: number;
  strategic_priority_coefficient: number | null;
  effort_engineering_days: number | null;
  /** The active framework's scores (Flow 2), and the priority and rank derived from them. */
  value_score: number | null;
  effort_score: number | null;
  overall_score: number | null;
  priority_score: number | null;
  rank: number | null;
  score_warnings: string | null;
  first_seen_at: string;
  updated_at: string;
  /** When its Backlog row was found deleted; null while it is on the Backlog (0004). */
  archived_at: string | null;
  /** The Backlog's department, for the dashboard's filter (0005). */
  department: string | null;
  /** Uncertainty of the priority, as on the Backlog (0005); null without a simulation. */
  priority_p10: number | null;
  priority_p90: number | null;
  p_top_n: number | null;
  top_driver: string | null;
  /** The whole `BoardUncertainty` (percentiles, histogram, tornado) as JSON; null without one (0005). */
  uncertainty_json: string | null;
}

/** The latest per-framework scores of each initiative (Flow 3 compute-all). */
export interface FrameworkScoresTable {
  initiative_key: string;
  framework: string;
  value_score: number | null;
  effort_score: number | null;
  overall_score: number | null;
  /** Why there is no score, or other problems; '' when none. */
  warnings: string;
  computed_at: string;
}

export interface MathModelsTable {
  initiative_key: string;
  model_name: string;
  formula_text_final: string;
  approved: number;
  is_primary: number;
  /** The version the backend last wrote, and the approved text it counted. */
  version: number | null;
  approved_formula_text: string | null;
  formula_status: string | null;
  computed_value: number | null;
  /** When an LLM suggestion was last written for this model (debounce). */
  llm_suggested_at: string | null;
  updated_at: string;
}

export interface ParamsTable {
  initiative_key: string;
  framework: string;
  param_name: string;
  value: number | null;
  /** The cell as last seen, to notice a change of value or approval. */
  value_text: string;
  approved: number;
  is_auto_seeded: number;
  used_in_formula: number;
  last_updated_at: string | null;
  param_status: string | null;
  /**
   * For a row the backend seeded: `llm` when the LLM wrote its metadata, `heuristic` when it was
   * guessed from the name; null for rows people added. Written once, when the row is seeded.
   */
  metadata_origin: string | null;
  /** The plausible range, its distribution as typed ('' → null) and the likely owner (0005). */
  min: number | null;
  max: number | null;
  distribution: string | null;
  source: string | null;
  updated_at: string;
}

/** A row per computed score, with the exact formula and inputs used: scores are reproducible. */
export interface ScoreHistoryTable {
  id: Generated<number>;
  run_id: number | null;
  initiative_key: string;
  framework: string;
  model_name: string | null;
  value_score: number | null;
  effort_score: number | null;
  overall_score: number | null;
  formula_text: string | null;
  inputs_json: string;
  computed_at: string;
}

/**
 * An initiative's ranking inputs and result, appended by a run in which one of them changed (0005):
 * with `score_history`, what `explain` and the dashboard's history read.
 */
export interface RankHistoryTable {
  id: Generated<number>;
  run_id: number | null;
  initiative_key: string;
  active_framework: string | null;
  strategic_priority_coefficient: number | null;
  priority_score: number | null;
  rank: number | null;
  recorded_at: string;
}

/** The warnings of the last run that wrote (replaced when they change), as RunWarning has them (0005). */
export interface WarningsTable {
  id: Generated<number>;
  run_id: number | null;
  tab: string;
  row_number: number | null;
  column_name: string | null;
  initiative_key: string | null;
  message: string;
  link: string | null;
}

/**
 * The backend's memory of one sheet row: the shared-field cells as last seen and the backend
 * cells as last written, as a JSON object { column: value }. It tells a person's edit from the
 * backend's own writes (shared-field merge; edits in backend columns).
 */
export interface RowStateTable {
  tab: string;
  row_key: string;
  cells_json: string;
  updated_at: string;
}

/** Named counters, e.g. `initiative_key`: the highest key number issued or seen. */
export interface SequencesTable {
  name: string;
  last_value: number;
}

/** Who holds a run lock (SQLite): `pid@host`, since when. PostgreSQL uses an advisory lock. */
export interface RunLocksTable {
  name: string;
  holder: string;
  acquired_at: string;
}

export interface RunsTable {
  id: Generated<number>;
  command: string;
  dry_run: number;
  started_at: string;
  finished_at: string | null;
  status: string;
  summary_json: string | null;
}

export interface LlmCallsTable {
  id: Generated<number>;
  run_id: number | null;
  initiative_key: string | null;
  model_name: string | null;
  purpose: string;
  llm_model: string;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  latency_ms: number;
  outcome: string;
  error: string | null;
  created_at: string;
}

/** Where a run asked for through the actions API stands; `done` and `failed` are final. */
export type RunRequestStatus = 'queued' | 'running' | 'done' | 'failed';

/**
 * A run asked for through `productops serve`'s actions API (0007), from the moment it is queued.
 * The queue itself is in the server's memory: a server that stops marks what it left `failed`.
 */
export interface RunRequestsTable {
  id: Generated<number>;
  /** A flow command as the CLI names it: `run`, `models suggest`, `params seed`, … */
  command: string;
  /** The initiative keys the request was limited to, as a JSON array; null for every row. */
  keys_json: string | null;
  force: number;
  /** Who asked, as the caller says (the spreadsheet user's e-mail); informational, not checked. */
  requested_by: string | null;
  status: RunRequestStatus;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** The `runs` row the run wrote; null until then, and for a run that wrote none (dry, failed). */
  run_id: number | null;
  /** Steps, notes and counts of a finished run, as JSON. */
  summary_json: string | null;
  /** The finished run's warnings (RunWarning[]) as JSON. */
  warnings_json: string | null;
  /** Why a failed request failed. */
  error: string | null;
}

export interface Schema {
  initiatives: InitiativesTable;
  framework_scores: FrameworkScoresTable;
  math_models: MathModelsTable;
  params: ParamsTable;
  score_history: ScoreHistoryTable;
  row_state: RowStateTable;
  sequences: SequencesTable;
  run_locks: RunLocksTable;
  runs: RunsTable;
  llm_calls: LlmCallsTable;
  rank_history: RankHistoryTable;
  warnings: WarningsTable;
  run_requests: RunRequestsTable;
}

/*
 * Row types, as the repository functions (repositories/) take and return them: `…Row` is a row as
 * read, `New…Row` one to write (a nullable column may be left out: an upsert then keeps the stored
 * value, an insert stores null). Ids are assigned by the database and never written.
 */
export type InitiativeRow = Selectable<InitiativesTable>;
export type NewInitiativeRow = Insertable<InitiativesTable>;
export type FrameworkScoreRow = Selectable<FrameworkScoresTable>;
export type NewFrameworkScoreRow = Insertable<FrameworkScoresTable>;
export type MathModelRow = Selectable<MathModelsTable>;
export type NewMathModelRow = Insertable<MathModelsTable>;
export type ParamRow = Selectable<ParamsTable>;
export type NewParamRow = Insertable<ParamsTable>;
export type ScoreHistoryRow = Selectable<ScoreHistoryTable>;
export type NewScoreHistoryRow = Omit<Insertable<ScoreHistoryTable>, 'id'>;
export type RankHistoryRow = Selectable<RankHistoryTable>;
export type NewRankHistoryRow = Omit<Insertable<RankHistoryTable>, 'id'>;
export type WarningRow = Selectable<WarningsTable>;
export type NewWarningRow = Omit<Insertable<WarningsTable>, 'id'>;
export type RowStateRow = Selectable<RowStateTable>;
export type NewRowStateRow = Insertable<RowStateTable>;
export type RunRow = Selectable<RunsTable>;
export type NewRunRow = Omit<Insertable<RunsTable>, 'id'>;
export type RunRequestRow = Selectable<RunRequestsTable>;
export type NewRunRequestRow = Omit<Insertable<RunRequestsTable>, 'id'>;
