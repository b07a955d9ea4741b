/**
 * Where each cell of a write lands, worked out from the tab as it was read and the tab as it is
 * right before a request is sent. Google Sheets is edited live: rows move between the read and the
 * write, and again between any request and the next, so the store plans again from a fresh re-read
 * before every send, retries included, and once more after the last send to check it (the
 * "verifying plan"): whatever the check finds out of place is the next send.
 *
 * Which changes count. A row counts as edited only when a column productops knows changed (its
 * header is a productops column, or the write names it); PM helper columns, volatile formulas
 * (NOW(), RAND(), IMPORTRANGE) included, never hold a write back. A cell holding the value this
 * write puts there, or the value its previous send put at that spot, is this write's own doing.
 *
 * - Unchanged tab: every cell goes where the caller said (a guarded row whose key is not there is
 *   still looked up by key, or skipped).
 * - Changed tab, updates without guards: the caller's row numbers may be stale, so the write is
 *   refused (`WorkbookChangedError`), as the xlsx store refuses a file saved after the read.
 *   Appended rows and header cells need no row numbers, so a write of only those goes ahead.
 * - Changed header row (the known columns moved): column positions may be stale, so the write is
 *   refused whatever the guards.
 * - Changed tab, with guards: each row is found again by its key cells and followed wherever it
 *   moved (sorted, rows inserted or deleted around it). A row whose known cells changed was edited
 *   by a person, and a row whose key is gone vanished: both are skipped with a warning, so a
 *   person's edit is never overwritten and the next run starts from it.
 * - After a send: a cell of that send that sits on a row other than the one it was meant for (rows
 *   moved in the round trip before it was applied) is put back to what that row held, and the row
 *   it was meant for gets it where that row is now; both are reported.
 *
 * Appended rows are not placed here: they go out as `appendCells`, which Google puts after the last
 * row with data when it applies them, so a row a person typed meanwhile is never overwritten.
 * Only cells whose value changes are sent.
 */
import { type CellValue, type RowGuard, type TabWrite, WorkbookChangedError } from '../sheet-store.js';
import { cellName } from './a1-notation.js';
import { keyText, type PreparedValue, prepareCellValue, sameCellValue } from './cell-values.js';

/** A tab's cells, `grid[0]` being row 1; rows are ragged and `[]` is an empty row. */
export type Grid = CellValue[][];

type Value = PreparedValue['value'];

export interface PlannedCell {
  /** 1-based. */
  row: number;
  /** 0-based. */
  column: number;
  value: Value;
}

/** The previous send of this write, for the next plan to check and to recognise as its own. */
export interface EarlierSend {
  /** The tab as re-read right before that send: which row each of its cells was meant for. */
  grid: Grid;
  /** Its cells in data rows (header cells never move: rows are sorted and inserted below row 1). */
  cells: PlannedCell[];
  /** Google answered it, so all of it was applied; otherwise it may or may not have been. */
  confirmed: boolean;
}

/** Where this write's appended rows stand. */
export type AppendState =
  /** Not sent yet. */
  | 'pending'
  /** Sent without an answer: they may be in the tab already, and are looked for by content. */
  | 'unsure'
  /** Google confirmed them. */
  | 'done';

export interface TabPlanInput {
  tab: string;
  /** How a person recognises the spreadsheet, for messages. */
  workbook: string;
  /**
   * The tab as the last read (or write) left it: what the caller's row numbers refer to; null when
   * it was never read, and then `current` is the base, as for a file written without reading it.
   */
  read: Grid | null;
  /** The tab now. */
  current: Grid;
  change: TabWrite;
  /** Whether a header names a column productops knows; cells under other headers are helpers. */
  isKnownHeader: (header: CellValue) => boolean;
  earlier: EarlierSend | null;
  appends: AppendState;
  /** The tab before this write sent anything: rows equal to an appended row there are not ours. */
  before: Grid;
  /** Indexes of `change.updates` that a confirmed send delivered: sending one again is a repair. */
  delivered: ReadonlySet<number>;
}

export interface TabPlan {
  tab: string;
  /** Cells to send now, header and data rows. */
  cells: PlannedCell[];
  /** Indexes of `change.updates` whose cell is in `cells`. */
  updates: number[];
  /** Header cells in `cells`. */
  headerCells: number;
  /** Rows to append now (indexes of `change.appends`), each as prepared values; null leaves a cell empty. */
  appendRows: { index: number; cells: Value[] }[];
  /** Appended rows found in the tab already (a send whose answer was lost). */
  appendsFound: number[];
  /** Problems that did not stop the write, repairs included, for the run summary. */
  warnings: string[];
  /** The tab once `cells` are applied and the rows appended below the last used row. */
  after: Grid;
  /** The number of columns the plan needs the grid to have. */
  columnCount: number;
}

