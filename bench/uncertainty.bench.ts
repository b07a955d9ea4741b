/**
 * `npm run bench:uncertainty`: how fast the Monte Carlo engine (src/uncertainty) simulates the
 * six-step example model of FORMULA.md with every parameter uncertain. Not a test: it prints
 * figures and whether the targets hold on this machine.
 *
 * 1. 1,000 initiatives × 10,000 samples with the joint P(top 10) (normalize 'none'), PERT inputs,
 *    on 1 and 2 threads (the calling one and a worker): ≤ 1.5 s. On 2 the compiled engine (dist/,
 *    built first with tsconfig.build.json) is measured, as an install runs it: run from source, a
 *    worker thread would first load tsx and compile the TypeScript (about 1.5 s), which no user
 *    pays. The first run of the process, which starts the worker, is printed apart.
 * 2. One initiative × 1,000,000 samples, PERT inputs (one initiative never uses workers): ≤ 0.5 s.
 * 3. The same 100 models in Squiggle (@quri/squiggle-lang, each input `lo to hi`, its 90% credible
 *    interval: a lognormal for positive bounds; 10,000 samples) against productops with lognormal
 *    p05/p95 inputs at 10,000 samples, no P(top N) (Squiggle has nothing like it), on 1 thread and
 *    on 2 (the compiled engine, its worker already started by the warm-up runs, as in a long-running
 *    process): productops ≥ 30× faster. Both means of one model are printed, to show that Squiggle
 *    computed.
 *
 * The machine is shared and noisy, so every figure is the median and the minimum of 9 timed runs
 * after 3 warm-up runs. Each measurement runs in its own child process (this file re-invoked
 * with its name), so one cannot warm up, slow down or leave workers behind for another. In the
 * comparison, Squiggle and productops alternate run by run, so drift on the machine hits both.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as sourceFormula from '../src/formula/index.js';
import * as sourceEngine from '../src/uncertainty/index.js';
import {
  type DistributionSpec,
  type SimulationInput,
  type SimulationResult,
  sample,
  stream,
} from '../src/uncertainty/index.js';
import { SIX_STEP_SCRIPT, SIX_STEP_VALUES } from './six-step-example.js';

/** The engine measured: compileScript and simulate, from src/ (run by tsx) or from dist/. */
interface Engine {
  compileScript: typeof sourceFormula.compileScript;
  simulate: typeof sourceEngine.simulate;
}

const fromSource: Engine = { compileScript: sourceFormula.compileScript, simulate: sourceEngine.simulate };

/** The compiled engine in dist/ (report() builds it first); imported by URL so typechecking needs no dist. */
async function fromDist(): Promise<Engine> {
  const load = (path: string) => import(new URL(path, import.meta.url).href);
  const formula = (await load('../dist/formula/index.js')) as typeof sourceFormula;
  const engine = (await load('../dist/uncertainty/index.js')) as typeof sourceEngine;
  return { compileScript: formula.compileScript, simulate: engine.simulate };
}

const SCRIPT = SIX_STEP_SCRIPT;
/** FORMULA.md's plausible values (they give value 8,800, overall 880). */
const PLAUSIBLE = SIX_STEP_VALUES;

const REPEATS = 9;
/**
 * Untimed runs first: V8 optimizes a function only after it has run a while, and a worker thread's
 * copy apart from the calling thread's, so with one warm-up run the first timed runs on 2 threads
 * still ran partly unoptimized code (measured: 60–85 ms, then a steady 41–45 ms).
 */
const WARM_UPS = 3;
const SAMPLES = 10_000;
const SEED = 20_240_601;
const TARGETS = { portfolio: 1.5, single: 0.5, speedup: 30 };

/** One uncertain input: a plausible value and the bounds around it (±30–50%). */
interface Input {
  name: string;
  low: number;
  mode: number;
  high: number;
}

interface Model {
  key: string;
  inputs: Input[];
}

/** A deterministic generator, so every run of the benchmark measures the same models. */
function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const round = (x: number) => Number(x.toPrecision(4));

/**
 * `count` variations of the example: each input's plausible value is the example's times 0.5–2,
 * and its bounds are that value ∓ 30–50%.
 */
function models(count: number): Model[] {
  const rnd = seeded(7);
  return Array.from({ length: count }, (_, i) => ({
    key: `INIT-${i + 1}`,
    inputs: Object.entries(PLAUSIBLE).map(([name, base]) => {
      const mode = round(base * 2 ** (2 * rnd() - 1));
      const spread = 0.3 + 0.2 * rnd();
      return { name, low: round(mode * (1 - spread)), mode, high: round(mode * (1 + spread)) };
    }),
  }));
}

type Kind = 'pert' | 'lognormal';

