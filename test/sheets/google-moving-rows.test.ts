/**
 * Writes land on the row they are meant for while people sort, insert and type during a run:
 * between the read and the write, in the last round trip before the write is applied (the stand-in's
 * `onBeforeWrite`), and between a failed attempt and its retry (`onAfterRequest`). What a person
 * checks afterwards is the sheet itself: every key's row holds that key's values, no other row
 * holds them, and no row a person typed was overwritten.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { CellValue, RowGuard, TabWrite } from '../../src/sheets/sheet-store.js';
import { SheetsApiStandIn } from '../support/sheets-api-stand-in.js';
import { createTestStore, freshSpreadsheetEachTest } from './google-fixtures.js';

const standIn = await SheetsApiStandIn.start();
afterAll(() => standIn.close());

const HEADER = ['initiative_key', 'title', 'rank', 'pm_notes'];
const BACKLOG: CellValue[][] = [
  HEADER,
  ['INIT-000001', 'Checkout revamp', 3, 'ask Sam'],
  ['INIT-000002', 'Search', 1],
  ['INIT-000003', 'Onboarding', 2, 'Q3'],
];

let spreadsheetId: string;
freshSpreadsheetEachTest(standIn, { Backlog: BACKLOG }, (id) => {
  spreadsheetId = id;
});

const grid = () => standIn.getGrid(spreadsheetId, 'Backlog');
const open = (options: Parameters<typeof createTestStore>[2] = {}) =>
  createTestStore(standIn, spreadsheetId, options);
const guard = (row: number, key: string): RowGuard => ({ row, keyCells: [{ column: 0, value: key }] });

/** Ranks 10, 20, 30 for INIT-000001..3 (rows 2–4 as read), guarded by key. */
const ranks: TabWrite = {
  tab: 'Backlog',
  updates: [
    { row: 2, column: 2, value: 10 },
    { row: 3, column: 2, value: 20 },
    { row: 4, column: 2, value: 30 },
  ],
  guards: [guard(2, 'INIT-000001'), guard(3, 'INIT-000002'), guard(4, 'INIT-000003')],
};

/** Each key with the rank its row holds, whatever the order of the rows. */
const rankByKey = () =>
  Object.fromEntries(
    grid()
      .slice(1)
      .filter((row) => row[0])
      .map((row) => [row[0], row[2] ?? null]),
  );

const byTitleDescending = (a: unknown[], b: unknown[]) =>
  String(b[1] ?? '').localeCompare(String(a[1] ?? ''));

