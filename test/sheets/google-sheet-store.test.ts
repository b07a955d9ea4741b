/**
 * The Google Sheets store: the shared contract, then what only Google shows — how many requests a
 * read and a write cost, RAW writes, retries of passing failures (429 bursts, 500s, a timeout in
 * the middle of a write, dropped connections), the messages of failures a person must fix, rows
 * that people move between a read and a write, and `init`'s tabs, dropdowns, checkboxes and
 * protection. Everything runs against the stand-in Sheets API through the real googleapis client;
 * retry waits are recorded instead of slept.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, WorkbookError } from '../../src/shared/errors.js';
import { createKeyFileTokenSource } from '../../src/sheets/google/credentials.js';
import { createGoogleSheetStore, GoogleSheetStore } from '../../src/sheets/google/index.js';
import type { CellValue, NewTab, RowGuard, TabWrite } from '../../src/sheets/sheet-store.js';
import { WorkbookChangedError } from '../../src/sheets/sheet-store.js';
import { SheetsApiStandIn } from '../support/sheets-api-stand-in.js';
import { createGoogleHarness, createTestStore, freshSpreadsheetEachTest } from './google-fixtures.js';
import { describeSheetStoreContract } from './sheet-store-contract.js';

const standIn = await SheetsApiStandIn.start();
afterAll(() => standIn.close());

describeSheetStoreContract('GoogleSheetStore on the Sheets API stand-in', () => createGoogleHarness(standIn));

const HEADER = ['initiative_key', 'title', 'rank', 'pm_notes'];
const BACKLOG: CellValue[][] = [
  HEADER,
  ['INIT-000001', 'Checkout revamp', 3, 'ask Sam'],
  ['INIT-000002', 'Search', 1, null],
  ['INIT-000003', 'Onboarding', 2, 'Q3'],
];

let spreadsheetId: string;
freshSpreadsheetEachTest(standIn, { Backlog: BACKLOG }, (id) => {
  spreadsheetId = id;
});

const grid = (tab = 'Backlog') => standIn.getGrid(spreadsheetId, tab);
const open = (options: Parameters<typeof createTestStore>[2] = {}) =>
  createTestStore(standIn, spreadsheetId, options);

/** Guards on `initiative_key` (column 0) for the given rows, as read from BACKLOG. */
function guardsFor(...rows: number[]): RowGuard[] {
  return rows.map((row) => ({ row, keyCells: [{ column: 0, value: String(BACKLOG[row - 1]![0]) }] }));
}

/** New ranks for rows 2–4, guarded by key. */
const rankWrite = (ranks: [number, number, number]): TabWrite => ({
  tab: 'Backlog',
  updates: ranks.map((value, index) => ({ row: index + 2, column: 2, value })),
  guards: guardsFor(2, 3, 4),
});

