/**
 * What the actions API tests share: a report for executors that stand in for a run, a client for
 * `/api/runs` over any fetch (a real socket or `app.request`), and `productops serve` started the
 * way a person starts it, in-process, with the address it prints.
 */
import { expect } from 'vitest';
import { serveCommand } from '../../src/cli/commands/serve.js';
import type { GlobalOptions } from '../../src/cli/io.js';
import type { RunRequestView } from '../../src/dashboard/index.js';
import type { RunReport, RunWarning } from '../../src/flows/index.js';

/** A report as a finished run gives it, with `overrides`. */
export function report(overrides: Partial<RunReport> = {}): RunReport {
  return {
    ok: true,
    dryRun: false,
    steps: [{ name: 'backlog sync', rowsRead: 3, cellsWritten: 2, warnings: 0 }],
    warnings: [],
    ranking: [],
    notes: [],
    ...overrides,
  };
}

export const warning = (message: string): RunWarning => ({
  tab: 'Params',
  row: 7,
  column: 'value',
  key: 'INIT-000003/MATH_MODEL/aov',
  message,
});

export type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

/** Calls to `/api/runs` with the token (when given) as a script sends it. */
export function runsClient(fetchPath: Fetch, token?: string) {
  const auth: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetchPath('/api/runs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...auth, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = async (id: number): Promise<RunRequestView> => {
    const response = await fetchPath(`/api/runs/${id}`, { headers: auth });
    expect(response.status).toBe(200);
    return (await response.json()) as RunRequestView;
  };
  return {
    post,
    get,
    /** Queues a run and returns its id (202 expected). */
    async queue(body: unknown): Promise<number> {
      const response = await post(body);
      const json = (await response.json()) as { id: number; status: string; error?: string };
      expect(response.status, json.error).toBe(202);
      expect(json.status).toBe('queued');
      return json.id;
    },
    /** Polls until the request is done or failed (every 20 ms, up to `timeoutMs`). */
    async settled(id: number, timeoutMs = 30_000): Promise<RunRequestView> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const view = await get(id);
        if (view.status === 'done' || view.status === 'failed') return view;
        if (Date.now() > until)
          throw new Error(`run request ${id} still ${view.status} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

export interface ServedWorkspace {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  fetch: Fetch;
  /** What serve logged on stderr so far. */
  stderr: () => string;
  /** Stops serving (as Ctrl-C does) and gives the exit code. */
  stop(): Promise<number>;
}

/** `productops serve --port 0 [--token T]` in `cwd`, until `stop()`. */
export async function serveWorkspace(
  cwd: string,
  { token, env = {} }: { token?: string; env?: Record<string, string> } = {},
): Promise<ServedWorkspace> {
  const err: string[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  let done!: Promise<number>;
  const printed = new Promise<string>((resolve, reject) => {
    const options: GlobalOptions = {
      dryRun: false,
      json: false,
      logLevel: 'info',
      quiet: false,
      strict: false,
    };
    done = serveCommand(
      { port: '0', ...(token === undefined ? {} : { token }) },
      options,
      { stdout: resolve, stderr: (t) => err.push(t), isTty: false, cwd, env },
      () => stopped,
    );
    done.then(() => reject(new Error(`serve ended before printing its address: ${err.join('')}`)), reject);
  });
  const origin = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(await printed)![1]!;
  return {
    origin,
    fetch: (path, init) => fetch(`${origin}${path}`, init),
    stderr: () => err.join(''),
    stop: async () => {
      stop();
      return done;
    },
  };
}
