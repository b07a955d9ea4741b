/**
 * `productops watch` in-process: bad usage stops before anything is read, a missing workbook before
 * watching starts, and the lines printed at start, for local files and for Google spreadsheets.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchCommand } from '../../src/cli/commands/watch.js';
import type { CliIo, GlobalOptions } from '../../src/cli/io.js';
import { runCli } from '../support/cli.js';
import { SheetsApiStandIn } from '../support/sheets-api-stand-in.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'productops-watch-command-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const globals: GlobalOptions = {
  dryRun: false,
  json: false,
  logLevel: 'info',
  quiet: false,
  strict: false,
};

function bufferIo(cwd: string, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    isTty: false,
    cwd,
    env,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('bad usage (exit code 2)', () => {
  it.each([
    [['--every', '0.5s'], "productops: --every must be at least 1s, got '0.5s'"],
    [
      ['--every', 'soon'],
      "productops: --every needs a duration such as 30s, 2m, 1h or a number of seconds, got 'soon'",
    ],
    [
      ['--every', '2d'],
      "productops: --every needs a duration such as 30s, 2m, 1h or a number of seconds, got '2d'",
    ],
    [
      ['--every', '48h'],
      "productops: --every must be at most 24h, got '48h'; for less frequent runs schedule 'productops run' instead (docs/team.md)",
    ],
    [['--top', '3', '--all'], 'productops: use either --top N or --all, not both'],
  ])('watch %j', async (args, message) => {
    const result = await runCli(['watch', ...args], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${message}\n`);
    expect(result.stdout).toBe('');
  });
});

describe('a workbook that cannot be read', () => {
  it('stops the command before it starts watching (exit code 1)', async () => {
    const result = await runCli(['watch', '--every', '1s'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "productops: the workbook workbooks/central-backlog.xlsx does not exist (run 'productops init' to create it)\n",
    );
    expect(result.stdout).toBe('');
  });
});

describe('at start', () => {
  it('says what it watches, the debounce, and that local files cost no quota', async () => {
    const demo = join(dir, 'demo');
    expect((await runCli(['demo', demo, '--top', '0'], dir)).code).toBe(0);
    const { io, stdout, stderr } = bufferIo(demo);
    const code = await watchCommand({ every: '1s' }, globals, io, async () => {});
    expect(code).toBe(0);
    expect(stdout()).toBe(
      [
        `Watching ${join('workbooks', 'central-backlog.xlsx')} and ${join('workbooks', 'productops.xlsx')}: a change runs once they have stayed unchanged for 1s. Ctrl-C stops after the current run.`,
        'Checks every 1s: no API quota (local files).',
        '',
      ].join('\n'),
    );
    expect(stderr()).toBe(
      'info: stopping after the run in progress, if any (Ctrl-C again quits at once)\ninfo: stopped\n',
    );

    const json = bufferIo(demo);
    await watchCommand({}, { ...globals, json: true }, json.io, async () => {});
    expect(JSON.parse(json.stdout())).toEqual({
      watching: [join('workbooks', 'central-backlog.xlsx'), join('workbooks', 'productops.xlsx')],
      everyMs: 120_000,
      debounceMs: 30_000,
      quota: 'checks every 2m: no API quota (local files)',
    });
  });

  it('counts the Sheets reads per hour for Google spreadsheets, and spends only the first check', async () => {
    const api = await SheetsApiStandIn.start({ token: 'watch-token' });
    try {
      const google = join(dir, 'google');
      const ids = [api.createSpreadsheet({ tabs: ['Backlog'] }), api.createSpreadsheet({ tabs: ['Params'] })];
      mkdirSync(google);
      writeFileSync(
        join(google, 'productops.config.json'),
        JSON.stringify({
          backlog: { kind: 'google', spreadsheetId: ids[0] },
          productOps: { kind: 'google', spreadsheetId: ids[1] },
        }),
      );
      const env = { GOOGLE_SHEETS_ROOT_URL: api.rootUrl, GOOGLE_SHEETS_ACCESS_TOKEN: 'watch-token' };
      const { io, stdout } = bufferIo(google, env);
      expect(await watchCommand({}, globals, io, async () => {})).toBe(0);
      expect(stdout()).toContain(
        "Checks every 2m: 30 checks/hour × 2 spreadsheets × 2 Sheets reads = 120 Sheets reads/hour, plus a check 30s after each change, one check after each run and the run's own reads.\n",
      );
      expect(api.countsByKind()).toEqual({ 'spreadsheets.get': 2, 'values.batchGet': 2 });

      const fast = bufferIo(google, env);
      await watchCommand({ every: '1s' }, globals, fast.io, async () => {});
      expect(fast.stderr()).toContain('warn: 240 Sheets reads a minute is more than half of Google');
      expect(fast.stderr()).toContain('Use --every 8s or more.');
    } finally {
      await api.close();
    }
  });
});
