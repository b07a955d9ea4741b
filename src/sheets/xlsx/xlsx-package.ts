/**
 * An .xlsx file as what it is: an Open Packaging Conventions package (ECMA-376 Part 2), a zip of
 * XML parts tied together by relationship parts and `[Content_Types].xml`.
 *
 * The store reads only the parts it needs (the workbook, its relationships, shared strings,
 * styles, and the worksheets it was asked for) and changes parts by replacing their text. Saving
 * writes every part nobody changed from its original compressed bytes, so charts, pivot tables,
 * SmartArt, comments, macros' neighbours and parts no library models come back byte for byte.
 */
import { posix } from 'node:path';
import { CLOSE, END, escapeAttribute, OPEN, XmlReader } from './xml.js';
import { readZipEntries, readZipEntry, writeZip, type ZipEntry, type ZipOutput } from './zip-archive.js';

const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
export const RELATIONSHIP_TYPES = {
  officeDocument: `${RELATIONSHIPS}/officeDocument`,
  worksheet: `${RELATIONSHIPS}/worksheet`,
  sharedStrings: `${RELATIONSHIPS}/sharedStrings`,
  styles: `${RELATIONSHIPS}/styles`,
  calcChain: `${RELATIONSHIPS}/calcChain`,
} as const;
/** Strict Open XML (ISO/IEC 29500 Strict) names the same relationships under another root. */
const STRICT_RELATIONSHIPS = 'http://purl.oclc.org/ooxml/officeDocument/relationships';

export const CONTENT_TYPES = {
  worksheet: 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml',
} as const;

export interface Relationship {
  id: string;
  type: string;
  /** The target part's name, resolved (no leading slash); the raw target for external ones. */
  target: string;
  external: boolean;
}

export interface SheetEntry {
  name: string;
  /** 'worksheet' for grids; chart sheets and the rest hold no cells. */
  kind: 'worksheet' | 'other';
  /** The part holding the sheet, e.g. `xl/worksheets/sheet1.xml`; null when the target is missing. */
  part: string | null;
}

export class PackageFormatError extends Error {
  override readonly name = 'PackageFormatError';
}

export class XlsxPackage {
  /** Zip entries by part name as stored; `lowerNames` finds them case-insensitively (OPC names are). */
  private readonly entries = new Map<string, ZipEntry>();
  private readonly lowerNames = new Map<string, string>();
  /** Parts whose content changed or that are new (text, or UTF-8 bytes), in the order they were added. */
  private readonly changed = new Map<string, string | Buffer>();
  private readonly removed = new Set<string>();
  private readonly textCache = new Map<string, string>();
  readonly workbookPart: string;

  private constructor(private readonly bytes: Buffer) {
    for (const entry of readZipEntries(bytes)) {
      if (entry.name.endsWith('/')) continue;
      this.entries.set(entry.name, entry);
      this.lowerNames.set(entry.name.toLowerCase(), entry.name);
    }
    const main = this.relationships('').find(
      (relationship) => baseType(relationship.type) === 'officeDocument' && !relationship.external,
    );
    const workbookPart = main ? this.findPart(main.target) : null;
    if (!workbookPart) throw new PackageFormatError('the package has no workbook part');
    this.workbookPart = workbookPart;
  }

  /** Throws ZipFormatError or PackageFormatError when the bytes are not a workbook package. */
  static open(bytes: Buffer): XlsxPackage {
    return new XlsxPackage(bytes);
  }

  /** The stored name of a part, matched case-insensitively; null when there is none. */
  findPart(name: string): string | null {
    const clean = name.replace(/^\/+/, '');
    if (this.removed.has(clean)) return null;
    if (this.changed.has(clean) || this.entries.has(clean)) return clean;
    const stored = this.lowerNames.get(clean.toLowerCase());
    return stored && !this.removed.has(stored) ? stored : null;
  }

  /** A part's text (UTF-8; a UTF-16 part is decoded by its byte order mark); null when missing. */
  text(part: string): string | null {
    const name = this.findPart(part);
    if (name === null) return null;
    const changed = this.changed.get(name);
    if (changed !== undefined) return typeof changed === 'string' ? changed : decodePartText(changed);
    const cached = this.textCache.get(name);
    if (cached !== undefined) return cached;
    const bytes = readZipEntry(this.bytes, this.entries.get(name)!);
    const text = decodePartText(bytes);
    this.textCache.set(name, text);
    return text;
  }

