/**
 * Progress of a long step (LLM calls): a bar on a terminal, plain lines otherwise (CI logs,
 * pipes), nothing with --quiet or --json.
 */
import cliProgress from 'cli-progress';
import type { CliIo, GlobalOptions } from './io.js';

export interface Progress {
  start(total: number, label: string): void;
  tick(detail: string): void;
  stop(): void;
}

export const noProgress: Progress = { start() {}, tick() {}, stop() {} };

export function createProgress(options: GlobalOptions, io: CliIo): Progress {
  if (options.quiet || options.json) return noProgress;
  if (io.isTty) {
    const bar = new cliProgress.SingleBar(
      { format: '{label} [{bar}] {value}/{total} {detail}', stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    return {
      start: (total, label) => bar.start(total, 0, { label, detail: '' }),
      tick: (detail) => bar.increment(1, { detail }),
      stop: () => bar.stop(),
    };
  }
  let done = 0;
  let total = 0;
  let label = '';
  return {
    start(t, l) {
      done = 0;
      total = t;
      label = l;
    },
    tick(detail) {
      done += 1;
      io.stderr(`${label} ${done}/${total}: ${detail}\n`);
    },
    stop() {},
  };
}
