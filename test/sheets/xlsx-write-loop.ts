/**
 * Run as a child process by the crash test in xlsx-sheet-store.test.ts: reads the `Data` tab and
 * writes A2 + 1, again and again, until it is killed.
 * Usage: node --import tsx test/sheets/xlsx-write-loop.ts <workbook.xlsx>
 */
import { XlsxSheetStore } from '../../src/sheets/xlsx/index.js';

const path = process.argv[2];
if (!path) throw new Error('usage: xlsx-write-loop.ts <workbook.xlsx>');
const store = new XlsxSheetStore(path);
for (;;) {
  const data = (await store.read(['Data'])).get('Data');
  const next = Number(data?.rows[0]?.cells[0] ?? 0) + 1;
  await store.write([{ tab: 'Data', updates: [{ row: 2, column: 0, value: next }] }]);
}
