/**
 * The backend's memory: loaded from the database before a command, saved after its writes landed.
 * Saved only after the sheets were written, so a crash in between makes the next run see the
 * sheets as changed and converge, never forget a person's edit.
 */
import { hash } from 'node:crypto';
import {
  archiveInitiatives,
  type Database,
  insertRankHistory,
  insertScoreHistory,
  loadFrameworkScores,
  loadInitiatives,
  loadLatestRanks,
  loadMathModels,
  loadParams,
  loadRowState,
  loadWarnings,
  MAX_SEQUENCE_VALUE,
  type NewRankHistoryRow,
  type NewWarning,
  raiseSequence,
  readSequence,
  replaceWarnings,
  upsertFrameworkScores,
  upsertInitiatives,
  upsertMathModels,
  upsertParams,
  upsertRowState,
  withTransaction,
} from '../db/index.js';
import { paramId, type Scoreboard } from '../scoring/index.js';
import { cellText, parseBoolean } from '../shared/values.js';
import { KEY_SEQUENCE } from './backlog-sync.js';
import type { Ledger, RunWarning } from './ledger.js';
import { modelRowKey } from './models-sync.js';
import { rememberShared } from './scoring-sync.js';

/** What the database remembers from earlier runs; empty on a fresh database. */
export interface Memory {
  /** Highest initiative key number issued or seen. */
  sequence: number;
  /** `tab|rowKey` → column → value as last seen (shared fields) or last written (backend cells). */
  rows: Map<string, Record<string, unknown>>;
  /** `key|model` → version memory. */
  models: Map<
    string,
    { version: number | null; approvedFormulaText: string | null; llmSuggestedAt: string | null }
  >;
  /** `key|framework|name` → how the value and approval looked last time. */
  params: Map<string, { valueText: string; approved: boolean; lastUpdatedAt: string | null }>;
  /**
   * Every initiative key the database knows → when it was archived (its Backlog row was deleted),
   * null while it is on the Backlog.
   */
  initiatives: Map<string, { title: string; archivedAt: string | null }>;
  /** `key|framework` → the last stored score, to record history only when a score changes. */
  scores: Map<string, { value: number | null; effort: number | null; overall: number | null }>;
  /**
   * `table|primary key` → a digest of the row as loaded (timestamps left out), so a save writes
   * only rows that differ; empty on a fresh database or a dry run without one.
   */
  digests: Map<string, string>;
  /** When each initiative was first seen, kept as it is on every save. */
  firstSeen: Map<string, string>;
  /** Each initiative's latest `rank_history` row, to append one only when its ranking changes. */
  ranks: Map<string, RankState>;
  /** A digest of the stored warnings, to replace them only when a run's differ. */
  warningsDigest: string;
}

/** What `rank_history` records of an initiative; a run appends a row when one of these changes. */
type RankState = Pick<
  NewRankHistoryRow,
  'active_framework' | 'strategic_priority_coefficient' | 'priority_score' | 'rank'
>;

const sameRank = (a: RankState, b: RankState) =>
  a.active_framework === b.active_framework &&
  a.strategic_priority_coefficient === b.strategic_priority_coefficient &&
  a.priority_score === b.priority_score &&
  a.rank === b.rank;

/** Warnings as the `warnings` table stores them, in the run's order. */
const warningRows = (warnings: readonly RunWarning[]): NewWarning[] =>
  warnings.map((w) => ({
    tab: w.tab,
    row_number: w.row,
    column_name: w.column,
    initiative_key: w.key,
    message: w.message,
    link: w.link ?? null,
  }));

/** A digest of a list of warnings, stored or new: the same fields in the same order. */
const warningsDigest = (rows: readonly NewWarning[]) =>
  hash(
    'sha1',
    JSON.stringify(
      rows.map((r) => [r.tab, r.row_number, r.column_name, r.initiative_key, r.message, r.link ?? null]),
    ),
    'base64',
  );

export function emptyMemory(): Memory {
  return {
    sequence: 0,
    rows: new Map(),
    initiatives: new Map(),
    models: new Map(),
    params: new Map(),
    scores: new Map(),
    digests: new Map(),
    firstSeen: new Map(),
    ranks: new Map(),
    warningsDigest: warningsDigest([]),
  };
}

/** Rows built and saved at a time for the largest tables: the garbage of one slice dies young. */
const SAVE_SLICE = 2_000;

