/** rankSamples against a plain sort of every sample: ties, failed samples, constants, small and large N. */
import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';
import { rankSamples } from './ranking.js';

/** P(top N) the slow way: per sample, sort every priority, take the N-th highest, count who reaches it. */
function bruteForce(columns: Float64Array[], constants: number[], samples: number, topN: number) {
  const inTop = new Array<number>(columns.length).fill(0);
  const constantInTop = new Array<number>(constants.length).fill(0);
  for (let s = 0; s < samples; s++) {
    const all = [...columns.map((c) => c[s]!), ...constants].filter((p) => Number.isFinite(p));
    all.sort((a, b) => b - a);
    const threshold = all.length <= topN ? Number.NEGATIVE_INFINITY : all[topN - 1]!;
    columns.forEach((c, i) => {
      if (c[s]! >= threshold) inTop[i]!++;
    });
    constants.forEach((c, j) => {
      if (Number.isFinite(c) && c >= threshold) constantInTop[j]!++;
    });
  }
  const share = (n: number) => Math.round((n / samples) * 100) / 100;
  return { pTopN: inTop.map(share), constantPTopN: constantInTop.map(share) };
}

describe('rankSamples', () => {
  it.each([1, 3, 10, 70])('counts the top %i as a sort of every sample does', (topN) => {
    const random = createRandom(topN);
    const samples = 300;
    // Priorities on a coarse grid, so ties are common; some samples failed (NaN).
    const columns = Array.from({ length: 90 }, () =>
      Float64Array.from({ length: samples }, () =>
        random.nextFloat() < 0.05 ? Number.NaN : Math.floor(random.nextFloat() * 40),
      ),
    );
    const constants = [12, 35, Number.NaN, 39.5];
    const expected = bruteForce(
      columns.map((c) => c.slice()),
      constants,
      samples,
      topN,
    );
    const outcome = rankSamples({
      columns,
      coefficients: columns.map(() => 1),
      constants,
      samples,
      topN,
      normalize: 'none',
    });
    expect(outcome).toEqual(expected);
  });

  it('puts everyone in the top N when there are fewer priorities than N', () => {
    const columns = [Float64Array.of(1, Number.NaN, 3), Float64Array.of(2, 2, Number.NaN)];
    const outcome = rankSamples({
      columns,
      coefficients: [1, 1],
      constants: [0.5],
      samples: 3,
      topN: 5,
      normalize: 'none',
    });
    expect(outcome).toEqual({ pTopN: [0.67, 0.67], constantPTopN: [1] });
  });
});
