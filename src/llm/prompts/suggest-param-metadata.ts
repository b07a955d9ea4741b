/**
 * `suggest_param_metadata` (PRODUCT.md step 3, SHEETS.md Params): display name, description,
 * unit, a plausible min/max and a likely owner for each new parameter of an approved formula.
 *
 * The names come from the caller (the compiler's `inputs`), never from the LLM: exactly one
 * answer object per requested name is used (the first valid one), names the LLM adds are ignored,
 * and a name it leaves out or describes badly gets the heuristic metadata. One call per request;
 * a failed call means heuristic metadata for every name. Always returns metadata for every name.
 */

import { type CallRecord, callRecord, type LlmClient } from '../client.js';
import { heuristicMetadata, ownerFromText, type ParamMetadata } from '../param-metadata.js';
import { type ParamMetadataItem, paramMetadataAnswerSchema, paramMetadataItemSchema } from '../schemas.js';
import { clip, type InitiativeContext, renderInitiative } from './initiative-context.js';

export interface SuggestParamMetadataInput {
  initiative: InitiativeContext;
  /** The approved formula the names come from: it tells the LLM what each name means. */
  formula: string;
  /** The new parameter names, as the compiler found them. */
  names: readonly string[];
}

export interface ParamMetadataSuggestion {
  /** One entry per requested name, in request order; `origin` says who wrote it (LLM or heuristic). */
  metadata: Map<string, ParamMetadata>;
  /** Names that got heuristic metadata, and why. */
  fallbacks: { name: string; reason: string }[];
  /** Names the LLM described that were not asked for (ignored). */
  ignored: string[];
  /** Changes made to an LLM answer, e.g. a min above its max dropped. */
  adjustments: { name: string; reason: string }[];
  /** Why the call gave nothing usable, when it did not. */
  failure?: string;
  calls: CallRecord[];
}

const MAX_DISPLAY = 80;
const MAX_DESCRIPTION = 500;
const MAX_UNIT = 40;
const MAX_FORMULA = 8_000;

export const SUGGEST_PARAM_METADATA_SYSTEM = `You describe the input parameters of a product initiative's value model so that Product, Analytics, Finance and Engineering can find and fill in each number. You only describe the parameters: people fill in and approve the values.

For each parameter name you are given, reply with exactly one object, using the name exactly as given, and no other names:
- name: the parameter name, unchanged.
- param_display: a short human name (at most 6 words).
- description: one or two sentences: what it measures, for which period or population, and where the number usually comes from.
- unit: one of currency, fraction (0–1), count, months, days, hours, weeks, years, or another short unit. Rates, shares, uplifts and probabilities are fractions between 0 and 1 (write 5 % as 0.05).
- min and max: a plausible range for the value in that unit, or null when you cannot judge it. min must not exceed max.
- likely_owner: who most likely knows the number: exactly one of "PM" (product management), "Analytics", "Finance" or "Eng" (engineering); "LLM" when none of them is more likely than the others.

Reply with a JSON object: {"params": [ … ]}.`;

export function suggestParamMetadataPrompt(
  input: SuggestParamMetadataInput,
  names: readonly string[],
): string {
  return [
    `Initiative:\n${renderInitiative(input.initiative)}`,
    `The approved value model:\n${clip(input.formula, MAX_FORMULA)}`,
    `Describe these parameters (${names.length}):\n${names.map((n) => `- ${n}`).join('\n')}`,
  ].join('\n\n');
}

export async function suggestParamMetadata(
  client: LlmClient,
  input: SuggestParamMetadataInput,
): Promise<ParamMetadataSuggestion> {
  const names = [...new Set(input.names)];
  const suggestion: ParamMetadataSuggestion = {
    metadata: new Map(),
    fallbacks: [],
    ignored: [],
    adjustments: [],
    calls: [],
  };
  if (names.length === 0) return suggestion;

  const result = await client.complete({
    purpose: 'suggest_param_metadata',
    system: SUGGEST_PARAM_METADATA_SYSTEM,
    user: suggestParamMetadataPrompt(input, names),
    schema: paramMetadataAnswerSchema,
    schemaName: 'param_metadata',
  });
  suggestion.calls.push(callRecord('suggest_param_metadata', result));

  const fromLlm = new Map<string, ParamMetadata>();
  const unusable = new Set<string>();
  let missingReason = 'the LLM did not describe it';
  if (result.ok) {
    collect(result.value.params, names, fromLlm, unusable, suggestion);
  } else if (result.failure.kind === 'schema_mismatch') {
    // The answer is JSON but some of it has the wrong shape: keep the objects that are valid.
    const raw = result.failure.json as { params?: unknown } | null;
    const items = Array.isArray(raw?.params) ? raw.params : [];
    const valid = items.flatMap((item) => {
      const parsed = paramMetadataItemSchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    });
    collect(valid, names, fromLlm, unusable, suggestion);
    suggestion.failure = result.failure.message;
    missingReason = `the LLM's description of it was missing or invalid (${result.failure.message})`;
  } else {
    suggestion.failure = result.failure.message;
    missingReason = `the LLM call failed: ${result.failure.message}`;
  }

  for (const name of names) {
    const meta = fromLlm.get(name);
    if (meta) {
      suggestion.metadata.set(name, meta);
    } else {
      suggestion.metadata.set(name, heuristicMetadata(name, input.initiative.key));
      const reason = unusable.has(name) ? "the LLM's description of it has no display name" : missingReason;
      suggestion.fallbacks.push({ name, reason });
    }
  }
  return suggestion;
}

function collect(
  items: readonly ParamMetadataItem[],
  names: readonly string[],
  into: Map<string, ParamMetadata>,
  unusable: Set<string>,
  suggestion: ParamMetadataSuggestion,
): void {
  const wanted = new Set(names);
  for (const item of items) {
    if (!wanted.has(item.name)) {
      if (!suggestion.ignored.includes(item.name)) suggestion.ignored.push(item.name);
      continue;
    }
    if (into.has(item.name)) continue;
    const meta = toMetadata(item, suggestion);
    if (meta) into.set(item.name, meta);
    else unusable.add(item.name);
  }
}

/** The Params cells for one answer object, or undefined when it is too empty to use. */
function toMetadata(item: ParamMetadataItem, suggestion: ParamMetadataSuggestion): ParamMetadata | undefined {
  const display = clip(item.param_display, MAX_DISPLAY);
  if (display === '') return undefined;
  let min = finiteOrNull(item.min);
  let max = finiteOrNull(item.max);
  if (min !== null && max !== null && min > max) {
    // A reversed range says the LLM was confused about the unit or the quantity: swapping would
    // present a guess as a range, so both bounds are left for a person.
    suggestion.adjustments.push({
      name: item.name,
      reason: `the LLM's min ${min} is above its max ${max}; both were dropped`,
    });
    min = null;
    max = null;
  }
  return {
    param_display: display,
    description: clip(item.description, MAX_DESCRIPTION),
    unit: clip(item.unit, MAX_UNIT),
    min,
    max,
    // The owner goes into `source` (SHEETS.md); that the LLM wrote the row is the origin, kept in the DB.
    source: ownerFromText(item.likely_owner),
    origin: 'llm',
  };
}

function finiteOrNull(n: number | null): number | null {
  return n !== null && Number.isFinite(n) ? n : null;
}
