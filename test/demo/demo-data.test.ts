/**
 * The demo workbooks (src/demo/data/): complete headers, realistic and consistent content, valid
 * approved formulas with approved params, and exactly the deliberate problems that
 * test/fixtures/demo-expectations.ts announces. The scores below are computed here, independently of
 * the scoring code, from SHEETS.md and FORMULA.md.
 */
import { describe, expect, it } from 'vitest';
import { type DemoCell, type DemoTab, type DemoWorkbooks, demoWorkbooks } from '../../src/demo/demo-data.js';
import { compileScript, FormulaError, formatIssue } from '../../src/formula/index.js';
import { parseBoolean, parseNumber } from '../../src/shared/values.js';
import { backlogTab, mathModelsTab, paramsTab, scoringTab, type TabSpec } from '../../src/sheets/tabs.js';
import { DEMO_EXPECTATIONS } from '../fixtures/demo-expectations.js';

type Row = Record<string, DemoCell>;

const wb: DemoWorkbooks = demoWorkbooks();

function records(tab: DemoTab): Row[] {
  return tab.rows.map((cells) => Object.fromEntries(tab.headers.map((h, i) => [h, cells[i] ?? null])));
}

const backlog = records(wb.backlog);
const scoring = records(wb.scoring);
const models = records(wb.mathModels);
const params = records(wb.params);

const blank = (v: DemoCell | undefined) =>
  v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
const titled = backlog.filter((r) => !blank(r.title));
const keyed = titled.filter((r) => !blank(r.initiative_key));
const byTitle = (title: string) => titled.find((r) => r.title === title)!;
const scoringRow = (key: DemoCell | undefined) => scoring.find((r) => r.initiative_key === key);
const modelOf = (key: string) => models.find((m) => m.initiative_key === key);
const paramsOf = (key: DemoCell | undefined) => params.filter((p) => p.initiative_key === key);
/** SHEETS.md: a Params row whose initiative_key is `*` is a shared assumption. */
const SHARED = '*';
const shared = paramsOf(SHARED);
/** The rows that define `name` for an initiative: its own, else the shared assumption's (SHEETS.md). */
const paramRows = (key: string, name: string) => {
  const own = paramsOf(key).filter((p) => p.param_name === name);
  return own.length > 0 ? own : shared.filter((p) => p.param_name === name);
};
/** SHEETS.md, Params `distribution`. */
const DISTRIBUTIONS = ['pert', 'triangular', 'uniform', 'normal', 'lognormal', 'fixed'];
const bool = (v: DemoCell | undefined) => {
  const p = parseBoolean(v);
  if (p.kind !== 'ok') throw new Error(`not a boolean: ${String(v)}`);
  return p.value;
};
const num = (v: DemoCell | undefined): number | null => {
  const p = parseNumber(v);
  return p.kind === 'ok' ? p.value : null;
};

/** Keys of the initiatives whose problem is on purpose (from the fixture's announcement). */
const deliberateKeys = new Set(
  DEMO_EXPECTATIONS.deliberateProblems.map((d) => d.key).filter((k) => k !== null),
);
/** The deliberate problems whose scores are affected by a param or formula problem. */
const brokenModelKeys = new Set(
  Object.entries(DEMO_EXPECTATIONS.modelStatus)
    .filter(([, status]) => status !== 'OK')
    .map(([name]) => name.replace(/_MATH_MODEL_V1$/, '')),
);

/**
 * Params of a key as the scoring sees them: its own row, else the shared assumption; only a single,
 * approved, numeric row counts.
 */
function approvedParams(
  key: string,
  inputs: string[],
): { values: Record<string, number>; missing: string[] } {
  const values: Record<string, number> = {};
  const missing: string[] = [];
  for (const name of inputs) {
    const rows = paramRows(key, name);
    const only = rows.length === 1 ? rows[0]! : undefined;
    const value = only ? num(only.value) : null;
    if (only && bool(only.approved) && value !== null) values[name] = value;
    else missing.push(name);
  }
  return { values, missing };
}

