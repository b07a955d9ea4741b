/**
 * The workbook store for a Google spreadsheet, through the Sheets API v4.
 *
 * Requests, whatever the number of rows:
 * - `exists`: one `spreadsheets.get` (the tab list); a `read` right after it uses that list.
 * - `read`: one `spreadsheets.get` (unless `exists` just fetched it) and one `values.batchGet` for
 *   all the tabs named.
 * - `write`: one `values.batchGet` re-reading the tabs it writes; a `spreadsheets.batchUpdate` only
 *   when there are rows to append (`appendCells`) or columns to add to the grid; one
 *   `values.batchUpdate` holding only the cells that change (RAW), header cells included, split only
 *   past `maxRequestBytes`; then one more `values.batchGet` to check where the cells landed. The tab
 *   list comes from the read (a `spreadsheets.get` only for a tab the read did not see). A write
 *   whose cells already hold their values sends nothing at all.
 * - `ensureTabs`: one `spreadsheets.get`, one `values.batchGet` of the existing header rows, and one
 *   `spreadsheets.batchUpdate` only when something is missing.
 *
 * Concurrency: Google Sheets has no file version to compare, and people sort, insert and type while
 * a run is in progress. A write is planned from a re-read right before it is sent (write-plan.ts):
 * rows are found again by key wherever they moved, rows a person edited (in a column productops
 * knows: helper columns never count) or deleted are skipped with a warning, and an unguarded write
 * to a changed tab is refused (`WorkbookChangedError`). Between that re-read and the moment Google
 * applies the write there is still a round trip in which rows can move, and A1 addresses do not
 * move with them; so after the write the tabs are read again, and cells that landed on another row
 * are put back and written where their row is now, with a warning (at most `MAX_SENDS` sends in
 * all). Every retry starts over from a re-read, so a retry never resends row numbers that a sort
 * made stale. Appended rows go out as `appendCells`, placed by Google after the last row with data
 * when it applies them, so they never overwrite a row a person typed meanwhile.
 *
 * Developer metadata on rows is not used: Google documents that it stays with a row when rows are
 * inserted above it, but not what a sort does to it, so it could only narrow the window that the
 * check after the write closes anyway, at the price of tagging every row.
 *
 * Failures that pass (429, 5xx, timeouts, dropped connections) are retried with backoff (retry.ts);
 * the rest become `WorkbookError`s with a message a person can act on (workbook-errors.ts).
 */
import {
  type CellValue,
  type NewTab,
  type SheetStore,
  type TabData,
  type TabRow,
  type TabWrite,
  type WriteResult,
  writableChanges,
} from '../sheet-store.js';
import {
  assertTabName,
  findTab,
  missingHeaders,
  missingTabError,
  type TabNameRules,
  uniqueHeaders,
} from '../tab-helpers.js';
import { allTabs, normalizeHeader } from '../tabs.js';
import { blockRange, headerRowRange, quoteTabName } from './a1-notation.js';
import { apiValue, prepareCellValue, readCellValue, sameCellValue } from './cell-values.js';
import { type AccessTokenSource, createTokenSource } from './credentials.js';
import { addTabRequests, columnRequests, headerCellRequests } from './data-validations.js';
import {
  DEFAULT_RETRY_POLICY,
  type RetryContext,
  type RetryPolicy,
  realSleep,
  withRetries,
} from './retry.js';
import {
  createSheetsApi,
  type SheetInfo,
  type SheetsApi,
  type SheetsRequest,
  type ValueBlock,
  type ValueRange,
  type WriteValue,
} from './sheets-api.js';
import { type ApiAction, classifyFailure, statusOf, toWorkbookError } from './workbook-errors.js';
import {
  type AppendState,
  type EarlierSend,
  type Grid,
  lastUsedRow,
  type PlannedCell,
  planTabWrite,
  type TabPlan,
  trimmed,
} from './write-plan.js';

