/**
 * `productops serve`'s app on the demo's database, through `app.request()`: every page and its
 * JSON, sorting and filters, the initiative page's formula, params and charts, 404s, the token and
 * host rules, and that sheet text cannot become markup.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/config/index.js';
import { createDashboardApp } from '../../src/dashboard/index.js';
import {
  createDatabase,
  type Database,
  insertLlmCall,
  insertRankHistory,
  insertRun,
  insertScoreHistory,
  replaceWarnings,
  withTransaction,
} from '../../src/db/index.js';
import { compileScript } from '../../src/formula/index.js';
import type { BoardUncertainty } from '../../src/scoring/index.js';
import { runCli } from '../support/cli.js';

let dir: string;
let config: Config;
let database: Database;
let app: ReturnType<typeof createDashboardApp>;
/** The first ranked math-model initiative: it gets a simulation and a history. */
let modelKey: string;
let runTwo: number;

const UNCERTAINTY: BoardUncertainty = {
  value: { p10: 100_000, p50: 150_000, p90: 210_000 },
  overall: { p10: 10_000, p50: 15_000, p90: 21_000 },
  probValueNegative: 0,
  priority: { p10: 60, p90: 99 },
  pTopN: 0.93,
  topDriver: 'horizon_months (61%)',
  tornado: [
    { name: 'horizon_months', low: 110_000, high: 190_000, swing: 80_000, share: 0.6 },
    { name: 'conversion_uplift', low: 130_000, high: 170_000, swing: 40_000, share: 0.4 },
  ],
  histogram: [
    { from: 100_000, to: 150_000, count: 4_000 },
    { from: 150_000, to: 200_000, count: 5_000 },
    { from: 200_000, to: 250_000, count: 1_000 },
  ],
  failures: 0,
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'productops-dashboard-'));
  const demo = join(dir, 'demo');
  expect((await runCli(['demo', demo, '--quiet'], dir)).code).toBe(0);
  config = loadConfig({ cwd: demo, env: {} });
  database = await createDatabase(config.database.url, { baseDir: config.baseDir });
  const db = database.db;
  const model = await db
    .selectFrom('initiatives')
    .select('initiative_key')
    .where('active_framework', '=', 'MATH_MODEL')
    .where('rank', 'is not', null)
    .orderBy('rank')
    .executeTakeFirstOrThrow();
  modelKey = model.initiative_key;
  await db
    .updateTable('initiatives')
    .set({
      uncertainty_json: JSON.stringify(UNCERTAINTY),
      priority_p10: 60,
      priority_p90: 99,
      p_top_n: 0.93,
      top_driver: UNCERTAINTY.topDriver,
    })
    .where('initiative_key', '=', modelKey)
    .execute();
  await db
    .updateTable('initiatives')
    .set({ department: 'Dashboard test' })
    .where('active_framework', '=', 'RICE')
    .execute();
  // A second run that moved the model's rank, so its history has two points.
  runTwo = await insertRun(database, {
    command: 'run',
    dry_run: 0,
    started_at: '2030-01-02T10:00:00.000Z',
    finished_at: '2030-01-02T10:00:05.000Z',
    status: 'done',
    summary_json: null,
  });
  // …because its model's horizon went from 12 to 18 months.
  const before = await db
    .selectFrom('score_history')
    .selectAll()
    .where('initiative_key', '=', modelKey)
    .where('framework', '=', 'MATH_MODEL')
    .executeTakeFirstOrThrow();
  const inputs = { ...JSON.parse(before.inputs_json), horizon_months: 18 };
  const value = compileScript(before.formula_text!).evaluate(inputs).value!;
  await insertScoreHistory(database, [
    {
      run_id: runTwo,
      initiative_key: modelKey,
      framework: 'MATH_MODEL',
      model_name: before.model_name,
      formula_text: before.formula_text,
      value_score: value,
      effort_score: before.effort_score,
      overall_score: value / before.effort_score!,
      inputs_json: JSON.stringify(inputs),
      computed_at: '2030-01-02T10:00:00.000Z',
    },
  ]);
  await insertRankHistory(database, [
    {
      run_id: 1,
      initiative_key: modelKey,
      active_framework: 'MATH_MODEL',
      priority_score: 80,
      rank: 3,
      recorded_at: '2030-01-01T10:00:00.000Z',
    },
    {
      run_id: runTwo,
      initiative_key: modelKey,
      active_framework: 'MATH_MODEL',
      priority_score: 93,
      rank: 1,
      recorded_at: '2030-01-02T10:00:00.000Z',
    },
  ]);
  await replaceWarnings(database, runTwo, [
    {
      tab: 'Params',
      row_number: 53,
      column_name: 'approved',
      initiative_key: 'INIT-000016/MATH_MODEL/p',
      message: 'not approved',
    },
    { tab: 'Backlog', row_number: 31, column_name: 'title', initiative_key: null, message: 'no title' },
    {
      tab: 'Scoring_Inputs',
      row_number: 10,
      column_name: 'rice_confidence',
      initiative_key: 'INIT-000009',
      message: 'RICE: 80 is not a fraction',
      link: 'https://docs.google.com/spreadsheets/d/abc/edit#gid=1&range=A10',
    },
  ]);
  await withTransaction(database, async (tx) => {
    for (let i = 1; i <= 205; i++) {
      await insertLlmCall(tx, {
        run_id: null,
        initiative_key: 'INIT-000003',
        model_name: 'INIT-000003_MATH_MODEL_V1',
        purpose: 'suggest_math_model',
        llm_model: 'gpt-4o-mini',
        prompt_tokens: 100 + i,
        completion_tokens: 50,
        latency_ms: 1200,
        outcome: i === 205 ? 'error' : 'ok',
        error: i === 205 ? 'timed out' : null,
        created_at: `2030-01-01T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z`,
      });
    }
  });
  app = createDashboardApp({ database, config, requireToken: false });
}, 60_000);

