/** The command line as a person uses it: init, status, config mistakes, exit codes, --json, --dry-run. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'productops-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, dir, env);

async function headers(file: string, tab: string): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return (wb.getWorksheet(tab)!.getRow(1).values as unknown[]).slice(1).map(String);
}

describe('productops init', () => {
  it('creates the config and both workbooks with every tab and column; a second init adds nothing', async () => {
    const first = await cli(['init']);
    expect(first.code).toBe(0);
    expect(existsSync(join(dir, 'productops.config.json'))).toBe(true);
    const backlog = join(dir, 'workbooks/central-backlog.xlsx');
    const productOps = join(dir, 'workbooks/productops.xlsx');
    expect((await headers(backlog, 'Backlog')).slice(0, 3)).toEqual([
      'initiative_key',
      'title',
      'problem_statement',
    ]);
    expect(await headers(productOps, 'Params')).toContain('param_status');
    const mtime = statSync(productOps).mtimeMs;
    const second = await cli(['init']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('nothing to add');
    expect(statSync(productOps).mtimeMs).toBe(mtime);
  });

  it('appends missing columns to the right and keeps the PM columns where they are', async () => {
    await cli(['init']);
    const file = join(dir, 'workbooks/central-backlog.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.getWorksheet('Backlog')!;
    ws.spliceColumns(ws.getRow(1).cellCount, 1); // someone deleted updated_at
    ws.getRow(1).getCell(ws.getRow(1).cellCount + 1).value = 'pm_notes';
    await wb.xlsx.writeFile(file);
    const r = await cli(['init']);
    expect(r.stderr).toContain("added column 'updated_at'");
    const h = await headers(file, 'Backlog');
    expect(h.slice(-2)).toEqual(['pm_notes', 'updated_at']);
  });
});

describe('run on an empty workspace and status', () => {
  it('a run after init reads empty tabs and ranks nothing; status counts rows', async () => {
    await cli(['init']);
    const run = await cli(['run', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ ok: true, dryRun: false, ranking: [], warnings: [] });
    expect(report.steps.map((s: { name: string }) => s.name)).toEqual([
      'backlog sync',
      'scoring sync',
      'models sync',
      'models suggest',
      'params seed',
      'params sync',
      'scoring compute',
      'scoring activate',
      'scoring write',
    ]);
    // With --json the summary is the JSON; stderr carries only log lines.
    expect(run.stderr).not.toContain('rows read');
    expect(run.stderr).toContain('info: reading');
    const status = await cli(['status', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({
      workbooks: [
        { role: 'Central Backlog', exists: true, rows: { Backlog: 0 } },
        { role: 'ProductOps', exists: true },
      ],
      llm: { configured: false },
    });
  });

  it('status shows the LLM base URL without its password, as text and as --json', async () => {
    await cli(['init']);
    const env = { OPENAI_BASE_URL: 'http://proxy-user:hunter2-secret@127.0.0.1:11434/v1' };
    const shown = 'http://proxy-user:***@127.0.0.1:11434/v1';
    const text = await cli(['status'], env);
    expect(text.code).toBe(0);
    expect(text.stdout + text.stderr).toContain(`LLM: gpt-4o-mini at ${shown}`);
    const json = await cli(['status', '--json'], env);
    expect(JSON.parse(json.stdout).llm).toEqual({ configured: true, model: 'gpt-4o-mini', baseUrl: shown });
    for (const r of [text, json]) expect(r.stdout + r.stderr).not.toContain('hunter2');

    // The same from the config file, with a lone token as the user name.
    writeFileSync(
      join(dir, 'productops.config.json'),
      JSON.stringify({ llm: { baseUrl: 'https://tok-abc123secret@llm.example.com/v1' } }),
    );
    const fromFile = await cli(['status', '--json']);
    expect(JSON.parse(fromFile.stdout).llm.baseUrl).toBe('https://***@llm.example.com/v1');
    expect(fromFile.stdout + fromFile.stderr).not.toContain('abc123secret');
  });

  it('without an LLM, run says in one line how to enable suggestions', async () => {
    await cli(['init']);
    const run = await cli(['run']);
    expect(run.stdout.split('\n').filter((l) => l.includes('LLM suggestions are off'))).toHaveLength(1);
  });
});

describe('mistakes with the command line and the config', () => {
  it.each([
    [['frobnicate'], 2],
    [['run', '--log-level', 'loud'], 2],
    [['formula', 'eval', 'x.formula', '--param', 'oops'], 2],
  ])('%j exits %d', async (args, code) => {
    writeFileSync(join(dir, 'x.formula'), 'value = a');
    expect((await cli(args)).code).toBe(code);
  });

  it('a config that is not JSON', async () => {
    writeFileSync(join(dir, 'productops.config.json'), '{ "backlog": ');
    const r = await cli(['run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/productops: the config file .*productops.config.json is not valid JSON/);
  });

  it('a config with an unknown key or a wrong type names the field', async () => {
    writeFileSync(
      join(dir, 'productops.config.json'),
      JSON.stringify({ backlog: { kind: 'csv' }, llm: { maxCallsPerRun: 'many' } }),
    );
    const r = await cli(['run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('backlog.kind');
    expect(r.stderr).toContain('llm.maxCallsPerRun');
  });

  it('a --config that does not exist', async () => {
    const r = await cli(['run', '--config', 'nope.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nope.json does not exist');
  });

  it('missing workbooks say to run init', async () => {
    writeFileSync(join(dir, 'productops.config.json'), '{}');
    const r = await cli(['run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("does not exist (run 'productops init' to create it)");
  });

  it('a tab missing a required column fails with exit 1 and names tab and column', async () => {
    await cli(['init']);
    const file = join(dir, 'workbooks/productops.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.getWorksheet('Params')!;
    const h = (ws.getRow(1).values as unknown[]).map(String);
    ws.getRow(1).getCell(h.indexOf('param_name')).value = 'parameter';
    await wb.xlsx.writeFile(file);
    const r = await cli(['run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("tab 'Params' has no column 'param_name' in its header row");
  });

  it('an unreachable database fails with exit 1 and no password in the message', async () => {
    await cli(['init']);
    const r = await cli(['run'], { DATABASE_URL: 'postgres://me:s3cret@127.0.0.1:1/x' });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('s3cret');
  });
});

describe('--strict and --dry-run', () => {
  it('warnings give exit 3 under --strict; a dry run writes no file and no database', async () => {
    await cli(['demo', 'demo']);
    const config = join(dir, 'demo/productops.config.json');
    const strict = await cli(['run', '--strict', '--config', config]);
    expect(strict.code).toBe(3);
    mkdirSync(join(dir, 'fresh'));
    rmSync(join(dir, 'demo/productops.db'));
    const before = statSync(join(dir, 'demo/workbooks/central-backlog.xlsx')).mtimeMs;
    const dry = await cli(['run', '--dry-run', '--json', '--config', config]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).dryRun).toBe(true);
    expect(existsSync(join(dir, 'demo/productops.db'))).toBe(false);
    expect(statSync(join(dir, 'demo/workbooks/central-backlog.xlsx')).mtimeMs).toBe(before);
  });
});

describe('commands that must not write', () => {
  it('demo --dry-run writes no file', async () => {
    const r = await cli(['demo', 'here', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "A dry run writes nothing: 'productops demo' would write a config and two sample workbooks",
    );
    expect(existsSync(join(dir, 'here'))).toBe(false);
  });

  it('a dry run on an existing demo reads it and changes nothing there', async () => {
    await cli(['demo', 'here']);
    const folder = join(dir, 'here');
    const files = ['productops.db', 'workbooks/central-backlog.xlsx', 'workbooks/productops.xlsx'].map((f) =>
      join(folder, f),
    );
    const before = files.map((f) => statSync(f).mtimeMs);
    const r = await cli(['demo', 'here', '--dry-run', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).dryRun).toBe(true);
    expect(files.map((f) => statSync(f).mtimeMs)).toEqual(before);
  });

  it('a dry run against a database that needs a migration runs none, and says so', async () => {
    await cli(['demo', 'here']);
    const folder = join(dir, 'here');
    const { createDatabase } = await import('../../src/db/database.js');
    const url = `sqlite:${join(folder, 'productops.db')}`;
    // A database as an older productops left it: the newest migration not applied yet.
    const older = await createDatabase(url);
    await older.db.schema.dropTable('run_locks').execute();
    await older.db
      .deleteFrom('kysely_migration' as never)
      .where('name' as never, '=', '0003-run-locks' as never)
      .execute();
    await older.close();

    const r = await cli(['run', '--dry-run', '--json', '--config', join(folder, 'productops.config.json')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).notes).toContainEqual(
      expect.stringMatching(
        /needs a migration \(0003-run-locks\) that a run without --dry-run applies; this dry run starts from no memory/,
      ),
    );
    const after = await createDatabase(url, { readOnly: true });
    expect(after.pendingMigrations).toEqual(['0003-run-locks']);
    await after.close();
  });

  it('a command that stops before reading (no workbook) leaves no database file behind', async () => {
    writeFileSync(join(dir, 'productops.config.json'), '{}');
    const r = await cli(['run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("does not exist (run 'productops init' to create it)");
    expect(existsSync(join(dir, 'productops.db'))).toBe(false);
  });
});
