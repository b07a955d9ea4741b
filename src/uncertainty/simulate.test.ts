import { describe, expect, it } from 'vitest';
import { compileScript } from '../formula/index.js';
import { type DistributionSpec, quantile } from './distributions.js';
import { createSamplingContext, sampleInitiative } from './initiative-samples.js';
import { closeSimulationWorkers } from './parallel.js';
import {
  type SimulatedInitiative,
  type SimulationInput,
  type SimulationResult,
  simulate,
  simulateSync,
} from './simulate.js';
import { roundPercent, roundQuantile } from './statistics.js';

const U01: DistributionSpec = { kind: 'uniform', min: 0, max: 1 };

function initiative(
  key: string,
  text: string,
  params: Record<string, DistributionSpec> = {},
  extra: Partial<SimulatedInitiative> = {},
): SimulatedInitiative {
  return {
    key,
    script: compileScript(text),
    formulaText: text,
    params: new Map(Object.entries(params)),
    effortDays: 1,
    coefficient: 1,
    ...extra,
  };
}

function input(initiatives: SimulatedInitiative[], extra: Partial<SimulationInput> = {}): SimulationInput {
  return {
    initiatives,
    shared: new Map(),
    constants: [],
    samples: 10_000,
    seed: 1,
    topN: 1,
    normalize: 'none',
    ...extra,
  };
}

const of = (result: SimulationResult, key: string) => result.initiatives.get(key)!;

/** Each expected quantile is within `tolerance` of the simulated one. */
function expectNear(actual: object | null, expected: Record<string, number>, tolerance: number) {
  expect(actual).not.toBeNull();
  const figures = actual as Record<string, number>;
  expect(Object.keys(figures)).toEqual(Object.keys(expected));
  for (const [name, value] of Object.entries(expected)) {
    expect(Math.abs(figures[name]! - value), name).toBeLessThanOrEqual(tolerance);
  }
}

describe('P(top N)', () => {
  // A and B ~ U(0, 1), C = 0.5. A ranks first when A > max(B, 0.5): ∫_0.5^1 a da = 3/8; C when
  // both are below 0.5: 1/4. A is in the top 2 unless A < min(B, 0.5): 1 − ∫_0^0.5 (1 − a) da = 5/8.
  const race = (topN: number) =>
    simulateSync(
      input([initiative('A', 'value = x', { x: U01 }), initiative('B', 'value = x', { x: U01 })], {
        constants: [{ key: 'C', priority: 0.5 }],
        samples: 100_000,
        topN,
      }),
    );

  it('top 1 of two uniforms and a constant 0.5: 3/8, 3/8 and 1/4', () => {
    const result = race(1);
    // Standard error at 100,000 samples: 0.0015; the figure is rounded to 0.01.
    expect(Math.abs(of(result, 'A').pTopN - 3 / 8)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(of(result, 'B').pTopN - 3 / 8)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(result.constants.get('C')! - 1 / 4)).toBeLessThanOrEqual(0.01);
  });

  it('top 2 of the same: 5/8, 5/8 and 3/4', () => {
    const result = race(2);
    expect(Math.abs(of(result, 'A').pTopN - 0.625)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(of(result, 'B').pTopN - 0.625)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(result.constants.get('C')! - 0.75)).toBeLessThanOrEqual(0.01);
  });

  it('ties share a rank, as rankByPriority: two constants at the top are both in the top 1', () => {
    const result = simulateSync(
      input([initiative('A', 'value = x', { x: U01 })], {
        constants: [
          { key: 'C', priority: 2 },
          { key: 'D', priority: 2 },
        ],
      }),
    );
    expect(result.constants.get('C')).toBe(1);
    expect(result.constants.get('D')).toBe(1);
    expect(of(result, 'A').pTopN).toBe(0);
  });

  it('everyone is in the top N when fewer are ranked; nobody in the top 0', () => {
    const two = [initiative('A', 'value = x', { x: U01 }), initiative('B', 'value = x', { x: U01 })];
    expect(of(simulateSync(input(two, { topN: 5 })), 'A').pTopN).toBe(1);
    expect(of(simulateSync(input(two, { topN: 0 })), 'A').pTopN).toBe(0);
  });
});

