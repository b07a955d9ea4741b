/**
 * Raw tab data + its declarative description → a table whose columns are found by header
 * (normalised, aliases accepted), never by position. Header problems that make a tab unusable
 * (missing tab, missing required column, a column twice) are returned as errors naming the tab.
 */
import type { CellValue, TabData, TabRow } from './sheet-store.js';
import { type ColumnSpec, normalizeHeader, type TabSpec } from './tabs.js';

export interface Table {
  spec: TabSpec;
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

export function readTable(
  spec: TabSpec,
  tabName: string,
  data: TabData | null,
  workbookLabel: string,
): { table?: Table; errors: string[] } {
  if (!data) {
    return { errors: [`${workbookLabel} has no tab '${tabName}' (run 'productops init' to add it)`] };
  }
  const byHeader = new Map<string, ColumnSpec>();
  for (const c of spec.columns) {
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
  const missing = spec.columns.filter((c) => !columns.has(c.name));
  for (const c of missing) {
    if (c.required) {
      const aka = c.aliases?.length ? ` (or ${c.aliases.map((a) => `'${a}'`).join(', ')})` : '';
      errors.push(`tab '${data.name}' has no column '${c.name}'${aka} in its header row`);
    }
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
    },
    errors,
  };
}

/** The raw cell of `column` in `row`, or null when the column or the cell is absent. */
export function cell(table: Table, row: TabRow, column: string): CellValue {
  const index = table.columns.get(column);
  if (index === undefined) return null;
  return row.cells[index] ?? null;
}
