/**
 * What a save through exceljs 4.4 will drop. exceljs reads cells, styles, sheets, notes, tables,
 * pictures and defined names; every other part of the file is not loaded and so not written back.
 * Finding those parts up front lets the write say so in the run summary instead of losing them
 * silently (the previous file is kept as `NAME.xlsx.bak`).
 *
 * Only the zip's central directory and the worksheet XML are looked at; the format is APPNOTE.TXT
 * (PKWARE's zip specification): end-of-central-directory record, then one header per entry.
 */
import { inflateRawSync } from 'node:zlib';

/** Zip parts (by path prefix) exceljs does not load, in the words a PM knows them by. */
const UNSUPPORTED_PARTS: [prefix: string, description: string][] = [
  ['xl/charts/', 'charts'],
  ['xl/chartsheets/', 'chart sheets'],
  ['xl/pivotTables/', 'pivot tables'],
  ['xl/slicers/', 'slicers'],
  ['xl/timelines/', 'timelines'],
  ['xl/externalLinks/', 'links to other workbooks'],
  ['xl/threadedComments/', 'threaded comments (plain notes are kept)'],
  ['xl/ctrlProps/', 'form controls such as checkboxes'],
  ['xl/queryTables/', 'queries and data connections'],
  ['xl/connections.xml', 'queries and data connections'],
  ['xl/richData/', 'pictures in cells and linked data types'],
  ['xl/vbaProject.bin', 'macros'],
];

/** Markers inside a worksheet's XML for features exceljs keeps only in their older form. */
const UNSUPPORTED_IN_SHEETS: [marker: string, description: string][] = [
  ['<x14:dataValidation', 'dropdowns whose list is on another tab'],
  ['<x14:sparklineGroup', 'sparklines'],
];

/** Descriptions of what would be lost by saving these bytes through exceljs; [] when nothing. */
export function findUnsupportedParts(xlsx: Buffer): string[] {
  let entries: ZipEntry[];
  try {
    entries = readCentralDirectory(xlsx);
  } catch {
    // Not a zip we can read: exceljs loaded it, so at worst we miss a warning.
    return [];
  }
  const found = new Set<string>();
  for (const entry of entries) {
    for (const [prefix, description] of UNSUPPORTED_PARTS) {
      if (entry.name.startsWith(prefix)) found.add(description);
    }
    if (/^xl\/worksheets\/sheet\d+\.xml$/.test(entry.name)) {
      const xml = entryText(xlsx, entry);
      for (const [marker, description] of UNSUPPORTED_IN_SHEETS) {
        if (xml?.includes(marker)) found.add(description);
      }
    }
  }
  return [...found];
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

const END_OF_CENTRAL_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

export function readCentralDirectory(zip: Buffer): ZipEntry[] {
  const end = zip.lastIndexOf(END_OF_CENTRAL_DIRECTORY);
  if (end < 0) throw new Error('not a zip archive');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    const nameLength = zip.readUInt16LE(offset + 28);
    entries.push({
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      localHeaderOffset: zip.readUInt32LE(offset + 42),
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return entries;
}

/** An entry's content as text: stored (method 0) or deflated (method 8); null otherwise. */
export function entryText(zip: Buffer, entry: ZipEntry): string | null {
  const local = entry.localHeaderOffset;
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return data.toString('utf8');
  if (entry.method === 8) return inflateRawSync(data).toString('utf8');
  return null;
}
