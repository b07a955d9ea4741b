/**
 * What `init` sets up around the columns it adds, in a worksheet's XML: column widths and styles
 * (`<cols>`), dropdowns and header notes (`<dataValidations>`), each inserted where the schema wants it (ECMA-376 Part 1,
 * 18.3.1.99: CT_Worksheet is a sequence, and Excel refuses a part whose elements are out of order).
 * A new tab's whole worksheet part is built here too.
 */
import { columnLetter } from '../read-tab.js';
import { columnOfReference } from './cell-values.js';
import { escapeAttribute, escapeText } from './xml.js';

/** CT_Worksheet's child elements, in the order the schema requires. */
const WORKSHEET_ORDER = [
  'sheetPr',
  'dimension',
  'sheetViews',
  'sheetFormatPr',
  'cols',
  'sheetData',
  'sheetCalcPr',
  'sheetProtection',
  'protectedRanges',
  'scenarios',
  'autoFilter',
  'sortState',
  'dataConsolidate',
  'customSheetViews',
  'mergeCells',
  'phoneticPr',
  'conditionalFormatting',
  'dataValidations',
  'hyperlinks',
  'printOptions',
  'pageMargins',
  'pageSetup',
  'headerFooter',
  'rowBreaks',
  'colBreaks',
  'customProperties',
  'cellWatches',
  'ignoredErrors',
  'smartTags',
  'drawing',
  'legacyDrawing',
  'legacyDrawingHF',
  'drawingHF',
  'picture',
  'oleObjects',
  'controls',
  'webPublishItems',
  'tableParts',
  'extLst',
];

/** Excel caps an inline list at 255 characters and splits it at commas. */
const MAX_LIST_FORMULA_LENGTH = 255;

export interface ListValidation {
  /** e.g. `C2:C1048576`. */
  range: string;
  values: string[];
}

export interface ColumnWidth {
  /** 0-based column. */
  column: number;
  /** In characters, as Excel measures column widths. */
  width: number;
  /** A cell format index: the style Excel (and the store's patcher) give new cells in the column. */
  style?: number;
}

/**
 * The note on the header of a column productops computes. It is a validation's input message, not
 * a comment: every spreadsheet application shows it when the cell is selected, and it needs no
 * comments part, VML drawing or author list.
 */
export const COMPUTED_HEADER_NOTE = {
  title: 'productops',
  text: 'computed by productops — edits are replaced',
};

/** The prefix the part's root element uses (`x:`), so added elements land in the same namespace. */
function prefixOf(xml: string): string {
  const root = /<([\w.-]+:)?worksheet[\s>]/.exec(xml);
  return root?.[1] ?? '';
}

/** The offset of the first top-level element named `name`, or -1. */
function elementOffset(xml: string, name: string, prefix: string): number {
  const match = new RegExp(`<${prefix}${name}[\\s/>]`).exec(xml);
  return match ? match.index : -1;
}

/**
 * Inserts `element` (a child of `<worksheet>` named `name`) before the first existing element the
 * schema puts after it, or before `</worksheet>`.
 */
function insertInOrder(xml: string, name: string, element: string, prefix: string): string {
  const later = WORKSHEET_ORDER.slice(WORKSHEET_ORDER.indexOf(name) + 1);
  const candidates = later.map((other) => elementOffset(xml, other, prefix)).filter((offset) => offset >= 0);
  const at = candidates.length > 0 ? Math.min(...candidates) : xml.lastIndexOf(`</${prefix}worksheet`);
  if (at < 0) throw new Error('the worksheet part has no </worksheet>');
  return xml.slice(0, at) + element + xml.slice(at);
}

/** The 0-based columns whose data rows (2 and below) already have a validation, any kind. */
export function validatedColumns(xml: string): Set<number> {
  const columns = new Set<number>();
  for (const range of validationRanges(xml)) {
    const [from, to = from] = range.split(':');
    const left = columnOfReference(from!);
    const right = columnOfReference(to!);
    const bottom = Number(/\d+$/.exec(to!)?.[0] ?? 1_048_576);
    if (left < 0 || right < 0 || bottom < 2) continue;
    for (let column = left; column <= right; column++) columns.add(column);
  }
  return columns;
}

