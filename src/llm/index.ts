/**
 * The LLM co-pilot's front door. The flows build a client with `createLlmClient(config.llm)` (or
 * get undefined when no LLM is configured), then call `suggestMathModel` / `suggestParamMetadata`,
 * which never throw for an LLM problem and return the `CallRecord`s for the `llm_calls` table.
 */
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
export {
  createLlmClient,
  type LlmClientConfig,
  OpenAiLlmClient,
  type OpenAiLlmClientOptions,
  PLACEHOLDER_API_KEY,
} from './openai-llm-client.js';
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
