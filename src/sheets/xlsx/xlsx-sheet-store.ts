/**
 * The workbook store for a local .xlsx file (the embedded default), working on the package itself.
 *
 * A read opens the zip and parses only the worksheets asked for (plus shared strings and styles),
 * streaming their XML into rows. A write patches the `<c>` elements of the cells that change in
 * those worksheets and writes every other part back from its original compressed bytes, so charts,
 * pivot tables, SmartArt, comments, validations, formats and parts no library models all survive,
 * byte for byte. `init` adds tabs and columns the same way (a new part, its relationship and
 * content type, header cells), never rebuilding the workbook.
 *
 * Concurrency and files: the read stamps the file's version (size, time, hash of the bytes). A
 * write refuses a read-only file and a file open in Excel or LibreOffice, checks the file still
 * holds the read's bytes, and checks again right before the atomic rename, so a person's save in
 * between makes the write refuse with `WorkbookChangedError` and write nothing. The previous file
 * is kept in `.productops/backups/` beside it (see workbook-file.ts).
 */
import { mkdir, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WorkbookError } from '../../shared/errors.js';
import { columnLetter } from '../read-tab.js';
import {
  type NewTab,
  type SheetStore,
  type TabData,
  type TabWrite,
  WorkbookChangedError,
  type WriteResult,
  writableChanges,
} from '../sheet-store.js';
import {
  assertTabName,
  dropdownValuesFor,
  findTab,
  isListed,
  missingHeaders,
  missingTabError,
  sameTabName,
  type TabNameRules,
  uniqueHeaders,
} from '../tab-helpers.js';
import { type CellContext, readSharedStrings } from './cell-values.js';
import {
  addColumnWidths,
  addHeaderNotes,
  addListValidations,
  type ColumnWidth,
  type ListValidation,
  newWorksheetXml,
  validatedColumns,
  validatedHeaderColumns,
} from './data-validations.js';
import { addWorksheet, createEmptyPackage, removeCalculationChain } from './workbook-edits.js';
import { notAWorkbookError, toWorkbookError } from './workbook-errors.js';
import {
  assertWritable,
  currentVersion,
  type FileVersion,
  isErrorCode,
  readWorkbookFile,
  removeStaleTemporaryFiles,
  replaceFileAtomically,
  sameContent,
  versionOfBytes,
} from './workbook-file.js';
import { type CellFormatKind, ensureCellFormat, readWorkbookStyles } from './workbook-styles.js';
import { type PatchContext, patchWorksheet, readWorksheet } from './worksheet-xml.js';
import { type SheetEntry, XlsxPackage } from './xlsx-package.js';

/**
 * Dropdowns cover data rows 2 to this row, or 1,000 rows past the last used row when the tab is
 * already longer. A whole-column range would be simpler, but some other programs that read these
 * workbooks (exceljs among them) expand a validation into one entry per cell, so a million-row range
 * costs them seconds and hundreds of megabytes.
 */
const DROPDOWN_LAST_ROW = 5_000;
const DROPDOWN_MARGIN_ROWS = 1_000;

/** Excel's hard limits on tab names (Excel specifications and limits). */
const EXCEL_TAB_NAMES: TabNameRules = {
  application: 'Excel',
  maxLength: 31,
  forbiddenCharacters: ['\\', '/', '?', '*', ':', '[', ']'],
};

/** Column widths (in characters) given to header cells the store creates. */
const MIN_COLUMN_WIDTH = 12;
const MAX_COLUMN_WIDTH = 40;

/** Excel's grid is 1,048,576 rows by 16,384 columns. */
const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;

/** A package as read, with what reading its cells needs. */
interface OpenWorkbook {
  pkg: XlsxPackage;
  version: FileVersion;
  context: CellContext;
}

