/**
 * Flow 4 params: `readParams` reads the Params tab (duplicates make a key unusable),
 * `seedParams` appends one row per input name of an approved formula that has none (metadata from
 * the LLM when configured, guessed from the name otherwise; `source` is the likely owner, and where
 * the metadata came from is remembered in the database), and `writeParams` keeps the backend
 * cells: used_in_formula, last_updated_at and param_status.
 */

import { heuristicMetadata, type ParamMetadata } from '../llm/param-metadata.js';
import { parseFramework } from '../scoring/registry.js';
import { cellText, FormulaWithoutResult, NUMBER_HINT, parseBoolean, parseNumber } from '../shared/values.js';
import { cell } from '../sheets/read-tab.js';
import { at, changesFor, type ParamRef, type RunContext, setBackendCell, step, warn } from './context.js';

export const paramKey = (key: string, framework: string, name: string) => `${key}|${framework}|${name}`;
const rowKeyOf = (p: { key: string; framework: string; name: string }) => `${p.key}/${p.framework}/${p.name}`;

export function readParams(ctx: RunContext): void {
  const table = ctx.tables.params!;
  const report = step(ctx, 'params sync');
  report.rowsRead = table.rows.length;
  const groups = new Map<string, ParamRef[]>();
  for (const row of table.rows) {
    const key = cellText(cell(table, row, 'initiative_key'));
    const name = cellText(cell(table, row, 'param_name'));
    const fw = parseFramework(cell(table, row, 'framework'));
    if (key === '' || name === '') {
      const column = key === '' ? 'initiative_key' : 'param_name';
      warn(ctx, 'params sync', {
        ...at(table, row, column),
        key: key || null,
        message: `This row has no ${column}, so it is ignored: fill it in to use the row`,
      });
      continue;
    }
    const framework =
      fw.kind === 'ok'
        ? fw.value
        : fw.kind === 'blank'
          ? 'MATH_MODEL'
          : cellText(cell(table, row, 'framework'));
    const approved = parseBoolean(cell(table, row, 'approved'));
    const ref: ParamRef = {
      row,
      key,
      framework,
      name,
      value: parseNumber(cell(table, row, 'value')),
      approved: approved.kind === 'ok' && approved.value,
      duplicateOf: [],
      seeded: false,
    };
    if (fw.kind === 'bad')
      warn(ctx, 'params sync', {
        ...at(table, row, 'framework'),
        key: rowKeyOf(ref),
        message: `framework: ${fw.message}`,
      });
    if (approved.kind === 'bad') {
      warn(ctx, 'params sync', {
        ...at(table, row, 'approved'),
        key: rowKeyOf(ref),
        message: `approved: ${approved.message}; read as FALSE (tick the box, or write TRUE or FALSE)`,
      });
    }
    // An archived key (its Backlog row deleted) was said once by backlog sync.
    if (!ctx.initiatives.has(key) && !ctx.archived.has(key)) {
      warn(ctx, 'params sync', {
        ...at(table, row, 'initiative_key'),
        key: rowKeyOf(ref),
        message: `initiative_key '${key}' is not on the Central Backlog; this param is not used`,
      });
    }
    const id = paramKey(key, framework, name);
    groups.set(id, [...(groups.get(id) ?? []), ref]);
    ctx.params.push(ref);
  }
  for (const refs of groups.values()) {
    if (refs.length < 2) continue;
    for (const ref of refs) ref.duplicateOf = refs.filter((r) => r !== ref).map((r) => r.row.rowNumber);
  }
}

/** Looks a MATH_MODEL param up for scoring: usable only when unique, approved and a valid number. */
export function paramLookup(ctx: RunContext): (key: string, name: string) => ParamRef[] {
  const index = new Map<string, ParamRef[]>();
  for (const p of ctx.params) {
    const id = paramKey(p.key, p.framework, p.name);
    index.set(id, [...(index.get(id) ?? []), p]);
  }
  return (key, name) => index.get(paramKey(key, 'MATH_MODEL', name)) ?? [];
}

export type MetadataSource = (
  initiativeKey: string,
  names: string[],
) => Promise<Map<string, ParamMetadata>> | Map<string, ParamMetadata>;