/** The cell ranges of every validation in a worksheet's XML (`C2:C5000`, `A:A`, `F1`). */
function validationRanges(xml: string): string[] {
  const ranges: string[] = [];
  for (const match of xml.matchAll(/<(?:\w+:)?dataValidation\s[^>]*?sqref\s*=\s*["']([^"']+)["']/g)) {
    ranges.push(...match[1]!.split(/\s+/));
  }
  // Validations whose list is on another tab live in an extension (x14), with their ranges in <xm:sqref>.
  for (const match of xml.matchAll(/<(?:\w+:)?sqref>([^<]+)<\/(?:\w+:)?sqref>/g))
    ranges.push(...match[1]!.split(/\s+/));
  return ranges;
}

function listFormula(values: string[]): string {
  const bad = values.find((value) => value.includes(',') || value.includes('"'));
  if (bad !== undefined) throw new RangeError(`A dropdown value cannot contain a comma or a quote: ${bad}`);
  const formula = `"${values.join(',')}"`;
  if (formula.length > MAX_LIST_FORMULA_LENGTH) {
    throw new RangeError(`A dropdown list is longer than Excel's ${MAX_LIST_FORMULA_LENGTH} characters`);
  }
  return formula;
}

function validationXml(validation: ListValidation, prefix: string): string {
  return (
    `<${prefix}dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="${escapeAttribute(validation.range)}">` +
    `<${prefix}formula1>${escapeText(listFormula(validation.values))}</${prefix}formula1></${prefix}dataValidation>`
  );
}

/** The 0-based columns whose header cell (row 1) already has a validation, any kind. */
export function validatedHeaderColumns(xml: string): Set<number> {
  const columns = new Set<number>();
  for (const range of validationRanges(xml)) {
    const [from, to = from] = range.split(':');
    const left = columnOfReference(from!);
    const right = columnOfReference(to!);
    const top = Number(/\d+$/.exec(from!)?.[0] ?? 1);
    if (left < 0 || right < 0 || top > 1) continue;
    for (let column = left; column <= right; column++) columns.add(column);
  }
  return columns;
}

/** Adds list dropdowns, into the existing `<dataValidations>` (its count moved on) or a new one. */
export function addListValidations(xml: string, validations: ListValidation[]): string {
  const prefix = prefixOf(xml);
  return addValidations(
    xml,
    validations.map((validation) => validationXml(validation, prefix)),
  );
}

/**
 * Adds `COMPUTED_HEADER_NOTE` to the header cells of `columns` (0-based), as one validation that
 * accepts any value and shows the note when the cell is selected.
 */
export function addHeaderNotes(xml: string, columns: number[]): string {
  if (columns.length === 0) return xml;
  const prefix = prefixOf(xml);
  const cells = columns.map((column) => `${columnLetter(column)}1`).join(' ');
  const element =
    `<${prefix}dataValidation allowBlank="1" showInputMessage="1" ` +
    `promptTitle="${escapeAttribute(COMPUTED_HEADER_NOTE.title)}" prompt="${escapeAttribute(COMPUTED_HEADER_NOTE.text)}" ` +
    `sqref="${cells}"/>`;
  return addValidations(xml, [element]);
}

