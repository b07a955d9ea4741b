/**
 * The two sample workbooks `productops demo` writes (CLI.md): a Central Backlog (tab Backlog) and a
 * ProductOps workbook (tabs Scoring_Inputs, MathModels, Params) for "Northwind Cloud", a mid-size
 * SaaS company selling a B2B workspace with a B2C web shop and mobile apps.
 *
 * Every tab carries all of its columns (src/sheets/tabs.ts, in that order). Backend-owned columns
 * are empty: the first run fills them. Two exceptions follow the brief: Scoring_Inputs.title
 * mirrors the Backlog title, and Params.is_auto_seeded is FALSE (people created those rows).
 *
 * What the demo shows:
 * - 8 initiatives scored by an approved MATH_MODEL formula with approved params
 *   (INIT-000001, 03, 05, 06, 08, 10, 14, 18);
 * - 11 initiatives scored by RICE or WSJF only (INIT-000002, 04, 07, 11, 13, 17, 20, 22, 25, 26, 28),
 *   some with text numbers such as "12,000" or "80%";
 * - 2 Backlog rows with a blank key: the run assigns keys and appends their Scoring_Inputs rows.
 *
 * Deliberate problems a PM would make, each on its own initiative (search for "DELIBERATE"):
 * - INIT-000007  framework typed in lower case `rice` (valid: matched case-insensitively);
 * - INIT-000009  RICE confidence typed as `80` instead of 0.8 / 80% (bad value → no RICE score);
 * - INIT-000012  math model formula written but NOT approved ("Formula not approved");
 * - INIT-000015  WSJF job size 0 (no WSJF score);
 * - INIT-000016  approved model with one param not approved ("Missing approved params: …");
 * - INIT-000019  RICE row missing rice_reach ("RICE needs rice_reach");
 * - INIT-000021  approved formula with a syntax error (`* *`): "line 3, column 34: …";
 * - INIT-000023  unknown framework name `ICE`;
 * - INIT-000024  param value `abc` (Bad value; the model misses an approved param);
 * - INIT-000027  use_math_model TRUE but no MathModels row yet (the run appends one; "Formula not approved");
 * - a Backlog row with no title but a description (ignored, with a warning).
 */

import { parseNumber } from '../shared/values.js';
import { backlogTab, mathModelsTab, paramsTab, scoringTab, type TabSpec } from '../sheets/tabs.js';

export type DemoCell = string | number | boolean | null;
export type DemoTab = { headers: string[]; rows: DemoCell[][] };
export type DemoTabName = 'Backlog' | 'Scoring_Inputs' | 'MathModels' | 'Params';

export interface DemoWorkbooks {
  backlog: DemoTab;
  scoring: DemoTab;
  mathModels: DemoTab;
  params: DemoTab;
}

interface DemoParam {
  name: string;
  display: string;
  unit: string;
  min: number;
  max: number;
  /** As a person types it: a number, or text such as "120,000", "3.2%", "$86". */
  value: DemoCell;
  source: string;
  description: string;
  approved: boolean;
  notes: string | null;
}

interface DemoModel {
  description: string;
  prompt?: string;
  formula: string[];
  approved: boolean;
  params: DemoParam[];
}

type FourInputs = [DemoCell, DemoCell, DemoCell, DemoCell];

interface DemoProblem {
  /** What the PM did wrong (or unusually), in plain English. */
  problem: string;
  /** Whether the initiative still gets an active score on the first run. */
  scored: boolean;
  /** A fragment of the warning the first run should show, when it is predictable. */
  warningIncludes: string | null;
  /** Where the problem sits. */
  tab: DemoTabName;
  /** Tab Params: the param whose row has the problem. */
  param?: string;
  /** A fragment of the formula_status the first run writes on the initiative's MathModels row. */
  formulaStatus?: string;
}

interface DemoInitiative {
  /** null: a new row the PM just added; the backend assigns the key. */
  key: string | null;
  title: string;
  problem: string;
  hypothesis: string;
  department: string;
  requestingTeam: string;
  productArea: string;
  lifecycle: string;
  effortDays: number;
  framework: string | null;
  useMathModel: boolean;
  coefficient: number | null;
  /** reach, impact, confidence, effort */
  rice?: FourInputs;
  /** business value, time criticality, risk reduction, job size */
  wsjf?: FourInputs;
  model?: DemoModel;
  deliberate?: DemoProblem;
}

const ANALYTICS = 'Analytics dashboard Q3';
const FINANCE = 'Finance plan FY26';
const CONVENTION = 'ProductOps convention';

function param(
  name: string,
  display: string,
  unit: string,
  [min, max]: [number, number],
  value: DemoCell,
  source: string,
  description: string,
  extra: { approved?: boolean; notes?: string } = {},
): DemoParam {
  return {
    name,
    display,
    unit,
    min,
    max,
    value,
    source,
    description,
    approved: extra.approved ?? true,
    notes: extra.notes ?? null,
  };
}

const horizon = (months = 12) =>
  param(
    'horizon_months',
    'Horizon',
    'months',
    [6, 36],
    months,
    CONVENTION,
    'How many months of benefit we count for this initiative',
  );

