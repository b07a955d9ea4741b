/**
 * The subset of the Sheets API v4 that the Google store needs, and its implementation on the
 * `@googleapis/sheets` client. One call is one HTTP request, sent once: retrying and turning
 * failures into messages is the store's job (retry.ts, workbook-errors.ts), so the client's own
 * retries are switched off.
 */
import { sheets, type sheets_v4 } from '@googleapis/sheets';
import type { AccessTokenSource } from './credentials.js';

/** A tab as `spreadsheets.get` describes it. */
export interface SheetInfo {
  sheetId: number;
  title: string;
  rowCount: number;
  columnCount: number;
  frozenRowCount: number;
}

/** A cell sent by a write: a JSON null leaves the cell as it is, `""` clears it. */
export type WriteValue = string | number | boolean | null;

export interface ValueBlock {
  /** A1 range whose top-left cell receives `values[0][0]`. */
  range: string;
  values: WriteValue[][];
}

/** One range of a `values.batchGet` answer. */
export interface ValueRange {
  /**
   * The range in A1 notation as Google answers it: "the entire requested range, even though the
   * values will exclude trailing rows and columns" (ValueRange.range), so a whole tab's range
   * spans its grid.
   */
  range: string;
  /** Ragged rows, trailing empty cells and rows left out. */
  rows: unknown[][];
}

/** A `spreadsheets.batchUpdate` request (addSheet, setDataValidation, …). */
export type SheetsRequest = sheets_v4.Schema$Request;

export interface SheetsApi {
  /** `spreadsheets.get` without cell data: the tabs, in order. */
  getSheets(): Promise<SheetInfo[]>;
  /**
   * `values.batchGet` of several ranges in one request, as `UNFORMATTED_VALUE` with date-times as
   * `FORMATTED_STRING`; returns each range, in the order asked.
   */
  batchGet(ranges: string[]): Promise<ValueRange[]>;
  /** `values.batchUpdate` with `RAW` input: all blocks in one request, applied all or none. */
  updateValues(blocks: ValueBlock[]): Promise<void>;
  /** `spreadsheets.batchUpdate`: the requests in order, applied all or none. */
  batchUpdate(requests: SheetsRequest[]): Promise<void>;
}

export interface SheetsApiOptions {
  spreadsheetId: string;
  /** Another base URL for every request (a proxy or a test server); only its origin is used. */
  rootUrl?: string | undefined;
  /** Per request: past it the request is abandoned (and may be retried). */
  timeoutMs: number;
  tokens: AccessTokenSource;
}

/**
 * Which fields `spreadsheets.get` returns: the tab properties only, never cell data, so the
 * answer stays small whatever the size of the sheets.
 */
const SHEET_FIELDS =
  'sheets.properties(sheetId,title,index,gridProperties(rowCount,columnCount,frozenRowCount))';

export function createSheetsApi(options: SheetsApiOptions): SheetsApi {
  const client = sheets({ version: 'v4', ...(options.rootUrl ? { rootUrl: options.rootUrl } : {}) });
  const { spreadsheetId } = options;
  const requestOptions = async () => ({
    headers: { Authorization: `Bearer ${await options.tokens.token()}` },
    timeout: options.timeoutMs,
    retry: false,
  });

  return {
    async getSheets() {
      const response = await client.spreadsheets.get(
        { spreadsheetId, includeGridData: false, fields: SHEET_FIELDS },
        await requestOptions(),
      );
      return (response.data.sheets ?? []).map((sheet) => {
        const properties = sheet.properties ?? {};
        const grid = properties.gridProperties ?? {};
        return {
          sheetId: properties.sheetId ?? 0,
          title: properties.title ?? '',
          rowCount: grid.rowCount ?? 0,
          columnCount: grid.columnCount ?? 0,
          frozenRowCount: grid.frozenRowCount ?? 0,
        };
      });
    },

    async batchGet(ranges) {
      const response = await client.spreadsheets.values.batchGet(
        {
          spreadsheetId,
          ranges,
          majorDimension: 'ROWS',
          valueRenderOption: 'UNFORMATTED_VALUE',
          // A date cell as a person sees it, never as a serial number that would pass for an
          // ordinary number: the values API says nothing about a cell's format.
          dateTimeRenderOption: 'FORMATTED_STRING',
        },
        await requestOptions(),
      );
      const valueRanges = response.data.valueRanges ?? [];
      return ranges.map((range, index) => ({
        range: valueRanges[index]?.range ?? range,
        rows: (valueRanges[index]?.values ?? []) as unknown[][],
      }));
    },

    async updateValues(blocks) {
      await client.spreadsheets.values.batchUpdate(
        {
          spreadsheetId,
          requestBody: {
            valueInputOption: 'RAW',
            data: blocks.map((block) => ({
              range: block.range,
              majorDimension: 'ROWS',
              values: block.values,
            })),
          },
        },
        await requestOptions(),
      );
    },

    async batchUpdate(requests) {
      await client.spreadsheets.batchUpdate(
        { spreadsheetId, requestBody: { requests } },
        await requestOptions(),
      );
    },
  };
}
