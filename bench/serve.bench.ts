/**
 * `npm run bench:serve`: how fast the dashboard (`productops serve`) answers on a big backlog. Not
 * a test: it prints figures and whether the targets hold on this machine. A timed unit test would
 * fail whenever the shared machine is busy; here a person reads the figures and the load they ran
 * under.
 *
 * The database (SQLite, in a temporary folder) holds 5,000 initiatives with three runs of history
 * each: a third of them math models with a full uncertainty picture, 1,000 warnings. Each route is
 * requested in-process with `app.request()` (the app's own work) and over real HTTP through
 * `startDashboardServer` and `fetch` (what a browser waits for, the socket and the client's reading
 * of the body included), the body read to its last byte every time. Each figure is the median
 * (and the minimum) of 20 requests after 3 warm-up requests; the first request of each route is
 * checked for its content, so a fast wrong page cannot pass.
 *
 * Targets, on the HTTP medians: the ranking (`/`) ≤ 300 ms, an initiative's page ≤ 100 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../src/config/index.js';
import { createDashboardApp, startDashboardServer } from '../src/dashboard/index.js';
import {
  createDatabase,
  type Database,
  insertRankHistory,
  insertRun,
  insertScoreHistory,
  type NewFrameworkScoreRow,
  type NewInitiativeRow,
  type NewRankHistoryRow,
  type NewScoreHistoryRow,
  replaceWarnings,
  upsertFrameworkScores,
  upsertInitiatives,
} from '../src/db/index.js';

const COUNT = 5_000;
const RUNS = 3;
const FRAMEWORKS = ['RICE', 'WSJF', 'MATH_MODEL'] as const;
const WARM_UP = 3;
const REPEATS = 20;
const TARGETS = { ranking: 300, initiative: 100 };

const keyOf = (i: number) => `INIT-${String(i).padStart(6, '0')}`;

/** The initiative whose pages are measured: a math model (charts drawn) in the middle of the ranking. */
const KEY = keyOf(2_501);

/**
 * A backlog of COUNT initiatives in a new SQLite database under `dir`: initiative i has priority
 * 100·i/COUNT (so rank COUNT + 1 − i), its active framework is RICE, WSJF or MATH_MODEL in turn
 * (the math models with uncertainty and a top driver), each framework scored, and each run
 * recorded a score and a rank (one place lower per earlier run) for every one of them.
 */
async function createBigBacklog(dir: string): Promise<{ config: Config; database: Database }> {
  const config = loadConfig({ cwd: dir, env: {} });
  const database = await createDatabase(config.database.url, { baseDir: config.baseDir });
  const runs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    runs.push(
      await insertRun(database, {
        command: 'run',
        dry_run: 0,
        started_at: `2030-01-0${r + 1}T10:00:00.000Z`,
        finished_at: `2030-01-0${r + 1}T10:01:00.000Z`,
        status: 'done',
        summary_json: null,
      }),
    );
  }
  const uncertainty = JSON.stringify({
    value: { p10: 80, p50: 100, p90: 130 },
    overall: { p10: 8, p50: 10, p90: 13 },
    probValueNegative: 0,
    priority: { p10: 40, p90: 70 },
    pTopN: 0.2,
    topDriver: 'a (50%)',
    tornado: ['a', 'b', 'c', 'd', 'e'].map((name, i) => ({
      name,
      low: 90 - i,
      high: 110 + i,
      swing: 20 + 2 * i,
      share: 0.2,
    })),
    histogram: Array.from({ length: 20 }, (_, i) => ({ from: 80 + 3 * i, to: 83 + 3 * i, count: 500 })),
    failures: 0,
  });
  const initiatives: NewInitiativeRow[] = [];
  const scores: NewFrameworkScoreRow[] = [];
  const history: NewScoreHistoryRow[] = [];
  const ranks: NewRankHistoryRow[] = [];
  for (let i = 1; i <= COUNT; i++) {
    const key = keyOf(i);
    const framework = FRAMEWORKS[i % 3]!;
    initiatives.push({
      initiative_key: key,
      title: `Initiative ${i} with a title of a usual length`,
      backlog_row: i + 1,
      active_framework: framework,
      use_math_model: framework === 'MATH_MODEL' ? 1 : 0,
      strategic_priority_coefficient: 1,
      effort_engineering_days: 10,
      value_score: i * 10,
      effort_score: 10,
      overall_score: i,
      priority_score: (100 * i) / COUNT,
      rank: COUNT + 1 - i,
      score_warnings: null,
      first_seen_at: '2030-01-01T10:00:00.000Z',
      updated_at: '2030-01-03T10:00:00.000Z',
      archived_at: null,
      department: `Department ${i % 7}`,
      priority_p10: (90 * i) / COUNT,
      priority_p90: Math.min(100, (110 * i) / COUNT),
      p_top_n: i > COUNT - 10 ? 0.9 : 0,
      top_driver: framework === 'MATH_MODEL' ? 'a (50%)' : null,
      uncertainty_json: framework === 'MATH_MODEL' ? uncertainty : null,
    });
    for (const f of FRAMEWORKS) {
      scores.push({
        initiative_key: key,
        framework: f,
        value_score: i,
        effort_score: 1,
        overall_score: i,
        warnings: '',
        computed_at: '2030-01-03T10:00:00.000Z',
      });
    }
    runs.forEach((run, r) => {
      const at = `2030-01-0${r + 1}T10:00:00.000Z`;
      history.push({
        run_id: run,
        initiative_key: key,
        framework,
        model_name: null,
        value_score: i + r,
        effort_score: 1,
        overall_score: i + r,
        formula_text: null,
        inputs_json: '{}',
        computed_at: at,
      });
      ranks.push({
        run_id: run,
        initiative_key: key,
        active_framework: framework,
        strategic_priority_coefficient: 1,
        priority_score: (100 * i) / COUNT,
        rank: COUNT + 1 - i + (RUNS - 1 - r),
        recorded_at: at,
      });
    });
  }
  await upsertInitiatives(database, initiatives);
  await upsertFrameworkScores(database, scores);
  await insertScoreHistory(database, history);
  await insertRankHistory(database, ranks);
  await replaceWarnings(
    database,
    runs.at(-1)!,
    Array.from({ length: 1_000 }, (_, i) => ({
      tab: 'Params',
      row_number: i + 2,
      column_name: 'value',
      initiative_key: `${keyOf(i * 5 + 1)}/MATH_MODEL/a`,
      message: 'Bad value',
    })),
  );
  return { config, database };
}