describe('a person sorts or inserts rows in the last round trip before the write is applied', () => {
  it('puts back the cells that landed on other rows and writes each row its own, saying so', async () => {
    const { store } = open();
    await store.read(['Backlog']);
    standIn.onBeforeWrite(() => standIn.sortRows(spreadsheetId, 'Backlog', byTitleDescending));
    const result = await store.write([ranks]);
    expect(grid()).toEqual([
      HEADER,
      ['INIT-000002', 'Search', 20],
      ['INIT-000003', 'Onboarding', 30, 'Q3'],
      ['INIT-000001', 'Checkout revamp', 10, 'ask Sam'],
    ]);
    expect(result.cellsWritten).toBe(3);
    expect(result.warnings).toEqual([
      'Backlog: rows moved while the write was on its way, so the cells of "INIT-000001" were written again on row 4, where that row is now',
      'Backlog: rows moved while the write was on its way, so the cells of "INIT-000002" were written again on row 2, where that row is now',
      'Backlog: rows moved while the write was on its way, so the cells of "INIT-000003" were written again on row 3, where that row is now',
    ]);
  });

  it('follows rows pushed down by a row inserted above them, and restores the rows it hit', async () => {
    standIn.setTab(spreadsheetId, 'Backlog', [...BACKLOG, ['INIT-000004', 'Pricing page', 4]]);
    const { store } = open();
    await store.read(['Backlog']);
    standIn.onBeforeWrite(() => standIn.insertRows(spreadsheetId, 'Backlog', 2, 1));
    const result = await store.write([
      {
        tab: 'Backlog',
        updates: [
          { row: 2, column: 2, value: 10 },
          { row: 4, column: 2, value: 30 },
          { row: 5, column: 2, value: 40 },
        ],
        guards: [guard(2, 'INIT-000001'), guard(4, 'INIT-000003'), guard(5, 'INIT-000004')],
      },
    ]);
    expect(grid()).toEqual([
      HEADER,
      [],
      ['INIT-000001', 'Checkout revamp', 10, 'ask Sam'],
      ['INIT-000002', 'Search', 1],
      ['INIT-000003', 'Onboarding', 30, 'Q3'],
      ['INIT-000004', 'Pricing page', 40],
    ]);
    expect(result.cellsWritten).toBe(3);
    expect(result.warnings).toEqual([
      'Backlog: rows moved while the write was on its way, so the cells of "INIT-000001" were written again on row 3, where that row is now',
      'Backlog: rows moved while the write was on its way, so the cells of "INIT-000003" were written again on row 5, where that row is now',
      'Backlog: rows moved while the write was on its way, so the cells of "INIT-000004" were written again on row 6, where that row is now',
      'Backlog!C4 (row of "INIT-000002") got a value meant for another row while rows moved during the write; its value 1 was put back',
      'Backlog!C2 got a value meant for another row while rows moved during the write; it was cleared',
    ]);
    // The write, one repair, and a re-read before and after each.
    expect(standIn.countsByKind()).toMatchObject({ 'values.batchGet': 4, 'values.batchUpdate': 2 });
  });

  it('puts a new key on the row it was made for, never over another row’s key', async () => {
    standIn.setTab(spreadsheetId, 'Backlog', [
      HEADER,
      ['INIT-000001', 'Checkout revamp', 3],
      [null, 'New idea'],
      ['INIT-000003', 'Onboarding', 2],
    ]);
    const { store } = open();
    await store.read(['Backlog']);
    standIn.onBeforeWrite(() => standIn.insertRows(spreadsheetId, 'Backlog', 2, 1));
    await store.write([
      {
        tab: 'Backlog',
        updates: [
          { row: 3, column: 0, value: 'INIT-000004' },
          { row: 3, column: 2, value: 1 },
        ],
        guards: [guard(3, '')],
      },
    ]);
    expect(grid()).toEqual([
      HEADER,
      [],
      ['INIT-000001', 'Checkout revamp', 3],
      ['INIT-000004', 'New idea', 1],
      ['INIT-000003', 'Onboarding', 2],
    ]);
  });

  it('appends below a row a person typed meanwhile, never over it', async () => {
    const { store } = open();
    await store.read(['Backlog']);
    standIn.onBeforeWrite(() => standIn.setCells(spreadsheetId, "'Backlog'!A5", [[null, 'Typed meanwhile']]));
    const result = await store.write([{ ...ranks, appends: [['INIT-000004', 'Pricing page']] }]);
    expect(result.rowsAppended).toBe(1);
    expect(grid().slice(4)).toEqual([
      [null, 'Typed meanwhile'],
      ['INIT-000004', 'Pricing page'],
    ]);
  });
});

describe('bounds', () => {
  const many = (n: number): CellValue[][] => [
    HEADER,
    ...Array.from({ length: n }, (_, i) => [
      `INIT-${String(i + 1).padStart(6, '0')}`,
      `Initiative ${i + 1}`,
      i + 1,
    ]),
  ];
  const rerank = (n: number): TabWrite => ({
    tab: 'Backlog',
    updates: Array.from({ length: n }, (_, i) => ({ row: i + 2, column: 2, value: 1000 + i })),
    guards: Array.from({ length: n }, (_, i) => guard(i + 2, `INIT-${String(i + 1).padStart(6, '0')}`)),
  });
  const reverse = (a: unknown[], b: unknown[]) => String(b[0] ?? '').localeCompare(String(a[0] ?? ''));

  it('sums up the rows written again when many moved, in one warning', async () => {
    standIn.setTab(spreadsheetId, 'Backlog', many(40));
    const { store } = open();
    await store.read(['Backlog']);
    standIn.onBeforeWrite(() => standIn.sortRows(spreadsheetId, 'Backlog', reverse));
    const result = await store.write([rerank(40)]);
    expect(result.warnings).toEqual([
      'Backlog: rows moved while the write was on its way, so the cells of 40 rows were written again where those rows are now ("INIT-000001" on row 41; "INIT-000002" on row 40; "INIT-000003" on row 39; …)',
    ]);
    expect(Object.values(rankByKey())).toEqual(Array.from({ length: 40 }, (_, i) => 1039 - i));
  });

  it('stops after three sends when rows keep moving under every one of them, and says so', async () => {
    standIn.setTab(spreadsheetId, 'Backlog', many(5));
    const { store } = open();
    await store.read(['Backlog']);
    let descending = true;
    const keepSorting = () => {
      standIn.sortRows(spreadsheetId, 'Backlog', descending ? reverse : (a, b) => reverse(b, a));
      descending = !descending;
      standIn.onBeforeWrite(keepSorting);
    };
    standIn.onBeforeWrite(keepSorting);
    standIn.resetLog();
    const result = await store.write([rerank(5)]);
    expect(result.warnings.at(-1)).toBe(
      `Rows kept moving while productops wrote Backlog in Google spreadsheet ${spreadsheetId}, so some cells may not be on their rows: run again`,
    );
    expect(standIn.countsByKind()).toEqual({ 'values.batchGet': 4, 'values.batchUpdate': 3 });
    // Once people stop, the next run puts everything right.
    standIn.resetControls();
    const next = open().store;
    const rows = (await next.read(['Backlog'])).get('Backlog')!.rows;
    await next.write([
      {
        tab: 'Backlog',
        updates: rows.map(({ rowNumber, cells }) => ({
          row: rowNumber,
          column: 2,
          value: 999 + Number(String(cells[0]).slice(5)),
        })),
        guards: rows.map(({ rowNumber, cells }) => guard(rowNumber, String(cells[0]))),
      },
    ]);
    expect(rankByKey()).toEqual({
      'INIT-000001': 1000,
      'INIT-000002': 1001,
      'INIT-000003': 1002,
      'INIT-000004': 1003,
      'INIT-000005': 1004,
    });
  });
});

