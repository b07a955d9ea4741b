/**
 * What a PM sees on the command line: dry-run cell lists, the demo's first screen, summary and
 * ranking on stdout, status, progress lines, help and --version (issue 10, items 4, 5, 8, 9).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'productops-output-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

// No `productops` on the PATH unless a test puts one there.
const cli = (args: string[], env: Record<string, string> = { PATH: '' }, cwd = dir) => runCli(args, cwd, env);
const demoFolder = () => join(dir, 'productops-demo');
const demoConfig = () => join(demoFolder(), 'productops.config.json');
const backlogFile = () => join(demoFolder(), 'workbooks/central-backlog.xlsx');

interface Planned {
  tab: string;
  cell: string;
  old: unknown;
  new: unknown;
}

/** Adds rows to a tab below the last one, by header name. */
async function appendRows(file: string, tab: string, rows: Record<string, unknown>[]): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.getWorksheet(tab)!;
  const header = (ws.getRow(1).values as unknown[]).map((v) => (v === undefined ? '' : String(v)));
  for (const values of rows) {
    const row = ws.getRow(ws.actualRowCount + 1);
    for (const [name, value] of Object.entries(values))
      row.getCell(header.indexOf(name)).value = value as never;
    row.commit();
  }
  await wb.xlsx.writeFile(file);
}

async function cellValue(file: string, tab: string, a1: string): Promise<unknown> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb.getWorksheet(tab)!.getCell(a1).value;
}

/** The data rows of the ranking table in a text summary. */
const rankingRows = (stdout: string) => stdout.split('\n').filter((l) => /^\s*\d+\s+INIT-\d+/.test(l));

