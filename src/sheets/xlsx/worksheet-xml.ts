/**
 * Reading a worksheet part into rows, and patching it: the write changes exactly the `<c>`
 * elements of the cells it names (and the `<row>` elements that hold them), and copies every other
 * byte of the part as it was, so a person's formats, formulas, hidden columns, validations,
 * conditional formats and everything after `</sheetData>` stay untouched.
 *
 * The part's grammar is ECMA-376 Part 1, 18.3.1.99 (CT_Worksheet): `<sheetData>` holds `<row>`
 * elements in ascending order, each holding `<c>` elements in ascending column order; `r`
 * attributes are optional (a missing one means "the next one").
 */
import { columnLetter } from '../read-tab.js';
import type { CellValue, TabData, TabRow, TabWrite, WriteResult } from '../sheet-store.js';
import {
  type CellContext,
  type CellElement,
  cellXml,
  columnOfReference,
  prepareCellValue,
  readCellElement,
  sameCellValue,
} from './cell-values.js';
import { readColumnRanges } from './data-validations.js';
import { CLOSE, END, escapeAttribute, OPEN, XmlFormatError, XmlReader } from './xml.js';

/** What patching needs besides reading: the date style to use, added to styles.xml on demand. */
export interface PatchContext extends CellContext {
  dateStyle: () => string;
  /**
   * The style of an added header cell, by its text. Without one (or when it returns undefined) an
   * added header takes its left neighbour's style, so it looks like the headers a person styled.
   */
  addedHeaderStyle?: (header: string) => string | undefined;
}

interface SheetDataSpan {
  /** Offsets of the rows' content: after `<sheetData…>` up to `</sheetData>`. */
  contentStart: number;
  contentEnd: number;
  /** A `<sheetData/>` element: `open` is its whole text, to be expanded on write. */
  emptyElement: { start: number; end: number; qualifiedName: string } | null;
  /** The element prefix the part uses (`x:` in some generators' output), for the elements we add. */
  prefix: string;
}

function findSheetData(xml: string): SheetDataSpan {
  const reader = new XmlReader(xml);
  for (let kind = reader.next(); kind !== END; kind = reader.next()) {
    if (kind !== OPEN) continue;
    if (reader.name === 'worksheet' || reader.name === 'sheetPr' || reader.name === 'sheetViews') {
      if (reader.name !== 'worksheet') reader.skipElement();
      continue;
    }
    if (reader.name !== 'sheetData') {
      reader.skipElement();
      continue;
    }
    const qualifiedName = xml.slice(reader.start + 1).split(/[\s/>]/, 1)[0]!;
    const prefix = qualifiedName.includes(':') ? `${qualifiedName.split(':')[0]}:` : '';
    if (reader.selfClosing) {
      return {
        contentStart: reader.end,
        contentEnd: reader.end,
        emptyElement: { start: reader.start, end: reader.end, qualifiedName },
        prefix,
      };
    }
    const contentStart = reader.end;
    const contentEnd = xml.indexOf(`</${qualifiedName}`, contentStart);
    if (contentEnd < 0) throw new XmlFormatError('<sheetData> never closes');
    return { contentStart, contentEnd, emptyElement: null, prefix };
  }
  throw new XmlFormatError('the worksheet has no <sheetData>');
}

