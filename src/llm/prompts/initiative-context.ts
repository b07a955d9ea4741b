/**
 * What the LLM is told about an initiative: the Central Backlog's context columns (SHEETS.md),
 * only those that have a value.
 */

export interface InitiativeContext {
  key: string;
  title: string;
  problem_statement?: string | null;
  hypothesis?: string | null;
  /** The 2–3 line summary people write on the Backlog. */
  llm_summary?: string | null;
  department?: string | null;
  product_area?: string | null;
  effort_engineering_days?: number | null;
}

/** Longest text taken from one cell: a pasted document should not blow the context window. */
const MAX_FIELD = 2_000;

export function clip(text: string, max: number): string {
  const trimmed = text.trim();
  return trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
}

/** `- Title: …` lines, one per field that has a value. */
export function renderInitiative(initiative: InitiativeContext): string {
  const fields: [string, string | number | null | undefined][] = [
    ['Key', initiative.key],
    ['Title', initiative.title],
    ['Summary', initiative.llm_summary],
    ['Problem statement', initiative.problem_statement],
    ['Hypothesis', initiative.hypothesis],
    ['Department', initiative.department],
    ['Product area', initiative.product_area],
    ['Engineering effort estimate (days)', initiative.effort_engineering_days],
  ];
  return fields
    .filter(([, v]) => v !== null && v !== undefined && String(v).trim() !== '')
    .map(([label, v]) => `- ${label}: ${clip(String(v), MAX_FIELD)}`)
    .join('\n');
}
