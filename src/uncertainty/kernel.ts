/**
 * The inner loops of sampling compiled to WebAssembly: random.ts's draw loops (the same
 * xoshiro128** steps and table interpolation, operation for operation) and statistics.ts's
 * column loops (tallying, gathering wanted slices, histogram counts: the same comparisons and
 * arithmetic), so every number is bit-identical to the JavaScript loops'. Draws are about a third
 * faster (measured with tails: 2.0 ns against 3.2 ns), because the state stays in registers and no
 * typed array is checked again on every element; the column loops a little. A thread's kernel
 * has its own memory; a loop runs here when its arrays live in that memory (`workspace` hands out
 * what sampling one initiative needs, `pin` copies a constant table in), and in JavaScript
 * otherwise.
 *
 * The module is assembled below from its instructions (a few hundred; the binary format is the
 * WebAssembly core specification's), so nothing is fetched or generated at run time.
 */

/**
 * The part of WebAssembly's JavaScript interface used here: Node has it, and the ES library this
 * project compiles against does not declare it.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
};

/** Samples in a stretch: the most one call fills, and the length of `workspace`'s stretches. */
export const STRETCH = 1024;
/** Numbers in a row of quantiles (4,097: TABLE_CELLS + 1) that `workspace` hands out. */
const ROW = 4097;
const ROW_BYTES = ROW * 8;
const STRETCH_BYTES = STRETCH * 8;
/** Where the generator's four words are read and written back. */
const STATE = 0;
/** Where `tally` reads and writes back a column's negatives (i32), least and greatest (f64). */
const NEGATIVE = 16;
const LEAST = 24;
const GREATEST = 32;
/** Where a call records the draws that fell in an outermost cell: (index, 32-bit draw) pairs. */
const TAILS = 40;
/** Where allocations start. */
const HEAP = TAILS + STRETCH * 8;
const PAGE = 65_536;

// ---------------------------------------------------------------------------------------------
// The module. Instructions by name, from the core specification's opcode table.

const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  i32Store: 0x36,
  f64Store: 0x39,
  i32Const: 0x41,
  select: 0x1b,
  f64Const: 0x44,
  i32LtU: 0x49,
  i32LtS: 0x48,
  i32GeU: 0x4f,
  i32Ne: 0x47,
  f64Eq: 0x61,
  f64Lt: 0x63,
  f64Gt: 0x64,
  f64Ge: 0x66,
  f64Le: 0x65,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  i32Rotl: 0x77,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64ConvertI32S: 0xb7,
  /** i32.trunc_sat_f64_s: 0xfc then 2; it saturates where i32.trunc_f64_s would trap. */
  prefix: 0xfc,
} as const;
const I32 = 0x7f;
const F64 = 0x7c;
const EMPTY_BLOCK = 0x40;

function unsigned(n: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (n !== 0);
  return bytes;
}

function signed(n: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...bytes, byte];
    bytes.push(byte | 0x80);
  }
}

const vector = (items: number[][]) => [...unsigned(items.length), ...items.flat()];
const name = (text: string) => vector([...text].map((c) => [c.charCodeAt(0)]));
const section = (id: number, body: number[]) => [id, ...unsigned(body.length), ...body];
const get = (local: number) => [op.localGet, ...unsigned(local)];
const set = (local: number) => [op.localSet, ...unsigned(local)];
const i32 = (n: number) => [op.i32Const, ...signed(n)];
const f64 = (x: number) => [op.f64Const, ...new Uint8Array(Float64Array.of(x).buffer)];
/** Memory instructions: alignment (log2 bytes), then the constant offset. */
const loadF64 = (offset: number) => [op.f64Load, 3, ...unsigned(offset)];
const storeF64 = (offset: number) => [op.f64Store, 3, ...unsigned(offset)];
const loadI32 = (offset: number) => [op.i32Load, 2, ...unsigned(offset)];
const storeI32 = (offset: number) => [op.i32Store, 2, ...unsigned(offset)];

// Parameters and locals of both functions, by index.
const TABLE = 0;
const OUT = 1;
const COUNT = 2;
const OFFSET = 3;
const SCALE = 4;
const S0 = 5;
const S1 = 6;
const S2 = 7;
const S3 = 8;
const AT = 9;
const END = 10;
const RESULT = 11;
const T = 12;
const CELL = 13;
const TAIL_COUNT = 14;