function spec(input: Input, kind: Kind): DistributionSpec {
  return kind === 'pert'
    ? { kind: 'pert', min: input.low, mode: input.mode, max: input.high }
    : { kind: 'lognormal', p05: input.low, p95: input.high };
}

function simulationInput(
  list: Model[],
  kind: Kind,
  samples: number,
  topN: number,
  engine: Engine = fromSource,
): SimulationInput {
  const script = engine.compileScript(SCRIPT);
  return {
    initiatives: list.map((m) => ({
      key: m.key,
      script,
      formulaText: SCRIPT,
      params: new Map(m.inputs.map((input) => [input.name, spec(input, kind)])),
      effortDays: m.inputs.find((input) => input.name === 'effort_days')!.mode,
      coefficient: 1,
    })),
    shared: new Map(),
    constants: [],
    samples,
    seed: SEED,
    topN,
    normalize: 'none',
  };
}

/** The same model in Squiggle: each input `low to high`, then the script without its comments. */
function squiggleCode(model: Model): string {
  const inputs = model.inputs.map((input) => `${input.name} = ${input.low} to ${input.high}`);
  const steps = SCRIPT.split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
  return [...inputs, ...steps, 'overall', ''].join('\n');
}

// ---------------------------------------------------------------------------------------------

/** What a child reports: seconds per timed run, and a few figures that show the work was done. */
interface Measurement {
  seconds: Record<string, number[]>;
  notes: string[];
}

const seconds = async (work: () => Promise<unknown> | unknown): Promise<number> => {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
};

async function repeat(work: () => Promise<unknown> | unknown): Promise<number[]> {
  for (let w = 0; w < WARM_UPS; w++) await work();
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) times.push(await seconds(work));
  return times;
}

const scenarios: Record<string, () => Promise<Measurement>> = {
  'portfolio-1': () => portfolio(1),
  'portfolio-2': () => portfolio(2),
  single,
  versus,
};

async function portfolio(workers: number): Promise<Measurement> {
  const engine = workers > 1 ? await fromDist() : fromSource;
  const { simulate } = engine;
  const input = simulationInput(models(1000), 'pert', SAMPLES, 10, engine);
  let result: SimulationResult | undefined;
  // The first run of a process, which starts the worker thread (and builds the PERT tables).
  const first = await seconds(() => simulate(input, { workers }));
  const times = await repeat(async () => {
    result = await simulate(input, { workers });
  });
  const notes = describe(result!);
  notes.push(`the first run of the process: ${ms(first).trim()}`);
  if (workers > 1) {
    notes.push('the compiled engine (dist/), as installed; its worker thread started by the first run');
    // What handing work to a thread costs once it runs: a run too small for the samples to matter,
    // on threads and on the calling thread.
    const tiny = simulationInput(models(1000), 'pert', 10, 10, engine);
    const threaded = median(await repeat(() => simulate(tiny, { workers })));
    const inline = median(await repeat(() => simulate(tiny, { workers: 1 })));
    notes.push(
      `hand-over: 1,000 × 10 samples take ${ms(threaded).trim()} on ${workers} threads, ${ms(inline).trim()} on 1`,
    );
  }
  return { seconds: { productops: times }, notes };
}

/** One initiative never uses worker threads (simulate runs it on the calling thread). */
async function single(): Promise<Measurement> {
  const { simulate } = fromSource;
  const input = simulationInput(models(1), 'pert', 1_000_000, 1);
  let result: SimulationResult | undefined;
  const times = await repeat(async () => {
    result = await simulate(input, { workers: 1 });
  });
  return { seconds: { productops: times }, notes: describe(result!) };
}

/** A check that the work was done: overall of the first initiative, failures, and Σ P(top N). */
function describe(result: SimulationResult): string[] {
  const all = [...result.initiatives.values()];
  const first = all[0]!;
  const failures = all.reduce((sum, i) => sum + i.failures, 0);
  const pTop = all.reduce((sum, i) => sum + i.pTopN, 0);
  return [
    `${first.key} overall P10/P50/P90 ${quantiles(first.overall)}; failed samples ${failures}; Σ P(top N) ${pTop.toFixed(2)}`,
  ];
}

const quantiles = (q: { p10: number; p50: number; p90: number } | null) =>
  q ? [q.p10, q.p50, q.p90].map(format).join(' / ') : 'none';

/** Mean and P10/P50/P90 of a column of samples (NaN skipped). */
function summary(values: ArrayLike<number>): { mean: number; p10: number; p50: number; p90: number } {
  const sorted = Float64Array.from(values).sort();
  let n = sorted.length;
  while (n > 0 && Number.isNaN(sorted[n - 1]!)) n--;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const at = (p: number) => sorted[Math.min(n - 1, Math.floor(p * n))]!;
  return { mean: sum / n, p10: at(0.1), p50: at(0.5), p90: at(0.9) };
}