  /** Forgets decoded text of unchanged parts (memory goes back once a read is done). */
  dropTextCache(): void {
    this.textCache.clear();
  }

  /** Replaces a part's content with this text, or with these UTF-8 bytes. */
  setText(part: string, text: string | Buffer): void {
    const name = this.findPart(part) ?? part;
    this.removed.delete(name);
    this.textCache.delete(name);
    this.changed.set(name, text);
  }

  remove(part: string): void {
    const name = this.findPart(part);
    if (name === null) return;
    this.changed.delete(name);
    this.textCache.delete(name);
    this.removed.add(name);
  }

  has(part: string): boolean {
    return this.findPart(part) !== null;
  }

  /** The package as a zip: untouched parts as their original compressed bytes, in their order. */
  toBytes(): Buffer {
    const outputs: ZipOutput[] = [];
    for (const [name, entry] of this.entries) {
      if (this.removed.has(name)) continue;
      const content = this.changed.get(name);
      outputs.push(content === undefined ? { name, copyFrom: entry } : { name, bytes: utf8(content) });
    }
    for (const [name, content] of this.changed) {
      if (!this.entries.has(name)) outputs.push({ name, bytes: utf8(content) });
    }
    return writeZip(this.bytes, outputs);
  }

  /** The relationships of a part ('' for the package itself), targets resolved to part names. */
  relationships(sourcePart: string): Relationship[] {
    const xml = this.text(relationshipsPartOf(sourcePart));
    if (xml === null) return [];
    const folder = posix.dirname(`/${sourcePart}`);
    const result: Relationship[] = [];
    const reader = new XmlReader(xml);
    for (let kind = reader.next(); kind !== END; kind = reader.next()) {
      if (kind !== OPEN || reader.name !== 'Relationship') continue;
      const id = reader.attribute('Id') ?? '';
      const type = reader.attribute('Type') ?? '';
      const rawTarget = reader.attribute('Target') ?? '';
      const external = reader.attribute('TargetMode') === 'External';
      result.push({ id, type, external, target: external ? rawTarget : resolveTarget(folder, rawTarget) });
    }
    return result;
  }

  /** The workbook's sheets in tab order. */
  sheets(): SheetEntry[] {
    const xml = this.requireText(this.workbookPart);
    const relationships = new Map(this.relationships(this.workbookPart).map((r) => [r.id, r]));
    const sheets: SheetEntry[] = [];
    const reader = new XmlReader(xml);
    for (let kind = reader.next(); kind !== END; kind = reader.next()) {
      if (kind !== OPEN || reader.name !== 'sheet') continue;
      const name = reader.attribute('name') ?? '';
      const relationship = relationships.get(reader.attribute('id', true) ?? '');
      const part = relationship && !relationship.external ? this.findPart(relationship.target) : null;
      const kindOfSheet = relationship && baseType(relationship.type) === 'worksheet' ? 'worksheet' : 'other';
      sheets.push({ name, kind: kindOfSheet, part });
    }
    return sheets;
  }

  /** The part the workbook relates to with this relationship type (shared strings, styles). */
  workbookRelatedPart(type: 'sharedStrings' | 'styles' | 'calcChain'): string | null {
    const relationship = this.relationships(this.workbookPart).find(
      (r) => baseType(r.type) === type && !r.external,
    );
    return relationship ? this.findPart(relationship.target) : null;
  }

  /** Whether dates count from 1904 (`<workbookPr date1904="1">`, old Mac workbooks). */
  usesDate1904(): boolean {
    const reader = new XmlReader(this.requireText(this.workbookPart));
    for (let kind = reader.next(); kind !== END; kind = reader.next()) {
      if (kind === OPEN && reader.name === 'workbookPr') {
        const value = reader.attribute('date1904');
        return value === '1' || value === 'true';
      }
      if (kind === OPEN && reader.name === 'sheets') return false;
    }
    return false;
  }

  requireText(part: string): string {
    const text = this.text(part);
    if (text === null) throw new PackageFormatError(`the part ${part} is missing`);
    return text;
  }