export interface GoogleSheetStoreOptions {
  /**
   * Send every request to this base URL instead of Google (a proxy or a test server). It then
   * needs `accessToken` (or `credentials`): Google's own credentials are never sent elsewhere; and
   * plain `http:` only to this computer (loopback).
   */
  rootUrl?: string | undefined;
  /** A fixed bearer token (`GOOGLE_SHEETS_ACCESS_TOKEN`); no key file is read then. */
  accessToken?: string | undefined;
  /** A service-account key file (`GOOGLE_APPLICATION_CREDENTIALS`); without it and without a
   * token, application default credentials are used. */
  keyFile?: string | undefined;
  /** Where tokens come from, replacing the three settings above (tests, or a caller's own source). */
  credentials?: AccessTokenSource | undefined;
  /** Per request, before it is abandoned and retried (default 30 s). */
  timeoutMs?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  /** How retries wait; tests pass one that returns at once. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: (() => number) | undefined;
  /**
   * Largest `values.batchUpdate` body sent as one request (default 2,000,000 bytes, the maximum
   * payload Google recommends in "Sheets API usage limits"; the hard limit is 10 MiB). A bigger
   * write is split, and is then no longer all or nothing.
   */
  maxRequestBytes?: number | undefined;
}

export const DEFAULT_ROOT_URL = 'https://sheets.googleapis.com/';
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_REQUEST_BYTES = 2_000_000;

/** Google's grid: 18,278 columns (ZZZ) and 10 million cells per spreadsheet. */
const MAX_COLUMNS = 18_278;
const MAX_ROWS = 10_000_000;
/** Google's limit on tab names. */
const GOOGLE_TAB_NAMES: TabNameRules = { application: 'Google', maxLength: 100 };
/**
 * Sends of one write: the write itself and up to two repairs of cells that landed on rows that
 * moved meanwhile. Past it the write stops and says so; the next run starts from what is there.
 */
const MAX_SENDS = 3;

/** Every header productops reads or writes (tabs.ts, aliases included), normalised. */
const PRODUCTOPS_HEADERS = new Set(
  allTabs.flatMap((tab) => tab.columns.flatMap((column) => [column.name, ...(column.aliases ?? [])])),
);

/** Whether a header names a column productops knows; other columns are people's helper columns. */
function isProductOpsHeader(header: CellValue): boolean {
  return PRODUCTOPS_HEADERS.has(normalizeHeader(header));
}

export class GoogleSheetStore implements SheetStore {
  readonly label: string;
  private readonly api: SheetsApi;
  private readonly tokens: AccessTokenSource;
  private readonly retry: RetryContext;
  private readonly rootUrl: string;
  private readonly maxRequestBytes: number;
  /** Each tab (by title) as the last read or write of this store left it: what a write checks against. */
  private readonly seen = new Map<string, Grid>();
  /** The tab list as last fetched: a tab keeps its id, so a write finds its tabs without asking again. */
  private sheets: SheetInfo[] | null = null;
  /** The tab list `exists` just fetched, for the `read` that follows it. */
  private sheetsForRead: SheetInfo[] | null = null;

  constructor(
    readonly spreadsheetId: string,
    options: GoogleSheetStoreOptions = {},
  ) {
    this.label = `Google spreadsheet ${spreadsheetId}`;
    this.rootUrl = options.rootUrl ?? DEFAULT_ROOT_URL;
    // Refuses, before any request, a root URL that Google's own credentials must not be sent to.
    this.tokens = createTokenSource(options);
    this.api = createSheetsApi({
      spreadsheetId,
      rootUrl: options.rootUrl,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      tokens: this.tokens,
    });
    this.retry = {
      policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      classify: classifyFailure,
      sleep: options.sleep ?? realSleep,
      random: options.random ?? Math.random,
    };
    this.maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  }

  async exists(): Promise<boolean> {
    try {
      const sheets = await withRetries(() => this.api.getSheets(), this.retry);
      // A run, `status` and `init --dry-run` read right after asking: that read uses this list
      // rather than asking again a moment later.
      this.sheets = sheets;
      this.sheetsForRead = sheets;
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw await this.translate(error, 'open');
    }
  }

