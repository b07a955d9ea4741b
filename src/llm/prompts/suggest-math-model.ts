/**
 * `suggest_math_model` (PRODUCT.md, SHEETS.md MathModels): from a PM's description of an
 * initiative's value, a candidate formula with its assumptions and notes.
 *
 * The answer must pass `checkSuggestedFormula` (compiles, assigns `value`, symbolic
 * lower_snake_case inputs, no plugged-in numbers). When it does not — or is not the requested JSON —
 * the problems are sent back once for a correction; a second failure is a reason for the row's
 * `formula_status`, never a formula. A failure to reach the LLM is not retried here (the client
 * already retried). Every call, the correction included, is returned as a `CallRecord`.
 */
import { type CallRecord, callRecord, failureOutcome, type LlmClient, type LlmResult } from '../client.js';
import { type MathModelAnswer, mathModelAnswerSchema } from '../schemas.js';
import { checkSuggestedFormula } from '../suggested-formula.js';
import { FORMULA_LANGUAGE_GUIDE } from './formula-language.js';
import { clip, type InitiativeContext, renderInitiative } from './initiative-context.js';

export interface SuggestMathModelInput {
  initiative: InitiativeContext;
  /** `model_description_free_text`. */
  description: string;
  /** `model_prompt_to_llm`: optional extra steering. */
  promptToLlm?: string | null;
  modelName: string;
}

export interface SuggestMathModelOptions {
  /**
   * Calls this suggestion may make: 2 (the first and one correction) by default; 1 when the run's
   * `maxCallsPerRun` budget has a single call left (then no correction is asked for).
   */
  maxCalls?: number;
}

export type MathModelSuggestion =
  | {
      ok: true;
      /** For `llm_suggested_formula_text` (and an empty `formula_text_final`). */
      formula: string;
      /** The formula's inputs, in first-appearance order. */
      inputs: string[];
      /** For `assumptions_text`: see `formatAssumptions`. */
      assumptions: string[];
      /** For `llm_notes`. */
      notes: string;
      /** The first answer was invalid and this one is its correction. */
      corrected: boolean;
      calls: CallRecord[];
    }
  | {
      ok: false;
      /**
       * Why, as one clause without a prefix (the flow writes `LLM suggestion failed: <reason>` into
       * `formula_status` and the run summary).
       */
      reason: string;
      /** The problems of the last answer, one per entry (empty when no answer came). */
      problems: string[];
      calls: CallRecord[];
    };

const MAX_PROBLEMS_IN_REASON = 5;
const MAX_DESCRIPTION = 8_000;
/** The first answer quoted back in the correction. */
const MAX_QUOTED_ANSWER = 20_000;

export const SUGGEST_MATH_MODEL_SYSTEM = `You help product managers write a quantitative value model for one product initiative, in a small formula language. You only propose: the PM edits and approves the formula, and people fill in and approve every parameter's number.

${FORMULA_LANGUAGE_GUIDE}

Reply with a JSON object:
- formula_text: the script, statements separated by newlines, starting with a one-line # comment.
- assumptions: one short sentence per assumption the model makes, naming the parameters it concerns.
- notes: two or three sentences for the PM: what the model leaves out and which numbers to collect first.
Write the assumptions and notes in the language of the description.`;

export function suggestMathModelPrompt(input: SuggestMathModelInput): string {
  const parts = [
    `Initiative:\n${renderInitiative(input.initiative)}`,
    `Model name: ${input.modelName}`,
    `What the model should capture (from the PM):\n${clip(input.description, MAX_DESCRIPTION) || '(no description; see the instructions below)'}`,
  ];
  const steer = input.promptToLlm?.trim();
  if (steer) parts.push(`Extra instructions from the PM:\n${clip(steer, MAX_DESCRIPTION)}`);
  return parts.join('\n\n');
}

export function correctionPrompt(problems: readonly string[]): string {
  return `Your answer cannot be used:\n${problems.map((p) => `- ${p}`).join('\n')}\n\nCorrect it and reply with the whole JSON object again (formula_text, assumptions, notes), following the formula language rules above.`;
}

/** `assumptions_text` as a PM reads it: one `- ` line per assumption. */
export function formatAssumptions(assumptions: readonly string[]): string {
  return assumptions.map((a) => `- ${a}`).join('\n');
}