/** Input names of approved, valid formulas that have no Params row yet, per initiative. */
export function namesToSeed(ctx: RunContext): Map<string, string[]> {
  const existing = new Set(ctx.params.map((p) => paramKey(p.key, p.framework, p.name)));
  const wanted = new Map<string, string[]>();
  for (const i of ctx.initiatives.values()) {
    for (const m of i.models) {
      if (!m.approved || m.formulaText.trim() === '') continue;
      const compiled = ctx.formulas.check(m.formulaText).compiled;
      if (!compiled) continue;
      for (const name of compiled.inputs) {
        const id = paramKey(i.key, 'MATH_MODEL', name);
        if (existing.has(id)) continue;
        existing.add(id);
        wanted.set(i.key, [...(wanted.get(i.key) ?? []), name]);
      }
    }
  }
  return wanted;
}

export function seedParams(
  ctx: RunContext,
  metadata: Map<string, Map<string, ParamMetadata>> = new Map(),
): void {
  const changes = changesFor(ctx, 'params')!;
  for (const [key, names] of namesToSeed(ctx)) {
    for (const name of names) {
      const meta = metadata.get(key)?.get(name) ?? heuristicMetadata(name, key);
      const row = changes.append(
        {
          initiative_key: key,
          framework: 'MATH_MODEL',
          param_name: name,
          param_display: meta.param_display,
          description: meta.description,
          unit: meta.unit || null,
          min: meta.min,
          max: meta.max,
          source: meta.source,
          approved: false,
          is_auto_seeded: true,
          used_in_formula: true,
          last_updated_at: ctx.now,
          param_status: 'Not approved',
        },
        'params seed',
      );
      ctx.params.push({
        row,
        key,
        framework: 'MATH_MODEL',
        name,
        value: { kind: 'blank' },
        approved: false,
        duplicateOf: [],
        seeded: true,
        metadataOrigin: meta.origin,
      });
    }
  }
}

export function writeParams(ctx: RunContext): void {
  const table = ctx.tables.params!;
  const changes = changesFor(ctx, 'params')!;
  // Names read by an approved, valid formula of each initiative.
  const used = new Set<string>();
  for (const i of ctx.initiatives.values()) {
    for (const m of i.models) {
      if (!m.approved) continue;
      const compiled = m.formulaText.trim() === '' ? undefined : ctx.formulas.check(m.formulaText).compiled;
      for (const name of compiled?.inputs ?? []) used.add(paramKey(i.key, 'MATH_MODEL', name));
    }
  }
  for (const p of ctx.params) {
    if (p.seeded) continue;
    const rowKey = rowKeyOf(p);
    const isUsed = used.has(paramKey(p.key, p.framework, p.name));
    let status: string;
    if (p.duplicateOf.length > 0) status = `Duplicate of rows ${p.duplicateOf.join(', ')}`;
    else if (p.value.kind === 'bad') status = `Bad value: ${p.value.message}`;
    else if (!isUsed) status = 'Unused';
    else if (!p.approved) status = 'Not approved';
    else if (p.value.kind === 'blank') status = 'Approved, but value is empty';
    else status = 'OK';
    if (p.value.kind === 'bad') {
      warn(ctx, 'params sync', {
        ...at(table, p.row, 'value'),
        key: rowKey,
        message: `Bad value: ${p.approved ? 'approved, but ' : ''}${p.value.message}${
          // A formula without a saved result is a number once saved; its message says how.
          cell(table, p.row, 'value') instanceof FormulaWithoutResult ? '' : `: ${NUMBER_HINT}`
        }`,
      });
    }
    if (p.duplicateOf.length > 0) {
      warn(ctx, 'params sync', {
        ...at(table, p.row, 'param_name'),
        key: rowKey,
        message: `${status}: none of them is used; keep one row for '${p.name}' and delete the others`,
      });
    }
    setBackendCell(ctx, 'params sync', 'params', p.row, rowKey, 'param_status', status);
    setBackendCell(ctx, 'params sync', 'params', p.row, rowKey, 'used_in_formula', isUsed);

    // last_updated_at: when the backend first saw the current value and approval.
    const valueText = cellText(changes.current(p.row, 'value'));
    const memory = ctx.memory.params.get(paramKey(p.key, p.framework, p.name));
    const sheetStamp = cellText(changes.current(p.row, 'last_updated_at'));
    let stamp: string;
    if (memory && (memory.valueText !== valueText || memory.approved !== p.approved)) stamp = ctx.now;
    else stamp = sheetStamp || memory?.lastUpdatedAt || ctx.now;
    setBackendCell(ctx, 'params sync', 'params', p.row, rowKey, 'last_updated_at', stamp);
  }
}
