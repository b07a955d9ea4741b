/**
 * The two sample workbooks `productops demo` writes (CLI.md): a Central Backlog (tab Backlog) and a
 * ProductOps workbook (tabs Scoring_Inputs, MathModels, Params) for "Northwind Cloud", a mid-size
 * SaaS company selling a B2B workspace with a B2C web shop and mobile apps.
 *
 * The rows live in data/, one JSON file per tab (data/README.md says what the demo shows and which
 * problems are planted on purpose). This file only loads them: every tab gets all of its columns
 * (src/sheets/tabs.ts, in that order), a column a row does not name is empty.
 */

import { backlogTab, mathModelsTab, paramsTab, scoringTab, type TabSpec } from '../sheets/index.js';
import backlogFile from './data/backlog.json' with { type: 'json' };
import mathModelsFile from './data/math-models.json' with { type: 'json' };
import paramsFile from './data/params.json' with { type: 'json' };
import scoringFile from './data/scoring-inputs.json' with { type: 'json' };

export type DemoCell = string | number | boolean | null;
export type DemoTab = { headers: string[]; rows: DemoCell[][] };
export type DemoTabName = 'Backlog' | 'Scoring_Inputs' | 'MathModels' | 'Params';

export interface DemoWorkbooks {
  backlog: DemoTab;
  scoring: DemoTab;
  mathModels: DemoTab;
  params: DemoTab;
}

/** A key that is a comment for the reader of a data file, not a column. */
const COMMENT = '//';

const isCell = (v: unknown): v is DemoCell =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * One data row in the tab's column order. A cell given as a list of strings is a multi-line cell
 * (a formula), one string per line. A name that is not a column of the tab is a bug.
 */
function cell(tab: TabSpec, name: string, value: unknown): DemoCell {
  if (isCell(value)) return value;
  if (Array.isArray(value) && value.every((line) => typeof line === 'string')) return value.join('\n');
  throw new Error(`demo data: ${tab.defaultName}.${name} is neither a cell nor a list of lines`);
}

function loadTab(tab: TabSpec, file: { tab: string; rows: readonly object[] }): DemoTab {
  if (file.tab !== tab.defaultName) {
    throw new Error(`demo data: the file for ${tab.defaultName} says it holds ${file.tab}`);
  }
  const headers = tab.columns.map((c) => c.name);
  const rows = file.rows.map((data) => {
    const cells: Record<string, unknown> = { ...data };
    delete cells[COMMENT];
    for (const name of Object.keys(cells)) {
      if (!headers.includes(name))
        throw new Error(`demo data: '${name}' is not a column of ${tab.defaultName}`);
    }
    return headers.map((name) => (name in cells ? cell(tab, name, cells[name]) : null));
  });
  return { headers, rows };
}

/** The content of the two sample workbooks; a fresh copy on every call. */
export function demoWorkbooks(): DemoWorkbooks {
  return {
    backlog: loadTab(backlogTab, backlogFile),
    scoring: loadTab(scoringTab, scoringFile),
    mathModels: loadTab(mathModelsTab, mathModelsFile),
    params: loadTab(paramsTab, paramsFile),
  };
}
