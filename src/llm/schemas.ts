/**
 * The shapes of the LLM's answers. Each is sent as a strict JSON schema (every field required;
 * "no value" is `null`, never a missing key) and every answer is re-validated against it.
 */
import { z } from 'zod';

export const mathModelAnswerSchema = z.object({
  formula_text: z.string().describe('the script in the formula language, one statement per line'),
  assumptions: z.array(z.string()).describe('one sentence per assumption the model makes'),
  notes: z.string().describe('short notes for the PM: how to read the model and what data to collect'),
});
export type MathModelAnswer = z.infer<typeof mathModelAnswerSchema>;

export const paramMetadataItemSchema = z.object({
  name: z.string().describe('the parameter name exactly as given'),
  param_display: z.string().describe('a short human name'),
  description: z.string().describe('what it measures, over which period, and where to find it'),
  unit: z.string().describe('e.g. currency, fraction (0–1), count, months, days'),
  min: z.number().nullable().describe('a plausible low value in the unit, or null'),
  max: z.number().nullable().describe('a plausible high value in the unit, or null'),
  // A string, not an enum: a server in JSON mode that answers "Engineering" should not lose the
  // whole item; param-metadata.ts maps the text to one of the five owners.
  likely_owner: z
    .string()
    .describe('who likely knows the number: PM, Analytics, Finance, Eng, or LLM when none'),
});
export type ParamMetadataItem = z.infer<typeof paramMetadataItemSchema>;

export const paramMetadataAnswerSchema = z.object({
  params: z.array(paramMetadataItemSchema),
});
export type ParamMetadataAnswer = z.infer<typeof paramMetadataAnswerSchema>;
