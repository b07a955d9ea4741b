/**
 * A PM's workbook is theirs. The kitchen-sink workbook (made by openpyxl, then given a pivot table,
 * SmartArt and custom XML; see test/fixtures/other-writers/kitchen_sink.py) goes through `init` and
 * three `run`s that each write, with a person's edit before each later run. Afterwards:
 * - every package part except the worksheets productops writes and styles.xml is byte for byte what it was;
 * - inside those worksheets, every cell of a column productops does not own is the same `<c>`
 *   element, and everything outside the cells (views, conditional formats, validations, drawings,
 *   comments' anchors…) is unchanged, apart from the columns, dropdowns and header notes `init` adds;
 * - styles.xml only gains the formats of the columns `init` adds (header fill, score number format).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CellValue } from '../../src/sheets/sheet-store.js';
import {
  mathModelsTab,
  normalizeHeader,
  paramsTab,
  scoringTab,
  type TabSpec,
} from '../../src/sheets/tabs.js';
import { XlsxSheetStore } from '../../src/sheets/xlsx/index.js';
import { runCli } from '../support/cli.js';
import { requireOtherWriters, runPython } from '../support/other-writers.js';
import { unzip } from './xlsx-fixtures.js';

const WRITTEN_TABS: Record<string, TabSpec> = {
  Scoring_Inputs: scoringTab,
  MathModels: mathModelsTab,
  Params: paramsTab,
};

let folder: string | undefined;
afterEach(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
  folder = undefined;
});

/** `<c>` elements of a worksheet by reference (`B7`), as written. */
function cellElements(xml: string): Map<string, string> {
  const cells = new Map<string, string>();
  for (const match of xml.matchAll(/<c\s[^>]*?r="([A-Z]+\d+)"[^>]*?(?:\/>|>[\s\S]*?<\/c>)/g)) {
    cells.set(match[1]!, match[0]);
  }
  return cells;
}

/** Column letters → header text, from row 1 as the store reads it. */
async function headersByLetter(path: string, tab: string): Promise<Map<string, string>> {
  const data = (await new XlsxSheetStore(path).read([tab])).get(tab)!;
  const letters = new Map<string, string>();
  data.header.forEach((header, index) => {
    if (header !== null) letters.set(letterOf(index), normalizeHeader(String(header)));
  });
  return letters;
}

function letterOf(index: number): string {
  let letters = '';
  for (let rest = index + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  }
  return letters;
}

/** The worksheet with its cells, its dimension and the elements `init` may add to taken out. */
function withoutCells(xml: string): string {
  return xml
    .replace(/<sheetData>[\s\S]*<\/sheetData>|<sheetData\/>/, '')
    .replace(/<dimension [^>]*\/>/, '')
    .replace(/<cols>[\s\S]*?<\/cols>/, '')
    .replace(/<dataValidations[\s\S]*?<\/dataValidations>/, '');
}

/** Child elements of `<cols>` and `<dataValidations>`, which must all survive. */
function columnsAndValidations(xml: string): string[] {
  const cols = /<cols>([\s\S]*?)<\/cols>/.exec(xml)?.[1] ?? '';
  const validations = /<dataValidations[^>]*>([\s\S]*?)<\/dataValidations>/.exec(xml)?.[1] ?? '';
  return [
    ...cols.match(/<col [^>]*\/>/g)!,
    ...(validations.match(/<dataValidation [\s\S]*?<\/dataValidation>/g) ?? []),
  ];
}

/**
 * styles.xml after `init` added columns: each format list (`numFmts`, `fonts`, `fills`,
 * `cellXfs`) starts with its original entries, so every `s="N"` in the workbook means what it did;
 * outside those lists nothing but their counts changed.
 */
function expectOnlyAppended(before: Buffer, after: Buffer): void {
  const lists = ['numFmts', 'fonts', 'fills', 'cellXfs'];
  const list = (xml: string, name: string) =>
    new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml)?.[1] ?? '';
  const outside = (xml: string) =>
    lists.reduce(
      (rest, name) =>
        rest.replace(new RegExp(`<${name}(?:\\s[^>]*)?>[\\s\\S]*?</${name}>|<${name}[^>]*/>`), `<${name}/>`),
      xml,
    );
  const [old, now] = [before.toString('utf8'), after.toString('utf8')];
  for (const name of lists) expect(list(now, name).startsWith(list(old, name)), name).toBe(true);
  expect(outside(now)).toBe(outside(old));
}

async function setCell(path: string, tab: string, row: number, header: string, value: CellValue) {
  const store = new XlsxSheetStore(path);
  const data = (await store.read([tab])).get(tab)!;
  const column = data.header.findIndex((cell) => normalizeHeader(String(cell)) === header);
  const result = await store.write([{ tab, updates: [{ row, column, value }] }]);
  expect(result.cellsWritten).toBe(1);
  return `${letterOf(column)}${row}`;
}

