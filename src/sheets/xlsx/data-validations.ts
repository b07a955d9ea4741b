/**
 * Dropdowns (data validations) in exceljs terms.
 *
 * exceljs 4.4 expands every validation range it loads into one entry per cell. That costs about
 * 10 s and 250 MB for a single whole-column dropdown (`B1:B1048576`, what Excel writes when a
 * person selects a column), and when saving it re-groups the entries by scanning addresses in
 * text order ("B10" sorts before "B2"), which writes overlapping ranges (`B10:B1000` and
 * `B2:B1000`) that Excel reports as a problem to repair.
 *
 * `keepValidationRangesOnLoad` makes the loader keep each range as one entry, which exceljs then
 * writes back as it was; `compactDataValidations` turns any per-cell entries that remain back into
 * rectangles, so the overlap bug cannot happen even if the patch could not be applied.
 */
import { createRequire } from 'node:module';
import type { DataValidation, Worksheet } from 'exceljs';

/** The part of exceljs's worksheet validations we use; it is missing from exceljs's typings. */
interface DataValidations {
  model: Record<string, DataValidation | undefined>;
}

function validationsOf(worksheet: Worksheet): DataValidations {
  return (worksheet as unknown as { dataValidations: DataValidations }).dataValidations;
}

/** The parser state exceljs 4.4's DataValidationsXform keeps while reading one `<dataValidation>`. */
interface ValidationParser {
  model?: Record<string, unknown>;
  _address?: string;
  _dataValidation?: { formulae?: unknown[]; operator?: unknown };
}

interface ValidationXformPrototype {
  parseClose(this: ValidationParser, name: string): boolean;
  productopsKeepsRanges?: true;
}

/** A range as Excel writes it in `sqref`: top-left first, no `$`. */
const NORMAL_RANGE = /^([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)$/;

/**
 * Patches exceljs's validation loader (once per process) to store a range such as `B2:B1048576`
 * under one key instead of one key per cell. The patched code falls back to exceljs's own handling
 * for anything unexpected, so a later exceljs that changes its internals only loses the speed-up.
 * Side effect: `cell.dataValidation` no longer finds validations loaded as ranges; this codebase
 * only reads them from `worksheet.dataValidations.model`.
 */
export function keepValidationRangesOnLoad(): void {
  let prototype: ValidationXformPrototype;
  try {
    const require = createRequire(import.meta.url);
    prototype = require('exceljs/lib/xlsx/xform/sheet/data-validations-xform.js').prototype;
  } catch {
    return;
  }
  if (!prototype || typeof prototype.parseClose !== 'function' || prototype.productopsKeepsRanges) return;
  const original = prototype.parseClose;
  prototype.parseClose = function (this: ValidationParser, name: string): boolean {
    const { model, _address: address, _dataValidation: validation } = this;
    if (name !== 'dataValidation' || !model || typeof address !== 'string' || !validation) {
      return original.call(this, name);
    }
    const parts = address.split(/\s+/).filter(Boolean);
    const ranges = parts.filter((part) => part.includes(':'));
    if (!ranges.every(isNormalRange)) return original.call(this, name);
    if (!validation.formulae?.length) {
      delete validation.formulae;
      delete validation.operator;
    }
    for (const part of parts) model[part] = validation;
    return true;
  };
  prototype.productopsKeepsRanges = true;
}

function isNormalRange(range: string): boolean {
  const match = NORMAL_RANGE.exec(range);
  if (!match) return false;
  const [, left, top, right, bottom] = match as unknown as [string, string, string, string, string];
  return columnNumber(left) <= columnNumber(right) && Number(top) <= Number(bottom);
}

/** Rewrites the worksheet's validations as few rectangles; equal validations are grouped. */
export function compactDataValidations(worksheet: Worksheet): void {
  const validations = validationsOf(worksheet);
  const groups = new Map<string, { validation: DataValidation; cells: Map<number, number[]> }>();
  for (const [address, validation] of Object.entries(validations.model)) {
    if (!validation) continue;
    const cell = parseCellAddress(address);
    // A range key (loaded whole thanks to the patch, or added by us) is kept as it is.
    if (!cell) continue;
    const key = JSON.stringify(validation);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { validation, cells: new Map() }));
    const rows = group.cells.get(cell.column) ?? [];
    rows.push(cell.row);
    group.cells.set(cell.column, rows);
    delete validations.model[address];
  }
  for (const { validation, cells } of groups.values()) {
    for (const range of toRectangles(cells)) validations.model[range] = validation;
  }
}

