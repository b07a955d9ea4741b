/**
 * The draw loops of random.ts compiled to WebAssembly: the same xoshiro128** steps and the same
 * table interpolation, operation for operation, so the draws are bit-identical to the JavaScript
 * loops — about a third faster per draw, because the state stays in registers and no typed array
 * is checked again on every draw (measured with tails: 2.0 ns against 3.2 ns). A thread's kernel
 * has its own memory; a draw runs here when its table and the array it fills both live in that
 * memory (`workspace` hands out stretches and rows there, `pin` copies a constant table in), and
 * in random.ts's loops otherwise.
 *
 * The module is assembled below from its instructions (a few dozen; the binary format is the
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
/** Where a call records the draws that fell in an outermost cell: (index, 32-bit draw) pairs. */
const TAILS = 16;
/** Where allocations start. */
const HEAP = TAILS + STRETCH * 8;
const PAGE = 65_536;

// ---------------------------------------------------------------------------------------------
// The module. Instructions by name, from the core specification's opcode table.

const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
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
  f64Const: 0x44,
  i32LtU: 0x49,
  i32GeU: 0x4f,
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
    ...get(S2),
    ...get(S0),
    op.i32Xor,
    ...set(S2),
    ...get(S3),
    ...get(S1),
    op.i32Xor,
    ...set(S3),
    ...get(S1),
    ...get(S2),
    op.i32Xor,
    ...set(S1),
    ...get(S0),
    ...get(S3),
    op.i32Xor,
    ...set(S0),
    ...get(S2),
    ...get(T),
    op.i32Xor,
    ...set(S2),
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
        ...get(TAIL_COUNT),
        ...i32(1),
        op.i32Add,
        ...set(TAIL_COUNT),
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
  const body = [
    ...i32(0),
    ...loadI32(STATE),
    ...set(S0),
    ...i32(0),
    ...loadI32(STATE + 4),
    ...set(S1),
    ...i32(0),
    ...loadI32(STATE + 8),
    ...set(S2),
    ...i32(0),
    ...loadI32(STATE + 12),
    ...set(S3),
    ...get(OUT),
    ...set(AT),
    ...get(OUT),
    ...get(COUNT),
    ...i32(3),
    op.i32Shl,
    op.i32Add,
    ...set(END),
    op.block,
    EMPTY_BLOCK,
    ...get(AT),
    ...get(END),
    op.i32GeU,
    op.brIf,
    0,
    op.loop,
    EMPTY_BLOCK,
    ...step,
    ...record,
    ...write,
    ...get(AT),
    ...i32(8),
    op.i32Add,
    op.localTee,
    ...unsigned(AT),
    ...get(END),
    op.i32LtU,
    op.brIf,
    0,
    op.end,
    op.end,
    ...i32(0),
    ...get(S0),
    ...storeI32(STATE),
    ...i32(0),
    ...get(S1),
    ...storeI32(STATE + 4),
    ...i32(0),
    ...get(S2),
    ...storeI32(STATE + 8),
    ...i32(0),
    ...get(S3),
    ...storeI32(STATE + 12),
    ...(tails ? get(TAIL_COUNT) : []),
    op.end,
  ];
  // Locals after the parameters: S0 … TAIL_COUNT, all i32.
  const locals = vector([[...unsigned(TAIL_COUNT - S0 + 1), I32]]);
  const code = [...locals, ...body];
  return [...unsigned(code.length), ...code];
}

function moduleBytes(): Uint8Array {
  const params = [I32, I32, I32, F64, F64];
  const types = section(
    1,
    vector([
      [0x60, ...vector(params.map((t) => [t])), ...vector([])],
      [0x60, ...vector([...params, I32].map((t) => [t])), ...vector([[I32]])],
    ]),
  );
  // The memory is imported: JavaScript makes it, so it can grow it and view it.
  const imports = section(2, vector([[...name('js'), ...name('memory'), 0x02, 0x00, ...unsigned(1)]]));
  const functions = section(3, vector([[0], [1]]));
  const exports = section(
    7,
    vector([
      [...name('fill'), 0x00, 0],
      [...name('fillWithTails'), 0x00, 1],
    ]),
  );
  const code = section(10, vector([drawFunction(false), drawFunction(true)]));
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
}

export class DrawKernel {
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

  constructor() {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), {
      js: { memory: this.memory },
    });
    const exports = instance.exports as Record<string, unknown>;
    this.fillExport = exports.fill as DrawKernel['fillExport'];
    this.fillTailsExport = exports.fillWithTails as DrawKernel['fillTailsExport'];
  }

  /** The memory's bytes now (a new buffer after it grows: views made before are then empty). */
  get buffer(): ArrayBuffer {
    return this.memory.buffer;
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
  workspace(stretches: number, rows: number): KernelWorkspace {
    while (this.stretchAt.length < stretches) this.stretchAt.push(this.allocate(STRETCH_BYTES));
    while (this.rowAt.length < rows) this.rowAt.push(this.allocate(ROW_BYTES));
    const buffer = this.memory.buffer;
    if (this.stretchViews[0]?.buffer !== buffer) this.stretchViews = [];
    if (this.rowViews[0]?.buffer !== buffer) this.rowViews = [];
    for (let k = this.stretchViews.length; k < stretches; k++) {
      this.stretchViews.push(new Float64Array(buffer, this.stretchAt[k], STRETCH));
    }
    for (let k = this.rowViews.length; k < rows; k++) {
      this.rowViews.push(new Float64Array(buffer, this.rowAt[k], ROW));
    }
    return { stretches: this.stretchViews.slice(0, stretches), rows: this.rowViews.slice(0, rows) };
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
    let words = this.words;
    if (words.buffer !== this.memory.buffer) words = this.words = new Int32Array(this.memory.buffer);
    words[0] = state.s0;
    words[1] = state.s1;
    words[2] = state.s2;
    words[3] = state.s3;
    if (!tail) {
      this.fillExport(table, out, count, offset, scale);
    } else {
      const tails = this.fillTailsExport(table, out, count, offset, scale);
      if (tails > 0) {
        const values = new Float64Array(this.memory.buffer, out, count);
        for (let k = 0; k < tails; k++) {
          const index = words[(TAILS >> 2) + 2 * k]!;
          const draw = words[(TAILS >> 2) + 2 * k + 1]!;
          values[index] = tail(((draw >>> 0) + 0.5) * TWO_POW_MINUS_32);
        }
      }
    }
    state.s0 = words[0]!;
    state.s1 = words[1]!;
    state.s2 = words[2]!;
    state.s3 = words[3]!;
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
export const drawKernel = new DrawKernel();
