/**
 * Flow 3 sync: Scoring_Inputs gets one row per initiative (appended when missing), its title
 * mirrors the Backlog, and the shared fields are merged with the Backlog's (SHEETS.md): the
 * backend remembers the last value it saw in each cell, so a cell that differs is a person's
 * edit; an edit on one tab is applied and mirrored to the other; when both tabs were edited with
 * different values, the Backlog wins and the conflict is reported. Each initiative's framework
 * inputs are read from its row here.
 */
import { type BoardInitiative, type Frameworks, parseFramework, type Scoreboard } from '../scoring/index.js';
import { cellText, type Parsed, parseBoolean, parseNumber } from '../shared/values.js';
import { type CellValue, generatedNumbers, type TabRow } from '../sheets/index.js';
import { backlogProblems } from './backlog-sync.js';
import { type FlowReport, type Ledger, rowStateKey, type WritableColumn } from './ledger.js';

const FLOW = 'scoring sync' as const;

const SHARED_FIELDS = [
  'active_scoring_framework',
  'use_math_model',
  'strategic_priority_coefficient',
] as const;
type SharedField = (typeof SHARED_FIELDS)[number];

/** A shared cell reduced to what it means, so `rice` and `RICE`, `yes` and TRUE compare equal. */
function sharedValue(
  field: SharedField,
  raw: CellValue,
  frameworks: Frameworks,
): string | number | boolean | null {
  const parsed: Parsed<unknown> =
    field === 'active_scoring_framework'
      ? parseFramework(raw, frameworks)
      : field === 'use_math_model'
        ? parseBoolean(raw)
        : parseNumber(raw);
  if (parsed.kind === 'blank') return null;
  if (parsed.kind === 'ok') return parsed.value as string | number | boolean;
  return cellText(raw);
}

/** The cell to write when mirroring: the canonical form of a valid value, else the text as typed. */
function mirrorCell(field: SharedField, raw: CellValue, frameworks: Frameworks): CellValue {
  const v = sharedValue(field, raw, frameworks);
  if (field === 'use_math_model' && v === null) return false;
  return v;
}

export function runScoringSync(board: Scoreboard, ledger: Ledger): FlowReport {
  const scoringName = ledger.tables.scoring.name;
  const records = ledger.records('scoring');
  const report = ledger.report(FLOW);
  report.rowsRead = records.length;
  const inputColumns = board.frameworks.flatMap((f) => f.inputs.map((i) => i.column));

  const rowsByKey = new Map<string, (typeof records)[number][]>();
  for (const r of records) {
    const key = ledger.keyOrWarn(FLOW, 'scoring', r.row, r.initiative_key);
    if (key === null) continue;
    rowsByKey.set(key, [...(rowsByKey.get(key) ?? []), r]);
  }
  const backlogDuplicates = new Set([...ledger.duplicateBacklogRows.values()].map((d) => d.key));
  const duplicated = new Set<string>();
  for (const [key, rows] of rowsByKey) {
    const initiative = board.initiatives.get(key);
    if (!initiative) {
      // Archived (its Backlog row deleted): said once by backlog sync.
      if (backlogDuplicates.has(key) || board.archived.has(key)) continue;
      for (const r of rows) {
        ledger.warn(FLOW, {
          ...ledger.at('scoring', r.row, 'initiative_key'),
          key,
          message: `initiative_key '${key}' is not on the Central Backlog; this row is not scored`,
        });
      }
      continue;
    }
    if (rows.length > 1) {
      duplicated.add(key);
      initiative.noInputsRow = 'its Scoring_Inputs row is duplicated';
      const message = `initiative_key '${key}' is on rows ${rows.map((r) => r.row.rowNumber).join(', ')} of ${scoringName}: none is used until only one is left`;
      initiative.problems.push(message);
      initiative.inputWarnings.push(message);
      for (const r of rows)
        ledger.warn(FLOW, { ...ledger.at('scoring', r.row, 'initiative_key'), key, message });
      continue;
    }
    const only = rows[0]!;
    ledger.scoringRows.set(key, only.row);
    initiative.noInputsRow = null;
    initiative.inputs = generatedNumbers(only, inputColumns);
  }

  for (const i of board.initiatives.values()) {
    const backlogRow = ledger.backlogRows.get(i.key)!;
    const scoringRow = ledger.scoringRows.get(i.key);
    if (!scoringRow && !duplicated.has(i.key)) {
      const values: Partial<Record<WritableColumn<'scoring'>, CellValue>> = {
        initiative_key: i.key,
        title: i.title,
      };
      for (const field of SHARED_FIELDS)
        values[field] = mirrorCell(field, ledger.current('backlog', backlogRow, field), board.frameworks);
      ledger.scoringRows.set(i.key, ledger.append(FLOW, 'scoring', values));
      // A new row: every input blank, scored (and warned about) as such.
      i.noInputsRow = null;
    } else if (scoringRow) {
      ledger.setBackendCell(FLOW, 'scoring', scoringRow, i.key, 'title', i.title);
      mergeShared(board, ledger, i, backlogRow, scoringRow);
    }
    // The merged values are what scoring uses.
    const shared = (field: SharedField) => ledger.current('backlog', backlogRow, field);
    i.framework = parseFramework(shared('active_scoring_framework'), board.frameworks);
    const useMath = parseBoolean(shared('use_math_model'));
    i.useMathModel = useMath.kind === 'ok' && useMath.value;
    i.coefficient = parseNumber(shared('strategic_priority_coefficient'));
    backlogProblems(ledger, i);
  }
  return report;
}

