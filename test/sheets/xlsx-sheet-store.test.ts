/**
 * The .xlsx store: the shared contract, then what only a file can show — what survives a save,
 * the atomic replace, the backup, and how broken files are reported.
 *
 * What a save through exceljs 4.4 keeps (tested below): values, formulas and their cached results,
 * cell styles and number formats, column widths, hidden columns, frozen panes, dropdowns (list
 * validations), conditional formatting, notes, merged cells, pictures, tables, defined names and
 * filters. What it drops (tested below for charts; the rest is the parts exceljs never loads, see
 * unsupported-parts.ts): charts, chart sheets, pivot tables, slicers, links to other workbooks,
 * threaded comments, form controls, dropdowns whose list is on another tab, sparklines. The write
 * names what it dropped in its warnings, once, and the file before the save is `NAME.xlsx.bak`.
 */
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import {
  chmod,
  lstat,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkbookError } from '../../src/shared/errors.js';
import type { NewTab } from '../../src/sheets/sheet-store.js';
import { FormulaWithoutResult, WorkbookChangedError } from '../../src/sheets/sheet-store.js';
import { XlsxSheetStore } from '../../src/sheets/xlsx/index.js';
import { toWorkbookError } from '../../src/sheets/xlsx/workbook-errors.js';
import { listBackups } from '../../src/sheets/xlsx/workbook-file.js';
import { describeSheetStoreContract } from './sheet-store-contract.js';
import {
  createXlsxHarness,
  loadWorkbook,
  makeTempDir,
  saveWorkbook,
  unzip,
  worksheetXml,
  zip,
} from './xlsx-fixtures.js';

describeSheetStoreContract('XlsxSheetStore', createXlsxHarness);

/** The `sqref` of every data validation in a worksheet's XML, in file order. */
function validationRanges(xml: string): string[] {
  return [...xml.matchAll(/<dataValidation [^>]*sqref="([^"]+)"/g)].map((match) => match[1]!);
}

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** A Backlog the way a PM leaves it: styled header, hidden and helper columns, dropdowns, extras. */
async function writePmWorkbook(path: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Backlog', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow([
    'effort_engineering_days',
    'title',
    'value_score',
    'pm_private',
    'pm_double',
    'framework',
    'use_math',
  ]);
  sheet.addRow([3, 'Checkout', 1.5, 'secret', { formula: 'A2*2', result: 6 }, 'RICE', true]);
  sheet.addRow([5, 'Search', 2.5, 'secret too', { formula: 'A3*2', result: 10 }, 'WSJF', false]);
  sheet.getRow(1).eachCell((cell) => {
    cell.style = {
      font: { bold: true, color: { argb: 'FF1F4E79' } },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } },
    };
  });
  sheet.getColumn(1).width = 18;
  sheet.getColumn(2).width = 30;
  sheet.getColumn(4).hidden = true;
  sheet.getCell('C2').numFmt = '0.00';
  sheet.getCell('C3').numFmt = '0.00';
  const validations = (sheet as unknown as { dataValidations: { model: Record<string, unknown> } })
    .dataValidations;
  validations.model['F2:F100'] = { type: 'list', allowBlank: true, formulae: ['"RICE,WSJF,MATH_MODEL"'] };
  // What Excel writes when a person selects the whole column.
  validations.model['G2:G1048576'] = { type: 'list', allowBlank: true, formulae: ['"TRUE,FALSE"'] };
  sheet.getCell('B2').note = 'ask Sam';
  sheet.addConditionalFormatting({
    ref: 'C2:C100',
    rules: [
      {
        type: 'cellIs',
        operator: 'greaterThan',
        formulae: [2],
        priority: 1,
        style: { fill: { type: 'pattern', pattern: 'solid', bgColor: { argb: 'FFC6EFCE' } } },
      },
    ],
  });
  sheet.addImage(workbook.addImage({ buffer: PNG as unknown as ExcelJS.Buffer, extension: 'png' }), 'K2:L4');
  sheet.autoFilter = 'A1:G3';
  workbook.definedNames.add('Backlog!$C$2:$C$3', 'scores');
  const lists = workbook.addWorksheet('Lists');
  lists.addTable({
    name: 'Frameworks',
    ref: 'A1',
    columns: [{ name: 'framework' }, { name: 'meaning' }],
    rows: [
      ['RICE', 'reach'],
      ['WSJF', 'cost of delay'],
    ],
  });
  lists.getCell('A6').value = 'merged note';
  lists.mergeCells('A6:C6');
  await saveWorkbook(workbook, path);
}

