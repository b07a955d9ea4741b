/**
 * What the dashboard reads, as the documents its JSON API returns and its pages render. It reads
 * the database only — the run's memory — so it works while the workbooks are unreachable.
 *
 * Few queries: a page of 5,000 initiatives loads them in one query, and an initiative's page
 * filters every table by its key, on an index (score_history's on (initiative_key, computed_at),
 * rank_history's on (initiative_key, id), the others' primary keys). The histories and warnings
 * come through src/db's repositories; the views only the dashboard needs (a few columns of every
 * initiative, counts, a page of LLM calls) use the `Database`'s Kysely instance, as `status` does.
 */
import type { Config } from '../config/index.js';
import {
  type Database,
  loadRankHistory,
  loadScoreHistory,
  loadWarnings as loadWarningRows,
  type RankHistoryRow,
  type ScoreHistoryRow,
  type WarningRow,
} from '../db/index.js';
import { checkScript } from '../formula/index.js';
import type { BoardUncertainty } from '../scoring/index.js';
import type { RankingRow } from './ranking-query.js';

/** When the data was last synced: the latest run that finished. */
export interface DashboardStatus {
  lastSync: {
    run: number;
    command: string;
    status: string;
    startedAt: string;
    finishedAt: string;
  } | null;
  initiatives: number;
  ranked: number;
}

