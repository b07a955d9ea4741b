/**
 * The workbook store for a local .xlsx file (the embedded default), built on exceljs.
 *
 * A read loads the whole file once and keeps the loaded workbook; the following write changes only
 * the cells it names in that workbook and saves it, so everything exceljs understands (formats,
 * widths, hidden columns, dropdowns, frozen panes, formulas) is written back as it was read. What
 * exceljs does not understand (charts, pivot tables, slicers) is lost on save; see the report in
 * `test/sheets/xlsx-sheet-store.test.ts`.
 *
 * Concurrency: the read stamps the file's version (size, time, hash of the bytes). A write first
 * checks the file still holds those bytes, and checks again right before the atomic rename, so a
 * person's save in between makes the write refuse with `WorkbookChangedError` and write nothing.
 */
import { mkdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Cell, Row, Style, Workbook, Worksheet } from 'exceljs';
import ExcelJS from 'exceljs';
import { WorkbookError } from '../../shared/errors.js';
import {
  type CellValue,
  type NewTab,
  type SheetStore,
  type TabData,
  type TabRow,
  type TabWrite,
  WorkbookChangedError,
  type WriteResult,
  writableChanges,
} from '../sheet-store.js';
import { normalizeHeader } from '../tabs.js';
import { prepareCellValue, readCellValue, sameCellValue, writeCellValue } from './cell-values.js';
import {
  addListValidation,
  columnLetters,
  compactDataValidations,
  hasValidationInColumn,
  keepValidationRangesOnLoad,
} from './data-validations.js';
import { findUnsupportedParts } from './unsupported-parts.js';
import { notAWorkbookError, toWorkbookError } from './workbook-errors.js';
import {
  backupPathOf,
  currentVersion,
  type FileVersion,
  findOpenMarker,
  isErrorCode,
  readWorkbookFile,
  replaceFileAtomically,
  sameContent,
  versionOfBytes,
} from './workbook-file.js';

/**
 * Dropdowns cover data rows 2 to this row, or 1,000 rows past the last used row when the tab is
 * already longer. A whole-column range (`B:B`) would be simpler, but exceljs expands a validation
 * range into one entry per cell when it loads a file, so a million-row range costs seconds and
 * hundreds of megabytes on every read.
 */
const DROPDOWN_LAST_ROW = 5_000;
const DROPDOWN_MARGIN_ROWS = 1_000;

/** Excel's hard limits on tab names (Excel specifications and limits). */
const MAX_TAB_NAME_LENGTH = 31;
const FORBIDDEN_TAB_NAME_CHARACTERS = /[\\/?*:[\]]/;

/** Column widths (in characters) given to header cells the store creates. */
const MIN_COLUMN_WIDTH = 12;
const MAX_COLUMN_WIDTH = 40;

interface LoadedWorkbook {
  workbook: Workbook;
  version: FileVersion;
  /** What the file holds that exceljs will not write back (see unsupported-parts.ts). */
  unsupported: string[];
}

export class XlsxSheetStore implements SheetStore {
  readonly label: string;
  /** The version the next write checks against: set by a read, moved on by each successful save. */
  private expectedVersion: FileVersion | null = null;
  /**
   * The loaded workbook holding exactly `expectedVersion`'s content, plus this run's saved changes.
   * Dropped after a failed save, since it may hold changes that never reached the file.
   */
  private workbook: Workbook | null = null;
  /** Parts of the loaded file the next save drops; reported once, by that save. */
  private unsupported: string[] = [];

  constructor(private readonly path: string) {
    this.label = path;
  }

  async exists(): Promise<boolean> {
    try {
      await stat(this.path);
      return true;
    } catch (error) {
      if (isErrorCode(error, 'ENOENT', 'ENOTDIR')) return false;
      throw toWorkbookError(error, this.path, 'read');
    }
  }

