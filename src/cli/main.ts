/**
 * argv → command → exit code. Every command body lives in `commands/`; this file only wires
 * commander, the global options and the translation of errors into messages and exit codes
 * (0 done, 1 failed, 2 bad usage, 3 done with warnings under --strict).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { FlowName } from '../flows/context.js';
import { ProductOpsError, UsageError } from '../shared/errors.js';
import { redactUrls } from '../shared/redact.js';
import { demoCommand } from './commands/demo.js';
import { ALL_FLOWS, LLM_OFF_NOTE, type LlmCommandOptions, runCommand } from './commands/flows.js';
import { formulaCheck, formulaEval } from './commands/formula.js';
import { initCommand } from './commands/init.js';
import { statusCommand } from './commands/status.js';
import { workspaceConfig } from './commands/workspace.js';
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

  const llmOptions = (c: Command) =>
    c
      .option('--limit <n>', 'at most this many rows get an LLM suggestion')
      .option('--max-llm-calls <n>', 'at most this many LLM calls (corrections included)')
      .option('--force', 'suggest again for rows suggested within llm.debounceHours', false);
  const flow = (c: Command, name: string, include: readonly FlowName[]) =>
    c.action(async (opts: LlmCommandOptions) => {
      if (name === 'models suggest' && !workspaceConfig(globals(), io).llm.configured) {
        // Nothing else to do without an LLM: say how to enable it.
        io.stderr(`${LLM_OFF_NOTE}\n`);
        return;
      }
      exitCode = (await runCommand(name, include, globals(), io, 20, opts)).code;
    });

  flow(
    llmOptions(
      program.command('run').description('the main job: every flow in order, one read and one write per tab'),
    ),
    'run',
    ALL_FLOWS,
  );
  program
    .command('demo [dir]')
    .description(
      'write a config and two sample workbooks into DIR (default ./productops-demo), run, print the ranking',
    )
    .action(async (dir: string | undefined) => {
      exitCode = await demoCommand(dir, globals(), io);
    });
  program
    .command('init')
    .description('create missing workbooks, tabs and header columns; never deletes or reorders')
    .action(async () => {
      exitCode = await initCommand(globals(), io);
    });
  program
    .command('status')
    .description('what is configured (workbooks, database, LLM) and the rows per tab; writes nothing')
    .action(async () => {
      exitCode = await statusCommand(globals(), io);
    });

  // Each flow on its own: `productops <group> <verb>` (CLI.md).
  const groups = new Map<string, Command>([
    ['backlog', program.command('backlog').description('Flow 1: the Central Backlog')],
    ['scoring', program.command('scoring').description('Flows 2 and 3: the scoreboard')],
    ['models', program.command('models').description('Flow 4: MathModels')],
    ['params', program.command('params').description('Flow 4: Params')],
  ]);
  const singleFlows: [FlowName, string, boolean][] = [
    ['backlog sync', 'keys for new rows, active scores, rank and warnings → Backlog', false],
    ['scoring sync', 'Scoring_Inputs ↔ database; a row per initiative', false],
    ['scoring compute', 'RICE, WSJF and MATH_MODEL scores into the database', false],
    ['scoring activate', "copy each initiative's chosen framework scores into its active fields", false],
    ['scoring write', 'per-framework scores and warnings → Scoring_Inputs', false],
    ['models sync', 'MathModels ↔ database; a row per use_math_model initiative', false],
    ['models suggest', 'suggest formulas with the LLM for eligible rows', true],
    ['params seed', 'a Params row for each new input of an approved formula', true],
    ['params sync', 'Params ↔ database: statuses, used_in_formula, last_updated_at', false],
  ];
  for (const [name, description, usesLlm] of singleFlows) {
    const [group, verb] = name.split(' ') as [string, string];
    const command = groups.get(group)!.command(verb).description(description);
    flow(usesLlm ? llmOptions(command) : command, name, [name]);
  }
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
    // Messages may quote a URL (a base URL, a proxy): its password is never printed.
    if (e instanceof UsageError) {
      io.stderr(`productops: ${redactUrls(e.message)}\n`);
      return EXIT.usage;
    }
    if (e instanceof ProductOpsError) {
      io.stderr(`productops: ${redactUrls(e.message)}\n`);
      return EXIT.failed;
    }
    io.stderr(`productops: unexpected error: ${redactUrls((e as Error).stack ?? String(e))}\n`);
    return EXIT.failed;
  }
}