const INITIATIVES: DemoInitiative[] = [
  {
    key: 'INIT-000001',
    title: 'Checkout redesign: one-page checkout',
    problem: 'Our four-step checkout loses 68% of shoppers between cart and payment; mobile is worst.',
    hypothesis:
      'A single-page checkout with saved addresses lifts checkout conversion by about 8% (relative).',
    department: 'Product',
    requestingTeam: 'Checkout squad',
    productArea: 'Checkout',
    lifecycle: 'Ready for scoring',
    effortDays: 40,
    framework: 'MATH_MODEL',
    useMathModel: true,
    coefficient: null,
    rice: ['9,000', 2, 0.8, 2],
    model: {
      description:
        'Extra orders from a higher checkout conversion rate, times order value and margin, over a year, minus the design agency.',
      formula: [
        '# One-page checkout: more checkout sessions end in an order',
        'extra_orders_per_month = monthly_checkout_sessions * baseline_conversion * conversion_uplift',
        'monthly_gross_profit = extra_orders_per_month * average_order_value * gross_margin',
        'value = monthly_gross_profit * horizon_months - design_research_cost',
      ],
      approved: true,
      params: [
        param(
          'monthly_checkout_sessions',
          'Monthly checkout sessions',
          'sessions / month',
          [100_000, 140_000],
          '120,000',
          ANALYTICS,
          'Sessions that reach the cart or checkout step each month',
          { notes: 'Average of July–September' },
        ),
        param(
          'baseline_conversion',
          'Checkout conversion today',
          '%',
          [0.028, 0.036],
          '3.2%',
          ANALYTICS,
          'Share of checkout sessions that end in an order',
        ),
        param(
          'conversion_uplift',
          'Relative conversion uplift',
          '%',
          [0.03, 0.15],
          0.08,
          'Baymard benchmark + 2023 checkout test',
          'Expected relative lift of checkout conversion from the redesign',
          { notes: 'Conservative: the 2023 address-autofill test gave +5%' },
        ),
        param(
          'average_order_value',
          'Average order value',
          '$',
          [78, 95],
          '$86',
          FINANCE,
          'Average basket value per order',
        ),
        param(
          'gross_margin',
          'Gross margin',
          '%',
          [0.55, 0.68],
          0.62,
          FINANCE,
          'Gross margin on web shop orders',
        ),
        horizon(12),
        param(
          'design_research_cost',
          'Design & research cost',
          '$',
          [15_000, 40_000],
          25_000,
          'Agency quote, September',
          'One-off cost of the design agency and usability research',
        ),
      ],
    },
  },
  {
    key: 'INIT-000002',
    title: 'Dark mode for the web app',
    problem:
      'Power users working long sessions ask for a dark theme; it is the #3 request on the feedback board.',
    hypothesis: 'A dark theme raises satisfaction of daily users and removes a common objection in reviews.',
    department: 'Product',
    requestingTeam: 'Design system',
    productArea: 'Web app',
    lifecycle: 'Discovery',
    effortDays: 25,
    framework: 'RICE',
    useMathModel: false,
    coefficient: null,
    rice: ['12,000', 0.5, 0.8, 3],
  },
  {
    key: 'INIT-000003',
    title: 'Support chatbot deflection',
    problem:
      'Support handles 9,500 tickets a month; a third are password, billing-date and invoice questions.',
    hypothesis: 'A chatbot trained on the help centre resolves about 22% of tickets without an agent.',
    department: 'Customer Success',
    requestingTeam: 'Support Ops',
    productArea: 'Support',
    lifecycle: 'Ready for scoring',
    effortDays: 30,
    framework: 'MATH_MODEL',
    useMathModel: true,
    coefficient: null,
    model: {
      description:
        'Tickets the bot resolves times the cost of a ticket handled by an agent, over a year, minus the bot licence and setup.',
      prompt: 'Count tier-1 tickets only; cap deflection at what vendors report.',
      formula: [
        '# Support chatbot: tickets the bot resolves never reach an agent',
        'effective_deflection = min(deflection_rate, 35%)   # vendor case studies never exceed 35%',
        'deflected_tickets = monthly_tickets * effective_deflection * horizon_months',
        'ticket_savings = deflected_tickets * cost_per_ticket',
        'running_cost = bot_licence_per_month * horizon_months + setup_cost',
        'value = ticket_savings - running_cost',
        'effort = bot_build_days + kb_cleanup_days',
        'overall = round(value / effort, 1)',
      ],
      approved: true,
      params: [
        param(
          'deflection_rate',
          'Deflection rate',
          '%',
          [0.12, 0.3],
          '22%',
          'Vendor pilot, August',
          'Share of tier-1 tickets the bot resolves without an agent',
        ),
        param(
          'monthly_tickets',
          'Tickets per month',
          'tickets / month',
          [8_500, 11_000],
          '9,500',
          'Zendesk report Q3',
          'Tier-1 tickets created per month',
        ),
        horizon(12),
        param(
          'cost_per_ticket',
          'Cost per ticket',
          '$',
          [5, 8],
          '$6.50',
          FINANCE,
          'Fully loaded agent cost of one tier-1 ticket',
        ),
        param(
          'bot_licence_per_month',
          'Bot licence',
          '$ / month',
          [900, 1_500],
          1_200,
          'Vendor quote',
          'Monthly licence of the chatbot platform',
        ),
        param(
          'setup_cost',
          'Setup cost',
          '$',
          [5_000, 12_000],
          8_000,
          'Vendor quote',
          'One-off onboarding fee',
        ),
        param('bot_build_days', 'Build days', 'days', [15, 30], 20, 'Eng estimate', 'Integration and flows'),
        param(
          'kb_cleanup_days',
          'Help-centre cleanup',
          'days',
          [5, 15],
          10,
          'Support Ops estimate',
          'Rewriting the help articles the bot learns from',
        ),
      ],
    },
  },
  {
    key: 'INIT-000004',
    title: 'GDPR data-subject-request tooling',
    problem:
      'Access and deletion requests are handled by hand across 7 systems; we missed the 30-day deadline twice.',
    hypothesis:
      'One admin tool that exports and erases a person across systems keeps us within the legal deadline.',
    department: 'Legal & Compliance',
    requestingTeam: 'Privacy office',
    productArea: 'Compliance',
    lifecycle: 'Planned',
    effortDays: 35,
    framework: 'WSJF',
    useMathModel: false,
    coefficient: 1.2,
    wsjf: [5, 13, 13, 8],
  },
  {
    key: 'INIT-000005',
    title: 'Self-serve onboarding wizard',
    problem: 'Every trial above 5 seats needs a sales call to set up; trials stall while waiting for a slot.',
    hypothesis: 'A guided setup wizard lets trials convert on their own and frees sales time.',
    department: 'Growth',
    requestingTeam: 'Growth squad',
    productArea: 'Onboarding',
    lifecycle: 'Ready for scoring',
    effortDays: 45,
    framework: 'MATH_MODEL',
    useMathModel: true,
    coefficient: null,
    model: {
      description:
        'Extra paid accounts from a higher trial-to-paid rate: their subscription margin plus the sales hours no longer spent on onboarding calls.',
      formula: [
        '# Self-serve onboarding: trials that convert without a sales call',
        'new_paid_accounts = monthly_trial_signups * trial_to_paid_uplift * horizon_months',
        'subscription_revenue = new_paid_accounts * avg_monthly_revenue_per_account * avg_paid_months_in_horizon',
        'sales_time_saved = new_paid_accounts * sales_hours_per_onboarding * sales_hourly_cost',
        'value = subscription_revenue * gross_margin + sales_time_saved',
        'effort = build_days + design_days',
      ],
      approved: true,
      params: [
        param(
          'monthly_trial_signups',
          'Trial sign-ups per month',
          'trials / month',
          [1_500, 2_100],
          '1,800',
          ANALYTICS,
          'New trials started each month',
        ),
        param(
          'trial_to_paid_uplift',
          'Trial-to-paid uplift',
          'percentage points',
          [0.005, 0.025],
          '1.5%',
          'Growth team estimate',
          'Extra share of trials that become paying accounts',
        ),
        horizon(12),
        param(
          'avg_monthly_revenue_per_account',
          'Revenue per account',
          '$ / month',
          [85, 105],
          95,
          FINANCE,
          'Average monthly subscription revenue of a new account',
        ),
        param(
          'avg_paid_months_in_horizon',
          'Paid months in horizon',
          'months',
          [5, 8],
          6.5,
          ANALYTICS,
          'Average months a new account pays within the horizon (accounts arrive through the year)',
        ),
        param(
          'sales_hours_per_onboarding',
          'Sales hours per onboarding',
          'hours',
          [1, 2],
          1.5,
          'Sales ops',
          'Time a sales rep spends on a setup call',
        ),
        param(
          'sales_hourly_cost',
          'Sales hourly cost',
          '$ / hour',
          [50, 75],
          60,
          FINANCE,
          'Loaded cost of a sales hour',
        ),
        param('gross_margin', 'Gross margin', '%', [0.75, 0.85], '80%', FINANCE, 'Subscription gross margin'),
        param(
          'build_days',
          'Build days',
          'days',
          [30, 45],
          35,
          'Eng estimate',
          'Engineering days for the wizard',
        ),
        param('design_days', 'Design days', 'days', [5, 15], 10, 'Design estimate', 'Design and copy'),
      ],
    },
  },
  {
    key: 'INIT-000006',
    title: 'SSO (SAML / OIDC) for enterprise',
    problem: 'Enterprise prospects fail our security review because we have no single sign-on.',
    hypothesis: 'SAML and OIDC login unblocks stalled enterprise deals and reduces churn of large accounts.',
    department: 'Sales',
    requestingTeam: 'Enterprise Sales',
    productArea: 'Identity & Access',
    lifecycle: 'Ready for scoring',
    effortDays: 35,
    framework: 'MATH_MODEL',
    useMathModel: true,
    coefficient: 1.5,
    wsjf: [13, 8, 5, 8],
    model: {
      description:
        'New ARR from pipeline deals currently blocked by the missing SSO, plus ARR of enterprise accounts we would otherwise lose.',
      formula: [
        '# SSO for enterprise: deals no longer blocked in security review, plus churn avoided',
        'won_deals = enterprise_pipeline_deals * sso_blocked_share * win_rate',
        'new_arr = won_deals * avg_enterprise_arr',
        'retained_arr = at_risk_enterprise_arr * churn_reduction',
        'value = new_arr + retained_arr',
        'effort = engineering_days + security_review_days',
        'overall = value / effort',
      ],
      approved: true,
      params: [
        param(
          'enterprise_pipeline_deals',
          'Enterprise pipeline deals',
          'deals / year',
          [30, 50],
          40,
          'CRM pipeline report',
          'Enterprise deals in the FY26 pipeline',
        ),
        param(
          'sso_blocked_share',
          'Share blocked by SSO',
          '%',
          [0.2, 0.4],
          '30%',
          'Sales loss reasons',
          'Share of those deals that require SSO to pass security review',
        ),
        param('win_rate', 'Win rate', '%', [0.2, 0.3], '25%', 'CRM pipeline report', 'Enterprise win rate'),
        param(
          'avg_enterprise_arr',
          'Average enterprise ARR',
          '$ / year',
          [40_000, 60_000],
          '$48,000',
          FINANCE,
          'Annual recurring revenue of an enterprise deal',
        ),
        param(
          'at_risk_enterprise_arr',
          'At-risk enterprise ARR',
          '$ / year',
          [300_000, 500_000],
          '400,000',
          'Customer Success health report',
          'ARR of enterprise accounts that flagged SSO at renewal',
        ),
        param(
          'churn_reduction',
          'Churn reduction',
          '%',
          [0.05, 0.15],
          0.1,
          'Customer Success estimate',
          'Share of the at-risk ARR kept thanks to SSO',
        ),
        param(
          'engineering_days',
          'Engineering days',
          'days',
          [25, 40],
          30,
          'Eng estimate',
          'Build and test SSO',
        ),
        param(
          'security_review_days',
          'Security review days',
          'days',
          [3, 8],
          5,
          'Security team',
          'Pen test and review before launch',
        ),
      ],
    },
  },
  {
    // DELIBERATE: framework typed in lower case; it is valid and matched as RICE.
    key: 'INIT-000007',
    title: 'Slack notifications integration',
    problem: 'Teams miss task assignments because our e-mail notifications get buried.',
    hypothesis: 'Posting assignments and mentions to Slack raises weekly active usage of invited members.',
    department: 'Product',
    requestingTeam: 'Integrations squad',
    productArea: 'Integrations',
    lifecycle: 'Ready for scoring',
    effortDays: 12,
    framework: 'rice',
    useMathModel: false,
    coefficient: null,
    rice: [4_500, 1, '80%', 2],
    deliberate: {
      problem: 'active_scoring_framework typed in lower case `rice` (valid: matched case-insensitively)',
      scored: true,
      warningIncludes: null,
      tab: 'Backlog',
    },
  },
  {
    key: 'INIT-000008',
    title: 'Churn-prevention email sequence',
    problem: 'About 2% of customers cancel every month; most showed falling usage for weeks before.',
    hypothesis: 'An automated save sequence with a one-off discount keeps 8% of at-risk customers.',
    department: 'Marketing',
    requestingTeam: 'Lifecycle marketing',
    productArea: 'Lifecycle marketing',
    lifecycle: 'Ready for scoring',
    effortDays: 15,
    framework: 'MATH_MODEL',
    useMathModel: true,
    coefficient: null,
    model: {
      description:
        'Customers saved by the sequence times their lifetime value, minus the discount we give them.',
      formula: [
        '# Churn-prevention emails: a save sequence for accounts showing churn signals',
        'at_risk_per_month = active_customers * monthly_churn_rate',
        'saved_customers = round(at_risk_per_month * save_rate * horizon_months)',
        'value = saved_customers * (customer_lifetime_value - discount_cost_per_save)',
      ],
      approved: true,
      params: [
        param(
          'active_customers',
          'Active customers',
          'customers',
          [13_000, 15_000],
          '14,000',
          ANALYTICS,
          'Paying customers at the start of the quarter',
        ),
        param(
          'monthly_churn_rate',
          'Monthly churn rate',
          '%',
          [0.018, 0.025],
          '2.1%',
          FINANCE,
          'Share of customers cancelling each month',
        ),
        param(
          'save_rate',
          'Save rate',
          '%',
          [0.04, 0.12],
          0.08,
          'Industry benchmark',
          'Share of at-risk customers the sequence keeps',
        ),
        horizon(12),
        param(
          'customer_lifetime_value',
          'Customer lifetime value',
          '$',
          [900, 1_400],
          '$1,150',
          FINANCE,
          'Gross margin a customer brings over their lifetime',
        ),
        param(
          'discount_cost_per_save',
          'Discount per saved customer',
          '$',
          [40, 80],
          60,
          'Lifecycle marketing',
          'One month at 50% off, on average',
        ),
      ],
    },
  },
  {
    // DELIBERATE: RICE confidence typed as 80 instead of 0.8 or 80% — a bad value, so no RICE score.
    key: 'INIT-000009',
    title: 'Localised pricing in EUR and GBP',
    problem: 'European visitors see USD prices only; their trial-to-paid rate is half of US visitors.',
    hypothesis: 'Local currency prices raise European conversion to paid.',
    department: 'Growth',
    requestingTeam: 'Pricing & packaging',
    productArea: 'Pricing & Packaging',
    lifecycle: 'Discovery',
    effortDays: 20,
    framework: 'RICE',
    useMathModel: false,
    coefficient: null,
    rice: [9_000, 1, 80, 2],
    deliberate: {
      problem: 'rice_confidence typed as 80 instead of 0.8 or 80% (bad value)',
      scored: false,
      warningIncludes: 'rice_confidence',
      tab: 'Scoring_Inputs',
    },
  },
  {
    key: 'INIT-000010',
    title: 'Pricing page A/B test',
    problem: 'Visitors cannot tell our Team and Business plans apart; the pricing page has a 62% exit rate.',
    hypothesis: 'A clearer plan comparison table turns more pricing-page visitors into trials.',
    department: 'Growth',
    requestingTeam: 'Growth squad',
    productArea: 'Pricing & Packaging',
    lifecycle: 'Ready for scoring',
    effortDays: 8,
    framework: 'MATH_MODEL',
    useMathModel: true,
    coefficient: null,
    rice: ['60,000', 1, 0.5, 0.5],
    model: {
      description:
        'Extra trials from the winning variant, weighted by the chance that the test wins, converted to paid and kept for several months.',
      formula: [
        '# Pricing page test: a clearer plan comparison turns more visitors into trials',
        'extra_trials_per_month = monthly_pricing_page_visitors * clamp(visitor_to_trial_uplift, 0, 2%) * test_win_probability',
        'extra_customers = extra_trials_per_month * trial_to_paid_rate * horizon_months',
        'value = extra_customers * avg_monthly_revenue_per_account * avg_months_retained',
      ],
      approved: true,
      params: [
        param(
          'monthly_pricing_page_visitors',
          'Pricing page visitors',
          'visitors / month',
          [50_000, 70_000],
          '60,000',
          ANALYTICS,
          'Unique visitors of the pricing page per month',
        ),
        param(
          'visitor_to_trial_uplift',
          'Visitor-to-trial uplift',
          'percentage points',
          [0.002, 0.008],
          '0.4%',
          'Growth team estimate',
          'Extra share of visitors who start a trial with the new page',
        ),
        param(
          'test_win_probability',
          'Chance the test wins',
          '%',
          [0.3, 0.7],
          '50%',
          'Growth team estimate',
          'Probability the new variant beats the current page',
        ),
        param(
          'trial_to_paid_rate',
          'Trial-to-paid rate',
          '%',
          [0.15, 0.21],
          0.18,
          ANALYTICS,
          'Share of trials that become paying accounts',
        ),
        horizon(12),
        param(
          'avg_monthly_revenue_per_account',
          'Revenue per account',
          '$ / month',
          [85, 105],
          95,
          FINANCE,
          'Average monthly subscription revenue of a new account',
        ),
        param(
          'avg_months_retained',
          'Months retained',
          'months',
          [5, 9],
          7,
          ANALYTICS,
          'Average months a new account stays within the horizon',
        ),
      ],
    },
  },
  {
    key: 'INIT-000011',
    title: 'Enforce two-factor authentication for admins',
    problem: 'Admin accounts without 2FA were behind both account takeovers this year.',
    hypothesis: 'Requiring 2FA for workspace admins removes our largest account-takeover risk.',
    department: 'Engineering',
    requestingTeam: 'Security',
    productArea: 'Identity & Access',
    lifecycle: 'Planned',
    effortDays: 10,
    framework: 'WSJF',
    useMathModel: false,
    coefficient: null,
    wsjf: [8, 8, 13, 5],
  },
  {
    // DELIBERATE: the formula is written and valid, but formula_text_approved is FALSE.
    key: 'INIT-000012',
    title: 'Annual-plan upsell in billing settings',
    problem: 'Only 18% of customers pay annually; monthly payers churn twice as often.',
    hypothesis:
      'Offering 15% off for switching to annual moves 6% of monthly customers and cuts their churn.',
    department: 'Finance',
    requestingTeam: 'Revenue operations',
    productArea: 'Billing',
    lifecycle: 'Discovery',
    effortDays: 10,
    framework: 'MATH_MODEL',
    useMathModel: true,
    coefficient: null,
    model: {
      description:
        'Revenue from the extra months switchers stay, minus the annual discount they get. Finance still reviewing.',
      formula: [
        '# Annual plan upsell: customers who switch to annual pay upfront and churn less',
        'switchers = monthly_plan_customers * switch_rate',
        'extra_revenue = switchers * avg_monthly_revenue_per_account * extra_months_retained',
        'discount_cost = switchers * avg_monthly_revenue_per_account * 12 * annual_discount',
        'value = extra_revenue - discount_cost',
      ],
      approved: false,
      params: [],
    },
    deliberate: {
      problem: 'formula written in formula_text_final but not approved (formula_text_approved FALSE)',
      scored: false,
      warningIncludes: 'Formula not approved',
      tab: 'MathModels',
      formulaStatus: 'Not approved',
    },
  },
  {
    key: 'INIT-000013',
    title: 'Bulk CSV import for contacts',
    problem: 'New customers re-type their contact lists; onboarding interviews name it the top setup chore.',
    hypothesis: 'A CSV import with column mapping shortens time-to-value for new workspaces.',
    department: 'Product',
    requestingTeam: 'Onboarding squad',
    productArea: 'Onboarding',
    lifecycle: 'Ready for scoring',
    effortDays: 14,
    framework: 'RICE',
    useMathModel: false,
    coefficient: null,
    rice: [3_200, 2, 0.9, 2],
  },
  {
    key: 'INIT-000014',
    title: 'Data warehouse migration to BigQuery',
    problem: 'The self-hosted warehouse costs $18.5k a month and dashboards take minutes to load.',
    hypothesis: 'A managed warehouse cuts infra cost by 40% and gives analysts back hours every week.',
    department: 'Data',
    requestingTeam: 'Data Platform',
    productArea: 'Data platform',
    lifecycle: 'Planned',
    effortDays: 60,
    framework: 'MATH_MODEL',
    useMathModel: true,
    coefficient: null,
    model: {
      description:
        'Warehouse cost saved plus analyst hours saved over two years, minus contractor days beyond our own capacity.',
      formula: [
        '# Data warehouse migration: a cheaper warehouse and fewer hours lost to slow queries',
        'infra_savings = (current_warehouse_cost_per_month - new_warehouse_cost_per_month) * horizon_months',
        'analyst_savings = analyst_hours_saved_per_month * analyst_hourly_cost * horizon_months',
        'contractor_cost = max(migration_days - internal_capacity_days, 0) * contractor_day_rate',
        'value = infra_savings + analyst_savings - contractor_cost',
      ],
      approved: true,
      params: [
        param(
          'current_warehouse_cost_per_month',
          'Current warehouse cost',
          '$ / month',
          [17_000, 20_000],
          '$18,500',
          'Cloud bill, September',
          'What the current warehouse costs per month',
        ),
        param(
          'new_warehouse_cost_per_month',
          'New warehouse cost',
          '$ / month',
          [9_000, 14_000],
          '$11,000',
          'Vendor pricing calculator',
          'Expected monthly cost after the migration',
        ),
        horizon(24),
        param(
          'analyst_hours_saved_per_month',
          'Analyst hours saved',
          'hours / month',
          [80, 160],
          120,
          'Analytics team survey',
          'Hours analysts no longer wait for queries',
        ),
        param(
          'analyst_hourly_cost',
          'Analyst hourly cost',
          '$ / hour',
          [60, 80],
          70,
          FINANCE,
          'Loaded cost of an analyst hour',
        ),
        param(
          'migration_days',
          'Migration days',
          'days',
          [30, 55],
          40,
          'Data Platform estimate',
          'Total migration work',
        ),
        param(
          'internal_capacity_days',
          'Internal capacity',
          'days',
          [10, 20],
          15,
          'Data Platform estimate',
          'Days our own team can spend on it this half',
        ),
        param(
          'contractor_day_rate',
          'Contractor day rate',
          '$ / day',
          [550, 750],
          650,
          'Procurement',
          'Day rate of the migration partner',
        ),
      ],
    },
  },
  {
    // DELIBERATE: WSJF job size typed as 0 ("tiny") — the denominator must be > 0, so no WSJF score.
    key: 'INIT-000015',
    title: 'Retire legacy API v1',
    problem: 'API v1 still serves 3% of calls and needs its own auth path and on-call runbook.',
    hypothesis: 'Migrating the last v1 clients and switching it off removes a security and on-call burden.',
    department: 'Engineering',
    requestingTeam: 'Platform',
    productArea: 'API',
    lifecycle: 'Ready for scoring',
    effortDays: 18,
    framework: 'WSJF',
    useMathModel: false,
    coefficient: null,
    wsjf: [3, 5, 8, 0],
    deliberate: {
      problem: 'wsjf_job_size typed as 0',
      scored: false,
      warningIncludes: 'wsjf_job_size',
      tab: 'Scoring_Inputs',
    },
  },
  {
    // DELIBERATE: the model is approved, but price_per_million_calls is not approved yet.
    key: 'INIT-000016',
    title: 'Usage-based billing for the public API',
    problem: 'The top 5% of API users generate 60% of API load but pay the same plan price.',
    hypothesis: 'Charging for calls above the plan allowance adds revenue with little churn.',
    department: 'Finance',
    requestingTeam: 'Revenue operations',
    productArea: 'API',
    lifecycle: 'Ready for scoring',
    effortDays: 25,
    framework: 'MATH_MODEL',
    useMathModel: true,
    coefficient: null,
    model: {
      description:
        'Overage revenue from calls above the plan allowance, minus the share of customers we lose.',
      formula: [
        '# Usage-based billing: heavy API users pay for calls above their plan',
        'billable_calls_millions = monthly_api_calls_millions * overage_share',
        'monthly_overage_revenue = billable_calls_millions * price_per_million_calls',
        'value = monthly_overage_revenue * horizon_months * (1 - customer_loss_share)',
      ],
      approved: true,
      params: [
        param(
          'monthly_api_calls_millions',
          'API calls per month',
          'million calls / month',
          [700, 1_000],
          850,
          'API gateway metrics',
          'All public API calls per month, in millions',
        ),
        param(
          'overage_share',
          'Overage share',
          '%',
          [0.08, 0.16],
          '12%',
          'API gateway metrics',
          'Share of calls above the plan allowances',
        ),
        param(
          'price_per_million_calls',
          'Price per million calls',
          '$',
          [25, 60],
          40,
          'Pricing proposal draft',
          'List price of one million overage calls',
          { approved: false, notes: 'Waiting for Finance to confirm the list price' },
        ),
        horizon(12),
        param(
          'customer_loss_share',
          'Customers lost',
          '%',
          [0.02, 0.1],
          '5%',
          'Customer Success estimate',
          'Share of overage revenue lost to customers who leave',
        ),
      ],
    },
    deliberate: {
      problem: 'approved model whose param price_per_million_calls is not approved',
      scored: false,
      warningIncludes: 'Missing approved params: price_per_million_calls',
      tab: 'Params',
      param: 'price_per_million_calls',
      formulaStatus: 'Missing approved params: price_per_million_calls',
    },
  },
  {
    key: 'INIT-000017',
    title: 'In-app changelog widget',
    problem: 'Customers do not notice new features; support answers "can it do X?" for things we shipped.',
    hypothesis: 'An in-app "What\'s new" panel raises adoption of newly shipped features.',
    department: 'Marketing',
    requestingTeam: 'Product marketing',
    productArea: 'Web app',
    lifecycle: 'Idea',
    effortDays: 6,
    framework: 'RICE',
    useMathModel: false,
    coefficient: null,
    rice: ['25,000', 0.25, '50%', 1],
  },
  {
    key: 'INIT-000018',
    title: 'Mobile offline mode',
    problem:
      'Field teams lose work when the app has no signal; it is the top reason in mobile churn surveys.',
    hypothesis: 'Offline drafts with background sync keep field customers from cancelling seats.',
    department: 'Product',
    requestingTeam: 'Mobile',
    productArea: 'Mobile',
    lifecycle: 'Discovery',
    effortDays: 80,
    framework: 'MATH_MODEL',
    useMathModel: true,
    coefficient: null,
    model: {
      description:
        'Seats of field users that stop churning because the app works offline, over a year. Effort depends on whether sync needs a rewrite.',
      formula: [
        '# Mobile offline mode: field teams keep working without signal, so fewer seats churn',
        'affected_seats = mobile_active_seats * offline_usage_share',
        'retained_seats = affected_seats * churn_reduction',
        'value = retained_seats * seat_price_per_month * horizon_months',
        'effort = ios_days + android_days + if(needs_sync_rewrite, sync_rewrite_days, 0)',
      ],
      approved: true,
      params: [
        param(
          'mobile_active_seats',
          'Mobile active seats',
          'seats',
          [20_000, 24_000],
          '22,000',
          ANALYTICS,
          'Paid seats active on mobile each month',
        ),
        param(
          'offline_usage_share',
          'Offline usage share',
          '%',
          [0.25, 0.45],
          '35%',
          'Mobile usage survey',
          'Share of mobile seats that regularly work without signal',
        ),
        param(
          'churn_reduction',
          'Churn reduction',
          '%',
          [0.02, 0.06],
          0.04,
          'Customer Success estimate',
          'Share of affected seats kept thanks to offline mode',
        ),
        param(
          'seat_price_per_month',
          'Seat price',
          '$ / month',
          [25, 35],
          '$29',
          FINANCE,
          'Average price of a seat',
        ),
        horizon(12),
        param('ios_days', 'iOS days', 'days', [25, 40], 30, 'Mobile estimate', 'iOS build'),
        param('android_days', 'Android days', 'days', [25, 40], 30, 'Mobile estimate', 'Android build'),
        param(
          'needs_sync_rewrite',
          'Sync rewrite needed',
          '0/1 flag',
          [0, 1],
          1,
          'Mobile tech lead',
          '1 when the sync engine must be rewritten first, else 0',
        ),
        param(
          'sync_rewrite_days',
          'Sync rewrite days',
          'days',
          [15, 30],
          20,
          'Mobile tech lead',
          'Extra days when the sync engine is rewritten',
        ),
      ],
    },
  },
  {
    // DELIBERATE: rice_reach left blank — no RICE score, and the warning names rice_reach.
    key: 'INIT-000019',
    title: 'Customer health score dashboard',
    problem: 'CSMs find out about unhappy accounts at renewal, too late to act.',
    hypothesis: 'A health score combining usage, tickets and NPS lets CSMs act a quarter earlier.',
    department: 'Customer Success',
    requestingTeam: 'CS Ops',
    productArea: 'Reporting',
    lifecycle: 'Discovery',
    effortDays: 30,
    framework: 'RICE',
    useMathModel: false,
    coefficient: null,
    rice: [null, 1, 0.5, 3],
    deliberate: {
      problem: 'rice_reach left blank',
      scored: false,
      warningIncludes: 'RICE needs rice_reach',
      tab: 'Scoring_Inputs',
    },
  },
  {
    key: 'INIT-000020',
    title: 'Status page and incident comms automation',
    problem: 'During incidents support copies updates by hand to e-mail, Twitter and the status page.',
    hypothesis: 'One incident update that fans out automatically cuts ticket spikes during outages.',
    department: 'Engineering',
    requestingTeam: 'SRE',
    productArea: 'Support',
    lifecycle: 'Ready for scoring',
    effortDays: 12,
    framework: 'WSJF',
    useMathModel: false,
    coefficient: null,
    wsjf: [3, 8, 8, 3],
  },
  {
    // DELIBERATE: the approved formula has a syntax error on line 3 (`* *`), so it cannot be evaluated.
    key: 'INIT-000021',
    title: 'Search relevance improvements',
    problem: '40% of product searches end without a click; synonyms and typos return nothing.',
    hypothesis: 'Typo tolerance and synonyms make more searches end in an order.',
    department: 'Product',
    requestingTeam: 'Discovery squad',
    productArea: 'Search',
    lifecycle: 'Ready for scoring',
    effortDays: 30,
    framework: 'MATH_MODEL',
    useMathModel: true,
    coefficient: null,
    model: {
      description:
        'Extra orders from searches that now find something, times order value and margin, over a year.',
      formula: [
        '# Search relevance: better results mean more searches end in an order',
        'extra_orders_per_month = monthly_search_sessions * search_conversion_uplift',
        'value = extra_orders_per_month * * average_order_value * gross_margin * horizon_months',
      ],
      approved: true,
      params: [
        param(
          'monthly_search_sessions',
          'Search sessions per month',
          'sessions / month',
          [75_000, 95_000],
          '85,000',
          ANALYTICS,
          'Sessions with at least one product search',
        ),
        param(
          'search_conversion_uplift',
          'Search conversion uplift',
          'percentage points',
          [0.002, 0.008],
          '0.5%',
          'Search vendor benchmark',
          'Extra share of search sessions that end in an order',
        ),
        param(
          'average_order_value',
          'Average order value',
          '$',
          [78, 95],
          '$86',
          FINANCE,
          'Average basket value per order',
        ),
        param(
          'gross_margin',
          'Gross margin',
          '%',
          [0.55, 0.68],
          0.62,
          FINANCE,
          'Gross margin on web shop orders',
        ),
        horizon(12),
      ],
    },
    deliberate: {
      problem: 'approved formula with a syntax error (`* *` on line 3)',
      scored: false,
      warningIncludes: 'line 3, column 34',
      tab: 'MathModels',
      formulaStatus: "line 3, column 34: expected a number, a name or '(' after '*'",
    },
  },
  {
    key: 'INIT-000022',
    title: 'Accessibility fixes for WCAG 2.1 AA',
    problem: 'Two public-sector tenders require WCAG 2.1 AA; our audit found 46 issues.',
    hypothesis: 'Fixing the audit findings keeps us eligible for public-sector deals.',
    department: 'Legal & Compliance',
    requestingTeam: 'Design system',
    productArea: 'Web app',
    lifecycle: 'Planned',
    effortDays: 40,
    framework: 'WSJF',
    useMathModel: false,
    coefficient: 1.2,
    wsjf: [5, 8, 13, 8],
  },
  {
    // DELIBERATE: unknown framework name `ICE` — a warning, and no active score (RICE is still computed).
    key: 'INIT-000023',
    title: 'Partner marketplace listing',
    problem: 'Partners cannot list their add-ons; customers ask support for recommended agencies.',
    hypothesis: 'A partner directory creates referral revenue and stickier accounts.',
    department: 'Partnerships',
    requestingTeam: 'Partner team',
    productArea: 'Integrations',
    lifecycle: 'Idea',
    effortDays: 25,
    framework: 'ICE',
    useMathModel: false,
    coefficient: null,
    rice: [2_000, 1, 0.5, 1],
    deliberate: {
      problem: 'unknown framework name `ICE` in active_scoring_framework',
      scored: false,
      warningIncludes: 'ICE',
      tab: 'Backlog',
    },
  },
  {
    // DELIBERATE: Params value of attach_rate typed as `abc` — a bad value, so the model misses it.
    key: 'INIT-000024',
    title: '"Customers also bought" recommendations',
    problem: 'Product pages show no related items; basket size has been flat for a year.',
    hypothesis: 'A recommendations widget adds an item to a share of the orders that see it.',
    department: 'Product',
    requestingTeam: 'Discovery squad',
    productArea: 'Web shop',
    lifecycle: 'Ready for scoring',
    effortDays: 20,
    framework: 'MATH_MODEL',
    useMathModel: true,
    coefficient: null,
    model: {
      description: 'Extra items bought from the widget times item price and margin, over a year.',
      formula: [
        '# "Customers also bought" widget on product pages',
        'extra_items_per_month = monthly_product_page_views * widget_click_rate * attach_rate',
        'value = extra_items_per_month * average_item_price * gross_margin * horizon_months',
      ],
      approved: true,
      params: [
        param(
          'monthly_product_page_views',
          'Product page views',
          'views / month',
          [220_000, 280_000],
          '250,000',
          ANALYTICS,
          'Product page views per month',
        ),
        param(
          'widget_click_rate',
          'Widget click rate',
          '%',
          [0.01, 0.03],
          '2%',
          'Recommendation vendor benchmark',
          'Share of views with a click on a recommended item',
        ),
        param(
          'attach_rate',
          'Attach rate',
          '%',
          [0.15, 0.35],
          'abc',
          'Recommendation vendor benchmark',
          'Share of clicks that add the item to the order',
          { notes: 'Placeholder until Analytics sends the benchmark' },
        ),
        param(
          'average_item_price',
          'Average item price',
          '$',
          [35, 50],
          42,
          FINANCE,
          'Average price of a recommended item',
        ),
        param('gross_margin', 'Gross margin', '%', [0.5, 0.6], 0.55, FINANCE, 'Gross margin on accessories'),
        horizon(12),
      ],
    },
    deliberate: {
      problem: 'param attach_rate has the value `abc`',
      scored: false,
      warningIncludes: 'Missing approved params: attach_rate',
      tab: 'Params',
      param: 'attach_rate',
      formulaStatus: 'Missing approved params: attach_rate',
    },
  },
  {
    key: 'INIT-000025',
    title: 'Saved filters in reports',
    problem: 'Managers rebuild the same report filters every Monday.',
    hypothesis: 'Saved, shareable filters make weekly reporting a one-click task.',
    department: 'Product',
    requestingTeam: 'Reporting squad',
    productArea: 'Reporting',
    lifecycle: 'Ready for scoring',
    effortDays: 9,
    framework: 'RICE',
    useMathModel: false,
    coefficient: null,
    rice: [6_000, 1, 0.7, 1.5],
  },
  {
    key: 'INIT-000026',
    title: 'Android app cold-start performance',
    problem: 'The Android app takes 4.8 s to open on mid-range phones; reviews mention it weekly.',
    hypothesis: 'Halving cold start time lifts Android ratings and day-7 retention.',
    department: 'Engineering',
    requestingTeam: 'Mobile',
    productArea: 'Mobile',
    lifecycle: 'Ready for scoring',
    effortDays: 20,
    framework: 'RICE',
    useMathModel: false,
    coefficient: 0.8,
    rice: ['38,000', 0.5, 0.8, 3],
  },
  {
    // DELIBERATE: use_math_model is TRUE but there is no MathModels row yet — the run appends one.
    key: 'INIT-000027',
    title: 'Team workspaces with roles (RBAC)',
    problem: 'Larger customers want separate workspaces per team with admin, editor and viewer roles.',
    hypothesis: 'Roles and team workspaces unlock accounts above 200 seats.',
    department: 'Sales',
    requestingTeam: 'Enterprise Sales',
    productArea: 'Identity & Access',
    lifecycle: 'Idea',
    effortDays: 55,
    framework: 'MATH_MODEL',
    useMathModel: true,
    coefficient: null,
    deliberate: {
      problem: 'use_math_model TRUE but no MathModels row yet (the run appends one)',
      scored: false,
      // The appended row has no approved formula yet.
      warningIncludes: 'Formula not approved',
      tab: 'Backlog',
    },
  },
  {
    key: 'INIT-000028',
    title: 'Audit log export for enterprise admins',
    problem: 'Enterprise admins must open a ticket to get audit logs for their SIEM.',
    hypothesis: 'A self-serve audit log export (CSV and API) answers a standard security questionnaire item.',
    department: 'Sales',
    requestingTeam: 'Enterprise Sales',
    productArea: 'Identity & Access',
    lifecycle: 'Ready for scoring',
    effortDays: 15,
    framework: 'WSJF',
    useMathModel: false,
    coefficient: null,
    wsjf: [8, 5, 8, 5],
  },
  {
    // New row, key blank: the run assigns the next key and appends a Scoring_Inputs row.
    key: null,
    title: 'Referral programme v2',
    problem: 'Referrals bring our cheapest customers but the current programme is hidden in settings.',
    hypothesis: 'A visible two-sided referral reward doubles referral sign-ups.',
    department: 'Growth',
    requestingTeam: 'Growth squad',
    productArea: 'Growth',
    lifecycle: 'Idea',
    effortDays: 15,
    framework: 'RICE',
    useMathModel: false,
    coefficient: null,
  },
  {
    // New row, key blank and no framework chosen yet.
    key: null,
    title: 'In-app NPS survey',
    problem: 'We survey NPS by e-mail once a year and get a 4% response rate.',
    hypothesis: 'An in-app survey after key moments gives us a monthly signal per segment.',
    department: 'Customer Success',
    requestingTeam: 'CS Ops',
    productArea: 'Web app',
    lifecycle: 'Idea',
    effortDays: 5,
    framework: null,
    useMathModel: false,
    coefficient: null,
  },
];

