/** `productops formula check FILE` and `productops formula eval FILE --param NAME=VALUE …`. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkScript, EvaluationError, type FormulaIssue, formatIssue } from '../../formula/index.js';
import { UsageError } from '../../shared/errors.js';
import { parseNumber } from '../../shared/values.js';
import { type CliIo, EXIT, type GlobalOptions } from '../io.js';

function readScript(file: string, io: CliIo, stdin: () => string): string {
  if (file === '-') return stdin();
  try {
    return readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (e) {
    throw new UsageError(
      `cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

export function formulaCheck(file: string, options: GlobalOptions, io: CliIo, stdin: () => string): number {
  const result = checkScript(readScript(file, io, stdin));
  if (options.json) {
    const { ok, errors, warnings, inputs, outputs } = result;
    io.stdout(`${JSON.stringify({ ok, errors, warnings, inputs, outputs }, null, 2)}\n`);
  } else {
    const lines: string[] = [];
    lines.push(result.ok ? 'OK: the script is valid' : `${result.errors.length} problem(s):`);
    for (const e of result.errors) lines.push(`  ${formatIssue(e)}`);
    if (result.warnings.length > 0) {
      lines.push('warnings:');
      for (const w of result.warnings) lines.push(`  ${formatIssue(w)}`);
    }
    lines.push(`inputs: ${result.inputs.join(', ') || '(none)'}`);
    lines.push(`outputs: ${result.outputs.join(', ') || '(none)'}`);
    io.stdout(`${lines.join('\n')}\n`);
  }
  if (!result.ok) return EXIT.failed;
  return options.strict && result.warnings.length > 0 ? EXIT.warnings : EXIT.ok;
}

export function parseParams(pairs: string[]): Record<string, number> {
  const params: Record<string, number> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param needs NAME=VALUE, got '${pair}'`);
    const name = pair.slice(0, eq).trim();
    const parsed = parseNumber(pair.slice(eq + 1));
    if (parsed.kind !== 'ok') {
      throw new UsageError(`--param ${name}: ${parsed.kind === 'bad' ? parsed.message : 'no value given'}`);
    }
    Object.defineProperty(params, name, {
      value: parsed.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return params;
}

export function formulaEval(
  file: string,
  paramPairs: string[],
  options: GlobalOptions,
  io: CliIo,
  stdin: () => string,
): number {
  const params = parseParams(paramPairs);
  const result = checkScript(readScript(file, io, stdin));
  if (!result.compiled) {
    if (options.json) {
      io.stdout(
        `${JSON.stringify({ ok: false, errors: result.errors, warnings: result.warnings }, null, 2)}\n`,
      );
    } else {
      io.stderr(`${result.errors.map(formatIssue).join('\n')}\n`);
    }
    return EXIT.failed;
  }
  const { inputs } = result.compiled;
  // Every missing input at once, rather than the first one evaluation stops at.
  const missing = inputs.filter((name) => !Object.hasOwn(params, name));
  if (missing.length > 0) {
    const message = `missing ${missing.length === 1 ? 'input' : `${missing.length} inputs`}: ${missing.join(', ')} (give each with --param NAME=VALUE)`;
    if (options.json)
      io.stdout(`${JSON.stringify({ ok: false, errors: [{ line: 0, message }] }, null, 2)}\n`);
    else io.stderr(`${message}\n`);
    return EXIT.failed;
  }
  // A --param the script never reads is most likely a typo of one it does.
  const ignored: FormulaIssue[] = Object.keys(params)
    .filter((name) => !inputs.includes(name))
    .map((name) => ({
      line: 0,
      message: `--param ${name} is not an input of this script, so it was ignored (inputs: ${inputs.join(', ') || 'none'})`,
    }));
  const warnings = [...ignored, ...result.warnings];
  try {
    const values = result.compiled.evaluate(params);
    if (options.json) {
      io.stdout(`${JSON.stringify({ ok: true, values, warnings }, null, 2)}\n`);
    } else {
      const width = Math.max(...Object.keys(values).map((k) => k.length));
      for (const [name, value] of Object.entries(values)) io.stdout(`${name.padEnd(width)} = ${value}\n`);
      for (const w of warnings) io.stderr(`warning: ${formatIssue(w)}\n`);
    }
    return options.strict && warnings.length > 0 ? EXIT.warnings : EXIT.ok;
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    if (options.json) {
      io.stdout(`${JSON.stringify({ ok: false, errors: [{ line: e.line, message: e.reason }] }, null, 2)}\n`);
    } else {
      io.stderr(`${e.message}\n`);
    }
    return EXIT.failed;
  }
}
