/**
 * The few named errors that cross module boundaries. Infrastructure failures (config, sheets,
 * database, LLM) are wrapped into these where the library is called, keeping `cause`; only
 * `cli/` turns them into messages and exit codes. A person's mistake inside a sheet or a formula
 * is never an exception: it is a value in a report.
 */

/** The command line was used wrongly: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Something the run needs is unusable (config, workbook, database, LLM): exit code 1. */
export class ProductOpsError extends Error {
  override readonly name: string = 'ProductOpsError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class ConfigError extends ProductOpsError {
  override readonly name = 'ConfigError';
}

export class WorkbookError extends ProductOpsError {
  override readonly name = 'WorkbookError';
}

export class DatabaseError extends ProductOpsError {
  override readonly name = 'DatabaseError';
}

export class LlmError extends ProductOpsError {
  override readonly name = 'LlmError';
}