describe('a person sorts or inserts rows between a failed attempt and its retry', () => {
  it('re-reads and re-plans before the retry, so no cell lands on a row that moved', async () => {
    const { store } = open();
    await store.read(['Backlog']);
    standIn.inject({ status: 500, kind: 'values.batchUpdate' });
    standIn.onAfterRequest({ kind: 'values.batchUpdate' }, () =>
      standIn.sortRows(spreadsheetId, 'Backlog', byTitleDescending),
    );
    const result = await store.write([ranks]);
    expect(grid()).toEqual([
      HEADER,
      ['INIT-000002', 'Search', 20],
      ['INIT-000003', 'Onboarding', 30, 'Q3'],
      ['INIT-000001', 'Checkout revamp', 10, 'ask Sam'],
    ]);
    expect(result).toEqual({ cellsWritten: 3, rowsAppended: 0, warnings: [] });
    expect(standIn.count({ kind: 'values.batchUpdate' })).toBe(2);
  });

  it('follows rows inserted above them between two retries', async () => {
    const { store } = open();
    await store.read(['Backlog']);
    standIn.inject({ status: 503, kind: 'values.batchUpdate', times: 2 });
    standIn.onAfterRequest({ kind: 'values.batchUpdate' }, () =>
      standIn.insertRows(spreadsheetId, 'Backlog', 3, 2),
    );
    await store.write([{ ...ranks, appends: [['INIT-000004', 'Pricing page']] }]);
    expect(grid()).toEqual([
      HEADER,
      ['INIT-000001', 'Checkout revamp', 10, 'ask Sam'],
      [],
      [],
      ['INIT-000002', 'Search', 20],
      ['INIT-000003', 'Onboarding', 30, 'Q3'],
      ['INIT-000004', 'Pricing page'],
    ]);
  });

  it('does not rewrite, or append again, what a lost answer had already applied before a sort', async () => {
    const { store } = open({ timeoutMs: 200 });
    await store.read(['Backlog']);
    // Google applied the write, the answer was lost, and a person sorted before the retry.
    standIn.hangNext({ kind: 'values.batchUpdate', apply: true });
    standIn.onAfterRequest({ kind: 'values.batchUpdate' }, () =>
      standIn.sortRows(spreadsheetId, 'Backlog', byTitleDescending),
    );
    const result = await store.write([ranks]);
    expect(result).toEqual({ cellsWritten: 3, rowsAppended: 0, warnings: [] });
    expect(rankByKey()).toEqual({ 'INIT-000001': 10, 'INIT-000002': 20, 'INIT-000003': 30 });
    // The retry found every cell in place on its moved row: nothing was sent again.
    expect(standIn.count({ kind: 'values.batchUpdate' })).toBe(1);
  });

  it('appends once when the answer to the append was lost', async () => {
    const { store } = open({ timeoutMs: 200 });
    await store.read(['Backlog']);
    standIn.hangNext({ kind: 'spreadsheets.batchUpdate', apply: true });
    const result = await store.write([{ tab: 'Backlog', appends: [['INIT-000004', 'Pricing page']] }]);
    expect(result).toEqual({ cellsWritten: 2, rowsAppended: 1, warnings: [] });
    expect(grid().slice(4)).toEqual([['INIT-000004', 'Pricing page']]);
  });
});