interface Outcome {
  scored: boolean;
  reason: string;
  overall?: number;
}

/** The active score of one Backlog row, from SHEETS.md: a score needs every input, valid. */
function activeOutcome(b: Row): Outcome {
  const fw = String(b.active_scoring_framework ?? '')
    .trim()
    .toUpperCase();
  if (fw === '') return { scored: false, reason: 'No active_scoring_framework' };
  // A new row without a key gets an appended, empty Scoring_Inputs row.
  const s: Row = blank(b.initiative_key) ? {} : (scoringRow(b.initiative_key) ?? {});
  const inputs = (names: string[]) => names.map((n) => ({ n, raw: s[n] ?? null, v: num(s[n]) }));
  if (fw === 'RICE' || fw === 'WSJF') {
    const names =
      fw === 'RICE'
        ? ['rice_reach', 'rice_impact', 'rice_confidence', 'rice_effort']
        : ['wsjf_business_value', 'wsjf_time_criticality', 'wsjf_risk_reduction', 'wsjf_job_size'];
    const cells = inputs(names);
    const missing = cells.filter((c) => blank(c.raw)).map((c) => c.n);
    if (missing.length > 0) return { scored: false, reason: `${fw} needs ${missing.join(', ')}` };
    const bad = cells.filter(
      (c) =>
        c.v === null ||
        c.v < 0 ||
        (c.n === 'rice_confidence' && c.v > 1) ||
        ((c.n === 'rice_effort' || c.n === 'wsjf_job_size') && c.v <= 0),
    );
    if (bad.length > 0)
      return { scored: false, reason: bad.map((c) => `${c.n}: bad value ${String(c.raw)}`).join('; ') };
    const [a, b2, c, d] = cells.map((x) => x.v!) as [number, number, number, number];
    const value = fw === 'RICE' ? a * b2 * c : a + b2 + c;
    return { scored: true, reason: '', overall: value / d };
  }
  if (fw === 'MATH_MODEL') {
    const key = String(b.initiative_key ?? '');
    const m = modelOf(key);
    // The run appends a MathModels row for a use_math_model initiative without one: not approved.
    if (!m)
      return { scored: false, reason: bool(b.use_math_model) ? 'Formula not approved' : 'No math model' };
    if (!bool(m.formula_text_approved)) return { scored: false, reason: 'Formula not approved' };
    let script: ReturnType<typeof compileScript>;
    try {
      script = compileScript(String(m.formula_text_final));
    } catch (e) {
      return { scored: false, reason: (e as FormulaError).issues.map(formatIssue).join('; ') };
    }
    const { values, missing } = approvedParams(key, script.inputs);
    if (missing.length > 0)
      return { scored: false, reason: `Missing approved params: ${missing.join(', ')}` };
    const out = script.evaluate(values);
    const effort = out.effort ?? num(b.effort_engineering_days);
    const overall = out.overall ?? (effort !== null && effort > 0 ? out.value! / effort : null);
    return overall === null ? { scored: false, reason: 'No overall' } : { scored: true, reason: '', overall };
  }
  return { scored: false, reason: `unknown framework '${String(b.active_scoring_framework)}'` };
}

