/**
 * A stand-in for the Google Sheets API v4: a real HTTP server on 127.0.0.1 that the real
 * `@googleapis/sheets` client talks to (through its `rootUrl` option). It implements the subset
 * productops uses, with Google's behaviour where it matters to a caller:
 *
 * - A1 ranges as Google parses them: `Tab!A1:C3`, `'Tab with spaces'!A:A` (whole columns),
 *   `Tab!2:2` (whole rows), `Tab` (the whole sheet), `A2:Z` (open-ended), `A1:B2` (first sheet);
 *   anything else is `400 Unable to parse range: …`. A range past the sheet's grid is
 *   `400 Range (…) exceeds grid limits` for reads and writes; only `values.append` grows the grid.
 * - Values come back ragged, `majorDimension` ROWS: trailing empty cells and rows are left out, an
 *   empty cell inside a row is `""`. `UNFORMATTED_VALUE` gives numbers and booleans as JSON;
 *   `FORMATTED_VALUE` gives text (numbers plainly, booleans `TRUE`/`FALSE`, dates `M/D/YYYY H:MM:SS`);
 *   `FORMULA` gives a formula's text. `dateTimeRenderOption` SERIAL_NUMBER gives date cells as serial
 *   numbers, FORMATTED_STRING as their formatted text.
 * - Writes: a JSON `null` skips the cell, `""` clears it. `RAW` stores values verbatim (a string
 *   stays a string, `=1+1` included). `USER_ENTERED` parses text as a person's typing: numbers
 *   (`1,000`, `$5`, `4%`), `TRUE`/`FALSE`, a leading `'` forces text, and `=…` becomes a formula.
 *   The stand-in does not calculate: a formula's value is the `result` given to `setCells`, else
 *   empty. Dates typed as text are kept as text. A formula marked `volatile` (NOW(), RAND(),
 *   IMPORTRANGE) gets a new value on every recalculation, and Sheets recalculates on every change
 *   (the default "On change"), whoever made it: each applied write and each edit made through the
 *   controls below; `recalculate` is the extra tick of "On change and every minute".
 * - Requests need `Authorization: Bearer <token>`; errors have Google's JSON shape
 *   (`{ error: { code, message, status } }`), 429s carry `Retry-After`.
 * - `spreadsheets.batchUpdate` applies its requests atomically (all or none): addSheet,
 *   updateSheetProperties (with a `fields` mask), appendDimension, setDataValidation,
 *   addProtectedRange, updateCells, and appendCells ("Adds new cells after the last row with data in
 *   a sheet, inserting new rows into the sheet if necessary"; a cell holding a formula counts as
 *   data even when it shows nothing).
 *
 * Test controls: `inject` (faults for the next N matching requests), `hangNext` (a request that
 * never gets an answer, optionally applied first), `onBeforeWrite` (act as a person right before a
 * write is applied), `onAfterRequest` (act as a person right after a request was handled, before
 * the caller hears back: between a request and its retry), the request log with counts by kind,
 * direct cell access (`setTab`, `setCells`, `getGrid`), row moves (`sortRows`, `deleteRows`,
 * `insertRows`) and `recalculate`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RequestKind =
  | 'spreadsheets.get'
  | 'spreadsheets.batchUpdate'
  | 'values.get'
  | 'values.batchGet'
  | 'values.update'
  | 'values.batchUpdate'
  | 'values.append'
  | 'unknown';

const WRITE_KINDS: ReadonlySet<RequestKind> = new Set([
  'spreadsheets.batchUpdate',
  'values.update',
  'values.batchUpdate',
  'values.append',
]);

export interface LoggedRequest {
  kind: RequestKind;
  /** The spreadsheet the request is about ('' when the path names none). */
  spreadsheetId: string;
  method: string;
  /** Decoded path below the root, e.g. `/v4/spreadsheets/ID/values/Tab!A1`. */
  path: string;
  query: URLSearchParams;
  /** The parsed JSON body, if any. */
  body: unknown;
  /** The status sent, or `'hung'` / `'reset'`. */
  status: number | 'hung' | 'reset';
}

/** Which requests a control applies to; unset fields match anything. */
export interface RequestFilter {
  kind?: RequestKind | RequestKind[];
  method?: string;
  /** Only mutating requests (the four write kinds). */
  writesOnly?: boolean;
  /** Only requests about this spreadsheet. */
  spreadsheetId?: string;
}

export interface Fault extends RequestFilter {
  /** HTTP status to answer with; unset with `delayMs`: answer normally, late. */
  status?: number;
  /** Close the connection without an answer (a network error). */
  reset?: boolean;
  /** How many matching requests get the fault (default 1). */
  times?: number;
  /** Seconds, sent as the `Retry-After` header. */
  retryAfter?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  message?: string;
}

/** A value as `setCells` takes it: plain, a date, or a formula with the value it shows. */
export type StandInInput =
  | string
  | number
  | boolean
  | Date
  | null
  | { formula: string; result?: string | number | boolean | null; volatile?: boolean };

type Stored = string | number | boolean;

interface StoredCell {
  value: Stored | null;
  formula?: string;
  /** A date or date-time: `value` is the serial number. */
  date?: boolean;
  /** A formula Sheets recalculates on every change (NOW(), RAND(), IMPORTRANGE). */
  volatile?: boolean;
}

export interface GridRange {
  sheetId?: number;
  startRowIndex?: number;
  endRowIndex?: number;
  startColumnIndex?: number;
  endColumnIndex?: number;
}

export interface GridProperties {
  rowCount: number;
  columnCount: number;
  frozenRowCount?: number;
  frozenColumnCount?: number;
}

export interface SheetProperties {
  sheetId: number;
  title: string;
  index: number;
  sheetType: 'GRID';
  gridProperties: GridProperties;
}

export interface ProtectedRange {
  protectedRangeId: number;
  range: GridRange;
  description?: string;
  warningOnly?: boolean;
}

export interface DataValidation {
  range: GridRange;
  rule: {
    condition: { type: string; values?: { userEnteredValue: string }[] };
    strict?: boolean;
    showCustomUi?: boolean;
  };
}

interface StandInSheet {
  properties: SheetProperties;
  rows: (StoredCell | undefined)[][];
  validations: DataValidation[];
  protectedRanges: ProtectedRange[];
}

interface StandInSpreadsheet {
  id: string;
  title: string;
  sheets: StandInSheet[];
  access: 'writer' | 'reader' | 'none';
  nextProtectedRangeId: number;
  /** How many times volatile formulas were recalculated: their value is derived from it. */
  recalculations: number;
}

