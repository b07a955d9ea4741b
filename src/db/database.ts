/**
 * Opening the database: one call turns a `database.url` into a ready, migrated Kysely instance.
 * The single place where database failures become DatabaseError, with the URL's password masked
 * and the library's error kept as `cause`: failures while opening say what could not be done
 * ("Cannot open…", "Cannot migrate…"); any failure after that (a query, a transaction, a lost
 * server, a full disk, a constraint, a locked file) is re-thrown by the driver wrapper of
 * driver-errors.ts as `Database error on URL: reason`. The driver's error stays reachable as
 * `cause` (its code through `driverErrorCode`).
 */
import { Kysely, type MigrationResultSet, sql } from 'kysely';
import { DatabaseError } from '../shared/errors.js';
import { redactDatabaseUrl, scrubDatabasePasswords } from './database-url.js';
import { type DatabaseKind, InvalidDatabaseUrlError, type OpenedDialect } from './dialect.js';
import { findDialect } from './dialects/index.js';
import { sqliteFileOf } from './dialects/sqlite.js';
import { wrapDriverErrors } from './driver-errors.js';
import { listPendingMigrations, migrateToLatest } from './migrations/index.js';
import type { Schema } from './schema.js';

/** `database.url` when the config names none (CLI.md): a file beside the config file. */
export const DEFAULT_DATABASE_URL = 'sqlite:productops.db';

/**
 * The local file a database URL names (`sqlite:PATH`), or null when it names none (in memory, a
 * server), so a caller can tell whether opening it would create a file.
 */
export function localDatabaseFile(url: string, baseDir: string): string | null {
  return url.toLowerCase().startsWith('sqlite:') ? sqliteFileOf(url, baseDir) : null;
}

/** An open, migrated database. */
export interface Database {
  /**
   * Typed queries on every table of schema.ts, for `src/db`: code outside it uses the repository
   * functions (repositories/, exported from index.ts) and `withTransaction`. Use
   * `db.transaction().execute(…)` for writes that must land together, `.returning('id')` to learn
   * an assigned id (`insertId` is SQLite-only). A failing query throws DatabaseError.
   */
  readonly db: Kysely<Schema>;
  /** The engine, for the rare query that differs (most code should not need it). */
  readonly kind: DatabaseKind;
  /** The URL with any password replaced by `***`: safe to print. */
  readonly displayUrl: string;
  /**
   * Migrations not yet applied: always empty, except for a database opened `readOnly`, which is
   * never migrated (a dry run says what a real run would apply).
   */
  readonly pendingMigrations: readonly string[];
  /** Closes the file or the connection pool. Safe to call more than once. */
  close(): Promise<void>;
}

export interface CreateDatabaseOptions {
  /** Folder a relative `sqlite:PATH` is resolved against; default the working directory. */
  baseDir?: string;
  /**
   * How long to wait for a database server to accept a connection; default 10 s. Without a limit
   * node-postgres would wait forever on an address that drops packets.
   */
  connectTimeoutMs?: number;
  /**
   * Read only (a dry run): the SQLite file must exist and is opened read-only, and no migration
   * runs; `pendingMigrations` lists the ones a normal open would apply.
   */
  readOnly?: boolean;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens `url` (`sqlite:PATH`, `sqlite::memory:`, `postgres://…` or `postgresql://…`), creating the
 * SQLite file and its folder when missing, and runs any pending migration. Throws DatabaseError
 * when the URL is unusable, the database cannot be reached or a migration fails.
 */
export async function createDatabase(url: string, options: CreateDatabaseOptions = {}): Promise<Database> {
  const displayUrl = redactDatabaseUrl(url);
  const dialect = findDialect(url);
  if (!dialect) {
    throw new DatabaseError(
      `Unsupported database URL ${displayUrl}: use sqlite:PATH (e.g. sqlite:productops.db) or postgres://USER:PASSWORD@HOST:PORT/DATABASE`,
    );
  }

  let opened: OpenedDialect;
  try {
    opened = dialect.createKyselyDialect(url, {
      baseDir: options.baseDir ?? process.cwd(),
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      readOnly: options.readOnly ?? false,
    });
  } catch (error) {
    if (error instanceof InvalidDatabaseUrlError) {
      throw new DatabaseError(`Invalid database URL ${displayUrl}: ${error.message}`);
    }
    throw new DatabaseError(`Cannot open the database ${displayUrl}: ${describeError(error, url)}`, {
      cause: error,
    });
  }

  const where = opened.location ? `${displayUrl} (${opened.location})` : displayUrl;
  // Errors pass through unchanged until the database is open, then become DatabaseError.
  const errors = wrapDriverErrors(opened.dialect, (error) =>
    error instanceof DatabaseError
      ? error
      : new DatabaseError(`Database error on ${displayUrl}: ${describeError(error, url)}`, { cause: error }),
  );
  const db = new Kysely<Schema>({ dialect: errors.dialect });
  const fail = async (message: string, cause: unknown): Promise<never> => {
    await db.destroy().catch(() => {
      // Already failing: the original error is the one worth reporting.
    });
    throw new DatabaseError(message, { cause });
  };

  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    return fail(`Cannot open the database ${where}: ${describeError(error, url)}`, error);
  }

  let pendingMigrations: string[] = [];
  if (options.readOnly) {
    try {
      pendingMigrations = await listPendingMigrations(db, dialect.columns);
    } catch (error) {
      return fail(`Cannot read the database ${where}: ${describeError(error, url)}`, error);
    }
  } else {
    const migration = await migrateToLatest(db, dialect.columns);
    if (migration.error !== undefined) {
      return fail(
        `Cannot migrate the database ${where}: ${describeMigrationFailure(migration, url)}`,
        migration.error,
      );
    }
  }

  errors.start();
  let closing: Promise<void> | undefined;
  return {
    db,
    kind: dialect.kind,
    displayUrl,
    pendingMigrations,
    close: () => {
      closing ??= db.destroy();
      return closing;
    },
  };
}

function describeMigrationFailure(migration: MigrationResultSet, url: string): string {
  const failed = migration.results?.find((result) => result.status === 'Error');
  const reason = describeError(migration.error, url);
  return failed ? `migration ${failed.migrationName} failed: ${reason}` : reason;
}

/** The error's message without any password of `url`; never empty. */
function describeError(error: unknown, url: string): string {
  return scrubDatabasePasswords(messageOf(error), url);
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    // Node reports a failed connection to a name with several addresses (localhost: ::1 and
    // 127.0.0.1) as an AggregateError with an empty message; the attempts carry the reasons.
    return error.errors.map(messageOf).join('; ') || 'connection failed';
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (error.message !== '') return error.message;
    return typeof code === 'string' ? code : error.name;
  }
  return String(error);
}
