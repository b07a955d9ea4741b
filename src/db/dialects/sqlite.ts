/**
 * SQLite through better-sqlite3: `sqlite:PATH`, the embedded default. PATH is relative to the
 * config file's folder (`baseDir`); `sqlite::memory:` is a private in-memory database;
 * `sqlite://PATH` is accepted too (so `sqlite:///abs/path.db` is an absolute path).
 *
 * Differences from Kysely's stock SQLite dialect, both for several processes sharing one file (a
 * scheduled `productops run` next to a manual one):
 * - Transactions begin IMMEDIATE: the write lock is taken up front and waited for (busy timeout).
 *   A deferred transaction that reads and then writes fails at once with SQLITE_BUSY in WAL mode
 *   when another process wrote in between, without waiting.
 * - Migrations run in one transaction. Kysely's SQLite adapter takes no migration lock (it
 *   assumes one connection), but SQLite DDL is transactional, so that IMMEDIATE transaction is
 *   the cross-process lock: a second process waits, then sees the migrations done.
 *
 * better-sqlite3 is synchronous: a connection waiting for the lock blocks its whole process. Two
 * Database objects on one file in one process are fine as long as neither holds a transaction
 * open while the other writes; the normal case is one per process.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import { type DatabaseDialect, InvalidDatabaseUrlError } from '../dialect.js';

/**
 * How long a statement waits for another connection's write lock before failing with
 * SQLITE_BUSY. Long enough for a concurrent run's largest write (a 20,000-row upsert takes well
 * under a second), short enough that a stuck process is reported rather than waited on forever.
 */
const BUSY_TIMEOUT_MS = 10_000;

const MEMORY = ':memory:';

export const sqliteDialect: DatabaseDialect = {
  kind: 'sqlite',
  schemes: ['sqlite:'],

  createKyselyDialect(url, options) {
    const path = parseSqlitePath(url);
    const file = path === MEMORY ? MEMORY : resolve(options.baseDir, path);
    return {
      dialect: new ImmediateSqliteDialect({
        database: async () => (options.readOnly ? openSqliteFileReadOnly(file) : openSqliteFile(file)),
      }),
      location: file === MEMORY ? 'in memory' : `file ${file}`,
    };
  },

  columns: {
    double: 'real',
    // AUTOINCREMENT: ids are never reused, even after the newest row is deleted.
    autoIncrementPrimaryKey: (column) => column.primaryKey().autoIncrement(),
  },
};

/** The file a `sqlite:` URL names, resolved against `baseDir`; null for an in-memory database. */
export function sqliteFileOf(url: string, baseDir: string): string | null {
  const path = parseSqlitePath(url);
  return path === MEMORY ? null : resolve(baseDir, path);
}

function parseSqlitePath(url: string): string {
  let path = url.slice('sqlite:'.length);
  if (path.startsWith('//')) path = path.slice(2);
  if (path === '') {
    throw new InvalidDatabaseUrlError('no file path after "sqlite:" (e.g. sqlite:productops.db)');
  }
  return path;
}

/** An existing file, for reading only: nothing is created and no setting is written. */
function openSqliteFileReadOnly(file: string): BetterSqlite3.Database {
  if (file === MEMORY) return new BetterSqlite3(file, { timeout: BUSY_TIMEOUT_MS });
  return new BetterSqlite3(file, { timeout: BUSY_TIMEOUT_MS, readonly: true, fileMustExist: true });
}

function openSqliteFile(file: string): BetterSqlite3.Database {
  if (file !== MEMORY) createFolder(dirname(file));
  const connection = new BetterSqlite3(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    // WAL: readers never block the writer and the writer never blocks readers. With WAL,
    // synchronous=NORMAL is still safe against corruption; only the last commits may be lost on
    // power failure (https://www.sqlite.org/wal.html#performance_considerations).
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = NORMAL');
    return connection;
  } catch (error) {
    connection.close();
    throw error;
  }
}

/**
 * mkdir -p, one level at a time. Node 20's `mkdirSync(…, { recursive: true })` loops forever when
 * mkdir fails with ENOENT under an existing parent (seen under /proc), hanging the command
 * instead of reporting the path.
 */
function createFolder(folder: string): void {
  if (existsSync(folder)) {
    // Checked here: SQLite itself would only say "unable to open database file".
    if (!statSync(folder).isDirectory()) throw new Error(`not a folder: ${folder}`);
    return;
  }
  const parent = dirname(folder);
  if (parent !== folder) createFolder(parent);
  try {
    mkdirSync(folder);
  } catch (error) {
    // Another process may have created it meanwhile.
    if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw error;
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
