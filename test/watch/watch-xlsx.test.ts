/**
 * `productops watch --every 1s` as a person runs it, in its own process, on the demo's .xlsx
 * workbooks: three quick saves of a Params value give exactly one run; nothing changes, nothing
 * runs (its own writes included); Ctrl-C during a run lets it finish, then exits with 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

let dir: string;
let child: ChildProcess | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'productops-watch-'));
});
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('productops watch on .xlsx workbooks', () => {
  it('runs once per burst of saves, never while nothing changes, and stops after the current run on Ctrl-C', async () => {
    const demo = join(dir, 'demo');
    expect((await runCli(['demo', demo, '--top', '0'], dir)).code).toBe(0);
    const configFile = join(demo, 'productops.config.json');
    // Fewer Monte Carlo draws: a run takes less time; what is measured here is how often it runs.
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    writeFileSync(configFile, JSON.stringify({ ...config, uncertainty: { samples: 200 } }));
    const database = new Database(join(demo, 'productops.db'), { readonly: true });
    const runs = () => (database.prepare('select count(*) as n from runs').get() as { n: number }).n;
    const before = runs();

    let stdout = '';
    let stderr = '';
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/bin.ts', 'watch', '--every', '1s', '--top', '0', '--config', configFile],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    const lines = (text: string) => stderr.split('\n').filter((line) => line === text).length;
    // A person saves a Params value three times within a second. The bytes are prepared while the
    // watcher starts: how fast a program writes a workbook is not what this measures.
    const file = join(demo, 'workbooks', 'productops.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const params = workbook.getWorksheet('Params')!;
    const valueColumn = (params.getRow(1).values as unknown[]).indexOf('value');
    const saves: Buffer[] = [];
    for (const months of [13, 14, 15, 16]) {
      params.getRow(2).getCell(valueColumn).value = months;
      saves.push(Buffer.from(await workbook.xlsx.writeBuffer()));
    }

    await until('the watcher to start', () => stdout.includes('Checks every 1s'), 20_000);
    expect(stdout).toContain('Checks every 1s: no API quota (local files).');

    const started = Date.now();
    for (const bytes of saves.slice(0, 3)) {
      writeFileSync(file, bytes);
      await sleep(400);
    }
    expect(Date.now() - started).toBeLessThan(1_500);

    const done = () => stderr.match(/^info: run done/gm)?.length ?? 0;
    await until('the run to finish', () => done() === 1, 20_000);
    expect(runs()).toBe(before + 1);
    // Nothing changes for three periods and more: no run, its own write included.
    await sleep(3_500);
    expect(runs()).toBe(before + 1);
    expect(lines('info: running')).toBe(1);

    // One more save; Ctrl-C while its run is in progress.
    writeFileSync(file, saves[3]!);
    await until('the second run to start', () => lines('info: running') === 2, 10_000);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const order = [
      'info: running',
      'info: stopping after the run in progress',
      'info: run done',
      'info: stopped',
    ];
    const last = stderr.lastIndexOf('info: running');
    const positions = order.map((text) => stderr.indexOf(text, last));
    expect(positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]!))).toBe(true);
    expect(runs()).toBe(before + 2);
    database.close();
    // The run read the last save.
    const saved = new ExcelJS.Workbook();
    await saved.xlsx.readFile(file);
    expect(saved.getWorksheet('Params')!.getRow(2).getCell(valueColumn).value).toBe(16);
  });
});
