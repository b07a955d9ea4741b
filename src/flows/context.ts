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

import type { MetadataOrigin } from '../llm/param-metadata.js';
import type { ActiveScore } from '../scoring/activation.js';
import type { FrameworkScore } from '../scoring/framework.js';
import type { FormulaCache, ModelOutcome } from '../scoring/math-model.js';
import { cellText, type Parsed } from '../shared/values.js';
import { cell, type Table } from '../sheets/read-tab.js';
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

export interface RunWarning {
  tab: string;
  row: number | null;
  key: string | null;
  message: string;
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
  /** `key|framework` → the last stored score, to record history only when a score changes. */
  scores: Map<
    string,
    { value: number | null; effort: number | null; overall: number | null; formula: string | null }
  >;
}

export function emptyMemory(): Memory {
  return { sequence: 0, rows: new Map(), models: new Map(), params: new Map(), scores: new Map() };
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
          tab: table.name,
          row: row.rowNumber,
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
    tab: table.name,
    row: row.rowNumber,
    key: null,
    message: 'This row has no initiative_key, so it is ignored',
  });
  return null;
}