describe('requests', () => {
  it('reads every tab with one spreadsheets.get and one values.batchGet', async () => {
    standIn.setTab(spreadsheetId, 'Params', [
      ['initiative_key', 'value'],
      ['INIT-000001', 5],
    ]);
    const { store } = open();
    const tabs = await store.read(['Backlog', 'Params', 'Missing']);
    expect(tabs.get('Missing')).toBeNull();
    expect(tabs.get('Params')?.rows).toEqual([{ rowNumber: 2, cells: ['INIT-000001', 5] }]);
    expect(standIn.countsByKind()).toEqual({ 'spreadsheets.get': 1, 'values.batchGet': 1 });
    const batchGet = standIn.requests.find((r) => r.kind === 'values.batchGet')!;
    expect(batchGet.query.getAll('ranges')).toEqual(["'Backlog'", "'Params'"]);
    expect(batchGet.query.get('valueRenderOption')).toBe('UNFORMATTED_VALUE');
  });

  it('writes only the changed cells and headers in one RAW values.batchUpdate, new rows as appendCells, then checks', async () => {
    const { store } = open();
    await store.read(['Backlog']);
    standIn.resetLog();
    const result = await store.write([
      {
        tab: 'Backlog',
        addHeaders: ['score_warnings'],
        updates: [
          { row: 2, column: 2, value: 1 },
          { row: 3, column: 2, value: 1 }, // unchanged
          { row: 4, column: 2, value: 3 },
        ],
        appends: [['INIT-000004', 'Pricing page', 4]],
        guards: guardsFor(2, 3, 4),
      },
    ]);
    expect(result).toEqual({ cellsWritten: 6, rowsAppended: 1, warnings: [] });
    // The read's tab list serves; one re-read before the write and one after it to check it.
    expect(standIn.countsByKind()).toEqual({
      'values.batchGet': 2,
      'spreadsheets.batchUpdate': 1,
      'values.batchUpdate': 1,
    });
    const body = standIn.requests.find((r) => r.kind === 'values.batchUpdate')!.body as {
      valueInputOption: string;
      data: { range: string; values: unknown[][] }[];
    };
    expect(body.valueInputOption).toBe('RAW');
    // Consecutive rows go as one block; a JSON null leaves its cell as it is.
    expect(body.data).toEqual([
      { range: "'Backlog'!C1:E2", majorDimension: 'ROWS', values: [[null, null, 'score_warnings'], [1]] },
      { range: "'Backlog'!C4", majorDimension: 'ROWS', values: [[3]] },
    ]);
    // Google places appended rows after the last row with data when it applies them.
    expect(standIn.requests.find((r) => r.kind === 'spreadsheets.batchUpdate')!.body).toEqual({
      requests: [
        {
          appendCells: {
            sheetId: standIn.sheetProperties(spreadsheetId, 'Backlog').sheetId,
            fields: 'userEnteredValue',
            rows: [
              {
                values: [
                  { userEnteredValue: { stringValue: 'INIT-000004' } },
                  { userEnteredValue: { stringValue: 'Pricing page' } },
                  { userEnteredValue: { numberValue: 4 } },
                ],
              },
            ],
          },
        },
      ],
    });
    expect(grid()).toEqual([
      [...HEADER, 'score_warnings'],
      ['INIT-000001', 'Checkout revamp', 1, 'ask Sam'],
      ['INIT-000002', 'Search', 1],
      ['INIT-000003', 'Onboarding', 3, 'Q3'],
      ['INIT-000004', 'Pricing page', 4],
    ]);
  });

  it('sends no request at all for a write whose cells already hold their values', async () => {
    const { store } = open();
    await store.read(['Backlog']);
    standIn.resetLog();
    expect(await store.write([rankWrite([3, 1, 2])])).toEqual({
      cellsWritten: 0,
      rowsAppended: 0,
      warnings: [],
    });
    expect(await store.write([])).toEqual({ cellsWritten: 0, rowsAppended: 0, warnings: [] });
    expect(standIn.requests).toEqual([]);
  });

  it('needs the same few requests for 5,000 rows as for 3', async () => {
    const rows: CellValue[][] = [HEADER];
    for (let i = 1; i <= 5_000; i++) rows.push([`INIT-${String(i).padStart(6, '0')}`, `Initiative ${i}`, i]);
    standIn.setTab(spreadsheetId, 'Backlog', rows);
    const { store } = open();
    await store.read(['Backlog']);
    expect(standIn.countsByKind()).toEqual({ 'spreadsheets.get': 1, 'values.batchGet': 1 });
    standIn.resetLog();
    const result = await store.write([
      {
        tab: 'Backlog',
        updates: rows.slice(1).map((_, index) => ({ row: index + 2, column: 2, value: 5_000 - index })),
        appends: [['INIT-005001', 'One more', 1]],
      },
    ]);
    expect(result.cellsWritten).toBe(5_000 + 3);
    // A re-read before and after, the appended row (Google grows the grid for it), the cells.
    expect(standIn.countsByKind()).toEqual({
      'values.batchGet': 2,
      'spreadsheets.batchUpdate': 1,
      'values.batchUpdate': 1,
    });
    const body = standIn.requests.find((r) => r.kind === 'values.batchUpdate')!.body as { data: unknown[] };
    expect(body.data).toHaveLength(1);
    const after = grid();
    expect(after[1]).toEqual(['INIT-000001', 'Initiative 1', 5_000]);
    expect(after[5_000]).toEqual(['INIT-005000', 'Initiative 5000', 1]);
    expect(after[5_001]).toEqual(['INIT-005001', 'One more', 1]);
  });

  it('splits a write only when it would pass the request size limit', async () => {
    const { store } = open({ maxRequestBytes: 300 });
    await store.read(['Backlog']);
    standIn.resetLog();
    const notes = ['a'.repeat(120), 'b'.repeat(120), 'c'.repeat(120)];
    await store.write([
      { tab: 'Backlog', updates: notes.map((value, index) => ({ row: index + 2, column: 3, value })) },
    ]);
    expect(standIn.count({ kind: 'values.batchUpdate' })).toBe(3);
    expect(
      grid()
        .slice(1)
        .map((row) => row[3]),
    ).toEqual(notes);
  });
});

