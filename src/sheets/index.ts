/**
 * The sheets module's front door: tab descriptions, the store interface, where a workbook is, the
 * tab `init` asks for, and the store factory.
 */
import { ConfigError } from '../shared/errors.js';
import type { SheetStore } from './sheet-store.js';
import type { WorkbookLocation } from './workbook-location.js';
import { createXlsxSheetStore } from './xlsx/index.js';

export { newTab } from './new-tab.js';
export { cellLink, columnLetter, missingColumns, readTable, type Table } from './read-tab.js';
export {
  generatedNumbers,
  hasContent,
  readRows,
  type TabRecord,
  type ValueIssue,
  valueIssues,
} from './rows.js';
export {
  type CellValue,
  type NewTab,
  type SheetStore,
  type TabData,
  type TabRow,
  type TabWrite,
  WorkbookChangedError,
} from './sheet-store.js';
export { sameCell, TabChanges } from './tab-changes.js';
export * from './tabs.js';
export { sameWorkbook, type WorkbookLocation } from './workbook-location.js';
export { XlsxSheetStore } from './xlsx/index.js';

/**
 * The store for a configured workbook. Google's client is loaded only when a Google workbook is
 * configured (it adds a third of a second to every start).
 */
export async function createSheetStore(
  location: WorkbookLocation,
  env: NodeJS.ProcessEnv,
): Promise<SheetStore> {
  switch (location.kind) {
    case 'xlsx':
      return createXlsxSheetStore(location.path);
    case 'google': {
      const { createGoogleSheetStore } = await import('./google/index.js');
      return createGoogleSheetStore(location.spreadsheetId, env);
    }
    default: {
      const never: never = location;
      throw new ConfigError(`unknown workbook kind ${(never as { kind: string }).kind}`);
    }
  }
}
