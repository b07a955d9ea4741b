/**
 * `--every`: how often the watcher checks the workbooks, as a person writes it (`30s`, `2m`, `1h`,
 * or plain seconds such as `90`), and back into words for messages.
 */
import { UsageError } from '../shared/errors.js';

/** Checking more often finds nothing sooner: a save takes a moment, and every check costs a read. */
export const MIN_EVERY_MS = 1_000;
/**
 * Past a day a timer is the wrong tool: a scheduled run (cron, a systemd timer) does it without a
 * process that waits for days (docs/team.md "Scheduled runs").
 */
export const MAX_EVERY_MS = 24 * 60 * 60 * 1_000;
export const DEFAULT_EVERY = '2m';

const UNIT_MS: Record<string, number> = { '': 1_000, s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds for an `--every` value; a UsageError (exit code 2) names the bad value. */
export function parseEvery(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([smh]?)$/i.exec(text.trim());
  if (!match) {
    throw new UsageError(
      `--every needs a duration such as 30s, 2m, 1h or a number of seconds, got '${text}'`,
    );
  }
  const ms = Math.round(Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]!);
  if (ms < MIN_EVERY_MS) throw new UsageError(`--every must be at least 1s, got '${text}'`);
  if (ms > MAX_EVERY_MS) {
    throw new UsageError(
      `--every must be at most 24h, got '${text}'; for less frequent runs schedule 'productops run' instead (docs/team.md)`,
    );
  }
  return ms;
}

/** `90000` → `1m30s`, `2000` → `2s`, `1500` → `1.5s`: the largest units that are exact. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(3))}s`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = Number(((ms % 60_000) / 1000).toFixed(3));
  return `${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds ? `${seconds}s` : ''}`;
}
