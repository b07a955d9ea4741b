/**
 * One writing run per database at a time. A run that finds the lock taken waits, says so, and gives
 * up with a clear message after a while; nothing of the waiting run is written meanwhile.
 *
 * PostgreSQL: a session advisory lock held on one pooled connection for the whole run; the server
 * drops it when that session ends, so a crashed run cannot leave it behind. SQLite: a row in
 * `run_locks` naming the holder (`pid@host`); a row whose process no longer runs on this machine
 * is stale and is taken over (a SQLite file is used from one machine at a time).
 */
import { hostname } from 'node:os';
import { sql } from 'kysely';
import type { Database } from '../database.js';

/** An arbitrary 64-bit key for `pg_advisory_lock`, the same in every productops process. */
const ADVISORY_KEY = 7_302_741_022_113_519n;
const LOCK_NAME = 'run';
const POLL_MS = 200;

export interface RunLockOptions {
  /** How long to wait for another run to finish before giving up. */
  timeoutMs: number;
  /** Called once, when the lock is taken by someone else and this run starts waiting. */
  onWait?: (holder: string) => void;
}

export interface RunLock {
  release(): Promise<void>;
}

/** Thrown when another run still holds the lock after the timeout. */
export class RunLockTimeoutError extends Error {
  override readonly name = 'RunLockTimeoutError';
  constructor(
    readonly holder: string,
    readonly waitedMs: number,
  ) {
    super(
      `another productops run (${holder}) is still using this database after ${Math.round(waitedMs / 1000)} s`,
    );
  }
}

export async function acquireRunLock(database: Database, options: RunLockOptions): Promise<RunLock> {
  return database.kind === 'postgres' ? advisoryLock(database, options) : rowLock(database, options);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function advisoryLock(database: Database, options: RunLockOptions): Promise<RunLock> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let settle!: (error?: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  // The lock belongs to a session: hold one connection from taking it to letting it go.
  const holding = database.db
    .connection()
    .execute(async (connection) => {
      const started = Date.now();
      let waiting = false;
      for (;;) {
        const { rows } = await sql<{
          locked: boolean;
        }>`select pg_try_advisory_lock(${ADVISORY_KEY}) as locked`.execute(connection);
        if (rows[0]?.locked) break;
        if (!waiting) {
          waiting = true;
          options.onWait?.('another session');
        }
        if (Date.now() - started >= options.timeoutMs) {
          throw new RunLockTimeoutError('another session', Date.now() - started);
        }
        await sleep(POLL_MS);
      }
      settle();
      await released;
      await sql`select pg_advisory_unlock(${ADVISORY_KEY})`.execute(connection);
    })
    .catch((error: unknown) => settle(error));
  await ready;
  return {
    release: async () => {
      release();
      await holding;
    },
  };
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function rowLock(database: Database, options: RunLockOptions): Promise<RunLock> {
  const { db } = database;
  const me = `pid ${process.pid}@${hostname()}`;
  const started = Date.now();
  let waiting = false;
  for (;;) {
    await db
      .insertInto('run_locks')
      .values({ name: LOCK_NAME, holder: me, acquired_at: new Date().toISOString() })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .execute();
    const row = await db
      .selectFrom('run_locks')
      .select('holder')
      .where('name', '=', LOCK_NAME)
      .executeTakeFirst();
    if (row?.holder === me) break;
    if (row) {
      const match = /^pid (\d+)@(.*)$/.exec(row.holder);
      if (match && match[2] === hostname() && !processRuns(Number(match[1]))) {
        // Left by a run that crashed: take it over (only if it is still that stale row).
        await db
          .deleteFrom('run_locks')
          .where('name', '=', LOCK_NAME)
          .where('holder', '=', row.holder)
          .execute();
        continue;
      }
      if (!waiting) {
        waiting = true;
        options.onWait?.(row.holder);
      }
      if (Date.now() - started >= options.timeoutMs)
        throw new RunLockTimeoutError(row.holder, Date.now() - started);
    }
    await sleep(POLL_MS);
  }
  return {
    release: async () => {
      await db.deleteFrom('run_locks').where('name', '=', LOCK_NAME).where('holder', '=', me).execute();
    },
  };
}
