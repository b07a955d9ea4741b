/**
 * Issue 10, item 3: a tab missing a required column stops `run` and `init` before anything is
 * written, exits 1 and says which header to restore (and which unnamed column looks like it);
 * `init --dry-run` reports exactly what `init` adds.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'productops-missing-column-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(args, dir);
const backlogFile = () => join(dir, 'workbooks/central-backlog.xlsx');
const productOpsFile = () => join(dir, 'workbooks/productops.xlsx');

async function editBacklog(edit: (ws: ExcelJS.Worksheet, header: string[]) => void): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(backlogFile());
  const ws = wb.getWorksheet('Backlog')!;
  edit(ws, (ws.getRow(1).values as unknown[]).slice(1).map(String));
  await wb.xlsx.writeFile(backlogFile());
}

async function backlogHeader(): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(backlogFile());
  return (wb.getWorksheet('Backlog')!.getRow(1).values as unknown[]).slice(1).map((v) => String(v ?? ''));
}

describe('a cleared required header', () => {
  beforeEach(async () => {
    await cli(['init']);
    await editBacklog((ws, header) => {
      const title = header.indexOf('title') + 1;
      const framework = header.indexOf('active_scoring_framework') + 1;
      ['Faster checkout', 'Self-serve refunds', 'Dark mode'].forEach((text, i) => {
        ws.getRow(i + 2).getCell(title).value = text;
        ws.getRow(i + 2).getCell(framework).value = 'RICE';
      });
    });
    expect((await cli(['run'])).code).toBe(0);
    // Someone clears the `title` header (column B); the titles stay in the column.
    await editBacklog((ws, header) => {
      ws.getRow(1).getCell(header.indexOf('title') + 1).value = null;
    });
  });

  const message =
    "tab 'Backlog' has no column 'title' in its header row: column B has no header but holds data that looks like it; type 'title' into cell B1 and run again (nothing was written)";

  it('run exits 1, names the header and the unnamed column, and writes no tab of either workbook', async () => {
    const before = [readFileSync(backlogFile()), readFileSync(productOpsFile())];
    const r = await cli(['run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(readFileSync(backlogFile()).equals(before[0]!)).toBe(true);
    expect(readFileSync(productOpsFile()).equals(before[1]!)).toBe(true);
  });

  it('init and init --dry-run stop with the same message instead of adding an empty title column', async () => {
    const before = readFileSync(backlogFile());
    const dry = await cli(['init', '--dry-run']);
    expect(dry).toMatchObject({ code: 1 });
    expect(dry.stderr).toContain(message);
    const real = await cli(['init']);
    expect(real.code).toBe(1);
    expect(real.stderr).toContain(message);
    expect(readFileSync(backlogFile()).equals(before)).toBe(true);
    expect(await backlogHeader()).not.toContain('title');
  });

  it('once the header is typed back, run works again', async () => {
    await editBacklog((ws) => {
      ws.getRow(1).getCell(2).value = 'title';
    });
    expect((await cli(['run'])).code).toBe(0);
  });
});

describe('init --dry-run', () => {
  it('reports exactly the columns init then adds', async () => {
    await cli(['init']);
    await editBacklog((ws, header) => {
      ws.spliceColumns(header.indexOf('updated_at') + 1, 1);
      ws.spliceColumns(header.indexOf('rank') + 1, 1);
    });
    const dry = await cli(['init', '--dry-run']);
    expect(dry.code).toBe(0);
    const would = dry.stderr
      .split('\n')
      .filter((l) => l.startsWith('would add'))
      .map((l) => l.replace('would add', 'add'));
    expect(would).toEqual([
      `add column 'rank' to tab 'Backlog' of ${backlogFile()}`,
      `add column 'updated_at' to tab 'Backlog' of ${backlogFile()}`,
    ]);
    const real = await cli(['init']);
    expect(real.code).toBe(0);
    expect(
      real.stderr
        .split('\n')
        .filter((l) => l.startsWith('added'))
        .map((l) => l.replace('added', 'add')),
    ).toEqual(would);
  });
});
