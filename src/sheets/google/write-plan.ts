/**
 * Where each cell of a write lands, worked out from the tab as it was read and the tab as it is
 * right before the write (Google Sheets is edited live, so rows can move in between).
 *
 * - Unchanged tab: every cell goes where the caller said (a guarded row whose key is not there is
 *   still looked up by key, or skipped).
 * - Changed tab, no guards: the caller's row numbers may be stale, so the write is refused
 *   (`WorkbookChangedError`), as the xlsx store refuses a file saved after the read.
 * - Changed header row: column positions may be stale, so the write is refused whatever the guards.
 * - Changed tab, with guards: each row the write touches is found again. A row that still holds
 *   exactly what was read is followed wherever it moved (sorted, rows inserted or deleted around
 *   it). A row whose key is still there but whose cells changed was edited by a person, and a row
 *   whose key is gone vanished: both are skipped with a warning, so a person's edit is never
 *   overwritten and the next run starts from it. Edits to rows the write does not touch, and rows
 *   people added, are left alone.
 *
 * Only cells whose value changes are sent; appended rows go below the last used row as it is now.
 */
import type { CellValue, RowGuard, TabWrite } from '../sheet-store.js';
import { WorkbookChangedError } from '../sheet-store.js';
import { cellName } from './a1-notation.js';
import { keyText, type PreparedValue, prepareCellValue, sameCellValue } from './cell-values.js';

/** A tab's cells, `grid[0]` being row 1; rows are ragged and `[]` is an empty row. */
export type Grid = CellValue[][];

export interface PlannedCell {
  /** 1-based. */
  row: number;
  /** 0-based. */
  column: number;
  value: PreparedValue['value'];
}

export interface TabPlan {
  tab: string;
  cells: PlannedCell[];
  cellsWritten: number;
  rowsAppended: number;
  warnings: string[];
  /** The tab as it is once the write is applied: the base of the next write's check. */
  after: Grid;
  /** The grid the write needs: its last row (1-based) and its number of columns. */
  lastRow: number;
  columnCount: number;
}

/**
 * @param read the tab as the last read (or write) left it; null when it was never read, and then
 *   `current` is the base, as for a file written without reading it first.
 * @param workbook how a person recognises the spreadsheet, for messages.
 */