/**
 * Plans one send for one tab. Throws `WorkbookChangedError` when the write cannot be placed
 * safely and nothing has been sent yet; after a send it stops planning that tab with a warning
 * instead, since part of the write is already in.
 */
export function planTabWrite(input: TabPlanInput): TabPlan {
  const { tab, change, current, earlier } = input;
  const read = input.read ?? current;
  const plan: TabPlan = {
    tab,
    cells: [],
    updates: [],
    headerCells: 0,
    appendRows: [],
    appendsFound: [],
    warnings: [],
    after: current.map((row) => [...row]),
    columnCount: 0,
  };
  const updates = change.updates ?? [];
  const guards = change.guards ?? [];
  const known = knownColumns(read[0] ?? current[0] ?? [], change, input.isKnownHeader);
  const written = new Set(updates.map((update) => update.column));

  // What this write puts in each row as read, and what its previous send put at each spot.
  const intended = new Map<number, Map<number, Value>>();
  for (const update of updates) {
    const row = intended.get(update.row) ?? new Map<number, Value>();
    row.set(update.column, prepareCellValue(update.value).value);
    intended.set(update.row, row);
  }
  const sentAt = new Map<number, Value>();
  for (const cell of earlier?.cells ?? []) sentAt.set(spot(cell.row, cell.column), cell.value);
  // New header cells go right of the header as read, where the caller's column numbers put them.
  const ownHeaders = new Map<number, Value>();
  const firstNew = trimmed(read[0] ?? []).length;
  (change.addHeaders ?? []).forEach((header, index) => {
    ownHeaders.set(firstNew + index, header);
  });

  const ownRows = findAppendedRows(input, plan);

  /** Whether a known cell of the row as read differs in `currentRow` for another reason than this write. */
  const editedBetween = (readRow: number, currentRow: number): boolean => {
    const own = intended.get(readRow);
    for (const column of known) {
      const now = cellAt(current, currentRow, column);
      if (sameCellValue(cellAt(read, readRow, column), now)) continue;
      if (own?.has(column) && sameCellValue(now, own.get(column) ?? null)) continue;
      const sent = sentAt.get(spot(currentRow, column));
      if (sent !== undefined && sameCellValue(now, sent)) continue;
      return true;
    }
    return false;
  };

  let locate: (row: number) => number | null;
  try {
    locate = createRowLocator(
      input,
      read,
      known,
      guards,
      { intended, ownHeaders },
      editedBetween,
      ownRows,
      plan.warnings,
    );
  } catch (error) {
    if (!(error instanceof TabChangedError) || earlier === null) throw error;
    // Part of the write is in already: stop here and let the next run, which reads afresh, finish.
    plan.warnings.push(
      `${tab} changed while it was being written (${error.detail}), so the rest of its updates were left for the next run`,
    );
    plan.appendRows = [];
    return plan;
  }

  const put = (row: number, column: number, value: Value): boolean => {
    const cells = (plan.after[row - 1] ??= []);
    if (sameCellValue(cells[column] ?? null, value)) return false;
    while (cells.length < column) cells.push(null);
    cells[column] = value;
    plan.cells.push({ row, column, value });
    plan.columnCount = Math.max(plan.columnCount, column + 1);
    return true;
  };

  for (const [column, header] of ownHeaders) if (put(1, column, header)) plan.headerCells++;

  // The cells each located row must end up with, by spot, so a repair never fights an update.
  const targets = new Set<number>();
  const rewritten = new Map<number, { label: string; row: number }>();
  updates.forEach((update, index) => {
    const row = locate(update.row);
    if (row === null) return;
    targets.add(spot(row, update.column));
    const prepared = prepareCellValue(update.value);
    if (prepared.problem) plan.warnings.push(`${cellName(tab, row, update.column)}: ${prepared.problem}`);
    if (!put(row, update.column, prepared.value)) return;
    plan.updates.push(index);
    // A confirmed send delivered this cell, and it is not on its row: the row moved meanwhile.
    if (input.delivered.has(index) && !rewritten.has(update.row)) {
      rewritten.set(update.row, { label: keyLabel(guards, update.row, intended), row });
    }
  });
  const moved = [...rewritten.values()];
  if (moved.length > MAX_LISTED) {
    const some = moved.slice(0, 3).map(({ label, row }) => `${label} on row ${row}`);
    plan.warnings.push(
      `${tab}: rows moved while the write was on its way, so the cells of ${moved.length} rows were written again where those rows are now (${some.join('; ')}; …)`,
    );
  } else {
    for (const { label, row } of moved) {
      plan.warnings.push(
        `${tab}: rows moved while the write was on its way, so the cells of ${label} were written again on row ${row}, where that row is now`,
      );
    }
  }

  if (earlier) {
    const { restored, unsure } = restoreMisplacedCells(input, known, written, guards, targets, put);
    if (unsure.length > 0) {
      const cells = unsure.length > MAX_LISTED ? `${unsure.slice(0, 3).join(', ')}, …` : unsure.join(', ');
      plan.warnings.push(
        `${tab}: rows moved while the write was on its way, and ${unsure.length === 1 ? 'this cell' : `these ${unsure.length} cells`} may hold a value meant for another row: ${cells}; please check`,
      );
    }
    if (restored.length > MAX_LISTED) {
      plan.warnings.push(
        `${tab}: ${restored.length} cells got values meant for other rows while rows moved during the write, and were put back (${restored
          .slice(0, 3)
          .map((cell) => cell.where)
          .join(', ')}, …)`,
      );
    } else {
      for (const { where, label, before } of restored) {
        const outcome = before === null ? 'it was cleared' : `its value ${String(before)} was put back`;
        plan.warnings.push(
          `${where}${label ? ` (row of ${label})` : ''} got a value meant for another row while rows moved during the write; ${outcome}`,
        );
      }
    }
  }

  let row = lastUsedRow(plan.after);
  for (const [index, cells] of (change.appends ?? []).entries()) {
    if (input.appends === 'done' || plan.appendsFound.includes(index)) continue;
    const prepared = cells.map((value) => prepareCellValue(value));
    if (prepared.every((cell) => cell.value === null)) {
      plan.warnings.push(`${tab}: an appended row with no values was skipped`);
      continue;
    }
    row++;
    prepared.forEach((cell, column) => {
      if (cell.problem) plan.warnings.push(`${cellName(tab, row, column)}: ${cell.problem}`);
    });
    const values = prepared.map((cell) => cell.value);
    plan.appendRows.push({ index, cells: values });
    const after = (plan.after[row - 1] ??= []);
    values.forEach((value, column) => {
      if (value !== null) after[column] = value;
    });
    for (let column = values.length - 1; column >= 0; column--) {
      if (values[column] !== null) {
        plan.columnCount = Math.max(plan.columnCount, column + 1);
        break;
      }
    }
  }
  return plan;
}

