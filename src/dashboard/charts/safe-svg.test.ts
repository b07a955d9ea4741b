import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { chartDocument, SVG_NAMESPACE } from './plot-render.js';
import { safeHref, serializeSvg } from './safe-svg.js';

const EVIL = '<img src=x onerror=alert(1)>"\'&amp;';

function element(name: string, attributes: Record<string, string>, text?: string) {
  const node = chartDocument().createElementNS(SVG_NAMESPACE, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The markup as a browser would read it inside a page. */
function reparse(markup: string) {
  return parseHTML(`<!doctype html><html><body>${markup}</body></html>`).document;
}

describe('serializeSvg', () => {
  it('escapes text and attribute values, so sheet text comes back as the same text and never as a tag', () => {
    const svg = element('svg', { 'aria-label': EVIL });
    svg.appendChild(element('text', { 'data-title': EVIL }, EVIL));
    const markup = serializeSvg(svg);
    expect(markup).not.toContain('<img');
    const page = reparse(markup);
    expect(page.querySelector('img')).toBeNull();
    expect(page.querySelector('svg')!.getAttribute('aria-label')).toBe(EVIL);
    expect(page.querySelector('text')!.textContent).toBe(EVIL);
    expect(page.querySelector('text')!.getAttribute('data-title')).toBe(EVIL);
  });

  it('drops event handler attributes and attribute names that are not plain identifiers', () => {
    const svg = element('svg', { onload: 'alert(1)', ONCLICK: 'alert(2)', width: '10' });
    expect(serializeSvg(svg)).toBe('<svg width="10"/>');
  });

  it('keeps safe links and drops the href of ones that could run script', () => {
    const svg = element('svg', {});
    svg.appendChild(element('a', { href: '/initiatives/A' }));
    svg.appendChild(element('a', { href: 'javascript:alert(1)' }));
    expect(serializeSvg(svg)).toBe('<svg><a href="/initiatives/A"/><a/></svg>');
  });

  it('rounds long coordinates but leaves numbers in text attributes alone', () => {
    const svg = element('svg', { 'aria-label': 'P50 1.23456' });
    svg.appendChild(element('rect', { x: '125.00000000000001', y: '-3.14159', width: '2.5e-15' }));
    const markup = serializeSvg(svg);
    expect(markup).toContain('aria-label="P50 1.23456"');
    expect(markup).toContain('x="125"');
    expect(markup).toContain('y="-3.14"');
    expect(markup).toContain('width="2.5e-15"');
  });
});

describe('safeHref', () => {
  it.each([
    ['/initiatives/A', '/initiatives/A'],
    ['initiatives/A%3Cb%3E', 'initiatives/A%3Cb%3E'],
    ['#top', '#top'],
    ['?sort=rank', '?sort=rank'],
    ['https://example.com/x', 'https://example.com/x'],
    ['HTTP://example.com', 'HTTP://example.com'],
    ['mailto:pm@example.com', 'mailto:pm@example.com'],
    ['javascript:alert(1)', null],
    [' JavaScript:alert(1)', null],
    ['\u0001javascript:alert(1)', null],
    ['java\tscript:alert(1)', null],
    ['java\nscript:alert(1)', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['vbscript:msgbox(1)', null],
    ['', null],
    ['   ', null],
  ])('%j → %j', (href, expected) => {
    expect(safeHref(href)).toBe(expected);
  });

  it('gives null for a missing href', () => {
    expect(safeHref(null)).toBeNull();
    expect(safeHref(undefined)).toBeNull();
  });
});
