/**
 * Raw tab data + its declarative description → a table whose columns are found by header
 * (normalised, aliases accepted), never by position. Header problems that make a tab unusable
 * (missing tab, missing required column, a column twice) are returned as errors naming the tab.
 */
import { parseFramework } from '../scoring/index.js';
import { isBlank, parseBoolean, parseNumber } from '../shared/values.js';
import type { CellValue, TabData, TabRow } from './sheet-store.js';
import { type ColumnSpec, headerOf, normalizeHeader, type TabSpec } from './tabs.js';

export interface Table<S extends TabSpec = TabSpec> {
  spec: S;
  /** The tab's name in the workbook. */
  name: string;
  /** Spec column name → 0-based column index, for the columns present. */
  columns: Map<string, number>;
  /** Number of header cells; a new column goes at this index. */
  width: number;
  rows: TabRow[];
  lastRow: number;
  /** Spec columns the tab does not have. */
  missing: ColumnSpec[];
  /** Google only: where the tab lives, for links to its cells (TabData.google). */
  google?: { spreadsheetId: string; gid: number };
}

/** `A`, `B`, …, `Z`, `AA`, … for a 0-based column index. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    letters = String.fromCharCode(65 + r) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

export function readTable<S extends TabSpec>(
  spec: S,
  tabName: string,
  data: TabData | null,
  workbookLabel: string,
): { table?: Table<S>; errors: string[] } {
  if (!data) {
    return { errors: [`${workbookLabel} has no tab '${tabName}' (run 'productops init' to add it)`] };
  }
  const byHeader = new Map<string, ColumnSpec>();
  for (const c of spec.columns as readonly ColumnSpec[]) {
    byHeader.set(c.name, c);
    for (const a of c.aliases ?? []) byHeader.set(a, c);
  }
  const columns = new Map<string, number>();
  const errors: string[] = [];
  data.header.forEach((cell, index) => {
    const c = byHeader.get(normalizeHeader(cell));
    if (!c) return;
    const first = columns.get(c.name);
    if (first !== undefined) {
      errors.push(
        `tab '${data.name}': column '${c.name}' appears twice (columns ${columnLetter(first)} and ${columnLetter(index)}); delete or rename one`,
      );
      return;
    }
    columns.set(c.name, index);
  });
  const missing: ColumnSpec[] = spec.columns.filter((c) => !columns.has(c.name));
  for (const c of missing) {
    if (c.required) errors.push(missingColumnMessage(data, c));
  }
  if (errors.length > 0) return { errors };
  return {
    table: {
      spec,
      name: data.name,
      columns,
      width: data.header.length,
      rows: data.rows,
      lastRow: data.lastRow,
      missing,
      ...(data.google ? { google: data.google } : {}),
    },
    errors,
  };
}

/**
 * What `productops init` would do to an existing tab: the spec columns it lacks (found by header,
 * aliases accepted, as `readTable` finds them), and, for each missing required column, why init
 * must not add it (an unnamed column that looks like it: the header was cleared, and an empty new
 * column beside the data would hide it).
 */
export function missingColumns(spec: TabSpec, data: TabData): { missing: ColumnSpec[]; blockers: string[] } {
  const present = new Set<string>();
  for (const cell of data.header) {
    const name = normalizeHeader(cell);
    const c = spec.columns.find((col) => col.name === name || col.aliases?.includes(name));
    if (c) present.add(c.name);
  }
  const missing = spec.columns.filter((c) => !present.has(c.name));
  const blockers = missing
    .filter((c) => c.required && unnamedColumnLike(data, c) !== null)
    .map((c) => missingColumnMessage(data, c));
  return { missing, blockers };
}

/**
 * Why a tab without a required column cannot be used, and what to do: restore the header, in the
 * unnamed column that looks like it when there is one (a header cleared by mistake), rather than
 * let `init` add an empty column beside the data.
 */
export function missingColumnMessage(data: TabData, column: ColumnSpec): string {
  const aka = column.aliases?.length ? ` (or ${column.aliases.map((a) => `'${a}'`).join(', ')})` : '';
  const problem = `tab '${data.name}' has no column '${column.name}'${aka} in its header row`;
  const candidate = unnamedColumnLike(data, column);
  if (candidate !== null) {
    const letter = columnLetter(candidate);
    return `${problem}: column ${letter} has no header but holds data that looks like it; type '${headerOf(column)}' into cell ${letter}1 and run again (nothing was written)`;
  }
  return `${problem}: restore the header '${headerOf(column)}' in row 1 (or run 'productops init' to add it as a new, empty column) and run again (nothing was written)`;
}

/**
 * The 0-based index of a column with a blank header whose data fits `column`'s type best (most of
 * its filled cells read as that type), or null when no unnamed column holds data.
 */
export function unnamedColumnLike(data: TabData, column: ColumnSpec): number | null {
  const width = Math.max(data.header.length, ...data.rows.map((r) => r.cells.length));
  let best: { index: number; fit: number } | null = null;
  for (let index = 0; index < width; index++) {
    if (!isBlank(data.header[index] ?? null)) continue;
    const filled = data.rows.map((r) => r.cells[index] ?? null).filter((v) => !isBlank(v));
    if (filled.length === 0) continue;
    const fit = filled.filter((v) => fitsType(column, v)).length / filled.length;
    if (best === null || fit > best.fit) best = { index, fit };
  }
  return best === null || best.fit < 0.5 ? null : best.index;
}

function fitsType(column: ColumnSpec, raw: CellValue): boolean {
  const type = column.type;
  switch (type) {
    case 'number':
    case 'integer':
      return parseNumber(raw).kind === 'ok';
    case 'boolean':
      return parseBoolean(raw).kind === 'ok';
    case 'framework':
      return parseFramework(raw, column.frameworks).kind === 'ok';
    case 'datetime':
      return raw instanceof Date || (typeof raw === 'string' && !Number.isNaN(Date.parse(raw)));
    case 'text':
      // Text columns (titles, keys, formulas) hold words, not bare numbers or checkboxes.
      return typeof raw === 'string' && parseNumber(raw).kind !== 'ok' && parseBoolean(raw).kind !== 'ok';
    default: {
      const unknown: never = type;
      throw new Error(`unknown column type ${String(unknown)}`);
    }
  }
}

/**
 * A link that opens a Google tab at a cell (or a whole row, or the tab); undefined for files.
 * `column` is a spec column name; one the tab does not have links to the row.
 */
export function cellLink(table: Table, row: number | null, column: string | null): string | undefined {
  if (!table.google) return undefined;
  const { spreadsheetId, gid } = table.google;
  const base = `https://docs.google.com/spreadsheets/d/${encodeURIComponent(spreadsheetId)}/edit#gid=${gid}`;
  if (row === null) return base;
  const index = column === null ? undefined : table.columns.get(column);
  return `${base}&range=${index === undefined ? `${row}:${row}` : `${columnLetter(index)}${row}`}`;
}

/** The raw cell of `column` in `row`, or null when the column or the cell is absent. */
export function cell(table: Table, row: TabRow, column: string): CellValue {
  const index = table.columns.get(column);
  if (index === undefined) return null;
  return row.cells[index] ?? null;
}
