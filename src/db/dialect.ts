/**
 * A database engine as the rest of `db/` sees it: how to reach it from a URL, and the few column
 * definitions that differ between engines. Implementations live in `dialects/` (`sqlite.ts`,
 * `postgres.ts`, each exporting the same shape); nothing outside `dialects/` imports them except
 * `database.ts`, which picks one by the URL's scheme through `dialects/index.ts`.
 *
 * Everything else (migrations, bulk writes, repositories, flows) writes portable SQL through Kysely:
 * integers 0/1 for booleans, ISO-8601 text for timestamps, double precision for numbers, and
 * `insert … on conflict (…) do update`, which both engines support.
 */
import type { ColumnDataType, ColumnDefinitionBuilder, Dialect } from 'kysely';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface DialectOptions {
  /** Folder a relative SQLite path is resolved against: the config file's folder. */
  baseDir: string;
  /** How long to wait for a database server to accept a connection before giving up. */
  connectTimeoutMs: number;
  /** Open for reading only (a dry run): no file, folder, journal mode or schema change. */
  readOnly?: boolean;
}

/** What a dialect built from a URL: the Kysely dialect, and where it points, for messages. */
export interface OpenedDialect {
  dialect: Dialect;
  /** Where the data lives when the URL alone does not say it, e.g. the absolute SQLite file path. */
  location?: string;
}

export interface DatabaseDialect {
  readonly kind: DatabaseKind;
  /** URL prefixes this engine accepts, lower case (`sqlite:`, `postgres://`); matched ignoring case. */
  readonly schemes: readonly string[];
  /**
   * Builds the Kysely dialect for a URL without touching the database: the file or server is first
   * reached by the first query, so every I/O failure surfaces there. Throws InvalidDatabaseUrlError
   * when the URL itself cannot be used.
   */
  createKyselyDialect(url: string, options: DialectOptions): OpenedDialect;
  /** Column definitions that differ between engines, for migrations. */
  readonly columns: DialectColumns;
}

export interface DialectColumns {
  /** An 8-byte IEEE float: `real` on SQLite, `double precision` on PostgreSQL (whose `real` is 4 bytes). */
  readonly double: ColumnDataType;
  /** Makes an `integer` column the table's primary key, assigned by the database on insert. */
  autoIncrementPrimaryKey(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
}

/** The URL is malformed or names nothing usable; the message says why without repeating the URL. */
export class InvalidDatabaseUrlError extends Error {
  override readonly name = 'InvalidDatabaseUrlError';
}
