/**
 * `productops watch [--every 2m]`: checks the workbooks every period and, once a change has
 * settled, does what `productops run` does (runCommand), one run at a time, until Ctrl-C, which
 * stops after the run in progress. The timing lives in src/watch; this file wires it to the
 * config, the run and the terminal.
 */
import type { Config } from '../../config/index.js';
import { ProductOpsError, UsageError } from '../../shared/errors.js';
import { redactUrls } from '../../shared/redact.js';
import {
  DEFAULT_EVERY,
  formatDuration,
  parseEvery,
  type WatchEvent,
  type WorkbookWatch,
  watchWorkbooks,
} from '../../watch/index.js';
import { type CliIo, EXIT, type GlobalOptions, untilInterrupted } from '../io.js';
import { ALL_FLOWS, cliLogger, type RankingOptions, rankingLimit, runCommand } from './flows.js';
import { workspaceConfig } from './workspace.js';

export interface WatchOptions extends RankingOptions {
  every?: string;
}

/** `stopped`: when to stop watching; Ctrl-C or SIGTERM by default (tests pass their own). */
export async function watchCommand(
  opts: WatchOptions,
  options: GlobalOptions,
  io: CliIo,
  stopped: () => Promise<void> = untilInterrupted,
): Promise<number> {
  // Bad usage stops here, not in the first run the watcher would retry forever.
  const every = parseEvery(opts.every ?? DEFAULT_EVERY);
  const limit = rankingLimit(opts, 20);
  const config = workspaceConfig(options, io);
  const watch = await startWatching(config, every, options, io, async () => {
    await runCommand('run', ALL_FLOWS, options, io, limit);
  });
  await Promise.race([stopped(), watch.done]);
  cliLogger(options, io).info('stopping after the run in progress, if any (Ctrl-C again quits at once)');
  await watch.stop();
  return EXIT.ok;
}

/**
 * Watches the config's workbooks, `run` being what a settled change does, with the watcher's
 * events as log lines and, unless quiet, a line at start naming what is watched and what the
 * checks cost. Shared by `watch` and `serve --watch`.
 */
export async function startWatching(
  config: Config,
  every: number,
  options: GlobalOptions,
  io: CliIo,
  run: () => Promise<void>,
): Promise<WorkbookWatch> {
  const logger = cliLogger(options, io);
  const logEvent = (event: WatchEvent): void => {
    switch (event.kind) {
      case 'checked':
        logger.debug(
          event.changed.length > 0 ? `checked: ${event.changed.join(', ')} changed` : 'checked: no change',
        );
        return;
      case 'changed':
        logger.info(
          `${event.workbooks.join(' and ')} changed; running once unchanged for ${formatDuration(event.debounceMs)}`,
        );
        return;
      case 'run-started':
        logger.info(event.workbooks.length > 0 ? 'running' : 'running again after the failed run');
        return;
      case 'run-finished':
        logger.info(`run done in ${formatDuration(Math.round(event.ms / 100) * 100)}; watching`);
        return;
      case 'run-failed':
        logger.error(
          `the run failed: ${reason(event.error)}\nretrying in ${formatDuration(event.retryInMs)}, or sooner when a workbook changes`,
        );
        return;
      case 'check-failed':
        logger.warn(
          `cannot check the workbooks: ${reason(event.error)}; trying again in ${formatDuration(event.retryInMs)}`,
        );
        return;
      case 'check-recovered':
        logger.info('the workbooks can be checked again');
        return;
      case 'stopped':
        logger.info('stopped');
        return;
      default: {
        const never: never = event;
        throw new Error(`unknown watch event ${(never as { kind: string }).kind}`);
      }
    }
  };

  const watch = await watchWorkbooks({
    config,
    env: io.env,
    every,
    onEvent: logEvent,
    onChange: run,
  });
  const labels = watch.workbooks.map((w) => w.label);
  if (options.json) {
    io.stdout(
      `${JSON.stringify({ watching: labels, everyMs: every, debounceMs: watch.debounce, quota: watch.quota })}\n`,
    );
  } else if (!options.quiet) {
    io.stdout(
      `Watching ${labels.join(' and ')}: a change runs once they have stayed unchanged for ${formatDuration(watch.debounce)}. Ctrl-C stops after the current run.\n${capitalized(watch.quota)}.\n`,
    );
  }
  if (watch.quotaWarning) logger.warn(watch.quotaWarning);
  return watch;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A failure as main.ts would print it: the message of our own errors, the stack of anything else. */
function reason(error: unknown): string {
  const text =
    error instanceof ProductOpsError || error instanceof UsageError
      ? error.message
      : ((error as Error).stack ?? String(error));
  return redactUrls(text);
}
