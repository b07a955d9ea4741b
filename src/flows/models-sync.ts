/**
 * Flow 4 MathModels sync. `runModelsSync` reads every model row into its initiative, appends a
 * row for each `use_math_model` initiative that has none, names unnamed models once, and keeps
 * `version`: 1 on first approval, +1 whenever an approved formula_text_final changes. After
 * scoring, `runModelsWrite` puts each model's formula_status and computed_value on its row.
 */

import type { BoardModel, Scoreboard } from '../scoring/index.js';
import type { MathModelsTab, TabRecord, TabRow } from '../sheets/index.js';
import type { FlowReport, Ledger } from './ledger.js';

const FLOW = 'models sync' as const;

const defaultModelName = (key: string, n = 1) => `${key}_MATH_MODEL_V${n}`;
export const modelRowKey = (key: string, name: string) => `${key}|${name}`;

export function runModelsSync(board: Scoreboard, ledger: Ledger): FlowReport {
  const records = ledger.records('mathModels');
  const report = ledger.report(FLOW);
  report.rowsRead = records.length;

  const seen = new Map<string, TabRow[]>();
  const named = new Set(records.map((r) => modelRowKey(r.initiative_key, r.model_name)));
  const rows: { record: TabRecord<MathModelsTab>; key: string; name: string }[] = [];
  for (const r of records) {
    const key = ledger.keyOrWarn(FLOW, 'mathModels', r.row, r.initiative_key);
    if (key === null) continue;
    if (!board.initiatives.has(key)) {
      const message = `initiative_key '${key}' is not on the Central Backlog; this model is not used`;
      // Archived (its Backlog row deleted): said once by backlog sync.
      if (!board.archived.has(key))
        ledger.warn(FLOW, { ...ledger.at('mathModels', r.row, 'initiative_key'), key, message });
      ledger.setBackendCell(
        FLOW,
        'mathModels',
        r.row,
        `${key}@${r.row.rowNumber}`,
        'formula_status',
        message,
      );
      continue;
    }
    let name = r.model_name;
    if (name === '') {
      // Named once: the first free <key>_MATH_MODEL_Vn.
      let n = 1;
      while (named.has(modelRowKey(key, defaultModelName(key, n)))) n += 1;
      name = defaultModelName(key, n);
      named.add(modelRowKey(key, name));
      ledger.set(FLOW, 'mathModels', r.row, 'model_name', name);
    }
    const id = modelRowKey(key, name);
    seen.set(id, [...(seen.get(id) ?? []), r.row]);
    rows.push({ record: r, key, name });
  }

  for (const { record: r, key, name } of rows) {
    const initiative = board.initiatives.get(key)!;
    const rowKey = `${key}/${name}`;
    ledger.setBackendCell(FLOW, 'mathModels', r.row, rowKey, 'framework', 'MATH_MODEL');
    const duplicates = seen.get(modelRowKey(key, name))!;
    if (duplicates.length > 1) {
      const message = `model '${name}' of ${key} is on rows ${duplicates.map((d) => d.rowNumber).join(', ')}: give each model its own model_name`;
      ledger.warn(FLOW, { ...ledger.at('mathModels', r.row, 'model_name'), key: rowKey, message });
      ledger.setBackendCell(FLOW, 'mathModels', r.row, rowKey, 'formula_status', message);
      continue;
    }
    for (const column of ['formula_text_approved', 'is_primary'] as const) {
      const parsed = r[column];
      if (parsed.kind === 'bad') {
        ledger.warn(FLOW, {
          ...ledger.at('mathModels', r.row, column),
          key: rowKey,
          message: `${column}: ${parsed.message}; read as FALSE (tick the box, or write TRUE or FALSE)`,
        });
      }
    }
    const approved = r.formula_text_approved;
    const primary = r.is_primary;
    const model: BoardModel = {
      name,
      formulaText: r.formula_text_final,
      approved: approved.kind === 'ok' && approved.value,
      isPrimary: primary.kind === 'ok' && primary.value,
      version: null,
    };
    model.version = nextVersion(ledger, key, model, r);
    if (model.version !== null)
      ledger.setBackendCell(FLOW, 'mathModels', r.row, rowKey, 'version', model.version);
    initiative.models.push(model);
    ledger.modelRows.set(modelRowKey(key, name), r.row);
    ledger.modelRecords.set(modelRowKey(key, name), r);
  }

  for (const i of board.initiatives.values()) {
    if (!i.useMathModel || i.models.length > 0) continue;
    if (rows.some((r) => r.key === i.key)) continue; // it has rows, all of them broken: reported above
    const name = defaultModelName(i.key);
    const row = ledger.append(FLOW, 'mathModels', {
      initiative_key: i.key,
      framework: 'MATH_MODEL',
      model_name: name,
      formula_status: 'Not approved',
    });
    i.models.push({ name, formulaText: '', approved: false, isPrimary: false, version: null });
    ledger.modelRows.set(modelRowKey(i.key, name), row);
  }
  return report;
}

/** The version the row should show: remembered, adopted from the sheet, or counted up. */
function nextVersion(
  ledger: Ledger,
  key: string,
  model: BoardModel,
  record: TabRecord<MathModelsTab>,
): number | null {
  const sheet = record.version;
  const sheetVersion = sheet.kind === 'ok' && Number.isInteger(sheet.value) ? sheet.value : null;
  const memory = ledger.memory.models.get(modelRowKey(key, model.name));
  if (!model.approved || model.formulaText.trim() === '') return memory?.version ?? sheetVersion;
  if (!memory || memory.approvedFormulaText === null) {
    // Nothing remembered (first approval, or a fresh database): adopt what the sheet shows.
    return sheetVersion ?? memory?.version ?? 1;
  }
  if (memory.approvedFormulaText === model.formulaText) return memory.version ?? sheetVersion ?? 1;
  return (memory.version ?? sheetVersion ?? 0) + 1;
}

/** Each model's formula_status and computed_value, after scoring. */
export function runModelsWrite(board: Scoreboard, ledger: Ledger): FlowReport {
  for (const i of board.initiatives.values()) {
    for (const m of i.models) {
      const row = ledger.modelRows.get(modelRowKey(i.key, m.name))!;
      const rowKey = `${i.key}/${m.name}`;
      const status = (!m.approved && m.suggestFailure) || (m.outcome?.status ?? 'Not approved');
      ledger.setBackendCell(FLOW, 'mathModels', row, rowKey, 'formula_status', status);
      ledger.setBackendCell(
        FLOW,
        'mathModels',
        row,
        rowKey,
        'computed_value',
        m.outcome?.computedValue ?? null,
      );
    }
  }
  return ledger.report(FLOW);
}
