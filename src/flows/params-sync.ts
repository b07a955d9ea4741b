/**
 * Flow 4 params sync. `runParamsSync` reads the Params tab into the scoreboard's params (a key,
 * framework and name on several rows makes that param unusable); after scoring,
 * `runParamsWrite` keeps each row's backend cells: used_in_formula, last_updated_at and
 * param_status.
 */

import { type BoardParam, paramId, parseFramework, type Scoreboard, SHARED_KEY } from '../scoring/index.js';
import { cellText, FormulaWithoutResult, NUMBER_HINT } from '../shared/values.js';
import { type FlowReport, type Ledger, NO_DUPLICATES } from './ledger.js';

const FLOW = 'params sync' as const;

export const paramRowKey = (p: { key: string; framework: string; name: string }) =>
  `${p.key}/${p.framework}/${p.name}`;

export function runParamsSync(board: Scoreboard, ledger: Ledger): FlowReport {
  const records = ledger.records('params');
  const report = ledger.report(FLOW);
  report.rowsRead = records.length;
  const groups = new Map<string, BoardParam[]>();
  for (const r of records) {
    const key = r.initiative_key;
    const name = r.param_name;
    if (key === '' || name === '') {
      const column = key === '' ? 'initiative_key' : 'param_name';
      ledger.warn(FLOW, {
        ...ledger.at('params', r.row, column),
        key: key || null,
        message: `This row has no ${column}, so it is ignored: fill it in to use the row`,
      });
      continue;
    }
    const fw = parseFramework(r.framework, board.frameworks);
    const framework = fw.kind === 'ok' ? fw.value : fw.kind === 'blank' ? 'MATH_MODEL' : r.framework;
    const approved = r.approved;
    const param: BoardParam = {
      key,
      framework,
      name,
      value: r.value,
      min: r.min,
      max: r.max,
      distribution: r.distribution,
      approved: approved.kind === 'ok' && approved.value,
      duplicated: false,
      seeded: false,
    };
    if (fw.kind === 'bad')
      ledger.warn(FLOW, {
        ...ledger.at('params', r.row, 'framework'),
        key: paramRowKey(param),
        message: `framework: ${fw.message}`,
      });
    if (approved.kind === 'bad') {
      ledger.warn(FLOW, {
        ...ledger.at('params', r.row, 'approved'),
        key: paramRowKey(param),
        message: `approved: ${approved.message}; read as FALSE (tick the box, or write TRUE or FALSE)`,
      });
    }
    // An archived key (its Backlog row deleted) was said once by backlog sync; `*` is shared.
    if (key !== SHARED_KEY && !board.initiatives.has(key) && !board.archived.has(key)) {
      ledger.warn(FLOW, {
        ...ledger.at('params', r.row, 'initiative_key'),
        key: paramRowKey(param),
        message: `initiative_key '${key}' is not on the Central Backlog; this param is not used`,
      });
    }
    const id = paramId(key, framework, name);
    groups.set(id, [...(groups.get(id) ?? []), param]);
    board.addParam(param);
    ledger.paramRows.set(param, { row: r.row, duplicateOf: NO_DUPLICATES });
  }
  for (const params of groups.values()) {
    if (params.length < 2) continue;
    for (const p of params) {
      p.duplicated = true;
      ledger.paramRows.get(p)!.duplicateOf = params
        .filter((other) => other !== p)
        .map((other) => ledger.paramRows.get(other)!.row.rowNumber);
    }
  }
  return report;
}

/** Each row's used_in_formula, param_status and last_updated_at, after scoring. */
export function runParamsWrite(board: Scoreboard, ledger: Ledger): FlowReport {
  // Names read by an approved, valid formula of each initiative: its own row, or the shared one.
  const used = new Set<string>();
  for (const i of board.initiatives.values()) {
    for (const name of board.formulaInputs(i)) {
      const own = paramId(i.key, 'MATH_MODEL', name);
      used.add(
        board.paramsNamed(i.key, 'MATH_MODEL', name).length > 0
          ? own
          : paramId(SHARED_KEY, 'MATH_MODEL', name),
      );
    }
  }
  for (const p of board.params) {
    if (p.seeded) continue;
    const { row, duplicateOf } = ledger.paramRows.get(p)!;
    const rowKey = paramRowKey(p);
    const isUsed = used.has(paramId(p.key, p.framework, p.name));
    let status: string;
    if (duplicateOf.length > 0) status = `Duplicate of rows ${duplicateOf.join(', ')}`;
    else if (p.value.kind === 'bad') status = `Bad value: ${p.value.message}`;
    else if (!isUsed) status = 'Unused';
    else if (!p.approved) status = 'Not approved';
    else if (p.value.kind === 'blank') status = 'Approved, but value is empty';
    else status = 'OK';
    if (p.value.kind === 'bad') {
      ledger.warn(FLOW, {
        ...ledger.at('params', row, 'value'),
        key: rowKey,
        message: `Bad value: ${p.approved ? 'approved, but ' : ''}${p.value.message}${
          // A formula without a saved result is a number once saved; its message says how.
          ledger.original('params', row, 'value') instanceof FormulaWithoutResult ? '' : `: ${NUMBER_HINT}`
        }`,
      });
    }
    if (duplicateOf.length > 0) {
      ledger.warn(FLOW, {
        ...ledger.at('params', row, 'param_name'),
        key: rowKey,
        message: `${status}: none of them is used; keep one row for '${p.name}' and delete the others`,
      });
    }
    ledger.setBackendCell(FLOW, 'params', row, rowKey, 'param_status', status);
    ledger.setBackendCell(FLOW, 'params', row, rowKey, 'used_in_formula', isUsed);

    // last_updated_at: when the backend first saw the current value and approval.
    const valueText = cellText(ledger.current('params', row, 'value'));
    const memory = ledger.memory.params.get(paramId(p.key, p.framework, p.name));
    const sheetStamp = cellText(ledger.current('params', row, 'last_updated_at'));
    let stamp: string;
    if (memory && (memory.valueText !== valueText || memory.approved !== p.approved)) stamp = ledger.now;
    else stamp = sheetStamp || memory?.lastUpdatedAt || ledger.now;
    ledger.setBackendCell(FLOW, 'params', row, rowKey, 'last_updated_at', stamp);
  }
  return ledger.report(FLOW);
}
