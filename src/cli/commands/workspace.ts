/** Opens what a flow command needs: the config, both workbook stores and the database. */
import { existsSync } from 'node:fs';
import { type Config, loadConfig, loadDotEnv } from '../../config/index.js';
import { createDatabase, type Database, localDatabaseFile } from '../../db/index.js';
import { WorkbookError } from '../../shared/errors.js';
import { createSheetStore, type SheetStore, sameWorkbook } from '../../sheets/index.js';
import type { CliIo, GlobalOptions } from '../io.js';

export interface Workspace {
  config: Config;
  backlog: SheetStore;
  productOps: SheetStore;
  database: Database | null;
  /** Lines for the run summary about how the workspace was opened (a dry run's database). */
  notes: string[];
  close(): Promise<void>;
}

export function workspaceConfig(options: GlobalOptions, io: CliIo): Config {
  loadDotEnv(io.cwd);
  return loadConfig({ path: options.config, cwd: io.cwd, env: io.env });
}

/**
 * `requireWorkbooks`: a missing .xlsx workbook is an error (false for `init`, which creates them).
 * `database`: an open database to use instead of opening the config's, left open by `close()`
 * (the server's own: on SQLite, a second connection in the same process would block the process
 * while the run's transaction is open, instead of waiting for it).
 */
export async function openWorkspace(
  options: GlobalOptions,
  io: CliIo,
  { requireWorkbooks = true, database: shared }: { requireWorkbooks?: boolean; database?: Database } = {},
): Promise<Workspace> {
  const config = workspaceConfig(options, io);
  const backlog = await createSheetStore(config.backlog, io.env);
  // One store per workbook: when both name the same file or spreadsheet they share it.
  const productOps = sameWorkbook(config.backlog, config.productOps)
    ? backlog
    : await createSheetStore(config.productOps, io.env);
  // A missing local workbook stops the command before anything is created, a database file included.
  for (const location of [config.backlog, config.productOps]) {
    if (requireWorkbooks && location.kind === 'xlsx' && !existsSync(location.path)) {
      throw new WorkbookError(
        `the workbook ${location.path} does not exist (run 'productops init' to create it)`,
      );
    }
  }
  const notes: string[] = [];
  const url = config.database.url;
  let database: Database | null;
  if (shared) {
    database = shared;
  } else if (options.dryRun) {
    // A dry run writes nothing: no new database file, no migration. Without a usable database it
    // starts from no memory, and says why.
    const file = localDatabaseFile(url, config.baseDir);
    const missingSqlite = file !== null && !existsSync(file);
    database = missingSqlite ? null : await createDatabase(url, { baseDir: config.baseDir, readOnly: true });
    if (database && database.pendingMigrations.length > 0) {
      const pending = database.pendingMigrations;
      notes.push(
        `The database ${database.displayUrl} needs ${pending.length === 1 ? 'a migration' : `${pending.length} migrations`} (${pending.join(', ')}) that a run without --dry-run applies; this dry run starts from no memory.`,
      );
      await database.close();
      database = null;
    }
  } else {
    database = await createDatabase(url, { baseDir: config.baseDir });
  }
  return {
    config,
    backlog,
    productOps,
    database,
    notes,
    close: async () => {
      if (database !== shared) await database?.close();
    },
  };
}
