/**
 * Drives the flows on two in-memory workbooks, the way a PM would: add rows by column name,
 * edit cells, run a command, read cells back by key.
 */
import { newTab } from '../../src/cli/commands/init.js';
import { loadConfig } from '../../src/config/config.js';
import type { Database } from '../../src/db/database.js';
import { FLOWS, type FlowName } from '../../src/flows/context.js';
import type { LlmDeps } from '../../src/flows/models-suggest.js';
import { type RunReport, runFlows } from '../../src/flows/run.js';
import type { CellValue } from '../../src/sheets/sheet-store.js';
import { backlogTab, mathModelsTab, paramsTab, scoringTab, type TabSpec } from '../../src/sheets/tabs.js';
import { MemorySheetStore } from './memory-sheet-store.js';

export type Row = Record<string, CellValue>;

const TABS: Record<string, { spec: TabSpec; workbook: 'backlog' | 'productOps' }> = {
  Backlog: { spec: backlogTab, workbook: 'backlog' },
  Scoring_Inputs: { spec: scoringTab, workbook: 'productOps' },
  MathModels: { spec: mathModelsTab, workbook: 'productOps' },
  Params: { spec: paramsTab, workbook: 'productOps' },
};
export type TabName = keyof typeof TABS;

export class FlowHarness {
  readonly backlog = new MemorySheetStore('central-backlog.xlsx');
  readonly productOps = new MemorySheetStore('productops.xlsx');
  readonly config = loadConfig({ cwd: '/nonexistent', env: {} });
  clock = new Date('2026-01-05T09:00:00.000Z');

  constructor(readonly database: Database | null) {}

  static async create(database: Database | null): Promise<FlowHarness> {
    const h = new FlowHarness(database);
    await h.backlog.ensureTabs([newTab(backlogTab, 'Backlog')]);
    await h.productOps.ensureTabs([
      newTab(scoringTab, 'Scoring_Inputs'),
      newTab(mathModelsTab, 'MathModels'),
      newTab(paramsTab, 'Params'),
    ]);
    return h;
  }

  store(tab: TabName): MemorySheetStore {
    return TABS[tab]!.workbook === 'backlog' ? this.backlog : this.productOps;
  }

  header(tab: TabName): string[] {
    return this.store(tab).grid(tab)[0]!.map(String);
  }

  /** Appends a row given by column name; returns its row number. */
  add(tab: TabName, row: Row): number {
    const grid = this.store(tab).grid(tab);
    const header = this.header(tab);
    const cells: CellValue[] = header.map(() => null);
    for (const [k, v] of Object.entries(row)) {
      const i = header.indexOf(k);
      if (i < 0) throw new Error(`${tab} has no column ${k}`);
      cells[i] = v;
    }
    grid.push(cells);
    this.store(tab).setTab(tab, grid);
    return grid.length;
  }

  edit(tab: TabName, row: number, column: string, value: CellValue): void {
    this.store(tab).edit(tab, row, column, value);
  }

  /** Every data row as an object by column name, with its row number. */
  rows(tab: TabName): (Row & { _row: number })[] {
    const grid = this.store(tab).grid(tab);
    const header = grid[0]!.map(String);
    return grid.slice(1).map((cells, i) => {
      const o: Row & { _row: number } = { _row: i + 2 };
      header.forEach((h, c) => {
        o[h] = cells[c] ?? null;
      });
      return o;
    });
  }

  /** The first row of a tab whose cells match `where`. */
  find(tab: TabName, where: Row): Row & { _row: number } {
    const found = this.rows(tab).find((r) => Object.entries(where).every(([k, v]) => r[k] === v));
    if (!found) throw new Error(`no ${tab} row with ${JSON.stringify(where)}`);
    return found;
  }

  /** The LLM co-pilot every run uses, when a test sets one. */
  llm: LlmDeps | undefined;

  async run(include: readonly FlowName[] = FLOWS, dryRun = false): Promise<RunReport> {
    const now = this.clock;
    this.clock = new Date(this.clock.getTime() + 60_000);
    return runFlows(
      {
        config: this.config,
        backlog: this.backlog,
        productOps: this.productOps,
        database: this.database,
        now: () => now,
        ...(this.llm ? { llm: this.llm } : {}),
      },
      { command: 'test', include: new Set(include), dryRun },
    );
  }
}

export const cellsWritten = (r: RunReport) => r.steps.reduce((n, s) => n + s.cellsWritten, 0);

/** Empties every table: a database as the first run finds it. */
export async function resetDatabase(database: Database): Promise<void> {
  for (const table of [
    'initiatives',
    'framework_scores',
    'math_models',
    'params',
    'score_history',
    'row_state',
    'sequences',
    'runs',
    'llm_calls',
  ] as const) {
    await database.db.deleteFrom(table).execute();
  }
}
