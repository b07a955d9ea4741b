/**
 * Where the flow harness's workbooks really live. The harness keeps every tab as a grid in memory
 * so tests stay synchronous and store-agnostic; before each run a backend makes its real workbooks
 * show exactly those grids, the flows run against the real store, and the grids are read back.
 * So one flow test runs unchanged on every SheetStore implementation.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { GoogleSheetStore } from '../../src/sheets/google/index.js';
import type { CellValue, SheetStore } from '../../src/sheets/sheet-store.js';
import { XlsxSheetStore } from '../../src/sheets/xlsx/xlsx-sheet-store.js';
import type { SheetsApiStandIn, StandInInput } from './sheets-api-stand-in.js';

export type WorkbookRole = 'backlog' | 'productOps';
export type Grids = Map<string, CellValue[][]>;

export interface WorkbookBackend {
  readonly name: string;
  /** Fresh stores for one run. */
  stores(): Record<WorkbookRole, SheetStore>;
  /** Makes the workbook hold exactly these tabs and cells. */
  push(role: WorkbookRole, grids: Grids): Promise<void>;
  /** The tabs and cells the workbook holds now. */
  pull(role: WorkbookRole): Promise<Grids>;
  close(): Promise<void>;
}

function plain(value: unknown): CellValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object' && !(value instanceof Date)) {
    const v = value as { result?: unknown; richText?: { text: string }[]; text?: string };
    if ('result' in v) return plain(v.result);
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if (typeof v.text === 'string') return v.text;
  }
  return value as CellValue;
}

export function xlsxBackend(): WorkbookBackend {
  const dir = mkdtempSync(join(tmpdir(), 'productops-harness-'));
  mkdirSync(join(dir, 'workbooks'));
  const file = (role: WorkbookRole) =>
    join(dir, 'workbooks', role === 'backlog' ? 'central-backlog.xlsx' : 'productops.xlsx');
  return {
    name: 'xlsx',
    stores: () => ({
      backlog: new XlsxSheetStore(file('backlog')),
      productOps: new XlsxSheetStore(file('productOps')),
    }),
    async push(role, grids) {
      const wb = new ExcelJS.Workbook();
      for (const [tab, rows] of grids) {
        const ws = wb.addWorksheet(tab);
        rows.forEach((cells, r) => {
          cells.forEach((value, c) => {
            if (value !== null && value !== undefined)
              ws.getRow(r + 1).getCell(c + 1).value = value as ExcelJS.CellValue;
          });
        });
      }
      await wb.xlsx.writeFile(file(role));
    },
    async pull(role) {
      const grids: Grids = new Map();
      if (!existsSync(file(role))) return grids;
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file(role));
      wb.eachSheet((ws) => {
        const rows: CellValue[][] = [];
        for (let r = 1; r <= ws.rowCount; r++) {
          const row = ws.getRow(r);
          const cells: CellValue[] = [];
          for (let c = 1; c <= row.cellCount; c++) cells.push(plain(row.getCell(c).value));
          rows.push(cells);
        }
        grids.set(ws.name, rows);
      });
      return grids;
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The two workbooks as spreadsheets on a Sheets API stand-in, used through GoogleSheetStore. */
export function googleBackend(standIn: SheetsApiStandIn): WorkbookBackend {
  const ids: Record<WorkbookRole, string> = {
    backlog: standIn.createSpreadsheet({ tabs: [] }),
    productOps: standIn.createSpreadsheet({ tabs: [] }),
  };
  const store = (role: WorkbookRole) =>
    new GoogleSheetStore(ids[role], {
      rootUrl: standIn.rootUrl,
      accessToken: standIn.token,
      sleep: async () => {},
    });
  return {
    name: 'google',
    stores: () => ({ backlog: store('backlog'), productOps: store('productOps') }),
    async push(role, grids) {
      for (const title of standIn.tabTitles(ids[role]))
        if (!grids.has(title)) standIn.deleteTab(ids[role], title);
      for (const [tab, rows] of grids) standIn.setTab(ids[role], tab, rows as StandInInput[][]);
    },
    async pull(role) {
      const grids: Grids = new Map();
      for (const title of standIn.tabTitles(ids[role])) grids.set(title, standIn.getGrid(ids[role], title));
      return grids;
    },
    async close() {
      standIn.deleteSpreadsheet(ids.backlog);
      standIn.deleteSpreadsheet(ids.productOps);
    },
  };
}
