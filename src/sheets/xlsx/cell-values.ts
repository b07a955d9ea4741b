/**
 * Converting between exceljs cells and the store's raw `CellValue`s. Reading flattens what a person
 * sees (a formula's cached result, a link's text, an error's text); writing stores plain values only,
 * so a string is always text and never becomes a formula.
 */

import type { Cell } from 'exceljs';
import ExcelJS from 'exceljs';
import type { CellValue } from '../sheet-store.js';

/** Excel refuses longer text in a cell and "repairs" the file (Excel specifications and limits). */
export const MAX_CELL_TEXT_LENGTH = 32_767;

/** The value a person sees in the cell; an empty text and a merged-away cell count as empty. */
export function readCellValue(cell: Cell): CellValue {
  // A cell covered by a merge reports its master's value; a person sees it only once.
  if (cell.type === ExcelJS.ValueType.Merge) return null;
  return flatten(cell.value);
}

function flatten(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'object') return null;
  if ('richText' in value && Array.isArray(value.richText)) {
    const text = value.richText.map((run: { text?: unknown }) => String(run.text ?? '')).join('');
    return text === '' ? null : text;
  }
  if ('hyperlink' in value) {
    // A link's text may itself be rich text; a link without text shows its address.
    const text = 'text' in value ? flatten(value.text) : null;
    return text ?? flatten(value.hyperlink);
  }
  if ('formula' in value || 'sharedFormula' in value) {
    // The cached result: what Excel showed when the file was last saved. A file written by a
    // tool that does not calculate has none, which reads as empty.
    return 'result' in value ? flatten(value.result) : null;
  }
  if ('error' in value) return typeof value.error === 'string' ? value.error : null;
  return null;
}

/** Whether writing `next` over `current` would change what a person sees. */
export function sameCellValue(current: CellValue, next: CellValue): boolean {
  if (current instanceof Date || next instanceof Date) {
    return current instanceof Date && next instanceof Date && current.getTime() === next.getTime();
  }
  return current === next;
}

/** A value the workbook can hold, plus the reason when it had to be changed to fit. */
export interface PreparedValue {
  value: CellValue;
  problem?: string;
}

/**
 * Makes a value storable: `''` becomes empty, non-finite numbers are cleared and over-long text is
 * cut at Excel's limit, each with a problem for the run summary.
 */
export function prepareCellValue(value: CellValue): PreparedValue {
  if (value === '') return { value: null };
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { value: null, problem: `${value} is not a number a workbook can hold; the cell was cleared` };
  }
  if (value instanceof Date && Number.isNaN(value.getTime())) {
    return { value: null, problem: 'an invalid date; the cell was cleared' };
  }
  if (typeof value === 'string' && value.length > MAX_CELL_TEXT_LENGTH) {
    return {
      value: value.slice(0, MAX_CELL_TEXT_LENGTH),
      problem: `text of ${value.length} characters was cut to Excel's limit of ${MAX_CELL_TEXT_LENGTH}`,
    };
  }
  return { value };
}

/** Date cells need a date format, or Excel shows the serial number. */
const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/**
 * Stores a prepared value. A string is assigned as a plain string, which exceljs always writes as
 * text (never as `<f>`), so `=A1` typed by the backend stays the text `=A1`.
 */
export function writeCellValue(cell: Cell, value: CellValue): void {
  cell.value = value;
  if (value instanceof Date && !cell.numFmt) {
    // A fresh object: exceljs may share one style object between cells of a row or column.
    cell.style = { ...cell.style, numFmt: DATE_FORMAT };
  }
}
