/**
 * What the LLM steps of one command share: the client and its limits (`LlmDeps`), and the session
 * that counts and records every call across the command's attempts (`LlmSession`). The LLM only
 * proposes; the flows that call it (models suggest, params seed) decide where a proposal may land.
 */
import { assignLlmCallsToRun, type Database, insertLlmCall } from '../db/index.js';
import type { CallRecord, InitiativeContext, LlmClient } from '../llm/index.js';
import type { BoardInitiative } from '../scoring/index.js';
import { DatabaseError } from '../shared/errors.js';
import type { Ledger } from './ledger.js';

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
          await insertLlmCall(database, {
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
      if (database && ids.length > 0) await assignLlmCallsToRun(database, ids, runId);
    },
  };
}

/** What the LLM is told about an initiative: its Backlog row's words. */
export function initiativeContext(ledger: Ledger, i: BoardInitiative): InitiativeContext {
  const r = ledger.backlogRecords.get(i.key)!;
  return {
    key: i.key,
    title: i.title,
    problem_statement: r.problem_statement || null,
    hypothesis: r.hypothesis || null,
    llm_summary: r.llm_summary || null,
    department: r.department || null,
    product_area: r.product_area || null,
    effort_engineering_days: i.effortDays.kind === 'ok' ? i.effortDays.value : null,
  };
}

/** Counts a step's calls against the command's budget and records each. */
export async function recordCalls(
  session: LlmSession,
  initiativeKey: string,
  modelName: string | null,
  calls: CallRecord[],
): Promise<void> {
  session.used += calls.length;
  for (const call of calls) await session.record({ initiativeKey, modelName, call });
}
