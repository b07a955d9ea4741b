/**
 * Flow 3 sync: Scoring_Inputs gets one row per initiative (appended when missing), its title
 * mirrors the Backlog, and the shared fields are merged with the Backlog's (SHEETS.md): the
 * backend remembers the last value it saw in each cell, so a cell that differs is a person's
 * edit; an edit on one tab is applied and mirrored to the other; when both tabs were edited with
 * different values, the Backlog wins and the conflict is reported.
 */
import { parseFramework } from '../scoring/registry.js';
import { cellText, type Parsed, parseBoolean, parseNumber } from '../shared/values.js';
import { cell } from '../sheets/read-tab.js';
import type { CellValue, TabRow } from '../sheets/sheet-store.js';
import type { TabChanges } from '../sheets/tab-changes.js';
import { backlogProblems } from './backlog-sync.js';
import {
  at,
  changesFor,
  type Initiative,
  keyOrWarn,
  type RunContext,
  rowStateKey,
  setBackendCell,
  step,
  warn,
} from './context.js';

const FLOW = 'scoring sync' as const;

export const SHARED_FIELDS = [
  'active_scoring_framework',
  'use_math_model',
  'strategic_priority_coefficient',
] as const;
export type SharedField = (typeof SHARED_FIELDS)[number];

/** A shared cell reduced to what it means, so `rice` and `RICE`, `yes` and TRUE compare equal. */
export function sharedValue(field: SharedField, raw: CellValue): string | number | boolean | null {
  const parsed: Parsed<unknown> =
    field === 'active_scoring_framework'
      ? parseFramework(raw)
      : field === 'use_math_model'
        ? parseBoolean(raw)
        : parseNumber(raw);
  if (parsed.kind === 'blank') return null;
  if (parsed.kind === 'ok') return parsed.value as string | number | boolean;
  return cellText(raw);
}

/** The cell to write when mirroring: the canonical form of a valid value, else the text as typed. */
function mirrorCell(field: SharedField, raw: CellValue): CellValue {
  const v = sharedValue(field, raw);
  if (field === 'use_math_model' && v === null) return false;
  return v;
}

export function syncScoring(ctx: RunContext): void {
  const table = ctx.tables.scoring!;
  const changes = changesFor(ctx, 'scoring')!;
  const report = step(ctx, FLOW);
  report.rowsRead = table.rows.length;

  const rowsByKey = new Map<string, TabRow[]>();
  for (const row of table.rows) {
    const key = keyOrWarn(ctx, FLOW, table, row);
    if (key === null) continue;
    rowsByKey.set(key, [...(rowsByKey.get(key) ?? []), row]);
  }
  const backlogDuplicates = new Set(
    [...ctx.duplicateBacklogRows.keys()].map((r) => cellText(cell(ctx.tables.backlog!, r, 'initiative_key'))),
  );
  for (const [key, rows] of rowsByKey) {
    const initiative = ctx.initiatives.get(key);
    if (!initiative) {
      // Archived (its Backlog row deleted): said once by backlog sync.
      if (backlogDuplicates.has(key) || ctx.archived.has(key)) continue;
      for (const row of rows) {
        warn(ctx, FLOW, {
          ...at(table, row, 'initiative_key'),
          key,
          message: `initiative_key '${key}' is not on the Central Backlog; this row is not scored`,
        });
      }
      continue;
    }
    if (rows.length > 1) {
      initiative.scoringDuplicate = true;
      const message = `initiative_key '${key}' is on rows ${rows.map((r) => r.rowNumber).join(', ')} of ${table.name}: none is used until only one is left`;
      initiative.problems.push(message);
      initiative.inputWarnings.push(message);
      for (const row of rows) warn(ctx, FLOW, { ...at(table, row, 'initiative_key'), key, message });
      continue;
    }
    initiative.scoringRow = rows[0]!;
  }

  const backlogChanges = changesFor(ctx, 'backlog')!;
  for (const i of ctx.initiatives.values()) {
    if (!i.scoringRow && !i.scoringDuplicate) {
      const values: Record<string, CellValue> = { initiative_key: i.key, title: i.title };
      for (const field of SHARED_FIELDS)
        values[field] = mirrorCell(field, backlogChanges.current(i.row, field));
      i.scoringRow = changes.append(values, FLOW);
    } else if (i.scoringRow) {
      setBackendCell(ctx, FLOW, 'scoring', i.scoringRow, i.key, 'title', i.title);
      mergeShared(ctx, i, backlogChanges, changes);
    }
    // The merged values are what scoring uses.
    const shared = (field: SharedField) => backlogChanges.current(i.row, field);
    i.framework = parseFramework(shared('active_scoring_framework'));
    const useMath = parseBoolean(shared('use_math_model'));
    i.useMathModel = useMath.kind === 'ok' && useMath.value;
    i.coefficient = parseNumber(shared('strategic_priority_coefficient'));
    backlogProblems(ctx, i);
  }
}

