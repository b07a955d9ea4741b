/**
 * The draw kernel against random.ts's own loops: a table and a stretch in the kernel's memory
 * draw in WebAssembly, copies of them outside it draw in JavaScript, and every number must agree
 * bit for bit — with and without tails, at every count, and after the memory grows.
 */
import { describe, expect, it, vi } from 'vitest';
import { drawKernel, STRETCH } from './draw-kernel.js';
import { stream, TABLE_CELLS } from './random.js';

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

describe('the draw kernel', () => {
  it('draws what the JavaScript loops draw, bit for bit, in stretches of every length', () => {
    const { stretches, rows } = drawKernel.workspace(1, 1);
    const [inKernel, row] = [stretches[0]!, rows[0]!];
    // The kernel does draw them (the loops of random.ts would agree with themselves).
    const kernelCalls = vi.spyOn(drawKernel, 'fill');
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
    drawKernel.pin(values);
    expect(drawKernel.addressOf(values)).toBeGreaterThan(0);
    expect(drawKernel.addressOf(new Float64Array(TABLE_CELLS + 1))).toBe(-1);
    const stretch = drawKernel.workspace(1, 0).stretches[0]!;
    const outside = new Float64Array(STRETCH);
    stream(4, 'p').fillFromTableWithTails(values, 0, 1, stretch, STRETCH, tail);
    stream(4, 'p').fillFromTableWithTails(values, 0, 1, outside, STRETCH, tail);
    expect(stretch).toEqual(outside);
  });

  it('hands out stretches and rows anew after its memory grows, and they still draw alike', () => {
    const before = drawKernel.workspace(1, 1).stretches[0]!;
    const wide = drawKernel.workspace(4, 200); // 200 rows of 32 KB: the memory has to grow
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
});
