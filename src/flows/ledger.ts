/**
 * The change ledger: what a command reads and wants to write, per tab, next to the scoreboard it
 * computes on. It holds the tables read (once), the cells each flow wants to change (tagged with
 * the flow, so a command writes only its own flows' changes), where each initiative, model and
 * param sits in the sheets, the warnings and per-flow reports, and the backend's memory.
 *
 * Every flow always computes (scores depend on everything); the command's set of included flows
 * decides which collected changes are written. Backlog cells → backlog sync; Scoring_Inputs rows
 * and shared fields → scoring sync, its score cells → scoring write; MathModels → models sync;
 * new Params rows → params seed, their status cells → params sync.
 */

import type { BoardParam } from '../scoring/index.js';
import {
  type BacklogTab,
  type CellValue,
  type ColumnName,
  cellLink,
  type GeneratedColumn,
  type MathModelsTab,
  type ParamsTab,
  readRows,
  type ScoringTab,
  sameCell,
  TabChanges,
  type TabId,
  type Table,
  type TabRecord,
  type TabRow,
  type TabSpec,
} from '../sheets/index.js';
import type { Memory } from './memory.js';

export const FLOWS = [
  'backlog sync',
  'scoring sync',
  'models sync',
  'models suggest',
  'params seed',
  'params sync',
  'scoring compute',
  'scoring activate',
  'scoring write',
] as const;
export type FlowName = (typeof FLOWS)[number];

/** One problem for the run summary, located where a person fixes it. */
export interface RunWarning {
  /** The tab where the problem is (not the Backlog when the value lives in another tab). */
  tab: string;
  /** The row as a person sees it in the sheet; null when the whole tab is meant. */
  row: number | null;
  /**
   * The header of the column to fix (a formula's own line and column are in the message); null
   * when the whole row is meant.
   */
  column: string | null;
  /** The row's key: initiative_key, `key/model`, or `key/framework/param`. */
  key: string | null;
  /** What is wrong and, where it can, how to fix it. */
  message: string;
  /** Google workbooks only: opens the sheet at that cell (or row, or tab). */
  link?: string;
}

/** What one flow did in a command: rows read, cells written, warnings raised. */
export interface FlowReport {
  name: FlowName;
  rowsRead: number;
  cellsWritten: number;
  warnings: number;
}
/** The name the run report and the CLI use. */
export type StepReport = FlowReport;

/** The four tabs a run reads, each with its description's column types. */
export interface RunTables {
  backlog: Table<BacklogTab>;
  scoring: Table<ScoringTab>;
  mathModels: Table<MathModelsTab>;
  params: Table<ParamsTab>;
}

type SpecOf<T extends TabId> = RunTables[T]['spec'];
/** A column a flow may set on tab `T`: one named in its description, or one made from the frameworks. */
export type WritableColumn<T extends TabId> = ColumnName<SpecOf<T>> | GeneratedColumn;

/** A param on one row only (shared, so 40,000 params do not each hold an empty list). */
export const NO_DUPLICATES: readonly number[] = [];

export const rowStateKey = (tab: TabId, rowKey: string) => `${tab}|${rowKey}`;

export class Ledger {
  readonly changes: { [T in TabId]: TabChanges<FlowName> };
  readonly warnings: RunWarning[] = [];
  readonly reports = new Map<FlowName, FlowReport>();
  /** Informational lines for the summary. */
  readonly notes: string[] = [];
  /**
   * What backend cells should show after this command and the database does not remember yet, to
   * remember once they are written: flow → `tab|rowKey` → column → value (one record per row, not
   * one object per cell: a first run at 40,000 params sets a quarter of a million cells).
   */
  readonly backendCells = new Map<FlowName, Map<string, Record<string, CellValue>>>();

  /** Where the scoreboard's things sit in the sheets. */
  readonly backlogRows = new Map<string, TabRow>();
  /** Each initiative's Backlog record, by key (its words, for the LLM). */
  readonly backlogRecords = new Map<string, TabRecord<BacklogTab>>();
  readonly scoringRows = new Map<string, TabRow>();
  /** `key|model` → its MathModels row. */
  readonly modelRows = new Map<string, TabRow>();
  /** `key|model` → its MathModels record (rows read, not rows this run appends). */
  readonly modelRecords = new Map<string, TabRecord<MathModelsTab>>();
  /** Each param's Params row, and the other rows with the same key, framework and name. */
  readonly paramRows = new Map<BoardParam, { row: TabRow; duplicateOf: readonly number[] }>();
  /** Backlog rows with a duplicated key: reported and left unscored. */
  readonly duplicateBacklogRows = new Map<TabRow, { key: string; message: string }>();

  /** The highest initiative key number issued or seen so far in this command. */
  sequence: number;
  /** Key numbers reserved in the database for this command's new Backlog rows (next to issue, last). */
  reservedKeys?: { next: number; last: number };
  /** `key|model` → when a suggestion was last asked for it (debounce). */
  readonly suggestedAt = new Map<string, string>();
  /** RunOptions.onlyKeys: the initiatives the LLM steps and param seeding are limited to; all when null. */
  onlyKeys: ReadonlySet<string> | null = null;

  constructor(
    readonly tables: RunTables,
    readonly memory: Memory,
    readonly include: ReadonlySet<FlowName>,
    readonly now: string,
  ) {
    this.sequence = memory.sequence;
    this.changes = {
      backlog: new TabChanges(tables.backlog),
      scoring: new TabChanges(tables.scoring),
      mathModels: new TabChanges(tables.mathModels),
      params: new TabChanges(tables.params),
    };
  }

