/**
 * The run's log: pino, at the level `--log-level` asks for, written to stderr as short readable
 * lines (`info: reading productops.xlsx`). stdout stays free for `--json`. Secrets never reach
 * it: nothing logs config values, only labels and counts, and every line is passed through
 * `redactUrls` as well, so a URL quoted in a message (an error's text) never shows a password.
 */
import { type Logger, pino } from 'pino';
import { redactUrls } from './redact.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export type { Logger };

export function createLogger(level: LogLevel, write: (line: string) => void): Logger {
  return pino(
    { level, base: undefined, timestamp: false },
    {
      write(json: string) {
        const entry = JSON.parse(json) as { level: number; msg: string };
        write(redactUrls(`${pino.levels.labels[entry.level] ?? 'log'}: ${entry.msg}\n`));
      },
    },
  );
}

/** A logger that drops everything, for library callers that do not pass one. */
export const silentLogger: Logger = pino({ level: 'silent' });