describe('demo workbooks: shape', () => {
  const cases: [string, DemoTab, TabSpec][] = [
    ['Backlog', wb.backlog, backlogTab],
    ['Scoring_Inputs', wb.scoring, scoringTab],
    ['MathModels', wb.mathModels, mathModelsTab],
    ['Params', wb.params, paramsTab],
  ];

  it.each(cases)('%s has every column of tabs.ts, in order, and rectangular rows', (_name, tab, spec) => {
    expect(tab.headers).toEqual(spec.columns.map((c) => c.name));
    expect(tab.rows.length).toBeGreaterThan(0);
    for (const row of tab.rows) expect(row).toHaveLength(tab.headers.length);
  });

  it.each(cases)('%s leaves backend-owned columns empty', (name, tab, spec) => {
    // The brief's two exceptions: the mirrored title and is_auto_seeded FALSE on rows people made.
    const allowed = new Set(['Scoring_Inputs.title', 'Params.is_auto_seeded']);
    const backendColumns = spec.columns.filter(
      (c) => c.owner === 'backend' && !allowed.has(`${name}.${c.name}`),
    );
    expect(backendColumns.length).toBeGreaterThan(0);
    for (const c of backendColumns) {
      const i = tab.headers.indexOf(c.name);
      expect(
        tab.rows.filter((r) => !blank(r[i])),
        `${name}.${c.name}`,
      ).toEqual([]);
    }
  });

  it('has at least 22 realistic initiatives with complete context', () => {
    expect(titled.length).toBeGreaterThanOrEqual(22);
    expect(DEMO_EXPECTATIONS.initiativeCount).toBe(titled.length);
    expect(new Set(titled.map((r) => r.title)).size).toBe(titled.length);
    for (const r of titled) {
      for (const column of [
        'problem_statement',
        'hypothesis',
        'department',
        'requesting_team',
        'product_area',
        'lifecycle_status',
      ]) {
        expect(blank(r[column]), `${String(r.title)}: ${column}`).toBe(false);
      }
      expect(num(r.effort_engineering_days), String(r.title)).toBeGreaterThan(0);
    }
  });

  it('uses a blank coefficient on most rows and a few of 1.2 / 1.5 / 0.8', () => {
    const coefficients = titled.map((r) => r.strategic_priority_coefficient).filter((c) => !blank(c));
    expect(coefficients.length).toBeGreaterThanOrEqual(3);
    expect(coefficients.length).toBeLessThan(titled.length / 3);
    for (const c of coefficients) expect([0.8, 1.2, 1.5]).toContain(c);
  });

  it('keys most rows INIT-000001… in order and leaves two titled rows without a key', () => {
    const keys = keyed.map((r) => r.initiative_key);
    expect(keys).toEqual(keys.map((_k, i) => `INIT-${String(i + 1).padStart(6, '0')}`));
    const unkeyed = titled.filter((r) => blank(r.initiative_key)).map((r) => r.title);
    expect(unkeyed).toHaveLength(2);
    expect(unkeyed).toEqual(DEMO_EXPECTATIONS.keyAssignedTitles);
  });

  it('returns a fresh copy on every call', () => {
    const a = demoWorkbooks();
    a.backlog.rows[0]![1] = 'changed';
    a.params.rows.pop();
    expect(demoWorkbooks()).toEqual(wb);
  });
});

describe('demo workbooks: Scoring_Inputs', () => {
  it('has one row per keyed initiative, with the Backlog title and shared fields', () => {
    expect(scoring.map((r) => r.initiative_key)).toEqual(keyed.map((r) => r.initiative_key));
    for (const b of keyed) {
      const s = scoringRow(b.initiative_key)!;
      expect(s.title).toBe(b.title);
      for (const f of ['active_scoring_framework', 'use_math_model', 'strategic_priority_coefficient']) {
        expect(s[f], `${String(b.initiative_key)} ${f}`).toEqual(b[f]);
      }
    }
  });

  it('has no row for the Backlog rows without a key (the backend appends them)', () => {
    for (const title of DEMO_EXPECTATIONS.keyAssignedTitles) {
      expect(scoring.some((r) => r.title === title)).toBe(false);
    }
  });

  it('has complete, valid inputs for about ten RICE-only or WSJF-only initiatives', () => {
    const simple = keyed.filter(
      (b) =>
        !deliberateKeys.has(String(b.initiative_key)) &&
        ['RICE', 'WSJF'].includes(String(b.active_scoring_framework)) &&
        !bool(b.use_math_model),
    );
    expect(simple.length).toBeGreaterThanOrEqual(9);
    for (const b of simple) expect(activeOutcome(b), String(b.title)).toMatchObject({ scored: true });
    // Text numbers as people type them.
    const texts = scoring.flatMap((r) => Object.values(r)).filter((v) => typeof v === 'string');
    expect(texts).toContain('12,000');
    expect(texts.some((t) => /^\d+%$/.test(String(t)))).toBe(true);
    expect(scoring.some((r) => typeof r.rice_confidence === 'number' && r.rice_confidence < 1)).toBe(true);
  });
});