/** The last row number holding anything; 1 for an empty tab (row 1 is the header's). */
export function lastUsedRow(grid: Grid): number {
  for (let index = grid.length - 1; index > 0; index--) {
    if (trimmed(grid[index] ?? []).length > 0) return index + 1;
  }
  return 1;
}

/** A row without its trailing empty cells. */
export function trimmed<T extends CellValue>(row: T[]): T[] {
  let length = row.length;
  while (length > 0 && (row[length - 1] ?? null) === null) length--;
  return row.length === length ? row : row.slice(0, length);
}

/** Repairs of one send listed one by one in the warnings; more are summed up in one warning. */
const MAX_LISTED = 10;

/** The tab changed in a way the write cannot follow. */
class TabChangedError extends WorkbookChangedError {
  constructor(
    tab: string,
    workbook: string,
    readonly detail: string,
  ) {
    super(
      `${tab} in ${workbook} changed after it was read (${detail}), so nothing was written. Run again to work from the current version.`,
    );
  }
}

/** A cell's position as one number (rows and columns both stay far below 2^26). */
function spot(row: number, column: number): number {
  return row * 2 ** 26 + column;
}

function cellAt(grid: Grid, row: number, column: number): CellValue {
  return grid[row - 1]?.[column] ?? null;
}

/**
 * The columns whose changes count: those under a header productops knows, the key columns and the
 * columns the write puts values in. The others are people's helper columns.
 */