/**
 * A row's identity and a digest of its content (timestamps left out, and a param's metadata origin,
 * written once when it is seeded). The digest, not the row's text, is what the run keeps for every
 * row of every table, so memory stays small at 40,000 params.
 */
const fingerprint = (table: string, row: Record<string, unknown>, key: string[]) => {
  const { updated_at: _u, computed_at: _c, first_seen_at: _f, metadata_origin: _o, ...rest } = row;
  return [
    `${table}|${key.map((k) => row[k]).join('|')}`,
    hash('sha1', JSON.stringify(rest), 'base64'),
  ] as const;
};

/** Rows of `table` that differ from what it held at the start (ignoring timestamps). */
function changedOnly<T extends Record<string, unknown>>(
  memory: Memory,
  table: string,
  rows: T[],
  key: string[],
): T[] {
  const before = memory.digests;
  return rows.filter((r) => {
    const [id, print] = fingerprint(table, r, key);
    return before.get(id) !== print;
  });
}

export async function loadMemory(database: Database): Promise<Memory> {
  const memory = emptyMemory();
  const remember = (table: string, rows: Record<string, unknown>[], key: string[]) => {
    for (const r of rows) {
      const [id, print] = fingerprint(table, r, key);
      memory.digests.set(id, print);
    }
  };
  const initiatives = await loadInitiatives(database);
  remember('initiatives', initiatives, ['initiative_key']);
  for (const i of initiatives) {
    memory.initiatives.set(i.initiative_key, { title: i.title, archivedAt: i.archived_at });
    memory.firstSeen.set(i.initiative_key, i.first_seen_at);
  }
  // A counter pushed past the key limit by an older version is ignored: such numbers were never valid keys.
  const last = await readSequence(database, KEY_SEQUENCE);
  memory.sequence = Number.isSafeInteger(last) && last <= MAX_SEQUENCE_VALUE ? last : 0;
  for (const r of await loadRowState(database)) {
    memory.rows.set(`${r.tab}|${r.row_key}`, JSON.parse(r.cells_json) as Record<string, unknown>);
  }
  const models = await loadMathModels(database);
  remember('math_models', models, ['initiative_key', 'model_name']);
  for (const m of models) {
    memory.models.set(modelRowKey(m.initiative_key, m.model_name), {
      version: m.version,
      approvedFormulaText: m.approved_formula_text,
      llmSuggestedAt: m.llm_suggested_at,
    });
  }
  const params = await loadParams(database);
  remember('params', params, ['initiative_key', 'framework', 'param_name']);
  for (const p of params) {
    memory.params.set(paramId(p.initiative_key, p.framework, p.param_name), {
      valueText: p.value_text,
      approved: p.approved === 1,
      lastUpdatedAt: p.last_updated_at,
    });
  }
  const scores = await loadFrameworkScores(database);
  remember('framework_scores', scores, ['initiative_key', 'framework']);
  for (const s of scores) {
    memory.scores.set(`${s.initiative_key}|${s.framework}`, {
      value: s.value_score,
      effort: s.effort_score,
      overall: s.overall_score,
    });
  }
  for (const r of await loadLatestRanks(database)) memory.ranks.set(r.initiative_key, r);
  memory.warningsDigest = warningsDigest(await loadWarnings(database));
  return memory;
}

const bool = (b: boolean) => (b ? 1 : 0);
const flag = (raw: unknown) => {
  const parsed = parseBoolean(raw);
  return parsed.kind === 'ok' && parsed.value;
};

