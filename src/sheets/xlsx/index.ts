/**
 * The .xlsx store's front door: the store, and the factory the sheets module's `createSheetStore`
 * uses for a local workbook file.
 */
import { XlsxSheetStore } from './xlsx-sheet-store.js';

export { XlsxSheetStore } from './xlsx-sheet-store.js';

/**
 * A store for the workbook file at `path` (a missing file is created by `ensureTabs`). Reads
 * nothing yet: a missing or damaged file is reported by the first operation, as a `WorkbookError`.
 */
export function createXlsxSheetStore(path: string): XlsxSheetStore {
  return new XlsxSheetStore(path);
}