function knownColumns(
  header: CellValue[],
  change: TabWrite,
  isKnownHeader: (header: CellValue) => boolean,
): number[] {
  const columns = new Set<number>();
  header.forEach((name, column) => {
    if (name !== null && isKnownHeader(name)) columns.add(column);
  });
  for (const update of change.updates ?? []) columns.add(update.column);
  for (const guard of change.guards ?? []) for (const { column } of guard.keyCells) columns.add(column);
  return [...columns].sort((a, b) => a - b);
}

/**
 * Whether the known columns still have their headers where they were: what the write's column
 * numbers rely on. A helper column's header may change (a formula in it, say).
 */
function sameKnownHeader(
  read: CellValue[],
  current: CellValue[],
  known: ReadonlySet<number>,
  isKnownHeader: (header: CellValue) => boolean,
  ownHeaders: ReadonlyMap<number, Value>,
): boolean {
  const length = Math.max(read.length, current.length);
  for (let column = 0; column < length; column++) {
    const before = read[column] ?? null;
    const now = current[column] ?? null;
    if (sameCellValue(before, now)) continue;
    if (ownHeaders.has(column) && sameCellValue(now, ownHeaders.get(column) ?? null)) continue;
    if (known.has(column) || (now !== null && isKnownHeader(now))) return false;
  }
  return true;
}

/** A label for a row in messages: its key cells as this write leaves them. */
function keyLabel(guards: RowGuard[], row: number, intended: Map<number, Map<number, Value>>): string {
  const keyCells = guards.filter((guard) => guard.row === row).flatMap((guard) => guard.keyCells);
  if (keyCells.length === 0) return `row ${row}`;
  const own = intended.get(row);
  return keyCells
    .map(({ column, value }) => `"${own?.has(column) ? keyText(own.get(column) ?? null) : value.trim()}"`)
    .join(', ');
}

/**
 * Returns, for a row number the caller read, the row its updates go to now, or null (with a
 * warning, once per row) when they are skipped. Throws when the write cannot be placed safely.
 */
