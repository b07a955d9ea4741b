/**
 * What the store needs from the styles part: which cell formats show a number as a date (so a date
 * a person typed reads as a date), and, when it must, a cell format to add (a bold header for a new
 * tab, a filled header and a score number format for the columns productops computes, a date
 * format for a written date). Everything else in styles.xml is left alone.
 */
import { CLOSE, END, escapeAttribute, OPEN, XmlReader } from './xml.js';

/** Built-in number formats that are dates or times (ECMA-376 Part 1, 18.8.30, plus East Asian ids). */
const BUILT_IN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54,
  55, 56, 57, 58,
]);

export interface WorkbookStyles {
  /** `isDate[s]`: cell format index s shows its number as a date or time. */
  isDate: boolean[];
}

export function readWorkbookStyles(xml: string | null): WorkbookStyles {
  const isDate: boolean[] = [];
  if (xml === null) return { isDate };
  const customFormats = new Map<number, string>();
  const reader = new XmlReader(xml);
  let inCellFormats = false;
  for (let kind = reader.next(); kind !== END; kind = reader.next()) {
    if (kind === OPEN) {
      if (reader.name === 'numFmt') {
        customFormats.set(Number(reader.attribute('numFmtId')), reader.attribute('formatCode') ?? '');
      } else if (reader.name === 'cellXfs') {
        inCellFormats = !reader.selfClosing;
      } else if (reader.name === 'xf' && inCellFormats) {
        const id = Number(reader.attribute('numFmtId') ?? 0);
        const custom = customFormats.get(id);
        isDate.push(custom !== undefined ? isDateFormatCode(custom) : BUILT_IN_DATE_FORMATS.has(id));
        reader.skipElement();
      }
    } else if (kind === CLOSE && reader.name === 'cellXfs') {
      inCellFormats = false;
    }
  }
  return { isDate };
}

/** Whether a format code shows dates or times: d, m, y, h or s outside quotes, escapes and brackets. */
export function isDateFormatCode(code: string): boolean {
  // Only the first section decides, as it is the one for positive numbers.
  const section = code.split(';')[0] ?? '';
  const bare = section
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/_./g, '')
    .replace(/\*./g, '')
    .replace(/\[(?!h+\]|m+\]|s+\])[^\]]*\]/gi, '');
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

/** The date format given to dates the store writes. */
export const DATE_FORMAT_CODE = 'yyyy-mm-dd hh:mm:ss';

/**
 * Cells of the score columns `init` adds: thousands separators and two decimals (built-in number
 * format 4, `#,##0.00`, ECMA-376 Part 1, 18.8.30). Every spreadsheet application knows the built-in
 * id without a `<numFmt>` entry. `#,##0.##` would show at most two decimals, but Excel and Google
 * Sheets then show a whole number with a dangling separator (`12.`); only LibreOffice hides it.
 */
export const SCORE_NUMBER_FORMAT_ID = 4;

/** The fill of the header cells of columns productops computes: Excel's light blue (Accent 1, 80%). */
export const COMPUTED_HEADER_FILL_RGB = 'FFDDEBF7';

/**
 * The cell formats the store adds. `boldHeader`: a new tab's header cell. `computedHeader`: the
 * header of a column productops computes (bold, filled). `date`: a date the store writes. `score`:
 * a score column's data cells (`SCORE_NUMBER_FORMAT_ID`).
 */
export type CellFormatKind = 'boldHeader' | 'computedHeader' | 'date' | 'score';

/**
 * The index of a cell format for `kind`, reusing an existing one when the workbook has it, or
 * adding one (a font for bold, a fill, a number format for dates). Returns the new styles text too.
 */
