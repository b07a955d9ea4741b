/** The flow commands: `run`, and each flow on its own (CLI.md). */
import { FLOWS, type FlowName } from '../../flows/context.js';
import { type RunReport, runFlows } from '../../flows/run.js';
import { createLogger, type Logger } from '../../shared/logging.js';
import { type CliIo, EXIT, type GlobalOptions } from '../io.js';
import { printReport } from '../summary.js';
import { openWorkspace } from './workspace.js';

export const LLM_OFF_NOTE =
  'LLM suggestions are off: set OPENAI_API_KEY (or llm.baseUrl / OPENAI_BASE_URL for a local server such as Ollama) to get formula and param suggestions.';

export async function runCommand(
  command: string,
  include: readonly FlowName[],
  options: GlobalOptions,
  io: CliIo,
  /** How many ranked rows the summary shows; 0 when the caller prints the ranking itself. */
  rankingLimit = 20,
): Promise<{ code: number; report: RunReport }> {
  const ws = await openWorkspace(options, io);
  try {
    const notes: string[] = [];
    if (
      (include.includes('models suggest') || include.includes('params seed')) &&
      !ws.config.llm.configured
    ) {
      notes.push(LLM_OFF_NOTE);
    }
    const report = await runFlows(
      {
        config: ws.config,
        backlog: ws.backlog,
        productOps: ws.productOps,
        database: ws.database,
        logger: cliLogger(options, io),
      },
      { command, include: new Set(include), dryRun: options.dryRun, notes },
    );
    printReport(report, options, io, rankingLimit);
    const code = options.strict && report.warnings.length > 0 ? EXIT.warnings : EXIT.ok;
    return { code, report };
  } finally {
    await ws.close();
  }
}

/** Progress lines on stderr, at `--log-level` (errors only with --quiet). */
export function cliLogger(options: GlobalOptions, io: CliIo): Logger {
  return createLogger(options.quiet ? 'error' : options.logLevel, io.stderr);
}

export const ALL_FLOWS: readonly FlowName[] = FLOWS;