/** Adds a list dropdown to a block of cells, e.g. `B2:B5000`. */
export function addListValidation(
  worksheet: Worksheet,
  range: string,
  values: string[],
  options: { allowBlank: boolean },
): void {
  validationsOf(worksheet).model[range] = {
    type: 'list',
    allowBlank: options.allowBlank,
    showErrorMessage: true,
    formulae: [listFormula(values)],
  };
}

/** Whether any validation touches the data rows (2 and below) of a column. */
export function hasValidationInColumn(worksheet: Worksheet, column: number): boolean {
  return Object.entries(validationsOf(worksheet).model).some(([key, validation]) => {
    if (!validation) return false;
    return key.split(/\s+/).some((part) => {
      const [from, to = from] = part.split(':').map(parseCellAddress);
      if (!from || !to) return false;
      return from.column <= column && column <= to.column && to.row >= 2;
    });
  });
}

/** Excel caps an inline list at 255 characters and splits it at commas. */
const MAX_LIST_FORMULA_LENGTH = 255;

function listFormula(values: string[]): string {
  const bad = values.find((value) => value.includes(',') || value.includes('"'));
  if (bad !== undefined) throw new RangeError(`A dropdown value cannot contain a comma or a quote: ${bad}`);
  const formula = `"${values.join(',')}"`;
  if (formula.length > MAX_LIST_FORMULA_LENGTH) {
    throw new RangeError(`A dropdown list is longer than Excel's ${MAX_LIST_FORMULA_LENGTH} characters`);
  }
  return formula;
}

function parseCellAddress(address: string): { row: number; column: number } | null {
  const match = /^\$?([A-Z]{1,3})\$?(\d+)$/.exec(address);
  if (!match) return null;
  return { column: columnNumber(match[1]!), row: Number(match[2]) };
}

function columnNumber(letters: string): number {
  let number = 0;
  for (const letter of letters) number = number * 26 + (letter.charCodeAt(0) - 64);
  return number;
}

export function columnLetters(column: number): string {
  let letters = '';
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  }
  return letters;
}

/** Vertical runs per column, then neighbouring columns with the same runs joined sideways. */
function toRectangles(cells: Map<number, number[]>): string[] {
  const runsByColumn = new Map<number, string[]>();
  for (const [column, rows] of cells) {
    rows.sort((a, b) => a - b);
    const runs: string[] = [];
    let start = rows[0]!;
    let end = start;
    for (const row of rows.slice(1)) {
      if (row === end + 1) {
        end = row;
      } else {
        runs.push(`${start}:${end}`);
        start = end = row;
      }
    }
    runs.push(`${start}:${end}`);
    runsByColumn.set(column, runs);
  }
  const ranges: string[] = [];
  const columns = [...runsByColumn.keys()].sort((a, b) => a - b);
  const done = new Set<string>();
  for (const column of columns) {
    for (const run of runsByColumn.get(column)!) {
      if (done.has(`${column}|${run}`)) continue;
      let right = column;
      while (runsByColumn.get(right + 1)?.includes(run)) {
        right++;
        done.add(`${right}|${run}`);
      }
      const [top, bottom] = run.split(':').map(Number) as [number, number];
      const from = `${columnLetters(column)}${top}`;
      const to = `${columnLetters(right)}${bottom}`;
      ranges.push(from === to ? from : `${from}:${to}`);
    }
  }
  return ranges;
}