interface Route {
  path: string;
  /** What the first response must hold: a message when it does not. */
  check(body: string): string | null;
  target?: number;
}

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

const ROUTES: Route[] = [
  {
    path: '/',
    target: TARGETS.ranking,
    check: (body) => {
      const rows = count(body, /<tr data-key=/g);
      return rows === COUNT ? null : `${rows} rows, not ${COUNT}`;
    },
  },
  {
    path: `/initiatives/${KEY}`,
    target: TARGETS.initiative,
    check: (body) =>
      [
        'figure class="chart histogram"',
        'figure class="chart tornado"',
        'figure class="chart history"',
      ].every((figure) => body.includes(figure))
        ? null
        : 'a chart is missing',
  },
  {
    path: '/api/ranking',
    check: (body) => {
      const rows = (JSON.parse(body) as { initiatives: unknown[] }).initiatives.length;
      return rows === COUNT ? null : `${rows} initiatives, not ${COUNT}`;
    },
  },
  {
    path: `/api/initiatives/${KEY}`,
    check: (body) => {
      const { initiative, changes } = JSON.parse(body) as { initiative: { key: string }; changes: unknown[] };
      return initiative.key === KEY && changes.length === RUNS - 1
        ? null
        : `${initiative.key} with ${changes.length} changes, not ${KEY} with ${RUNS - 1}`;
    },
  },
  { path: '/matrix', check: (body) => (body.includes('<svg') ? null : 'no chart') },
  { path: '/frameworks', check: (body) => (body.includes('<svg') ? null : 'no chart') },
];

/** One request, the body read to its last byte: its text. */
type Fetch = (path: string) => Promise<{ status: number; body: string }>;

interface Timing {
  /** Wall-clock milliseconds per timed request. */
  wall: number[];
  /** CPU milliseconds of this process per timed request (the server and, over HTTP, the client). */
  cpu: number[];
}

async function measure(get: Fetch, route: Route): Promise<Timing> {
  const first = await get(route.path);
  const problem = first.status === 200 ? route.check(first.body) : `status ${first.status}`;
  if (problem) throw new Error(`${route.path} answered wrong: ${problem}`);
  for (let i = 1; i < WARM_UP; i++) await get(route.path);
  const timing: Timing = { wall: [], cpu: [] };
  for (let i = 0; i < REPEATS; i++) {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    await get(route.path);
    timing.wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    const used = process.cpuUsage(cpu);
    timing.cpu.push((used.user + used.system) / 1000);
  }
  return timing;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const ms = (x: number) => `${x.toFixed(1).padStart(7)} ms`;
const figure = (values: readonly number[]) =>
  `${ms(median(values))} (${ms(Math.min(...values)).trim()})`.padEnd(22);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'productops-bench-serve-'));
  try {
    const started = Date.now();
    const { config, database } = await createBigBacklog(dir);
    console.log(
      `Dashboard, ${COUNT.toLocaleString('en-US')} initiatives × ${RUNS} runs of history (SQLite; built in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    console.log(
      `node ${process.version}; median (min) of ${REPEATS} requests after ${WARM_UP} warm-up; load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}\n`,
    );
    const app = createDashboardApp({ database, config, requireToken: false });
    const server = await startDashboardServer({ database, config, port: 0 });
    const base = server.url.replace(/\/$/, '');
    const ways: [string, Fetch][] = [
      [
        'in-process',
        async (path) => {
          const response = await app.request(path);
          return { status: response.status, body: await response.text() };
        },
      ],
      [
        'HTTP',
        async (path) => {
          const response = await fetch(base + path);
          return { status: response.status, body: await response.text() };
        },
      ],
    ];
    // Every route in-process first, then every route over HTTP: a keep-alive connection left idle
    // while the in-process requests ran could be closed by the server just as fetch reuses it.
    const timings = new Map<Route, Timing[]>(ROUTES.map((route) => [route, []]));
    try {
      for (const [, get] of ways)
        for (const route of ROUTES) timings.get(route)!.push(await measure(get, route));
    } finally {
      await server.close();
      await database.close();
    }
    const width = Math.max(...ROUTES.map((r) => r.path.length));
    console.log(
      `${'route'.padEnd(width)}   ${'in-process, wall'.padEnd(22)}   ${'HTTP, wall'.padEnd(22)}   HTTP, CPU`,
    );
    const results: string[] = [];
    for (const route of ROUTES) {
      const [inProcess, http] = timings.get(route)!;
      const wall = median(http!.wall);
      console.log(
        `${route.path.padEnd(width)}   ${figure(inProcess!.wall)}   ${figure(http!.wall)}   ${ms(median(http!.cpu))}`,
      );
      if (route.target !== undefined) {
        results.push(
          `${wall <= route.target ? 'holds ' : 'MISSED'}  ${route.path} over HTTP ≤ ${route.target} ms (median ${wall.toFixed(1)} ms)`,
        );
      }
    }
    console.log(`\n${results.join('\n')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