  async read(tabs: string[]): Promise<Map<string, TabData | null>> {
    const sheets = this.sheetsForRead ?? (await this.call('read', () => this.api.getSheets()));
    this.sheetsForRead = null;
    this.sheets = sheets;
    const titles = [
      ...new Set(tabs.map((tab) => findSheet(sheets, tab)?.title).filter((t) => t !== undefined)),
    ];
    const values =
      titles.length > 0 ? await this.call('read', () => this.api.batchGet(titles.map(quoteTabName))) : [];
    const grids = new Map(titles.map((title, index) => [title, toGrid(values[index]?.rows ?? [])]));
    for (const [title, grid] of grids) this.seen.set(title, grid);

    const result = new Map<string, TabData | null>();
    for (const tab of tabs) {
      const sheet = findSheet(sheets, tab);
      const grid = sheet === undefined ? undefined : grids.get(sheet.title);
      result.set(
        tab,
        sheet === undefined || !grid
          ? null
          : {
              ...toTabData(sheet.title, grid),
              google: { spreadsheetId: this.spreadsheetId, gid: sheet.sheetId },
            },
      );
    }
    return result;
  }

  async write(changes: TabWrite[]): Promise<WriteResult> {
    this.sheetsForRead = null;
    const pending = writableChanges(changes, MAX_ROWS, MAX_COLUMNS);
    // Cells that already hold their values need no request at all (a second run with no edits).
    if (pending.length === 0 || pending.every((change) => this.changesNothing(change))) {
      return { cellsWritten: 0, rowsAppended: 0, warnings: [] };
    }

    // The read's tab list serves: a tab keeps its id, and each re-read tells its grid's size.
    let listChecked = false;
    let sheets = this.sheets;
    if (!sheets || pending.some((change) => !findSheet(sheets!, change.tab))) {
      sheets = await this.call('write', () => this.api.getSheets());
      listChecked = true;
    }
    let tabs = this.tabsToWrite(pending, sheets);
    const reRead = async (): Promise<ValueRange[]> => {
      try {
        const values = await this.api.batchGet([...tabs.keys()].map(quoteTabName));
        listChecked = true;
        return values;
      } catch (error) {
        if (listChecked || statusOf(error) !== 400) throw error;
        // A tab renamed or deleted since the read (nothing is sent yet): the full list names it.
        tabs = this.tabsToWrite(pending, await this.api.getSheets());
        listChecked = true;
        return this.api.batchGet([...tabs.keys()].map(quoteTabName));
      }
    };

    const warnings = new Set<string>();
    let sends = 0;
    for (;;) {
      // One round: re-read, plan, send. A retry starts the round over, so it never resends row
      // numbers that a sort or an insert made stale; a round after a send checks that send.
      const round = await this.call('write', async () => {
        const values = await reRead();
        const grids = values.map((value) => toGrid(value.rows));
        const plans = [...tabs.values()].map((tab, index) => {
          const current = grids[index] ?? [];
          tab.before ??= current;
          return planTabWrite({
            tab: tab.title,
            workbook: this.label,
            // A tab never read is written from the first re-read: later rounds check against it.
            read: this.seen.get(tab.title) ?? (tab.earlier ? tab.before : null),
            current,
            change: tab.change,
            isKnownHeader: isProductOpsHeader,
            earlier: tab.earlier,
            appends: tab.appends,
            before: tab.before,
            delivered: tab.delivered,
          });
        });
        if (sends >= MAX_SENDS) return { grids, sent: false, leftOver: plans.some(isPending) };
        for (const plan of plans) for (const warning of plan.warnings) warnings.add(warning);
        const sent = await this.send([...tabs.values()], plans, values);
        return { grids, sent, leftOver: false };
      });
      if (round.sent) {
        sends++;
        continue;
      }
      if (round.leftOver) {
        warnings.add(
          `Rows kept moving while productops wrote ${[...tabs.keys()].join(', ')} in ${this.label}, so some cells may not be on their rows: run again`,
        );
      }
      [...tabs.keys()].forEach((title, index) => {
        this.seen.set(title, round.grids[index] ?? []);
      });
      break;
    }

    const result: WriteResult = { cellsWritten: 0, rowsAppended: 0, warnings: [...warnings] };
    for (const tab of tabs.values()) {
      result.cellsWritten += tab.updatesSent.size + tab.headerCellsSent.size;
      for (const index of tab.rowsAppended) {
        result.cellsWritten += (tab.change.appends?.[index] ?? []).filter(
          (value) => prepareCellValue(value).value !== null,
        ).length;
      }
      result.rowsAppended += tab.rowsAppended.size;
    }
    return result;
  }

