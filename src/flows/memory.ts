/**
 * The backend's memory: loaded from the database before a command, saved after its writes landed.
 * Saved only after the sheets were written, so a crash in between makes the next run see the
 * sheets as changed and converge, never forget a person's edit.
 */
import { createHash } from 'node:crypto';
import { upsertRows } from '../db/bulk.js';
import type { Database } from '../db/database.js';
import { MAX_SEQUENCE_VALUE, raiseSequence, readSequence } from '../db/repositories/sequences.js';
import { cellText, parseBoolean } from '../shared/values.js';
import type { Framework } from '../sheets/tabs.js';
import { KEY_SEQUENCE } from './backlog-sync.js';
import { emptyMemory, type Memory, type RunContext } from './context.js';
import { modelRowKey } from './models-sync.js';
import { paramKey } from './params.js';
import { rememberShared } from './scoring-sync.js';

/** Rows built and saved at a time for the largest tables: the garbage of one slice dies young. */
const SAVE_SLICE = 2_000;

/** The rows each table held when the command started, by primary key, to write only what changed. */
const snapshots = new WeakMap<Memory, Map<string, string>>();
const firstSeen = new WeakMap<Memory, Map<string, string>>();

/**
 * A row's identity and a digest of its content (timestamps left out, and a param's metadata origin,
 * written once when it is seeded). The digest, not the row's text, is what the run keeps for every
 * row of every table, so memory stays small at 40,000 params.
 */
const fingerprint = (table: string, row: Record<string, unknown>, key: string[]) => {
  const { updated_at: _u, computed_at: _c, first_seen_at: _f, metadata_origin: _o, ...rest } = row;
  const digest = createHash('sha1').update(JSON.stringify(rest)).digest('base64');
  return [`${table}|${key.map((k) => row[k]).join('|')}`, digest] as const;
};

/** Rows of `table` that differ from what it held at the start (ignoring timestamps). */
function changedOnly<T extends Record<string, unknown>>(
  memory: Memory,
  table: string,
  rows: T[],
  key: string[],
): T[] {
  const before = snapshots.get(memory);
  if (!before) return rows;
  return rows.filter((r) => {
    const [id, print] = fingerprint(table, r, key);
    return before.get(id) !== print;
  });
}

export async function loadMemory(database: Database): Promise<Memory> {
  const { db } = database;
  const memory = emptyMemory();
  const snapshot = new Map<string, string>();
  snapshots.set(memory, snapshot);
  const remember = (table: string, rows: Record<string, unknown>[], key: string[]) => {
    for (const r of rows) {
      const [id, print] = fingerprint(table, r, key);
      snapshot.set(id, print);
    }
  };
  const initiatives = await db.selectFrom('initiatives').selectAll().execute();
  remember('initiatives', initiatives, ['initiative_key']);
  firstSeen.set(memory, new Map(initiatives.map((i) => [i.initiative_key, i.first_seen_at])));
  for (const i of initiatives)
    memory.initiatives.set(i.initiative_key, { title: i.title, archivedAt: i.archived_at });
  // A counter pushed past the key limit by an older version is ignored: such numbers were never valid keys.
  const last = await readSequence(db, KEY_SEQUENCE);
  memory.sequence = Number.isSafeInteger(last) && last <= MAX_SEQUENCE_VALUE ? last : 0;
  for (const r of await db.selectFrom('row_state').selectAll().execute()) {
    memory.rows.set(`${r.tab}|${r.row_key}`, JSON.parse(r.cells_json) as Record<string, unknown>);
  }
  const models = await db.selectFrom('math_models').selectAll().execute();
  remember('math_models', models, ['initiative_key', 'model_name']);
  for (const m of models) {
    memory.models.set(modelRowKey(m.initiative_key, m.model_name), {
      version: m.version,
      approvedFormulaText: m.approved_formula_text,
      llmSuggestedAt: m.llm_suggested_at,
    });
  }
  const params = await db.selectFrom('params').selectAll().execute();
  remember('params', params, ['initiative_key', 'framework', 'param_name']);
  for (const p of params) {
    memory.params.set(paramKey(p.initiative_key, p.framework, p.param_name), {
      valueText: p.value_text,
      approved: p.approved === 1,
      lastUpdatedAt: p.last_updated_at,
    });
  }
  const scores = await db.selectFrom('framework_scores').selectAll().execute();
  remember('framework_scores', scores, ['initiative_key', 'framework']);
  for (const s of scores) {
    memory.scores.set(`${s.initiative_key}|${s.framework}`, {
      value: s.value_score,
      effort: s.effort_score,
      overall: s.overall_score,
      formula: null,
    });
  }
  return memory;
}

const bool = (b: boolean) => (b ? 1 : 0);
const flag = (raw: unknown) => {
  const parsed = parseBoolean(raw);
  return parsed.kind === 'ok' && parsed.value;
};

