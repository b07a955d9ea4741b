/**
 * The workbook store for a Google spreadsheet, through the Sheets API v4.
 *
 * Requests, whatever the number of rows:
 * - `read`: one `spreadsheets.get` (the tab list) and one `values.batchGet` for all the tabs named.
 * - `write`: one `spreadsheets.get`, one `values.batchGet` re-reading the tabs it writes, then one
 *   `values.batchUpdate` holding only the cells that change (RAW), appended rows and new header
 *   cells included. A `spreadsheets.batchUpdate` comes first only when the tab's grid must grow to
 *   hold appended rows or columns, and the write is split only past `maxRequestBytes`. A write whose
 *   cells already hold their values sends nothing at all.
 * - `ensureTabs`: one `spreadsheets.get`, one `values.batchGet` of the existing header rows, and one
 *   `spreadsheets.batchUpdate` only when something is missing.
 *
 * Concurrency: Google Sheets has no file version to compare, and people edit while a run is in
 * progress. The write re-reads the tabs it writes and compares them with what the read saw
 * (write-plan.ts): rows that only moved are followed, vanished rows are skipped with a warning, and
 * any other edit refuses the write (`WorkbookChangedError`) so a person's edit is never overwritten.
 * Between that re-read and the write there is one round trip in which an edit can still land; the
 * write then changes only the cells it names, so such an edit to another cell survives too.
 *
 * Failures that pass (429, 5xx, timeouts, dropped connections) are retried with backoff (retry.ts);
 * the rest become `WorkbookError`s with a message a person can act on (workbook-errors.ts).
 */
import { WorkbookError } from '../../shared/errors.js';
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
import { normalizeHeader } from '../tabs.js';
import { blockRange, headerRowRange, quoteTabName } from './a1-notation.js';
import { apiValue, prepareCellValue, readCellValue, sameCellValue } from './cell-values.js';
import {
  type AccessTokenSource,
  createDefaultTokenSource,
  createFixedTokenSource,
  createKeyFileTokenSource,
} from './credentials.js';
import { addTabRequests, columnRequests, headerCellRequests, uniqueHeaders } from './data-validations.js';
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
  type WriteValue,
} from './sheets-api.js';
import { type ApiAction, classifyFailure, statusOf, toWorkbookError } from './workbook-errors.js';
import { type Grid, lastUsedRow, planTabWrite, type TabPlan, trimmed } from './write-plan.js';

export interface GoogleSheetStoreOptions {
  /** Send every request to this base URL instead of Google (a proxy or a test server). */
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
const MAX_TAB_NAME_LENGTH = 100;

export class GoogleSheetStore implements SheetStore {
  readonly label: string;
  private readonly api: SheetsApi;
  private readonly tokens: AccessTokenSource;
  private readonly retry: RetryContext;
  private readonly rootUrl: string;
  private readonly maxRequestBytes: number;
  /** Each tab (by title) as the last read or write of this store left it: what a write checks against. */
  private readonly seen = new Map<string, Grid>();

  constructor(
    readonly spreadsheetId: string,
    options: GoogleSheetStoreOptions = {},
  ) {
    this.label = `Google spreadsheet ${spreadsheetId}`;
    this.rootUrl = options.rootUrl ?? DEFAULT_ROOT_URL;
    this.tokens = options.credentials
      ? options.credentials
      : options.accessToken
        ? createFixedTokenSource(options.accessToken)
        : options.keyFile
          ? createKeyFileTokenSource(options.keyFile)
          : createDefaultTokenSource();
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
      await withRetries(() => this.api.getSheets(), this.retry);
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw await this.translate(error, 'open');
    }
  }

  async read(tabs: string[]): Promise<Map<string, TabData | null>> {
    const sheets = await this.call('read', () => this.api.getSheets());
    const titles = [
      ...new Set(tabs.map((tab) => findSheet(sheets, tab)?.title).filter((t) => t !== undefined)),
    ];
    const values =
      titles.length > 0 ? await this.call('read', () => this.api.batchGet(titles.map(quoteTabName))) : [];
    const grids = new Map(titles.map((title, index) => [title, toGrid(values[index] ?? [])]));
    for (const [title, grid] of grids) this.seen.set(title, grid);

    const result = new Map<string, TabData | null>();
    for (const tab of tabs) {
      const title = findSheet(sheets, tab)?.title;
      const grid = title === undefined ? undefined : grids.get(title);
      result.set(tab, title === undefined || !grid ? null : toTabData(title, grid));
    }
    return result;
  }

