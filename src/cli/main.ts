/**
 * argv → command → exit code. Every command body lives in `commands/`; this file only wires
 * commander, the global options and the translation of errors into messages and exit codes
 * (0 done, 1 failed, 2 bad usage, 3 done with warnings under --strict).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { FlowName } from '../flows/index.js';
import { ProductOpsError, UsageError } from '../shared/errors.js';
import { redactUrls } from '../shared/redact.js';
import { demoCommand } from './commands/demo.js';
import { explainCommand } from './commands/explain.js';
import {
  ALL_FLOWS,
  LLM_OFF_NOTE,
  type LlmCommandOptions,
  type RankingOptions,
  rankingLimit,
  runCommand,
} from './commands/flows.js';
import { formulaCheck, formulaEval } from './commands/formula.js';
import { initCommand } from './commands/init.js';
import { type ServeOptions, serveCommand } from './commands/serve.js';
import { simulateCommand } from './commands/simulate.js';
import { statusCommand } from './commands/status.js';
import { type WatchOptions, watchCommand } from './commands/watch.js';
import { workspaceConfig } from './commands/workspace.js';
import { type CliIo, EXIT, type GlobalOptions, processIo } from './io.js';

const readStdin = () => readFileSync(0, 'utf8');

/** The installed package's version: package.json sits two folders up from src/cli and dist/cli. */
const version = (): string =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;

const HELP_FOOTER = `
Start with 'productops demo' to see it on sample workbooks, or 'productops init' then
'productops run' on your own. Exit codes: 0 done (warnings allowed), 1 failed, 2 bad usage,
3 done with warnings under --strict.`;

