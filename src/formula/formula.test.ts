import { describe, expect, it } from 'vitest';
import { checkScript, compileScript, EvaluationError, FormulaError, formatIssue } from './index.js';

const example = `# Ticket savings
ticket_savings = ticket_reduction_per_month * cost_per_ticket * horizon_months
churn_savings  = churn_reduction * affected_customers * customer_lifetime_value   # per year
total_cost     = one_off_cost + monthly_running_cost * horizon_months
value   = ticket_savings + churn_savings - total_cost
effort  = effort_days
overall = value / effort
`;

const params = {
  ticket_reduction_per_month: 100,
  cost_per_ticket: 5,
  horizon_months: 12,
  churn_reduction: 0.01,
  affected_customers: 1000,
  customer_lifetime_value: 500,
  one_off_cost: 1000,
  monthly_running_cost: 100,
  effort_days: 10,
};

const problems = (text: string) => checkScript(text).errors.map(formatIssue);

describe('the FORMULA.md example', () => {
  it('extracts inputs in order of first appearance and outputs in order', () => {
    const c = compileScript(example);
    expect(c.inputs).toEqual(Object.keys(params));
    expect(c.outputs).toEqual([
      'ticket_savings',
      'churn_savings',
      'total_cost',
      'value',
      'effort',
      'overall',
    ]);
    expect(c.warnings).toEqual([]);
  });

  it('evaluates every assigned name', () => {
    expect(compileScript(example).evaluate(params)).toEqual({
      ticket_savings: 6000,
      churn_savings: 5000,
      total_cost: 2200,
      value: 8800,
      effort: 10,
      overall: 880,
    });
  });

  it('names the line and the input in a division by zero', () => {
    const c = compileScript(example);
    expect(() => c.evaluate({ ...params, effort_days: 0 })).toThrow(EvaluationError);
    expect(() => c.evaluate({ ...params, effort_days: 0 })).toThrow('line 7: division by zero (effort = 0)');
  });
});

describe('the example messages of FORMULA.md', () => {
  it.each([
    [
      'x = 1\ny = 2\nz = a * b * c + d *\nvalue = x',
      "line 3, column 20: expected a number, a name or '(' after '*'",
    ],
    [
      'a = 1\nchurn_savings = a\nb = churn_savings\nc = b\nchurn_savings = 2\nvalue = c',
      "line 5: 'churn_savings' is assigned twice (first on line 2)",
    ],
    [
      'a = 1\nb = a\nc = b\nd = total_cost\ne = d\ntotal_cost = 3\nvalue = e',
      "line 4: 'total_cost' is read before it is assigned on line 6",
    ],
    ['a = 1\nvalue = sum(a, 2)', "line 2: unknown function 'sum' (functions: min, max, abs, "],
    ['x = 1', "the script never assigns 'value'"],
  ])('%j → %s', (text, message) => {
    expect(problems(text).some((p) => p.startsWith(message))).toBe(true);
  });

  it('throws a FormulaError that lists every problem, in text order', () => {
    try {
      compileScript('value = a *\nb = 1\nb = 2\nc = sum(1)');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FormulaError);
      expect((e as FormulaError).issues.map((i) => i.line)).toEqual([1, 3, 4]);
    }
  });
});
