/**
 * The pipeline on Google Sheets, against the Sheets API stand-in through the real client:
 * `init` and `run` from the command line, request counts that do not grow with the backlog, and
 * faults (429 bursts, 500s, a timeout mid-write, rows sorted between read and write) that leave
 * every PM cell intact and a rerun that converges. People sorting and inserting rows while a run
 * writes, and volatile formulas in their helper columns, do not keep the run from writing every
 * cell on its own row.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createDatabase } from '../../src/db/database.js';
import { type DemoTab, demoWorkbooks } from '../../src/demo/demo-data.js';
import { FLOWS, runFlows } from '../../src/flows/index.js';
import { GoogleSheetStore } from '../../src/sheets/google/index.js';
import {
  allTabs,
  backlogTab,
  mathModelsTab,
  normalizeHeader,
  paramsTab,
  scoringTab,
  type TabSpec,
} from '../../src/sheets/tabs.js';
import { a1 } from '../sheets/google-fixtures.js';
import { runCli } from '../support/cli.js';
import { SheetsApiStandIn, type StandInInput } from '../support/sheets-api-stand-in.js';

let api: SheetsApiStandIn;
let dir: string;
let ids: { backlog: string; productOps: string };

beforeAll(async () => {
  api = await SheetsApiStandIn.start({ token: 'fixed-test-token' });
});
afterAll(async () => {
  await api.close();
});
beforeEach(() => {
  api.resetControls();
  api.resetLog();
  dir = mkdtempSync(join(tmpdir(), 'productops-google-'));
  ids = { backlog: api.createSpreadsheet(), productOps: api.createSpreadsheet() };
  writeFileSync(
    join(dir, 'productops.config.json'),
    JSON.stringify({
      backlog: { kind: 'google', spreadsheetId: ids.backlog },
      productOps: { kind: 'google', spreadsheetId: ids.productOps },
    }),
  );
  return () => rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ GOOGLE_SHEETS_ROOT_URL: api.rootUrl, GOOGLE_SHEETS_ACCESS_TOKEN: 'fixed-test-token' });

const cli = (args: string[]) => runCli(args, dir, env());

/** The demo workbooks, `copies` times over with distinct keys (copies = 1: the demo as it is). */
function fill(copies = 1) {
  const data = demoWorkbooks();
  const put = (id: string, tab: string, demo: DemoTab) => {
    const keyIndex = demo.headers.indexOf('initiative_key');
    const rows: StandInInput[][] = [demo.headers];
    for (let c = 0; c < copies; c++) {
      for (const row of demo.rows) {
        // The shared assumptions (`*`) serve every copy: one row each.
        if (c > 0 && row[keyIndex] === '*') continue;
        const copy = [...row];
        const key = copy[keyIndex];
        if (typeof key === 'string' && key !== '' && c > 0) copy[keyIndex] = `${key}-${c}`;
        if (tab === 'MathModels' && c > 0) {
          const name = demo.headers.indexOf('model_name');
          copy[name] = `${copy[name]}-${c}`;
        }
        rows.push(copy);
      }
    }
    api.setTab(id, tab, rows);
  };
  put(ids.backlog, 'Backlog', data.backlog);
  put(ids.productOps, 'Scoring_Inputs', data.scoring);
  put(ids.productOps, 'MathModels', data.mathModels);
  put(ids.productOps, 'Params', data.params);
}

/** Every cell people own, by tab: what a fault must never change. */
function pmCells(): string {
  const out: unknown[] = [];
  for (const spec of allTabs) {
    const id = spec.id === 'backlog' ? ids.backlog : ids.productOps;
    const grid = api.getGrid(id, spec.defaultName);
    const header = (grid[0] ?? []).map((h) => normalizeHeader(h));
    const pmColumns = spec.columns.filter((c) => c.owner === 'pm').map((c) => header.indexOf(c.name));
    // Rows are compared by content, so a row moved by a sort still counts as intact, and rows
    // holding no PM cell (inserted empty rows) do not count.
    out.push(
      grid
        .slice(1)
        .map((row) => pmColumns.map((c) => row[c] ?? null))
        .filter((cells) => cells.some((cell) => cell !== null))
        .map((r) => JSON.stringify(r))
        .sort(),
    );
  }
  return JSON.stringify(out);
}

const cellsWritten = (json: string) =>
  (JSON.parse(json) as { steps: { cellsWritten: number }[] }).steps.reduce((n, s) => n + s.cellsWritten, 0);