/**
 * The samples of `overall` simulate drew for one initiative: the engine's result has quantiles,
 * not a mean, so its draws are made again here the way it makes them (param P of initiative K from
 * `stream(seed, 'K/P')`, the script evaluated column-wise).
 */
function productopsOverall(input: SimulationInput, index: number): Float64Array {
  const initiative = input.initiatives[index]!;
  const columns: Record<string, Float64Array> = {};
  for (const name of initiative.script.inputs) {
    const column = new Float64Array(input.samples);
    sample(initiative.params.get(name)!, stream(input.seed, `${initiative.key}/${name}`), column);
    columns[name] = column;
  }
  return initiative.script.evaluateColumns(columns, input.samples).outputs.overall!;
}

async function versus(): Promise<Measurement> {
  const { run } = await import('@quri/squiggle-lang');
  const list = models(100);
  const codes = list.map(squiggleCode);
  const environment = { sampleCount: SAMPLES, xyPointLength: 1000, seed: String(SEED) };
  type Output = Awaited<ReturnType<typeof run>>;
  const outputs: Output[] = new Array(list.length);
  const squiggle = async () => {
    for (let i = 0; i < codes.length; i++) outputs[i] = await run(codes[i]!, { environment });
  };
  const input = simulationInput(list, 'lognormal', SAMPLES, 0);
  let result: SimulationResult | undefined;
  const productops = async () => {
    result = await fromSource.simulate(input, { workers: 1 });
  };
  // Two threads (this one and a worker) on the compiled engine, as portfolio-2.
  const compiled = await fromDist();
  const twoThreadInput = simulationInput(list, 'lognormal', SAMPLES, 0, compiled);
  let twoThreadResult: SimulationResult | undefined;
  const productopsTwoThreads = async () => {
    twoThreadResult = await compiled.simulate(twoThreadInput, { workers: 2 });
  };

  for (let w = 0; w < WARM_UPS; w++) {
    await squiggle();
    await productops();
    await productopsTwoThreads();
  }
  const times = { squiggle: [] as number[], productops: [] as number[], productops2: [] as number[] };
  for (let r = 0; r < REPEATS; r++) {
    times.squiggle.push(await seconds(squiggle));
    times.productops.push(await seconds(productops));
    times.productops2.push(await seconds(productopsTwoThreads));
  }
  if (JSON.stringify([...twoThreadResult!.initiatives]) !== JSON.stringify([...result!.initiatives])) {
    throw new Error('two threads gave other figures than one');
  }

  // Read Squiggle's results back (after timing): each must be a sample set of SAMPLES samples.
  const theirs = outputs.map((output, i) => {
    const outcome = output.result;
    if (!outcome.ok) throw new Error(`Squiggle failed on ${list[i]!.key}: ${outcome.value.toString()}`);
    const value = outcome.value.result;
    if (value.tag !== 'Dist' || value.value.tag !== 'SampleSet') {
      throw new Error(`Squiggle gave ${value.toString()} for ${list[i]!.key}, not a sample set`);
    }
    const samples = value.value.getSamples();
    if (samples.length !== SAMPLES)
      throw new Error(`Squiggle drew ${samples.length} samples, not ${SAMPLES}`);
    return { ...summary(samples), mean: value.value.mean(environment) };
  });
  const ours = summary(productopsOverall(input, 0));
  const first = result!.initiatives.get(list[0]!.key)!;
  const drift = Math.abs(ours.p50 - first.overall!.p50) / Math.abs(first.overall!.p50);
  const redrawn =
    drift < 0.005
      ? '(its draws redrawn: their P50 matches simulate)'
      : `(WARNING: its redrawn samples have P50 ${format(ours.p50)}, simulate says ${format(first.overall!.p50)})`;
  const medianGap = list.map((m, i) => {
    const p50 = result!.initiatives.get(m.key)!.overall!.p50;
    return Math.abs(p50 - theirs[i]!.p50) / Math.abs(theirs[i]!.p50);
  });
  return {
    seconds: times,
    notes: [
      `${list[0]!.key} overall, mean: Squiggle ${format(theirs[0]!.mean)}, productops ${format(ours.mean)} ${redrawn}`,
      `${list[0]!.key} overall, P10/P50/P90: Squiggle ${quantiles(theirs[0]!)}, productops ${quantiles(first.overall)}`,
      `P50 of overall, productops against Squiggle over the 100 models: median gap ${(100 * median(medianGap)).toFixed(2)}%, largest ${(100 * Math.max(...medianGap)).toFixed(2)}%`,
    ],
  };
}

