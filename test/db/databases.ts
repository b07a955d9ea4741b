/**
 * The database test matrix: one suite, run on every engine productops supports.
 *
 * ```ts
 * import { forEachDatabase } from '../db/databases.js';
 *
 * forEachDatabase((kind, open) => {
 *   it('remembers a run', async () => {
 *     const { db } = await open();          // migrated, closed after the suite
 *     await db.insertInto('runs').values({ … }).execute();
 *   });
 * });
 * ```
 *
 * Each `forEachDatabase` call makes one `describe` block per engine (named `sqlite`, `postgres`),
 * each with its own empty database, created before the block and deleted after it, so test files
 * can run in parallel. The tests of one block share that database: give rows distinct keys, or put
 * `forEachDatabase` inside each `describe` that needs a clean one. Every `open()` is a new
 * connection to the same database, as a second process would have. On SQLite, do not leave a
 * transaction open on one while using another: better-sqlite3 is synchronous, so the second
 * blocks the whole process for the busy timeout (10 s) and then fails with SQLITE_BUSY.
 *
 * - SQLite: a file in a new folder under `os.tmpdir()`.
 * - PostgreSQL: `CREATE DATABASE productops_test_<random>` on the server named by
 *   `PRODUCTOPS_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`, whose
 *   database is only used to run CREATE/DROP DATABASE). When the server is unreachable the
 *   PostgreSQL half FAILS with a message saying so; it is never skipped (CI starts the server).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import {
  type CreateDatabaseOptions,
  createDatabase,
  type Database,
  type DatabaseKind,
  redactDatabaseUrl,
} from '../../src/db/index.js';

/** Every engine, in the order the matrix runs them. */
export const databaseKinds: readonly DatabaseKind[] = ['sqlite', 'postgres'];

/** The server and maintenance database the PostgreSQL half creates its databases on. */
export const testPostgresUrl =
  process.env.PRODUCTOPS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Opens (and migrates) the suite's database; `options` as for createDatabase. */
export type OpenDatabase = (options?: CreateDatabaseOptions) => Promise<Database>;

/**
 * Runs `suite` once per engine, inside `describe(kind)`. `url` is that engine's database, for
 * tests that hand it to another process; it exists while the suite's tests run.
 */
export function forEachDatabase(suite: (kind: DatabaseKind, open: OpenDatabase, url: string) => void): void {
  for (const kind of databaseKinds) {
    describe(kind, () => {
      const opened: Database[] = [];
      const scratch = useScratchDatabase(kind, async () => {
        await Promise.all(opened.map((database) => database.close()));
      });
      const open: OpenDatabase = async (options) => {
        const database = await createDatabase(scratch.url, options);
        opened.push(database);
        return database;
      };
      suite(kind, open, scratch.url);
    });
  }
}

/**
 * A scratch database for the tests of the enclosing `describe`: created before them, deleted
 * after them (`beforeDispose` runs first, to close connections). When it cannot be created every
 * test fails with the reason, rather than vitest's default of skipping them all after a failed
 * `beforeAll`, so a missing server shows up as failed tests in every summary.
 */
export function useScratchDatabase(kind: DatabaseKind, beforeDispose?: () => Promise<void>): ScratchDatabase {
  const scratch = scratchDatabase(kind);
  let unavailable: unknown;
  beforeAll(async () => {
    await scratch.create().catch((error: unknown) => {
      unavailable = error;
    });
  });
  beforeEach(() => {
    if (unavailable !== undefined) throw unavailable;
  });
  afterAll(async () => {
    await beforeDispose?.();
    if (unavailable === undefined) await scratch.dispose();
  });
  return scratch;
}

/** A database nobody else uses, for tests that manage its life themselves. */
export interface ScratchDatabase {
  readonly kind: DatabaseKind;
  /** Its URL, known at once; the database exists between `create()` and `dispose()`. */
  readonly url: string;
  /** Creates it empty (SQLite: its folder; the file appears on first open). */
  create(): Promise<void>;
  /** Deletes it, ending any connection still open to it. */
  dispose(): Promise<void>;
}

export function scratchDatabase(kind: DatabaseKind): ScratchDatabase {
  const suffix = randomBytes(6).toString('hex');
  switch (kind) {
    case 'sqlite': {
      const folder = join(tmpdir(), `productops-test-${suffix}`);
      return {
        kind,
        url: `sqlite:${join(folder, 'productops.db')}`,
        create: async () => {
          await mkdir(folder, { recursive: true });
        },
        dispose: () => rm(folder, { recursive: true, force: true }),
      };
    }
    case 'postgres': {
      const name = `productops_test_${suffix}`;
      const url = new URL(testPostgresUrl);
      url.pathname = `/${name}`;
      return {
        kind,
        url: url.toString(),
        // The name is ours, made of [a-z0-9_]: safe to quote into the statement.
        create: () => onTestPostgresServer(`create database "${name}"`),
        dispose: () => onTestPostgresServer(`drop database if exists "${name}" with (force)`),
      };
    }
    default:
      return assertNever(kind);
  }
}

async function onTestPostgresServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl, connectionTimeoutMillis: 5_000 });
  // A connection error after connect() is reported here, not as an uncaught exception.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${redactDatabaseUrl(testPostgresUrl)} (${messageOf(error)}). ` +
        'The database tests run every case on SQLite and on PostgreSQL: start a server (CI does, in ' +
        '.ci/run) or set PRODUCTOPS_TEST_POSTGRES_URL to one.',
      { cause: error },
    );
  }
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') return error.errors.map(messageOf).join('; ');
  return error instanceof Error ? error.message || error.name : String(error);
}

function assertNever(value: never): never {
  throw new Error(`Unexpected database kind: ${String(value)}`);
}