export async function loadStatus(database: Database): Promise<DashboardStatus> {
  const db = database.db;
  const run = await db
    .selectFrom('runs')
    .select(['id', 'command', 'status', 'started_at', 'finished_at'])
    .where('finished_at', 'is not', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const counts = await db
    .selectFrom('initiatives')
    .select((eb) => [eb.fn.countAll<number>().as('all'), eb.fn.count<number>('rank').as('ranked')])
    .where('archived_at', 'is', null)
    .executeTakeFirstOrThrow();
  return {
    lastSync: run
      ? {
          run: run.id,
          command: run.command,
          status: run.status,
          startedAt: run.started_at,
          finishedAt: run.finished_at!,
        }
      : null,
    // PostgreSQL counts in bigint, which its driver returns as text.
    initiatives: Number(counts.all),
    ranked: Number(counts.ranked),
  };
}

/**
 * The initiative a warning is about: its `initiative_key` is the row's key as the run reported it
 * (`KEY`, `KEY/model` or `KEY/framework/param`).
 */
export const initiativeOfWarningKey = (key: string | null): string | null =>
  key === null || key === '' ? null : key.split('/')[0]!;

/** Every initiative on the Backlog (archived ones are not) as the ranking shows it. */
export async function loadRankingRows(database: Database): Promise<RankingRow[]> {
  const db = database.db;
  const rows = await db
    .selectFrom('initiatives')
    .select([
      'initiative_key',
      'title',
      'rank',
      'active_framework',
      'department',
      'value_score',
      'overall_score',
      'priority_score',
      'priority_p10',
      'priority_p90',
      'p_top_n',
      'top_driver',
    ])
    .where('archived_at', 'is', null)
    .execute();
  const warnings = await db
    .selectFrom('warnings')
    .select((eb) => ['initiative_key', eb.fn.countAll<number>().as('n')])
    .where('initiative_key', 'is not', null)
    .groupBy('initiative_key')
    .execute();
  const counts = new Map<string, number>();
  for (const w of warnings) {
    const key = initiativeOfWarningKey(w.initiative_key);
    if (key !== null) counts.set(key, (counts.get(key) ?? 0) + Number(w.n));
  }
  return rows.map((r) => ({
    rank: r.rank,
    key: r.initiative_key,
    title: r.title,
    framework: r.active_framework,
    department: r.department,
    value: r.value_score,
    overall: r.overall_score,
    priority: r.priority_score,
    priorityP10: r.priority_p10,
    priorityP90: r.priority_p90,
    pTopN: r.p_top_n,
    topDriver: r.top_driver,
    warnings: counts.get(r.initiative_key) ?? 0,
  }));
}

/** Rank order, the unranked last by key (SQLite and PostgreSQL sort nulls differently, so not in SQL). */
const byRank = (
  a: { rank: number | null; initiative_key: string },
  b: { rank: number | null; initiative_key: string },
) =>
  (a.rank ?? Number.POSITIVE_INFINITY) - (b.rank ?? Number.POSITIVE_INFINITY) ||
  a.initiative_key.localeCompare(b.initiative_key);

/** An initiative on the value-vs-effort matrix: its active scores, and the value's P10–P90 when simulated. */
export interface MatrixItem {
  key: string;
  title: string;
  framework: string;
  value: number;
  effort: number;
  valueLow?: number;
  valueHigh?: number;
  rank: number | null;
}

/** Initiatives with a value and an effort under their active framework. */
export async function loadMatrix(database: Database): Promise<MatrixItem[]> {
  const rows = await database.db
    .selectFrom('initiatives')
    .select([
      'initiative_key',
      'title',
      'active_framework',
      'value_score',
      'effort_score',
      'rank',
      'uncertainty_json',
    ])
    .where('archived_at', 'is', null)
    .where('value_score', 'is not', null)
    .where('effort_score', 'is not', null)
    .where('active_framework', 'is not', null)
    .execute();
  return rows.sort(byRank).map((r) => {
    const range = parseUncertainty(r.uncertainty_json)?.value;
    return {
      key: r.initiative_key,
      title: r.title,
      framework: r.active_framework!,
      value: r.value_score!,
      effort: r.effort_score!,
      // Only the math model's value is simulated; its range says how sure the point is.
      ...(range && r.active_framework === 'MATH_MODEL' ? { valueLow: range.p10, valueHigh: range.p90 } : {}),
      rank: r.rank,
    };
  });
}

/** An initiative's rank under each framework it has a score for, side by side. */
export interface FrameworksView {
  /** Frameworks with at least one score: RICE, WSJF, MATH_MODEL first, then others by name. */
  frameworks: string[];
  rows: {
    key: string;
    title: string;
    /** The active framework and the rank that counts. */
    framework: string | null;
    rank: number | null;
    /** Rank among the initiatives scored by that framework (overall score, highest first; ties share a rank). */
    ranks: Record<string, number | null>;
  }[];
}

const FRAMEWORK_ORDER = ['RICE', 'WSJF', 'MATH_MODEL'];

function frameworkOrder(a: string, b: string): number {
  const [x, y] = [FRAMEWORK_ORDER.indexOf(a), FRAMEWORK_ORDER.indexOf(b)];
  if (x >= 0 || y >= 0)
    return (x < 0 ? Number.POSITIVE_INFINITY : x) - (y < 0 ? Number.POSITIVE_INFINITY : y);
  return a.localeCompare(b);
}

/**
 * Competition ranks ("1, 2, 2, 4") of the scores, highest first: initiatives with the same score
 * share a rank, and the next one counts them all.
 */
export function competitionRanks(scores: ReadonlyMap<string, number>): Map<string, number> {
  const sorted = [...scores].sort((a, b) => b[1] - a[1]);
  const ranks = new Map<string, number>();
  sorted.forEach(([key, score], i) => {
    const previous = sorted[i - 1];
    ranks.set(key, previous !== undefined && previous[1] === score ? ranks.get(previous[0])! : i + 1);
  });
  return ranks;
}

export async function loadFrameworks(database: Database): Promise<FrameworksView> {
  const db = database.db;
  const initiatives = await db
    .selectFrom('initiatives')
    .select(['initiative_key', 'title', 'active_framework', 'rank'])
    .where('archived_at', 'is', null)
    .execute();
  const scores = await db
    .selectFrom('framework_scores')
    .innerJoin('initiatives', 'initiatives.initiative_key', 'framework_scores.initiative_key')
    .select([
      'framework_scores.initiative_key',
      'framework_scores.framework',
      'framework_scores.overall_score',
    ])
    .where('initiatives.archived_at', 'is', null)
    .where('framework_scores.overall_score', 'is not', null)
    .execute();
  const byFramework = new Map<string, Map<string, number>>();
  for (const s of scores) {
    const scored = byFramework.get(s.framework) ?? new Map<string, number>();
    scored.set(s.initiative_key, s.overall_score!);
    byFramework.set(s.framework, scored);
  }
  const frameworks = [...byFramework.keys()].sort(frameworkOrder);
  const ranks = new Map(frameworks.map((f) => [f, competitionRanks(byFramework.get(f)!)]));
  const rows = initiatives.sort(byRank).map((i) => ({
    key: i.initiative_key,
    title: i.title,
    framework: i.active_framework,
    rank: i.rank,
    ranks: Object.fromEntries(frameworks.map((f) => [f, ranks.get(f)!.get(i.initiative_key) ?? null])),
  }));
  return { frameworks, rows };
}

/** A formula problem on one line, from `formula_status` (`line 3, column 34: expected …`). */
export interface FormulaProblem {
  line: number;
  column: number | null;
  message: string;
}

/** The located problems in a formula_status; problems are joined by '; ' (scoring/math-model.ts). */
export function formulaProblems(status: string | null): FormulaProblem[] {
  if (!status) return [];
  const located = /(?:^|; )line (\d+)(?:, column (\d+))?: (.*?)(?=; line \d+(?:, column \d+)?: |$)/gs;
  return [...status.matchAll(located)].map((m) => ({
    line: Number(m[1]),
    column: m[2] === undefined ? null : Number(m[2]),
    message: m[3]!,
  }));
}

export interface InitiativeModel {
  name: string;
  primary: boolean;
  approved: boolean;
  version: number | null;
  /** formula_text_final, as the model is computed from. */
  formula: string;
  status: string | null;
  problems: FormulaProblem[];
  computedValue: number | null;
  /** The names the formula reads: its params. */
  inputs: string[];
}

export interface InitiativeParam {
  /** The initiative's key, or `*` for a shared assumption one of its models reads. */
  initiativeKey: string;
  framework: string;
  name: string;
  value: number | null;
  /** The cell as typed (a value that is not a number shows here). */
  valueText: string;
  min: number | null;
  max: number | null;
  distribution: string | null;
  source: string | null;
  approved: boolean;
  used: boolean;
  status: string | null;
}

/** The score and the rank after a run that changed either (one point of the history chart). */
export interface InitiativeHistoryPoint {
  at: string;
  run: number | null;
  /** The framework that counted then, its overall score, and the priority and rank it gave. */
  framework: string | null;
  value: number | null;
  priority: number | null;
  rank: number | null;
}

export interface WarningItem {
  tab: string;
  row: number | null;
  column: string | null;
  /** The row's key as the run reported it (`KEY`, `KEY/model`, `KEY/framework/param`). */
  key: string | null;
  /** The initiative it is about, for a link to its page. */
  initiative: string | null;
  message: string;
  /** Google workbooks: opens the sheet at that cell; null for .xlsx files. */
  link: string | null;
}

export interface InitiativeDetail {
  key: string;
  title: string;
  department: string | null;
  framework: string | null;
  useMathModel: boolean;
  coefficient: number | null;
  effortDays: number | null;
  value: number | null;
  effort: number | null;
  overall: number | null;
  priority: number | null;
  rank: number | null;
  /** As the ranking shows them (the Backlog's uncertainty columns); `uncertainty` has the whole picture. */
  priorityP10: number | null;
  priorityP90: number | null;
  pTopN: number | null;
  topDriver: string | null;
  scoreWarnings: string[];
  archivedAt: string | null;
  updatedAt: string;
  uncertainty: BoardUncertainty | null;
  scores: {
    framework: string;
    value: number | null;
    effort: number | null;
    overall: number | null;
    warnings: string;
    computedAt: string;
  }[];
  models: InitiativeModel[];
  params: InitiativeParam[];
  history: InitiativeHistoryPoint[];
  warnings: WarningItem[];
}

export function parseUncertainty(json: string | null): BoardUncertainty | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as BoardUncertainty;
  } catch {
    // A column we cannot read shows as no simulation rather than failing the page.
    return null;
  }
}

