/** Opens what a flow command needs: the config, both workbook stores and the database. */
import { existsSync } from 'node:fs';
import { type Config, loadConfig, loadDotEnv, type WorkbookLocation } from '../../config/config.js';
import { createDatabase, type Database } from '../../db/database.js';
import { createSheetStore } from '../../sheets/index.js';
import type { SheetStore } from '../../sheets/sheet-store.js';
import type { CliIo, GlobalOptions } from '../io.js';

export interface Workspace {
  config: Config;
  backlog: SheetStore;
  productOps: SheetStore;
  database: Database | null;
  close(): Promise<void>;
}

export function workspaceConfig(options: GlobalOptions, io: CliIo): Config {
  loadDotEnv(io.cwd);
  return loadConfig({ path: options.config, cwd: io.cwd, env: io.env });
}

export async function openWorkspace(options: GlobalOptions, io: CliIo): Promise<Workspace> {
  const config = workspaceConfig(options, io);
  const backlog = await createSheetStore(config.backlog, io.env);
  // One store per workbook: when both name the same file or spreadsheet they share it.
  const same = (a: WorkbookLocation, b: WorkbookLocation) =>
    a.kind === 'xlsx'
      ? b.kind === 'xlsx' && a.path === b.path
      : b.kind === 'google' && a.spreadsheetId === b.spreadsheetId;
  const productOps = same(config.backlog, config.productOps)
    ? backlog
    : await createSheetStore(config.productOps, io.env);
  // A dry run writes nothing, not even a new database file: without one it starts from no memory.
  const url = config.database.url;
  const missingSqlite =
    url.startsWith('sqlite:') && url !== 'sqlite::memory:' && !existsSync(url.slice('sqlite:'.length));
  const database =
    options.dryRun && missingSqlite ? null : await createDatabase(url, { baseDir: config.baseDir });
  return {
    config,
    backlog,
    productOps,
    database,
    close: async () => {
      await database?.close();
    },
  };
}
