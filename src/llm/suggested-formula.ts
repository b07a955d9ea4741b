/**
 * The checks an LLM-suggested formula must pass before it is shown to a PM, on top of compiling
 * (FORMULA.md): it assigns `value`, reads at least one input, names everything in
 * lower_snake_case, and writes no numbers of its own except a few unit conversions.
 *
 * Why no numbers: a suggestion with `0.03 * sessions` hides an assumption inside the formula where
 * no one owns, sources or approves it. As a parameter (`conversion_rate`) it gets a Params row that
 * a person fills and approves (PRODUCT.md "No invented numbers").
 */
import {
  checkScript,
  type FormulaIssue,
  forEachNode,
  formatIssue,
  parseScript,
  sortIssues,
} from '../formula/index.js';

/**
 * Constants that convert units rather than assume anything: 0 and 1 (identities, `1 - churn`),
 * 2 (squares, halves), days/weeks/hours/minutes in a week/day/hour (7, 24, 60), months and weeks in
 * a year (12, 52), days in a year (365), percent (100) and per-thousand (1000).
 */
export const ALLOWED_CONSTANTS: readonly number[] = [0, 1, 2, 7, 12, 24, 52, 60, 100, 365, 1000];

const LOWER_SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

export type SuggestedFormulaCheck =
  | { ok: true; formula: string; inputs: string[] }
  | { ok: false; formula: string; problems: string[] };

/** Trims, normalises line ends and unwraps a Markdown code fence around the whole script. */
export function normalizeFormulaText(text: string): string {
  const unix = text.replace(/\r\n?/g, '\n').trim();
  const fenced = /^```[a-zA-Z]*\n([\s\S]*?)\n?```$/.exec(unix);
  return (fenced ? fenced[1]! : unix).trim();
}

/** Every reason the formula cannot be suggested, each in the words a PM (or the LLM) can act on. */
export function checkSuggestedFormula(text: string): SuggestedFormulaCheck {
  const formula = normalizeFormulaText(text);
  if (formula === '') return { ok: false, formula, problems: ['the formula is empty'] };
  const check = checkScript(formula);
  const located: FormulaIssue[] = [...check.errors];
  // Past the length limit checkScript reports only that; the parser's nesting limit keeps the
  // walk below shallow.
  const tooLong = check.errors.some((e) => e.code === 'script-too-long');
  if (!tooLong) {
    for (const statement of parseScript(formula).script.statements) {
      forEachNode(statement.expr, (node) => {
        if (node.kind !== 'number') return;
        const { value, span } = node;
        if (ALLOWED_CONSTANTS.includes(value)) return;
        located.push({
          line: span.line,
          column: span.column,
          message: `the number ${formula.slice(span.offset, span.end)} is written into the formula; make it a named parameter (allowed constants: ${ALLOWED_CONSTANTS.join(', ')})`,
        });
      });
    }
  }
  const problems = sortIssues(located).map(formatIssue);
  for (const name of [...check.outputs, ...check.inputs]) {
    if (!LOWER_SNAKE_CASE.test(name)) {
      problems.push(`'${name}' is not lower_snake_case (write it as '${toSnakeCase(name)}')`);
    }
  }
  if (check.ok && check.inputs.length === 0) {
    problems.push('the formula reads no input parameters: every quantity must be a named parameter');
  }
  if (problems.length > 0) return { ok: false, formula, problems };
  return { ok: true, formula, inputs: check.inputs };
}

function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}
