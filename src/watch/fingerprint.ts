/**
 * A workbook's fingerprint: a short text that changes when what a run reads changes, taken as
 * cheaply as the workbook's kind allows. The watcher compares fingerprints; it never parses them.
 *
 * - .xlsx: one `stat` per check. Only when the size or the modification time moved is the file read
 *   and hashed (SHA-1 of its bytes, like the store's own version stamp), so a save that changes no
 *   byte (opened and saved, a sync tool touching it) is no change, and an idle check reads nothing.
 * - Google: the Sheets API has no revision number or modified time for a spreadsheet
 *   (`spreadsheets.get` describes tabs and grids, which a typed cell does not change), and a read of
 *   one small range misses edits everywhere else. Drive's `modifiedTime` would answer in one small
 *   request, but needs a Drive scope (`drive.metadata.readonly`) on top of the `spreadsheets` scope
 *   that productops asks for, and it also moves for edits a run ignores (formats, helper tabs). So a
 *   check reads, through the same store a run uses, exactly the tabs a run reads: one
 *   `spreadsheets.get` (tab properties only, a small `fields` mask) and one `values.batchGet` of
 *   those tabs, and hashes the values. Google's quota counts requests, not bytes ("Sheets API usage
 *   limits": 60 read requests per minute per user), so a check costs 2 reads per spreadsheet
 *   whatever the size of the tabs, and sees every edit a run would act on, and nothing else.
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import type { Config } from '../config/index.js';
import { ConfigError, WorkbookError } from '../shared/errors.js';
import { createSheetStore, type SheetStore, sameWorkbook, type WorkbookLocation } from '../sheets/index.js';

export interface WorkbookFingerprinter {
  /** How a person recognises the workbook in a message: a path or a spreadsheet id. */
  readonly label: string;
  /** Sheets API read requests one fingerprint costs (0 for a local file): the quota line at start. */
  readonly readsPerCheck: number;
  /** Changes when a cell a run reads changes; throws a WorkbookError when the workbook cannot be read. */
  fingerprint(): Promise<string>;
}

/** A workbook the watcher checks, with the tabs a run reads from it. */
export interface WatchedWorkbook {
  location: WorkbookLocation;
  tabs: string[];
}

/** The configured workbooks, once each: when both settings name one workbook it is checked once. */
export function watchedWorkbooks(config: Config): WatchedWorkbook[] {
  const { backlog, productOps } = config;
  const productOpsTabs = [productOps.tabs.scoring, productOps.tabs.mathModels, productOps.tabs.params];
  if (sameWorkbook(backlog, productOps)) {
    return [{ location: backlog, tabs: [backlog.tab, ...productOpsTabs] }];
  }
  return [
    { location: backlog, tabs: [backlog.tab] },
    { location: productOps, tabs: productOpsTabs },
  ];
}

/** `baseDir`: a file inside it is labelled by its path from there (`workbooks/productops.xlsx`). */
export async function createFingerprinter(
  workbook: WatchedWorkbook,
  env: NodeJS.ProcessEnv,
  baseDir: string,
): Promise<WorkbookFingerprinter> {
  const { location } = workbook;
  switch (location.kind) {
    case 'xlsx': {
      const shown = relative(baseDir, location.path);
      const label = shown.startsWith('..') || isAbsolute(shown) ? location.path : shown;
      return createFileFingerprinter(location.path, label);
    }
    case 'google':
      return createStoreFingerprinter(await createSheetStore(location, env), workbook.tabs, GOOGLE_READS);
    default: {
      const never: never = location;
      throw new ConfigError(`unknown workbook kind ${(never as { kind: string }).kind}`);
    }
  }
}

/** A Google check: `spreadsheets.get` (the tab list) and one `values.batchGet` (GoogleSheetStore.read). */
const GOOGLE_READS = 2;

const sha1 = (data: string | Buffer) => createHash('sha1').update(data).digest('hex');

/**
 * A local file: trusts an unchanged size and modification time (as make and rsync do), and hashes
 * the bytes only when one of them moved.
 */
export function createFileFingerprinter(path: string, label: string = path): WorkbookFingerprinter {
  let known: { size: number; mtimeMs: number; hash: string } | null = null;
  return {
    label,
    readsPerCheck: 0,
    async fingerprint() {
      try {
        const info = await stat(path);
        if (known && known.size === info.size && known.mtimeMs === info.mtimeMs) return known.hash;
        // The stamp and the bytes of one open file: a save that replaces it meanwhile is seen next time.
        const handle = await open(path, 'r');
        try {
          const opened = await handle.stat();
          const bytes = await handle.readFile();
          known = { size: bytes.length, mtimeMs: opened.mtimeMs, hash: sha1(bytes) };
          return known.hash;
        } finally {
          await handle.close();
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') {
          throw new WorkbookError(
            `the workbook ${label} does not exist (run 'productops init' to create it)`,
            {
              cause: error,
            },
          );
        }
        throw new WorkbookError(`cannot read the workbook ${label}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
  };
}

/** Any store: reads the tabs a run reads and hashes their values (header, rows, row numbers). */
export function createStoreFingerprinter(
  store: SheetStore,
  tabs: string[],
  readsPerCheck: number,
): WorkbookFingerprinter {
  return {
    label: store.label,
    readsPerCheck,
    async fingerprint() {
      const data = await store.read(tabs);
      // Dates become ISO text in JSON; a missing tab is null, so adding it is a change too.
      return sha1(JSON.stringify(tabs.map((tab) => [tab, data.get(tab) ?? null])));
    },
  };
}
