import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';
import {
  ColumnTally,
  compactValues,
  histogram,
  quantilesOf,
  roundPercent,
  roundQuantile,
  selectNth,
  summarizeValues,
  talliedQuantiles,
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
      // A span too narrow to cut into slices: found by selection too.
      'subnormal steps': (i) => (i % 3) * 5e-324,
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

  it('talliedQuantiles equals the sorted quantiles of the finite values, however the stretches fall', () => {
    const random = createRandom(11);
    const shapes: Record<string, (i: number) => number> = {
      uniform: () => random.nextFloat(),
      // Later stretches far outside the grid laid over the first one.
      ascending: (i) => i * i,
      descending: (i) => -i,
      'outliers after the first stretch': (i) => (i > 2000 && i % 7 === 0 ? 1e12 : random.nextFloat()),
      'failed samples and overflows': (i) =>
        i % 5 === 0 ? Number.NaN : i % 11 === 0 ? Number.POSITIVE_INFINITY : random.nextFloat() - 0.5,
      'nothing in the first stretches': (i) => (i < 3000 ? Number.NaN : random.nextFloat()),
      'one value, then others': (i) => (i < 1024 ? 7 : 7 + random.nextFloat()),
      'subnormal steps': (i) => (i % 3) * 5e-324,
      'near the largest numbers': (i) => (i % 2 === 0 ? -1.7e308 : 1.7e308 * random.nextFloat()),
      'all equal': () => 42,
      'few values': (i) => (i < 9000 ? Number.NaN : random.nextFloat()),
    };
    const tally = new ColumnTally();
    for (const [shape, draw] of Object.entries(shapes)) {
      for (const [length, stretch] of [
        [10_000, 1024],
        [12_345, 999],
      ] as const) {
        const drawn = Array.from({ length }, (_, i) => draw(i));
        const column = Float64Array.from(drawn);
        const finite = drawn.filter((v) => Number.isFinite(v));
        tally.reset();
        for (let at = 0; at < length; at += stretch) tally.add(column, at, Math.min(length, at + stretch));
        const label = `${shape}, ${length} values`;
        expect(tally.count, label).toBe(finite.length);
        expect(tally.negative, label).toBe(finite.filter((v) => v < 0).length);
        if (finite.length > 0) {
          expect(tally.least, label).toBe(Math.min(...finite));
          expect(tally.greatest, label).toBe(Math.max(...finite));
        }
        // What is not finite is NaN now, and the rest is where it was.
        expect(column, label).toEqual(Float64Array.from(drawn, (v) => (Number.isFinite(v) ? v : Number.NaN)));
        const before = Float64Array.from(column);
        const got = talliedQuantiles(column, length, tally, PS, new Float64Array(length));
        const expected =
          finite.length > 0 ? PS.map((p) => sortedQuantile(finite, p)) : PS.map(() => Number.NaN);
        expect(got, label).toEqual(expected);
        expect(column, `${label}: left as it was`).toEqual(before);
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
