/** The sheets module's front door: tab descriptions, the store interface, and the store factory. */
import type { WorkbookLocation } from '../config/config.js';
import { ConfigError } from '../shared/errors.js';
import type { SheetStore } from './sheet-store.js';
import { XlsxSheetStore } from './xlsx/xlsx-sheet-store.js';

export type { SheetStore, TabData, TabWrite } from './sheet-store.js';
export * from './tabs.js';

export function createSheetStore(location: WorkbookLocation): SheetStore {
  switch (location.kind) {
    case 'xlsx':
      return new XlsxSheetStore(location.path);
    case 'google':
      throw new ConfigError(
        `Google Sheets workbooks (spreadsheet ${location.spreadsheetId}) are not supported by this version yet: use "kind": "xlsx"`,
      );
    default: {
      const never: never = location;
      throw new ConfigError(`unknown workbook kind ${(never as { kind: string }).kind}`);
    }
  }
}