  report(flow: FlowName): FlowReport {
    let report = this.reports.get(flow);
    if (!report) {
      report = { name: flow, rowsRead: 0, cellsWritten: 0, warnings: 0 };
      this.reports.set(flow, report);
    }
    return report;
  }

  warn(flow: FlowName, w: RunWarning): void {
    this.warnings.push(w);
    this.report(flow).warnings += 1;
  }

  /**
   * Where a warning points: the tab, the row and the column (a spec column name), with a link to
   * the cell when the workbook is a Google spreadsheet.
   */
  at(
    tab: TabId,
    row: TabRow | number | null,
    column: string | null,
  ): Pick<RunWarning, 'tab' | 'row' | 'column' | 'link'> {
    const table = this.tables[tab];
    const rowNumber = row === null ? null : typeof row === 'number' ? row : row.rowNumber;
    const link = cellLink(table, rowNumber, column);
    return { tab: table.name, row: rowNumber, column, ...(link ? { link } : {}) };
  }

  /** The tab's rows as typed records, parsed once per command. */
  records<T extends TabId>(tab: T): TabRecord<SpecOf<T>>[] {
    let records = this.parsed.get(tab);
    if (!records) {
      records = readRows<TabSpec>(this.tables[tab]);
      this.parsed.set(tab, records);
    }
    return records as TabRecord<SpecOf<T>>[];
  }
  private readonly parsed = new Map<TabId, TabRecord<TabSpec>[]>();

  /** The value a cell will hold after this command: a pending change, or what the sheet has. */
  current<T extends TabId>(tab: T, row: TabRow, column: WritableColumn<T>): CellValue {
    return this.changes[tab].current(row, column);
  }

  /**
   * What the cell will hold once the command's included flows are written: a change of a flow the
   * command leaves out does not land, so the sheet keeps what it had; undefined for a row this
   * command appends when the flow that appends it is left out.
   */
  applied<T extends TabId>(
    tab: T,
    row: TabRow,
    column: WritableColumn<T>,
    appendedBy: FlowName,
  ): CellValue | undefined {
    const changes = this.changes[tab];
    if (changes.isAppended(row))
      return this.include.has(appendedBy) ? changes.current(row, column) : undefined;
    const pending = changes.pending(row, column);
    if (pending && !this.include.has(pending.flow)) return changes.original(row, column);
    return changes.current(row, column);
  }

  /** What the sheet held in the cell when it was read. */
  original<T extends TabId>(tab: T, row: TabRow, column: WritableColumn<T>): CellValue {
    return this.changes[tab].original(row, column);
  }

  /** Whether any cell of the row other than `except` changes in this command. */
  rowChanges<T extends TabId>(tab: T, row: TabRow, except: WritableColumn<T>): boolean {
    return this.changes[tab].rowChanges(row, except);
  }

  /** Adds a row below the tab's last one; returns its handle. */
  append<T extends TabId>(
    flow: FlowName,
    tab: T,
    values: Partial<Record<WritableColumn<T>, CellValue>>,
  ): TabRow {
    const cells: Record<string, CellValue> = {};
    for (const [column, value] of Object.entries(values))
      if (value !== undefined) cells[column] = value as CellValue;
    return this.changes[tab].append(cells, flow);
  }

  /** Records a change to a person's or a shared cell (key assignment, mirrored shared fields). */
  set<T extends TabId>(
    flow: FlowName,
    tab: T,
    row: TabRow,
    column: WritableColumn<T>,
    value: CellValue,
  ): boolean {
    return this.changes[tab].set(row, column, value, flow);
  }

  /**
   * Sets a backend-owned cell. When the sheet no longer shows what the backend last wrote there, a
   * person typed into it: their value is replaced (the column is computed) and the run says so.
   */
  setBackendCell<T extends TabId>(
    flow: FlowName,
    tab: T,
    row: TabRow,
    rowKey: string,
    column: WritableColumn<T>,
    value: string | number | boolean | null,
  ): boolean {
    const changes = this.changes[tab];
    const id = rowStateKey(tab, rowKey);
    const remembered = this.memory.rows.get(id);
    const known = remembered !== undefined && Object.hasOwn(remembered, column);
    // What the database already remembers needs no saving again.
    if (!known || remembered[column] !== value) {
      let rows = this.backendCells.get(flow);
      if (!rows) this.backendCells.set(flow, (rows = new Map()));
      const cells = rows.get(id);
      if (cells) cells[column] = value;
      else rows.set(id, { [column]: value });
    }
    const before = changes.current(row, column);
    const changed = changes.set(row, column, value, flow);
    if (changed && known && this.include.has(flow)) {
      const last = remembered[column] as CellValue;
      const table: Table = this.tables[tab];
      const type = table.spec.columns.find((c) => c.name === column)!.type;
      if (!sameCell(type, before, last)) {
        this.warn(flow, {
          ...this.at(tab, row, column),
          key: rowKey,
          message: `'${column}' is computed by productops; the value typed there (${JSON.stringify(before)}) was replaced`,
        });
      }
    }
    return changed;
  }

  /** The row's initiative_key; null, after warning that the row is ignored, when it has none. */
  keyOrWarn(flow: FlowName, tab: TabId, row: TabRow, key: string): string | null {
    if (key !== '') return key;
    this.warn(flow, {
      ...this.at(tab, row, 'initiative_key'),
      key: null,
      message:
        'This row has no initiative_key, so it is ignored: fill it in (a key from the Central Backlog)',
    });
    return null;
  }
}