/** Adds `<dataValidation>` elements, into the existing `<dataValidations>` (its count moved on) or a new one. */
function addValidations(xml: string, elements: string[]): string {
  if (elements.length === 0) return xml;
  const prefix = prefixOf(xml);
  const added = elements.join('');
  const existing = new RegExp(`<${prefix}dataValidations(\\s[^>]*)?(/?)>`).exec(xml);
  if (!existing) {
    const element = `<${prefix}dataValidations count="${elements.length}">${added}</${prefix}dataValidations>`;
    return insertInOrder(xml, 'dataValidations', element, prefix);
  }
  const closeTag = `</${prefix}dataValidations>`;
  const openTag = existing[0];
  const count = Number(/\bcount\s*=\s*["'](\d+)["']/.exec(openTag)?.[1] ?? 0) + elements.length;
  const newOpen = /\bcount\s*=/.test(openTag)
    ? openTag.replace(/\bcount\s*=\s*["']\d*["']/, `count="${count}"`).replace(/\/>$/, '>')
    : openTag.replace(/\s*\/?>$/, ` count="${count}">`);
  if (existing[2] === '/') {
    return (
      xml.slice(0, existing.index) + newOpen + added + closeTag + xml.slice(existing.index + openTag.length)
    );
  }
  const close = xml.indexOf(closeTag, existing.index);
  return (
    xml.slice(0, existing.index) +
    newOpen +
    xml.slice(existing.index + openTag.length, close) +
    added +
    xml.slice(close)
  );
}

/** The `<col>` elements in `xml`: 1-based column ranges, with the style a range gives its cells. */
export function readColumnRanges(xml: string): { min: number; max: number; style?: string }[] {
  const ranges: { min: number; max: number; style?: string }[] = [];
  for (const col of xml.matchAll(/<(?:\w+:)?col\s([^>]*?)\/?>/g)) {
    const attributes = col[1]!;
    const min = Number(/\bmin\s*=\s*["'](\d+)["']/.exec(attributes)?.[1]);
    const max = Number(/\bmax\s*=\s*["'](\d+)["']/.exec(attributes)?.[1]);
    const style = /\bstyle\s*=\s*["'](\d+)["']/.exec(attributes)?.[1];
    if (min > 0 && max >= min) ranges.push(style === undefined ? { min, max } : { min, max, style });
  }
  return ranges;
}

/** Sets widths for columns that no `<col>` covers yet; columns a person sized are left alone. */
export function addColumnWidths(xml: string, widths: ColumnWidth[]): string {
  if (widths.length === 0) return xml;
  const prefix = prefixOf(xml);
  const sheetData = elementOffset(xml, 'sheetData', prefix);
  const colsMatch = new RegExp(`<${prefix}cols(\\s[^>]*)?>([\\s\\S]*?)</${prefix}cols>`).exec(xml);
  const covered =
    colsMatch && (sheetData < 0 || colsMatch.index < sheetData) ? readColumnRanges(colsMatch[2]!) : [];
  const fresh = widths.filter(
    ({ column }) => !covered.some((c) => column + 1 >= c.min && column + 1 <= c.max),
  );
  if (fresh.length === 0) return xml;
  const colXml = (c: ColumnWidth) => `<${prefix}${colAttributes(c)}/>`;
  if (!colsMatch || (sheetData >= 0 && colsMatch.index > sheetData)) {
    return insertInOrder(xml, 'cols', `<${prefix}cols>${fresh.map(colXml).join('')}</${prefix}cols>`, prefix);
  }
  // `<col>` elements must stay sorted by column: merge the new ones in place.
  const existing = [...colsMatch[2]!.matchAll(/<(?:\w+:)?col\s[^>]*?(?:\/>|>[\s\S]*?<\/(?:\w+:)?col>)/g)].map(
    (m) => ({
      min: Number(/\bmin\s*=\s*["'](\d+)["']/.exec(m[0])?.[1]),
      text: m[0],
    }),
  );
  const merged = [...existing, ...fresh.map((c) => ({ min: c.column + 1, text: colXml(c) }))].sort(
    (a, b) => a.min - b.min,
  );
  const contentStart = colsMatch.index + colsMatch[0].indexOf('>') + 1;
  const contentEnd = colsMatch.index + colsMatch[0].lastIndexOf('<');
  return xml.slice(0, contentStart) + merged.map((c) => c.text).join('') + xml.slice(contentEnd);
}

/** `col min=… max=…` with the width and style of one column (without the prefix and the `/>`). */
function colAttributes(c: ColumnWidth): string {
  const style = c.style ? ` style="${c.style}"` : '';
  return `col min="${c.column + 1}" max="${c.column + 1}" width="${c.width}" customWidth="1"${style}`;
}

/**
 * A new tab's worksheet part: the header row (`headerStyles[i]` for header i), frozen below it,
 * widths and column styles set.
 */
export function newWorksheetXml(headers: string[], headerStyles: number[], widths: ColumnWidth[]): string {
  const cells = headers
    .map(
      (header, column) =>
        `<c r="${columnLetter(column)}1" s="${headerStyles[column] ?? 0}" t="inlineStr"><is><t>${escapeText(header)}</t></is></c>`,
    )
    .join('');
  const cols = widths.length ? `<cols>${widths.map((c) => `<${colAttributes(c)}/>`).join('')}</cols>` : '';
  const last = headers.length > 0 ? `:${columnLetter(headers.length - 1)}1` : '';
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
    `<dimension ref="A1${last}"/>` +
    '<sheetViews><sheetView workbookViewId="0">' +
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    cols +
    `<sheetData>${headers.length ? `<row r="1">${cells}</row>` : ''}</sheetData>` +
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
    '</worksheet>'
  );
}
