import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

/** Loads a config file with `content` from a fresh folder. */
function load(content: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'productops-config-'));
  writeFileSync(join(dir, 'productops.config.json'), JSON.stringify(content));
  return loadConfig({ cwd: dir, env: {} });
}

describe('ranking config', () => {
  it('defaults: percentiles, and done / shipped / cancelled / archived leave the rank', () => {
    expect(load({}).ranking).toEqual({
      normalize: 'percentile',
      excludeLifecycle: ['done', 'shipped', 'cancelled', 'archived'],
    });
  });

  it('"none" and a team\'s own lifecycle values, trimmed and lower-cased', () => {
    expect(
      load({ ranking: { normalize: 'none', excludeLifecycle: [' Parked ', 'WONT DO'] } }).ranking,
    ).toEqual({ normalize: 'none', excludeLifecycle: ['parked', 'wont do'] });
  });

  it.each([
    [{ normalize: 'zscore' }, /ranking\.normalize: Invalid option: expected one of "percentile"\|"none"/],
    [{ excludeLifecycle: 'done' }, /ranking\.excludeLifecycle: /],
    [{ excludeLifecycle: ['  '] }, /ranking\.excludeLifecycle\.0: a lifecycle_status value cannot be empty/],
    [{ normalise: 'none' }, /ranking: Unrecognized key: "normalise"/],
  ])('%j is rejected with its path', (ranking, message) => {
    expect(() => load({ ranking })).toThrow(message);
  });
});

describe('uncertainty config', () => {
  it('defaults: 10,000 samples, seed 1, the top 10', () => {
    expect(load({}).uncertainty).toEqual({ samples: 10_000, seed: 1, topN: 10 });
    expect(load({ uncertainty: { samples: 2000, seed: 42, topN: 3 } }).uncertainty).toEqual({
      samples: 2000,
      seed: 42,
      topN: 3,
    });
  });

  it.each([
    [{ samples: 50 }, /uncertainty\.samples: Too small: expected number to be >=100/],
    [{ samples: 2_000_000 }, /uncertainty\.samples: Too big: expected number to be <=1000000/],
    [{ samples: 1000.5 }, /uncertainty\.samples: Invalid input: expected int, received number/],
    [{ seed: -1 }, /uncertainty\.seed: Too small/],
    [{ topN: 0 }, /uncertainty\.topN: Too small: expected number to be >=1/],
    [{ top_n: 5 }, /uncertainty: Unrecognized key: "top_n"/],
  ])('%j is rejected with its path', (uncertainty, message) => {
    expect(() => load({ uncertainty })).toThrow(message);
  });
});
