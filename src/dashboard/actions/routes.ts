/**
 * The actions API, mounted at `/api/runs` beside the dashboard's read-only pages:
 *
 * - `POST /api/runs` `{ command, keys?, force?, requestedBy? }` queues a run: 202 `{ id, status }`.
 * - `GET /api/runs/:id` where it stands: `queued`, `running`, `done` (with the summary and the
 *   warnings) or `failed` (with the error).
 * - `GET /api/runs` the latest requests, newest first, without their warnings.
 *
 * Reading follows the dashboard's rules (access.ts, applied to every route before these). Asking
 * for a run always needs the token, on loopback too: a server started without one answers 403.
 * The body must be JSON sent as `application/json`, which a web page on another origin cannot send
 * without a CORS preflight this server never approves; so a browser holding the dashboard's cookie
 * cannot be made to ask for runs by another site. The spreadsheet menu calls from Google's servers
 * (UrlFetchApp), not from a browser, and needs no CORS either.
 */
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type Database, loadRecentRunRequests, loadRunRequest, type RunRequestRow } from '../../db/index.js';
import type { RunWarning } from '../../flows/index.js';
import type { ActionQueue, RunRequestSummary } from './queue.js';
import { parseRunRequestBody } from './request-body.js';

/** How many requests `GET /api/runs` lists. */
export const RECENT_RUN_REQUESTS = 50;

/** A request as the API shows it. */
export interface RunRequestView {
  id: number;
  command: string;
  /** The selected initiatives; null for every row. */
  keys: string[] | null;
  force: boolean;
  requestedBy: string | null;
  status: RunRequestRow['status'];
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The `runs` row the run wrote (the dashboard's last sync); null until then or when none. */
  runId: number | null;
  /** Once done: steps, notes and counts. */
  summary: RunRequestSummary | null;
  /** Once done: the run's warnings, located where a person fixes them. */
  warnings: RunWarning[];
  /** Once failed: why. */
  error: string | null;
}

export function runRequestView(row: RunRequestRow): RunRequestView {
  const parsed = <T>(json: string | null): T | null => (json === null ? null : (JSON.parse(json) as T));
  return {
    id: row.id,
    command: row.command,
    keys: parsed<string[]>(row.keys_json),
    force: row.force === 1,
    requestedBy: row.requested_by,
    status: row.status,
    queuedAt: row.queued_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    runId: row.run_id,
    summary: parsed<RunRequestSummary>(row.summary_json),
    warnings: parsed<RunWarning[]>(row.warnings_json) ?? [],
    error: row.error,
  };
}

export interface ActionRoutesOptions {
  database: Database;
  queue: ActionQueue;
  /** False when the server has no token: every POST then answers 403. */
  writable: boolean;
}

const NO_TOKEN =
  'Running from outside needs a token: start productops serve with --token TOKEN (or set PRODUCTOPS_TOKEN), then send it as Authorization: Bearer TOKEN.';

const problem = (c: Context, status: ContentfulStatusCode, message: string) =>
  c.json({ error: message }, status);

/** Ids as the database assigns them: a whole number from 1. */
const parseId = (text: string) => (/^[1-9]\d{0,14}$/.test(text) ? Number(text) : null);

export function createActionRoutes({ database, queue, writable }: ActionRoutesOptions): Hono {
  const routes = new Hono();

  routes.post('/', async (c) => {
    if (!writable) return problem(c, 403, NO_TOKEN);
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      return problem(c, 415, 'send the body as JSON, with Content-Type: application/json');
    }
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch (e) {
      return problem(c, 400, `the body is not valid JSON: ${(e as Error).message}`);
    }
    const parsed = parseRunRequestBody(body);
    if (!parsed.ok) return problem(c, 400, parsed.message);
    const queued = await queue.enqueue(parsed.value);
    if (!queued.ok) return problem(c, queued.reason === 'full' ? 429 : 503, queued.message);
    const { id, status } = queued.request;
    c.header('Location', `/api/runs/${id}`);
    return c.json({ id, status }, 202);
  });

  routes.get('/', async (c) => {
    const rows = await loadRecentRunRequests(database, RECENT_RUN_REQUESTS);
    return c.json({
      runs: rows.map((row) => {
        const { warnings: _left, ...view } = runRequestView(row);
        return view;
      }),
    });
  });

  routes.get('/:id', async (c) => {
    const text = c.req.param('id');
    const id = parseId(text);
    if (id === null) return problem(c, 400, `a run request id is a whole number from 1 (got '${text}')`);
    const row = await loadRunRequest(database, id);
    if (!row) return problem(c, 404, `no run request ${id}`);
    return c.json(runRequestView(row));
  });

  const notAllowed = (allow: string) => (c: Context) => {
    c.header('Allow', allow);
    return problem(c, 405, `${c.req.method} is not supported here (${allow})`);
  };
  routes.all('/', notAllowed('GET, HEAD, POST'));
  routes.all('/:id', notAllowed('GET, HEAD'));
  return routes;
}