/**
 * DELIBERATE: a Backlog row with a description but no title — the run ignores it, with a warning.
 * It is inserted before the last new row, so the blank-key rows around it still get keys.
 */
const UNTITLED_ROW = {
  problem_statement: 'Lots of SMB customers ask for a Zapier integration — to be written up properly.',
  department: 'Sales',
  requesting_team: 'SMB Sales',
};
const UNTITLED_BEFORE = 'In-app NPS survey';

/** Builds one row in the tab's column order; a name that is not a column of the tab is a bug. */
function row(tab: TabSpec, cells: Record<string, DemoCell | undefined>): DemoCell[] {
  const names = tab.columns.map((c) => c.name);
  for (const name of Object.keys(cells)) {
    if (!names.includes(name)) throw new Error(`demo data: '${name}' is not a column of ${tab.defaultName}`);
  }
  return names.map((name) => cells[name] ?? null);
}

const headers = (tab: TabSpec) => tab.columns.map((c) => c.name);

function sharedFields(i: DemoInitiative): Record<string, DemoCell> {
  return {
    active_scoring_framework: i.framework,
    use_math_model: i.useMathModel,
    strategic_priority_coefficient: i.coefficient,
  };
}

function build(): DemoWorkbooks {
  const backlogRows: DemoCell[][] = [];
  for (const i of INITIATIVES) {
    if (i.title === UNTITLED_BEFORE) backlogRows.push(row(backlogTab, UNTITLED_ROW));
    backlogRows.push(
      row(backlogTab, {
        initiative_key: i.key,
        title: i.title,
        problem_statement: i.problem,
        hypothesis: i.hypothesis,
        department: i.department,
        requesting_team: i.requestingTeam,
        product_area: i.productArea,
        lifecycle_status: i.lifecycle,
        effort_engineering_days: i.effortDays,
        ...sharedFields(i),
      }),
    );
  }

  const scoringRows = INITIATIVES.filter((i) => i.key !== null).map((i) =>
    row(scoringTab, {
      initiative_key: i.key,
      title: i.title,
      ...sharedFields(i),
      rice_reach: i.rice?.[0],
      rice_impact: i.rice?.[1],
      rice_confidence: i.rice?.[2],
      rice_effort: i.rice?.[3],
      wsjf_business_value: i.wsjf?.[0],
      wsjf_time_criticality: i.wsjf?.[1],
      wsjf_risk_reduction: i.wsjf?.[2],
      wsjf_job_size: i.wsjf?.[3],
    }),
  );

  const mathModelRows: DemoCell[][] = [];
  const paramRows: DemoCell[][] = [];
  for (const i of INITIATIVES) {
    if (!i.model || i.key === null) continue;
    mathModelRows.push(
      row(mathModelsTab, {
        initiative_key: i.key,
        model_name: `${i.key}_MATH_MODEL_V1`,
        model_description_free_text: i.model.description,
        model_prompt_to_llm: i.model.prompt,
        formula_text_final: i.model.formula.join('\n'),
        formula_text_approved: i.model.approved,
      }),
    );
    for (const p of i.model.params) {
      paramRows.push(
        row(paramsTab, {
          initiative_key: i.key,
          framework: 'MATH_MODEL',
          param_name: p.name,
          param_display: p.display,
          description: p.description,
          unit: p.unit,
          min: p.min,
          max: p.max,
          source: p.source,
          value: p.value,
          approved: p.approved,
          is_auto_seeded: false,
          notes: p.notes,
        }),
      );
    }
  }

  return {
    backlog: { headers: headers(backlogTab), rows: backlogRows },
    scoring: { headers: headers(scoringTab), rows: scoringRows },
    mathModels: { headers: headers(mathModelsTab), rows: mathModelRows },
    params: { headers: headers(paramsTab), rows: paramRows },
  };
}

