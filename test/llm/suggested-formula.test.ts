/** The house rules for LLM-suggested formulas, as one-line tables: text in, problems out. */
import { describe, expect, it } from 'vitest';
import { checkSuggestedFormula } from '../../src/llm/index.js';

describe('checkSuggestedFormula', () => {
  it.each([
    ['value = sessions * conversion_rate * aov', ['sessions', 'conversion_rate', 'aov']],
    ['# yearly\nvalue = monthly_savings * 12 - one_off_cost', ['monthly_savings', 'one_off_cost']],
    ['uplift = uplift_pct / 100\nvalue = uplift * revenue', ['uplift_pct', 'revenue']],
    [
      'value = users * (1 - churn_rate) * arpu\neffort = effort_days',
      ['users', 'churn_rate', 'arpu', 'effort_days'],
    ],
    ['value = -2 * cost + max(0, benefit)', ['cost', 'benefit']],
    ['value = a ^ 2 + if(b > 0, b, 0)', ['a', 'b']],
    ['```\nvalue = sessions * aov\n```', ['sessions', 'aov']],
    ['  value = sessions * aov\r\n', ['sessions', 'aov']],
  ])('accepts %j with inputs %j', (text, inputs) => {
    expect(checkSuggestedFormula(text)).toMatchObject({ ok: true, inputs });
  });

  const ALLOWED = '(allowed constants: 0, 1, 2, 7, 12, 24, 52, 60, 100, 365, 1000)';
  it.each([
    ['', ['the formula is empty']],
    [
      'value = sessions * 0.03 * aov',
      [
        `line 1, column 20: the number 0.03 is written into the formula; make it a named parameter ${ALLOWED}`,
      ],
    ],
    [
      'value = sessions * 3% * aov',
      [`line 1, column 20: the number 3% is written into the formula; make it a named parameter ${ALLOWED}`],
    ],
    [
      'value = 50000 * 12',
      [
        `line 1, column 9: the number 50000 is written into the formula; make it a named parameter ${ALLOWED}`,
        'the formula reads no input parameters: every quantity must be a named parameter',
      ],
    ],
    ['value = 12 * 100', ['the formula reads no input parameters: every quantity must be a named parameter']],
    ['benefit = sessions * aov', ["the script never assigns 'value'"]],
    ['value = sessions *', ["line 1, column 19: expected a number, a name or '(' after '*'"]],
    [
      'value = Sessions * aovEur',
      [
        "'Sessions' is not lower_snake_case (write it as 'sessions')",
        "'aovEur' is not lower_snake_case (write it as 'aov_eur')",
      ],
    ],
    [
      'value = sum(a, b)\nx = 1.5 * a',
      [
        "line 1: unknown function 'sum' (functions: min, max, abs, round, floor, ceil, sqrt, exp, ln, log10, log, pow, clamp, if, and, or, not)",
        `line 2, column 5: the number 1.5 is written into the formula; make it a named parameter ${ALLOWED}`,
      ],
    ],
  ])('rejects %j: %j', (text, problems) => {
    expect(checkSuggestedFormula(text)).toMatchObject({ ok: false, problems });
  });

  it('reports a script over the length limit without walking it', () => {
    const result = checkSuggestedFormula(`value = ${'a + '.repeat(6000)}a`);
    expect(result).toMatchObject({ ok: false, problems: [expect.stringMatching(/the limit is 20,000/)] });
  });
});
