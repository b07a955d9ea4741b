/**
 * Converting between Sheets API values and the store's raw `CellValue`s. Reads ask for
 * `UNFORMATTED_VALUE` (numbers and booleans as JSON, so `4%` arrives as 0.04 and `£1,200` as 1200;
 * a formula as its result) with date-times as `FORMATTED_STRING`; writes use `RAW`, so a string is
 * always stored as text and never becomes a formula or a number.
 */
import { type CellValue, FormulaWithoutResult } from '../sheet-store.js';

/** Google refuses longer text in one cell ("Your input contains more than the maximum of 50000 characters"). */
export const MAX_CELL_TEXT_LENGTH = 50_000;

/** A value in a `values` response; an empty string is an empty cell inside a ragged row. */
export function readCellValue(raw: unknown): CellValue {
  if (typeof raw === 'string') return raw === '' ? null : raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw === 'boolean') return raw;
  return null;
}

/** Whether writing `next` over `current` would change what a person sees. */
export function sameCellValue(current: CellValue, next: CellValue): boolean {
  if (current instanceof Date || next instanceof Date) {
    const text = (value: CellValue) => (value instanceof Date ? value.toISOString() : value);
    return text(current) === text(next);
  }
  return current === next;
}

/** A value the spreadsheet can hold, plus the reason when it had to be changed to fit. */
export interface PreparedValue {
  value: string | number | boolean | null;
  problem?: string;
}

/**
 * Makes a value storable: `''` becomes empty, a date becomes its ISO-8601 UTC text (SHEETS.md: dates
 * written by the backend are ISO-8601 UTC), non-finite numbers are cleared and over-long text is cut
 * at Google's limit, each with a problem for the run summary.
 */
export function prepareCellValue(value: CellValue): PreparedValue {
  if (value === null || value === '') return { value: null };
  // Never written by the flows; a read value passed back is kept as the formula's text.
  if (value instanceof FormulaWithoutResult) return { value: String(value) };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime()))
      return { value: null, problem: 'an invalid date; the cell was cleared' };
    return { value: value.toISOString() };
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { value: null, problem: `${value} is not a number a spreadsheet can hold; the cell was cleared` };
  }
  if (typeof value === 'string' && value.length > MAX_CELL_TEXT_LENGTH) {
    return {
      value: value.slice(0, MAX_CELL_TEXT_LENGTH),
      problem: `text of ${value.length} characters was cut to Google's limit of ${MAX_CELL_TEXT_LENGTH}`,
    };
  }
  return { value };
}

/** The JSON a write sends for a prepared value: `""` clears the cell (a JSON null would skip it). */
export function apiValue(value: string | number | boolean | null): string | number | boolean {
  return value ?? '';
}

/** Text of a key cell, compared trimmed, as the xlsx store compares it. */
export function keyText(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  return (value instanceof Date ? value.toISOString() : String(value)).trim();
}
