/**
 * The pipeline on real .xlsx files through the command line: the demo, a second run that writes
 * nothing, a person saving the workbook mid-run, a crash mid-write, a deleted database.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { FLOWS, runFlows } from '../../src/flows/index.js';
import type { TabWrite } from '../../src/sheets/sheet-store.js';
import { XlsxSheetStore } from '../../src/sheets/xlsx/xlsx-sheet-store.js';
import { DEMO_EXPECTATIONS } from '../fixtures/demo-expectations.js';
import { runCli } from '../support/cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'productops-e2e-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, dir, env);

async function sheet(file: string, tab: string): Promise<Record<string, unknown>[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.getWorksheet(tab)!;
  const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Record<string, unknown>[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const o: Record<string, unknown> = { _row: n };
    header.forEach((h, i) => {
      const v = row.getCell(i + 1).value;
      o[h] = v === undefined ? null : v;
    });
    rows.push(o);
  });
  return rows;
}

const demoDir = () => join(dir, 'productops-demo');
const backlogFile = () => join(demoDir(), 'workbooks/central-backlog.xlsx');
const productOpsFile = () => join(demoDir(), 'workbooks/productops.xlsx');
const cells = (json: string) =>
  (JSON.parse(json) as { steps: { cellsWritten: number }[] }).steps.reduce((n, s) => n + s.cellsWritten, 0);

describe('productops demo', () => {
  it('writes the workbooks, runs, prints the ranking; a rerun writes nothing', async () => {
    // Offline and reproducible even where an LLM is configured: this one does not exist.
    const first = await cli(['demo'], {
      OPENAI_API_KEY: 'sk-unused',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    });
    expect(first.stdout).toContain('The demo runs without the LLM');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Ranked backlog');
    const backlog = await sheet(backlogFile(), 'Backlog');
    const scored = backlog.filter((r) => r.rank !== null).map((r) => r.title);
    expect(new Set(scored)).toEqual(new Set(DEMO_EXPECTATIONS.scoredTitles));
    for (const title of DEMO_EXPECTATIONS.scoredTitles) expect(first.stdout).toContain(title.slice(0, 30));
    expect(backlog.filter((r) => r.title).every((r) => typeof r.initiative_key === 'string')).toBe(true);

    const again = await cli(['run', '--json', '--config', join(demoDir(), 'productops.config.json')]);
    expect(again.code).toBe(0);
    expect(cells(again.stdout)).toBe(0);
    expect(readdirSync(join(demoDir(), 'workbooks', '.productops', 'backups')).length).toBeGreaterThan(0);
  });
});

describe('a person saves the workbook while a run is computing', () => {
  it('the run notices, reads again and keeps their edit', async () => {
    await cli(['demo']);
    const config = loadConfig({ path: join(demoDir(), 'productops.config.json'), cwd: dir, env: {} });
    const productOps = new XlsxSheetStore(productOpsFile());
    const backlog = new XlsxSheetStore(backlogFile());
    let interfered = false;
    const original = backlog.write.bind(backlog);
    backlog.write = async (changes: TabWrite[]) => {
      if (!interfered) {
        interfered = true;
        // Someone opens the Backlog in Excel, renames an initiative and saves.
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.readFile(backlogFile());
        wb.getWorksheet('Backlog')!.getCell('B2').value = 'Renamed by a PM';
        await wb.xlsx.writeFile(backlogFile());
      }
      return original(changes);
    };
    // An edit that makes the run want to write the Backlog.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(backlogFile());
    const header = (wb.getWorksheet('Backlog')!.getRow(1).values as unknown[]).map(String);
    wb.getWorksheet('Backlog')!.getRow(3).getCell(header.indexOf('strategic_priority_coefficient')).value = 3;
    await wb.xlsx.writeFile(backlogFile());

    await runFlows(
      { config, backlog, productOps, database: null },
      { command: 'run', include: new Set(FLOWS), dryRun: false },
    );
    expect(interfered).toBe(true);
    const rows = await sheet(backlogFile(), 'Backlog');
    expect(rows[0]!.title).toBe('Renamed by a PM');
    expect(rows[1]!.strategic_priority_coefficient).toBe(3);
  });
});

describe('the database file is deleted between runs', () => {
  it('the next run rebuilds from the workbooks and changes no cell', async () => {
    await cli(['demo']);
    const before = [statSync(backlogFile()).mtimeMs, statSync(productOpsFile()).mtimeMs];
    rmSync(join(demoDir(), 'productops.db'));
    const run = await cli(['run', '--json', '--config', join(demoDir(), 'productops.config.json')]);
    expect(run.code).toBe(0);
    expect(cells(run.stdout)).toBe(0);
    expect([statSync(backlogFile()).mtimeMs, statSync(productOpsFile()).mtimeMs]).toEqual(before);
    expect(existsSync(join(demoDir(), 'productops.db'))).toBe(true);
  });
});

describe('a crash (kill -9) in the middle of a run', () => {
  it('leaves intact workbooks, and a rerun converges to what a clean run gives', async () => {
    await cli(['demo']);
    const configFile = join(demoDir(), 'productops.config.json');
    // Make the next run write a lot: clear every computed score on the scoreboard.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(productOpsFile());
    const ws = wb.getWorksheet('Scoring_Inputs')!;
    const header = (ws.getRow(1).values as unknown[]).map(String);
    for (let r = 2; r <= ws.rowCount; r++)
      for (const c of ['rice_value_score', 'math_value_score', 'active_value_score'])
        ws.getRow(r).getCell(header.indexOf(c)).value = null;
    await wb.xlsx.writeFile(productOpsFile());
    const expected = (await sheet(backlogFile(), 'Backlog')).map((r) => [r.initiative_key, r.rank]);

    for (const delay of [100, 300, 600]) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/cli/bin.ts', 'run', '--config', configFile],
        {
          cwd: process.cwd(),
          stdio: 'ignore',
        },
      );
      // Listen before waiting: a run may finish before the kill.
      const exited = new Promise((r) => child.on('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      // Whatever moment it died at, each workbook is a whole workbook (old or new).
      await sheet(backlogFile(), 'Backlog');
      await sheet(productOpsFile(), 'Scoring_Inputs');
    }
    const rerun = await cli(['run', '--json', '--config', configFile]);
    expect(rerun.code).toBe(0);
    expect((await sheet(backlogFile(), 'Backlog')).map((r) => [r.initiative_key, r.rank])).toEqual(expected);
    expect(
      (await sheet(productOpsFile(), 'Scoring_Inputs')).every(
        (r) => r.active_value_score !== null || r.active_overall_score === null,
      ),
    ).toBe(true);
    const last = await cli(['run', '--json', '--config', configFile]);
    expect(cells(last.stdout)).toBe(0);
    expect(
      readdirSync(join(demoDir(), 'workbooks')).filter((f) => !f.endsWith('.xlsx') && f !== '.productops'),
    ).toEqual([]);
  }, 120_000);
});
