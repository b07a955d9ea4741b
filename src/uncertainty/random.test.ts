import { describe, expect, it } from 'vitest';
import { createRandom, stream } from './random.js';

const draws = (rng: { nextFloat(): number }, n: number) => Array.from({ length: n }, () => rng.nextFloat());

/** Pearson correlation of two equally long lists. */
function correlation(a: number[], b: number[]): number {
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('seeded generators', () => {
  it('repeat for the same seed and id, and differ otherwise', () => {
    expect(draws(createRandom(7), 5)).toEqual(draws(createRandom(7), 5));
    expect(draws(stream(7, 'INIT-1/a'), 5)).toEqual(draws(stream(7, 'INIT-1/a'), 5));
    expect(draws(createRandom(7), 5)).not.toEqual(draws(createRandom(8), 5));
    expect(draws(stream(7, 'INIT-1/a'), 5)).not.toEqual(draws(stream(8, 'INIT-1/a'), 5));
    expect(draws(stream(7, 'INIT-1/a'), 5)).not.toEqual(draws(stream(7, 'INIT-1/b'), 5));
    // Seeds above 2^32 are distinct seeds, not their low 32 bits.
    expect(draws(createRandom(2 ** 32 + 1), 5)).not.toEqual(draws(createRandom(1), 5));
    expect(draws(stream(2 ** 32 + 1, 'a'), 5)).not.toEqual(draws(stream(1, 'a'), 5));
  });

  it('give numbers in [0, 1) with the mean and variance of a uniform', () => {
    const values = draws(stream(1, 'x'), 100_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    // Standard errors: 0.0009 for the mean, 0.0003 for the variance.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.004);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.0012);
  });

  it('fill gives the same sequence as nextFloat', () => {
    const a = stream(3, 'p');
    const b = stream(3, 'p');
    const block = new Float64Array(1000);
    a.fill(block);
    expect(Array.from(block)).toEqual(draws(b, 1000));
    a.fill(block);
    expect(Array.from(block)).toEqual(draws(b, 1000));
  });

  it('streams of neighbouring ids and seeds are uncorrelated', () => {
    const n = 20_000;
    const pairs: [ReturnType<typeof stream>, ReturnType<typeof stream>][] = [
      [stream(1, 'INIT-000001/a'), stream(1, 'INIT-000001/b')],
      [stream(1, 'INIT-000001/a'), stream(1, 'INIT-000002/a')],
      [stream(1, 'a'), stream(2, 'a')],
      [stream(0, ''), stream(0, '\0')],
    ];
    for (const [x, y] of pairs) {
      // 4 standard errors of a correlation of independent samples.
      expect(Math.abs(correlation(draws(x, n), draws(y, n)))).toBeLessThan(4 / Math.sqrt(n));
    }
  });

  it('32-bit outputs hit every bit position evenly', () => {
    const rng = stream(11, 'bits');
    const ones = new Array<number>(32).fill(0);
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const v = rng.nextUint32();
      for (let b = 0; b < 32; b++) if ((v >>> b) & 1) ones[b]!++;
    }
    for (const count of ones) expect(Math.abs(count / n - 0.5)).toBeLessThan(0.015);
  });
});
