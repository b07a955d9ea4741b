/**
 * The columns productops computes, as `init` leaves them in an .xlsx workbook: the header filled and
 * noted ("computed by productops — edits are replaced", a validation input message every
 * application shows on selecting the cell), and the score columns formatted `#,##0.00` through
 * their column style, so cells written later show thousands separators. Stored values never change.
 */
import { execFileSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewTab } from '../../src/sheets/sheet-store.js';
import { XlsxSheetStore } from '../../src/sheets/xlsx/index.js';
import { PYTHON, requireOtherWriters, resaveWithLibreOffice } from '../support/other-writers.js';
import { makeTempDir, saveWorkbook, unzip, worksheetXml } from './xlsx-fixtures.js';

const NOTE = 'computed by productops — edits are replaced';

const backlog: NewTab = {
  name: 'Backlog',
  headers: ['initiative_key', 'title', 'overall_score', 'rank', 'score_warnings'],
  backendColumns: ['overall_score', 'rank', 'score_warnings'],
  scoreColumns: ['overall_score'],
};

let folder: string;
let path: string;
beforeEach(async () => {
  folder = await makeTempDir();
  path = join(folder, 'backlog.xlsx');
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** The `<xf>` elements of `<cellXfs>` and the `<fill>` elements, from the file's styles part. */
async function styles(file: string): Promise<{ xml: string; formats: string[]; fills: string[] }> {
  const xml = unzip(await readFile(file))
    .get('xl/styles.xml')!
    .toString('utf8');
  const list = (name: string) => new RegExp(`<${name}[^>]*>([\\s\\S]*?)</${name}>`).exec(xml)?.[1] ?? '';
  return {
    xml,
    formats: list('cellXfs').match(/<xf [^>]*?(?:\/>|>[\s\S]*?<\/xf>)/g) ?? [],
    fills: list('fills').match(/<fill>[\s\S]*?<\/fill>/g) ?? [],
  };
}

const attribute = (element: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(element)?.[1];
const cellStyle = (xml: string, reference: string) =>
  attribute(new RegExp(`<c r="${reference}"[^>]*>`).exec(xml)?.[0] ?? '', 's');
const columnStyle = (xml: string, column: number) =>
  attribute(new RegExp(`<col min="${column}" max="${column}"[^>]*/>`).exec(xml)?.[0] ?? '', 'style');

/** What a cell format index means: its number format id, and its fill colour if any. */
async function format(file: string, index: string | undefined) {
  const { formats, fills } = await styles(file);
  const xf = formats[Number(index)]!;
  const fill = fills[Number(attribute(xf, 'fillId') ?? 0)]!;
  return { numFmtId: attribute(xf, 'numFmtId'), fill: attribute(fill, 'rgb') ?? null };
}

describe('init marks the columns productops computes', () => {
  it('fills and notes their headers, formats score cells, and writes values unchanged', async () => {
    const store = new XlsxSheetStore(path);
    await store.ensureTabs([backlog]);
    const xml = await worksheetXml(path, 1);

    // Headers: C, D and E are computed; A and B keep the plain bold header.
    for (const reference of ['C1', 'D1', 'E1'])
      expect(await format(path, cellStyle(xml, reference)), reference).toEqual({
        numFmtId: '0',
        fill: 'FFDDEBF7',
      });
    expect(await format(path, cellStyle(xml, 'B1'))).toEqual({ numFmtId: '0', fill: null });
    expect(xml).toContain(
      `<dataValidation allowBlank="1" showInputMessage="1" promptTitle="productops" prompt="${NOTE}" sqref="C1 D1 E1"/>`,
    );
    // The score column, and only it, carries the number format for the cells written later.
    expect((await format(path, columnStyle(xml, 3))).numFmtId).toBe('4');
    expect(columnStyle(xml, 4)).toBeUndefined();

    const values = [1234.5678, 12, 21546.123456789, -0.005];
    await store.write([
      {
        tab: 'Backlog',
        appends: values.map((value, index) => [`INIT-00000${index + 1}`, 'Idea', value, index + 1, null]),
      },
    ]);
    const written = await worksheetXml(path, 1);
    expect(cellStyle(written, 'C2')).toBe(columnStyle(xml, 3));
    expect([...written.matchAll(/<c r="C\d+"[^>]*><v>([^<]*)<\/v>/g)].map((m) => Number(m[1]))).toEqual(
      values,
    );
    const read = (await new XlsxSheetStore(path).read(['Backlog'])).get('Backlog')!;
    expect(read.rows.map((row) => row.cells[2])).toEqual(values);
    expect(read.rows.map((row) => row.cells[3])).toEqual([1, 2, 3, 4]);
  });

  it('marks only the columns it adds to a PM tab, keeping every existing cell and format', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Backlog');
    sheet.addRow(['initiative_key', 'title']);
    sheet.addRow(['INIT-000001', 'Checkout']);
    sheet.getRow(1).eachCell((cell) => {
      cell.style = {
        font: { bold: true },
        fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } },
      };
    });
    await saveWorkbook(workbook, path);
    const before = await worksheetXml(path, 1);
    const stylesBefore = await styles(path);

    const added = await new XlsxSheetStore(path).ensureTabs([backlog]);
    expect(added.headersAdded.map((h) => h.header)).toEqual(['overall_score', 'rank', 'score_warnings']);
    const xml = await worksheetXml(path, 1);
    for (const reference of ['A1', 'B1', 'A2', 'B2']) {
      const element = new RegExp(`<c r="${reference}"[\\s\\S]*?</c>`);
      expect(element.exec(xml)?.[0], reference).toBe(element.exec(before)?.[0]);
    }
    expect(await format(path, cellStyle(xml, 'C1'))).toEqual({ numFmtId: '0', fill: 'FFDDEBF7' });
    expect(xml).toContain(`prompt="${NOTE}" sqref="C1 D1 E1"/>`);
    expect((await format(path, columnStyle(xml, 3))).numFmtId).toBe('4');
    // styles.xml only grew: every format a cell refers to means what it did.
    const stylesAfter = await styles(path);
    expect(stylesAfter.formats.slice(0, stylesBefore.formats.length)).toEqual(stylesBefore.formats);
    expect(stylesAfter.fills.slice(0, stylesBefore.fills.length)).toEqual(stylesBefore.fills);

    // Running again adds nothing; a later computed column reuses the formats already there.
    expect((await new XlsxSheetStore(path).ensureTabs([backlog])).headersAdded).toEqual([]);
    await new XlsxSheetStore(path).ensureTabs([
      { ...backlog, headers: [...backlog.headers, 'priority_score'], scoreColumns: ['priority_score'] },
    ]);
    expect((await styles(path)).formats).toEqual(stylesAfter.formats);
    expect((await styles(path)).xml).toBe(stylesAfter.xml);
  });

  it('changes nothing in styles.xml when the columns it adds are all a person’s', async () => {
    await new XlsxSheetStore(path).ensureTabs([{ name: 'Backlog', headers: ['initiative_key'] }]);
    const before = (await styles(path)).xml;
    await new XlsxSheetStore(path).ensureTabs([backlog]);
    const withComputed = (await styles(path)).xml;
    expect(withComputed).not.toBe(before);
    await new XlsxSheetStore(path).ensureTabs([{ name: 'Backlog', headers: ['initiative_key', 'notes'] }]);
    expect((await styles(path)).xml).toBe(withComputed);
  });

  it('is read by openpyxl, and kept by LibreOffice: number format, header fill and note', async (context) => {
    requireOtherWriters(context);
    const store = new XlsxSheetStore(path);
    await store.ensureTabs([backlog]);
    await store.write([{ tab: 'Backlog', appends: [['INIT-000001', 'Idea', 1234.5678, 1, null]] }]);
    const [resaved] = await resaveWithLibreOffice([path], join(folder, 'libreoffice'));
    const script = join(folder, 'look.py');
    await writeFile(
      script,
      [
        'import json, sys',
        'from openpyxl import load_workbook',
        'ws = load_workbook(sys.argv[1])["Backlog"]',
        'notes = [(str(v.sqref), v.promptTitle, v.prompt, bool(v.showInputMessage)) for v in ws.data_validations.dataValidation if v.prompt]',
        'print(json.dumps({"value": ws["C2"].value, "format": ws["C2"].number_format,',
        '  "fill": ws["C1"].fill.fgColor.rgb, "bold": bool(ws["C1"].font.b), "plain": ws["B1"].fill.fgColor.rgb, "notes": notes}))',
      ].join('\n'),
    );
    for (const file of [path, resaved!]) {
      const seen = JSON.parse(execFileSync(PYTHON, [script, file], { encoding: 'utf8' }));
      expect(seen, file).toMatchObject({
        value: 1234.5678,
        format: '#,##0.00',
        fill: 'FFDDEBF7',
        bold: true,
      });
      expect(seen.plain, file).not.toBe('FFDDEBF7');
      // LibreOffice may write the three header cells as one range.
      expect(
        seen.notes.map((n: unknown[]) => n.slice(1)),
        file,
      ).toContainEqual(['productops', NOTE, true]);
      expect(seen.notes.flatMap((n: string[]) => n[0]!.split(' ')).sort(), file).toSatisfy(
        (ranges: string[]) => ranges.join(' ') === 'C1 D1 E1' || ranges.join(' ') === 'C1:E1',
      );
    }
  }, 200_000);
});