/**
 * The history as points, one per run that changed a score or the rank (rows without a run, one
 * per instant): the overall score of the framework that counted then and the rank, as they stood
 * after that run. Each table appends a row only on a change, so the state carries over.
 */
export function historyPoints(
  scores: readonly Pick<ScoreHistoryRow, 'computed_at' | 'run_id' | 'framework' | 'overall_score'>[],
  ranks: readonly Pick<
    RankHistoryRow,
    'recorded_at' | 'run_id' | 'active_framework' | 'priority_score' | 'rank'
  >[],
  currentFramework: string | null,
): InitiativeHistoryPoint[] {
  type Event = { at: string; run: number | null; apply: () => void };
  const overall = new Map<string, number | null>();
  let rank: (typeof ranks)[number] | undefined;
  const events: Event[] = [
    ...scores.map((s) => ({
      at: s.computed_at,
      run: s.run_id,
      apply: () => overall.set(s.framework, s.overall_score),
    })),
    ...ranks.map((r) => ({
      at: r.recorded_at,
      run: r.run_id,
      apply: () => {
        rank = r;
      },
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const points: InitiativeHistoryPoint[] = [];
  const moment = (e: Event) => (e.run === null ? `at ${e.at}` : `run ${e.run}`);
  let startedAt = '';
  events.forEach((event, i) => {
    if (i === 0 || moment(events[i - 1]!) !== moment(event)) startedAt = event.at;
    event.apply();
    const next = events[i + 1];
    if (next && moment(next) === moment(event)) return;
    // Before the first rank row, the framework is the one that counts now.
    const framework = rank ? rank.active_framework : currentFramework;
    points.push({
      at: startedAt,
      run: event.run,
      framework,
      value: framework === null ? null : (overall.get(framework) ?? null),
      priority: rank?.priority_score ?? null,
      rank: rank?.rank ?? null,
    });
  });
  return points;
}

/** Everything about one initiative; null when no initiative has this key. */
export async function loadInitiative(database: Database, key: string): Promise<InitiativeDetail | null> {
  const db = database.db;
  const i = await db
    .selectFrom('initiatives')
    .selectAll()
    .where('initiative_key', '=', key)
    .executeTakeFirst();
  if (!i) return null;
  const [scores, models, params, history, ranks, warnings] = await Promise.all([
    db.selectFrom('framework_scores').selectAll().where('initiative_key', '=', key).execute(),
    db
      .selectFrom('math_models')
      .selectAll()
      .where('initiative_key', '=', key)
      .orderBy('model_name')
      .execute(),
    db
      .selectFrom('params')
      .selectAll()
      .where('initiative_key', 'in', [key, '*'])
      .orderBy('framework')
      .orderBy('param_name')
      .execute(),
    loadScoreHistory(database, key),
    loadRankHistory(database, key),
    loadWarningRows(database, key),
  ]);
  const shownModels: InitiativeModel[] = models.map((m) => ({
    name: m.model_name,
    primary: m.is_primary === 1,
    approved: m.approved === 1,
    version: m.version,
    formula: m.formula_text_final,
    status: m.formula_status,
    problems: formulaProblems(m.formula_status),
    computedValue: m.computed_value,
    inputs: checkScript(m.formula_text_final).inputs,
  }));
  // A shared assumption (`*`) belongs on this page when one of its models reads it.
  const read = new Set(shownModels.flatMap((m) => m.inputs));
  const shownParams = params
    .filter((p) => p.initiative_key === key || read.has(p.param_name))
    .sort((a, b) => Number(a.initiative_key === '*') - Number(b.initiative_key === '*'))
    .map(
      (p): InitiativeParam => ({
        initiativeKey: p.initiative_key,
        framework: p.framework,
        name: p.param_name,
        value: p.value,
        valueText: p.value_text,
        min: p.min,
        max: p.max,
        distribution: p.distribution,
        source: p.source,
        approved: p.approved === 1,
        used: p.used_in_formula === 1,
        status: p.param_status,
      }),
    );
  return {
    key: i.initiative_key,
    title: i.title,
    department: i.department,
    framework: i.active_framework,
    useMathModel: i.use_math_model === 1,
    coefficient: i.strategic_priority_coefficient,
    effortDays: i.effort_engineering_days,
    value: i.value_score,
    effort: i.effort_score,
    overall: i.overall_score,
    priority: i.priority_score,
    rank: i.rank,
    priorityP10: i.priority_p10,
    priorityP90: i.priority_p90,
    pTopN: i.p_top_n,
    topDriver: i.top_driver,
    scoreWarnings: i.score_warnings ? i.score_warnings.split('; ') : [],
    archivedAt: i.archived_at,
    updatedAt: i.updated_at,
    uncertainty: parseUncertainty(i.uncertainty_json),
    scores: scores
      .sort((a, b) => frameworkOrder(a.framework, b.framework))
      .map((s) => ({
        framework: s.framework,
        value: s.value_score,
        effort: s.effort_score,
        overall: s.overall_score,
        warnings: s.warnings,
        computedAt: s.computed_at,
      })),
    models: shownModels,
    params: shownParams,
    history: historyPoints(history, ranks, i.active_framework),
    warnings: warnings.map(warningItem),
  };
}

function warningItem(w: WarningRow): WarningItem {
  return {
    tab: w.tab,
    row: w.row_number,
    column: w.column_name,
    key: w.initiative_key,
    initiative: initiativeOfWarningKey(w.initiative_key),
    message: w.message,
    link: w.link,
  };
}

/** The last run's warnings, grouped by tab: the configured tabs in workbook order, then any other. */
export interface WarningsView {
  total: number;
  tabs: { tab: string; warnings: WarningItem[] }[];
}

export async function loadWarnings(database: Database, config: Config): Promise<WarningsView> {
  const rows = await loadWarningRows(database);
  const order = [
    config.backlog.tab,
    config.productOps.tabs.scoring,
    config.productOps.tabs.mathModels,
    config.productOps.tabs.params,
  ];
  const tabs = new Map<string, WarningItem[]>();
  for (const row of rows) {
    const list = tabs.get(row.tab) ?? [];
    list.push(warningItem(row));
    tabs.set(row.tab, list);
  }
  const position = (tab: string) => {
    const i = order.indexOf(tab);
    return i < 0 ? order.length : i;
  };
  return {
    total: rows.length,
    tabs: [...tabs]
      .sort(([a], [b]) => position(a) - position(b) || a.localeCompare(b))
      .map(([tab, warnings]) => ({
        tab,
        warnings: warnings.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)),
      })),
  };
}

export interface LlmCallItem {
  id: number;
  at: string;
  run: number | null;
  initiative: string | null;
  model: string | null;
  purpose: string;
  llmModel: string;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number;
  outcome: string;
  error: string | null;
}

export interface LlmCallsView {
  page: number;
  pageSize: number;
  total: number;
  pages: number;
  calls: LlmCallItem[];
}

/** LLM calls per page of the list (newest first). */
export const LLM_CALLS_PAGE_SIZE = 200;

/** One page (from 1) of the LLM calls, newest first. */
export async function loadLlmCalls(database: Database, page: number): Promise<LlmCallsView> {
  const db = database.db;
  const count = await db
    .selectFrom('llm_calls')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('llm_calls')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(LLM_CALLS_PAGE_SIZE)
    .offset((page - 1) * LLM_CALLS_PAGE_SIZE)
    .execute();
  const total = Number(count.n);
  return {
    page,
    pageSize: LLM_CALLS_PAGE_SIZE,
    total,
    pages: Math.max(1, Math.ceil(total / LLM_CALLS_PAGE_SIZE)),
    calls: rows.map((r) => ({
      id: r.id,
      at: r.created_at,
      run: r.run_id,
      initiative: r.initiative_key,
      model: r.model_name,
      purpose: r.purpose,
      llmModel: r.llm_model,
      promptTokens: r.prompt_tokens,
      completionTokens: r.completion_tokens,
      latencyMs: r.latency_ms,
      outcome: r.outcome,
      error: r.error,
    })),
  };
}
