/**
 * Cells in a worksheet's XML (ECMA-376 Part 1, 18.3.1.4 `<c>`) and the store's raw `CellValue`s.
 *
 * Reading gives what a person sees: a formula's saved result (a boolean saved as `TRUE()` by
 * LibreOffice included), the text of shared and inline strings, a date for a number shown with a
 * date format, an error's text. Writing stores plain values only: text as an inline string (so the
 * shared strings part is never touched), numbers, booleans, and dates as serial numbers with a
 * date format. A string is always text and never becomes a formula.
 */
import { FormulaWithoutResult } from '../../shared/values.js';
import type { CellValue } from '../sheet-store.js';
import { CLOSE, decodeOoxmlText, END, encodeOoxmlText, escapeText, OPEN, TEXT, XmlReader } from './xml.js';

/** Excel refuses longer text in a cell and "repairs" the file (Excel specifications and limits). */
export const MAX_CELL_TEXT_LENGTH = 32_767;

/** What a read needs besides the cell itself. */
export interface CellContext {
  sharedStrings: string[];
  isDateStyle: boolean[];
  date1904: boolean;
  /** Texts read so far, so 40,000 cells saying `MATH_MODEL` keep one string (see `ownText`). */
  texts?: Map<string, string>;
}

/** Texts up to this length are shared between cells; longer ones are rarely repeated. */
const MAX_SHARED_TEXT_LENGTH = 64;

/**
 * A string the rows may keep. The reader's strings are slices of the part's XML, and V8 keeps the
 * whole parent string alive for a slice of 13 characters or more, so a kept cell text could hold a
 * 20 MB worksheet in memory; this copies it out, and shares one copy of each short text.
 */
export function ownText(text: string, texts?: Map<string, string>): string {
  if (texts && text.length <= MAX_SHARED_TEXT_LENGTH) {
    const known = texts.get(text);
    if (known !== undefined) return known;
    const own = copyOf(text);
    texts.set(own, own);
    return own;
  }
  return copyOf(text);
}

function copyOf(text: string): string {
  // Short strings are never slices; a longer one is flattened into a new string of its own.
  return text.length < 13 ? text : ` ${text}`.slice(1);
}

/** One `<c>` element as read. */
export interface CellElement {
  /** 0-based column; -1 when the cell has no reference (it follows the previous cell). */
  column: number;
  value: CellValue;
  /** The `s` attribute as written, or undefined. */
  style: string | undefined;
  hasFormula: boolean;
}

/** Column letters (`AB`) at the start of a cell reference, as a 0-based index; -1 if none. */
export function columnOfReference(reference: string): number {
  let column = 0;
  let index = 0;
  for (; index < reference.length; index++) {
    const code = reference.charCodeAt(index);
    if (code >= 65 && code <= 90) column = column * 26 + (code - 64);
    else if (code >= 97 && code <= 122) column = column * 26 + (code - 96);
    else if (code !== 36 /* $ */) break;
  }
  return column - 1;
}

/**
 * Reads the `<c>` element the reader is on (an OPEN token) through its end. On return the
 * reader's `end` is just past the element.
 */
export function readCellElement(reader: XmlReader, context: CellContext): CellElement {
  const reference = reader.attribute('r');
  const style = reader.attribute('s');
  const type = reader.attribute('t') ?? 'n';
  const column = reference === undefined ? -1 : columnOfReference(reference);
  let formula: string | null = null;
  let saved: string | null = null;
  let inline: string | null = null;
  if (!reader.selfClosing) {
    let depth = 1;
    while (depth > 0) {
      const kind = reader.next();
      if (kind === END) break;
      if (kind === CLOSE) {
        depth--;
      } else if (kind === OPEN) {
        if (depth === 1 && reader.name === 'v') saved = reader.elementText();
        else if (depth === 1 && reader.name === 'f') formula = reader.elementText();
        else if (depth === 1 && reader.name === 'is') inline = readStringItem(reader);
        else if (!reader.selfClosing) depth++;
      }
    }
  }
  return {
    column,
    style,
    hasFormula: formula !== null,
    value: cellValue(type, saved, formula, inline, style, context),
  };
}