  /**
   * Adds a relationship from `sourcePart` to `targetPart` and returns its id. The id is the first
   * free `rIdN`; the target is written relative to the source's folder, as Excel does.
   */
  addRelationship(sourcePart: string, type: string, targetPart: string): string {
    const relsPart = relationshipsPartOf(sourcePart);
    const xml =
      this.text(relsPart) ??
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>`;
    const used = new Set(this.relationships(sourcePart).map((r) => r.id));
    let number = used.size + 1;
    while (used.has(`rId${number}`)) number++;
    const id = `rId${number}`;
    const target = posix.relative(posix.dirname(`/${sourcePart}`), `/${targetPart}`);
    const element = `<Relationship Id="${id}" Type="${escapeAttribute(type)}" Target="${escapeAttribute(target)}"/>`;
    this.setText(relsPart, insertBeforeClose(xml, 'Relationships', element));
    return id;
  }

  /** Removes every relationship of `sourcePart` whose target is `targetPart`. */
  removeRelationshipsTo(sourcePart: string, targetPart: string): void {
    const relsPart = relationshipsPartOf(sourcePart);
    const xml = this.text(relsPart);
    if (xml === null) return;
    const folder = posix.dirname(`/${sourcePart}`);
    const reader = new XmlReader(xml);
    let result = '';
    let copiedTo = 0;
    for (let kind = reader.next(); kind !== END; kind = reader.next()) {
      if (kind !== OPEN || reader.name !== 'Relationship') continue;
      const target = resolveTarget(folder, reader.attribute('Target') ?? '');
      if (
        reader.attribute('TargetMode') === 'External' ||
        target.toLowerCase() !== targetPart.toLowerCase()
      ) {
        continue;
      }
      const start = reader.start;
      reader.skipElement();
      result += xml.slice(copiedTo, start);
      copiedTo = reader.end;
    }
    if (copiedTo > 0) this.setText(relsPart, result + xml.slice(copiedTo));
  }

  /** Adds an `<Override>` content type for a new part. */
  addContentType(part: string, contentType: string): void {
    const xml = this.requireText('[Content_Types].xml');
    const element = `<Override PartName="/${escapeAttribute(part)}" ContentType="${escapeAttribute(contentType)}"/>`;
    this.setText('[Content_Types].xml', insertBeforeClose(xml, 'Types', element));
  }

  /** Removes the `<Override>` of a part. */
  removeContentType(part: string): void {
    const xml = this.requireText('[Content_Types].xml');
    const reader = new XmlReader(xml);
    for (let kind = reader.next(); kind !== END; kind = reader.next()) {
      if (kind !== OPEN || reader.name !== 'Override') continue;
      if ((reader.attribute('PartName') ?? '').replace(/^\//, '').toLowerCase() !== part.toLowerCase())
        continue;
      const start = reader.start;
      reader.skipElement();
      this.setText('[Content_Types].xml', xml.slice(0, start) + xml.slice(reader.end));
      return;
    }
  }
}

function baseType(type: string): string {
  for (const root of [`${RELATIONSHIPS}/`, `${STRICT_RELATIONSHIPS}/`]) {
    if (type.startsWith(root)) return type.slice(root.length);
  }
  return type;
}

export function relationshipsPartOf(part: string): string {
  if (part === '') return '_rels/.rels';
  const folder = posix.dirname(part);
  return `${folder === '.' ? '' : `${folder}/`}_rels/${posix.basename(part)}.rels`;
}

function resolveTarget(folder: string, target: string): string {
  // Targets are URIs: percent-escapes name the same part, and '#…' never points into a package part.
  let path = target.split('#')[0]!;
  try {
    path = decodeURIComponent(path);
  } catch {
    // A malformed escape is taken literally.
  }
  const resolved = path.startsWith('/') ? posix.normalize(path) : posix.join(folder, path);
  return resolved.replace(/^\/+/, '');
}

function utf8(content: string | Buffer): Buffer {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
}

function decodePartText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Inserts `content` right before the closing tag of the root element `rootName` (or expands a
 * self-closing root). Any prefix on the root is kept.
 */
export function insertBeforeClose(xml: string, rootName: string, content: string): string {
  const reader = new XmlReader(xml);
  let lastClose = -1;
  for (let kind = reader.next(); kind !== END; kind = reader.next()) {
    if (kind === CLOSE && reader.name === rootName) lastClose = reader.start;
    if (kind === OPEN && reader.name === rootName && reader.selfClosing) {
      const open = xml.slice(reader.start, reader.end - 2).trimEnd();
      const qualified = open.slice(1).split(/\s/)[0]!;
      return `${xml.slice(0, reader.start)}${open}>${content}</${qualified}>${xml.slice(reader.end)}`;
    }
  }
  if (lastClose < 0) throw new PackageFormatError(`no <${rootName}> element to add to`);
  return xml.slice(0, lastClose) + content + xml.slice(lastClose);
}
