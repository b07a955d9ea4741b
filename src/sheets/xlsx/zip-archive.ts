/**
 * The zip container of an .xlsx package (APPNOTE.TXT, PKWARE's zip specification), read and
 * written with Node's own zlib.
 *
 * Reading trusts the central directory, not the local headers: writers that stream (flag bit 3)
 * leave sizes and CRC out of the local header. Writing copies the compressed bytes of every entry
 * that did not change as they are, so each part we do not own comes back byte for byte and costs
 * no recompression; only changed or new parts are deflated.
 */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated; anything else cannot be read (but is still copied on write). */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** General-purpose flags from the central directory (bit 11: the name is UTF-8). */
  flags: number;
  /** DOS time and date, kept so copied entries keep their stamps. */
  time: number;
  date: number;
  /** Where the compressed bytes start in the archive. */
  dataOffset: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const ZIP64_EXTRA = 0x0001;
const UTF8_NAMES = 0x0800;
const DATA_DESCRIPTOR = 0x0008;
const MAX_16 = 0xffff;
const MAX_32 = 0xffffffff;

export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

/** The entries of an archive, in directory order. Throws ZipFormatError on a damaged archive. */
export function readZipEntries(zip: Buffer): ZipEntry[] {
  const end = findEndOfCentralDirectory(zip);
  let count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  if (count === MAX_16 || offset === MAX_32) {
    const locator = end - 20;
    if (locator < 0 || zip.readUInt32LE(locator) !== ZIP64_END_LOCATOR) {
      throw new ZipFormatError('the zip64 directory is missing');
    }
    const record = Number(zip.readBigUInt64LE(locator + 8));
    if (record + 56 > zip.length || zip.readUInt32LE(record) !== ZIP64_END) {
      throw new ZipFormatError('the zip64 directory is damaged');
    }
    count = Number(zip.readBigUInt64LE(record + 32));
    offset = Number(zip.readBigUInt64LE(record + 48));
  }
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== CENTRAL_HEADER) {
      throw new ZipFormatError('the central directory is damaged');
    }
    const flags = zip.readUInt16LE(offset + 8);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const nameBytes = zip.subarray(offset + 46, offset + 46 + nameLength);
    let compressedSize = zip.readUInt32LE(offset + 20);
    let size = zip.readUInt32LE(offset + 24);
    let localOffset = zip.readUInt32LE(offset + 42);
    if (compressedSize === MAX_32 || size === MAX_32 || localOffset === MAX_32) {
      // The zip64 extra field holds, in this order, only the values that overflowed.
      const extra = findExtraField(zip, offset + 46 + nameLength, extraLength, ZIP64_EXTRA);
      let at = extra ?? -1;
      const next = (): number => {
        if (at < 0) throw new ZipFormatError('a zip64 entry has no zip64 sizes');
        const value = Number(zip.readBigUInt64LE(at));
        at += 8;
        return value;
      };
      if (size === MAX_32) size = next();
      if (compressedSize === MAX_32) compressedSize = next();
      if (localOffset === MAX_32) localOffset = next();
    }
    if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== LOCAL_HEADER) {
      throw new ZipFormatError(`the entry ${nameBytes.toString('utf8')} is damaged`);
    }
    const dataOffset =
      localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    if (dataOffset + compressedSize > zip.length) {
      throw new ZipFormatError(`the entry ${nameBytes.toString('utf8')} is cut short`);
    }
    entries.push({
      // Names without the UTF-8 flag are CP437 by the spec; package part names are ASCII in practice.
      name: nameBytes.toString(flags & UTF8_NAMES ? 'utf8' : 'latin1'),
      method: zip.readUInt16LE(offset + 10),
      time: zip.readUInt16LE(offset + 12),
      date: zip.readUInt16LE(offset + 14),
      crc: zip.readUInt32LE(offset + 16),
      compressedSize,
      size,
      flags,
      dataOffset,
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findEndOfCentralDirectory(zip: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  if (zip.length < 22) throw new ZipFormatError('not a zip archive');
  const earliest = Math.max(0, zip.length - 22 - MAX_16);
  for (let at = zip.length - 22; at >= earliest; at--) {
    if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  throw new ZipFormatError('not a zip archive');
}

function findExtraField(zip: Buffer, start: number, length: number, id: number): number | null {
  let at = start;
  while (at + 4 <= start + length) {
    const size = zip.readUInt16LE(at + 2);
    if (zip.readUInt16LE(at) === id) return at + 4;
    at += 4 + size;
  }
  return null;
}

/** An entry's uncompressed bytes. */
export function readZipEntry(zip: Buffer, entry: ZipEntry): Buffer {
  const data = zip.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  if (entry.method === 0) return data;
  if (entry.method === 8) return inflateRawSync(data);
  throw new ZipFormatError(`the part ${entry.name} uses compression method ${entry.method}`);
}

/** What goes into a new archive: an entry copied from the source archive, or new bytes. */
export type ZipOutput = { name: string; copyFrom: ZipEntry } | { name: string; bytes: Buffer };

/**
 * Builds an archive. Copied entries keep their compressed bytes, method, CRC and stamps; new
 * bytes are deflated. Archives needing zip64 (over 4 GiB or 65,535 entries) are refused: no
 * workbook a person edits comes near that.
 */
export function writeZip(source: Buffer, outputs: ZipOutput[]): Buffer {
  if (outputs.length >= MAX_16) throw new ZipFormatError('too many parts for a zip archive');
  const chunks: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const output of outputs) {
    const name = Buffer.from(output.name, 'utf8');
    let method: number;
    let crc: number;
    let size: number;
    let data: Buffer;
    let time = 0;
    let date = 0x21; // 1980-01-01, the earliest DOS date: new parts get a fixed stamp.
    let flags = UTF8_NAMES;
    if ('copyFrom' in output) {
      const entry = output.copyFrom;
      ({ method, crc, size, time, date } = entry);
      data = source.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
      // Sizes and CRC now sit in the local header, so no data descriptor follows.
      flags = (entry.flags & ~DATA_DESCRIPTOR) | UTF8_NAMES;
    } else {
      method = 8;
      crc = crc32(output.bytes);
      size = output.bytes.length;
      data = deflateRawSync(output.bytes);
    }
    if (offset > MAX_32 || data.length >= MAX_32 || size >= MAX_32) {
      throw new ZipFormatError('the workbook is too large for a zip archive without zip64');
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    chunks.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(outputs.length, 8);
  end.writeUInt16LE(outputs.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, directory, end]);
}