describe('values', () => {
  it("writes RAW: text like '=1+1' or '007' stays text, never a formula or a number", async () => {
    const { store } = open();
    await store.read(['Backlog']);
    await store.write([
      {
        tab: 'Backlog',
        updates: [
          { row: 2, column: 3, value: '=1+1' },
          { row: 3, column: 3, value: '007' },
          { row: 4, column: 3, value: 'TRUE' },
        ],
      },
    ]);
    expect(
      grid()
        .slice(1)
        .map((row) => row[3]),
    ).toEqual(['=1+1', '007', 'TRUE']);
    expect(standIn.formulaAt(spreadsheetId, 'Backlog', 2, 3)).toBeUndefined();
  });

  it('reads what cells show, unformatted: formula results, fractions for percentages, dates as text', async () => {
    standIn.setCells(spreadsheetId, "'Backlog'!D2:D4", [
      [{ formula: '=C2*2', result: 6 }],
      [0.04],
      [new Date(Date.UTC(2024, 2, 1))],
    ]);
    const { store } = open();
    const data = (await store.read(['Backlog'])).get('Backlog')!;
    expect(data.rows.map((row) => row.cells[3])).toEqual([6, 0.04, '3/1/2024']);
  });

  it('writes a date as ISO-8601 UTC text', async () => {
    const { store } = open();
    await store.read(['Backlog']);
    await store.write([
      { tab: 'Backlog', updates: [{ row: 2, column: 3, value: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)) }] },
    ]);
    expect(grid()[1]![3]).toBe('2025-01-02T03:04:05.000Z');
  });

  it('handles tab names that need quoting in A1 notation', async () => {
    const tab = "PM's Backlog 2025";
    standIn.setTab(spreadsheetId, tab, BACKLOG);
    const { store } = open();
    const data = (await store.read([tab])).get(tab);
    expect(data?.rows).toHaveLength(3);
    await store.write([{ tab, updates: [{ row: 3, column: 3, value: 'quoted' }] }]);
    expect(grid(tab)[2]).toEqual(['INIT-000002', 'Search', 1, 'quoted']);
  });
});

