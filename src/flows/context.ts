/**
 * What every flow shares during one command: the tables read (once), the changes collected per
 * tab, the backend's memory loaded from the database, and what the run reports.
 *
 * Every flow always computes (scores depend on everything); the command's set of included flows
 * decides which collected changes are written. Each change is tagged with the flow that owns it:
 * Backlog cells → backlog sync; Scoring_Inputs rows and shared fields → scoring sync, its score
 * cells → scoring write; MathModels → models sync; new Params rows → params seed, their status
 * cells → params sync.
 */

import type { Config } from '../config/config.js';
import type { MetadataOrigin } from '../llm/param-metadata.js';
import type { ActiveScore } from '../scoring/activation.js';
import type { FrameworkScore } from '../scoring/framework.js';
import type { FormulaCache, ModelOutcome } from '../scoring/math-model.js';
import { cellText, type Parsed } from '../shared/values.js';
import { cell, cellLink, type Table } from '../sheets/read-tab.js';
import type { CellValue, TabRow } from '../sheets/sheet-store.js';
import { sameCell, TabChanges } from '../sheets/tab-changes.js';
import type { Framework, TabId } from '../sheets/tabs.js';

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

export interface StepReport {
  name: FlowName;
  rowsRead: number;
  cellsWritten: number;
  warnings: number;
}

/** What the database remembers from earlier runs; empty on a fresh database. */
export interface Memory {
  /** Highest initiative key number issued or seen. */
  sequence: number;
  /** `tab|rowKey` → column → value as last seen (shared fields) or last written (backend cells). */
  rows: Map<string, Record<string, unknown>>;
  /** `key|model` → version memory. */
  models: Map<
    string,
    { version: number | null; approvedFormulaText: string | null; llmSuggestedAt: string | null }
  >;
  /** `key|framework|name` → how the value and approval looked last time. */
  params: Map<string, { valueText: string; approved: boolean; lastUpdatedAt: string | null }>;
  /**
   * Every initiative key the database knows → when it was archived (its Backlog row was deleted),
   * null while it is on the Backlog.
   */
  initiatives: Map<string, { title: string; archivedAt: string | null }>;
  /** `key|framework` → the last stored score, to record history only when a score changes. */
  scores: Map<
    string,
    { value: number | null; effort: number | null; overall: number | null; formula: string | null }
  >;
}

export function emptyMemory(): Memory {
  return {
    sequence: 0,
    rows: new Map(),
    initiatives: new Map(),
    models: new Map(),
    params: new Map(),
    scores: new Map(),
  };
}

export interface ModelRef {
  row: TabRow;
  name: string;
  formulaText: string;
  approved: boolean;
  isPrimary: boolean;
  version: number | null;
  outcome?: ModelOutcome;
  /** Why the LLM suggestion for this row failed in this run, for formula_status. */
  suggestFailure?: string;
}

export interface ParamRef {
  row: TabRow;
  key: string;
  framework: string;
  name: string;
  value: Parsed<number>;
  approved: boolean;
  duplicateOf: number[];
  seeded: boolean;
  /** For a row this command seeds: whether the LLM or the name heuristic wrote its metadata. */
  metadataOrigin?: MetadataOrigin;
}

export interface Initiative {
  key: string;
  title: string;
  row: TabRow;
  /** Problems of this initiative's rows that the Backlog's score_warnings shows. */
  problems: string[];
  framework: Parsed<Framework>;
  useMathModel: boolean;
  coefficient: Parsed<number>;
  effortDays: Parsed<number>;
  /** lifecycle_status, trimmed and lower-cased ('' when blank): finished or dropped ones are not ranked. */
  lifecycle: string;
  scoringRow?: TabRow;
  /** More than one Scoring_Inputs row has this key: none is used. */
  scoringDuplicate?: boolean;
  models: ModelRef[];
  scores: Partial<Record<Framework, FrameworkScore>>;
  /** Warnings for Scoring_Inputs' input_warnings and math_warnings. */
  inputWarnings: string[];
  mathWarnings: string[];
  active?: ActiveScore;
  rank?: number;
}

