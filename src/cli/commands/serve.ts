/**
 * `productops serve [--port 4310] [--host H] [--token T]` (CLI.md): the read-only dashboard on
 * the database, until Ctrl-C. It needs no workbook: it shows what the last run remembered.
 */
import { existsSync } from 'node:fs';
import {
  assertServeAccess,
  DEFAULT_HOST,
  DEFAULT_PORT,
  startDashboardServer,
} from '../../dashboard/index.js';
import { createDatabase, localDatabaseFile } from '../../db/index.js';
import { DatabaseError, UsageError } from '../../shared/errors.js';
import { type CliIo, EXIT, type GlobalOptions } from '../io.js';
import { workspaceConfig } from './workspace.js';

export interface ServeOptions {
  port?: string;
  host?: string;
  token?: string;
}

/** Resolves on Ctrl-C (or a polite kill). */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
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

/** `stopped`: when to stop serving; Ctrl-C by default (tests pass their own). */
export async function serveCommand(
  opts: ServeOptions,
  options: GlobalOptions,
  io: CliIo,
  stopped: () => Promise<void> = untilInterrupted,
): Promise<number> {
  const port = parsePort(opts.port);
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
    });
    if (options.json) io.stdout(`${JSON.stringify({ url: server.url })}\n`);
    else io.stdout(`The dashboard is at ${server.url} (Ctrl-C to stop)\n`);
    await stopped();
    await server.close();
    return EXIT.ok;
  } finally {
    await database.close();
  }
}
