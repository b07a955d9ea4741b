/** Where a command writes; the real process streams in production, buffers in tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal: progress bars instead of plain lines. */
  isTty: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTty: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
    env: process.env,
  };
}

/** Options every command accepts (CLI.md). */
export interface GlobalOptions {
  config?: string;
  dryRun: boolean;
  json: boolean;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  quiet: boolean;
  strict: boolean;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, warnings: 3 } as const;

/** Resolves on Ctrl-C (or a polite kill). */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