  async write(changes: TabWrite[]): Promise<WriteResult> {
    const result: WriteResult = { cellsWritten: 0, rowsAppended: 0, warnings: [] };
    const pending = writableChanges(changes, MAX_ROWS, MAX_COLUMNS);
    if (pending.length === 0) return result;
    // Cells that already hold their values need no request at all (a second run with no edits).
    if (pending.every((change) => this.changesNothing(change))) return result;

    const sheets = await this.call('write', () => this.api.getSheets());
    const byTitle = new Map<string, { sheet: SheetInfo; change: TabWrite }>();
    for (const change of pending) {
      const sheet = findSheet(sheets, change.tab);
      if (!sheet) {
        throw new WorkbookError(
          `The tab "${change.tab}" is not in ${this.label}, so nothing was written. Run \`productops init\` to add it.`,
        );
      }
      const earlier = byTitle.get(sheet.title);
      byTitle.set(sheet.title, { sheet, change: earlier ? mergeWrites(earlier.change, change) : change });
    }
    const titles = [...byTitle.keys()];
    const current = await this.call('write', () => this.api.batchGet(titles.map(quoteTabName)));

    // Every tab is planned before anything is sent, so a refusal writes nothing anywhere.
    const plans = titles.map((title, index) =>
      planTabWrite(
        title,
        this.seen.get(title) ?? null,
        toGrid(current[index] ?? []),
        byTitle.get(title)!.change,
        this.label,
      ),
    );
    for (const plan of plans) {
      result.cellsWritten += plan.cellsWritten;
      result.rowsAppended += plan.rowsAppended;
      result.warnings.push(...plan.warnings);
    }

    const growth = plans.flatMap((plan) => growRequests(byTitle.get(plan.tab)!.sheet, plan));
    const requests = packBlocks(plans.flatMap(valueBlocks), this.maxRequestBytes);
    if (requests.length > 0) {
      if (growth.length > 0) await this.call('write', () => this.api.batchUpdate(growth));
      for (const blocks of requests) await this.call('write', () => this.api.updateValues(blocks));
    }
    for (const plan of plans) this.seen.set(plan.tab, plan.after);
    return result;
  }

  async ensureTabs(
    tabs: NewTab[],
  ): Promise<{ tabsAdded: string[]; headersAdded: { tab: string; header: string }[] }> {
    if (tabs.length === 0) return { tabsAdded: [], headersAdded: [] };
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
        trimmed((headerRows[index]?.[0] ?? []).map(readCellValue)),
      ]),
    );

    const plan: TabSetupPlan = { requests: [], tabsAdded: [], headersAdded: [], headerChanges: [] };
    const added = new Map<string, SheetInfo>();
    let nextSheetId = Math.max(0, ...sheets.map((sheet) => sheet.sheetId)) + 1;
    for (const tab of tabs) {
      const sheet = findSheet(sheets, tab.name) ?? findSheet([...added.values()], tab.name);
      if (!sheet) {
        assertTabName(tab.name, this.label);
        const newHeaders = uniqueHeaders(tab.headers);
        const sheetId = nextSheetId++;
        plan.requests.push(...addTabRequests(sheetId, tab, newHeaders));
        plan.tabsAdded.push(tab.name);
        added.set(tab.name, { sheetId, title: tab.name, rowCount: 0, columnCount: 0, frozenRowCount: 1 });
        continue;
      }
      if (added.has(sheet.title)) continue;
      const header = headers.get(sheet.title) ?? [];
      const known = new Set(header.map(normalizeHeader));
      const missing = uniqueHeaders(tab.headers).filter((name) => !known.has(normalizeHeader(name)));
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
    const grid = this.seen.get(change.tab) ?? findSeen(this.seen, change.tab);
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

interface TabSetupPlan {
  requests: SheetsRequest[];
  tabsAdded: string[];
  headersAdded: { tab: string; header: string }[];
  /** Header rows this plan extends: the row before and after. */
  headerChanges: { tab: string; before: CellValue[]; after: CellValue[] }[];
}

/** Exact title first, then case-insensitive (people retype tab names; Google titles are unique ignoring case). */
function findSheet(sheets: SheetInfo[], name: string): SheetInfo | undefined {
  const lower = name.toLowerCase();
  return (
    sheets.find((sheet) => sheet.title === name) ??
    sheets.find((sheet) => sheet.title.toLowerCase() === lower)
  );
}

function findSeen(seen: Map<string, Grid>, name: string): Grid | undefined {
  const lower = name.toLowerCase();
  for (const [title, grid] of seen) if (title.toLowerCase() === lower) return grid;
  return undefined;
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

function assertTabName(name: string, label: string): void {
  if (!name.trim() || name.length > MAX_TAB_NAME_LENGTH) {
    throw new WorkbookError(
      `Cannot add the tab "${name}" to ${label}: Google tab names have 1 to ${MAX_TAB_NAME_LENGTH} characters.`,
    );
  }
}

/**
 * A write into cells past the tab's grid is refused by Google ("exceeds grid limits"); only
 * appendDimension grows it. Never shrinks, so a person's rows added meanwhile are safe.
 */
function growRequests(sheet: SheetInfo, plan: TabPlan): SheetsRequest[] {
  const requests: SheetsRequest[] = [];
  if (plan.lastRow > sheet.rowCount) {
    requests.push({
      appendDimension: { sheetId: sheet.sheetId, dimension: 'ROWS', length: plan.lastRow - sheet.rowCount },
    });
  }
  if (plan.columnCount > sheet.columnCount) {
    requests.push({
      appendDimension: {
        sheetId: sheet.sheetId,
        dimension: 'COLUMNS',
        length: plan.columnCount - sheet.columnCount,
      },
    });
  }
  return requests;
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