export function ensureCellFormat(xml: string, kind: CellFormatKind): { index: number; xml: string } {
  const parsed = scanCellFormats(xml);
  if (kind === 'date') {
    const existing = parsed.formats.findIndex(
      (format) => parsed.numberFormats.get(format.numFmtId) === DATE_FORMAT_CODE && format.plain,
    );
    if (existing >= 0) return { index: existing, xml };
    let id = 164;
    while (parsed.numberFormats.has(id)) id++;
    let next = addToList(
      xml,
      'numFmts',
      `<numFmt numFmtId="${id}" formatCode="${escapeAttribute(DATE_FORMAT_CODE)}"/>`,
      'fonts',
    );
    next = addToList(
      next,
      'cellXfs',
      `<xf numFmtId="${id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`,
    );
    return { index: parsed.formats.length, xml: next };
  }
  if (kind === 'score') {
    const existing = parsed.formats.findIndex(
      (format) => format.numFmtId === SCORE_NUMBER_FORMAT_ID && format.plain && format.fontId === 0,
    );
    if (existing >= 0) return { index: existing, xml };
    const next = addToList(
      xml,
      'cellXfs',
      `<xf numFmtId="${SCORE_NUMBER_FORMAT_ID}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`,
    );
    return { index: parsed.formats.length, xml: next };
  }
  const boldHeader = parsed.formats.findIndex(
    (format) => format.numFmtId === 0 && format.plain && parsed.boldFonts.has(format.fontId),
  );
  if (kind === 'boldHeader' && boldHeader >= 0) return { index: boldHeader, xml };
  if (kind === 'computedHeader' && parsed.computedFill >= 0) {
    const existing = parsed.formats.findIndex(
      (format) =>
        format.numFmtId === 0 &&
        format.fillId === parsed.computedFill &&
        format.borderId === 0 &&
        parsed.boldFonts.has(format.fontId),
    );
    if (existing >= 0) return { index: existing, xml };
  }
  let next = xml;
  let fontIndex = boldHeader >= 0 ? parsed.formats[boldHeader]!.fontId : -1;
  if (fontIndex < 0) {
    fontIndex = parsed.fontCount;
    next = addToList(next, 'fonts', `<font><b/>${parsed.firstFontBody}</font>`);
  }
  if (kind === 'boldHeader') {
    next = addToList(
      next,
      'cellXfs',
      `<xf numFmtId="0" fontId="${fontIndex}" fillId="0" borderId="0" xfId="0" applyFont="1"/>`,
    );
    return { index: parsed.formats.length, xml: next };
  }
  let fillIndex = parsed.computedFill;
  if (fillIndex < 0) {
    const fill = `<fill><patternFill patternType="solid"><fgColor rgb="${COMPUTED_HEADER_FILL_RGB}"/><bgColor indexed="64"/></patternFill></fill>`;
    if (parsed.hasFills) {
      fillIndex = parsed.fillCount;
      next = addToList(next, 'fills', fill);
    } else {
      // Fills 0 and 1 are reserved (none, gray125): a styles part without a fill list gets them first.
      fillIndex = 2;
      const reserved =
        '<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>';
      next = withCountOf(addToList(next, 'fills', reserved + fill, 'borders'), 'fills', 3);
    }
  }
  next = addToList(
    next,
    'cellXfs',
    `<xf numFmtId="0" fontId="${fontIndex}" fillId="${fillIndex}" borderId="0" xfId="0" applyFont="1" applyFill="1"/>`,
  );
  return { index: parsed.formats.length, xml: next };
}

interface ScannedFormat {
  numFmtId: number;
  fontId: number;
  fillId: number;
  borderId: number;
  /** No fill, border or alignment of its own. */
  plain: boolean;
}