/** A loop over the doubles from byte `at` (a local, moved on) to byte `end` (a local). */
const eachDouble = (at: number, end: number, body: number[]) => [
  op.block,
  EMPTY_BLOCK,
  ...get(at),
  ...get(end),
  op.i32GeU,
  op.brIf,
  0,
  op.loop,
  EMPTY_BLOCK,
  ...body,
  ...get(at),
  ...i32(8),
  op.i32Add,
  op.localTee,
  ...unsigned(at),
  ...get(end),
  op.i32LtU,
  op.brIf,
  0,
  op.end,
  op.end,
];

/** The byte address of double `index` (a local) of the array at byte `base` (a local). */
const addressOf = (base: number, index: number) => [
  ...get(base),
  ...get(index),
  ...i32(3),
  op.i32Shl,
  op.i32Add,
];

/** A local set from the memory (`load` at a constant address), or the memory from a local. */
const fromMemory = (local: number, load: number[]) => [...i32(0), ...load, ...set(local)];
const toMemory = (local: number, store: number[]) => [...i32(0), ...get(local), ...store];

/** A function body: its locals (count, type pairs), its code, and the end. */
const withLocals = (locals: number[][], body: number[]) => {
  const code = [...vector(locals), ...body, op.end];
  return [...unsigned(code.length), ...code];
};

/** local += 1, for an i32 local. */
const bump = (local: number) => [...get(local), ...i32(1), op.i32Add, ...set(local)];

/** a ^= b, for two locals. */
const xorInto = (a: number, b: number) => [...get(a), ...get(b), op.i32Xor, ...set(a)];

/**
 * One function: `fill(table, out, count, offset, scale)`, or with `tails` the one that also
 * records the draws that fell in cell 0 or the last cell and returns how many. Addresses are
 * bytes into the memory; the generator's state is at STATE.
 */
function drawFunction(tails: boolean): number[] {
  const step = [
    // result = rotl(s1 × 5, 7) × 9; t = s1 << 9
    ...get(S1),
    ...i32(5),
    op.i32Mul,
    ...i32(7),
    op.i32Rotl,
    ...i32(9),
    op.i32Mul,
    ...set(RESULT),
    ...get(S1),
    ...i32(9),
    op.i32Shl,
    ...set(T),
    // s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11)
    ...xorInto(S2, S0),
    ...xorInto(S3, S1),
    ...xorInto(S1, S2),
    ...xorInto(S0, S3),
    ...xorInto(S2, T),
    ...get(S3),
    ...i32(11),
    op.i32Rotl,
    ...set(S3),
    // cell = table + (result >>> 20) × 8
    ...get(TABLE),
    ...get(RESULT),
    ...i32(20),
    op.i32ShrU,
    ...i32(3),
    op.i32Shl,
    op.i32Add,
    ...set(CELL),
  ];
  const record = tails
    ? [
        // if the cell is 0 or the last ((cell + 1) & 4095 < 2): tails[n++] = (index, result)
        ...get(RESULT),
        ...i32(20),
        op.i32ShrU,
        ...i32(1),
        op.i32Add,
        ...i32(4095),
        op.i32And,
        ...i32(2),
        op.i32LtU,
        op.if,
        EMPTY_BLOCK,
        ...get(TAIL_COUNT),
        ...i32(3),
        op.i32Shl,
        // index = (at − out) / 8
        ...get(AT),
        ...get(OUT),
        op.i32Sub,
        ...i32(3),
        op.i32ShrU,
        ...storeI32(TAILS),
        ...get(TAIL_COUNT),
        ...i32(3),
        op.i32Shl,
        ...get(RESULT),
        ...storeI32(TAILS + 4),
        ...bump(TAIL_COUNT),
        op.end,
      ]
    : [];
  // out[at] = offset + scale × (low + fraction × (high − low)); the fraction is the low 20 bits
  // × 2^-20, plus half a step with tails (as random.ts computes it, in the same order).
  const fraction = [
    ...get(RESULT),
    ...i32(0xfffff),
    op.i32And,
    op.f64ConvertI32S,
    ...(tails ? [...f64(0.5), op.f64Add] : []),
    ...f64(2 ** -20),
    op.f64Mul,
  ];
  const write = [
    ...get(AT),
    ...get(OFFSET),
    ...get(SCALE),
    ...get(CELL),
    ...loadF64(0),
    ...fraction,
    ...get(CELL),
    ...loadF64(8),
    ...get(CELL),
    ...loadF64(0),
    op.f64Sub,
    op.f64Mul,
    op.f64Add,
    op.f64Mul,
    op.f64Add,
    ...storeF64(0),
  ];
  const state = [S0, S1, S2, S3];
  const body = [
    ...state.flatMap((local, k) => fromMemory(local, loadI32(STATE + 4 * k))),
    ...get(OUT),
    ...set(AT),
    ...addressOf(OUT, COUNT),
    ...set(END),
    ...eachDouble(AT, END, [...step, ...record, ...write]),
    ...state.flatMap((local, k) => toMemory(local, storeI32(STATE + 4 * k))),
    ...(tails ? get(TAIL_COUNT) : []),
  ];
  // Locals after the parameters: S0 … TAIL_COUNT, all i32.
  return withLocals([[TAIL_COUNT - S0 + 1, I32]], body);
}