export async function main(
  argv: string[],
  io: CliIo = processIo(),
  stdin: () => string = readStdin,
): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('productops')
    .description(
      'Score product initiatives with RICE, WSJF and math models, straight from the spreadsheets your team already uses.',
    )
    .version(version(), '-V, --version', 'print the version of productops')
    // Every subcommand's --help lists these too; commander copies this setting to each subcommand.
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', HELP_FOOTER)
    .addHelpText('after', '\nDocs: docs/workbooks.md (columns), docs/formulas.md, docs/cli.md (config).')
    .option('--config <path>', 'config file (default ./productops.config.json, or $PRODUCTOPS_CONFIG)')
    .option('--dry-run', 'read and compute, then list the cells it would write; writes nothing', false)
    .option('--json', 'print one JSON document on stdout (logs stay on stderr)', false)
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
  const rankingOptions = (c: Command, shown = 'default 20') =>
    c
      .option('--top <n>', `show the first N rows of the ranking (${shown})`)
      .option('--all', 'show every ranked initiative', false);
  const flow = (c: Command, name: string, include: readonly FlowName[]) =>
    rankingOptions(c).action(async (opts: LlmCommandOptions & RankingOptions) => {
      const limit = rankingLimit(opts, 20);
      if (name === 'models suggest' && !workspaceConfig(globals(), io).llm.configured) {
        // Nothing else to do without an LLM: say how to enable it.
        io.stderr(`${LLM_OFF_NOTE}\n`);
        return;
      }
      exitCode = (await runCommand(name, include, globals(), io, limit, opts)).code;
    });

  flow(
    llmOptions(
      program
        .command('run')
        .description(
          'the main job: give new initiatives a key, compute every score, rank the backlog and write the results into the workbooks (each tab read once, written at most once)',
        ),
    ),
    'run',
    ALL_FLOWS,
  );
  rankingOptions(
    program
      .command('demo [dir]')
      .description(
        'write a config and two sample workbooks into DIR (default ./productops-demo), run there, print the ranking',
      ),
    'default all',
  ).action(async (dir: string | undefined, opts: RankingOptions) => {
    exitCode = await demoCommand(dir, globals(), io, rankingLimit(opts, Number.POSITIVE_INFINITY));
  });
  program
    .command('init')
    .description('create missing workbooks, tabs and header columns; never deletes or reorders')
    .action(async () => {
      exitCode = await initCommand(globals(), io);
    });
  program
    .command('simulate [keys...]')
    .description(
      "Monte Carlo over the params' min/max: P10/P50/P90 of value and overall, the chance to make the top N, a histogram and the tornado per initiative (all scored ones, or the KEYs given); writes nothing",
    )
    .action(async (keys: string[]) => {
      exitCode = await simulateCommand(keys, globals(), io);
    });
  rankingOptions(
    program
      .command('watch')
      .description(
        'check the workbooks every --every and do what run does once a change has stayed put (min(every, 30s)), one run at a time, until Ctrl-C',
      )
      .option('--every <duration>', 'how often to check: 30s, 2m, 1h or seconds (default 2m, at least 1s)'),
  ).action(async (opts: WatchOptions) => {
    exitCode = await watchCommand(opts, globals(), io);
  });
  program
    .command('explain <key>')
    .description(
      "why an initiative's score and rank changed between the last two runs that changed its score (or since --since): the formula diff, each changed param and how much of the change it explains, who passed it; reads the database, writes nothing",
    )
    .option(
      '--since <run|date>',
      'compare with the initiative after this run (an id) or at this date (YYYY-MM-DD)',
    )
    .action(async (key: string, opts: { since?: string }) => {
      exitCode = await explainCommand(key, opts.since, globals(), io);
    });
  program
    .command('serve')
    .description(
      'a dashboard of the ranking, each initiative, the warnings and the LLM calls, with a JSON API, from the database; on 127.0.0.1 unless --host, which needs a token; with a token, runs can be queued (POST /api/runs, the Apps Script menu); --watch also runs when a workbook changed',
    )
    .option('--port <n>', 'the port to listen on (default 4310)')
    .option('--host <host>', 'the address to listen on (default 127.0.0.1); another one needs --token')
    .option('--token <token>', 'every request must carry it (default $PRODUCTOPS_TOKEN)')
    .option('--watch', 'also run whenever a workbook changed, as productops watch does', false)
    .option('--every <duration>', 'with --watch: how often to check (default 2m)')
    .action(async (opts: ServeOptions) => {
      exitCode = await serveCommand(opts, globals(), io);
    });
  program
    .command('status')
    .description(
      'what is configured (workbooks, database, LLM), the rows per tab, the last run and how many initiatives are ranked; writes nothing',
    )
    .action(async () => {
      exitCode = await statusCommand(globals(), io);
    });

  // One part of `run` on its own: `productops <group> <verb>` (CLI.md). What each group does is
  // said in the PM's words: the tabs they see, not the flow numbers of the design.
  const groups = new Map<string, Command>([
    [
      'backlog',
      program
        .command('backlog')
        .description('one part of run on its own: the Central Backlog (keys, active scores, rank, warnings)'),
    ],
    [
      'scoring',
      program
        .command('scoring')
        .description(
          "one part of run on its own: RICE and WSJF inputs, every framework's scores, the scores that count",
        ),
    ],
    [
      'models',
      program
        .command('models')
        .description('one part of run on its own: MathModels, a value formula per initiative'),
    ],
    [
      'params',
      program
        .command('params')
        .description('one part of run on its own: Params, the numbers your formulas use'),
    ],
  ]);
  const singleFlows: [FlowName, string, boolean][] = [
    [
      'backlog sync',
      'write keys for new initiatives, the active scores, rank and warnings to the Backlog',
      false,
    ],
    [
      'scoring sync',
      'add a Scoring_Inputs row per initiative and keep the fields it shares with the Backlog in step',
      false,
    ],
    ['scoring compute', 'compute the RICE, WSJF and math-model scores (kept in the database)', false],
    ['scoring activate', "pick each initiative's scores from its active_scoring_framework, then rank", false],
    ['scoring write', "write every framework's scores and input warnings to Scoring_Inputs", false],
    ['models sync', 'add a MathModels row for each initiative with use_math_model ticked', false],
    ['models suggest', 'ask the LLM to suggest a formula for MathModels rows that describe a model', true],
    ['params seed', 'add a Params row for each input of an approved formula', true],
    ['params sync', 'mark each Params row as used or unused, its status and when it last changed', false],
  ];
  for (const [name, description, usesLlm] of singleFlows) {
    const [group, verb] = name.split(' ') as [string, string];
    const command = groups.get(group)!.command(verb).description(description);
    flow(usesLlm ? llmOptions(command) : command, name, [name]);
  }
  const formula = program
    .command('formula')
    .description('check or evaluate a formula script (docs/formulas.md)');
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
