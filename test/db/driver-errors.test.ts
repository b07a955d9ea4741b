/**
 * Failures after opening: any error of the driver (a bad statement, a constraint, a read-only
 * file, a server that dropped the connection) is a DatabaseError naming the database with its
 * password masked, the driver's error kept as `cause`, in transactions too. Errors of the caller's
 * own code, and the run lock's timeout, are left as they are.
 */

import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  acquireRunLock,
  createDatabase,
  type Database,
  driverErrorCode,
  insertRun,
  RunLockTimeoutError,
  redactDatabaseUrl,
  withTransaction,
} from '../../src/db/index.js';
import { kyselyOf } from '../../src/db/transaction.js';
import { DatabaseError } from '../../src/shared/errors.js';
import { forEachDatabase, useScratchDatabase } from './databases.js';

const at = '2025-03-04T05:06:07.890Z';
const password = 'hunter2-s3cret';

async function failure(promise: Promise<unknown>): Promise<DatabaseError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DatabaseError);
  return error as DatabaseError;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

forEachDatabase((kind, open, url) => {
  it('reports a statement the database rejects, naming the database', async () => {
    const database = await open();
    const error = await failure(sql`select * from no_such_table`.execute(database.db));
    expect(error.message).toMatch(
      new RegExp(
        `^Database error on ${escapeRegExp(redactDatabaseUrl(url))}: .*(no such table|does not exist)`,
      ),
    );
    expect(error.cause).toBeInstanceOf(Error);
    expect(driverErrorCode(error)).toBe(kind === 'sqlite' ? 'SQLITE_ERROR' : '42P01');
    // The database is still usable.
    await expect(sql`select 1 as one`.execute(database.db)).resolves.toMatchObject({ rows: [{ one: 1 }] });
  });

  it('reports a constraint in a transaction, with the driver code reachable, writing nothing', async () => {
    const database = await open();
    const lock = { name: 'dup', holder: 'someone', acquired_at: at };
    const error = await failure(
      withTransaction(database, async (tx) => {
        await insertRun(tx, { command: 'constraint', dry_run: 0, started_at: at, status: 'done' });
        const trx = kyselyOf(tx);
        await trx.insertInto('run_locks').values(lock).execute();
        await trx.insertInto('run_locks').values(lock).execute();
      }),
    );
    expect(error.message).toMatch(/^Database error on .*: .*(UNIQUE constraint failed|duplicate key)/);
    expect(driverErrorCode(error)).toBe(kind === 'sqlite' ? 'SQLITE_CONSTRAINT_PRIMARYKEY' : '23505');
    const runs = await database.db
      .selectFrom('runs')
      .select('id')
      .where('command', '=', 'constraint')
      .execute();
    expect(runs).toEqual([]);
    expect(await database.db.selectFrom('run_locks').selectAll().execute()).toEqual([]);
  });

  it("leaves the caller's own errors and the run lock's timeout as they are", async () => {
    const database = await open();
    class Mine extends Error {}
    await expect(
      withTransaction(database, async () => {
        throw new Mine('mine');
      }),
    ).rejects.toBeInstanceOf(Mine);

    const other = await open();
    let held: { release(): Promise<void> } | undefined;
    if (kind === 'postgres') held = await acquireRunLock(other, { timeoutMs: 1_000 });
    else {
      // A holder on another machine is never taken for stale.
      await other.db
        .insertInto('run_locks')
        .values({ name: 'run', holder: 'pid 1@elsewhere', acquired_at: at })
        .execute();
    }
    try {
      await expect(acquireRunLock(database, { timeoutMs: 300 })).rejects.toBeInstanceOf(RunLockTimeoutError);
    } finally {
      await held?.release();
      await other.db.deleteFrom('run_locks').execute();
    }
  });
});

describe('on SQLite', () => {
  const scratch = useScratchDatabase('sqlite');

  it('reports a write to a database opened read-only', async () => {
    await (await createDatabase(scratch.url)).close();
    const readOnly = await createDatabase(scratch.url, { readOnly: true });
    try {
      const error = await failure(
        insertRun(readOnly, { command: 'x', dry_run: 0, started_at: at, status: 'x' }),
      );
      expect(error.message).toMatch(
        new RegExp(`^Database error on ${escapeRegExp(scratch.url)}: .*readonly database`),
      );
      expect(driverErrorCode(error)).toBe('SQLITE_READONLY');
    } finally {
      await readOnly.close();
    }
  });
});

describe('on PostgreSQL', () => {
  const { url } = useScratchDatabase('postgres');

  /** The test database with a password in its URL (the server trusts every connection). */
  const withPassword = () => url.replace('://postgres@', `://postgres:${password}@`);
  const masked = () => redactDatabaseUrl(withPassword());

  async function terminate(pid: number): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('select pg_terminate_backend($1)', [pid]);
    } finally {
      await client.end();
    }
  }

  async function withDatabase(work: (database: Database) => Promise<void>): Promise<void> {
    const database = await createDatabase(withPassword());
    try {
      await work(database);
    } finally {
      await database.close();
    }
  }

  it('reports a connection the server ended, without the password, and recovers', async () => {
    expect(masked()).toContain('***');
    await withDatabase(async (database) => {
      const error = await failure(
        database.db.connection().execute(async (connection) => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(connection);
          await terminate(rows[0]!.pid);
          // Let the client see the end of its session, then use it.
          await new Promise((resolve) => setTimeout(resolve, 200));
          await sql`select 1`.execute(connection);
        }),
      );
      expect(error.message).toMatch(new RegExp(`^Database error on ${escapeRegExp(masked())}: `));
      expect(error.message).not.toContain(password);
      expect(error.cause).toBeInstanceOf(Error);
      // The pool drops the dead connection: the next query gets a new one.
      await expect(sql`select 1 as one`.execute(database.db)).resolves.toMatchObject({ rows: [{ one: 1 }] });
    });
  });

  it('reports a connection ended in the middle of a transaction', async () => {
    await withDatabase(async (database) => {
      const error = await failure(
        withTransaction(database, async (tx) => {
          await insertRun(tx, { command: 'terminated', dry_run: 0, started_at: at, status: 'done' });
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(database.db);
          // The pool's other connection: find the transaction's by what it is doing.
          const busy = await sql<{ pid: number }>`
              select pid from pg_stat_activity
              where datname = current_database() and state like 'idle in transaction%' and pid <> ${rows[0]!.pid}
            `.execute(database.db);
          expect(busy.rows).toHaveLength(1);
          await terminate(busy.rows[0]!.pid);
          await insertRun(tx, { command: 'terminated', dry_run: 0, started_at: at, status: 'done' });
        }),
      );
      expect(error.message).toMatch(new RegExp(`^Database error on ${escapeRegExp(masked())}: `));
      const runs = await database.db
        .selectFrom('runs')
        .select('id')
        .where('command', '=', 'terminated')
        .execute();
      expect(runs).toEqual([]);
    });
  });
});