// Column statistics (statistics.ts's loops, the same comparisons and arithmetic).

/** Slices a column is counted in (statistics.ts's BUCKETS). */
export const SLICES = 1024;

/**
 * The slice of x (a local): x < SLICES ? (x ≥ 0 ? ⌊x⌋ : 0) : SLICES − 1 — statistics.ts's
 * `x < BUCKETS ? (x >= 0 ? x | 0 : 0) : LAST_BUCKET`, NaN included (it fails both tests).
 */
const sliceOf = (x: number) => [
  ...get(x),
  op.prefix,
  2,
  ...i32(0),
  ...get(x),
  ...f64(0),
  op.f64Ge,
  op.select,
  ...i32(SLICES - 1),
  ...get(x),
  ...f64(SLICES),
  op.f64Lt,
  op.select,
];

/** `count[at] += 1` for a byte address computed by `address`, kept in the local `cell`. */
const increment = (address: number[], cell: number) => [
  ...address,
  op.localTee,
  ...unsigned(cell),
  ...get(cell),
  ...loadI32(0),
  ...i32(1),
  op.i32Add,
  ...storeI32(0),
];

/**
 * `body` for each double from byte `start` to byte `end` (code that leaves each address), with
 * its address in the local `at` and its value in the local `v`; `end` is kept in the local `last`.
 */
const eachValue = (start: number[], end: number[], at: number, last: number, v: number, body: number[]) => [
  ...start,
  ...set(at),
  ...end,
  ...set(last),
  ...eachDouble(at, last, [...get(at), ...loadF64(0), ...set(v), ...body]),
];

/** `if (v <comparison> kept) kept = v`, for two f64 locals (statistics.ts's least and greatest). */
const takeIf = (v: number, kept: number, comparison: number) => [
  ...get(v),
  ...get(kept),
  ...get(v),
  ...get(kept),
  comparison,
  op.select,
  ...set(kept),
];

/**
 * `tally(column, from, to, origin, perWidth, counts) → count`: ColumnTally.add over the doubles
 * column[from … to) (byte address, indices): counts each finite one, and in its slice of
 * `counts` (i32s); sets the others to NaN. Negatives, least and greatest are read from and
 * written back to NEGATIVE, LEAST and GREATEST.
 */