describe('productops init and run on Google Sheets', () => {
  it('init adds tabs, headers, dropdowns, checkboxes, frozen headers and warning-only protection; twice changes nothing', async () => {
    expect((await cli(['init'])).code).toBe(0);
    expect(api.tabTitles(ids.productOps)).toEqual(
      expect.arrayContaining(['Scoring_Inputs', 'MathModels', 'Params']),
    );
    expect(api.getGrid(ids.backlog, 'Backlog')[0]!.slice(0, 2)).toEqual(['initiative_key', 'title']);
    expect(api.sheetProperties(ids.backlog, 'Backlog').gridProperties.frozenRowCount).toBe(1);
    expect(api.validations(ids.backlog, 'Backlog').length).toBeGreaterThan(0);
    expect(api.protectedRanges(ids.backlog, 'Backlog').every((p) => p.warningOnly)).toBe(true);
    api.resetLog();
    const again = await cli(['init']);
    expect(again.stderr).toContain('nothing to add');
    expect(api.count({ writesOnly: true })).toBe(0);
  });

  it.each([
    [1, 'the demo'],
    [200, 'the demo 200 times over'],
  ])(
    'a full run makes a bounded number of requests (%i × %s); a second no-edit run sends no write',
    async (copies) => {
      fill(copies);
      const first = await cli(['run', '--json']);
      expect(first.code).toBe(0);
      const counts = api.countsByKind();
      // Per workbook: the tab list (once: the read uses the one `exists` fetched) and one batchGet
      // to read; to write, a re-read, one values.batchUpdate and a re-read checking where the cells
      // landed, plus one spreadsheets.batchUpdate when there are rows to append.
      expect(counts).toMatchObject({ 'spreadsheets.get': 2, 'values.batchGet': 6, 'values.batchUpdate': 2 });
      expect(counts['spreadsheets.batchUpdate'] ?? 0).toBeLessThanOrEqual(2);
      api.resetLog();
      const second = await cli(['run', '--json']);
      expect(cellsWritten(second.stdout)).toBe(0);
      expect(api.count({ writesOnly: true })).toBe(0);
      expect(api.countsByKind()).toEqual({ 'spreadsheets.get': 2, 'values.batchGet': 2 });
      const ranking = JSON.parse(second.stdout).ranking;
      expect(ranking.length).toBe(19 * copies);
    },
    60_000,
  );
});

/**
 * `n` initiatives, every fifth scored by an approved math model, the others by RICE or WSJF; the
 * last two have no Scoring_Inputs row yet, so a first run appends.
 */
function fillInitiatives(n: number) {
  const row = (tab: TabSpec, cells: Record<string, StandInInput>) =>
    tab.columns.map((c) => cells[c.name] ?? null);
  const header = (tab: TabSpec) => tab.columns.map((c) => c.name);
  const backlog: StandInInput[][] = [header(backlogTab)];
  const scoring: StandInInput[][] = [header(scoringTab)];
  const models: StandInInput[][] = [header(mathModelsTab)];
  const params: StandInInput[][] = [header(paramsTab)];
  for (let i = 1; i <= n; i++) {
    const key = `INIT-${String(i).padStart(6, '0')}`;
    const framework = i % 5 === 0 ? 'MATH_MODEL' : i % 2 === 0 ? 'WSJF' : 'RICE';
    const shared = { active_scoring_framework: framework, use_math_model: framework === 'MATH_MODEL' };
    backlog.push(
      row(backlogTab, {
        initiative_key: key,
        title: `Initiative ${i}`,
        effort_engineering_days: 10,
        ...shared,
      }),
    );
    if (i <= n - 2) {
      scoring.push(
        row(scoringTab, {
          initiative_key: key,
          title: `Initiative ${i}`,
          ...shared,
          rice_reach: 100 * i,
          rice_impact: 2,
          rice_confidence: 0.8,
          rice_effort: 3,
          wsjf_business_value: 5,
          wsjf_time_criticality: 3,
          wsjf_risk_reduction: 2,
          wsjf_job_size: 1 + (i % 4),
        }),
      );
    }
    if (framework === 'MATH_MODEL') {
      const model = { initiative_key: key, framework: 'MATH_MODEL' };
      models.push(
        row(mathModelsTab, {
          ...model,
          model_name: `${key}_MATH_MODEL_V1`,
          formula_text_final: 'value = sessions * lift',
          formula_text_approved: true,
        }),
      );
      params.push(row(paramsTab, { ...model, param_name: 'sessions', value: 1000 + i, approved: true }));
      params.push(row(paramsTab, { ...model, param_name: 'lift', value: 0.02, approved: true }));
    }
  }
  api.setTab(ids.backlog, 'Backlog', backlog);
  api.setTab(ids.productOps, 'Scoring_Inputs', scoring);
  api.setTab(ids.productOps, 'MathModels', models);
  api.setTab(ids.productOps, 'Params', params);
}