export function planTabWrite(
  tab: string,
  read: Grid | null,
  current: Grid,
  change: TabWrite,
  workbook: string,
): TabPlan {
  const plan: TabPlan = {
    tab,
    cells: [],
    cellsWritten: 0,
    rowsAppended: 0,
    warnings: [],
    after: current.map((row) => [...row]),
    lastRow: 1,
    columnCount: 0,
  };
  const locate = createRowLocator(tab, read, current, change.guards ?? [], workbook, plan.warnings);

  const put = (row: number, column: number, value: CellValue): void => {
    const prepared = prepareCellValue(value);
    if (prepared.problem) plan.warnings.push(`${cellName(tab, row, column)}: ${prepared.problem}`);
    const cells = (plan.after[row - 1] ??= []);
    if (sameCellValue(cells[column] ?? null, prepared.value)) return;
    while (cells.length < column) cells.push(null);
    cells[column] = prepared.value;
    plan.cells.push({ row, column, value: prepared.value });
    plan.cellsWritten++;
    plan.lastRow = Math.max(plan.lastRow, row);
    plan.columnCount = Math.max(plan.columnCount, column + 1);
  };

  if (change.addHeaders?.length) {
    const first = trimmed(plan.after[0] ?? []).length;
    change.addHeaders.forEach((header, index) => {
      put(1, first + index, header);
    });
  }

  for (const update of change.updates ?? []) {
    const row = locate(update.row);
    if (row !== null) put(row, update.column, update.value);
  }

  let row = lastUsedRow(plan.after);
  for (const cells of change.appends ?? []) {
    if (cells.every((value) => prepareCellValue(value).value === null)) {
      plan.warnings.push(`${tab}: an appended row with no values was skipped`);
      continue;
    }
    row++;
    // A null in an appended row leaves the cell alone, so a formula a person filled down stays.
    cells.forEach((value, column) => {
      if (value !== null) put(row, column, value);
    });
    plan.rowsAppended++;
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
export function trimmed(row: CellValue[]): CellValue[] {
  let length = row.length;
  while (length > 0 && (row[length - 1] ?? null) === null) length--;
  return row.length === length ? row : row.slice(0, length);
}

function sameRow(a: CellValue[] | undefined, b: CellValue[] | undefined): boolean {
  const left = trimmed(a ?? []);
  const right = trimmed(b ?? []);
  return (
    left.length === right.length &&
    left.every((value, index) => sameCellValue(value ?? null, right[index] ?? null))
  );
}

function sameGrid(a: Grid, b: Grid): boolean {
  const rows = Math.max(lastUsedRow(a), lastUsedRow(b));
  for (let index = 0; index < rows; index++) if (!sameRow(a[index], b[index])) return false;
  return true;
}

/** The first row (1-based) that differs, for messages. */
function firstDifference(a: Grid, b: Grid): number {
  const rows = Math.max(lastUsedRow(a), lastUsedRow(b));
  for (let index = 0; index < rows; index++) if (!sameRow(a[index], b[index])) return index + 1;
  return 1;
}

function changedError(tab: string, workbook: string, detail: string): WorkbookChangedError {
  return new WorkbookChangedError(
    `${tab} in ${workbook} changed after it was read (${detail}), so nothing was written. Run again to work from the current version.`,
  );
}

/**
 * Returns, for a row number the caller read, the row its updates go to now, or null (with a
 * warning, once per row) when they are skipped. Throws when the write cannot be placed safely.
 */
function createRowLocator(
  tab: string,
  read: Grid | null,
  current: Grid,
  guards: RowGuard[],
  workbook: string,
  warnings: string[],
): (row: number) => number | null {
  const changed = read !== null && !sameGrid(read, current);
  let followed: Map<number, number> | null = null;
  if (changed) {
    if (!sameRow(read[0], current[0])) throw changedError(tab, workbook, 'its header row changed');
    if (guards.length === 0) {
      throw changedError(tab, workbook, `row ${firstDifference(read, current)} is not what it was`);
    }
    followed = followUnchangedRows(read, current);
  }

  const guardsByRow = new Map<number, RowGuard[]>();
  for (const guard of guards) guardsByRow.set(guard.row, [...(guardsByRow.get(guard.row) ?? []), guard]);
  const decided = new Map<number, number | null>();

  return (row) => {
    const known = decided.get(row);
    if (known !== undefined) return known;
    const target = locateRow(row);
    decided.set(row, target);
    return target;
  };

  function locateRow(row: number): number | null {
    // Where the row is now if it holds exactly what was read; null when it changed or vanished.
    const unchanged = followed ? (followed.get(row) ?? null) : row;
    const rowGuards = guardsByRow.get(row);
    if (!rowGuards) {
      if (unchanged === null) {
        warnings.push(`${tab} row ${row} was edited or deleted after the read, so its updates were skipped`);
      }
      return unchanged;
    }
    const keyCells = rowGuards.flatMap((guard) => guard.keyCells);
    const key = keyCells.map(({ value }) => `"${value}"`).join(', ');
    const holdsKey = (candidate: number) =>
      keyCells.every(({ column, value }) => keyText(current[candidate - 1]?.[column]) === value.trim());
    if (unchanged !== null && holdsKey(unchanged)) return unchanged;
    const candidates: number[] = [];
    for (let candidate = 2; candidate <= current.length; candidate++) {
      if (holdsKey(candidate)) candidates.push(candidate);
    }
    if (candidates.length === 0) {
      warnings.push(
        `${tab} row ${row} no longer holds ${key}, and no other row does, so its updates were skipped`,
      );
    } else if (candidates.length > 1) {
      warnings.push(
        `${tab}: ${key} of row ${row} is now in rows ${candidates.join(', ')}, so its updates were skipped`,
      );
    } else if (changed) {
      warnings.push(
        `${tab}: the row of ${key} was edited after the read (it is now row ${candidates[0]}), so its updates were skipped; the next run starts from the edit`,
      );
    } else {
      // The tab is as read, and the key is in another row than the caller said: follow the key.
      return candidates[0]!;
    }
    return null;
  }
}

/**
 * Each data row as read, mapped to the row now holding exactly the same cells (the same row number
 * first, then the first free one). Rows that changed or vanished have no entry.
 */
function followUnchangedRows(read: Grid, current: Grid): Map<number, number> {
  const contentOf = (row: CellValue[] | undefined) => JSON.stringify(trimmed(row ?? []));
  const rowsByContent = new Map<string, number[]>();
  for (let index = 1; index < current.length; index++) {
    if (trimmed(current[index] ?? []).length === 0) continue;
    const content = contentOf(current[index]);
    const rows = rowsByContent.get(content);
    if (rows) rows.push(index + 1);
    else rowsByContent.set(content, [index + 1]);
  }
  const used = new Set<number>();
  const followed = new Map<number, number>();
  for (let index = 1; index < read.length; index++) {
    if (trimmed(read[index] ?? []).length === 0) continue;
    const row = index + 1;
    const candidates = (rowsByContent.get(contentOf(read[index])) ?? []).filter((r) => !used.has(r));
    const target = candidates.includes(row) ? row : candidates[0];
    if (target === undefined) continue;
    used.add(target);
    followed.set(row, target);
  }
  return followed;
}