function mergeShared(ctx: RunContext, i: Initiative, backlog: TabChanges, scoring: TabChanges): void {
  const row = i.scoringRow!;
  const memoryB = ctx.memory.rows.get(rowStateKey('backlog', i.key));
  const memoryS = ctx.memory.rows.get(rowStateKey('scoring', i.key));
  for (const field of SHARED_FIELDS) {
    const rawB = backlog.current(i.row, field);
    const rawS = scoring.current(row, field);
    const b = sharedValue(field, rawB);
    const s = sharedValue(field, rawS);
    if (b === s) continue;
    const seenB = memoryB && Object.hasOwn(memoryB, field) ? memoryB[field] : undefined;
    const seenS = memoryS && Object.hasOwn(memoryS, field) ? memoryS[field] : undefined;
    if (seenB === undefined && seenS === undefined) {
      // No record of either cell (a new or emptied database): nothing says which is the edit, so
      // neither is overwritten. Scoring uses the Backlog's value until a person makes them agree.
      const message = `${field} differs between Backlog (${JSON.stringify(b)}) and ${ctx.tables.scoring!.name} (${JSON.stringify(s)}) and productops has no record of either, so neither was changed: make them the same`;
      i.problems.push(message);
      warn(ctx, FLOW, { ...at(ctx.tables.backlog!, i.row, field), key: i.key, message });
      continue;
    }
    const editedB = seenB === undefined || seenB !== b;
    const editedS = seenS !== undefined && seenS !== s;
    if (editedS && !editedB) {
      backlog.set(i.row, field, mirrorCell(field, rawS), 'backlog sync');
      continue;
    }
    if (editedS && editedB) {
      const message = `${field} was changed on both tabs (Backlog: ${JSON.stringify(b)}, ${ctx.tables.scoring!.name}: ${JSON.stringify(s)}); the Backlog value was kept`;
      i.problems.push(message);
      warn(ctx, FLOW, { ...at(ctx.tables.backlog!, i.row, field), key: i.key, message });
    }
    scoring.set(row, field, mirrorCell(field, rawB), FLOW);
  }
}

/**
 * After a write: remember shared cells only where both tabs now agree, so no edit is ever lost.
 * `remember(rowStateKey, column, value)` records one cell.
 */
export function rememberShared(
  ctx: RunContext,
  remember: (id: string, column: string, value: unknown) => void,
): void {
  const backlog = ctx.changes.backlog;
  const scoring = ctx.changes.scoring;
  if (!backlog || !scoring) return;
  const applied = (changes: TabChanges, row: TabRow, field: SharedField, flow: string) => {
    const pending = changes.pending(row, field);
    if (changes.isAppended(row))
      return ctx.include.has(flow as never) ? changes.current(row, field) : undefined;
    if (pending && !ctx.include.has(pending.flow as never)) return cell(changes.table, row, field);
    return changes.current(row, field);
  };
  for (const i of ctx.initiatives.values()) {
    if (!i.scoringRow) continue;
    for (const field of SHARED_FIELDS) {
      const rawB = applied(backlog, i.row, field, 'backlog sync');
      const rawS = applied(scoring, i.scoringRow, field, FLOW);
      if (rawS === undefined || rawB === undefined) continue;
      const vb = sharedValue(field, rawB);
      const vs = sharedValue(field, rawS);
      if (vb !== vs) continue;
      remember(rowStateKey('backlog', i.key), field, vb);
      remember(rowStateKey('scoring', i.key), field, vs);
    }
  }
}

/** The RICE and WSJF cells of an initiative's Scoring_Inputs row. */
export function scoringInputs(
  ctx: RunContext,
  i: Initiative,
  columns: readonly string[],
): Record<string, Parsed<number>> {
  const changes = changesFor(ctx, 'scoring')!;
  const out: Record<string, Parsed<number>> = {};
  for (const c of columns)
    out[c] = i.scoringRow ? parseNumber(changes.current(i.scoringRow, c)) : { kind: 'blank' };
  return out;
}
