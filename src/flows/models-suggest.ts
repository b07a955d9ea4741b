/**
 * Flow 4 suggest (`suggest_math_model`) and the LLM half of params seeding
 * (`suggest_param_metadata`). The LLM only proposes: a suggestion lands in
 * llm_suggested_formula_text; assumptions_text and llm_notes only while empty; formula_text_final
 * only while empty and when `llm.copySuggestionToFinal`; formula_text_approved never. A failed row
 * is left exactly as it was and reported, and the run goes on. Every call counts against the
 * command's budget (`llm.maxCallsPerRun`, `--max-llm-calls`), across every attempt runFlows makes,
 * and is recorded in the llm_calls table as soon as it returns (`LlmSession`).
 */
import type { Database } from '../db/database.js';
import { assignLlmCallsToRun, insertLlmCall } from '../db/repositories/llm-calls.js';
import type { CallRecord, InitiativeContext, LlmClient } from '../llm/index.js';
import { formatAssumptions, suggestMathModel, suggestParamMetadata } from '../llm/index.js';
import type { ParamMetadata } from '../llm/param-metadata.js';
import { DatabaseError } from '../shared/errors.js';
import { cellText, isBlank } from '../shared/values.js';
import { cell } from '../sheets/read-tab.js';
import { at, changesFor, type Initiative, type ModelRef, type RunContext, step, warn } from './context.js';
import { modelRowKey } from './models-sync.js';
import { namesToSeed } from './params.js';

export interface LlmProgress {
  start(total: number, label: string): void;
  tick(detail: string): void;
  stop(): void;
}

export interface LlmDeps {
  client: LlmClient;
  /** Calls this run may make, corrections included. */
  maxCalls: number;
  /** At most this many rows get a formula suggestion (--limit). */
  limit?: number;
  /** Suggest again for rows suggested within `debounceHours` (--force). */
  force: boolean;
  debounceHours: number;
  copySuggestionToFinal: boolean;
  progress?: LlmProgress;
}

/** One llm_calls row as the flows know it. */
export interface LlmCallEntry {
  initiativeKey: string;
  modelName: string | null;
  call: CallRecord;
}

/**
 * What every attempt of one command shares: runFlows redoes the whole command on a fresh read
 * when a workbook changed meanwhile, and those retries must not buy a fresh budget (three attempts
 * would otherwise spend up to 3 × maxCalls), nor lose the record of calls already paid for.
 */
export interface LlmSession {
  /** Calls made so far by the command, both LLM steps and every attempt, corrections included. */
  used: number;
  /** Records one call at once, in its own transaction (nothing on a dry run or without a database). */
  record(entry: LlmCallEntry): Promise<void>;
  /** Links every call recorded so far to the command's run, once that is recorded. */
  assignRun(runId: number): Promise<void>;
}

/**
 * The session of one command. Calls are recorded in `database` when one is given: pass null for a
 * dry run, which writes nothing. `now` stamps each call (default the clock).
 */
export function createLlmSession(database: Database | null, now: () => Date = () => new Date()): LlmSession {
  const ids: number[] = [];
  return {
    used: 0,
    async record({ initiativeKey, modelName, call }) {
      if (!database) return;
      try {
        ids.push(
          await insertLlmCall(database.db, {
            run_id: null,
            initiative_key: initiativeKey,
            model_name: modelName,
            purpose: call.purpose,
            llm_model: call.model,
            prompt_tokens: call.promptTokens,
            completion_tokens: call.completionTokens,
            latency_ms: call.latencyMs,
            outcome: call.outcome,
            error: call.error ?? null,
            created_at: now().toISOString(),
          }),
        );
      } catch (e) {
        throw new DatabaseError(
          `cannot record an LLM call in the database ${database.displayUrl}: ${(e as Error).message}`,
          { cause: e },
        );
      }
    },
    async assignRun(runId) {
      if (database && ids.length > 0) await assignLlmCallsToRun(database.db, ids, runId);
    },
  };
}

function context(ctx: RunContext, i: Initiative): InitiativeContext {
  const table = ctx.tables.backlog!;
  const text = (column: string) => cellText(cell(table, i.row, column)) || null;
  return {
    key: i.key,
    title: i.title,
    problem_statement: text('problem_statement'),
    hypothesis: text('hypothesis'),
    llm_summary: text('llm_summary'),
    department: text('department'),
    product_area: text('product_area'),
    effort_engineering_days: i.effortDays.kind === 'ok' ? i.effortDays.value : null,
  };
}

async function record(
  session: LlmSession,
  i: Initiative,
  modelName: string | null,
  calls: CallRecord[],
): Promise<void> {
  session.used += calls.length;
  for (const call of calls) await session.record({ initiativeKey: i.key, modelName, call });
}

