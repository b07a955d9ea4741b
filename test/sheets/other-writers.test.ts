/**
 * The .xlsx store against files other programs wrote: LibreOffice Calc 7.4 (headless `soffice`)
 * and openpyxl 3.0, the two writers a PM's workbook most often passes through besides Excel.
 *
 * The corpus (built once, below): the `demo` workbooks; the same re-saved by LibreOffice; edited
 * by openpyxl the way a person would (rows sorted, a column inserted and one hidden, a helper
 * formula column, booleans, 80% and £1,200 cells); LibreOffice's file saved again by openpyxl; a
 * Params value written as a formula without a saved result; and the PM workbooks of
 * `test/fixtures/other-writers/` (charts, a chart sheet, comments, a pivot table, SmartArt, custom
 * XML). Each fixture's raw XML is checked too, so a test cannot pass because the case it is about
 * never happened.
 *
 * What the writers do to cells, as found in their files:
 * - LibreOffice saves every boolean as a formula: `<c t="b"><f aca="false">TRUE()</f><v>1</v></c>`;
 *   a formula's cached result is always there, 0 included (`<f aca="false">G2*2</f><v>0</v>`);
 *   0.8 formatted 80% is `<v>0.8</v>` with numFmt `0%`, 1200 as £1,200 with numFmt `\£#,##0`.
 * - openpyxl writes booleans as `t="b"`, a formula it cannot calculate with an empty result
 *   (`<f>G2*2</f><v></v>`), and re-saving LibreOffice's booleans gives `<f>TRUE()</f><v></v>`.
 *
 * LibreOffice takes seconds per start, so the whole file starts it three times, each time for
 * many files.
 */
import { cpSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellValue, TabData } from '../../src/sheets/sheet-store.js';
import { XlsxSheetStore } from '../../src/sheets/xlsx/index.js';
import { runCli } from '../support/cli.js';
import {
  libreOfficeCsvs,
  missingOtherWriters,
  requireOtherWriters,
  resaveWithLibreOffice,
  runPython,
} from '../support/other-writers.js';
import { unzip } from './xlsx-fixtures.js';

const PRODUCT_OPS_TABS = ['Scoring_Inputs', 'MathModels', 'Params'];
const BACKLOG_TABS = ['Backlog'];
/** The columns that identify a row of each tab (SHEETS.md row keys). */
const ROW_KEYS: Record<string, string[]> = {
  Backlog: ['initiative_key'],
  Scoring_Inputs: ['initiative_key'],
  MathModels: ['initiative_key', 'model_name'],
  Params: ['initiative_key', 'framework', 'param_name'],
};

/** What `edit_like_a_person.py` prints. */
interface EditedCell {
  tab: string;
  cell: string;
  /** 1-based, as a person sees it. */
  row: number;
  /** 0-based. */
  column: number;
  header: string;
  value: CellValue;
  numberFormat?: string;
}
interface EditSummary {
  edit: 'tidy' | 'formula-param' | 'none';
  tabs: Record<
    string,
    {
      sortedBy: string;
      rowOrder: string[];
      insertedColumn?: { letter: string; index: number; header: string };
      hiddenColumn?: { letter: string; index: number; header: string };
      helperColumn?: { letter: string; index: number; header: string; formula: string };
    }
  >;
  cells: EditedCell[];
  booleans: EditedCell[];
  formulaParam: (EditedCell & { key: string; formula: string }) | null;
}

interface RunJson {
  ok: boolean;
  steps: { name: string; rowsRead: number; cellsWritten: number; warnings: number }[];
  warnings: { tab: string; row: number | null; key: string | null; message: string }[];
}

interface Corpus {
  root: string;
  /** The folder `demo` made (config, SQLite database, workbooks), as the demo left it. */
  demo: string;
  /** The demo folder after one more `run`, and that run's report. */
  baseline: { folder: string; report: RunJson };
  productOps: string;
  backlog: string;
  libreOffice: { productOps: string; backlog: string; tidyProductOps: string };
  /** LibreOffice's productops.xlsx, opened and saved by openpyxl without a change. */
  libreOfficeThenOpenpyxl: string;
  tidy: { productOps: string; backlog: string; productOpsSummary: EditSummary; backlogSummary: EditSummary };
  formulaParam: { productOps: string; summary: EditSummary };
  kitchenSink: { path: string; parts: string[] };
  embeddedChart: string;
  chartSheet: string;
  /** LibreOffice's CSV export of the baseline workbooks and of the PM fixtures: file → tab → rows. */
  csv: Map<string, Map<string, string[][]>>;
}

