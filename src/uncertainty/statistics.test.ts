import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';
import {
  compactValues,
  histogram,
  quantilesOf,
  roundPercent,
  roundQuantile,
  selectNth,
  summarizeValues,
} from './statistics.js';

/** Type 7 from a full sort, to check the selection against. */
function sortedQuantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const k = Math.floor(h);
  return k + 1 < sorted.length ? sorted[k]! + (h - k) * (sorted[k + 1]! - sorted[k]!) : sorted[k]!;
}

const values = fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 300 });
const PS = [0, 0.01, 0.1, 0.25, 0.5, 0.9, 0.99, 1];

describe('selection', () => {
  it('quantilesOf equals quantiles of the sorted values (ties and all)', () => {
    fc.assert(
      fc.property(values, (list) => {
        const got = quantilesOf(Float64Array.from(list), list.length, PS);
        expect(got).toEqual(PS.map((p) => sortedQuantile(list, p)));
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('quantilesOf on long columns equals the sorted quantiles, whatever the values look like', () => {
    const random = createRandom(9);
    const shapes: Record<string, (i: number) => number> = {
      uniform: () => random.nextFloat(),
      'heavy tail': () => 1 / (random.nextFloat() + 1e-9),
      'few distinct values': () => Math.floor(random.nextFloat() * 5),
      ascending: (i) => i,
      'periodic outliers': (i) => (i % 4 === 0 ? 1e6 + i : random.nextFloat()),
      // A span that overflows to Infinity: found by selection instead.
      'near the largest numbers': (i) => (i % 2 === 0 ? -1.7e308 : 1.7e308 * random.nextFloat()),
      'all equal': () => 42,
    };
    for (const [shape, draw] of Object.entries(shapes)) {
      for (const count of [4096, 10_000, 30_001]) {
        const list = Array.from({ length: count }, (_, i) => draw(i));
        const got = quantilesOf(Float64Array.from(list), count, PS);
        expect(got, `${shape}, ${count} values`).toEqual(PS.map((p) => sortedQuantile(list, p)));
      }
    }
  });

  it('selectNth puts the k-th smallest in place, smaller before and larger after', () => {
    fc.assert(
      fc.property(values, fc.nat(), (list, at) => {
        const k = at % list.length;
        const array = Float64Array.from(list);
        const kth = selectNth(array, 0, array.length, k);
        expect(kth).toBe([...list].sort((a, b) => a - b)[k]);
        for (let i = 0; i < k; i++) expect(array[i]).toBeLessThanOrEqual(kth);
        for (let i = k + 1; i < array.length; i++) expect(array[i]).toBeGreaterThanOrEqual(kth);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('compactValues then summarizeValues leaves NaN (failed samples) out', () => {
    const summarize = (column: Float64Array) => {
      const scratch = new Float64Array(column.length);
      return summarizeValues(scratch, compactValues(column, scratch));
    };
    const summary = summarize(Float64Array.from([Number.NaN, 3, 1, Number.NaN, 2]));
    expect(summary).toMatchObject({ quantiles: { p10: 1.2, p50: 2, p90: 2.8 }, count: 3 });
    expect(summarize(Float64Array.from([Number.NaN])).quantiles).toBeNull();
  });
});

describe('histogram', () => {
  it('counts values in 20 equal bins, the last one closed', () => {
    const column = Float64Array.from({ length: 101 }, (_, i) => i);
    const bins = histogram(column, 0, 100);
    expect(bins).toHaveLength(20);
    expect(bins[0]).toEqual({ from: 0, to: 5, count: 5 });
    expect(bins[19]).toEqual({ from: 95, to: 100, count: 6 });
    expect(bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(101);
  });

  it('is one bin of width 0 for a constant column, and empty without values', () => {
    expect(histogram(Float64Array.from([4, 4, 4]), 4, 4)).toEqual([{ from: 4, to: 4, count: 3 }]);
    expect(histogram(Float64Array.from([Number.NaN]), Number.NaN, Number.NaN)).toEqual([]);
  });
});

describe('rounding for stable cells', () => {
  it.each([
    [123456, 123500],
    [0.000123456, 0.0001235],
    [-9.87654, -9.877],
    [-0, 0],
    [0, 0],
  ])('a quantile %s prints as %s', (x, expected) => {
    expect(Object.is(roundQuantile(x), expected)).toBe(true);
  });

  it.each([
    [0.375, 0.38],
    [0.12499, 0.12],
    [1, 1],
  ])('a probability %s prints as %s', (x, expected) => {
    expect(roundPercent(x)).toBe(expected);
  });
});
