/**
 * The library API of FORMULA.md, as another program sees it: a plain .mjs file outside the repo
 * imports `productops` by name, resolved through package.json "exports" to the built dist/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;

beforeAll(() => {
  // dist/ is built by the `prepare` script on install; build it when a fresh checkout lacks it.
  if (!existsSync(join(root, 'dist/index.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe' });
  }
  dir = mkdtempSync(join(tmpdir(), 'productops-library-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'productops'), 'dir');
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const consumer = `
import { compileScript, checkScript, FormulaError, EvaluationError, formatIssue } from 'productops';

const script = compileScript('# margin\\nvalue = price * (1 - cost_share)\\neffort = days\\noverall = value / effort\\n');
const out = { inputs: script.inputs, outputs: script.outputs, values: script.evaluate({ price: 200, cost_share: 0.25, days: 3 }) };
try {
  script.evaluate({ price: 1, cost_share: 0, days: 0 });
} catch (e) {
  out.evaluationError = { isEvaluationError: e instanceof EvaluationError, line: e.line, message: e.message };
}
try {
  compileScript('value = a *\\nx = sum(1)');
} catch (e) {
  out.formulaError = { isFormulaError: e instanceof FormulaError, issues: e.issues.map(formatIssue) };
}
out.check = checkScript('value = 1').ok;
process.stdout.write(JSON.stringify(out));
`;

it('a plain .mjs imports compileScript from the package root and uses it', () => {
  const file = join(dir, 'consumer.mjs');
  writeFileSync(file, consumer);
  const stdout = execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' });
  expect(JSON.parse(stdout)).toEqual({
    inputs: ['price', 'cost_share', 'days'],
    outputs: ['value', 'effort', 'overall'],
    values: { value: 150, effort: 3, overall: 50 },
    evaluationError: { isEvaluationError: true, line: 4, message: 'line 4: division by zero (effort = 0)' },
    formulaError: {
      isFormulaError: true,
      issues: [
        "line 1, column 12: expected a number, a name or '(' after '*'",
        expect.stringMatching(/^line 2: unknown function 'sum' \(functions: min, max, abs, /),
      ],
    },
    check: true,
  });
});

it('ships type declarations where package.json says', () => {
  expect(existsSync(join(root, 'dist/index.d.ts'))).toBe(true);
});
