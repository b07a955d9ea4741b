/**
 * The range bar writes its numbers without Intl (range-bar.ts): they must read exactly as
 * `formatNumber` writes them, at every magnitude and sign, on the roundings' edges included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatNumber } from './numbers.js';
import { rangeBar } from './range-bar.js';

const SEED = 20_260_113;

/** The accessible name the bar should carry for a range and a value, written with formatNumber. */
const expected = (p10: number, p90: number, value: number) =>
  `P10 ${formatNumber(Math.min(p10, p90))} to P90 ${formatNumber(Math.max(p10, p90))}, ${formatNumber(value)}`;

const label = (svg: string) => /aria-label="([^"]*)"/.exec(svg)?.[1];

describe('rangeBar labels', () => {
  it('writes the numbers as formatNumber does, on the edges of rounding and notation', () => {
    const edges = [
      0,
      -0,
      1,
      -1,
      0.5,
      1.0005,
      1.00049,
      9.9995,
      99.995,
      999.95,
      999.5,
      1000,
      1234.5,
      9999.4,
      9999.5,
      -9999.5,
      10_000,
      12_345,
      99_995,
      123_456,
      999_949,
      999_950,
      999_999.5,
      1e6,
      -1e6,
      1_234_567,
      1e21,
      0.1,
      0.12345,
      0.001,
      0.0012345,
      1e-6,
      9.9995e-7,
      1e-7,
      -1.5e-7,
      5e-324,
      Number.MAX_VALUE,
      0.1 + 0.2,
      2.675,
      1.005,
      123.45,
      -123.45,
    ];
    for (const x of edges) {
      expect(label(rangeBar(x, x, x, [0, 1]))).toBe(expected(x, x, x));
    }
  });

  it('writes any finite number as formatNumber does (property)', () => {
    // Doubles of every magnitude, and short decimals such as a sheet holds (ties of rounding).
    const finite = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.double({ min: -2e6, max: 2e6, noNaN: true }),
      fc.integer({ min: -99_999_999, max: 99_999_999 }).map((n) => n / 10 ** (n % 7 === 0 ? 1 : 4)),
    );
    fc.assert(
      fc.property(finite, finite, finite, (p10, p90, value) => {
        expect(label(rangeBar(p10, p90, value, [0, 100]))).toBe(expected(p10, p90, value));
      }),
      { seed: SEED, numRuns: 3_000 },
    );
  });
});
