/** `productops formula check|eval`, run in-process through `main(argv, io, stdin)`. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const example = `# Ticket savings
ticket_savings = ticket_reduction_per_month * cost_per_ticket * horizon_months
churn_savings  = churn_reduction * affected_customers * customer_lifetime_value   # per year
total_cost     = one_off_cost + monthly_running_cost * horizon_months
value   = ticket_savings + churn_savings - total_cost
effort  = effort_days
overall = value / effort
`;
const exampleParams = [
  'ticket_reduction_per_month=100',
  'cost_per_ticket=£5',
  'horizon_months=12',
  'churn_reduction=1%',
  'affected_customers=1,000',
  'customer_lifetime_value=500',
  'one_off_cost=£1,000',
  'monthly_running_cost=100',
  'effort_days=10',
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'productops-formula-cli-'));
  writeFileSync(join(dir, 'example.formula'), example);
  writeFileSync(join(dir, 'broken.formula'), 'a = 1\nvalue = a *\nb = sum(a)\n');
  writeFileSync(join(dir, 'warns.formula'), 'unused = 1\nvalue = x\n');
  writeFileSync(join(dir, 'percent.formula'), 'value = rate * price + count\n');
  writeFileSync(join(dir, 'windows.formula'), '\ufeffvalue = a\r\neffort = 2\r\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI with `cwd` at the temp dir; stdin is `stdinText`. */
async function run(argv: string[], stdinText = '') {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTty: false,
    cwd: dir,
    env: {},
  };
  const code = await main(argv, io, () => stdinText);
  return { code, stdout, stderr };
}

