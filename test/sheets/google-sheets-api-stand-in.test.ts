/**
 * The stand-in Sheets API itself, spoken to over plain HTTP: A1 ranges, ragged rows, render and
 * input options and errors as Google has them, so the store tests prove something about Google.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SheetsApiStandIn } from '../support/sheets-api-stand-in.js';

const standIn = await SheetsApiStandIn.start();
afterAll(() => standIn.close());

let id: string;
beforeEach(() => {
  id = standIn.createSpreadsheet();
  standIn.setTab(id, 'Tab with spaces', [
    ['key', 'title', 'value'],
    ['A', 'Alpha', 1, null],
    [],
    [null, null, 3],
    ['D', null, null],
  ]);
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  token = standIn.token,
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${standIn.rootUrl}v4/spreadsheets/${id}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    json: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

const get = (range: string, query = 'valueRenderOption=UNFORMATTED_VALUE') =>
  call('GET', `/values/${encodeURIComponent(range)}?${query}`);

describe('A1 ranges', () => {
  it.each([
    [
      "'Tab with spaces'",
      "'Tab with spaces'!A1:Z1000",
      [['key', 'title', 'value'], ['A', 'Alpha', 1], [], ['', '', 3], ['D']],
    ],
    ["'Tab with spaces'!A:A", "'Tab with spaces'!A1:A1000", [['key'], ['A'], [], [], ['D']]],
    ["'Tab with spaces'!2:2", "'Tab with spaces'!A2:Z2", [['A', 'Alpha', 1]]],
    ["'Tab with spaces'!B2:C4", "'Tab with spaces'!B2:C4", [['Alpha', 1], [], ['', 3]]],
    ["'Tab with spaces'!A4:Z", "'Tab with spaces'!A4:Z1000", [['', '', 3], ['D']]],
    ["'Tab with spaces'!C4", "'Tab with spaces'!C4", [[3]]],
    [
      "'Tab with spaces'!C3:A1",
      "'Tab with spaces'!A1:C3",
      [
        ['key', 'title', 'value'],
        ['A', 'Alpha', 1],
      ],
    ],
    ['A1:B1', 'Sheet1!A1:B1', undefined],
  ])('%s reads %s', async (range, expected, values) => {
    const { status, json } = await get(range);
    expect(status).toBe(200);
    expect(json).toEqual({ range: expected, majorDimension: 'ROWS', ...(values ? { values } : {}) });
  });

  it.each(["'Tab with spaces'!A0", 'Nope!A1', "'Unclosed!A1", "'Tab with spaces'!1A", "'Tab with spaces'!A"])(
    '%s cannot be parsed',
    async (range) => {
      const { status, json } = await get(range);
      expect(status).toBe(400);
      expect(json).toEqual({
        error: { code: 400, message: `Unable to parse range: ${range}`, status: 'INVALID_ARGUMENT' },
      });
    },
  );

  it('refuses ranges past the grid', async () => {
    const { status, json } = await get("'Tab with spaces'!A1:A1001");
    expect(status).toBe(400);
    expect((json.error as { message: string }).message).toBe(
      "Range ('Tab with spaces'!A1:A1001) exceeds grid limits. Max rows: 1000, max columns: 26",
    );
  });
});

describe('values', () => {
  it('renders FORMATTED_VALUE as text and returns columns for majorDimension COLUMNS', async () => {
    standIn.setCells(id, "'Tab with spaces'!D2", [[true]]);
    expect((await get("'Tab with spaces'!2:2", '')).json.values).toEqual([['A', 'Alpha', '1', 'TRUE']]);
    expect((await get("'Tab with spaces'!A1:B2", 'majorDimension=COLUMNS')).json.values).toEqual([
      ['key', 'A'],
      ['title', 'Alpha'],
    ]);
  });

  it('stores RAW verbatim and parses USER_ENTERED like typing; null skips a cell and "" clears it', async () => {
    const values = [['=1+1', '1,000', '4%', "'007", 'true', '', null]];
    await call('PUT', `/values/${encodeURIComponent("'Tab with spaces'!A6")}?valueInputOption=RAW`, {
      values,
    });
    await call('PUT', `/values/${encodeURIComponent("'Tab with spaces'!A7")}?valueInputOption=USER_ENTERED`, {
      values,
    });
    const grid = standIn.getGrid(id, 'Tab with spaces');
    expect(grid[5]).toEqual(['=1+1', '1,000', '4%', "'007", 'true']);
    expect(grid[6]).toEqual([null, 1000, 0.04, '007', true]);
    expect(standIn.formulaAt(id, 'Tab with spaces', 7, 0)).toBe('=1+1');
    expect((await get("'Tab with spaces'!A7", 'valueRenderOption=FORMULA')).json.values).toEqual([['=1+1']]);
  });

  it('applies values.batchUpdate all or nothing', async () => {
    const { status } = await call('POST', '/values:batchUpdate', {
      valueInputOption: 'RAW',
      data: [
        { range: "'Tab with spaces'!A2", values: [['changed']] },
        { range: "'Tab with spaces'!A1001", values: [['past the grid']] },
      ],
    });
    expect(status).toBe(400);
    expect(standIn.getGrid(id, 'Tab with spaces')[1]![0]).toBe('A');
  });

  it('appends below the table and grows the grid', async () => {
    standIn.setTab(id, 'Full', [['h'], ['x']]);
    standIn.deleteRows(id, 'Full', 3, 998);
    const { status, json } = await call(
      'POST',
      `/values/${encodeURIComponent('Full!A1')}:append?valueInputOption=RAW`,
      {
        values: [['y'], ['z']],
      },
    );
    expect(status).toBe(200);
    expect((json.updates as { updatedRange: string }).updatedRange).toBe('Full!A3:A4');
    expect(standIn.sheetProperties(id, 'Full').gridProperties.rowCount).toBe(4);
  });
});

describe('appendCells', () => {
  const appendCells = (sheetId: number, rows: unknown[][]) =>
    call('POST', ':batchUpdate', {
      requests: [
        {
          appendCells: {
            sheetId,
            fields: 'userEnteredValue',
            rows: rows.map((cells) => ({
              values: cells.map((value) =>
                value === null
                  ? {}
                  : {
                      userEnteredValue:
                        typeof value === 'number'
                          ? { numberValue: value }
                          : typeof value === 'boolean'
                            ? { boolValue: value }
                            : { stringValue: value },
                    },
              ),
            })),
          },
        },
      ],
    });
  const sheetId = () => standIn.sheetProperties(id, 'Tab with spaces').sheetId;

  it('adds rows after the last row with data, whatever column holds it, and stores strings as text', async () => {
    standIn.setCells(id, "'Tab with spaces'!F8", [['typed meanwhile']]);
    expect((await appendCells(sheetId(), [['E', '=1+1', 5, true]])).status).toBe(200);
    const grid = standIn.getGrid(id, 'Tab with spaces');
    expect(grid.slice(7)).toEqual([
      [null, null, null, null, null, 'typed meanwhile'],
      ['E', '=1+1', 5, true],
    ]);
    expect(standIn.formulaAt(id, 'Tab with spaces', 9, 1)).toBeUndefined();
  });

  it('counts a formula that shows nothing as data, and inserts rows when the grid is full', async () => {
    standIn.setTab(id, 'Full', [['h'], ['x'], [null, { formula: '=IF(A3="","",A3)', result: '' }]]);
    standIn.deleteRows(id, 'Full', 4, 997);
    await appendCells(standIn.sheetProperties(id, 'Full').sheetId, [['y'], ['z']]);
    expect(standIn.getGrid(id, 'Full')).toEqual([['h'], ['x'], [null, ''], ['y'], ['z']]);
    expect(standIn.sheetProperties(id, 'Full').gridProperties.rowCount).toBe(5);
  });

  it('refuses rows wider than the grid', async () => {
    const { status } = await appendCells(sheetId(), [Array.from({ length: 27 }, () => 'x')]);
    expect(status).toBe(400);
  });
});

describe('volatile formulas', () => {
  it('change on every edit, every applied write and every recalculation tick', async () => {
    standIn.setCells(id, "'Tab with spaces'!E2", [[{ formula: '=NOW()', volatile: true }]]);
    const now = () => standIn.getGrid(id, 'Tab with spaces')[1]![4];
    const first = now();
    expect(typeof first).toBe('number');
    standIn.recalculate(id);
    const second = now();
    expect(second).not.toBe(first);
    await call('POST', '/values:batchUpdate', {
      valueInputOption: 'RAW',
      data: [{ range: "'Tab with spaces'!C2", values: [[2]] }],
    });
    expect(now()).not.toBe(second);
    const third = now();
    await get("'Tab with spaces'");
    expect(now()).toBe(third);
  });
});

describe('requests and controls', () => {
  it('lets a test act between a request and its retry', async () => {
    standIn.inject({ status: 500, kind: 'values.batchUpdate' });
    standIn.onAfterRequest({ kind: 'values.batchUpdate' }, () => {
      standIn.sortRows(id, 'Tab with spaces', (a, b) => String(b[0] ?? '').localeCompare(String(a[0] ?? '')));
    });
    const body = { valueInputOption: 'RAW', data: [{ range: "'Tab with spaces'!C2", values: [[9]] }] };
    expect((await call('POST', '/values:batchUpdate', body)).status).toBe(500);
    // The sort happened before the caller heard of the failure; a retry meets the sorted rows.
    expect(standIn.getGrid(id, 'Tab with spaces')[1]![0]).toBe('D');
    await call('POST', '/values:batchUpdate', body);
    expect(standIn.getGrid(id, 'Tab with spaces')[1]).toEqual(['D', null, 9]);
  });

  it('needs the bearer token', async () => {
    const { status, json } = await call('GET', '', undefined, 'wrong');
    expect(status).toBe(401);
    expect((json.error as { status: string }).status).toBe('UNAUTHENTICATED');
  });

  it('answers 404 for an unknown spreadsheet and 429 with Retry-After when told to', async () => {
    standIn.inject({ status: 429, retryAfter: 3, kind: 'spreadsheets.get' });
    const limited = await call('GET', '');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await call('GET', '')).status).toBe(200);
    id = 'missing';
    expect((await call('GET', '')).json).toEqual({
      error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' },
    });
  });

  it('refuses an addSheet whose name exists, ignoring case, and changes nothing', async () => {
    const { status, json } = await call('POST', ':batchUpdate', {
      requests: [
        { addSheet: { properties: { title: 'New' } } },
        { addSheet: { properties: { title: 'tab WITH spaces' } } },
      ],
    });
    expect(status).toBe(400);
    expect((json.error as { message: string }).message).toBe(
      'Invalid requests[1].addSheet: A sheet with the name "tab WITH spaces" already exists. Please enter another name.',
    );
    expect(standIn.tabTitles(id)).toEqual(['Sheet1', 'Tab with spaces']);
  });

  it('counts requests by kind', async () => {
    standIn.resetLog();
    await get("'Tab with spaces'!A1");
    await call('GET', `/values:batchGet?ranges=${encodeURIComponent("'Tab with spaces'")}&ranges=Sheet1`);
    await call('POST', '/values:batchUpdate', { valueInputOption: 'RAW', data: [] });
    expect(standIn.countsByKind()).toEqual({
      'values.get': 1,
      'values.batchGet': 1,
      'values.batchUpdate': 1,
    });
    expect(standIn.count({ writesOnly: true })).toBe(1);
  });
});
