/**
 * The dashboard as a Hono app: read-only pages and, beside each, a JSON API with the same data.
 * It only reads the database, so it answers while Google or the workbooks are unreachable. The
 * app knows nothing of sockets: server.ts listens, and tests call `app.request()` in-process.
 *
 * Routes (GET only): `/` + `/api/ranking`, `/matrix` + `/api/matrix`, `/frameworks` +
 * `/api/frameworks`, `/initiatives/:key` + `/api/initiatives/:key`, `/warnings` + `/api/warnings`,
 * `/llm-calls` + `/api/llm-calls`, `/api/status`, and `/assets/style.css`. With an action queue,
 * also the actions API under `/api/runs` (actions/routes.ts), the one place that asks for writes.
 */
import { Hono } from 'hono';
import type { Config } from '../config/index.js';
import type { Database } from '../db/index.js';
import { type Explanation, explainHistory } from '../explain/index.js';
import { UsageError } from '../shared/errors.js';
import { accessControl } from './access.js';
import { type ActionQueue, createActionRoutes } from './actions/index.js';
import {
  type DashboardStatus,
  type InitiativeDetail,
  loadFrameworks,
  loadInitiative,
  loadLlmCalls,
  loadMatrix,
  loadRankingRows,
  loadStatus,
  loadWarnings,
} from './data.js';
import type { Html } from './html.js';
import { frameworksPage } from './pages/frameworks.js';
import { initiativePage } from './pages/initiative.js';
import { messagePage } from './pages/layout.js';
import { llmCallsPage } from './pages/llm-calls.js';
import { matrixPage } from './pages/matrix.js';
import { priorityDomain, type RankingView, rankingPage } from './pages/ranking.js';
import { warningsPage } from './pages/warnings.js';
import { applyRankingQuery, parseRankingQuery } from './ranking-query.js';
import { DASHBOARD_CSS } from './style.js';

export interface DashboardOptions {
  database: Database;
  /** For `uncertainty.topN` (the N of P(top N)) and the tab names, to order the warnings. */
  config: Config;
  /** When set, every request must carry it (access.ts); required when `requireToken`. */
  token?: string;
  /**
   * True when the app is reachable from other machines (a non-loopback address): creating it
   * without a token is then refused, since anyone on the network could read the backlog.
   */
  requireToken: boolean;
  /** Host names the Host header may carry; any when not given (access.ts: DNS rebinding). */
  allowedHosts?: readonly string[];
  /** Runs asked for through `/api/runs`; without it, that API is not there. */
  actions?: ActionQueue;
}