  async read(tabs: string[]): Promise<Map<string, TabData | null>> {
    const loaded = await this.load();
    this.workbook = loaded.workbook;
    this.expectedVersion = loaded.version;
    this.unsupported = loaded.unsupported;
    const result = new Map<string, TabData | null>();
    for (const tab of tabs) {
      const worksheet = findWorksheet(loaded.workbook, tab);
      result.set(tab, worksheet ? readTab(worksheet) : null);
    }
    return result;
  }

  async write(changes: TabWrite[]): Promise<WriteResult> {
    const result: WriteResult = { cellsWritten: 0, rowsAppended: 0, warnings: [] };
    const pending = writableChanges(changes, MAX_ROWS, MAX_COLUMNS);
    if (pending.length === 0) return result;

    const workbook = await this.workbookForWrite();
    const targets = pending.map((change) => {
      const worksheet = findWorksheet(workbook, change.tab);
      if (!worksheet) {
        throw new WorkbookError(
          `The tab "${change.tab}" is not in ${this.path}, so nothing was written. Run \`productops init\` to add it.`,
        );
      }
      return { change, worksheet };
    });

    try {
      for (const { change, worksheet } of targets) applyTabWrite(worksheet, change, result);
    } catch (error) {
      this.workbook = null;
      throw error;
    }
    // Values equal to what the cells already hold change nothing, so the file is left alone.
    if (result.cellsWritten === 0) return result;

    const dropped = this.unsupported;
    await this.save(workbook, this.expectedVersion, 'write');
    if (dropped.length > 0) {
      result.warnings.push(
        `Saving ${basename(this.path)} dropped what the xlsx library cannot keep: ${dropped.join(', ')}. ` +
          `The file as it was before is ${basename(backupPathOf(this.path))}.`,
      );
    }
    const marker = await findOpenMarker(this.path);
    if (marker) {
      result.warnings.push(
        `${basename(this.path)} seems to be open in another program (found ${marker}): its window still shows ` +
          'the old values, and saving there would overwrite this run. Close it without saving and reopen it.',
      );
    }
    return result;
  }

  async ensureTabs(
    tabs: NewTab[],
  ): Promise<{ tabsAdded: string[]; headersAdded: { tab: string; header: string }[] }> {
    const added = { tabsAdded: [] as string[], headersAdded: [] as { tab: string; header: string }[] };
    const fileExists = await this.exists();
    // An .xlsx file needs at least one tab, so with nothing to add there is nothing to create.
    if (!fileExists && tabs.length === 0) return added;
    const loaded = fileExists ? await this.load() : null;
    const workbook = loaded?.workbook ?? createWorkbook();
    // Adding tabs and columns never overwrites a person's edit, so `init` goes ahead on the current
    // file; but a write computed from an earlier read must still see that the file changed.
    const staleReadVersion =
      this.expectedVersion !== null && (loaded === null || !sameContent(loaded.version, this.expectedVersion))
        ? this.expectedVersion
        : null;

    for (const tab of tabs) {
      const worksheet = findWorksheet(workbook, tab.name);
      if (worksheet) {
        const headers = appendMissingHeaders(worksheet, tab);
        added.headersAdded.push(...headers.map((header) => ({ tab: worksheet.name, header })));
      } else {
        this.addTab(workbook, tab);
        added.tabsAdded.push(tab.name);
      }
    }

    const changed = added.tabsAdded.length > 0 || added.headersAdded.length > 0;
    if (changed) {
      if (!fileExists) {
        try {
          await mkdir(dirname(this.path), { recursive: true });
        } catch (error) {
          throw toWorkbookError(error, this.path, 'create');
        }
      }
      await this.save(workbook, loaded?.version ?? null, fileExists ? 'write' : 'create');
    }
    if (staleReadVersion) {
      // Keep the read's stamp and drop the workbook: the next write reloads, sees the difference
      // and refuses.
      this.expectedVersion = staleReadVersion;
      this.workbook = null;
    } else if (changed || loaded) {
      // `save` moved the stamp on to the saved bytes; unchanged, the stamp is the loaded file's.
      if (!changed) this.expectedVersion = loaded!.version;
      this.workbook = workbook;
      this.unsupported = changed ? [] : loaded!.unsupported;
    }
    return added;
  }