describe('tornado', () => {
  it('of a linear model is the analytic swing: 2·(P90a − P10a), 3·(P90b − P10b)', () => {
    const a: DistributionSpec = { kind: 'pert', min: 0, mode: 1, max: 4 };
    const b: DistributionSpec = { kind: 'triangular', min: -1, mode: 0, max: 5 };
    const result = simulateSync(
      input([initiative('L', 'value = 2 * a + 3 * b + c', { a, b, c: { kind: 'fixed', value: 7 } })]),
    );
    const q = (spec: DistributionSpec, p: number) => quantile(spec, p);
    const swingA = 2 * (q(a, 0.9) - q(a, 0.1));
    const swingB = 3 * (q(b, 0.9) - q(b, 0.1));
    const base = (name: 'a' | 'b', p: number) =>
      name === 'a' ? 2 * q(a, p) + 3 * q(b, 0.5) + 7 : 2 * q(a, 0.5) + 3 * q(b, p) + 7;
    expect(swingB).toBeGreaterThan(swingA);
    expect(of(result, 'L').tornado).toEqual([
      {
        name: 'b',
        low: roundQuantile(base('b', 0.1)),
        high: roundQuantile(base('b', 0.9)),
        swing: roundQuantile(swingB),
        share: roundPercent(swingB / (swingA + swingB)),
      },
      {
        name: 'a',
        low: roundQuantile(base('a', 0.1)),
        high: roundQuantile(base('a', 0.9)),
        swing: roundQuantile(swingA),
        share: roundPercent(swingA / (swingA + swingB)),
      },
    ]);
  });

  it('includes the shared assumptions a model reads, and a negative effect has high < low', () => {
    const result = simulateSync(
      input([initiative('S', 'value = own - rate * 10', { own: U01 })], {
        shared: new Map([['rate', { kind: 'uniform', min: 0, max: 1 }]]),
      }),
    );
    const bars = of(result, 'S').tornado;
    expect(bars.map((bar) => bar.name)).toEqual(['rate', 'own']);
    // own at its median 0.5; rate at its P10 0.1 and P90 0.9. Swings 8 and 0.8.
    expect(bars[0]).toMatchObject({ low: -0.5, high: -8.5, swing: 8, share: 0.91 });
  });
});

describe('value, effort and overall per sample follow the scoring rules', () => {
  const x: DistributionSpec = { kind: 'uniform', min: 10, max: 20 };

  it('overall = value / effort_engineering_days when the script assigns neither', () => {
    const result = simulateSync(input([initiative('A', 'value = x', { x }, { effortDays: 10 })]));
    expectNear(of(result, 'A').value, { p10: 11, p50: 15, p90: 19 }, 0.1);
    expectNear(of(result, 'A').overall, { p10: 1.1, p50: 1.5, p90: 1.9 }, 0.01);
    expectNear(of(result, 'A').priority, { p10: 1.1, p90: 1.9 }, 0.01);
    expect(of(result, 'A').probValueNegative).toBe(0);
  });

  it("the script's effort wins over effort days, its overall over value / effort", () => {
    const result = simulateSync(
      input([
        initiative('E', 'value = x\neffort = 2', { x }, { effortDays: 10 }),
        initiative('O', 'value = x\noverall = 3', { x }, { effortDays: 10 }),
      ]),
    );
    expectNear(of(result, 'E').overall, { p10: 5.5, p50: 7.5, p90: 9.5 }, 0.05);
    expect(of(result, 'O').overall).toEqual({ p10: 3, p50: 3, p90: 3 });
  });

  it('no effort, or effort ≤ 0: value but no overall, and never in the top N', () => {
    const result = simulateSync(
      input([
        initiative('N', 'value = x', { x }, { effortDays: null }),
        initiative('Z', 'value = x\neffort = 0', { x }),
      ]),
    );
    for (const key of ['N', 'Z']) {
      expect(of(result, key)).toMatchObject({ overall: null, priority: null, pTopN: 0, failures: 0 });
      expectNear(of(result, key).value, { p10: 11, p50: 15, p90: 19 }, 0.1);
    }
  });

  it('probValueNegative counts evaluated samples below 0', () => {
    const result = simulateSync(
      input([initiative('A', 'value = x', { x: { kind: 'uniform', min: -1, max: 3 } })]),
    );
    expect(of(result, 'A').probValueNegative).toBeCloseTo(0.25, 2);
  });

  it('the histogram has 20 bins from P1 to P99 holding 98% of the samples', () => {
    const result = simulateSync(input([initiative('A', 'value = x', { x })]));
    const bins = of(result, 'A').histogram;
    expect(bins).toHaveLength(20);
    expect(bins[0]!.from).toBeCloseTo(10.1, 1);
    expect(bins[19]!.to).toBeCloseTo(19.9, 1);
    expect(bins.reduce((sum, bin) => sum + bin.count, 0)).toBeCloseTo(9800, -1);
    for (const bin of bins) expect(bin.count).toBeGreaterThan(400);
  });
});