describe('XlsxSheetStore', () => {
  let folder: string;
  let path: string;

  beforeEach(async () => {
    folder = await makeTempDir();
    path = join(folder, 'backlog.xlsx');
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function readAndWrite(store: XlsxSheetStore, changes: Parameters<XlsxSheetStore['write']>[0]) {
    await store.read(changes.map((change) => change.tab));
    return store.write(changes);
  }

  describe('what survives a write', () => {
    it('keeps formats, widths, hidden columns, dropdowns, PM formulas and the frozen header', async () => {
      await writePmWorkbook(path);
      const result = await readAndWrite(new XlsxSheetStore(path), [
        { tab: 'Backlog', updates: [{ row: 2, column: 2, value: 4.25 }], appends: [[7, 'Pricing', 3.5]] },
      ]);
      expect(result).toEqual({ cellsWritten: 4, rowsAppended: 1, warnings: [] });

      const sheet = (await loadWorkbook(path)).getWorksheet('Backlog')!;
      expect(sheet.getCell('A1').font).toMatchObject({ bold: true, color: { argb: 'FF1F4E79' } });
      expect(sheet.getCell('G1').fill).toMatchObject({ fgColor: { argb: 'FFFFF2CC' } });
      expect([sheet.getColumn(1).width, sheet.getColumn(2).width]).toEqual([18, 30]);
      expect(sheet.getColumn(4).hidden).toBe(true);
      expect(sheet.getCell('D2').value).toBe('secret');
      expect(sheet.getCell('E2').value).toEqual({ formula: 'A2*2', result: 6 });
      expect(sheet.getCell('E3').value).toEqual({ formula: 'A3*2', result: 10 });
      expect(sheet.getCell('C2').value).toBe(4.25);
      expect(sheet.getCell('C2').numFmt).toBe('0.00');
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(validationRanges(await worksheetXml(path, 1))).toEqual(['F2:F100', 'G2:G1048576']);
      expect(sheet.getRow(4).values).toEqual([undefined, 7, 'Pricing', 3.5]);
    });

    it('keeps notes, conditional formatting, pictures, filters, tables, merged cells and defined names', async () => {
      await writePmWorkbook(path);
      await readAndWrite(new XlsxSheetStore(path), [
        { tab: 'Backlog', updates: [{ row: 3, column: 2, value: 9 }] },
      ]);

      const workbook = await loadWorkbook(path);
      const sheet = workbook.getWorksheet('Backlog')!;
      expect(JSON.stringify(sheet.getCell('B2').note)).toContain('ask Sam');
      // Missing from exceljs's typings, present at run time.
      const { conditionalFormattings } = sheet as unknown as { conditionalFormattings: { ref: string }[] };
      expect(conditionalFormattings.map((format) => format.ref)).toEqual(['C2:C100']);
      expect(sheet.getImages()).toHaveLength(1);
      expect(sheet.autoFilter).toBe('A1:G3');
      expect(workbook.definedNames.getRanges('scores').ranges).toEqual(['Backlog!$C$2:$C$3']);
      const lists = workbook.getWorksheet('Lists')!;
      expect(lists.getTable('Frameworks')).toBeDefined();
      expect(lists.getCell('B3').value).toBe('cost of delay');
      expect((lists.model as { merges: string[] }).merges).toEqual(['A6:C6']);
    });

    it('writes each dropdown range back once, without the overlapping copies plain exceljs would add', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Backlog');
      sheet.addRow(['title', 'framework', 'a', 'b']);
      sheet.addRow(['Checkout']);
      const model = (sheet as unknown as { dataValidations: { model: Record<string, unknown> } })
        .dataValidations.model;
      model['B2:B1000'] = { type: 'list', allowBlank: true, formulae: ['"RICE,WSJF"'] };
      model['C2:D20'] = { type: 'list', allowBlank: true, formulae: ['"x,y"'] };
      await saveWorkbook(workbook, path);
      const store = new XlsxSheetStore(path);
      await readAndWrite(store, [{ tab: 'Backlog', updates: [{ row: 2, column: 0, value: 'Checkout v2' }] }]);
      await store.write([{ tab: 'Backlog', updates: [{ row: 2, column: 0, value: 'Checkout v3' }] }]);
      expect(validationRanges(await worksheetXml(path, 1))).toEqual(['B2:B1000', 'C2:D20']);
    });

    it('keeps a chart and every part it does not write byte for byte, with no warning', async () => {
      await writePmWorkbook(path);
      await addChart(path);
      const before = unzip(await readFile(path));
      const store = new XlsxSheetStore(path);
      const first = await readAndWrite(store, [
        { tab: 'Backlog', updates: [{ row: 2, column: 2, value: 8 }] },
      ]);
      expect(first).toEqual({ cellsWritten: 1, rowsAppended: 0, warnings: [] });
      const after = unzip(await readFile(path));
      expect([...after.keys()]).toEqual([...before.keys()]);
      const changed = [...after]
        .filter(([name, bytes]) => !before.get(name)!.equals(bytes))
        .map(([name]) => name);
      expect(changed).toEqual(['xl/worksheets/sheet1.xml']);
      // Inside the written worksheet, only the cell C2 differs.
      const oldXml = before.get('xl/worksheets/sheet1.xml')!.toString('utf8');
      const newXml = after.get('xl/worksheets/sheet1.xml')!.toString('utf8');
      expect(newXml).toBe(oldXml.replace('<c r="C2" s="2"><v>1.5</v></c>', '<c r="C2" s="2"><v>8</v></c>'));
    });
  });

  describe('saving', () => {
    it('keeps the previous file in .productops/backups, the file mode, and no temporary files', async () => {
      await writePmWorkbook(path);
      await chmod(path, 0o640);
      const store = new XlsxSheetStore(path);
      await readAndWrite(store, [{ tab: 'Backlog', updates: [{ row: 2, column: 1, value: 'Checkout v2' }] }]);
      await store.write([{ tab: 'Backlog', updates: [{ row: 2, column: 1, value: 'Checkout v3' }] }]);
      const backups = await listBackups(path);
      expect(backups).toHaveLength(2);
      expect((await loadWorkbook(backups[0]!)).getWorksheet('Backlog')!.getCell('B2').value).toBe(
        'Checkout v2',
      );
      expect((await loadWorkbook(backups[1]!)).getWorksheet('Backlog')!.getCell('B2').value).toBe('Checkout');
      expect((await loadWorkbook(path)).getWorksheet('Backlog')!.getCell('B2').value).toBe('Checkout v3');
      expect((await readdir(folder)).sort()).toEqual(['.productops', 'backlog.xlsx']);
      expect((await stat(path)).mode & 0o777).toBe(0o640);
    });

    it('does not touch the file for a write that changes nothing', async () => {
      await writePmWorkbook(path);
      const before = await stat(path);
      const store = new XlsxSheetStore(path);
      const result = await readAndWrite(store, [
        { tab: 'Backlog', updates: [{ row: 2, column: 1, value: 'Checkout' }], appends: [[null, '']] },
      ]);
      expect(result.cellsWritten).toBe(0);
      expect(await store.write([])).toEqual({ cellsWritten: 0, rowsAppended: 0, warnings: [] });
      const after = await stat(path);
      expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
      expect(await readdir(folder)).toEqual(['backlog.xlsx']);
    });

    it('refuses when the file was saved with the same size and timestamp but other bytes', async () => {
      await writePmWorkbook(path);
      const store = new XlsxSheetStore(path);
      await store.read(['Backlog']);
      const { mtime, size } = await stat(path);
      const bytes = await readFile(path);
      // Another save of the same length within the same timestamp: only the hash can tell.
      bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
      await writeFile(path, bytes);
      await utimes(path, mtime, mtime);
      expect((await stat(path)).size).toBe(size);
      await expect(
        store.write([{ tab: 'Backlog', updates: [{ row: 2, column: 1, value: 'x' }] }]),
      ).rejects.toBeInstanceOf(WorkbookChangedError);
    });

    it('leaves the old file whole and no temporary file when the save fails before the switch', async () => {
      await writePmWorkbook(path);
      // A file where the backups folder goes makes keeping the backup, the last step before the rename, fail.
      await writeFile(join(folder, '.productops'), 'not a folder');
      const store = new XlsxSheetStore(path);
      const failed = readAndWrite(store, [
        { tab: 'Backlog', updates: [{ row: 2, column: 1, value: 'lost' }] },
      ]);
      await expect(failed).rejects.toBeInstanceOf(WorkbookError);
      await expect(failed).rejects.toThrow(path);
      expect((await loadWorkbook(path)).getWorksheet('Backlog')!.getCell('B2').value).toBe('Checkout');
      expect((await readdir(folder)).sort()).toEqual(['.productops', 'backlog.xlsx']);

      await rm(join(folder, '.productops'));
      await store.write([{ tab: 'Backlog', updates: [{ row: 2, column: 1, value: 'saved' }] }]);
      expect((await loadWorkbook(path)).getWorksheet('Backlog')!.getCell('B2').value).toBe('saved');
    });

    it('leaves the old or the new workbook, whole, when the writing process is killed mid-write', async () => {
      // A real crash: a child process reads and writes in a loop, and is killed with SIGKILL as
      // soon as its temporary file appears, or a few milliseconds later. Killed before the
      // rename, the file must still be the old workbook; after it, the new one; never a mix.
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Data');
      sheet.addRow(['counter', ...Array.from({ length: 7 }, (_, index) => `column_${index}`)]);
      for (let row = 0; row < 3000; row++)
        sheet.addRow([row === 0 ? 0 : null, ...Array(7).fill(`text ${row}`)]);
      await saveWorkbook(workbook, path);
      for (const delayMs of [0, 5, 20]) {
        const before = (await loadWorkbook(path)).getWorksheet('Data')!.getCell('A2').value as number;
        await killWriteLoopMidWrite(path, delayMs);
        const after = (await loadWorkbook(path)).getWorksheet('Data')!.getCell('A2').value as number;
        expect([before, before + 1]).toContain(after);
        // A killed process cannot clean up: its temporary file may stay beside the whole workbook.
        for (const entry of await readdir(folder)) {
          if (entry.endsWith('.tmp')) await rm(join(folder, entry));
        }
      }
    }, 120_000);

    it('writes through a symbolic link to the file it points at, keeping the link', async () => {
      const real = join(folder, 'real.xlsx');
      await writePmWorkbook(real);
      await symlink(real, path);
      await readAndWrite(new XlsxSheetStore(path), [
        { tab: 'Backlog', updates: [{ row: 2, column: 1, value: 'v2' }] },
      ]);
      expect((await lstat(path)).isSymbolicLink()).toBe(true);
      expect(await readlink(path)).toBe(real);
      expect((await loadWorkbook(real)).getWorksheet('Backlog')!.getCell('B2').value).toBe('v2');
      expect((await readdir(folder)).sort()).toEqual(['.productops', 'backlog.xlsx', 'real.xlsx']);
      expect(await listBackups(real)).toHaveLength(1);
    });

    it('writes nothing while the workbook is open in Excel or LibreOffice, and says to save and close it', async () => {
      await writePmWorkbook(path);
      const before = await readFile(path);
      for (const marker of ['~$backlog.xlsx', '.~lock.backlog.xlsx#']) {
        await writeFile(join(folder, marker), 'owner');
        const failed = readAndWrite(new XlsxSheetStore(path), [
          { tab: 'Backlog', updates: [{ row: 2, column: 1, value: 'v2' }] },
        ]);
        await expect(failed).rejects.toBeInstanceOf(WorkbookError);
        await expect(failed).rejects.toThrow(/save and close it, then run again/);
        await expect(failed).rejects.toThrow(marker);
        expect((await readFile(path)).equals(before)).toBe(true);
        await rm(join(folder, marker));
      }
    });

    it('refuses a read-only workbook, leaving it as it was', async () => {
      await writePmWorkbook(path);
      await chmod(path, 0o444);
      const before = await readFile(path);
      const failed = readAndWrite(new XlsxSheetStore(path), [
        { tab: 'Backlog', updates: [{ row: 2, column: 1, value: 'v2' }] },
      ]);
      await expect(failed).rejects.toThrow(/read-only/);
      expect((await readFile(path)).equals(before)).toBe(true);
      expect((await stat(path)).mode & 0o777).toBe(0o444);
    });

    it("removes a crashed write's temporary file on the next write", async () => {
      await writePmWorkbook(path);
      // A process id that cannot be running (above Linux's pid_max).
      const leftover = join(folder, '.backlog.xlsx.99999999.0a1b2c3d4e5f.tmp');
      await writeFile(leftover, 'half a workbook');
      await readAndWrite(new XlsxSheetStore(path), [
        { tab: 'Backlog', updates: [{ row: 2, column: 1, value: 'v2' }] },
      ]);
      expect((await readdir(folder)).sort()).toEqual(['.productops', 'backlog.xlsx']);
    });
  });

  describe('values', () => {
    it('reads formula results, rich text, links, errors and dates as a person sees them', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Values');
      sheet.addRow([
        'formula',
        'rich',
        'link',
        'error',
        'date',
        'empty',
        'uncalculated',
        'wide',
        'covered',
        'na',
      ]);
      sheet.addRow([
        { formula: '1+1', result: 2 },
        { richText: [{ text: 'Bold', font: { bold: true } }, { text: ' plain' }] },
        { text: 'Spec', hyperlink: 'https://example.com/spec' },
        { formula: '1/0', result: { error: '#DIV/0!' } },
        new Date(Date.UTC(2024, 0, 15, 9, 30)),
        '',
        { formula: 'A2*3' },
        'wide',
        null,
        { error: '#N/A' },
      ]);
      sheet.mergeCells('H2:I2');
      await saveWorkbook(workbook, path);
      const data = (await new XlsxSheetStore(path).read(['Values'])).get('Values')!;
      expect(data.rows).toEqual([
        {
          rowNumber: 2,
          cells: [
            2,
            'Bold plain',
            'Spec',
            '#DIV/0!',
            new Date(Date.UTC(2024, 0, 15, 9, 30)),
            null,
            new FormulaWithoutResult('A2*3'),
            'wide',
            null,
            '#N/A',
          ],
        },
      ]);
    });

    it("stores text starting with '=' as a plain string cell, with no formula in the file", async () => {
      await writePmWorkbook(path);
      await readAndWrite(new XlsxSheetStore(path), [
        { tab: 'Backlog', updates: [{ row: 3, column: 1, value: '=A3*100' }] },
      ]);
      const xml = await worksheetXml(path, 1);
      expect(xml).not.toContain('<f>A3*100</f>');
      expect(xml).toMatch(/<c r="B3"[^>]* t="inlineStr"><is><t>=A3\*100<\/t><\/is><\/c>/);
      expect((await loadWorkbook(path)).getWorksheet('Backlog')!.getCell('B3').value).toBe('=A3*100');
    });

    it('writes dates with a date format, and cuts text longer than Excel allows, with a warning', async () => {
      await writePmWorkbook(path);
      const when = new Date(Date.UTC(2025, 4, 1, 12, 0));
      const result = await readAndWrite(new XlsxSheetStore(path), [
        {
          tab: 'Backlog',
          updates: [
            { row: 2, column: 1, value: when },
            { row: 3, column: 1, value: 'x'.repeat(40_000) },
            { row: 3, column: 2, value: Number.NaN },
          ],
        },
      ]);
      expect(result.warnings).toEqual([
        "Backlog!B3: text of 40000 characters was cut to Excel's limit of 32767",
        'Backlog!C3: NaN is not a number a workbook can hold; the cell was cleared',
      ]);
      const sheet = (await loadWorkbook(path)).getWorksheet('Backlog')!;
      expect(sheet.getCell('B2').value).toEqual(when);
      expect(sheet.getCell('B2').numFmt).toBe('yyyy-mm-dd hh:mm:ss');
      expect((sheet.getCell('B3').value as string).length).toBe(32_767);
      expect(sheet.getCell('C3').value).toBeNull();
    });

    it('does not write into cells covered by a merge, and says so', async () => {
      await writePmWorkbook(path);
      const result = await readAndWrite(new XlsxSheetStore(path), [
        { tab: 'Lists', updates: [{ row: 6, column: 1, value: 'inside' }] },
      ]);
      expect(result).toEqual({
        cellsWritten: 0,
        rowsAppended: 0,
        warnings: ['Lists!B6 is covered by merged cells, so it was not written'],
      });
    });

    it('reads and writes a 5,000-row, 16-column tab', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Backlog');
      sheet.addRow(Array.from({ length: 16 }, (_, column) => `column_${column}`));
      for (let row = 0; row < 5000; row++) {
        sheet.addRow(Array.from({ length: 16 }, (_, column) => (column % 2 ? `text ${row}` : row * column)));
      }
      await saveWorkbook(workbook, path);
      const store = new XlsxSheetStore(path);
      const data = (await store.read(['Backlog'])).get('Backlog')!;
      expect([data.rows.length, data.lastRow, data.rows[4999]?.cells.length]).toEqual([5000, 5001, 16]);
      expect(
        await store.write([{ tab: 'Backlog', updates: [{ row: 2500, column: 3, value: 'changed' }] }]),
      ).toEqual({
        cellsWritten: 1,
        rowsAppended: 0,
        warnings: [],
      });
      const after = (await new XlsxSheetStore(path).read(['Backlog'])).get('Backlog')!;
      expect(after.rows[2498]?.cells[3]).toBe('changed');
      expect(
        after.rows.filter((row, index) => row.cells.join() !== data.rows[index]!.cells.join()),
      ).toHaveLength(1);
    });
  });

  describe('read and write order', () => {
    it('writes against the current file when nothing was read first', async () => {
      await writePmWorkbook(path);
      const result = await new XlsxSheetStore(path).write([{ tab: 'Backlog', appends: [[1, 'New']] }]);
      expect(result.rowsAppended).toBe(1);
      expect((await loadWorkbook(path)).getWorksheet('Backlog')!.getCell('B4').value).toBe('New');
    });

    it('makes the next write refuse when ensureTabs found the file changed since the read', async () => {
      const harness = await createXlsxHarness();
      try {
        await harness.seedTab('Backlog', [['title'], ['A']]);
        await harness.store.read(['Backlog']);
        await harness.externalEdit('Backlog', 2, 0, 'A edited');
        await harness.store.ensureTabs([{ name: 'Params', headers: ['param_name'] }]);
        await expect(
          harness.store.write([{ tab: 'Backlog', updates: [{ row: 2, column: 0, value: 'ours' }] }]),
        ).rejects.toBeInstanceOf(WorkbookChangedError);
        const tabs = await harness.reopen().read(['Backlog', 'Params']);
        expect(tabs.get('Backlog')?.rows[0]?.cells).toEqual(['A edited']);
        expect(tabs.get('Params')?.header).toEqual(['param_name']);
      } finally {
        await harness.cleanup();
      }
    });

    it('refuses a tab that is not in the workbook, writing nothing', async () => {
      await writePmWorkbook(path);
      const before = await readFile(path);
      const store = new XlsxSheetStore(path);
      await store.read(['Backlog']);
      const failed = store.write([
        { tab: 'Backlog', updates: [{ row: 2, column: 1, value: 'x' }] },
        { tab: 'Scoring_Inputs', appends: [['INIT-000001']] },
      ]);
      await expect(failed).rejects.toBeInstanceOf(WorkbookError);
      await expect(failed).rejects.toThrow('"Scoring_Inputs" is not in');
      expect((await readFile(path)).equals(before)).toBe(true);
    });
  });

  describe('ensureTabs', () => {
    const backlog: NewTab = {
      name: 'Backlog',
      headers: ['initiative_key', 'title', 'active_scoring_framework', 'use_math_model'],
      dropdowns: { active_scoring_framework: ['RICE', 'WSJF', 'MATH_MODEL'] },
      checkboxes: ['use_math_model'],
    };

    it('creates the folder and file, with a bold frozen header, dropdowns and TRUE/FALSE lists', async () => {
      const nested = join(folder, 'new', 'workbooks', 'central.xlsx');
      await new XlsxSheetStore(nested).ensureTabs([backlog]);
      const sheet = (await loadWorkbook(nested)).getWorksheet('Backlog')!;
      expect(sheet.getCell('A1').font).toMatchObject({ bold: true });
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      const xml = await worksheetXml(nested, 1);
      expect(validationRanges(xml)).toEqual(['C2:C5000', 'D2:D5000']);
      expect(xml).toContain('<formula1>"RICE,WSJF,MATH_MODEL"</formula1>');
      expect(xml).toContain('<formula1>"TRUE,FALSE"</formula1>');
    });

    it('does not rewrite the file when run a second time', async () => {
      await new XlsxSheetStore(path).ensureTabs([backlog]);
      const before = await stat(path);
      expect(await new XlsxSheetStore(path).ensureTabs([backlog])).toEqual({
        tabsAdded: [],
        headersAdded: [],
      });
      const after = await stat(path);
      expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
      expect(await readdir(folder)).toEqual(['backlog.xlsx']);
    });

    it('refuses a tab name Excel does not take, naming the rules, and creates nothing', async () => {
      await expect(new XlsxSheetStore(path).ensureTabs([{ ...backlog, name: 'Q1/Q2' }])).rejects.toThrow(
        `Cannot add the tab "Q1/Q2" to ${path}: Excel tab names have 1 to 31 characters and none of \\ / ? * : [ ].`,
      );
      expect(await readdir(folder)).toEqual([]);
    });

    it('styles an added header like its left neighbour and gives the new column its dropdown', async () => {
      await writePmWorkbook(path);
      const added = await new XlsxSheetStore(path).ensureTabs([
        { name: 'Backlog', headers: ['title', 'rank', 'is_primary'], checkboxes: ['is_primary'] },
      ]);
      expect(added.headersAdded).toEqual([
        { tab: 'Backlog', header: 'rank' },
        { tab: 'Backlog', header: 'is_primary' },
      ]);
      const sheet = (await loadWorkbook(path)).getWorksheet('Backlog')!;
      expect([sheet.getCell('H1').value, sheet.getCell('I1').value]).toEqual(['rank', 'is_primary']);
      expect(sheet.getCell('I1').fill).toMatchObject({ fgColor: { argb: 'FFFFF2CC' } });
      expect(validationRanges(await worksheetXml(path, 1))).toEqual(['F2:F100', 'G2:G1048576', 'I2:I5000']);
    });

    it('refuses a tab name Excel cannot hold', async () => {
      await expect(
        new XlsxSheetStore(path).ensureTabs([{ name: 'Scoring/Inputs', headers: ['a'] }]),
      ).rejects.toBeInstanceOf(WorkbookError);
    });
  });

  describe('broken files', () => {
    async function readError(contents: Buffer | string): Promise<WorkbookError> {
      await writeFile(path, contents);
      const error = await new XlsxSheetStore(path).read(['Backlog']).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(WorkbookError);
      expect((error as WorkbookError).message).toContain(path);
      return error as WorkbookError;
    }

    it('says a file that is not a zip is not an .xlsx workbook', async () => {
      const error = await readError('initiative_key,title\nINIT-000001,Checkout\n');
      expect(error.message).toContain('is not an .xlsx workbook');
      expect(error.cause).toBeInstanceOf(Error);
    });

    it('says a truncated workbook is damaged and points at the backup', async () => {
      await writePmWorkbook(path);
      await truncate(path, Math.floor((await stat(path)).size / 2));
      const error = await readError(await readFile(path));
      expect(error.message).toContain('is damaged');
      expect(error.message).toContain(join(folder, '.productops', 'backups'));
    });

    it('recognises a legacy .xls or password-protected file', async () => {
      const error = await readError(
        Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]),
      );
      expect(error.message).toContain('password-protected');
    });

    it('says an empty file is empty', async () => {
      expect((await readError('')).message).toContain('is empty');
    });

    it('says a missing file can be created with init', async () => {
      const store = new XlsxSheetStore(path);
      expect(await store.exists()).toBe(false);
      await expect(store.read(['Backlog'])).rejects.toThrow(`No workbook at ${path}`);
    });

    it.skipIf(process.getuid?.() === 0)(
      'says permission was denied (skipped as root: root ignores file modes)',
      async () => {
        await writePmWorkbook(path);
        await chmod(path, 0o000);
        await expect(new XlsxSheetStore(path).read(['Backlog'])).rejects.toThrow('permission denied');
      },
    );

    it('translates a locked file (EBUSY, Windows with the file open in Excel) into an actionable message', () => {
      const locked = Object.assign(new Error('EBUSY: resource busy or locked, rename'), { code: 'EBUSY' });
      const error = toWorkbookError(locked, path, 'write');
      expect(error).toBeInstanceOf(WorkbookError);
      expect(error.message).toBe(
        `Cannot save ${path}: another program has it locked (is it open in Excel?). Close it there and run again.`,
      );
      expect(error.cause).toBe(locked);
    });
  });
});