/** MathModels rows that may get a suggestion now (SHEETS.md "Suggestion eligibility"). */
export function eligibleModels(
  ctx: RunContext,
  llm: Pick<LlmDeps, 'force' | 'debounceHours'>,
): [Initiative, ModelRef][] {
  const changes = changesFor(ctx, 'mathModels')!;
  const now = Date.parse(ctx.now);
  const out: [Initiative, ModelRef][] = [];
  for (const i of ctx.initiatives.values()) {
    for (const m of i.models) {
      if (m.approved || changes.isAppended(m.row)) continue;
      const has = (column: string) => !isBlank(changes.current(m.row, column));
      if (!has('model_description_free_text') && !has('model_prompt_to_llm')) continue;
      if (has('llm_suggested_formula_text')) continue;
      const last = ctx.memory.models.get(modelRowKey(i.key, m.name))?.llmSuggestedAt;
      if (!llm.force && last && now - Date.parse(last) < llm.debounceHours * 3_600_000) continue;
      out.push([i, m]);
    }
  }
  return out;
}

export async function suggestModels(ctx: RunContext, llm: LlmDeps, session: LlmSession): Promise<void> {
  const FLOW = 'models suggest' as const;
  const table = ctx.tables.mathModels!;
  const changes = changesFor(ctx, 'mathModels')!;
  const report = step(ctx, FLOW);
  const eligible = eligibleModels(ctx, llm);
  const rows = llm.limit === undefined ? eligible : eligible.slice(0, llm.limit);
  report.rowsRead = table.rows.length;
  llm.progress?.start(rows.length, 'LLM formula suggestions');
  let done = 0;
  for (const [i, m] of rows) {
    const remaining = llm.maxCalls - session.used;
    if (remaining <= 0) break;
    const text = (column: string) => cellText(changes.current(m.row, column));
    const result = await suggestMathModel(
      llm.client,
      {
        initiative: context(ctx, i),
        description: text('model_description_free_text'),
        promptToLlm: text('model_prompt_to_llm') || null,
        modelName: m.name,
      },
      { maxCalls: Math.min(2, remaining) },
    );
    await record(session, i, m.name, result.calls);
    // Debounce counts attempts too, so a row the LLM keeps failing on does not spend every run's budget.
    ctx.suggestedAt.set(modelRowKey(i.key, m.name), ctx.now);
    done += 1;
    llm.progress?.tick(`${i.key} ${result.ok ? 'suggested' : 'failed'}`);
    if (!result.ok) {
      m.suggestFailure = `LLM suggestion failed: ${result.reason}`;
      warn(ctx, FLOW, {
        ...at(table, m.row, 'llm_suggested_formula_text'),
        key: `${i.key}/${m.name}`,
        message: m.suggestFailure,
      });
      continue;
    }
    changes.set(m.row, 'llm_suggested_formula_text', result.formula, FLOW);
    if (isBlank(changes.current(m.row, 'assumptions_text'))) {
      changes.set(m.row, 'assumptions_text', formatAssumptions(result.assumptions) || null, FLOW);
    }
    if (isBlank(changes.current(m.row, 'llm_notes')))
      changes.set(m.row, 'llm_notes', result.notes || null, FLOW);
    if (llm.copySuggestionToFinal && isBlank(changes.current(m.row, 'formula_text_final'))) {
      changes.set(m.row, 'formula_text_final', result.formula, FLOW);
      m.formulaText = result.formula;
    }
  }
  llm.progress?.stop();
  const left = rows.length - done + (eligible.length - rows.length);
  if (left > 0) {
    ctx.notes.push(
      `${left} MathModels row(s) still wait for a suggestion (${done < rows.length ? 'LLM call budget reached' : '--limit reached'}); run again to continue.`,
    );
  }
}

/** LLM metadata for the names seeding will add: one call per model with new names. */
export async function suggestMetadata(
  ctx: RunContext,
  llm: LlmDeps,
  session: LlmSession,
): Promise<Map<string, Map<string, ParamMetadata>>> {
  const wanted = namesToSeed(ctx);
  const out = new Map<string, Map<string, ParamMetadata>>();
  const jobs: { i: Initiative; m: ModelRef; names: string[] }[] = [];
  for (const [key, names] of wanted) {
    const i = ctx.initiatives.get(key)!;
    const left = new Set(names);
    for (const m of i.models) {
      if (!m.approved) continue;
      const inputs = ctx.formulas.check(m.formulaText).compiled?.inputs ?? [];
      const mine = inputs.filter((n) => left.has(n));
      for (const n of mine) left.delete(n);
      if (mine.length > 0) jobs.push({ i, m, names: mine });
    }
  }
  if (jobs.length === 0) return out;
  llm.progress?.start(jobs.length, 'LLM param metadata');
  for (const { i, m, names } of jobs) {
    if (session.used >= llm.maxCalls) {
      ctx.notes.push(
        'LLM call budget reached: the remaining new Params rows got metadata guessed from their names.',
      );
      break;
    }
    const result = await suggestParamMetadata(llm.client, {
      initiative: context(ctx, i),
      formula: m.formulaText,
      names,
    });
    await record(session, i, m.name, result.calls);
    llm.progress?.tick(`${i.key} ${names.length} param(s)`);
    const byName = out.get(i.key) ?? new Map<string, ParamMetadata>();
    for (const [name, meta] of result.metadata) byName.set(name, meta);
    out.set(i.key, byName);
    if (result.failure) {
      warn(ctx, 'params seed', {
        ...at(ctx.tables.params!, null, null),
        key: `${i.key}/${m.name}`,
        message: `LLM param metadata failed (${result.failure}); names were used to guess it`,
      });
    }
  }
  llm.progress?.stop();
  return out;
}
