/** The sheets module's front door: tab descriptions, the store interface, and the store factory. */
import type { WorkbookLocation } from '../config/config.js';
import { ConfigError } from '../shared/errors.js';
import type { SheetStore } from './sheet-store.js';
import { XlsxSheetStore } from './xlsx/xlsx-sheet-store.js';

export type { SheetStore, TabData, TabWrite } from './sheet-store.js';
export * from './tabs.js';

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
      return new XlsxSheetStore(location.path);
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