/** Google's defaults for a new sheet. */
const DEFAULT_ROWS = 1000;
const DEFAULT_COLUMNS = 26;
/** Google's hard limits. */
const MAX_COLUMNS = 18_278;
const MAX_CELLS = 10_000_000;

const STATUS_TEXT: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const DEFAULT_MESSAGES: Record<number, string> = {
  403: 'The caller does not have permission',
  404: 'Requested entity was not found.',
  429: "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.",
  500: 'Internal error encountered.',
  502: 'Bad gateway.',
  503: 'The service is currently unavailable.',
  504: 'Deadline exceeded.',
};

class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export class SheetsApiStandIn {
  /** The base URL to give the client as `rootUrl` (ends with `/`). */
  readonly rootUrl: string;
  /** Every request received, in order. */
  readonly requests: LoggedRequest[] = [];
  private readonly spreadsheets = new Map<string, StandInSpreadsheet>();
  private faults: Fault[] = [];
  private hangs: (RequestFilter & { apply: boolean })[] = [];
  private beforeWrite: (RequestFilter & { action: (request: LoggedRequest) => void | Promise<void> })[] = [];
  private afterRequest: (RequestFilter & { action: (request: LoggedRequest) => void | Promise<void> })[] = [];
  private readonly hung = new Set<ServerResponse>();
  private nextSpreadsheet = 1;

  private constructor(
    private readonly server: Server,
    readonly token: string,
  ) {
    const { port } = server.address() as AddressInfo;
    this.rootUrl = `http://127.0.0.1:${port}/`;
  }

