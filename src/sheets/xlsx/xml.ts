/**
 * A small pull reader for the XML inside an .xlsx package, and the escaping rules for writing it.
 *
 * It walks a string token by token and never builds a tree, so a 40,000-row worksheet is read in
 * one pass with little garbage, and every token carries its offsets, which is what lets the store
 * patch one `<c>` element and copy every other byte as it was. It covers what OOXML parts use:
 * elements with prefixes (`x:row` reads as `row`), attributes in either quote, character and
 * predefined entity references, CDATA, comments and processing instructions. Namespaces are not
 * resolved (part schemas fix them) and DTDs are not allowed in OOXML, so neither is handled.
 */

export const END = 0;
export const OPEN = 1;
export const CLOSE = 2;
export const TEXT = 3;
export type TokenKind = typeof END | typeof OPEN | typeof CLOSE | typeof TEXT;

export class XmlFormatError extends Error {
  override readonly name = 'XmlFormatError';
}

export class XmlReader {
  kind: TokenKind = END;
  /** The element's local name (prefix dropped), for OPEN and CLOSE tokens. */
  name = '';
  /** Offsets of the token: `<` to just past `>`, or the raw text. */
  start = 0;
  end = 0;
  /** An OPEN token written as `<x/>`: no CLOSE token follows. */
  selfClosing = false;
  private attributesStart = 0;
  private attributesEnd = 0;
  private cdata = false;
  private position: number;

  constructor(
    readonly xml: string,
    start = 0,
    private readonly limit = xml.length,
  ) {
    this.position = start;
  }

  next(): TokenKind {
    const xml = this.xml;
    for (;;) {
      const at = this.position;
      if (at >= this.limit) return (this.kind = END);
      if (xml.charCodeAt(at) !== 60 /* < */) {
        let close = xml.indexOf('<', at);
        if (close < 0 || close > this.limit) close = this.limit;
        this.start = at;
        this.end = this.position = close;
        this.cdata = false;
        return (this.kind = TEXT);
      }
      const second = xml.charCodeAt(at + 1);
      if (second === 47 /* / */) {
        const close = this.find('>', at + 2);
        this.name = localName(xml, at + 2, trimEnd(xml, at + 2, close));
        this.start = at;
        this.end = this.position = close + 1;
        this.selfClosing = false;
        return (this.kind = CLOSE);
      }
      if (second === 33 /* ! */) {
        if (xml.startsWith('<!--', at)) {
          this.position = this.find('-->', at + 4) + 3;
        } else if (xml.startsWith('<![CDATA[', at)) {
          const close = this.find(']]>', at + 9);
          this.start = at + 9;
          this.end = close;
          this.position = close + 3;
          this.cdata = true;
          return (this.kind = TEXT);
        } else {
          this.position = this.find('>', at + 2) + 1;
        }
        continue;
      }
      if (second === 63 /* ? */) {
        this.position = this.find('?>', at + 2) + 2;
        continue;
      }
      let index = at + 1;
      while (index < this.limit) {
        const code = xml.charCodeAt(index);
        if (code === 32 || code === 9 || code === 10 || code === 13 || code === 47 || code === 62) break;
        index++;
      }
      const nameEnd = index;
      let quote = 0;
      for (; index < this.limit; index++) {
        const code = xml.charCodeAt(index);
        if (quote !== 0) {
          if (code === quote) quote = 0;
        } else if (code === 34 || code === 39) {
          quote = code;
        } else if (code === 62 /* > */) {
          break;
        }
      }
      if (index >= this.limit) throw new XmlFormatError(`an element starting at offset ${at} never ends`);
      this.name = localName(xml, at + 1, nameEnd);
      this.selfClosing = xml.charCodeAt(index - 1) === 47;
      this.attributesStart = nameEnd;
      this.attributesEnd = this.selfClosing ? index - 1 : index;
      this.start = at;
      this.end = this.position = index + 1;
      return (this.kind = OPEN);
    }
  }

  /** Continues reading at `offset` (which must be between tokens). */
  seek(offset: number): void {
    this.position = offset;
  }

  /** The decoded text of a TEXT token. */
  text(): string {
    const raw = this.xml.slice(this.start, this.end);
    return this.cdata ? raw : decodeXml(raw);
  }

