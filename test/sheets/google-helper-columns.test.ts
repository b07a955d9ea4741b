/**
 * PM helper columns (columns productops does not know) never block a write: a row counts as edited
 * only when a column productops knows changed. A volatile formula (NOW(), RAND(), IMPORTRANGE)
 * changes its value on every recalculation, so without that rule every row would look edited.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { CellValue, TabWrite } from '../../src/sheets/sheet-store.js';
import { SheetsApiStandIn, type StandInInput } from '../support/sheets-api-stand-in.js';
import { createTestStore, freshSpreadsheetEachTest } from './google-fixtures.js';

const standIn = await SheetsApiStandIn.start();
afterAll(() => standIn.close());

const now = (): StandInInput => ({ formula: '=NOW()', volatile: true });
const HEADER = ['initiative_key', 'title', 'rank', 'Last refreshed', 'days_open'];
const BACKLOG: StandInInput[][] = [
  HEADER,
  ['INIT-000001', 'Checkout revamp', 3, now(), { formula: '=TODAY()-DATE(2025,1,1)', volatile: true }],
  ['INIT-000002', 'Search', 1, now(), { formula: '=TODAY()-DATE(2025,1,1)', volatile: true }],
  ['INIT-000003', 'Onboarding', 2, now(), { formula: '=TODAY()-DATE(2025,1,1)', volatile: true }],
];

let spreadsheetId: string;
freshSpreadsheetEachTest(standIn, { Backlog: BACKLOG }, (id) => {
  spreadsheetId = id;
});

const open = () => createTestStore(standIn, spreadsheetId).store;
const ranks = (guarded: boolean): TabWrite => ({
  tab: 'Backlog',
  updates: [
    { row: 2, column: 2, value: 10 },
    { row: 3, column: 2, value: 20 },
    { row: 4, column: 2, value: 30 },
  ],
  ...(guarded
    ? {
        guards: ['INIT-000001', 'INIT-000002', 'INIT-000003'].map((value, index) => ({
          row: index + 2,
          keyCells: [{ column: 0, value }],
        })),
      }
    : {}),
});
const rankByKey = () =>
  Object.fromEntries(
    standIn
      .getGrid(spreadsheetId, 'Backlog')
      .slice(1)
      .map((row) => [row[0], row[2]]),
  );

describe('volatile formulas in PM helper columns', () => {
  it('recalculated between the read and the write, they do not make any update be skipped', async () => {
    const store = open();
    await store.read(['Backlog']);
    // "On change and every minute": NOW() moved on while the run was computing.
    standIn.recalculate(spreadsheetId);
    const result = await store.write([ranks(true)]);
    expect(result).toEqual({ cellsWritten: 3, rowsAppended: 0, warnings: [] });
    expect(rankByKey()).toEqual({ 'INIT-000001': 10, 'INIT-000002': 20, 'INIT-000003': 30 });
  });

  it('with rows sorted as well, every row is still found by key and written', async () => {
    const store = open();
    await store.read(['Backlog']);
    standIn.sortRows(spreadsheetId, 'Backlog', (a, b) => String(b[1]).localeCompare(String(a[1])));
    const result = await store.write([ranks(true)]);
    expect(result.warnings).toEqual([]);
    expect(rankByKey()).toEqual({ 'INIT-000002': 20, 'INIT-000003': 30, 'INIT-000001': 10 });
  });

  it('do not refuse a write without guards', async () => {
    const store = open();
    await store.read(['Backlog']);
    standIn.recalculate(spreadsheetId);
    expect((await store.write([ranks(false)])).cellsWritten).toBe(3);
    expect(rankByKey()).toEqual({ 'INIT-000001': 10, 'INIT-000002': 20, 'INIT-000003': 30 });
  });

  it('a person typing in a helper column does not hold the row back either', async () => {
    const store = open();
    await store.read(['Backlog']);
    standIn.setCells(spreadsheetId, "'Backlog'!F3", [['my own note']]);
    const result = await store.write([ranks(true)]);
    expect(result.warnings).toEqual([]);
    expect(standIn.getGrid(spreadsheetId, 'Backlog')[2]![5]).toBe('my own note');
  });

  it('an edit in a column productops knows still holds the row back', async () => {
    const store = open();
    await store.read(['Backlog']);
    standIn.setCells(spreadsheetId, "'Backlog'!B3", [['Search v2']]);
    const result = await store.write([ranks(true)]);
    expect(result.cellsWritten).toBe(2);
    expect(result.warnings).toEqual([
      'Backlog: the row of "INIT-000002" was edited after the read (it is now row 3), so its updates were skipped; the next run starts from the edit',
    ]);
    expect(rankByKey()).toEqual({ 'INIT-000001': 10, 'INIT-000002': 1, 'INIT-000003': 30 });
  });
});

it('the helper values are read as they are, and never written', async () => {
  const store = open();
  const rows = (await store.read(['Backlog'])).get('Backlog')!.rows;
  expect(rows.every((row) => typeof (row.cells[3] as CellValue) === 'number')).toBe(true);
  standIn.resetLog();
  await store.write([ranks(true)]);
  const sent = JSON.stringify(
    standIn.requests.filter((r) => r.kind === 'values.batchUpdate').map((r) => r.body),
  );
  expect(sent).not.toMatch(/'Backlog'!D|'Backlog'!E/);
});
