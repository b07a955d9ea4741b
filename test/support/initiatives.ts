/** Initiatives the flow tests add to a harness's workbooks, the way a PM types them. */
import type { CellValue } from '../../src/sheets/sheet-store.js';
import type { FlowHarness } from './flow-harness.js';

export interface MathInitiativeOptions {
  /** The title on Backlog and Scoring_Inputs; the key when not given. */
  title?: string;
  /** Backlog effort_engineering_days: 5 when not given, null leaves the cell empty. */
  effortDays?: number | null;
  /** Adds a MathModels row named `m` with this formula_text_final; none when not given. */
  formula?: string;
  /** formula_text_approved of that row; true when not given. */
  approved?: boolean;
  /** Adds one approved Params row per name, with its value. */
  params?: Record<string, CellValue>;
}

/**
 * A MATH_MODEL initiative with use_math_model TRUE: a Backlog row and its Scoring_Inputs row, then
 * the MathModels and Params rows the options ask for.
 */
export function mathInitiative(h: FlowHarness, key: string, options: MathInitiativeOptions = {}): void {
  const { title = key, effortDays = 5, formula, approved = true, params = {} } = options;
  h.add('Backlog', {
    initiative_key: key,
    title,
    active_scoring_framework: 'MATH_MODEL',
    use_math_model: true,
    ...(effortDays === null ? {} : { effort_engineering_days: effortDays }),
  });
  h.add('Scoring_Inputs', {
    initiative_key: key,
    title,
    active_scoring_framework: 'MATH_MODEL',
    use_math_model: true,
  });
  if (formula !== undefined) {
    h.add('MathModels', {
      initiative_key: key,
      model_name: 'm',
      formula_text_final: formula,
      formula_text_approved: approved,
    });
  }
  for (const [name, value] of Object.entries(params)) {
    h.add('Params', { initiative_key: key, param_name: name, value, approved: true });
  }
}