  /** The tabs a write names, by title, each with its changes merged; a missing tab stops the write. */
  private tabsToWrite(pending: TabWrite[], sheets: SheetInfo[]): Map<string, TabWriting> {
    const tabs = new Map<string, TabWriting>();
    for (const change of pending) {
      const sheet = findSheet(sheets, change.tab);
      if (!sheet) {
        throw missingTabError(change.tab, this.label);
      }
      const earlier = tabs.get(sheet.title);
      if (earlier) {
        earlier.change = mergeWrites(earlier.change, change);
        continue;
      }
      tabs.set(sheet.title, {
        title: sheet.title,
        sheet,
        change,
        before: null,
        earlier: null,
        appends: 'pending',
        delivered: new Set(),
        updatesSent: new Set(),
        headerCellsSent: new Set(),
        rowsAppended: new Set(),
      });
    }
    return tabs;
  }

  /**
   * Sends one round's plans: the grid growth and appended rows in one `spreadsheets.batchUpdate`,
   * then the cells in `values.batchUpdate`s. Returns false when there was nothing to send.
   */
  private async send(tabs: TabWriting[], plans: TabPlan[], values: ValueRange[]): Promise<boolean> {
    const structure: SheetsRequest[] = [];
    const appending: SheetsRequest[] = [];
    plans.forEach((plan, index) => {
      const { sheet } = tabs[index]!;
      const columns = gridColumns(values[index]?.range) ?? sheet.columnCount;
      if (plan.columnCount > columns) {
        structure.push({
          appendDimension: {
            sheetId: sheet.sheetId,
            dimension: 'COLUMNS',
            length: plan.columnCount - columns,
          },
        });
      }
      if (plan.appendRows.length > 0) appending.push(appendCellsRequest(sheet.sheetId, plan.appendRows));
    });
    const requests = packBlocks(plans.flatMap(valueBlocks), this.maxRequestBytes);
    if (structure.length === 0 && appending.length === 0 && requests.length === 0) return false;

    // Recorded before anything goes out: if an answer is lost, the next round checks this send.
    plans.forEach((plan, index) => {
      const tab = tabs[index]!;
      tab.earlier = {
        grid: toGridOf(values[index]),
        cells: plan.cells.filter((cell) => cell.row > 1),
        confirmed: false,
      } satisfies EarlierSend;
      for (const update of plan.updates) tab.updatesSent.add(update);
      for (const cell of plan.cells) if (cell.row === 1) tab.headerCellsSent.add(cell.column);
      for (const found of plan.appendsFound) tab.rowsAppended.add(found);
      for (const row of plan.appendRows) tab.rowsAppended.add(row.index);
      if (plan.appendRows.length > 0) tab.appends = 'unsure';
    });
    if (structure.length > 0 || appending.length > 0) {
      await this.api.batchUpdate([...structure, ...appending]);
      plans.forEach((plan, index) => {
        if (plan.appendRows.length > 0) tabs[index]!.appends = 'done';
      });
    }
    for (const blocks of requests) await this.api.updateValues(blocks);
    plans.forEach((plan, index) => {
      const tab = tabs[index]!;
      tab.earlier!.confirmed = true;
      for (const update of plan.updates) tab.delivered.add(update);
    });
    return true;
  }

