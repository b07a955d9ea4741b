/**
 * The watch module's front door: check the configured workbooks cheaply and run when one changed
 * (`productops watch`, and the server's `--watch`). `watchWorkbooks` is the whole thing for a
 * config; `startWatcher` is the timing alone, for any fingerprints and any run.
 */
import type { Config } from '../config/index.js';
import { createFingerprinter, type WorkbookFingerprinter, watchedWorkbooks } from './fingerprint.js';
import { quotaLine, quotaWarning } from './quota.js';
import { defaultDebounce, startWatcher, type Watcher, type WatcherOptions } from './watcher.js';

export { DEFAULT_EVERY, formatDuration, MAX_EVERY_MS, MIN_EVERY_MS, parseEvery } from './duration.js';
export {
  createFileFingerprinter,
  createFingerprinter,
  createStoreFingerprinter,
  type WatchedWorkbook,
  type WorkbookFingerprinter,
  watchedWorkbooks,
} from './fingerprint.js';
export { GOOGLE_READS_PER_MINUTE, quotaLine, quotaWarning } from './quota.js';
export {
  defaultDebounce,
  type Fingerprinted,
  MAX_DEBOUNCE_MS,
  realClock,
  startWatcher,
  type WatchClock,
  type WatchEvent,
  type Watcher,
  type WatcherOptions,
} from './watcher.js';

export interface WorkbookWatchOptions extends Omit<WatcherOptions, 'workbooks' | 'baseline'> {
  config: Config;
  /** Where Google settings come from (GOOGLE_SHEETS_ROOT_URL, credentials), as for a run. */
  env: NodeJS.ProcessEnv;
}

export interface WorkbookWatch extends Watcher {
  /** The workbooks checked, each once. */
  workbooks: WorkbookFingerprinter[];
  /** The debounce in effect. */
  debounce: number;
  /** What the checks cost, for a line at start (`checks every 2m: no API quota (local files)`). */
  quota: string;
  /** Set when the checks alone would use much of Google's read quota. */
  quotaWarning?: string;
}

/**
 * Starts watching the config's workbooks. Their first fingerprints are taken before it returns,
 * so a workbook that is missing or unreachable throws here (a WorkbookError) instead of being
 * retried in the background.
 */
export async function watchWorkbooks(options: WorkbookWatchOptions): Promise<WorkbookWatch> {
  const { config, env, ...timing } = options;
  const workbooks: WorkbookFingerprinter[] = [];
  const baseline: string[] = [];
  // One after the other: when both are missing, the message names the first, the Backlog.
  for (const workbook of watchedWorkbooks(config)) {
    const fingerprinter = await createFingerprinter(workbook, env, config.baseDir);
    workbooks.push(fingerprinter);
    baseline.push(await fingerprinter.fingerprint());
  }
  const debounce = timing.debounce ?? defaultDebounce(timing.every);
  const watcher = startWatcher({ ...timing, debounce, workbooks, baseline });
  const warning = quotaWarning(timing.every, workbooks);
  return {
    ...watcher,
    workbooks,
    debounce,
    quota: quotaLine(timing.every, debounce, workbooks),
    ...(warning === undefined ? {} : { quotaWarning: warning }),
  };
}