describe('demo workbooks: math models and params', () => {
  const approved = models.filter((m) => bool(m.formula_text_approved));
  const approvedValid = approved.filter((m) => !brokenModelKeys.has(String(m.initiative_key)));

  it('has about eight MATH_MODEL initiatives with an approved, valid model and approved params', () => {
    expect(approvedValid.length).toBeGreaterThanOrEqual(7);
    for (const m of approvedValid) {
      const b = byTitle(String(keyed.find((k) => k.initiative_key === m.initiative_key)!.title));
      expect(b.active_scoring_framework).toBe('MATH_MODEL');
      expect(bool(b.use_math_model)).toBe(true);
    }
  });

  it('names models <key>_MATH_MODEL_V1, one per initiative, with a description', () => {
    expect(new Set(models.map((m) => m.initiative_key)).size).toBe(models.length);
    for (const m of models) {
      expect(m.model_name).toBe(`${String(m.initiative_key)}_MATH_MODEL_V1`);
      expect(blank(m.model_description_free_text)).toBe(false);
      const lines = String(m.formula_text_final).split('\n');
      expect(lines.length).toBeGreaterThanOrEqual(3);
      expect(lines.length).toBeLessThanOrEqual(8);
    }
    expect(Object.keys(DEMO_EXPECTATIONS.modelStatus)).toEqual(models.map((m) => m.model_name));
  });

  it('compiles every approved formula without warnings, except the deliberate syntax error', () => {
    const failing: string[] = [];
    for (const m of [...approved, ...models.filter((x) => !bool(x.formula_text_approved))]) {
      const text = String(m.formula_text_final);
      try {
        const script = compileScript(text);
        expect(script.warnings.map(formatIssue), String(m.model_name)).toEqual([]);
        expect(script.outputs).toContain('value');
      } catch (e) {
        expect(e).toBeInstanceOf(FormulaError);
        failing.push(`${String(m.model_name)}: ${(e as FormulaError).issues.map(formatIssue).join('; ')}`);
      }
    }
    expect(failing).toEqual([
      `INIT-000021_MATH_MODEL_V1: ${DEMO_EXPECTATIONS.modelStatus['INIT-000021_MATH_MODEL_V1']}, found '*'`,
    ]);
  });

  it('has exactly one numeric, approved Params row for every input of every valid approved formula', () => {
    for (const m of approvedValid) {
      const key = String(m.initiative_key);
      const script = compileScript(String(m.formula_text_final));
      for (const name of script.inputs) {
        const rows = paramRows(key, name);
        expect(rows, `${key} ${name}`).toHaveLength(1);
        expect(num(rows[0]!.value), `${key} ${name}`).not.toBeNull();
        expect(bool(rows[0]!.approved), `${key} ${name}`).toBe(true);
      }
      // Its own rows: inputs only, in the formula's order; the rest comes from shared assumptions.
      expect(paramsOf(key).map((p) => p.param_name)).toEqual(
        script.inputs.filter((name) => paramsOf(key).some((p) => p.param_name === name)),
      );
    }
  });

  it('fills every Params row like a person would: metadata, a value within min..max, not auto-seeded', () => {
    const seen = new Set<string>();
    for (const p of params) {
      const id = `${String(p.initiative_key)}|${String(p.framework)}|${String(p.param_name)}`;
      expect(seen.has(id), id).toBe(false);
      seen.add(id);
      expect(p.framework).toBe('MATH_MODEL');
      expect(p.param_name).toMatch(/^[a-z][a-z0-9_]*$/);
      for (const c of ['param_display', 'description', 'unit', 'source'])
        expect(blank(p[c]), `${id} ${c}`).toBe(false);
      expect(p.is_auto_seeded).toBe(false);
      const [min, max, value] = [num(p.min), num(p.max), num(p.value)];
      expect(min, id).not.toBeNull();
      expect(max!, id).toBeGreaterThanOrEqual(min!);
      if (value !== null) {
        expect(value, id).toBeGreaterThanOrEqual(min!);
        expect(value, id).toBeLessThanOrEqual(max!);
      }
      // Blank (PERT from min, value, max) or a distribution SHEETS.md names, but the planted `gauss`.
      if (!blank(p.distribution) && p.distribution !== 'gauss')
        expect(DISTRIBUTIONS, id).toContain(p.distribution);
    }
    const sources = new Set(params.map((p) => p.source));
    expect(sources).toContain('Analytics dashboard Q3');
    expect(sources).toContain('Finance plan FY26');
  });

  it('gives every valid approved model a finite, positive value in the tens or hundreds of thousands', () => {
    for (const m of approvedValid) {
      const key = String(m.initiative_key);
      const script = compileScript(String(m.formula_text_final));
      const { values, missing } = approvedParams(key, script.inputs);
      expect(missing, key).toEqual([]);
      const out = script.evaluate(values);
      expect(Number.isFinite(out.value), key).toBe(true);
      expect(out.value!, key).toBeGreaterThanOrEqual(10_000);
      expect(out.value!, key).toBeLessThan(1_000_000);
      for (const name of ['effort', 'overall']) {
        if (name in out) expect(out[name]!, `${key} ${name}`).toBeGreaterThan(0);
      }
    }
    const scripts = approvedValid.map((m) => compileScript(String(m.formula_text_final)));
    expect(scripts.some((s) => s.outputs.includes('effort'))).toBe(true);
    expect(scripts.some((s) => s.outputs.includes('overall'))).toBe(true);
    const texts = approvedValid.map((m) => String(m.formula_text_final)).join('\n');
    for (const fn of ['min(', 'max(', 'if(', 'round(']) expect(texts).toContain(fn);
    expect(texts).toMatch(/\d%/);
    expect(texts).toContain('#');
  });

  it('would score the broken models once the PM fixes them (syntax, unapproved or bad params)', () => {
    // The unapproved formula has no Params rows yet: the backend seeds them once it is approved.
    expect(paramsOf('INIT-000012')).toEqual([]);
    const fixable = [...brokenModelKeys].filter((key) => key !== 'INIT-000012');
    expect(fixable).toHaveLength(3);
    for (const key of fixable) {
      const script = compileScript(String(modelOf(key)!.formula_text_final).replace('* *', '*'));
      const values: Record<string, number> = {};
      for (const name of script.inputs) {
        const rows = paramRows(key, name);
        expect(rows, `${key} ${name}`).toHaveLength(1);
        // `abc` → the middle of the range the PM gave.
        values[name] = num(rows[0]!.value) ?? (num(rows[0]!.min)! + num(rows[0]!.max)!) / 2;
      }
      expect(paramsOf(key).map((p) => p.param_name)).toEqual(
        script.inputs.filter((name) => paramsOf(key).some((p) => p.param_name === name)),
      );
      expect(script.evaluate(values).value!, key).toBeGreaterThan(10_000);
    }
  });
});