/** Saves what the command derived; `written` says whether its sheet changes landed. */
export async function saveMemory(database: Database, ctx: RunContext, runId: number | null): Promise<void> {
  const now = ctx.now;
  // Only rows where a remembered cell changes are copied and saved: a no-edit run touches none.
  const updated = new Map<string, Record<string, unknown>>();
  const remember = (id: string, column: string, value: unknown): void => {
    const before = ctx.memory.rows.get(id);
    if (before && Object.hasOwn(before, column) && before[column] === value) return;
    let cells = updated.get(id);
    if (!cells) updated.set(id, (cells = { ...(before ?? {}) }));
    cells[column] = value;
  };
  for (const [flow, rows] of ctx.backendCells) {
    if (!ctx.include.has(flow)) continue;
    for (const [id, cells] of rows) {
      for (const [column, value] of Object.entries(cells)) {
        remember(id, column, value instanceof Date ? value.toISOString() : value);
      }
    }
  }
  rememberShared(ctx, remember);
  const updatedRows = [...updated];
  updated.clear();

  const initiatives = [...ctx.initiatives.values()];
  const scoreRows = initiatives.flatMap((i) =>
    (['RICE', 'WSJF', 'MATH_MODEL'] as Framework[]).flatMap((fw) => {
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
    const last = ctx.memory.scores.get(`${r.initiative_key}|${r.framework}`);
    return (
      !last ||
      last.value !== r.value_score ||
      last.effort !== r.effort_score ||
      last.overall !== r.overall_score
    );
  });

  await database.db.transaction().execute(async (trx) => {
    // Only ever raised: a lower value saved late (a slower run) must not let keys be issued again.
    await raiseSequence(trx, KEY_SEQUENCE, Math.max(ctx.sequence, ctx.memory.sequence));
    if (ctx.include.has('backlog sync') || ctx.include.has('scoring activate')) {
      await upsertRows(
        trx,
        'initiatives',
        changedOnly(
          ctx.memory,
          'initiatives',
          initiatives.map((i) => ({
            initiative_key: i.key,
            title: i.title,
            backlog_row: i.row.rowNumber,
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
          })),
          ['initiative_key'],
        ).map((r) => ({ ...r, first_seen_at: firstSeen.get(ctx.memory)?.get(r.initiative_key) ?? now })),
        ['initiative_key'],
      );
    }
    // Archived once: the run that found the Backlog row deleted warned; later runs stay quiet.
    const archiving = [...ctx.archived].filter((key) => ctx.memory.initiatives.get(key)?.archivedAt === null);
    if (ctx.include.has('backlog sync')) {
      for (let start = 0; start < archiving.length; start += 500) {
        await trx
          .updateTable('initiatives')
          .set({ archived_at: now, priority_score: null, rank: null, updated_at: now })
          .where('initiative_key', 'in', archiving.slice(start, start + 500))
          .execute();
      }
    }
    if (ctx.include.has('scoring compute')) {
      await upsertRows(
        trx,
        'framework_scores',
        changedOnly(
          ctx.memory,
          'framework_scores',
          scoreRows.map(({ score: _score, ...r }) => r),
          ['initiative_key', 'framework'],
        ),
        ['initiative_key', 'framework'],
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
      for (let i = 0; i < historyRows.length; i += 500)
        await trx
          .insertInto('score_history')
          .values(historyRows.slice(i, i + 500))
          .execute();
    }
    if (ctx.include.has('models sync') || ctx.suggestedAt.size > 0) {
      await upsertRows(
        trx,
        'math_models',
        changedOnly(
          ctx.memory,
          'math_models',
          initiatives.flatMap((i) =>
            i.models.map((m) => {
              const remembered = ctx.memory.models.get(modelRowKey(i.key, m.name));
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
                  ctx.suggestedAt.get(modelRowKey(i.key, m.name)) ?? remembered?.llmSuggestedAt ?? null,
                updated_at: now,
              };
            }),
          ),
          ['initiative_key', 'model_name'],
        ),
        ['initiative_key', 'model_name'],
      );
    }
    if (ctx.include.has('params sync') || ctx.include.has('params seed')) {
      const changes = ctx.changes.params;
      const included = ctx.params.filter((p) => ctx.include.has(p.seeded ? 'params seed' : 'params sync'));
      // In slices, so 40,000 params never exist as rows all at once.
      for (let start = 0; start < included.length; start += SAVE_SLICE) {
        await upsertRows(
          trx,
          'params',
          changedOnly(
            ctx.memory,
            'params',
            included.slice(start, start + SAVE_SLICE).map((p) => {
              const valueText = changes ? cellText(changes.current(p.row, 'value')) : '';
              const stamp = changes ? changes.current(p.row, 'last_updated_at') : null;
              return {
                initiative_key: p.key,
                framework: p.framework,
                param_name: p.name,
                value: p.value.kind === 'ok' ? p.value.value : null,
                value_text: valueText,
                approved: bool(p.approved),
                is_auto_seeded: bool(p.seeded || flag(changes?.current(p.row, 'is_auto_seeded'))),
                used_in_formula: bool(flag(changes?.current(p.row, 'used_in_formula'))),
                last_updated_at: stamp === null ? null : String(stamp),
                param_status: changes ? cellText(changes.current(p.row, 'param_status')) : null,
                // Only rows seeded now name it; a row saved without it keeps what it had.
                metadata_origin: p.metadataOrigin,
                updated_at: now,
              };
            }),
            ['initiative_key', 'framework', 'param_name'],
          ),
          ['initiative_key', 'framework', 'param_name'],
        );
      }
    }
    // Each slice's JSON exists only while that slice is saved.
    for (let start = 0; start < updatedRows.length; start += SAVE_SLICE) {
      const rows = updatedRows.slice(start, start + SAVE_SLICE).flatMap(([id, cells]) => {
        const json = JSON.stringify(cells);
        const before = ctx.memory.rows.get(id);
        if (before !== undefined && JSON.stringify(before) === json) return [];
        const bar = id.indexOf('|');
        return [{ tab: id.slice(0, bar), row_key: id.slice(bar + 1), cells_json: json, updated_at: now }];
      });
      await upsertRows(trx, 'row_state', rows, ['tab', 'row_key']);
    }
  });
}