function scanCellFormats(xml: string) {
  const numberFormats = new Map<number, string>();
  const formats: ScannedFormat[] = [];
  const boldFonts = new Set<number>();
  let fontCount = 0;
  let firstFontBody = '';
  let fillCount = 0;
  let hasFills = false;
  /** The fill `computedHeader` uses, when the workbook already has it (a solid fill of that colour). */
  let computedFill = -1;
  let solidFill = false;
  let section = '';
  const lists = ['fonts', 'fills', 'cellXfs'];
  const reader = new XmlReader(xml);
  for (let kind = reader.next(); kind !== END; kind = reader.next()) {
    if (kind === CLOSE && lists.includes(reader.name)) section = '';
    if (kind !== OPEN) continue;
    if (lists.includes(reader.name)) {
      if (reader.name === 'fills') hasFills = true;
      section = reader.selfClosing ? '' : reader.name;
    } else if (reader.name === 'fill' && section === 'fills') {
      fillCount++;
      solidFill = false;
    } else if (reader.name === 'patternFill' && section === 'fills') {
      solidFill = reader.attribute('patternType') === 'solid';
    } else if (reader.name === 'fgColor' && section === 'fills') {
      const rgb = reader.attribute('rgb')?.toUpperCase();
      if (solidFill && rgb === COMPUTED_HEADER_FILL_RGB && computedFill < 0) computedFill = fillCount - 1;
    } else if (reader.name === 'numFmt') {
      numberFormats.set(Number(reader.attribute('numFmtId')), reader.attribute('formatCode') ?? '');
    } else if (reader.name === 'font' && section === 'fonts') {
      const index = fontCount++;
      const start = reader.end;
      let bold = false;
      if (!reader.selfClosing) {
        let depth = 1;
        let bodyEnd = start;
        while (depth > 0) {
          const inner = reader.next();
          if (inner === END) break;
          if (inner === OPEN && (reader.name as string) === 'b') {
            const value = reader.attribute('val');
            bold = value === undefined || value === '1' || value === 'true';
          }
          if (inner === OPEN && !reader.selfClosing) depth++;
          else if (inner === CLOSE) depth--;
          bodyEnd = reader.start;
        }
        if (index === 0) firstFontBody = xml.slice(start, bodyEnd).replace(/<(\w+:)?b(\s[^>]*)?\/>/g, '');
      }
      if (bold) boldFonts.add(index);
    } else if (reader.name === 'xf' && section === 'cellXfs') {
      const fill = Number(reader.attribute('fillId') ?? 0);
      const border = Number(reader.attribute('borderId') ?? 0);
      formats.push({
        numFmtId: Number(reader.attribute('numFmtId') ?? 0),
        fontId: Number(reader.attribute('fontId') ?? 0),
        fillId: fill,
        borderId: border,
        plain: fill === 0 && border === 0 && reader.selfClosing,
      });
    }
  }
  return { numberFormats, formats, boldFonts, fontCount, firstFontBody, fillCount, hasFills, computedFill };
}

/**
 * Appends an element to a list element of styles.xml (`<fonts>`, `<fills>`, `<cellXfs>`, `<numFmts>`)
 * and moves its `count` on. A missing list is created before `beforeWhenMissing`.
 */
function addToList(xml: string, list: string, element: string, beforeWhenMissing?: string): string {
  const reader = new XmlReader(xml);
  for (let kind = reader.next(); kind !== END; kind = reader.next()) {
    if (kind === OPEN && reader.name === list) {
      const openStart = reader.start;
      const openEnd = reader.end;
      const qualified = xml.slice(openStart + 1).split(/[\s/>]/)[0]!;
      if (reader.selfClosing) {
        const open = xml.slice(openStart, openEnd - 2).replace(/\s*$/, '');
        return `${xml.slice(0, openStart)}${withCount(`${open}>`, 1)}${element}</${qualified}>${xml.slice(openEnd)}`;
      }
      let count = 0;
      let depth = 1;
      let closeStart = openEnd;
      while (depth > 0) {
        const inner = reader.next();
        if (inner === END) break;
        if (inner === OPEN) {
          if (depth === 1) count++;
          if (!reader.selfClosing) depth++;
        } else if (inner === CLOSE) {
          depth--;
          closeStart = reader.start;
        }
      }
      const open = withCount(xml.slice(openStart, openEnd), count + 1);
      return (
        xml.slice(0, openStart) + open + xml.slice(openEnd, closeStart) + element + xml.slice(closeStart)
      );
    }
  }
  if (!beforeWhenMissing) throw new Error(`styles.xml has no <${list}>`);
  const anchor = new RegExp(`<(\\w+:)?${beforeWhenMissing}[\\s>/]`).exec(xml);
  if (!anchor) throw new Error(`styles.xml has no <${beforeWhenMissing}>`);
  const prefix = anchor[1] ?? '';
  return `${xml.slice(0, anchor.index)}<${prefix}${list} count="1">${element}</${prefix}${list}>${xml.slice(anchor.index)}`;
}

/** Sets the `count` of the first `<list>` element. */
function withCountOf(xml: string, list: string, count: number): string {
  const open = new RegExp(`<(\\w+:)?${list}(\\s[^>]*)?>`).exec(xml);
  if (!open) return xml;
  return xml.slice(0, open.index) + withCount(open[0], count) + xml.slice(open.index + open[0].length);
}

function withCount(openTag: string, count: number): string {
  if (/\scount="\d*"/.test(openTag)) return openTag.replace(/\scount="\d*"/, ` count="${count}"`);
  return openTag.replace(/\s*(\/?>)$/, ` count="${count}"$1`);
}
