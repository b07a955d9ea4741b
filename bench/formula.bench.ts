/**
 * `npm run bench:formula`: how fast a compiled formula evaluates, against the same script written
 * by hand in JavaScript and against mathjs. Not a test: it prints figures and whether the targets
 * hold (≥ 1,000,000 evaluations/s, within 5× of hand-written, ≥ 20× mathjs). It also measures
 * `evaluateColumns` on the same model and inputs, in samples/s, to compare with `compiled`.
 *
 * Each contender runs in its own child process (this file re-invoked with its name), so one
 * contender's JIT feedback cannot slow down or speed up another. Every iteration changes an input
 * and keeps the result in a sink, so no work can be optimised away; rounds are sized to last about
 * 200 ms after a warm-up, and a child reports the median of its timed rounds. Other work on the
 * machine drifts over time, so there are several passes over the contenders, each in a rotated
 * order with fresh children, and a contender's figure is the median of its passes.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compile } from 'mathjs';
import { compileScript } from '../src/formula/index.js';
import { SIX_STEP_SCRIPT, SIX_STEP_VALUES } from './six-step-example.js';

type Values = Record<string, number>;
type Evaluate = (params: Values) => Values;

const SCRIPT = SIX_STEP_SCRIPT;
const PARAMS: Values = SIX_STEP_VALUES;
const EXPECTED: Values = {
  ticket_savings: 6000,
  churn_savings: 5000,
  total_cost: 2200,
  value: 8800,
  effort: 10,
  overall: 880,
};

const contenders: Record<string, () => Evaluate> = {
  compiled: () => compileScript(SCRIPT).evaluate,
  'hand-written': () => (p) => {
    const ticket_savings = p.ticket_reduction_per_month! * p.cost_per_ticket! * p.horizon_months!;
    const churn_savings = p.churn_reduction! * p.affected_customers! * p.customer_lifetime_value!;
    const total_cost = p.one_off_cost! + p.monthly_running_cost! * p.horizon_months!;
    const value = ticket_savings + churn_savings - total_cost;
    const effort = p.effort_days!;
    const overall = value / effort;
    return { ticket_savings, churn_savings, total_cost, value, effort, overall };
  },
  mathjs: () => {
    // The same steps in mathjs syntax: one expression per line, comments removed.
    const code = compile(SCRIPT.replace(/#.*$/gm, ''));
    return (scope) => {
      const [ticket_savings, churn_savings, total_cost, value, effort, overall] =
        code.evaluate(scope).entries;
      return { ticket_savings, churn_savings, total_cost, value, effort, overall };
    };
  },
};

/** `columns` evaluates this many samples per call, as Monte Carlo would. */
const BATCH = 100_000;

/** Measured apart from `contenders`: samples per second of `evaluateColumns`. */
const COLUMNS = 'columns';

const ROUNDS = 7;
const ROUND_SECONDS = 0.2;
const PASSES = 3;

interface Measurement {
  name: string;
  /** Evaluations (for `columns`, samples) per second, median of the rounds. */
  median: number;
  rounds: number[];
  iterations: number;
  /** Sum over the sink, printed so that the results are observably used. */
  checksum: number;
}

/** Warms up while finding a round size that lasts ROUND_SECONDS; `run` returns seconds. */
function roundSize(run: (iterations: number) => number, start: number): number {
  let iterations = start;
  for (let seconds = run(iterations); seconds < ROUND_SECONDS / 2; seconds = run(iterations)) {
    iterations *= 2;
  }
  iterations = Math.ceil((iterations * ROUND_SECONDS) / run(iterations));
  run(iterations);
  return iterations;
}

/** Runs in the child process: measures one contender. */
function measure(name: string): Measurement {
  if (name === COLUMNS) return measureColumns();
  const evaluate = contenders[name]!();
  const check = evaluate({ ...PARAMS });
  for (const [key, expected] of Object.entries(EXPECTED)) {
    if (Math.abs(check[key]! - expected) > 1e-9)
      throw new Error(`${name}: ${key} = ${check[key]}, expected ${expected}`);
  }

  const sink: Values[] = new Array(1024);
  const params = { ...PARAMS };
  const run = (iterations: number): number => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) {
      params.effort_days = 1 + (i & 1023);
      sink[i & 1023] = evaluate(params);
    }
    return Number(process.hrtime.bigint() - started) / 1e9;
  };

  const iterations = roundSize(run, 1000);
  const rounds = Array.from({ length: ROUNDS }, () => iterations / run(iterations));
  const checksum = sink.reduce((sum, r) => sum + r.overall!, 0);
  return { name, median: median(rounds), rounds, iterations, checksum };
}

