export { XlsxSheetStore } from './xlsx-sheet-store.js';