export interface RunContext {
  now: string;
  include: ReadonlySet<FlowName>;
  tables: Partial<Record<TabId, Table>>;
  changes: Partial<Record<TabId, TabChanges>>;
  memory: Memory;
  formulas: FormulaCache;
  warnings: RunWarning[];
  steps: Map<FlowName, StepReport>;
  initiatives: Map<string, Initiative>;
  /** Backlog rows with a duplicated key: reported and left unscored. */
  duplicateBacklogRows: Map<TabRow, string>;
  /**
   * Keys the database knows that are on no Backlog row (a person deleted the row): archived, so
   * their rows on the other tabs are ignored without a warning. Each is warned about once, on the
   * run that archives it.
   */
  archived: Set<string>;
  /** `ranking` from the config: how priorities compare across frameworks, and who is not ranked. */
  ranking: Config['ranking'];
  params: ParamRef[];
  /** The highest initiative key number issued or seen so far in this command. */
  sequence: number;
  /** Key numbers reserved in the database for this command's new Backlog rows (next to issue, last). */
  reservedKeys?: { next: number; last: number };
  /** `key|model` → when a suggestion was last asked for it (debounce). */
  suggestedAt: Map<string, string>;
  /** Informational lines for the summary. */
  notes: string[];
  /**
   * What backend cells should show after this command and the database does not remember yet, to
   * remember once they are written: flow → `tab|rowKey` → column → value (one record per row, not
   * one object per cell: a first run at 40,000 params sets a quarter of a million cells).
   */
  backendCells: Map<FlowName, Map<string, Record<string, CellValue>>>;
}

export function step(ctx: RunContext, name: FlowName): StepReport {
  let report = ctx.steps.get(name);
  if (!report) {
    report = { name, rowsRead: 0, cellsWritten: 0, warnings: 0 };
    ctx.steps.set(name, report);
  }
  return report;
}

export function warn(ctx: RunContext, flow: FlowName, w: RunWarning): void {
  ctx.warnings.push(w);
  step(ctx, flow).warnings += 1;
}

/**
 * Where a warning points: `table`'s tab, the row and the column (a spec column name), with a link
 * to the cell when the workbook is a Google spreadsheet.
 */
export function at(
  table: Table,
  row: TabRow | number | null,
  column: string | null,
): Pick<RunWarning, 'tab' | 'row' | 'column' | 'link'> {
  const rowNumber = row === null ? null : typeof row === 'number' ? row : row.rowNumber;
  const link = cellLink(table, rowNumber, column);
  return { tab: table.name, row: rowNumber, column, ...(link ? { link } : {}) };
}

export function changesFor(ctx: RunContext, tab: TabId): TabChanges | undefined {
  const table = ctx.tables[tab];
  if (!table) return undefined;
  let changes = ctx.changes[tab];
  if (!changes) {
    changes = new TabChanges(table);
    ctx.changes[tab] = changes;
  }
  return changes;
}

export const rowStateKey = (tab: TabId, rowKey: string) => `${tab}|${rowKey}`;

/**
 * Sets a backend-owned cell. When the sheet no longer shows what the backend last wrote there, a
 * person typed into it: their value is replaced (the column is computed) and the run says so.
 */
export function setBackendCell(
  ctx: RunContext,
  flow: FlowName,
  tab: TabId,
  row: TabRow,
  rowKey: string,
  column: string,
  value: string | number | boolean | null,
): boolean {
  const changes = changesFor(ctx, tab)!;
  const remembered = ctx.memory.rows.get(rowStateKey(tab, rowKey));
  const known = remembered !== undefined && Object.hasOwn(remembered, column);
  // What the database already remembers needs no saving again.
  if (!known || remembered[column] !== value) {
    let rows = ctx.backendCells.get(flow);
    if (!rows) ctx.backendCells.set(flow, (rows = new Map()));
    const id = rowStateKey(tab, rowKey);
    const cells = rows.get(id);
    if (cells) cells[column] = value;
    else rows.set(id, { [column]: value });
  }
  const before = changes.current(row, column);
  const changed = changes.set(row, column, value, flow);
  if (changed && ctx.include.has(flow)) {
    if (known) {
      const last = remembered[column] as CellValue;
      const table = ctx.tables[tab]!;
      const type = table.spec.columns.find((c) => c.name === column)!.type;
      if (!sameCell(type, before, last)) {
        warn(ctx, flow, {
          ...at(table, row, column),
          key: rowKey,
          message: `'${column}' is computed by productops; the value typed there (${JSON.stringify(before)}) was replaced`,
        });
      }
    }
  }
  return changed;
}

/** The row's initiative_key; null, after warning that the row is ignored, when it has none. */
export function keyOrWarn(ctx: RunContext, flow: FlowName, table: Table, row: TabRow): string | null {
  const key = cellText(cell(table, row, 'initiative_key'));
  if (key !== '') return key;
  warn(ctx, flow, {
    ...at(table, row, 'initiative_key'),
    key: null,
    message: 'This row has no initiative_key, so it is ignored: fill it in (a key from the Central Backlog)',
  });
  return null;
}
