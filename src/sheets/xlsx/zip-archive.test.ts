import { describe, expect, it } from 'vitest';
import { readZipEntries, readZipEntry, writeZip, ZipFormatError } from './zip-archive.js';

const text = (value: string) => Buffer.from(value, 'utf8');

describe('zip archives', () => {
  it('writes new parts and reads them back', () => {
    const zip = writeZip(Buffer.alloc(0), [
      { name: '[Content_Types].xml', bytes: text('<Types/>') },
      { name: 'xl/worksheets/sheet1.xml', bytes: text('<worksheet>é</worksheet>'.repeat(100)) },
    ]);
    const entries = readZipEntries(zip);
    expect(entries.map((entry) => entry.name)).toEqual(['[Content_Types].xml', 'xl/worksheets/sheet1.xml']);
    expect(readZipEntry(zip, entries[1]!).toString('utf8')).toBe('<worksheet>é</worksheet>'.repeat(100));
    expect(entries[1]!.compressedSize).toBeLessThan(entries[1]!.size);
  });

  it('copies a part it does not change as the same compressed bytes, stamps included', () => {
    const source = writeZip(Buffer.alloc(0), [{ name: 'a.xml', bytes: text('<a>keep me</a>') }]);
    const [entry] = readZipEntries(source);
    const copy = writeZip(source, [
      { name: 'a.xml', copyFrom: entry! },
      { name: 'b.xml', bytes: text('<b/>') },
    ]);
    const [copied, added] = readZipEntries(copy);
    const bytesOf = (zip: Buffer, e: typeof entry) =>
      zip.subarray(e!.dataOffset, e!.dataOffset + e!.compressedSize);
    expect(bytesOf(copy, copied).equals(bytesOf(source, entry))).toBe(true);
    expect([copied!.crc, copied!.time, copied!.date]).toEqual([entry!.crc, entry!.time, entry!.date]);
    expect(readZipEntry(copy, added!).toString()).toBe('<b/>');
  });

  it('reads entries whose sizes follow the data (streamed writers) from the central directory', () => {
    const zip = Buffer.from(writeZip(Buffer.alloc(0), [{ name: 'a.xml', bytes: text('<a>streamed</a>') }]));
    // Clear the local header's CRC and sizes and set flag bit 3, as a streaming writer leaves them.
    zip.writeUInt16LE(zip.readUInt16LE(6) | 0x08, 6);
    zip.fill(0, 14, 26);
    const [entry] = readZipEntries(zip);
    expect(readZipEntry(zip, entry!).toString()).toBe('<a>streamed</a>');
    const copy = writeZip(zip, [{ name: 'a.xml', copyFrom: entry! }]);
    expect(copy.readUInt16LE(6) & 0x08).toBe(0);
    expect(copy.readUInt32LE(18)).toBe(entry!.compressedSize);
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['not a zip', text('hello, this is not a zip archive at all')],
  ])('refuses %s input with ZipFormatError', (_, bytes) => {
    expect(() => readZipEntries(bytes)).toThrow(ZipFormatError);
  });

  it('refuses an archive cut short', () => {
    const zip = writeZip(Buffer.alloc(0), [{ name: 'a.xml', bytes: text('<a/>'.repeat(1000)) }]);
    const [entry] = readZipEntries(zip);
    // Keep the directory, drop part of the data: the entry points past what is there.
    const cut = Buffer.concat([
      zip.subarray(0, entry!.dataOffset + 2),
      zip.subarray(entry!.dataOffset + entry!.compressedSize),
    ]);
    expect(() => readZipEntries(cut)).toThrow(ZipFormatError);
  });
});
