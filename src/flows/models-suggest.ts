/**
 * Flow 4 suggest (`suggest_math_model`). The LLM only proposes: a suggestion lands in
 * llm_suggested_formula_text; assumptions_text and llm_notes only while empty; formula_text_final
 * only while empty and when `llm.copySuggestionToFinal`; formula_text_approved never. A failed row
 * is left exactly as it was and reported, and the run goes on. Every call counts against the
 * command's budget (`llm.maxCallsPerRun`, `--max-llm-calls`), across every attempt runFlows makes,
 * and is recorded in the llm_calls table as soon as it returns (`LlmSession`).
 */
import { formatAssumptions, suggestMathModel } from '../llm/index.js';
import type { BoardInitiative, BoardModel, Scoreboard } from '../scoring/index.js';
import type { MathModelsTab, TabRecord } from '../sheets/index.js';
import type { FlowReport, Ledger } from './ledger.js';
import { initiativeContext, type LlmDeps, type LlmSession, recordCalls } from './llm-session.js';
import { modelRowKey } from './models-sync.js';

const FLOW = 'models suggest' as const;

/** MathModels rows that may get a suggestion now (SHEETS.md "Suggestion eligibility"). */
function eligibleModels(
  board: Scoreboard,
  ledger: Ledger,
  llm: Pick<LlmDeps, 'force' | 'debounceHours'>,
): [BoardInitiative, BoardModel, TabRecord<MathModelsTab>][] {
  const now = Date.parse(ledger.now);
  const out: [BoardInitiative, BoardModel, TabRecord<MathModelsTab>][] = [];
  for (const i of board.initiatives.values()) {
    if (ledger.onlyKeys && !ledger.onlyKeys.has(i.key)) continue;
    for (const m of i.models) {
      // A row this run appends has no record: nothing describes it yet.
      const r = ledger.modelRecords.get(modelRowKey(i.key, m.name));
      if (m.approved || !r) continue;
      if (r.model_description_free_text === '' && r.model_prompt_to_llm === '') continue;
      if (r.llm_suggested_formula_text !== '') continue;
      const last = ledger.memory.models.get(modelRowKey(i.key, m.name))?.llmSuggestedAt;
      if (!llm.force && last && now - Date.parse(last) < llm.debounceHours * 3_600_000) continue;
      out.push([i, m, r]);
    }
  }
  return out;
}

export async function runModelsSuggest(
  board: Scoreboard,
  ledger: Ledger,
  llm: LlmDeps,
  session: LlmSession,
): Promise<FlowReport> {
  const report = ledger.report(FLOW);
  const eligible = eligibleModels(board, ledger, llm);
  const rows = llm.limit === undefined ? eligible : eligible.slice(0, llm.limit);
  report.rowsRead = ledger.tables.mathModels.rows.length;
  llm.progress?.start(rows.length, 'LLM formula suggestions');
  let done = 0;
  for (const [i, m, r] of rows) {
    const remaining = llm.maxCalls - session.used;
    if (remaining <= 0) break;
    const result = await suggestMathModel(
      llm.client,
      {
        initiative: initiativeContext(ledger, i),
        description: r.model_description_free_text,
        promptToLlm: r.model_prompt_to_llm || null,
        modelName: m.name,
      },
      { maxCalls: Math.min(2, remaining) },
    );
    await recordCalls(session, i.key, m.name, result.calls);
    // Debounce counts attempts too, so a row the LLM keeps failing on does not spend every run's budget.
    ledger.suggestedAt.set(modelRowKey(i.key, m.name), ledger.now);
    done += 1;
    llm.progress?.tick(`${i.key} ${result.ok ? 'suggested' : 'failed'}`);
    if (!result.ok) {
      m.suggestFailure = `LLM suggestion failed: ${result.reason}`;
      ledger.warn(FLOW, {
        ...ledger.at('mathModels', r.row, 'llm_suggested_formula_text'),
        key: `${i.key}/${m.name}`,
        message: m.suggestFailure,
      });
      continue;
    }
    ledger.set(FLOW, 'mathModels', r.row, 'llm_suggested_formula_text', result.formula);
    if (r.assumptions_text === '') {
      ledger.set(
        FLOW,
        'mathModels',
        r.row,
        'assumptions_text',
        formatAssumptions(result.assumptions) || null,
      );
    }
    if (r.llm_notes === '') ledger.set(FLOW, 'mathModels', r.row, 'llm_notes', result.notes || null);
    if (llm.copySuggestionToFinal && r.formula_text_final === '') {
      ledger.set(FLOW, 'mathModels', r.row, 'formula_text_final', result.formula);
      m.formulaText = result.formula;
    }
  }
  llm.progress?.stop();
  const left = rows.length - done + (eligible.length - rows.length);
  if (left > 0) {
    ledger.notes.push(
      `${left} MathModels row(s) still wait for a suggestion (${done < rows.length ? 'LLM call budget reached' : '--limit reached'}); run again to continue.`,
    );
  }
  return report;
}
