/**
 * Opening a database: URLs, migrations, several processes at once, and the DatabaseError a
 * person sees when it goes wrong (never with a password in it).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database, redactDatabaseUrl } from '../../src/db/index.js';
import { migrationNames } from '../../src/db/migrations/index.js';
import { DatabaseError } from '../../src/shared/errors.js';
import { forEachDatabase, useScratchDatabase } from './databases.js';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const childScript = fileURLToPath(new URL('./fixtures/open-database-process.ts', import.meta.url));

let temporary: string;
beforeAll(async () => {
  temporary = await mkdtemp(join(tmpdir(), 'productops-db-test-'));
});
afterAll(() => rm(temporary, { recursive: true, force: true }));

/** The DatabaseError `promise` rejects with. */
async function databaseError(promise: Promise<Database>): Promise<DatabaseError> {
  const error = await promise.then(
    async (database) => {
      await database.close();
      return undefined;
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DatabaseError);
  return error as DatabaseError;
}

forEachDatabase((kind, open, url) => {
  it('opens migrated, and says which engine it is', async () => {
    const database = await open();
    expect(database.kind).toBe(kind);
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
      database.db,
    );
    expect(applied.rows.map((row) => row.name)).toEqual(migrationNames);
    await database.close();
    await database.close();
  });

  it('opens again without migrating again, keeping the data', async () => {
    const first = await open();
    await first.db.insertInto('sequences').values({ name: 'reopen', last_value: 3 }).execute();
    await first.close();
    const second = await open();
    const row = await second.db
      .selectFrom('sequences')
      .selectAll()
      .where('name', '=', 'reopen')
      .executeTakeFirst();
    expect(row).toEqual({ name: 'reopen', last_value: 3 });
    const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(second.db);
    expect(applied.rows).toHaveLength(migrationNames.length);
  });

  it('lets several processes open a new database at the same moment', async () => {
    const processes = 4;
    const startAt = Date.now() + 2_000;
    const children = await Promise.allSettled(
      Array.from({ length: processes }, (_, index) =>
        run(process.execPath, ['--import', 'tsx', childScript, url, `process ${index}`, String(startAt)], {
          cwd: repositoryRoot,
        }),
      ),
    );
    const failures = children.flatMap((child, index) =>
      child.status === 'rejected'
        ? [`process ${index}: ${(child.reason as { stderr?: string }).stderr}`]
        : [],
    );
    expect(failures).toEqual([]);

    const { db } = await open();
    const runs = await db
      .selectFrom('runs')
      .select('command')
      .where('command', 'like', 'process %')
      .execute();
    expect(runs.map((row) => row.command).sort()).toEqual(
      Array.from({ length: processes }, (_, index) => `process ${index}`),
    );
    const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    expect(applied.rows.map((row) => row.name)).toEqual(migrationNames);
    if (kind === 'sqlite') {
      const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
      expect(check.rows).toEqual([{ integrity_check: 'ok' }]);
    }
  });

  it('reports a failed migration as a DatabaseError naming it', async () => {
    const database = await open();
    // Forget that 0001 ran: running it again fails on the tables it finds.
    await sql`delete from kysely_migration`.execute(database.db);
    await database.close();

    const error = await databaseError(open());
    expect(error.message).toMatch(
      new RegExp(
        `^Cannot migrate the database ${escapeRegExp(redactDatabaseUrl(url))}.*: migration 0001-initial failed: .*initiatives.*already exists`,
      ),
    );
    expect(error.cause).toBeInstanceOf(Error);
  });
});

describe('createDatabase with SQLite', () => {
  it('resolves a relative path against baseDir, creating missing folders, in WAL mode', async () => {
    const database = await createDatabase('sqlite:data/nested/productops.db', { baseDir: temporary });
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db);
    const timeout = await sql<{ timeout: number }>`pragma busy_timeout`.execute(database.db);
    await database.close();
    expect(mode.rows).toEqual([{ journal_mode: 'wal' }]);
    expect(timeout.rows[0]?.timeout).toBeGreaterThan(0);
    const header = await readFile(join(temporary, 'data/nested/productops.db'));
    expect(header.subarray(0, 15).toString()).toBe('SQLite format 3');
  });

  it('accepts sqlite:///absolute/path', async () => {
    const database = await createDatabase(`sqlite://${join(temporary, 'slashes.db')}`);
    await database.close();
    await expect(readFile(join(temporary, 'slashes.db'))).resolves.toBeDefined();
  });

  it('opens sqlite::memory:', async () => {
    const database = await createDatabase('sqlite::memory:');
    expect(database.kind).toBe('sqlite');
    await database.db.insertInto('sequences').values({ name: 'memory', last_value: 1 }).execute();
    expect(await database.db.selectFrom('sequences').selectAll().execute()).toEqual([
      { name: 'memory', last_value: 1 },
    ]);
    await database.close();
  });
});