function cellValue(
  type: string,
  saved: string | null,
  formula: string | null,
  inline: string | null,
  style: string | undefined,
  context: CellContext,
): CellValue {
  const hasResult = saved !== null && saved !== '';
  if (!hasResult && formula !== null && type !== 'str' && type !== 'inlineStr') {
    // LibreOffice saves every boolean as the formula TRUE() or FALSE(); a program that keeps
    // formulas but not results (openpyxl) then leaves it with no result. Its value is still plain.
    const bare = formula.trim().replace(/^=/, '').toUpperCase();
    if (bare === 'TRUE()' || bare === 'TRUE') return true;
    if (bare === 'FALSE()' || bare === 'FALSE') return false;
    return new FormulaWithoutResult(ownText(formula.trim()));
  }
  switch (type) {
    case 's': {
      const text = hasResult ? context.sharedStrings[Number(saved)] : undefined;
      return text === undefined || text === '' ? null : text;
    }
    case 'inlineStr': {
      const text = inline === null || inline === '' ? (saved ? decodeOoxmlText(saved) : null) : inline;
      return text === null ? null : ownText(text, context.texts);
    }
    case 'str':
      return hasResult ? ownText(decodeOoxmlText(saved!), context.texts) : null;
    case 'b':
      if (!hasResult) return null;
      return saved === '1' || saved!.toLowerCase() === 'true';
    case 'e':
      return hasResult ? ownText(saved!, context.texts) : null;
    case 'd': {
      if (!hasResult) return null;
      const date = new Date(saved!);
      return Number.isNaN(date.getTime()) ? null : date;
    }
    default: {
      if (!hasResult) return null;
      const number = Number(saved);
      if (!Number.isFinite(number)) return null;
      const styleIndex = style === undefined ? 0 : Number(style);
      return context.isDateStyle[styleIndex] ? serialToDate(number, context.date1904) : number;
    }
  }
}

/** The text of a string item (`<si>` or `<is>`): plain `<t>` or rich-text runs, without phonetic runs. */
export function readStringItem(reader: XmlReader): string {
  if (reader.selfClosing) return '';
  let depth = 1;
  let text = '';
  let inPhonetic = 0;
  let inText = false;
  while (depth > 0) {
    const kind = reader.next();
    if (kind === END) break;
    if (kind === OPEN) {
      if (reader.name === 'rPh') inPhonetic++;
      if (reader.name === 't' && inPhonetic === 0) inText = !reader.selfClosing;
      if (!reader.selfClosing) depth++;
      else if (reader.name === 'rPh') inPhonetic--;
    } else if (kind === CLOSE) {
      depth--;
      if (reader.name === 'rPh') inPhonetic--;
      if (reader.name === 't') inText = false;
    } else if (kind === TEXT && inText) {
      text += reader.text();
    }
  }
  return decodeOoxmlText(text);
}

/** Days between 1899-12-30 (serial 0 in Excel's 1900 system, after its leap-year bug) and 1970-01-01. */
const EPOCH_1900 = 25_569;
/** The 1904 system starts 1,462 days later. */
const EPOCH_1904 = EPOCH_1900 - 1_462;
const DAY_MS = 86_400_000;

export function serialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - (date1904 ? EPOCH_1904 : EPOCH_1900)) * DAY_MS));
}

export function dateToSerial(date: Date, date1904: boolean): number {
  return date.getTime() / DAY_MS + (date1904 ? EPOCH_1904 : EPOCH_1900);
}

/** Whether writing `next` over `current` would change what a person sees. */
export function sameCellValue(current: CellValue, next: CellValue): boolean {
  if (current instanceof Date || next instanceof Date) {
    return current instanceof Date && next instanceof Date && current.getTime() === next.getTime();
  }
  if (current instanceof FormulaWithoutResult || next instanceof FormulaWithoutResult) return false;
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
  if (value instanceof FormulaWithoutResult) return { value: String(value) };
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

/**
 * The `<c>` element for a prepared value at `reference`, keeping the cell's style `style`; null
 * for an empty cell with no style (the element is simply left out). `dateStyle` is the style to
 * use for a date in a cell whose own format is not a date format.
 */
export function cellXml(
  reference: string,
  value: CellValue,
  style: string | undefined,
  dates: { date1904: boolean; dateStyle: () => string; isDateStyle: boolean[] },
): string | null {
  const styleAttribute = (s: string | undefined) => (s === undefined ? '' : ` s="${s}"`);
  if (value === null) return style === undefined ? null : `<c r="${reference}"${styleAttribute(style)}/>`;
  if (typeof value === 'number') return `<c r="${reference}"${styleAttribute(style)}><v>${value}</v></c>`;
  if (typeof value === 'boolean') {
    return `<c r="${reference}"${styleAttribute(style)} t="b"><v>${value ? 1 : 0}</v></c>`;
  }
  if (value instanceof Date) {
    const keeps = style !== undefined && dates.isDateStyle[Number(style)];
    const serial = dateToSerial(value, dates.date1904);
    return `<c r="${reference}"${styleAttribute(keeps ? style : dates.dateStyle())}><v>${serial}</v></c>`;
  }
  const text = encodeOoxmlText(String(value));
  const space = /^\s|\s$|\n/.test(text) ? ' xml:space="preserve"' : '';
  return `<c r="${reference}"${styleAttribute(style)} t="inlineStr"><is><t${space}>${escapeText(text)}</t></is></c>`;
}

/** The shared strings part's items, in order (a cell `t="s"` holds an index into them). */
export function readSharedStrings(xml: string | null): string[] {
  const strings: string[] = [];
  if (xml === null) return strings;
  const reader = new XmlReader(xml);
  for (let kind = reader.next(); kind !== END; kind = reader.next()) {
    if (kind === OPEN && reader.name === 'si') strings.push(ownText(readStringItem(reader)));
  }
  return strings;
}
