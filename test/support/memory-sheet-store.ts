/**
 * A SheetStore held in memory, for flow tests that do not need a file: the same semantics as the
 * real stores (row numbers, appends below the last used row, refusal when edited after a read).
 * `edit()` plays a person typing into the workbook.
 */
import {
  type CellValue,
  type NewTab,
  type SheetStore,
  type TabData,
  type TabWrite,
  WorkbookChangedError,
  type WriteResult,
} from '../../src/sheets/sheet-store.js';
import { normalizeHeader } from '../../src/sheets/tabs.js';

export class MemorySheetStore implements SheetStore {
  readonly tabs = new Map<string, CellValue[][]>();
  private version = 0;
  private readVersion = -1;
  writes = 0;

  constructor(readonly label = 'memory workbook') {}

  async exists(): Promise<boolean> {
    return this.tabs.size > 0;
  }

  /** Row-major grid of a tab: grid[0] is the header (row 1). */
  grid(tab: string): CellValue[][] {
    const g = this.tabs.get(tab);
    if (!g) throw new Error(`no tab ${tab}`);
    return g;
  }

  setTab(tab: string, rows: CellValue[][]): void {
    this.tabs.set(
      tab,
      rows.map((r) => [...r]),
    );
    this.version += 1;
  }

  /** A person edits a cell (1-based row, header name). */
  edit(tab: string, row: number, header: string, value: CellValue): void {
    const g = this.grid(tab);
    const col = g[0]!.findIndex((h) => normalizeHeader(h) === header);
    if (col < 0) throw new Error(`no column ${header}`);
    while (g.length < row) g.push([]);
    g[row - 1]![col] = value;
    this.version += 1;
  }

  /** The value under `header` in the row whose `keyHeader` is `key`. */
  get(tab: string, keyHeader: string, key: string, header: string): CellValue {
    const g = this.grid(tab);
    const k = g[0]!.findIndex((h) => normalizeHeader(h) === keyHeader);
    const c = g[0]!.findIndex((h) => normalizeHeader(h) === header);
    const row = g.slice(1).find((r) => r[k] === key);
    return row?.[c] ?? null;
  }

  async read(tabs: string[]): Promise<Map<string, TabData | null>> {
    this.readVersion = this.version;
    const out = new Map<string, TabData | null>();
    for (const name of tabs) {
      const g = this.tabs.get(name);
      if (!g) {
        out.set(name, null);
        continue;
      }
      const header = [...(g[0] ?? [])];
      while (
        header.length > 0 &&
        (header.at(-1) === null || header.at(-1) === undefined || header.at(-1) === '')
      )
        header.pop();
      const rows = g
        .slice(1)
        .map((cells, i) => ({ rowNumber: i + 2, cells: cells.map((c) => (c === undefined ? null : c)) }))
        .filter((r) => r.cells.some((c) => c !== null && c !== ''));
      const lastRow = rows.length > 0 ? rows.at(-1)!.rowNumber : 1;
      out.set(name, { name, header, rows, lastRow });
    }
    return out;
  }

  async write(changes: TabWrite[]): Promise<WriteResult> {
    if (this.readVersion !== this.version)
      throw new WorkbookChangedError(`${this.label} changed after it was read`);
    let cellsWritten = 0;
    let rowsAppended = 0;
    for (const change of changes) {
      const g = this.grid(change.tab);
      for (const h of change.addHeaders ?? []) {
        const header = g[0]!;
        while (header.length > 0 && (header.at(-1) === null || header.at(-1) === '')) header.pop();
        header.push(h);
      }
      for (const u of change.updates ?? []) {
        while (g.length < u.row) g.push([]);
        const row = g[u.row - 1]!;
        if (row[u.column] !== u.value) cellsWritten += 1;
        row[u.column] = u.value;
      }
      let last = g.length;
      while (last > 1 && !g[last - 1]!.some((c) => c !== null && c !== undefined && c !== '')) last -= 1;
      g.length = last;
      for (const cells of change.appends ?? []) {
        g.push([...cells]);
        rowsAppended += 1;
        cellsWritten += cells.filter((c) => c !== null).length;
      }
    }
    if (changes.length > 0) {
      this.writes += 1;
      this.version += 1;
      this.readVersion = this.version;
    }
    return { cellsWritten, rowsAppended, warnings: [] };
  }

  async ensureTabs(tabs: NewTab[]) {
    const tabsAdded: string[] = [];
    const headersAdded: { tab: string; header: string }[] = [];
    for (const t of tabs) {
      const g = this.tabs.get(t.name);
      if (!g) {
        this.tabs.set(t.name, [[...t.headers]]);
        tabsAdded.push(t.name);
        continue;
      }
      const present = new Set(g[0]!.map(normalizeHeader));
      for (const h of t.headers) {
        if (present.has(normalizeHeader(h))) continue;
        g[0]!.push(h);
        headersAdded.push({ tab: t.name, header: h });
      }
    }
    this.version += 1;
    this.readVersion = this.version;
    return { tabsAdded, headersAdded };
  }
}
