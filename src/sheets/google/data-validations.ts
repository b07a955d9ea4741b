/**
 * The `spreadsheets.batchUpdate` requests `init` sends: a new tab with its header row frozen, header
 * cells, dropdowns (ONE_OF_LIST), checkboxes (BOOLEAN) and warning-only protection of the columns
 * the backend writes. Only tabs and columns `init` adds get them, so a second run sends nothing and
 * what people set up on their own columns is never replaced.
 */
import type { NewTab } from '../sheet-store.js';
import { dropdownValuesFor, isListed } from '../tab-helpers.js';
import type { SheetsRequest } from './sheets-api.js';

/** Google's size for a new tab (what "+" in the Sheets UI creates). */
export const NEW_TAB_ROWS = 1000;
export const NEW_TAB_COLUMNS = 26;

export function addTabRequests(sheetId: number, tab: NewTab, headers: string[]): SheetsRequest[] {
  return [
    {
      addSheet: {
        properties: {
          sheetId,
          title: tab.name,
          gridProperties: {
            rowCount: NEW_TAB_ROWS,
            columnCount: Math.max(NEW_TAB_COLUMNS, headers.length),
            frozenRowCount: 1,
          },
        },
      },
    },
    ...headerCellRequests(sheetId, 0, headers, { bold: true }),
    ...headers.flatMap((header, column) => columnRequests(sheetId, column, header, tab)),
  ];
}

/** Header cells from `firstColumn` on; `stringValue` keeps a header that looks like a formula as text. */
export function headerCellRequests(
  sheetId: number,
  firstColumn: number,
  headers: string[],
  style: { bold: boolean },
): SheetsRequest[] {
  if (headers.length === 0) return [];
  return [
    {
      updateCells: {
        start: { sheetId, rowIndex: 0, columnIndex: firstColumn },
        rows: [
          {
            values: headers.map((header) => ({
              userEnteredValue: { stringValue: header },
              ...(style.bold ? { userEnteredFormat: { textFormat: { bold: true } } } : {}),
            })),
          },
        ],
        fields: style.bold ? 'userEnteredValue,userEnteredFormat.textFormat.bold' : 'userEnteredValue',
      },
    },
  ];
}

/** Dropdown or checkbox on the data rows of one column, and protection for a backend column. */
export function columnRequests(
  sheetId: number,
  column: number,
  header: string,
  tab: NewTab,
): SheetsRequest[] {
  const requests: SheetsRequest[] = [];
  // Unbounded below: rows people add later get the dropdown too.
  const dataRows = { sheetId, startRowIndex: 1, startColumnIndex: column, endColumnIndex: column + 1 };
  const list = dropdownValuesFor(header, tab);
  if (list) {
    requests.push({
      setDataValidation: {
        range: dataRows,
        // Not strict: framework names are matched case-insensitively (SHEETS.md), so `rice` is
        // flagged in the sheet, not refused.
        rule: {
          condition: { type: 'ONE_OF_LIST', values: list.map((value) => ({ userEnteredValue: value })) },
          showCustomUi: true,
          strict: false,
        },
      },
    });
  } else if (isListed(header, tab.checkboxes)) {
    requests.push({
      setDataValidation: { range: dataRows, rule: { condition: { type: 'BOOLEAN' }, strict: false } },
    });
  }
  if (isListed(header, tab.backendColumns)) {
    requests.push({
      addProtectedRange: {
        protectedRange: {
          range: { sheetId, startColumnIndex: column, endColumnIndex: column + 1 },
          description: `productops writes "${header}" on every run; edits here are overwritten`,
          // People are warned, not blocked (issue 4): the backend's own account writes here.
          warningOnly: true,
        },
      },
    });
  }
  return requests;
}