  /** Loads the file once: bytes and version come from the same open file. */
  private async load(): Promise<LoadedWorkbook> {
    let file: Awaited<ReturnType<typeof readWorkbookFile>>;
    try {
      file = await readWorkbookFile(this.path);
    } catch (error) {
      throw toWorkbookError(error, this.path, 'read');
    }
    keepValidationRangesOnLoad();
    const workbook = new ExcelJS.Workbook();
    try {
      // exceljs declares its own `Buffer` type (an ArrayBuffer); a Node Buffer is what it reads at run time.
      await workbook.xlsx.load(file.bytes as unknown as ExcelJS.Buffer);
    } catch (error) {
      throw notAWorkbookError(this.path, file.bytes, error);
    }
    workbook.worksheets.forEach(compactDataValidations);
    return { workbook, version: file.version, unsupported: findUnsupportedParts(file.bytes) };
  }

  /** The workbook the write applies to: the one read, reloaded if a failed save dropped it. */
  private async workbookForWrite(): Promise<Workbook> {
    if (this.expectedVersion === null) {
      // Written without reading first: the current file is the base.
      const loaded = await this.load();
      this.expectedVersion = loaded.version;
      this.unsupported = loaded.unsupported;
      return (this.workbook = loaded.workbook);
    }
    await this.assertUnchanged(this.expectedVersion);
    if (this.workbook) return this.workbook;
    const loaded = await this.load();
    if (!sameContent(loaded.version, this.expectedVersion)) throw this.changedError();
    this.unsupported = loaded.unsupported;
    return (this.workbook = loaded.workbook);
  }

  private async assertUnchanged(expected: FileVersion | null): Promise<void> {
    let now: FileVersion | null;
    try {
      now = await currentVersion(this.path);
    } catch (error) {
      throw toWorkbookError(error, this.path, 'read');
    }
    const unchanged = expected === null ? now === null : now !== null && sameContent(now, expected);
    if (!unchanged) throw this.changedError();
  }

  private changedError(): WorkbookChangedError {
    return new WorkbookChangedError(
      `${this.path} changed after it was read (someone saved it), so nothing was written. Run again to work from the saved version.`,
    );
  }

  /**
   * Saves atomically, checking right before the switch that the file still holds `expected` (null:
   * that there is still no file). On success the saved bytes become the expected version.
   */
  private async save(
    workbook: Workbook,
    expected: FileVersion | null,
    action: 'write' | 'create',
  ): Promise<void> {
    // Cached results of formulas that read changed cells are stale until the next calculation.
    (workbook as unknown as { calcProperties: { fullCalcOnLoad?: boolean } }).calcProperties.fullCalcOnLoad =
      true;
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    } catch (error) {
      this.workbook = null;
      const detail = error instanceof Error ? error.message : String(error);
      throw new WorkbookError(`Could not build the workbook to save ${this.path}: ${detail}`, {
        cause: error,
      });
    }
    try {
      // Through a symbolic link, replace the file it points at and keep the link.
      const target = await realpath(this.path).catch(() => this.path);
      const mtimeMs = await replaceFileAtomically(target, bytes, {
        keepBackup: true,
        beforeCommit: () => this.assertUnchanged(expected),
      });
      this.expectedVersion = versionOfBytes(bytes, mtimeMs);
      this.unsupported = [];
    } catch (error) {
      this.workbook = null;
      throw toWorkbookError(error, this.path, action);
    }
  }

  private addTab(workbook: Workbook, tab: NewTab): void {
    if (
      tab.name.length > MAX_TAB_NAME_LENGTH ||
      FORBIDDEN_TAB_NAME_CHARACTERS.test(tab.name) ||
      !tab.name.trim()
    ) {
      throw new WorkbookError(
        `Cannot add the tab "${tab.name}" to ${this.path}: Excel tab names have 1 to ${MAX_TAB_NAME_LENGTH} characters and none of \\ / ? * : [ ].`,
      );
    }
    const worksheet = workbook.addWorksheet(tab.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    const headerRow = worksheet.getRow(1);
    uniqueHeaders(tab.headers).forEach((header, index) => {
      const cell = headerRow.getCell(index + 1);
      cell.value = header;
      cell.style = { ...cell.style, font: { bold: true } };
      setUpColumn(worksheet, index + 1, header, tab);
    });
  }
}

