/**
 * Failures after opening, turned into the caller's error type (DatabaseError, see database.ts) in
 * one place: a Dialect wrapper whose Driver and DatabaseConnections re-throw every error of the
 * engine's driver through `toError`: queries, streams, begin/commit/rollback, savepoints, taking a
 * pooled connection, closing. Kysely plugins cannot do this (`transformResult` only sees
 * successes); a Driver sees every statement, those of transactions and migrations included.
 *
 * Errors thrown by the caller's own code (inside `db.transaction().execute(…)` or
 * `db.connection().execute(…)`) do not pass through the driver and are left as they are.
 *
 * Until `start()` errors pass through unchanged, so that opening reports its own failures
 * ("Cannot open…", "Cannot migrate…") from the driver's errors.
 */
import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';

export interface ErrorWrappingDialect {
  /** The dialect to give Kysely. */
  readonly dialect: Dialect;
  /** From now on, errors are passed through `toError`. */
  start(): void;
}

/** `dialect` with every driver error after `start()` re-thrown as `toError(error)`. */
export function wrapDriverErrors(
  dialect: Dialect,
  toError: (error: unknown) => unknown,
): ErrorWrappingDialect {
  let started = false;
  const wrap = (error: unknown): unknown => (started ? toError(error) : error);
  return {
    dialect: {
      createDriver: () => new ErrorWrappingDriver(dialect.createDriver(), wrap),
      createQueryCompiler: (): QueryCompiler => dialect.createQueryCompiler(),
      createAdapter: (): DialectAdapter => dialect.createAdapter(),
      createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector => dialect.createIntrospector(db),
    },
    start: () => {
      started = true;
    },
  };
}

/**
 * The driver's `code` (`SQLITE_CONSTRAINT_PRIMARYKEY`, PostgreSQL's SQLSTATE `23505`, `ECONNRESET`…)
 * of `error` or of the first error in its `cause` chain that has one, e.g. of a DatabaseError
 * wrapping the driver's error.
 */
export function driverErrorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let current = error; current instanceof Object && !seen.has(current); ) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

type Wrap = (error: unknown) => unknown;

async function wrapped<T>(wrap: Wrap, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw wrap(error);
  }
}

class ErrorWrappingConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly wrap: Wrap,
  ) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return wrapped(this.wrap, () => this.inner.executeQuery<R>(compiledQuery));
  }

  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize?: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(compiledQuery, chunkSize);
    } catch (error) {
      throw this.wrap(error);
    }
  }
}

/**
 * Hands Kysely wrapped connections, and the engine's driver its own ones (drivers call methods of
 * their own connection classes, e.g. node-postgres' release).
 */
class ErrorWrappingDriver implements Driver {
  readonly #connections = new WeakMap<DatabaseConnection, ErrorWrappingConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly wrap: Wrap,
  ) {}

  init(): Promise<void> {
    return wrapped(this.wrap, () => this.inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await wrapped(this.wrap, () => this.inner.acquireConnection());
    let outer = this.#connections.get(connection);
    if (!outer)
      this.#connections.set(connection, (outer = new ErrorWrappingConnection(connection, this.wrap)));
    return outer;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return wrapped(this.wrap, () => this.inner.beginTransaction(innerOf(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return wrapped(this.wrap, () => this.inner.commitTransaction(innerOf(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return wrapped(this.wrap, () => this.inner.rollbackTransaction(innerOf(connection)));
  }

  savepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return wrapped(this.wrap, async () => {
      if (!this.inner.savepoint) throw new Error('this database driver does not support savepoints');
      await this.inner.savepoint(innerOf(connection), name, compileQuery);
    });
  }

  rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return wrapped(this.wrap, async () => {
      if (!this.inner.rollbackToSavepoint)
        throw new Error('this database driver does not support savepoints');
      await this.inner.rollbackToSavepoint(innerOf(connection), name, compileQuery);
    });
  }

  releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return wrapped(this.wrap, async () => {
      if (!this.inner.releaseSavepoint) throw new Error('this database driver does not support savepoints');
      await this.inner.releaseSavepoint(innerOf(connection), name, compileQuery);
    });
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return wrapped(this.wrap, () => this.inner.releaseConnection(innerOf(connection)));
  }

  destroy(): Promise<void> {
    return wrapped(this.wrap, () => this.inner.destroy());
  }
}

function innerOf(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof ErrorWrappingConnection ? connection.inner : connection;
}
