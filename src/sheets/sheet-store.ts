/**
 * The workbook store: the one interface the flows use to read and write a workbook, whatever
 * holds it. Implementations: `xlsx/` (a local .xlsx file, the embedded default) and, later,
 * `google/` (Google Sheets). The flows never see the zip and XML of an .xlsx package or the Sheets API.
 *
 * Invariants every implementation keeps:
 * - Reading returns raw cell values; turning them into typed fields is `read-tab.ts`'s job.
 * - Row numbers are the ones a person sees (header = row 1), blank rows included.
 * - A write changes only the cells it names, plus appended rows and header cells; every other
 *   cell, format, validation, hidden column and formula is left exactly as it was.
 * - A write is all or nothing per workbook, and refuses (WorkbookChangedError) when the workbook
 *   changed after it was read, so a person's concurrent edit is never overwritten.
 */

import type { FormulaWithoutResult } from '../shared/values.js';

export { FormulaWithoutResult } from '../shared/values.js';

/**
 * A raw cell as read: text, number, boolean, date, or null for an empty cell. A formula is read as
 * its saved result; one saved without a result reads as `FormulaWithoutResult` (never written).
 */
export type CellValue = string | number | boolean | Date | FormulaWithoutResult | null;

export interface TabData {
  /** The tab's name as it is in the workbook. */
  name: string;
  /** Row 1, as read; `header[i]` names column index i (0-based). Trailing empty cells are dropped. */
  header: CellValue[];
  /** Data rows from row 2 on, in sheet order; rows whose cells are all empty are left out. */
  rows: TabRow[];
  /** The last row number that holds anything (1 when only the header exists). */
  lastRow: number;
  /**
   * Google only: the spreadsheet and the tab's id (`gid`), so a message can link to the cell a
   * person fixes (`…/spreadsheets/d/<spreadsheetId>/edit#gid=<gid>&range=B7`). Absent for files.
   */
  google?: { spreadsheetId: string; gid: number };
}

export interface TabRow {
  /** 1-based row number as a person sees it (the header is row 1). */
  rowNumber: number;
  /** `cells[i]` is column index i (0-based); shorter than the header when the row ends early. */
  cells: CellValue[];
}

export interface CellUpdate {
  /** 1-based row number (≥ 2). */
  row: number;
  /** 0-based column index. */
  column: number;
  value: CellValue;
}

/**
 * Identifies the row a set of updates is meant for. A store that can see rows move between read
 * and write (Google) re-locates the row by these key cells, or skips it with a warning.
 */
export interface RowGuard {
  row: number;
  /** 0-based column indexes and the values they held when read. */
  keyCells: { column: number; value: string }[];
}

export interface TabWrite {
  tab: string;
  /** Header cells to add to the right of the header row, in order (`init`, or a missing backend column). */
  addHeaders?: string[];
  updates?: CellUpdate[];
  /** Rows to add below the last used row; `cells[i]` is column index i, after `addHeaders`. */
  appends?: CellValue[][];
  guards?: RowGuard[];
}

export interface NewTab {
  name: string;
  headers: string[];
  /** Column header → allowed values, shown as a dropdown. */
  dropdowns?: Record<string, string[]>;
  /** Headers of boolean columns: checkboxes, or a TRUE/FALSE dropdown in xlsx. */
  checkboxes?: string[];
  /**
   * Headers of backend-owned columns: protected with a warning where the store can (Google), or
   * marked with a header fill and note (xlsx).
   */
  backendColumns?: string[];
  /** Headers of computed score columns: shown with thousands separators and two decimals where the store can. */
  scoreColumns?: string[];
}

export interface WriteResult {
  cellsWritten: number;
  rowsAppended: number;
  /** Problems that did not stop the write (a row that vanished, say), for the run summary. */
  warnings: string[];
}

export interface SheetStore {
  /** How a person recognises this workbook in a message: a file path or a spreadsheet id. */
  readonly label: string;
  /** Whether the workbook exists at all (a missing .xlsx file is created by `init`). */
  exists(): Promise<boolean>;
  /**
   * Reads the named tabs in one go. A tab that does not exist maps to null. The read also marks
   * the version that the next `write` checks against.
   */
  read(tabs: string[]): Promise<Map<string, TabData | null>>;
  /** Applies every change to this workbook at once; see the invariants above. */
  write(changes: TabWrite[]): Promise<WriteResult>;
  /**
   * Creates the workbook if needed, adds missing tabs and missing header columns (appended to the
   * right), and sets dropdowns and checkboxes on the columns named. Never deletes, renames or
   * reorders. Returns what it added, for the summary; running it twice adds nothing the second time.
   */
  ensureTabs(
    tabs: NewTab[],
  ): Promise<{ tabsAdded: string[]; headersAdded: { tab: string; header: string }[] }>;
}

/** The workbook changed after it was read (someone saved it): nothing was written. */
export class WorkbookChangedError extends Error {
  override readonly name = 'WorkbookChangedError';
}

/**
 * The changes of a write that change anything, after checking they stay inside the store's grid
 * (rows 2..maxRows, columns below maxColumns). A target outside it is a caller bug, not a person's
 * mistake: it throws RangeError before anything is sent or changed.
 */
export function writableChanges(changes: TabWrite[], maxRows: number, maxColumns: number): TabWrite[] {
  const pending = changes.filter((c) =>
    Boolean(c.addHeaders?.length || c.updates?.length || c.appends?.length),
  );
  for (const change of pending) {
    for (const { row, column } of change.updates ?? []) {
      if (
        !Number.isInteger(row) ||
        row < 2 ||
        row > maxRows ||
        !Number.isInteger(column) ||
        column < 0 ||
        column >= maxColumns
      ) {
        throw new RangeError(
          `${change.tab}: an update at row ${row}, column ${column} is outside the data rows`,
        );
      }
    }
    for (const cells of change.appends ?? []) {
      if (cells.length > maxColumns)
        throw new RangeError(`${change.tab}: an appended row has ${cells.length} cells`);
    }
  }
  return pending;
}