function createWorkbook(): Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'productops';
  workbook.created = new Date();
  return workbook;
}

/** Exact name first, then case-insensitive (people retype tab names). */
function findWorksheet(workbook: Workbook, name: string): Worksheet | undefined {
  const lower = name.toLowerCase();
  return (
    workbook.worksheets.find((worksheet) => worksheet.name === name) ??
    workbook.worksheets.find((worksheet) => worksheet.name.toLowerCase() === lower)
  );
}

function readTab(worksheet: Worksheet): TabData {
  let header: CellValue[] = [];
  const rows: TabRow[] = [];
  let lastRow = 1;
  // eachRow visits only rows exceljs holds cells for, in order; it never creates rows.
  worksheet.eachRow((row, rowNumber) => {
    const cells = readRowCells(row);
    if (cells.length === 0) return;
    lastRow = Math.max(lastRow, rowNumber);
    if (rowNumber === 1) header = cells;
    else rows.push({ rowNumber, cells });
  });
  return { name: worksheet.name, header, rows, lastRow };
}

/** The row's values from column A, with trailing empty cells dropped ([] for an empty row). */
function readRowCells(row: Row): CellValue[] {
  const cells: CellValue[] = [];
  let length = 0;
  row.eachCell((cell, column) => {
    const value = readCellValue(cell);
    if (value === null) return;
    while (cells.length < column - 1) cells.push(null);
    cells[column - 1] = value;
    length = column;
  });
  cells.length = length;
  return cells;
}

function lastUsedRow(worksheet: Worksheet): number {
  let last = 1;
  worksheet.eachRow((row, rowNumber) => {
    if (rowNumber > last && readRowCells(row).length > 0) last = rowNumber;
  });
  return last;
}

/** Excel's grid is 1,048,576 rows by 16,384 columns. */
const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;

function applyTabWrite(worksheet: Worksheet, change: TabWrite, result: WriteResult): void {
  const where = (row: number, column: number) => `${worksheet.name}!${columnLetters(column + 1)}${row}`;
  const put = (row: number, column: number, value: CellValue): void => {
    const prepared = prepareCellValue(value);
    if (prepared.problem) result.warnings.push(`${where(row, column)}: ${prepared.problem}`);
    const existing = worksheet.findCell(row, column + 1);
    if (existing?.type === ExcelJS.ValueType.Merge) {
      result.warnings.push(`${where(row, column)} is covered by merged cells, so it was not written`);
      return;
    }
    if (sameCellValue(existing ? readCellValue(existing) : null, prepared.value)) return;
    writeCellValue(worksheet.getCell(row, column + 1), prepared.value);
    result.cellsWritten++;
  };

  if (change.addHeaders?.length) {
    const headerRow = worksheet.getRow(1);
    const first = firstFreeHeaderColumn(headerRow);
    const style = headerStyle(headerRow, first);
    change.addHeaders.forEach((header, index) => {
      const cell = headerRow.getCell(first + index);
      cell.style = { ...style };
      put(1, first + index - 1, header);
    });
  }

  const skippedRows = rowsFailingGuards(worksheet, change, result);
  for (const update of change.updates ?? []) {
    if (!skippedRows.has(update.row)) put(update.row, update.column, update.value);
  }

  let row = lastUsedRow(worksheet);
  for (const cells of change.appends ?? []) {
    if (cells.every((value) => prepareCellValue(value).value === null)) {
      result.warnings.push(`${worksheet.name}: an appended row with no values was skipped`);
      continue;
    }
    row++;
    // A null in an appended row leaves the cell alone, so a formula a person filled down stays.
    cells.forEach((value, column) => {
      if (value !== null) put(row, column, value);
    });
    result.rowsAppended++;
  }
}

