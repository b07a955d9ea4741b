/**
 * The dashboard stays quick on a big backlog: with 5,000 initiatives (three runs of history each),
 * the ranking page renders in 300 ms and an initiative's page in 100 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/config/index.js';
import { createDashboardApp } from '../../src/dashboard/index.js';
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
} from '../../src/db/index.js';

const COUNT = 5_000;
const RUNS = 3;
const FRAMEWORKS = ['RICE', 'WSJF', 'MATH_MODEL'];

let dir: string;
let config: Config;
let database: Database;

const keyOf = (i: number) => `INIT-${String(i).padStart(6, '0')}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'productops-dashboard-big-'));
  config = loadConfig({ cwd: dir, env: {} });
  database = await createDatabase(config.database.url, { baseDir: config.baseDir });
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
}, 120_000);

afterAll(async () => {
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * What a request costs: the least CPU time of a few (the first warms the code up), up to its last
 * byte. CPU time rather than wall time, so a test machine busy with other work does not fail it;
 * serving a page is synchronous work on one thread (better-sqlite3 included), so on an idle
 * machine they are the same.
 */
async function cost(path: string): Promise<{ ms: number; text: string }> {
  const app = createDashboardApp({ database, config, requireToken: false });
  let best = Number.POSITIVE_INFINITY;
  let body = new ArrayBuffer(0);
  for (let i = 0; i < 8; i++) {
    const start = process.cpuUsage();
    const response = await app.request(path);
    body = await response.arrayBuffer();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
    expect(response.status).toBe(200);
  }
  return { ms: best, text: new TextDecoder().decode(body) };
}

describe(`with ${COUNT.toLocaleString('en-US')} initiatives`, () => {
  it('renders the ranking in 300 ms', async () => {
    const { ms, text } = await cost('/');
    expect(text.match(/<tr data-key=/g)).toHaveLength(COUNT);
    expect(ms).toBeLessThan(300);
  });

  it('renders an initiative in 100 ms', async () => {
    const { ms, text } = await cost(`/initiatives/${keyOf(4_999)}`);
    expect(text).toContain('figure class="chart history"');
    expect(ms).toBeLessThan(100);
  });
});