function tallyFunction(): number[] {
  const [COLUMN, FROM, TO, ORIGIN, PER_WIDTH, COUNTS] = [0, 1, 2, 3, 4, 5];
  const [AT_, END_, COUNT, NEG, CELL_] = [6, 7, 8, 9, 10];
  const [V, LEAST_, GREATEST_, X] = [11, 12, 13, 14];
  const body = [
    ...fromMemory(NEG, loadI32(NEGATIVE)),
    ...fromMemory(LEAST_, loadF64(LEAST)),
    ...fromMemory(GREATEST_, loadF64(GREATEST)),
    ...eachValue(addressOf(COLUMN, FROM), addressOf(COLUMN, TO), AT_, END_, V, [
      ...get(V),
      ...get(V),
      op.f64Sub,
      ...f64(0),
      op.f64Eq,
      op.if,
      EMPTY_BLOCK,
      ...bump(COUNT),
      ...get(NEG),
      ...get(V),
      ...f64(0),
      op.f64Lt,
      op.i32Add,
      ...set(NEG),
      ...takeIf(V, LEAST_, op.f64Lt),
      ...takeIf(V, GREATEST_, op.f64Gt),
      ...get(V),
      ...get(ORIGIN),
      op.f64Sub,
      ...get(PER_WIDTH),
      op.f64Mul,
      ...set(X),
      ...increment([...get(COUNTS), ...sliceOf(X), ...i32(2), op.i32Shl, op.i32Add], CELL_),
      op.else,
      ...get(AT_),
      ...f64(Number.NaN),
      ...storeF64(0),
      op.end,
    ]),
    ...toMemory(NEG, storeI32(NEGATIVE)),
    ...toMemory(LEAST_, storeF64(LEAST)),
    ...toMemory(GREATEST_, storeF64(GREATEST)),
    ...get(COUNT),
  ];
  return withLocals(
    [
      [5, I32],
      [4, F64],
    ],
    body,
  );
}

/**
 * `extract(column, length, origin, perWidth, next, inside)`: statistics.ts's gathering of the
 * values of wanted slices: for each value of column[0 … length) that is not NaN, in a slice
 * whose `next` (i32s) is not −1, inside[next] = value and next += 1.
 */
function extractFunction(): number[] {
  const [COLUMN, LENGTH, ORIGIN, PER_WIDTH, NEXT, INSIDE] = [0, 1, 2, 3, 4, 5];
  const [AT_, END_, CELL_, WHERE] = [6, 7, 8, 9];
  const [V, X] = [10, 11];
  const body = [
    ...eachValue(get(COLUMN), addressOf(COLUMN, LENGTH), AT_, END_, V, [
      ...get(V),
      ...get(ORIGIN),
      op.f64Sub,
      ...get(PER_WIDTH),
      op.f64Mul,
      ...set(X),
      ...get(NEXT),
      ...sliceOf(X),
      ...i32(2),
      op.i32Shl,
      op.i32Add,
      op.localTee,
      ...unsigned(CELL_),
      ...loadI32(0),
      op.localTee,
      ...unsigned(WHERE),
      ...i32(-1),
      op.i32Ne,
      ...get(V),
      ...get(V),
      op.f64Eq,
      op.i32And,
      op.if,
      EMPTY_BLOCK,
      ...get(INSIDE),
      ...get(WHERE),
      ...i32(3),
      op.i32Shl,
      op.i32Add,
      ...get(V),
      ...storeF64(0),
      ...get(CELL_),
      ...get(WHERE),
      ...i32(1),
      op.i32Add,
      ...storeI32(0),
      op.end,
    ]),
  ];
  return withLocals(
    [
      [4, I32],
      [2, F64],
    ],
    body,
  );
}

/**
 * `histogram(column, length, from, to, perWidth, counts, bins)`: statistics.ts's histogram
 * counts: each value of column[0 … length) in [from, to] counts in bin min(bins − 1,
 * ⌊(value − from) × perWidth⌋) of `counts` (i32s).
 */
function histogramFunction(): number[] {
  const [COLUMN, LENGTH, FROM_, TO_, PER_WIDTH, COUNTS, BINS] = [0, 1, 2, 3, 4, 5, 6];
  const [AT_, END_, CELL_, BIN, LAST_BIN] = [7, 8, 9, 10, 11];
  const [V] = [12];
  const body = [
    ...get(BINS),
    ...i32(1),
    op.i32Sub,
    ...set(LAST_BIN),
    ...eachValue(get(COLUMN), addressOf(COLUMN, LENGTH), AT_, END_, V, [
      ...get(V),
      ...get(FROM_),
      op.f64Ge,
      ...get(V),
      ...get(TO_),
      op.f64Le,
      op.i32And,
      op.if,
      EMPTY_BLOCK,
      ...get(V),
      ...get(FROM_),
      op.f64Sub,
      ...get(PER_WIDTH),
      op.f64Mul,
      op.prefix,
      2,
      op.localTee,
      ...unsigned(BIN),
      ...get(LAST_BIN),
      ...get(BIN),
      ...get(LAST_BIN),
      op.i32LtS,
      op.select,
      ...set(BIN),
      ...increment([...get(COUNTS), ...get(BIN), ...i32(2), op.i32Shl, op.i32Add], CELL_),
      op.end,
    ]),
  ];
  return withLocals(
    [
      [5, I32],
      [1, F64],
    ],
    body,
  );
}