  /**
   * An attribute of the current OPEN token, decoded, matched by its qualified name (`r:id`) or,
   * when `name` has no prefix, also by local name with any prefix only if `anyPrefix` is set.
   */
  attribute(name: string, anyPrefix = false): string | undefined {
    const xml = this.xml;
    let index = this.attributesStart;
    const end = this.attributesEnd;
    while (index < end) {
      let code = xml.charCodeAt(index);
      if (code === 32 || code === 9 || code === 10 || code === 13) {
        index++;
        continue;
      }
      const nameStart = index;
      while (index < end && xml.charCodeAt(index) !== 61 /* = */) index++;
      const nameEnd = trimEnd(xml, nameStart, index);
      index++;
      while (index < end) {
        code = xml.charCodeAt(index);
        if (code === 34 || code === 39) break;
        index++;
      }
      const quote = xml.charCodeAt(index);
      const valueStart = index + 1;
      const valueEnd = xml.indexOf(quote === 34 ? '"' : "'", valueStart);
      if (valueEnd < 0 || valueEnd > end) return undefined;
      index = valueEnd + 1;
      if (sameName(xml, nameStart, nameEnd, name, anyPrefix)) {
        return decodeXml(xml.slice(valueStart, valueEnd));
      }
    }
    return undefined;
  }

  /** Skips to the CLOSE token of the current OPEN element (or stays, if it is self-closing). */
  skipElement(): void {
    if (this.kind !== OPEN || this.selfClosing) return;
    let depth = 1;
    while (depth > 0) {
      const kind = this.next();
      if (kind === END) throw new XmlFormatError('an element never closes');
      if (kind === OPEN && !this.selfClosing) depth++;
      else if (kind === CLOSE) depth--;
    }
  }

  /** The decoded text content of the current OPEN element, its descendants' text included. */
  elementText(): string {
    if (this.kind !== OPEN || this.selfClosing) return '';
    let depth = 1;
    let text = '';
    while (depth > 0) {
      const kind = this.next();
      if (kind === END) throw new XmlFormatError('an element never closes');
      if (kind === TEXT) text += this.text();
      else if (kind === OPEN && !this.selfClosing) depth++;
      else if (kind === CLOSE) depth--;
    }
    return text;
  }

  private find(marker: string, from: number): number {
    const index = this.xml.indexOf(marker, from);
    if (index < 0 || index >= this.limit)
      throw new XmlFormatError(`'${marker}' expected after offset ${from}`);
    return index;
  }
}

function trimEnd(xml: string, start: number, end: number): number {
  let index = end;
  while (index > start) {
    const code = xml.charCodeAt(index - 1);
    if (code !== 32 && code !== 9 && code !== 10 && code !== 13) break;
    index--;
  }
  return index;
}

function localName(xml: string, start: number, end: number): string {
  for (let index = start; index < end; index++) {
    if (xml.charCodeAt(index) === 58 /* : */) return xml.slice(index + 1, end);
  }
  return xml.slice(start, end);
}

function sameName(xml: string, start: number, end: number, name: string, anyPrefix: boolean): boolean {
  if (end - start === name.length && xml.startsWith(name, start)) return true;
  if (!anyPrefix) return false;
  let colon = -1;
  for (let index = start; index < end && colon < 0; index++) if (xml.charCodeAt(index) === 58) colon = index;
  return colon >= 0 && end - colon - 1 === name.length && xml.startsWith(name, colon + 1);
}

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXml(text: string): string {
  if (text.indexOf('&') < 0) return text;
  return text.replace(ENTITY, (_, hex: string | undefined, decimal: string | undefined, name: string) =>
    hex !== undefined
      ? String.fromCodePoint(Number.parseInt(hex, 16))
      : decimal !== undefined
        ? String.fromCodePoint(Number(decimal))
        : NAMED[name]!,
  );
}

/** Text content: `&`, `<` and `>` escaped. */
export function escapeText(text: string): string {
  return /[&<>]/.test(text) ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text;
}

/** An attribute value in double quotes; line breaks and tabs are kept as character references. */
export function escapeAttribute(text: string): string {
  return /[&<>"\t\n\r]/.test(text)
    ? text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/\t/g, '&#9;')
        .replace(/\n/g, '&#10;')
        .replace(/\r/g, '&#13;')
    : text;
}

/**
 * OOXML's escape for characters XML 1.0 cannot hold (ECMA-376 Part 1, 22.9.2.19 ST_Xstring):
 * `_xHHHH_` stands for the UTF-16 unit HHHH, and a literal `_xHHHH_` is written `_x005F_xHHHH_`.
 */
export function decodeOoxmlText(text: string): string {
  if (text.indexOf('_x') < 0) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** Control characters other than tab and line breaks, U+FFFE/U+FFFF and lone surrogates. */
const span = (from: number, to: number) => `${String.fromCharCode(from)}-${String.fromCharCode(to)}`;
const NOT_IN_XML = new RegExp(
  `[${span(0x00, 0x08)}${span(0x0b, 0x0c)}${span(0x0e, 0x1f)}${span(0xfffe, 0xffff)}]` +
    '|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]',
  'g',
);

export function encodeOoxmlText(text: string): string {
  return text
    .replace(/_(x[0-9A-Fa-f]{4}_)/g, '_x005F_$1')
    .replace(
      NOT_IN_XML,
      (character) => `_x${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`,
    );
}
