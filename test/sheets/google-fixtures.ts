/**
 * Helpers for the Google store tests: stores pointed at the Sheets API stand-in with a fixed token,
 * retries that wait for nothing (the waits are recorded instead), and the harness the shared store
 * contract needs, acting as a person through the stand-in's direct cell access.
 */

import { afterEach, beforeEach } from 'vitest';
import { GoogleSheetStore, type GoogleSheetStoreOptions } from '../../src/sheets/google/index.js';
import type { CellValue } from '../../src/sheets/sheet-store.js';
import type { SheetsApiStandIn } from '../support/sheets-api-stand-in.js';
import type { SheetStoreHarness } from './sheet-store-contract.js';

/** A store on the stand-in; `sleeps` records every retry wait, in milliseconds. */
export function createTestStore(
  standIn: SheetsApiStandIn,
  spreadsheetId: string,
  options: GoogleSheetStoreOptions = {},
): { store: GoogleSheetStore; sleeps: number[] } {
  const sleeps: number[] = [];
  const store = new GoogleSheetStore(spreadsheetId, {
    rootUrl: standIn.rootUrl,
    accessToken: standIn.token,
    timeoutMs: 2_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { store, sleeps };
}

/** A1 name of one cell: 1-based row, 0-based column. */
export function a1(row: number, column: number): string {
  let letters = '';
  for (let n = column + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return `${letters}${row}`;
}

export async function createGoogleHarness(
  standIn: SheetsApiStandIn,
): Promise<SheetStoreHarness & { spreadsheetId: string }> {
  const spreadsheetId = standIn.createSpreadsheet();
  const open = () => createTestStore(standIn, spreadsheetId).store;
  return {
    spreadsheetId,
    store: open(),
    reopen: open,
    async seedTab(tab: string, rows: CellValue[][]) {
      standIn.setTab(spreadsheetId, tab, rows);
    },
    async externalEdit(tab: string, row: number, column: number, value: CellValue) {
      standIn.setCells(spreadsheetId, `'${tab}'!${a1(row, column)}`, [[value]]);
    },
    async cleanup() {
      standIn.deleteSpreadsheet(spreadsheetId);
    },
  };
}

/**
 * Gives each test a new spreadsheet on the stand-in holding `tabs` (and a clean request log), and
 * deletes it and the test's faults and hooks afterwards. `use` receives each new spreadsheet's id.
 */
export function freshSpreadsheetEachTest(
  standIn: SheetsApiStandIn,
  tabs: Record<string, CellValue[][]>,
  use: (spreadsheetId: string) => void,
): void {
  let spreadsheetId = '';
  beforeEach(() => {
    spreadsheetId = standIn.createSpreadsheet();
    for (const [tab, rows] of Object.entries(tabs)) standIn.setTab(spreadsheetId, tab, rows);
    standIn.resetLog();
    use(spreadsheetId);
  });
  afterEach(() => {
    standIn.resetControls();
    standIn.deleteSpreadsheet(spreadsheetId);
  });
}