function createRowLocator(
  input: TabPlanInput,
  read: Grid,
  knownList: number[],
  guards: RowGuard[],
  own: { intended: Map<number, Map<number, Value>>; ownHeaders: ReadonlyMap<number, Value> },
  editedBetween: (readRow: number, currentRow: number) => boolean,
  ownRows: ReadonlySet<number>,
  warnings: string[],
): (row: number) => number | null {
  const { tab, current, workbook } = input;
  const { intended, ownHeaders } = own;
  const known = new Set(knownList);
  let changed = false;
  if (input.read !== null) {
    if (!sameKnownHeader(read[0] ?? [], current[0] ?? [], known, input.isKnownHeader, ownHeaders)) {
      throw new TabChangedError(tab, workbook, 'its header row changed');
    }
    // Only updates go by row number: appended rows and header cells do not need the rows as read.
    const rows =
      (input.change.updates ?? []).length > 0 ? Math.max(lastUsedRow(read), lastUsedRow(current)) : 0;
    for (let row = 2; row <= rows && !changed; row++) {
      if (ownRows.has(row) && trimmed(read[row - 1] ?? []).length === 0) continue;
      changed = editedBetween(row, row);
    }
    if (changed && guards.length === 0) {
      throw new TabChangedError(tab, workbook, `row ${firstEditedRow()} is not what it was`);
    }
  }

  function firstEditedRow(): number {
    const rows = Math.max(lastUsedRow(read), lastUsedRow(current));
    for (let row = 2; row <= rows; row++) if (editedBetween(row, row)) return row;
    return 1;
  }

  const guardsByRow = new Map<number, RowGuard[]>();
  for (const guard of guards) guardsByRow.set(guard.row, [...(guardsByRow.get(guard.row) ?? []), guard]);
  const keyIndexes = new Map<string, Map<string, number[]>>();
  const keyRows = (columns: number[], text: string): number[] => {
    const id = columns.join(',');
    let index = keyIndexes.get(id);
    if (!index) {
      index = new Map();
      for (let row = 2; row <= current.length; row++) {
        if (trimmed(current[row - 1] ?? []).length === 0) continue;
        const key = columns.map((column) => keyText(cellAt(current, row, column))).join('\u0000');
        const rows = index.get(key);
        if (rows) rows.push(row);
        else index.set(key, [row]);
      }
      keyIndexes.set(id, index);
    }
    return index.get(text) ?? [];
  };
  const decided = new Map<number, number | null>();
  const used = new Set<number>();

  return (row) => {
    const known = decided.get(row);
    if (known !== undefined) return known;
    const target = locateRow(row);
    decided.set(row, target);
    if (target !== null) used.add(target);
    return target;
  };

  function locateRow(row: number): number | null {
    const rowGuards = guardsByRow.get(row);
    if (!rowGuards) {
      if (!changed || !editedBetween(row, row)) return row;
      const moved = followUnguarded(row);
      if (moved === null) {
        warnings.push(`${tab} row ${row} was edited or deleted after the read, so its updates were skipped`);
      }
      return moved;
    }
    const keyCells = rowGuards.flatMap((guard) => guard.keyCells);
    const own = intended.get(row);
    const columns = keyCells.map(({ column }) => column);
    const asRead = keyCells.map(({ value }) => value.trim()).join('\u0000');
    // A key this write fills in (a blank key assigned) may be in place already from an earlier send.
    const asWritten = keyCells
      .map(({ column, value }) => (own?.has(column) ? keyText(own.get(column) ?? null) : value.trim()))
      .join('\u0000');
    const holdsKey = (candidate: number) => {
      const text = columns.map((column) => keyText(cellAt(current, candidate, column))).join('\u0000');
      return text === asRead || text === asWritten;
    };
    const label = keyCells.map(({ value }) => `"${value}"`).join(', ');
    const candidates = [...new Set([...keyRows(columns, asRead), ...keyRows(columns, asWritten)])].sort(
      (a, b) => a - b,
    );
    if (!changed) {
      if (holdsKey(row)) return row;
      // The tab is as read, and the key is in another row than the caller said: follow the key.
      if (candidates.length === 1) return candidates[0]!;
    } else {
      if (holdsKey(row) && !editedBetween(row, row)) return row;
      const fresh = candidates.filter((candidate) => !used.has(candidate) && !editedBetween(row, candidate));
      if (fresh.length === 1) return fresh[0]!;
      if (candidates.length === 1) {
        // Nothing to do when every cell of this write is there already (a person edited the row after it).
        const satisfied = [...(own ?? [])].every(([column, value]) =>
          sameCellValue(cellAt(current, candidates[0]!, column), value),
        );
        if (satisfied) return candidates[0]!;
        warnings.push(
          `${tab}: the row of ${label} was edited after the read (it is now row ${candidates[0]}), so its updates were skipped; the next run starts from the edit`,
        );
        return null;
      }
    }
    if (candidates.length === 0) {
      warnings.push(
        `${tab} row ${row} no longer holds ${label}, and no other row does, so its updates were skipped`,
      );
    } else {
      warnings.push(
        `${tab}: ${label} of row ${row} is now in rows ${candidates.join(', ')}, so its updates were skipped`,
      );
    }
    return null;
  }

  /** A row without guards: the same row if unchanged, else the first free row holding what was read. */
  function followUnguarded(row: number): number | null {
    const signature = rowSignature(read, row, knownList);
    if (signature === null) return null;
    for (let candidate = 2; candidate <= current.length; candidate++) {
      if (used.has(candidate) || rowSignature(current, candidate, knownList) === null) continue;
      if (!editedBetween(row, candidate)) return candidate;
    }
    return null;
  }
}

/** The row's cells in `columns`, as one text; null for a row with nothing in them. */
function rowSignature(grid: Grid, row: number, columns: number[]): string | null {
  const cells = columns.map((column) => cellAt(grid, row, column));
  if (cells.every((cell) => cell === null)) return null;
  return JSON.stringify(cells.map((cell) => (cell instanceof Date ? cell.toISOString() : cell)));
}

/**
 * Cells of the previous send that sit on a row other than the one they were meant for: rows moved
 * in the round trip before Google applied it. The row now holding such a cell gets back what it
 * held (it was found in the grid the send was planned against by its known cells other than the
 * written ones, or by its key), unless this plan writes that cell anyway; the row the cell was
 * meant for gets it again through the ordinary updates.
 */