  async ensureTabs(
    tabs: NewTab[],
  ): Promise<{ tabsAdded: string[]; headersAdded: { tab: string; header: string }[] }> {
    if (tabs.length === 0) return { tabsAdded: [], headersAdded: [] };
    // Tabs and columns added here are not in the tab list a read fetched.
    this.sheets = null;
    this.sheetsForRead = null;
    const first = await this.planTabSetup(tabs, (run) => this.call('init', run));
    if (first.requests.length > 0) {
      // addSheet is not idempotent: after a failure whose outcome is unknown (a timeout), look
      // again and send only what is still missing.
      await this.call('init', async (attempt) => {
        const plan = attempt === 1 ? first : await this.planTabSetup(tabs, (run) => run(attempt));
        if (plan.requests.length > 0) await this.api.batchUpdate(plan.requests);
      });
    }
    for (const { tab, before, after } of first.headerChanges) {
      const seen = this.seen.get(tab);
      // Our own header cells are not a person's edit; an older difference still is.
      if (seen && sameCells(seen[0] ?? [], before)) seen[0] = after;
    }
    return { tabsAdded: first.tabsAdded, headersAdded: first.headersAdded };
  }

  /** What `ensureTabs` must send, from the spreadsheet as it is now. */
  private async planTabSetup(
    tabs: NewTab[],
    send: <T>(run: (attempt: number) => Promise<T>) => Promise<T>,
  ): Promise<TabSetupPlan> {
    const sheets = await send(() => this.api.getSheets());
    const existing = [
      ...new Set(tabs.map((tab) => findSheet(sheets, tab.name)).filter((s) => s !== undefined)),
    ];
    const headerRows =
      existing.length > 0
        ? await send(() => this.api.batchGet(existing.map((s) => headerRowRange(s.title))))
        : [];
    const headers = new Map(
      existing.map((sheet, index) => [
        sheet.title,
        trimmed((headerRows[index]?.rows[0] ?? []).map(readCellValue)),
      ]),
    );

    const plan: TabSetupPlan = { requests: [], tabsAdded: [], headersAdded: [], headerChanges: [] };
    const added = new Map<string, SheetInfo>();
    let nextSheetId = Math.max(0, ...sheets.map((sheet) => sheet.sheetId)) + 1;
    for (const tab of tabs) {
      const sheet = findSheet(sheets, tab.name) ?? findSheet([...added.values()], tab.name);
      if (!sheet) {
        assertTabName(tab.name, this.label, GOOGLE_TAB_NAMES);
        const newHeaders = uniqueHeaders(tab.headers);
        const sheetId = nextSheetId++;
        plan.requests.push(...addTabRequests(sheetId, tab, newHeaders));
        plan.tabsAdded.push(tab.name);
        added.set(tab.name, { sheetId, title: tab.name, rowCount: 0, columnCount: 0, frozenRowCount: 1 });
        continue;
      }
      if (added.has(sheet.title)) continue;
      const header = headers.get(sheet.title) ?? [];
      const missing = missingHeaders(header, tab.headers);
      if (missing.length === 0) continue;
      const firstColumn = header.length;
      if (firstColumn + missing.length > sheet.columnCount) {
        plan.requests.push({
          appendDimension: {
            sheetId: sheet.sheetId,
            dimension: 'COLUMNS',
            length: firstColumn + missing.length - sheet.columnCount,
          },
        });
      }
      plan.requests.push(...headerCellRequests(sheet.sheetId, firstColumn, missing, { bold: false }));
      missing.forEach((name, index) => {
        plan.requests.push(...columnRequests(sheet.sheetId, firstColumn + index, name, tab));
      });
      plan.headersAdded.push(...missing.map((name) => ({ tab: sheet.title, header: name })));
      plan.headerChanges.push({ tab: sheet.title, before: header, after: [...header, ...missing] });
      headers.set(sheet.title, [...header, ...missing]);
    }
    return plan;
  }

  /** True when every cell the change names already holds its value, as this store last saw the tab. */
  private changesNothing(change: TabWrite): boolean {
    if (change.addHeaders?.length || change.appends?.length) return false;
    const title = findTab(this.seen.keys(), change.tab, (seen) => seen);
    const grid = title === undefined ? undefined : this.seen.get(title);
    if (!grid) return false;
    return (change.updates ?? []).every((update) =>
      sameCellValue(grid[update.row - 1]?.[update.column] ?? null, prepareCellValue(update.value).value),
    );
  }

