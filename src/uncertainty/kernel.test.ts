/**
 * The kernel against random.ts's own loops: a table and a stretch in the kernel's memory
 * draw in WebAssembly, copies of them outside it draw in JavaScript, and every number must agree
 * bit for bit — with and without tails, at every count, and after the memory grows.
 */
import { describe, expect, it, vi } from 'vitest';
import { drawer } from './distributions.js';
import { STRETCH, samplingKernel } from './kernel.js';
import { stream, TABLE_CELLS } from './random.js';
import { ColumnTally, histogram, talliedQuantiles } from './statistics.js';

/** A made-up quantile table: increasing, with uneven steps; ±∞ at the ends when `infinite`. */
function table(seed: number, infinite: boolean): Float64Array {
  const rng = stream(seed, 'table');
  const values = new Float64Array(TABLE_CELLS + 1);
  let x = -3 + rng.nextFloat();
  for (let j = 0; j <= TABLE_CELLS; j++) {
    x += rng.nextFloat() * 0.01;
    values[j] = x;
  }
  if (infinite) {
    values[0] = Number.NEGATIVE_INFINITY;
    values[TABLE_CELLS] = Number.POSITIVE_INFINITY;
  }
  return values;
}

const tail = (u: number) => 1000 * (u - 0.5);

describe('the kernel', () => {
  it('draws what the JavaScript loops draw, bit for bit, in stretches of every length', () => {
    const { stretches, rows } = samplingKernel.workspace(1, 1);
    const [inKernel, row] = [stretches[0]!, rows[0]!];
    // The kernel does draw them (the loops of random.ts would agree with themselves).
    const kernelCalls = vi.spyOn(samplingKernel, 'fill');
    for (const [seed, withTails] of [
      [1, false],
      [2, true],
      [3, true],
    ] as const) {
      const values = table(seed, withTails);
      row.set(values);
      const here = stream(seed, 'draws');
      const there = stream(seed, 'draws');
      const outside = new Float64Array(STRETCH);
      let tails = 0;
      for (const count of [0, 1, 7, 1000, STRETCH, STRETCH, 513, STRETCH]) {
        const [offset, scale] = [seed * 1.5, 0.25 + seed];
        if (withTails) {
          here.fillFromTableWithTails(row, offset, scale, inKernel, count, tail);
          there.fillFromTableWithTails(values, offset, scale, outside, count, tail);
        } else {
          here.fillFromTable(row, offset, scale, inKernel, count);
          there.fillFromTable(values, offset, scale, outside, count);
        }
        expect(inKernel.subarray(0, count), `seed ${seed}, ${count} draws`).toEqual(
          outside.subarray(0, count),
        );
        for (let i = 0; i < count; i++) if (Math.abs(outside[i]! - seed * 1.5) > 50 * (0.25 + seed)) tails++;
      }
      // Both generators moved on alike: their next numbers agree.
      expect(here.nextUint32()).toBe(there.nextUint32());
      if (withTails) expect(tails, 'some draws fell in the outermost cells').toBeGreaterThan(0);
    }
    // One call per fill in the kernel's memory (a count of 0 draws nothing either way).
    expect(kernelCalls).toHaveBeenCalledTimes(3 * 8);
    kernelCalls.mockRestore();
  });

  it('draws by a pinned constant table, and leaves arrays outside its memory to JavaScript', () => {
    const values = table(4, true);
    samplingKernel.pin(values);
    expect(samplingKernel.addressOf(values)).toBeGreaterThan(0);
    expect(samplingKernel.addressOf(new Float64Array(TABLE_CELLS + 1))).toBe(-1);
    const stretch = samplingKernel.workspace(1, 0).stretches[0]!;
    const outside = new Float64Array(STRETCH);
    stream(4, 'p').fillFromTableWithTails(values, 0, 1, stretch, STRETCH, tail);
    stream(4, 'p').fillFromTableWithTails(values, 0, 1, outside, STRETCH, tail);
    expect(stretch).toEqual(outside);
  });

  it('hands out stretches and rows anew after its memory grows, and they still draw alike', () => {
    const before = samplingKernel.workspace(1, 1).stretches[0]!;
    const wide = samplingKernel.workspace(4, 200); // 200 rows of 32 KB: the memory has to grow
    expect(before.length, 'a view made before growing is emptied').toBe(0);
    expect(wide.rows).toHaveLength(200);
    const row = wide.rows[199]!;
    const values = table(5, false);
    row.set(values);
    const stretch = wide.stretches[3]!;
    const outside = new Float64Array(STRETCH);
    stream(5, 'q').fillFromTable(row, 2, 3, stretch, STRETCH);
    stream(5, 'q').fillFromTable(values, 2, 3, outside, STRETCH);
    expect(stretch).toEqual(outside);
    // Every stretch and row is its own memory.
    const starts = [...wide.stretches, ...wide.rows].map((view) => view.byteOffset).sort((a, b) => a - b);
    expect(new Set(starts).size).toBe(starts.length);
  });

  it('tallies, finds quantiles and counts histograms as statistics.ts does, bit for bit', () => {
    const samples = 10_000;
    const random = stream(6, 'columns');
    const shapes: Record<string, (i: number) => number> = {
      lognormal: () => Math.exp(random.nextFloat() * 3),
      'mixed signs': () => random.nextFloat() - 0.3,
      'failed samples and overflows': (i) =>
        i % 7 === 0 ? Number.NaN : i % 13 === 0 ? Number.NEGATIVE_INFINITY : random.nextFloat() * 100,
      'outliers past the first stretch': (i) => (i > 3000 && i % 9 === 0 ? -1e9 : random.nextFloat()),
      'all equal': () => 3,
    };
    const ps = [0.01, 0.1, 0.5, 0.9, 0.99];
    const calls = ['tally', 'extract', 'histogram'].map((name) =>
      vi.spyOn(samplingKernel, name as 'tally' | 'extract' | 'histogram'),
    );
    for (const [shape, draw] of Object.entries(shapes)) {
      const workspace = samplingKernel.workspace(0, 0, samples);
      const inKernel = workspace.columns[0];
      for (let i = 0; i < samples; i++) inKernel[i] = draw(i);
      const outside = Float64Array.from(inKernel);
      const here = new ColumnTally().reset(workspace.counts[0]);
      const there = new ColumnTally();
      for (let at = 0; at < samples; at += STRETCH) {
        here.add(inKernel, at, Math.min(samples, at + STRETCH));
        there.add(outside, at, Math.min(samples, at + STRETCH));
      }
      expect(inKernel, shape).toEqual(outside);
      for (const field of ['count', 'negative', 'least', 'greatest', 'origin', 'perWidth'] as const) {
        expect(here[field], `${shape}: ${field}`).toBe(there[field]);
      }
      expect([...here.counts], shape).toEqual([...there.counts]);
      const scratch = new Float64Array(samples);
      const quantiles = talliedQuantiles(inKernel, samples, here, ps, scratch, workspace.slices);
      expect(quantiles, shape).toEqual(talliedQuantiles(outside, samples, there, ps, scratch));
      const [p01, p99] = [quantiles[0]!, quantiles[4]!];
      expect(histogram(inKernel, p01, p99, samples, workspace.bins), shape).toEqual(
        histogram(outside, p01, p99, samples),
      );
    }
    // The kernel did the work: a tally per stretch, gathering for the spread-out columns, histograms.
    for (const call of calls) expect(call).toHaveBeenCalled();
    for (const call of calls) call.mockRestore();
  });

  it('draws a PERT whose shape falls on a tabulated row in the kernel too, and alike', () => {
    // mode halfway: α = 3, a tabulated row.
    const spec = { kind: 'pert', min: 0, mode: 5, max: 10 } as const;
    const { stretches, rows } = samplingKernel.workspace(1, 1);
    const outside = new Float64Array(STRETCH);
    const calls = vi.spyOn(samplingKernel, 'fill');
    drawer(spec, stream(7, 'pert'), rows[0])(stretches[0]!, STRETCH);
    expect(calls).toHaveBeenCalledTimes(1);
    calls.mockRestore();
    drawer(spec, stream(7, 'pert'))(outside, STRETCH);
    expect(stretches[0]).toEqual(outside);
  });
});
