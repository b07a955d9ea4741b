/**
 * Flow 4 params seed: one Params row per input name of an approved formula that has none. Its
 * metadata (display name, description, unit, min, max, and `source`, the likely owner) comes from
 * the LLM when one is configured (`suggestMetadata`, one call per model with new names), guessed
 * from the name otherwise; where it came from is remembered in the database.
 */

import { heuristicMetadata, type ParamMetadata, suggestParamMetadata } from '../llm/index.js';
import {
  type BoardInitiative,
  type BoardModel,
  type BoardParam,
  paramId,
  type Scoreboard,
  SHARED_KEY,
} from '../scoring/index.js';
import { type FlowReport, type Ledger, NO_DUPLICATES } from './ledger.js';
import { initiativeContext, type LlmDeps, type LlmSession, recordCalls } from './llm-session.js';

const FLOW = 'params seed' as const;

/**
 * Input names of approved, valid formulas that have no Params row yet, per initiative (of
 * `onlyKeys` when given).
 */
function namesToSeed(board: Scoreboard, onlyKeys: ReadonlySet<string> | null): Map<string, string[]> {
  const existing = new Set(board.params.map((p) => paramId(p.key, p.framework, p.name)));
  const wanted = new Map<string, string[]>();
  for (const i of board.initiatives.values()) {
    if (onlyKeys && !onlyKeys.has(i.key)) continue;
    for (const name of board.formulaInputs(i)) {
      const id = paramId(i.key, 'MATH_MODEL', name);
      // A shared assumption defines it for every initiative (a person may still add its own row).
      if (existing.has(id) || existing.has(paramId(SHARED_KEY, 'MATH_MODEL', name))) continue;
      existing.add(id);
      wanted.set(i.key, [...(wanted.get(i.key) ?? []), name]);
    }
  }
  return wanted;
}

/** LLM metadata for the names seeding will add: one call per model with new names. */
export async function suggestMetadata(
  board: Scoreboard,
  ledger: Ledger,
  llm: LlmDeps,
  session: LlmSession,
): Promise<Map<string, Map<string, ParamMetadata>>> {
  const wanted = namesToSeed(board, ledger.onlyKeys);
  const out = new Map<string, Map<string, ParamMetadata>>();
  const jobs: { i: BoardInitiative; m: BoardModel; names: string[] }[] = [];
  for (const [key, names] of wanted) {
    const i = board.initiatives.get(key)!;
    const left = new Set(names);
    for (const m of i.models) {
      if (!m.approved) continue;
      const inputs = board.formulas.check(m.formulaText).compiled?.inputs ?? [];
      const mine = inputs.filter((n) => left.has(n));
      for (const n of mine) left.delete(n);
      if (mine.length > 0) jobs.push({ i, m, names: mine });
    }
  }
  if (jobs.length === 0) return out;
  llm.progress?.start(jobs.length, 'LLM param metadata');
  for (const { i, m, names } of jobs) {
    if (session.used >= llm.maxCalls) {
      ledger.notes.push(
        'LLM call budget reached: the remaining new Params rows got metadata guessed from their names.',
      );
      break;
    }
    const result = await suggestParamMetadata(llm.client, {
      initiative: initiativeContext(ledger, i),
      formula: m.formulaText,
      names,
    });
    await recordCalls(session, i.key, m.name, result.calls);
    llm.progress?.tick(`${i.key} ${names.length} param(s)`);
    const byName = out.get(i.key) ?? new Map<string, ParamMetadata>();
    for (const [name, meta] of result.metadata) byName.set(name, meta);
    out.set(i.key, byName);
    if (result.failure) {
      ledger.warn(FLOW, {
        ...ledger.at('params', null, null),
        key: `${i.key}/${m.name}`,
        message: `LLM param metadata failed (${result.failure}); names were used to guess it`,
      });
    }
  }
  llm.progress?.stop();
  return out;
}

export function runParamsSeed(
  board: Scoreboard,
  ledger: Ledger,
  metadata: Map<string, Map<string, ParamMetadata>> = new Map(),
): FlowReport {
  for (const [key, names] of namesToSeed(board, ledger.onlyKeys)) {
    for (const name of names) {
      const meta = metadata.get(key)?.get(name) ?? heuristicMetadata(name, key);
      const row = ledger.append(FLOW, 'params', {
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
        last_updated_at: ledger.now,
        param_status: 'Not approved',
      });
      const param: BoardParam = {
        key,
        framework: 'MATH_MODEL',
        name,
        value: { kind: 'blank' },
        min: meta.min === null ? { kind: 'blank' } : { kind: 'ok', value: meta.min },
        max: meta.max === null ? { kind: 'blank' } : { kind: 'ok', value: meta.max },
        distribution: '',
        approved: false,
        duplicated: false,
        seeded: true,
        metadataOrigin: meta.origin,
      };
      board.addParam(param);
      ledger.paramRows.set(param, { row, duplicateOf: NO_DUPLICATES });
    }
  }
  return ledger.report(FLOW);
}