describe('formula check', () => {
  it('accepts a valid file and lists its inputs and outputs', async () => {
    expect(await run(['formula', 'check', 'example.formula'])).toEqual({
      code: 0,
      stdout: [
        'OK: the script is valid',
        'inputs: ticket_reduction_per_month, cost_per_ticket, horizon_months, churn_reduction, affected_customers, customer_lifetime_value, one_off_cost, monthly_running_cost, effort_days',
        'outputs: ticket_savings, churn_savings, total_cost, value, effort, overall',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('reads an absolute path and a file with a byte order mark and CRLF line ends', async () => {
    const result = await run(['formula', 'check', join(dir, 'windows.formula')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('inputs: a\n');
  });

  it('fails with exit 1 on an invalid file, naming every problem with its line and column', async () => {
    const result = await run(['formula', 'check', 'broken.formula']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        '2 problem(s):',
        "  line 2, column 12: expected a number, a name or '(' after '*'",
        "  line 3: unknown function 'sum' (functions: min, max, abs, round, floor, ceil, sqrt, exp, ln, log10, log, pow, clamp, if, and, or, not)",
        'warnings:',
        "  line 3, column 1: 'b' is assigned but never used",
        'inputs: (none)',
        'outputs: a, b',
        '',
      ].join('\n'),
    );
  });

  it("reads the script from stdin for '-'", async () => {
    expect(await run(['formula', 'check', '-'], 'value = a +\n')).toMatchObject({
      code: 1,
      stdout: expect.stringContaining("line 1, column 12: expected a number, a name or '(' after '+'"),
    });
    expect(await run(['formula', 'check', '-'], 'value = a + b')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('inputs: a, b'),
    });
  });

  it('prints {ok, errors, warnings, inputs, outputs} with --json', async () => {
    const valid = await run(['--json', 'formula', 'check', 'warns.formula']);
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toEqual({
      ok: true,
      errors: [],
      warnings: [
        {
          line: 1,
          column: 1,
          message: "'unused' is assigned but never used",
          code: 'unused-name',
          span: { line: 1, column: 1, offset: 0, end: 6 },
        },
      ],
      inputs: ['x'],
      outputs: ['unused', 'value'],
    });

    const invalid = await run(['formula', 'check', 'broken.formula', '--json']);
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stdout)).toEqual({
      ok: false,
      errors: [
        {
          line: 2,
          column: 12,
          message: "expected a number, a name or '(' after '*'",
          code: 'expected-operand',
          span: { line: 2, column: 12, offset: 17, end: 18 },
        },
        {
          line: 3,
          message:
            "unknown function 'sum' (functions: min, max, abs, round, floor, ceil, sqrt, exp, ln, log10, log, pow, clamp, if, and, or, not)",
          code: 'unknown-function',
          span: { line: 3, column: 5, offset: 22, end: 25 },
        },
      ],
      warnings: [
        {
          line: 3,
          column: 1,
          message: "'b' is assigned but never used",
          code: 'unused-name',
          span: { line: 3, column: 1, offset: 18, end: 19 },
        },
      ],
      inputs: [],
      outputs: ['a', 'b'],
    });
  });

  it('exits 3 with --strict when the script has warnings, and 0 without', async () => {
    expect((await run(['--strict', 'formula', 'check', 'warns.formula'])).code).toBe(3);
    expect((await run(['--strict', 'formula', 'check', 'example.formula'])).code).toBe(0);
  });

  it('exits 2 when the file cannot be read', async () => {
    const result = await run(['formula', 'check', 'missing.formula']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("productops: cannot read 'missing.formula': ENOENT\n");
  });
});

describe('formula eval', () => {
  it('evaluates with --param values written as a PM writes them (£1,000, 1%, 1,000)', async () => {
    const result = await run(['formula', 'eval', 'example.formula', '--param', ...exampleParams]);
    expect(result).toEqual({
      code: 0,
      stdout: [
        'ticket_savings = 6000',
        'churn_savings  = 5000',
        'total_cost     = 2200',
        'value          = 8800',
        'effort         = 10',
        'overall        = 880',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it.each([
    [['rate=4%', 'price=£1,200', 'count=1,000'], 0.04 * 1200 + 1000],
    [['rate=0.5', 'price=$10', 'count=-3'], 2],
    [['rate=100%', 'price=€2', 'count=1e3'], 1002],
  ])('--param %j → value %d', async (params, value) => {
    const result = await run([
      '--json',
      'formula',
      'eval',
      'percent.formula',
      ...params.flatMap((p) => ['--param', p]),
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, values: { value }, warnings: [] });
  });

  it('fails with exit 1 naming a missing param', async () => {
    const result = await run(['formula', 'eval', 'percent.formula', '--param', 'rate=1', 'price=2']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'missing input: count (give each with --param NAME=VALUE)\n',
    });
  });

  it('reports an evaluation error as JSON with --json', async () => {
    const result = await run([
      'formula',
      'eval',
      'example.formula',
      '--json',
      '--param',
      ...exampleParams,
      'effort_days=0',
    ]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      errors: [{ line: 7, message: 'division by zero (effort = 0)' }],
    });
  });

  it('evaluates a script from stdin and warns on stderr', async () => {
    const result = await run(['formula', 'eval', '-', '--param', 'x=2'], 'unused = 1\nvalue = x * 3\n');
    expect(result).toEqual({
      code: 0,
      stdout: 'unused = 1\nvalue  = 6\n',
      stderr: "warning: line 1, column 1: 'unused' is assigned but never used\n",
    });
  });

  it('fails with exit 1 on an invalid script', async () => {
    const result = await run(['formula', 'eval', 'broken.formula']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("line 2, column 12: expected a number, a name or '(' after '*'");
  });

  it.each([
    [['--param', 'x'], "productops: --param needs NAME=VALUE, got 'x'\n"],
    [['--param', '=5'], "productops: --param needs NAME=VALUE, got '=5'\n"],
    [['--param', 'x=abc'], "productops: --param x: 'abc' is not a number\n"],
    [['--param', 'x='], 'productops: --param x: no value given\n'],
  ])('exits 2 on a bad %j', async (args, stderr) => {
    expect(await run(['formula', 'eval', 'percent.formula', ...args])).toEqual({
      code: 2,
      stdout: '',
      stderr,
    });
  });
});

describe('formula messages say what is wrong and how to fix it (issue 10, item 2)', () => {
  it('eval lists every missing input, not only the first', async () => {
    const result = await run(['formula', 'eval', 'example.formula', '--param', 'effort_days=10']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'missing 8 inputs: ticket_reduction_per_month, cost_per_ticket, horizon_months, churn_reduction, affected_customers, customer_lifetime_value, one_off_cost, monthly_running_cost (give each with --param NAME=VALUE)\n',
    });
  });

  it('eval warns about a --param the script does not read (and --strict exits 3)', async () => {
    const args = ['formula', 'eval', 'percent.formula', '--param', 'rate=1', 'price=2', 'count=3', 'cuont=4'];
    const warning =
      'warning: --param cuont is not an input of this script, so it was ignored (inputs: rate, price, count)\n';
    expect(await run(args)).toEqual({ code: 0, stdout: 'value = 5\n', stderr: warning });
    expect((await run(['--strict', ...args])).code).toBe(3);
    const json = JSON.parse((await run(['--json', ...args])).stdout);
    expect(json.warnings).toEqual([
      {
        line: 0,
        message:
          '--param cuont is not an input of this script, so it was ignored (inputs: rate, price, count)',
      },
    ]);
  });

  it.each([
    [
      '=reach * impact',
      "line 1, column 1: a formula here does not start with '=' as in a spreadsheet: name what each line computes, e.g. 'value = reach * impact'",
    ],
    [
      '# RICE-like\n  = reach*impact # why',
      "line 2, column 3: a formula here does not start with '=' as in a spreadsheet: name what each line computes, e.g. 'value = reach*impact'",
    ],
  ])('check explains a leading = (%j) instead of "the script is empty"', async (text, message) => {
    const result = await run(['formula', 'check', '-'], text);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`1 problem(s):\n  ${message}\ninputs: (none)\noutputs: (none)\n`);
  });
});