/** The content of the two sample workbooks; a fresh copy on every call. */
export function demoWorkbooks(): DemoWorkbooks {
  return build();
}

export interface DemoExpectations {
  /** Titled Backlog rows, keyed or not. */
  initiativeCount: number;
  /** Titles that get an active score, a priority and a rank on the first run. */
  scoredTitles: string[];
  /** Titles with no active score on the first run, and a fragment of the warning when predictable. */
  unscored: { key: string | null; title: string; warningIncludes: string | null }[];
  /** Titles of the Backlog rows with a blank key: the run assigns keys and appends Scoring_Inputs rows. */
  keyAssignedTitles: string[];
  /** Sheet row numbers (header = row 1) of Backlog rows ignored because they have no title. */
  ignoredBacklogRows: number[];
  /** Keys with use_math_model TRUE and no MathModels row: the run appends one. */
  mathModelRowAppendedFor: string[];
  /** model_name → a fragment of the formula_status the first run should write. */
  modelStatus: Record<string, string>;
  /** Params rows whose value is not a number. */
  badParams: { key: string; paramName: string; row: number; value: DemoCell }[];
  /** Every deliberate problem, with where a person sees it (sheet row numbers, header = row 1). */
  deliberateProblems: {
    key: string | null;
    title: string | null;
    tab: DemoTabName;
    row: number;
    problem: string;
    scored: boolean;
  }[];
}

