/**
 * The cells a command wants to change in one tab, collected before anything is written. A cell
 * is recorded only when its desired value differs from what the sheet holds (as the column's
 * type compares it), which is what makes a second run write nothing. Columns the tab lacks are
 * added to its header the first time something needs them.
 */
import { cellText, isBlank, parseBoolean, parseNumber } from '../shared/values.js';
import { cell, type Table } from './read-tab.js';
import type { CellUpdate, CellValue, RowGuard, TabRow, TabWrite } from './sheet-store.js';
import { type ColumnType, headerOf } from './tabs.js';

/** Whether the sheet's `current` already shows `desired`, for a column of this type. */
export function sameCell(type: ColumnType, current: CellValue, desired: CellValue): boolean {
  if (isBlank(current) && isBlank(desired)) return true;
  if (isBlank(current) !== isBlank(desired)) return false;
  switch (type) {
    case 'number':
    case 'integer': {
      const a = parseNumber(current);
      const b = parseNumber(desired);
      if (a.kind !== 'ok' || b.kind !== 'ok') return cellText(current) === cellText(desired);
      return Math.abs(a.value - b.value) <= 1e-9 * Math.max(1, Math.abs(b.value));
    }
    case 'boolean': {
      const a = parseBoolean(current);
      const b = parseBoolean(desired);
      return a.kind === 'ok' && b.kind === 'ok' && a.value === b.value;
    }
    case 'text':
    case 'framework':
    case 'datetime':
      return cellText(current) === cellText(desired);
    default: {
      const never: never = type;
      throw new Error(`unknown column type ${never}`);
    }
  }
}

export interface AppliedCell<Flow extends string = string> {
  row: number;
  column: string;
  before: CellValue;
  value: CellValue;
  flow: Flow;
}

/** The cells a command changes in one tab; `Flow` names who changes each (the run's flows). */
export class TabChanges<Flow extends string = string> {
  readonly updates: AppliedCell<Flow>[] = [];
  readonly appends: { values: Record<string, CellValue>; flow: Flow; rowNumber: number }[] = [];
  private readonly addedHeaders: string[] = [];
  /** Pending changes by `cellKey` (a number: 40,000-row tabs would otherwise keep a string per cell). */
  private readonly byCell = new Map<number, AppliedCell<Flow>>();
  private readonly changedColumns = new Map<number, string[]>();
  private readonly columnNumbers: Map<string, number>;
  private readonly appended = new Map<
    number,
    { values: Record<string, CellValue>; flow: Flow; rowNumber: number }
  >();

  constructor(readonly table: Table) {
    this.columnNumbers = new Map(table.spec.columns.map((c, index) => [c.name, index]));
  }

  private cellKey(rowNumber: number, column: string): number {
    const index = this.columnNumbers.get(column);
    if (index === undefined) throw new Error(`tab ${this.table.spec.id} has no column ${column}`);
    return rowNumber * 1024 + index;
  }

  private typeOf(column: string): ColumnType {
    const spec = this.table.spec.columns.find((c) => c.name === column);
    if (!spec) throw new Error(`tab ${this.table.spec.id} has no column ${column}`);
    return spec.type;
  }

  /** The value a cell will hold after this command: a pending change, or what the sheet has. */
  current(row: TabRow, column: string): CellValue {
    const appended = this.appended.get(row.rowNumber);
    if (appended) return appended.values[column] ?? null;
    const pending = this.byCell.get(this.cellKey(row.rowNumber, column));
    return pending ? pending.value : cell(this.table, row, column);
  }

  /** What the sheet held in the cell when it was read, whatever this command changes. */
  original(row: TabRow, column: string): CellValue {
    return this.appended.has(row.rowNumber) ? null : cell(this.table, row, column);
  }