/**
 * `evaluateColumns` over BATCH samples per call, with the inputs of the scalar contenders:
 * `effort_days` is 1 + (i & 1023) in sample i, so the checksum must equal theirs.
 */
function measureColumns(): Measurement {
  const compiled = compileScript(SCRIPT);
  const columns: Record<string, Float64Array> = {};
  for (const name of compiled.inputs) columns[name] = new Float64Array(BATCH).fill(PARAMS[name]!);
  columns.effort_days = Float64Array.from({ length: BATCH }, (_, i) => 1 + (i & 1023));
  const check = compiled.evaluateColumns(columns, BATCH);
  for (const [key, expected] of Object.entries(EXPECTED)) {
    // Sample 9 has effort_days = 10, as PARAMS.
    if (Math.abs(check.outputs[key]![9]! - expected) > 1e-9)
      throw new Error(`${COLUMNS}: ${key} = ${check.outputs[key]![9]}, expected ${expected}`);
  }

  let last = check;
  const run = (calls: number): number => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) {
      last = compiled.evaluateColumns(columns, BATCH);
      if (last.failures !== 0) throw new Error(`${COLUMNS}: ${last.firstFailure}`);
    }
    return Number(process.hrtime.bigint() - started) / 1e9;
  };

  const calls = roundSize(run, 1);
  const rounds = Array.from({ length: ROUNDS }, () => (calls * BATCH) / run(calls));
  const checksum = last.outputs.overall!.subarray(0, 1024).reduce((sum, v) => sum + v, 0);
  return { name: COLUMNS, median: median(rounds), rounds, iterations: calls * BATCH, checksum };
}

function measureInChild(name: string): Measurement {
  const script = fileURLToPath(import.meta.url);
  // execArgv carries tsx's loader, so the child runs this TypeScript file the same way.
  const child = spawnSync(process.execPath, [...process.execArgv, script, '--contender', name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`the ${name} benchmark failed (exit ${child.status})`);
  return JSON.parse(child.stdout) as Measurement;
}

const format = (n: number) => Math.round(n).toLocaleString('en-US');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function report() {
  console.log(
    `formula evaluation, the FORMULA.md example (node ${process.version}; ${PASSES} passes × ${ROUNDS} rounds)\n`,
  );
  const names = [...Object.keys(contenders), COLUMNS];
  const passes = new Map<string, Measurement[]>(names.map((n) => [n, []]));
  for (let pass = 0; pass < PASSES; pass++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(pass + k) % names.length]!;
      passes.get(name)!.push(measureInChild(name));
    }
  }
  const figures = names.map((name) => {
    const runs = passes.get(name)!;
    const checksums = new Set(runs.map((r) => r.checksum));
    if (checksums.size !== 1) throw new Error(`${name}: results differ between runs`);
    return { name, median: median(runs.map((r) => r.median)), runs, checksum: runs[0]!.checksum };
  });
  for (const f of figures) {
    const perPass = f.runs.map((r) => format(r.median)).join(', ');
    const unit = f.name === COLUMNS ? 'samples/s    ' : 'evaluations/s';
    console.log(
      `${f.name.padEnd(13)} ${format(f.median).padStart(12)} ${unit}  (passes ${perPass}; checksum ${f.checksum})`,
    );
  }
  type Figure = (typeof figures)[0];
  const [compiled, hand, mathjs, columns] = figures as [Figure, Figure, Figure, Figure];
  if (columns.checksum !== compiled.checksum) throw new Error('columns: results differ from compiled');
  const slowdown = hand.median / compiled.median;
  const speedup = compiled.median / mathjs.median;
  console.log(
    `\ncompiled / hand-written: ${(compiled.median / hand.median).toFixed(3)} (hand-written is ${slowdown.toFixed(2)}× faster)`,
  );
  console.log(`compiled / mathjs:       ${speedup.toFixed(1)}×`);
  console.log(
    `columns / compiled:      ${(columns.median / compiled.median).toFixed(2)}× (samples/s over evaluations/s; ${format(BATCH)} samples per call)\n`,
  );
  const targets: [string, boolean][] = [
    ['≥ 1,000,000 evaluations/s', compiled.median >= 1_000_000],
    ['within 5× of hand-written', slowdown <= 5],
    ['≥ 20× mathjs', speedup >= 20],
  ];
  for (const [target, holds] of targets) console.log(`${holds ? 'holds ' : 'MISSED'}  ${target}`);
}

const at = process.argv.indexOf('--contender');
if (at === -1) {
  report();
} else {
  process.stdout.write(JSON.stringify(measure(process.argv[at + 1]!)));
}
