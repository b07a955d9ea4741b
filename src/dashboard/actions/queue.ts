/**
 * The line of runs asked for through the actions API: first in, first run, one at a time. The
 * line itself is in memory; each request's state is in the `run_requests` table from the moment it
 * is queued, so a caller can poll it and the dashboard can list it. A run that throws is marked
 * failed with its message and the next one starts. One at a time in this process, and the
 * database's run lock (runFlows) keeps out runs of other processes (watch, cron, a colleague's
 * `productops run`), which this line waits for.
 *
 * Nothing of the line outlives the process: a queue that starts marks requests an earlier server
 * left queued or running as failed, and one that closes does the same for those still waiting.
 */
import {
  type Database,
  failUnfinishedRunRequests,
  finishRunRequest,
  insertRunRequest,
  markRunRequestRunning,
  type RunRequestEnding,
  type RunRequestRow,
} from '../../db/index.js';
import type { RunReport } from '../../flows/index.js';
import { ProductOpsError, UsageError } from '../../shared/errors.js';
import { type Logger, silentLogger } from '../../shared/logging.js';
import { redactUrls } from '../../shared/redact.js';
import { type ActionCommand, KEYED_COMMANDS } from './commands.js';
import type { RunRequestInput } from './request-body.js';

/** What the executor is asked to run: keys only for a command that honours them (KEYED_COMMANDS). */
export interface ActionRequest {
  command: ActionCommand;
  /** The initiatives to limit the LLM steps and param seeding to; null for every row. */
  keys: readonly string[] | null;
  /** Suggest again for rows suggested within `llm.debounceHours` (`--force`). */
  force: boolean;
}

/**
 * Runs one request to the end and returns its report, or throws when the run fails. Production
 * runs the CLI's command on the server's database (serve.ts); tests pass their own.
 */
export type ActionExecutor = (request: ActionRequest) => Promise<RunReport>;

/** What a finished request's `summary_json` holds. */
export interface RunRequestSummary {
  dryRun: boolean;
  /** Per step: rows read, cells written, warnings. */
  steps: RunReport['steps'];
  notes: string[];
  /** How many initiatives the run ranked, and how many warnings it found. */
  ranked: number;
  warnings: number;
}

export interface ActionQueueOptions {
  database: Database;
  executor: ActionExecutor;
  /** Stamps queued/started/finished; the clock when not given. */
  now?: () => Date;
  /** A line per request started and finished; silent when not given. */
  logger?: Logger;
  /** How many requests may wait at once (default 20): a script looping on the menu stops there. */
  maxWaiting?: number;
}

export type EnqueueResult =
  | { ok: true; request: RunRequestRow }
  | { ok: false; reason: 'full' | 'closed'; message: string };

export interface ActionQueue {
  /**
   * Fails what an earlier server left queued or running; once, however often it is called. The
   * server calls it once it listens (a server that cannot listen must leave another's requests
   * alone); the first request waits for it.
   */
  start(): Promise<void>;
  /** Records the request as queued and puts it at the end of the line. */
  enqueue(input: RunRequestInput): Promise<EnqueueResult>;
  /** How many requests wait, not counting the one running. */
  readonly waiting: number;
  /** Resolves once nothing waits or runs. */
  idle(): Promise<void>;
  /** Takes no more requests, fails those waiting, and resolves once the running one has finished. */
  close(): Promise<void>;
}

export const STOPPED_BEFORE_RUN = 'the server stopped before it ran';
export const STOPPED_WHILE_RUNNING = 'the server stopped while it ran; see the sheets for what it wrote';

const DEFAULT_MAX_WAITING = 20;

/** A queue on `database`; nothing happens until it is started or asked for a run. */
export function createActionQueue(options: ActionQueueOptions): ActionQueue {
  const now = () => (options.now ?? (() => new Date()))().toISOString();
  return new FifoActionQueue(options, now);
}

interface Waiting {
  id: number;
  input: RunRequestInput;
}

class FifoActionQueue implements ActionQueue {
  readonly #pending: Waiting[] = [];
  #running: Promise<void> | null = null;
  /** The request being run, for the line `close` logs. */
  #current: Waiting | null = null;
  #closed = false;
  #started: Promise<void> | null = null;
  readonly #logger: Logger;
  readonly #maxWaiting: number;

  constructor(
    private readonly options: ActionQueueOptions,
    private readonly now: () => string,
  ) {
    this.#logger = options.logger ?? silentLogger;
    this.#maxWaiting = options.maxWaiting ?? DEFAULT_MAX_WAITING;
  }

  get waiting(): number {
    return this.#pending.length;
  }

