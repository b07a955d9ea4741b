/** The six-step example model of FORMULA.md and its plausible values, which the benchmarks run. */

/** The script (its values give value 8,800 and overall 880). */
export const SIX_STEP_SCRIPT = `ticket_savings = ticket_reduction_per_month * cost_per_ticket * horizon_months
churn_savings  = churn_reduction * affected_customers * customer_lifetime_value   # per year
total_cost     = one_off_cost + monthly_running_cost * horizon_months
value   = ticket_savings + churn_savings - total_cost
effort  = effort_days
overall = value / effort
`;

export const SIX_STEP_VALUES: Readonly<Record<string, number>> = {
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
