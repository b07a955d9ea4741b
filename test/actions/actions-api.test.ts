/**
 * The actions API through `app.request()`, with an executor that stands in for the run so each
 * case controls when a run ends and how: queueing, order, one run at a time, what a request
 * reports, a run that crashes, the token rules, every bad request, and what a restart leaves.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/config/index.js';
import type { ActionRequest } from '../../src/dashboard/actions/index.js';
import {
  type ActionExecutor,
  type ActionQueue,
  createActionQueue,
  createDashboardApp,
  startDashboardServer,
} from '../../src/dashboard/index.js';
import { createDatabase, type Database, insertRunRequest, loadRunRequest } from '../../src/db/index.js';
import type { RunReport } from '../../src/flows/index.js';
import { WorkbookError } from '../../src/shared/errors.js';
import { createLogger } from '../../src/shared/logging.js';
import { type Fetch, report, runsClient, warning } from './helpers.js';

const TOKEN = 'menu-token-1234';
const config: Config = loadConfig({ cwd: '/nonexistent', env: {} });
let database: Database;
let queue: ActionQueue | undefined;
/** What the queue logged. */
let log: string[] = [];

beforeEach(async () => {
  log = [];
  database = await createDatabase('sqlite::memory:');
});
afterEach(async () => {
  await queue?.close();
  queue = undefined;
  await database.close();
});

/** An executor whose runs each wait for `release()`, recording what they were asked and how many ran at once. */
function gatedExecutor(outcome: (request: ActionRequest, n: number) => RunReport | Error = () => report()) {
  const calls: ActionRequest[] = [];
  const gates: (() => void)[] = [];
  let active = 0;
  let mostAtOnce = 0;
  let started!: () => void;
  let nextStart = new Promise<void>((resolve) => {
    started = resolve;
  });
  const executor: ActionExecutor = async (request) => {
    const n = calls.push(request);
    active += 1;
    mostAtOnce = Math.max(mostAtOnce, active);
    const gate = new Promise<void>((resolve) => gates.push(resolve));
    started();
    await gate;
    active -= 1;
    const result = outcome(request, n);
    if (result instanceof Error) throw result;
    return result;
  };
  return {
    executor,
    calls,
    mostAtOnce: () => mostAtOnce,
    /** Resolves once the next run has started. */
    async started(): Promise<void> {
      await nextStart;
      nextStart = new Promise<void>((resolve) => {
        started = resolve;
      });
    },
    /** Lets the oldest waiting run end. */
    release(): void {
      gates.shift()!();
    },
  };
}

async function serve(
  executor: ActionExecutor,
  { token, maxWaiting = 20 }: { token?: string | null; maxWaiting?: number } = {},
) {
  // null: a server started without a token.
  const given = token === null ? undefined : (token ?? TOKEN);
  queue = createActionQueue({
    database,
    executor,
    maxWaiting,
    logger: createLogger('info', (line) => log.push(line)),
  });
  await queue.start();
  const app = createDashboardApp({
    database,
    config,
    requireToken: false,
    actions: queue,
    ...(given === undefined ? {} : { token: given }),
  });
  const fetchPath: Fetch = async (path, init) => app.request(path, init);
  return { fetchPath, client: runsClient(fetchPath, given), queue };
}

