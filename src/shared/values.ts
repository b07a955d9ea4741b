/**
 * How cell values become numbers and booleans (SHEETS.md "Values"). Numbers may arrive as numbers
 * or as text with thousands separators, a leading currency sign and a trailing `%`. Anything else
 * that is not blank is a bad value, reported with the cell quoted; it is never read as 0.
 */

/**
 * A formula cell whose file holds no calculated result: a program that does not calculate (a
 * script, a converter) wrote it and no spreadsheet application has saved it since. Its value is
 * unknown, which is neither blank nor a bad value, so it gets a message of its own.
 */
export class FormulaWithoutResult {
  constructor(readonly formula: string) {}
  toString(): string {
    return this.formula ? `=${this.formula}` : '(a formula)';
  }
}

function noSavedResult(raw: FormulaWithoutResult): { kind: 'bad'; message: string } {
  return {
    kind: 'bad',
    message: `${quoteCell(String(raw))} has no saved result: it is a formula written by a program that does not calculate. Open the workbook in Excel or LibreOffice, save it, and run again`,
  };
}

export type Parsed<T> = { kind: 'blank' } | { kind: 'ok'; value: T } | { kind: 'bad'; message: string };

const BLANK = { kind: 'blank' } as const;

export function isBlank(raw: unknown): boolean {
  return raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '');
}

/** Quotes a cell for a message: `'abc'`, shortened when long. */
export function quoteCell(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : String(raw);
  return `'${text.length > 40 ? `${text.slice(0, 37)}…` : text}'`;
}

/** How to write a number that `parseNumber` reads, for messages about a bad one. */
export const NUMBER_HINT = 'write a number, e.g. 1200, 4% or £1,200';

// 1,234,567.89 | 1234567.89 | .5 | 1e6; grouping commas must be in threes.
const NUMBER_TEXT = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export function parseNumber(raw: unknown): Parsed<number> {
  if (isBlank(raw)) return BLANK;
  if (typeof raw === 'number') {
    return Number.isFinite(raw)
      ? { kind: 'ok', value: raw }
      : { kind: 'bad', message: `${quoteCell(raw)} is not a number` };
  }
  if (raw instanceof FormulaWithoutResult) return noSavedResult(raw);
  if (typeof raw === 'boolean' || typeof raw !== 'string') {
    return { kind: 'bad', message: `${quoteCell(raw)} is not a number` };
  }
  let text = raw.trim().replace(/\u00a0/g, '');
  let negative = false;
  if (text.startsWith('-')) {
    negative = true;
    text = text.slice(1).trim();
  }
  if (/^[£$€]/.test(text)) text = text.slice(1).trim();
  let scale = 1;
  if (text.endsWith('%')) {
    scale = 0.01;
    text = text.slice(0, -1).trim();
  }
  if (text === '' || !/\d/.test(text) || !NUMBER_TEXT.test(text)) {
    return { kind: 'bad', message: `${quoteCell(raw)} is not a number` };
  }
  const value = Number(text.replace(/,/g, '')) * scale * (negative ? -1 : 1);
  if (!Number.isFinite(value)) return { kind: 'bad', message: `${quoteCell(raw)} is not a number` };
  return { kind: 'ok', value };
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'x']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);

/** Checked box, TRUE/FALSE, yes/no, y/n, 1/0, x (true); blank is false. */
export function parseBoolean(raw: unknown): Parsed<boolean> {
  if (isBlank(raw)) return { kind: 'ok', value: false };
  if (typeof raw === 'boolean') return { kind: 'ok', value: raw };
  if (raw instanceof FormulaWithoutResult) return noSavedResult(raw);
  if (typeof raw === 'number') {
    if (raw === 1 || raw === 0) return { kind: 'ok', value: raw === 1 };
    return { kind: 'bad', message: `${quoteCell(raw)} is not TRUE or FALSE` };
  }
  const text = String(raw).trim().toLowerCase();
  if (TRUE_WORDS.has(text)) return { kind: 'ok', value: true };
  if (FALSE_WORDS.has(text)) return { kind: 'ok', value: false };
  return { kind: 'bad', message: `${quoteCell(raw)} is not TRUE or FALSE` };
}

/** Text cells: numbers and booleans are shown as a person sees them; blank is ''. */
export function cellText(raw: unknown): string {
  if (raw === null || raw === undefined) return '';
  if (raw instanceof Date) return raw.toISOString();
  return String(raw).trim();
}
