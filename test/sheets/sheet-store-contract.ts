/**
 * The contract every `SheetStore` keeps (sheet-store.ts, SHEETS.md), written only against the
 * interface and a small harness, so the same cases run against the .xlsx store and, later, the
 * Google Sheets store. Each case gets a fresh, empty workbook from `makeStore`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CellValue, NewTab, SheetStore, TabData } from '../../src/sheets/sheet-store.js';
import { WorkbookChangedError } from '../../src/sheets/sheet-store.js';

/** What the suite needs besides the store: ways to act as a person on the same workbook. */
export interface SheetStoreHarness {
  /** A store on an empty workbook (for xlsx: a path where no file exists yet). */
  store: SheetStore;
  /** Another store on the same workbook, as the next run would open it. */
  reopen(): SheetStore;
  /**
   * Makes the tab hold exactly these rows, as a person would type them: `rows[0]` is the header
   * row, `null` is a blank cell, a row of nulls is a blank row. Creates the workbook and tab if needed.
   */
  seedTab(tab: string, rows: CellValue[][]): Promise<void>;
  /** A person changes one cell (1-based row, 0-based column) and saves, outside the store. */
  externalEdit(tab: string, row: number, column: number, value: CellValue): Promise<void>;
  /** Removes what the harness created. */
  cleanup(): Promise<void>;
}