  /** One request with retries; failures become `WorkbookError`s. */
  private async call<T>(action: ApiAction, run: (attempt: number) => Promise<T>): Promise<T> {
    try {
      return await withRetries(run, this.retry);
    } catch (error) {
      throw await this.translate(error, action);
    }
  }

  private async translate(error: unknown, action: ApiAction): Promise<Error> {
    // Only a refusal needs the account's name, and finding it may read the key file.
    const account = statusOf(error) === 403 ? await this.tokens.account() : null;
    return toWorkbookError(error, {
      spreadsheetId: this.spreadsheetId,
      action,
      account,
      credentials: this.tokens.description,
      rootUrl: this.rootUrl,
    });
  }
}

/** One tab of a write in progress: what it asks for, and what has been sent so far. */
interface TabWriting {
  title: string;
  sheet: SheetInfo;
  change: TabWrite;
  /** The tab as re-read before the first send. */
  before: Grid | null;
  earlier: EarlierSend | null;
  appends: AppendState;
  /** Updates (indexes into `change.updates`) that a confirmed send delivered. */
  delivered: Set<number>;
  /** For the result: updates, header cells (by column) and appended rows sent or found in place. */
  updatesSent: Set<number>;
  headerCellsSent: Set<number>;
  rowsAppended: Set<number>;
}

function isPending(plan: TabPlan): boolean {
  return plan.cells.length > 0 || plan.appendRows.length > 0;
}

function toGridOf(value: ValueRange | undefined): Grid {
  return toGrid(value?.rows ?? []);
}

/** The number of columns of a whole tab's range as Google answers it (`'Tab'!A1:Z1000` → 26). */
function gridColumns(range: string | undefined): number | undefined {
  const match = /!(?:[A-Z]+\d+:)?([A-Z]+)\d+$/.exec(range ?? '');
  if (!match) return undefined;
  let columns = 0;
  for (const letter of match[1]!) columns = columns * 26 + (letter.charCodeAt(0) - 64);
  return columns;
}

/**
 * Rows to add as `appendCells`: Google puts them "after the last row with data in a sheet,
 * inserting new rows into the sheet if necessary" when it applies the request, so a row typed
 * meanwhile is never overwritten and the grid needs no growing. A string is a `stringValue`, stored
 * as text like a RAW write; an empty cell is left empty.
 */
function appendCellsRequest(sheetId: number, rows: { cells: PlannedCell['value'][] }[]): SheetsRequest {
  return {
    appendCells: {
      sheetId,
      fields: 'userEnteredValue',
      rows: rows.map(({ cells }) => ({
        values: trimmed(cells).map((value) => {
          if (value === null) return {};
          if (typeof value === 'number') return { userEnteredValue: { numberValue: value } };
          if (typeof value === 'boolean') return { userEnteredValue: { boolValue: value } };
          return { userEnteredValue: { stringValue: value } };
        }),
      })),
    },
  };
}

interface TabSetupPlan {
  requests: SheetsRequest[];
  tabsAdded: string[];
  headersAdded: { tab: string; header: string }[];
  /** Header rows this plan extends: the row before and after. */
  headerChanges: { tab: string; before: CellValue[]; after: CellValue[] }[];
}

/** Exact title first, then case-insensitive (tab-helpers.ts; Google titles are unique ignoring case). */
function findSheet(sheets: SheetInfo[], name: string): SheetInfo | undefined {
  return findTab(sheets, name, (sheet) => sheet.title);
}

function toGrid(rows: unknown[][]): Grid {
  return rows.map((row) => (Array.isArray(row) ? row.map(readCellValue) : []));
}

function toTabData(name: string, grid: Grid): TabData {
  const rows: TabRow[] = [];
  grid.forEach((cells, index) => {
    const row = trimmed(cells);
    if (index > 0 && row.length > 0) rows.push({ rowNumber: index + 1, cells: row });
  });
  return { name, header: trimmed(grid[0] ?? []), rows, lastRow: lastUsedRow(grid) };
}

