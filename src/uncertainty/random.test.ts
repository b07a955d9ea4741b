import { describe, expect, it } from 'vitest';
import { createRandom, stream, TABLE_CELLS } from './random.js';

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

describe('table draws', () => {
  /** The identity's quantile function, tabulated: a draw is its own uniform. */
  const identity = Float64Array.from({ length: TABLE_CELLS + 1 }, (_, j) => j / TABLE_CELLS);

  it('interpolate the table at the next uniform: the identity table gives nextFloat itself', () => {
    const out = new Float64Array(500);
    stream(5, 't').fillFromTable(identity, 0, 1, out, out.length);
    expect(Array.from(out)).toEqual(draws(stream(5, 't'), 500));
  });

  it('apply offset and scale, and fill only the count asked for', () => {
    const out = new Float64Array(10).fill(-1);
    stream(5, 't').fillFromTable(identity, 3, 2, out, 4);
    const expected = draws(stream(5, 't'), 4).map((u) => 3 + 2 * u);
    expect(Array.from(out.subarray(0, 4))).toEqual(expected);
    expect(Array.from(out.subarray(4))).toEqual(new Array(6).fill(-1));
  });

  it('give the same values drawn in stretches as drawn at once', () => {
    const tail = (u: number) => -u;
    for (const fill of ['fillFromTable', 'fillFromTableWithTails'] as const) {
      const whole = new Float64Array(3000);
      const a = stream(9, 's');
      if (fill === 'fillFromTable') a.fillFromTable(identity, 0, 1, whole, 3000);
      else a.fillFromTableWithTails(identity, 0, 1, whole, 3000, tail);
      const b = stream(9, 's');
      const parts: number[] = [];
      for (const n of [1, 999, 1024, 976]) {
        const part = new Float64Array(n);
        if (fill === 'fillFromTable') b.fillFromTable(identity, 0, 1, part, n);
        else b.fillFromTableWithTails(identity, 0, 1, part, n, tail);
        parts.push(...part);
      }
      expect(parts).toEqual(Array.from(whole));
    }
  });

  it('with tails: half a step on, and the two outermost cells drawn by the tail function', () => {
    const n = 200_000;
    const out = new Float64Array(n);
    // The tail function returns a mark that no table value can be: u + 10.
    stream(2, 'tails').fillFromTableWithTails(identity, 0, 1, out, n, (u) => u + 10);
    const uniforms = draws(stream(2, 'tails'), n).map((u) => u + 2 ** -33);
    let tails = 0;
    for (let i = 0; i < n; i++) {
      const u = uniforms[i]!;
      const outer = u < 1 / TABLE_CELLS || u >= 1 - 1 / TABLE_CELLS;
      if (outer) tails++;
      expect(out[i]).toBe(outer ? u + 10 : u);
    }
    // 2 cells of 4,096: about 98 of 200,000, give or take 4 standard deviations.
    expect(Math.abs(tails - (2 * n) / TABLE_CELLS)).toBeLessThan(40);
  });

  it('refuse a table of another size', () => {
    const out = new Float64Array(4);
    expect(() => stream(1, 'x').fillFromTable(new Float64Array(100), 0, 1, out, 4)).toThrow(RangeError);
    expect(() =>
      stream(1, 'x').fillFromTableWithTails(new Float64Array(4096), 0, 1, out, 4, (u) => u),
    ).toThrow('a quantile table has 4097 numbers, not 4096');
  });
});
