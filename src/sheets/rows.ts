/**
 * A tab's rows as typed records, parsed once from its description: each column's cell becomes a
 * field of the column's declared type (text → string, number → Parsed<number>, boolean →
 * Parsed<boolean>, framework → Parsed<Framework>), named by the column's literal name, so a typo
 * in a column name does not compile. A value that does not read as its type is a `bad` field and
 * an issue naming the tab, row and column.
 */

import { parseFramework } from '../scoring/index.js';
import { cellText, isBlank, type Parsed, parseBoolean, parseNumber } from '../shared/values.js';
import { cell, type Table } from './read-tab.js';
import type { CellValue, TabRow } from './sheet-store.js';
import type { ColumnSpec, ColumnType, GeneratedColumn, TabSpec } from './tabs.js';

/** What a cell of each column type reads as. */
export type FieldValue<T extends ColumnType> = T extends 'text' | 'datetime'
  ? string
  : T extends 'number' | 'integer'
    ? Parsed<number>
    : T extends 'boolean'
      ? Parsed<boolean>
      : T extends 'framework'
        ? Parsed<string>
        : never;

/** One field per column of `S` whose name is known when the code is written. */
export type Fields<S extends TabSpec> =
  S extends TabSpec<infer C>
    ? { readonly [K in C as K['name'] extends GeneratedColumn ? never : K['name']]: FieldValue<K['type']> }
    : never;

/** A row of the tab: its sheet row, and its cells as typed fields. */
export type TabRecord<S extends TabSpec> = Fields<S> & { readonly row: TabRow };

/** A cell that does not read as its column's type. */
export interface ValueIssue {
  tab: string;
  /** The row as a person sees it in the sheet. */
  row: number;
  column: string;
  /** `approved: 'maybe' is not TRUE or FALSE` */
  message: string;
}

/** What one cell reads as, by its column's type. */
export function readField(column: ColumnSpec, raw: CellValue): string | Parsed<unknown> {
  switch (column.type) {
    case 'text':
    case 'datetime':
      return cellText(raw);
    case 'number':
    case 'integer':
      return parseNumber(raw);
    case 'boolean':
      return parseBoolean(raw);
    case 'framework':
      return parseFramework(raw, column.frameworks);
    default: {
      const unknown: never = column.type;
      throw new Error(`unknown column type ${String(unknown)}`);
    }
  }
}

/**
 * Every row of `table` as a record. A field is read from its cell when it is used (a 40,000-row
 * Params tab is not parsed column by column up front); a column the tab lacks reads as blank.
 */
export function readRows<S extends TabSpec>(table: Table<S>): TabRecord<S>[] {
  class Row {
    constructor(readonly row: TabRow) {}
  }
  for (const column of table.spec.columns) {
    const index = table.columns.get(column.name);
    Object.defineProperty(Row.prototype, column.name, {
      get(this: Row) {
        return readField(column, index === undefined ? null : (this.row.cells[index] ?? null));
      },
      enumerable: true,
    });
  }
  return table.rows.map((row) => new Row(row) as unknown as TabRecord<S>);
}

/** Every cell of `table` that does not read as its column's type, in row then column order. */
export function valueIssues(table: Table): ValueIssue[] {
  const issues: ValueIssue[] = [];
  for (const row of table.rows) {
    for (const column of table.spec.columns) {
      const value = readField(column, cell(table, row, column.name));
      if (typeof value !== 'string' && value.kind === 'bad') {
        issues.push({
          tab: table.name,
          row: row.rowNumber,
          column: column.name,
          message: `${column.name}: ${value.message}`,
        });
      }
    }
  }
  return issues;
}

/** Whether a person wrote anything in one of the row's columns that `columns` picks. */
export function hasContent(table: Table, row: TabRow, columns: (column: ColumnSpec) => boolean): boolean {
  return table.spec.columns.some((c) => columns(c) && !isBlank(cell(table, row, c.name)));
}

/** The number fields of columns made from the frameworks (their inputs), from a record. */
export function generatedNumbers<S extends TabSpec>(
  record: TabRecord<S>,
  columns: readonly string[],
): Record<string, Parsed<number>> {
  const fields = record as unknown as Readonly<Record<string, Parsed<number> | undefined>>;
  const out: Record<string, Parsed<number>> = {};
  for (const c of columns) out[c] = fields[c] ?? { kind: 'blank' };
  return out;
}
