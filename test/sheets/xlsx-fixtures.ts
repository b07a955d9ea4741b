/**
 * Helpers for the .xlsx store tests: temporary folders, workbooks built and inspected with exceljs
 * directly (as Excel would leave them), a harness for the contract suite, and zip reading
 * and writing to look at (or add to) the raw parts of a file.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Workbook } from 'exceljs';
import ExcelJS from 'exceljs';
import type { CellValue } from '../../src/sheets/sheet-store.js';
import { XlsxSheetStore } from '../../src/sheets/xlsx/index.js';
import { readZipEntries, readZipEntry, writeZip } from '../../src/sheets/xlsx/zip-archive.js';
import type { SheetStoreHarness } from './sheet-store-contract.js';

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'productops-xlsx-'));
}

export async function loadWorkbook(path: string): Promise<Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await readFile(path)) as unknown as ExcelJS.Buffer);
  return workbook;
}

/** Saves in place, the way a desktop program overwrites the file a person opened. */
export async function saveWorkbook(workbook: Workbook, path: string): Promise<void> {
  await writeFile(path, Buffer.from(await workbook.xlsx.writeBuffer()));
}

async function loadOrCreate(path: string): Promise<Workbook> {
  try {
    return await loadWorkbook(path);
  } catch {
    return new ExcelJS.Workbook();
  }
}

export async function createXlsxHarness(): Promise<SheetStoreHarness & { path: string; folder: string }> {
  const folder = await makeTempDir();
  const path = join(folder, 'workbook.xlsx');
  return {
    folder,
    path,
    store: new XlsxSheetStore(path),
    reopen: () => new XlsxSheetStore(path),
    async seedTab(tab: string, rows: CellValue[][]) {
      const workbook = await loadOrCreate(path);
      const existing = workbook.getWorksheet(tab);
      if (existing) workbook.removeWorksheet(existing.id);
      const worksheet = workbook.addWorksheet(tab);
      rows.forEach((cells, index) => {
        cells.forEach((value, column) => {
          if (value !== null) worksheet.getCell(index + 1, column + 1).value = value;
        });
      });
      await saveWorkbook(workbook, path);
    },
    async externalEdit(tab: string, row: number, column: number, value: CellValue) {
      const workbook = await loadWorkbook(path);
      workbook.getWorksheet(tab)!.getCell(row, column + 1).value = value;
      await saveWorkbook(workbook, path);
    },
    async cleanup() {
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** Every entry of a zip archive, by name, as bytes. */
export function unzip(zip: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readZipEntries(zip)) {
    if (entry.name.endsWith('/')) continue;
    files.set(entry.name, Buffer.from(readZipEntry(zip, entry)));
  }
  return files;
}

/** A zip archive of these entries, written by the store's own zip writer. */
export function zip(files: Map<string, Buffer>): Buffer {
  return writeZip(
    Buffer.alloc(0),
    [...files].map(([name, bytes]) => ({ name, bytes })),
  );
}

/** The raw XML of the nth worksheet (1-based, in the order exceljs writes them). */
export async function worksheetXml(path: string, sheetNumber: number): Promise<string> {
  const xml = unzip(await readFile(path)).get(`xl/worksheets/sheet${sheetNumber}.xml`);
  if (!xml) throw new Error(`no sheet${sheetNumber}.xml in ${path}`);
  return xml.toString('utf8');
}
