/** `productops simulate [KEY…]` on the demo workbooks: what it prints, its JSON, and that it writes nothing. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

let dir: string;
let demo: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'productops-simulate-'));
  demo = join(dir, 'demo');
  expect((await runCli(['demo', demo, '--quiet'], dir)).code).toBe(0);
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(args, demo);

interface Simulated {
  initiative_key: string;
  rank: number | null;
  value: { p10: number; p50: number; p90: number } | null;
  p_top_n: number | null;
  top_driver: string | null;
  tornado: { name: string; share: number; swing: number }[];
  histogram: { from: number; to: number; count: number }[];
}

describe('productops simulate', () => {
  it('gives every scored initiative its percentiles, chance, histogram and tornado, and writes nothing', async () => {
    const files = ['workbooks/central-backlog.xlsx', 'workbooks/productops.xlsx', 'productops.db'].map((f) =>
      join(demo, f),
    );
    const before = files.map((f) => statSync(f).mtimeMs);
    const r = await cli(['simulate', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      samples: number;
      seed: number;
      topN: number;
      initiatives: Simulated[];
    };
    expect(out).toMatchObject({ samples: 10_000, seed: 1, topN: 10 });
    const ranked = out.initiatives.filter((s) => s.rank !== null);
    expect(ranked.map((s) => s.rank)).toEqual([...ranked.map((s) => s.rank)].sort((a, b) => a! - b!));
    for (const s of ranked) expect(s.p_top_n).toBeGreaterThanOrEqual(0);
    // The ten highest ranks hold most of the chance to be in the top 10.
    const chance = ranked.reduce((n, s) => n + s.p_top_n!, 0);
    expect(chance).toBeCloseTo(10, 0);
    const uncertain = out.initiatives.filter((s) => s.tornado.length > 0);
    expect(uncertain.length).toBeGreaterThan(3);
    for (const s of uncertain) {
      expect(s.value!.p10).toBeLessThanOrEqual(s.value!.p50);
      expect(s.value!.p50).toBeLessThanOrEqual(s.value!.p90);
      expect(s.tornado.reduce((n, t) => n + t.share, 0)).toBeCloseTo(1, 1);
      expect(s.top_driver).toBe(`${s.tornado[0]!.name} (${Math.round(s.tornado[0]!.share * 100)}%)`);
      expect(s.histogram.reduce((n, b) => n + b.count, 0)).toBeGreaterThan(9_000);
    }
    expect(files.map((f) => statSync(f).mtimeMs)).toEqual(before);

    // The same seed, the same numbers.
    expect((await cli(['simulate', '--json'])).stdout).toBe(r.stdout);

    const one = uncertain[0]!;
    const text = await cli(['simulate', one.initiative_key]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('10,000 samples, seed 1, top 10');
    expect(text.stdout).toContain(one.initiative_key);
    expect(text.stdout).toMatch(/value {5}P10 .+ P50 .+ P90 .+ P\(value < 0\) \d\.\d\d/);
    expect(text.stdout).toContain('value histogram:');
    expect(text.stdout).toContain(`    ${one.tornado[0]!.name}`);
    // Only the initiative asked for.
    expect(text.stdout.match(/INIT-\d{6}/g)!.every((k) => k === one.initiative_key)).toBe(true);
  }, 60_000);

  it('names a key it does not know, with exit code 2', async () => {
    const r = await cli(['simulate', 'INIT-999999']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no initiative 'INIT-999999' on the Central Backlog");
  });
});
