/**
 * `explain` on the database: reads an initiative's recorded history and the other initiatives'
 * ranks, then explains (explain.ts, pure) the last change of its score, the change since a run or
 * a date, or every step of its history (the dashboard's initiative page).
 *
 * The dashboard calls it on every initiative page, so it reads narrowly: the other initiatives'
 * ranks (key and rank only, every run of the history in two queries) and the titles of only those
 * that passed it or fell behind — a backlog of 5,000 has 5,000 of each.
 */
import {
  type DbHandle,
  type HistoryPoint,
  loadInitiativeTitles,
  loadLatestRanks,
  loadRankHistory,
  loadRanksAfterRuns,
  loadScoreHistory,
  type RankHistoryRow,
  type ScoreHistoryRow,
} from '../db/index.js';
import type { Frameworks } from '../scoring/index.js';
import { UsageError } from '../shared/errors.js';
import { type Explanation, explainChange } from './explain.js';
import {
  type InitiativeHistory,
  type InitiativeState,
  type RankRecord,
  type ScoreRecord,
  scoreSteps,
  stateAt,
} from './history.js';

export interface ExplainOptions {
  /**
   * Compare the initiative as it was after this run (a run id) or at this date (`YYYY-MM-DD`, the
   * start of that day in UTC, or ISO-8601) with how it is now. A point before its first recorded
   * score compares from that first score. Without it: the last two runs that changed its score.
   */
  since?: number | string;
  /** The frameworks to re-score with; RICE, WSJF and MATH_MODEL when not given. */
  frameworks?: Frameworks;
}

/**
 * Why the initiative's score and rank changed: between the last two runs that changed its score,
 * or since `options.since`. Null when there is nothing to compare yet (fewer than two recorded
 * states, or none at all with `since`). Throws a UsageError when no initiative has the key or
 * `since` is neither a run id nor a date.
 */
export async function explainInitiative(
  database: DbHandle,
  key: string,
  options: ExplainOptions = {},
): Promise<Explanation | null> {
  const since = options.since === undefined ? undefined : parseSince(options.since);
  const { history, title } = await loadHistory(database, key);
  let from: InitiativeState | null;
  let to: InitiativeState | null;
  let othersFrom: HistoryPoint | undefined = since;
  if (since) {
    to = stateAt(history);
    from = stateAt(history, since);
    if (to && !from) {
      from = scoreSteps(history)[0]!;
      othersFrom = { runId: from.run };
    }
  } else {
    const steps = scoreSteps(history);
    [from, to] = steps.length < 2 ? [null, null] : [steps.at(-2)!, steps.at(-1)!];
    if (from) othersFrom = { runId: from.run };
  }
  if (!from || !to) return null;
  const ranks = rankCache(database);
  const explanation = explainChange(from, to, {
    key,
    title,
    ranksFrom: await ranks(othersFrom),
    ranksTo: await ranks(since ? undefined : { runId: to.run }),
    titles: UNNAMED,
    ...(options.frameworks ? { frameworks: options.frameworks } : {}),
  });
  await nameRankMoves(database, [explanation]);
  return explanation;
}

/**
 * One explanation per step of the initiative's history, oldest first: from each run that changed
 * its score to the next. Empty when it has fewer than two; throws a UsageError for an unknown key.
 */
export async function explainHistory(
  database: DbHandle,
  key: string,
  options: Pick<ExplainOptions, 'frameworks'> = {},
): Promise<Explanation[]> {
  const { history, title } = await loadHistory(database, key);
  const steps = scoreSteps(history);
  if (steps.length < 2) return [];
  const ranks = await loadRanksAfterRuns(
    database,
    steps.map((step) => step.run),
  );
  const explanations = steps.slice(1).map((to, index) => {
    const from = steps[index]!;
    return explainChange(from, to, {
      key,
      title,
      ranksFrom: ranks.get(from.run)!,
      ranksTo: ranks.get(to.run)!,
      titles: UNNAMED,
      ...(options.frameworks ? { frameworks: options.frameworks } : {}),
    });
  });
  await nameRankMoves(database, explanations);
  return explanations;
}

/** What the explanations are made with: no titles yet, nameRankMoves reads the few they need. */
const UNNAMED: ReadonlyMap<string, string> = new Map();