function sameCells(a: CellValue[], b: CellValue[]): boolean {
  const left = trimmed(a);
  const right = trimmed(b);
  return (
    left.length === right.length && left.every((value, index) => sameCellValue(value, right[index] ?? null))
  );
}

function mergeWrites(a: TabWrite, b: TabWrite): TabWrite {
  return {
    tab: a.tab,
    addHeaders: [...(a.addHeaders ?? []), ...(b.addHeaders ?? [])],
    updates: [...(a.updates ?? []), ...(b.updates ?? [])],
    appends: [...(a.appends ?? []), ...(b.appends ?? [])],
    guards: [...(a.guards ?? []), ...(b.guards ?? [])],
  };
}

/**
 * The plan's cells as A1 blocks: consecutive rows form one block spanning their columns, and a
 * cell the plan does not name is sent as JSON null, which leaves it as it is. A whole changed
 * column (a rank for every row) is one block.
 */
function valueBlocks(plan: TabPlan): BlockRows[] {
  const byRow = new Map<number, Map<number, WriteValue>>();
  for (const cell of plan.cells) {
    const row = byRow.get(cell.row) ?? new Map<number, WriteValue>();
    row.set(cell.column, apiValue(cell.value));
    byRow.set(cell.row, row);
  }
  const rows = [...byRow.keys()].sort((a, b) => a - b);
  const blocks: BlockRows[] = [];
  let block: BlockRows | null = null;
  for (const row of rows) {
    const cells = byRow.get(row)!;
    if (!block || row !== block.firstRow + block.rows.length) {
      block = { tab: plan.tab, firstRow: row, rows: [] };
      blocks.push(block);
    }
    block.rows.push(cells);
  }
  return blocks;
}

/** Consecutive rows of one tab, each a map from column to the value sent. */
interface BlockRows {
  tab: string;
  firstRow: number;
  rows: Map<number, WriteValue>[];
}

function toValueBlock(block: BlockRows): ValueBlock {
  const columns = block.rows.flatMap((row) => [...row.keys()]);
  const first = Math.min(...columns);
  const last = Math.max(...columns);
  const values = block.rows.map((row) => {
    const width = Math.max(...row.keys()) - first + 1;
    return Array.from({ length: width }, (_, index) =>
      row.has(first + index) ? row.get(first + index)! : null,
    );
  });
  return {
    range: blockRange(block.tab, block.firstRow, first, block.firstRow + block.rows.length - 1, last),
    values,
  };
}

/** Room left in a request body for its envelope (`valueInputOption`, brackets). */
const REQUEST_ENVELOPE_BYTES = 100;

/**
 * Groups blocks into requests no bigger than `maxBytes` of JSON, splitting a block by rows when
 * it alone is too big. Usually this is one request.
 */
function packBlocks(blocks: BlockRows[], maxBytes: number): ValueBlock[][] {
  const sized: { block: ValueBlock; bytes: number }[] = [];
  const add = (block: BlockRows): void => {
    const value = toValueBlock(block);
    const bytes = Buffer.byteLength(JSON.stringify(value)) + 32;
    if (bytes + REQUEST_ENVELOPE_BYTES > maxBytes && block.rows.length > 1) {
      const half = Math.ceil(block.rows.length / 2);
      add({ tab: block.tab, firstRow: block.firstRow, rows: block.rows.slice(0, half) });
      add({ tab: block.tab, firstRow: block.firstRow + half, rows: block.rows.slice(half) });
      return;
    }
    sized.push({ block: value, bytes });
  };
  blocks.forEach(add);

  const requests: ValueBlock[][] = [];
  let current: ValueBlock[] = [];
  let size = REQUEST_ENVELOPE_BYTES;
  for (const { block, bytes } of sized) {
    if (current.length > 0 && size + bytes > maxBytes) {
      requests.push(current);
      current = [];
      size = REQUEST_ENVELOPE_BYTES;
    }
    current.push(block);
    size += bytes;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}