function moduleBytes(): Uint8Array {
  const type = (params: number[], results: number[]) => [
    0x60,
    ...vector(params.map((t) => [t])),
    ...vector(results.map((t) => [t])),
  ];
  const draw = [I32, I32, I32, F64, F64];
  const types = section(
    1,
    vector([
      type(draw, []),
      type([...draw, I32], [I32]),
      type([I32, I32, I32, F64, F64, I32], [I32]),
      type([I32, I32, F64, F64, I32, I32], []),
      type([I32, I32, F64, F64, F64, I32, I32], []),
    ]),
  );
  // The memory is imported: JavaScript makes it, so it can grow it and view it.
  const imports = section(2, vector([[...name('js'), ...name('memory'), 0x02, 0x00, ...unsigned(1)]]));
  const functions = section(3, vector([[0], [1], [2], [3], [4]]));
  const exports = section(
    7,
    vector(
      ['fill', 'fillWithTails', 'tally', 'extract', 'histogram'].map((export_, index) => [
        ...name(export_),
        0x00,
        index,
      ]),
    ),
  );
  const code = section(
    10,
    vector([
      drawFunction(false),
      drawFunction(true),
      tallyFunction(),
      extractFunction(),
      histogramFunction(),
    ]),
  );
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...types,
    ...imports,
    ...functions,
    ...exports,
    ...code,
  ]);
}

// ---------------------------------------------------------------------------------------------

/** The generator state a kernel call reads and writes back (random.ts's generator). */
export interface KernelState {
  s0: number;
  s1: number;
  s2: number;
  s3: number;
}

/** Stretches and rows in a kernel's memory, for one initiative's sampling. */
export interface KernelWorkspace {
  /** STRETCH numbers each. */
  stretches: Float64Array[];
  /** 4,097 numbers each (TABLE_CELLS + 1). */
  rows: Float64Array[];
  /** Two columns of `samples` numbers (value and overall, for sampling). */
  columns: [Float64Array, Float64Array];
  /** The columns' slice counts (SLICES each), for ColumnTally. */
  counts: [Int32Array, Int32Array];
  /** Where finding order statistics gathers values: SLICES places, and `samples` values. */
  slices: { next: Int32Array; inside: Float64Array };
  /** Histogram counts (HISTOGRAM_CELLS). */
  bins: Int32Array;
}

/** Histogram counts a workspace has room for (statistics.ts's histograms have 20 bins). */
const HISTOGRAM_CELLS = 64;

/**
 * One thread's instance of the module, with its memory: a bump allocator that never frees (what
 * it hands out is reused from call to call), constant tables copied in by `pin`, and the JavaScript
 * side of each function. Views of the memory are emptied when it grows; only `workspace` and
 * `pin` grow it.
 */
export class SamplingKernel {
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly fillExport: (
    table: number,
    out: number,
    count: number,
    offset: number,
    scale: number,
  ) => void;
  private readonly fillTailsExport: (
    table: number,
    out: number,
    count: number,
    offset: number,
    scale: number,
  ) => number;
  private top = HEAP;
  private words = new Int32Array(this.memory.buffer);
  /** Constant tables copied in, by the array they were copied from. */
  private readonly pinned = new WeakMap<Float64Array, number>();
  private readonly stretchAt: number[] = [];
  private readonly rowAt: number[] = [];
  /** Views of stretchAt and rowAt, made again when the memory has grown. */
  private stretchViews: Float64Array[] = [];
  private rowViews: Float64Array[] = [];
  /** Where the workspace's columns and counts start (−1: not yet), and for how many samples. */
  private columnsAt = -1;
  private columnSamples = 0;
  private columnViews: Omit<KernelWorkspace, 'stretches' | 'rows'> | undefined;
  private doubles = new Float64Array(this.memory.buffer);
  private readonly tallyExport: (
    column: number,
    from: number,
    to: number,
    origin: number,
    perWidth: number,
    counts: number,
  ) => number;
  private readonly extractExport: (
    column: number,
    length: number,
    origin: number,
    perWidth: number,
    next: number,
    inside: number,
  ) => void;
  private readonly histogramExport: (
    column: number,
    length: number,
    from: number,
    to: number,
    perWidth: number,
    counts: number,
    bins: number,
  ) => void;

