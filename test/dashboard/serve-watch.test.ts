/**
 * `productops serve --watch`: a saved workbook is run through the server's run queue, recorded as
 * a request from the watcher, and the dashboard shows the result; `--every` alone is a mistake.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCommand } from '../../src/cli/commands/serve.js';
import type { CliIo, GlobalOptions } from '../../src/cli/io.js';
import { loadConfig } from '../../src/config/index.js';
import { createDatabase, loadRecentRunRequests } from '../../src/db/index.js';
import { runCli } from '../support/cli.js';

let dir: string;
let demo: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'productops-serve-watch-'));
  demo = join(dir, 'demo');
  expect((await runCli(['demo', demo, '--quiet'], dir)).code).toBe(0);
  // Fewer Monte Carlo draws: what is tested is when it runs, not the figures.
  const configFile = join(demo, 'productops.config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8'));
  writeFileSync(configFile, JSON.stringify({ ...config, uncertainty: { samples: 200 } }));
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const options: GlobalOptions = { dryRun: false, json: false, logLevel: 'info', quiet: false, strict: false };

describe('productops serve --watch', () => {
  it('--every without --watch is bad usage', async () => {
    const r = await runCli(['serve', '--every', '1s'], demo);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--every goes with --watch');
    expect((await runCli(['serve', '--watch', '--every', 'soon'], demo)).code).toBe(2);
  });

  it('runs a saved change through the run queue, once, and shows it', async () => {
    const config = loadConfig({ cwd: demo, env: {} });
    const database = await createDatabase(config.database.url, { baseDir: config.baseDir });
    const requests = async () => loadRecentRunRequests(database, 10);
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      isTty: false,
      cwd: demo,
      env: {},
    };
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const done = serveCommand({ port: '0', watch: true, every: '1s' }, options, io, () => stopped);
    try {
      for (let i = 0; i < 200 && !stdout.includes('Checks every 1s'); i++) await sleep(50);
      expect(stdout).toMatch(/The dashboard is at http:\/\/127\.0\.0\.1:\d+\//);
      expect(stdout).toContain('Checks every 1s: no API quota (local files).');
      expect(await requests()).toEqual([]);

      // A person changes a Params value.
      const file = join(demo, 'workbooks', 'productops.xlsx');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(file);
      const params = workbook.getWorksheet('Params')!;
      const valueColumn = (params.getRow(1).values as unknown[]).indexOf('value');
      params.getRow(2).getCell(valueColumn).value = 13;
      await workbook.xlsx.writeFile(file);

      for (let i = 0; i < 400 && !/run done/.test(stderr); i++) await sleep(50);
      const [request, ...others] = await requests();
      expect(others).toEqual([]);
      expect(request).toMatchObject({
        command: 'run',
        status: 'done',
        requested_by: 'productops serve --watch',
      });
      expect(request!.run_id).not.toBeNull();
      // Its own writes are no change: nothing more runs.
      await sleep(2_500);
      expect(await requests()).toHaveLength(1);
      const url = /at (http:\/\/\S+\/)/.exec(stdout)![1]!;
      const status = (await (await fetch(new URL('api/runs', url))).json()) as { runs: { id: number }[] };
      expect(status.runs.map((r) => r.id)).toEqual([request!.id]);
    } finally {
      stop();
      expect(await done).toBe(0);
      await database.close();
    }
  }, 60_000);
});