  static async start(options: { token?: string } = {}): Promise<SheetsApiStandIn> {
    let standIn: SheetsApiStandIn | undefined;
    const server = createServer((request, response) => {
      void standIn!.handle(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    standIn = new SheetsApiStandIn(server, options.token ?? 'stand-in-token');
    return standIn;
  }

  async close(): Promise<void> {
    for (const response of this.hung) response.destroy();
    this.hung.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- spreadsheets -------------------------------------------------------------------------

  /** A new spreadsheet holding one empty tab, like the one Google creates (`Sheet1`). */
  createSpreadsheet(options: { id?: string; tabs?: string[] } = {}): string {
    const id = options.id ?? `stand-in-spreadsheet-${this.nextSpreadsheet++}`;
    const spreadsheet: StandInSpreadsheet = {
      id,
      title: `Spreadsheet ${id}`,
      sheets: [],
      access: 'writer',
      nextProtectedRangeId: 1,
      recalculations: 0,
    };
    this.spreadsheets.set(id, spreadsheet);
    for (const tab of options.tabs ?? ['Sheet1']) this.addTab(id, tab);
    return id;
  }

  deleteSpreadsheet(id: string): void {
    this.spreadsheets.delete(id);
  }

  /** What the caller's account may do with the spreadsheet; `none` answers 403 to everything. */
  setAccess(id: string, access: StandInSpreadsheet['access']): void {
    this.spreadsheet(id).access = access;
  }

  addTab(id: string, title: string, grid: Partial<GridProperties> = {}): SheetProperties {
    const spreadsheet = this.spreadsheet(id);
    const sheetId =
      spreadsheet.sheets.length === 0
        ? 0
        : Math.max(...spreadsheet.sheets.map((s) => s.properties.sheetId)) + 7;
    const sheet: StandInSheet = {
      properties: {
        sheetId,
        title,
        index: spreadsheet.sheets.length,
        sheetType: 'GRID',
        gridProperties: { rowCount: DEFAULT_ROWS, columnCount: DEFAULT_COLUMNS, ...grid },
      },
      rows: [],
      validations: [],
      protectedRanges: [],
    };
    spreadsheet.sheets.push(sheet);
    return sheet.properties;
  }

  /** Removes a tab, as a person deleting it would. */
  deleteTab(id: string, title: string): void {
    const spreadsheet = this.spreadsheet(id);
    spreadsheet.sheets = spreadsheet.sheets.filter((sheet) => sheet.properties.title !== title);
    spreadsheet.sheets.forEach((sheet, index) => {
      sheet.properties.index = index;
    });
  }

  /** Makes the tab hold exactly these rows (row 1 first), creating it if needed; the grid grows to fit. */
  setTab(id: string, title: string, rows: StandInInput[][]): void {
    const sheet = this.findSheet(id, title) ?? this.sheetOf(id, this.addTab(id, title).title);
    sheet.rows = [];
    const grid = sheet.properties.gridProperties;
    grid.rowCount = Math.max(grid.rowCount, rows.length);
    grid.columnCount = Math.max(grid.columnCount, ...rows.map((row) => row.length));
    rows.forEach((cells, row) => {
      cells.forEach((value, column) => {
        setStored(sheet, row, column, storedFromInput(value));
      });
    });
    recalculate(this.spreadsheet(id));
  }

  /** Sets cells from the top-left of an A1 range (`Tab!C5`), as a person typing them would. */
  setCells(id: string, range: string, rows: StandInInput[][]): void {
    const parsed = parseRange(range, this.spreadsheet(id));
    const grid = parsed.sheet.properties.gridProperties;
    grid.rowCount = Math.max(grid.rowCount, parsed.startRow + rows.length);
    grid.columnCount = Math.max(
      grid.columnCount,
      parsed.startColumn + Math.max(0, ...rows.map((r) => r.length)),
    );
    rows.forEach((cells, r) => {
      cells.forEach((value, c) => {
        setStored(parsed.sheet, parsed.startRow + r, parsed.startColumn + c, storedFromInput(value));
      });
    });
    recalculate(this.spreadsheet(id));
  }

  /** The tab's values as UNFORMATTED_VALUE reads them (dates as serial numbers), trimmed; `null` = empty. */
  getGrid(id: string, title: string): (Stored | null)[][] {
    const sheet = this.sheetOf(id, title);
    const grid = sheet.rows.map((row) => trimRow((row ?? []).map((cell) => cell?.value ?? null)));
    while (grid.length > 0 && grid[grid.length - 1]!.length === 0) grid.pop();
    return grid;
  }

  /** The formula text stored in a cell (1-based row, 0-based column), if it holds one. */
  formulaAt(id: string, title: string, row: number, column: number): string | undefined {
    return this.sheetOf(id, title).rows[row - 1]?.[column]?.formula;
  }

  sheetProperties(id: string, title: string): SheetProperties {
    return structuredClone(this.sheetOf(id, title).properties);
  }

  validations(id: string, title: string): DataValidation[] {
    return structuredClone(this.sheetOf(id, title).validations);
  }

  protectedRanges(id: string, title: string): ProtectedRange[] {
    return structuredClone(this.sheetOf(id, title).protectedRanges);
  }

  tabTitles(id: string): string[] {
    return this.spreadsheet(id).sheets.map((sheet) => sheet.properties.title);
  }

  /** Sorts the data rows (row 2 on) with `compare`, as a person sorting the range would. */
  sortRows(id: string, title: string, compare: (a: (Stored | null)[], b: (Stored | null)[]) => number): void {
    const sheet = this.sheetOf(id, title);
    const [header, ...data] = sheet.rows;
    const values = (row: (StoredCell | undefined)[] | undefined) =>
      (row ?? []).map((cell) => cell?.value ?? null);
    data.sort((a, b) => compare(values(a), values(b)));
    sheet.rows = [header ?? [], ...data];
    recalculate(this.spreadsheet(id));
  }

  /** Deletes `count` rows from `row` (1-based); the rows below move up and the grid shrinks. */
  deleteRows(id: string, title: string, row: number, count = 1): void {
    const sheet = this.sheetOf(id, title);
    sheet.rows.splice(row - 1, count);
    sheet.properties.gridProperties.rowCount -= count;
    recalculate(this.spreadsheet(id));
  }

  /** Inserts `count` empty rows above `row` (1-based); the rows below move down. */
  insertRows(id: string, title: string, row: number, count = 1): void {
    const sheet = this.sheetOf(id, title);
    while (sheet.rows.length < row - 1) sheet.rows.push([]);
    sheet.rows.splice(row - 1, 0, ...Array.from({ length: count }, () => []));
    sheet.properties.gridProperties.rowCount += count;
    recalculate(this.spreadsheet(id));
  }

  /**
   * Recalculates every volatile formula of the spreadsheet, as the "every minute" setting does
   * without any edit (each change recalculates them anyway).
   */
  recalculate(id: string): void {
    recalculate(this.spreadsheet(id));
  }

  // --- controls -----------------------------------------------------------------------------

  /** The next `times` requests matching the filter get this fault instead of an answer. */
  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** The next matching request never gets an answer; with `apply`, it is carried out first. */
  hangNext(options: RequestFilter & { apply?: boolean } = {}): void {
    this.hangs.push({ apply: false, ...options });
  }

  /** Runs `action` once, right before the next write request (matching `filter`) is applied. */
  onBeforeWrite(action: (request: LoggedRequest) => void | Promise<void>, filter: RequestFilter = {}): void {
    this.beforeWrite.push({ ...filter, writesOnly: true, action });
  }

  /**
   * Runs `action` once, right after the next matching request was handled (applied, refused or
   * faulted) and before its answer leaves: what a person does between a request and its retry.
   */
  onAfterRequest(filter: RequestFilter, action: (request: LoggedRequest) => void | Promise<void>): void {
    this.afterRequest.push({ ...filter, action });
  }

  /** Drops pending faults, hangs and hooks (between tests sharing one stand-in). */
  resetControls(): void {
    this.faults = [];
    this.hangs = [];
    this.beforeWrite = [];
    this.afterRequest = [];
  }

  /** How many requests of each kind arrived (faulted ones included). */
  countsByKind(): Partial<Record<RequestKind, number>> {
    const counts: Partial<Record<RequestKind, number>> = {};
    for (const request of this.requests) counts[request.kind] = (counts[request.kind] ?? 0) + 1;
    return counts;
  }

  count(filter: RequestFilter = {}): number {
    return this.requests.filter((request) => matches(filter, request)).length;
  }

  resetLog(): void {
    this.requests.length = 0;
  }

  // --- HTTP ---------------------------------------------------------------------------------

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const text = await readBody(request);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const route = routeOf(request.method ?? 'GET', url.pathname);
    const logged: LoggedRequest = {
      kind: route.kind,
      spreadsheetId: route.spreadsheetId,
      method: request.method ?? 'GET',
      path: safeDecode(url.pathname),
      query: url.searchParams,
      body,
      status: 200,
    };
    this.requests.push(logged);

    const hang = this.takeMatching(this.hangs, logged);
    if (hang && !hang.apply) {
      logged.status = 'hung';
      this.hung.add(response);
      return;
    }
    const fault = hang ? undefined : this.takeFault(logged);
    if (fault?.delayMs) await delay(fault.delayMs);
    if (fault?.reset) {
      logged.status = 'reset';
      await this.runAfterRequest(logged);
      request.socket.destroy();
      return;
    }
    if (fault?.status) {
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      logged.status = fault.status;
      await this.runAfterRequest(logged);
      sendError(
        response,
        fault.status,
        fault.message ?? DEFAULT_MESSAGES[fault.status] ?? 'Injected fault.',
        headers,
      );
      return;
    }

    let status = 200;
    let result: unknown;
    try {
      this.authorize(request);
      if (WRITE_KINDS.has(route.kind)) {
        const due = this.beforeWrite.filter((hook) => matches(hook, logged));
        this.beforeWrite = this.beforeWrite.filter((hook) => !due.includes(hook));
        for (const hook of due) await hook.action(logged);
      }
      result = this.dispatch(route, url.searchParams, body);
      // Sheets recalculates volatile formulas after every change ("On change").
      const changed = this.spreadsheets.get(route.spreadsheetId);
      if (WRITE_KINDS.has(route.kind) && changed) recalculate(changed);
    } catch (error) {
      status = error instanceof ApiError ? error.code : 500;
      result = error;
    }
    await this.runAfterRequest(logged);
    if (hang) {
      logged.status = 'hung';
      this.hung.add(response);
      return;
    }
    logged.status = status;
    if (status === 200) sendJson(response, 200, result);
    else sendError(response, status, (result as Error).message);
  }

  private authorize(request: IncomingMessage): void {
    const header = request.headers.authorization;
    if (!header) {
      throw new ApiError(
        401,
        'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      );
    }
    if (header !== `Bearer ${this.token}`) {
      throw new ApiError(
        401,
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      );
    }
  }

  private async runAfterRequest(request: LoggedRequest): Promise<void> {
    const hook = this.takeMatching(this.afterRequest, request);
    if (hook) await hook.action(request);
  }

  private takeFault(request: LoggedRequest): Fault | undefined {
    const fault = this.faults.find((f) => matches(f, request));
    if (!fault) return undefined;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }

  private takeMatching<T extends RequestFilter>(list: T[], request: LoggedRequest): T | undefined {
    const index = list.findIndex((item) => matches(item, request));
    return index < 0 ? undefined : list.splice(index, 1)[0];
  }

  private dispatch(route: Route, query: URLSearchParams, body: unknown): unknown {
    const spreadsheet = this.spreadsheets.get(route.spreadsheetId);
    if (!spreadsheet || route.kind === 'unknown') throw new ApiError(404, 'Requested entity was not found.');
    if (spreadsheet.access === 'none') throw new ApiError(403, 'The caller does not have permission');
    if (spreadsheet.access === 'reader' && WRITE_KINDS.has(route.kind)) {
      throw new ApiError(403, 'The caller does not have permission');
    }
    const input = (body ?? {}) as Record<string, unknown>;
    switch (route.kind) {
      case 'spreadsheets.get':
        return this.getSpreadsheet(spreadsheet);
      case 'values.get':
        return readValues(spreadsheet, route.range!, query);
      case 'values.batchGet':
        return {
          spreadsheetId: spreadsheet.id,
          valueRanges: query.getAll('ranges').map((range) => readValues(spreadsheet, range, query)),
        };
      case 'values.update': {
        const option = valueInputOption(query.get('valueInputOption'));
        return {
          spreadsheetId: spreadsheet.id,
          ...writeValues(spreadsheet, route.range!, valuesOf(input), option),
        };
      }
      case 'values.batchUpdate':
        return this.batchUpdateValues(spreadsheet, input);
      case 'values.append':
        return appendValues(
          spreadsheet,
          route.range!,
          valuesOf(input),
          valueInputOption(query.get('valueInputOption')),
        );
      case 'spreadsheets.batchUpdate':
        return this.batchUpdate(spreadsheet, input);
      default: {
        const never: never = route.kind;
        throw new ApiError(404, `unknown route ${never}`);
      }
    }
  }

  private getSpreadsheet(spreadsheet: StandInSpreadsheet): unknown {
    // `fields`, `ranges` and `includeGridData` are accepted and ignored: sheet properties and
    // protected ranges are always returned, grid data never.
    return {
      spreadsheetId: spreadsheet.id,
      properties: { title: spreadsheet.title, locale: 'en_US', timeZone: 'Etc/GMT' },
      sheets: spreadsheet.sheets.map((sheet) => ({
        properties: structuredClone(sheet.properties),
        ...(sheet.protectedRanges.length > 0
          ? { protectedRanges: structuredClone(sheet.protectedRanges) }
          : {}),
      })),
      spreadsheetUrl: `${this.rootUrl}spreadsheets/d/${spreadsheet.id}/edit`,
    };
  }

  private batchUpdateValues(spreadsheet: StandInSpreadsheet, input: Record<string, unknown>): unknown {
    const option = valueInputOption(input.valueInputOption as string | undefined);
    const data = (input.data ?? []) as { range: string; values?: unknown[][] }[];
    return atomically(spreadsheet, () => {
      const responses = data.map((entry) => ({
        spreadsheetId: spreadsheet.id,
        ...writeValues(spreadsheet, entry.range, entry.values ?? [], option),
      }));
      const sum = (key: 'updatedRows' | 'updatedColumns' | 'updatedCells') =>
        responses.reduce((total, r) => total + r[key], 0);
      return {
        spreadsheetId: spreadsheet.id,
        totalUpdatedRows: sum('updatedRows'),
        totalUpdatedColumns: sum('updatedColumns'),
        totalUpdatedCells: sum('updatedCells'),
        totalUpdatedSheets: new Set(responses.map((r) => r.updatedRange.split('!')[0])).size,
        responses,
      };
    });
  }

  private batchUpdate(spreadsheet: StandInSpreadsheet, input: Record<string, unknown>): unknown {
    const requests = (input.requests ?? []) as Record<string, Record<string, unknown>>[];
    if (requests.length === 0) throw new ApiError(400, 'Must specify at least one request.');
    return atomically(spreadsheet, () => ({
      spreadsheetId: spreadsheet.id,
      replies: requests.map((request, index) => applyRequest(spreadsheet, request, index)),
    }));
  }

  // --- lookups ------------------------------------------------------------------------------

  private spreadsheet(id: string): StandInSpreadsheet {
    const spreadsheet = this.spreadsheets.get(id);
    if (!spreadsheet) throw new Error(`stand-in: no spreadsheet ${id}`);
    return spreadsheet;
  }

  private findSheet(id: string, title: string): StandInSheet | undefined {
    return this.spreadsheet(id).sheets.find((sheet) => sheet.properties.title === title);
  }

  private sheetOf(id: string, title: string): StandInSheet {
    const sheet = this.findSheet(id, title);
    if (!sheet) throw new Error(`stand-in: no tab ${title} in ${id}`);
    return sheet;
  }
}

// --- routing ----------------------------------------------------------------------------------

interface Route {
  kind: RequestKind;
  spreadsheetId: string;
  range?: string;
}

function routeOf(method: string, pathname: string): Route {
  const match = /^\/v4\/spreadsheets\/([^/:]+)(.*)$/.exec(pathname);
  if (!match) return { kind: 'unknown', spreadsheetId: '' };
  const spreadsheetId = safeDecode(match[1]!);
  const rest = match[2]!;
  const unknown: Route = { kind: 'unknown', spreadsheetId };
  if (rest === '') return method === 'GET' ? { kind: 'spreadsheets.get', spreadsheetId } : unknown;
  if (rest === ':batchUpdate')
    return method === 'POST' ? { kind: 'spreadsheets.batchUpdate', spreadsheetId } : unknown;
  if (rest === '/values:batchGet')
    return method === 'GET' ? { kind: 'values.batchGet', spreadsheetId } : unknown;
  if (rest === '/values:batchUpdate')
    return method === 'POST' ? { kind: 'values.batchUpdate', spreadsheetId } : unknown;
  if (rest.startsWith('/values/')) {
    // The client percent-encodes the range (`!` and `:` included), so a literal `:` starts the verb.
    const encoded = rest.slice('/values/'.length);
    const colon = encoded.indexOf(':');
    const range = safeDecode(colon < 0 ? encoded : encoded.slice(0, colon));
    const verb = colon < 0 ? '' : encoded.slice(colon + 1);
    if (verb === '' && method === 'GET') return { kind: 'values.get', spreadsheetId, range };
    if (verb === '' && method === 'PUT') return { kind: 'values.update', spreadsheetId, range };
    if (verb === 'append' && method === 'POST') return { kind: 'values.append', spreadsheetId, range };
  }
  return unknown;
}

function matches(filter: RequestFilter, request: LoggedRequest): boolean {
  if (filter.writesOnly && !WRITE_KINDS.has(request.kind)) return false;
  if (filter.spreadsheetId !== undefined && filter.spreadsheetId !== request.spreadsheetId) return false;
  if (filter.method && filter.method.toUpperCase() !== request.method) return false;
  if (filter.kind) {
    const kinds = Array.isArray(filter.kind) ? filter.kind : [filter.kind];
    if (!kinds.includes(request.kind)) return false;
  }
  return true;
}

// --- A1 notation --------------------------------------------------------------------------------

interface ParsedRange {
  sheet: StandInSheet;
  /** 0-based, inclusive. */
  startRow: number;
  startColumn: number;
  /** 0-based, exclusive; undefined = to the end of the grid. */
  endRow: number | undefined;
  endColumn: number | undefined;
  /** A single cell: a write may spill past it to the right and down. */
  anchorOnly: boolean;
}

export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

function columnIndex(letters: string): number {
  let n = 0;
  for (const char of letters.toUpperCase()) n = n * 26 + (char.charCodeAt(0) - 64);
  return n - 1;
}

function quoteTitle(title: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(title) && !/^[A-Za-z]{1,3}\d+$/.test(title)
    ? title
    : `'${title.replace(/'/g, "''")}'`;
}

function parseRange(text: string, spreadsheet: StandInSpreadsheet): ParsedRange {
  const unparsable = () => new ApiError(400, `Unable to parse range: ${text}`);
  let title: string | undefined;
  let cells: string | undefined;
  if (text.startsWith("'")) {
    let i = 1;
    let name = '';
    for (; i < text.length; i++) {
      if (text[i] === "'") {
        if (text[i + 1] === "'") {
          name += "'";
          i++;
          continue;
        }
        break;
      }
      name += text[i];
    }
    if (i >= text.length) throw unparsable();
    title = name;
    const rest = text.slice(i + 1);
    if (rest === '') cells = undefined;
    else if (rest.startsWith('!')) cells = rest.slice(1);
    else throw unparsable();
  } else {
    const bang = text.lastIndexOf('!');
    if (bang >= 0) {
      title = text.slice(0, bang);
      cells = text.slice(bang + 1);
    } else if (spreadsheet.sheets.some((sheet) => sheet.properties.title === text)) {
      title = text;
    } else {
      cells = text;
    }
  }
  const sheet =
    title === undefined
      ? spreadsheet.sheets[0]
      : spreadsheet.sheets.find((s) => s.properties.title === title);
  if (!sheet) throw unparsable();
  if (cells === undefined) {
    return { sheet, startRow: 0, startColumn: 0, endRow: undefined, endColumn: undefined, anchorOnly: false };
  }
  const match = /^([A-Za-z]*)(\d*)(?::([A-Za-z]*)(\d*))?$/.exec(cells);
  if (!match) throw unparsable();
  const [, startLetters = '', startDigits = '', endLetters, endDigits] = match;
  const hasEnd = endLetters !== undefined;
  if ([startDigits, endDigits ?? ''].some((digits) => digits !== '' && Number(digits) < 1))
    throw unparsable();
  if (!hasEnd) {
    if (!startLetters || !startDigits) throw unparsable();
    const row = Number(startDigits) - 1;
    const column = columnIndex(startLetters);
    return {
      sheet,
      startRow: row,
      startColumn: column,
      endRow: row + 1,
      endColumn: column + 1,
      anchorOnly: true,
    };
  }
  if (!startLetters && !startDigits) throw unparsable();
  if (!endLetters && !endDigits) throw unparsable();
  // Whole rows (`2:5`) need digits on both sides; whole columns (`A:C`) letters on both sides.
  if (!startLetters && (!startDigits || !endDigits || endLetters)) throw unparsable();
  if (!startDigits && !endLetters && !endDigits) throw unparsable();
  let startRow = startDigits ? Number(startDigits) - 1 : 0;
  let endRow = endDigits ? Number(endDigits) : undefined;
  let startColumn = startLetters ? columnIndex(startLetters) : 0;
  let endColumn = endLetters ? columnIndex(endLetters) + 1 : undefined;
  // Google accepts reversed corners (`C3:A1`) and normalises them.
  if (endRow !== undefined && endRow - 1 < startRow) [startRow, endRow] = [endRow - 1, startRow + 1];
  if (endColumn !== undefined && endColumn - 1 < startColumn) {
    [startColumn, endColumn] = [endColumn - 1, startColumn + 1];
  }
  return { sheet, startRow, startColumn, endRow, endColumn, anchorOnly: false };
}

function formatRange(
  sheet: StandInSheet,
  startRow: number,
  startColumn: number,
  endRow: number,
  endColumn: number,
): string {
  const start = `${columnLetters(startColumn)}${startRow + 1}`;
  const end = `${columnLetters(endColumn - 1)}${endRow}`;
  return `${quoteTitle(sheet.properties.title)}!${start === end ? start : `${start}:${end}`}`;
}

function gridLimitError(sheet: StandInSheet, text: string): ApiError {
  const grid = sheet.properties.gridProperties;
  return new ApiError(
    400,
    `Range (${text}) exceeds grid limits. Max rows: ${grid.rowCount}, max columns: ${grid.columnCount}`,
  );
}

// --- values -------------------------------------------------------------------------------------

type InputOption = 'RAW' | 'USER_ENTERED';

function valueInputOption(value: string | null | undefined): InputOption {
  if (value === 'RAW' || value === 'USER_ENTERED') return value;
  throw new ApiError(400, `Invalid valueInputOption: '${value ?? ''}'. It must be RAW or USER_ENTERED.`);
}

function valuesOf(input: Record<string, unknown>): unknown[][] {
  return (input.values ?? []) as unknown[][];
}

function readValues(spreadsheet: StandInSpreadsheet, text: string, query: URLSearchParams): unknown {
  const range = parseRange(text, spreadsheet);
  const grid = range.sheet.properties.gridProperties;
  const endRow = range.endRow ?? grid.rowCount;
  const endColumn = range.endColumn ?? grid.columnCount;
  if (
    range.startRow >= grid.rowCount ||
    endRow > grid.rowCount ||
    range.startColumn >= grid.columnCount ||
    endColumn > grid.columnCount
  ) {
    throw gridLimitError(range.sheet, text);
  }
  const render = query.get('valueRenderOption') ?? 'FORMATTED_VALUE';
  const dates = query.get('dateTimeRenderOption') ?? 'SERIAL_NUMBER';
  if (!['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA'].includes(render)) {
    throw new ApiError(400, `Invalid valueRenderOption: '${render}'`);
  }
  const rows: unknown[][] = [];
  for (let r = range.startRow; r < endRow; r++) {
    const row: unknown[] = [];
    for (let c = range.startColumn; c < endColumn; c++) {
      row.push(rendered(range.sheet.rows[r]?.[c], render, dates));
    }
    while (row.length > 0 && row[row.length - 1] === '') row.pop();
    rows.push(row);
  }
  while (rows.length > 0 && rows[rows.length - 1]!.length === 0) rows.pop();
  const majorDimension = query.get('majorDimension') ?? 'ROWS';
  const values = majorDimension === 'COLUMNS' ? transpose(rows) : rows;
  return {
    range: formatRange(range.sheet, range.startRow, range.startColumn, endRow, endColumn),
    majorDimension,
    ...(values.length > 0 ? { values } : {}),
  };
}

function rendered(cell: StoredCell | undefined, render: string, dates: string): unknown {
  if (!cell) return '';
  if (render === 'FORMULA' && cell.formula) return cell.formula;
  const value = cell.value;
  if (value === null) return '';
  if (cell.date && typeof value === 'number') {
    if (render === 'FORMATTED_VALUE' || dates === 'FORMATTED_STRING') return formatDate(value);
    return value;
  }
  if (render !== 'FORMATTED_VALUE') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value);
}

function writeValues(
  spreadsheet: StandInSpreadsheet,
  text: string,
  values: unknown[][],
  option: InputOption,
): { updatedRange: string; updatedRows: number; updatedColumns: number; updatedCells: number } {
  const range = parseRange(text, spreadsheet);
  const height = values.length;
  const width = Math.max(0, ...values.map((row) => row.length));
  if (!range.anchorOnly) {
    if (range.endRow !== undefined && range.startRow + height > range.endRow) {
      throw new ApiError(
        400,
        `Requested writing within range [${text}], but tried writing to row [${range.startRow + height}]`,
      );
    }
    if (range.endColumn !== undefined && range.startColumn + width > range.endColumn) {
      throw new ApiError(
        400,
        `Requested writing within range [${text}], but tried writing to column [${columnLetters(range.startColumn + width - 1)}]`,
      );
    }
  }
  const grid = range.sheet.properties.gridProperties;
  if (range.startRow + height > grid.rowCount || range.startColumn + width > grid.columnCount) {
    throw gridLimitError(range.sheet, text);
  }
  let updatedCells = 0;
  values.forEach((row, r) => {
    row.forEach((value, c) => {
      if (value === null || value === undefined) return;
      setStored(range.sheet, range.startRow + r, range.startColumn + c, storedFromApi(value, option));
      updatedCells++;
    });
  });
  return {
    updatedRange:
      height === 0 || width === 0
        ? formatRange(
            range.sheet,
            range.startRow,
            range.startColumn,
            range.startRow + 1,
            range.startColumn + 1,
          )
        : formatRange(
            range.sheet,
            range.startRow,
            range.startColumn,
            range.startRow + height,
            range.startColumn + width,
          ),
    updatedRows: height,
    updatedColumns: width,
    updatedCells,
  };
}

function appendValues(
  spreadsheet: StandInSpreadsheet,
  text: string,
  values: unknown[][],
  option: InputOption,
): unknown {
  const range = parseRange(text, spreadsheet);
  const sheet = range.sheet;
  // The "table" is the used part of the range's columns; new rows go right below it.
  const endColumn = range.endColumn ?? sheet.properties.gridProperties.columnCount;
  let last = -1;
  sheet.rows.forEach((row, index) => {
    if (row?.slice(range.startColumn, endColumn).some((cell) => cell && cell.value !== null)) last = index;
  });
  const firstRow = Math.max(last + 1, range.startRow);
  const grid = sheet.properties.gridProperties;
  const width = Math.max(0, ...values.map((row) => row.length));
  grid.rowCount = Math.max(grid.rowCount, firstRow + values.length);
  grid.columnCount = Math.max(grid.columnCount, range.startColumn + width);
  const target = formatRange(sheet, firstRow, range.startColumn, firstRow + 1, range.startColumn + 1);
  const updates = writeValues(spreadsheet, target, values, option);
  return {
    spreadsheetId: spreadsheet.id,
    tableRange:
      last >= 0 ? formatRange(sheet, range.startRow, range.startColumn, last + 1, endColumn) : undefined,
    updates: { spreadsheetId: spreadsheet.id, ...updates },
  };
}

/** What a value sent with RAW or USER_ENTERED becomes. */
function storedFromApi(value: unknown, option: InputOption): StoredCell {
  if (typeof value === 'number' || typeof value === 'boolean') return { value };
  const text = String(value);
  if (text === '') return { value: null };
  if (option === 'RAW') return { value: text };
  if (text.startsWith("'")) return { value: text.slice(1) };
  if (text.startsWith('=') && text.length > 1) return { value: null, formula: text };
  if (/^(true|false)$/i.test(text)) return { value: text.toLowerCase() === 'true' };
  const number = parseTypedNumber(text);
  return number === null ? { value: text } : { value: number };
}

/** A person's typed number: `1,000`, `-2.5`, `$5`, `4%`, `1e3`; null when it is not one. */
function parseTypedNumber(text: string): number | null {
  let body = text.trim();
  let scale = 1;
  if (body.endsWith('%')) {
    scale = 0.01;
    body = body.slice(0, -1);
  }
  body = body.replace(/^([+-]?)[$£€]/, '$1');
  if (!/^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$/.test(body) || !/\d/.test(body)) return null;
  return Number(body.replace(/,/g, '')) * scale;
}

function storedFromInput(value: StandInInput): StoredCell | undefined {
  if (value === null || value === '') return undefined;
  if (value instanceof Date) return { value: dateToSerial(value), date: true };
  if (typeof value === 'object') {
    return {
      value: value.result ?? null,
      formula: value.formula,
      ...(value.volatile ? { volatile: true } : {}),
    };
  }
  return { value };
}

function setStored(sheet: StandInSheet, row: number, column: number, cell: StoredCell | undefined): void {
  while (sheet.rows.length <= row) sheet.rows.push([]);
  const cells = (sheet.rows[row] ??= []);
  if (!cell || (cell.value === null && !cell.formula)) {
    if (column < cells.length) cells[column] = undefined;
    return;
  }
  while (cells.length < column) cells.push(undefined);
  cells[column] = cell;
}

/**
 * Gives every volatile formula a new value: a serial number one minute later per recalculation,
 * which is what NOW() shows (RAND() and IMPORTRANGE change just as unpredictably).
 */
function recalculate(spreadsheet: StandInSpreadsheet): void {
  spreadsheet.recalculations++;
  const value = VOLATILE_EPOCH + spreadsheet.recalculations / 1440;
  for (const sheet of spreadsheet.sheets) {
    for (const row of sheet.rows) for (const cell of row ?? []) if (cell?.volatile) cell.value = value;
  }
}

/** 2025-01-01 as a serial number: where the volatile formulas' clock starts. */
const VOLATILE_EPOCH = 45_658;

/** Days since 1899-12-30, the epoch of Sheets' serial numbers. */
const SERIAL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

function dateToSerial(date: Date): number {
  return (date.getTime() - SERIAL_EPOCH_MS) / DAY_MS;
}

function formatDate(serial: number): string {
  const date = new Date(SERIAL_EPOCH_MS + Math.round(serial * DAY_MS));
  const day = `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()}`;
  if (Number.isInteger(serial)) return day;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day} ${date.getUTCHours()}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

// --- spreadsheets.batchUpdate ----------------------------------------------------------------

function applyRequest(
  spreadsheet: StandInSpreadsheet,
  request: Record<string, Record<string, unknown>>,
  index: number,
): unknown {
  const kinds = Object.keys(request);
  const kind = kinds[0];
  if (kinds.length !== 1 || !kind)
    throw new ApiError(400, `Invalid requests[${index}]: exactly one kind of request is allowed`);
  const body = request[kind]!;
  const invalid = (message: string) => new ApiError(400, `Invalid requests[${index}].${kind}: ${message}`);
  const sheetById = (sheetId: unknown): StandInSheet => {
    const sheet = spreadsheet.sheets.find((s) => s.properties.sheetId === (sheetId ?? 0));
    if (!sheet) throw invalid(`No grid with id: ${String(sheetId)}`);
    return sheet;
  };
  switch (kind) {
    case 'addSheet': {
      const properties = (body.properties ?? {}) as Partial<SheetProperties>;
      const title = properties.title ?? `Sheet${spreadsheet.sheets.length + 1}`;
      if (spreadsheet.sheets.some((s) => s.properties.title.toLowerCase() === title.toLowerCase())) {
        throw invalid(`A sheet with the name "${title}" already exists. Please enter another name.`);
      }
      if (
        properties.sheetId !== undefined &&
        spreadsheet.sheets.some((s) => s.properties.sheetId === properties.sheetId)
      ) {
        throw invalid(`Sheet with id ${properties.sheetId} already exists.`);
      }
      const sheetId =
        properties.sheetId ?? Math.max(0, ...spreadsheet.sheets.map((s) => s.properties.sheetId)) + 11;
      const grid = {
        rowCount: DEFAULT_ROWS,
        columnCount: DEFAULT_COLUMNS,
        ...(properties.gridProperties ?? {}),
      };
      assertCellLimit(spreadsheet, grid.rowCount * grid.columnCount, invalid);
      const sheet: StandInSheet = {
        properties: {
          sheetId,
          title,
          index: spreadsheet.sheets.length,
          sheetType: 'GRID',
          gridProperties: grid,
        },
        rows: [],
        validations: [],
        protectedRanges: [],
      };
      spreadsheet.sheets.push(sheet);
      return { addSheet: { properties: structuredClone(sheet.properties) } };
    }
    case 'updateSheetProperties': {
      const properties = (body.properties ?? {}) as Partial<SheetProperties>;
      const sheet = sheetById(properties.sheetId);
      const fields = String(body.fields ?? '');
      if (!fields) throw invalid('At least one field must be updated, but none were specified.');
      for (const field of fields.split(',').map((f) => f.trim())) {
        applyField(sheet, properties, field, invalid);
      }
      return {};
    }
    case 'appendDimension': {
      const sheet = sheetById(body.sheetId);
      const length = Number(body.length ?? 0);
      if (!(length > 0)) throw invalid('length must be greater than zero');
      const grid = sheet.properties.gridProperties;
      if (body.dimension === 'ROWS') {
        assertCellLimit(spreadsheet, length * grid.columnCount, invalid);
        grid.rowCount += length;
      } else if (body.dimension === 'COLUMNS') {
        if (grid.columnCount + length > MAX_COLUMNS) throw invalid(`too many columns (max ${MAX_COLUMNS})`);
        assertCellLimit(spreadsheet, length * grid.rowCount, invalid);
        grid.columnCount += length;
      } else {
        throw invalid('dimension must be ROWS or COLUMNS');
      }
      return {};
    }
    case 'setDataValidation': {
      const range = (body.range ?? {}) as GridRange;
      const sheet = sheetById(range.sheetId);
      const rule = body.rule as DataValidation['rule'] | undefined;
      // A later validation replaces an earlier one on the same cells.
      sheet.validations = sheet.validations.filter((v) => !sameGridRange(v.range, range));
      if (rule) {
        const type = rule.condition?.type;
        if (type === 'ONE_OF_LIST' && !(rule.condition.values?.length ?? 0)) {
          throw invalid('ONE_OF_LIST needs at least one value');
        }
        if (!type) throw invalid('a condition type is required');
        sheet.validations.push({ range: structuredClone(range), rule: structuredClone(rule) });
      }
      return {};
    }
    case 'addProtectedRange': {
      const protectedRange = (body.protectedRange ?? {}) as Omit<ProtectedRange, 'protectedRangeId'>;
      const sheet = sheetById(protectedRange.range?.sheetId);
      const added: ProtectedRange = {
        ...structuredClone(protectedRange),
        protectedRangeId: spreadsheet.nextProtectedRangeId++,
      };
      sheet.protectedRanges.push(added);
      return { addProtectedRange: { protectedRange: structuredClone(added) } };
    }
    case 'updateCells': {
      const rows = (body.rows ?? []) as { values?: { userEnteredValue?: Record<string, unknown> }[] }[];
      const fields = String(body.fields ?? '');
      if (!fields) throw invalid('fields is required');
      const start = (body.start ?? body.range) as {
        sheetId?: number;
        rowIndex?: number;
        columnIndex?: number;
        startRowIndex?: number;
        startColumnIndex?: number;
      };
      const sheet = sheetById(start?.sheetId);
      const row0 = start.rowIndex ?? start.startRowIndex ?? 0;
      const column0 = start.columnIndex ?? start.startColumnIndex ?? 0;
      const grid = sheet.properties.gridProperties;
      const width = Math.max(0, ...rows.map((r) => r.values?.length ?? 0));
      if (row0 + rows.length > grid.rowCount || column0 + width > grid.columnCount) {
        throw invalid(
          `Range exceeds grid limits. Max rows: ${grid.rowCount}, max columns: ${grid.columnCount}`,
        );
      }
      const writesValues =
        fields === '*' || fields.split(',').some((f) => f.trim().startsWith('userEnteredValue'));
      if (!writesValues) return {};
      rows.forEach((row, r) => {
        (row.values ?? []).forEach((cell, c) => {
          setStored(sheet, row0 + r, column0 + c, storedFromCellData(cell.userEnteredValue));
        });
      });
      return {};
    }
    case 'appendCells': {
      const sheet = sheetById(body.sheetId);
      const rows = (body.rows ?? []) as { values?: { userEnteredValue?: Record<string, unknown> }[] }[];
      const fields = String(body.fields ?? '');
      if (!fields) throw invalid('At least one field must be specified.');
      // "After the last row with data": a value or a formula, in any column.
      let last = -1;
      sheet.rows.forEach((row, r) => {
        if (row?.some((cell) => cell && (cell.value !== null || cell.formula))) last = r;
      });
      const grid = sheet.properties.gridProperties;
      const width = Math.max(0, ...rows.map((r) => r.values?.length ?? 0));
      if (width > grid.columnCount) {
        throw invalid(
          `Range exceeds grid limits. Max rows: ${grid.rowCount}, max columns: ${grid.columnCount}`,
        );
      }
      // "Inserting new rows into the sheet if necessary."
      if (last + 1 + rows.length > grid.rowCount) {
        assertCellLimit(spreadsheet, (last + 1 + rows.length - grid.rowCount) * grid.columnCount, invalid);
        grid.rowCount = last + 1 + rows.length;
      }
      const writesValues =
        fields === '*' || fields.split(',').some((f) => f.trim().startsWith('userEnteredValue'));
      if (!writesValues) return {};
      rows.forEach((row, r) => {
        (row.values ?? []).forEach((cell, c) => {
          setStored(sheet, last + 1 + r, c, storedFromCellData(cell.userEnteredValue));
        });
      });
      return {};
    }
    default:
      throw new ApiError(400, `Invalid requests[${index}]: the stand-in does not implement ${kind}`);
  }
}

/** A CellData's `userEnteredValue`: a string stays text (`=1+1` included), as with RAW. */
function storedFromCellData(entered: Record<string, unknown> | undefined): StoredCell | undefined {
  if (entered === undefined) return undefined;
  if ('formulaValue' in entered) return { value: null, formula: String(entered.formulaValue) };
  if ('stringValue' in entered) return { value: String(entered.stringValue) };
  if ('numberValue' in entered) return { value: Number(entered.numberValue) };
  if ('boolValue' in entered) return { value: Boolean(entered.boolValue) };
  return undefined;
}

function applyField(
  sheet: StandInSheet,
  properties: Partial<SheetProperties>,
  field: string,
  invalid: (message: string) => ApiError,
): void {
  const grid = sheet.properties.gridProperties;
  const next = properties.gridProperties ?? ({} as Partial<GridProperties>);
  switch (field) {
    case 'title':
      if (!properties.title) throw invalid('title must not be empty');
      sheet.properties.title = properties.title;
      return;
    case 'gridProperties.frozenRowCount':
      if ((next.frozenRowCount ?? 0) > grid.rowCount) throw invalid('frozen rows exceed the grid');
      if (next.frozenRowCount) grid.frozenRowCount = next.frozenRowCount;
      else delete grid.frozenRowCount;
      return;
    case 'gridProperties.frozenColumnCount':
      if (next.frozenColumnCount) grid.frozenColumnCount = next.frozenColumnCount;
      else delete grid.frozenColumnCount;
      return;
    case 'gridProperties.rowCount':
      if (!next.rowCount) throw invalid('rowCount must be positive');
      grid.rowCount = next.rowCount;
      sheet.rows.length = Math.min(sheet.rows.length, next.rowCount);
      return;
    case 'gridProperties.columnCount':
      if (!next.columnCount) throw invalid('columnCount must be positive');
      grid.columnCount = next.columnCount;
      for (const row of sheet.rows) if (row) row.length = Math.min(row.length, next.columnCount);
      return;
    default:
      throw invalid(`the stand-in does not implement the field mask ${field}`);
  }
}

function assertCellLimit(
  spreadsheet: StandInSpreadsheet,
  added: number,
  invalid: (message: string) => ApiError,
): void {
  const cells = spreadsheet.sheets.reduce(
    (total, sheet) =>
      total + sheet.properties.gridProperties.rowCount * sheet.properties.gridProperties.columnCount,
    0,
  );
  if (cells + added > MAX_CELLS) {
    throw invalid(
      `This action would increase the number of cells in the workbook above the limit of ${MAX_CELLS} cells.`,
    );
  }
}

function sameGridRange(a: GridRange, b: GridRange): boolean {
  return (
    (a.sheetId ?? 0) === (b.sheetId ?? 0) &&
    a.startRowIndex === b.startRowIndex &&
    a.endRowIndex === b.endRowIndex &&
    a.startColumnIndex === b.startColumnIndex &&
    a.endColumnIndex === b.endColumnIndex
  );
}

/** Runs `change` on the spreadsheet, restoring every sheet when it throws. */
function atomically<T>(spreadsheet: StandInSpreadsheet, change: () => T): T {
  const before = structuredClone(spreadsheet.sheets);
  const nextId = spreadsheet.nextProtectedRangeId;
  try {
    return change();
  } catch (error) {
    spreadsheet.sheets = before;
    spreadsheet.nextProtectedRangeId = nextId;
    throw error;
  }
}

// --- small helpers -----------------------------------------------------------------------------

function trimRow<T>(row: (T | null)[]): (T | null)[] {
  const copy = [...row];
  while (copy.length > 0 && copy[copy.length - 1] === null) copy.pop();
  return copy;
}

function transpose(rows: unknown[][]): unknown[][] {
  const width = Math.max(0, ...rows.map((row) => row.length));
  const columns = Array.from({ length: width }, (_, c) => rows.map((row) => row[c] ?? ''));
  for (const column of columns) while (column.length > 0 && column[column.length - 1] === '') column.pop();
  return columns;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  response.end(JSON.stringify(body));
}

function sendError(
  response: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(
    response,
    status,
    { error: { code: status, message, status: STATUS_TEXT[status] ?? 'UNKNOWN' } },
    headers,
  );
}