export class XlsxSheetStore implements SheetStore {
  readonly label: string;
  /** The version the next write checks against: set by a read, moved on by each successful save. */
  private expectedVersion: FileVersion | null = null;
  /**
   * The package holding exactly `expectedVersion`'s content. Dropped after a failed write, since
   * it may hold changes that never reached the file.
   */
  private workbook: OpenWorkbook | null = null;

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
    const workbook = await this.load();
    this.workbook = workbook;
    this.expectedVersion = workbook.version;
    const result = new Map<string, TabData | null>();
    const sheets = workbook.pkg.sheets();
    for (const tab of tabs) {
      const sheet = findWorksheet(sheets, tab);
      result.set(
        tab,
        sheet
          ? this.parse(() => readWorksheet(sheet.name, this.sheetXml(workbook, sheet), workbook.context))
          : null,
      );
    }
    // The rows are what the caller keeps; a write that follows inflates the few parts it patches again.
    workbook.pkg.dropTextCache();
    return result;
  }

  async write(changes: TabWrite[]): Promise<WriteResult> {
    const result: WriteResult = { cellsWritten: 0, rowsAppended: 0, warnings: [] };
    const pending = writableChanges(changes, MAX_ROWS, MAX_COLUMNS);
    if (pending.length === 0) return result;

    const workbook = await this.workbookForWrite();
    const sheets = workbook.pkg.sheets();
    const targets = pending.map((change) => {
      const sheet = findWorksheet(sheets, change.tab);
      if (!sheet) {
        throw missingTabError(change.tab, this.path);
      }
      return { change, sheet };
    });

    try {
      const context = this.patchContext(workbook);
      for (const { change, sheet } of targets) {
        const xml = this.sheetXml(workbook, sheet);
        const patched = this.parse(() => patchWorksheet(sheet.name, xml, change, context, result));
        if (patched.bytes) workbook.pkg.setText(sheet.part!, patched.bytes);
        if (patched.formulaRemoved) removeCalculationChain(workbook.pkg);
        // The original text is not needed again: let it go before the next tab is inflated.
        workbook.pkg.dropTextCache();
      }
    } catch (error) {
      this.workbook = null;
      throw error;
    }
    // Values equal to what the cells already hold change nothing, so the file is left alone.
    if (result.cellsWritten === 0) return result;
    await this.save(workbook, this.expectedVersion, 'write');
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
    const workbook: OpenWorkbook = loaded ?? {
      pkg: createEmptyPackage(),
      version: { mtimeMs: 0, size: 0, hash: '' },
      context: { sharedStrings: [], isDateStyle: [], date1904: false },
    };
    if (!loaded) workbook.context.isDateStyle = readWorkbookStyles(workbook.pkg.text('xl/styles.xml')).isDate;
    // Adding tabs and columns never overwrites a person's edit, so `init` goes ahead on the current
    // file; but a write computed from an earlier read must still see that the file changed.
    const staleReadVersion =
      this.expectedVersion !== null && (loaded === null || !sameContent(loaded.version, this.expectedVersion))
        ? this.expectedVersion
        : null;

    for (const tab of tabs) {
      const sheets = workbook.pkg.sheets();
      const sheet = findWorksheet(sheets, tab.name);
      if (sheet) {
        const headers = this.appendMissingHeaders(workbook, sheet, tab);
        added.headersAdded.push(...headers.map((header) => ({ tab: sheet.name, header })));
      } else {
        this.addTab(workbook, sheets, tab);
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
      // Keep the read's stamp and drop the package: the next write reloads, sees the difference
      // and refuses.
      this.expectedVersion = staleReadVersion;
      this.workbook = null;
    } else if (changed || loaded) {
      // `save` moved the stamp on to the saved bytes; unchanged, the stamp is the loaded file's.
      if (!changed) this.expectedVersion = loaded!.version;
      this.workbook = workbook;
    }
    return added;
  }

  /** Loads the file once: bytes and version come from the same open file. */
  private async load(): Promise<OpenWorkbook> {
    let file: Awaited<ReturnType<typeof readWorkbookFile>>;
    try {
      file = await readWorkbookFile(this.path);
    } catch (error) {
      throw toWorkbookError(error, this.path, 'read');
    }
    try {
      const pkg = XlsxPackage.open(file.bytes);
      const stylesPart = pkg.workbookRelatedPart('styles');
      const stringsPart = pkg.workbookRelatedPart('sharedStrings');
      const context: CellContext = {
        sharedStrings: readSharedStrings(stringsPart ? pkg.text(stringsPart) : null),
        isDateStyle: readWorkbookStyles(stylesPart ? pkg.text(stylesPart) : null).isDate,
        date1904: pkg.usesDate1904(),
      };
      if (stringsPart) pkg.dropTextCache();
      return { pkg, version: file.version, context };
    } catch (error) {
      throw notAWorkbookError(this.path, file.bytes, error);
    }
  }

  /** Runs a parse of the package's XML, turning a malformed part into a clear message. */
  private parse<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof WorkbookError || error instanceof RangeError) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new WorkbookError(
        `${this.path} is damaged and could not be read (${detail}). Open it in Excel or LibreOffice and save it, then run again.`,
        { cause: error },
      );
    }
  }

  private sheetXml(workbook: OpenWorkbook, sheet: SheetEntry): string {
    const xml = sheet.part ? workbook.pkg.text(sheet.part) : null;
    if (xml === null) {
      throw new WorkbookError(
        `${this.path} is damaged: the tab "${sheet.name}" has no worksheet part. Open it in Excel or LibreOffice and save it, then run again.`,
      );
    }
    return xml;
  }

  private patchContext(workbook: OpenWorkbook): PatchContext {
    let dateStyle: string | null = null;
    return {
      ...workbook.context,
      dateStyle: () => {
        if (dateStyle === null) dateStyle = String(this.addCellFormat(workbook, 'date'));
        return dateStyle;
      },
    };
  }

  /** A cell format index of `kind` (workbook-styles.ts), added to the styles part when missing. */
  private addCellFormat(workbook: OpenWorkbook, kind: CellFormatKind): number {
    const part = workbook.pkg.workbookRelatedPart('styles');
    const xml = part ? workbook.pkg.text(part) : null;
    if (part === null || xml === null) return 0;
    const { index, xml: next } = ensureCellFormat(xml, kind);
    if (next !== xml) {
      workbook.pkg.setText(part, next);
      workbook.context.isDateStyle = readWorkbookStyles(next).isDate;
    }
    return index;
  }

  /** The workbook the write applies to: the one read, reloaded if a failed write dropped it. */
  private async workbookForWrite(): Promise<OpenWorkbook> {
    if (this.expectedVersion === null) {
      // Written without reading first: the current file is the base.
      const loaded = await this.load();
      this.expectedVersion = loaded.version;
      return (this.workbook = loaded);
    }
    await this.assertUnchanged(this.expectedVersion);
    if (this.workbook) return this.workbook;
    const loaded = await this.load();
    if (!sameContent(loaded.version, this.expectedVersion)) throw this.changedError();
    return (this.workbook = loaded);
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
    workbook: OpenWorkbook,
    expected: FileVersion | null,
    action: 'write' | 'create',
  ): Promise<void> {
    try {
      // Through a symbolic link, replace the file it points at and keep the link.
      const target = await realpath(this.path).catch(() => this.path);
      await assertWritable(target);
      await removeStaleTemporaryFiles(target);
      const bytes = workbook.pkg.toBytes();
      const mtimeMs = await replaceFileAtomically(target, bytes, {
        beforeCommit: () => this.assertUnchanged(expected),
      });
      this.expectedVersion = versionOfBytes(bytes, mtimeMs);
      workbook.version = this.expectedVersion;
      // Keep the saved package compressed, as a read leaves it, not the text of every part it changed.
      workbook.pkg = XlsxPackage.open(bytes);
    } catch (error) {
      this.workbook = null;
      throw toWorkbookError(error, this.path, action);
    }
  }

  private addTab(workbook: OpenWorkbook, sheets: SheetEntry[], tab: NewTab): void {
    assertTabName(tab.name, this.path, EXCEL_TAB_NAMES);
    const clash = sheets.find((sheet) => sameTabName(sheet.name, tab.name));
    if (clash) {
      throw new WorkbookError(
        `Cannot add the tab "${tab.name}" to ${this.path}: a chart sheet or other non-grid sheet already has that name. Rename it, then run again.`,
      );
    }
    const headers = uniqueHeaders(tab.headers);
    const style = this.addCellFormat(workbook, 'boldHeader');
    const marks = this.computedColumnMarks(workbook, headers, tab);
    const headerStyles = headers.map((header) => Number(marks.headerStyle(header) ?? style));
    const widths = headers.map((header, column) => columnWidth(header, column, marks.columnStyle(header)));
    const validations = listValidations(headers, 0, tab, new Set(), DROPDOWN_LAST_ROW);
    const notes = marks.computed.map((header) => headers.indexOf(header));
    const xml = addHeaderNotes(
      addListValidations(newWorksheetXml(headers, headerStyles, widths), validations),
      notes,
    );
    addWorksheet(workbook.pkg, tab.name, xml);
  }

  /** Appends the tab's headers the sheet lacks (compared normalized) to the right; returns them. */
  private appendMissingHeaders(workbook: OpenWorkbook, sheet: SheetEntry, tab: NewTab): string[] {
    const xml = this.sheetXml(workbook, sheet);
    const data = this.parse(() => readWorksheet(sheet.name, xml, workbook.context));
    const missing = missingHeaders(data.header, tab.headers);
    if (missing.length === 0) return [];
    const result: WriteResult = { cellsWritten: 0, rowsAppended: 0, warnings: [] };
    const marks = this.computedColumnMarks(workbook, missing, tab);
    const context: PatchContext = { ...this.patchContext(workbook), addedHeaderStyle: marks.headerStyle };
    const patched = this.parse(() =>
      patchWorksheet(sheet.name, xml, { tab: sheet.name, addHeaders: missing }, context, result),
    );
    const first = data.header.length;
    const widths = missing.map((header, index) =>
      columnWidth(header, first + index, marks.columnStyle(header)),
    );
    const lastRow = Math.max(DROPDOWN_LAST_ROW, data.lastRow + DROPDOWN_MARGIN_ROWS);
    const withHeaders = patched.bytes ? patched.bytes.toString('utf8') : xml;
    const validations = listValidations(missing, first, tab, validatedColumns(withHeaders), lastRow);
    // A header cell a person already gave a validation keeps it (Excel rejects overlapping ones).
    const noted = validatedHeaderColumns(withHeaders);
    const notes = marks.computed
      .map((header) => first + missing.indexOf(header))
      .filter((c) => !noted.has(c));
    workbook.pkg.setText(
      sheet.part!,
      addHeaderNotes(addListValidations(addColumnWidths(withHeaders, widths), validations), notes),
    );
    return missing;
  }

  /**
   * How the columns productops computes are marked among `headers` (the ones being added): their
   * header cells filled (`computedHeader`) and noted, and the score columns' cells given the score
   * number format through their column style, so cells written later show it. The formats are
   * added to styles.xml only when one of the headers needs them.
   */
  private computedColumnMarks(
    workbook: OpenWorkbook,
    headers: string[],
    tab: NewTab,
  ): {
    computed: string[];
    headerStyle: (header: string) => string | undefined;
    columnStyle: (header: string) => number | undefined;
  } {
    const computed = headers.filter((header) => isListed(header, tab.backendColumns));
    const scores = headers.filter((header) => isListed(header, tab.scoreColumns));
    const headerStyle = computed.length ? String(this.addCellFormat(workbook, 'computedHeader')) : undefined;
    const scoreStyle = scores.length ? this.addCellFormat(workbook, 'score') : undefined;
    return {
      computed,
      headerStyle: (header) => (computed.includes(header) ? headerStyle : undefined),
      columnStyle: (header) => (scores.includes(header) ? scoreStyle : undefined),
    };
  }
}

