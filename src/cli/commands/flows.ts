/** The flow commands: `run`, and each flow on its own (CLI.md). */
import type { Config } from '../../config/index.js';
import type { Database } from '../../db/index.js';
import {
  FLOWS,
  type FlowName,
  type LlmDeps,
  type RunDeps,
  type RunReport,
  runFlows,
} from '../../flows/index.js';
import { createLlmClient } from '../../llm/index.js';
import { UsageError } from '../../shared/errors.js';
import { createLogger, type Logger } from '../../shared/logging.js';
import { type CliIo, EXIT, type GlobalOptions } from '../io.js';
import { createProgress } from '../progress.js';
import { printReport } from '../summary.js';
import { openWorkspace, type Workspace } from './workspace.js';

export const LLM_OFF_NOTE =
  'LLM suggestions are off: set OPENAI_API_KEY (or llm.baseUrl / OPENAI_BASE_URL for a local server such as Ollama) to get formula and param suggestions.';

export const DEMO_LLM_NOTE =
  "The demo runs without the LLM; run 'productops run' in the demo folder, with an LLM configured, to get suggestions.";

/** --limit, --max-llm-calls, --force, as commander parses them. */
export interface LlmCommandOptions {
  limit?: string;
  maxLlmCalls?: string;
  force?: boolean;
  /** Run without the LLM even when one is configured (the demo: offline and reproducible). */
  off?: boolean;
  /** RunOptions.onlyKeys: the rows selected in the sheet (the actions API); every row when not given. */
  onlyKeys?: readonly string[];
}

/** --top N and --all, as commander parses them. */
export interface RankingOptions {
  top?: string;
  all?: boolean;
}

/** How many ranked rows to print: --top N, every row with --all, else `fallback`. */
export function rankingLimit(options: RankingOptions, fallback: number): number {
  if (options.all && options.top !== undefined) throw new UsageError('use either --top N or --all, not both');
  if (options.all) return Number.POSITIVE_INFINITY;
  return count(options.top, '--top') ?? fallback;
}

function count(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`${flag} needs a whole number of 0 or more, got '${value}'`);
  return n;
}

/** The LLM co-pilot for this command, or undefined when none is configured. */
async function llmDeps(
  config: Config,
  llmOptions: LlmCommandOptions,
  options: GlobalOptions,
  io: CliIo,
): Promise<LlmDeps | undefined> {
  const limit = count(llmOptions.limit, '--limit');
  const maxCalls = count(llmOptions.maxLlmCalls, '--max-llm-calls');
  const client = await createLlmClient(config.llm);
  if (!client) return undefined;
  const deps: LlmDeps = {
    client,
    maxCalls: maxCalls ?? config.llm.maxCallsPerRun,
    force: llmOptions.force ?? false,
    debounceHours: config.llm.debounceHours,
    copySuggestionToFinal: config.llm.copySuggestionToFinal,
    progress: createProgress(options, io),
  };
  if (limit !== undefined) deps.limit = limit;
  return deps;
}

/** What every flow command runs on: the workspace's config, workbooks and database, and the logger. */
export function workspaceDeps(ws: Workspace, options: GlobalOptions, io: CliIo): RunDeps {
  return {
    config: ws.config,
    backlog: ws.backlog,
    productOps: ws.productOps,
    database: ws.database,
    logger: cliLogger(options, io),
  };
}

/** Progress lines on stderr, at `--log-level` (errors only with --quiet). */
export function cliLogger(options: GlobalOptions, io: CliIo): Logger {
  return createLogger(options.quiet ? 'error' : options.logLevel, io.stderr);
}

export async function runCommand(
  command: string,
  include: readonly FlowName[],
  options: GlobalOptions,
  io: CliIo,
  /** How many ranked rows the summary shows; 0 when the caller prints the ranking itself. */
  rankingLimit = 20,
  llmOptions: LlmCommandOptions = {},
  /** Lines for the summary from the caller (the demo's). */
  extraNotes: readonly string[] = [],
  /** An open database to run on instead of the config's (openWorkspace: the server's own). */
  database?: Database,
): Promise<{ code: number; report: RunReport }> {
  const ws = await openWorkspace(options, io, database ? { database } : {});
  try {
    const notes: string[] = [...ws.notes, ...extraNotes];
    const usesLlm = include.includes('models suggest') || include.includes('params seed');
    const llm = usesLlm && !llmOptions.off ? await llmDeps(ws.config, llmOptions, options, io) : undefined;
    if (usesLlm && !llm) notes.push(llmOptions.off ? DEMO_LLM_NOTE : LLM_OFF_NOTE);
    const report = await runFlows(
      { ...workspaceDeps(ws, options, io), ...(llm ? { llm } : {}) },
      {
        command,
        include: new Set(include),
        dryRun: options.dryRun,
        notes,
        ...(llmOptions.onlyKeys ? { onlyKeys: new Set(llmOptions.onlyKeys) } : {}),
      },
    );
    printReport(report, options, io, rankingLimit);
    const code = options.strict && report.warnings.length > 0 ? EXIT.warnings : EXIT.ok;
    return { code, report };
  } finally {
    await ws.close();
  }
}

export const ALL_FLOWS: readonly FlowName[] = FLOWS;
