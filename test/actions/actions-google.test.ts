/**
 * The actions API of `productops serve` on Google spreadsheets (the Sheets API stand-in, through
 * the real client): a run asked for over HTTP reads and writes the spreadsheets as `productops run`
 * does, and a run that fails while writing is reported with Google's reason while the run queued
 * behind it goes on and writes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoWorkbooks } from '../../src/demo/demo-data.js';
import { runCli } from '../support/cli.js';
import { SheetsApiStandIn } from '../support/sheets-api-stand-in.js';
import { runsClient, type ServedWorkspace, serveWorkspace } from './helpers.js';

const TOKEN = 'google-actions-token';
let api: SheetsApiStandIn;
let dir: string;
let ids: { backlog: string; productOps: string };
let served: ServedWorkspace;
let client: ReturnType<typeof runsClient>;

beforeAll(async () => {
  api = await SheetsApiStandIn.start({ token: 'sheets-token' });
  dir = mkdtempSync(join(tmpdir(), 'productops-actions-google-'));
  ids = { backlog: api.createSpreadsheet(), productOps: api.createSpreadsheet() };
  writeFileSync(
    join(dir, 'productops.config.json'),
    JSON.stringify({
      backlog: { kind: 'google', spreadsheetId: ids.backlog },
      productOps: { kind: 'google', spreadsheetId: ids.productOps },
    }),
  );
  const data = demoWorkbooks();
  api.setTab(ids.backlog, 'Backlog', [data.backlog.headers, ...data.backlog.rows]);
  api.setTab(ids.productOps, 'Scoring_Inputs', [data.scoring.headers, ...data.scoring.rows]);
  api.setTab(ids.productOps, 'MathModels', [data.mathModels.headers, ...data.mathModels.rows]);
  api.setTab(ids.productOps, 'Params', [data.params.headers, ...data.params.rows]);
  const env = { GOOGLE_SHEETS_ROOT_URL: api.rootUrl, GOOGLE_SHEETS_ACCESS_TOKEN: 'sheets-token' };
  // serve shows what a run remembered: a first run creates the database.
  expect((await runCli(['run', '--quiet'], dir, env)).code).toBe(0);
  served = await serveWorkspace(dir, { token: TOKEN, env });
  client = runsClient(served.fetch, TOKEN);
}, 60_000);

afterAll(async () => {
  expect(await served?.stop()).toBe(0);
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The Backlog's `rank` cells by key, as the spreadsheet holds them. */
function ranks(): Map<string, unknown> {
  const [header, ...rows] = api.getGrid(ids.backlog, 'Backlog');
  const key = header!.indexOf('initiative_key');
  const rank = header!.indexOf('rank');
  return new Map(rows.map((row) => [String(row[key]), row[rank] ?? null]));
}

/** Clears an initiative's `rank` cell on the Backlog, as someone might: a run writes it back. */
function clearRank(key: string): void {
  const [header, ...rows] = api.getGrid(ids.backlog, 'Backlog');
  const column = String.fromCharCode(65 + header!.indexOf('rank'));
  const row = rows.findIndex((r) => r[header!.indexOf('initiative_key')] === key) + 2;
  api.setCells(ids.backlog, `Backlog!${column}${row}`, [[null]]);
  expect(ranks().get(key)).toBeNull();
}

describe('the actions API on Google spreadsheets', () => {
  it('writes the spreadsheets as productops run does', async () => {
    const before = ranks();
    expect(before.get('INIT-000001')).toEqual(expect.any(Number));
    clearRank('INIT-000001');
    const done = await client.settled(await client.queue({ command: 'run', requestedBy: 'ana@example.com' }));
    expect(done).toMatchObject({ status: 'done', error: null });
    expect(done.runId).toEqual(expect.any(Number));
    expect(ranks()).toEqual(before);
    // Warnings on Google carry a link to the cell.
    expect(done.warnings.some((w) => w.link?.startsWith('https://docs.google.com/spreadsheets/d/'))).toBe(
      true,
    );
  });

  it('reports a run that fails while writing, and runs the one queued behind it', async () => {
    const before = ranks();
    clearRank('INIT-000002');
    api.inject({ status: 403, writesOnly: true, message: 'The caller does not have permission' });
    const failing = await client.queue({ command: 'run' });
    const next = await client.queue({ command: 'backlog sync' });
    const failed = await client.settled(failing);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('permission');
    const after = await client.settled(next);
    expect(after).toMatchObject({ status: 'done', error: null });
    expect(after.startedAt! >= failed.finishedAt!).toBe(true);
    expect(ranks()).toEqual(before);
  });
});
