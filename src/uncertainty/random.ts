/**
 * Seeded random numbers for Monte Carlo: xoshiro128** (Blackman & Vigna, 2018), 128 bits of state,
 * period 2^128 − 1, four 32-bit integer operations a number — fast in JavaScript because every step
 * stays in int32 (`Math.imul`, shifts), and good enough for simulation (it passes BigCrush).
 *
 * A generator is always passed in, never global. A run never shares one generator between params:
 * `stream(seed, id)` derives an independent generator from the run's seed and a string id (an
 * initiative's param, or a shared assumption), so a column of samples depends only on (seed, id) —
 * not on the order params are visited in, nor on which worker thread computes it.
 */

import { type KernelState, STRETCH, samplingKernel } from './kernel.js';

/** The subset of a generator that sampling needs. */
export interface Random {
  /** A uniform number in [0, 1), in steps of 2^-32. */
  nextFloat(): number;
  /** A uniform integer in [0, 2^32). */
  nextUint32(): number;
  /**
   * Fills `out[0 … count)` (default all of it) with the next values of `nextFloat()`, without a
   * call per value.
   */
  fill(out: Float64Array, count?: number): void;
  /**
   * Fills `out[0 … count)` with draws by a tabulated quantile function, in one pass: for each next
   * uniform u = `nextFloat()`, `offset + scale ×` the linear interpolation of `table` (quantiles at
   * u = j / TABLE_CELLS, TABLE_CELLS + 1 of them) at u. The same draws as `fill` followed by that
   * interpolation, without writing and reading `out` twice. Filling n values and then m gives the
   * same values as filling n + m at once.
   */
  fillFromTable(table: Float64Array, offset: number, scale: number, out: Float64Array, count: number): void;
  /**
   * As `fillFromTable`, for quantile functions that run off to infinity: u is `nextFloat()` + 2^-33
   * (inside (0, 1), symmetric about ½), and a u in one of the two outermost cells is drawn by
   * `tail(u)`, the exact quantile function, instead of the table.
   */
  fillFromTableWithTails(
    table: Float64Array,
    offset: number,
    scale: number,
    out: Float64Array,
    count: number,
    tail: (u: number) => number,
  ): void;
}

/** Cells of a table `fillFromTable` reads: 2^12, so a 32-bit draw's top 12 bits are its cell. */
const CELLS = 4096;
export const TABLE_CELLS = CELLS;
/** The last cell. (Loops read module constants that are not exported: V8 folds only those.) */
const LAST_CELL = CELLS - 1;
/** The uniform distribution's quantile function, tabulated. */
const IDENTITY = Float64Array.from({ length: CELLS + 1 }, (_, j) => j / CELLS);
samplingKernel.pin(IDENTITY);
/** The bits below a cell's: a draw's place within its cell. */
const CELL_BITS = 20;
const CELL_MASK = (1 << CELL_BITS) - 1;
const TWO_POW_MINUS_20 = 2 ** -CELL_BITS;
const TWO_POW_MINUS_32 = 2 ** -32;

/**
 * Where `fillFromTableWithTails` notes the draws that fell in an outermost cell (about 1 in 2,048):
 * they are drawn after the loop, which then has no call in it. Grown as needed; one per thread.
 */
let tailAt = new Int32Array(1024);
let tailU = new Float64Array(1024);

class Xoshiro128StarStar implements Random, KernelState {
  // Read and written by the kernel as well.
  s0: number;
  s1: number;
  s2: number;
  s3: number;

  constructor(s0: number, s1: number, s2: number, s3: number) {
    // The all-zero state is the one state xoshiro never leaves.
    if ((s0 | s1 | s2 | s3) === 0) s0 = 0x9e3779b9;
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
  }