export function describeSheetStoreContract(name: string, makeStore: () => Promise<SheetStoreHarness>): void {
  describe(`SheetStore contract: ${name}`, () => {
    let harness: SheetStoreHarness;
    let store: SheetStore;

    beforeEach(async () => {
      harness = await makeStore();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    async function readTab(from: SheetStore, tab: string): Promise<TabData> {
      const data = (await from.read([tab])).get(tab);
      if (!data) throw new Error(`tab ${tab} is missing`);
      return withoutLocation(data);
    }

    /** The tab as a person would check it: header plus data rows with their row numbers. */
    async function contentOf(tab: string): Promise<{ header: CellValue[]; rows: [number, CellValue[]][] }> {
      const data = await readTab(harness.reopen(), tab);
      return { header: data.header, rows: data.rows.map((row) => [row.rowNumber, row.cells]) };
    }

    const backlog: NewTab = {
      name: 'Backlog',
      headers: ['initiative_key', 'title', 'active_scoring_framework', 'use_math_model', 'rank'],
      dropdowns: { active_scoring_framework: ['RICE', 'WSJF', 'MATH_MODEL'] },
      checkboxes: ['use_math_model'],
      backendColumns: ['rank'],
    };
    const params: NewTab = { name: 'Params', headers: ['initiative_key', 'param_name', 'value', 'approved'] };

    describe('ensureTabs', () => {
      it('creates the workbook and its tabs with their header rows', async () => {
        expect(await store.ensureTabs([backlog, params])).toEqual({
          tabsAdded: ['Backlog', 'Params'],
          headersAdded: [],
        });
        expect(await store.exists()).toBe(true);
        const tabs = await harness.reopen().read(['Backlog', 'Params']);
        expect(withoutLocation(tabs.get('Backlog')!)).toEqual({
          name: 'Backlog',
          header: backlog.headers,
          rows: [],
          lastRow: 1,
        });
        expect(tabs.get('Params')?.header).toEqual(params.headers);
      });

      it('adds nothing when run a second time', async () => {
        await store.ensureTabs([backlog, params]);
        expect(await store.ensureTabs([backlog, params])).toEqual({ tabsAdded: [], headersAdded: [] });
        expect(await harness.reopen().ensureTabs([backlog, params])).toEqual({
          tabsAdded: [],
          headersAdded: [],
        });
        expect((await contentOf('Backlog')).header).toEqual(backlog.headers);
      });

      it('appends missing columns to the right, matching headers after normalizing', async () => {
        await harness.seedTab('Backlog', [
          ['Title', ' Initiative Key ', 'PM notes', 'use-math-model'],
          ['Checkout revamp', 'INIT-000001', 'ask Sam', true],
        ]);
        expect(await store.ensureTabs([backlog])).toEqual({
          tabsAdded: [],
          headersAdded: [
            { tab: 'Backlog', header: 'active_scoring_framework' },
            { tab: 'Backlog', header: 'rank' },
          ],
        });
        expect(await contentOf('Backlog')).toEqual({
          header: [
            'Title',
            ' Initiative Key ',
            'PM notes',
            'use-math-model',
            'active_scoring_framework',
            'rank',
          ],
          rows: [[2, ['Checkout revamp', 'INIT-000001', 'ask Sam', true]]],
        });
      });

      it('finds an existing tab case-insensitively instead of adding a second one', async () => {
        await harness.seedTab('backlog', [backlog.headers]);
        expect(await store.ensureTabs([backlog])).toEqual({ tabsAdded: [], headersAdded: [] });
      });
    });

    describe('read', () => {
      it('looks tabs up by exact name, then case-insensitively; a missing tab is null', async () => {
        await harness.seedTab('Backlog', [['title'], ['A']]);
        const tabs = await store.read(['BACKLOG', 'Nope']);
        expect(tabs.get('BACKLOG')?.name).toBe('Backlog');
        expect(tabs.get('Nope')).toBeNull();
      });

      it('keeps the sheet row numbers, skips blank rows and drops trailing empty cells', async () => {
        await harness.seedTab('Params', [
          ['initiative_key', 'param_name', 'value', null],
          ['INIT-000001', 'sessions', 1200],
          [null, null, null],
          [null, null, 'orphan value'],
          ['INIT-000002', null, null, null],
          [null, null, null, null],
        ]);
        const data = await readTab(store, 'Params');
        expect(data).toEqual({
          name: 'Params',
          header: ['initiative_key', 'param_name', 'value'],
          rows: [
            { rowNumber: 2, cells: ['INIT-000001', 'sessions', 1200] },
            { rowNumber: 4, cells: [null, null, 'orphan value'] },
            { rowNumber: 5, cells: ['INIT-000002'] },
          ],
          lastRow: 5,
        });
      });

      it('reports lastRow 1 for a tab holding only its header', async () => {
        await harness.seedTab('Params', [['initiative_key']]);
        expect((await readTab(store, 'Params')).lastRow).toBe(1);
      });
    });

    describe('write', () => {
      const seed = () =>
        harness.seedTab('Backlog', [
          ['initiative_key', 'title', 'rank'],
          ['INIT-000001', 'Checkout revamp', 3],
          ['INIT-000002', 'Search', 1],
          ['INIT-000003', 'Onboarding', 2],
        ]);

      it('changes only the cells it names', async () => {
        await seed();
        await store.read(['Backlog']);
        const result = await store.write([
          {
            tab: 'Backlog',
            updates: [
              { row: 2, column: 2, value: 1 },
              { row: 3, column: 2, value: 2 },
            ],
          },
        ]);
        expect(result).toEqual({ cellsWritten: 2, rowsAppended: 0, warnings: [] });
        expect((await contentOf('Backlog')).rows).toEqual([
          [2, ['INIT-000001', 'Checkout revamp', 1]],
          [3, ['INIT-000002', 'Search', 2]],
          [4, ['INIT-000003', 'Onboarding', 2]],
        ]);
      });

      it('clears a cell written as null', async () => {
        await seed();
        await store.read(['Backlog']);
        expect(
          (await store.write([{ tab: 'Backlog', updates: [{ row: 3, column: 2, value: null }] }]))
            .cellsWritten,
        ).toBe(1);
        expect((await contentOf('Backlog')).rows[1]).toEqual([3, ['INIT-000002', 'Search']]);
      });

      it('counts only cells whose value changes', async () => {
        await seed();
        await store.read(['Backlog']);
        const result = await store.write([
          {
            tab: 'Backlog',
            updates: [
              { row: 2, column: 2, value: 3 },
              { row: 3, column: 1, value: 'Search' },
              { row: 4, column: 2, value: 5 },
            ],
          },
        ]);
        expect(result).toEqual({ cellsWritten: 1, rowsAppended: 0, warnings: [] });
      });

      it('appends below the last used row, past blank rows', async () => {
        await harness.seedTab('Params', [
          ['initiative_key', 'param_name', 'value'],
          ['INIT-000001', 'sessions', 10],
          [null, null, null],
          ['INIT-000002', 'price', 4],
          [null, null, null],
        ]);
        await store.read(['Params']);
        const result = await store.write([
          {
            tab: 'Params',
            appends: [
              ['INIT-000003', 'churn', 0.1],
              ['INIT-000003', null, 7],
            ],
          },
        ]);
        expect(result).toEqual({ cellsWritten: 5, rowsAppended: 2, warnings: [] });
        const data = await readTab(harness.reopen(), 'Params');
        expect(data.rows.map((row) => [row.rowNumber, row.cells])).toEqual([
          [2, ['INIT-000001', 'sessions', 10]],
          [4, ['INIT-000002', 'price', 4]],
          [5, ['INIT-000003', 'churn', 0.1]],
          [6, ['INIT-000003', null, 7]],
        ]);
        expect(data.lastRow).toBe(6);
      });

      it('adds header cells to the right, and appends can fill the new column in the same write', async () => {
        await harness.seedTab('Backlog', [
          ['title', null, 'initiative_key'],
          ['Search', null, 'INIT-000002'],
        ]);
        await store.read(['Backlog']);
        const result = await store.write([
          {
            tab: 'Backlog',
            addHeaders: ['rank', 'score_warnings'],
            appends: [['Checkout', null, 'INIT-000001', 1]],
          },
        ]);
        expect(result).toEqual({ cellsWritten: 5, rowsAppended: 1, warnings: [] });
        expect(await contentOf('Backlog')).toEqual({
          header: ['title', null, 'initiative_key', 'rank', 'score_warnings'],
          rows: [
            [2, ['Search', null, 'INIT-000002']],
            [3, ['Checkout', null, 'INIT-000001', 1]],
          ],
        });
      });

      it("stores text starting with '=' as text, never as a formula", async () => {
        await seed();
        await store.read(['Backlog']);
        const formulas = ['=1+1', '=A2*2', '=HYPERLINK("https://example.com","x")'];
        await store.write([
          { tab: 'Backlog', updates: formulas.map((value, index) => ({ row: 2 + index, column: 1, value })) },
        ]);
        const titles = (await contentOf('Backlog')).rows.map(([, cells]) => cells[1]);
        expect(titles).toEqual(formulas);
      });

      it('round-trips numbers, booleans and text exactly', async () => {
        await harness.seedTab('Params', [['value']]);
        const values: CellValue[] = [
          0,
          -1.5,
          1234567.891,
          0.1 + 0.2,
          true,
          false,
          '007',
          '1,000',
          'plain text',
        ];
        await store.read(['Params']);
        await store.write([{ tab: 'Params', appends: values.map((value) => [value]) }]);
        const data = await readTab(harness.reopen(), 'Params');
        expect(data.rows.map((row) => row.cells[0])).toEqual(values);
      });

      it('refuses, writing nothing, when someone saved the workbook after the read', async () => {
        await seed();
        await store.read(['Backlog']);
        await harness.externalEdit('Backlog', 3, 1, 'Search v2');
        await expect(
          store.write([
            { tab: 'Backlog', updates: [{ row: 2, column: 2, value: 9 }], appends: [['INIT-000004', 'New']] },
          ]),
        ).rejects.toBeInstanceOf(WorkbookChangedError);
        expect((await contentOf('Backlog')).rows).toEqual([
          [2, ['INIT-000001', 'Checkout revamp', 3]],
          [3, ['INIT-000002', 'Search v2', 1]],
          [4, ['INIT-000003', 'Onboarding', 2]],
        ]);
      });

      it('writes after a fresh read that saw the other edit', async () => {
        await seed();
        await store.read(['Backlog']);
        await harness.externalEdit('Backlog', 3, 1, 'Search v2');
        await store.read(['Backlog']);
        await store.write([{ tab: 'Backlog', updates: [{ row: 2, column: 2, value: 9 }] }]);
        expect((await contentOf('Backlog')).rows.slice(0, 2)).toEqual([
          [2, ['INIT-000001', 'Checkout revamp', 9]],
          [3, ['INIT-000002', 'Search v2', 1]],
        ]);
      });

      it('reports zero for a write with no changes', async () => {
        await seed();
        await store.read(['Backlog']);
        const none = { cellsWritten: 0, rowsAppended: 0, warnings: [] };
        expect(await store.write([])).toEqual(none);
        expect(await store.write([{ tab: 'Backlog', updates: [], appends: [], addHeaders: [] }])).toEqual(
          none,
        );
      });

      it('lets a second write in the same run go ahead without another read', async () => {
        await seed();
        await store.read(['Backlog']);
        await store.write([{ tab: 'Backlog', updates: [{ row: 2, column: 2, value: 7 }] }]);
        await store.write([{ tab: 'Backlog', appends: [['INIT-000004', 'Pricing page']] }]);
        expect((await contentOf('Backlog')).rows).toEqual([
          [2, ['INIT-000001', 'Checkout revamp', 7]],
          [3, ['INIT-000002', 'Search', 1]],
          [4, ['INIT-000003', 'Onboarding', 2]],
          [5, ['INIT-000004', 'Pricing page']],
        ]);
      });

      it('still refuses a later write when someone saved between two writes', async () => {
        await seed();
        await store.read(['Backlog']);
        await store.write([{ tab: 'Backlog', updates: [{ row: 2, column: 2, value: 7 }] }]);
        await harness.externalEdit('Backlog', 4, 1, 'Onboarding v2');
        await expect(
          store.write([{ tab: 'Backlog', updates: [{ row: 3, column: 2, value: 8 }] }]),
        ).rejects.toBeInstanceOf(WorkbookChangedError);
        expect((await contentOf('Backlog')).rows[1]).toEqual([3, ['INIT-000002', 'Search', 1]]);
      });

      it('skips the updates of a guarded row whose key cells no longer match, with a warning', async () => {
        await seed();
        await store.read(['Backlog']);
        const result = await store.write([
          {
            tab: 'Backlog',
            updates: [
              { row: 2, column: 2, value: 10 },
              { row: 3, column: 2, value: 20 },
            ],
            guards: [
              { row: 2, keyCells: [{ column: 0, value: 'INIT-000001' }] },
              { row: 3, keyCells: [{ column: 0, value: 'INIT-000099' }] },
            ],
          },
        ]);
        expect(result.cellsWritten).toBe(1);
        expect(result.warnings).toHaveLength(1);
        expect(result.warnings[0]).toContain('INIT-000099');
        expect((await contentOf('Backlog')).rows.map(([, cells]) => cells[2])).toEqual([10, 1, 2]);
      });
    });
  });
}

/** Where a tab lives online (TabData.google) is the Google store's alone; its own tests check it. */
function withoutLocation(data: TabData): TabData {
  const { google: _google, ...rest } = data;
  return rest;
}
