/**
 * `productops explain KEY` on the demo: after one param value is changed and a new formula
 * approved in the workbook, it lists exactly those changes, with contributions that add up to the
 * score change, and the rank change; and what it says when there is nothing to explain or the
 * command is used wrongly.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Explanation } from '../../src/explain/index.js';
import type { RankedInitiative } from '../../src/flows/index.js';
import { runCli } from '../support/cli.js';

let dir: string;
let demo: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'productops-explain-'));
  demo = join(dir, 'demo');
  expect((await runCli(['demo', demo, '--quiet'], dir)).code).toBe(0);
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(args, demo);

const KEY = 'INIT-000001';
const OLD_LINE = 'value = monthly_gross_profit * horizon_months - design_research_cost';
const NEW_LINE = 'value = monthly_gross_profit * horizon_months - design_research_cost * 2';

/** In the ProductOps workbook, as a PM would in Excel: one param's value, and a new approved formula. */
async function editWorkbook(): Promise<void> {
  const file = join(demo, 'workbooks/productops.xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const edit = (tab: string, where: Record<string, string>, values: Record<string, unknown>) => {
    const ws = wb.getWorksheet(tab)!;
    const header = (ws.getRow(1).values as unknown[]).map(String);
    let found = 0;
    ws.eachRow((row, n) => {
      if (n === 1 || !Object.entries(where).every(([c, v]) => row.getCell(header.indexOf(c)).value === v))
        return;
      found += 1;
      for (const [c, v] of Object.entries(values)) {
        const cell = row.getCell(header.indexOf(c));
        cell.value = typeof v === 'function' ? v(cell.value) : (v as ExcelJS.CellValue);
      }
    });
    expect(found).toBe(1);
  };
  edit('Params', { initiative_key: KEY, param_name: 'conversion_uplift' }, { value: 0.1 });
  edit(
    'MathModels',
    { initiative_key: KEY },
    {
      formula_text_final: (text: unknown) => {
        expect(String(text)).toContain(OLD_LINE);
        return String(text).replace(OLD_LINE, NEW_LINE);
      },
      formula_text_approved: true,
    },
  );
  await wb.xlsx.writeFile(file);
}

const ranking = async () => {
  const r = await cli(['run', '--json', '--quiet']);
  expect(r.code).toBe(0);
  return new Map(
    (JSON.parse(r.stdout) as { ranking: RankedInitiative[] }).ranking.map((i) => [i.initiative_key, i.rank]),
  );
};

describe('productops explain', () => {
  it('lists the changed param and the formula diff, with contributions that add up, and the rank change', async () => {
    const nothing = await cli(['explain', KEY]);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain(`Nothing to explain yet: the score of ${KEY} has not changed`);

    const before = await ranking();
    await editWorkbook();
    const after = await ranking();

    const r = await cli(['explain', KEY, '--json']);
    expect(r.code).toBe(0);
    const { ok, explanation: e } = JSON.parse(r.stdout) as { ok: boolean; explanation: Explanation };
    expect(ok).toBe(true);
    expect(e.key).toBe(KEY);
    expect(e.framework).toBeNull();
    expect(e.coefficient).toBeNull();
    expect(e.formula!.lines.filter((l) => l.kind !== 'same')).toEqual([
      { kind: 'removed', text: OLD_LINE },
      { kind: 'added', text: NEW_LINE },
    ]);
    expect(e.params).toEqual([{ name: 'conversion_uplift', kind: 'changed', from: 0.08, to: 0.1 }]);
    expect(e.contributions.map((c) => [c.kind, c.name])).toEqual([
      ['formula', null],
      ['param', 'conversion_uplift'],
    ]);
    // The formula doubles the 25,000 research cost, at the old conversion uplift.
    expect(e.contributions[0]!.value).toBeCloseTo(-25_000, 6);
    for (const measure of ['value', 'overall'] as const) {
      const sum = e.contributions.reduce((n, c) => n + c[measure]!, 0);
      expect(e[measure].change).not.toBe(0);
      expect(Math.abs(sum - e[measure].change!)).toBeLessThanOrEqual(1e-9 * Math.abs(e[measure].to!));
    }
    expect(e.rank).toMatchObject({ from: before.get(KEY), to: after.get(KEY) });
    expect(e.rank.up).toBe(before.get(KEY)! - after.get(KEY)!);
    // Exactly the initiatives whose place relative to it flipped.
    const place = (ranks: Map<string, number>, key: string) => ranks.get(key) ?? Number.POSITIVE_INFINITY;
    const ahead = (ranks: Map<string, number>, key: string) => place(ranks, key) < place(ranks, KEY);
    const keys = [...new Set([...before.keys(), ...after.keys()])].filter((k) => k !== KEY);
    const passed = keys.filter((k) => !ahead(before, k) && ahead(after, k));
    const behind = keys.filter((k) => ahead(before, k) && !ahead(after, k));
    expect(passed.length + behind.length).toBeGreaterThan(0);
    expect(e.rank.passedBy.map((m) => m.key).sort()).toEqual(passed.sort());
    expect(e.rank.fellBehind.map((m) => m.key).sort()).toEqual(behind.sort());

    const text = await cli(['explain', KEY]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${KEY}  ${e.title}`);
    expect(text.stdout).toContain(`  - ${OLD_LINE}\n  + ${NEW_LINE}\n`);
    expect(text.stdout).toContain('param conversion_uplift: 0.08 → 0.1');
    expect(text.stdout).toMatch(/ {2}formula +-25,000 +-625\n/);
    expect(text.stdout).toContain(`rank     ${before.get(KEY)} → ${after.get(KEY)} (up ${e.rank.up})`);

    // Since a date before the demo ran: the same two states.
    const since = await cli(['explain', KEY, '--since', '2000-01-01', '--json']);
    expect(JSON.parse(since.stdout).explanation.contributions).toEqual(e.contributions);
  }, 60_000);

  it('says so when an initiative has nothing to explain, in JSON too', async () => {
    const r = await cli(['explain', 'INIT-000002', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: true,
      explanation: null,
      message: expect.stringContaining('Nothing to explain yet'),
    });
  });

  it.each([
    [['explain', 'INIT-999999'], "productops: no initiative 'INIT-999999' in the database"],
    [['explain', KEY, '--since', 'yesterday'], "productops: --since: 'yesterday' is neither a run id"],
    [['explain', KEY, '--since', '0'], "productops: --since: '0' is neither a run id"],
    [['explain', KEY, '--since', '2026-02-30'], "productops: --since: '2026-02-30' is neither a run id"],
  ])('%j exits with 2 and says why', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('exits with 2 before any run has created the database', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(
      join(empty, 'productops.config.json'),
      JSON.stringify({ database: { url: 'sqlite:never.db' } }),
    );
    const r = await runCli(['explain', KEY], empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no initiative 'INIT-000001': there is no database at");
    expect(r.stderr).toContain("run 'productops run' first");
  });
});