function restoreMisplacedCells(
  input: TabPlanInput,
  knownList: number[],
  written: ReadonlySet<number>,
  guards: RowGuard[],
  targets: ReadonlySet<number>,
  put: (row: number, column: number, value: Value) => boolean,
): Misplaced {
  const misplaced: Misplaced = { restored: [], unsure: [] };
  const { tab, current } = input;
  const earlier = input.earlier!;
  const sent = earlier.grid;
  const keyColumns = [...new Set(guards.flatMap((guard) => guard.keyCells.map(({ column }) => column)))];
  // Rows are told apart by their key when the write leaves keys alone, else by every known cell it
  // does not write (a key filled in on the wrong row would otherwise pass for that row).
  const byKey = keyColumns.length > 0 && keyColumns.every((column) => !written.has(column));
  const unwritten = knownList.filter((column) => !written.has(column));
  const identity = (grid: Grid, row: number): string | null => {
    const key = byKey ? rowSignature(grid, row, keyColumns) : null;
    if (key !== null) return `key ${key}`;
    const cells = rowSignature(grid, row, unwritten);
    return cells === null ? null : `cells ${cells}`;
  };
  const rowsBefore = new Map<string, number | null>();
  for (let row = 2; row <= sent.length; row++) {
    const id = identity(sent, row);
    if (id === null) continue;
    // Two rows alike cannot be told apart: neither is repaired.
    rowsBefore.set(id, rowsBefore.has(id) ? null : row);
  }
  const checked = new Set<number>();
  for (const cell of [...earlier.cells].reverse()) {
    const here = spot(cell.row, cell.column);
    if (checked.has(here) || targets.has(here)) continue;
    checked.add(here);
    const now = cellAt(current, cell.row, cell.column);
    // Not what was sent (a clear included): it did not land here, or changed since.
    if (!sameCellValue(now, cell.value)) continue;
    const holder = identity(current, cell.row);
    if (holder !== null && holder === identity(sent, cell.row)) continue;
    const where = cellName(tab, cell.row, cell.column);
    if (holder === null) {
      // Nothing else in the row: an empty row inserted in the round trip.
      if (put(cell.row, cell.column, null)) misplaced.restored.push({ where, label: null, before: null });
      continue;
    }
    const was = rowsBefore.get(holder);
    if (was === undefined || was === null) {
      misplaced.unsure.push(where);
      continue;
    }
    const before = cellAt(sent, was, cell.column);
    if (sameCellValue(before, now)) continue;
    if (put(cell.row, cell.column, prepareCellValue(before).value)) {
      const label = keyColumns.length
        ? keyColumns.map((column) => `"${keyText(cellAt(current, cell.row, column))}"`).join(', ')
        : null;
      misplaced.restored.push({ where, label, before });
    }
  }
  return misplaced;
}

/** What `restoreMisplacedCells` found. */
interface Misplaced {
  /** Cells put back to what their row held: `label` names the row by its key, when it has one. */
  restored: { where: string; label: string | null; before: CellValue }[];
  /** Cells that may hold another row's value, on a row that cannot be told apart from another. */
  unsure: string[];
}

/**
 * Appended rows already in the tab (an earlier send of them whose answer was lost): rows holding
 * every value of an appended row, beyond as many as the tab held before this write. Records them
 * in `plan.appendsFound` and returns their row numbers, so they are neither sent again nor taken
 * for a person's edit.
 */
function findAppendedRows(input: TabPlanInput, plan: TabPlan): Set<number> {
  const rows = new Set<number>();
  const appends = input.change.appends ?? [];
  if (input.appends === 'pending' || appends.length === 0) return rows;
  // The rows of one write fill the same columns, as a rule: the tab is indexed once per set.
  const indexes = new Map<string, { before: Map<string, number>; current: Map<string, number[]> }>();
  appends.forEach((cells, index) => {
    const values = cells.map((value) => prepareCellValue(value).value);
    const columns = values.flatMap((value, column) => (value === null ? [] : [column]));
    if (columns.length === 0) return;
    const id = columns.join(',');
    let found = indexes.get(id);
    if (!found) {
      found = { before: new Map(), current: new Map() };
      for (let row = 2; row <= input.before.length; row++) {
        const signature = rowSignature(input.before, row, columns);
        if (signature !== null) found.before.set(signature, (found.before.get(signature) ?? 0) + 1);
      }
      for (let row = 2; row <= input.current.length; row++) {
        const signature = rowSignature(input.current, row, columns);
        if (signature === null) continue;
        const rows = found.current.get(signature);
        if (rows) rows.push(row);
        else found.current.set(signature, [row]);
      }
      indexes.set(id, found);
    }
    const signature = JSON.stringify(columns.map((column) => values[column]));
    let already = found.before.get(signature) ?? 0;
    for (const row of found.current.get(signature) ?? []) {
      if (rows.has(row)) continue;
      if (already > 0) {
        already--;
        continue;
      }
      rows.add(row);
      plan.appendsFound.push(index);
      return;
    }
  });
  return rows;
}