/** Exact name first, then case-insensitive (tab-helpers.ts); only grids hold tabs. */
function findWorksheet(sheets: SheetEntry[], name: string): SheetEntry | undefined {
  return findTab(
    sheets.filter((sheet) => sheet.kind === 'worksheet'),
    name,
    (sheet) => sheet.name,
  );
}

function columnWidth(header: string, column: number, style?: number): ColumnWidth {
  const width = Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, header.length + 4));
  return style ? { column, width, style } : { column, width };
}

/** Dropdowns for the new columns that take one, skipping columns a person already validated. */
function listValidations(
  headers: string[],
  firstColumn: number,
  tab: NewTab,
  taken: Set<number>,
  lastRow: number,
): ListValidation[] {
  const validations: ListValidation[] = [];
  headers.forEach((header, index) => {
    const column = firstColumn + index;
    const values = listValuesFor(header, tab);
    // Never stack a second validation on cells a person already gave one (Excel rejects overlaps).
    if (!values || taken.has(column)) return;
    const letters = columnLetter(column);
    validations.push({ range: `${letters}2:${letters}${lastRow}`, values });
  });
  return validations;
}

function listValuesFor(header: string, tab: NewTab): string[] | null {
  const dropdown = dropdownValuesFor(header, tab);
  if (dropdown) return dropdown;
  // A TRUE/FALSE list is the portable stand-in for a checkbox (Excel's checkbox cells are new and
  // not understood by other applications).
  if (isListed(header, tab.checkboxes)) return ['TRUE', 'FALSE'];
  return null;
}