  start(): Promise<void> {
    this.#started ??= (async () => {
      const { database } = this.options;
      await failUnfinishedRunRequests(database, 'queued', this.now(), STOPPED_BEFORE_RUN);
      await failUnfinishedRunRequests(database, 'running', this.now(), STOPPED_WHILE_RUNNING);
    })();
    return this.#started;
  }

  async enqueue(input: RunRequestInput): Promise<EnqueueResult> {
    await this.start();
    if (this.#closed)
      return { ok: false, reason: 'closed', message: 'the server is stopping; ask again once it is back' };
    if (this.#pending.length >= this.#maxWaiting) {
      return {
        ok: false,
        reason: 'full',
        message: `${this.#pending.length} runs are already waiting; ask again once they have run`,
      };
    }
    const row = {
      command: input.command,
      keys_json: input.keys ? JSON.stringify(input.keys) : null,
      force: input.force ? 1 : 0,
      requested_by: input.requestedBy,
      status: 'queued' as const,
      queued_at: this.now(),
      started_at: null,
      finished_at: null,
      run_id: null,
      summary_json: null,
      warnings_json: null,
      error: null,
    };
    const id = await insertRunRequest(this.options.database, row);
    this.#pending.push({ id, input });
    this.#kick();
    return { ok: true, request: { id, ...row } };
  }

  async idle(): Promise<void> {
    // A finished drain may have started the next one: wait until none runs.
    while (this.#running) await this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const left = this.#pending.splice(0);
    for (const { id } of left) {
      await this.#finish(id, { status: 'failed', finished_at: this.now(), error: STOPPED_BEFORE_RUN });
    }
    if (this.#current) {
      this.#logger.info(
        `stopping once run request ${this.#current.id} (${this.#current.input.command}) has finished`,
      );
    }
    await this.idle();
  }

  #kick(): void {
    if (this.#running || this.#pending.length === 0) return;
    this.#running = this.#drain().finally(() => {
      this.#running = null;
      // A request queued while the drain was ending would otherwise wait for the next one.
      this.#kick();
    });
  }

  async #drain(): Promise<void> {
    for (let next = this.#pending.shift(); next; next = this.#pending.shift()) {
      this.#current = next;
      await this.#runOne(next);
      this.#current = null;
    }
  }

  async #runOne({ id, input }: Waiting): Promise<void> {
    const { database, executor } = this.options;
    const who = input.requestedBy ? `, asked by ${input.requestedBy}` : '';
    this.#logger.info(`run request ${id} (${input.command}${who}): running`);
    try {
      await markRunRequestRunning(database, id, this.now());
    } catch (e) {
      this.#logger.error(`cannot record that run request ${id} started: ${(e as Error).message}`);
    }
    const keyed = KEYED_COMMANDS.has(input.command);
    let ending: RunRequestEnding;
    try {
      const report = await executor({
        command: input.command,
        keys: keyed ? input.keys : null,
        force: input.force,
      });
      const notes = [...report.notes];
      if (input.keys && !keyed) {
        notes.push(
          `The selected rows were not used: ${input.command} covers every row (only models suggest and params seed work on selected rows).`,
        );
      }
      const summary: RunRequestSummary = {
        dryRun: report.dryRun,
        steps: report.steps,
        notes,
        ranked: report.ranking.length,
        warnings: report.warnings.length,
      };
      ending = {
        status: 'done',
        finished_at: this.now(),
        run_id: report.runId ?? null,
        summary_json: JSON.stringify(summary),
        warnings_json: JSON.stringify(report.warnings),
      };
      this.#logger.info(`run request ${id} (${input.command}): done, ${report.warnings.length} warning(s)`);
    } catch (e) {
      const error = failureMessage(e);
      ending = { status: 'failed', finished_at: this.now(), error };
      this.#logger.error(`run request ${id} (${input.command}) failed: ${error}`);
    }
    await this.#finish(id, ending);
  }

  /** Records how a request ended; a database that fails here is logged, and the line goes on. */
  async #finish(id: number, ending: RunRequestEnding): Promise<void> {
    try {
      await finishRunRequest(this.options.database, id, ending);
    } catch (e) {
      this.#logger.error(`cannot record how run request ${id} ended: ${(e as Error).message}`);
    }
  }
}

/**
 * A failure as the caller sees it: our own errors say what to do; anything else is a fault of
 * productops, named as such without its stack. URLs lose their passwords either way.
 */
function failureMessage(error: unknown): string {
  const text =
    error instanceof ProductOpsError || error instanceof UsageError
      ? error.message
      : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  return redactUrls(text);
}