let corpus: Corpus;

beforeAll(async () => {
  // Without the tools every test skips (or fails under CI) through requireOtherWriters.
  if (missingOtherWriters() !== null) return;
  const root = await mkdtemp(join(tmpdir(), 'productops-other-writers-'));
  try {
    corpus = await buildCorpus(root);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}, 300_000);

afterAll(async () => {
  if (corpus) await rm(corpus.root, { recursive: true, force: true });
});

async function buildCorpus(root: string): Promise<Corpus> {
  const demo = join(root, 'demo');
  const made = await runCli(['demo', demo, '--json'], root);
  if (made.code !== 0) throw new Error(`demo failed (${made.code}): ${made.stderr}`);
  const productOps = join(demo, 'workbooks/productops.xlsx');
  const backlog = join(demo, 'workbooks/central-backlog.xlsx');

  const edited = join(root, 'openpyxl');
  const tidyProductOps = join(edited, 'productops-tidy.xlsx');
  const tidyBacklog = join(edited, 'central-backlog-tidy.xlsx');
  const formulaParam = join(edited, 'productops-formula-param.xlsx');
  const kitchenSink = join(root, 'pm/kitchen-sink.xlsx');
  const charts = join(root, 'charts');
  const [tidyProductOpsOut, tidyBacklogOut, formulaParamOut, kitchenSinkOut] = await Promise.all([
    runPython('edit_like_a_person.py', [productOps, tidyProductOps, '--edit', 'tidy']),
    runPython('edit_like_a_person.py', [backlog, tidyBacklog, '--edit', 'tidy']),
    runPython('edit_like_a_person.py', [productOps, formulaParam, '--edit', 'formula-param']),
    runPython('kitchen_sink.py', [kitchenSink]),
    runPython('chart_workbooks.py', [charts]),
  ]);

  const baselineFolder = copyDemo(demo, join(root, 'baseline'));
  const baseline = await runJson(baselineFolder);

  const libreOfficeFolder = join(root, 'libreoffice');
  const embeddedChart = join(charts, 'embedded-chart.xlsx');
  const chartSheet = join(charts, 'chart-sheet.xlsx');
  const [[loProductOps, loBacklog, loTidy], csv] = await Promise.all([
    resaveWithLibreOffice([productOps, backlog, tidyProductOps], libreOfficeFolder),
    libreOfficeCsvs([
      join(baselineFolder, 'workbooks/productops.xlsx'),
      join(baselineFolder, 'workbooks/central-backlog.xlsx'),
      kitchenSink,
      embeddedChart,
      chartSheet,
    ]),
  ]);
  const libreOfficeThenOpenpyxl = join(root, 'libreoffice-openpyxl/productops.xlsx');
  await runPython('edit_like_a_person.py', [loProductOps!, libreOfficeThenOpenpyxl, '--edit', 'none']);

  return {
    root,
    demo,
    baseline: { folder: baselineFolder, report: baseline },
    productOps,
    backlog,
    libreOffice: { productOps: loProductOps!, backlog: loBacklog!, tidyProductOps: loTidy! },
    libreOfficeThenOpenpyxl,
    tidy: {
      productOps: tidyProductOps,
      backlog: tidyBacklog,
      productOpsSummary: JSON.parse(tidyProductOpsOut) as EditSummary,
      backlogSummary: JSON.parse(tidyBacklogOut) as EditSummary,
    },
    formulaParam: { productOps: formulaParam, summary: JSON.parse(formulaParamOut) as EditSummary },
    kitchenSink: { path: kitchenSink, parts: kitchenSinkOut.trim().split('\n') },
    embeddedChart,
    chartSheet,
    csv,
  };
}

function copyDemo(demo: string, folder: string): string {
  cpSync(demo, folder, { recursive: true });
  return folder;
}

async function runJson(folder: string): Promise<RunJson> {
  const result = await runCli(['run', '--config', join(folder, 'productops.config.json'), '--json'], folder);
  if (result.code !== 0) throw new Error(`run failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as RunJson;
}

const cellsWritten = (report: RunJson) => report.steps.reduce((sum, step) => sum + step.cellsWritten, 0);

async function read(path: string, tabs: string[]): Promise<Map<string, TabData | null>> {
  return new XlsxSheetStore(path).read(tabs);
}

async function readTab(path: string, tab: string): Promise<TabData> {
  const data = (await read(path, [tab])).get(tab);
  if (!data) throw new Error(`${path} has no tab ${tab}`);
  return data;
}

/** The raw XML of a part, found by the tab it belongs to (via workbook.xml and its rels). */
function sheetXml(path: string, tab: string): string {
  const parts = unzip(readFileSync(path));
  const workbook = parts.get('xl/workbook.xml')!.toString('utf8');
  const rels = parts.get('xl/_rels/workbook.xml.rels')!.toString('utf8');
  const sheet = [...workbook.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)]
    .map((m) => m[0])
    .find((element) => element.includes(`name="${tab}"`));
  const id = sheet && /r:id="([^"]+)"/.exec(sheet)?.[1];
  const relationship = [...rels.matchAll(/<Relationship\b[^>]*>/g)]
    .map((m) => m[0])
    .find((element) => element.includes(`Id="${id}"`));
  const target = relationship && /Target="([^"]+)"/.exec(relationship)?.[1];
  if (!target) throw new Error(`no part for tab ${tab} in ${path}`);
  const name = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
  return parts.get(name)!.toString('utf8');
}

/** The `<c>` element of one cell, e.g. `<c r="D2" t="b"><v>1</v></c>`. */
function cellXml(xml: string, ref: string): string | undefined {
  return new RegExp(`<c r="${ref}"(?:\\s[^>]*)?(?:/>|>.*?</c>)`, 's').exec(xml)?.[0];
}

/** Excel's built-in number formats that the writers here use (ECMA-376 Part 1, 18.8.30). */
const BUILT_IN_FORMATS: Record<string, string> = { '0': 'General', '9': '0%', '10': '0.00%' };

/** The number format code of one cell, from its style index and styles.xml. */
function numberFormatOf(path: string, tab: string, ref: string): string {
  const styles = unzip(readFileSync(path)).get('xl/styles.xml')!.toString('utf8');
  const style = Number(/\ss="(\d+)"/.exec(cellXml(sheetXml(path, tab), ref) ?? '')?.[1] ?? 0);
  const cellXfs = /<cellXfs\b[^>]*>(.*?)<\/cellXfs>/s.exec(styles)?.[1] ?? '';
  const xf = [...cellXfs.matchAll(/<xf\b[^>]*>/g)][style]?.[0] ?? '';
  const id = /numFmtId="(\d+)"/.exec(xf)?.[1] ?? '0';
  const custom = new RegExp(`<numFmt\\b[^>]*numFmtId="${id}"[^>]*formatCode="([^"]*)"`).exec(styles)?.[1];
  const code = custom ?? BUILT_IN_FORMATS[id] ?? `built-in ${id}`;
  return code.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

function columnLetters(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** Each row of a tab by its row key, as header → value (every header the tab has). */
function rowsByKey(tab: TabData): Map<string, Map<string, CellValue>> {
  const headers = tab.header.map((cell) => (typeof cell === 'string' ? cell : ''));
  const keyColumns = ROW_KEYS[tab.name]!.map((name) => headers.indexOf(name));
  const rows = new Map<string, Map<string, CellValue>>();
  for (const row of tab.rows) {
    const parts = keyColumns.map((column) => String(row.cells[column] ?? ''));
    if (parts.every((part) => part === '')) continue;
    let key = parts.join('/');
    for (let n = 2; rows.has(key); n++) key = `${parts.join('/')}#${n}`;
    rows.set(key, new Map(headers.filter(Boolean).map((h, i) => [h, row.cells[i] ?? null])));
  }
  return rows;
}

function withoutTrailingBlanks(cells: CellValue[]): CellValue[] {
  let end = cells.length;
  while (end > 0 && (cells[end - 1] ?? null) === null) end--;
  return cells.slice(0, end);
}

function valueAt(tab: TabData, row: number, column: number): CellValue {
  return tab.rows.find((r) => r.rowNumber === row)?.cells[column] ?? null;
}

function column(tab: TabData, header: string): number {
  const index = tab.header.indexOf(header);
  if (index < 0) throw new Error(`${tab.name} has no column ${header}`);
  return index;
}

describe('reading what LibreOffice and openpyxl saved', () => {
  it('LibreOffice re-save: every value reads as productops wrote it; TRUE()/FALSE() formulas are booleans', async (context) => {
    requireOtherWriters(context);
    const params = sheetXml(corpus.libreOffice.productOps, 'Params');
    // The case is real: LibreOffice stores booleans as formulas with a cached result.
    expect(params).toMatch(/<c [^>]*t="b"[^>]*><f[^>]*>TRUE\(\)<\/f><v>1<\/v><\/c>/);
    expect(params).toMatch(/<c [^>]*t="b"[^>]*><f[^>]*>FALSE\(\)<\/f><v>0<\/v><\/c>/);

    for (const [original, resaved, tabs] of [
      [corpus.productOps, corpus.libreOffice.productOps, PRODUCT_OPS_TABS],
      [corpus.backlog, corpus.libreOffice.backlog, BACKLOG_TABS],
    ] as const) {
      const before = await read(original, tabs);
      const after = await read(resaved, tabs);
      for (const tab of tabs) expect(after.get(tab), `${basename(resaved)} ${tab}`).toEqual(before.get(tab));
    }
    const approved = await readTab(corpus.libreOffice.productOps, 'Params');
    const values = approved.rows.map((row) => row.cells[column(approved, 'approved')]);
    expect(values).toContain(true);
    expect(values).toContain(false);
  });

  it('openpyxl after LibreOffice: TRUE()/FALSE() without a saved result still read as booleans', async (context) => {
    requireOtherWriters(context);
    const params = sheetXml(corpus.libreOfficeThenOpenpyxl, 'Params');
    expect(params).toMatch(/<f>TRUE\(\)<\/f><v\s*\/?>(?:<\/v>)?<\/c>/);
    expect(params).toMatch(/<f>FALSE\(\)<\/f><v\s*\/?>(?:<\/v>)?<\/c>/);
    expect(params).not.toMatch(/<f>TRUE\(\)<\/f><v>1<\/v>/);

    const before = await read(corpus.productOps, PRODUCT_OPS_TABS);
    const after = await read(corpus.libreOfficeThenOpenpyxl, PRODUCT_OPS_TABS);
    for (const tab of PRODUCT_OPS_TABS) expect(after.get(tab), tab).toEqual(before.get(tab));
  });

  it('openpyxl edit: sorted rows, inserted and hidden columns, helper formulas, booleans, 80% and £1,200', async (context) => {
    requireOtherWriters(context);
    const { productOps: path, productOpsSummary: summary } = corpus.tidy;
    const scoringXml = sheetXml(path, 'Scoring_Inputs');
    const paramsXml = sheetXml(path, 'Params');
    const helper = summary.tabs.Scoring_Inputs!.helperColumn!;
    expect(cellXml(scoringXml, `${helper.letter}2`)).toMatch(/<f>[A-Z]+2\*2<\/f><v\s*\/?>(?:<\/v>)?<\/c>$/);
    const percent = summary.cells.filter((c) => c.numberFormat === '0%');
    const pounds = summary.cells.filter((c) => c.numberFormat === '"£"#,##0');
    expect(percent.length).toBeGreaterThan(0);
    expect(pounds).toHaveLength(1);
    expect(cellXml(scoringXml, percent[0]!.cell)).toMatch(/<v>0\.8<\/v>/);
    expect(cellXml(paramsXml, pounds[0]!.cell)).toMatch(/<v>1200<\/v>/);
    expect(numberFormatOf(path, 'Scoring_Inputs', percent[0]!.cell)).toBe('0%');
    expect(numberFormatOf(path, 'Params', pounds[0]!.cell)).toBe('"£"#,##0');
    expect(summary.booleans.length).toBeGreaterThan(50);

    const tabs = await read(path, PRODUCT_OPS_TABS);
    for (const cell of [...summary.cells, ...summary.booleans]) {
      expect(valueAt(tabs.get(cell.tab)!, cell.row, cell.column), `${cell.tab}!${cell.cell}`).toBe(
        cell.value,
      );
    }
    const scoring = tabs.get('Scoring_Inputs')!;
    expect(scoring.header[summary.tabs.Scoring_Inputs!.insertedColumn!.index]).toBe('pm_comment');
    expect(scoring.header[helper.index]).toBe('pm_helper');

    // Every row still holds what it held before, wherever it moved.
    const before = await read(corpus.productOps, PRODUCT_OPS_TABS);
    for (const tab of PRODUCT_OPS_TABS) {
      expect(rowsOf(tabs.get(tab)!), tab).toEqual(rowsOf(before.get(tab)!));
    }
    expect(scoring.rows.map((row) => row.cells[0])).not.toEqual(
      before.get('Scoring_Inputs')!.rows.map((row) => row.cells[0]),
    );
  });

  it('LibreOffice after the openpyxl edit: 80%, £1,200, booleans and formula results, 0 included', async (context) => {
    requireOtherWriters(context);
    const path = corpus.libreOffice.tidyProductOps;
    const summary = corpus.tidy.productOpsSummary;
    const helper = summary.tabs.Scoring_Inputs!.helperColumn!;
    const scoringXml = sheetXml(path, 'Scoring_Inputs');
    const percent = summary.cells.find((c) => c.numberFormat === '0%')!;
    const pounds = summary.cells.find((c) => c.numberFormat === '"£"#,##0')!;
    expect(numberFormatOf(path, 'Scoring_Inputs', percent.cell)).toBe('0%');
    expect(numberFormatOf(path, 'Params', pounds.cell)).toBe('\\£#,##0');
    // LibreOffice calculated the helper formulas and saved their results, 0 too.
    expect(scoringXml).toMatch(
      new RegExp(`<c r="${helper.letter}\\d+"[^>]*><f[^>]*>[A-Z]+\\d+\\*2</f><v>0</v></c>`),
    );

    const tabs = await read(path, PRODUCT_OPS_TABS);
    for (const cell of [...summary.cells, ...summary.booleans]) {
      expect(valueAt(tabs.get(cell.tab)!, cell.row, cell.column), `${cell.tab}!${cell.cell}`).toBe(
        cell.value,
      );
    }
    const scoring = tabs.get('Scoring_Inputs')!;
    const impact = column(scoring, 'rice_impact');
    const doubled = scoring.rows
      .filter((row) => row.cells[0] !== null && row.cells[0] !== undefined)
      .map((row) => ({
        row: row.rowNumber,
        helper: row.cells[helper.index] ?? null,
        expected: 2 * Number(row.cells[impact] ?? 0),
      }));
    expect(doubled.length).toBeGreaterThan(20);
    expect(doubled.some((d) => d.expected === 0)).toBe(true);
    for (const d of doubled) expect(d.helper, `Scoring_Inputs row ${d.row}`).toBe(d.expected);
  });
});

/** A tab's rows by key, without the columns the edit added. */
function rowsOf(tab: TabData): Map<string, Map<string, CellValue>> {
  const rows = rowsByKey(tab);
  for (const row of rows.values()) {
    row.delete('pm_comment');
    row.delete('pm_helper');
  }
  return rows;
}

describe('a run on workbooks another program saved', () => {
  it('after a LibreOffice re-save, a run writes nothing and reports nothing new', async (context) => {
    requireOtherWriters(context);
    expect(cellsWritten(corpus.baseline.report)).toBe(0);
    const folder = copyDemo(corpus.demo, join(corpus.root, 'run-after-libreoffice'));
    const productOps = join(folder, 'workbooks/productops.xlsx');
    const backlog = join(folder, 'workbooks/central-backlog.xlsx');
    await copyFile(corpus.libreOffice.productOps, productOps);
    await copyFile(corpus.libreOffice.backlog, backlog);

    const report = await runJson(folder);
    expect(report.steps.map((s) => [s.name, s.cellsWritten])).toEqual(report.steps.map((s) => [s.name, 0]));
    expect(report.warnings.filter((w) => w.message.includes('was replaced'))).toEqual([]);
    expect(report.warnings).toEqual(corpus.baseline.report.warnings);
    // Nothing to write, so the files are left exactly as LibreOffice saved them.
    expect(readFileSync(productOps).equals(readFileSync(corpus.libreOffice.productOps))).toBe(true);
    expect(readFileSync(backlog).equals(readFileSync(corpus.libreOffice.backlog))).toBe(true);
  });

  it('after an openpyxl edit of nothing that matters (sorted, hidden, helper column), a run writes nothing', async (context) => {
    requireOtherWriters(context);
    const folder = copyDemo(corpus.demo, join(corpus.root, 'run-after-openpyxl'));
    const productOps = join(folder, 'workbooks/productops.xlsx');
    const backlog = join(folder, 'workbooks/central-backlog.xlsx');
    await copyFile(corpus.tidy.productOps, productOps);
    await copyFile(corpus.tidy.backlog, backlog);

    const report = await runJson(folder);
    expect(report.steps.map((s) => [s.name, s.cellsWritten])).toEqual(report.steps.map((s) => [s.name, 0]));
    expect(report.warnings.filter((w) => w.message.includes('was replaced'))).toEqual([]);
    // The same warnings for the same rows, wherever the rows went.
    const withoutRow = (w: RunJson['warnings'][number]) => `${w.tab} ${w.key} ${w.message}`;
    expect(report.warnings.map(withoutRow).sort()).toEqual(
      corpus.baseline.report.warnings.map(withoutRow).sort(),
    );

    // The rows did move; keys and scores stayed with them.
    const originalOrder = (await readTab(corpus.backlog, 'Backlog')).rows.map((row) => row.cells[0] ?? '');
    expect(corpus.tidy.backlogSummary.tabs.Backlog!.rowOrder).not.toEqual(originalOrder);
    for (const [edited, original, tabs] of [
      [productOps, corpus.productOps, PRODUCT_OPS_TABS],
      [backlog, corpus.backlog, BACKLOG_TABS],
    ] as const) {
      const after = await read(edited, tabs);
      const before = await read(original, tabs);
      for (const tab of tabs) expect(rowsOf(after.get(tab)!), tab).toEqual(rowsOf(before.get(tab)!));
    }
  });

  it('a Params value that is a formula with no saved result is reported as such, with the fix', async (context) => {
    requireOtherWriters(context);
    const written = corpus.formulaParam.summary.formulaParam!;
    const xml = sheetXml(corpus.formulaParam.productOps, 'Params');
    expect(cellXml(xml, written.cell)).toMatch(/<f>120000\*2<\/f><v\s*\/?>(?:<\/v>)?<\/c>$/);

    const folder = copyDemo(corpus.demo, join(corpus.root, 'run-formula-param'));
    const productOps = join(folder, 'workbooks/productops.xlsx');
    await copyFile(corpus.formulaParam.productOps, productOps);
    const report = await runJson(folder);

    const about = report.warnings.filter((w) => w.tab === 'Params' && w.row === written.row);
    expect(about.map((w) => w.message).join('\n')).toMatch(/has no saved result/);
    expect(about.map((w) => w.message).join('\n')).toMatch(/(Excel|LibreOffice)/);
    for (const warning of about) expect(warning.message).not.toMatch(/missing/i);
    // The person's cell is theirs: still the formula.
    expect(cellXml(sheetXml(productOps, 'Params'), written.cell)).toMatch(/<f>120000\*2<\/f>/);
  });
});

describe('LibreOffice opens what productops wrote', () => {
  it('after demo and run, LibreOffice shows every value the store reads, cell by cell', async (context) => {
    requireOtherWriters(context);
    const mismatches: string[] = [];
    let compared = 0;
    for (const [file, tabs] of [
      ['workbooks/productops.xlsx', PRODUCT_OPS_TABS],
      ['workbooks/central-backlog.xlsx', BACKLOG_TABS],
    ] as const) {
      const path = join(corpus.baseline.folder, file);
      const shown = corpus.csv.get(path)!;
      const stored = await read(path, tabs);
      expect([...shown.keys()].sort()).toEqual([...tabs].sort());
      for (const tab of tabs) {
        const data = stored.get(tab)!;
        const grid = new Map<number, CellValue[]>([
          [1, data.header],
          ...data.rows.map((r) => [r.rowNumber, r.cells] as const),
        ]);
        const csv = shown.get(tab)!;
        const lastRow = Math.max(csv.length, data.lastRow);
        for (let row = 1; row <= lastRow; row++) {
          const cells = grid.get(row) ?? [];
          const texts = csv[row - 1] ?? [];
          for (let col = 0; col < Math.max(cells.length, texts.length); col++) {
            const value = cells[col] ?? null;
            const text = texts[col] ?? '';
            if (value !== null) compared++;
            const problem = compareShown(value, text);
            if (problem) mismatches.push(`${basename(path)} ${tab}!${columnLetters(col)}${row}: ${problem}`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(1000);
  });
});

/** Why LibreOffice's text for a cell does not show the stored value, or null when it does. */
function compareShown(value: CellValue, text: string): string | null {
  const differs = `store ${JSON.stringify(value)}, LibreOffice ${JSON.stringify(text)}`;
  if (value === null) return text === '' ? null : differs;
  if (typeof value === 'boolean') return text === (value ? 'TRUE' : 'FALSE') ? null : differs;
  if (typeof value === 'string') return text === value ? null : differs;
  if (typeof value === 'number') {
    // The export keeps a number format's look: 80%, £1,200, 1,200.
    const percent = text.endsWith('%');
    const shown = Number(
      text
        .replace(/^[£$€]/, '')
        .replace(/,/g, '')
        .replace(/%$/, ''),
    );
    const number = percent ? shown / 100 : shown;
    if (text === '' || Number.isNaN(number)) return differs;
    return Math.abs(number - value) <= 1e-9 * Math.max(1, Math.abs(value)) ? null : differs;
  }
  if (value instanceof Date) return `a date: productops writes dates as ISO text; ${differs}`;
  return `a formula without a saved result; ${differs}`;
}

describe('PM workbooks with charts, pivot tables, SmartArt and more', () => {
  const PM_TABS = [...PRODUCT_OPS_TABS, 'Notes'];

  it('the kitchen sink holds every part it claims, and LibreOffice and openpyxl open it', async (context) => {
    requireOtherWriters(context);
    const parts = unzip(readFileSync(corpus.kitchenSink.path));
    expect([...parts.keys()]).toEqual(corpus.kitchenSink.parts);
    for (const part of [
      'xl/charts/chart1.xml',
      'xl/chartsheets/sheet1.xml',
      'xl/comments/comment1.xml',
      'xl/pivotTables/pivotTable1.xml',
      'xl/pivotCache/pivotCacheDefinition1.xml',
      'xl/pivotCache/pivotCacheRecords1.xml',
      'xl/diagrams/data1.xml',
      'xl/diagrams/layout1.xml',
      'xl/diagrams/quickStyle1.xml',
      'xl/diagrams/colors1.xml',
      'xl/diagrams/drawing1.xml',
      'customXml/item1.xml',
      'customXml/itemProps1.xml',
    ]) {
      expect(parts.has(part), part).toBe(true);
    }
    const scoringRels = parts.get('xl/worksheets/_rels/sheet1.xml.rels')!.toString('utf8');
    // openpyxl's comments relationship has an absolute target (what broke exceljs).
    expect(scoringRels).toContain('Target="/xl/comments/comment1.xml"');
    expect(parts.get('xl/workbook.xml')!.toString('utf8')).toContain('<pivotCaches>');
    const scoringXml = sheetXml(corpus.kitchenSink.path, 'Scoring_Inputs');
    expect(scoringXml).toContain('<conditionalFormatting');
    expect(scoringXml).toContain('<formula1>Notes!$A$1:$A$3</formula1>');
    expect(scoringXml).toContain('state="frozen"');

    // LibreOffice read the pivot table (it redraws it as "Total Result") and every tab.
    const shown = corpus.csv.get(corpus.kitchenSink.path)!;
    expect([...shown.keys()]).toEqual([...PM_TABS, 'Reach chart']);
    expect(shown.get('Notes')!.flat()).toContain('Total Result');
    expect(shown.get('Scoring_Inputs')![1]!.slice(0, 8)).toEqual([
      'INIT-000001',
      'Checkout redesign',
      'RICE',
      'FALSE',
      '9000',
      '2',
      '80%',
      '2',
    ]);
  });

  it.for([
    ['kitchen-sink.xlsx', () => corpus.kitchenSink.path, PM_TABS],
    ['embedded-chart.xlsx', () => corpus.embeddedChart, PRODUCT_OPS_TABS],
    ['chart-sheet.xlsx', () => corpus.chartSheet, PRODUCT_OPS_TABS],
  ] as const)(
    '%s: the store reads every tab and writes a Params value, keeping every other part',
    async ([, source, tabs], context) => {
      requireOtherWriters(context);
      const folder = await mkdtemp(join(corpus.root, 'write-'));
      const path = join(folder, basename(source()));
      await copyFile(source(), path);
      const partsBefore = [...unzip(readFileSync(path)).keys()];

      const store = new XlsxSheetStore(path);
      const data = await store.read(tabs);
      const scoring = data.get('Scoring_Inputs')!;
      expect(scoring.header.slice(0, 8)).toEqual([
        'initiative_key',
        'title',
        'active_scoring_framework',
        'use_math_model',
        'rice_reach',
        'rice_impact',
        'rice_confidence',
        'rice_effort',
      ]);
      // Column I is the PM's helper formula, saved by openpyxl without a result: not compared.
      expect(scoring.rows.map((row) => withoutTrailingBlanks(row.cells.slice(0, 8)))).toEqual([
        ['INIT-000001', 'Checkout redesign', 'RICE', false, 9000, 2, 0.8, 2],
        ['INIT-000002', 'Dark mode', 'RICE', false, 12000, 0.5, 0.8, 3],
        ['INIT-000003', 'Support chatbot deflection', 'MATH_MODEL', true],
        ['INIT-000004', 'Search relevance', 'RICE', false, 4000, 1, 0.5, 5],
      ]);
      expect(data.get('MathModels')!.rows[0]!.cells).toEqual([
        'INIT-000003',
        'INIT-000003_MATH_MODEL_V1',
        'value = a * b\neffort = 2',
        true,
      ]);
      const params = data.get('Params')!;
      expect(params.rows.map((row) => row.cells)).toEqual([
        ['INIT-000003', 'MATH_MODEL', 'a', 1200, true],
        ['INIT-000003', 'MATH_MODEL', 'b', 12, true],
      ]);

      const result = await store.write([{ tab: 'Params', updates: [{ row: 2, column: 3, value: 2400 }] }]);
      expect(result.cellsWritten).toBe(1);
      const reread = await new XlsxSheetStore(path).read(tabs);
      expect(reread.get('Params')!.rows[0]!.cells).toEqual(['INIT-000003', 'MATH_MODEL', 'a', 2400, true]);
      for (const tab of tabs.filter((t) => t !== 'Params'))
        expect(reread.get(tab), tab).toEqual(data.get(tab));
      const partsAfter = new Set(unzip(readFileSync(path)).keys());
      expect(partsBefore.filter((part) => !partsAfter.has(part))).toEqual([]);
    },
  );

  it('LibreOffice opens the kitchen sink and the chart workbooks after the store wrote them', async (context) => {
    requireOtherWriters(context);
    const folder = await mkdtemp(join(corpus.root, 'written-'));
    const written: string[] = [];
    for (const source of [corpus.kitchenSink.path, corpus.embeddedChart, corpus.chartSheet]) {
      const path = join(folder, basename(source));
      await copyFile(source, path);
      const store = new XlsxSheetStore(path);
      await store.read(['Params']);
      await store.write([{ tab: 'Params', updates: [{ row: 3, column: 3, value: 36 }] }]);
      written.push(path);
    }
    const shown = await libreOfficeCsvs(written);
    for (const path of written) {
      const tabs = shown.get(path)!;
      expect(tabs.get('Params')!.slice(0, 3), basename(path)).toEqual([
        ['initiative_key', 'framework', 'param_name', 'value', 'approved'],
        ['INIT-000003', 'MATH_MODEL', 'a', '1200', 'TRUE'],
        ['INIT-000003', 'MATH_MODEL', 'b', '36', 'TRUE'],
      ]);
      expect(tabs.get('Scoring_Inputs')!.length, basename(path)).toBe(5);
    }
  });
});
