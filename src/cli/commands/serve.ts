/**
 * `productops serve [--port 4310] [--host H] [--token T] [--watch [--every 2m]]` (CLI.md): the
 * dashboard on the database, until Ctrl-C. It needs no workbook: it shows what the last run
 * remembered. With a token, `POST /api/runs` asks it for a run, which it does as the CLI command
 * would (runCommand). With --watch it also runs, through the same queue, when a workbook changed.
 */
import { existsSync } from 'node:fs';
import {
  type ActionExecutor,
  assertServeAccess,
  type DashboardServer,
  DEFAULT_HOST,
  DEFAULT_PORT,
  flowsOf,
  startDashboardServer,
} from '../../dashboard/index.js';
import { createDatabase, type Database, loadRunRequest, localDatabaseFile } from '../../db/index.js';
import { DatabaseError, ProductOpsError, UsageError } from '../../shared/errors.js';
import { DEFAULT_EVERY, parseEvery, type WorkbookWatch } from '../../watch/index.js';
import { type CliIo, EXIT, type GlobalOptions, untilInterrupted } from '../io.js';
import { cliLogger, runCommand } from './flows.js';
import { startWatching } from './watch.js';
import { workspaceConfig } from './workspace.js';

export interface ServeOptions {
  port?: string;
  host?: string;
  token?: string;
  /** Also run whenever a workbook changed, as `productops watch --every` does, through the run queue. */
  watch?: boolean;
  every?: string;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new UsageError(
      `--port must be a port number from 1 to 65535, or 0 for any free port (got '${text}')`,
    );
  }
  return port;
}

/**
 * Runs an actions API request as `productops <command>` would, reading the config afresh each
 * time, but on the server's own database connection (openWorkspace says why). Its log lines go to
 * the server's stderr; the summary it would print is the request's, so nothing goes to stdout.
 */
export function createRunExecutor(database: Database, options: GlobalOptions, io: CliIo): ActionExecutor {
  const runIo: CliIo = { ...io, stdout: () => {}, isTty: false };
  const runOptions: GlobalOptions = { ...options, json: false };
  return async ({ command, keys, force }) => {
    const llmOptions = { force, ...(keys ? { onlyKeys: keys } : {}) };
    return (await runCommand(command, flowsOf(command), runOptions, runIo, 0, llmOptions, [], database))
      .report;
  };
}

/**
 * What a settled change does under `serve --watch`: a `run` queued behind the requests from the
 * sheet (one run at a time), awaited to its end; a run that failed throws, so the watcher retries.
 */
function queuedRun(server: DashboardServer, database: Database): () => Promise<void> {
  return async () => {
    const actions = server.actions!;
    const queued = await actions.enqueue({
      command: 'run',
      keys: null,
      force: false,
      requestedBy: 'productops serve --watch',
    });
    if (!queued.ok) throw new ProductOpsError(queued.message);
    await actions.idle();
    const done = await loadRunRequest(database, queued.request.id);
    if (done?.status === 'failed') throw new ProductOpsError(done.error ?? 'the run failed');
  };
}

/** `stopped`: when to stop serving; Ctrl-C by default (tests pass their own). */
export async function serveCommand(
  opts: ServeOptions,
  options: GlobalOptions,
  io: CliIo,
  stopped: () => Promise<void> = untilInterrupted,
): Promise<number> {
  const port = parsePort(opts.port);
  if (opts.every !== undefined && !opts.watch) throw new UsageError('--every goes with --watch');
  const every = opts.watch ? parseEvery(opts.every ?? DEFAULT_EVERY) : null;
  const host = opts.host ?? DEFAULT_HOST;
  // An empty PRODUCTOPS_TOKEN is as good as none; an empty --token is a mistake to report.
  const token = opts.token ?? (io.env.PRODUCTOPS_TOKEN || undefined);
  assertServeAccess(host, token);

  const config = workspaceConfig(options, io);
  const file = localDatabaseFile(config.database.url, config.baseDir);
  if (file !== null && !existsSync(file)) {
    throw new DatabaseError(
      `there is no database at ${file} yet: run 'productops run' (or 'productops demo') first, so the dashboard has something to show`,
    );
  }
  const database = await createDatabase(config.database.url, { baseDir: config.baseDir });
  try {
    const server = await startDashboardServer({
      database,
      config,
      host,
      port,
      ...(token === undefined ? {} : { token }),
      executor: createRunExecutor(database, options, io),
      logger: cliLogger(options, io),
    });
    if (options.json) io.stdout(`${JSON.stringify({ url: server.url })}\n`);
    else io.stdout(`The dashboard is at ${server.url} (Ctrl-C to stop)\n`);
    let watch: WorkbookWatch | null = null;
    try {
      if (every !== null)
        watch = await startWatching(config, every, options, io, queuedRun(server, database));
      await stopped();
    } finally {
      await watch?.stop();
      await server.close();
    }
    return EXIT.ok;
  } finally {
    await database.close();
  }
}
