/**
 * Drives the flows on two in-memory workbooks, the way a PM would: add rows by column name,
 * edit cells, run a command, read cells back by key.
 */

import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createDatabase, type Database } from '../../src/db/database.js';
import type { LlmDeps } from '../../src/flows/index.js';
import { FLOWS, type FlowName, type RunReport, runFlows } from '../../src/flows/index.js';
import { DEFAULT_FRAMEWORKS, type Frameworks } from '../../src/scoring/index.js';
import { newTab } from '../../src/sheets/index.js';
import type { CellValue, SheetStore } from '../../src/sheets/sheet-store.js';
import {
  backlogTab,
  mathModelsTab,
  paramsTab,
  scoringTab,
  type TabSpec,
  tabsFor,
} from '../../src/sheets/tabs.js';
import { forEachDatabase } from '../db/databases.js';
import { MemorySheetStore } from './memory-sheet-store.js';
import { SheetsApiStandIn } from './sheets-api-stand-in.js';
import { googleBackend, type WorkbookBackend, type WorkbookRole, xlsxBackend } from './workbook-backends.js';

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

  /** Called with the tab names of every read the flows make, on any backend. */
  onRead: ((tabs: string[]) => void) | undefined;

  constructor(
    readonly database: Database | null,
    /** Where the workbooks really live; in memory when not given. */
    readonly backend?: WorkbookBackend,
    /** The frameworks the tabs are made for and the runs score with; the defaults when not given. */
    readonly frameworks?: Frameworks,
  ) {}

  static async create(
    database: Database | null,
    backend?: WorkbookBackend,
    frameworks?: Frameworks,
  ): Promise<FlowHarness> {
    const h = new FlowHarness(database, backend, frameworks);
    const tabs = tabsFor(frameworks ?? DEFAULT_FRAMEWORKS);
    await h.backlog.ensureTabs([newTab(tabs.backlog, 'Backlog')]);
    await h.productOps.ensureTabs([
      newTab(tabs.scoring, 'Scoring_Inputs'),
      newTab(tabs.mathModels, 'MathModels'),
      newTab(tabs.params, 'Params'),
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

  /** The stores one run uses: the memory ones, or the backend's with the grids pushed to them. */
  private async stores(): Promise<Record<WorkbookRole, SheetStore>> {
    const memory = { backlog: this.backlog, productOps: this.productOps };
    const stores: Record<WorkbookRole, SheetStore> = this.backend ? this.backend.stores() : { ...memory };
    for (const role of ['backlog', 'productOps'] as const) {
      if (this.backend) await this.backend.push(role, memory[role].tabs);
      const store = stores[role];
      const read = store.read.bind(store);
      const write = store.write.bind(store);
      stores[role] = {
        label: store.label,
        exists: () => store.exists(),
        ensureTabs: (tabs) => store.ensureTabs(tabs),
        read: async (tabs: string[]) => {
          this.onRead?.(tabs);
          return read(tabs);
        },
        // The memory store counts its own writes; count the backend's the same way.
        write: this.backend
          ? async (changes: Parameters<SheetStore['write']>[0]) => {
              if (changes.length > 0) memory[role].writes += 1;
              return write(changes);
            }
          : write,
      };
    }
    return stores;
  }

  private async pullBack(): Promise<void> {
    if (!this.backend) return;
    for (const role of ['backlog', 'productOps'] as const) {
      const store = role === 'backlog' ? this.backlog : this.productOps;
      const grids = await this.backend.pull(role);
      store.tabs.clear();
      for (const [tab, rows] of grids) store.tabs.set(tab, rows);
    }
  }

  async run(include: readonly FlowName[] = FLOWS, dryRun = false): Promise<RunReport> {
    const now = this.clock;
    this.clock = new Date(this.clock.getTime() + 60_000);
    const stores = await this.stores();
    try {
      return await this.runWith(stores, include, dryRun, now);
    } finally {
      await this.pullBack();
    }
  }

  private runWith(
    stores: Record<WorkbookRole, SheetStore>,
    include: readonly FlowName[],
    dryRun: boolean,
    now: Date,
  ) {
    return runFlows(
      {
        config: this.config,
        backlog: stores.backlog,
        productOps: stores.productOps,
        database: this.database,
        now: () => now,
        ...(this.llm ? { llm: this.llm } : {}),
        ...(this.frameworks ? { frameworks: this.frameworks } : {}),
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
    'rank_history',
    'warnings',
    'row_state',
    'sequences',
    'runs',
    'run_requests',
    'llm_calls',
    'run_locks',
  ] as const) {
    await database.db.deleteFrom(table).execute();
  }
}

/**
 * Runs a flow suite on every workbook backend: in-memory workbooks on SQLite and PostgreSQL (the
 * database matrix), then real .xlsx files on SQLite. `backend()` gives each test a fresh backend
 * (undefined for in-memory), closed after the test.
 */
export function forEachWorkbookBackend(
  suite: (name: string, open: () => Promise<Database>, backend: () => WorkbookBackend | undefined) => void,
): void {
  forEachDatabase((kind, open) => {
    describe('memory workbooks', () => suite(`${kind}/memory`, open, () => undefined));
  });
  const open = () => createDatabase('sqlite::memory:');
  const realBackends: [string, () => WorkbookBackend][] = [
    ['xlsx', xlsxBackend],
    ['google', () => googleBackend(sheetsApi!)],
  ];
  let sheetsApi: SheetsApiStandIn | undefined;
  for (const [name, make] of realBackends) {
    describe(`${name} workbooks`, () => {
      const opened: WorkbookBackend[] = [];
      if (name === 'google') {
        beforeAll(async () => {
          sheetsApi = await SheetsApiStandIn.start();
        });
        afterAll(async () => {
          await sheetsApi?.close();
        });
      }
      afterEach(async () => {
        for (const b of opened.splice(0)) await b.close();
      });
      suite(`sqlite/${name}`, open, () => {
        const b = make();
        opened.push(b);
        return b;
      });
    });
  }
}

/**
 * `forEachWorkbookBackend` with the preamble every flow suite needs: one database per backend,
 * emptied before each test, and a new harness on a fresh backend, handed to `use` before each test
 * (with the backend's name, and a way to make another backend of the same kind).
 */
export function forEachFlowBackend(
  use: (
    harness: FlowHarness,
    database: Database,
    name: string,
    backend: () => WorkbookBackend | undefined,
  ) => void,
  suite: (name: string) => void,
): void {
  forEachWorkbookBackend((name, open, backend) => {
    let database: Database;
    beforeAll(async () => {
      database = await open();
    });
    beforeEach(async () => {
      await resetDatabase(database);
      use(await FlowHarness.create(database, backend()), database, name, backend);
    });
    suite(name);
  });
}
