/**
 * argv → command → exit code. Every command body lives in `commands/`; this file only wires
 * commander, the global options and the translation of errors into messages and exit codes
 * (0 done, 1 failed, 2 bad usage, 3 done with warnings under --strict).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { ProductOpsError, UsageError } from '../shared/errors.js';
import { formulaCheck, formulaEval } from './commands/formula.js';
import { type CliIo, EXIT, type GlobalOptions, processIo } from './io.js';

const readStdin = () => readFileSync(0, 'utf8');

export async function main(
  argv: string[],
  io: CliIo = processIo(),
  stdin: () => string = readStdin,
): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('productops')
    .description('Score initiatives with RICE, WSJF and math models, from the spreadsheets PMs already use.')
    .option('--config <path>', 'config file (default ./productops.config.json, or $PRODUCTOPS_CONFIG)')
    .option('--dry-run', 'read, compute and print what would be written; write nothing', false)
    .option('--json', 'one JSON document on stdout, logs on stderr', false)
    .addOption(
      new Option('--log-level <level>', 'how much to log')
        .choices(['error', 'warn', 'info', 'debug'])
        .default('info'),
    )
    .option('--quiet', 'print only warnings and errors', false)
    .option('--strict', 'exit with 3 when the run has warnings', false)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError(false);

  const globals = (): GlobalOptions => program.opts<GlobalOptions>();

  const formula = program.command('formula').description('check or evaluate a formula script (FORMULA.md)');
  formula
    .command('check <file>')
    .description("validate a script ('-' reads stdin): prints its issues, inputs and outputs")
    .action((file: string) => {
      exitCode = formulaCheck(file, globals(), io, stdin);
    });
  formula
    .command('eval <file>')
    .description('evaluate a script and print every assigned name')
    .option('--param <NAME=VALUE...>', 'an input value; repeat for each input', [])
    .action((file: string, opts: { param: string[] }) => {
      exitCode = formulaEval(file, opts.param, globals(), io, stdin);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version end the program normally; anything else is a usage mistake.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      io.stderr(`productops: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof ProductOpsError) {
      io.stderr(`productops: ${e.message}\n`);
      return EXIT.failed;
    }
    io.stderr(`productops: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.failed;
  }
}
