/**
 * The LLM co-pilot's front door. The flows build a client with `await createLlmClient(config.llm)` (or
 * get undefined when no LLM is configured), then call `suggestMathModel` / `suggestParamMetadata`,
 * which never throw for an LLM problem and return the `CallRecord`s for the `llm_calls` table.
 */
import type { LlmClient } from './client.js';
import type { LlmClientConfig, OpenAiLlmClientOptions } from './openai-llm-client.js';

export {
  type CallOutcome,
  type CallRecord,
  callRecord,
  failureOutcome,
  type LlmCallStats,
  type LlmClient,
  type LlmFailure,
  type LlmFailureKind,
  type LlmMessage,
  type LlmPurpose,
  type LlmRequest,
  type LlmResponseFormat,
  type LlmResult,
} from './client.js';
export type { LlmClientConfig, OpenAiLlmClient, OpenAiLlmClientOptions } from './openai-llm-client.js';
export {
  heuristicMetadata,
  type MetadataOrigin,
  type ParamMetadata,
} from './param-metadata.js';
export type { InitiativeContext } from './prompts/initiative-context.js';
export {
  formatAssumptions,
  type MathModelSuggestion,
  type SuggestMathModelInput,
  type SuggestMathModelOptions,
  suggestMathModel,
} from './prompts/suggest-math-model.js';
export {
  type ParamMetadataSuggestion,
  type SuggestParamMetadataInput,
  suggestParamMetadata,
} from './prompts/suggest-param-metadata.js';
export { ALLOWED_CONSTANTS, checkSuggestedFormula, type SuggestedFormulaCheck } from './suggested-formula.js';

/**
 * The client for the configured LLM, or undefined when none is configured. The OpenAI library is
 * loaded here, on first use, so the many runs without an LLM never load it.
 */
export async function createLlmClient(
  config: LlmClientConfig,
  overrides: Partial<Omit<OpenAiLlmClientOptions, 'baseUrl' | 'model' | 'apiKey'>> = {},
): Promise<LlmClient | undefined> {
  if (!config.configured) return undefined;
  const { createOpenAiLlmClient } = await import('./openai-llm-client.js');
  return createOpenAiLlmClient(config, overrides);
}