describe('queueing and running', () => {
  it('answers 202 with an id, runs one at a time in the order asked, and reports each', async () => {
    const gated = gatedExecutor((request, n) =>
      report({
        runId: 40 + n,
        notes: [`${request.command} done`],
        warnings: n === 2 ? [warning('value: <b>n/a</b> is not a number')] : [],
        ranking: [],
      }),
    );
    const { client, fetchPath } = await serve(gated.executor);
    const posted = await client.post({ command: 'run', requestedBy: 'ana@example.com' });
    expect(posted.status).toBe(202);
    const first = (await posted.json()) as { id: number; status: string };
    expect(first.status).toBe('queued');
    expect(posted.headers.get('location')).toBe(`/api/runs/${first.id}`);
    await gated.started();
    const second = await client.queue({
      command: 'models suggest',
      keys: ['INIT-000002', 'INIT-000001', 'INIT-000002'],
      force: true,
      requestedBy: 'bo@example.com',
    });
    const third = await client.queue({ command: 'params seed', keys: ['INIT-000003'] });
    expect([second, third]).toEqual([first.id + 1, first.id + 2]);

    expect((await client.get(first.id)).status).toBe('running');
    expect((await client.get(second)).status).toBe('queued');
    expect((await client.get(third)).status).toBe('queued');

    gated.release();
    await gated.started();
    expect((await client.get(first.id)).status).toBe('done');
    expect((await client.get(second)).status).toBe('running');
    expect((await client.get(third)).status).toBe('queued');
    gated.release();
    await gated.started();
    gated.release();
    await queue!.idle();

    expect(gated.calls).toEqual([
      { command: 'run', keys: null, force: false },
      { command: 'models suggest', keys: ['INIT-000002', 'INIT-000001'], force: true },
      { command: 'params seed', keys: ['INIT-000003'], force: false },
    ]);
    expect(gated.mostAtOnce()).toBe(1);

    const done = await client.get(second);
    expect(done).toMatchObject({
      id: second,
      command: 'models suggest',
      keys: ['INIT-000002', 'INIT-000001'],
      force: true,
      requestedBy: 'bo@example.com',
      status: 'done',
      runId: 42,
      error: null,
      summary: {
        dryRun: false,
        steps: [{ name: 'backlog sync', rowsRead: 3, cellsWritten: 2, warnings: 0 }],
        notes: ['models suggest done'],
        ranked: 0,
        warnings: 1,
      },
      warnings: [warning('value: <b>n/a</b> is not a number')],
    });
    expect(done.queuedAt <= done.startedAt! && done.startedAt! <= done.finishedAt!).toBe(true);

    const list = await fetchPath('/api/runs', { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(list.status).toBe(200);
    const { runs } = (await list.json()) as { runs: Record<string, unknown>[] };
    expect(runs.map((r) => r.id)).toEqual([third, second, first.id]);
    expect(runs.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    expect(runs[2]).toMatchObject({ command: 'run', requestedBy: 'ana@example.com', keys: null, runId: 41 });
    expect(runs[0]).not.toHaveProperty('warnings');
  });

  it('runs a whole run even when rows were selected, and says so', async () => {
    const gated = gatedExecutor();
    const { client } = await serve(gated.executor);
    const id = await client.queue({ command: 'run', keys: ['INIT-000001'] });
    await gated.started();
    gated.release();
    const done = await client.settled(id);
    expect(gated.calls).toEqual([{ command: 'run', keys: null, force: false }]);
    expect(done.keys).toEqual(['INIT-000001']);
    expect(done.summary!.notes).toEqual([
      'The selected rows were not used: run covers every row (only models suggest and params seed work on selected rows).',
    ]);
  });

  it('marks a run that crashes as failed with its message, and runs the next one', async () => {
    const gated = gatedExecutor((_request, n) =>
      n === 1
        ? new WorkbookError('the workbook productops.xlsx is open in another program; close it and run again')
        : n === 2
          ? new TypeError("Cannot read properties of undefined (reading 'rows')")
          : report({ runId: 7 }),
    );
    const { client } = await serve(gated.executor);
    const crashing = await client.queue({ command: 'run', requestedBy: 'ana@example.com' });
    const broken = await client.queue({ command: 'scoring compute' });
    const next = await client.queue({ command: 'backlog sync' });
    for (let i = 0; i < 3; i++) {
      await gated.started();
      gated.release();
    }
    expect(await client.settled(crashing)).toMatchObject({
      status: 'failed',
      error: 'the workbook productops.xlsx is open in another program; close it and run again',
      summary: null,
      runId: null,
    });
    expect((await client.settled(broken)).error).toBe(
      "unexpected error: Cannot read properties of undefined (reading 'rows')",
    );
    expect(await client.settled(next)).toMatchObject({ status: 'done', runId: 7, error: null });
    expect(log.filter((line) => line.startsWith('error:'))).toEqual([
      `error: run request ${crashing} (run) failed: the workbook productops.xlsx is open in another program; close it and run again\n`,
      `error: run request ${broken} (scoring compute) failed: unexpected error: Cannot read properties of undefined (reading 'rows')\n`,
    ]);
    expect(log[0]).toBe(`info: run request ${crashing} (run, asked by ana@example.com): running\n`);
  });

  it('takes at most maxWaiting waiting requests (429), and more once they have run', async () => {
    const gated = gatedExecutor();
    const { client } = await serve(gated.executor, { maxWaiting: 2 });
    await client.queue({ command: 'run' });
    await gated.started();
    await client.queue({ command: 'run' });
    await client.queue({ command: 'run' });
    const full = await client.post({ command: 'run' });
    expect(full.status).toBe(429);
    expect(await full.json()).toEqual({ error: '2 runs are already waiting; ask again once they have run' });
    gated.release();
    await gated.started();
    expect((await client.post({ command: 'run' })).status).toBe(202);
    gated.release();
    await gated.started();
    gated.release();
    await gated.started();
    gated.release();
    await queue!.idle();
  });
});

describe('who may ask', () => {
  it('wants the token: 401 without it or with a wrong one, in JSON', async () => {
    const { fetchPath } = await serve(gatedExecutor().executor);
    for (const headers of [{}, { Authorization: 'Bearer wrong' }] as Record<string, string>[]) {
      const response = await fetchPath('/api/runs', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: '{"command":"run"}',
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="productops"');
      expect(((await response.json()) as { error: string }).error).toContain(
        'send Authorization: Bearer TOKEN',
      );
    }
    expect((await fetchPath('/api/runs/1')).status).toBe(401);
    expect(await database.db.selectFrom('run_requests').selectAll().execute()).toEqual([]);
  });

  it('answers 403 when the server has no token, on loopback too, and still lists runs', async () => {
    const { client, fetchPath } = await serve(gatedExecutor().executor, { token: null });
    const response = await client.post({ command: 'run' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error:
        'Running from outside needs a token: start productops serve with --token TOKEN (or set PRODUCTOPS_TOKEN), then send it as Authorization: Bearer TOKEN.',
    });
    expect(await (await fetchPath('/api/runs')).json()).toEqual({ runs: [] });
  });

  it('does not take the body as a form or text, which a page of another site could send', async () => {
    const { client } = await serve(gatedExecutor().executor);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      const response = await client.post('{"command":"run"}', { 'Content-Type': type });
      expect(response.status, type).toBe(415);
      expect(await response.json()).toEqual({
        error: 'send the body as JSON, with Content-Type: application/json',
      });
    }
  });
});

describe('bad requests get a 400 that says what to change', () => {
  const commands =
    "'run', 'backlog sync', 'scoring sync', 'models sync', 'models suggest', 'params seed', 'params sync', 'scoring compute', 'scoring activate', 'scoring write'";
  it.each([
    ['{"command":', 'the body is not valid JSON: '],
    ['[]', 'the body must be a JSON object such as { "command": "run" }'],
    ['null', 'the body must be a JSON object such as { "command": "run" }'],
    ['{}', `command is missing: give one of ${commands}`],
    ['{"command":"init"}', `command must be one of ${commands} (got "init")`],
    ['{"command":"serve"}', `command must be one of ${commands} (got "serve")`],
    ['{"command":7}', `command must be one of ${commands} (got 7)`],
    [
      '{"command":"models suggest","keys":[]}',
      'keys is empty: leave it out to cover every row, or list the initiative keys of the rows',
    ],
    [
      '{"command":"params seed","keys":"INIT-000001"}',
      'keys must be a list of initiative keys, such as ["INIT-000001"]',
    ],
    ['{"command":"params seed","keys":[1]}', 'keys must hold initiative keys as text, such as "INIT-000001"'],
    ['{"command":"params seed","keys":["  "]}', 'keys cannot hold an empty key'],
    ['{"command":"run","force":"yes"}', 'force must be true or false'],
    ['{"command":"run","requestedBy":42}', 'requestedBy must be text (an e-mail address)'],
    [
      '{"command":"run","user":"ana@example.com"}',
      "unknown field 'user': the fields are command, keys, force and requestedBy",
    ],
  ])('%s', async (body, message) => {
    const { client } = await serve(gatedExecutor().executor);
    const response = await client.post(body);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: string };
    if (message.endsWith(': ')) expect(error.startsWith(message)).toBe(true);
    else expect(error).toBe(message);
    expect(await database.db.selectFrom('run_requests').selectAll().execute()).toEqual([]);
  });

  it('caps the number of keys', async () => {
    const { client } = await serve(gatedExecutor().executor);
    const keys = Array.from({ length: 5_001 }, (_, i) => `INIT-${i}`);
    const response = await client.post({ command: 'params seed', keys });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'keys may list at most 5000 initiatives' });
  });

  it('names an id that is not one (400), one that does not exist (404), and a method it does not take (405)', async () => {
    const { fetchPath } = await serve(gatedExecutor().executor);
    const auth = { headers: { Authorization: `Bearer ${TOKEN}` } };
    const bad = await fetchPath('/api/runs/latest', auth);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "a run request id is a whole number from 1 (got 'latest')" });
    const missing = await fetchPath('/api/runs/999', auth);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no run request 999' });
    const del = await fetchPath('/api/runs/1', { ...auth, method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, HEAD');
    const put = await fetchPath('/api/runs', { ...auth, method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
  });
});

describe('what outlives the server', () => {
  it('fails the requests an earlier server left queued or running, at start', async () => {
    const left = {
      keys_json: null,
      force: 0,
      requested_by: null,
      queued_at: '2026-01-05T09:00:00.000Z',
      started_at: null,
      finished_at: null,
      run_id: null,
      summary_json: null,
      warnings_json: null,
      error: null,
    };
    const running = await insertRunRequest(database, { ...left, command: 'run', status: 'running' });
    const waiting = await insertRunRequest(database, { ...left, command: 'params seed', status: 'queued' });
    const finished = await insertRunRequest(database, { ...left, command: 'run', status: 'done' });
    const { client } = await serve(gatedExecutor().executor);
    expect(await client.get(running)).toMatchObject({
      status: 'failed',
      error: 'the server stopped while it ran; see the sheets for what it wrote',
    });
    expect(await client.get(waiting)).toMatchObject({
      status: 'failed',
      error: 'the server stopped before it ran',
    });
    expect((await client.get(waiting)).finishedAt).not.toBeNull();
    expect((await client.get(finished)).status).toBe('done');
  });

  it('leaves them alone when it cannot listen: the port is another server’s', async () => {
    const executor = gatedExecutor().executor;
    const first = await startDashboardServer({ database, config, port: 0, token: TOKEN, executor });
    try {
      const waiting = await insertRunRequest(database, {
        command: 'run',
        keys_json: null,
        force: 0,
        requested_by: null,
        status: 'queued',
        queued_at: '2026-01-05T09:00:00.000Z',
        started_at: null,
        finished_at: null,
        run_id: null,
        summary_json: null,
        warnings_json: null,
        error: null,
      });
      await expect(
        startDashboardServer({ database, config, port: first.port, token: TOKEN, executor }),
      ).rejects.toThrow('the port is in use');
      expect((await loadRunRequest(database, waiting))!.status).toBe('queued');
    } finally {
      await first.close();
    }
  });

  it('on close, fails what waits, lets the running one finish, and takes no more', async () => {
    const gated = gatedExecutor();
    const { client } = await serve(gated.executor);
    const running = await client.queue({ command: 'run' });
    await gated.started();
    const waiting = await client.queue({ command: 'run' });
    const closed = queue!.close();
    expect((await loadRunRequest(database, running))!.status).toBe('running');
    const refused = await client.post({ command: 'run' });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ error: 'the server is stopping; ask again once it is back' });
    gated.release();
    await closed;
    expect(log).toEqual([
      `info: run request ${running} (run): running\n`,
      `info: stopping once run request ${running} (run) has finished\n`,
      `info: run request ${running} (run): done, 0 warning(s)\n`,
    ]);
    expect((await client.get(running)).status).toBe('done');
    expect(await client.get(waiting)).toMatchObject({
      status: 'failed',
      error: 'the server stopped before it ran',
    });
    expect(gated.calls).toHaveLength(1);
  });
});