function cellsWritten(stdout: string): number {
  const report = JSON.parse(stdout) as { steps: { cellsWritten: number }[] };
  return report.steps.reduce((sum, step) => sum + step.cellsWritten, 0);
}

describe('a PM workbook with a chart, a chart sheet, a pivot table, SmartArt, comments and custom XML', () => {
  it('keeps every part it does not write, and every cell it does not own, through init and three runs', async (context) => {
    requireOtherWriters(context);
    folder = await mkdtemp(join(tmpdir(), 'productops-preservation-'));
    await mkdir(join(folder, 'workbooks'));
    const productOps = join(folder, 'workbooks', 'productops.xlsx');
    const backlog = join(folder, 'workbooks', 'central-backlog.xlsx');
    await runPython('kitchen_sink.py', [productOps]);
    const config = join(folder, 'productops.config.json');
    await writeFile(
      config,
      JSON.stringify({
        backlog: { kind: 'xlsx', path: 'workbooks/central-backlog.xlsx', tab: 'Backlog' },
        productOps: { kind: 'xlsx', path: 'workbooks/productops.xlsx' },
        database: { url: 'sqlite:productops.db' },
      }),
    );
    const original = unzip(await readFile(productOps));
    const partOf = (tab: string) => {
      // The fixture names its sheets in tab order; the store never renames parts.
      const workbook = original.get('xl/workbook.xml')!.toString('utf8');
      const rels = original.get('xl/_rels/workbook.xml.rels')!.toString('utf8');
      const id = new RegExp(`<sheet [^>]*name="${tab}"[^>]*r:id="([^"]+)"`).exec(workbook)![1];
      const target = new RegExp(`Id="${id}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="${id}"`).exec(
        rels,
      )!;
      return `xl/${(target[1] ?? target[2])!.replace(/^\/?xl\//, '')}`;
    };
    const writtenParts = new Map(Object.keys(WRITTEN_TABS).map((tab) => [partOf(tab), tab]));
    expect(original.has('xl/charts/chart1.xml')).toBe(true);
    expect(original.has('xl/pivotTables/pivotTable1.xml')).toBe(true);
    expect(original.has('xl/diagrams/data1.xml')).toBe(true);
    expect(original.has('customXml/item1.xml')).toBe(true);
    expect([...original.keys()].some((name) => name.startsWith('xl/chartsheets/'))).toBe(true);
    expect([...original.keys()].some((name) => name.startsWith('xl/comments'))).toBe(true);

    const init = await runCli(['init', '--config', config], folder);
    expect(init.code).toBe(0);
    // The Backlog holds the initiatives of the PM's scoreboard.
    const backlogStore = new XlsxSheetStore(backlog);
    const header = (await backlogStore.read(['Backlog'])).get('Backlog')!.header.map((cell) => String(cell));
    const row = (values: Record<string, CellValue>) => header.map((name) => values[name] ?? null);
    await backlogStore.write([
      {
        tab: 'Backlog',
        appends: [
          row({
            initiative_key: 'INIT-000001',
            title: 'Checkout redesign',
            active_scoring_framework: 'RICE',
          }),
          row({ initiative_key: 'INIT-000002', title: 'Dark mode', active_scoring_framework: 'RICE' }),
          row({
            initiative_key: 'INIT-000003',
            title: 'Support chatbot deflection',
            active_scoring_framework: 'MATH_MODEL',
            use_math_model: true,
          }),
          row({ initiative_key: 'INIT-000004', title: 'Search relevance', active_scoring_framework: 'RICE' }),
        ],
      },
    ]);

    const edited = new Set<string>();
    const first = await runCli(['run', '--json', '--config', config], folder);
    expect(first.code, first.stderr).not.toBe(1);
    expect(cellsWritten(first.stdout)).toBeGreaterThan(0);
    edited.add(`Params!${await setCell(productOps, 'Params', 2, 'value', 1500)}`);
    const second = await runCli(['run', '--json', '--config', config], folder);
    expect(cellsWritten(second.stdout)).toBeGreaterThan(0);
    edited.add(`Scoring_Inputs!${await setCell(productOps, 'Scoring_Inputs', 2, 'rice_reach', 9500)}`);
    const third = await runCli(['run', '--json', '--config', config], folder);
    expect(cellsWritten(third.stdout)).toBeGreaterThan(0);
    const fourth = await runCli(['run', '--json', '--config', config], folder);
    expect(cellsWritten(fourth.stdout)).toBe(0);

    const final = unzip(await readFile(productOps));
    expect([...final.keys()].sort()).toEqual([...original.keys()].sort());
    const changed = [...original]
      .filter(([name, bytes]) => !final.get(name)!.equals(bytes))
      .map(([name]) => name);
    expect(changed.length).toBeGreaterThan(0);
    // init added columns productops computes, so styles.xml gained their formats (and only that).
    expect(init.stderr).toContain("added column 'rice_value_score'");
    expect(changed.filter((name) => !writtenParts.has(name) && name !== 'xl/styles.xml')).toEqual([]);
    expectOnlyAppended(original.get('xl/styles.xml')!, final.get('xl/styles.xml')!);

    for (const [part, tab] of writtenParts) {
      const before = original.get(part)!.toString('utf8');
      const after = final.get(part)!.toString('utf8');
      expect(withoutCells(after), `${tab}: everything outside the cells`).toBe(withoutCells(before));
      for (const element of columnsAndValidations(before)) expect(after, tab).toContain(element);
      const owners = new Map(WRITTEN_TABS[tab]!.columns.map((column) => [column.name, column.owner]));
      const headers = await headersByLetter(productOps, tab);
      const afterCells = cellElements(after);
      let compared = 0;
      for (const [reference, element] of cellElements(before)) {
        const letter = /^[A-Z]+/.exec(reference)![0];
        const owner = owners.get(headers.get(letter) ?? '');
        const ours = owner !== undefined && owner !== 'pm' && owner !== 'shared';
        if (reference.endsWith('1') && /^[A-Z]+1$/.test(reference)) {
          expect(afterCells.get(reference), `${tab}!${reference}`).toBe(element);
          continue;
        }
        if (ours || edited.has(`${tab}!${reference}`)) continue;
        expect(afterCells.get(reference), `${tab}!${reference}`).toBe(element);
        compared++;
      }
      expect(compared, tab).toBeGreaterThan(0);
    }
  }, 120_000);
});

