/**
 * Each tab is parsed once, from its description, into typed records: a field per column, of the
 * column's type, named by its literal name (a typo does not compile), and an issue per bad value.
 */
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/flows/ledger.js';
import { emptyMemory } from '../../src/flows/memory.js';
import { DEFAULT_FRAMEWORKS } from '../../src/scoring/index.js';
import { readTable, type Table } from '../../src/sheets/read-tab.js';
import { generatedNumbers, readRows, valueIssues } from '../../src/sheets/rows.js';
import type { CellValue, TabData } from '../../src/sheets/sheet-store.js';
import { mathModelsTab, paramsTab, type TabSpec, tabsFor } from '../../src/sheets/tabs.js';
import { ice } from '../fixtures/ice.js';

function table<S extends TabSpec>(spec: S, name: string, header: string[], ...rows: CellValue[][]): Table<S> {
  const data: TabData = {
    name,
    header,
    rows: rows.map((cells, i) => ({ rowNumber: i + 2, cells })),
    lastRow: rows.length + 1,
  };
  const { table, errors } = readTable(spec, name, data, 'test.xlsx');
  expect(errors).toEqual([]);
  return table!;
}

describe('readRows', () => {
  it('gives each column a field of its declared type, found by header, aliases included', () => {
    const params = table(
      paramsTab,
      'Params',
      ['Initiative Key', 'param_name', 'value', 'approved', 'min'],
      ['INIT-000001', ' churn ', '4%', 'yes', null],
    );
    const [r] = readRows(params);
    expect(r!.initiative_key).toBe('INIT-000001');
    expect(r!.param_name).toBe('churn');
    expect(r!.value).toEqual({ kind: 'ok', value: 0.04 });
    expect(r!.approved).toEqual({ kind: 'ok', value: true });
    expect(r!.min).toEqual({ kind: 'blank' });
    // A column the tab lacks reads as blank.
    expect(r!.notes).toBe('');
    expect(r!.row.rowNumber).toBe(2);
    // @ts-expect-error a column the Params tab does not have: a typo does not compile
    expect(r!.valeu).toBeUndefined();
  });

  it('reports each bad value with its tab, row and column, and keeps reading', () => {
    const models = table(
      mathModelsTab,
      'MathModels',
      ['initiative_key', 'formula_text_final', 'formula_text_approved', 'version'],
      ['INIT-000001', 'value = a', 'maybe', 'two'],
      ['INIT-000002', 'value = b', true, 3],
    );
    const records = readRows(models);
    const issues = valueIssues(models);
    expect(records.map((r) => r.formula_text_approved.kind)).toEqual(['bad', 'ok']);
    expect(records[1]!.version).toEqual({ kind: 'ok', value: 3 });
    expect(issues).toEqual([
      {
        tab: 'MathModels',
        row: 2,
        column: 'formula_text_approved',
        message: "formula_text_approved: 'maybe' is not TRUE or FALSE",
      },
      { tab: 'MathModels', row: 2, column: 'version', message: "version: 'two' is not a number" },
    ]);
  });

  it('reads framework cells by the run’s framework list, and its inputs by the framework’s columns', () => {
    const tabs = tabsFor([...DEFAULT_FRAMEWORKS, ice]);
    const scoring = table(
      tabs.scoring,
      'Scoring_Inputs',
      ['initiative_key', 'active_scoring_framework', 'ice_impact', 'ice_ease'],
      ['INIT-000001', ' ice ', '8', 'lots'],
    );
    const [r] = readRows(scoring);
    expect(r!.active_scoring_framework).toEqual({ kind: 'ok', value: 'ICE' });
    expect(generatedNumbers(r!, ['ice_impact', 'ice_confidence', 'ice_ease'])).toEqual({
      ice_impact: { kind: 'ok', value: 8 },
      ice_confidence: { kind: 'blank' },
      ice_ease: { kind: 'bad', message: "'lots' is not a number" },
    });
    // Without ICE in the list, the same cell is an unknown framework.
    const defaults = table(
      tabsFor(DEFAULT_FRAMEWORKS).scoring,
      'Scoring_Inputs',
      ['initiative_key', 'active_scoring_framework'],
      ['INIT-000001', 'ice'],
    );
    expect(readRows(defaults)[0]!.active_scoring_framework).toEqual({
      kind: 'bad',
      message: "unknown framework 'ice' (use RICE, WSJF or MATH_MODEL)",
    });
  });
});

describe('the change ledger', () => {
  it('reads and sets cells by column names the tab’s description has, checked when compiled', () => {
    const tabs = tabsFor(DEFAULT_FRAMEWORKS);
    const ledger = new Ledger(
      {
        backlog: table(tabs.backlog, 'Backlog', ['initiative_key', 'title']),
        scoring: table(tabs.scoring, 'Scoring_Inputs', ['initiative_key']),
        mathModels: table(mathModelsTab, 'MathModels', [
          'initiative_key',
          'formula_text_final',
          'formula_text_approved',
        ]),
        params: table(
          paramsTab,
          'Params',
          ['initiative_key', 'param_name', 'value', 'approved'],
          ['INIT-000001', 'a', 5, true],
        ),
      },
      emptyMemory(),
      new Set(['params sync']),
      '2026-01-05T09:00:00.000Z',
    );
    const row = ledger.tables.params.rows[0]!;
    expect(ledger.current('params', row, 'value')).toBe(5);
    // @ts-expect-error 'valeu' is no Params column
    expect(() => ledger.current('params', row, 'valeu')).toThrow(/has no column valeu/);
    expect(
      ledger.setBackendCell('params sync', 'params', row, 'INIT-000001/MATH_MODEL/a', 'param_status', 'OK'),
    ).toBe(true);
    expect(ledger.current('params', row, 'param_status')).toBe('OK');
    expect(ledger.original('params', row, 'param_status')).toBeNull();
    // The change is tagged with its flow: a command without that flow writes nothing.
    expect(ledger.changes.params.toWrite(new Set(['params seed'])).write).toBeNull();
    expect(ledger.changes.params.toWrite(new Set(['params sync'])).cells).toBe(1);
  });
});
