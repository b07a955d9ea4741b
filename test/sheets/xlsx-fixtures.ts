/**
 * Helpers for the .xlsx store tests: temporary folders, workbooks built and inspected with exceljs
 * directly (as Excel would leave them), a harness for the contract suite, and minimal zip reading
 * and writing to look at (or add to) the raw parts of a file.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Workbook } from 'exceljs';
import ExcelJS from 'exceljs';
import type { CellValue } from '../../src/sheets/sheet-store.js';
import { XlsxSheetStore } from '../../src/sheets/xlsx/index.js';
import { readZipEntries, readZipEntry } from '../../src/sheets/xlsx/zip-archive.js';
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

/** A zip archive of stored (uncompressed) entries: enough for exceljs and for Excel. */
export function zip(files: Map<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.size, 8);
  end.writeUInt16LE(files.size, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The raw XML of the nth worksheet (1-based, in the order exceljs writes them). */
export async function worksheetXml(path: string, sheetNumber: number): Promise<string> {
  const xml = unzip(await readFile(path)).get(`xl/worksheets/sheet${sheetNumber}.xml`);
  if (!xml) throw new Error(`no sheet${sheetNumber}.xml in ${path}`);
  return xml.toString('utf8');
}