describe('demo workbooks: uncertainty', () => {
  const readers = (name: string) =>
    models
      .filter((m) => {
        try {
          return compileScript(String(m.formula_text_final)).inputs.includes(name);
        } catch {
          // The deliberate syntax error: still a reader, once the PM fixes it.
          return String(m.formula_text_final).includes(name);
        }
      })
      .map((m) => String(m.initiative_key));

  it('has two shared assumptions, approved, each read by three models or more', () => {
    expect(shared.map((p) => p.param_name)).toEqual(['horizon_months', 'avg_monthly_revenue_per_account']);
    for (const p of shared) {
      expect(p.framework).toBe('MATH_MODEL');
      expect(bool(p.approved), String(p.param_name)).toBe(true);
      expect(num(p.value), String(p.param_name)).not.toBeNull();
      expect(readers(String(p.param_name)).length, String(p.param_name)).toBeGreaterThanOrEqual(3);
    }
    expect(DEMO_EXPECTATIONS.sharedAssumptions).toEqual(
      shared.map((p) => ({
        paramName: p.param_name,
        row: params.indexOf(p) + 2,
        value: num(p.value),
        overriddenBy: params
          .filter((o) => o.initiative_key !== SHARED && o.param_name === p.param_name)
          .map((o) => o.initiative_key),
      })),
    );
  });

  it('repeats no shared value per initiative; one initiative overrides the horizon with its own', () => {
    const overrides = params.filter(
      (p) => p.initiative_key !== SHARED && shared.some((s) => s.param_name === p.param_name),
    );
    expect(overrides.map((p) => [p.initiative_key, p.param_name, num(p.value)])).toEqual([
      ['INIT-000014', 'horizon_months', 24],
    ]);
    const horizon = shared.find((s) => s.param_name === 'horizon_months')!;
    expect(num(horizon.value)).toBe(12);
    // The other readers of the horizon use the shared row.
    for (const key of readers('horizon_months').filter((k) => k !== 'INIT-000014'))
      expect(paramRows(key, 'horizon_months'), key).toEqual([horizon]);
    expect(DEMO_EXPECTATIONS.sharedAssumptions.flatMap((s) => s.overriddenBy)).toEqual(['INIT-000014']);
  });

  it('gives every param a range, and a few an explicit distribution', () => {
    expect(params.every((p) => !blank(p.min) && !blank(p.max))).toBe(true);
    const explicit = params.filter((p) => !blank(p.distribution));
    expect(explicit.map((p) => [p.initiative_key, p.param_name, p.distribution])).toEqual([
      ['INIT-000005', 'trial_to_paid_uplift', 'gauss'],
      ['INIT-000006', 'avg_enterprise_arr', 'lognormal'],
      ['INIT-000008', 'monthly_churn_rate', 'normal'],
      ['INIT-000010', 'test_win_probability', 'uniform'],
    ]);
    // Each on a model that scores, so the run shows its effect.
    for (const p of explicit)
      expect(activeOutcome(byKeyOf(p.initiative_key)).scored, String(p.param_name)).toBe(true);
    // A lognormal's min and max (5th and 95th percentiles) must be above 0.
    for (const p of explicit.filter((x) => x.distribution === 'lognormal'))
      expect(num(p.min)!).toBeGreaterThan(0);
  });

  function byKeyOf(key: DemoCell | undefined): Row {
    return keyed.find((r) => r.initiative_key === key)!;
  }
});