describe('item 4: --dry-run lists the cells it would write', () => {
  it('names tab, cell, old and new value in --json; the real run writes exactly those cells', async () => {
    await cli(['demo']);
    await appendRows(backlogFile(), 'Backlog', [
      { title: 'Dry-run probe', active_scoring_framework: 'RICE', strategic_priority_coefficient: 1 },
    ]);
    const dry = await cli(['run', '--dry-run', '--json', '--config', demoConfig()]);
    expect(dry.code).toBe(0);
    const report = JSON.parse(dry.stdout) as {
      plannedCells: Planned[];
      steps: { cellsWritten: number }[];
    };
    const planned = report.plannedCells;
    // The same cells the run counts, each once.
    expect(planned.length).toBe(report.steps.reduce((n, s) => n + s.cellsWritten, 0));
    expect(new Set(planned.map((c) => `${c.tab}!${c.cell}`)).size).toBe(planned.length);
    // The new Backlog row (row 2 + the demo's rows) gets a key in column A; its Scoring_Inputs row is appended.
    const key = planned.find((c) => c.tab === 'Backlog' && /^A\d+$/.test(c.cell));
    expect(key).toMatchObject({ old: null, new: expect.stringMatching(/^INIT-\d+$/) });
    const appended = planned.find((c) => c.tab === 'Scoring_Inputs' && c.new === key!.new);
    expect(appended).toMatchObject({ old: null, cell: expect.stringMatching(/^[A-Z]+\d+$/) });

    const real = await cli(['run', '--json', '--config', demoConfig()]);
    expect(real.code).toBe(0);
    const productOps = join(demoFolder(), 'workbooks/productops.xlsx');
    for (const c of planned) {
      const file = c.tab === 'Backlog' ? backlogFile() : productOps;
      const value = await cellValue(file, c.tab, c.cell);
      if (typeof c.new === 'number') expect(Number(value)).toBeCloseTo(c.new, 6);
      // Timestamps (updated_at) are taken when each run computes: the cell gets one, not the dry run's.
      else if (typeof c.new === 'string' && /^\d{4}-\d\d-\d\dT/.test(c.new)) expect(value).toBeTruthy();
      else if (typeof c.new === 'string') expect(String(value)).toBe(c.new);
    }
  });

  it('prints a bounded list in text, with the count of the rest', async () => {
    await cli(['demo']);
    await appendRows(
      backlogFile(),
      'Backlog',
      Array.from({ length: 8 }, (_, i) => ({ title: `New idea ${i + 1}`, active_scoring_framework: 'WSJF' })),
    );
    const json = JSON.parse((await cli(['run', '--dry-run', '--json', '--config', demoConfig()])).stdout) as {
      plannedCells: Planned[];
    };
    expect(json.plannedCells.length).toBeGreaterThan(20);
    const text = await cli(['run', '--dry-run', '--config', demoConfig()]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Would write ${json.plannedCells.length} cell(s):`);
    const listed = text.stdout.split('\n').filter((l) => /^ {2}\w+!\w+\d+: .* → /.test(l));
    expect(listed).toHaveLength(20);
    const first = json.plannedCells[0]!;
    expect(listed[0]).toContain(`${first.tab}!${first.cell}: `);
    expect(text.stdout).toContain(`… and ${json.plannedCells.length - 20} more (--json lists every cell)`);
    const newKey = json.plannedCells.find((c) => c.tab === 'Backlog' && /^A\d+$/.test(c.cell))!;
    if (json.plannedCells.indexOf(newKey) < 20) {
      expect(text.stdout).toContain(`Backlog!${newKey.cell}: (blank) → "${newKey.new}"`);
    }
  });

  it('a run that writes for real carries no cell list', async () => {
    await cli(['demo']);
    const run = await cli(['run', '--json', '--config', demoConfig()]);
    expect(JSON.parse(run.stdout)).not.toHaveProperty('plannedCells');
    const dry = await cli(['run', '--dry-run', '--config', demoConfig()]);
    expect(dry.stdout).toContain('Would write no cell.');
  });
});

describe('item 5: the demo explains itself', () => {
  it('says its warnings are planted examples and hints a command that works from the demo folder', async () => {
    const demo = await cli(['demo']);
    expect(demo.code).toBe(0);
    const planted = demo.stdout.indexOf('mistakes planted on purpose');
    expect(planted).toBeGreaterThan(-1);
    expect(demo.stdout.indexOf('warning(s):')).toBeGreaterThan(planted);
    expect(demo.stdout + demo.stderr).not.toContain('npx productops');
    // Not on the PATH: the built command by its path, and how to get `productops` on the PATH.
    expect(demo.stdout).toMatch(/\n {2}cd productops-demo\n {2}node \S+\/dist\/cli\/bin\.js run\n/);
    expect(demo.stdout).toContain("'npm install -g .' (or 'npm link')");
    // The hinted command, from the demo folder, finds the demo's config and runs.
    const fromFolder = await cli(['run'], { PATH: '' }, demoFolder());
    expect(fromFolder.code).toBe(0);
    expect(fromFolder.stdout).toContain('rows read');
  });

  it('hints `productops run` when the command is on the PATH (npm and npx bin folders do not count)', async () => {
    const bin = join(dir, 'bin');
    const npmBin = join(dir, 'project/node_modules/.bin');
    mkdirSync(bin);
    mkdirSync(npmBin, { recursive: true });
    writeFileSync(join(npmBin, 'productops'), '');
    const viaNpx = await cli(['demo', 'one'], { PATH: npmBin });
    expect(viaNpx.stdout).toContain('dist/cli/bin.js run');
    writeFileSync(join(bin, 'productops'), '');
    const installed = await cli(['demo', 'two'], { PATH: [npmBin, bin].join(':') });
    expect(installed.stdout).toMatch(/\n {2}cd two\n {2}productops run\n/);
  });

  it('the README says how to get the command on the PATH and that the first install compiles SQLite', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    expect(readme).toContain('npm install -g .');
    expect(readme).toContain('npm link');
    expect(readme).toMatch(/compiles SQLite/);
  });
});

describe('item 8: summary and ranking on stdout, --top/--all, status, progress', () => {
  it('run prints its summary, warnings and ranking on stdout; logs stay on stderr', async () => {
    await cli(['demo']);
    const ranked = (
      JSON.parse((await cli(['run', '--json', '--config', demoConfig()])).stdout) as { ranking: unknown[] }
    ).ranking.length;
    const run = await cli(['run', '--config', demoConfig()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('rows read');
    expect(run.stdout).toContain('warning(s):');
    expect(run.stdout).toMatch(/rank\s+key\s+title/);
    expect(rankingRows(run.stdout)).toHaveLength(Math.min(20, ranked));
    expect(run.stderr).toContain('info: reading');
    expect(run.stderr).not.toContain('rows read');
    expect(run.stderr).not.toMatch(/rank\s+key\s+title/);
  });

  it('--top N and --all choose how much of the ranking is shown', async () => {
    await cli(['demo']);
    const all = JSON.parse((await cli(['run', '--json', '--config', demoConfig()])).stdout) as {
      ranking: unknown[];
    };
    const top = await cli(['run', '--top', '3', '--config', demoConfig()]);
    expect(rankingRows(top.stdout)).toHaveLength(3);
    expect(top.stdout).toContain(`… and ${all.ranking.length - 3} more (--top N or --all shows them)`);
    const every = await cli(['run', '--all', '--config', demoConfig()]);
    expect(rankingRows(every.stdout)).toHaveLength(all.ranking.length);
    expect(every.stdout).not.toContain('more (--top N');
    const scoring = await cli(['scoring', 'activate', '--top', '1', '--config', demoConfig()]);
    expect(rankingRows(scoring.stdout)).toHaveLength(1);
    expect((await cli(['run', '--top', 'ten', '--config', demoConfig()])).code).toBe(2);
    expect((await cli(['run', '--top', '3', '--all', '--config', demoConfig()])).code).toBe(2);
  });

  it('status shows the last run (when, cells written, warnings) and how many initiatives are ranked', async () => {
    const before = await cli(['status']);
    expect(before.stdout).toContain('last run: none yet');
    await cli(['demo']);
    const ranked = (
      JSON.parse((await cli(['run', '--dry-run', '--json', '--config', demoConfig()])).stdout) as {
        ranking: unknown[];
        warnings: unknown[];
      }
    ).ranking.length;
    const status = await cli(['status', '--config', demoConfig()]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      /last run: 'demo' at \d{4}-\d\d-\d\dT[\d:.]+Z \(done, [1-9]\d* cells written, [1-9]\d* warning\(s\)\)/,
    );
    expect(status.stdout).toContain(`ranked: ${ranked} of `);
    expect(status.stderr).toBe('');

    await cli(['run', '--config', demoConfig()]);
    const json = JSON.parse((await cli(['status', '--json', '--config', demoConfig()])).stdout);
    expect(json.database).toMatchObject({
      ranked,
      runs: 2,
      lastRun: { command: 'run', status: 'done', cellsWritten: 0, warnings: expect.any(Number) },
    });
  });

  it('a run over 1,000 rows logs a line as each step starts; a small run does not', async () => {
    await cli(['init']);
    await appendRows(
      join(dir, 'workbooks/central-backlog.xlsx'),
      'Backlog',
      Array.from({ length: 1000 }, (_, i) => ({
        title: `Initiative ${i + 1}`,
        active_scoring_framework: 'RICE',
      })),
    );
    const large = await cli(['run', '--json']);
    expect(large.code).toBe(0);
    for (const step of ['checking the Backlog', 'computing scores', 'ranking', 'saving to the database']) {
      expect(large.stderr).toMatch(new RegExp(`info: ${step} \\(1,000 rows, \\d+\\.\\d s\\)`));
    }
    JSON.parse(large.stdout); // stdout stays one JSON document (bench/pipeline-run.mjs parses it)

    await cli(['demo']);
    const small = await cli(['run', '--config', demoConfig()]);
    expect(small.stderr).not.toContain('computing scores');
    const debug = await cli(['run', '--log-level', 'debug', '--config', demoConfig()]);
    expect(debug.stderr).toMatch(/debug: computing scores \(\d+ rows/);
  }, 60_000);
});

describe('item 9: help and version', () => {
  it('help says what each group does, without flow numbers', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    // commander wraps descriptions to the terminal's width.
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).not.toMatch(/Flows? \d/);
    expect(text).toContain('backlog one part of run on its own: the Central Backlog');
    expect(text).toContain('params one part of run on its own: Params, the numbers your formulas use');
    for (const group of ['backlog', 'scoring', 'models', 'params']) {
      expect((await cli([group, '--help'])).stdout).not.toMatch(/Flows? \d/);
    }
  });

  it.each([
    [['run', '--help']],
    [['status', '--help']],
    [['backlog', 'sync', '--help']],
    [['scoring', '--help']],
    [['formula', 'check', '--help']],
  ])('%j shows the global options', async (args) => {
    const r = await cli(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Global Options:');
    for (const option of ['--config <path>', '--dry-run', '--json', '--quiet', '--strict', '--log-level'])
      expect(r.stdout).toContain(option);
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const r = await cli([flag]);
      expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });
});