/** Adds a real chart (drawing anchor, relationship, part, content type) to a workbook that has a picture. */
async function addChart(path: string): Promise<void> {
  const parts = unzip(await readFile(path));
  const edit = (name: string, change: (xml: string) => string) =>
    parts.set(name, Buffer.from(change(parts.get(name)!.toString('utf8'))));
  const anchor =
    '<xdr:twoCellAnchor><xdr:from><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>5</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>' +
    '<xdr:to><xdr:col>12</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>20</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>' +
    '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="9" name="Chart 1"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>' +
    '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">' +
    '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id="rIdChart1"/></a:graphicData></a:graphic></xdr:graphicFrame>' +
    '<xdr:clientData/></xdr:twoCellAnchor>';
  edit('xl/drawings/drawing1.xml', (xml) => xml.replace('</xdr:wsDr>', `${anchor}</xdr:wsDr>`));
  edit('xl/drawings/_rels/drawing1.xml.rels', (xml) =>
    xml.replace(
      '</Relationships>',
      '<Relationship Id="rIdChart1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart" Target="../charts/chart1.xml"/></Relationships>',
    ),
  );
  edit('[Content_Types].xml', (xml) =>
    xml.replace(
      '</Types>',
      '<Override PartName="/xl/charts/chart1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/></Types>',
    ),
  );
  parts.set(
    'xl/charts/chart1.xml',
    Buffer.from(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart">' +
        '<c:chart><c:plotArea><c:layout/><c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:ser><c:idx val="0"/><c:order val="0"/>' +
        '<c:val><c:numRef><c:f>Backlog!$C$2:$C$3</c:f></c:numRef></c:val></c:ser><c:axId val="1"/><c:axId val="2"/></c:barChart>' +
        '<c:catAx><c:axId val="1"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:axPos val="b"/><c:crossAx val="2"/></c:catAx>' +
        '<c:valAx><c:axId val="2"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:axPos val="l"/><c:crossAx val="1"/></c:valAx>' +
        '</c:plotArea></c:chart></c:chartSpace>',
    ),
  );
  await writeFile(path, zip(parts));
}

/** Runs the write loop and kills it `delayMs` after its first temporary file appears. */
async function killWriteLoopMidWrite(path: string, delayMs: number): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'xlsx-write-loop.ts'), path],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  let killed = false;
  const watcher = watch(dirname(path), (_event, name) => {
    if (!killed && name?.endsWith('.tmp')) {
      killed = true;
      setTimeout(() => child.kill('SIGKILL'), delayMs);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await new Promise<void>((resolve) => child.on('exit', () => resolve()));
  clearTimeout(timer);
  watcher.close();
  if (!killed) throw new Error(`the write loop stopped before writing: ${errors}`);
}