describe('demo workbooks: deliberate problems', () => {
  const s = (key: string) => scoringRow(key)!;

  it('are each on its own initiative, and announced', () => {
    const keys = DEMO_EXPECTATIONS.deliberateProblems.map((d) => d.key).filter((k) => k !== null);
    expect(new Set(keys).size).toBe(keys.length);
    expect(DEMO_EXPECTATIONS.deliberateProblems).toHaveLength(12);
    for (const d of DEMO_EXPECTATIONS.deliberateProblems) expect(d.row).toBeGreaterThanOrEqual(2);
  });

  it('a RICE confidence typed as 80', () => {
    const key = 'INIT-000009';
    expect(s(key).rice_confidence).toBe(80);
    expect(activeOutcome(byKey(key)).reason).toContain('rice_confidence');
    expect(where(key)).toMatchObject({ tab: 'Scoring_Inputs', row: scoring.indexOf(s(key)) + 2 });
  });

  it('a WSJF job size of 0', () => {
    const key = 'INIT-000015';
    expect(s(key).active_scoring_framework).toBe('WSJF');
    expect(s(key).wsjf_job_size).toBe(0);
    expect(activeOutcome(byKey(key)).reason).toContain('wsjf_job_size');
  });

  it('a RICE row missing rice_reach', () => {
    const key = 'INIT-000019';
    expect(blank(s(key).rice_reach)).toBe(true);
    expect(activeOutcome(byKey(key)).reason).toBe('RICE needs rice_reach');
  });

  it('an unknown framework ICE and a lower-case rice (valid)', () => {
    expect(byKey('INIT-000023').active_scoring_framework).toBe('ICE');
    expect(activeOutcome(byKey('INIT-000023')).scored).toBe(false);
    expect(byKey('INIT-000007').active_scoring_framework).toBe('rice');
    expect(activeOutcome(byKey('INIT-000007')).scored).toBe(true);
  });

  it('a math model written but not approved', () => {
    const m = modelOf('INIT-000012')!;
    expect(bool(m.formula_text_approved)).toBe(false);
    expect(() => compileScript(String(m.formula_text_final))).not.toThrow();
    expect(activeOutcome(byKey('INIT-000012')).reason).toBe('Formula not approved');
  });

  it('an approved math model with one param not approved', () => {
    const unapproved = paramsOf('INIT-000016').filter((p) => !bool(p.approved));
    expect(unapproved.map((p) => p.param_name)).toEqual(['price_per_million_calls']);
    expect(num(unapproved[0]!.value)).toBe(40);
    expect(activeOutcome(byKey('INIT-000016')).reason).toBe(
      'Missing approved params: price_per_million_calls',
    );
    expect(where('INIT-000016')).toMatchObject({ tab: 'Params', row: params.indexOf(unapproved[0]!) + 2 });
  });

  it('an approved math model with a syntax error', () => {
    const m = modelOf('INIT-000021')!;
    expect(bool(m.formula_text_approved)).toBe(true);
    expect(String(m.formula_text_final)).toContain('* *');
    let error: unknown;
    try {
      compileScript(String(m.formula_text_final));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormulaError);
    expect((error as FormulaError).issues).toEqual([
      {
        code: 'expected-operand',
        line: 3,
        column: 34,
        span: { line: 3, column: 34, offset: 179, end: 180 },
        message: "expected a number, a name or '(' after '*', found '*'",
      },
    ]);
  });

  it('a param value abc', () => {
    const bad = params.filter((p) => p.value === 'abc');
    expect(bad.map((p) => [p.initiative_key, p.param_name, bool(p.approved)])).toEqual([
      ['INIT-000024', 'attach_rate', true],
    ]);
    expect(DEMO_EXPECTATIONS.badParams).toEqual([
      { key: 'INIT-000024', paramName: 'attach_rate', row: params.indexOf(bad[0]!) + 2, value: 'abc' },
    ]);
    expect(activeOutcome(byKey('INIT-000024')).reason).toBe('Missing approved params: attach_rate');
  });

  it('a distribution typed as gauss (the param is used fixed; the initiative still scores)', () => {
    const typed = params.filter(
      (p) => !blank(p.distribution) && !DISTRIBUTIONS.includes(String(p.distribution)),
    );
    expect(typed.map((p) => [p.initiative_key, p.param_name, p.distribution])).toEqual([
      ['INIT-000005', 'trial_to_paid_uplift', 'gauss'],
    ]);
    // Everything else about the row is fine: approved, a number within its range.
    expect(bool(typed[0]!.approved)).toBe(true);
    expect(num(typed[0]!.value)).toBeGreaterThanOrEqual(num(typed[0]!.min)!);
    expect(num(typed[0]!.value)).toBeLessThanOrEqual(num(typed[0]!.max)!);
    expect(activeOutcome(byKey('INIT-000005')).scored).toBe(true);
    expect(where('INIT-000005')).toMatchObject({
      tab: 'Params',
      row: params.indexOf(typed[0]!) + 2,
      scored: true,
    });
  });

  it('a Backlog row with a description but no title', () => {
    const untitled = backlog.filter((r) => blank(r.title));
    expect(untitled).toHaveLength(1);
    expect(blank(untitled[0]!.problem_statement)).toBe(false);
    expect(blank(untitled[0]!.initiative_key)).toBe(true);
    expect(DEMO_EXPECTATIONS.ignoredBacklogRows).toEqual([backlog.indexOf(untitled[0]!) + 2]);
  });

  it('a use_math_model initiative with no MathModels row yet', () => {
    const missing = keyed.filter((b) => bool(b.use_math_model) && !modelOf(String(b.initiative_key)));
    expect(missing.map((b) => b.initiative_key)).toEqual(['INIT-000027']);
    expect(DEMO_EXPECTATIONS.mathModelRowAppendedFor).toEqual(['INIT-000027']);
    expect(paramsOf('INIT-000027')).toEqual([]);
    expect(activeOutcome(byKey('INIT-000027')).reason).toBe('Formula not approved');
  });

  function byKey(key: string): Row {
    return keyed.find((r) => r.initiative_key === key)!;
  }
  function where(key: string) {
    return DEMO_EXPECTATIONS.deliberateProblems.find((d) => d.key === key);
  }
});