describe('retries', () => {
  it('rides out a burst of 429s with growing, jittered waits', async () => {
    standIn.inject({ status: 429, times: 3, kind: 'values.batchGet' });
    const { store, sleeps } = open();
    const data = (await store.read(['Backlog'])).get('Backlog');
    expect(data?.rows).toHaveLength(3);
    // random() = 0.5: half the step plus a quarter: 750, 1500, 3000 ms.
    expect(sleeps).toEqual([750, 1_500, 3_000]);
    expect(standIn.count({ kind: 'values.batchGet' })).toBe(4);
  });

  it('waits as long as Retry-After says', async () => {
    standIn.inject({ status: 429, retryAfter: 7, kind: 'spreadsheets.get' });
    const { store, sleeps } = open();
    await store.read(['Backlog']);
    expect(sleeps).toEqual([7_000]);
  });

  it('retries a 500 and a dropped connection during a write', async () => {
    const { store } = open();
    await store.read(['Backlog']);
    standIn.inject({ status: 500, kind: 'values.batchUpdate' });
    standIn.inject({ reset: true, kind: 'values.batchUpdate' });
    expect((await store.write([rankWrite([1, 2, 3])])).cellsWritten).toBe(3);
    expect(standIn.count({ kind: 'values.batchUpdate' })).toBe(3);
    expect(
      grid()
        .slice(1)
        .map((row) => row[2]),
    ).toEqual([1, 2, 3]);
  });

  it('retries a write whose answer never came, without writing anything twice', async () => {
    const { store, sleeps } = open({ timeoutMs: 200 });
    await store.read(['Backlog']);
    // Google applied the write, but the answer was lost: the retry sends the same cells again.
    standIn.hangNext({ kind: 'values.batchUpdate', apply: true });
    const result = await store.write([
      { ...rankWrite([1, 2, 3]), appends: [['INIT-000004', 'Pricing page']] },
    ]);
    expect(result).toEqual({ cellsWritten: 5, rowsAppended: 1, warnings: [] });
    expect(sleeps).toHaveLength(1);
    expect(grid()).toEqual([
      HEADER,
      ['INIT-000001', 'Checkout revamp', 1, 'ask Sam'],
      ['INIT-000002', 'Search', 2],
      ['INIT-000003', 'Onboarding', 3, 'Q3'],
      ['INIT-000004', 'Pricing page'],
    ]);
    // The next run sees its own write, and has nothing left to do.
    const next = open().store;
    await next.read(['Backlog']);
    standIn.resetLog();
    expect((await next.write([rankWrite([1, 2, 3])])).cellsWritten).toBe(0);
    expect(standIn.count({ writesOnly: true })).toBe(0);
  });

  it('gives up after 5 attempts with a clear error, leaving every cell as it was', async () => {
    const { store, sleeps } = open();
    await store.read(['Backlog']);
    standIn.inject({ status: 503, times: 100, kind: 'values.batchUpdate' });
    const error = await store.write([rankWrite([1, 2, 3])]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkbookError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `Could not write to spreadsheet ${spreadsheetId} after 5 attempts .*503: The service is currently unavailable.*run again`,
      ),
    );
    expect(standIn.count({ kind: 'values.batchUpdate' })).toBe(5);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(30_000);
    expect(grid()).toEqual(BACKLOG.map((row) => (row.at(-1) === null ? row.slice(0, -1) : row)));
    // Once Google answers again, the next run finishes the job.
    standIn.resetControls();
    const rerun = open().store;
    await rerun.read(['Backlog']);
    expect((await rerun.write([rankWrite([1, 2, 3])])).cellsWritten).toBe(3);
    expect(
      grid()
        .slice(1)
        .map((row) => row[2]),
    ).toEqual([1, 2, 3]);
  });

  it('fails at once when Retry-After asks for more than the time budget', async () => {
    standIn.inject({ status: 429, retryAfter: 120, times: 10 });
    const { store, sleeps } = open();
    await expect(store.read(['Backlog'])).rejects.toThrow(
      /quota is used up \(Google asked to wait 120 s more\)/,
    );
    expect(sleeps).toEqual([]);
  });

  it('honours a smaller retry budget', async () => {
    standIn.inject({ status: 500, times: 10 });
    const { store } = open({ retry: { maxAttempts: 2 } });
    await expect(store.read(['Backlog'])).rejects.toThrow(/after 2 attempts/);
    expect(standIn.count()).toBe(2);
  });
});