/**
 * Headers on every response. The content security policy allows nothing from elsewhere and no
 * script at all (the pages need none), so even markup that slipped past escaping could not run;
 * inline styles stay allowed because the charts' SVG carries its own.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

const isApi = (path: string) => path.startsWith('/api/');

type Status = 200 | 400 | 401 | 403 | 404 | 405 | 500;

export function createDashboardApp(options: DashboardOptions): Hono {
  const { database, config } = options;
  if (options.token === '') throw new UsageError('the dashboard token is empty');
  if (options.requireToken && options.token === undefined) {
    throw new UsageError('the dashboard is reachable from other machines, so it needs a token');
  }
  const topN = config.uncertainty.topN;
  const app = new Hono();

  // Bodies as bytes, not strings: a Response re-checks a string body character by character,
  // which costs more than encoding it for a ranking of thousands of rows.
  const encoder = new TextEncoder();
  const htmlResponse = (page: Html, status: Status = 200) =>
    new Response(encoder.encode(page.value), {
      status,
      headers: { 'Content-Type': 'text/html; charset=utf-8' },
    });
  const jsonResponse = (body: unknown, status: Status = 200) =>
    new Response(encoder.encode(JSON.stringify(body)), {
      status,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
  /** An error as the client asked for it: JSON under /api/, a page elsewhere. */
  const problem = (
    path: string,
    status: Exclude<Status, 200>,
    title: string,
    message: string,
    pageStatus: DashboardStatus | null = null,
  ) =>
    isApi(path)
      ? jsonResponse({ error: message }, status)
      : htmlResponse(messagePage(pageStatus, title, message), status);

  app.use(async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  });
  app.use(
    accessControl(
      {
        ...(options.token === undefined ? {} : { token: options.token }),
        ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
      },
      (reason, api) => {
        const path = api ? '/api/' : '/';
        if (reason === 'host') {
          return problem(
            path,
            403,
            'Forbidden',
            'This dashboard answers only at the address productops serve printed.',
          );
        }
        const response = problem(
          path,
          401,
          'Token required',
          'This dashboard needs its token: open the link productops serve printed (with ?token=), or send Authorization: Bearer TOKEN.',
        );
        response.headers.set('WWW-Authenticate', 'Bearer realm="productops"');
        return response;
      },
    ),
  );

  if (options.actions) {
    app.route(
      '/api/runs',
      createActionRoutes({ database, queue: options.actions, writable: options.token !== undefined }),
    );
  }

  app.get(
    '/assets/style.css',
    () => new Response(DASHBOARD_CSS, { headers: { 'Content-Type': 'text/css; charset=utf-8' } }),
  );

  const rankingView = async (get: (name: string) => string | undefined) => {
    const query = parseRankingQuery(get);
    if (!query.ok) return query;
    const rows = await loadRankingRows(database);
    const distinct = (values: (string | null)[]) =>
      [...new Set(values.filter((v): v is string => v !== null && v !== ''))].sort((a, b) =>
        a.localeCompare(b),
      );
    const view: RankingView = {
      topN,
      query: query.value,
      total: rows.length,
      frameworks: distinct(rows.map((r) => r.framework)),
      departments: distinct(rows.map((r) => r.department)),
      priorityDomain: priorityDomain(rows),
      initiatives: applyRankingQuery(rows, query.value),
    };
    return { ok: true as const, value: view };
  };

  app.get('/', async (c) => {
    const [view, status] = await Promise.all([rankingView((n) => c.req.query(n)), loadStatus(database)]);
    if (!view.ok) return problem(c.req.path, 400, 'Bad request', view.message, status);
    return htmlResponse(rankingPage(view.value, status));
  });
  app.get('/api/ranking', async (c) => {
    const view = await rankingView((n) => c.req.query(n));
    return view.ok ? jsonResponse(view.value) : problem(c.req.path, 400, 'Bad request', view.message);
  });

  app.get('/matrix', async () => {
    const [items, status] = await Promise.all([loadMatrix(database), loadStatus(database)]);
    return htmlResponse(matrixPage(items, status));
  });
  app.get('/api/matrix', async () => jsonResponse({ initiatives: await loadMatrix(database) }));

  app.get('/frameworks', async () => {
    const [view, status] = await Promise.all([loadFrameworks(database), loadStatus(database)]);
    return htmlResponse(frameworksPage(view, status));
  });
  app.get('/api/frameworks', async () => jsonResponse(await loadFrameworks(database)));

  /**
   * What changed at each step of the history, from explain. A change needs two runs to compare:
   * with one point of history (most initiatives after their first run) there is nothing to read.
   */
  const changesOf = async (initiative: InitiativeDetail): Promise<Explanation[]> =>
    initiative.history.length < 2 ? [] : explainHistory(database, initiative.key);
  const unknownKey = (key: string) => `no initiative '${key}' in the database (keys look like INIT-000001)`;
  app.get('/initiatives/:key', async (c) => {
    const key = c.req.param('key');
    const [initiative, status] = await Promise.all([loadInitiative(database, key), loadStatus(database)]);
    if (!initiative) return problem(c.req.path, 404, 'Not found', unknownKey(key), status);
    return htmlResponse(initiativePage(initiative, await changesOf(initiative), topN, status));
  });
  app.get('/api/initiatives/:key', async (c) => {
    const key = c.req.param('key');
    const initiative = await loadInitiative(database, key);
    if (!initiative) return problem(c.req.path, 404, 'Not found', unknownKey(key));
    return jsonResponse({ topN, initiative, changes: await changesOf(initiative) });
  });

  app.get('/warnings', async () => {
    const [view, status] = await Promise.all([loadWarnings(database, config), loadStatus(database)]);
    return htmlResponse(warningsPage(view, status));
  });
  app.get('/api/warnings', async () => jsonResponse(await loadWarnings(database, config)));

  const page = (text: string | undefined) => {
    if (text === undefined || text === '') return 1;
    return /^[1-9]\d{0,8}$/.test(text) ? Number(text) : null;
  };
  const badPage = (text: string | undefined) => `page must be a whole number from 1 (got '${text}')`;
  app.get('/llm-calls', async (c) => {
    const status = await loadStatus(database);
    const n = page(c.req.query('page'));
    if (n === null) return problem(c.req.path, 400, 'Bad request', badPage(c.req.query('page')), status);
    return htmlResponse(llmCallsPage(await loadLlmCalls(database, n), status));
  });
  app.get('/api/llm-calls', async (c) => {
    const n = page(c.req.query('page'));
    if (n === null) return problem(c.req.path, 400, 'Bad request', badPage(c.req.query('page')));
    return jsonResponse(await loadLlmCalls(database, n));
  });

  app.get('/api/status', async () => jsonResponse({ ...(await loadStatus(database)), topN }));

  app.notFound((c) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const response = problem(
        c.req.path,
        405,
        'Not allowed',
        `the dashboard only reads: ${c.req.method} is not supported`,
      );
      response.headers.set('Allow', 'GET, HEAD');
      return response;
    }
    return problem(c.req.path, 404, 'Not found', `nothing at ${c.req.path}`);
  });
  app.onError((error, c) =>
    // A failing query is a DatabaseError whose message names the database, password masked.
    problem(
      c.req.path,
      500,
      'Something went wrong',
      `The dashboard could not read the database: ${error.message}`,
    ),
  );
  return app;
}
