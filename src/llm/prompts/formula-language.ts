/**
 * FORMULA.md told to an LLM in as few words as work: what a statement is, which operators and
 * functions exist, which names are outputs, and the house rules of suggestions
 * (`suggested-formula.ts`), with an example that keeps them.
 */
import { functionNames } from '../../formula/index.js';
import { ALLOWED_CONSTANTS } from '../suggested-formula.js';

export const FORMULA_LANGUAGE_GUIDE = `The formula language:
- One statement per line: \`name = expression\`. \`#\` starts a comment. An expression may continue on the next line only inside open parentheses.
- Names are lower_snake_case (letters, digits, _). Each name is assigned at most once, and only after every name its expression reads has been assigned above it.
- A name that is read but never assigned is an input parameter: people fill in its number later, with its owner's approval.
- \`value\` must be assigned: the money (or other benefit) the initiative is worth. \`effort\` and \`overall\` are optional outputs; leave them out unless asked (effort then comes from the engineering estimate and overall = value / effort).
- Operators: + - * / and ^ (power), parentheses; comparisons < <= > >= == != give 1 or 0.
- Functions (nothing else exists): ${functionNames.join(', ')}. if(condition, then, else); clamp(x, low, high); log(x, base).
- No strings, no lists, no % sign, no units, no other syntax.
- Never write an assumed number into the formula. Every rate, count, price, cost, uplift, share or horizon is a named input parameter. The only numbers allowed are these unit conversions: ${ALLOWED_CONSTANTS.join(', ')} (e.g. 12 months in a year, 100 for percent).

Example:
# Support cost savings over the horizon
ticket_savings = tickets_avoided_per_month * cost_per_ticket * horizon_months
churn_savings = churn_reduction * affected_customers * customer_lifetime_value
value = ticket_savings + churn_savings - one_off_cost`;
