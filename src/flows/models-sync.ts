/**
 * Flow 4 MathModels sync. Reads every model row into its initiative, appends a row for each
 * `use_math_model` initiative that has none, names unnamed models once, and keeps `version`:
 * 1 on first approval, +1 whenever an approved formula_text_final changes. After scoring,
 * `writeModels` puts each model's formula_status and computed_value on its row.
 */

import { cellText, isBlank, parseBoolean, parseNumber } from '../shared/values.js';
import { cell } from '../sheets/read-tab.js';
import type { TabRow } from '../sheets/sheet-store.js';
import {
  at,
  changesFor,
  keyOrWarn,
  type ModelRef,
  type RunContext,
  setBackendCell,
  step,
  warn,
} from './context.js';

const FLOW = 'models sync' as const;

export const defaultModelName = (key: string, n = 1) => `${key}_MATH_MODEL_V${n}`;
export const modelRowKey = (key: string, name: string) => `${key}|${name}`;

export function syncModels(ctx: RunContext): void {
  const table = ctx.tables.mathModels!;
  const changes = changesFor(ctx, 'mathModels')!;
  const report = step(ctx, FLOW);
  report.rowsRead = table.rows.length;

  const seen = new Map<string, TabRow[]>();
  const named = new Set(
    table.rows.map((r) =>
      modelRowKey(cellText(cell(table, r, 'initiative_key')), cellText(cell(table, r, 'model_name'))),
    ),
  );
  const rows: { row: TabRow; key: string; name: string }[] = [];
  for (const row of table.rows) {
    const key = keyOrWarn(ctx, FLOW, table, row);
    if (key === null) continue;
    const initiative = ctx.initiatives.get(key);
    if (!initiative) {
      const message = `initiative_key '${key}' is not on the Central Backlog; this model is not used`;
      // Archived (its Backlog row deleted): said once by backlog sync.
      if (!ctx.archived.has(key)) warn(ctx, FLOW, { ...at(table, row, 'initiative_key'), key, message });
      setBackendCell(ctx, FLOW, 'mathModels', row, `${key}@${row.rowNumber}`, 'formula_status', message);
      continue;
    }
    let name = cellText(cell(table, row, 'model_name'));
    if (name === '') {
      // Named once: the first free <key>_MATH_MODEL_Vn.
      let n = 1;
      while (named.has(modelRowKey(key, defaultModelName(key, n)))) n += 1;
      name = defaultModelName(key, n);
      named.add(modelRowKey(key, name));
      changes.set(row, 'model_name', name, FLOW);
    }
    const id = modelRowKey(key, name);
    seen.set(id, [...(seen.get(id) ?? []), row]);
    rows.push({ row, key, name });
  }

  for (const { row, key, name } of rows) {
    const initiative = ctx.initiatives.get(key)!;
    const id = modelRowKey(key, name);
    const rowKey = `${key}/${name}`;
    setBackendCell(ctx, FLOW, 'mathModels', row, rowKey, 'framework', 'MATH_MODEL');
    const duplicates = seen.get(id)!;
    if (duplicates.length > 1) {
      const message = `model '${name}' of ${key} is on rows ${duplicates.map((r) => r.rowNumber).join(', ')}: give each model its own model_name`;
      warn(ctx, FLOW, { ...at(table, row, 'model_name'), key: rowKey, message });
      setBackendCell(ctx, FLOW, 'mathModels', row, rowKey, 'formula_status', message);
      continue;
    }
    const approvedCell = parseBoolean(cell(table, row, 'formula_text_approved'));
    const primaryCell = parseBoolean(cell(table, row, 'is_primary'));
    for (const [column, parsed] of [
      ['formula_text_approved', approvedCell],
      ['is_primary', primaryCell],
    ] as const) {
      if (parsed.kind === 'bad') {
        warn(ctx, FLOW, {
          ...at(table, row, column),
          key: rowKey,
          message: `${column}: ${parsed.message}; read as FALSE (tick the box, or write TRUE or FALSE)`,
        });
      }
    }
    const model: ModelRef = {
      row,
      name,
      formulaText: cellText(cell(table, row, 'formula_text_final')),
      approved: approvedCell.kind === 'ok' && approvedCell.value,
      isPrimary: primaryCell.kind === 'ok' && primaryCell.value,
      version: null,
    };
    model.version = nextVersion(ctx, key, model);
    if (model.version !== null)
      setBackendCell(ctx, FLOW, 'mathModels', row, rowKey, 'version', model.version);
    initiative.models.push(model);
  }

  for (const i of ctx.initiatives.values()) {
    if (!i.useMathModel || i.models.length > 0) continue;
    if (rows.some((r) => r.key === i.key)) continue; // it has rows, all of them broken: reported above
    const name = defaultModelName(i.key);
    const row = changes.append(
      { initiative_key: i.key, framework: 'MATH_MODEL', model_name: name, formula_status: 'Not approved' },
      FLOW,
    );
    i.models.push({ row, name, formulaText: '', approved: false, isPrimary: false, version: null });
  }
}

/** The version the row should show: remembered, adopted from the sheet, or counted up. */
function nextVersion(ctx: RunContext, key: string, model: ModelRef): number | null {
  const table = ctx.tables.mathModels!;
  const sheet = parseNumber(cell(table, model.row, 'version'));
  const sheetVersion = sheet.kind === 'ok' && Number.isInteger(sheet.value) ? sheet.value : null;
  const memory = ctx.memory.models.get(modelRowKey(key, model.name));
  if (!model.approved || isBlank(model.formulaText)) return memory?.version ?? sheetVersion;
  if (!memory || memory.approvedFormulaText === null) {
    // Nothing remembered (first approval, or a fresh database): adopt what the sheet shows.
    return sheetVersion ?? memory?.version ?? 1;
  }
  if (memory.approvedFormulaText === model.formulaText) return memory.version ?? sheetVersion ?? 1;
  return (memory.version ?? sheetVersion ?? 0) + 1;
}

export function writeModels(ctx: RunContext): void {
  for (const i of ctx.initiatives.values()) {
    for (const m of i.models) {
      const rowKey = `${i.key}/${m.name}`;
      const status = (!m.approved && m.suggestFailure) || (m.outcome?.status ?? 'Not approved');
      setBackendCell(ctx, FLOW, 'mathModels', m.row, rowKey, 'formula_status', status);
      setBackendCell(
        ctx,
        FLOW,
        'mathModels',
        m.row,
        rowKey,
        'computed_value',
        m.outcome?.computedValue ?? null,
      );
    }
  }
}