type Verdict =
  | { kind: 'accepted'; formula: string; inputs: string[]; answer: MathModelAnswer }
  | { kind: 'invalid'; problems: string[]; content: string }
  | { kind: 'failed'; message: string };

function judge(result: LlmResult<MathModelAnswer>): { verdict: Verdict; record: CallRecord } {
  const purpose = 'suggest_math_model';
  if (!result.ok) {
    const record = callRecord(purpose, result);
    if (failureOutcome(result.failure.kind) === 'error') {
      return { verdict: { kind: 'failed', message: result.failure.message }, record };
    }
    return {
      verdict: { kind: 'invalid', problems: [result.failure.message], content: result.failure.content ?? '' },
      record,
    };
  }
  const check = checkSuggestedFormula(result.value.formula_text);
  if (!check.ok) {
    return {
      verdict: { kind: 'invalid', problems: check.problems, content: result.content },
      record: callRecord(purpose, result, { outcome: 'invalid', error: summarize(check.problems) }),
    };
  }
  return {
    verdict: { kind: 'accepted', formula: check.formula, inputs: check.inputs, answer: result.value },
    record: callRecord(purpose, result),
  };
}

function summarize(problems: readonly string[]): string {
  const shown = problems.slice(0, MAX_PROBLEMS_IN_REASON).join('; ');
  const more = problems.length - MAX_PROBLEMS_IN_REASON;
  return more > 0 ? `${shown}; and ${more} more` : shown;
}

function accepted(verdict: Extract<Verdict, { kind: 'accepted' }>, corrected: boolean, calls: CallRecord[]) {
  return {
    ok: true as const,
    formula: verdict.formula,
    inputs: verdict.inputs,
    assumptions: verdict.answer.assumptions.map((a) => a.trim()).filter((a) => a !== ''),
    notes: verdict.answer.notes.trim(),
    corrected,
    calls,
  };
}

export async function suggestMathModel(
  client: LlmClient,
  input: SuggestMathModelInput,
  options: SuggestMathModelOptions = {},
): Promise<MathModelSuggestion> {
  const maxCalls = options.maxCalls ?? 2;
  if (maxCalls < 1) {
    return {
      ok: false,
      reason: 'no LLM calls are left in this run',
      problems: [],
      calls: [],
    };
  }
  if (input.description.trim() === '' && !input.promptToLlm?.trim()) {
    return {
      ok: false,
      reason: 'the row has no description or prompt to suggest from',
      problems: [],
      calls: [],
    };
  }
  const user = suggestMathModelPrompt(input);
  const request = {
    purpose: 'suggest_math_model' as const,
    system: SUGGEST_MATH_MODEL_SYSTEM,
    user,
    schema: mathModelAnswerSchema,
    schemaName: 'math_model',
  };

  const first = judge(await client.complete(request));
  const calls = [first.record];
  if (first.verdict.kind === 'accepted') return accepted(first.verdict, false, calls);
  if (first.verdict.kind === 'failed') {
    return { ok: false, reason: first.verdict.message, problems: [], calls };
  }
  if (maxCalls < 2) {
    return {
      ok: false,
      reason: `the suggested formula is invalid and the run's LLM call limit leaves no call for a correction: ${summarize(first.verdict.problems)}`,
      problems: first.verdict.problems,
      calls,
    };
  }

  const second = judge(
    await client.complete({
      ...request,
      history: [
        { role: 'user', content: user },
        { role: 'assistant', content: clip(first.verdict.content, MAX_QUOTED_ANSWER) || '(empty)' },
      ],
      user: correctionPrompt(first.verdict.problems),
    }),
  );
  calls.push(second.record);
  switch (second.verdict.kind) {
    case 'accepted':
      return accepted(second.verdict, true, calls);
    case 'failed':
      return {
        ok: false,
        reason: `the suggested formula was invalid and the correction call failed: ${second.verdict.message}`,
        problems: first.verdict.problems,
        calls,
      };
    case 'invalid':
      return {
        ok: false,
        reason: `the suggested formula is still invalid after one correction: ${summarize(second.verdict.problems)}`,
        problems: second.verdict.problems,
        calls,
      };
    default: {
      const never: never = second.verdict;
      throw new Error(`unknown verdict ${(never as Verdict).kind}`);
    }
  }
}
