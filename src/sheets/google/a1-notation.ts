/**
 * A1 notation as the Sheets API reads it. Tab names are always quoted (`'Tab'!A1`), which Google
 * accepts for every name and which keeps names like `A1`, `Q1 2025` or `R&D` from being read as
 * cell references; a `'` inside a name is doubled.
 */

/** `'Tab'`, the whole tab. */
export function quoteTabName(tab: string): string {
  return `'${tab.replace(/'/g, "''")}'`;
}

/** 0-based column index → letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(column: number): string {
  let letters = '';
  for (let n = column + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

/** A block of cells: 1-based rows, 0-based columns, both ends inclusive. */
export function blockRange(
  tab: string,
  firstRow: number,
  firstColumn: number,
  lastRow: number,
  lastColumn: number,
): string {
  const start = `${columnLetters(firstColumn)}${firstRow}`;
  const end = `${columnLetters(lastColumn)}${lastRow}`;
  return `${quoteTabName(tab)}!${start === end ? start : `${start}:${end}`}`;
}

/** One cell, for messages: `Backlog!C5`. */
export function cellName(tab: string, row: number, column: number): string {
  return `${tab}!${columnLetters(column)}${row}`;
}

/** Row 1 of a tab. */
export function headerRowRange(tab: string): string {
  return `${quoteTabName(tab)}!1:1`;
}
