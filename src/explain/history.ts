/**
 * An initiative's recorded history, as states after each run. A run records an initiative's score
 * under a framework (`score_history`) when it changes, and its ranking — active framework,
 * coefficient, priority, rank — when that changes (`rank_history`); the state after run R is the
 * latest of each recorded up to R. Pure: the rows come in, states go out.
 */
import type { HistoryPoint } from '../db/index.js';

/** A recorded score (a `score_history` row, its inputs parsed). */
export interface ScoreRecord {
  id: number;
  run: number;
  at: string;
  framework: string;
  /** The math model's name and formula; null for a column framework (RICE, WSJF). */
  model: string | null;
  formula: string | null;
  value: number | null;
  effort: number | null;
  overall: number | null;
  /** The params (math model) or Scoring_Inputs cells (column framework) the score was computed from. */
  inputs: Record<string, number>;
}

/** A recorded ranking (a `rank_history` row). */
export interface RankRecord {
  run: number;
  at: string;
  framework: string | null;
  coefficient: number | null;
  priority: number | null;
  rank: number | null;
}

/** Everything recorded about one initiative, each list oldest first. */
export interface InitiativeHistory {
  scores: readonly ScoreRecord[];
  ranks: readonly RankRecord[];
  /**
   * The active framework where no ranking was recorded yet (a database older than
   * `rank_history`): the one the initiative has now.
   */
  framework: string | null;
}

/**
 * An initiative after a run: its ranking and its scores as last recorded. `run` and `at` are the
 * last run that recorded something about it, and when that run started.
 */
export interface InitiativeState extends RankRecord {
  /** The active framework's score; null when it has none recorded. */
  score: ScoreRecord | null;
  /** Each framework's score, by framework. */
  scores: ReadonlyMap<string, ScoreRecord>;
}

const upTo = (point: HistoryPoint | undefined) => (record: { run: number; at: string }) =>
  point === undefined || ('runId' in point ? record.run <= point.runId : record.at <= point.at);

/**
 * The initiative as of `point` (after that run, or at that instant): the latest state recorded up
 * to it; its latest state without `point`; null when nothing was recorded by then.
 */
export function stateAt(history: InitiativeHistory, point?: HistoryPoint): InitiativeState | null {
  const included = upTo(point);
  const scores = history.scores.filter(included);
  const ranks = history.ranks.filter(included);
  const all = [...scores, ...ranks];
  if (all.length === 0) return null;
  const latest = new Map<string, ScoreRecord>();
  for (const s of scores) latest.set(s.framework, s);
  const ranking = ranks.at(-1);
  const framework = ranking ? ranking.framework : history.framework;
  const last = all.reduce((a, b) => (b.run > a.run ? b : a));
  return {
    run: last.run,
    at: last.at,
    framework,
    coefficient: ranking?.coefficient ?? null,
    priority: ranking?.priority ?? null,
    rank: ranking?.rank ?? null,
    score: framework === null ? null : (latest.get(framework) ?? null),
    scores: latest,
  };
}

/**
 * The states after each run that changed the initiative's score: its active framework, its
 * coefficient or the active framework's score. A run that only moved its rank (others' scores
 * changed) is not one. Oldest first; the first state recorded is always one.
 */
export function scoreSteps(history: InitiativeHistory): InitiativeState[] {
  const runs = [...new Set([...history.scores, ...history.ranks].map((r) => r.run))].sort((a, b) => a - b);
  const steps: InitiativeState[] = [];
  for (const run of runs) {
    const state = stateAt(history, { runId: run })!;
    const last = steps.at(-1);
    if (
      !last ||
      last.framework !== state.framework ||
      last.coefficient !== state.coefficient ||
      last.score?.id !== state.score?.id
    ) {
      steps.push(state);
    }
  }
  return steps;
}