  nextUint32(): number {
    const s1 = this.s1;
    const product = Math.imul(s1, 5);
    const result = Math.imul((product << 7) | (product >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result >>> 0;
  }

  nextFloat(): number {
    return this.nextUint32() * TWO_POW_MINUS_32;
  }

  fill(out: Float64Array, count = out.length): void {
    // Interpolating the table of j / CELLS at u gives u itself, exactly (every step is a power of 2).
    this.fillFromTable(IDENTITY, 0, 1, out, count);
  }

  fillFromTable(table: Float64Array, offset: number, scale: number, out: Float64Array, count: number): void {
    this.draw(table, offset, scale, out, count);
  }

  fillFromTableWithTails(
    table: Float64Array,
    offset: number,
    scale: number,
    out: Float64Array,
    count: number,
    tail: (u: number) => number,
  ): void {
    this.draw(table, offset, scale, out, count, tail);
  }

  /**
   * Both fills: in the kernel when it can (kernel.ts, the same numbers), else here, repeating
   * nextUint32's step with the state in locals (no field loads and stores, no number boxed across
   * a call). With `tail`, u is half a step on and the draws in the outermost cells are noted, then
   * drawn by `tail` after the loop, which so has no call in it.
   */
  private draw(
    table: Float64Array,
    offset: number,
    scale: number,
    out: Float64Array,
    count: number,
    tail?: (u: number) => number,
  ): void {
    assertTable(table);
    const end = Math.min(count, out.length);
    if (this.inKernel(table, out, end, offset, scale, tail)) return;
    const edges = tail !== undefined;
    // (u + 2^-33) × TABLE_CELLS = (result + ½) × 2^-20: the same cell as u, half a step on.
    const half = edges ? 0.5 : 0;
    if (edges && tailAt.length < end) {
      tailAt = new Int32Array(end);
      tailU = new Float64Array(end);
    }
    const at = tailAt;
    const us = tailU;
    let tails = 0;
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let i = 0; i < end; i++) {
      const product = Math.imul(s1, 5);
      const result = Math.imul((product << 7) | (product >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      // u × TABLE_CELLS = result × 2^-20, exactly: its whole part is the top 12 bits.
      const j = result >>> CELL_BITS;
      if (edges && (j === 0 || j === LAST_CELL)) {
        at[tails] = i;
        us[tails++] = ((result >>> 0) + 0.5) * TWO_POW_MINUS_32;
      }
      const low = table[j]!;
      out[i] =
        offset + scale * (low + ((result & CELL_MASK) + half) * TWO_POW_MINUS_20 * (table[j + 1]! - low));
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    for (let k = 0; k < tails; k++) out[at[k]!] = tail!(us[k]!);
  }

  /**
   * Draws in the kernel when `table` and `out` are in its memory and `end` fits a call:
   * the same numbers, faster. False, having drawn nothing, otherwise.
   */
  private inKernel(
    table: Float64Array,
    out: Float64Array,
    end: number,
    offset: number,
    scale: number,
    tail?: (u: number) => number,
  ): boolean {
    if (end > STRETCH || !samplingKernel.holds(out)) return false;
    const at = samplingKernel.addressOf(table);
    if (at === -1) return false;
    samplingKernel.fill(this, at, out.byteOffset, end, offset, scale, tail);
    return true;
  }
}

function assertTable(table: Float64Array): void {
  if (table.length !== CELLS + 1) {
    throw new RangeError(`a quantile table has ${CELLS + 1} numbers, not ${table.length}`);
  }
}

/**
 * splitmix32's output function (a murmur3-style finalizer): every input bit flips about half of
 * the output bits, so nearby seeds and hashes give unrelated generator states.
 */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

const GOLDEN = 0x9e3779b9;

/** A seed's two 32-bit halves: any safe integer is a distinct seed (fractions are truncated). */
function seedWords(seed: number): [number, number] {
  const whole = Number.isFinite(seed) ? Math.trunc(seed) : 0;
  return [whole >>> 0, Math.floor(whole / 2 ** 32) >>> 0];
}

/** A generator for a whole seed, state filled by splitmix32 as xoshiro's authors recommend. */
export function createRandom(seed: number): Random {
  const [low, high] = seedWords(seed);
  let state = (low ^ mix32(high + GOLDEN)) | 0;
  const next = () => {
    state = (state + GOLDEN) | 0;
    return mix32(state);
  };
  return new Xoshiro128StarStar(next(), next(), next(), next());
}

/**
 * The generator of one id in a run. The id's UTF-16 units are hashed into four 32-bit lanes
 * (cyrb128's mixing), each lane salted with the seed and finalized by `mix32`, giving a 128-bit
 * state: two ids collide only by chance of 2^-128, and streams of different ids are as unrelated
 * as generators seeded at random (their stretches of the period overlap with negligible odds).
 */
export function stream(seed: number, id: string): Random {
  const [low, high] = seedWords(seed);
  let h1 = 1779033703 ^ low;
  let h2 = 3144134277 ^ high;
  let h3 = 1013904242 ^ mix32(low + GOLDEN);
  let h4 = 2773480762 ^ mix32(high + 2 * GOLDEN);
  for (let i = 0; i < id.length; i++) {
    const k = id.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  // Folding in the length keeps ids that differ only by trailing NUL units apart.
  h1 ^= id.length;
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return new Xoshiro128StarStar(
    mix32(h1),
    mix32(h2 + GOLDEN),
    mix32(h3 + 2 * GOLDEN),
    mix32(h4 + 3 * GOLDEN),
  );
}
