/**
 * Turns a chart's DOM tree into markup that is safe to paste into an HTML page as is.
 *
 * Why not `outerHTML`: linkedom escapes text nodes but, inside attribute values, only `"` — an
 * `aria-label` holding a sheet title such as `<img src=x onerror=alert(1)>` comes out with a raw
 * `<img`. This serializer escapes `& < > " '` everywhere, keeps only attribute names that are plain
 * identifiers (and no `on…` handler), and drops any link whose scheme is not http(s) or mailto, so
 * every text that came from a sheet ends up as text. It also rounds long coordinates
 * (`125.00000000000001` → `125`), which keeps pages with many charts small.
 */

import { escapeHtml } from '../html.js';

/**
 * The subset of a DOM node the serializer reads (linkedom's nodes have it, so do a browser's). It
 * walks `firstChild`/`nextSibling` and `getAttributeNames()`: with linkedom that is several times
 * faster than `childNodes` and `attributes`, which build a fresh list on every read.
 */
export interface SvgNode {
  readonly nodeType: number;
  readonly localName?: string | null;
  readonly firstChild: SvgNode | null;
  readonly nextSibling: SvgNode | null;
  readonly data?: string;
  getAttributeNames?(): string[];
  getAttribute?(name: string): string | null;
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/**
 * A URL's scheme as a browser reads it: leading spaces and control characters dropped, and tabs and
 * newlines anywhere (`java\tscript:` is `javascript:`).
 */
function schemeOf(href: string): string | undefined {
  let start = 0;
  while (start < href.length && href.charCodeAt(start) <= 0x20) start++;
  const cleaned = href.slice(start).replace(/[\t\n\r]/g, '');
  return /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(cleaned)?.[1]?.toLowerCase();
}

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * `href` when following it cannot run script: a relative link, or an http(s) or mailto one; null
 * for `javascript:`, `data:` and every other scheme, and for a blank one.
 */
export function safeHref(href: string | null | undefined): string | null {
  if (typeof href !== 'string' || href.trim() === '') return null;
  const scheme = schemeOf(href);
  return scheme === undefined || SAFE_SCHEMES.has(scheme) ? href : null;
}

const NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]*$/;
const GEOMETRY = new Set([
  'd',
  'transform',
  'x',
  'y',
  'x1',
  'x2',
  'y1',
  'y2',
  'cx',
  'cy',
  'r',
  'width',
  'height',
]);
const LONG_DECIMAL = /-?\d+\.\d{3,}(?:e[-+]?\d+)?/g;

function attributeMarkup(name: string, value: string): string {
  if (!NAME.test(name) || /^on/i.test(name)) return '';
  if (name === 'href' || name === 'xlink:href') {
    const href = safeHref(value);
    // Plain `href` works in every current browser, and needs no xlink namespace declaration.
    return href === null ? '' : ` href="${escapeHtml(href)}"`;
  }
  if (GEOMETRY.has(name)) value = value.replace(LONG_DECIMAL, (n) => String(Number(Number(n).toFixed(2))));
  return ` ${name}="${escapeHtml(value)}"`;
}

/** The markup of `node` and everything under it; comments and other node kinds are left out. */
export function serializeSvg(node: SvgNode): string {
  if (node.nodeType === TEXT_NODE) return escapeHtml(node.data ?? '');
  if (node.nodeType !== ELEMENT_NODE) return '';
  const name = node.localName ?? '';
  if (!NAME.test(name)) return '';
  let attributes = '';
  for (const attribute of node.getAttributeNames?.() ?? []) {
    attributes += attributeMarkup(attribute, node.getAttribute?.(attribute) ?? '');
  }
  let children = '';
  for (let child = node.firstChild; child !== null; child = child.nextSibling)
    children += serializeSvg(child);
  // Self-closing tags are valid for SVG elements in HTML (foreign content) and in XML alike.
  return children === '' ? `<${name}${attributes}/>` : `<${name}${attributes}>${children}</${name}>`;
}