  constructor() {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), {
      js: { memory: this.memory },
    });
    const exports = instance.exports as Record<string, unknown>;
    this.fillExport = exports.fill as SamplingKernel['fillExport'];
    this.fillTailsExport = exports.fillWithTails as SamplingKernel['fillTailsExport'];
    this.tallyExport = exports.tally as SamplingKernel['tallyExport'];
    this.extractExport = exports.extract as SamplingKernel['extractExport'];
    this.histogramExport = exports.histogram as SamplingKernel['histogramExport'];
  }

  /**
   * Copies a table that never changes into the memory, once: draws by it then run here. Pin only
   * constants — a later change to the array is not seen.
   */
  pin(table: Float64Array): void {
    if (this.pinned.has(table)) return;
    const at = this.allocate(table.byteLength);
    new Float64Array(this.memory.buffer, at, table.length).set(table);
    this.pinned.set(table, at);
  }

  /** Where `table` is in the memory (a view of it, or a pinned copy); −1 when it is not. */
  addressOf(table: Float64Array): number {
    if (table.buffer === this.memory.buffer) return table.byteOffset;
    return this.pinned.get(table) ?? -1;
  }

  /**
   * `stretches` stretches and `rows` rows in the memory, reused from call to call (a call that
   * needs more grows the memory, which empties every view handed out before: take them anew for
   * each initiative, as sampleInitiative does).
   */
  workspace(stretches: number, rows: number, samples = 0): KernelWorkspace {
    while (this.stretchAt.length < stretches) this.stretchAt.push(this.allocate(STRETCH_BYTES));
    while (this.rowAt.length < rows) this.rowAt.push(this.allocate(ROW_BYTES));
    if (this.columnsAt === -1 || this.columnSamples < samples) {
      // value, overall and inside; then four sets of i32 counts (two tallies, next, bins).
      this.columnSamples = Math.max(samples, 1);
      this.columnsAt = this.allocate(3 * 8 * this.columnSamples + 4 * (3 * SLICES + HISTOGRAM_CELLS));
      this.columnViews = undefined;
    }
    const buffer = this.memory.buffer;
    if (this.stretchViews[0]?.buffer !== buffer) this.stretchViews = [];
    if (this.rowViews[0]?.buffer !== buffer) this.rowViews = [];
    for (let k = this.stretchViews.length; k < stretches; k++) {
      this.stretchViews.push(new Float64Array(buffer, this.stretchAt[k], STRETCH));
    }
    for (let k = this.rowViews.length; k < rows; k++) {
      this.rowViews.push(new Float64Array(buffer, this.rowAt[k], ROW));
    }
    if (this.columnViews?.bins.buffer !== buffer) {
      const n = this.columnSamples;
      const doubles = (k: number) => new Float64Array(buffer, this.columnsAt + 8 * k * n, n);
      const ints = this.columnsAt + 3 * 8 * n;
      const slices = (k: number) => new Int32Array(buffer, ints + 4 * k * SLICES, SLICES);
      this.columnViews = {
        columns: [doubles(0), doubles(1)],
        counts: [slices(0), slices(1)],
        slices: { next: slices(2), inside: doubles(2) },
        bins: new Int32Array(buffer, ints + 4 * 3 * SLICES, HISTOGRAM_CELLS),
      };
    }
    const { columns, counts, slices, bins } = this.columnViews;
    const length = Math.min(samples, this.columnSamples);
    return {
      stretches: this.stretchViews.slice(0, stretches),
      rows: this.rowViews.slice(0, rows),
      columns: [columns[0].subarray(0, length), columns[1].subarray(0, length)],
      counts,
      slices,
      bins,
    };
  }

  /** Whether `array` is a view of the memory (as it is now). */
  holds(array: ArrayBufferView): boolean {
    return array.buffer === this.memory.buffer;
  }

  /**
   * ColumnTally.add's loop over column[from … to), all three arrays in the memory: returns how
   * many values are finite and updates `running`'s negatives, least and greatest.
   */
  tally(
    column: Float64Array,
    from: number,
    to: number,
    origin: number,
    perWidth: number,
    counts: Int32Array,
    running: { negative: number; least: number; greatest: number },
  ): number {
    const words = this.wordsNow();
    const doubles = this.doublesNow();
    words[NEGATIVE >> 2] = running.negative;
    doubles[LEAST >> 3] = running.least;
    doubles[GREATEST >> 3] = running.greatest;
    const count = this.tallyExport(column.byteOffset, from, to, origin, perWidth, counts.byteOffset);
    running.negative = words[NEGATIVE >> 2]!;
    running.least = doubles[LEAST >> 3]!;
    running.greatest = doubles[GREATEST >> 3]!;
    return count;
  }

  /** statistics.ts's gathering of wanted slices' values (`extract` above), all in the memory. */
  extract(
    column: Float64Array,
    length: number,
    origin: number,
    perWidth: number,
    next: Int32Array,
    inside: Float64Array,
  ): void {
    this.extractExport(column.byteOffset, length, origin, perWidth, next.byteOffset, inside.byteOffset);
  }

  /** statistics.ts's histogram counts (`histogram` above) into counts[0 … bins), all in the memory. */
  histogram(
    column: Float64Array,
    length: number,
    from: number,
    to: number,
    perWidth: number,
    counts: Int32Array,
    bins: number,
  ): void {
    this.histogramExport(column.byteOffset, length, from, to, perWidth, counts.byteOffset, bins);
  }

  private wordsNow(): Int32Array {
    if (this.words.buffer !== this.memory.buffer) this.words = new Int32Array(this.memory.buffer);
    return this.words;
  }

  private doublesNow(): Float64Array {
    if (this.doubles.buffer !== this.memory.buffer) this.doubles = new Float64Array(this.memory.buffer);
    return this.doubles;
  }

  /**
   * Fills `count` numbers at byte `out` by the table at byte `table`, as random.ts's
   * fillFromTable does; with `tail`, as its fillFromTableWithTails does. `count` ≤ STRETCH.
   */
  fill(
    state: KernelState,
    table: number,
    out: number,
    count: number,
    offset: number,
    scale: number,
    tail?: (u: number) => number,
  ): void {
    const words = this.wordsNow();
    const first = STATE >> 2;
    words[first] = state.s0;
    words[first + 1] = state.s1;
    words[first + 2] = state.s2;
    words[first + 3] = state.s3;
    if (!tail) {
      this.fillExport(table, out, count, offset, scale);
    } else {
      const tails = this.fillTailsExport(table, out, count, offset, scale);
      const doubles = tails > 0 ? this.doublesNow() : undefined;
      for (let k = 0; k < tails; k++) {
        const index = words[(TAILS >> 2) + 2 * k]!;
        const draw = words[(TAILS >> 2) + 2 * k + 1]!;
        doubles![(out >> 3) + index] = tail(((draw >>> 0) + 0.5) * TWO_POW_MINUS_32);
      }
    }
    state.s0 = words[first]!;
    state.s1 = words[first + 1]!;
    state.s2 = words[first + 2]!;
    state.s3 = words[first + 3]!;
  }

  /** `bytes` more bytes of memory, 8-aligned; grows the memory when they do not fit. */
  private allocate(bytes: number): number {
    const at = this.top;
    this.top += Math.ceil(bytes / 8) * 8;
    const short = this.top - this.memory.buffer.byteLength;
    if (short > 0) this.memory.grow(Math.ceil(short / PAGE));
    return at;
  }
}

const TWO_POW_MINUS_32 = 2 ** -32;

/** This thread's kernel (each worker thread loads this module, and so has its own). */
export const samplingKernel = new SamplingKernel();
