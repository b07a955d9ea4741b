/**
 * The dashboard in a real browser: Debian's Chromium (/usr/bin/chromium, which `.ci/run` installs),
 * driven by playwright-core, on the demo served by the real server. It opens the ranking, clicks
 * through to an initiative with a simulated math model, and counts the charts' marks against the
 * JSON API; screenshots of both pages go to test-results/.
 *
 * The demo is run twice, a param of that initiative changed in between, so its history has two
 * points and a change to explain. `PRODUCTOPS_DOCS_SCREENSHOT=1` also writes the README's picture,
 * docs/images/dashboard.png: the ranking at 1280 × 800.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/config/index.js';
import type { InitiativeDetail } from '../../src/dashboard/data.js';
import { type DashboardServer, startDashboardServer } from '../../src/dashboard/index.js';
import type { RankingView } from '../../src/dashboard/pages/ranking.js';
import { createDatabase, type Database } from '../../src/db/index.js';
import { runCli } from '../support/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS = join(ROOT, 'test-results');
const DOCS_SCREENSHOT = join(ROOT, 'docs/images/dashboard.png');

let dir: string;
let demo: string;
let config: Config;
let database: Database;
let server: DashboardServer;
let browser: Browser;
let page: Page;

/** The server's JSON for `path`. */
async function api<T>(path: string): Promise<T> {
  const response = await fetch(new URL(path, server.url));
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/**
 * In the ProductOps workbook, as a PM would in Excel: the value of the initiative's first own param
 * (not a shared one) times 1.1, within the demo's ranges. Returns the param's name.
 */
async function raiseParam(key: string): Promise<string> {
  const file = join(demo, 'workbooks/productops.xlsx');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.getWorksheet('Params')!;
  const header = (sheet.getRow(1).values as unknown[]).map(String);
  const column = (name: string) => header.indexOf(name);
  let name: string | undefined;
  sheet.eachRow((row, n) => {
    const cell = row.getCell(column('value'));
    if (n === 1 || name !== undefined || typeof cell.value !== 'number') return;
    if (row.getCell(column('initiative_key')).value !== key) return;
    name = String(row.getCell(column('param_name')).value);
    cell.value *= 1.1;
  });
  expect(name, `a param of ${key} with a number`).toBeDefined();
  await workbook.xlsx.writeFile(file);
  return name!;
}

const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium)(
  `the dashboard in Chromium${hasChromium ? '' : ` (skipped: no ${CHROMIUM}; .ci/run installs it with apt)`}`,
  () => {
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'productops-browser-'));
      demo = join(dir, 'demo');
      expect((await runCli(['demo', demo, '--quiet'], dir)).code).toBe(0);
      config = loadConfig({ cwd: demo, env: {} });
      database = await createDatabase(config.database.url, { baseDir: config.baseDir });
      server = await startDashboardServer({ database, config, port: 0 });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      mkdirSync(RESULTS, { recursive: true });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await database?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('shows the ranking, and an initiative with its histogram, tornado and history', async () => {
      // The initiative: the best ranked with a simulated math model (it has a top driver), one of
      // whose params then rises, so the second run records a second score.
      const before = await api<RankingView>('/api/ranking');
      const chosen = before.initiatives.find((row) => row.topDriver !== null && row.rank !== null);
      expect(chosen, 'the demo has a ranked math model with uncertainty').toBeDefined();
      const key = chosen!.key;
      if (process.env.PRODUCTOPS_DOCS_SCREENSHOT === '1') {
        // The demo as `productops demo` leaves it.
        await page.goto(server.url);
        await page.screenshot({ path: DOCS_SCREENSHOT });
      }
      const param = await raiseParam(key);
      expect((await runCli(['run', '--quiet'], demo)).code).toBe(0);

      const ranking = await api<RankingView>('/api/ranking');
      const status = await api<{ ranked: number }>('/api/status');
      await page.goto(server.url);
      expect(await page.title()).toContain('Ranking');
      const rows = page.locator('table.ranking tbody tr[data-key]');
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')))).toEqual(
        ranking.initiatives.map((row) => row.key),
      );
      const ranks = await page.locator('table.ranking tbody tr[data-key] td.rank').allTextContents();
      expect(ranks.filter((text) => text.trim() !== '')).toHaveLength(status.ranked);
      expect(status.ranked).toBeGreaterThan(0);
      await page.screenshot({ path: join(RESULTS, 'ranking.png'), fullPage: true });

      await page.locator(`table.ranking tr[data-key="${key}"] a.initiative`).first().click();
      await page.waitForURL(`**/initiatives/${key}`);
      const { initiative, changes } = await api<{ initiative: InitiativeDetail; changes: unknown[] }>(
        `/api/initiatives/${key}`,
      );
      const finite = (x: number | null | undefined) => typeof x === 'number' && Number.isFinite(x);
      const bins = initiative.uncertainty!.histogram.filter(
        (bin) => finite(bin.from) && finite(bin.to) && bin.count > 0,
      );
      const bars = initiative.uncertainty!.tornado.filter((bar) => finite(bar.low) && finite(bar.high));
      const points = initiative.history.filter((point) => finite(point.value));
      expect(bins.length).toBeGreaterThan(1);
      expect(bars.length).toBeGreaterThan(1);
      expect(points).toHaveLength(2);
      expect(changes).toHaveLength(1);
      const marks = (selector: string) => page.locator(selector).count();
      expect(await marks('figure.histogram svg g.bars rect')).toBe(bins.length);
      expect(await marks('figure.tornado svg g.bars rect')).toBe(bars.length);
      expect(await marks('figure.history svg g.score-dots circle')).toBe(points.length);
      // The change the second run recorded, explained on the page.
      expect(await page.locator('table.history td.why').first().textContent()).toContain(param);
      await page.screenshot({ path: join(RESULTS, 'initiative.png'), fullPage: true });
    });
  },
);