describe('failures a person must fix', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'productops-google-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const serviceAccountKey = {
    type: 'service_account',
    project_id: 'acme-productops',
    private_key_id: 'abc123',
    private_key: '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n',
    client_email: 'productops@acme-productops.iam.gserviceaccount.com',
    client_id: '1234567890',
  };

  it('names the service account to share the spreadsheet with on a 403', async () => {
    const keyFile = join(folder, 'key.json');
    await writeFile(keyFile, JSON.stringify(serviceAccountKey));
    standIn.setAccess(spreadsheetId, 'none');
    // The key file names the account; the token comes from the stand-in (no call to Google's sign-in).
    const credentials = { ...createKeyFileTokenSource(keyFile), token: async () => standIn.token };
    const { store } = open({ credentials });
    const error = await store.read(['Backlog']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkbookError);
    expect((error as Error).message).toBe(
      `productops cannot read spreadsheet ${spreadsheetId}: share it with productops@acme-productops.iam.gserviceaccount.com (Editor). Google said: The caller does not have permission`,
    );
    expect(standIn.count()).toBe(1);
  });

  it('asks for Editor access when the account may only view', async () => {
    standIn.setAccess(spreadsheetId, 'reader');
    const { store } = open();
    await store.read(['Backlog']);
    await expect(store.write([rankWrite([1, 2, 3])])).rejects.toThrow(
      `productops cannot write to spreadsheet ${spreadsheetId}: share it with the Google account of the access token in GOOGLE_SHEETS_ACCESS_TOKEN (Editor)`,
    );
  });

  it('says the spreadsheet id is wrong on a 404', async () => {
    const { store } = createTestStore(standIn, 'no-such-spreadsheet');
    expect(await store.exists()).toBe(false);
    await expect(store.read(['Backlog'])).rejects.toThrow(
      'There is no Google spreadsheet with the id no-such-spreadsheet (Google said: Requested entity was not found.). Check "spreadsheetId" in the config',
    );
    expect(await open().store.exists()).toBe(true);
  });

  it('refuses a write to a tab that is not there, naming the fix', async () => {
    const { store } = open();
    await expect(store.write([{ tab: 'Params', appends: [['INIT-000001']] }])).rejects.toThrow(
      `The tab "Params" is not in Google spreadsheet ${spreadsheetId}, so nothing was written. Run \`productops init\` to add it.`,
    );
  });

  it('reports a malformed key file by name, before sending any request', async () => {
    const keyFile = join(folder, 'broken.json');
    await writeFile(keyFile, '{"type": "service_account", "client_email": ');
    const store = new GoogleSheetStore(spreadsheetId, { keyFile });
    const error = await store.read(['Backlog']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkbookError);
    expect((error as Error).message).toMatch(
      new RegExp(`^The Google key file ${keyFile} is not valid JSON \\(.+\\)\\. Create a new JSON key`),
    );
    expect(standIn.count()).toBe(0);
  });

  it('names what a service-account key file lacks, and a key file that is missing', async () => {
    const keyFile = join(folder, 'key.json');
    await writeFile(keyFile, JSON.stringify({ ...serviceAccountKey, client_email: undefined }));
    await expect(new GoogleSheetStore(spreadsheetId, { keyFile }).read(['Backlog'])).rejects.toThrow(
      `The service-account key file ${keyFile} is incomplete: it has no "client_email".`,
    );
    const missing = join(folder, 'nope.json');
    await expect(new GoogleSheetStore(spreadsheetId, { keyFile: missing }).exists()).rejects.toThrow(
      `The Google key file ${missing} (GOOGLE_APPLICATION_CREDENTIALS) does not exist.`,
    );
    expect(standIn.count()).toBe(0);
  });

  it('says a refused token may have expired', async () => {
    const { store } = open({ accessToken: 'expired' });
    await expect(store.read(['Backlog'])).rejects.toThrow(
      /did not accept the credentials from the access token in GOOGLE_SHEETS_ACCESS_TOKEN \(401: .*\)\. The token may have expired/,
    );
  });
});