describe('DEMO_EXPECTATIONS agree with scores computed from the sheets', () => {
  const outcomes = new Map(titled.map((b) => [String(b.title), activeOutcome(b)]));

  it('lists exactly the titles that get an active score', () => {
    const scored = [...outcomes].filter(([, o]) => o.scored).map(([t]) => t);
    expect(scored).toEqual(DEMO_EXPECTATIONS.scoredTitles);
    expect(scored.length).toBeGreaterThanOrEqual(18);
    for (const [title, o] of outcomes) if (o.scored) expect(o.overall!, title).toBeGreaterThan(0);
  });

  it('lists the titles without a score, with a fragment of their warning', () => {
    const unscored = [...outcomes].filter(([, o]) => !o.scored);
    expect(unscored.map(([t]) => t)).toEqual(DEMO_EXPECTATIONS.unscored.map((u) => u.title));
    for (const u of DEMO_EXPECTATIONS.unscored) {
      if (u.warningIncludes !== null)
        expect(outcomes.get(u.title)!.reason, u.title).toContain(u.warningIncludes);
    }
  });

  it('gives the formula status of each model', () => {
    for (const m of models) {
      const expected = DEMO_EXPECTATIONS.modelStatus[String(m.model_name)]!;
      const outcome = activeOutcome(
        byTitle(String(keyed.find((k) => k.initiative_key === m.initiative_key)!.title)),
      );
      if (expected === 'OK') expect(outcome.scored).toBe(true);
      else if (expected === 'Not approved') expect(outcome.reason).toBe('Formula not approved');
      else expect(outcome.reason).toContain(expected);
    }
  });

  it('points each deliberate problem at a real row of its tab', () => {
    const tabs: Record<string, Row[]> = {
      Backlog: backlog,
      Scoring_Inputs: scoring,
      MathModels: models,
      Params: params,
    };
    for (const d of DEMO_EXPECTATIONS.deliberateProblems) {
      const row = tabs[d.tab]![d.row - 2];
      expect(row, d.problem).toBeDefined();
      if (d.key !== null) expect(row!.initiative_key, d.problem).toBe(d.key);
      else expect(blank(row!.title)).toBe(true);
    }
  });
});