function mergeShared(
  board: Scoreboard,
  ledger: Ledger,
  i: BoardInitiative,
  backlogRow: TabRow,
  row: TabRow,
): void {
  const memoryB = ledger.memory.rows.get(rowStateKey('backlog', i.key));
  const memoryS = ledger.memory.rows.get(rowStateKey('scoring', i.key));
  const scoringName = ledger.tables.scoring.name;
  for (const field of SHARED_FIELDS) {
    const rawB = ledger.current('backlog', backlogRow, field);
    const rawS = ledger.current('scoring', row, field);
    const b = sharedValue(field, rawB, board.frameworks);
    const s = sharedValue(field, rawS, board.frameworks);
    if (b === s) continue;
    const seenB = memoryB && Object.hasOwn(memoryB, field) ? memoryB[field] : undefined;
    const seenS = memoryS && Object.hasOwn(memoryS, field) ? memoryS[field] : undefined;
    if (seenB === undefined && seenS === undefined) {
      // No record of either cell (a new or emptied database): nothing says which is the edit, so
      // neither is overwritten. Scoring uses the Backlog's value until a person makes them agree.
      const message = `${field} differs between Backlog (${JSON.stringify(b)}) and ${scoringName} (${JSON.stringify(s)}) and productops has no record of either, so neither was changed: make them the same`;
      i.problems.push(message);
      ledger.warn(FLOW, { ...ledger.at('backlog', backlogRow, field), key: i.key, message });
      continue;
    }
    const editedB = seenB === undefined || seenB !== b;
    const editedS = seenS !== undefined && seenS !== s;
    if (editedS && !editedB) {
      ledger.set('backlog sync', 'backlog', backlogRow, field, mirrorCell(field, rawS, board.frameworks));
      continue;
    }
    if (editedS && editedB) {
      const message = `${field} was changed on both tabs (Backlog: ${JSON.stringify(b)}, ${scoringName}: ${JSON.stringify(s)}); the Backlog value was kept`;
      i.problems.push(message);
      ledger.warn(FLOW, { ...ledger.at('backlog', backlogRow, field), key: i.key, message });
    }
    ledger.set(FLOW, 'scoring', row, field, mirrorCell(field, rawB, board.frameworks));
  }
}

/**
 * After a write: remember shared cells only where both tabs now agree, so no edit is ever lost.
 * `remember(rowStateKey, column, value)` records one cell.
 */
export function rememberShared(
  board: Scoreboard,
  ledger: Ledger,
  remember: (id: string, column: string, value: unknown) => void,
): void {
  for (const i of board.initiatives.values()) {
    const scoringRow = ledger.scoringRows.get(i.key);
    if (!scoringRow) continue;
    const backlogRow = ledger.backlogRows.get(i.key)!;
    for (const field of SHARED_FIELDS) {
      const rawB = ledger.applied('backlog', backlogRow, field, 'backlog sync');
      const rawS = ledger.applied('scoring', scoringRow, field, FLOW);
      if (rawS === undefined || rawB === undefined) continue;
      const vb = sharedValue(field, rawB, board.frameworks);
      const vs = sharedValue(field, rawS, board.frameworks);
      if (vb !== vs) continue;
      remember(rowStateKey('backlog', i.key), field, vb);
      remember(rowStateKey('scoring', i.key), field, vs);
    }
  }
}