/** Saves what the command derived; `written` says whether its sheet changes landed. */
export async function saveMemory(
  database: Database,
  board: Scoreboard,
  ledger: Ledger,
  runId: number | null,
): Promise<void> {
  const now = ledger.now;
  const memory = ledger.memory;
  const include = ledger.include;
  // Only rows where a remembered cell changes are copied and saved: a no-edit run touches none.
  const updated = new Map<string, Record<string, unknown>>();
  const remember = (id: string, column: string, value: unknown): void => {
    const before = memory.rows.get(id);
    if (before && Object.hasOwn(before, column) && before[column] === value) return;
    let cells = updated.get(id);
    if (!cells) updated.set(id, (cells = { ...(before ?? {}) }));
    cells[column] = value;
  };
  for (const [flow, rows] of ledger.backendCells) {
    if (!include.has(flow)) continue;
    for (const [id, cells] of rows) {
      for (const [column, value] of Object.entries(cells)) {
        remember(id, column, value instanceof Date ? value.toISOString() : value);
      }
    }
  }
  rememberShared(board, ledger, remember);
  const updatedRows = [...updated];
  updated.clear();

  const initiatives = [...board.initiatives.values()];
  const scoreRows = initiatives.flatMap((i) =>
    board.frameworks.flatMap(({ name: fw }) => {
      const s = i.scores[fw];
      return s
        ? [
            {
              initiative_key: i.key,
              framework: fw,
              value_score: s.value,
              effort_score: s.effort,
              overall_score: s.overall,
              warnings: s.warnings.join('; '),
              computed_at: now,
              score: s,
            },
          ]
        : [];
    }),
  );
  const history = scoreRows.filter((r) => {
    if (r.value_score === null && r.overall_score === null) return false;
    const last = memory.scores.get(`${r.initiative_key}|${r.framework}`);
    return (
      !last ||
      last.value !== r.value_score ||
      last.effort !== r.effort_score ||
      last.overall !== r.overall_score
    );
  });

  await withTransaction(database, async (trx) => {
    // Only ever raised: a lower value saved late (a slower run) must not let keys be issued again.
    await raiseSequence(trx, KEY_SEQUENCE, Math.max(ledger.sequence, memory.sequence));
    if (include.has('backlog sync') || include.has('scoring activate')) {
      await upsertInitiatives(
        trx,
        changedOnly(
          memory,
          'initiatives',
          initiatives.map((i) => ({
            initiative_key: i.key,
            title: i.title,
            backlog_row: ledger.backlogRows.get(i.key)!.rowNumber,
            active_framework: i.framework.kind === 'ok' ? i.framework.value : null,
            use_math_model: bool(i.useMathModel),
            strategic_priority_coefficient: i.coefficient.kind === 'ok' ? i.coefficient.value : null,
            effort_engineering_days: i.effortDays.kind === 'ok' ? i.effortDays.value : null,
            value_score: i.active?.value ?? null,
            effort_score: i.active?.effort ?? null,
            overall_score: i.active?.overall ?? null,
            priority_score: i.active?.priority ?? null,
            rank: i.rank ?? null,
            score_warnings: [...i.problems, ...(i.active?.warnings ?? [])].join('; ') || null,
            updated_at: now,
            // On the Backlog again (a deleted row pasted back): no longer archived.
            archived_at: null,
            department: ledger.backlogRecords.get(i.key)?.department || null,
            priority_p10: i.uncertainty?.priority?.p10 ?? null,
            priority_p90: i.uncertainty?.priority?.p90 ?? null,
            p_top_n: i.uncertainty?.pTopN ?? null,
            top_driver: i.uncertainty?.topDriver ?? null,
            uncertainty_json: i.uncertainty ? JSON.stringify(i.uncertainty) : null,
          })),
          ['initiative_key'],
        ).map((r) => ({ ...r, first_seen_at: memory.firstSeen.get(r.initiative_key) ?? now })),
      );
    }
    // Archived once: the run that found the Backlog row deleted warned; later runs stay quiet.
    const archiving = [...board.archived].filter((key) => memory.initiatives.get(key)?.archivedAt === null);
    if (include.has('backlog sync')) await archiveInitiatives(trx, archiving, now);
    if (include.has('backlog sync') || include.has('scoring activate')) {
      await insertRankHistory(
        trx,
        rankChanges(board, memory, include.has('backlog sync') ? archiving : [], runId, now),
      );
    }
    if (include.has('scoring compute')) {
      await upsertFrameworkScores(
        trx,
        changedOnly(
          memory,
          'framework_scores',
          scoreRows.map(({ score: _score, ...r }) => r),
          ['initiative_key', 'framework'],
        ),
      );
      const historyRows = history.map((r) => ({
        run_id: runId,
        initiative_key: r.initiative_key,
        framework: r.framework,
        model_name: r.score.modelName ?? null,
        value_score: r.value_score,
        effort_score: r.effort_score,
        overall_score: r.overall_score,
        formula_text: r.score.formulaText ?? null,
        inputs_json: JSON.stringify(r.score.inputs),
        computed_at: now,
      }));
      await insertScoreHistory(trx, historyRows);
    }
    if (include.has('models sync') || ledger.suggestedAt.size > 0) {
      await upsertMathModels(
        trx,
        changedOnly(
          memory,
          'math_models',
          initiatives.flatMap((i) =>
            i.models.map((m) => {
              const remembered = memory.models.get(modelRowKey(i.key, m.name));
              return {
                initiative_key: i.key,
                model_name: m.name,
                formula_text_final: m.formulaText,
                approved: bool(m.approved),
                is_primary: bool(m.isPrimary),
                version: m.version,
                approved_formula_text:
                  m.approved && m.formulaText.trim() !== ''
                    ? m.formulaText
                    : (remembered?.approvedFormulaText ?? null),
                formula_status: m.outcome?.status ?? 'Not approved',
                computed_value: m.outcome?.computedValue ?? null,
                llm_suggested_at:
                  ledger.suggestedAt.get(modelRowKey(i.key, m.name)) ?? remembered?.llmSuggestedAt ?? null,
                updated_at: now,
              };
            }),
          ),
          ['initiative_key', 'model_name'],
        ),
      );
    }
    if (include.has('params sync') || include.has('params seed')) {
      const included = board.params.filter((p) => include.has(p.seeded ? 'params seed' : 'params sync'));
      // In slices, so 40,000 params never exist as rows all at once.
      for (let start = 0; start < included.length; start += SAVE_SLICE) {
        await upsertParams(
          trx,
          changedOnly(
            memory,
            'params',
            included.slice(start, start + SAVE_SLICE).map((p) => {
              const row = ledger.paramRows.get(p)!.row;
              const shown = (
                column:
                  | 'value'
                  | 'last_updated_at'
                  | 'is_auto_seeded'
                  | 'used_in_formula'
                  | 'param_status'
                  | 'source',
              ) => ledger.current('params', row, column);
              const valueText = cellText(shown('value'));
              const stamp = shown('last_updated_at');
              return {
                initiative_key: p.key,
                framework: p.framework,
                param_name: p.name,
                value: p.value.kind === 'ok' ? p.value.value : null,
                value_text: valueText,
                approved: bool(p.approved),
                is_auto_seeded: bool(p.seeded || flag(shown('is_auto_seeded'))),
                used_in_formula: bool(flag(shown('used_in_formula'))),
                last_updated_at: stamp === null ? null : String(stamp),
                param_status: cellText(shown('param_status')),
                // Only rows seeded now name it; a row saved without it keeps what it had.
                metadata_origin: p.metadataOrigin,
                min: p.min.kind === 'ok' ? p.min.value : null,
                max: p.max.kind === 'ok' ? p.max.value : null,
                distribution: p.distribution || null,
                source: cellText(shown('source')) || null,
                updated_at: now,
              };
            }),
            ['initiative_key', 'framework', 'param_name'],
          ),
        );
      }
    }
    const warnings = warningRows(ledger.warnings);
    if (warningsDigest(warnings) !== memory.warningsDigest) await replaceWarnings(trx, runId, warnings);
    // Each slice's JSON exists only while that slice is saved.
    for (let start = 0; start < updatedRows.length; start += SAVE_SLICE) {
      const rows = updatedRows.slice(start, start + SAVE_SLICE).flatMap(([id, cells]) => {
        const json = JSON.stringify(cells);
        const before = memory.rows.get(id);
        if (before !== undefined && JSON.stringify(before) === json) return [];
        const bar = id.indexOf('|');
        return [{ tab: id.slice(0, bar), row_key: id.slice(bar + 1), cells_json: json, updated_at: now }];
      });
      await upsertRowState(trx, rows);
    }
  });
}

/**
 * The `rank_history` rows a save appends: one per initiative whose framework, coefficient,
 * priority or rank differs from its latest stored row (or that has none), and an empty one per
 * initiative archived now, so that it no longer counts as ranked from this run on.
 */
function rankChanges(
  board: Scoreboard,
  memory: Memory,
  archiving: readonly string[],
  runId: number | null,
  now: string,
): NewRankHistoryRow[] {
  const rows: NewRankHistoryRow[] = [];
  const append = (key: string, state: RankState) => {
    const last = memory.ranks.get(key);
    if (last && sameRank(last, state)) return;
    rows.push({ run_id: runId, initiative_key: key, ...state, recorded_at: now });
  };
  for (const i of board.initiatives.values()) {
    append(i.key, {
      active_framework: i.framework.kind === 'ok' ? i.framework.value : null,
      strategic_priority_coefficient: i.coefficient.kind === 'ok' ? i.coefficient.value : null,
      priority_score: i.active?.priority ?? null,
      rank: i.rank ?? null,
    });
  }
  for (const key of archiving) {
    if (!memory.ranks.has(key)) continue;
    append(key, {
      active_framework: null,
      strategic_priority_coefficient: null,
      priority_score: null,
      rank: null,
    });
  }
  return rows;
}
