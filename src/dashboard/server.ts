/**
 * The dashboard on a socket (@hono/node-server), and who may reach it. By default it listens on
 * 127.0.0.1, which only this machine can reach. Any other address lets the network in, so it
 * needs a token; a token given on loopback is required as well (access.ts).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Config } from '../config/index.js';
import type { Database } from '../db/index.js';
import { ProductOpsError, UsageError } from '../shared/errors.js';
import type { Logger } from '../shared/logging.js';
import { type ActionExecutor, type ActionQueue, createActionQueue } from './actions/index.js';
import { createDashboardApp } from './app.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4310;

/** True for an address only this machine can reach: `localhost`, 127.0.0.0/8, `::1`. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || name === '::1' || /^127(?:\.\d{1,3}){3}$/.test(name);
}

/** Refuses what would let the network read the dashboard without a token. */
export function assertServeAccess(host: string, token: string | undefined): void {
  if (token === '') throw new UsageError('the token is empty: give --token TOKEN or set PRODUCTOPS_TOKEN');
  if (!isLoopbackHost(host) && token === undefined) {
    throw new UsageError(
      `serving on ${host} lets other machines read the dashboard: give --token TOKEN (or set PRODUCTOPS_TOKEN), or leave out --host to serve on ${DEFAULT_HOST} only`,
    );
  }
}

/** A host as a URL writes it: an IPv6 address in brackets. */
const urlHost = (host: string) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

export interface DashboardServerOptions {
  database: Database;
  config: Config;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 4310; 0 picks a free port. */
  port?: number;
  token?: string;
  /** Runs what `POST /api/runs` asks for; without it, the actions API is not there. */
  executor?: ActionExecutor;
  /** A line per run asked for, started and finished. */
  logger?: Logger;
}

export interface DashboardServer {
  /** The address to open, with `?token=` when there is a token. */
  url: string;
  port: number;
  /** The queue `POST /api/runs` feeds, when there is an executor: `serve --watch` queues its runs here too. */
  actions?: ActionQueue;
  /**
   * Stops listening and ends open connections, then fails the runs still waiting and waits for
   * the one running, so no workbook is left half-written.
   */
  close(): Promise<void>;
}

/** Starts listening; throws UsageError for a host or token the rules refuse, ProductOpsError when it cannot listen. */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  const { token } = options;
  assertServeAccess(host, token);
  const loopback = isLoopbackHost(host);
  const actions = options.executor
    ? createActionQueue({
        database: options.database,
        executor: options.executor,
        ...(options.logger ? { logger: options.logger } : {}),
      })
    : undefined;
  const app = createDashboardApp({
    database: options.database,
    config: options.config,
    ...(token === undefined ? {} : { token }),
    requireToken: !loopback,
    ...(actions ? { actions } : {}),
    // Without a token, the Host header is all that tells the visitor's own tab from a rebound domain.
    ...(token === undefined
      ? { allowedHosts: [...new Set([urlHost(host).toLowerCase(), 'localhost', '127.0.0.1', '[::1]'])] }
      : {}),
  });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, host, port)));
    server.listen(port, host, () => resolve());
  });
  // Only now: a server that could not listen (another one has the port) leaves its requests alone.
  await actions?.start();
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${bound}/${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port: bound,
    ...(actions ? { actions } : {}),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A browser keeps its connection open; without this, closing would wait for it.
        server.closeAllConnections();
      }).then(() => actions?.close());
      return closing;
    },
  };
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${urlHost(host)}:${port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new ProductOpsError(`cannot serve on ${where}: the port is in use; choose another with --port`, {
        cause: error,
      });
    case 'EACCES':
      return new ProductOpsError(
        `cannot serve on ${where}: not allowed (ports below 1024 need administrator rights); choose another with --port`,
        { cause: error },
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ProductOpsError(`cannot serve on ${where}: ${host} is not an address of this machine`, {
        cause: error,
      });
    default:
      return new ProductOpsError(`cannot serve on ${where}: ${error.message}`, { cause: error });
  }
}
