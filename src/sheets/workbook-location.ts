/** Where a workbook is: a local .xlsx file or a Google spreadsheet (config `backlog`, `productOps`). */
import { resolve } from 'node:path';
import { ConfigError } from '../shared/errors.js';

export type WorkbookLocation = { kind: 'xlsx'; path: string } | { kind: 'google'; spreadsheetId: string };

/**
 * Whether two locations name the same workbook, so they share one store: the same file (paths
 * compared once resolved to absolute ones) or the same spreadsheet id.
 */
export function sameWorkbook(a: WorkbookLocation, b: WorkbookLocation): boolean {
  switch (a.kind) {
    case 'xlsx':
      return b.kind === 'xlsx' && resolve(a.path) === resolve(b.path);
    case 'google':
      return b.kind === 'google' && a.spreadsheetId === b.spreadsheetId;
    default: {
      const never: never = a;
      throw new ConfigError(`unknown workbook kind ${(never as { kind: string }).kind}`);
    }
  }
}