describe('requests of a full run and of a second run with no edits', () => {
  // Before the write was checked after it was sent (and before the read reused the tab list of
  // `exists`), both sizes took 12 requests for the first run (spreadsheets.get 6, values.batchGet 4,
  // values.batchUpdate 2) and 6 for the second (spreadsheets.get 4, values.batchGet 2).
  it.each([10, 300])(
    '%i initiatives: 11 requests, then 4',
    async (n) => {
      fillInitiatives(n);
      const first = await cli(['run', '--json']);
      expect(first.code).toBe(0);
      expect(api.countsByKind()).toEqual({
        'spreadsheets.get': 2,
        'values.batchGet': 6,
        'spreadsheets.batchUpdate': 1,
        'values.batchUpdate': 2,
      });
      api.resetLog();
      const second = await cli(['run', '--json']);
      expect(cellsWritten(second.stdout)).toBe(0);
      expect(api.countsByKind()).toEqual({ 'spreadsheets.get': 2, 'values.batchGet': 2 });
    },
    60_000,
  );
});

describe('faults leave every PM cell intact and a rerun converges', () => {
  async function runOnce() {
    const config = loadConfig({ path: join(dir, 'productops.config.json'), cwd: dir, env: {} });
    const store = (id: string) =>
      new GoogleSheetStore(id, {
        rootUrl: api.rootUrl,
        accessToken: 'fixed-test-token',
        sleep: async () => {},
        timeoutMs: 300,
      });
    const database = await createDatabase(`sqlite:${join(dir, 'productops.db')}`);
    try {
      return await runFlows(
        { config, backlog: store(ids.backlog), productOps: store(ids.productOps), database },
        { command: 'run', include: new Set(FLOWS), dryRun: false },
      );
    } finally {
      await database.close();
    }
  }
  const total = (r: Awaited<ReturnType<typeof runOnce>>) => r.steps.reduce((n, s) => n + s.cellsWritten, 0);

  it.each([
    ['a 429 burst on every kind of request', () => api.inject({ status: 429, times: 3, retryAfter: 0 })],
    ['500s on reads and writes', () => api.inject({ status: 500, times: 3 })],
    ['a timeout in the middle of a write', () => api.hangNext({ kind: 'values.batchUpdate', apply: true })],
    ['connections reset', () => api.inject({ reset: true, times: 2 })],
  ])('%s', async (_name, fault) => {
    fill();
    await runOnce();
    // A PM changes two inputs, so the next run has scores to write.
    const scoring = api.getGrid(ids.productOps, 'Scoring_Inputs');
    const reach = scoring[0]!.indexOf('rice_reach');
    const row = scoring.findIndex((r) => typeof r[reach] === 'number');
    api.setCells(ids.productOps, `Scoring_Inputs!${String.fromCharCode(65 + reach)}${row + 1}`, [[123_456]]);
    const before = pmCells();
    fault();
    // The run may succeed after retries or stop with a clear error: either way nothing is lost.
    await runOnce().catch((e: Error) => expect(e.message).toMatch(/Google spreadsheet/));
    expect(pmCells()).toBe(before);
    api.resetControls();
    await runOnce();
    expect(total(await runOnce())).toBe(0);
    expect(pmCells()).toBe(before);
  });

  it('rows sorted and deleted between the read and the write', async () => {
    fill();
    await runOnce();
    const before = pmCells();
    // A person sorts the Backlog by title and deletes a row while the next run is computing.
    api.onBeforeWrite(() => {
      api.sortRows(ids.backlog, 'Backlog', (a, b) => String(a[1] ?? '').localeCompare(String(b[1] ?? '')));
    });
    const grid = api.getGrid(ids.backlog, 'Backlog');
    const header = grid[0]!.map(String);
    const coefficient = header.indexOf('strategic_priority_coefficient') + 1;
    api.setCells(ids.backlog, `Backlog!${String.fromCharCode(64 + coefficient)}3`, [[2]]);
    const r = await runOnce();
    expect(r.ok).toBe(true);
    // Rows that moved were found again by key; a clean rerun finishes the job and the next writes nothing.
    api.resetControls();
    await runOnce();
    expect(total(await runOnce())).toBe(0);
    const after = JSON.parse(pmCells());
    const expected = JSON.parse(before);
    // Only the coefficient the PM typed differs; every other PM cell is as it was.
    expect(after.slice(1)).toEqual(expected.slice(1));
    const rows = api.getGrid(ids.backlog, 'Backlog').slice(1);
    const key = header.indexOf('initiative_key');
    const priority = header.indexOf('priority_score');
    const overall = header.indexOf('overall_score');
    const coef = header.indexOf('strategic_priority_coefficient');
    const framework = header.indexOf('active_scoring_framework');
    // Several frameworks share the demo's rank: priority = coefficient × the overall's mid-rank
    // percentile among the rows of the same framework, each computed from its own row's cells.
    const scored = rows.filter((row) => typeof row[overall] === 'number');
    const percentile = (row: (typeof rows)[number]) => {
      const same = scored
        .filter((r) => String(r[framework]).toUpperCase() === String(row[framework]).toUpperCase())
        .map((r) => r[overall] as number);
      const lower = same.filter((v) => v < (row[overall] as number)).length;
      const equal = same.filter((v) => v === row[overall]).length;
      return (100 * (lower + 0.5 * equal)) / same.length;
    };
    for (const row of scored) {
      const c = typeof row[coef] === 'number' ? (row[coef] as number) : 1;
      expect(row[priority], String(row[key])).toBeCloseTo(percentile(row) * c, 3);
    }
  });
  /** Column `name` of a tab, as an A1 column letter, and a setter for one of its cells (1-based row). */
  function column(id: string, tab: string, name: string) {
    const index = api
      .getGrid(id, tab)[0]!
      .map((h) => normalizeHeader(h))
      .indexOf(name);
    return {
      index,
      set: (row: number, value: StandInInput) => api.setCells(id, `'${tab}'!${a1(row, index)}`, [[value]]),
    };
  }

  /** A PM raises one coefficient and one RICE reach, so the next run has scores and ranks to write. */
  function editInputs() {
    column(ids.backlog, 'Backlog', 'strategic_priority_coefficient').set(3, 2);
    const scoring = api.getGrid(ids.productOps, 'Scoring_Inputs');
    const reach = column(ids.productOps, 'Scoring_Inputs', 'rice_reach');
    reach.set(scoring.findIndex((r) => typeof r[reach.index] === 'number') + 1, 123_456);
  }

  const byTitle = (descending: boolean) => (a: unknown[], b: unknown[]) =>
    String(a[1] ?? '').localeCompare(String(b[1] ?? '')) * (descending ? -1 : 1);

  it('rows sorted and inserted while a run writes, and between two retries, still get every cell on their own row', async () => {
    fill();
    await runOnce();
    editInputs();
    const before = pmCells();
    // Backlog: a person sorts by title in the round trip before the write is applied.
    api.onBeforeWrite(() => api.sortRows(ids.backlog, 'Backlog', byTitle(false)), {
      spreadsheetId: ids.backlog,
    });
    // ProductOps: the write fails, and a person sorts Scoring_Inputs and inserts rows before the retry.
    api.inject({ status: 500, kind: 'values.batchUpdate', spreadsheetId: ids.productOps });
    api.onAfterRequest({ kind: 'values.batchUpdate', spreadsheetId: ids.productOps }, () => {
      api.sortRows(ids.productOps, 'Scoring_Inputs', byTitle(true));
      api.insertRows(ids.productOps, 'Scoring_Inputs', 3, 2);
    });
    const report = await runOnce();
    expect(report.ok).toBe(true);
    expect(report.warnings.map((w) => w.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Backlog: rows moved while the write was on its way/)]),
    );
    // Nothing was left on a row it was not meant for: the next run has nothing to put right.
    api.resetControls();
    expect(total(await runOnce())).toBe(0);
    expect(pmCells()).toBe(before);
  });

  it('a volatile formula in PM helper columns, recalculated while the run computes, holds no update back', async () => {
    fill();
    for (const [id, tab] of [
      [ids.backlog, 'Backlog'],
      [ids.productOps, 'Scoring_Inputs'],
    ] as const) {
      const grid = api.getGrid(id, tab);
      api.setCells(id, `'${tab}'!${a1(1, grid[0]!.length)}`, [
        ['Last refreshed'],
        ...grid.slice(1).map(() => [{ formula: '=NOW()', volatile: true }]),
      ]);
    }
    await runOnce();
    editInputs();
    // "On change and every minute": NOW() moves on between the read and the write.
    for (const id of [ids.backlog, ids.productOps]) {
      api.onAfterRequest({ kind: 'values.batchGet', spreadsheetId: id }, () => api.recalculate(id));
    }
    const report = await runOnce();
    expect(report.warnings.filter((w) => /skipped|changed/.test(w.message))).toEqual([]);
    api.resetControls();
    expect(total(await runOnce())).toBe(0);
  });
});
