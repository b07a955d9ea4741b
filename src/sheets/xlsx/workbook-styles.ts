/**
 * What the store needs from the styles part: which cell formats show a number as a date (so a date
 * a person typed reads as a date), and, when it must, a cell format to add (a bold header for a new
 * tab, a date format for a written date). Everything else in styles.xml is left alone.
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
 * The index of a cell format for `kind`, reusing an existing one when the workbook has it, or
 * adding one (a font for bold, a number format for dates). Returns the new styles text too.
 */
export function ensureCellFormat(xml: string, kind: 'boldHeader' | 'date'): { index: number; xml: string } {
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
  const existing = parsed.formats.findIndex(
    (format) => format.numFmtId === 0 && format.plain && parsed.boldFonts.has(format.fontId),
  );
  if (existing >= 0) return { index: existing, xml };
  const fontIndex = parsed.fontCount;
  let next = addToList(xml, 'fonts', `<font><b/>${parsed.firstFontBody}</font>`);
  next = addToList(
    next,
    'cellXfs',
    `<xf numFmtId="0" fontId="${fontIndex}" fillId="0" borderId="0" xfId="0" applyFont="1"/>`,
  );
  return { index: parsed.formats.length, xml: next };
}

interface ScannedFormat {
  numFmtId: number;
  fontId: number;
  /** No fill, border or alignment of its own. */
  plain: boolean;
}

function scanCellFormats(xml: string) {
  const numberFormats = new Map<number, string>();
  const formats: ScannedFormat[] = [];
  const boldFonts = new Set<number>();
  let fontCount = 0;
  let firstFontBody = '';
  let section = '';
  const reader = new XmlReader(xml);
  for (let kind = reader.next(); kind !== END; kind = reader.next()) {
    if (kind === CLOSE && (reader.name === 'fonts' || reader.name === 'cellXfs')) section = '';
    if (kind !== OPEN) continue;
    if (reader.name === 'fonts' || reader.name === 'cellXfs') {
      section = reader.selfClosing ? '' : reader.name;
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
        plain: fill === 0 && border === 0 && reader.selfClosing,
      });
    }
  }
  return { numberFormats, formats, boldFonts, fontCount, firstFontBody };
}

/**
 * Appends an element to a list element of styles.xml (`<fonts>`, `<cellXfs>`, `<numFmts>`) and
 * moves its `count` on. A missing `<numFmts>` is created before `beforeWhenMissing`.
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

function withCount(openTag: string, count: number): string {
  if (/\scount="\d*"/.test(openTag)) return openTag.replace(/\scount="\d*"/, ` count="${count}"`);
  return openTag.replace(/\s*(\/?>)$/, ` count="${count}"$1`);
}
