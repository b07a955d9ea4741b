/**
 * The database: what the backend derives and remembers (schema.ts), on SQLite or PostgreSQL.
 * Open it with `createDatabase(url)`, then read and write it through the repository functions
 * below, several at once with `withTransaction(database, async (tx) => …)`. Every failure is a
 * DatabaseError naming the database (password masked). The engine implementations in `dialects/`
 * are internal; nothing here needs a kysely import.
 */
export { UPSERT_SLICE_ROWS, upsertRows } from './bulk.js';
export {
  type CreateDatabaseOptions,
  createDatabase,
  type Database,
  DEFAULT_DATABASE_URL,
  localDatabaseFile,
} from './database.js';
export { redactDatabaseUrl } from './database-url.js';
export type { DatabaseKind } from './dialect.js';
export { driverErrorCode } from './driver-errors.js';
export {
  insertScoreHistory,
  loadFrameworkScores,
  upsertFrameworkScores,
} from './repositories/framework-scores.js';
export {
  archiveInitiatives,
  type InitiativeTitle,
  loadInitiatives,
  loadInitiativeTitles,
  upsertInitiatives,
} from './repositories/initiatives.js';
export { assignLlmCallsToRun, insertLlmCall, type NewLlmCall } from './repositories/llm-calls.js';
export { loadMathModels, upsertMathModels } from './repositories/math-models.js';
export { loadParams, upsertParams } from './repositories/params.js';
export {
  type HistoryPoint,
  insertRankHistory,
  loadLatestRanks,
  loadRankHistory,
  loadRanksAfterRuns,
} from './repositories/rank-history.js';
export { loadRowState, upsertRowState } from './repositories/row-state.js';
export {
  acquireRunLock,
  type RunLock,
  type RunLockOptions,
  RunLockTimeoutError,
} from './repositories/run-lock.js';
export {
  failUnfinishedRunRequests,
  finishRunRequest,
  insertRunRequest,
  loadRecentRunRequests,
  loadRunRequest,
  markRunRequestRunning,
  type RunRequestEnding,
} from './repositories/run-requests.js';
export { insertRun } from './repositories/runs.js';
export { loadScoreHistory } from './repositories/score-history.js';
export {
  MAX_SEQUENCE_VALUE,
  raiseSequence,
  readSequence,
  reserveSequence,
} from './repositories/sequences.js';
export { loadWarnings, type NewWarning, replaceWarnings } from './repositories/warnings.js';
export type * from './schema.js';
export { type DbHandle, type DbTransaction, withTransaction } from './transaction.js';