/** Gives each initiative that passed or fell behind its title (empty for a key no longer known). */
async function nameRankMoves(database: DbHandle, explanations: readonly Explanation[]): Promise<void> {
  const moves = explanations.flatMap((e) => [...e.rank.passedBy, ...e.rank.fellBehind]);
  if (moves.length === 0) return;
  const rows = await loadInitiativeTitles(
    database,
    moves.map((move) => move.key),
  );
  const titles = new Map(rows.map((row) => [row.initiative_key, row.title]));
  for (const move of moves) move.title = titles.get(move.key) ?? '';
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A run id (a whole number from 1) or a date: `YYYY-MM-DD` (the start of that day, UTC) or
 * ISO-8601 (UTC unless it names an offset). Throws a UsageError saying what is accepted.
 */
export function parseSince(since: number | string): HistoryPoint {
  const text = String(since).trim();
  if (/^\d+$/.test(text)) {
    const runId = Number(text);
    if (Number.isSafeInteger(runId) && runId >= 1) return { runId };
  }
  const match = DATE.exec(text);
  if (match && typeof since === 'string') {
    const [, year, month, day, hour, , , zone] = match;
    // Date.parse rolls 2026-02-30 over to March 2nd: the day must exist.
    const midnight = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
    const exists = midnight.toISOString().startsWith(`${year}-${month}-${day}`);
    const at = Date.parse(hour === undefined || zone ? text : `${text}Z`);
    if (exists && Number.isFinite(at)) return { at: new Date(at).toISOString() };
  }
  throw new UsageError(
    `'${text}' is neither a run id (a whole number such as 12) nor a date (YYYY-MM-DD, or ISO-8601 such as 2026-01-05T09:00Z)`,
  );
}

/** Every initiative's rank as of a point (now without one), each point read once. */
function rankCache(database: DbHandle) {
  const cache = new Map<string, Promise<Map<string, number | null>>>();
  return (point?: HistoryPoint): Promise<Map<string, number | null>> => {
    const id = JSON.stringify(point ?? null);
    let ranks = cache.get(id);
    if (!ranks) {
      ranks = loadLatestRanks(database, point).then(
        (rows) => new Map(rows.map((r) => [r.initiative_key, r.rank])),
      );
      cache.set(id, ranks);
    }
    return ranks;
  };
}

async function loadHistory(
  database: DbHandle,
  key: string,
): Promise<{ history: InitiativeHistory; title: string }> {
  const [initiative] = await loadInitiativeTitles(database, [key]);
  if (!initiative) {
    throw new UsageError(
      `no initiative '${key}' in the database (keys look like INIT-000001; a new one is known after 'productops run')`,
    );
  }
  // Rows written outside a run (none are) cannot be placed among runs.
  const scores = (await loadScoreHistory(database, key)).filter((r) => r.run_id !== null).map(scoreRecord);
  const ranks = (await loadRankHistory(database, key)).filter((r) => r.run_id !== null).map(rankRecord);
  return {
    history: { scores, ranks, framework: initiative.active_framework },
    title: initiative.title,
  };
}

function scoreRecord(row: ScoreHistoryRow): ScoreRecord {
  return {
    id: row.id,
    run: row.run_id!,
    at: row.computed_at,
    framework: row.framework,
    model: row.model_name,
    formula: row.formula_text,
    value: row.value_score,
    effort: row.effort_score,
    overall: row.overall_score,
    inputs: parseInputs(row.inputs_json),
  };
}

/** `inputs_json` as a run writes it: { name: number }; anything else in it is left out. */
function parseInputs(json: string): Record<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const inputs: Record<string, number> = {};
  for (const [name, value] of Object.entries(parsed)) {
    // defineProperty: a param may be named `__proto__`.
    if (typeof value === 'number')
      Object.defineProperty(inputs, name, { value, enumerable: true, writable: true });
  }
  return inputs;
}

function rankRecord(row: RankHistoryRow): RankRecord {
  return {
    run: row.run_id!,
    at: row.recorded_at,
    framework: row.active_framework,
    coefficient: row.strategic_priority_coefficient,
    priority: row.priority_score,
    rank: row.rank,
  };
}
