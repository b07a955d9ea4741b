import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sameWorkbook, type WorkbookLocation } from '../../src/sheets/index.js';

const xlsx = (path: string): WorkbookLocation => ({ kind: 'xlsx', path });
const google = (spreadsheetId: string): WorkbookLocation => ({ kind: 'google', spreadsheetId });

describe('sameWorkbook', () => {
  it('compares files by their resolved absolute paths', () => {
    const absolute = join(process.cwd(), 'workbooks', 'backlog.xlsx');
    expect(sameWorkbook(xlsx(absolute), xlsx(absolute))).toBe(true);
    expect(sameWorkbook(xlsx(absolute), xlsx(relative(process.cwd(), absolute)))).toBe(true);
    expect(
      sameWorkbook(xlsx(absolute), xlsx(join(process.cwd(), 'workbooks', '.', 'x', '..', 'backlog.xlsx'))),
    ).toBe(true);
    expect(sameWorkbook(xlsx(absolute), xlsx(join(process.cwd(), 'workbooks', 'productops.xlsx')))).toBe(
      false,
    );
  });

  it('compares spreadsheets by id', () => {
    expect(sameWorkbook(google('sheet-1'), google('sheet-1'))).toBe(true);
    expect(sameWorkbook(google('sheet-1'), google('sheet-2'))).toBe(false);
  });

  it('never takes a file for a spreadsheet', () => {
    expect(sameWorkbook(xlsx('sheet-1'), google('sheet-1'))).toBe(false);
    expect(sameWorkbook(google('sheet-1'), xlsx('sheet-1'))).toBe(false);
  });
});