  /** Records `value` for the cell unless the sheet already shows it; returns whether it changes. */
  set(row: TabRow, column: string, value: CellValue, flow: Flow): boolean {
    const appended = this.appended.get(row.rowNumber);
    if (appended) {
      // A row this command appends: its cells go out with the row.
      if (isBlank(value)) delete appended.values[column];
      else appended.values[column] = value;
      return !isBlank(value);
    }
    const key = this.cellKey(row.rowNumber, column);
    const before = cell(this.table, row, column);
    if (sameCell(this.typeOf(column), before, value)) {
      // Rare: an earlier flow changed the cell and a later one set it back.
      const pending = this.byCell.get(key);
      if (pending) {
        this.byCell.delete(key);
        this.updates.splice(this.updates.indexOf(pending), 1);
      }
      return false;
    }
    const existing = this.byCell.get(key);
    if (existing) {
      existing.value = value;
      existing.flow = flow;
    } else {
      const applied = { row: row.rowNumber, column, before, value, flow };
      this.byCell.set(key, applied);
      this.updates.push(applied);
      const columns = this.changedColumns.get(row.rowNumber);
      if (columns) columns.push(column);
      else this.changedColumns.set(row.rowNumber, [column]);
    }
    return true;
  }

  /** Adds a row below the last one; returns a row handle that `set` and `current` accept. */
  append(values: Record<string, CellValue>, flow: Flow): TabRow {
    const rowNumber = this.table.lastRow + this.appends.length + 1;
    const entry = { values, flow, rowNumber };
    this.appends.push(entry);
    this.appended.set(rowNumber, entry);
    return { rowNumber, cells: [] };
  }

  /** The pending change of one cell, if any. */
  pending(row: TabRow, column: string): AppliedCell<Flow> | undefined {
    return this.byCell.get(this.cellKey(row.rowNumber, column));
  }

  /** Whether any cell of the row other than `except` changes. */
  rowChanges(row: TabRow, except: string): boolean {
    return (this.changedColumns.get(row.rowNumber) ?? []).some(
      (c) => c !== except && this.byCell.has(this.cellKey(row.rowNumber, c)),
    );
  }

  isAppended(row: TabRow): boolean {
    return this.appended.has(row.rowNumber);
  }

  private columnIndex(column: string): number {
    const index = this.table.columns.get(column);
    if (index !== undefined) return index;
    let added = this.addedHeaders.indexOf(column);
    if (added < 0) {
      this.addedHeaders.push(column);
      added = this.addedHeaders.length - 1;
    }
    return this.table.width + added;
  }

  /**
   * For every row an update targets, the key cells as read: a store that can see rows move
   * between read and write (Google) finds the row again by them, or skips it.
   */
  private guards(updates: CellUpdate[]): RowGuard[] {
    const keyColumns = this.table.spec.key.flatMap((name) => {
      const index = this.table.columns.get(name);
      return index === undefined ? [] : [index];
    });
    const byRow = new Map(this.table.rows.map((r) => [r.rowNumber, r]));
    const rows = [...new Set(updates.map((u) => u.row))];
    return rows.flatMap((rowNumber) => {
      const row = byRow.get(rowNumber);
      if (!row || keyColumns.length === 0) return [];
      return [
        {
          row: rowNumber,
          keyCells: keyColumns.map((column) => ({ column, value: cellText(row.cells[column] ?? null) })),
        },
      ];
    });
  }

  /** The store write for the changes whose flow is in `flows`, or null when there is none. */
  toWrite(flows: ReadonlySet<Flow>): { write: TabWrite | null; cells: number; rows: number } {
    const updates: CellUpdate[] = this.updates
      .filter((u) => flows.has(u.flow))
      .map((u) => ({ row: u.row, column: this.columnIndex(u.column), value: u.value }));
    const appendRows = this.appends.filter((a) => flows.has(a.flow));
    const appends = appendRows.map((a) => {
      const cells: CellValue[] = [];
      for (const [column, value] of Object.entries(a.values)) cells[this.columnIndex(column)] = value;
      return Array.from(cells, (c) => c ?? null);
    });
    if (updates.length === 0 && appends.length === 0) return { write: null, cells: 0, rows: 0 };
    const write: TabWrite = { tab: this.table.name, updates, appends, guards: this.guards(updates) };
    if (this.addedHeaders.length > 0) {
      write.addHeaders = this.addedHeaders.map((name) => {
        const column = this.table.spec.columns.find((c) => c.name === name);
        return column ? headerOf(column) : name;
      });
    }
    const appendedCells = appends.reduce((n, r) => n + r.filter((c) => c !== null).length, 0);
    return { write, cells: updates.length + appendedCells, rows: appends.length };
  }
}