describe('rows people move between the read and the write', () => {
  it('follows sorted rows by key, so every cell lands on its own row', async () => {
    const { store } = open();
    await store.read(['Backlog']);
    standIn.sortRows(spreadsheetId, 'Backlog', (a, b) => String(b[1]).localeCompare(String(a[1])));
    const result = await store.write([
      {
        ...rankWrite([10, 20, 30]),
        updates: [
          { row: 2, column: 2, value: 10 },
          { row: 3, column: 2, value: 20 },
          { row: 4, column: 2, value: 30 },
          { row: 4, column: 3, value: 'Q4' },
        ],
      },
    ]);
    expect(result).toEqual({ cellsWritten: 4, rowsAppended: 0, warnings: [] });
    expect(grid()).toEqual([
      HEADER,
      ['INIT-000002', 'Search', 20],
      ['INIT-000003', 'Onboarding', 30, 'Q4'],
      ['INIT-000001', 'Checkout revamp', 10, 'ask Sam'],
    ]);
  });

  it('follows rows pushed down by inserted rows, and appends below everything', async () => {
    const { store } = open();
    await store.read(['Backlog']);
    standIn.insertRows(spreadsheetId, 'Backlog', 3, 2);
    await store.write([{ ...rankWrite([10, 20, 30]), appends: [['INIT-000004', 'Pricing page']] }]);
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

  it('skips a deleted row with a warning and writes the others', async () => {
    const { store } = open();
    await store.read(['Backlog']);
    standIn.deleteRows(spreadsheetId, 'Backlog', 3);
    const result = await store.write([rankWrite([10, 20, 30])]);
    expect(result.cellsWritten).toBe(2);
    expect(result.warnings).toEqual([
      'Backlog row 3 no longer holds "INIT-000002", and no other row does, so its updates were skipped',
    ]);
    expect(grid()).toEqual([
      HEADER,
      ['INIT-000001', 'Checkout revamp', 10, 'ask Sam'],
      ['INIT-000003', 'Onboarding', 30, 'Q3'],
    ]);
  });

  it('leaves rows people added alone, appending below them', async () => {
    const { store } = open();
    await store.read(['Backlog']);
    standIn.setCells(spreadsheetId, "'Backlog'!A5", [['', 'Typed during the run']]);
    await store.write([{ ...rankWrite([10, 20, 30]), appends: [['INIT-000004', 'Pricing page']] }]);
    expect(grid().slice(4)).toEqual([
      [null, 'Typed during the run'],
      ['INIT-000004', 'Pricing page'],
    ]);
  });

  it('skips a row a person edited after the read, with a warning, and writes the others', async () => {
    const { store } = open();
    await store.read(['Backlog']);
    standIn.sortRows(spreadsheetId, 'Backlog', (a, b) => String(b[0]).localeCompare(String(a[0])));
    standIn.setCells(spreadsheetId, "'Backlog'!B3", [['Search v2']]);
    const result = await store.write([rankWrite([10, 20, 30])]);
    expect(result.cellsWritten).toBe(2);
    expect(result.warnings).toEqual([
      'Backlog: the row of "INIT-000002" was edited after the read (it is now row 3), so its updates were skipped; the next run starts from the edit',
    ]);
    expect(grid()).toEqual([
      HEADER,
      ['INIT-000003', 'Onboarding', 30, 'Q3'],
      ['INIT-000002', 'Search v2', 1],
      ['INIT-000001', 'Checkout revamp', 10, 'ask Sam'],
    ]);
  });

  it('refuses, writing nothing, when columns were inserted, whatever the guards', async () => {
    const { store } = open();
    await store.read(['Backlog']);
    standIn.setTab(
      spreadsheetId,
      'Backlog',
      BACKLOG.map((row) => [row[0]!, 'new column', ...row.slice(1)]),
    );
    standIn.resetLog();
    const error = await store.write([rankWrite([10, 20, 30])]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkbookChangedError);
    expect((error as Error).message).toBe(
      `Backlog in Google spreadsheet ${spreadsheetId} changed after it was read (its header row changed), so nothing was written. Run again to work from the current version.`,
    );
    expect(standIn.count({ writesOnly: true })).toBe(0);
  });

  it('changes only the cells it names when a person types right before the write lands', async () => {
    const { store } = open();
    await store.read(['Backlog']);
    standIn.onBeforeWrite(() => standIn.setCells(spreadsheetId, "'Backlog'!D3", [['typed just now']]));
    await store.write([rankWrite([10, 20, 30])]);
    expect(grid()[2]).toEqual(['INIT-000002', 'Search', 20, 'typed just now']);
  });
});

describe('ensureTabs', () => {
  const backlog: NewTab = {
    name: 'Scoring',
    headers: ['initiative_key', 'active_scoring_framework', 'use_math_model', 'rank'],
    dropdowns: { active_scoring_framework: ['RICE', 'WSJF', 'MATH_MODEL'] },
    checkboxes: ['use_math_model'],
    backendColumns: ['rank'],
  };

  it("a read tells each tab's spreadsheet id and gid, for links to its cells", async () => {
    const { store } = open();
    await store.ensureTabs([backlog]);
    const data = (await store.read(['Scoring'])).get('Scoring');
    expect(data?.google).toEqual({
      spreadsheetId,
      gid: standIn.sheetProperties(spreadsheetId, 'Scoring').sheetId,
    });
  });

  it('adds a tab with a frozen header, a dropdown, checkboxes and a warning-only protected column', async () => {
    const { store } = open();
    expect(await store.ensureTabs([backlog])).toEqual({ tabsAdded: ['Scoring'], headersAdded: [] });
    expect(standIn.countsByKind()).toEqual({ 'spreadsheets.get': 1, 'spreadsheets.batchUpdate': 1 });
    expect(grid('Scoring')).toEqual([backlog.headers]);
    expect(standIn.sheetProperties(spreadsheetId, 'Scoring').gridProperties.frozenRowCount).toBe(1);
    const sheetId = standIn.sheetProperties(spreadsheetId, 'Scoring').sheetId;
    expect(standIn.validations(spreadsheetId, 'Scoring')).toEqual([
      {
        range: { sheetId, startRowIndex: 1, startColumnIndex: 1, endColumnIndex: 2 },
        rule: {
          condition: {
            type: 'ONE_OF_LIST',
            values: [
              { userEnteredValue: 'RICE' },
              { userEnteredValue: 'WSJF' },
              { userEnteredValue: 'MATH_MODEL' },
            ],
          },
          showCustomUi: true,
          strict: false,
        },
      },
      {
        range: { sheetId, startRowIndex: 1, startColumnIndex: 2, endColumnIndex: 3 },
        rule: { condition: { type: 'BOOLEAN' }, strict: false },
      },
    ]);
    expect(standIn.protectedRanges(spreadsheetId, 'Scoring')).toEqual([
      {
        protectedRangeId: expect.any(Number),
        range: { sheetId, startColumnIndex: 3, endColumnIndex: 4 },
        description: 'productops writes "rank" on every run; edits here are overwritten',
        warningOnly: true,
      },
    ]);
  });

  it('changes nothing when run again: no request that changes anything', async () => {
    await open().store.ensureTabs([backlog]);
    standIn.resetLog();
    expect(await open().store.ensureTabs([backlog])).toEqual({ tabsAdded: [], headersAdded: [] });
    expect(standIn.count({ writesOnly: true })).toBe(0);
    expect(standIn.countsByKind()).toEqual({ 'spreadsheets.get': 1, 'values.batchGet': 1 });
  });

  it('refuses a tab name Google does not take, naming the rules, and adds nothing', async () => {
    const name = 'x'.repeat(101);
    await expect(open().store.ensureTabs([{ ...backlog, name }])).rejects.toThrow(
      `Cannot add the tab "${name}" to Google spreadsheet ${spreadsheetId}: Google tab names have 1 to 100 characters.`,
    );
    expect(standIn.count({ writesOnly: true })).toBe(0);
  });

  it('appends missing columns to a full header row, growing the grid, with their validations', async () => {
    const full = Array.from({ length: 26 }, (_, index) => `pm_column_${index + 1}`);
    standIn.setTab(spreadsheetId, 'scoring', [full, ['x']]);
    const { store } = open();
    await store.read(['Scoring']);
    expect(await store.ensureTabs([backlog])).toEqual({
      tabsAdded: [],
      headersAdded: backlog.headers.map((header) => ({ tab: 'scoring', header })),
    });
    expect(grid('scoring')[0]).toEqual([...full, ...backlog.headers]);
    expect(standIn.sheetProperties(spreadsheetId, 'scoring').gridProperties.columnCount).toBe(30);
    expect(standIn.validations(spreadsheetId, 'scoring').map((v) => v.range.startColumnIndex)).toEqual([
      27, 28,
    ]);
    expect(standIn.protectedRanges(spreadsheetId, 'scoring').map((p) => p.range.startColumnIndex)).toEqual([
      29,
    ]);
    // The header cells init added are its own: a write from the earlier read still goes ahead.
    await store.write([{ tab: 'Scoring', updates: [{ row: 2, column: 29, value: 1 }] }]);
    expect(grid('scoring')[1]).toEqual(['x', ...Array(28).fill(null), 1]);
  });

  it('adds a tab once when the answer to the first attempt was lost', async () => {
    standIn.hangNext({ kind: 'spreadsheets.batchUpdate', apply: true });
    const { store } = open({ timeoutMs: 200 });
    expect(await store.ensureTabs([backlog])).toEqual({ tabsAdded: ['Scoring'], headersAdded: [] });
    expect(standIn.tabTitles(spreadsheetId)).toEqual(['Sheet1', 'Backlog', 'Scoring']);
    expect(standIn.validations(spreadsheetId, 'Scoring')).toHaveLength(2);
  });
});

describe('createGoogleSheetStore', () => {
  it('sends every request to GOOGLE_SHEETS_ROOT_URL with GOOGLE_SHEETS_ACCESS_TOKEN', async () => {
    const store = createGoogleSheetStore(spreadsheetId, {
      GOOGLE_SHEETS_ROOT_URL: standIn.rootUrl,
      GOOGLE_SHEETS_ACCESS_TOKEN: standIn.token,
      GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/key.json',
    });
    expect(store.label).toBe(`Google spreadsheet ${spreadsheetId}`);
    expect((await store.read(['Backlog'])).get('Backlog')?.rows).toHaveLength(3);
  });

  it('refuses a root URL that is not an http(s) URL', () => {
    expect(() => createGoogleSheetStore('x', { GOOGLE_SHEETS_ROOT_URL: 'localhost:8080' })).toThrow(
      ConfigError,
    );
  });
});
