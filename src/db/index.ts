/**
 * The database: what the backend derives and remembers (schema.ts), on SQLite or PostgreSQL.
 * Open it with `createDatabase(url)`, then query `database.db` with Kysely; write many rows with
 * `upsertRows`. The engine implementations in `dialects/` are internal.
 */
export { upsertRows } from './bulk.js';
export {
  type CreateDatabaseOptions,
  createDatabase,
  type Database,
  DEFAULT_DATABASE_URL,
} from './database.js';
export { redactDatabaseUrl } from './database-url.js';
export type { DatabaseKind } from './dialect.js';
export type * from './schema.js';
