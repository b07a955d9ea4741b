/**
 * `npm run bench:pipeline`: generates workbooks with 5,000 initiatives, each with an approved
 * 4–8-line math model and approved params, then times a first `run` and a second, no-edit `run`
 * (each in its own process, to measure its peak memory). Targets on a 2-core machine: first
 * ≤ 12 s, second ≤ 5 s writing 0 cells, peak memory ≤ 400 MB for each.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfigFile } from '../src/config/index.js';
import {
  backlogTab,
  type CellValue,
  mathModelsTab,
  newTab,
  paramsTab,
  scoringTab,
  type TabSpec,
  XlsxSheetStore,
} from '../src/sheets/index.js';

const COUNT = Number(process.env.BENCH_INITIATIVES ?? 5000);
const PEAK_TARGET_MB = 400;

/** A deterministic generator, so every run of the benchmark measures the same workbooks. */
function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function model(i: number, rnd: () => number): { text: string; params: Record<string, number> } {
  const lines = 4 + (i % 5);
  const params: Record<string, number> = {};
  const p = (name: string, v: number) => {
    params[name] = Number(v.toFixed(4));
    return name;
  };
  const steps = [
    `reach = ${p('monthly_sessions', 10_000 + rnd() * 90_000)} * ${p('conversion_uplift', 0.001 + rnd() * 0.02)}`,
    `revenue = reach * ${p('average_order_value', 20 + rnd() * 200)} * ${p('margin', 0.2 + rnd() * 0.5)}`,
    `gross = revenue * ${p('horizon_months', 6 + Math.floor(rnd() * 18))}`,
    `cost = ${p('one_off_cost', 1000 + rnd() * 50_000)} + ${p('running_cost', 100 + rnd() * 2000)} * horizon_months`,
    `risked = gross * (1 - ${p('delivery_risk', rnd() * 0.4)})`,
    `adjusted = max(risked - cost, 0) + ${p('strategic_bonus', rnd() * 5000)}`,
    `effort = ${p('effort_days', 5 + Math.floor(rnd() * 60))}`,
  ];
  const body = steps.slice(0, lines - 1);
  const last = body.at(-1)!.split(' = ')[0]!;
  const text = `# model ${i}\n${body.join('\n')}\nvalue = ${last === 'effort' ? 'gross' : last}`;
  // Keep only params the text reads.
  for (const name of Object.keys(params)) if (!text.includes(name)) delete params[name];
  return { text, params };
}

async function writeTab(store: XlsxSheetStore, spec: TabSpec, rows: Record<string, CellValue>[]) {
  const header = spec.columns.map((c) => c.name);
  return {
    tab: spec.defaultName,
    appends: rows.map((r) => header.map((h) => r[h] ?? null)),
    store,
  };
}

async function generate(dir: string) {
  const rnd = seeded(42);
  const backlog: Record<string, CellValue>[] = [];
  const scoring: Record<string, CellValue>[] = [];
  const models: Record<string, CellValue>[] = [];
  const params: Record<string, CellValue>[] = [];
  for (let i = 1; i <= COUNT; i++) {
    const key = `INIT-${String(i).padStart(6, '0')}`;
    const title = `Initiative ${i}: improve flow ${i % 97}`;
    backlog.push({
      initiative_key: key,
      title,
      active_scoring_framework: 'MATH_MODEL',
      use_math_model: true,
      effort_engineering_days: 10,
    });
    scoring.push({
      initiative_key: key,
      title,
      active_scoring_framework: 'MATH_MODEL',
      use_math_model: true,
      rice_reach: Math.round(rnd() * 10000),
      rice_impact: 1 + Math.floor(rnd() * 3),
      rice_confidence: 0.5,
      rice_effort: 1 + Math.floor(rnd() * 10),
    });
    const m = model(i, rnd);
    models.push({
      initiative_key: key,
      model_name: `${key}_MATH_MODEL_V1`,
      formula_text_final: m.text,
      formula_text_approved: true,
    });
    for (const [name, value] of Object.entries(m.params)) {
      params.push({
        initiative_key: key,
        framework: 'MATH_MODEL',
        param_name: name,
        value,
        approved: true,
        source: 'bench',
      });
    }
  }
  const b = new XlsxSheetStore(join(dir, 'workbooks/central-backlog.xlsx'));
  const p = new XlsxSheetStore(join(dir, 'workbooks/productops.xlsx'));
  await b.ensureTabs([newTab(backlogTab, 'Backlog')]);
  await p.ensureTabs([
    newTab(scoringTab, 'Scoring_Inputs'),
    newTab(mathModelsTab, 'MathModels'),
    newTab(paramsTab, 'Params'),
  ]);
  await b.read(['Backlog']);
  await b.write([await writeTab(b, backlogTab, backlog)]);
  await p.read(['Scoring_Inputs', 'MathModels', 'Params']);
  await p.write([
    await writeTab(p, scoringTab, scoring),
    await writeTab(p, mathModelsTab, models),
    await writeTab(p, paramsTab, params),
  ]);
  writeFileSync(join(dir, 'productops.config.json'), JSON.stringify(defaultConfigFile(), null, 2));
  return { params: params.length };
}

interface Measured {
  ms: number;
  maxRssMb: number;
  cells: number;
  code: number;
}

function runOnce(dir: string): Measured {
  const child = spawnSync(
    process.execPath,
    [join(import.meta.dirname, 'pipeline-run.mjs'), join(dir, 'productops.config.json')],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (child.status !== 0 && child.status !== 3) throw new Error(`run failed: ${child.stderr}`);
  const line = child.stdout.trim().split('\n').at(-1)!;
  return JSON.parse(line) as Measured;
}

// BENCH_DIR keeps the generated workbooks (for profiling a run on them); otherwise a temp dir.
const keep = process.env.BENCH_DIR;
const dir = keep ?? mkdtempSync(join(tmpdir(), 'productops-bench-'));
try {
  const t0 = performance.now();
  const { params } = await generate(dir);
  console.log(
    `generated ${COUNT} initiatives, ${COUNT} models, ${params} params in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  if (process.env.BENCH_GENERATE_ONLY) process.exit(0);
  const first = runOnce(dir);
  const second = runOnce(dir);
  const row = (name: string, m: Measured, target: number) =>
    `${name.padEnd(12)} ${(m.ms / 1000).toFixed(2).padStart(7)} s  peak ${m.maxRssMb.toFixed(0).padStart(5)} MB  ${String(m.cells).padStart(7)} cells written  target ≤ ${target} s and ≤ ${PEAK_TARGET_MB} MB: ${m.ms / 1000 <= target && m.maxRssMb <= PEAK_TARGET_MB ? 'met' : 'MISSED'}`;
  console.log(row('first run', first, 12));
  console.log(row('second run', second, 5));
  console.log(`second run wrote 0 cells: ${second.cells === 0 ? 'yes' : 'NO'}`);
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
