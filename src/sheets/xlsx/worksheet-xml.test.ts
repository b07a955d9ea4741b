import { describe, expect, it } from 'vitest';
import { FormulaWithoutResult } from '../../shared/values.js';
import type { CellValue, TabWrite, WriteResult } from '../sheet-store.js';
import { type CellContext, readSharedStrings } from './cell-values.js';
import { patchWorksheet, readWorksheet } from './worksheet-xml.js';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const sheet = (rows: string, after = '') =>
  `<?xml version="1.0"?><worksheet xmlns="${MAIN}"><dimension ref="A1:C2"/><sheetData>${rows}</sheetData>${after}</worksheet>`;
const context = (overrides: Partial<CellContext> = {}): CellContext => ({
  sharedStrings: [],
  isDateStyle: [false, true],
  date1904: false,
  ...overrides,
});
/** The value of the single data cell in row 2, column A. */
const cellOf = (cell: string, extra: Partial<CellContext> = {}): CellValue =>
  readWorksheet(
    'T',
    sheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row><row r="2">${cell}</row>`),
    context(extra),
  ).rows[0]?.cells[0] ?? null;

describe('reading cells as a person sees them', () => {
  it.each([
    ['a number', '<c r="A2"><v>12.5</v></c>', 12.5],
    ['a boolean', '<c r="A2" t="b"><v>1</v></c>', true],
    ["LibreOffice's TRUE() with its result", '<c r="A2" t="b"><f aca="false">TRUE()</f><v>1</v></c>', true],
    [
      "LibreOffice's FALSE() with its result",
      '<c r="A2" t="b"><f aca="false">FALSE()</f><v>0</v></c>',
      false,
    ],
    ['TRUE() re-saved by openpyxl, no result', '<c r="A2"><f>TRUE()</f><v></v></c>', true],
    ['FALSE() with no result at all', '<c r="A2"><f>FALSE()</f></c>', false],
    ['a formula whose result is 0', '<c r="A2"><f>1000-1000</f><v>0</v></c>', 0],
    ['a text formula result', '<c r="A2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>', 'ab'],
    ['an error', '<c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c>', '#DIV/0!'],
    [
      'an inline string with an escaped character',
      '<c r="A2" t="inlineStr"><is><t>a_x000D_b</t></is></c>',
      'a\rb',
    ],
    [
      'an inline string with entities',
      '<c r="A2" t="inlineStr"><is><t>&lt;1&amp;2&gt;</t></is></c>',
      '<1&2>',
    ],
    ['an empty text', '<c r="A2" t="inlineStr"><is><t></t></is></c>', null],
    ['a styled empty cell', '<c r="A2" s="1"/>', null],
    [
      'an ISO date cell',
      '<c r="A2" t="d"><v>2024-01-15T09:30:00Z</v></c>',
      new Date(Date.UTC(2024, 0, 15, 9, 30)),
    ],
    [
      'a number in a date format',
      '<c r="A2" s="1"><v>45306.395833333336</v></c>',
      new Date(Date.UTC(2024, 0, 15, 9, 30)),
    ],
  ])('%s', (_, xml, expected) => {
    expect(cellOf(xml)).toEqual(expected);
  });

  it('reads a formula saved without a result as such, not as blank', () => {
    expect(cellOf('<c r="A2"><f>120000*2</f><v></v></c>')).toEqual(new FormulaWithoutResult('120000*2'));
  });

  it('counts dates from 1904 in workbooks that say so', () => {
    expect(cellOf('<c r="A2" s="1"><v>0</v></c>', { date1904: true })).toEqual(
      new Date(Date.UTC(1904, 0, 1)),
    );
  });

  it('reads shared strings, rich text runs without their phonetic guide', () => {
    const strings = readSharedStrings(
      `<sst xmlns="${MAIN}"><si><t>plain</t></si><si><r><t>Bo</t></r><r><rPr><b/></rPr><t>ld</t></r><rPh sb="0" eb="1"><t>ボ</t></rPh></si></sst>`,
    );
    expect(strings).toEqual(['plain', 'Bold']);
    expect(cellOf('<c r="A2" t="s"><v>1</v></c>', { sharedStrings: strings })).toBe('Bold');
  });

  it('places cells and rows without references after the previous one, and hides merged-away cells', () => {
    const data = readWorksheet(
      'T',
      sheet(
        '<row><c><v>1</v></c><c><v>2</v></c></row><row><c r="B2"><v>3</v></c><c><v>4</v></c></row>',
        '<mergeCells count="1"><mergeCell ref="B2:C2"/></mergeCells>',
      ),
      context(),
    );
    expect(data.header).toEqual([1, 2]);
    expect(data.rows).toEqual([{ rowNumber: 2, cells: [null, 3] }]);
  });

  it('reads elements with a namespace prefix', () => {
    const xml = `<x:worksheet xmlns:x="${MAIN}"><x:sheetData><x:row r="1"><x:c r="B1" t="inlineStr"><x:is><x:t>key</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`;
    expect(readWorksheet('T', xml, context()).header).toEqual([null, 'key']);
  });
});

describe('patching cells', () => {
  const patch = (xml: string, change: Omit<TabWrite, 'tab'>) => {
    const result: WriteResult = { cellsWritten: 0, rowsAppended: 0, warnings: [] };
    const patched = patchWorksheet(
      'T',
      xml,
      { tab: 'T', ...change },
      { ...context(), dateStyle: () => '1' },
      result,
    );
    return { ...patched, xml: patched.bytes?.toString('utf8') ?? xml, result };
  };

  it('rewrites only the changed cell, keeping its style, and copies every other byte', () => {
    const before = sheet(
      '<row r="1" spans="1:2"><c r="A1" s="3"><v>1</v></c><c r="B1"><f>A1*2</f><v>2</v></c></row><row r="2" spans="1:2"><c r="A2" s="4"><v>5</v></c></row>',
    );
    const { xml, result } = patch(before, { updates: [{ row: 2, column: 0, value: 'five' }] });
    expect(xml).toBe(
      before.replace(
        '<c r="A2" s="4"><v>5</v></c>',
        '<c r="A2" s="4" t="inlineStr"><is><t>five</t></is></c>',
      ),
    );
    expect(result.cellsWritten).toBe(1);
  });

  it('writes nothing for values the cells already hold', () => {
    const before = sheet('<row r="2"><c r="A2" t="b"><f>TRUE()</f><v>1</v></c><c r="B2"><v>3</v></c></row>');
    const patched = patch(before, {
      updates: [
        { row: 2, column: 0, value: true },
        { row: 2, column: 1, value: 3 },
      ],
    });
    expect(patched.bytes).toBeNull();
    expect(patched.result.cellsWritten).toBe(0);
  });

  it('inserts new cells and rows in order, widens spans and the dimension', () => {
    const before = sheet(
      '<row r="2" spans="1:1"><c r="A2"><v>1</v></c></row><row r="5"><c r="A5"><v>2</v></c></row>',
    );
    const { xml } = patch(before, {
      updates: [
        { row: 2, column: 3, value: 7 },
        { row: 3, column: 0, value: 'new' },
      ],
      appends: [[null, 9]],
    });
    expect(xml).toContain(
      '<row r="2" spans="1:4"><c r="A2"><v>1</v></c><c r="D2"><v>7</v></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>new</t></is></c></row><row r="5"><c r="A5"><v>2</v></c></row><row r="6"><c r="B6"><v>9</v></c></row>',
    );
    expect(xml).toContain('<dimension ref="A1:D6"/>');
  });

  it('says when it overwrote a formula, so the calculation chain can be dropped', () => {
    const before = sheet('<row r="2"><c r="A2"><f>1+1</f><v>2</v></c></row>');
    const { xml, formulaRemoved } = patch(before, { updates: [{ row: 2, column: 0, value: 5 }] });
    expect(xml).toContain('<c r="A2"><v>5</v></c>');
    expect(formulaRemoved).toBe(true);
  });

  it('keeps a part that uses a prefix in its namespace', () => {
    const before = `<x:worksheet xmlns:x="${MAIN}"><x:sheetData><x:row r="2"><x:c r="A2"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>`;
    const { xml } = patch(before, { updates: [{ row: 2, column: 1, value: 'b' }], appends: [[3]] });
    expect(xml).toBe(
      `<x:worksheet xmlns:x="${MAIN}"><x:sheetData><x:row r="2"><x:c r="A2"><x:v>1</x:v></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>b</x:t></x:is></x:c></x:row><x:row r="3"><x:c r="A3"><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
    );
  });

  it('numbers implicit rows before inserting a row among them', () => {
    const before = sheet('<row><c><v>1</v></c></row><row><c><v>2</v></c></row><row><c><v>4</v></c></row>');
    const { xml } = patch(before, { appends: [[5]] });
    const data = readWorksheet('T', xml, context());
    expect(data.rows.map((row) => [row.rowNumber, row.cells[0]])).toEqual([
      [2, 2],
      [3, 4],
      [4, 5],
    ]);
  });

  it('skips a guarded row whose key moved, with a warning', () => {
    const before = sheet('<row r="2"><c r="A2" t="inlineStr"><is><t>INIT-2</t></is></c></row>');
    const { result, bytes } = patch(before, {
      updates: [{ row: 2, column: 1, value: 1 }],
      guards: [{ row: 2, keyCells: [{ column: 0, value: 'INIT-1' }] }],
    });
    expect(bytes).toBeNull();
    expect(result.warnings).toEqual(['T row 2 no longer holds "INIT-1", so its updates were skipped']);
  });
});