function expectations(): DemoExpectations {
  const wb = build();
  const col = (tab: DemoTab, name: string) => tab.headers.indexOf(name);
  const rowNumber = (tab: DemoTab, match: (r: DemoCell[]) => boolean) => tab.rows.findIndex(match) + 2;
  const titleCol = col(wb.backlog, 'title');
  const keyOf = (tab: DemoTab) => col(tab, 'initiative_key');
  const [paramKey, paramName, paramValue] = ['initiative_key', 'param_name', 'value'].map((n) =>
    col(wb.params, n),
  );

  const where = (i: DemoInitiative, d: DemoProblem): number => {
    switch (d.tab) {
      case 'Backlog':
        return rowNumber(wb.backlog, (r) => r[titleCol] === i.title);
      case 'Scoring_Inputs':
        return rowNumber(wb.scoring, (r) => r[keyOf(wb.scoring)] === i.key);
      case 'MathModels':
        return rowNumber(wb.mathModels, (r) => r[keyOf(wb.mathModels)] === i.key);
      case 'Params':
        return rowNumber(wb.params, (r) => r[paramKey!] === i.key && r[paramName!] === d.param);
    }
  };

  const isScored = (i: DemoInitiative) => i.key !== null && (i.deliberate?.scored ?? true);
  const untitledRow = rowNumber(wb.backlog, (r) => r[titleCol] === null);
  const modelStatus: Record<string, string> = {};
  for (const i of INITIATIVES) {
    if (i.model && i.key !== null)
      modelStatus[`${i.key}_MATH_MODEL_V1`] = i.deliberate?.formulaStatus ?? 'OK';
  }

  return {
    initiativeCount: INITIATIVES.length,
    scoredTitles: INITIATIVES.filter(isScored).map((i) => i.title),
    unscored: INITIATIVES.filter((i) => !isScored(i)).map((i) => ({
      key: i.key,
      title: i.title,
      warningIncludes:
        i.deliberate?.warningIncludes ??
        (i.key === null ? (i.framework ? 'RICE needs rice_reach' : 'No active_scoring_framework') : null),
    })),
    keyAssignedTitles: INITIATIVES.filter((i) => i.key === null).map((i) => i.title),
    ignoredBacklogRows: [untitledRow],
    mathModelRowAppendedFor: INITIATIVES.filter((i) => i.key !== null && i.useMathModel && !i.model).map(
      (i) => i.key!,
    ),
    modelStatus,
    badParams: wb.params.rows
      .map((r, index) => ({ r, row: index + 2 }))
      .filter(({ r }) => parseNumber(r[paramValue!]).kind === 'bad')
      .map(({ r, row }) => ({
        key: String(r[paramKey!]),
        paramName: String(r[paramName!]),
        row,
        value: r[paramValue!] ?? null,
      })),
    deliberateProblems: [
      ...INITIATIVES.filter((i) => i.deliberate).map((i) => ({
        key: i.key,
        title: i.title,
        tab: i.deliberate!.tab,
        row: where(i, i.deliberate!),
        problem: i.deliberate!.problem,
        scored: i.deliberate!.scored,
      })),
      {
        key: null,
        title: null,
        tab: 'Backlog' as const,
        row: untitledRow,
        problem: 'Backlog row with a description but no title (ignored, with a warning)',
        scored: false,
      },
    ],
  };
}

/** What the first `productops run` on the demo workbooks should show (see the file comment). */
export const DEMO_EXPECTATIONS: DemoExpectations = expectations();