interface Rectangle {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** Merged ranges (`<mergeCell ref>` after `</sheetData>`), 1-based rows and 0-based columns. */
function readMerges(xml: string, from: number): Rectangle[] {
  const merges: Rectangle[] = [];
  const pattern = /<(?:\w+:)?mergeCell\s[^>]*?ref\s*=\s*["']([A-Za-z$]+\d+(?::[A-Za-z$]+\d+)?)["']/g;
  pattern.lastIndex = from;
  for (let match = pattern.exec(xml); match; match = pattern.exec(xml)) {
    const rectangle = parseRange(match[1]!);
    if (rectangle) merges.push(rectangle);
  }
  return merges;
}

export function parseRange(range: string): Rectangle | null {
  const [first, second = first] = range.split(':');
  const from = parseReference(first!);
  const to = parseReference(second!);
  if (!from || !to) return null;
  return {
    top: Math.min(from.row, to.row),
    bottom: Math.max(from.row, to.row),
    left: Math.min(from.column, to.column),
    right: Math.max(from.column, to.column),
  };
}

function parseReference(reference: string): { row: number; column: number } | null {
  const match = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(reference);
  if (!match) return null;
  return { column: columnOfReference(match[1]!), row: Number(match[2]) };
}

/** Whether the cell is covered by a merge without being its top-left cell (a person sees nothing there). */
function coveredByMerge(merges: Rectangle[], row: number, column: number): boolean {
  for (const m of merges) {
    if (row >= m.top && row <= m.bottom && column >= m.left && column <= m.right) {
      return row !== m.top || column !== m.left;
    }
  }
  return false;
}

/** The tab's rows as the store's contract wants them (see sheet-store.ts). */
export function readWorksheet(name: string, xml: string, base: CellContext): TabData {
  const context: CellContext = { ...base, texts: new Map() };
  const span = findSheetData(xml);
  const merges = readMerges(xml, span.contentEnd);
  const reader = new XmlReader(xml, span.contentStart, span.contentEnd);
  let header: CellValue[] = [];
  const rows: TabRow[] = [];
  let lastRow = 1;
  let rowNumber = 0;
  for (let kind = reader.next(); kind !== END; kind = reader.next()) {
    if (kind !== OPEN) continue;
    if (reader.name !== 'row') {
      reader.skipElement();
      continue;
    }
    const r = reader.attribute('r');
    rowNumber = r === undefined ? rowNumber + 1 : Number(r);
    if (reader.selfClosing) continue;
    const cells = readRowCells(reader, context, merges, rowNumber);
    if (cells.length === 0) continue;
    lastRow = Math.max(lastRow, rowNumber);
    if (rowNumber === 1) header = cells;
    else rows.push({ rowNumber, cells });
  }
  return { name, header, rows, lastRow };
}

/** The row's values from column A, trailing empty cells dropped; the reader ends on `</row>`. */
function readRowCells(
  reader: XmlReader,
  context: CellContext,
  merges: Rectangle[],
  rowNumber: number,
): CellValue[] {
  const cells: CellValue[] = [];
  let column = -1;
  for (let kind = reader.next(); kind !== END; kind = reader.next()) {
    if (kind === CLOSE) break;
    if (kind !== OPEN) continue;
    if (reader.name !== 'c') {
      reader.skipElement();
      continue;
    }
    const cell = readCellElement(reader, context);
    column = cell.column >= 0 ? cell.column : column + 1;
    if (cell.value === null) continue;
    if (merges.length > 0 && coveredByMerge(merges, rowNumber, column)) continue;
    while (cells.length < column) cells.push(null);
    cells[column] = cell.value;
  }
  let length = cells.length;
  while (length > 0 && cells[length - 1] === null) length--;
  // A copy of exactly this length: the rows are kept for the whole run, the growth slack is not.
  return cells.slice(0, length);
}

interface RowElement {
  number: number;
  /** Offsets of the whole element, and of its content (between the tags). */
  start: number;
  end: number;
  contentStart: number;
  contentEnd: number;
  openTag: string;
  selfClosing: boolean;
  hasReference: boolean;
  closeTag: string;
}

function indexRows(xml: string, span: SheetDataSpan): RowElement[] {
  const rows: RowElement[] = [];
  const reader = new XmlReader(xml, span.contentStart, span.contentEnd);
  let number = 0;
  for (let kind = reader.next(); kind !== END; kind = reader.next()) {
    if (kind !== OPEN) continue;
    if (reader.name !== 'row') {
      reader.skipElement();
      continue;
    }
    const r = reader.attribute('r');
    number = r === undefined ? number + 1 : Number(r);
    const start = reader.start;
    const openTag = xml.slice(reader.start, reader.end);
    if (reader.selfClosing) {
      rows.push({
        number,
        start,
        end: reader.end,
        contentStart: reader.end,
        contentEnd: reader.end,
        openTag,
        selfClosing: true,
        hasReference: r !== undefined,
        closeTag: '',
      });
      continue;
    }
    const qualifiedName = openTag.slice(1).split(/[\s/>]/, 1)[0]!;
    const closeTag = `</${qualifiedName}>`;
    const contentEnd = xml.indexOf(closeTag, reader.end);
    if (contentEnd < 0 || contentEnd > span.contentEnd)
      throw new XmlFormatError(`row ${number} never closes`);
    rows.push({
      number,
      start,
      end: contentEnd + closeTag.length,
      contentStart: reader.end,
      contentEnd,
      openTag,
      selfClosing: false,
      hasReference: r !== undefined,
      closeTag,
    });
    // Jump past the row without tokenizing its cells: most rows are copied as they are.
    reader.seek(contentEnd + closeTag.length);
  }
  return rows;
}

interface PlacedCell extends CellElement {
  start: number;
  end: number;
  hasReference: boolean;
}

function readRowElement(xml: string, row: RowElement, context: CellContext): PlacedCell[] {
  const cells: PlacedCell[] = [];
  if (row.selfClosing) return cells;
  const reader = new XmlReader(xml, row.contentStart, row.contentEnd);
  let column = -1;
  for (let kind = reader.next(); kind !== END; kind = reader.next()) {
    if (kind !== OPEN) continue;
    if (reader.name !== 'c') {
      reader.skipElement();
      continue;
    }
    const start = reader.start;
    const cell = readCellElement(reader, context) as PlacedCell;
    cell.hasReference = cell.column >= 0;
    column = cell.column = cell.hasReference ? cell.column : column + 1;
    cell.start = start;
    cell.end = reader.end;
    cells.push(cell);
  }
  return cells;
}

/** Result of patching one worksheet. */
export interface WorksheetPatch {
  /** The new part, as UTF-8 bytes; null when no cell changes. */
  bytes: Buffer | null;
  /** A formula was overwritten, so the workbook's calculation chain may name a cell without one. */
  formulaRemoved: boolean;
}

/**
 * Collects the patched part as UTF-8 bytes in one buffer, sized from the original and grown when
 * needed: a 40,000-row worksheet is never held as one string plus a rope of row strings, nor as
 * chunks plus their concatenation.
 */
class Utf8Sink {
  private buffer: Buffer;
  private length = 0;

  constructor(expectedBytes: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(65_536, expectedBytes));
  }

  write(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.length + text.length * 3 > this.buffer.length) {
      const needed = this.length + Buffer.byteLength(text, 'utf8');
      if (needed > this.buffer.length) {
        const grown = Buffer.allocUnsafe(Math.max(needed, Math.ceil(this.buffer.length * 1.5)));
        this.buffer.copy(grown, 0, 0, this.length);
        this.buffer = grown;
      }
    }
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/** Column styles from `<cols>` (what Excel gives a new cell in that column), by 0-based column. */
function readColumnStyles(xml: string, until: number): (column: number) => string | undefined {
  // `<cols>` comes before `<sheetData>`: only the part's head is searched.
  const ranges = readColumnRanges(xml.slice(0, until)).filter(
    (r) => r.style !== undefined && r.style !== '0',
  );
  return (column) => ranges.find((r) => column + 1 >= r.min && column + 1 <= r.max)?.style;
}

/**
 * Applies one tab's write to its worksheet XML. Counts into `result`; cells whose value would not
 * change are left as they are. Rows whose guard fails are skipped with a warning.
 *
 * Two passes: the first decides what goes where (header cells, updates, appended rows below the
 * last used row); the second walks the rows in order and copies each untouched row as it is,
 * rewriting only the rows that hold a target.
 */
export function patchWorksheet(
  tabName: string,
  xml: string,
  change: TabWrite,
  context: PatchContext,
  result: WriteResult,
): WorksheetPatch {
  const span = findSheetData(xml);
  const merges = readMerges(xml, span.contentEnd);
  const rows = indexRows(xml, span);
  const byNumber = new Map(rows.map((row) => [row.number, row]));
  const cellsOf = (number: number): PlacedCell[] => {
    const row = byNumber.get(number);
    return row ? readRowElement(xml, row, context) : [];
  };
  const covered = (row: number, column: number) => merges.length > 0 && coveredByMerge(merges, row, column);
  const where = (row: number, column: number) => `${tabName}!${columnLetter(column)}${row}`;

  /** Row number → values to write by column (`undefined`: leave the cell alone). */
  const targets = new Map<number, (CellValue | undefined)[]>();
  let maxRow = 0;
  let maxColumn = -1;
  const put = (row: number, column: number, value: CellValue): void => {
    const prepared = prepareCellValue(value);
    if (prepared.problem) result.warnings.push(`${where(row, column)}: ${prepared.problem}`);
    let columns = targets.get(row);
    if (!columns) targets.set(row, (columns = []));
    columns[column] = prepared.value;
    if (prepared.value !== null) {
      maxRow = Math.max(maxRow, row);
      maxColumn = Math.max(maxColumn, column);
    }
  };

  const headerStyles = new Map<number, string | undefined>();
  if (change.addHeaders?.length) {
    const header = cellsOf(1);
    let first = 0;
    for (const cell of header) if (cell.value !== null) first = Math.max(first, cell.column + 1);
    while (merges.some((m) => m.top <= 1 && m.bottom >= 1 && first > m.left && first <= m.right)) first++;
    const style = header.find((cell) => cell.column === first - 1)?.style;
    change.addHeaders.forEach((name, index) => {
      headerStyles.set(first + index, context.addedHeaderStyle?.(name) ?? style);
      put(1, first + index, name);
    });
  }

  const guards = new Map((change.guards ?? []).map((guard) => [guard.row, guard]));
  for (const update of change.updates ?? []) put(update.row, update.column, update.value);

  if (change.appends?.length) {
    let next = lastUsedRow(rows, cellsOf) + 1;
    for (const cells of change.appends) {
      if (cells.every((value) => prepareCellValue(value).value === null)) {
        result.warnings.push(`${tabName}: an appended row with no values was skipped`);
        continue;
      }
      // A null in an appended row leaves the cell alone, so a formula a person filled down stays.
      cells.forEach((value, column) => {
        if (value !== null) put(next, column, value);
      });
      next++;
      result.rowsAppended++;
    }
  }
  if (targets.size === 0) return { bytes: null, formulaRemoved: false };

  const columnStyle = readColumnStyles(xml, span.contentStart);
  let formulaRemoved = false;
  const writtenBefore = result.cellsWritten;

  /** The row's new element, or null when none of its targets changes a cell. */
  const rewriteRow = (number: number, columns: (CellValue | undefined)[]): string | null => {
    const existing = byNumber.get(number);
    const cells = existing ? readRowElement(xml, existing, context) : [];
    const guard = guards.get(number);
    if (guard) {
      const moved = guard.keyCells.find(({ column, value }) => {
        const cell = covered(number, column) ? undefined : cells.find((c) => c.column === column);
        return textOf(cell?.value ?? null) !== value.trim();
      });
      if (moved) {
        result.warnings.push(
          `${tabName} row ${number} no longer holds "${moved.value}", so its updates were skipped`,
        );
        return null;
      }
    }
    const rowStyle = existing ? rowDefaultStyle(existing.openTag) : undefined;
    const pieces: string[] = [];
    let changed = false;
    let firstColumn = -1;
    let lastColumn = -1;
    const add = (column: number, text: string) => {
      pieces.push(text);
      if (firstColumn < 0) firstColumn = column;
      lastColumn = column;
    };
    // Existing cells and new ones, merged in column order (the order the schema requires).
    let next = 0;
    const addNewCellsBefore = (limit: number) => {
      for (; next < Math.min(limit, columns.length); next++) {
        const value = columns[next];
        if (value === undefined || value === null || cells.some((cell) => cell.column === next)) continue;
        if (covered(number, next)) {
          result.warnings.push(`${where(number, next)} is covered by merged cells, so it was not written`);
          continue;
        }
        const style =
          number === 1 && headerStyles.has(next) ? headerStyles.get(next) : (rowStyle ?? columnStyle(next));
        const text = withPrefix(
          cellXml(`${columnLetter(next)}${number}`, value, style, context),
          span.prefix,
        );
        if (text === null) continue;
        add(next, text);
        result.cellsWritten++;
        changed = true;
      }
    };
    for (const cell of cells) {
      addNewCellsBefore(cell.column);
      const reference = `${columnLetter(cell.column)}${number}`;
      const original = xml.slice(cell.start, cell.end);
      const keep = cell.hasReference
        ? original
        : original.replace(/^<(\S+?)(\s|\/?>)/, `<$1 r="${reference}"$2`);
      const value = columns[cell.column];
      if (value === undefined || sameCellValue(cell.value, value)) {
        add(cell.column, keep);
        continue;
      }
      if (covered(number, cell.column)) {
        result.warnings.push(
          `${where(number, cell.column)} is covered by merged cells, so it was not written`,
        );
        add(cell.column, keep);
        continue;
      }
      const text = withPrefix(cellXml(reference, value, cell.style, context), span.prefix);
      if (cell.hasFormula) formulaRemoved = true;
      if (text !== null) add(cell.column, text);
      result.cellsWritten++;
      changed = true;
    }
    addNewCellsBefore(columns.length);
    if (!changed) return null;
    return rowXml(
      existing,
      number,
      pieces.join(''),
      Math.max(firstColumn, 0),
      Math.max(lastColumn, 0),
      span.prefix,
    );
  };

  // Rows keep their order: rewritten rows replace theirs, new ones go where their number belongs.
  let targetCells = 0;
  for (const columns of targets.values()) targetCells += columns.length;
  const sink = new Utf8Sink(Math.ceil(xml.length * 1.05) + targetCells * 64);
  const emptyElement = span.emptyElement;
  const head = emptyElement ? xml.slice(0, emptyElement.start) : xml.slice(0, span.contentStart);
  sink.write(growDimension(head, maxRow, maxColumn));
  if (emptyElement) sink.write(`<${emptyElement.qualifiedName}>`);
  const newNumbers = [...targets.keys()].filter((number) => !byNumber.has(number)).sort((a, b) => a - b);
  let nextNew = 0;
  let copiedTo = span.contentStart;
  const writeNewRowsBefore = (limit: number) => {
    for (; nextNew < newNumbers.length && newNumbers[nextNew]! < limit; nextNew++) {
      const number = newNumbers[nextNew]!;
      const text = rewriteRow(number, targets.get(number)!);
      if (text !== null) sink.write(text);
    }
  };
  for (const row of rows) {
    if (nextNew < newNumbers.length && newNumbers[nextNew]! < row.number) {
      sink.write(xml.slice(copiedTo, row.start));
      copiedTo = row.start;
      writeNewRowsBefore(row.number);
    }
    const columns = targets.get(row.number);
    const replacement = columns ? rewriteRow(row.number, columns) : null;
    if (replacement !== null) {
      sink.write(xml.slice(copiedTo, row.start));
      sink.write(replacement);
      copiedTo = row.end;
    } else if (!row.hasReference) {
      // Give implicit rows their number, so rows inserted before them cannot shift them.
      sink.write(xml.slice(copiedTo, row.start));
      sink.write(withRowReference(row.openTag, row.number));
      copiedTo = row.start + row.openTag.length;
    }
  }
  sink.write(xml.slice(copiedTo, span.contentEnd));
  writeNewRowsBefore(Number.POSITIVE_INFINITY);
  if (emptyElement) {
    sink.write(`</${emptyElement.qualifiedName}>`);
    sink.write(xml.slice(emptyElement.end));
  } else {
    sink.write(xml.slice(span.contentEnd));
  }
  if (result.cellsWritten === writtenBefore) return { bytes: null, formulaRemoved: false };
  return { bytes: sink.bytes(), formulaRemoved };
}

/** A new cell's elements in the part's namespace prefix, when it uses one (`<x:c>`). */
function withPrefix(cell: string | null, prefix: string): string | null {
  if (cell === null || prefix === '') return cell;
  return cell.replace(/<(\/?)(c|v|is|t)(?=[\s>/])/g, `<$1${prefix}$2`);
}

function textOf(value: CellValue): string {
  if (value === null) return '';
  return (value instanceof Date ? value.toISOString() : String(value)).trim();
}

/** The last row holding any value (1 when only the header does): appends go below it. */
function lastUsedRow(rows: RowElement[], cellsOf: (number: number) => PlacedCell[]): number {
  for (let index = rows.length - 1; index >= 0; index--) {
    const row = rows[index]!;
    if (row.number <= 1) break;
    if (cellsOf(row.number).some((cell) => cell.value !== null)) return row.number;
  }
  return 1;
}

/** A row's own default style (`customFormat="1" s="N"`), which Excel gives new cells in it. */
function rowDefaultStyle(openTag: string): string | undefined {
  if (!/\bcustomFormat\s*=\s*["'](1|true)["']/.test(openTag)) return undefined;
  return /\bs\s*=\s*["'](\d+)["']/.exec(openTag)?.[1];
}

function withRowReference(openTag: string, number: number): string {
  return openTag.replace(/^<(\S+?)(\s|\/?>)/, `<$1 r="${number}"$2`);
}

/** The row element with new content; an existing row keeps its attributes, spans widened. */
function rowXml(
  existing: RowElement | undefined,
  number: number,
  content: string,
  firstColumn: number,
  lastColumn: number,
  prefix: string,
): string {
  if (!existing) return `<${prefix}row r="${number}">${content}</${prefix}row>`;
  let open = existing.hasReference ? existing.openTag : withRowReference(existing.openTag, number);
  const spans = /\bspans\s*=\s*["'](\d+):(\d+)["']/.exec(open);
  if (spans) {
    const from = Math.min(Number(spans[1]), firstColumn + 1);
    const to = Math.max(Number(spans[2]), lastColumn + 1);
    open = open.replace(spans[0], `spans="${from}:${to}"`);
  }
  if (existing.selfClosing) {
    const qualifiedName = open.slice(1).split(/[\s/>]/, 1)[0]!;
    return `${open.replace(/\s*\/>$/, '>')}${content}</${qualifiedName}>`;
  }
  return `${open}${content}${existing.closeTag}`;
}

/** Widens `<dimension ref>` to cover the cells written (it is a hint, but keep it true). */
function growDimension(xml: string, maxRow: number, maxColumn: number): string {
  if (maxRow === 0 && maxColumn < 0) return xml;
  const match = /<(?:\w+:)?dimension\s[^>]*?ref\s*=\s*["']([^"']*)["']/.exec(xml);
  const sheetData = xml.indexOf('sheetData');
  if (!match || (sheetData >= 0 && match.index > sheetData)) return xml;
  const range = parseRange(match[1]!);
  if (!range) return xml;
  const bottom = Math.max(range.bottom, maxRow);
  const right = Math.max(range.right, maxColumn);
  if (bottom === range.bottom && right === range.right) return xml;
  const ref = `${columnLetter(range.left)}${range.top}:${columnLetter(right)}${bottom}`;
  const start = match.index + match[0].length - match[1]!.length - 1;
  return xml.slice(0, start) + escapeAttribute(ref) + xml.slice(start + match[1]!.length);
}