describe('createDatabase with postgresql:// URLs', () => {
  const scratch = useScratchDatabase('postgres');

  it('opens them as postgres:// ones', async () => {
    const database = await createDatabase(scratch.url.replace(/^postgres:/, 'postgresql:'));
    expect(database.kind).toBe('postgres');
    await database.close();
  });
});

describe('DatabaseError', () => {
  const password = 'hunter2-s3cret';

  it('names an unsupported scheme', async () => {
    const error = await databaseError(createDatabase(`mysql://root:${password}@localhost/productops`));
    expect(error.message).toBe(
      'Unsupported database URL mysql://root:***@localhost/productops: use sqlite:PATH (e.g. sqlite:productops.db) or postgres://USER:PASSWORD@HOST:PORT/DATABASE',
    );
  });

  it.each([
    ['sqlite:', 'Invalid database URL sqlite:: no file path after "sqlite:" (e.g. sqlite:productops.db)'],
    [
      `postgres://app:${password}@db.example:notaport/productops`,
      'Invalid database URL postgres://app:***@db.example:notaport/productops: not a valid URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)',
    ],
  ])('names a malformed URL: %s', async (url, message) => {
    const error = await databaseError(createDatabase(url));
    expect(error.message).toBe(message);
  });

  it('names an unreachable PostgreSQL server, without the password', async () => {
    const error = await databaseError(
      createDatabase(`postgres://postgres:${password}@127.0.0.1:1/test`, { connectTimeoutMs: 2_000 }),
    );
    expect(error.message).toMatch(
      /^Cannot open the database postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test: .*ECONNREFUSED/,
    );
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('gives up on a server that accepts the connection but never answers', async () => {
    // A stand-in server: takes the TCP connection, then stays silent.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const error = await databaseError(
        createDatabase(`postgres://postgres@127.0.0.1:${port}/test`, { connectTimeoutMs: 300 }),
      );
      expect(error.message).toMatch(
        new RegExp(
          `^Cannot open the database postgres://postgres@127\\.0\\.0\\.1:${port}/test: .*timeout`,
          'i',
        ),
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('keeps a password given as a query parameter out of the message', async () => {
    const error = await databaseError(
      createDatabase(`postgres://127.0.0.1:1/test?password=${password}`, { connectTimeoutMs: 2_000 }),
    );
    expect(error.message).toContain('postgres://127.0.0.1:1/test?password=***');
    expect(error.message).not.toContain(password);
  });

  it('names an SQLite path that cannot be created, with the file it tried', async () => {
    // A folder inside a regular file cannot exist, even for root (CI runs as root).
    await writeFile(join(temporary, 'plain-file'), 'not a folder');
    const error = await databaseError(
      createDatabase('sqlite:plain-file/productops.db', { baseDir: temporary }),
    );
    expect(error.message).toMatch(
      new RegExp(
        `^Cannot open the database sqlite:plain-file/productops\\.db \\(file ${escapeRegExp(join(temporary, 'plain-file/productops.db'))}\\): not a folder: ${escapeRegExp(join(temporary, 'plain-file'))}$`,
      ),
    );
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('names an SQLite file that is not a database', async () => {
    await writeFile(join(temporary, 'notes.txt'), 'These are notes, not a database. '.repeat(100));
    const error = await databaseError(createDatabase('sqlite:notes.txt', { baseDir: temporary }));
    expect(error.message).toMatch(
      /^Cannot open the database sqlite:notes\.txt \(file .*notes\.txt\): file is not a database/,
    );
  });
});

describe('redactDatabaseUrl', () => {
  it.each([
    ['sqlite:productops.db', 'sqlite:productops.db'],
    ['postgres://app@db:5432/productops', 'postgres://app@db:5432/productops'],
    ['postgres://app:pw@db:5432/productops', 'postgres://app:***@db:5432/productops'],
    ['postgresql://app:p%40ss@db/productops', 'postgresql://app:***@db/productops'],
    ['postgres://app:p@ss/word@db/productops', 'postgres://app:***@db/productops'],
    ['postgres://app:@db/productops', 'postgres://app:***@db/productops'],
    [
      'postgres://db/productops?user=app&password=pw&sslmode=require',
      'postgres://db/productops?user=app&password=***&sslmode=require',
    ],
    ['postgres://db/productops?sslpassword=pw', 'postgres://db/productops?sslpassword=***'],
  ])('%s → %s', (url, redacted) => {
    expect(redactDatabaseUrl(url)).toBe(redacted);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
