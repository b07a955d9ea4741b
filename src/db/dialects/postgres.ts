/**
 * PostgreSQL through a node-postgres pool: `postgres://USER:PASSWORD@HOST:PORT/DATABASE` or
 * `postgresql://…`, with every option node-postgres reads from a connection string
 * (`?sslmode=require`, `?options=-c search_path=x`, …).
 *
 * Differences from Kysely's stock PostgreSQL dialect: a connection timeout (node-postgres waits
 * forever by default), and bigint and numeric results read as JS numbers, as SQLite returns them,
 * so `count(*)`, `sum(…)` and `avg(…)` give the same type on both engines.
 */

import { PostgresDialect } from 'kysely';
import type pg from 'pg';
import { type DatabaseDialect, InvalidDatabaseUrlError } from '../dialect.js';

// Type OIDs from PostgreSQL's pg_type catalog.
const INT8_OID = 20;
const NUMERIC_OID = 1700;

// Counts and sums of our integer and double columns stay far below 2^53, where Number loses
// precision; the schema has no bigint or numeric columns of its own.
const parseNumber = (text: string): number => Number(text);

function typeParsers(types: typeof pg.types): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID || oid === NUMERIC_OID
        ? parseNumber
        : types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
  };
}

export const postgresDialect: DatabaseDialect = {
  kind: 'postgres',
  schemes: ['postgres://', 'postgresql://'],

  createKyselyDialect(url, options) {
    assertValidUrl(url);
    return {
      dialect: new PostgresDialect({
        pool: async () => {
          // Loaded when a PostgreSQL database is first used: a run on SQLite never pays for it.
          const { default: postgres } = await import('pg');
          const pool = new postgres.Pool({
            connectionString: url,
            connectionTimeoutMillis: options.connectTimeoutMs,
            application_name: 'productops',
            types: typeParsers(postgres.types),
          });
          // An idle pooled connection that dies (server restart, admin kill) is reported here;
          // without a listener Node would crash the process. The next query gets a fresh
          // connection, or fails with its own error where it is awaited.
          pool.on('error', () => {});
          // The same for a connection that is checked out but idle (the run lock's, held for the
          // whole run; one between a transaction's statements): node-postgres emits the error on the
          // client, where the pool no longer listens. Its next query fails instead, and is reported.
          pool.on('connect', (client) => client.on('error', () => {}));
          return pool;
        },
      }),
    };
  },

  columns: {
    double: 'double precision',
    // BY DEFAULT (not ALWAYS): an explicit id is accepted, as SQLite accepts one.
    autoIncrementPrimaryKey: (column) => column.primaryKey().generatedByDefaultAsIdentity(),
  },
};

function assertValidUrl(url: string): void {
  // URL.canParse rather than catching URL's error: that error carries the input, password included.
  if (!URL.canParse(url)) {
    throw new InvalidDatabaseUrlError('not a valid URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)');
  }
}