describe('failures', () => {
  it('a sample that cannot be computed counts, and is left out of the quantiles and the top N', () => {
    const result = simulateSync(
      input([initiative('F', 'value = sqrt(a)', { a: { kind: 'uniform', min: -1, max: 1 } })]),
    );
    const f = of(result, 'F');
    expect(Math.abs(f.failures - 5000)).toBeLessThan(200);
    expect(f.firstFailure).toMatch(/^line 1: sqrt of a negative number \(a = -/);
    expect(f.value!.p50).toBeCloseTo(Math.SQRT1_2, 1);
    expect(f.pTopN).toBeCloseTo(0.5, 1);
    // a's P10 (−0.8) fails the model, so a has no swing to show.
    expect(f.tornado).toEqual([]);
  });

  it('a param without a distribution fails every sample', () => {
    const result = simulateSync(input([initiative('M', 'value = a + b', { a: U01 })]));
    expect(of(result, 'M')).toMatchObject({
      value: null,
      overall: null,
      priority: null,
      pTopN: 0,
      failures: 10_000,
      firstFailure: 'Missing approved params: b',
      tornado: [],
      histogram: [],
    });
  });
});

describe('shared assumptions move initiatives together', () => {
  /** Spearman's rank correlation of two columns without ties. */
  function spearman(a: Float64Array, b: Float64Array): number {
    const ranks = (column: Float64Array) => {
      const order = Array.from(column.keys()).sort((i, j) => column[i]! - column[j]!);
      const r = new Float64Array(column.length);
      order.forEach((index, rank) => {
        r[index] = rank;
      });
      return r;
    };
    const ra = ranks(a);
    const rb = ranks(b);
    const n = a.length;
    let d2 = 0;
    for (let i = 0; i < n; i++) d2 += (ra[i]! - rb[i]!) ** 2;
    return 1 - (6 * d2) / (n * (n * n - 1));
  }

  const spec: DistributionSpec = { kind: 'pert', min: 1, mode: 2, max: 5 };
  const overalls = (initiatives: SimulatedInitiative[], shared: Map<string, DistributionSpec>) => {
    const context = createSamplingContext(3, 10_000, shared);
    return initiatives.map((i) => sampleInitiative(i, context).overallColumn);
  };

  it('two models reading only the same shared assumption are rank-correlated ≈ 1', () => {
    const [x, y] = overalls(
      [initiative('X', 'value = rate * 100'), initiative('Y', 'value = rate * rate + 3')],
      new Map([['rate', spec]]),
    );
    expect(spearman(x!, y!)).toBeCloseTo(1, 6);
  });

  it('the same params of their own are uncorrelated ≈ 0', () => {
    const [x, y] = overalls(
      [
        initiative('X', 'value = rate * 100', { rate: spec }),
        initiative('Y', 'value = rate * rate + 3', { rate: spec }),
      ],
      new Map(),
    );
    // 4 standard errors (1/√(n − 1)) of the rank correlation of independent columns.
    expect(Math.abs(spearman(x!, y!))).toBeLessThan(0.04);
  });

  it("an initiative's own row overrides the shared one for it alone", () => {
    const [x, y] = overalls(
      [initiative('X', 'value = rate'), initiative('Y', 'value = rate', { rate: spec })],
      new Map([['rate', spec]]),
    );
    expect(Math.abs(spearman(x!, y!))).toBeLessThan(0.04);
  });

  it('so the shared one decides their order in every sample', () => {
    const shared = new Map([['rate', spec]]);
    const together = simulateSync(
      input([initiative('X', 'value = rate * 2'), initiative('Y', 'value = rate * 2 + 0.01')], { shared }),
    );
    expect(of(together, 'Y').pTopN).toBe(1);
    const apart = simulateSync(
      input(
        [
          initiative('X', 'value = rate * 2', { rate: spec }),
          initiative('Y', 'value = rate * 2 + 0.01', { rate: spec }),
        ],
        { shared },
      ),
    );
    expect(of(apart, 'Y').pTopN).toBeCloseTo(0.5, 1);
  });
});

describe('ranking as the real run ranks', () => {
  it("'percentile' ranks coefficient × the overall's mid-rank percentile among the math models", () => {
    const result = simulateSync(
      input(
        [
          initiative('A', 'value = x', { x: { kind: 'uniform', min: 10, max: 11 } }),
          initiative('B', 'value = x', { x: U01 }, { coefficient: 2 }),
        ],
        { normalize: 'percentile', constants: [{ key: 'C', priority: 60 }] },
      ),
    );
    expect(of(result, 'A').priority).toEqual({ p10: 75, p90: 75 });
    expect(of(result, 'B').priority).toEqual({ p10: 50, p90: 50 });
    expect(of(result, 'A').pTopN).toBe(1);
    expect(result.constants.get('C')).toBe(0);
  });

  it('a model that does not compete has no priority, no top N, and is not in the percentiles', () => {
    const result = simulateSync(
      input(
        [
          initiative('A', 'value = x', { x: { kind: 'uniform', min: 10, max: 11 } }),
          initiative('B', 'value = x', { x: { kind: 'uniform', min: 20, max: 21 } }, { competes: false }),
        ],
        { normalize: 'percentile' },
      ),
    );
    expect(of(result, 'A').priority).toEqual({ p10: 50, p90: 50 });
    expect(of(result, 'A').pTopN).toBe(1);
    expect(of(result, 'B')).toMatchObject({ priority: null, pTopN: 0 });
    expectNear(of(result, 'B').value, { p10: 20.1, p50: 20.5, p90: 20.9 }, 0.02);
  });
});

describe('reproducibility', () => {
  const portfolio = (seed: number) =>
    input(
      Array.from({ length: 7 }, (_, i) =>
        initiative(
          `INIT-${i}`,
          i === 3 ? 'value = sqrt(a - 0.2) * reach\neffort = b' : 'value = a * reach - b\neffort = b + 1',
          {
            a: { kind: 'pert', min: 0, mode: 0.3 + i / 20, max: 1 },
            b: { kind: i % 2 === 0 ? 'lognormal' : 'normal', p05: 1 + i, p95: 5 + 2 * i },
          },
          { coefficient: 1 + (i % 3) },
        ),
      ),
      {
        shared: new Map([['reach', { kind: 'triangular', min: 100, mode: 200, max: 500 }]]),
        constants: [
          { key: 'RICE-1', priority: 40 },
          { key: 'RICE-2', priority: 70 },
        ],
        normalize: 'percentile',
        topN: 3,
        samples: 20_000,
        seed,
      },
    );

  it('the same seed gives identical output with 1, 2 and 3 workers', async () => {
    const one = await simulate(portfolio(5), { workers: 1 });
    expect(simulateSync(portfolio(5))).toEqual(one);
    expect(await simulate(portfolio(5), { workers: 2 })).toEqual(one);
    expect(await simulate(portfolio(5), { workers: 3 })).toEqual(one);
    expect(of(one, 'INIT-3').failures).toBeGreaterThan(0);
    // The workers of those runs were kept: the next runs reuse them, for another seed too.
    expect(await simulate(portfolio(6), { workers: 3 })).toEqual(simulateSync(portfolio(6)));
    expect(await simulate(portfolio(5), { workers: 2 })).toEqual(one);
    await closeSimulationWorkers();
    expect(await simulate(portfolio(5), { workers: 2 })).toEqual(one);
  });

  it('a run leaves nothing behind: the buffers and columns it hands on give the next run the same figures', () => {
    const one = simulateSync(portfolio(5));
    simulateSync({ ...portfolio(7), samples: 3_000 });
    simulateSync({ ...portfolio(8), initiatives: portfolio(8).initiatives.slice(0, 2), topN: 1 });
    expect(simulateSync(portfolio(5))).toEqual(one);
  });

  it('another seed gives other samples', () => {
    expect(simulateSync(portfolio(6))).not.toEqual(simulateSync(portfolio(5)));
  });

  it("an initiative's figures do not depend on the order or presence of the others", () => {
    const all = portfolio(5);
    const alone = simulateSync({ ...all, initiatives: [all.initiatives[4]!], normalize: 'none' });
    const reversed = simulateSync({ ...all, initiatives: [...all.initiatives].reverse(), normalize: 'none' });
    const forward = simulateSync({ ...all, normalize: 'none' });
    expect(reversed).toEqual(forward);
    const { pTopN: _a, ...aloneFigures } = of(alone, 'INIT-4');
    const { pTopN: _b, ...forwardFigures } = of(forward, 'INIT-4');
    expect(aloneFigures).toEqual(forwardFigures);
  });
});