// ---------------------------------------------------------------------------------------------

/** Runs one scenario in a child process; a failure is reported, not thrown, so the others still run. */
function measureInChild(name: string): Measurement | { error: string } {
  const script = fileURLToPath(import.meta.url);
  // execArgv carries tsx's loader, so the child runs this TypeScript file the same way.
  const child = spawnSync(process.execPath, [...process.execArgv, script, '--scenario', name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 24,
  });
  if (child.status === 0) return JSON.parse(child.stdout) as Measurement;
  const why = child.stderr
    .split('\n')
    .find((line) => /\w*Error\b|error/.test(line))
    ?.trim();
  return {
    error: `failed (exit ${child.status ?? child.signal}): ${why ?? child.stderr.trim().slice(-300)}`,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const min = (values: number[]) => Math.min(...values);
const format = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });
const ms = (s: number) => `${(s * 1000).toFixed(0).padStart(6)} ms`;
const timing = (times: number[]) =>
  `median ${ms(median(times))}, min ${ms(min(times))}  (runs ${times.map((t) => (t * 1000).toFixed(0)).join(', ')} ms)`;

/** Builds dist/ (tsconfig.build.json), which the 2-worker figure runs; false if it cannot. */
function build(): boolean {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = spawnSync(
    process.execPath,
    [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (tsc.status === 0) return true;
  console.log(`building dist/ failed: ${(tsc.stdout + tsc.stderr).trim().slice(0, 500)}`);
  return false;
}

function report() {
  build();
  console.log(
    `Monte Carlo, the FORMULA.md six-step model (node ${process.version}; median and min of ${REPEATS} runs after ${WARM_UPS} warm-up runs)`,
  );
  const targets: [string, boolean | undefined][] = [];
  /** Prints one productops measurement and notes its target (undefined when it could not be measured). */
  const figure = (label: string, name: string, target: string, limit: number) => {
    const m = measureInChild(name);
    if ('error' in m) {
      console.log(`   ${label}: ${m.error}`);
      targets.push([target, undefined]);
      return;
    }
    const times = m.seconds.productops!;
    console.log(`   ${label}: ${timing(times)}`);
    for (const note of m.notes) console.log(`              ${note}`);
    targets.push([target, median(times) <= limit]);
  };

  console.log('\n1. 1,000 initiatives × 10,000 samples, PERT inputs, with P(top 10), normalize none');
  for (const workers of [1, 2]) {
    const target = `1,000 × 10,000 with P(top 10), ${workers} thread${workers > 1 ? 's' : ''}: ≤ ${TARGETS.portfolio} s`;
    figure(`${workers} thread${workers > 1 ? 's' : ''}`, `portfolio-${workers}`, target, TARGETS.portfolio);
  }

  console.log(
    '\n2. one initiative × 1,000,000 samples, PERT inputs (one initiative runs on the calling thread)',
  );
  figure('workers 1', 'single', `1 × 1,000,000: ≤ ${TARGETS.single} s`, TARGETS.single);

  console.log(
    '\n3. 100 models × 10,000 samples, lognormal inputs (Squiggle: `low to high`), no P(top N), same process, alternating',
  );
  const target = `productops ≥ ${TARGETS.speedup}× faster than Squiggle`;
  const m = measureInChild('versus');
  if ('error' in m) {
    console.log(`   ${m.error}`);
    targets.push([target, undefined]);
  } else {
    const squiggle = m.seconds.squiggle!;
    console.log(`   Squiggle:              ${timing(squiggle)}`);
    let best = 0;
    for (const [label, times] of [
      ['productops, 1 thread: ', m.seconds.productops!],
      ['productops, 2 threads:', m.seconds.productops2!],
    ] as const) {
      const ratio = median(squiggle) / median(times);
      best = Math.max(best, ratio);
      console.log(`   ${label} ${timing(times)}`);
      console.log(
        `      ${ratio.toFixed(1)}× faster than Squiggle (ratio of medians; ${(min(squiggle) / min(times)).toFixed(1)}× of minimums)`,
      );
    }
    for (const note of m.notes) console.log(`   ${note}`);
    targets.push([target, best >= TARGETS.speedup]);
  }

  console.log('');
  for (const [target, holds] of targets) {
    console.log(`${holds === undefined ? 'FAILED' : holds ? 'holds ' : 'MISSED'}  ${target}`);
  }
}

const at = process.argv.indexOf('--scenario');
if (at === -1) {
  report();
} else {
  const name = process.argv[at + 1]!;
  const scenario = scenarios[name];
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  const measurement = await scenario();
  process.stdout.write(JSON.stringify(measurement));
  // Workers or Squiggle may keep handles open; the measurement is written, so leave.
  process.exit(0);
}