describe('init adding a tab to a PM workbook', () => {
  it('adds a sheet part and its entries, changes no other part, and other programs open the result', async (context) => {
    requireOtherWriters(context);
    folder = await mkdtemp(join(tmpdir(), 'productops-preservation-'));
    const path = join(folder, 'productops.xlsx');
    await runPython('kitchen_sink.py', [path]);
    const original = unzip(await readFile(path));
    const store = new XlsxSheetStore(path);
    const added = await store.ensureTabs([
      {
        name: 'Backlog',
        headers: ['initiative_key', 'title', 'active_scoring_framework', 'use_math_model'],
        dropdowns: { active_scoring_framework: ['RICE', 'WSJF', 'MATH_MODEL'] },
        checkboxes: ['use_math_model'],
      },
    ]);
    expect(added.tabsAdded).toEqual(['Backlog']);
    const final = unzip(await readFile(path));
    const newParts = [...final.keys()].filter((name) => !original.has(name));
    expect(newParts).toHaveLength(1);
    expect(newParts[0]).toMatch(/^xl\/worksheets\/sheet\d+\.xml$/);
    expect([...original.keys()].filter((name) => !final.has(name))).toEqual([]);
    const changed = [...original]
      .filter(([name, bytes]) => !final.get(name)!.equals(bytes))
      .map(([name]) => name);
    // The workbook's tab list, its relationships and content types; styles only for the bold header.
    const allowed = ['[Content_Types].xml', 'xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/styles.xml'];
    expect(changed.filter((name) => !allowed.includes(name))).toEqual([]);
    expect(changed).toEqual(expect.arrayContaining(allowed.slice(0, 3)));
    // The new tab comes last, so sheet-indexed references (a defined name's localSheetId) still point where they did.
    const workbook = final.get('xl/workbook.xml')!.toString('utf8');
    const names = [...workbook.matchAll(/<sheet [^>]*name="([^"]+)"/g)].map((match) => match[1]);
    expect(names.at(-1)).toBe('Backlog');
    expect(names.slice(0, -1)).toEqual(
      [
        ...original
          .get('xl/workbook.xml')!
          .toString('utf8')
          .matchAll(/<sheet [^>]*name="([^"]+)"/g),
      ].map((m) => m[1]),
    );

    // openpyxl opens it and sees the new tab's header, bold and frozen, with its dropdowns.
    const script =
      'import json, sys\nfrom openpyxl import load_workbook\nwb = load_workbook(sys.argv[1])\nws = wb["Backlog"]\n' +
      'print(json.dumps({"sheets": wb.sheetnames, "header": [c.value for c in ws[1]], "bold": ws["A1"].font.b, ' +
      '"freeze": ws.freeze_panes, "validations": sorted(str(v.sqref) for v in ws.data_validations.dataValidation)}))';
    await writeFile(join(folder, 'look_at_backlog.py'), script);
    const { execFileSync } = await import('node:child_process');
    const seen = JSON.parse(
      execFileSync('/usr/bin/python3', [join(folder, 'look_at_backlog.py'), path], { encoding: 'utf8' }),
    );
    expect(seen.sheets.at(-1)).toBe('Backlog');
    expect(seen.header).toEqual(['initiative_key', 'title', 'active_scoring_framework', 'use_math_model']);
    expect(seen.bold).toBe(true);
    expect(seen.freeze).toBe('A2');
    expect(seen.validations).toEqual(['C2:C5000', 'D2:D5000']);
  }, 60_000);
});
