/**
 * Fingerprints: an .xlsx file by its stat, then its bytes; a Google spreadsheet by the values of
 * the tabs a run reads, through the real client against the Sheets API stand-in.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { WorkbookError } from '../../src/shared/errors.js';
import { createFileFingerprinter, createFingerprinter, watchedWorkbooks } from '../../src/watch/index.js';
import { SheetsApiStandIn } from '../support/sheets-api-stand-in.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'productops-fingerprint-'));
  return () => rmSync(dir, { recursive: true, force: true });
});

describe('an .xlsx file', () => {
  it('changes with the bytes, not with a save that keeps them', async () => {
    const file = join(dir, 'book.xlsx');
    writeFileSync(file, 'first version');
    const fingerprinter = createFileFingerprinter(file, 'book.xlsx');
    expect(fingerprinter.readsPerCheck).toBe(0);
    const first = await fingerprinter.fingerprint();
    expect(await fingerprinter.fingerprint()).toBe(first);
    // Opened and saved without an edit: a new timestamp over the same bytes.
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    expect(await fingerprinter.fingerprint()).toBe(first);
    writeFileSync(file, 'second version');
    expect(await fingerprinter.fingerprint()).not.toBe(first);
  });

  it('reads nothing while the size and modification time stay the same', async () => {
    const file = join(dir, 'book.xlsx');
    const mtime = new Date('2026-01-05T09:00:00Z');
    writeFileSync(file, 'aaaa');
    utimesSync(file, mtime, mtime);
    const fingerprinter = createFileFingerprinter(file);
    const first = await fingerprinter.fingerprint();
    writeFileSync(file, 'bbbb');
    utimesSync(file, mtime, mtime);
    // Trusted, as make and rsync do: the stat alone answers.
    expect(await fingerprinter.fingerprint()).toBe(first);
    utimesSync(file, mtime, new Date(mtime.getTime() + 1_000));
    expect(await fingerprinter.fingerprint()).not.toBe(first);
  });

  it('a missing file is a WorkbookError naming it', async () => {
    const fingerprinter = createFileFingerprinter(join(dir, 'gone.xlsx'), 'workbooks/gone.xlsx');
    await expect(fingerprinter.fingerprint()).rejects.toThrow(WorkbookError);
    await expect(fingerprinter.fingerprint()).rejects.toThrow(
      "the workbook workbooks/gone.xlsx does not exist (run 'productops init' to create it)",
    );
  });
});

describe('the configured workbooks', () => {
  const config = (text: object) => {
    writeFileSync(join(dir, 'productops.config.json'), JSON.stringify(text));
    return loadConfig({ cwd: dir, env: {} });
  };

  it('are two, with the tabs a run reads from each, labelled by their path from the config', async () => {
    const c = config({});
    const workbooks = watchedWorkbooks(c);
    expect(workbooks.map((w) => w.tabs)).toEqual([['Backlog'], ['Scoring_Inputs', 'MathModels', 'Params']]);
    const fingerprinter = await createFingerprinter(workbooks[1]!, {}, c.baseDir);
    expect(fingerprinter.label).toBe(join('workbooks', 'productops.xlsx'));
  });

  it('are one when both settings name the same file', () => {
    const c = config({
      backlog: { path: 'all.xlsx', tab: 'Ideas' },
      productOps: { path: './all.xlsx' },
    });
    expect(watchedWorkbooks(c).map((w) => w.tabs)).toEqual([
      ['Ideas', 'Scoring_Inputs', 'MathModels', 'Params'],
    ]);
  });
});

describe('a Google spreadsheet', () => {
  let api: SheetsApiStandIn;
  beforeAll(async () => {
    api = await SheetsApiStandIn.start({ token: 'watch-token' });
  });
  afterAll(async () => {
    await api.close();
  });
  const env = () => ({ GOOGLE_SHEETS_ROOT_URL: api.rootUrl, GOOGLE_SHEETS_ACCESS_TOKEN: 'watch-token' });

  it('costs two read requests a check and changes only when a cell of a tab a run reads changes', async () => {
    const id = api.createSpreadsheet({ tabs: ['Backlog', 'Notes'] });
    api.setTab(id, 'Backlog', [
      ['initiative_key', 'title'],
      ['INIT-000001', 'Checkout'],
    ]);
    const fingerprinter = await createFingerprinter(
      { location: { kind: 'google', spreadsheetId: id }, tabs: ['Backlog'] },
      env(),
      dir,
    );
    expect(fingerprinter.readsPerCheck).toBe(2);
    api.resetLog();
    const first = await fingerprinter.fingerprint();
    expect(api.countsByKind()).toEqual({ 'spreadsheets.get': 1, 'values.batchGet': 1 });
    expect(api.count({ writesOnly: true })).toBe(0);
    expect(await fingerprinter.fingerprint()).toBe(first);
    // A person's helper tab is not read by a run: no change.
    api.setCells(id, 'Notes!A1', [['a note']]);
    expect(await fingerprinter.fingerprint()).toBe(first);
    api.setCells(id, 'Backlog!B2', [['One-page checkout']]);
    const second = await fingerprinter.fingerprint();
    expect(second).not.toBe(first);
    expect(await fingerprinter.fingerprint()).toBe(second);
    expect(api.requests).toHaveLength(10);
  });

  it('one that is gone is a WorkbookError', async () => {
    const fingerprinter = await createFingerprinter(
      { location: { kind: 'google', spreadsheetId: 'no-such-spreadsheet' }, tabs: ['Backlog'] },
      env(),
      dir,
    );
    await expect(fingerprinter.fingerprint()).rejects.toThrow(WorkbookError);
  });
});