/** Rows whose key cells no longer hold what the caller read are skipped, with a warning. */
function rowsFailingGuards(worksheet: Worksheet, change: TabWrite, result: WriteResult): Set<number> {
  const skipped = new Set<number>();
  for (const guard of change.guards ?? []) {
    const moved = guard.keyCells.find(({ column, value }) => {
      const cell = worksheet.findCell(guard.row, column + 1);
      return textOf(cell ? readCellValue(cell) : null) !== value.trim();
    });
    if (moved) {
      skipped.add(guard.row);
      result.warnings.push(
        `${worksheet.name} row ${guard.row} no longer holds "${moved.value}", so its updates were skipped`,
      );
    }
  }
  return skipped;
}

function textOf(value: CellValue): string {
  if (value === null) return '';
  return (value instanceof Date ? value.toISOString() : String(value)).trim();
}

/** The 1-based column right of the last header cell, past any merge that cell starts. */
function firstFreeHeaderColumn(headerRow: Row): number {
  let column = readRowCells(headerRow).length + 1;
  while (headerRow.findCell(column)?.type === ExcelJS.ValueType.Merge) column++;
  return column;
}

/** New header cells look like the header cell to their left, or bold when there is none. */
function headerStyle(headerRow: Row, firstNewColumn: number): Partial<Style> {
  if (firstNewColumn > 1) return headerRow.getCell(firstNewColumn - 1).style;
  return { font: { bold: true } };
}

function uniqueHeaders(headers: string[]): string[] {
  const seen = new Set<string>();
  return headers.filter((header) => {
    const key = normalizeHeader(header);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Appends the tab's headers the sheet lacks (compared normalized) to the right; returns them. */
function appendMissingHeaders(worksheet: Worksheet, tab: NewTab): string[] {
  const headerRow = worksheet.getRow(1);
  const known = new Set(readRowCells(headerRow).map(normalizeHeader));
  const missing = uniqueHeaders(tab.headers).filter((header) => !known.has(normalizeHeader(header)));
  if (missing.length === 0) return [];
  const first = firstFreeHeaderColumn(headerRow);
  const style = headerStyle(headerRow, first);
  missing.forEach((header, index) => {
    const column = first + index;
    const cell: Cell = headerRow.getCell(column);
    cell.value = header;
    cell.style = { ...style };
    setUpColumn(worksheet, column, header, tab);
  });
  return missing;
}

/** Width and, for dropdown and checkbox columns, the list validation on the data rows. */
function setUpColumn(worksheet: Worksheet, column: number, header: string, tab: NewTab): void {
  worksheet.getColumn(column).width = Math.min(
    MAX_COLUMN_WIDTH,
    Math.max(MIN_COLUMN_WIDTH, header.length + 4),
  );
  const values = listValuesFor(header, tab);
  // Never stack a second validation on cells a person already gave one (Excel rejects overlaps).
  if (!values || hasValidationInColumn(worksheet, column)) return;
  const letters = columnLetters(column);
  const lastRow = Math.max(DROPDOWN_LAST_ROW, lastUsedRow(worksheet) + DROPDOWN_MARGIN_ROWS);
  addListValidation(worksheet, `${letters}2:${letters}${lastRow}`, values, { allowBlank: true });
}

function listValuesFor(header: string, tab: NewTab): string[] | null {
  const key = normalizeHeader(header);
  for (const [name, values] of Object.entries(tab.dropdowns ?? {})) {
    if (normalizeHeader(name) === key) return values;
  }
  // Excel has no checkbox cell type exceljs can write; a TRUE/FALSE list is the portable stand-in.
  if (tab.checkboxes?.some((name) => normalizeHeader(name) === key)) return ['TRUE', 'FALSE'];
  return null;
}