afterAll(async () => {
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

const page = async (path: string, init?: RequestInit, on = app) => {
  const response = await on.request(path, init);
  const text = await response.text();
  return { response, text, document: parseHTML(text).document };
};
const api = async <T>(path: string): Promise<T> => {
  const response = await app.request(path);
  expect(response.status, path).toBe(200);
  expect(response.headers.get('content-type')).toContain('application/json');
  return (await response.json()) as T;
};
type Page = ReturnType<typeof parseHTML>['document'];
const rowKeys = (document: Page, table = 'table.ranking') =>
  [...document.querySelectorAll(`${table} tbody tr`)].map((tr) => tr.getAttribute('data-key'));

interface RankingJson {
  topN: number;
  total: number;
  initiatives: {
    key: string;
    rank: number | null;
    priority: number | null;
    framework: string | null;
    department: string | null;
    warnings: number;
  }[];
}

describe('the ranking', () => {
  it('lists every initiative on the Backlog in rank order, with its link, and when the data was synced', async () => {
    const { response, text, document } = await page('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const stored = await database.db
      .selectFrom('initiatives')
      .select(['initiative_key', 'rank'])
      .where('archived_at', 'is', null)
      .execute();
    const ranked = stored.filter((i) => i.rank !== null).sort((a, b) => a.rank! - b.rank!);
    const keys = rowKeys(document);
    expect(keys).toHaveLength(stored.length);
    expect(keys.slice(0, ranked.length)).toEqual(ranked.map((i) => i.initiative_key));
    const first = document.querySelector('table.ranking tbody tr a.initiative')!;
    expect(first.getAttribute('href')).toBe(`/initiatives/${ranked[0]!.initiative_key}`);
    expect(text).toContain('P(top 10)');
    expect(document.querySelector('header .sync')!.textContent).toContain(`run ${runTwo}`);
    // The simulated initiative has its P10–P90 bar.
    expect(document.querySelector(`tr[data-key="${modelKey}"] td.range svg`)).not.toBeNull();
    expect(document.querySelector(`tr[data-key="${modelKey}"] td.p-top-n`)!.textContent).toBe('93%');
  });

  it('sorts by a header link, either way, on the server', async () => {
    const { document } = await page('/');
    const link = document.querySelector('table.ranking th.title a.sort')!.getAttribute('href')!;
    expect(link).toBe('/?sort=title&dir=asc');
    const byTitle = await page(link);
    const titles = [...byTitle.document.querySelectorAll('table.ranking tbody td.title')].map(
      (td) => td.textContent!,
    );
    expect(titles).toEqual([...titles].sort((a, b) => a.localeCompare(b)));
    expect(byTitle.document.querySelector('th.title')!.getAttribute('aria-sort')).toBe('ascending');
    expect(byTitle.document.querySelector('th.title a.sort')!.getAttribute('href')).toBe(
      '/?sort=title&dir=desc',
    );

    const json = await api<RankingJson>('/api/ranking?sort=priority&dir=asc');
    const priorities = json.initiatives.map((i) => i.priority);
    const known = priorities.filter((p) => p !== null);
    expect(known).toEqual([...known].sort((a, b) => a! - b!));
    expect(priorities.slice(known.length).every((p) => p === null)).toBe(true);
  });

  it('filters by framework, department and warnings with a plain GET form', async () => {
    const { document } = await page('/');
    const form = document.querySelector('form.filters')!;
    expect(form.getAttribute('method')).toBe('get');
    expect(
      [...form.querySelectorAll('select[name="framework"] option')].map((o) => o.getAttribute('value')),
    ).toEqual(expect.arrayContaining(['', 'RICE', 'WSJF', 'MATH_MODEL']));
    const rice = await api<RankingJson>('/api/ranking?framework=RICE');
    expect(rice.initiatives.length).toBeGreaterThan(3);
    expect(rice.initiatives.every((i) => i.framework === 'RICE')).toBe(true);
    const growth = await api<RankingJson>('/api/ranking?department=Dashboard%20test');
    expect(growth.initiatives.map((i) => i.key)).toEqual(rice.initiatives.map((i) => i.key));
    const warned = await api<RankingJson>('/api/ranking?warnings=1');
    expect(warned.initiatives.map((i) => [i.key, i.warnings])).toEqual(
      expect.arrayContaining([
        ['INIT-000009', 1],
        ['INIT-000016', 1],
      ]),
    );
    expect(warned.initiatives.every((i) => i.warnings > 0)).toBe(true);
    const filtered = await page('/?framework=WSJF&warnings=0');
    expect(rowKeys(filtered.document).length).toBeGreaterThan(0);
    expect(
      filtered.document.querySelector('select[name="framework"] option[selected]')!.getAttribute('value'),
    ).toBe('WSJF');
  });

  it('says which parameter it does not understand (400)', async () => {
    const html = await page('/?sort=colour');
    expect(html.response.status).toBe(400);
    expect(html.text).toContain('sort must be one of');
    const json = await app.request('/api/ranking?dir=up');
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ error: "dir must be asc or desc (got 'up')" });
  });
});

describe('the other pages', () => {
  it('draws value against effort', async () => {
    const { response, document } = await page('/matrix');
    expect(response.status).toBe(200);
    expect(document.querySelector('figure.matrix svg')).not.toBeNull();
    const json = await api<{
      initiatives: { key: string; value: number; effort: number; valueLow?: number }[];
    }>('/api/matrix');
    expect(json.initiatives.length).toBeGreaterThan(10);
    expect(json.initiatives.find((i) => i.key === modelKey)).toMatchObject({
      valueLow: 100_000,
      valueHigh: 210_000,
    });
    expect(rowKeys(document, 'table.matrix')).toEqual(json.initiatives.map((i) => i.key));
  });

  it('ranks each initiative under every framework that scores it, ties sharing a rank', async () => {
    const { response, document } = await page('/frameworks');
    expect(response.status).toBe(200);
    expect(document.querySelector('figure.frameworks svg')).not.toBeNull();
    const json = await api<{
      frameworks: string[];
      rows: { key: string; ranks: Record<string, number | null> }[];
    }>('/api/frameworks');
    expect(json.frameworks).toEqual(['RICE', 'WSJF', 'MATH_MODEL']);
    const rice = await database.db
      .selectFrom('framework_scores')
      .select(['initiative_key', 'overall_score'])
      .where('framework', '=', 'RICE')
      .where('overall_score', 'is not', null)
      .execute();
    for (const score of rice) {
      const higher = rice.filter((s) => s.overall_score! > score.overall_score!).length;
      expect(json.rows.find((r) => r.key === score.initiative_key)!.ranks.RICE).toBe(higher + 1);
    }
  });

  it('groups the warnings by tab, with a link to the Google row or Tab!row', async () => {
    const { response, document } = await page('/warnings');
    expect(response.status).toBe(200);
    const tabs = [...document.querySelectorAll('section.tab')].map((s) => s.getAttribute('data-tab'));
    expect(tabs).toEqual(['Backlog', 'Scoring_Inputs', 'Params']);
    const google = document.querySelector('section[data-tab="Scoring_Inputs"] a.sheet')!;
    expect(google.getAttribute('href')).toBe(
      'https://docs.google.com/spreadsheets/d/abc/edit#gid=1&range=A10',
    );
    expect(document.querySelector('section[data-tab="Params"] .sheet')!.textContent).toBe('Params!53');
    expect(document.querySelector('section[data-tab="Params"] a.initiative')!.getAttribute('href')).toBe(
      '/initiatives/INIT-000016',
    );
    const json = await api<{ total: number; tabs: { tab: string }[] }>('/api/warnings');
    expect(json.total).toBe(3);
  });

  it('lists the LLM calls newest first, 200 per page', async () => {
    const first = await page('/llm-calls');
    expect(first.response.status).toBe(200);
    const rows = first.document.querySelectorAll('table.llm-calls tbody tr');
    expect(rows).toHaveLength(200);
    expect(rows[0]!.textContent).toContain('timed out');
    expect(first.document.querySelector('nav.pages a[rel="next"]')!.getAttribute('href')).toBe(
      '/llm-calls?page=2',
    );
    const second = await api<{
      page: number;
      pages: number;
      total: number;
      calls: { promptTokens: number }[];
    }>('/api/llm-calls?page=2');
    expect(second).toMatchObject({ page: 2, pages: 2, total: 205 });
    expect(second.calls.map((c) => c.promptTokens)).toEqual([105, 104, 103, 102, 101]);
    expect((await app.request('/api/llm-calls?page=0')).status).toBe(400);
    expect((await page('/llm-calls?page=x')).response.status).toBe(400);
  });

  it('reports the last sync', async () => {
    const status = await api<{
      lastSync: { run: number; command: string; finishedAt: string };
      topN: number;
    }>('/api/status');
    expect(status.lastSync).toMatchObject({
      run: runTwo,
      command: 'run',
      finishedAt: '2030-01-02T10:00:05.000Z',
    });
    expect(status.topN).toBe(10);
  });

  it('serves its stylesheet itself, and answers 404 for anything else', async () => {
    const css = await app.request('/assets/style.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(await css.text()).toContain('table');
    // Nothing is loaded from elsewhere, and nothing needs a script.
    for (const path of ['/', '/matrix', '/frameworks', `/initiatives/${modelKey}`]) {
      const { text } = await page(path);
      expect(text, path).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
      expect(text, path).not.toContain('<script');
    }
    expect((await app.request('/nowhere')).status).toBe(404);
    expect(await (await app.request('/api/nowhere')).json()).toEqual({ error: 'nothing at /api/nowhere' });
    const post = await app.request('/api/ranking', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('an initiative', () => {
  it('shows its formula, params, histogram, tornado and history', async () => {
    const { response, text, document } = await page(`/initiatives/${modelKey}`);
    expect(response.status).toBe(200);
    const formula = await database.db
      .selectFrom('math_models')
      .select('formula_text_final')
      .where('initiative_key', '=', modelKey)
      .executeTakeFirstOrThrow();
    const lines = [...document.querySelectorAll('ol.formula li code')].map((c) => c.textContent);
    expect(lines).toEqual(formula.formula_text_final.split('\n'));
    const params = [...document.querySelectorAll('table.params tbody tr')].map((tr) =>
      tr.getAttribute('data-param'),
    );
    expect(params).toEqual(expect.arrayContaining(['horizon_months']));
    expect(document.querySelector('table.params tr.shared')).not.toBeNull();
    expect(document.querySelector('figure.histogram svg')).not.toBeNull();
    expect(document.querySelector('figure.tornado svg')).not.toBeNull();
    expect(document.querySelector('figure.history svg')).not.toBeNull();
    expect(text).toContain('horizon_months (61%)');
    const json = await api<{ initiative: { history: { run: number; rank: number }[] }; changes: unknown[] }>(
      `/api/initiatives/${modelKey}`,
    );
    // What changed at the second run, from explain: the param and the rank.
    const why = document.querySelector('table.history ul.explanation')!;
    expect(why.textContent).toContain('horizon_months changed: 12 → 18');
    expect(why.textContent).toContain('Rank 3 → 1');
    expect(json.changes).toHaveLength(1);
    expect(json.initiative.history.map((p) => [p.run, p.rank])).toEqual([
      [1, 3],
      [runTwo, 1],
    ]);
  });

  it('marks a formula problem on its line', async () => {
    const { document } = await page('/initiatives/INIT-000021');
    const error = document.querySelector('ol.formula li.error')!;
    expect(error.getAttribute('data-line')).toBe('3');
    expect(error.querySelector('.problem')!.textContent).toContain('column 34: expected a number');
  });

  it('answers 404 for a key it does not know, as a page and as JSON', async () => {
    const html = await page('/initiatives/INIT-999999');
    expect(html.response.status).toBe(404);
    expect(html.text).toContain('no initiative &#39;INIT-999999&#39;');
    const json = await app.request('/api/initiatives/INIT-999999');
    expect(json.status).toBe(404);
    expect(((await json.json()) as { error: string }).error).toContain("no initiative 'INIT-999999'");
  });
});

describe('sheet text', () => {
  it('shows as text, never as markup', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    await database.db
      .updateTable('initiatives')
      .set({ title: evil })
      .where('initiative_key', '=', modelKey)
      .execute();
    try {
      for (const path of ['/', '/matrix', '/frameworks', `/initiatives/${modelKey}`]) {
        const { text, document } = await page(path);
        expect(text, path).toContain('&lt;img src=x onerror=alert(1)&gt;');
        expect(text, path).not.toContain('<img src=x');
        expect(document.querySelector('img'), path).toBeNull();
      }
    } finally {
      await database.db
        .updateTable('initiatives')
        .set({ title: 'Pricing page A/B test' })
        .where('initiative_key', '=', modelKey)
        .execute();
    }
  });
});

describe('the token', () => {
  const token = 's3cret token';
  const guarded = () => createDashboardApp({ database, config, token, requireToken: true });

  it('is required for every request, page, API and asset', async () => {
    const app = guarded();
    for (const path of ['/', '/api/ranking', '/assets/style.css', `/initiatives/${modelKey}`]) {
      const response = await app.request(path);
      expect(response.status, path).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
    }
    expect(await (await app.request('/api/status')).json()).toEqual({
      error: expect.stringContaining('token'),
    });
    expect((await app.request('/', { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await app.request('/?token=wrong')).status).toBe(401);
  });

  it('is accepted as a bearer header', async () => {
    const response = await guarded().request('/api/status', {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
  });

  it('from a ?token= link becomes a cookie, and the address loses it', async () => {
    const app = guarded();
    const link = await app.request(`/frameworks?token=${encodeURIComponent(token)}&x=1`);
    expect(link.status).toBe(303);
    expect(link.headers.get('location')).toBe('/frameworks?x=1');
    const cookie = link.headers.get('set-cookie')!;
    expect(cookie).toContain('HttpOnly');
    const next = await app.request('/', { headers: { Cookie: cookie.split(';')[0]! } });
    expect(next.status).toBe(200);
    // A script's ?token= is answered at once.
    expect((await app.request(`/api/status?token=${encodeURIComponent(token)}`)).status).toBe(200);
  });

  it('must be given when the app is reachable from other machines', () => {
    expect(() => createDashboardApp({ database, config, requireToken: true })).toThrow(/needs a token/);
  });

  it('without one, only requests addressed to the loopback name are answered', async () => {
    const local = createDashboardApp({ database, config, requireToken: false, allowedHosts: ['127.0.0.1'] });
    expect((await local.request('http://127.0.0.1:4310/api/status')).status).toBe(200);
    expect((await local.request('http://evil.example:4310/api/status')).status).toBe(403);
  });
});
