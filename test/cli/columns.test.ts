/** Bring your own sheet: a team's own headers, mapped in the config, are read and written as theirs. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newTab } from '../../src/sheets/index.js';
import type { CellValue } from '../../src/sheets/sheet-store.js';
import { mathModelsTab, paramsTab, scoringTab } from '../../src/sheets/tabs.js';
import { XlsxSheetStore } from '../../src/sheets/xlsx/index.js';
import { runCli } from '../support/cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'productops-columns-'));
  mkdirSync(join(dir, 'workbooks'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const backlogFile = () => join(dir, 'workbooks', 'central-backlog.xlsx');
const cli = (args: string[]) => runCli([...args, '--config', join(dir, 'productops.config.json')], dir);

function writeConfig(columns: unknown): void {
  writeFileSync(
    join(dir, 'productops.config.json'),
    JSON.stringify({
      backlog: { kind: 'xlsx', path: 'workbooks/central-backlog.xlsx', tab: 'Backlog' },
      productOps: { kind: 'xlsx', path: 'workbooks/productops.xlsx' },
      columns,
    }),
  );
}

/** The team's Backlog as they keep it: their own headers, no productops columns. */
async function teamBacklog(rows: CellValue[][]): Promise<void> {
  const store = new XlsxSheetStore(backlogFile());
  await store.ensureTabs([{ name: 'Backlog', headers: ['ID', 'Initiative', 'Framework', 'Team notes'] }]);
  await store.write([{ tab: 'Backlog', appends: rows }]);
}

async function backlogRows(): Promise<Record<string, CellValue>[]> {
  const data = (await new XlsxSheetStore(backlogFile()).read(['Backlog'])).get('Backlog')!;
  const header = data.header.map(String);
  return data.rows.map((row) => Object.fromEntries(header.map((h, i) => [h, row.cells[i] ?? null])));
}

describe('config columns: a team keeps its own headers', () => {
  it('init adds only what the team lacks, and runs write keys and scores under their headers', async () => {
    writeConfig({
      Backlog: { initiative_key: 'ID', title: 'Initiative', active_scoring_framework: 'Framework' },
    });
    await teamBacklog([
      [null, 'Checkout redesign', 'RICE', 'keep'],
      [null, 'Dark mode', 'WSJF', null],
    ]);
    const init = await cli(['init']);
    expect(init.code).toBe(0);
    const header = (await new XlsxSheetStore(backlogFile()).read(['Backlog']))
      .get('Backlog')!
      .header.map(String);
    expect(header.slice(0, 4)).toEqual(['ID', 'Initiative', 'Framework', 'Team notes']);
    for (const ours of ['initiative_key', 'title', 'active_scoring_framework'])
      expect(header).not.toContain(ours);
    expect(header).toContain('priority_score');

    const run = await cli(['run', '--json']);
    expect(run.code).toBe(0);
    const rows = await backlogRows();
    expect(rows.map((row) => [row.ID, row.Initiative, row.Framework, row['Team notes']])).toEqual([
      ['INIT-000001', 'Checkout redesign', 'RICE', 'keep'],
      ['INIT-000002', 'Dark mode', 'WSJF', null],
    ]);
    const again = await cli(['run', '--json']);
    const report = JSON.parse(again.stdout) as { steps: { cellsWritten: number }[] };
    expect(report.steps.reduce((n, s) => n + s.cellsWritten, 0)).toBe(0);
  });

  it('a required column the team maps but does not have is named by their header', async () => {
    writeConfig({ Backlog: { title: 'Initiative name' } });
    await teamBacklog([[null, 'Checkout redesign', 'RICE', null]]);
    await new XlsxSheetStore(join(dir, 'workbooks', 'productops.xlsx')).ensureTabs([
      newTab(scoringTab, 'Scoring_Inputs'),
      newTab(mathModelsTab, 'MathModels'),
      newTab(paramsTab, 'Params'),
    ]);
    const run = await cli(['run']);
    expect(run.code).toBe(1);
    expect(run.stderr + run.stdout).toContain("restore the header 'Initiative name'");
  });

  it.each([
    [
      { Roadmap: { title: 'Initiative' } },
      /columns\.Roadmap: not a tab productops knows \(use Backlog, Scoring_Inputs, MathModels, Params\)/,
    ],
    [{ Backlog: { name: 'Initiative' } }, /columns\.Backlog\.name: Backlog has no column 'name'/],
    [
      { Backlog: { title: 'Initiative', problem_statement: 'initiative' } },
      /columns\.Backlog: 'problem_statement' and 'title' both use the header 'initiative'/,
    ],
  ])('refuses a mapping that cannot work: %j', async (columns, message) => {
    writeConfig(columns);
    await teamBacklog([[null, 'Checkout redesign', 'RICE', null]]);
    const run = await cli(['run']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
  });
});
